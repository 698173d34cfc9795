//! Password policies (`PASSWORD`): password complexity, age and lockout
//! settings, recovery factors, and (in rules) who may change, reset or
//! unlock their password, from where and with which authenticators.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{
    Access, NetworkCondition, PeopleCondition, PolicyPeopleCondition, Status, either_case_enum,
};
use super::mfa_enroll::AuthenticatorKey;
use super::policy::{manifest_policy, manifest_rule};
use super::reference::Ref;

manifest_policy! {
    /// A password policy. Policies are evaluated in list order; the default policy is last. Password policies apply only to Okta-sourced and Active Directory-sourced users.
    pub struct PasswordPolicy {
        kind: Password,
        rule: PasswordRule,
        conditions: PasswordPolicyConditions,
        /// Password complexity, age, lockout, recovery and delegation settings. Omitted settings keep Okta's defaults.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub settings: Option<PasswordPolicySettings>,
    }
}

manifest_rule! {
    /// A password policy rule. Rules are evaluated in list order; the default rule is last.
    pub struct PasswordRule {
        conditions: PasswordRuleConditions,
        actions: PasswordRuleActions,
    }
}

/// Conditions of a password policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordPolicyConditions {
    /// The groups the policy applies to. Omitted means everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<PolicyPeopleCondition>,
    /// The source of the users' passwords (Okta, Active Directory, LDAP). Omitted means Okta.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_provider: Option<AuthProviderCondition>,
}

/// Where the users' passwords are mastered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum AuthProviderType {
    /// Users sourced from Active Directory.
    #[serde(rename = "ACTIVE_DIRECTORY")]
    ActiveDirectory,
    /// Any source.
    #[serde(rename = "ANY")]
    Any,
    /// Users sourced from an LDAP directory.
    #[serde(rename = "LDAP")]
    Ldap,
    /// Okta-sourced users (Okta's default).
    #[serde(rename = "OKTA")]
    Okta,
}

/// The authentication provider condition of a password policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthProviderCondition {
    /// `OKTA` (Okta's default), `ACTIVE_DIRECTORY`, `LDAP` or `ANY`.
    pub provider: AuthProviderType,
    /// The Active Directory (or LDAP) integrations the policy applies to, by app label or `id:0oa…`. Omitted means all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<Ref>>,
}

/// Settings of a password policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordPolicySettings {
    /// Complexity, age, lockout and breached-password rules for the password itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PasswordSettings>,
    /// The factors users may recover their password with (Classic Engine; Identity Engine orgs should prefer the rule's `selfServicePasswordReset.requirement`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<PasswordRecoverySettings>,
    /// Delegated authentication options (Active Directory-sourced users).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation: Option<PasswordDelegationSettings>,
}

/// The password rules of a password policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordSettings {
    /// What a password must contain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complexity: Option<PasswordComplexity>,
    /// Expiry, history and minimum age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<PasswordAge>,
    /// What happens after failed sign-in attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockout: Option<PasswordLockout>,
    /// What happens when a user's password is found in a breach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breached_protection: Option<BreachedProtection>,
}

/// A user profile attribute whose value a password must not contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum ExcludedAttribute {
    /// The user's first name.
    #[serde(rename = "firstName")]
    FirstName,
    /// The user's last name.
    #[serde(rename = "lastName")]
    LastName,
}

/// Password complexity requirements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordComplexity {
    /// Minimum password length. Okta's default is 8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// `1` if a password must contain a lowercase letter, `0` if not. Okta's default is 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub min_lower_case: Option<u32>,
    /// `1` if a password must contain an uppercase letter, `0` if not. Okta's default is 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub min_upper_case: Option<u32>,
    /// `1` if a password must contain a number, `0` if not. Okta's default is 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub min_number: Option<u32>,
    /// `1` if a password must contain a symbol, `0` if not. Okta's default is 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub min_symbol: Option<u32>,
    /// Whether the password must not contain the username. Okta's default is `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_username: Option<bool>,
    /// Profile attributes whose values the password must not contain: `firstName`, `lastName`. Okta's default is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_attributes: Option<Vec<ExcludedAttribute>>,
    /// Weak-password dictionary checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dictionary: Option<PasswordDictionary>,
    /// Maximum number of consecutive repeating characters (1 to 72). Identity Engine only. Omitted means no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 72))]
    pub max_consecutive_characters: Option<u32>,
    /// An Okta Expression Language expression blocking words, e.g. `password.value.contains('Acme')` (join several with `OR`). Identity Engine only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oel_statement: Option<String>,
}

/// Weak-password dictionary settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordDictionary {
    /// The dictionary of commonly used passwords.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common: Option<PasswordDictionaryCommon>,
}

/// The common-password dictionary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordDictionaryCommon {
    /// Whether passwords found in the common-password dictionary are refused. Okta's default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<bool>,
}

/// Password age settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordAge {
    /// Days a password stays valid before it expires; `0` (Okta's default) means never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
    /// Days before expiry that the user is warned; `0` (Okta's default) means no warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_warn_days: Option<u32>,
    /// Minimum minutes between password changes; `0` (Okta's default) means no minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age_minutes: Option<u32>,
    /// Number of previous passwords that cannot be reused; `0` (Okta's default) means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_count: Option<u32>,
}

/// How a user is told that their account is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum LockoutNotificationChannel {
    /// An email to the user's primary email address.
    #[serde(rename = "EMAIL")]
    Email,
}

/// Account lockout settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordLockout {
    /// Failed sign-in attempts before the account is locked; `0` means never locked. Okta's default is 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    /// Minutes until a locked account unlocks by itself; `0` (Okta's default) means it stays locked until unlocked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_unlock_minutes: Option<u32>,
    /// How the user is notified of a lockout: `[]` (Okta's default) or `[EMAIL]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_lockout_notification_channels: Option<Vec<LockoutNotificationChannel>>,
    /// Whether the user is told that their account is locked. Okta's default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_lockout_failures: Option<bool>,
}

/// What Okta does when a user signs in with a password found in a breach.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BreachedProtection {
    /// Days after the breach is detected until the password expires (0 to 10; `0` means at once). Omitted means the password does not expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 10))]
    pub expire_after_days: Option<u32>,
    /// Whether the user's sessions are ended the first time their credentials are detected in a breach. Needs `expireAfterDays`. Okta's default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logout_enabled: Option<bool>,
    /// The Okta Workflows flow to run when a breached password is detected, by name or `id:<flow id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated_workflow_id: Option<Ref>,
}

/// Password recovery settings of a password policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordRecoverySettings {
    /// The factors users may recover their password with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factors: Option<RecoveryFactors>,
}

/// Recovery factors. The keys are Okta's factor names, spelled as the API
/// spells them (snake_case).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
// No `rename_all`: Okta spells these keys in snake_case, like the fields.
#[serde(deny_unknown_fields)]
pub struct RecoveryFactors {
    /// Recovery by email. Active by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_email: Option<RecoveryEmailFactor>,
    /// Recovery by SMS. Okta's default is `INACTIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_sms: Option<RecoveryFactor>,
    /// Recovery by voice call. Okta's default is `INACTIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_call: Option<RecoveryFactor>,
    /// The security question, asked as an additional step during recovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_question: Option<RecoveryQuestionFactor>,
}

/// A recovery factor that is only switched on or off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecoveryFactor {
    /// `ACTIVE` or `INACTIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

/// The email recovery factor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecoveryEmailFactor {
    /// `ACTIVE` (Okta's default) or `INACTIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Email recovery settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<RecoveryEmailProperties>,
}

/// Settings of the email recovery factor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecoveryEmailProperties {
    /// The recovery link or code sent by email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_token: Option<RecoveryToken>,
}

/// The emailed recovery token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecoveryToken {
    /// Minutes the recovery token stays valid. Okta's default is 10080 (7 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime_minutes: Option<u32>,
}

/// The security question recovery factor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecoveryQuestionFactor {
    /// `ACTIVE` or `INACTIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Security question settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<RecoveryQuestionProperties>,
}

/// Settings of the security question recovery factor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecoveryQuestionProperties {
    /// Requirements on the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complexity: Option<RecoveryQuestionComplexity>,
}

/// Requirements on a security question answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecoveryQuestionComplexity {
    /// Minimum length of the answer. Okta's default is 4. (The OpenAPI spec marks it read-only; real orgs store other values.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
}

/// Delegated authentication settings of a password policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordDelegationSettings {
    /// Delegation options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<PasswordDelegationOptions>,
}

/// Delegation options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordDelegationOptions {
    /// When unlocking an Active Directory-sourced user in Okta, whether to skip also unlocking their Windows account. Okta's default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_unlock: Option<bool>,
}

/// Conditions of a password policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordRuleConditions {
    /// Users (and groups) the rule applies to or is excluded for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<PeopleCondition>,
    /// Network zones the request must (not) come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkCondition>,
}

/// Actions of a password policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordRuleActions {
    /// Whether users may change their password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_change: Option<PasswordRuleAccess>,
    /// Whether users may reset a forgotten password, and with which authenticators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_service_password_reset: Option<SelfServicePasswordReset>,
    /// Whether users may unlock their own locked account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_service_unlock: Option<PasswordRuleAccess>,
}

/// An allow/deny password rule action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordRuleAccess {
    /// `ALLOW` or `DENY`. Okta's default is `DENY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
}

/// The self-service password reset action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SelfServicePasswordReset {
    /// `ALLOW` or `DENY`. Okta's default is `DENY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    /// The authenticators needed to reset the password (Identity Engine). Omitted with `access: ALLOW` means the policy's `settings.recovery.factors` apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<SsprRequirement>,
    /// Other reset settings (Identity Engine, Early Access).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SsprSettings>,
}

/// Which requirements apply to self-service password operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum SsprAccessControl {
    /// The Okta account management policy decides the conditions and authenticators.
    #[serde(rename = "AUTH_POLICY")]
    AuthPolicy,
    /// This rule's `primary` and `stepUp` requirements apply.
    #[serde(rename = "LEGACY")]
    Legacy,
}

/// The authenticators a user needs to reset their password (Identity Engine).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SsprRequirement {
    /// `LEGACY` (this rule's requirements) or `AUTH_POLICY` (the Okta account management policy's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_control: Option<SsprAccessControl>,
    /// The first authentication step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<SsprPrimaryRequirement>,
    /// The optional second authentication step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_up: Option<SsprStepUpRequirement>,
}

either_case_enum! {
    /// An authenticator method allowed for the first step of a password reset.
    pub enum SsprPrimaryMethod {
        /// Okta Verify push notification.
        Push = "push" | "PUSH",
        /// Code by SMS.
        Sms = "sms" | "SMS",
        /// Code by voice call.
        Voice = "voice" | "VOICE",
        /// Code or link by email.
        Email = "email" | "EMAIL",
        /// One-time passcode; needs a `methodConstraints` entry limiting it to `google_otp`.
        Otp = "otp" | "OTP",
    }
}

/// The first step of a password reset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SsprPrimaryRequirement {
    /// The authenticator methods allowed: `push`, `sms`, `voice`, `email`, `otp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<SsprPrimaryMethod>>,
    /// Limits a method to specific authenticators. Only `otp` limited to `google_otp` is supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_constraints: Option<Vec<SsprMethodConstraint>>,
}

either_case_enum! {
    /// A method that can be limited to specific authenticators.
    pub enum SsprConstrainedMethod {
        /// One-time passcode.
        Otp = "otp" | "OTP",
    }
}

/// Limits a password reset method to specific authenticators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SsprMethodConstraint {
    /// The method being limited (`otp`).
    pub method: SsprConstrainedMethod,
    /// The authenticators allowed for the method (only `google_otp` is supported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_authenticators: Option<Vec<AllowedAuthenticator>>,
}

/// An authenticator allowed for a constrained method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AllowedAuthenticator {
    /// The authenticator's key, e.g. `google_otp`.
    pub key: AuthenticatorKey,
}

either_case_enum! {
    /// An authenticator method allowed for the second step of a password reset.
    pub enum SsprStepUpMethod {
        /// The security question.
        SecurityQuestion = "security_question" | "SECURITY_QUESTION",
    }
}

/// The second step of a password reset. Valid combinations: `required: false`; `required: true` without `methods` (any sign-on authenticator); `required: true` with `methods: [security_question]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SsprStepUpRequirement {
    /// Whether a second step is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// The second-step method, only with `required: true`: `security_question`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<SsprStepUpMethod>>,
}

/// Other self-service password reset settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SsprSettings {
    /// Whether users without an enrolled email authenticator may still receive a recovery email at their profile address. Okta's default is `false` (`true` in orgs migrated from Classic Engine). Needs the "Email auto-enrollment and recovery control" Early Access feature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_recovery_email_without_enrollment: Option<bool>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_a_realistic_policy() -> Result<(), serde_json::Error> {
        let policy: PasswordPolicy = serde_json::from_value(json!({
            "name": "Contractors",
            "conditions": {
                "people": { "groups": { "include": ["Contractors"] } },
                "authProvider": { "provider": "OKTA" }
            },
            "settings": {
                "password": {
                    "complexity": {
                        "minLength": 12, "minLowerCase": 1, "minUpperCase": 1, "minNumber": 1,
                        "minSymbol": 0, "excludeUsername": true,
                        "excludeAttributes": ["firstName", "lastName"],
                        "dictionary": { "common": { "exclude": true } }
                    },
                    "age": { "maxAgeDays": 60, "expireWarnDays": 15, "minAgeMinutes": 60, "historyCount": 5 },
                    "lockout": { "maxAttempts": 10, "autoUnlockMinutes": 2,
                                 "userLockoutNotificationChannels": ["EMAIL"], "showLockoutFailures": true },
                    "breachedProtection": { "expireAfterDays": 0, "logoutEnabled": true,
                                            "delegatedWorkflowId": "Breached password flow" }
                },
                "recovery": { "factors": {
                    "okta_email": { "status": "ACTIVE",
                                    "properties": { "recoveryToken": { "tokenLifetimeMinutes": 60 } } },
                    "okta_sms": { "status": "INACTIVE" },
                    "okta_call": { "status": "INACTIVE" },
                    "recovery_question": { "status": "ACTIVE",
                                           "properties": { "complexity": { "minLength": 10 } } }
                } },
                "delegation": { "options": { "skipUnlock": false } }
            },
            "rules": [{
                "name": "Reset with email or Google OTP",
                "conditions": { "network": { "connection": "ANYWHERE" } },
                "actions": {
                    "passwordChange": { "access": "ALLOW" },
                    "selfServicePasswordReset": {
                        "access": "ALLOW",
                        "requirement": {
                            "accessControl": "LEGACY",
                            "primary": {
                                "methods": ["email", "OTP"],
                                "methodConstraints": [{ "method": "otp",
                                    "allowedAuthenticators": [{ "key": "google_otp" }] }]
                            },
                            "stepUp": { "required": true, "methods": ["security_question"] }
                        }
                    },
                    "selfServiceUnlock": { "access": "DENY" }
                }
            }]
        }))?;
        let methods = policy
            .rules
            .first()
            .and_then(|rule| rule.actions.as_ref())
            .and_then(|actions| actions.self_service_password_reset.as_ref())
            .and_then(|reset| reset.requirement.as_ref())
            .and_then(|requirement| requirement.primary.as_ref())
            .and_then(|primary| primary.methods.clone());
        // UPPERCASE (as in Okta's docs) and lowercase (as on the wire) are the same value.
        assert_eq!(
            methods,
            Some(vec![SsprPrimaryMethod::Email, SsprPrimaryMethod::Otp])
        );
        assert_eq!(serde_json::to_value(SsprPrimaryMethod::Otp)?, json!("otp"));
        Ok(())
    }

    #[test]
    fn rejects_unknown_keys() {
        let typo = serde_json::from_value::<PasswordPolicy>(json!({
            "name": "Contractors",
            "settings": { "password": { "complexity": { "minLenght": 12 } } }
        }));
        assert!(typo.is_err());
        let camel_cased_factor = serde_json::from_value::<PasswordPolicy>(json!({
            "name": "Contractors",
            "settings": { "recovery": { "factors": { "oktaEmail": { "status": "ACTIVE" } } } }
        }));
        assert!(camel_cased_factor.is_err());
    }
}
