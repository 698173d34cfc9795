//! Okta's answer next to the manifests and the case. Per simulated kind,
//! the policy and rule Okta applies are compared by name with (a) the
//! offline evaluation of the manifests and (b) the case's expected policy,
//! rule and `applies`, when given. Each disagreement is said in words,
//! with why the manifests do not pick Okta's choice. Okta names only the
//! policy and rule, so the case's expected outcome facets (MFA required,
//! session lifetime, …) are checked against that rule as the org holds it
//! ([`LivePolicies`]). An app sign-in is the union of the sign-on and
//! access rows' live rules; other kinds are "not simulatable".

use std::collections::BTreeMap;

use crate::cases::{Case, Expectation, Target, check_outcome};
use crate::client::wire::{Policy, PolicyRule, PolicyType, SimulateEvaluation, SimulateResponse};
use crate::evaluate::{Context, Evaluation, Outcome, PolicySet, evaluate_list};
use crate::manifest::kind::PolicyKind;

/// The live policies (with their rules) that Okta's answers named, by
/// policy ID: where the expected outcome facets are read from.
pub type LivePolicies = BTreeMap<String, (Policy, Vec<PolicyRule>)>;

/// The policies whose live rules a case's expected facets need: the
/// policy Okta applies for each simulated kind the case expects facets of
/// (sign-on and access for an app sign-in).
pub fn policies_to_read(case: &Case, response: &SimulateResponse) -> Vec<String> {
    let mut kinds = Vec::new();
    for expectation in case.expect.iter().filter(|e| !e.facets.is_empty()) {
        match expectation.target {
            Target::Kind(kind) => kinds.push(kind),
            Target::AppSignIn => kinds.extend([PolicyKind::SignOn, PolicyKind::Access]),
        }
    }
    let mut ids = Vec::new();
    for kind in kinds {
        let matched = response
            .of(&PolicyType::from(kind.okta_type()))
            .and_then(SimulateEvaluation::matched);
        if let Some(id) = matched.and_then(|(policy, _)| policy.id.clone())
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// The outcome of the live rule Okta picked, when it was read.
fn live_outcome(kind: PolicyKind, okta: &Side, live: &LivePolicies) -> Option<Outcome> {
    let Side::Applies(pick) = okta else {
        return None;
    };
    let (policy, rules) = live.get(pick.policy_id.as_deref()?)?;
    let rule_id = pick.rule_id.as_deref()?;
    let entries = [(policy.clone(), rules.clone())];
    let set = PolicySet::from_wire([(kind, None, &entries[..])], &[], None);
    let policy = set.list(kind, None)?.policies.first()?;
    let rule = policy
        .rules
        .iter()
        .find(|r| r.id.as_deref() == Some(rule_id))?;
    Some(Outcome::of(kind, &policy.settings, &rule.actions))
}

/// Checks the expected facets against `outcome`: each miss is a problem.
fn facet_problems(expectation: &Expectation, outcome: &Outcome, whose: &str) -> Vec<String> {
    check_outcome(expectation, outcome)
        .into_iter()
        .filter(|check| !check.passed)
        .map(|check| {
            format!(
                "the case expects {} {}; {whose} gives {}",
                check.key, check.expected_text, check.actual_text
            )
        })
        .collect()
}

use super::request::SIMULATED_KINDS;
use super::{CaseReport, CaseStatus, Expected, Pick, Row, RowStatus, Side};

/// What Okta answered for one case.
#[derive(Debug, Clone, Copy, Default)]
pub struct Answer<'a> {
    /// The simulation (`None` when nothing was simulated).
    pub response: Option<&'a SimulateResponse>,
    /// The live policies the answer named (see [`policies_to_read`]).
    pub live: Option<&'a LivePolicies>,
}

/// Compares Okta's `answer` for `case` with the manifests (`set`, from
/// `manifests`). `kinds` are the kinds simulated; `notes` what the request
/// could not carry.
pub fn compare(
    case: &Case,
    set: &PolicySet,
    manifests: &str,
    kinds: &[PolicyKind],
    answer: Answer<'_>,
    notes: Vec<String>,
) -> CaseReport {
    let context = case.evaluation_context();
    let empty = LivePolicies::new();
    let live = answer.live.unwrap_or(&empty);
    let mut rows: Vec<Row> = Vec::new();
    let mut outcomes = BTreeMap::new();
    for kind in kinds {
        let expectation = case.expect.iter().find(|e| e.target == Target::Kind(*kind));
        let row = kind_row(
            *kind,
            expectation,
            set,
            manifests,
            &context,
            answer.response,
            live,
        );
        if let Some(outcome) = row
            .okta
            .as_ref()
            .and_then(|okta| live_outcome(*kind, okta, live))
        {
            outcomes.insert(*kind, outcome);
        }
        rows.push(row);
    }
    for expectation in &case.expect {
        match expectation.target {
            Target::Kind(kind) if kinds.contains(&kind) => {}
            Target::Kind(kind) => rows.push(not_simulatable(expectation, kind)),
            Target::AppSignIn => {
                let row = app_sign_in(expectation, &rows, &outcomes);
                rows.push(row);
            }
        }
    }
    CaseReport {
        name: case.name.clone(),
        location: case.location.clone(),
        status: CaseStatus::Simulated,
        reason: None,
        rows,
        notes,
    }
}

fn expected(expectation: &Expectation) -> Option<Expected> {
    let expected = Expected {
        policy: expectation.policy.clone(),
        rule: expectation.rule.clone(),
        applies: expectation.applies,
    };
    (expected.policy.is_some() || expected.rule.is_some() || expected.applies.is_some())
        .then_some(expected)
}

/// The note for expected facets that could not be read from the org.
fn facets_note(expectation: &Expectation, why: &str) -> Option<String> {
    if expectation.facets.is_empty() {
        return None;
    }
    let keys: Vec<String> = expectation.facets.iter().map(|(f, _)| f.key()).collect();
    Some(format!("not compared: {} ({why})", keys.join(", ")))
}

/// What Okta's evaluation of one type says applies.
fn okta_side(evaluation: Option<&SimulateEvaluation>, kind: PolicyKind) -> Side {
    let Some(evaluation) = evaluation else {
        return Side::NotEvaluated {
            why: format!("Okta's answer has no {} evaluation", kind.okta_type()),
        };
    };
    if let Some((policy, rule)) = evaluation.matched() {
        return Side::Applies(Pick {
            policy: policy.name.as_ref().cloned(),
            rule: rule.and_then(|r| r.name.as_ref().cloned()),
            policy_id: policy.id.clone(),
            rule_id: rule.and_then(|r| r.id.clone()),
        });
    }
    let undefined: Vec<String> = evaluation
        .undefined
        .iter()
        .flat_map(|u| &u.policies)
        .map(|p| p.name.as_ref().cloned().unwrap_or_default())
        .collect();
    Side::NoneApplies {
        why: if undefined.is_empty() {
            "Okta applies no policy".to_owned()
        } else {
            format!(
                "Okta applies no policy; it could not evaluate {}",
                undefined.join(", ")
            )
        },
    }
}

/// What the manifests give, offline, and the evaluation behind it.
fn offline_side(
    kind: PolicyKind,
    set: &PolicySet,
    manifests: &str,
    context: &Context,
) -> (Side, Option<Evaluation>) {
    let Some(list) = set.list(kind, None) else {
        return (
            Side::NotEvaluated {
                why: format!("{} are not in {manifests}", kind.manifest_key()),
            },
            None,
        );
    };
    let evaluation = evaluate_list(list, context);
    let side = match &evaluation.matched {
        Some(matched) => Side::Applies(Pick {
            policy: Some(matched.policy.clone()),
            rule: Some(matched.rule.clone()),
            policy_id: None,
            rule_id: None,
        }),
        None if evaluation.policies.is_empty() => Side::NotEvaluated {
            why: evaluation
                .note
                .clone()
                .unwrap_or_else(|| format!("{manifests} lists no {}", kind.label())),
        },
        None => Side::NoneApplies {
            why: evaluation
                .policies
                .iter()
                .map(|p| evaluation.why_not(&p.name, None))
                .collect::<Vec<_>>()
                .join("; "),
        },
    };
    (side, Some(evaluation))
}

fn kind_row(
    kind: PolicyKind,
    expectation: Option<&Expectation>,
    set: &PolicySet,
    manifests: &str,
    context: &Context,
    response: Option<&SimulateResponse>,
    live: &LivePolicies,
) -> Row {
    let okta_type = PolicyType::from(kind.okta_type());
    let okta = okta_side(response.and_then(|r| r.of(&okta_type)), kind);
    let (offline, evaluation) = offline_side(kind, set, manifests, context);
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    if let Some(evaluation) = &evaluation {
        notes.extend(evaluation.note.clone());
        if let Some(matched) = evaluation.matched.as_ref().filter(|m| m.assumed) {
            notes.push(format!(
                "the manifests list {:?} without rules: its rule {:?} is assumed to be Okta's default",
                matched.policy, matched.rule
            ));
        }
    }
    let okta_pick = match &okta {
        Side::Applies(pick) => Some(pick),
        _ => None,
    };
    if okta_pick.is_some_and(|p| p.rule.is_none()) {
        notes.push("Okta gave no rule name; only the policy is compared".to_owned());
    }
    // Okta's choice against the manifests'.
    match (&okta, &offline) {
        (Side::Applies(o), Side::Applies(m)) => {
            let same_rule = o.rule.is_none() || o.rule == m.rule;
            if o.policy != m.policy || !same_rule {
                let mut problem =
                    format!("Okta applies {}; the manifests give {}", o.text(), m.text());
                if let (Some(evaluation), Some(policy)) = (&evaluation, &o.policy) {
                    problem.push_str(&format!(
                        " (offline, {})",
                        evaluation.why_not(policy, o.rule.as_deref())
                    ));
                }
                problems.push(problem);
            }
        }
        (Side::Applies(o), Side::NoneApplies { why }) => problems.push(format!(
            "Okta applies {}; in the manifests no policy applies ({why})",
            o.text()
        )),
        (Side::NoneApplies { why }, Side::Applies(m)) => {
            problems.push(format!("{why}; the manifests give {}", m.text()));
        }
        (_, Side::NotEvaluated { why }) => {
            notes.push(format!("not compared with the manifests: {why}"));
        }
        _ => {}
    }
    // Okta's choice against the case's expectation.
    let expected = expectation.and_then(expected);
    if let Some(expected) = &expected {
        let actual_policy = okta_pick.and_then(|p| p.policy.as_deref());
        let actual_rule = okta_pick.and_then(|p| p.rule.as_deref());
        let shown = okta_pick.map_or_else(|| "no policy".to_owned(), |p| p.text());
        if let Some(applies) = expected.applies
            && applies != okta_pick.is_some()
            && !matches!(okta, Side::NotEvaluated { .. })
        {
            problems.push(if applies {
                "the case expects a policy to apply; Okta applies none".to_owned()
            } else {
                format!("the case expects no policy to apply; Okta applies {shown}")
            });
        }
        if let Some(policy) = &expected.policy
            && actual_policy != Some(policy.as_str())
        {
            problems.push(format!(
                "the case expects policy {policy:?}; Okta applies {shown}"
            ));
        }
        // A rule Okta gives no name for is not compared (noted above).
        let named_rule = okta_pick.is_none() || actual_rule.is_some();
        if let Some(rule) = &expected.rule
            && named_rule
            && actual_rule != Some(rule.as_str())
        {
            problems.push(format!(
                "the case expects rule {rule:?}; Okta applies {shown}"
            ));
        }
    }
    if let Some(expectation) = expectation.filter(|e| !e.facets.is_empty()) {
        match live_outcome(kind, &okta, live) {
            Some(outcome) => {
                problems.extend(facet_problems(
                    expectation,
                    &outcome,
                    "Okta's rule in the org",
                ));
            }
            None => notes.extend(facets_note(
                expectation,
                "Okta applies no rule whose settings could be read",
            )),
        }
    }
    let status = if let Side::NotEvaluated { why } = &okta {
        problems.push(why.clone());
        RowStatus::Error
    } else if problems.is_empty() {
        RowStatus::Agree
    } else {
        RowStatus::Mismatch
    };
    Row {
        target: Target::Kind(kind),
        status,
        okta: Some(okta),
        offline: Some(offline),
        expected,
        problems,
        notes,
    }
}

/// An app sign-in is the union of the global session policy and the app's
/// access policy: it agrees when both of those rows do and the union of
/// their live rules has the expected facets.
fn app_sign_in(
    expectation: &Expectation,
    rows: &[Row],
    outcomes: &BTreeMap<PolicyKind, Outcome>,
) -> Row {
    let parts: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            matches!(
                r.target,
                Target::Kind(PolicyKind::SignOn) | Target::Kind(PolicyKind::Access)
            )
        })
        .collect();
    let mut problems = Vec::new();
    for row in &parts {
        match row.status {
            RowStatus::Agree | RowStatus::NotSimulatable => {}
            RowStatus::Mismatch | RowStatus::Error => {
                problems.push(format!("the {} row does not agree", row.target.key()))
            }
        }
    }
    let mut notes = Vec::new();
    if !expectation.facets.is_empty() {
        match (
            outcomes.get(&PolicyKind::SignOn),
            outcomes.get(&PolicyKind::Access),
        ) {
            (Some(sign_on), Some(access)) => {
                let union = Outcome::app_sign_in(Some(sign_on), Some(access));
                problems.extend(facet_problems(
                    expectation,
                    &union,
                    "the union of Okta's sign-on and access rules",
                ));
            }
            _ => notes.extend(facets_note(
                expectation,
                "Okta applies no sign-on or no access rule whose settings could be read",
            )),
        }
    }
    Row {
        target: Target::AppSignIn,
        status: if problems.is_empty() {
            RowStatus::Agree
        } else {
            RowStatus::Mismatch
        },
        okta: None,
        offline: None,
        expected: expected(expectation),
        problems,
        notes,
    }
}

/// A case Okta cannot simulate at all (no app, an unknown user): each
/// expectation is a "not simulatable" row, with its kind's reason when the
/// kind is never simulated, else the case's.
pub fn not_simulatable_case(case: &Case, reason: String) -> CaseReport {
    let rows = case
        .expect
        .iter()
        .map(|expectation| match expectation.target.kind() {
            Some(kind) if !SIMULATED_KINDS.contains(&kind) => not_simulatable(expectation, kind),
            _ => Row {
                target: expectation.target,
                status: RowStatus::NotSimulatable,
                okta: None,
                offline: None,
                expected: expected(expectation),
                problems: Vec::new(),
                notes: Vec::new(),
            },
        })
        .collect();
    CaseReport {
        name: case.name.clone(),
        location: case.location.clone(),
        status: CaseStatus::NotSimulatable,
        reason: Some(reason),
        rows,
        notes: Vec::new(),
    }
}

fn not_simulatable(expectation: &Expectation, kind: PolicyKind) -> Row {
    Row {
        target: expectation.target,
        status: RowStatus::NotSimulatable,
        okta: None,
        offline: None,
        expected: expected(expectation),
        problems: Vec::new(),
        notes: vec![format!(
            "Okta's simulation covers sign-on, MFA enrollment, access and profile enrollment policies only, not the {}; `oktapol test` checks it offline",
            kind.label()
        )],
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{Value, json};

    use super::*;
    use crate::evaluate::{EvalPolicy, EvalRule, PolicyList};

    fn default_policy(kind: PolicyKind) -> PolicyList {
        PolicyList {
            kind,
            server: None,
            policies: vec![EvalPolicy {
                id: None,
                name: "Default Policy".into(),
                active: true,
                default: true,
                conditions: Value::Null,
                settings: Value::Null,
                rules: vec![EvalRule {
                    id: None,
                    name: "Default Rule".into(),
                    active: true,
                    default: true,
                    assumed: false,
                    conditions: Value::Null,
                    actions: Value::Null,
                }],
                apps: Vec::new(),
            }],
        }
    }

    #[test]
    fn a_rule_okta_leaves_unnamed_and_a_type_okta_leaves_out() {
        let file = crate::cases::parse(
            Path::new("cases.yaml"),
            "cases:\n  - name: c\n    context: { app: Workday }\n    expect:\n      mfaEnroll: { policy: Default Policy, rule: Default Rule }\n",
        )
        .expect("a case file");
        let set = PolicySet {
            lists: vec![
                default_policy(PolicyKind::SignOn),
                default_policy(PolicyKind::MfaEnroll),
            ],
        };
        // Okta's documented answer names no MFA enrollment rule, and this
        // one has no OKTA_SIGN_ON evaluation at all.
        let response: SimulateResponse = serde_json::from_value(json!({ "evaluation": [{
            "status": null, "policyType": "MFA_ENROLL",
            "result": { "policies": [{ "id": "00p1", "name": "Default Policy", "status": "MATCH",
                "conditions": [], "rules": [{ "id": "0pr1", "name": null, "status": "MATCH", "conditions": [] }] }] },
            "undefined": { "policies": [] }, "evaluated": { "policies": [] } }] }))
        .expect("a response");
        let answer = Answer {
            response: Some(&response),
            live: None,
        };
        let kinds = [PolicyKind::SignOn, PolicyKind::MfaEnroll];
        let report = compare(
            &file.cases[0],
            &set,
            "policies/",
            &kinds,
            answer,
            Vec::new(),
        );
        let [sign_on, mfa] = report.rows.as_slice() else {
            panic!("{report:#?}");
        };
        assert_eq!(sign_on.status, RowStatus::Error);
        assert_eq!(
            sign_on.problems,
            ["Okta's answer has no OKTA_SIGN_ON evaluation"]
        );
        assert_eq!(mfa.status, RowStatus::Agree, "{mfa:#?}");
        assert_eq!(
            mfa.notes,
            ["Okta gave no rule name; only the policy is compared"]
        );
        assert!(report.failed());
    }
}
