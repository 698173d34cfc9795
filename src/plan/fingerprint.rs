//! Fingerprints: digests of the live objects a plan's changes address and
//! of the order of every list it reorders. `apply plan.json` re-reads the
//! org and refuses when any of them changed since the plan was made;
//! changes elsewhere in the org do not matter.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::model::{Action, Plan, Target};
use crate::client::Scope;
use crate::live::LiveOrg;

/// The digest recorded for an object that does not exist yet.
pub const ABSENT: &str = "absent";

/// Hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The digest of a live object as read.
pub fn object(live: &impl Serialize) -> String {
    sha256(&serde_json::to_vec(live).unwrap_or_default())
}

/// What changed since the plan was made, one sentence each; empty when the
/// plan still applies.
pub fn stale(plan: &Plan, live: &LiveOrg) -> Vec<String> {
    let mut out = Vec::new();
    for change in &plan.changes {
        let Some(expected) = plan.fingerprint.objects.get(&change.address) else {
            continue;
        };
        let Some(found) = current(change.action, &change.target, live) else {
            continue;
        };
        if &found != expected {
            let what = if expected == ABSENT {
                "was created in the org"
            } else if found == ABSENT {
                "was deleted from the org"
            } else {
                "was changed in the org"
            };
            let sentence = format!("{} {what} since the plan was made", change.address);
            if !out.contains(&sentence) {
                out.push(sentence);
            }
        }
    }
    for (list, expected) in &plan.fingerprint.lists {
        let member = plan
            .changes
            .iter()
            .find(|c| c.address.starts_with(&format!("{list}[")));
        let Some(member) = member else { continue };
        if let Some(found) = list_order(&member.target, live)
            && &found != expected
        {
            out.push(format!(
                "the order of {list} changed since the plan was made"
            ));
        }
    }
    out
}

/// The digest of the object a target names, as the org has it now.
fn current(action: Action, target: &Target, live: &LiveOrg) -> Option<String> {
    match target {
        Target::Policy {
            kind,
            scope,
            id,
            name,
        } => {
            let list = live.list(*kind, scope)?;
            match id {
                Some(id) => Some(
                    list.policies
                        .iter()
                        .find(|p| p.policy.id.as_deref() == Some(id))
                        .map_or_else(|| ABSENT.to_owned(), |p| object(&p.policy)),
                ),
                None if action == Action::Create => Some(
                    list.policies
                        .iter()
                        .find(|p| p.policy.name.as_deref() == Some(name))
                        .map_or_else(|| ABSENT.to_owned(), |p| object(&p.policy)),
                ),
                None => None,
            }
        }
        Target::Rule {
            kind,
            scope,
            policy_id: Some(policy_id),
            id,
            name,
            ..
        } => {
            let policy = live
                .list(*kind, scope)?
                .policies
                .iter()
                .find(|p| p.policy.id.as_deref() == Some(policy_id))?;
            let found = match id {
                Some(id) => policy.rules.iter().find(|r| r.id.as_deref() == Some(id)),
                None => policy
                    .rules
                    .iter()
                    .find(|r| r.name.as_deref() == Some(name)),
            };
            Some(found.map_or_else(|| ABSENT.to_owned(), object))
        }
        _ => None,
    }
}

/// The order digest of the list a change writes to.
fn list_order(target: &Target, live: &LiveOrg) -> Option<String> {
    match target {
        Target::Policy { kind, scope, .. } => {
            let policies = live.list(*kind, scope)?;
            Some(list(policies.policies.iter().map(|p| {
                (
                    p.policy.id.as_deref().unwrap_or_default(),
                    p.policy.priority.as_ref().copied().unwrap_or(0),
                    p.policy.system == Some(true),
                )
            })))
        }
        Target::Rule {
            kind,
            scope,
            policy_id: Some(policy_id),
            ..
        } => {
            let policy = live
                .list(*kind, scope)?
                .policies
                .iter()
                .find(|p| p.policy.id.as_deref() == Some(policy_id))?;
            Some(list(policy.rules.iter().map(|r| {
                (
                    r.id.as_deref().unwrap_or_default(),
                    r.priority.as_ref().copied().unwrap_or(0),
                    r.system == Some(true),
                )
            })))
        }
        _ => None,
    }
}

/// The digest of a list's order: its members' IDs in priority order, the
/// default (or catch-all) last. Members are (ID, priority, default).
pub fn list<'a>(members: impl Iterator<Item = (&'a str, i64, bool)>) -> String {
    let mut members: Vec<(&str, i64, bool)> = members.collect();
    members.sort_by_key(|(_, priority, default)| (*default, *priority));
    let ids: Vec<&str> = members.iter().map(|(id, _, _)| *id).collect();
    sha256(ids.join(",").as_bytes())
}

/// The scopes a plan's changes live in (to re-read them).
pub fn scopes(plan: &Plan) -> Vec<Scope> {
    let mut scopes: Vec<Scope> = plan
        .changes
        .iter()
        .filter_map(|c| match &c.target {
            Target::Policy { scope, .. } | Target::Rule { scope, .. } => Some(scope.clone()),
            Target::AppMapping { .. } => None,
        })
        .collect();
    scopes.sort();
    scopes.dedup();
    scopes
}
