//! PLACEHOLDER: MfaEnroll policies (to be completed).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::policy::{manifest_policy, manifest_rule};

manifest_policy! {
    /// PLACEHOLDER
    pub struct MfaEnrollPolicy {
        kind: MfaEnroll,
        rule: MfaEnrollRule,
    }
}

manifest_rule! {
    /// PLACEHOLDER
    pub struct MfaEnrollRule {
        actions: MfaEnrollRuleActions,
    }
}

/// PLACEHOLDER
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MfaEnrollRuleActions {}
