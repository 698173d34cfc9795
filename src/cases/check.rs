//! Running cases: each expectation is checked against the evaluation of
//! its kind (or, for `appSignIn`, the union of the global session and the
//! app's access policy), and every check records what was expected, what
//! came out, and — when the expected policy or rule did not apply — why
//! not, with notes on what the evaluation had to assume.

use serde::Serialize;
use serde_json::Value;

use crate::evaluate::{
    Context, Evaluation, Matched, Outcome, PolicyList, PolicySet, Status, evaluate_list,
};
use crate::manifest::kind::PolicyKind;
use crate::spelling::closest;

use super::error::SourceLocation;
use super::model::{Case, CaseFile, Expectation, Target};

/// How one case fared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseResult {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub location: SourceLocation,
    pub passed: bool,
    pub expectations: Vec<ExpectationResult>,
}

/// How one expectation fared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectationResult {
    pub target: Target,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    pub passed: bool,
    /// Why the target could not be evaluated at all (the manifests do not
    /// manage the kind, the case gives no app, …); the expectation fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The policy and rule that applied (for `appSignIn`: none; see `notes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<Matched>,
    /// One per key written in the case, in file order.
    pub checks: Vec<ValueCheck>,
    /// Why the expected policy or rule did not apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// What the evaluation assumed or could not tell.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One expected value next to the actual one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueCheck {
    /// `policy`, `rule`, `applies` or a facet key.
    pub key: String,
    pub passed: bool,
    /// Normalised as compared (`null`: not set).
    pub expected: Value,
    pub actual: Value,
    /// Both in words, e.g. "required", "12 h", "\"Contractors\"".
    pub expected_text: String,
    pub actual_text: String,
}

/// Runs every case of `file` against `set`; `manifests` names where the
/// policies come from (the PATH), for messages.
pub fn run(file: &CaseFile, set: &PolicySet, manifests: &str) -> Vec<CaseResult> {
    file.cases
        .iter()
        .map(|case| run_case(case, set, manifests))
        .collect()
}

/// Runs one case against `set`.
pub fn run_case(case: &Case, set: &PolicySet, manifests: &str) -> CaseResult {
    let context = case.evaluation_context();
    let expectations: Vec<ExpectationResult> = case
        .expect
        .iter()
        .map(|expectation| match expectation.target {
            Target::Kind(kind) => {
                match select(
                    set,
                    kind,
                    expectation.server.as_deref(),
                    &context,
                    manifests,
                ) {
                    Ok(list) => {
                        let evaluation = evaluate_list(list, &context);
                        check_evaluation(expectation, &evaluation, Some(list))
                    }
                    Err(error) => unevaluated(expectation, error),
                }
            }
            Target::AppSignIn => app_sign_in(expectation, set, &context, manifests),
        })
        .collect();
    CaseResult {
        name: case.name.clone(),
        description: case.description.clone(),
        location: case.location.clone(),
        passed: expectations.iter().all(|e| e.passed),
        expectations,
    }
}

fn unevaluated(expectation: &Expectation, error: String) -> ExpectationResult {
    ExpectationResult {
        target: expectation.target,
        server: expectation.server.clone(),
        passed: false,
        error: Some(error),
        matched: None,
        checks: Vec::new(),
        why: None,
        notes: Vec::new(),
    }
}

/// The list an expectation of `kind` is evaluated against, or why there
/// is none.
fn select<'s>(
    set: &'s PolicySet,
    kind: PolicyKind,
    server: Option<&str>,
    context: &Context,
    manifests: &str,
) -> Result<&'s PolicyList, String> {
    let lists: Vec<&PolicyList> = set.lists.iter().filter(|l| l.kind == kind).collect();
    if lists.is_empty() {
        return Err(format!(
            "{} are not in {manifests}; cannot evaluate",
            kind.manifest_key()
        ));
    }
    if kind.has_app_mappings() && context.app.is_none() {
        return Err(format!(
            "{}s are chosen by the app signed in to, and the case gives no `app` in its context",
            kind.label()
        ));
    }
    if kind != PolicyKind::AuthorizationServer {
        return Ok(lists[0]);
    }
    let names: Vec<&str> = lists.iter().filter_map(|l| l.server.as_deref()).collect();
    match server {
        Some(server) => lists
            .iter()
            .find(|l| l.server.as_deref() == Some(server))
            .or_else(|| {
                lists.iter().find(|l| {
                    l.server
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(server))
                })
            })
            .copied()
            .ok_or_else(|| {
                let mut message = format!(
                    "{manifests} has no policies of the authorization server {server:?} (it has: {})",
                    names.join(", ")
                );
                if let Some(close) = closest(server, names.iter().copied()) {
                    message.push_str(&format!("; did you mean {close:?}?"));
                }
                message
            }),
        None if lists.len() == 1 => Ok(lists[0]),
        None => Err(format!(
            "{manifests} has policies of several authorization servers ({}): name one with `server:`",
            names.join(", ")
        )),
    }
}

/// Checks `expectation` against `evaluation` (of the expectation's kind).
/// With the evaluated `policies`, a failure can also say that an expected
/// policy or rule does not exist, and that the kind's default policy is
/// missing.
pub fn check_evaluation(
    expectation: &Expectation,
    evaluation: &Evaluation,
    policies: Option<&PolicyList>,
) -> ExpectationResult {
    let matched = evaluation.matched.as_ref();
    let mut checks = Vec::new();
    if let Some(applies) = expectation.applies {
        checks.push(ValueCheck {
            key: "applies".to_owned(),
            passed: applies == matched.is_some(),
            expected: Value::Bool(applies),
            actual: Value::Bool(matched.is_some()),
            expected_text: if applies {
                "a policy to apply".to_owned()
            } else {
                "no policy to apply".to_owned()
            },
            actual_text: match matched {
                Some(m) => format!("{:?} (rule {:?})", m.policy, m.rule),
                None => "none".to_owned(),
            },
        });
    }
    let name_check = |key: &str, expected: &str, actual: Option<&str>| ValueCheck {
        key: key.to_owned(),
        passed: actual == Some(expected),
        expected: Value::String(expected.to_owned()),
        actual: actual.map_or(Value::Null, |a| Value::String(a.to_owned())),
        expected_text: format!("{expected:?}"),
        actual_text: actual.map_or_else(
            || "none (no policy applies)".to_owned(),
            |a| format!("{a:?}"),
        ),
    };
    if let Some(policy) = &expectation.policy {
        checks.push(name_check(
            "policy",
            policy,
            matched.map(|m| m.policy.as_str()),
        ));
    }
    if let Some(rule) = &expectation.rule {
        checks.push(name_check("rule", rule, matched.map(|m| m.rule.as_str())));
    }
    checks.extend(check_outcome(expectation, &evaluation.outcome));
    let why = why_not(expectation, evaluation, policies);
    ExpectationResult {
        target: expectation.target,
        server: expectation
            .server
            .clone()
            .or_else(|| evaluation.server.clone()),
        passed: checks.iter().all(|c| c.passed),
        error: None,
        matched: matched.cloned(),
        checks,
        notes: notes(evaluation, policies)
            .into_iter()
            .filter(|note| why.as_ref() != Some(note))
            .collect(),
        why,
    }
}

/// What the evaluation assumed or could not tell: the evaluator's note,
/// an assumed default rule, UNDEFINED conditions, a missing default policy.
fn notes(evaluation: &Evaluation, policies: Option<&PolicyList>) -> Vec<String> {
    let matched = evaluation.matched.as_ref();
    let mut notes = Vec::new();
    if let Some(note) = &evaluation.note {
        notes.push(note.clone());
    }
    if let Some(m) = matched.filter(|m| m.assumed) {
        notes.push(format!(
            "rule {:?} of {:?} is Okta's default rule, assumed with Okta's default settings: the manifests list the policy without rules, and the org may have changed them",
            m.rule, m.policy
        ));
    }
    notes.extend(undefined_notes(evaluation));
    if matched.is_none()
        && let Some(list) = policies
        && !list.kind.has_app_mappings()
        && !list.policies.iter().any(|p| p.default)
    {
        notes.push(format!(
            "the manifests do not list the {}'s default policy, which Okta applies when no other policy does",
            list.kind.label()
        ));
    }
    notes
}

/// Checks the expected facets against an outcome.
pub fn check_outcome(expectation: &Expectation, outcome: &Outcome) -> Vec<ValueCheck> {
    expectation
        .facets
        .iter()
        .map(|(facet, expected)| {
            let actual = outcome.get(*facet);
            ValueCheck {
                key: facet.key(),
                passed: expected.matches(*facet, actual),
                expected: expected.0.clone(),
                actual: actual.cloned().unwrap_or(Value::Null),
                expected_text: expected.describe(*facet),
                actual_text: actual.map_or_else(|| "not set".to_owned(), |a| facet.describe(a)),
            }
        })
        .collect()
}

/// Why the expected policy (or rule) is not the one that applied.
fn why_not(
    expectation: &Expectation,
    evaluation: &Evaluation,
    policies: Option<&PolicyList>,
) -> Option<String> {
    let matched = evaluation.matched.as_ref();
    let label = policies.map_or("policy", |l| l.kind.label());
    let known =
        |name: &str| policies.is_none_or(|list| list.policies.iter().any(|p| p.name == name));
    let missing_policy = |name: &str| {
        let mut text = format!("there is no {label} named {name:?}");
        if let Some(list) = policies
            && let Some(close) = closest(name, list.policies.iter().map(|p| p.name.as_str()))
        {
            text.push_str(&format!(" (did you mean {close:?}?)"));
        }
        text
    };
    if let Some(policy) = &expectation.policy
        && matched.is_none_or(|m| &m.policy != policy)
    {
        if !known(policy) {
            return Some(missing_policy(policy));
        }
        return Some(evaluation.why_not(policy, expectation.rule.as_deref()));
    }
    if let Some(rule) = &expectation.rule
        && matched.is_none_or(|m| &m.rule != rule)
    {
        // The rule belongs to the expected policy, else the one that
        // applied, else whichever policy has a rule of that name.
        let owner = expectation
            .policy
            .clone()
            .or_else(|| matched.map(|m| m.policy.clone()))
            .or_else(|| {
                policies.and_then(|list| {
                    list.policies
                        .iter()
                        .find(|p| p.rules.iter().any(|r| &r.name == rule))
                        .map(|p| p.name.clone())
                })
            });
        let Some(owner) = owner else {
            return Some(evaluation.note.clone().unwrap_or_else(|| {
                format!("no policy applies, and no {label} has a rule named {rule:?}")
            }));
        };
        if let Some(list) = policies
            && let Some(policy) = list.policies.iter().find(|p| p.name == owner)
            && !policy.rules.iter().any(|r| &r.name == rule)
        {
            let mut text = format!("the {label} {owner:?} has no rule named {rule:?}");
            if let Some(close) = closest(rule, policy.rules.iter().map(|r| r.name.as_str())) {
                text.push_str(&format!(" (did you mean {close:?}?)"));
            }
            return Some(text);
        }
        if let Some(m) = matched.filter(|m| m.policy == owner)
            && let Some(first) = earlier_rule(evaluation, m, rule)
        {
            return Some(first);
        }
        return Some(evaluation.why_not(&owner, Some(rule)));
    }
    if expectation.applies == Some(true) && matched.is_none() {
        if let Some(note) = &evaluation.note {
            return Some(note.clone());
        }
        let reasons: Vec<String> = evaluation
            .policies
            .iter()
            .map(|p| evaluation.why_not(&p.name, None))
            .collect();
        return Some(if reasons.is_empty() {
            format!("no {label} is listed")
        } else {
            reasons.join("; ")
        });
    }
    None
}

/// When `rule` was never considered because the rule that matched comes
/// before it in the same policy: which rule, and why it matched.
fn earlier_rule(evaluation: &Evaluation, matched: &Matched, rule: &str) -> Option<String> {
    let policy = evaluation
        .policies
        .iter()
        .find(|p| p.name == matched.policy)?;
    if policy.rules.iter().any(|r| r.name == rule) {
        return None;
    }
    let first = policy.rules.iter().find(|r| r.name == matched.rule)?;
    let reasons: Vec<&str> = first
        .conditions
        .iter()
        .filter(|c| c.status == Status::Match)
        .map(|c| c.reason.as_str())
        .collect();
    let because = if reasons.is_empty() {
        "it has no conditions".to_owned()
    } else {
        reasons.join("; ")
    };
    Some(format!(
        "rule {:?} comes before {rule:?} in {:?} and matched first ({because})",
        matched.rule, matched.policy
    ))
}

/// Conditions the context does not settle, which the evaluation treated
/// as not matching: one note per policy or rule.
fn undefined_notes(evaluation: &Evaluation) -> Vec<String> {
    let unsettled = |checks: &[crate::evaluate::Check]| {
        checks
            .iter()
            .filter(|c| c.status == Status::Undefined)
            .map(|c| format!("{} ({})", c.reason, c.condition))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut notes = Vec::new();
    for policy in &evaluation.policies {
        if policy.status == Status::Undefined {
            notes.push(format!(
                "policy {:?} was treated as not matching: {}",
                policy.name,
                unsettled(&policy.conditions)
            ));
        }
        for rule in policy
            .rules
            .iter()
            .filter(|r| r.status == Status::Undefined)
        {
            notes.push(format!(
                "rule {:?} of {:?} was treated as not matching: {}",
                rule.name,
                policy.name,
                unsettled(&rule.conditions)
            ));
        }
    }
    notes
}

/// An app sign-in: the global session policy and the app's access policy,
/// both evaluated, their outcomes united.
fn app_sign_in(
    expectation: &Expectation,
    set: &PolicySet,
    context: &Context,
    manifests: &str,
) -> ExpectationResult {
    let mut evaluations = Vec::new();
    for kind in [PolicyKind::SignOn, PolicyKind::Access] {
        match select(set, kind, None, context, manifests) {
            Ok(list) => evaluations.push((evaluate_list(list, context), list)),
            Err(error) => {
                return unevaluated(
                    expectation,
                    format!(
                        "an app sign-in needs the global session and the app's access policy: {error}"
                    ),
                );
            }
        }
    }
    let mut all_notes = Vec::new();
    for (evaluation, list) in &evaluations {
        match &evaluation.matched {
            Some(m) => all_notes.push(format!(
                "{}: {:?}, rule {:?}",
                list.kind.label(),
                m.policy,
                m.rule
            )),
            None if list.kind == PolicyKind::Access => {
                let why = evaluation
                    .note
                    .clone()
                    .unwrap_or_else(|| evaluation_reasons(evaluation));
                return unevaluated(
                    expectation,
                    format!(
                        "no access policy applies to the app, so the sign-in cannot be evaluated: {why}"
                    ),
                );
            }
            None => all_notes.push(format!("no {} applies", list.kind.label())),
        }
        all_notes.extend(notes(evaluation, Some(list)));
    }
    let outcome_of = |kind: PolicyKind| {
        evaluations
            .iter()
            .find(|(e, _)| e.kind == kind && e.matched.is_some())
            .map(|(e, _)| &e.outcome)
    };
    let outcome = Outcome::app_sign_in(
        outcome_of(PolicyKind::SignOn),
        outcome_of(PolicyKind::Access),
    );
    let checks = check_outcome(expectation, &outcome);
    ExpectationResult {
        target: expectation.target,
        server: None,
        passed: checks.iter().all(|c| c.passed),
        error: None,
        matched: None,
        checks,
        why: None,
        notes: all_notes,
    }
}

fn evaluation_reasons(evaluation: &Evaluation) -> String {
    evaluation
        .policies
        .iter()
        .map(|p| evaluation.why_not(&p.name, None))
        .collect::<Vec<_>>()
        .join("; ")
}
