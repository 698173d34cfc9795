//! The managed kinds before and after the plan, as the evaluator sees
//! them. Before is the live org as read. After is the live org with the
//! plan's changes replayed on it the way `apply` makes them: each `PUT`
//! body (the live object with the managed fields replaced) replaces its
//! object, creates add theirs (a new access or profile enrollment policy
//! with Okta's catch-all rule), deletes remove, lifecycle changes set the
//! status, app mappings move apps, and every priority write is replayed
//! with Okta's arithmetic ([`simulate`]) so each list ends in the order
//! Okta will leave it — unmanaged policies and rules where they stay, a
//! default policy's unlisted rules untouched.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value, json};

use crate::client::Scope;
use crate::client::wire::{Application, Field, LifecycleStatus, Policy, PolicyRule, PolicyType};
use crate::diff::matching::default_index;
use crate::emulator::defaults;
use crate::emulator::kinds::rule_type;
use crate::emulator::priority::{CATCH_ALL, Slot};
use crate::evaluate::PolicySet;
use crate::live::{LiveOrg, mapped_policy, policy_type};
use crate::manifest::kind::PolicyKind;
use crate::plan::priority::{PriorityModel, PriorityWrite, simulate};
use crate::plan::{Action, Change, Plan, Target};

/// The evaluator's view of the org before and after the plan.
#[derive(Debug, Clone)]
pub struct States {
    pub before: PolicySet,
    pub after: PolicySet,
    /// The apps (with their mappings) before and after.
    pub apps_before: Vec<Application>,
    pub apps_after: Vec<Application>,
    /// The policies the plan touches (itself, its rules, its apps or its
    /// place), by ID; a policy the plan creates is `new:<change index>`.
    pub changed: BTreeSet<String>,
    /// Lists whose final order could not be replayed exactly (then the
    /// live order is kept and new members go last).
    pub approximate: Vec<String>,
}

/// One list of policies in Okta's JSON: kind, authorization server,
/// policies with their rules.
type WireList = (PolicyKind, Option<String>, Vec<(Policy, Vec<PolicyRule>)>);

/// A list of policies being replayed.
struct WorkList {
    kind: PolicyKind,
    scope: Scope,
    policies: Vec<WorkPolicy>,
    slots: Vec<Slot>,
    writes: Vec<PriorityWrite>,
}

/// A policy being replayed, with its rules.
struct WorkPolicy {
    policy: Policy,
    rules: Vec<PolicyRule>,
    slots: Vec<Slot>,
    writes: Vec<PriorityWrite>,
}

/// Replays `plan` on `live`.
pub fn states(plan: &Plan, live: &LiveOrg) -> States {
    let everyone = crate::resolve::everyone(&live.directory);
    let mut lists: Vec<WorkList> = live.lists.iter().map(work_list).collect();
    let apps_before = live.apps.clone().unwrap_or_default();
    let mut apps_after = apps_before.clone();
    let unmanaged: HashSet<&str> = plan.unmanaged.iter().map(|u| u.id.as_str()).collect();
    let mut changed = BTreeSet::new();
    // Policies created by the plan: change index and address → key.
    let mut created: HashMap<usize, String> = HashMap::new();
    let mut created_at: HashMap<&str, String> = HashMap::new();

    for (index, change) in plan.changes.iter().enumerate() {
        match &change.target {
            Target::Policy {
                kind, scope, id, ..
            } => {
                let Some(list) = lists
                    .iter_mut()
                    .find(|l| l.kind == *kind && l.scope == *scope)
                else {
                    continue;
                };
                if change.action == Action::Create {
                    let key = format!("new:{index}");
                    if create_policy(list, change, &key) {
                        created.insert(index, key.clone());
                        created_at.insert(change.address.as_str(), key.clone());
                        changed.insert(key);
                    }
                    continue;
                }
                let Some(key) = id
                    .clone()
                    .or_else(|| created_at.get(change.address.as_str()).cloned())
                else {
                    continue;
                };
                let moves_unmanaged =
                    change.action == Action::Reorder && unmanaged.contains(key.as_str());
                if change_policy(list, change, &key) && !moves_unmanaged {
                    changed.insert(key);
                }
            }
            Target::Rule {
                kind,
                scope,
                policy_id,
                policy_change,
                id,
                ..
            } => {
                let Some(policy_key) = policy_id
                    .clone()
                    .or_else(|| policy_change.and_then(|c| created.get(&c).cloned()))
                else {
                    continue;
                };
                let Some(list) = lists
                    .iter_mut()
                    .find(|l| l.kind == *kind && l.scope == *scope)
                else {
                    continue;
                };
                let Some(policy) = list
                    .policies
                    .iter_mut()
                    .find(|p| p.policy.id.as_deref() == Some(policy_key.as_str()))
                else {
                    continue;
                };
                if change_rule(policy, change, id.as_deref(), &format!("new:{index}")) {
                    changed.insert(policy_key);
                }
            }
            Target::AppMapping {
                kind,
                app_id,
                policy_id,
                policy_change,
                ..
            } => {
                let Some(policy_key) = policy_id
                    .clone()
                    .or_else(|| policy_change.and_then(|c| created.get(&c).cloned()))
                else {
                    continue;
                };
                let Some(app) = apps_after
                    .iter_mut()
                    .find(|a| a.id.as_deref() == Some(app_id.as_str()))
                else {
                    continue;
                };
                if let Some(from) = mapped_policy(app, *kind) {
                    changed.insert(from.to_owned());
                }
                map_app(app, *kind, &policy_key);
                changed.insert(policy_key);
            }
        }
    }

    let mut approximate = Vec::new();
    for list in &mut lists {
        finish_list(list, &mut approximate);
    }
    let before_lists: Vec<WireList> = live
        .lists
        .iter()
        .map(|list| {
            let policies = list
                .policies
                .iter()
                .map(|p| (p.policy.clone(), p.rules.clone()))
                .collect();
            (list.kind, server_of(&list.scope), policies)
        })
        .collect();
    let after_lists: Vec<WireList> = lists
        .into_iter()
        .map(|list| {
            let policies = list
                .policies
                .into_iter()
                .map(|p| (p.policy, p.rules))
                .collect();
            (list.kind, server_of(&list.scope), policies)
        })
        .collect();
    let before = policy_set(&before_lists, &apps_before, everyone.as_deref());
    let after = policy_set(&after_lists, &apps_after, everyone.as_deref());
    States {
        before,
        after,
        apps_before,
        apps_after,
        changed,
        approximate,
    }
}

/// The evaluator's view of wire lists.
fn policy_set(lists: &[WireList], apps: &[Application], everyone: Option<&str>) -> PolicySet {
    PolicySet::from_wire(
        lists
            .iter()
            .map(|(kind, server, policies)| (*kind, server.clone(), policies.as_slice())),
        apps,
        everyone,
    )
}

fn server_of(scope: &Scope) -> Option<String> {
    match scope {
        Scope::Org => None,
        Scope::Server(id) => Some(id.clone()),
    }
}

fn work_list(list: &crate::live::LiveList) -> WorkList {
    let bare: Vec<&Policy> = list.policies.iter().map(|p| &p.policy).collect();
    let default = default_index(list.kind, &bare, false);
    let slots = list
        .policies
        .iter()
        .enumerate()
        .filter_map(|(index, p)| {
            Some(Slot {
                id: p.policy.id.clone()?,
                priority: p.policy.priority.as_ref().copied().unwrap_or(0),
                default: default == Some(index),
            })
        })
        .collect();
    let policies = list
        .policies
        .iter()
        .map(|p| WorkPolicy {
            policy: p.policy.clone(),
            rules: p.rules.clone(),
            slots: p.rules.iter().filter_map(rule_slot).collect(),
            writes: Vec::new(),
        })
        .collect();
    WorkList {
        kind: list.kind,
        scope: list.scope.clone(),
        policies,
        slots,
        writes: Vec::new(),
    }
}

fn rule_slot(rule: &PolicyRule) -> Option<Slot> {
    Some(Slot {
        id: rule.id.clone()?,
        priority: rule.priority.as_ref().copied().unwrap_or(0),
        default: rule.system == Some(true),
    })
}

fn body<T: serde::de::DeserializeOwned>(change: &Change) -> Option<T> {
    serde_json::from_value(change.body.clone()?).ok()
}

fn status(active: bool) -> Option<LifecycleStatus> {
    Some(if active {
        LifecycleStatus::Active
    } else {
        LifecycleStatus::Inactive
    })
}

/// A `POST` of a new policy: created with the status the change asks
/// for; access and profile enrollment policies come with Okta's
/// catch-all rule.
fn create_policy(list: &mut WorkList, change: &Change, key: &str) -> bool {
    let Some(mut policy) = body::<Policy>(change) else {
        return false;
    };
    policy.id = Some(key.to_owned());
    policy.system = Some(false);
    policy.status = status(change.activate.unwrap_or(true));
    policy.priority = Field::Absent;
    if let Some(priority) = change.priority {
        list.writes.push(PriorityWrite::Create {
            key: key.to_owned(),
            priority: priority.to,
        });
    }
    let mut rules = Vec::new();
    let mut slots = Vec::new();
    if list.kind.has_app_mappings() {
        let okta = policy_type(list.kind);
        let id = format!("{key}:catch-all");
        rules.push(catch_all(&okta, &id));
        slots.push(Slot {
            id,
            priority: CATCH_ALL,
            default: true,
        });
    }
    list.policies.push(WorkPolicy {
        policy,
        rules,
        slots,
        writes: Vec::new(),
    });
    true
}

/// The catch-all rule Okta creates with a new access or profile
/// enrollment policy.
fn catch_all(okta: &PolicyType, id: &str) -> PolicyRule {
    let mut rule = PolicyRule::new(rule_type(okta), "Catch-all Rule");
    rule.id = Some(id.to_owned());
    rule.system = Some(true);
    rule.status = status(true);
    rule.priority = Field::Value(CATCH_ALL);
    rule.actions = Field::Value(defaults::rule_actions(okta));
    rule
}

/// Any other change to a policy; whether it found the policy.
fn change_policy(list: &mut WorkList, change: &Change, key: &str) -> bool {
    let Some(position) = list
        .policies
        .iter()
        .position(|p| p.policy.id.as_deref() == Some(key))
    else {
        return false;
    };
    match change.action {
        Action::Update | Action::Rename | Action::Reorder | Action::Replace => {
            let current = &mut list.policies[position].policy;
            if let Some(mut replaced) = body::<Policy>(change) {
                replaced.id = current.id.take();
                replaced.system = current.system;
                replaced.status = current.status.take();
                replaced.priority = std::mem::replace(&mut current.priority, Field::Absent);
                *current = replaced;
            }
            if let Some(priority) = change.priority {
                list.writes.push(PriorityWrite::Move {
                    id: key.to_owned(),
                    priority: priority.to,
                });
            }
        }
        Action::Delete => {
            list.policies.remove(position);
            list.writes
                .push(PriorityWrite::Delete { id: key.to_owned() });
        }
        Action::Activate | Action::Deactivate => {
            list.policies[position].policy.status = status(change.action == Action::Activate);
        }
        Action::Create | Action::MapApp => {}
    }
    true
}

/// A change to a rule of `policy`; whether it changed anything.
fn change_rule(policy: &mut WorkPolicy, change: &Change, id: Option<&str>, new_key: &str) -> bool {
    match (change.action, id) {
        (Action::Create, _) => {
            let Some(mut rule) = body::<PolicyRule>(change) else {
                return false;
            };
            rule.id = Some(new_key.to_owned());
            rule.system = Some(false);
            rule.status = status(change.activate.unwrap_or(true));
            rule.priority = Field::Absent;
            if let Some(priority) = change.priority {
                policy.writes.push(PriorityWrite::Create {
                    key: new_key.to_owned(),
                    priority: priority.to,
                });
            }
            policy.rules.push(rule);
            true
        }
        // The catch-all rule Okta created with a new policy: its
        // conditions and actions are replaced, as `apply` does.
        (Action::Update, None) => {
            let Some(desired) = body::<PolicyRule>(change) else {
                return false;
            };
            let Some(rule) = policy.rules.iter_mut().find(|r| r.system == Some(true)) else {
                return false;
            };
            rule.conditions = desired.conditions;
            rule.actions = desired.actions;
            true
        }
        (_, Some(id)) => {
            let Some(position) = policy
                .rules
                .iter()
                .position(|r| r.id.as_deref() == Some(id))
            else {
                return false;
            };
            match change.action {
                Action::Update | Action::Rename | Action::Reorder | Action::Replace => {
                    let current = &mut policy.rules[position];
                    if let Some(mut replaced) = body::<PolicyRule>(change) {
                        replaced.id = current.id.take();
                        replaced.system = current.system;
                        replaced.status = current.status.take();
                        replaced.priority = std::mem::replace(&mut current.priority, Field::Absent);
                        *current = replaced;
                    }
                    if let Some(priority) = change.priority {
                        policy.writes.push(PriorityWrite::Move {
                            id: id.to_owned(),
                            priority: priority.to,
                        });
                    }
                }
                Action::Delete => {
                    policy.rules.remove(position);
                    policy
                        .writes
                        .push(PriorityWrite::Delete { id: id.to_owned() });
                }
                Action::Activate | Action::Deactivate => {
                    policy.rules[position].status = status(change.action == Action::Activate);
                }
                Action::Create | Action::MapApp => {}
            }
            true
        }
        _ => false,
    }
}

/// Points the app's `_links` at `policy`, as Okta does after a mapping.
fn map_app(app: &mut Application, kind: PolicyKind, policy: &str) {
    let relation = match kind {
        PolicyKind::Access => "accessPolicy",
        PolicyKind::ProfileEnrollment => "profileEnrollment",
        _ => return,
    };
    let mut links = match app.links.as_ref() {
        Some(Value::Object(links)) => links.clone(),
        _ => Map::new(),
    };
    links.insert(
        relation.to_owned(),
        json!({ "href": format!("/api/v1/policies/{policy}") }),
    );
    app.links = Field::Value(Value::Object(links));
}

/// Orders the list's policies and each policy's rules as the replayed
/// priority writes leave them.
fn finish_list(list: &mut WorkList, approximate: &mut Vec<String>) {
    if let Some(model) = PriorityModel::of(list.kind.policy_ordering()) {
        let ids: Vec<Option<String>> = list.policies.iter().map(|p| p.policy.id.clone()).collect();
        let defaults: Vec<bool> = ids
            .iter()
            .map(|id| {
                list.slots
                    .iter()
                    .any(|s| s.default && Some(s.id.as_str()) == id.as_deref())
            })
            .collect();
        let priorities = replay(model, &list.slots, &list.writes, &ids).unwrap_or_else(|| {
            approximate.push(list.kind.manifest_key().to_owned());
            fallback(&defaults)
        });
        for (policy, priority) in list.policies.iter_mut().zip(priorities) {
            policy.policy.priority = Field::Value(priority);
        }
    }
    let Some(model) = PriorityModel::of(list.kind.rule_ordering()) else {
        return;
    };
    for policy in &mut list.policies {
        let ids: Vec<Option<String>> = policy.rules.iter().map(|r| r.id.clone()).collect();
        let defaults: Vec<bool> = policy
            .rules
            .iter()
            .map(|r| r.system == Some(true))
            .collect();
        let priorities = replay(model, &policy.slots, &policy.writes, &ids).unwrap_or_else(|| {
            approximate.push(format!(
                "{}[{:?}].rules",
                list.kind.manifest_key(),
                policy.policy.name.as_deref().unwrap_or_default()
            ));
            fallback(&defaults)
        });
        for (rule, priority) in policy.rules.iter_mut().zip(priorities) {
            rule.priority = Field::Value(priority);
        }
    }
}

/// Each member's final rank (by position in `ids`); `None` when the
/// writes cannot be replayed or leave a member out.
fn replay(
    model: PriorityModel,
    slots: &[Slot],
    writes: &[PriorityWrite],
    ids: &[Option<String>],
) -> Option<Vec<i64>> {
    let after = simulate(model, slots, writes).ok()?;
    let position: HashMap<&str, i64> = after
        .iter()
        .enumerate()
        .map(|(rank, slot)| (slot.id.as_str(), i64::try_from(rank).unwrap_or(i64::MAX)))
        .collect();
    ids.iter()
        .map(|id| position.get(id.as_deref()?).copied())
        .collect()
}

/// The order as it stands (live members, then new ones), the default
/// member last.
fn fallback(defaults: &[bool]) -> Vec<i64> {
    let mut order: Vec<usize> = (0..defaults.len()).collect();
    order.sort_by_key(|&i| defaults[i]);
    let mut ranks = vec![0; defaults.len()];
    for (rank, i) in order.into_iter().enumerate() {
        ranks[i] = i64::try_from(rank).unwrap_or(i64::MAX);
    }
    ranks
}
