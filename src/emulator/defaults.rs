//! What Okta fills in: the default and system policies of a fresh org, and
//! the conditions and actions Okta adds to a rule when the request leaves
//! them out. Clients must normalize against these, exactly as against a
//! real org.

use serde_json::{Value, json};

use crate::client::wire::PolicyType;

use super::Engine;

/// A policy Okta creates with the org.
pub struct SystemPolicy {
    pub kind: PolicyType,
    pub name: &'static str,
    pub description: &'static str,
    /// Its default (or catch-all) rule, if it has one.
    pub rule: Option<&'static str>,
    /// Whether it is the kind's default policy (`system: true`, undeletable).
    pub default: bool,
}

/// The access policy Okta creates for account management; only its rules
/// can be changed.
pub const ACCOUNT_MANAGEMENT_POLICY: &str = "Okta Account Management Policy";

/// The default and system policies of a fresh org.
pub fn system_policies(engine: Engine) -> Vec<SystemPolicy> {
    let default_text = "The default policy applies in all situations if no other policy applies.";
    let mut out = vec![
        SystemPolicy {
            kind: PolicyType::OktaSignOn,
            name: "Default Policy",
            description: default_text,
            rule: Some("Default Rule"),
            default: true,
        },
        SystemPolicy {
            kind: PolicyType::Password,
            name: "Default Policy",
            description: default_text,
            rule: Some("Default Rule"),
            default: true,
        },
        SystemPolicy {
            kind: PolicyType::MfaEnroll,
            name: "Default Policy",
            description: default_text,
            rule: Some("Default Rule"),
            default: true,
        },
        SystemPolicy {
            kind: PolicyType::IdpDiscovery,
            name: "Idp Discovery Policy",
            description: "Default IdP discovery policy",
            rule: Some("Default Rule"),
            default: true,
        },
    ];
    if engine == Engine::Oie {
        let access = |name, description, default| SystemPolicy {
            kind: PolicyType::AccessPolicy,
            name,
            description,
            rule: Some("Catch-all Rule"),
            default,
        };
        out.extend([
            access("Default Policy", "The default authentication policy for apps.", true),
            access("Okta Dashboard", "The authentication policy for the Okta Dashboard.", false),
            access("Okta Admin Console", "The authentication policy for the Okta Admin Console.", false),
            access(ACCOUNT_MANAGEMENT_POLICY, "This policy defines how users must authenticate for authenticator enrollment, password reset, or unlock account.", false),
            SystemPolicy { kind: PolicyType::ProfileEnrollment, name: "Default Policy", description: "The default profile enrollment policy.", rule: Some("Catch-all Rule"), default: true },
            SystemPolicy { kind: PolicyType::EntityRisk, name: "Entity Risk Policy", description: "The entity risk policy.", rule: Some("Catch-all Rule"), default: true },
            SystemPolicy { kind: PolicyType::PostAuthSession, name: "Post Auth Policy", description: "The post-auth session policy.", rule: Some("Catch-all Rule"), default: true },
        ]);
    }
    out
}

/// Settings Okta gives a new policy of this type when the request has none.
pub fn policy_settings(kind: &PolicyType) -> Option<Value> {
    match kind {
        PolicyType::Password => Some(json!({
            "password": {
                "complexity": { "minLength": 8, "minLowerCase": 1, "minUpperCase": 1, "minNumber": 1, "minSymbol": 0,
                                "excludeUsername": true, "dictionary": { "common": { "exclude": false } } },
                "age": { "maxAgeDays": 0, "expireWarnDays": 0, "minAgeMinutes": 0, "historyCount": 0 },
                "lockout": { "maxAttempts": 10, "autoUnlockMinutes": 0, "showLockoutFailures": false }
            },
            "recovery": { "factors": {
                "recovery_question": { "status": "ACTIVE", "properties": { "complexity": { "minLength": 4 } } },
                "okta_email": { "status": "ACTIVE", "properties": { "recoveryToken": { "tokenLifetimeMinutes": 10080 } } },
                "okta_sms": { "status": "INACTIVE" },
                "okta_call": { "status": "INACTIVE" }
            } },
            "delegation": { "options": { "skipUnlock": false } }
        })),
        PolicyType::MfaEnroll => Some(json!({
            "type": "AUTHENTICATORS",
            "authenticators": [
                { "key": "okta_password", "enroll": { "self": "REQUIRED" } },
                { "key": "okta_email", "enroll": { "self": "REQUIRED" } }
            ]
        })),
        _ => None,
    }
}

/// Conditions Okta gives a policy of this type when the request has none
/// (the v1 kinds always report an object: everyone, by the Everyone group).
pub fn policy_conditions(kind: &PolicyType, everyone: &str) -> Value {
    match kind {
        PolicyType::OktaSignOn | PolicyType::MfaEnroll => {
            json!({ "people": { "groups": { "include": [everyone] } } })
        }
        PolicyType::Password => json!({
            "people": { "groups": { "include": [everyone] } },
            "authProvider": { "provider": "OKTA" }
        }),
        _ => Value::Null,
    }
}

/// Conditions Okta gives a rule of this policy type when the request leaves them out.
pub fn rule_conditions(kind: &PolicyType) -> Value {
    match kind {
        PolicyType::OktaSignOn => json!({
            "people": { "users": { "exclude": [] } },
            "network": { "connection": "ANYWHERE" },
            "authContext": { "authType": "ANY" }
        }),
        PolicyType::Password | PolicyType::MfaEnroll => json!({
            "people": { "users": { "exclude": [] } },
            "network": { "connection": "ANYWHERE" }
        }),
        _ => Value::Null,
    }
}

/// Actions Okta gives a rule of this policy type when the request leaves them out.
pub fn rule_actions(kind: &PolicyType) -> Value {
    match kind {
        PolicyType::OktaSignOn => json!({ "signon": {
            "access": "ALLOW", "requireFactor": false, "rememberDeviceByDefault": false,
            "primaryFactor": "PASSWORD_IDP",
            "session": { "usePersistentCookie": false, "maxSessionIdleMinutes": 120, "maxSessionLifetimeMinutes": 0 }
        } }),
        PolicyType::Password => json!({
            "passwordChange": { "access": "ALLOW" },
            "selfServicePasswordReset": { "access": "ALLOW" },
            "selfServiceUnlock": { "access": "DENY" }
        }),
        PolicyType::MfaEnroll => json!({ "enroll": { "self": "CHALLENGE" } }),
        PolicyType::IdpDiscovery => json!({ "idp": { "providers": [{ "type": "OKTA" }] } }),
        PolicyType::AccessPolicy => json!({ "appSignOn": {
            "access": "ALLOW",
            "verificationMethod": { "factorMode": "2FA", "type": "ASSURANCE", "reauthenticateIn": "PT12H" }
        } }),
        PolicyType::ProfileEnrollment => json!({ "profileEnrollment": {
            "access": "ALLOW", "unknownUserAction": "DENY", "activationRequirements": { "emailVerification": true },
            "profileAttributes": [{ "name": "email", "label": "Email", "required": true }],
            "targetGroupIds": [], "preRegistrationInlineHooks": []
        } }),
        PolicyType::EntityRisk => json!({ "entityRisk": { "actions": [] } }),
        PolicyType::PostAuthSession => json!({ "postAuthSession": { "failureActions": [] } }),
        _ => Value::Null,
    }
}

/// Fills keys missing from `given` with Okta's defaults, recursively.
/// Lists and scalars in `given` win as they are.
pub fn fill(given: &mut Value, defaults: &Value) {
    match (given, defaults) {
        (Value::Object(given), Value::Object(defaults)) => {
            for (key, default) in defaults {
                match given.get_mut(key) {
                    Some(value) => fill(value, default),
                    None => {
                        given.insert(key.clone(), default.clone());
                    }
                }
            }
        }
        (given @ Value::Null, defaults) => *given = defaults.clone(),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_keeps_given_values_and_adds_missing_ones() {
        let mut given =
            json!({ "signon": { "access": "DENY", "session": { "maxSessionIdleMinutes": 30 } } });
        fill(&mut given, &rule_actions(&PolicyType::OktaSignOn));
        assert_eq!(given["signon"]["access"], "DENY");
        assert_eq!(given["signon"]["session"]["maxSessionIdleMinutes"], 30);
        assert_eq!(given["signon"]["session"]["maxSessionLifetimeMinutes"], 0);
        assert_eq!(given["signon"]["requireFactor"], false);
    }

    #[test]
    fn classic_orgs_have_only_classic_kinds() {
        let classic = system_policies(Engine::Classic);
        assert!(classic.iter().all(|p| !matches!(
            p.kind,
            PolicyType::AccessPolicy | PolicyType::ProfileEnrollment
        )));
        assert_eq!(system_policies(Engine::Oie).len(), 11);
    }
}
