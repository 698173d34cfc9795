//! Profile enrollment policies (`PROFILE_ENROLLMENT`), formerly self-service
//! registration: whether unknown users may register for the apps mapped to
//! the policy, which profile attributes they are asked for (at
//! registration or progressively), and which group they join. Identity
//! Engine only; each policy has exactly one rule.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::Access;
use super::policy::{manifest_policy, manifest_rule};
use super::reference::Ref;

manifest_policy! {
    /// A profile enrollment policy. Okta picks the policy by the app being signed in to, so the order of these policies means nothing. Each policy has exactly one rule, the one Okta creates, written with `default: true`.
    pub struct ProfileEnrollmentPolicy {
        kind: ProfileEnrollment,
        rule: ProfileEnrollmentRule,
        /// Apps mapped to this policy, by app label (or `id:0oa…`). An app may be listed under only one profile enrollment policy. Okta cannot unmap an app: one removed from every list keeps its current policy (unless that policy is deleted, when it moves to the default policy).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub apps: Option<Vec<Ref>>,
    }
}

manifest_rule! {
    /// The single rule of a profile enrollment policy (write it with `default: true`). It has no conditions.
    pub struct ProfileEnrollmentRule {
        actions: ProfileEnrollmentRuleActions,
    }
}

/// Actions of a profile enrollment rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProfileEnrollmentRuleActions {
    /// Registration and progressive profiling settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_enrollment: Option<ProfileEnrollmentAction>,
}

/// What Okta does with a user who is not yet in the org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum UnknownUserAction {
    /// Unknown users cannot register.
    #[serde(rename = "DENY")]
    Deny,
    /// Unknown users may register (self-service registration).
    #[serde(rename = "REGISTER")]
    Register,
}

/// Whether progressive profiling is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum ProgressiveProfilingAction {
    /// Users are asked for newly required attributes at sign-in.
    #[serde(rename = "ENABLED")]
    Enabled,
    /// Users are not asked again after registering.
    #[serde(rename = "DISABLED")]
    Disabled,
}

/// An authenticator offered on the first registration page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum EnrollAuthenticatorType {
    /// The user sets a password while registering.
    #[serde(rename = "password")]
    Password,
}

/// The profile enrollment action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProfileEnrollmentAction {
    /// `ALLOW` or `DENY`. Okta refuses changing it to `DENY` after the policy is created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    /// `REGISTER` lets unknown users sign up; `DENY` does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_user_action: Option<UnknownUserAction>,
    /// What a new user must do before their account is activated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_requirements: Option<ActivationRequirements>,
    /// Attributes users are asked for at registration or by progressive profiling (up to 10). Attributes not in the user schema are not stored but are sent to the registration inline hook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 10))]
    pub profile_attributes: Option<Vec<ProfileAttribute>>,
    /// `ENABLED` to ask existing users for newly required attributes at sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progressive_profiling_action: Option<ProgressiveProfilingAction>,
    /// The group new users are added to (at most one), by name or `id:00g…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1))]
    pub target_group_ids: Option<Vec<Ref>>,
    /// The registration inline hook called before a user is created (at most one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1))]
    pub pre_registration_inline_hooks: Option<Vec<PreRegistrationInlineHook>>,
    /// Authenticators offered on the first registration page; only `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enroll_authenticator_types: Option<Vec<EnrollAuthenticatorType>>,
    /// User profile attributes that identify a user in sign-in, unlock and recovery flows. Okta's default is `[login]`. Early Access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_identifiers: Option<Vec<String>>,
    /// The UI schema of the registration form, written `id:uis…`. Okta creates it; once set, every update must carry it, so omitting it keeps the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui_schema_id: Option<Ref>,
}

/// Activation requirements of a newly registered user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ActivationRequirements {
    /// Whether the user must verify their email address before activation. Okta's default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verification: Option<bool>,
}

/// A profile attribute users are asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProfileAttribute {
    /// The user profile attribute's variable name, e.g. `email`, `firstName`, `department`.
    pub name: String,
    /// The label shown on the form.
    pub label: String,
    /// Whether the user must fill it in. Okta's default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// A registration inline hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PreRegistrationInlineHook {
    /// The registration inline hook by name, or `id:cal…`.
    pub inline_hook_id: Ref,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_a_registration_policy() -> Result<(), serde_json::Error> {
        let policy: ProfileEnrollmentPolicy = serde_json::from_value(json!({
            "name": "Customer registration",
            "apps": ["Customer Portal"],
            "rules": [{
                "name": "Catch-all Rule",
                "default": true,
                "actions": { "profileEnrollment": {
                    "access": "ALLOW",
                    "unknownUserAction": "REGISTER",
                    "activationRequirements": { "emailVerification": true },
                    "profileAttributes": [
                        { "name": "email", "label": "Email", "required": true },
                        { "name": "firstName", "label": "First name", "required": true },
                        { "name": "t-shirt", "label": "T-Shirt Size" }
                    ],
                    "progressiveProfilingAction": "ENABLED",
                    "targetGroupIds": ["Customers"],
                    "preRegistrationInlineHooks": [{ "inlineHookId": "Registration screening" }],
                    "enrollAuthenticatorTypes": ["password"],
                    "allowedIdentifiers": ["login"]
                } }
            }]
        }))?;
        let attributes = policy
            .rules
            .first()
            .and_then(|rule| rule.actions.as_ref())
            .and_then(|actions| actions.profile_enrollment.as_ref())
            .and_then(|action| action.profile_attributes.as_ref())
            .map(Vec::len);
        assert_eq!(attributes, Some(3));
        Ok(())
    }

    #[test]
    fn rejects_unknown_keys() {
        let seed_spelling = serde_json::from_value::<ProfileEnrollmentRule>(json!({
            "name": "r", "default": true,
            "actions": { "profileEnrollment": { "enrollAuthenticators": ["password"] } }
        }));
        assert!(seed_spelling.is_err());
        let rule_conditions = serde_json::from_value::<ProfileEnrollmentRule>(json!({
            "name": "r", "conditions": { "people": {} }
        }));
        assert!(rule_conditions.is_err());
    }
}
