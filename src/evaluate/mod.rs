//! Okta's policy evaluation, once, for everything that asks "which policy
//! and rule apply to this sign-in, and what do they do": `oktapol test`,
//! `plan --impact`, `simulate` and the emulator's simulate endpoint.
//!
//! From the Policy API reference (seed 004, "Policy evaluation"): the
//! policies of a kind are considered in priority order; a policy applies
//! when all its conditions match and one of its rules (in priority order)
//! matches; otherwise the next policy is considered. Inactive policies and
//! rules are skipped, and a policy without rules never applies. Access and
//! profile enrollment policies are not ordered: the app's mapping picks
//! the policy, then its rules are considered. An app sign-in's outcome is
//! the union of the global session policy and the app's access policy
//! ([`Outcome::app_sign_in`]).

pub mod conditions;
pub mod context;
pub mod input;
pub mod outcome;

use serde::{Deserialize, Serialize};

use crate::manifest::kind::PolicyKind;

pub use conditions::{Check, Status};
pub use context::{Context, Device, EVERYONE, Platform};
pub use input::{EvalPolicy, EvalRule, PolicyList, PolicySet};
pub use outcome::{Facet, Outcome};

/// How one rule fared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    pub status: Status,
    pub conditions: Vec<Check>,
    /// Skipped because it is inactive.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inactive: bool,
}

/// How one policy fared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// The policy's own conditions; MATCH does not mean it applies (a
    /// rule must match too).
    pub status: Status,
    pub conditions: Vec<Check>,
    /// The rules considered, in order, up to the one that matched.
    pub rules: Vec<RuleResult>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inactive: bool,
}

/// The policy and rule that apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Matched {
    pub policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_id: Option<String>,
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// The rule is Okta's default rule, assumed because the manifests
    /// list its policy without rules.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub assumed: bool,
}

/// The evaluation of one kind (or one authorization server's policies)
/// for one context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub kind: PolicyKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The policies considered, in order, up to the one that applied.
    pub policies: Vec<PolicyResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<Matched>,
    pub outcome: Outcome,
    /// Why nothing could be evaluated, or what was assumed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Evaluation {
    fn empty(list: &PolicyList, note: Option<String>) -> Evaluation {
        Evaluation {
            kind: list.kind,
            server: list.server.clone(),
            policies: Vec::new(),
            matched: None,
            outcome: Outcome::default(),
            note,
        }
    }

    /// Why `policy` (and, when given, its `rule`) did not apply, in words.
    pub fn why_not(&self, policy: &str, rule: Option<&str>) -> String {
        let Some(result) = self.policies.iter().find(|p| p.name == policy) else {
            return match &self.matched {
                Some(matched) => format!(
                    "policy {policy:?} was not reached: {:?} applied first",
                    matched.policy
                ),
                None => match &self.note {
                    Some(note) => note.clone(),
                    None => format!("no policy named {policy:?}"),
                },
            };
        };
        if result.inactive {
            return format!("policy {policy:?} is inactive");
        }
        if let Some(check) = first_failure(&result.conditions) {
            return format!("policy {policy:?}: {} ({})", check.reason, check.condition);
        }
        if let Some(rule) = rule {
            return match result.rules.iter().find(|r| r.name == rule) {
                None => format!("rule {rule:?} was not reached in policy {policy:?}"),
                Some(r) if r.inactive => format!("rule {rule:?} is inactive"),
                Some(r) => match first_failure(&r.conditions) {
                    Some(check) => format!("rule {rule:?}: {} ({})", check.reason, check.condition),
                    None => format!("rule {rule:?} matched"),
                },
            };
        }
        if result.rules.iter().all(|r| r.inactive) {
            return format!("policy {policy:?} has no active rules, so it never applies");
        }
        let reasons: Vec<String> = result
            .rules
            .iter()
            .filter_map(|r| {
                first_failure(&r.conditions).map(|c| format!("{:?}: {}", r.name, c.reason))
            })
            .collect();
        format!(
            "no rule of policy {policy:?} matched ({})",
            reasons.join("; ")
        )
    }
}

/// The first condition that is not MATCH.
pub fn first_failure(checks: &[Check]) -> Option<&Check> {
    checks
        .iter()
        .find(|c| c.status == Status::NotMatch)
        .or_else(|| checks.iter().find(|c| c.status == Status::Undefined))
}

/// Evaluates one list of policies for `context`.
pub fn evaluate_list(list: &PolicyList, context: &Context) -> Evaluation {
    let mut note = None;
    let candidates: Vec<&EvalPolicy> = if list.kind.has_app_mappings() {
        let Some(app) = context.app.as_deref() else {
            return Evaluation::empty(
                list,
                Some(format!(
                    "{}s are chosen by the app signed in to, and the case gives no app",
                    list.kind.label()
                )),
            );
        };
        let mapped = list
            .policies
            .iter()
            .find(|p| p.apps.iter().any(|a| a == app));
        match mapped.or_else(|| list.policies.iter().find(|p| p.default)) {
            Some(policy) => {
                if mapped.is_none() {
                    note = Some(format!(
                        "no {} lists the app {app}; Okta uses the default policy",
                        list.kind.label()
                    ));
                }
                vec![policy]
            }
            None => {
                return Evaluation::empty(
                    list,
                    Some(format!(
                        "no {} is mapped to the app {app}, and there is no default policy",
                        list.kind.label()
                    )),
                );
            }
        }
    } else {
        list.policies.iter().collect()
    };

    let mut policies = Vec::new();
    for policy in candidates {
        let (result, matched) = evaluate_policy(policy, context);
        policies.push(result);
        if let Some(rule) = matched {
            let outcome = Outcome::of(list.kind, &policy.settings, &rule.actions);
            return Evaluation {
                kind: list.kind,
                server: list.server.clone(),
                policies,
                matched: Some(Matched {
                    policy: policy.name.clone(),
                    policy_id: policy.id.clone(),
                    rule: rule.name.clone(),
                    rule_id: rule.id.clone(),
                    assumed: rule.assumed,
                }),
                outcome,
                note,
            };
        }
    }
    Evaluation {
        kind: list.kind,
        server: list.server.clone(),
        policies,
        matched: None,
        outcome: Outcome::default(),
        note,
    }
}

fn evaluate_policy<'p>(
    policy: &'p EvalPolicy,
    context: &Context,
) -> (PolicyResult, Option<&'p EvalRule>) {
    let mut result = PolicyResult {
        id: policy.id.clone(),
        name: policy.name.clone(),
        status: Status::NotMatch,
        conditions: Vec::new(),
        rules: Vec::new(),
        inactive: !policy.active,
    };
    if !policy.active {
        return (result, None);
    }
    result.conditions = conditions::check(&policy.conditions, context);
    result.status = Status::all(result.conditions.iter().map(|c| c.status));
    if result.status != Status::Match {
        return (result, None);
    }
    for rule in &policy.rules {
        let checks = if rule.active {
            conditions::check(&rule.conditions, context)
        } else {
            Vec::new()
        };
        let status = if rule.active {
            Status::all(checks.iter().map(|c| c.status))
        } else {
            Status::NotMatch
        };
        result.rules.push(RuleResult {
            id: rule.id.clone(),
            name: rule.name.clone(),
            status,
            conditions: checks,
            inactive: !rule.active,
        });
        if status == Status::Match {
            return (result, Some(rule));
        }
    }
    (result, None)
}

/// Evaluates `kind` (org scope; for authorization-server policies, the
/// first server's list unless `server` names one). `None` when the set has
/// no policies of that kind.
pub fn evaluate(
    set: &PolicySet,
    kind: PolicyKind,
    server: Option<&str>,
    context: &Context,
) -> Option<Evaluation> {
    set.list(kind, server)
        .map(|list| evaluate_list(list, context))
}

/// Every list of the set, evaluated.
pub fn evaluate_all(set: &PolicySet, context: &Context) -> Vec<Evaluation> {
    set.lists
        .iter()
        .map(|list| evaluate_list(list, context))
        .collect()
}

/// The outcome of signing in to `context.app`: the union of the global
/// session policy and the app's access policy, from evaluations of both.
pub fn app_sign_in(evaluations: &[Evaluation]) -> Outcome {
    let of = |kind: PolicyKind| {
        evaluations
            .iter()
            .find(|e| e.kind == kind && e.matched.is_some())
            .map(|e| &e.outcome)
    };
    Outcome::app_sign_in(of(PolicyKind::SignOn), of(PolicyKind::Access))
}
