//! IDs back to the names manifests use: the inverse of resolution. Each
//! reference place of a live body ([`REF_PLACES`]) gets the name of the
//! object its ID designates (group name, user login, zone name, app label,
//! …). Where a name would not resolve back to that same object — it is
//! shared, missing, spelled like a raw ID or an Okta literal, or the
//! collection cannot be looked up by name at all — the reference is written
//! `id:<ID>`, with the reason, which the YAML carries as a comment.

use std::collections::HashMap;

use serde_json::Value;

use crate::desired::references::{Collection, REF_PLACES};
use crate::live::DirectoryIndex;
use crate::manifest::reference::ID_PREFIX;

/// The collections whose objects have names (the others need `id:`).
const NAMED: [Collection; 9] = [
    Collection::Groups,
    Collection::Users,
    Collection::Zones,
    Collection::Apps,
    Collection::Clients,
    Collection::Idps,
    Collection::UserTypes,
    Collection::InlineHooks,
    Collection::AuthServers,
];

/// How a reference is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// By name: it resolves back to the same object.
    Name(String),
    /// As `id:<ID>`, and why a name would not do.
    Id { id: String, why: String },
}

impl Named {
    /// The reference as a manifest writes it.
    pub fn reference(&self) -> String {
        match self {
            Named::Name(name) => name.clone(),
            Named::Id { id, .. } => format!("{ID_PREFIX}{id}"),
        }
    }

    /// Why the reference is an ID, when it is one.
    pub fn why(&self) -> Option<&str> {
        match self {
            Named::Name(_) => None,
            Named::Id { why, .. } => Some(why),
        }
    }
}

/// The directory, looked up by ID.
pub struct Names<'d> {
    directory: &'d DirectoryIndex,
    by_id: HashMap<(Collection, &'d str), &'d str>,
}

impl<'d> Names<'d> {
    pub fn new(directory: &'d DirectoryIndex) -> Self {
        let mut by_id = HashMap::new();
        for collection in NAMED {
            for entry in directory.entries(collection) {
                by_id
                    .entry((collection, entry.id.as_str()))
                    .or_insert(entry.name.as_str());
            }
        }
        Names { directory, by_id }
    }

    /// How to write a reference to object `id` of `collection`, at a place
    /// where `literals` are Okta's reserved words.
    pub fn name(&self, collection: Collection, id: &str, literals: &[&str]) -> Named {
        let noun = collection.noun();
        let as_id = |why: String| Named::Id {
            id: id.to_owned(),
            why,
        };
        if !collection.by_name() {
            return as_id(format!(
                "Okta's Management API cannot look up {} by name",
                plural(noun)
            ));
        }
        let Some(&name) = self.by_id.get(&(collection, id)) else {
            return as_id(format!("no {noun} with this ID was found in the org"));
        };
        let sharing = self.directory.lookup(collection, name).len();
        if sharing > 1 {
            as_id(format!("{sharing} {} are named {name:?}", plural(noun)))
        } else if name.is_empty() {
            as_id(format!("the {noun} has no name"))
        } else if name.starts_with(ID_PREFIX) {
            as_id(format!(
                "the {noun}'s name {name:?} starts with `{ID_PREFIX}`, which manifests read as a raw ID"
            ))
        } else if name.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
            as_id(format!(
                "the {noun}'s name {name:?} spans lines, which a reference cannot"
            ))
        } else if literals.contains(&name) {
            as_id(format!(
                "the {noun}'s name {name:?} is also an Okta literal here"
            ))
        } else {
            Named::Name(name.to_owned())
        }
    }
}

/// "group" → "groups", "device assurance policy" → "device assurance policies".
fn plural(noun: &str) -> String {
    match noun.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{noun}s"),
    }
}

/// A reference written as `id:`, and why: (JSON pointer within the body,
/// reason).
pub type Why = (String, String);

/// Replaces every ID at a reference place of `body` (a live policy or rule
/// body) with how a manifest writes it, moving it to the manifest's key (an
/// IdP's `id` becomes its `name`). Returns the reasons for the references
/// left as IDs.
pub fn name_references(body: &mut Value, names: &Names<'_>) -> Vec<Why> {
    let mut why = Vec::new();
    for place in REF_PLACES {
        for pointer in matches(body, place.pattern) {
            let Some(node) = body.pointer_mut(&pointer) else {
                continue;
            };
            if let Some(only) = place.only_type
                && node.get("type").and_then(Value::as_str) != Some(only)
            {
                continue;
            }
            match place.key {
                None => {
                    let Some(id) = id_text(node) else { continue };
                    if place.literals.contains(&id.as_str()) {
                        continue;
                    }
                    let named = names.name(place.collection, &id, place.literals);
                    if let Some(reason) = named.why() {
                        why.push((pointer.clone(), reason.to_owned()));
                    }
                    *node = Value::String(named.reference());
                }
                Some(key) => {
                    let Some(object) = node.as_object_mut() else {
                        continue;
                    };
                    let wire_key = place.wire_key.unwrap_or(key);
                    let Some(id) = object.get(wire_key).and_then(id_text) else {
                        continue;
                    };
                    let named = names.name(place.collection, &id, place.literals);
                    if let Some(reason) = named.why() {
                        why.push((format!("{pointer}/{}", escape(key)), reason.to_owned()));
                    }
                    object.remove(wire_key);
                    object.insert(key.to_owned(), Value::String(named.reference()));
                }
            }
        }
    }
    why
}

/// Every ID at a reference place of `body`, with its collection (literals
/// left out).
pub fn referenced_ids(body: &Value) -> Vec<(Collection, String)> {
    let mut found = Vec::new();
    for place in REF_PLACES {
        for pointer in matches(body, place.pattern) {
            let Some(node) = body.pointer(&pointer) else {
                continue;
            };
            if let Some(only) = place.only_type
                && node.get("type").and_then(Value::as_str) != Some(only)
            {
                continue;
            }
            let id = match place.key {
                None => id_text(node),
                Some(key) => node.get(place.wire_key.unwrap_or(key)).and_then(id_text),
            };
            if let Some(id) = id.filter(|id| !place.literals.contains(&id.as_str())) {
                found.push((place.collection, id));
            }
        }
    }
    found
}

/// An ID as text (Okta Workflows flow IDs are numbers).
fn id_text(node: &Value) -> Option<String> {
    match node {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The pointers of the nodes matching a pattern (`*`: every list item).
fn matches(body: &Value, pattern: &str) -> Vec<String> {
    let mut current = vec![(String::new(), body)];
    for token in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for (pointer, node) in current {
            if token == "*" {
                for (index, item) in node.as_array().into_iter().flatten().enumerate() {
                    next.push((format!("{pointer}/{index}"), item));
                }
            } else if let Some(child) = node.get(token) {
                next.push((format!("{pointer}/{}", escape(token)), child));
            }
        }
        current = next;
    }
    current.into_iter().map(|(pointer, _)| pointer).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::client::wire::{Application, Group, IdentityProvider};

    fn directory() -> DirectoryIndex {
        let groups: Vec<Group> = serde_json::from_value(json!([
            { "id": "00g1", "profile": { "name": "Everyone" } },
            { "id": "00g2", "profile": { "name": "Sales" } },
            { "id": "00g3", "profile": { "name": "Sales" } },
            { "id": "00g4", "profile": { "name": "id:tricky" } },
            { "id": "00g5", "profile": { "name": "EVERYONE" } }
        ]))
        .expect("groups");
        let idps: Vec<IdentityProvider> =
            serde_json::from_value(json!([{ "id": "0oa9", "name": "Partner IdP" }])).expect("idps");
        let apps: Vec<Application> =
            serde_json::from_value(json!([{ "id": "0oa1", "label": "Portal" }])).expect("apps");
        let mut index = DirectoryIndex::default();
        index.add_groups(&groups);
        index.add_idps(&idps);
        index.add_apps(&apps);
        index
    }

    #[test]
    fn names_what_resolves_back_and_explains_every_id() {
        let directory = directory();
        let names = Names::new(&directory);
        let mut body = json!({
            "conditions": {
                "people": { "groups": { "include": ["00g1", "00g2", "00g4", "00g5", "EVERYONE", "00g404"] } },
                "app": { "include": [{ "type": "APP", "id": "0oa1" }, { "type": "APP_TYPE", "name": "salesforce" }] }
            },
            "actions": {
                "idp": { "providers": [{ "type": "SAML2", "id": "0oa9" }, { "type": "OKTA" }] },
                "entityRisk": { "actions": [{ "action": "RUN_WORKFLOW", "workflow": { "id": 1074260 } }] }
            }
        });
        let why = name_references(&mut body, &names);
        assert_eq!(
            body,
            json!({
                "conditions": {
                    "people": { "groups": { "include": ["Everyone", "id:00g2", "id:00g4", "id:00g5", "EVERYONE", "id:00g404"] } },
                    "app": { "include": [{ "type": "APP", "name": "Portal" }, { "type": "APP_TYPE", "name": "salesforce" }] }
                },
                "actions": {
                    "idp": { "providers": [{ "type": "SAML2", "name": "Partner IdP" }, { "type": "OKTA" }] },
                    "entityRisk": { "actions": [{ "action": "RUN_WORKFLOW", "workflow": { "id": "id:1074260" } }] }
                }
            })
        );
        let reasons: Vec<&str> = why.iter().map(|(_, reason)| reason.as_str()).collect();
        assert_eq!(
            reasons,
            vec![
                "2 groups are named \"Sales\"",
                "the group's name \"id:tricky\" starts with `id:`, which manifests read as a raw ID",
                "the group's name \"EVERYONE\" is also an Okta literal here",
                "no group with this ID was found in the org",
                "Okta's Management API cannot look up workflows by name",
            ]
        );
        assert_eq!(why[0].0, "/conditions/people/groups/include/1");
        assert_eq!(why[4].0, "/actions/entityRisk/actions/0/workflow/id");
    }

    #[test]
    fn lists_the_ids_a_body_references() {
        let body = json!({
            "conditions": { "network": { "connection": "ZONE", "include": ["nzo1", "ALL_ZONES"] } },
            "actions": { "idp": { "providers": [{ "type": "SAML2", "id": "0oa9" }] } }
        });
        assert_eq!(
            referenced_ids(&body),
            vec![
                (Collection::Zones, "nzo1".to_owned()),
                (Collection::Idps, "0oa9".to_owned())
            ]
        );
    }
}
