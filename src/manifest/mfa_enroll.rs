//! MFA enrollment policies (`MFA_ENROLL`), called authenticator enrollment
//! policies in Identity Engine: which authenticators (or, in policies not
//! yet converted from Classic Engine, which factors) users must, may or may
//! not enroll, and (in rules) when they are prompted to.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{AppCondition, GroupPolicyConditions, NetworkCondition};
use super::policy::{manifest_policy, manifest_rule};
use super::reference::Ref;

manifest_policy! {
    /// An MFA (authenticator) enrollment policy. Policies are evaluated in list order; the default policy is last.
    pub struct MfaEnrollPolicy {
        kind: MfaEnroll,
        rule: MfaEnrollRule,
        conditions: GroupPolicyConditions,
        /// Which authenticators (or factors) users enroll. Use `authenticators` (with `type: AUTHENTICATORS`) or, for policies not yet converted from Classic Engine, `factors` (with `type: FACTORS`), never both.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub settings: Option<MfaEnrollSettings>,
    }
}

manifest_rule! {
    /// An MFA enrollment policy rule. Rules are evaluated in list order; the default rule is last and read-only.
    pub struct MfaEnrollRule {
        conditions: MfaEnrollRuleConditions,
        actions: MfaEnrollRuleActions,
    }
}

/// Whether a policy lists authenticators or classic factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum MfaEnrollSettingsType {
    /// The policy lists `authenticators` (Identity Engine).
    #[serde(rename = "AUTHENTICATORS")]
    Authenticators,
    /// The policy lists classic `factors` (Okta's default; Classic Engine and unconverted policies).
    #[serde(rename = "FACTORS")]
    Factors,
}

/// Settings of an MFA enrollment policy. `factors` and `authenticators` are mutually exclusive.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MfaEnrollSettings {
    /// `AUTHENTICATORS` with `authenticators`, `FACTORS` with `factors`. Okta's default is `FACTORS`; Classic Engine orgs may omit it.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MfaEnrollSettingsType>,
    /// Classic factor settings, keyed by factor name. Only enabled factors are listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factors: Option<FactorSettings>,
    /// Authenticator settings (Identity Engine), one entry per enabled authenticator. Covers authentication and recovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticators: Option<Vec<AuthenticatorSetting>>,
}

/// Whether users must, may or may not enroll an authenticator or factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum EnrollmentRequirement {
    /// Users must enroll it.
    #[serde(rename = "REQUIRED")]
    Required,
    /// Users may enroll it.
    #[serde(rename = "OPTIONAL")]
    Optional,
    /// Users cannot enroll it (Okta's default).
    #[serde(rename = "NOT_ALLOWED")]
    NotAllowed,
}

/// Classic factor settings, keyed by the factor names the API uses
/// (snake_case). Each key is optional; only enabled factors are listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
// No `rename_all`: Okta spells these keys in snake_case, like the fields.
#[serde(deny_unknown_fields)]
pub struct FactorSettings {
    /// Duo Security.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duo: Option<FactorSetting>,
    /// FIDO U2F security key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fido_u2f: Option<FactorSetting>,
    /// FIDO2 WebAuthn (Windows Hello, Touch ID, security keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fido_webauthn: Option<FactorSetting>,
    /// Google Authenticator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_otp: Option<FactorSetting>,
    /// Custom HOTP factor (seen in real Classic Engine payloads, not in Okta's factor list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotp: Option<FactorSetting>,
    /// Voice call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_call: Option<FactorSetting>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_email: Option<FactorSetting>,
    /// Okta Verify one-time passcode (TOTP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_otp: Option<FactorSetting>,
    /// Password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_password: Option<FactorSetting>,
    /// Okta Verify push.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_push: Option<FactorSetting>,
    /// Security question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_question: Option<FactorSetting>,
    /// SMS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub okta_sms: Option<FactorSetting>,
    /// RSA SecurID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rsa_token: Option<FactorSetting>,
    /// Symantec VIP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symantec_vip: Option<FactorSetting>,
    /// YubiKey OTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yubikey_token: Option<FactorSetting>,
}

/// Settings of one classic factor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FactorSetting {
    /// Whether users enroll the factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enroll: Option<FactorEnroll>,
    /// Terms the user must accept before enrolling. Okta currently ignores everything but `type: NONE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<FactorConsent>,
}

/// Enrollment requirement of a classic factor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FactorEnroll {
    /// `REQUIRED`, `OPTIONAL` or `NOT_ALLOWED` (Okta's default).
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_enroll: Option<EnrollmentRequirement>,
}

/// Whether the user must consent to terms before enrolling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum ConsentType {
    /// No consent (Okta's default).
    #[serde(rename = "NONE")]
    None,
    /// The user must accept `terms`.
    #[serde(rename = "TERMS_OF_SERVICE")]
    TermsOfService,
}

/// Consent settings of a classic factor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FactorConsent {
    /// `NONE` (Okta's default) or `TERMS_OF_SERVICE`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ConsentType>,
    /// The terms, with `type: TERMS_OF_SERVICE`. Okta currently ignores them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<ConsentTerms>,
}

/// How consent terms are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum TermsFormat {
    /// Plain text.
    #[serde(rename = "TEXT")]
    Text,
    /// Rich Text Format.
    #[serde(rename = "RTF")]
    Rtf,
    /// Markdown.
    #[serde(rename = "MARKDOWN")]
    Markdown,
    /// A link to the terms.
    #[serde(rename = "URL")]
    Url,
}

/// Consent terms of a classic factor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ConsentTerms {
    /// `TEXT`, `RTF`, `MARKDOWN` or `URL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<TermsFormat>,
    /// The terms, in `format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// An authenticator, by the key Okta gives it. Used by enrollment policies
/// and by authentication (access) policy constraints.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum AuthenticatorKey {
    /// A custom authenticator app built with the Okta Devices SDK (push). Select the instance with `id`.
    #[serde(rename = "custom_app")]
    CustomApp,
    /// A custom one-time-passcode authenticator. Select the instance with `id`.
    #[serde(rename = "custom_otp")]
    CustomOtp,
    /// Duo Security.
    #[serde(rename = "duo")]
    Duo,
    /// An identity provider used as an authenticator. Select the instance with `id`.
    #[serde(rename = "external_idp")]
    ExternalIdp,
    /// Google Authenticator (or another TOTP app).
    #[serde(rename = "google_otp")]
    GoogleOtp,
    /// Email.
    #[serde(rename = "okta_email")]
    OktaEmail,
    /// Password.
    #[serde(rename = "okta_password")]
    OktaPassword,
    /// Okta Verify (push, TOTP, FastPass).
    #[serde(rename = "okta_verify")]
    OktaVerify,
    /// On-prem MFA through a RADIUS agent.
    #[serde(rename = "onprem_mfa")]
    OnpremMfa,
    /// Phone (SMS and voice call).
    #[serde(rename = "phone_number")]
    PhoneNumber,
    /// RSA SecurID.
    #[serde(rename = "rsa_token")]
    RsaToken,
    /// Security question.
    #[serde(rename = "security_question")]
    SecurityQuestion,
    /// Smart card (PIV/CAC) through a smart card identity provider. Authentication policy constraints only; not in Okta's enrollment key list.
    #[serde(rename = "smart_card_idp")]
    SmartCardIdp,
    /// Symantec VIP.
    #[serde(rename = "symantec_vip")]
    SymantecVip,
    /// FIDO2 WebAuthn (security keys, biometrics, passkeys).
    #[serde(rename = "webauthn")]
    Webauthn,
    /// YubiKey OTP.
    #[serde(rename = "yubikey_token")]
    YubikeyToken,
}

/// Settings of one authenticator in an enrollment policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthenticatorSetting {
    /// The authenticator's key, e.g. `okta_verify`, `phone_number`, `webauthn`.
    pub key: AuthenticatorKey,
    /// The authenticator instance's ID (`aut…`), to pick one `custom_app`, `custom_otp` or `external_idp` authenticator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Whether, and how, users enroll the authenticator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enroll: Option<AuthenticatorEnroll>,
    /// Restrictions on which devices of this authenticator may be enrolled (`webauthn` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<AuthenticatorConstraints>,
}

/// Enrollment requirement of an authenticator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthenticatorEnroll {
    /// `REQUIRED`, `OPTIONAL` or `NOT_ALLOWED` (Okta's default).
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_enroll: Option<EnrollmentRequirement>,
    /// Whether the email authenticator is enrolled automatically at sign-up or when the profile email changes (`okta_email` only; `false` needs `self` `OPTIONAL` or `NOT_ALLOWED`). Okta's default is `true`. Early Access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_enroll: Option<bool>,
    /// How long a user may postpone a required enrollment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period: Option<GracePeriod>,
}

/// A grace period for a required enrollment, chosen by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type")]
pub enum GracePeriod {
    /// Users may postpone enrollment until a date and time.
    #[serde(rename = "BY_DATE_TIME")]
    ByDateTime(GracePeriodByDateTime),
    /// Users may skip enrollment a number of times.
    #[serde(rename = "BY_SKIP_COUNT")]
    BySkipCount(GracePeriodBySkipCount),
}

/// A grace period that ends at a date and time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GracePeriodByDateTime {
    /// When the grace period ends, as `yyyy-MM-ddTHH:mm:ss.SSSZ`, e.g. `2025-01-01T18:30:45.000Z`.
    pub expiry: String,
}

/// A grace period counted in skipped prompts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GracePeriodBySkipCount {
    /// How many times a user may skip enrolling before it becomes mandatory (1 to 10).
    #[schemars(range(min = 1, max = 10))]
    pub skip_count: u32,
}

/// Restrictions on which authenticator devices may be enrolled.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthenticatorConstraints {
    /// Names of the passkey (FIDO2 WebAuthn) AAGUID groups allowed, as defined in the WebAuthn authenticator's method settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aaguid_groups: Option<Vec<String>>,
}

/// Conditions of an MFA enrollment policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MfaEnrollRuleConditions {
    /// Users the rule never applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<MfaEnrollRulePeople>,
    /// Network zones the request must (not) come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkCondition>,
    /// Apps the user is signing in to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<AppCondition>,
}

/// The people condition of an MFA enrollment rule: users can only be excluded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MfaEnrollRulePeople {
    /// Users excluded from the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<UserExclude>,
}

/// Users to exclude.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserExclude {
    /// Users by login, or `id:00u…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<Ref>>,
}

/// Actions of an MFA enrollment policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MfaEnrollRuleActions {
    /// When users are prompted to enroll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enroll: Option<MfaEnrollAction>,
}

/// When users are prompted to enroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum EnrollPrompt {
    /// The next time they are challenged during sign-in.
    #[serde(rename = "CHALLENGE")]
    Challenge,
    /// At their next sign-in (behaves like `CHALLENGE` in Identity Engine; mostly Classic Engine).
    #[serde(rename = "LOGIN")]
    Login,
    /// Never during sign-in; authenticators enabled for legacy recovery can still be enrolled during recovery.
    #[serde(rename = "NEVER")]
    Never,
    /// Never, neither during sign-in nor during account recovery.
    #[serde(rename = "NEVER_INCLUDING_RECOVERY")]
    NeverIncludingRecovery,
}

/// The enroll action of an MFA enrollment rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MfaEnrollAction {
    /// `CHALLENGE`, `LOGIN`, `NEVER` or `NEVER_INCLUDING_RECOVERY`.
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_enroll: Option<EnrollPrompt>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_authenticator_and_factor_policies() -> Result<(), serde_json::Error> {
        let authenticators: MfaEnrollPolicy = serde_json::from_value(json!({
            "name": "Contractors MFA",
            "conditions": { "people": { "groups": { "include": ["Contractors"] } } },
            "settings": {
                "type": "AUTHENTICATORS",
                "authenticators": [
                    { "key": "okta_verify", "enroll": { "self": "REQUIRED" } },
                    { "key": "okta_email", "enroll": { "self": "OPTIONAL", "autoEnroll": false } },
                    { "key": "phone_number", "enroll": { "self": "REQUIRED",
                        "gracePeriod": { "type": "BY_SKIP_COUNT", "skipCount": 3 } } },
                    { "key": "webauthn", "enroll": { "self": "OPTIONAL" },
                      "constraints": { "aaguidGroups": ["YubiKeys"] } },
                    { "key": "custom_otp", "id": "aut1234567890abcdefg", "enroll": { "self": "NOT_ALLOWED" } }
                ]
            },
            "rules": [{
                "name": "Enroll at first sign-in",
                "conditions": {
                    "people": { "users": { "exclude": ["breakglass@example.com"] } },
                    "network": { "connection": "ANYWHERE" },
                    "app": { "include": [{ "type": "APP_TYPE", "name": "yahoo_mail" }] }
                },
                "actions": { "enroll": { "self": "LOGIN" } }
            }]
        }))?;
        let grace = authenticators
            .settings
            .as_ref()
            .and_then(|settings| settings.authenticators.as_ref())
            .and_then(|list| list.get(2))
            .and_then(|phone| phone.enroll.as_ref())
            .and_then(|enroll| enroll.grace_period.clone());
        assert_eq!(
            grace,
            Some(GracePeriod::BySkipCount(GracePeriodBySkipCount {
                skip_count: 3
            }))
        );

        let factors: MfaEnrollPolicy = serde_json::from_value(json!({
            "name": "Default Policy",
            "default": true,
            "settings": {
                "type": "FACTORS",
                "factors": {
                    "okta_otp": { "enroll": { "self": "OPTIONAL" }, "consent": { "type": "NONE" } },
                    "okta_sms": { "enroll": { "self": "REQUIRED" } },
                    "hotp": { "enroll": { "self": "NOT_ALLOWED" } }
                }
            }
        }))?;
        let sms = factors
            .settings
            .and_then(|settings| settings.factors)
            .and_then(|factors| factors.okta_sms)
            .and_then(|sms| sms.enroll)
            .and_then(|enroll| enroll.self_enroll);
        assert_eq!(sms, Some(EnrollmentRequirement::Required));
        Ok(())
    }

    #[test]
    fn rejects_unknown_keys() {
        let unknown_factor = serde_json::from_value::<MfaEnrollPolicy>(json!({
            "name": "p", "settings": { "factors": { "okta_voice": { "enroll": { "self": "OPTIONAL" } } } }
        }));
        assert!(unknown_factor.is_err());
        let unknown_in_grace_period = serde_json::from_value::<MfaEnrollPolicy>(json!({
            "name": "p", "settings": { "authenticators": [{ "key": "okta_verify", "enroll": {
                "self": "REQUIRED", "gracePeriod": { "type": "BY_SKIP_COUNT", "skipCount": 3, "days": 2 } } }] }
        }));
        assert!(unknown_in_grace_period.is_err());
        let rule_group_condition = serde_json::from_value::<MfaEnrollRule>(json!({
            "name": "r", "conditions": { "people": { "groups": { "include": ["Everyone"] } } }
        }));
        assert!(rule_group_condition.is_err());
    }
}
