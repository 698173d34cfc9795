//! Leaving out what Okta fills in: the inverse of the diff's
//! normalization. A member is left out when it equals Okta's default at its
//! place (in the canonical form the diff compares), so that filling the
//! defaults back in — which `plan` does on both sides — gives the live
//! object again. Members with nothing in them (`null`, `[]`, `{}`) are left
//! out too, except an empty list where Okta's default is not empty: filling
//! keeps an empty list, so it must stay written.

use serde_json::{Map, Value};

use crate::diff::normalize::canonical;

/// Members that say what their object is — a variant's `type`, which also
/// tags a verification method — are written whenever their object is, even
/// when equal to Okta's default.
const DEFINING: &[&str] = &["type"];

/// `given` without the members equal to `default`, or `None` when nothing
/// is left (filling the default back in gives `given` again).
pub fn omit_defaults(given: &Value, default: Option<&Value>) -> Option<Value> {
    let Some(default) = default.filter(|d| !d.is_null()) else {
        return clean(given);
    };
    let given_canonical = canonical(given);
    if given_canonical == canonical(default) {
        return None;
    }
    match (given, default) {
        // `null` and `{}` are filled with the default, exactly as when absent.
        (Value::Null, _) => None,
        (Value::Array(items), _) if items.is_empty() => Some(Value::Array(Vec::new())),
        (Value::Object(members), Value::Object(defaults)) => {
            let kept: Map<String, Value> = members
                .iter()
                .filter_map(|(key, member)| {
                    let mut kept = omit_defaults(member, defaults.get(key));
                    if kept.is_none() && DEFINING.contains(&key.as_str()) {
                        kept = clean(member);
                    }
                    let member = kept;
                    Some((key.clone(), member?))
                })
                .collect();
            // Every member equal to the default, the rest filled in: the
            // same object once filled.
            let defined_alike = DEFINING.iter().all(|key| {
                canonical(members.get(*key).unwrap_or(&Value::Null))
                    == canonical(defaults.get(*key).unwrap_or(&Value::Null))
            });
            let other = kept.keys().any(|key| !DEFINING.contains(&key.as_str()));
            (other || !defined_alike).then_some(Value::Object(kept))
        }
        _ => clean(given),
    }
}

/// `value` without `null`s and empty lists and objects (which the diff
/// reads as absent), or `None` when nothing is left.
pub fn clean(value: &Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) => Some(Value::Array(items.iter().map(clean_item).collect())),
        Value::Object(members) => {
            let kept: Map<String, Value> = members
                .iter()
                .filter_map(|(key, member)| Some((key.clone(), clean(member)?)))
                .collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        scalar => Some(scalar.clone()),
    }
}

/// A list item keeps its place even when it is empty.
fn clean_item(item: &Value) -> Value {
    match item {
        Value::Object(_) => clean(item).unwrap_or_else(|| Value::Object(Map::new())),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::client::wire::PolicyType;
    use crate::diff::normalize::fill_rule;
    use crate::emulator::defaults::rule_actions;

    #[test]
    fn keeps_only_what_differs_from_okta() {
        let live = json!({
            "signon": {
                "access": "DENY", "requireFactor": false, "rememberDeviceByDefault": false,
                "primaryFactor": "PASSWORD_IDP",
                "session": { "usePersistentCookie": false, "maxSessionIdleMinutes": 60, "maxSessionLifetimeMinutes": 0 }
            }
        });
        let kept = omit_defaults(&live, Some(&rule_actions(&PolicyType::OktaSignOn)));
        assert_eq!(
            kept,
            Some(
                json!({ "signon": { "access": "DENY", "session": { "maxSessionIdleMinutes": 60 } } })
            )
        );
    }

    #[test]
    fn a_kept_object_keeps_its_type() {
        let live = json!({ "appSignOn": { "access": "ALLOW", "verificationMethod": {
            "type": "ASSURANCE", "factorMode": "1FA", "reauthenticateIn": "PT12H" } } });
        let kept = omit_defaults(&live, Some(&rule_actions(&PolicyType::AccessPolicy)));
        assert_eq!(
            kept,
            Some(
                json!({ "appSignOn": { "verificationMethod": { "type": "ASSURANCE", "factorMode": "1FA" } } })
            )
        );
    }

    #[test]
    fn an_empty_list_stays_where_the_default_is_not_empty() {
        let live = json!({ "idp": { "providers": [], "idpSelectionType": "DYNAMIC" } });
        let kept = omit_defaults(&live, Some(&rule_actions(&PolicyType::IdpDiscovery)));
        assert_eq!(
            kept,
            Some(json!({ "idp": { "providers": [], "idpSelectionType": "DYNAMIC" } }))
        );
    }

    #[test]
    fn filling_the_defaults_back_in_gives_the_live_object() {
        let live = json!({
            "conditions": { "people": { "users": { "exclude": [] } }, "network": { "connection": "ZONE", "include": ["nzo1"] } },
            "actions": { "passwordChange": { "access": "ALLOW" }, "selfServicePasswordReset": { "access": "DENY" },
                         "selfServiceUnlock": { "access": "DENY" } }
        });
        let mut defaults = Map::new();
        fill_rule(&PolicyType::Password, &mut defaults);
        let kept = omit_defaults(&live, Some(&Value::Object(defaults)));
        assert_eq!(
            kept,
            Some(json!({
                "conditions": { "network": { "connection": "ZONE", "include": ["nzo1"] } },
                "actions": { "selfServicePasswordReset": { "access": "DENY" } }
            }))
        );
        let (Some(Value::Object(mut filled)), Value::Object(mut live_filled)) = (kept, live) else {
            panic!("objects");
        };
        fill_rule(&PolicyType::Password, &mut filled);
        fill_rule(&PolicyType::Password, &mut live_filled);
        assert_eq!(
            canonical(&Value::Object(filled)),
            canonical(&Value::Object(live_filled))
        );
    }
}
