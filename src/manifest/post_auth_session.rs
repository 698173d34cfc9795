//! The post-auth session policy (`POST_AUTH_SESSION`), also called session
//! protection, part of Identity Threat Protection: after a session event
//! Okta re-evaluates the global session policy and the authentication
//! policies, and this policy says what to do when that re-evaluation fails.
//! Identity Engine only; Okta creates the single system policy, whose rules
//! are managed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{PeopleCondition, WorkflowReference};
use super::policy::{manifest_policy, manifest_rule};

manifest_policy! {
    /// The org's post-auth session (session protection) policy, a system policy Okta creates (write it with `default: true`). It has no conditions; its rules are managed.
    pub struct PostAuthSessionPolicy {
        kind: PostAuthSession,
        rule: PostAuthSessionRule,
    }
}

manifest_rule! {
    /// A post-auth session policy rule. Rules are evaluated in list order; the catch-all rule is last.
    pub struct PostAuthSessionRule {
        conditions: PostAuthSessionRuleConditions,
        actions: PostAuthSessionRuleActions,
    }
}

/// Conditions of a post-auth session rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PostAuthSessionRuleConditions {
    /// Users and groups the rule applies to (or is excluded for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<PeopleCondition>,
}

/// Actions of a post-auth session rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PostAuthSessionRuleActions {
    /// What happens when the re-evaluated policies are no longer satisfied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_auth_session: Option<PostAuthSessionResponse>,
}

/// The response of a post-auth session rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PostAuthSessionResponse {
    /// The actions to take (each at most once); an empty list (Okta's default) only logs the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2))]
    pub failure_actions: Option<Vec<PostAuthSessionFailureAction>>,
}

/// What a post-auth session rule does on failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum PostAuthSessionActionType {
    /// Run an Okta Workflows flow, named in `workflow`.
    #[serde(rename = "RUN_WORKFLOW")]
    RunWorkflow,
    /// End the user's session.
    #[serde(rename = "TERMINATE_SESSION")]
    TerminateSession,
}

/// One post-auth session failure action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PostAuthSessionFailureAction {
    /// `TERMINATE_SESSION` or `RUN_WORKFLOW`.
    pub action: PostAuthSessionActionType,
    /// The flow to run, with (and only with) `RUN_WORKFLOW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<WorkflowReference>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_session_protection_rules() -> Result<(), serde_json::Error> {
        let policy: PostAuthSessionPolicy = serde_json::from_value(json!({
            "name": "Session Protection",
            "default": true,
            "rules": [
                {
                    "name": "End sessions that fail re-evaluation",
                    "conditions": { "people": { "groups": { "include": ["Everyone"] },
                                                "users": { "exclude": ["breakglass@example.com"] } } },
                    "actions": { "postAuthSession": { "failureActions": [
                        { "action": "TERMINATE_SESSION" },
                        { "action": "RUN_WORKFLOW", "workflow": { "id": "id:1074260" } }
                    ] } }
                },
                { "name": "Catch-all Rule", "default": true, "actions": { "postAuthSession": { "failureActions": [] } } }
            ]
        }))?;
        let actions = policy
            .rules
            .first()
            .and_then(|rule| rule.actions.as_ref())
            .and_then(|actions| actions.post_auth_session.as_ref())
            .and_then(|response| response.failure_actions.as_ref())
            .map(|list| list.iter().map(|action| action.action).collect::<Vec<_>>());
        assert_eq!(
            actions,
            Some(vec![
                PostAuthSessionActionType::TerminateSession,
                PostAuthSessionActionType::RunWorkflow
            ])
        );
        Ok(())
    }

    #[test]
    fn rejects_unknown_keys() {
        let entity_risk_spelling = serde_json::from_value::<PostAuthSessionRule>(json!({
            "name": "r", "actions": { "postAuthSession": { "failureActions": [{ "action": "TERMINATE_ALL_SESSIONS" }] } }
        }));
        assert!(entity_risk_spelling.is_err());
        let unknown_key = serde_json::from_value::<PostAuthSessionRule>(json!({
            "name": "r", "actions": { "postAuthSession": { "failureActions": [{ "action": "TERMINATE_SESSION", "slo": {} }] } }
        }));
        assert!(unknown_key.is_err());
    }
}
