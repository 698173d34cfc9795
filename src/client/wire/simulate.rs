//! The policy simulation API, `POST /api/v1/policies/simulate` (Identity
//! Engine only): the request (`SimulatePolicyBody`: an app, a user *or*
//! groups, an IP address *or* zones, risk and device) and the response,
//! `{"evaluation": [...]}` with one entry per simulated policy type, each
//! listing the policy and rule that matched (`result`), those whose
//! conditions could not be evaluated (`undefined`) and, with
//! `expand=EVALUATED`, those evaluated that did not match (`evaluated`).
//!
//! Tolerant like the other wire types: unknown members are kept in `other`,
//! unknown status and type values are kept, and `null` is told apart from
//! absent where Okta sends `null` (the evaluation's `status`, a rule's
//! `name`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::{PolicyType, SimulateStatus};
use super::field::Field;

/// The policy types Okta simulates, in the order Okta answers.
pub const SIMULATED_TYPES: [PolicyType; 4] = [
    PolicyType::OktaSignOn,
    PolicyType::MfaEnroll,
    PolicyType::AccessPolicy,
    PolicyType::ProfileEnrollment,
];

/// What `expand` asks for: `EVALUATED` (policies and rules evaluated but
/// not matched) and `RULE` (each condition's status).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulateExpand {
    pub evaluated: bool,
    pub rule: bool,
}

impl SimulateExpand {
    /// Both expansions, as `oktapol simulate` asks.
    pub const ALL: SimulateExpand = SimulateExpand {
        evaluated: true,
        rule: true,
    };

    /// The `expand` query values, each sent as its own `expand=` parameter.
    pub fn values(self) -> Vec<&'static str> {
        let mut values = Vec::new();
        if self.evaluated {
            values.push("EVALUATED");
        }
        if self.rule {
            values.push("RULE");
        }
        values
    }
}

/// The request body (`SimulatePolicyBody`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulateRequest {
    /// The types to simulate; `null` or absent: all four.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub policy_types: Field<Vec<PolicyType>>,
    /// The app instance ID (required by Okta).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_instance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_context: Option<PolicyContext>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Who signs in, from where, on what (`PolicyContext`). Okta takes a user
/// or groups, not both, and an IP address or zones, not both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<SimulateUser>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<SimulateIds>,
    /// An IP address; Okta finds the network zones it is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<SimulateIds>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<SimulateRisk>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<SimulateDevice>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `policyContext.user`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulateUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `policyContext.groups` and `policyContext.zones`: a list of IDs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulateIds {
    #[serde(default)]
    pub ids: Vec<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `policyContext.risk`: LOW, MEDIUM or HIGH.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulateRisk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// `policyContext.device`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulateDevice {
    /// The device's platform, e.g. `IOS`, `ANDROID`, `WINDOWS`, `MACOS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// A device assurance policy ID the device satisfies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assurance_id: Option<String>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The response body: one evaluation per simulated policy type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulateResponse {
    #[serde(default)]
    pub evaluation: Vec<SimulateEvaluation>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl SimulateResponse {
    /// The evaluation of `kind`, if Okta returned one.
    pub fn of(&self, kind: &PolicyType) -> Option<&SimulateEvaluation> {
        self.evaluation
            .iter()
            .find(|e| e.policy_type.as_ref() == Some(kind))
    }
}

/// One policy type's evaluation (`SimulatePolicyEvaluations`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulateEvaluation {
    /// `null` in Okta's example, where a policy matched.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub status: Field<SimulateStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_type: Option<PolicyType>,
    /// The policy that applies, with the rule that matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<SimulatePolicies>,
    /// Policies and rules whose conditions could not be evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undefined: Option<SimulatePolicies>,
    /// Policies and rules evaluated that did not match (`expand=EVALUATED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluated: Option<SimulatePolicies>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl SimulateEvaluation {
    /// The policy that applies and its matched rule, when one did.
    pub fn matched(&self) -> Option<(&SimulatePolicy, Option<&SimulateRule>)> {
        let policy = self.result.as_ref()?.policies.first()?;
        let rule = policy.rules.as_ref().and_then(|rules| {
            rules
                .iter()
                .find(|r| r.status.as_ref() == Some(&SimulateStatus::Match))
                .or_else(|| rules.first())
        });
        Some((policy, rule))
    }
}

/// `{"policies": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulatePolicies {
    #[serde(default)]
    pub policies: Vec<SimulatePolicy>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A policy in a simulation result (`SimulateResultPoliciesItems`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulatePolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SimulateStatus>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub conditions: Field<Vec<SimulateCondition>>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub rules: Field<Vec<SimulateRule>>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A rule in a simulation result (`SimulateResultRules`); Okta sends
/// `name: null` for some default rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulateRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SimulateStatus>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub conditions: Field<Vec<SimulateCondition>>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// One condition's result (`SimulateResultConditions`), e.g.
/// `{"type": "people.groups.include", "status": "MATCH"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulateCondition {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<SimulateStatus>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_documented_request_round_trips() {
        let body = json!({
            "policyTypes": ["OKTA_SIGN_ON", "MFA_ENROLL"],
            "appInstance": "0oa4eroj3nYCIJIW70g7",
            "policyContext": {
                "groups": { "ids": ["00g4eralvekR5RLuS0g7", "00g4eralvekR5RLuS0g8"] },
                "risk": { "level": "LOW" },
                "zones": { "ids": ["nzo4eralxcRnbIHYJ0g7"] },
                "device": { "platform": "IOS", "registered": true, "managed": true }
            }
        });
        let request: SimulateRequest = serde_json::from_value(body.clone()).expect("a request");
        assert_eq!(
            request.policy_types.as_ref().map(Vec::len),
            Some(2),
            "{request:?}"
        );
        let context = request.policy_context.as_ref().expect("context");
        assert_eq!(context.groups.as_ref().map(|g| g.ids.len()), Some(2));
        assert_eq!(serde_json::to_value(&request).expect("serialise"), body);
    }

    #[test]
    fn null_policy_types_stay_null() {
        let request: SimulateRequest =
            serde_json::from_value(json!({ "policyTypes": null, "appInstance": "0oa1" }))
                .expect("a request");
        assert!(request.policy_types.is_null());
    }

    #[test]
    fn a_response_keeps_nulls_and_unknown_members() {
        let body = json!({
            "evaluation": [{
                "status": null,
                "policyType": "MFA_ENROLL",
                "result": { "policies": [{
                    "id": "00p1", "name": "Default Policy", "status": "MATCH", "conditions": [],
                    "rules": [{ "id": "0pr1", "name": null, "status": "MATCH", "conditions": [] }]
                }] },
                "undefined": { "policies": [] },
                "evaluated": { "policies": [] },
                "futureMember": 1
            }]
        });
        let response: SimulateResponse = serde_json::from_value(body.clone()).expect("a response");
        let evaluation = response.of(&PolicyType::MfaEnroll).expect("MFA_ENROLL");
        let (policy, rule) = evaluation.matched().expect("matched");
        assert_eq!(
            policy.name.as_ref().map(String::as_str),
            Some("Default Policy")
        );
        assert!(rule.expect("a rule").name.is_null());
        assert_eq!(serde_json::to_value(&response).expect("serialise"), body);
    }

    #[test]
    fn expand_values() {
        assert_eq!(SimulateExpand::ALL.values(), ["EVALUATED", "RULE"]);
        assert!(SimulateExpand::default().values().is_empty());
    }
}
