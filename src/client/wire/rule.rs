//! A policy rule as Okta sends and accepts it
//! (`/api/v1/policies/{id}/rules` and, with type `RESOURCE_ACCESS`,
//! `/api/v1/authorizationServers/{id}/policies/{id}/rules`). As with
//! [`Policy`](super::Policy), the envelope is typed, `conditions` and
//! `actions` stay JSON, and unknown keys are kept in `other`.
//!
//! `created` and `lastUpdated` are `Field`s because rules of most types
//! (authorization-server, IdP discovery, password, sign-on, MFA enroll) come
//! back with them `null`; `conditions` because access, profile enrollment,
//! post-auth session and session-violation rules do.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::{LifecycleStatus, PolicyRuleType};
use super::field::Field;

/// An Okta policy rule of any type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRule {
    /// Assigned by Okta; absent in create requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LifecycleStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Nullable in the spec.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub priority: Field<i64>,
    /// `true` for default and catch-all rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<bool>,
    #[serde(rename = "type")]
    pub kind: PolicyRuleType,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub conditions: Field<Value>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub actions: Field<Value>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub created: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub last_updated: Field<String>,
    #[serde(rename = "_links", default, skip_serializing_if = "Field::is_absent")]
    pub links: Field<Value>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl PolicyRule {
    /// A rule body with only `type` and `name` set.
    pub fn new(kind: PolicyRuleType, name: impl Into<String>) -> Self {
        PolicyRule {
            id: None,
            status: None,
            name: Some(name.into()),
            priority: Field::Absent,
            system: None,
            kind,
            conditions: Field::Absent,
            actions: Field::Absent,
            created: Field::Absent,
            last_updated: Field::Absent,
            links: Field::Absent,
            other: Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn authorization_server_rule_with_null_timestamps_round_trips() {
        let body = json!({
            "id": "0pr7l8gff4n6p6jva1d7",
            "status": "ACTIVE",
            "name": "Test Policy Rule 07",
            "priority": 8,
            "created": null,
            "lastUpdated": null,
            "system": false,
            "conditions": {"people": {"users": {"exclude": []}}},
            "actions": {"token": {"accessTokenLifetimeMinutes": 60}},
            "type": "RESOURCE_ACCESS",
        });
        let rule: PolicyRule = serde_json::from_value(body.clone()).expect("a rule");
        assert_eq!(rule.kind, PolicyRuleType::ResourceAccess);
        assert_eq!(rule.created, Field::Null);
        assert_eq!(rule.links, Field::Absent);
        assert!(rule.other.is_empty());
        assert_eq!(serde_json::to_value(&rule).expect("serialise"), body);
    }

    #[test]
    fn new_serialises_only_type_and_name() {
        let rule = PolicyRule::new(PolicyRuleType::SignOn, "Office network");
        assert_eq!(
            serde_json::to_value(&rule).expect("serialise"),
            json!({"type": "SIGN_ON", "name": "Office network"})
        );
    }
}
