//! Access policies of custom authorization servers
//! (`OAUTH_AUTHORIZATION_POLICY`, rules of type `RESOURCE_ACCESS`): which
//! OAuth clients a policy covers and, per rule, which users, grant types and
//! scopes get tokens, and how long those tokens live. The authorization
//! servers themselves are referenced, not managed.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::GroupInclude;
use super::policy::{manifest_policy, manifest_rule};
use super::reference::Ref;

/// An authorization server (referenced, not managed) and its policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthorizationServer {
    /// The authorization server by name (e.g. `default`) or `id:aus…`.
    pub server: Ref,
    /// The server's access policies, in priority order.
    #[serde(default)]
    pub policies: Vec<AuthServerPolicy>,
}

manifest_policy! {
    /// An access policy of a custom authorization server. Policies are evaluated in list order for the requesting client.
    pub struct AuthServerPolicy {
        kind: AuthorizationServer,
        rule: AuthServerRule,
        conditions: AuthServerPolicyConditions,
    }
}

manifest_rule! {
    /// An access policy rule. Rules are evaluated in list order; the first whose conditions match decides the token.
    pub struct AuthServerRule {
        conditions: AuthServerRuleConditions,
        actions: AuthServerRuleActions,
    }
}

/// Conditions of an authorization server access policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthServerPolicyConditions {
    /// The OAuth clients the policy applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<ClientCondition>,
}

/// OAuth clients an authorization server policy applies to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClientCondition {
    /// OAuth clients by app label or client ID (or `id:0oa…`); `ALL_CLIENTS` (alone) is the Okta literal for every client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<Ref>>,
}

/// Conditions of an authorization server access policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthServerRuleConditions {
    /// Users and groups the rule applies to (include only). `EVERYONE` matches every user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<AuthServerPeopleCondition>,
    /// The grant types the rule applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_types: Option<GrantTypeCondition>,
    /// The scopes the rule applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<ScopeCondition>,
}

/// Users and groups an authorization server rule applies to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthServerPeopleCondition {
    /// Groups by name (or `id:00g…`); `EVERYONE` is the Okta literal for every user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<GroupInclude>,
    /// Users by login (or `id:00u…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<UserInclude>,
}

/// Users to include.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserInclude {
    /// Users by login, or `id:00u…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<Ref>>,
}

/// An OAuth 2.0 grant type, as the token request names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum GrantType {
    /// Authorization Code (with or without PKCE).
    #[serde(rename = "authorization_code")]
    AuthorizationCode,
    /// Implicit.
    #[serde(rename = "implicit")]
    Implicit,
    /// Resource Owner Password.
    #[serde(rename = "password")]
    Password,
    /// Client Credentials (service apps; the rule's people condition does not apply).
    #[serde(rename = "client_credentials")]
    ClientCredentials,
    /// Interaction Code (embedded Identity Engine sign-in).
    #[serde(rename = "interaction_code")]
    InteractionCode,
    /// Device Authorization.
    #[serde(rename = "urn:ietf:params:oauth:grant-type:device_code")]
    DeviceCode,
    /// Token Exchange.
    #[serde(rename = "urn:ietf:params:oauth:grant-type:token-exchange")]
    TokenExchange,
    /// SAML 2.0 Assertion.
    #[serde(rename = "urn:ietf:params:oauth:grant-type:saml2-bearer")]
    Saml2Bearer,
    /// JWT Bearer.
    #[serde(rename = "urn:ietf:params:oauth:grant-type:jwt-bearer")]
    JwtBearer,
    /// Client-Initiated Backchannel Authentication (CIBA).
    #[serde(rename = "urn:openid:params:grant-type:ciba")]
    Ciba,
    /// Direct authentication with a one-time passcode.
    #[serde(rename = "urn:okta:params:oauth:grant-type:otp")]
    OktaOtp,
    /// Direct authentication with an out-of-band factor.
    #[serde(rename = "urn:okta:params:oauth:grant-type:oob")]
    OktaOob,
    /// Direct authentication MFA with a one-time passcode.
    #[serde(rename = "http://auth0.com/oauth/grant-type/mfa-otp")]
    MfaOtp,
    /// Direct authentication MFA with an out-of-band factor.
    #[serde(rename = "http://auth0.com/oauth/grant-type/mfa-oob")]
    MfaOob,
}

/// Grant types an authorization server rule applies to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GrantTypeCondition {
    /// The grant types matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<GrantType>>,
}

/// Scopes an authorization server rule applies to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScopeCondition {
    /// Scope names (e.g. `openid`, `profile`, `api:read`); `*` is the Okta literal for every scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<String>>,
}

/// Actions of an authorization server access policy rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthServerRuleActions {
    /// The tokens issued when the rule matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenAction>,
}

/// Token lifetimes and hook of an authorization server rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TokenAction {
    /// Access token lifetime in minutes (5 to 1440 = one day). Okta's default is 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 5, max = 1440))]
    pub access_token_lifetime_minutes: Option<u32>,
    /// Refresh token lifetime in minutes; `0` means unlimited (the token then expires only when unused for `refreshTokenWindowMinutes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_lifetime_minutes: Option<u32>,
    /// Minutes an unused refresh token stays valid (10 to 2628000 = five years). Okta's default is 10080 (7 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 10, max = 2_628_000))]
    pub refresh_token_window_minutes: Option<u32>,
    /// A token inline hook called before tokens are issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline_hook: Option<TokenInlineHook>,
}

/// A token inline hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TokenInlineHook {
    /// The token inline hook by name, or `id:cal…`.
    pub id: Ref,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_a_server_with_policies() -> Result<(), serde_json::Error> {
        let server: AuthorizationServer = serde_json::from_value(json!({
            "server": "default",
            "policies": [{
                "name": "Internal apps",
                "conditions": { "clients": { "include": ["Expense Tracker", "0oa1abcdEFGH"] } },
                "rules": [
                    {
                        "name": "Employees, code flow",
                        "conditions": {
                            "people": { "groups": { "include": ["Employees"] }, "users": { "include": [] } },
                            "grantTypes": { "include": ["authorization_code",
                                                        "urn:ietf:params:oauth:grant-type:token-exchange"] },
                            "scopes": { "include": ["openid", "profile", "expenses:read"] }
                        },
                        "actions": { "token": {
                            "accessTokenLifetimeMinutes": 60,
                            "refreshTokenLifetimeMinutes": 0,
                            "refreshTokenWindowMinutes": 10080,
                            "inlineHook": { "id": "Add entitlements claim" }
                        } }
                    },
                    {
                        "name": "Services",
                        "conditions": { "grantTypes": { "include": ["client_credentials"] }, "scopes": { "include": ["*"] } },
                        "actions": { "token": { "accessTokenLifetimeMinutes": 5 } }
                    }
                ]
            }, {
                "name": "Everything else",
                "conditions": { "clients": { "include": ["ALL_CLIENTS"] } }
            }]
        }))?;
        let grants = server
            .policies
            .first()
            .and_then(|policy| policy.rules.first())
            .and_then(|rule| rule.conditions.as_ref())
            .and_then(|conditions| conditions.grant_types.as_ref())
            .and_then(|grants| grants.include.clone());
        assert_eq!(
            grants,
            Some(vec![GrantType::AuthorizationCode, GrantType::TokenExchange])
        );
        Ok(())
    }

    #[test]
    fn rejects_unknown_keys() {
        let legacy_name = serde_json::from_value::<AuthServerRule>(json!({
            "name": "r", "conditions": { "grantTypeWhitelist": ["implicit"] }
        }));
        assert!(legacy_name.is_err());
        let group_exclude = serde_json::from_value::<AuthServerRule>(json!({
            "name": "r", "conditions": { "people": { "groups": { "exclude": ["Contractors"] } } }
        }));
        assert!(group_exclude.is_err());
    }
}
