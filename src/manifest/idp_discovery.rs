//! PLACEHOLDER: IdpDiscovery policies (to be completed).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::policy::{manifest_policy, manifest_rule};

manifest_policy! {
    /// PLACEHOLDER
    pub struct IdpDiscoveryPolicy {
        kind: IdpDiscovery,
        rule: IdpDiscoveryRule,
    }
}

manifest_rule! {
    /// PLACEHOLDER
    pub struct IdpDiscoveryRule {
        actions: IdpDiscoveryRuleActions,
    }
}

/// PLACEHOLDER
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdpDiscoveryRuleActions {}
