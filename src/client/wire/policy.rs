//! A policy as Okta sends and accepts it (`/api/v1/policies` and
//! `/api/v1/authorizationServers/{id}/policies`). The envelope is typed; the
//! `conditions` and `settings` bodies stay JSON on purpose: they follow Okta's
//! JSON exactly, the manifest model mirrors them, and the diff compares
//! normalised JSON. Unknown keys are kept in `other`, so a policy read from
//! the org and written back loses nothing.
//!
//! `Option` marks members Okta never sends as `null` (in the 806 recorded
//! policy bodies of `../shared/okta-payloads`); `Field` marks members where
//! `null` occurs or the spec allows it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::{LifecycleStatus, PolicyType};
use super::field::Field;

/// An Okta policy of any type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// Assigned by Okta; absent in create requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LifecycleStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub priority: Field<i64>,
    /// `true` for the policies Okta owns (default and system policies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<bool>,
    #[serde(rename = "type")]
    pub kind: PolicyType,
    /// `null` on most access policies.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub conditions: Field<Value>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub settings: Field<Value>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub created: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub last_updated: Field<String>,
    #[serde(rename = "_links", default, skip_serializing_if = "Field::is_absent")]
    pub links: Field<Value>,
    /// E.g. `{"resourceType": "APP"}` on access policies.
    #[serde(
        rename = "_embedded",
        default,
        skip_serializing_if = "Field::is_absent"
    )]
    pub embedded: Field<Value>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Policy {
    /// A policy body with only `type` and `name` set.
    pub fn new(kind: PolicyType, name: impl Into<String>) -> Self {
        Policy {
            id: None,
            status: None,
            name: Some(name.into()),
            description: Field::Absent,
            priority: Field::Absent,
            system: None,
            kind,
            conditions: Field::Absent,
            settings: Field::Absent,
            created: Field::Absent,
            last_updated: Field::Absent,
            links: Field::Absent,
            embedded: Field::Absent,
            other: Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn envelope_nulls_and_unknown_members_round_trip() {
        let body = json!({
            "id": "rstx68vcp4EM5S7hN1d7",
            "status": "ACTIVE",
            "name": "Partner Admin Portal",
            "priority": 1,
            "system": false,
            "conditions": null,
            "created": "2026-04-06T17:23:43.000Z",
            "lastUpdated": "2026-04-06T17:23:43.000Z",
            "_embedded": {"resourceType": "APP"},
            "type": "ACCESS_POLICY",
            "futureMember": {"x": [1, null]},
        });
        let policy: Policy = serde_json::from_value(body.clone()).expect("a policy");
        assert_eq!(policy.kind, PolicyType::AccessPolicy);
        assert_eq!(policy.conditions, Field::Null);
        assert_eq!(policy.settings, Field::Absent);
        assert_eq!(policy.priority, Field::Value(1));
        assert_eq!(
            policy.other.get("futureMember"),
            Some(&json!({"x": [1, null]}))
        );
        assert_eq!(serde_json::to_value(&policy).expect("serialise"), body);
    }

    #[test]
    fn new_serialises_only_type_and_name() {
        let policy = Policy::new(PolicyType::Password, "Contractors");
        assert_eq!(
            serde_json::to_value(&policy).expect("serialise"),
            json!({"type": "PASSWORD", "name": "Contractors"})
        );
    }

    #[test]
    fn type_is_required() {
        assert!(serde_json::from_value::<Policy>(json!({"name": "x"})).is_err());
    }
}
