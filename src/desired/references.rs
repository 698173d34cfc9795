//! Where manifests name other Okta objects, as one table: the JSON places
//! (relative to a policy or rule body, which mirrors Okta's JSON) that hold
//! a group name, user login, zone name, app label, IdP name, user type,
//! inline hook or workflow, and which Okta literals stay literal there.
//! Resolution walks these places to replace names with IDs.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::manifest::reference::{Ref, RefTarget};

/// What a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Collection {
    /// Groups, by name.
    Groups,
    /// Users, by login.
    Users,
    /// Network zones, by name.
    Zones,
    /// App instances, by label.
    Apps,
    /// OAuth clients, by app label or client ID.
    Clients,
    /// Identity providers, by name.
    Idps,
    /// User types, by name or display name.
    UserTypes,
    /// Inline hooks, by name.
    InlineHooks,
    /// Authorization servers, by name.
    AuthServers,
    /// Okta Workflows flows: the Management API cannot look them up.
    Workflows,
    /// Device assurance policies: not looked up yet.
    DeviceAssurances,
    /// Profile enrollment UI schemas: Okta generates them.
    UiSchemas,
}

impl Collection {
    /// A noun for messages, e.g. "group".
    pub const fn noun(self) -> &'static str {
        match self {
            Collection::Groups => "group",
            Collection::Users => "user",
            Collection::Zones => "network zone",
            Collection::Apps => "app",
            Collection::Clients => "OAuth client",
            Collection::Idps => "identity provider",
            Collection::UserTypes => "user type",
            Collection::InlineHooks => "inline hook",
            Collection::AuthServers => "authorization server",
            Collection::Workflows => "workflow",
            Collection::DeviceAssurances => "device assurance policy",
            Collection::UiSchemas => "UI schema",
        }
    }

    /// Whether oktapol can resolve names of this collection; for the others
    /// manifests must write `id:…`.
    pub const fn by_name(self) -> bool {
        !matches!(
            self,
            Collection::Workflows | Collection::DeviceAssurances | Collection::UiSchemas
        )
    }
}

/// One place in a body that holds references.
#[derive(Debug, Clone, Copy)]
pub struct RefPlace {
    /// JSON pointer from the body; `*` stands for every item of a list.
    pub pattern: &'static str,
    /// Within the node at `pattern`: the key holding the reference (`None`:
    /// the node itself is the reference).
    pub key: Option<&'static str>,
    /// The wire key the resolved ID goes under (a manifest writes an IdP
    /// `name` where Okta has its `id`).
    pub wire_key: Option<&'static str>,
    /// Only nodes whose `type` is this.
    pub only_type: Option<&'static str>,
    pub collection: Collection,
    /// Okta literals accepted in place of a reference.
    pub literals: &'static [&'static str],
}

const fn list(pattern: &'static str, collection: Collection) -> RefPlace {
    RefPlace {
        pattern,
        key: None,
        wire_key: None,
        only_type: None,
        collection,
        literals: &[],
    }
}

const fn literal(
    pattern: &'static str,
    collection: Collection,
    literals: &'static [&'static str],
) -> RefPlace {
    RefPlace {
        literals,
        ..list(pattern, collection)
    }
}

const fn keyed(pattern: &'static str, key: &'static str, collection: Collection) -> RefPlace {
    RefPlace {
        key: Some(key),
        ..list(pattern, collection)
    }
}

const fn renamed(
    pattern: &'static str,
    key: &'static str,
    wire_key: &'static str,
    only_type: Option<&'static str>,
    collection: Collection,
) -> RefPlace {
    RefPlace {
        key: Some(key),
        wire_key: Some(wire_key),
        only_type,
        ..list(pattern, collection)
    }
}

/// Zone literals Okta accepts where zone IDs go.
const ZONES: &[&str] = &["ALL_ZONES", "DEFAULT"];

/// Every reference place of policy bodies (`description`, `conditions`,
/// `settings`) and rule bodies (`conditions`, `actions`).
pub const REF_PLACES: &[RefPlace] = &[
    literal(
        "/conditions/people/groups/include/*",
        Collection::Groups,
        &["EVERYONE"],
    ),
    list("/conditions/people/groups/exclude/*", Collection::Groups),
    list("/conditions/people/users/include/*", Collection::Users),
    list("/conditions/people/users/exclude/*", Collection::Users),
    literal("/conditions/network/include/*", Collection::Zones, ZONES),
    literal("/conditions/network/exclude/*", Collection::Zones, ZONES),
    list("/conditions/userType/include/*", Collection::UserTypes),
    list("/conditions/userType/exclude/*", Collection::UserTypes),
    list("/conditions/identityProvider/idpIds/*", Collection::Idps),
    list(
        "/conditions/device/assurance/include/*",
        Collection::DeviceAssurances,
    ),
    list("/conditions/authProvider/include/*", Collection::Apps),
    literal(
        "/conditions/clients/include/*",
        Collection::Clients,
        &["ALL_CLIENTS"],
    ),
    renamed(
        "/conditions/app/include/*",
        "name",
        "id",
        Some("APP"),
        Collection::Apps,
    ),
    renamed(
        "/conditions/app/exclude/*",
        "name",
        "id",
        Some("APP"),
        Collection::Apps,
    ),
    renamed(
        "/actions/idp/providers/*",
        "name",
        "id",
        None,
        Collection::Idps,
    ),
    list(
        "/actions/profileEnrollment/targetGroupIds/*",
        Collection::Groups,
    ),
    keyed(
        "/actions/profileEnrollment",
        "uiSchemaId",
        Collection::UiSchemas,
    ),
    keyed(
        "/actions/profileEnrollment/preRegistrationInlineHooks/*",
        "inlineHookId",
        Collection::InlineHooks,
    ),
    RefPlace {
        only_type: Some("ID_PROOFING"),
        ..keyed(
            "/actions/appSignOn/verificationMethod",
            "id",
            Collection::Idps,
        )
    },
    keyed("/actions/token/inlineHook", "id", Collection::InlineHooks),
    keyed(
        "/actions/entityRisk/actions/*/workflow",
        "id",
        Collection::Workflows,
    ),
    keyed(
        "/actions/postAuthSession/failureActions/*/workflow",
        "id",
        Collection::Workflows,
    ),
    keyed(
        "/settings/password/breachedProtection",
        "delegatedWorkflowId",
        Collection::Workflows,
    ),
];

/// One reference found in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// JSON pointer of the reference's string within the body.
    pub pointer: String,
    /// The reference as written.
    pub reference: Ref,
    pub collection: Collection,
}

/// Every reference in `body` (literals excluded).
pub fn find(body: &Value) -> Vec<Found> {
    let mut found = Vec::new();
    for place in REF_PLACES {
        for (pointer, node) in matches(body, place.pattern) {
            if let Some(only) = place.only_type
                && node.get("type").and_then(Value::as_str) != Some(only)
            {
                continue;
            }
            let (pointer, value) = match place.key {
                Some(key) => (format!("{pointer}/{key}"), node.get(key)),
                None => (pointer, Some(node)),
            };
            let Some(text) = value.and_then(Value::as_str) else {
                continue;
            };
            if place.literals.contains(&text) {
                continue;
            }
            found.push(Found {
                pointer,
                reference: Ref::new(text),
                collection: place.collection,
            });
        }
    }
    found
}

/// Replaces every reference in `body` by the ID `resolve` gives it (and
/// moves it to its wire key). References `resolve` cannot resolve are left
/// as written; the caller reports them.
pub fn replace(body: &mut Value, mut resolve: impl FnMut(Collection, &Ref) -> Option<String>) {
    for place in REF_PLACES {
        let pointers: Vec<String> = matches(body, place.pattern)
            .into_iter()
            .map(|(pointer, _)| pointer)
            .collect();
        for pointer in pointers {
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
                    let Some(text) = node.as_str() else { continue };
                    if place.literals.contains(&text) {
                        continue;
                    }
                    if let Some(id) = resolve(place.collection, &Ref::new(text)) {
                        *node = Value::String(id);
                    }
                }
                Some(key) => {
                    let Some(object) = node.as_object_mut() else {
                        continue;
                    };
                    let Some(text) = object.get(key).and_then(Value::as_str) else {
                        continue;
                    };
                    let Some(id) = resolve(place.collection, &Ref::new(text)) else {
                        continue;
                    };
                    object.remove(key);
                    object.insert(place.wire_key.unwrap_or(key).to_owned(), Value::String(id));
                }
            }
        }
    }
}

/// The ID a raw `id:` reference carries, without resolution.
pub fn raw_id(reference: &Ref) -> Option<&str> {
    match reference.target() {
        RefTarget::Id(id) => Some(id),
        RefTarget::Name(_) => None,
    }
}

/// The nodes matching a pattern, with their pointers.
fn matches<'v>(body: &'v Value, pattern: &str) -> Vec<(String, &'v Value)> {
    let mut current = vec![(String::new(), body)];
    for token in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for (pointer, node) in current {
            if token == "*" {
                if let Some(items) = node.as_array() {
                    for (index, item) in items.iter().enumerate() {
                        next.push((format!("{pointer}/{index}"), item));
                    }
                }
            } else if let Some(child) = node.get(token) {
                next.push((format!("{pointer}/{token}"), child));
            }
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finds_names_and_skips_literals() {
        let body = json!({
            "conditions": {
                "people": { "groups": { "include": ["Contractors", "EVERYONE"] } },
                "network": { "connection": "ZONE", "include": ["Office", "ALL_ZONES"] },
                "app": { "include": [{ "type": "APP", "name": "Portal" }, { "type": "APP_TYPE", "name": "salesforce" }] }
            },
            "actions": { "idp": { "providers": [{ "type": "SAML2", "name": "Partner IdP" }, { "type": "OKTA" }] } }
        });
        let found: Vec<(String, String)> = find(&body)
            .into_iter()
            .map(|f| (f.pointer, f.reference.as_str().to_owned()))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "/conditions/people/groups/include/0".into(),
                    "Contractors".into()
                ),
                ("/conditions/network/include/0".into(), "Office".into()),
                ("/conditions/app/include/0/name".into(), "Portal".into()),
                ("/actions/idp/providers/0/name".into(), "Partner IdP".into()),
            ]
        );
    }

    #[test]
    fn replaces_names_with_ids_under_wire_keys() {
        let mut body = json!({
            "conditions": { "app": { "include": [{ "type": "APP", "name": "Portal" }] } },
            "actions": { "idp": { "providers": [{ "type": "SAML2", "name": "Partner IdP" }] } }
        });
        replace(&mut body, |collection, reference| {
            Some(format!("{collection:?}:{reference}"))
        });
        assert_eq!(
            body,
            json!({
                "conditions": { "app": { "include": [{ "type": "APP", "id": "Apps:Portal" }] } },
                "actions": { "idp": { "providers": [{ "type": "SAML2", "id": "Idps:Partner IdP" }] } }
            })
        );
    }
}
