//! PLACEHOLDER: Access policies (to be completed).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::policy::{manifest_policy, manifest_rule};

manifest_policy! {
    /// PLACEHOLDER
    pub struct AccessPolicy {
        kind: Access,
        rule: AccessRule,
    }
}

manifest_rule! {
    /// PLACEHOLDER
    pub struct AccessRule {
        actions: AccessRuleActions,
    }
}

/// PLACEHOLDER
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessRuleActions {}
