//! Authentication policies (`ACCESS_POLICY`), called app sign-on policies
//! in older Okta documentation: per-app rules deciding whether a user may
//! sign in to the apps mapped to the policy, and which authenticators
//! (assurance) they must present. Identity Engine only.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{
    Access, DeviceCondition, ElCondition, NetworkCondition, OperatingSystem, PeopleCondition,
    PlatformCondition, RiskScoreCondition, UserTypeCondition, either_case_enum,
};
use super::mfa_enroll::AuthenticatorKey;
use super::policy::{manifest_policy, manifest_rule};
use super::reference::Ref;

manifest_policy! {
    /// An authentication (app sign-on) policy. Okta picks the policy by the app being signed in to, so the order of these policies means nothing. Okta evaluates both the global session policy and this policy; the user must satisfy both.
    pub struct AccessPolicy {
        kind: Access,
        rule: AccessRule,
        /// Apps mapped to this policy, by app label (or `id:0oa…`). An app may be listed under only one authentication policy. Okta cannot unmap an app: one removed from every list keeps its current policy (unless that policy is deleted, when it moves to the default policy).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub apps: Option<Vec<Ref>>,
    }
}

manifest_rule! {
    /// An authentication policy rule. Rules are evaluated in list order (at most 100 per policy); the catch-all rule Okta creates is last, written with `default: true`.
    pub struct AccessRule {
        conditions: AccessRuleConditions,
        actions: AccessRuleActions,
    }
}

/// Conditions of an authentication policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessRuleConditions {
    /// Users and groups the rule applies to (or is excluded for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<PeopleCondition>,
    /// Network zones the request must (not) come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkCondition>,
    /// Device platforms the request must (not) come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformCondition<OperatingSystem>>,
    /// Device state: registered, managed, device assurance policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceCondition>,
    /// The sign-in's risk level as Okta assesses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_score: Option<RiskScoreCondition>,
    /// An Okta Expression Language condition, e.g. `user.profile.department == 'Finance'`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub el_condition: Option<ElCondition>,
    /// User types the rule applies to (or is excluded for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<UserTypeCondition>,
}

/// Actions of an authentication policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessRuleActions {
    /// What happens when a user signs in to a mapped app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_sign_on: Option<AppSignOnAction>,
}

/// The app sign-on action of an authentication policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AppSignOnAction {
    /// `ALLOW` or `DENY` access to the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    /// How the user must verify their identity, chosen by `type`: `ASSURANCE`, `AUTH_METHOD_CHAIN` or `ID_PROOFING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_method: Option<VerificationMethod>,
    /// Whether, and how often, users are offered "Keep me signed in" after authenticating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_me_signed_in: Option<KeepMeSignedIn>,
}

/// Whether the post-authentication "Keep me signed in" prompt is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum PostAuthKeepMeSignedIn {
    /// Users are offered to stay signed in.
    #[serde(rename = "ALLOWED")]
    Allowed,
    /// Users are not offered to stay signed in.
    #[serde(rename = "NOT_ALLOWED")]
    NotAllowed,
}

/// "Keep me signed in" settings of an app sign-on action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct KeepMeSignedIn {
    /// `ALLOWED` or `NOT_ALLOWED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_auth: Option<PostAuthKeepMeSignedIn>,
    /// With `postAuth: ALLOWED`, how often the prompt is shown, as an ISO 8601 duration (e.g. `PT168H`). Okta's default is `P30D`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_auth_prompt_frequency: Option<String>,
}

/// How a user must verify their identity, chosen by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type")]
pub enum VerificationMethod {
    /// A level of assurance: a number of factors, optionally constrained by authenticator class and characteristics.
    #[serde(rename = "ASSURANCE")]
    Assurance(AssuranceMethod),
    /// Explicit sequences (chains) of authenticator methods, one of which the user completes.
    #[serde(rename = "AUTH_METHOD_CHAIN")]
    AuthMethodChain(ChainMethod),
    /// Identity verification by a third-party identity verification (IDV) provider.
    #[serde(rename = "ID_PROOFING")]
    IdProofing(IdProofingMethod),
}

/// The number of factors an assurance requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum FactorMode {
    /// Any one factor.
    #[serde(rename = "1FA")]
    OneFactor,
    /// Any two factors of different classes.
    #[serde(rename = "2FA")]
    TwoFactors,
}

/// An assurance verification method.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AssuranceMethod {
    /// `1FA` or `2FA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor_mode: Option<FactorMode>,
    /// How long after authenticating the user must authenticate again, whatever their activity, as an ISO 8601 duration (e.g. `PT2H`; `PT0S` means every sign-in). A constraint's own `reauthenticateIn` takes precedence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reauthenticate_in: Option<String>,
    /// How long the user may be inactive before they must authenticate again, as an ISO 8601 duration (e.g. `PT1H`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inactivity_period: Option<String>,
    /// Alternatives of which one must be satisfied; inside one, both `knowledge` and `possession` must be. Each may hold at most as many classes as `factorMode` allows. Empty or omitted means any factors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Vec<AccessConstraint>>,
}

/// One alternative of an assurance's constraints. Inherence can't be constrained.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccessConstraint {
    /// Requirements on the knowledge factor (something the user knows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<KnowledgeConstraint>,
    /// Requirements on the possession factor (something the user has).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub possession: Option<PossessionConstraint>,
}

either_case_enum! {
    /// An authenticator type, as assurance constraints name them.
    pub enum AuthenticatorType {
        /// A security key or hardware token (`webauthn`, `custom_otp`, `onprem_mfa`, `rsa_token`, `yubikey_token`).
        SecurityKey = "security_key" | "SECURITY_KEY",
        /// A phone (`phone_number`).
        Phone = "phone" | "PHONE",
        /// Email (`okta_email`).
        Email = "email" | "EMAIL",
        /// A password (`okta_password`).
        Password = "password" | "PASSWORD",
        /// A security question (`security_question`).
        SecurityQuestion = "security_question" | "SECURITY_QUESTION",
        /// An authenticator app (`okta_verify`, `google_otp`, `duo`, `symantec_vip`, `custom_app`).
        App = "app" | "APP",
        /// A federated identity provider (`external_idp`, `smart_card_idp`).
        Federated = "federated" | "FEDERATED",
    }
}

either_case_enum! {
    /// An authenticator method.
    pub enum AuthenticatorMethod {
        /// Password (`okta_password`).
        Password = "password" | "PASSWORD",
        /// Security question (`security_question`).
        SecurityQuestion = "security_question" | "SECURITY_QUESTION",
        /// SMS code (`phone_number`).
        Sms = "sms" | "SMS",
        /// Voice call code (`phone_number`).
        Voice = "voice" | "VOICE",
        /// Email code or link (`okta_email`).
        Email = "email" | "EMAIL",
        /// Push notification (`okta_verify`, `custom_app`).
        Push = "push" | "PUSH",
        /// Okta FastPass (`okta_verify`).
        SignedNonce = "signed_nonce" | "SIGNED_NONCE",
        /// One-time passcode (`google_otp`, `symantec_vip`, `custom_otp`, `onprem_mfa`, `rsa_token`, `yubikey_token`).
        Otp = "otp" | "OTP",
        /// Time-based one-time passcode (`okta_verify`).
        Totp = "totp" | "TOTP",
        /// FIDO2 WebAuthn (`webauthn`).
        Webauthn = "webauthn" | "WEBAUTHN",
        /// Duo (`duo`).
        Duo = "duo" | "DUO",
        /// An identity provider (`external_idp`).
        Idp = "idp" | "IDP",
        /// A certificate (`smart_card_idp`).
        Cert = "cert" | "CERT",
    }
}

/// An authenticator (and optionally one of its methods) allowed or excluded by a constraint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthenticationMethodRef {
    /// The authenticator's key, e.g. `okta_verify`.
    pub key: AuthenticatorKey,
    /// The method; omitted means every method of the authenticator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<AuthenticatorMethod>,
    /// The authenticator instance's ID (`aut…`), to pick one `custom_app`, `custom_otp` or `external_idp` authenticator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// `REQUIRED` or `OPTIONAL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Requirement {
    /// The characteristic is required.
    #[serde(rename = "REQUIRED")]
    Required,
    /// The characteristic is not required.
    #[serde(rename = "OPTIONAL")]
    Optional,
}

/// How user verification may be performed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum UserVerificationMethod {
    /// Biometrics (fingerprint, face).
    #[serde(rename = "BIOMETRICS")]
    Biometrics,
    /// A PIN.
    #[serde(rename = "PIN")]
    Pin,
}

/// Requirements on the knowledge factor of an assurance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct KnowledgeConstraint {
    /// Authenticator types permitted, e.g. `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types: Option<Vec<AuthenticatorType>>,
    /// Authenticator methods permitted, e.g. `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<AuthenticatorMethod>>,
    /// Allow list: only these authenticators (and methods) may satisfy the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_methods: Option<Vec<AuthenticationMethodRef>>,
    /// Deny list: these authenticators (and methods) may not satisfy the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_authentication_methods: Option<Vec<AuthenticationMethodRef>>,
    /// Whether this factor is required. Okta's default is `true` (`false` when `excludedAuthenticationMethods` is set); Okta always returns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// How long until this factor must be presented again, as an ISO 8601 duration; overrides the method's `reauthenticateIn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reauthenticate_in: Option<String>,
}

/// Requirements on the possession factor of an assurance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PossessionConstraint {
    /// Authenticator types permitted, e.g. `app`, `security_key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types: Option<Vec<AuthenticatorType>>,
    /// Authenticator methods permitted, e.g. `push`, `signed_nonce`, `webauthn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<AuthenticatorMethod>>,
    /// Allow list: only these authenticators (and methods) may satisfy the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_methods: Option<Vec<AuthenticationMethodRef>>,
    /// Deny list: these authenticators (and methods) may not satisfy the constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_authentication_methods: Option<Vec<AuthenticationMethodRef>>,
    /// Whether this factor is required. Okta's default is `true` (`false` when `excludedAuthenticationMethods` is set); Okta always returns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// How long until this factor must be presented again, as an ISO 8601 duration; overrides the method's `reauthenticateIn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reauthenticate_in: Option<String>,
    /// Whether the factor must be bound to the device. Okta's default is `OPTIONAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_bound: Option<Requirement>,
    /// Whether secrets and keys must be hardware-protected and not exportable. Okta's default is `OPTIONAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_protection: Option<Requirement>,
    /// Whether the factor must be phishing-resistant (FastPass, WebAuthn, smart card). Okta's default is `OPTIONAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phishing_resistant: Option<Requirement>,
    /// Whether the user must approve a prompt or touch the authenticator (NIST AAL2). Okta's default is `REQUIRED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_presence: Option<Requirement>,
    /// Whether the user must be verified on the authenticator (PIN or biometrics). Okta's default is `OPTIONAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_verification: Option<Requirement>,
    /// How the user may be verified, with `userVerification: REQUIRED`: `BIOMETRICS` (currently the only supported value) or `PIN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_verification_methods: Option<Vec<UserVerificationMethod>>,
}

/// An authentication method chain verification method.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChainMethod {
    /// The chains (up to 5), of which the user completes one; each chain has at most 3 steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 5))]
    pub chains: Option<Vec<AuthenticationMethodChain>>,
    /// How long until the user must authenticate again, as an ISO 8601 duration (e.g. `PT2H30M`). Not together with a chain's `reauthenticateIn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reauthenticate_in: Option<String>,
}

/// One step of an authentication method chain, with the steps that follow it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthenticationMethodChain {
    /// The authenticator methods of which the user presents one at this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_methods: Option<Vec<ChainAuthenticationMethod>>,
    /// The next step (at most one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1))]
    pub next: Option<Vec<AuthenticationMethodChain>>,
    /// How long until this step must be repeated, as an ISO 8601 duration. Not together with the method's `reauthenticateIn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reauthenticate_in: Option<String>,
}

/// An authenticator method in a chain step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChainAuthenticationMethod {
    /// The authenticator's key, e.g. `okta_password`, `webauthn`.
    pub key: AuthenticatorKey,
    /// The authenticator method, e.g. `password`, `webauthn`, `signed_nonce`.
    pub method: AuthenticatorMethod,
    /// The authenticator instance's ID (`aut…`), to pick one `custom_app`, `custom_otp` or `external_idp` authenticator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Whether secrets and keys must be hardware-protected. Okta's default is `OPTIONAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardware_protection: Option<Requirement>,
    /// Whether the method must be phishing-resistant. Okta's default is `OPTIONAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phishing_resistant: Option<Requirement>,
    /// Whether the user must be verified on the authenticator (PIN or biometrics). Okta's default is `OPTIONAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_verification: Option<Requirement>,
    /// How the user may be verified, with `userVerification: REQUIRED`: `BIOMETRICS` or `PIN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_verification_methods: Option<Vec<UserVerificationMethod>>,
}

/// An identity proofing verification method.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdProofingMethod {
    /// The identity verification provider (an IdP of an `IDV_…` type) by name, or `id:0oa…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Ref>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn verification_method(rule: &AccessRule) -> Option<&VerificationMethod> {
        rule.actions
            .as_ref()?
            .app_sign_on
            .as_ref()?
            .verification_method
            .as_ref()
    }

    #[test]
    fn parses_assurance_and_chain_rules() -> Result<(), serde_json::Error> {
        let policy: AccessPolicy = serde_json::from_value(json!({
            "name": "Finance apps",
            "apps": ["Workday", "id:0oa1abcdEFGH"],
            "rules": [
                {
                    "name": "Managed devices, phishing-resistant",
                    "conditions": {
                        "people": { "groups": { "include": ["Finance"] } },
                        "device": { "managed": true, "registered": true, "assurance": { "include": ["macOS baseline"] } },
                        "platform": { "include": [{ "type": "DESKTOP", "os": { "type": "MACOS" } }] },
                        "riskScore": { "level": "LOW" },
                        "elCondition": { "condition": "user.profile.department == 'Finance'" },
                        "userType": { "include": ["Employee"], "exclude": [] }
                    },
                    "actions": { "appSignOn": {
                        "access": "ALLOW",
                        "verificationMethod": {
                            "type": "ASSURANCE", "factorMode": "2FA",
                            "reauthenticateIn": "PT2H", "inactivityPeriod": "PT1H",
                            "constraints": [{
                                "knowledge": { "types": ["password"], "reauthenticateIn": "PT0S", "required": true },
                                "possession": { "methods": ["SIGNED_NONCE", "webauthn"], "phishingResistant": "REQUIRED",
                                                "userVerification": "REQUIRED", "userVerificationMethods": ["BIOMETRICS"],
                                                "excludedAuthenticationMethods": [{ "key": "phone_number", "method": "sms" }] }
                            }]
                        },
                        "keepMeSignedIn": { "postAuth": "ALLOWED", "postAuthPromptFrequency": "PT168H" }
                    } }
                },
                {
                    "name": "Password then email",
                    "actions": { "appSignOn": {
                        "access": "ALLOW",
                        "verificationMethod": {
                            "type": "AUTH_METHOD_CHAIN",
                            "chains": [{
                                "authenticationMethods": [{ "key": "okta_password", "method": "password" }],
                                "next": [{ "authenticationMethods": [{ "key": "okta_email", "method": "email" }] }]
                            }],
                            "reauthenticateIn": "PT0S"
                        }
                    } }
                },
                { "name": "Catch-all Rule", "default": true,
                  "actions": { "appSignOn": { "access": "DENY",
                      "verificationMethod": { "type": "ASSURANCE", "factorMode": "1FA", "reauthenticateIn": "PT43800H" } } } }
            ]
        }))?;
        let Some(VerificationMethod::Assurance(assurance)) =
            policy.rules.first().and_then(verification_method)
        else {
            return Err(serde::de::Error::custom(
                "the first rule's method is not ASSURANCE",
            ));
        };
        let knowledge_types = assurance
            .constraints
            .as_ref()
            .and_then(|constraints| constraints.first())
            .and_then(|constraint| constraint.knowledge.as_ref())
            .and_then(|knowledge| knowledge.types.clone());
        assert_eq!(knowledge_types, Some(vec![AuthenticatorType::Password]));
        let Some(VerificationMethod::AuthMethodChain(chain)) =
            policy.rules.get(1).and_then(verification_method)
        else {
            return Err(serde::de::Error::custom(
                "the second rule's method is not AUTH_METHOD_CHAIN",
            ));
        };
        assert_eq!(chain.chains.as_ref().map(Vec::len), Some(1));
        // The tag survives a round trip, and constraint values are written in Okta's wire case.
        let written = serde_json::to_value(policy.rules.first().and_then(verification_method))?;
        assert_eq!(written["type"], "ASSURANCE");
        assert_eq!(
            written["constraints"][0]["possession"]["methods"],
            json!(["signed_nonce", "webauthn"])
        );
        Ok(())
    }

    #[test]
    fn schema_accepts_tagged_methods_and_both_cases() {
        // `deny_unknown_fields` payloads of an internally tagged enum must
        // still let the `type` tag through in the generated schema.
        let schema = schemars::generate::SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<AccessRule>()
            .to_value();
        let Ok(validator) = jsonschema::draft202012::new(&schema) else {
            panic!("the access rule schema does not compile");
        };
        let rule = json!({
            "name": "r",
            "actions": { "appSignOn": { "access": "ALLOW", "verificationMethod": {
                "type": "ASSURANCE", "factorMode": "2FA",
                "constraints": [{ "knowledge": { "types": ["PASSWORD"] },
                                  "possession": { "methods": ["push"], "userPresence": "REQUIRED" } }]
            } } }
        });
        assert!(
            validator.is_valid(&rule),
            "{:?}",
            validator
                .iter_errors(&rule)
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        );
        let typo = json!({ "name": "r", "actions": { "appSignOn": { "verificationMethod": {
            "type": "ASSURANCE", "factorMod": "2FA" } } } });
        assert!(!validator.is_valid(&typo));
    }

    #[test]
    fn rejects_unknown_keys() {
        // An unknown key inside a tagged variant's payload.
        let in_assurance = serde_json::from_value::<AccessRule>(json!({
            "name": "r", "actions": { "appSignOn": { "verificationMethod": {
                "type": "ASSURANCE", "factorMode": "2FA", "chains": [] } } }
        }));
        assert!(in_assurance.is_err());
        // Possession-only characteristics are not accepted under knowledge.
        let knowledge_characteristic = serde_json::from_value::<AccessRule>(json!({
            "name": "r", "actions": { "appSignOn": { "verificationMethod": {
                "type": "ASSURANCE", "constraints": [{ "knowledge": { "phishingResistant": "REQUIRED" } }] } } }
        }));
        assert!(knowledge_characteristic.is_err());
        let policy_conditions = serde_json::from_value::<AccessPolicy>(json!({
            "name": "p", "conditions": { "people": { "groups": { "include": ["Everyone"] } } }
        }));
        assert!(policy_conditions.is_err());
    }
}
