//! PLACEHOLDER: authorization server policies (to be completed).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::policy::{manifest_policy, manifest_rule};
use super::reference::Ref;

/// An authorization server (referenced, not managed) and its policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthorizationServer {
    /// The authorization server by name (e.g. `default`) or `id:aus…`.
    pub server: Ref,
    /// The server's access policies, in priority order.
    #[serde(default)]
    pub policies: Vec<AuthServerPolicy>,
}

manifest_policy! {
    /// PLACEHOLDER
    pub struct AuthServerPolicy {
        kind: AuthorizationServer,
        rule: AuthServerRule,
    }
}

manifest_rule! {
    /// PLACEHOLDER
    pub struct AuthServerRule {
        actions: AuthServerRuleActions,
    }
}

/// PLACEHOLDER
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthServerRuleActions {}
