//! Okta rejects a policy or rule that refers to a group, user, zone, app,
//! identity provider, user type or inline hook that does not exist. This
//! walks the places in conditions and actions that hold such IDs.

use serde_json::Value;

use super::directory::Collection;
use super::org::{Org, Outcome};

/// Literals Okta accepts where zone IDs go.
const ZONE_LITERALS: &[&str] = &["ALL_ZONES", "DEFAULT"];

/// (JSON pointer of a list of IDs, what they are).
const ID_LISTS: &[(&str, Collection)] = &[
    ("/people/groups/include", Collection::Groups),
    ("/people/groups/exclude", Collection::Groups),
    ("/people/users/include", Collection::Users),
    ("/people/users/exclude", Collection::Users),
    ("/network/include", Collection::Zones),
    ("/network/exclude", Collection::Zones),
    ("/userType/include", Collection::UserTypes),
    ("/userType/exclude", Collection::UserTypes),
    ("/identityProvider/idpIds", Collection::Idps),
    ("/profileEnrollment/targetGroupIds", Collection::Groups),
];

impl Org {
    /// Checks every ID a policy's or rule's conditions and actions refer to.
    pub(super) fn check_references(&mut self, field: &str, body: Option<&Value>) -> Outcome<()> {
        let Some(body) = body else { return Ok(()) };
        let mut missing = Vec::new();
        for (pointer, collection) in ID_LISTS {
            for id in body
                .pointer(pointer)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let literal = *collection == Collection::Zones && ZONE_LITERALS.contains(&id);
                if !literal && !self.directory().has(*collection, id) {
                    missing.push(format!(
                        "{field}{}: {} {id} does not exist",
                        pointer.replace('/', "."),
                        collection.noun()
                    ));
                }
            }
        }
        for side in ["include", "exclude"] {
            for entry in body
                .pointer(&format!("/app/{side}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let is_app = entry.get("type").and_then(Value::as_str) == Some("APP");
                if let (true, Some(id)) = (is_app, entry.get("id").and_then(Value::as_str))
                    && !self.directory().has(Collection::Apps, id)
                {
                    missing.push(format!("{field}.app.{side}: app {id} does not exist"));
                }
            }
        }
        for provider in body
            .pointer("/idp/providers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = provider.get("id").and_then(Value::as_str)
                && !self.directory().has(Collection::Idps, id)
            {
                missing.push(format!(
                    "{field}.idp.providers: identity provider {id} does not exist"
                ));
            }
        }
        for hook in body
            .pointer("/profileEnrollment/preRegistrationInlineHooks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = hook.get("inlineHookId").and_then(Value::as_str)
                && !self.directory().has(Collection::Hooks, id)
            {
                missing.push(format!("{field}.profileEnrollment.preRegistrationInlineHooks: inline hook {id} does not exist"));
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
