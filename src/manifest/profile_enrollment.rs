//! PLACEHOLDER: ProfileEnrollment policies (to be completed).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::policy::{manifest_policy, manifest_rule};

manifest_policy! {
    /// PLACEHOLDER
    pub struct ProfileEnrollmentPolicy {
        kind: ProfileEnrollment,
        rule: ProfileEnrollmentRule,
    }
}

manifest_rule! {
    /// PLACEHOLDER
    pub struct ProfileEnrollmentRule {
        actions: ProfileEnrollmentRuleActions,
    }
}

/// PLACEHOLDER
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProfileEnrollmentRuleActions {}
