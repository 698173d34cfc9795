//! Safety guards that stop a plan before anything runs: too many deletes
//! (`--max-deletes`), too large a share of the managed objects changed
//! (`--max-change-percent`), both lifted by `--force`; and a lockout guard
//! (lifted by `--allow-lockout`) that refuses a plan leaving no active rule
//! that lets anyone into the Okta Admin Console, or no active global session
//! rule that allows sign-in at all.

use serde_json::Value;

use crate::client::wire::{LifecycleStatus, PolicyRule};
use crate::live::LiveOrg;
use crate::manifest::kind::PolicyKind;
use crate::plan::{Action, Change, Plan, Target};

/// The access policy that guards the Admin Console.
pub const ADMIN_CONSOLE_POLICY: &str = "Okta Admin Console";

/// Thresholds.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_deletes: usize,
    /// Updates, deletes and replaces as a share of the live managed objects.
    pub max_change_percent: u32,
    /// Below this many live managed objects the share is not checked.
    pub min_objects_for_percent: usize,
    pub force: bool,
    pub allow_lockout: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_deletes: 10,
            max_change_percent: 30,
            min_objects_for_percent: 10,
            force: false,
            allow_lockout: false,
        }
    }
}

/// Why a plan is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    TooManyDeletes {
        deletes: usize,
        max: usize,
    },
    TooManyChanges {
        changed: usize,
        live: usize,
        max_percent: u32,
    },
    Lockout(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::TooManyDeletes { deletes, max } => write!(
                f,
                "the plan deletes {deletes} objects, more than --max-deletes {max}; check it, then raise the limit or pass --force"
            ),
            Refusal::TooManyChanges {
                changed,
                live,
                max_percent,
            } => write!(
                f,
                "the plan changes or deletes {changed} of {live} managed objects, more than --max-change-percent {max_percent}%; check it, then raise the limit or pass --force"
            ),
            Refusal::Lockout(why) => write!(
                f,
                "{why}; this could lock everyone out of the org. Pass --allow-lockout only if that is intended"
            ),
        }
    }
}

/// Every guard the plan trips.
pub fn check(plan: &Plan, live: &LiveOrg, limits: &Limits) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    let count = |f: &dyn Fn(&Change) -> bool| plan.changes.iter().filter(|c| f(c)).count();
    if !limits.force {
        let deletes = count(&|c| c.action == Action::Delete);
        if deletes > limits.max_deletes {
            refusals.push(Refusal::TooManyDeletes {
                deletes,
                max: limits.max_deletes,
            });
        }
        let live_objects: usize = live
            .lists
            .iter()
            .map(|l| l.policies.len() + l.policies.iter().map(|p| p.rules.len()).sum::<usize>())
            .sum();
        let changed = count(&|c| {
            !c.follow_up
                && matches!(
                    c.action,
                    Action::Update | Action::Delete | Action::Replace | Action::Deactivate
                )
        });
        if live_objects >= limits.min_objects_for_percent
            && changed * 100 > live_objects * limits.max_change_percent as usize
        {
            refusals.push(Refusal::TooManyChanges {
                changed,
                live: live_objects,
                max_percent: limits.max_change_percent,
            });
        }
    }
    if !limits.allow_lockout {
        refusals.extend(lockouts(plan, live));
    }
    refusals
}

/// The rules of a live policy as they will be after the plan.
fn rules_after(plan: &Plan, policy_id: &str, live: &[PolicyRule]) -> Vec<(bool, Value)> {
    let mut rules: Vec<(Option<String>, bool, Value)> = live
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                r.status == Some(LifecycleStatus::Active),
                r.actions.as_ref().cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    for change in &plan.changes {
        let Target::Rule {
            policy_id: Some(target_policy),
            id,
            ..
        } = &change.target
        else {
            continue;
        };
        if target_policy != policy_id {
            continue;
        }
        let actions = change
            .body
            .as_ref()
            .and_then(|b| b.get("actions"))
            .cloned()
            .unwrap_or(Value::Null);
        let existing = rules
            .iter_mut()
            .find(|(rid, _, _)| rid.is_some() && rid == id);
        match (change.action, existing) {
            (Action::Create, _) => rules.push((None, change.activate.unwrap_or(true), actions)),
            (Action::Update | Action::Rename, Some(rule)) => rule.2 = actions,
            (Action::Activate, Some(rule)) => rule.1 = true,
            (Action::Deactivate, Some(rule)) => rule.1 = false,
            (Action::Delete, Some(rule)) => rule.1 = false,
            _ => {}
        }
    }
    rules
        .into_iter()
        .map(|(_, active, actions)| (active, actions))
        .collect()
}

fn lockouts(plan: &Plan, live: &LiveOrg) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    for list in &live.lists {
        match list.kind {
            PolicyKind::Access => {
                let console = list
                    .policies
                    .iter()
                    .find(|p| p.policy.name.as_deref() == Some(ADMIN_CONSOLE_POLICY));
                let Some(console) = console else { continue };
                let Some(id) = console.policy.id.as_deref() else {
                    continue;
                };
                let allowed =
                    rules_after(plan, id, &console.rules)
                        .iter()
                        .any(|(active, actions)| {
                            *active
                                && actions.pointer("/appSignOn/access").and_then(Value::as_str)
                                    != Some("DENY")
                        });
                if !allowed {
                    refusals.push(Refusal::Lockout(format!(
                        "after this plan no active rule of the {ADMIN_CONSOLE_POLICY:?} access policy allows access"
                    )));
                }
            }
            PolicyKind::SignOn => {
                let any_allow = list.policies.iter().any(|p| {
                    let active = p.policy.status == Some(LifecycleStatus::Active)
                        && !plan.changes.iter().any(|c| {
                            matches!(c.action, Action::Delete | Action::Deactivate)
                                && matches!(&c.target, Target::Policy { id: Some(id), .. } if Some(id) == p.policy.id.as_ref())
                        });
                    let Some(id) = p.policy.id.as_deref() else { return false };
                    active
                        && rules_after(plan, id, &p.rules).iter().any(|(active, actions)| {
                            *active && actions.pointer("/signon/access").and_then(Value::as_str) != Some("DENY")
                        })
                });
                let new_allow = plan.changes.iter().any(|c| {
                    c.action == Action::Create
                        && matches!(
                            &c.target,
                            Target::Rule {
                                kind: PolicyKind::SignOn,
                                ..
                            }
                        )
                        && c.body
                            .as_ref()
                            .and_then(|b| b.pointer("/actions/signon/access"))
                            .and_then(Value::as_str)
                            != Some("DENY")
                });
                if !any_allow && !new_allow {
                    refusals.push(Refusal::Lockout(
                        "after this plan no active global session (sign-on) rule allows sign-in"
                            .to_owned(),
                    ));
                }
            }
            _ => {}
        }
    }
    refusals
}
