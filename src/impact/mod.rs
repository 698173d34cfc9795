//! `plan --impact`: who a plan affects, not which JSON field changes.
//!
//! The live policies ([`after::states`]: before) are compared with the org
//! as the plan will leave it (after) over a matrix of sign-in contexts
//! built from the condition values the changed policies test
//! ([`matrix`]). Each list with changes is evaluated before and after for
//! every distinct context it can tell apart (an axis none of its policies
//! tests is not varied for it, so each evaluation is done once); access
//! policies are evaluated as app sign-ins, together with the global
//! session policy. Contexts whose outcome changes the same way are worded
//! as one line ([`words`]), loosening lines first.

pub mod after;
pub mod matrix;
pub mod model;
pub mod words;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::evaluate::{EVERYONE, Evaluation, Facet, Matched, Outcome, PolicyList, evaluate_list};
use crate::live::{DirectoryIndex, LiveOrg};
use crate::manifest::kind::PolicyKind;
use crate::plan::Plan;

pub use model::{
    Dimension, Direction, FacetChange, Impact, Line, MatchChange, MatchedRule, Section,
};

use self::matrix::{Axis, AxisValues, Changed, Matrix, Tested};

/// The default of `--impact-limit`.
pub const DEFAULT_LIMIT: usize = 10_000;

/// The impact of applying `plan` to the org it was made against (`live`,
/// as read for it), over at most `limit` sign-in contexts.
pub fn impact(plan: &Plan, live: &LiveOrg, limit: usize) -> Impact {
    let states = after::states(plan, live);
    let everyone = crate::resolve::everyone(&live.directory).unwrap_or_else(|| EVERYONE.to_owned());
    let name = |id: &str| {
        live.directory
            .name_of(id)
            .map_or_else(|| id.to_owned(), str::to_owned)
    };
    let lists = changed_lists(&states);
    let matrix = matrix::build(
        &lists,
        &states.changed,
        &states.apps_before,
        &states.apps_after,
        &everyone,
        &name,
    );
    let contexts = matrix.size();
    let evaluated = contexts.min(limit);
    let sign_on = (
        states.before.list(PolicyKind::SignOn, None),
        states.after.list(PolicyKind::SignOn, None),
    );
    let sections = lists
        .iter()
        .map(|list| {
            let input = SectionInput {
                matrix: &matrix,
                evaluated,
                list,
                sign_on,
                everyone: &everyone,
                directory: &live.directory,
            };
            section(&input, &name)
        })
        .collect();
    Impact {
        contexts,
        evaluated,
        limit,
        dimensions: matrix
            .axes
            .iter()
            .filter(|axis| axis.axis != Axis::Groups || axis.values.len() > 1)
            .map(|axis| Dimension {
                name: axis.axis.name().to_owned(),
                values: axis.values.iter().map(|v| v.label.clone()).collect(),
            })
            .collect(),
        sections,
    }
}

/// The lists (before, after) holding a changed policy, in the order read.
fn changed_lists(states: &after::States) -> Vec<Changed<'_>> {
    let mut keys: Vec<(PolicyKind, Option<&str>)> = Vec::new();
    for list in states.before.lists.iter().chain(&states.after.lists) {
        let key = (list.kind, list.server.as_deref());
        if !keys.contains(&key)
            && list
                .policies
                .iter()
                .any(|p| p.id.as_ref().is_some_and(|id| states.changed.contains(id)))
        {
            keys.push(key);
        }
    }
    fn find<'a>(
        lists: &'a [PolicyList],
        kind: PolicyKind,
        server: Option<&str>,
    ) -> Option<&'a PolicyList> {
        lists
            .iter()
            .find(|l| l.kind == kind && l.server.as_deref() == server)
    }
    keys.into_iter()
        .map(|(kind, server)| Changed {
            kind,
            before: find(&states.before.lists, kind, server),
            after: find(&states.after.lists, kind, server),
        })
        .collect()
}

struct SectionInput<'a> {
    matrix: &'a Matrix,
    evaluated: usize,
    list: &'a Changed<'a>,
    sign_on: (Option<&'a PolicyList>, Option<&'a PolicyList>),
    everyone: &'a str,
    directory: &'a DirectoryIndex,
}

/// How one distinct context fares: the facets that change and, when it
/// changes, which policy and rule match.
#[derive(Debug, Clone, PartialEq)]
struct Delta {
    changes: Vec<FacetChange>,
    matched: Option<MatchChange>,
}

fn section(input: &SectionInput<'_>, name: &dyn Fn(&str) -> String) -> Section {
    let list = input.list;
    let app_sign_in = list.kind == PolicyKind::Access;
    let mut tested = Tested::default();
    for policy in list.policies() {
        tested.add_policy(policy, input.everyone);
    }
    // An app sign-in also depends on what the global session policy tests.
    let mut sign_on_tested = Tested::default();
    if app_sign_in {
        for policy in input
            .sign_on
            .0
            .into_iter()
            .chain(input.sign_on.1)
            .flat_map(|l| l.policies.iter())
        {
            tested.add_policy(policy, input.everyone);
            sign_on_tested.add_policy(policy, input.everyone);
        }
    }
    let sign_on_axes = sign_on_tested.axes();
    let mut tested_axes = tested.axes();
    if list.kind.has_app_mappings() {
        tested_axes.insert(Axis::App);
    }
    let relevant: Vec<usize> = input
        .matrix
        .axes
        .iter()
        .enumerate()
        .filter(|(_, axis)| tested_axes.contains(&axis.axis))
        .map(|(position, _)| position)
        .collect();

    // Each distinct projection of the evaluated contexts, with how many
    // contexts project to it, in first-seen order.
    let mut seen: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut keys: Vec<(Vec<u32>, usize)> = Vec::new();
    for n in 0..input.evaluated {
        let full = input.matrix.indexes(n);
        let key: Vec<u32> = relevant.iter().map(|&axis| full[axis]).collect();
        match seen.get(&key) {
            Some(&at) => keys[at].1 += 1,
            None => {
                seen.insert(key.clone(), keys.len());
                keys.push((key, 1));
            }
        }
    }

    // The global session policy's part of an app sign-in, evaluated once
    // per distinct value of the axes it tests.
    let sign_on_positions: Vec<usize> = relevant
        .iter()
        .enumerate()
        .filter(|(_, axis)| sign_on_axes.contains(&input.matrix.axes[**axis].axis))
        .map(|(position, _)| position)
        .collect();
    let mut sign_on_memo: HashMap<Vec<u32>, (Option<Evaluation>, Option<Evaluation>)> =
        HashMap::new();

    // Contexts grouped by how they change (keyed by its JSON).
    let mut by_delta: BTreeMap<String, (Delta, Vec<usize>)> = BTreeMap::new();
    for (index, (key, _)) in keys.iter().enumerate() {
        let context = input.matrix.context(&relevant, key);
        let evaluate = |list: Option<&PolicyList>| list.map(|l| evaluate_list(l, &context));
        let (before, after) = (evaluate(list.before), evaluate(list.after));
        let (outcome_before, outcome_after) = if app_sign_in {
            let sign_on_key: Vec<u32> = sign_on_positions.iter().map(|&p| key[p]).collect();
            let (sign_on_before, sign_on_after) = sign_on_memo
                .entry(sign_on_key)
                .or_insert_with(|| (evaluate(input.sign_on.0), evaluate(input.sign_on.1)));
            (
                app_outcome(before.as_ref(), sign_on_before.as_ref()),
                app_outcome(after.as_ref(), sign_on_after.as_ref()),
            )
        } else {
            let outcome =
                |e: &Option<Evaluation>| e.as_ref().map(|e| e.outcome.clone()).unwrap_or_default();
            (outcome(&before), outcome(&after))
        };
        let Some(delta) = delta(
            &outcome_before,
            &outcome_after,
            before.as_ref().and_then(|e| e.matched.as_ref()),
            after.as_ref().and_then(|e| e.matched.as_ref()),
            input.directory,
        ) else {
            continue;
        };
        let signature =
            serde_json::to_string(&(&delta.changes, &delta.matched)).unwrap_or_default();
        by_delta
            .entry(signature)
            .or_insert_with(|| (delta, Vec::new()))
            .1
            .push(index);
    }

    let axes: Vec<&AxisValues> = relevant.iter().map(|&a| &input.matrix.axes[a]).collect();
    let sizes: Vec<usize> = axes.iter().map(|a| a.values.len()).collect();
    let mut lines: Vec<(Direction, Vec<u32>, Line)> = Vec::new();
    for (delta, members) in by_delta.into_values() {
        let points: Vec<Vec<u32>> = members.iter().map(|&i| keys[i].0.clone()).collect();
        let direction = Direction::of(&delta.changes);
        for cell in words::cover(&points, &sizes) {
            let contexts = members
                .iter()
                .filter(|&&i| words::contains(&cell, &keys[i].0))
                .map(|&i| keys[i].1)
                .sum();
            lines.push((
                direction,
                words::order_key(&cell),
                Line {
                    who: words::who(&cell, &axes),
                    contexts,
                    direction,
                    changes: delta.changes.clone(),
                    matched: delta.matched.clone(),
                },
            ));
        }
    }
    lines.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let server = list
        .after
        .or(list.before)
        .and_then(|l| l.server.as_deref())
        .map(name);
    Section {
        kind: list.kind,
        title: title(list.kind, server.as_deref()),
        server,
        lines: lines.into_iter().map(|(_, _, line)| line).collect(),
    }
}

/// What a reviewer calls each list.
fn title(kind: PolicyKind, server: Option<&str>) -> String {
    match kind {
        PolicyKind::SignOn => "Global session (sign-on policies)".to_owned(),
        PolicyKind::Password => "Passwords (password policies)".to_owned(),
        PolicyKind::MfaEnroll => "Authenticator enrollment (MFA enrollment policies)".to_owned(),
        PolicyKind::IdpDiscovery => "Identity provider routing (IdP discovery policy)".to_owned(),
        PolicyKind::Access => "App sign-in (access policies with the global session)".to_owned(),
        PolicyKind::ProfileEnrollment => {
            "Self-registration (profile enrollment policies)".to_owned()
        }
        PolicyKind::EntityRisk => "Entity risk (entity risk policy)".to_owned(),
        PolicyKind::PostAuthSession => "Post-auth session (post-auth session policy)".to_owned(),
        PolicyKind::AuthorizationServer => format!(
            "Tokens from authorization server {} (its access policies)",
            server.unwrap_or("?")
        ),
    }
}

/// Facets that exist only under another one: the MFA prompt only when MFA
/// is required, everything else only when access is allowed. When the
/// parent changes, a child that appears or disappears is not worth a word.
const fn parent(facet: Facet) -> Option<Facet> {
    match facet {
        Facet::Access => None,
        Facet::FactorLifetime => Some(Facet::FactorPromptMode),
        Facet::FactorPromptMode => Some(Facet::MfaRequired),
        _ => Some(Facet::Access),
    }
}

/// The facets that change, and the match when it changes; `None` when
/// nothing does.
fn delta(
    before: &Outcome,
    after: &Outcome,
    matched_before: Option<&Matched>,
    matched_after: Option<&Matched>,
    directory: &DirectoryIndex,
) -> Option<Delta> {
    let facets: BTreeSet<Facet> = before.0.keys().chain(after.0.keys()).copied().collect();
    let differs = |facet: Facet| before.get(facet) != after.get(facet);
    let changes: Vec<FacetChange> = facets
        .iter()
        .copied()
        .filter(|&facet| differs(facet))
        .filter(|&facet| {
            let one_sided = before.get(facet).is_none() || after.get(facet).is_none();
            let mut ancestor = parent(facet);
            let mut parent_changed = false;
            while let Some(p) = ancestor {
                parent_changed |= differs(p);
                ancestor = parent(p);
            }
            !(one_sided && parent_changed)
        })
        .map(|facet| {
            let (b, a) = (before.get(facet), after.get(facet));
            FacetChange {
                facet,
                loosens: facet.loosens(b.unwrap_or(&Value::Null), a.unwrap_or(&Value::Null)),
                before: b.map(|v| humanize(v, directory)),
                after: a.map(|v| humanize(v, directory)),
            }
        })
        .collect();
    let identity = |m: Option<&Matched>| {
        m.map(|m| {
            (
                m.policy_id.clone().unwrap_or_else(|| m.policy.clone()),
                m.rule_id.clone().unwrap_or_else(|| m.rule.clone()),
            )
        })
    };
    let matched = (identity(matched_before) != identity(matched_after)).then(|| {
        let rule = |m: Option<&Matched>| {
            m.map(|m| MatchedRule {
                policy: m.policy.clone(),
                rule: m.rule.clone(),
            })
        };
        MatchChange {
            before: rule(matched_before),
            after: rule(matched_after),
        }
    });
    if changes.is_empty() && matched.is_none() {
        return None;
    }
    Some(Delta { changes, matched })
}

/// An app sign-in's outcome: the access policy's own facets, with access
/// and MFA from the union with the global session policy.
fn app_outcome(access: Option<&Evaluation>, sign_on: Option<&Evaluation>) -> Outcome {
    fn matched(e: Option<&Evaluation>) -> Option<&Outcome> {
        e.filter(|e| e.matched.is_some()).map(|e| &e.outcome)
    }
    let Some(app) = matched(access) else {
        return Outcome::default();
    };
    let union = Outcome::app_sign_in(matched(sign_on), Some(app));
    let mut out = Outcome::default();
    if union.get(Facet::Access).and_then(Value::as_str) != Some("DENY") {
        for facet in [
            Facet::VerificationMethod,
            Facet::FactorMode,
            Facet::ReauthenticateIn,
            Facet::Constraints,
        ] {
            if let Some(value) = app.get(facet) {
                out.0.insert(facet, value.clone());
            }
        }
    }
    for facet in [Facet::Access, Facet::MfaRequired] {
        if let Some(value) = union.get(facet) {
            out.0.insert(facet, value.clone());
        }
    }
    out
}

/// IDs in an outcome value shown as names (also inside "TYPE id" words,
/// as identity providers are described).
fn humanize(value: &Value, directory: &DirectoryIndex) -> Value {
    match value {
        Value::String(text) => Value::String(match directory.name_of(text) {
            Some(name) => name.to_owned(),
            None if text.contains(' ') => text
                .split(' ')
                .map(|word| directory.name_of(word).unwrap_or(word))
                .collect::<Vec<_>>()
                .join(" "),
            None => text.clone(),
        }),
        Value::Array(items) => Value::Array(items.iter().map(|v| humanize(v, directory)).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), humanize(v, directory)))
                .collect(),
        ),
        other => other.clone(),
    }
}
