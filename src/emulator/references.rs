//! Okta rejects a policy or rule that refers to a group, user, zone, app,
//! identity provider, user type or inline hook that does not exist. This
//! walks the places in conditions and actions that hold such IDs.

use serde_json::Value;

use super::directory::Collection;
use super::org::{Org, Outcome};

/// Literals Okta accepts where zone IDs go.
const ZONE_LITERALS: &[&str] = &["ALL_ZONES", "DEFAULT"];
/// The literal authorization-server rules use for every user.
const GROUP_LITERALS: &[&str] = &["EVERYONE"];

/// Where IDs sit in conditions and actions: a list (by JSON pointer) of
/// bare IDs, or of objects holding the ID under `key` (only those whose
/// `type` is `only_type`, when given).
struct IdPlace {
    list: &'static str,
    key: Option<&'static str>,
    only_type: Option<&'static str>,
    collection: Collection,
}

const fn ids(list: &'static str, collection: Collection) -> IdPlace {
    IdPlace {
        list,
        key: None,
        only_type: None,
        collection,
    }
}

const fn objects(
    list: &'static str,
    key: &'static str,
    only_type: Option<&'static str>,
    collection: Collection,
) -> IdPlace {
    IdPlace {
        list,
        key: Some(key),
        only_type,
        collection,
    }
}

const ID_PLACES: &[IdPlace] = &[
    ids("/people/groups/include", Collection::Groups),
    ids("/people/groups/exclude", Collection::Groups),
    ids("/people/users/include", Collection::Users),
    ids("/people/users/exclude", Collection::Users),
    ids("/network/include", Collection::Zones),
    ids("/network/exclude", Collection::Zones),
    ids("/userType/include", Collection::UserTypes),
    ids("/userType/exclude", Collection::UserTypes),
    ids("/identityProvider/idpIds", Collection::Idps),
    ids("/profileEnrollment/targetGroupIds", Collection::Groups),
    objects("/app/include", "id", Some("APP"), Collection::Apps),
    objects("/app/exclude", "id", Some("APP"), Collection::Apps),
    objects("/idp/providers", "id", None, Collection::Idps),
    objects(
        "/profileEnrollment/preRegistrationInlineHooks",
        "inlineHookId",
        None,
        Collection::Hooks,
    ),
];

impl Org {
    /// Checks every ID a policy's or rule's conditions and actions refer to.
    pub(super) fn check_references(&mut self, field: &str, body: Option<&Value>) -> Outcome<()> {
        let Some(body) = body else { return Ok(()) };
        let mut missing = Vec::new();
        for place in ID_PLACES {
            let items = body
                .pointer(place.list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten();
            for item in items {
                if place.only_type.is_some()
                    && item.get("type").and_then(Value::as_str) != place.only_type
                {
                    continue;
                }
                let id = match place.key {
                    Some(key) => item.get(key).and_then(Value::as_str),
                    None => item.as_str(),
                };
                let Some(id) = id else { continue };
                let literal = match place.collection {
                    Collection::Zones => ZONE_LITERALS.contains(&id),
                    Collection::Groups => GROUP_LITERALS.contains(&id),
                    _ => false,
                };
                if !literal && !self.directory().has(place.collection, id) {
                    missing.push(format!(
                        "{field}{}: {} {id} does not exist",
                        place.list.replace('/', "."),
                        place.collection.noun()
                    ));
                }
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let error_id = self.error_id();
        Err(Box::new(
            crate::client::wire::OktaError::api_validation_failed(field, missing, error_id),
        ))
    }
}
