//! Seeing Okta's JSON through the manifest schema: which members of a live
//! object oktapol models (and so manages) and which it does not (and so
//! keeps as they are). Also folds the values Okta spells in either case
//! (`sms` / `SMS`) to the manifest's spelling, so they compare equal.

use serde_json::{Map, Value};

use super::walk::{resolve, select_branch};

/// The schema of a kind's policy and rule objects, for [`project`] and
/// [`merge`].
#[derive(Debug, Clone, Copy)]
pub struct ObjectSchema<'s> {
    root: &'s Value,
    node: &'s Value,
}

impl<'s> ObjectSchema<'s> {
    /// The schema of the items of `root.properties[key]` (e.g. the policy
    /// objects under `signOnPolicies`).
    pub fn list_items(root: &'s Value, key: &str) -> Option<Self> {
        let node = root.get("properties")?.get(key)?.get("items")?;
        Some(ObjectSchema {
            root,
            node: resolve(root, node),
        })
    }

    /// The schema of the items of this object's list property `key` (e.g.
    /// a policy's `rules`).
    pub fn items_of(&self, key: &str) -> Option<Self> {
        let node = self.node.get("properties")?.get(key)?.get("items")?;
        Some(ObjectSchema {
            root: self.root,
            node: resolve(self.root, node),
        })
    }

    /// Whether the object has a property `key`.
    pub fn has(&self, key: &str) -> bool {
        self.node
            .get("properties")
            .and_then(|p| p.get(key))
            .is_some()
    }

    /// Keeps the members of `value` (an object of this schema) that the
    /// schema models, recursively, with either-case enum values folded to
    /// the manifest's spelling.
    pub fn project(&self, value: &Value) -> Value {
        project(self.root, self.node, value)
    }

    /// [`project`](Self::project) of an object given as its members.
    pub fn project_members(&self, members: &Map<String, Value>) -> Value {
        let Some(properties) = self.node.get("properties").and_then(Value::as_object) else {
            return Value::Object(members.clone());
        };
        Value::Object(
            members
                .iter()
                .filter_map(|(key, member)| {
                    let schema = properties.get(key)?;
                    Some((key.clone(), project(self.root, schema, member)))
                })
                .collect(),
        )
    }

    /// `live` with the members the schema models taken from `desired`
    /// (absent in `desired`: removed) and the others kept.
    pub fn merge(&self, live: &Value, desired: &Value) -> Value {
        merge(self.root, self.node, live, desired)
    }
}

fn node_for<'s>(root: &'s Value, node: &'s Value, value: &Value) -> &'s Value {
    select_branch(root, resolve(root, node), value)
}

fn project(root: &Value, node: &Value, value: &Value) -> Value {
    let node = node_for(root, node, value);
    match value {
        Value::Object(members) => {
            let Some(properties) = node.get("properties").and_then(Value::as_object) else {
                return value.clone();
            };
            let kept: Map<String, Value> = members
                .iter()
                .filter_map(|(key, member)| {
                    let schema = properties.get(key)?;
                    Some((key.clone(), project(root, schema, member)))
                })
                .collect();
            Value::Object(kept)
        }
        Value::Array(items) => match node.get("items") {
            Some(schema) => Value::Array(items.iter().map(|i| project(root, schema, i)).collect()),
            None => value.clone(),
        },
        Value::String(text) => Value::String(fold_case(node, text)),
        other => other.clone(),
    }
}

/// The manifest's spelling of an enum value the schema lists in both cases.
fn fold_case(node: &Value, text: &str) -> String {
    let Some(values) = node.get("enum").and_then(Value::as_array) else {
        return text.to_owned();
    };
    let lower = text.to_lowercase();
    let upper = text.to_uppercase();
    let listed = |candidate: &str| values.iter().any(|v| v.as_str() == Some(candidate));
    if lower != upper && listed(&lower) && listed(&upper) {
        lower
    } else {
        text.to_owned()
    }
}

fn merge(root: &Value, node: &Value, live: &Value, desired: &Value) -> Value {
    let node = node_for(root, node, desired);
    let (Value::Object(live_members), Value::Object(desired_members)) = (live, desired) else {
        return desired.clone();
    };
    let Some(properties) = node.get("properties").and_then(Value::as_object) else {
        return desired.clone();
    };
    let mut merged = Map::new();
    for (key, live_member) in live_members {
        match (properties.get(key), desired_members.get(key)) {
            // Not modelled: Okta's, kept.
            (None, _) => {
                merged.insert(key.clone(), live_member.clone());
            }
            (Some(schema), Some(desired_member)) => {
                merged.insert(
                    key.clone(),
                    merge(root, schema, live_member, desired_member),
                );
            }
            // Modelled and omitted: Okta's default applies.
            (Some(_), None) => {}
        }
    }
    for (key, desired_member) in desired_members {
        if !live_members.contains_key(key) {
            merged.insert(key.clone(), desired_member.clone());
        }
    }
    Value::Object(merged)
}
