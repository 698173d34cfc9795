//! One canonical form for desired and live objects, so that a manifest
//! that was just applied plans as zero changes. Both sides get Okta's
//! defaults filled in (the same table the emulator uses), are projected to
//! the fields the manifest models (with either-case enum values folded),
//! and lose what carries no meaning: `null`, empty lists and objects, and
//! the order of lists that are sets.

use serde_json::{Map, Value};

use crate::client::wire::PolicyType;
use crate::emulator::defaults;
use crate::schema::project::ObjectSchema;

/// A policy body (`description`, `conditions`, `settings`) with Okta's
/// defaults filled in. `everyone` is the Everyone group's ID, when known
/// (the v1 kinds' policies apply to it when they have no conditions).
pub fn fill_policy(kind: &PolicyType, body: &mut Map<String, Value>, everyone: Option<&str>) {
    if let Some(everyone) = everyone {
        let default = defaults::policy_conditions(kind, everyone);
        fill_member(body, "conditions", &default);
    }
    let Some(settings) = defaults::policy_settings(kind) else {
        return;
    };
    match body.get_mut("settings") {
        None | Some(Value::Null) => {
            body.insert("settings".to_owned(), settings);
        }
        // Password settings are one tree of independent values: a field left
        // out is Okta's default. MFA settings are `factors` or
        // `authenticators`, never a mix, so they are not filled field by field.
        Some(given) if *kind == PolicyType::Password => defaults::fill(given, &settings),
        Some(_) => {}
    }
}

/// A rule body (`conditions`, `actions`) with Okta's defaults filled in.
pub fn fill_rule(kind: &PolicyType, body: &mut Map<String, Value>) {
    fill_member(body, "conditions", &defaults::rule_conditions(kind));
    fill_member(body, "actions", &defaults::rule_actions(kind));
}

fn fill_member(body: &mut Map<String, Value>, key: &str, default: &Value) {
    if default.is_null() {
        return;
    }
    let slot = body.entry(key.to_owned()).or_insert(Value::Null);
    defaults::fill(slot, default);
}

/// The canonical form of a (filled) body: projected to the modelled
/// fields, then [`canonical`].
pub fn canonical_body(schema: &ObjectSchema<'_>, body: &Map<String, Value>) -> Value {
    canonical(&schema.project_members(body))
}

/// Drops `null`s and empty lists and objects, sorts lists of scalars (Okta
/// treats them as sets) and lists of objects keyed by `key` (authenticator
/// settings), recursively.
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(members) => {
            let kept: Map<String, Value> = members
                .iter()
                .map(|(key, member)| (key.clone(), canonical(member)))
                .filter(|(_, member)| !is_empty(member))
                .collect();
            Value::Object(kept)
        }
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(canonical).collect();
            if items.iter().all(is_scalar) {
                items.sort_by_key(sort_key);
            } else if items
                .iter()
                .all(|item| item.get("key").is_some_and(Value::is_string))
            {
                items.sort_by_key(|item| sort_key(item.get("key").unwrap_or(&Value::Null)));
            }
            Value::Array(items)
        }
        other => other.clone(),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
        _ => false,
    }
}

fn is_scalar(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

fn sort_key(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The leaves where two canonical values differ, as (JSON pointer, before,
/// after); lists are compared whole.
pub fn differences(before: &Value, after: &Value) -> Vec<(String, Option<Value>, Option<Value>)> {
    let mut out = Vec::new();
    walk(String::new(), Some(before), Some(after), &mut out);
    out
}

fn walk(
    pointer: String,
    before: Option<&Value>,
    after: Option<&Value>,
    out: &mut Vec<(String, Option<Value>, Option<Value>)>,
) {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                walk(child, b.get(key), a.get(key), out);
            }
        }
        (b, a) if b == a => {}
        (b, a) => out.push((pointer, b.cloned(), a.cloned())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nulls_empties_and_set_order_carry_no_meaning() {
        let live = json!({
            "people": { "users": { "exclude": [] }, "groups": { "include": ["b", "a"] } },
            "network": null,
            "authenticators": [{ "key": "z" }, { "key": "a" }]
        });
        let desired = json!({
            "people": { "groups": { "include": ["a", "b"] } },
            "authenticators": [{ "key": "a" }, { "key": "z" }]
        });
        assert_eq!(canonical(&live), canonical(&desired));
    }

    #[test]
    fn differences_name_the_leaves() {
        let before = json!({ "a": { "b": 1, "c": [1] }, "d": true });
        let after = json!({ "a": { "b": 2, "c": [1] }, "e": "x" });
        assert_eq!(
            differences(&before, &after),
            vec![
                ("/a/b".to_owned(), Some(json!(1)), Some(json!(2))),
                ("/d".to_owned(), Some(json!(true)), None),
                ("/e".to_owned(), None, Some(json!("x"))),
            ]
        );
    }

    #[test]
    fn filled_rule_defaults_match_what_okta_returns() {
        let mut desired = Map::new();
        fill_rule(&PolicyType::OktaSignOn, &mut desired);
        assert_eq!(desired["actions"]["signon"]["access"], "ALLOW");
        assert_eq!(desired["conditions"]["network"]["connection"], "ANYWHERE");
    }
}
