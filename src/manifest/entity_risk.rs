//! The entity risk policy (`ENTITY_RISK`), part of Identity Threat
//! Protection: what Okta does when it detects that a user has become risky
//! (log only, end all their sessions, or run a workflow). Identity Engine
//! only; Okta creates the single system policy, whose rules are managed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{PeopleCondition, RiskLevel, WorkflowReference};
use super::policy::{manifest_policy, manifest_rule};

manifest_policy! {
    /// The org's entity risk policy, a system policy Okta creates (write it with `default: true`). It has no conditions; its rules are managed.
    pub struct EntityRiskPolicy {
        kind: EntityRisk,
        rule: EntityRiskRule,
    }
}

manifest_rule! {
    /// An entity risk policy rule. Rules are evaluated in list order; the catch-all rule is last.
    pub struct EntityRiskRule {
        conditions: EntityRiskRuleConditions,
        actions: EntityRiskRuleActions,
    }
}

/// Conditions of an entity risk rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EntityRiskRuleConditions {
    /// Users and groups the rule applies to (or is excluded for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<PeopleCondition>,
    /// The user's entity risk level that matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_risk: Option<EntityRiskCondition>,
    /// The detected risk events that match: `include` or `exclude`, not both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_detection_types: Option<RiskDetectionTypesCondition>,
}

/// The entity risk level condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EntityRiskCondition {
    /// `ANY`, `LOW`, `MEDIUM` or `HIGH`.
    pub level: RiskLevel,
}

/// A risk event Okta (or a connected security provider) can detect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum DetectedRiskEvent {
    /// An admin marked the user as risky.
    #[serde(rename = "ADMIN_REPORTED_USER_RISK")]
    AdminReportedUserRisk,
    /// A brute-force attack on the user's account.
    #[serde(rename = "BRUTE_FORCE_ATTACK")]
    BruteForceAttack,
    /// A critical action by the user from a high-threat IP address.
    #[serde(rename = "ENTITY_CRITICAL_ACTION_FROM_HIGH_THREAT_IP")]
    EntityCriticalActionFromHighThreatIp,
    /// Okta ThreatInsight flagged the activity.
    #[serde(rename = "OKTA_THREAT_INTELLIGENCE")]
    OktaThreatIntelligence,
    /// A connected security events provider (Shared Signals) reported risk.
    #[serde(rename = "SECURITY_EVENTS_PROVIDER_REPORTED_RISK")]
    SecurityEventsProviderReportedRisk,
    /// Session risk raised the user's risk.
    #[serde(rename = "SESSION_INFLUENCED_USER_RISK")]
    SessionInfluencedUserRisk,
    /// Suspicious access to an app.
    #[serde(rename = "SUSPICIOUS_APP_ACCESS")]
    SuspiciousAppAccess,
    /// The user reported suspicious activity.
    #[serde(rename = "USER_REPORTED_SUSPICIOUS_ACTIVITY")]
    UserReportedSuspiciousActivity,
}

/// The detected risk events an entity risk rule matches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RiskDetectionTypesCondition {
    /// Risk events that match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<DetectedRiskEvent>>,
    /// Risk events that never match (every other event does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<DetectedRiskEvent>>,
}

/// Actions of an entity risk rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EntityRiskRuleActions {
    /// The response to the risk event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_risk: Option<EntityRiskResponse>,
}

/// The response of an entity risk rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EntityRiskResponse {
    /// At most one action; an empty list (Okta's default) only logs the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1))]
    pub actions: Option<Vec<EntityRiskAction>>,
}

/// What an entity risk rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum EntityRiskActionType {
    /// Run an Okta Workflows flow, named in `workflow`.
    #[serde(rename = "RUN_WORKFLOW")]
    RunWorkflow,
    /// End all of the user's active sessions.
    #[serde(rename = "TERMINATE_ALL_SESSIONS")]
    TerminateAllSessions,
}

/// One entity risk action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EntityRiskAction {
    /// `TERMINATE_ALL_SESSIONS` or `RUN_WORKFLOW`.
    pub action: EntityRiskActionType,
    /// The flow to run, with (and only with) `RUN_WORKFLOW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<WorkflowReference>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_entity_risk_rules() -> Result<(), serde_json::Error> {
        let policy: EntityRiskPolicy = serde_json::from_value(json!({
            "name": "Entity Risk Policy",
            "default": true,
            "rules": [
                {
                    "name": "High risk: end sessions",
                    "conditions": {
                        "people": { "users": { "exclude": ["breakglass@example.com"] } },
                        "entityRisk": { "level": "HIGH" },
                        "riskDetectionTypes": { "include": ["BRUTE_FORCE_ATTACK", "ADMIN_REPORTED_USER_RISK"] }
                    },
                    "actions": { "entityRisk": { "actions": [{ "action": "TERMINATE_ALL_SESSIONS" }] } }
                },
                {
                    "name": "Medium risk: notify",
                    "conditions": { "entityRisk": { "level": "MEDIUM" } },
                    "actions": { "entityRisk": { "actions": [
                        { "action": "RUN_WORKFLOW", "workflow": { "id": "Notify security team" } }
                    ] } }
                },
                { "name": "Catch-all Rule", "default": true, "actions": { "entityRisk": { "actions": [] } } }
            ]
        }))?;
        let workflow = policy
            .rules
            .get(1)
            .and_then(|rule| rule.actions.as_ref())
            .and_then(|actions| actions.entity_risk.as_ref())
            .and_then(|response| response.actions.as_ref())
            .and_then(|actions| actions.first())
            .and_then(|action| action.workflow.as_ref())
            .map(|workflow| workflow.id.as_str().to_owned());
        assert_eq!(workflow.as_deref(), Some("Notify security team"));
        Ok(())
    }

    #[test]
    fn rejects_unknown_keys() {
        let typo = serde_json::from_value::<EntityRiskRule>(json!({
            "name": "r", "actions": { "entityRisk": { "actions": [{ "action": "RUN_WORKFLOW", "flow": { "id": "x" } }] } }
        }));
        assert!(typo.is_err());
        let policy_conditions = serde_json::from_value::<EntityRiskPolicy>(json!({
            "name": "Entity Risk Policy", "conditions": null
        }));
        assert!(policy_conditions.is_err());
    }
}
