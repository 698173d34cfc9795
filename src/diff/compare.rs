//! Comparing one desired object with its live counterpart: both filled with
//! Okta's defaults and brought to the canonical form, the differing fields
//! listed, and — when they differ — the `PUT` body built from the live
//! object with only the managed fields replaced, so fields oktapol does
//! not model survive.

use serde_json::{Map, Value};

use super::normalize::{self, canonical_body};
use crate::client::wire::{Policy, PolicyRule, PolicyType};
use crate::schema::project::ObjectSchema;

/// Members of a live object that only Okta writes; never sent back.
const SERVER_MEMBERS: &[&str] = &["_links", "created", "lastUpdated"];

/// The managed sections of a live policy.
pub fn policy_sections(policy: &Policy) -> Map<String, Value> {
    let mut body = Map::new();
    if let Some(description) = policy.description.as_ref() {
        body.insert("description".to_owned(), Value::String(description.clone()));
    }
    if let Some(conditions) = policy.conditions.as_ref() {
        body.insert("conditions".to_owned(), conditions.clone());
    }
    if let Some(settings) = policy.settings.as_ref() {
        body.insert("settings".to_owned(), settings.clone());
    }
    body
}

/// The managed sections of a live rule.
pub fn rule_sections(rule: &PolicyRule) -> Map<String, Value> {
    let mut body = Map::new();
    if let Some(conditions) = rule.conditions.as_ref() {
        body.insert("conditions".to_owned(), conditions.clone());
    }
    if let Some(actions) = rule.actions.as_ref() {
        body.insert("actions".to_owned(), actions.clone());
    }
    body
}

/// A field that differs: JSON pointer, live value, desired value.
pub type Difference = (String, Option<Value>, Option<Value>);

/// Compares filled bodies in canonical form.
pub fn differences(
    schema: &ObjectSchema<'_>,
    desired: &Map<String, Value>,
    live: &Map<String, Value>,
) -> Vec<Difference> {
    normalize::differences(
        &canonical_body(schema, live),
        &canonical_body(schema, desired),
    )
}

/// Every field of a (filled) body in canonical form, as differences from
/// nothing (for creates).
pub fn all_fields(schema: &ObjectSchema<'_>, body: &Map<String, Value>) -> Vec<Difference> {
    normalize::differences(&Value::Object(Map::new()), &canonical_body(schema, body))
}

/// Fills a desired policy body; the description is managed only when
/// written (Okta's own policies come with one).
pub fn filled_policy(
    kind: &PolicyType,
    desired: &Map<String, Value>,
    live: Option<&Map<String, Value>>,
    everyone: Option<&str>,
) -> Map<String, Value> {
    let mut body = desired.clone();
    if !body.contains_key("description")
        && let Some(description) = live.and_then(|l| l.get("description"))
    {
        body.insert("description".to_owned(), description.clone());
    }
    normalize::fill_policy(kind, &mut body, everyone);
    body
}

/// Members Okta creates that a manifest may set but usually omits; omitted,
/// they keep their live value (a profile enrollment rule's UI schema).
const KEPT_WHEN_OMITTED: &[&str] = &["/actions/profileEnrollment/uiSchemaId"];

/// Fills a desired rule body, keeping `keep` (pointers of read-only
/// fields) at their live values.
pub fn filled_rule(
    kind: &PolicyType,
    desired: &Map<String, Value>,
    live: Option<&Map<String, Value>>,
    keep: &[&str],
) -> Map<String, Value> {
    let mut body = desired.clone();
    normalize::fill_rule(kind, &mut body);
    let Some(live) = live else { return body };
    let live = Value::Object(live.clone());
    let mut filled = Value::Object(body);
    for pointer in keep {
        if let Some(value) = live.pointer(pointer) {
            set_pointer(&mut filled, pointer, value.clone());
        }
    }
    for pointer in KEPT_WHEN_OMITTED {
        if filled.pointer(pointer).is_none_or(Value::is_null)
            && let Some(value) = live.pointer(pointer)
        {
            set_pointer(&mut filled, pointer, value.clone());
        }
    }
    match filled {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn set_pointer(target: &mut Value, pointer: &str, value: Value) {
    let mut node = target;
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let Some((last, parents)) = tokens.split_last() else {
        return;
    };
    for token in parents {
        let Value::Object(map) = node else { return };
        node = map
            .entry((*token).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = node {
        map.insert((*last).to_owned(), value);
    }
}

/// The `PUT` body: the live object with the managed members taken from
/// `desired` (which holds `name` and the filled sections), Okta's
/// server-written members dropped, and the priority left out unless
/// `priority` is given (a `PUT` without one keeps the object's place).
pub fn put_body(
    schema: &ObjectSchema<'_>,
    live: &Value,
    desired: &Map<String, Value>,
    priority: Option<i64>,
) -> Value {
    let mut body = schema.merge(live, &Value::Object(desired.clone()));
    if let Value::Object(map) = &mut body {
        for member in SERVER_MEMBERS {
            map.remove(*member);
        }
        map.remove("priority");
        // `status` is set through the lifecycle calls, not a PUT.
        if let Some(status) = live.get("status") {
            map.insert("status".to_owned(), status.clone());
        }
        if let Some(priority) = priority {
            map.insert("priority".to_owned(), Value::from(priority));
        }
    }
    body
}

/// A create body: type, name, the sections as written, the priority.
pub fn create_body(
    okta_type: &str,
    name: &str,
    sections: &Map<String, Value>,
    priority: Option<i64>,
) -> Value {
    let mut body = Map::new();
    body.insert("type".to_owned(), Value::String(okta_type.to_owned()));
    body.insert("name".to_owned(), Value::String(name.to_owned()));
    for (key, value) in sections {
        body.insert(key.clone(), value.clone());
    }
    if let Some(priority) = priority {
        body.insert("priority".to_owned(), Value::from(priority));
    }
    Value::Object(body)
}

/// Sets (or replaces) the priority of a request body.
pub fn with_priority(body: &mut Value, priority: i64) {
    if let Value::Object(map) = body {
        map.insert("priority".to_owned(), Value::from(priority));
    }
}
