//! Sign-on policies (`OKTA_SIGN_ON`), Okta's global session policy: who may
//! sign in to Okta, whether they need a second factor, and how long their
//! session lasts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{
    Access, AuthContextCondition, GroupPolicyConditions, IdentityProviderCondition,
    NetworkCondition, PeopleCondition, RiskScoreCondition,
};
use super::policy::{manifest_policy, manifest_rule};

manifest_policy! {
    /// A global session (sign-on) policy. Policies are evaluated in list order; the default policy is last.
    pub struct SignOnPolicy {
        kind: SignOn,
        rule: SignOnRule,
        conditions: GroupPolicyConditions,
    }
}

manifest_rule! {
    /// A sign-on policy rule. Rules are evaluated in list order; the default rule is last.
    pub struct SignOnRule {
        conditions: SignOnRuleConditions,
        actions: SignOnRuleActions,
    }
}

/// Conditions of a sign-on policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SignOnRuleConditions {
    /// Users and groups the rule applies to (or is excluded for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<PeopleCondition>,
    /// Network zones the request must (not) come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkCondition>,
    /// Authentication entry point (`ANY`, `RADIUS`, `LDAP_INTERFACE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_context: Option<AuthContextCondition>,
    /// The identity provider that authenticated the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<IdentityProviderCondition>,
    /// The sign-in's risk level, as Okta assesses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_score: Option<RiskScoreCondition>,
}

/// Actions of a sign-on policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SignOnRuleActions {
    /// What the rule does at sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signon: Option<SignOnAction>,
}

/// When a factor is prompted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum FactorPromptMode {
    /// At every sign-in.
    #[serde(rename = "ALWAYS")]
    Always,
    /// Once per device (remembered for `factorLifetime` minutes).
    #[serde(rename = "DEVICE")]
    Device,
    /// Once per Okta session.
    #[serde(rename = "SESSION")]
    Session,
}

/// The primary factor (Identity Engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum PrimaryFactor {
    /// Password (or an IdP) is the first factor.
    #[serde(rename = "PASSWORD_IDP")]
    PasswordIdp,
    /// Password, an IdP or any factor allowed by the authenticator enrollment policy.
    #[serde(rename = "PASSWORD_IDP_ANY_FACTOR")]
    PasswordIdpAnyFactor,
}

/// The `signon` action of a sign-on rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SignOnAction {
    /// `ALLOW` or `DENY` the sign-in. Okta's default is `ALLOW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    /// Whether a second factor is required. Okta's default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_factor: Option<bool>,
    /// When the factor is prompted for, with `requireFactor: true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor_prompt_mode: Option<FactorPromptMode>,
    /// Whether "remember this device" is checked by default, with `factorPromptMode: DEVICE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remember_device_by_default: Option<bool>,
    /// Minutes a device is remembered, with `factorPromptMode: DEVICE` (1 to 86400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 86400))]
    pub factor_lifetime: Option<u32>,
    /// The primary factor (Identity Engine only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_factor: Option<PrimaryFactor>,
    /// Session lifetime settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SignOnSession>,
}

/// Session lifetime settings of a sign-on rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SignOnSession {
    /// Minutes a session may be idle before it expires (1 to 43200 = 30 days). Okta's default is 120.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 43200))]
    pub max_session_idle_minutes: Option<u32>,
    /// Minutes from sign-in until the session expires (0 = no limit, up to 129600 = 90 days). Read-only on the default rule of the default policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 129600))]
    pub max_session_lifetime_minutes: Option<u32>,
    /// Whether the session cookie survives browser restarts. Read-only on the default rule of the default policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_persistent_cookie: Option<bool>,
}
