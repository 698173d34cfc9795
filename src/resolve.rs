//! Resolution: every name in the desired state becomes the ID of the live
//! object it names. First [`needs`] says which directory look-ups the names
//! require (and nothing more); after reading, [`resolve`] replaces names
//! with IDs and reports every name it cannot resolve at once — with its
//! file:line:col, a "did you mean", and for an ambiguous name the IDs of
//! the candidates.

use std::collections::BTreeSet;

use crate::desired::references::{self, Collection};
use crate::desired::{Desired, Origin};
use crate::finding::{Code, Finding};
use crate::live::{DirectoryIndex, Needs};
use crate::manifest::Ref;
use crate::manifest::kind::PolicyKind;
use crate::manifest::reference::RefTarget;
use crate::spelling;

/// Kinds whose policies apply to the Everyone group when they have no
/// conditions: comparing them needs the group's ID.
const EVERYONE_KINDS: [PolicyKind; 3] = [
    PolicyKind::SignOn,
    PolicyKind::Password,
    PolicyKind::MfaEnroll,
];

/// The name of Okta's built-in group of all users.
pub const EVERYONE: &str = "Everyone";

/// What reading the org must include for these manifests.
pub fn needs(desired: &Desired, prune: bool) -> Needs {
    let mut needs = Needs {
        kinds: desired
            .managed
            .iter()
            .copied()
            .filter(|k| *k != PolicyKind::AuthorizationServer)
            .collect(),
        ..Needs::default()
    };
    for list in &desired.lists {
        if prune && list.kind.has_app_mappings() {
            needs.apps = true;
        }
        for policy in &list.policies {
            if policy.apps.as_ref().is_some_and(|apps| !apps.is_empty()) {
                needs.apps = true;
            }
            if EVERYONE_KINDS.contains(&list.kind)
                && policy
                    .object
                    .body
                    .get("conditions")
                    .and_then(|c| c.pointer("/people/groups/include"))
                    .is_none()
            {
                needs.collections.insert(Collection::Groups);
            }
            let bodies =
                std::iter::once(&policy.object.body).chain(policy.rules.iter().map(|r| &r.body));
            for body in bodies {
                let value = serde_json::Value::Object(body.clone());
                for found in references::find(&value) {
                    let RefTarget::Name(name) = found.reference.target() else {
                        continue;
                    };
                    match found.collection {
                        Collection::Users => {
                            needs.logins.insert(name.to_owned());
                        }
                        collection if collection.by_name() => {
                            needs.collections.insert(collection);
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    needs
}

/// Whether server names must be looked up before the servers' policies
/// can be read.
pub fn needs_servers(desired: &Desired) -> bool {
    desired.lists.iter().any(|list| {
        list.server
            .as_ref()
            .is_some_and(|(server, _)| matches!(server.target(), RefTarget::Name(_)))
    })
}

/// Resolves the authorization servers of the desired lists.
pub fn resolve_servers(desired: &mut Desired, directory: &DirectoryIndex) -> Vec<Finding> {
    let mut findings = Vec::new();
    for list in &mut desired.lists {
        let Some((server, origin)) = &list.server else {
            continue;
        };
        match lookup(directory, Collection::AuthServers, server) {
            Ok(id) => list.server_id = Some(id),
            Err(problem) => findings.push(problem.finding(origin, "", server)),
        }
    }
    findings
}

/// Replaces every name in the desired bodies and app lists with its ID.
pub fn resolve(desired: &mut Desired, directory: &DirectoryIndex) -> Vec<Finding> {
    let mut findings = Vec::new();
    for list in &mut desired.lists {
        for policy in &mut list.policies {
            let objects = std::iter::once(&mut policy.object).chain(policy.rules.iter_mut());
            for object in objects {
                let mut value = serde_json::Value::Object(std::mem::take(&mut object.body));
                for found in references::find(&value) {
                    if let Err(problem) = lookup(directory, found.collection, &found.reference) {
                        findings.push(problem.finding(
                            &object.origin,
                            &found.pointer,
                            &found.reference,
                        ));
                    }
                }
                references::replace(&mut value, |collection, reference| {
                    lookup(directory, collection, reference).ok()
                });
                if let serde_json::Value::Object(body) = value {
                    object.body = body;
                }
            }
            for app in policy.apps.iter_mut().flatten() {
                match lookup(directory, Collection::Apps, &app.reference) {
                    Ok(id) => app.id = Some(id),
                    Err(problem) => {
                        findings.push(problem.finding(&app.origin, "", &app.reference));
                    }
                }
            }
        }
    }
    findings
}

/// The Everyone group's ID, when groups were read.
pub fn everyone(directory: &DirectoryIndex) -> Option<String> {
    match directory.lookup(Collection::Groups, EVERYONE) {
        [one] => Some(one.id.clone()),
        _ => None,
    }
}

/// Why a reference did not resolve.
enum Problem {
    Missing {
        collection: Collection,
        suggestion: Option<String>,
        read: bool,
    },
    Ambiguous {
        collection: Collection,
        ids: Vec<String>,
    },
    NeedsId(Collection),
}

impl Problem {
    fn finding(self, origin: &Origin, pointer: &str, reference: &Ref) -> Finding {
        let location = origin.at(pointer);
        match self {
            Problem::Missing {
                collection,
                suggestion,
                read,
            } => {
                let mut finding = Finding::new(
                    Code::UnresolvedReference,
                    location,
                    format!(
                        "no {} named {:?} in the org",
                        collection.noun(),
                        reference.as_str()
                    ),
                );
                finding = match (suggestion, read) {
                    (Some(name), _) => finding.hint(format!("did you mean {name:?}?")),
                    (None, true) => finding.hint(format!(
                        "check the spelling, create the {} in Okta first, or write `id:<okta id>`",
                        collection.noun()
                    )),
                    (None, false) => finding.hint("write `id:<okta id>`"),
                };
                finding
            }
            Problem::Ambiguous { collection, ids } => Finding::new(
                Code::AmbiguousReference,
                location,
                format!(
                    "{} {}s are named {:?}: {}",
                    ids.len(),
                    collection.noun(),
                    reference.as_str(),
                    ids.join(", ")
                ),
            )
            .hint("write `id:<okta id>` with the one you mean"),
            Problem::NeedsId(collection) => Finding::new(
                Code::ReferenceNeedsId,
                location,
                format!(
                    "{} {:?}: Okta's Management API cannot look up {}s by name",
                    collection.noun(),
                    reference.as_str(),
                    collection.noun()
                ),
            )
            .hint("write `id:<okta id>`"),
        }
    }
}

fn lookup(
    directory: &DirectoryIndex,
    collection: Collection,
    reference: &Ref,
) -> Result<String, Problem> {
    let name = match reference.target() {
        RefTarget::Id(id) => return Ok(id.to_owned()),
        RefTarget::Name(name) => name,
    };
    if !collection.by_name() {
        return Err(Problem::NeedsId(collection));
    }
    let found = directory.lookup(collection, name);
    match found {
        [one] => Ok(one.id.clone()),
        [] => {
            let names: BTreeSet<&str> = directory
                .entries(collection)
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            Err(Problem::Missing {
                collection,
                suggestion: spelling::closest(name, names).map(str::to_owned),
                read: directory.has(collection),
            })
        }
        many => Err(Problem::Ambiguous {
            collection,
            ids: many.iter().map(|e| e.id.clone()).collect(),
        }),
    }
}
