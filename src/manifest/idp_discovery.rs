//! The IdP discovery policy (`IDP_DISCOVERY`), also called identity provider
//! routing rules: where a user signing in is sent to authenticate (Okta, an
//! external SAML/OIDC/social IdP, Desktop SSO), based on the app, network,
//! device platform and what the user typed as their username.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{
    AppCondition, IdpDiscoveryOperatingSystem, NetworkCondition, PlatformCondition,
};
use super::policy::{manifest_policy, manifest_rule};
use super::reference::Ref;

manifest_policy! {
    /// The org's IdP discovery (routing) policy. Every org has exactly one; it has no conditions, and its default rule (route to Okta) is read-only.
    pub struct IdpDiscoveryPolicy {
        kind: IdpDiscovery,
        rule: IdpDiscoveryRule,
    }
}

manifest_rule! {
    /// An IdP routing rule. Rules are evaluated in list order; the read-only default rule is last.
    pub struct IdpDiscoveryRule {
        conditions: IdpDiscoveryRuleConditions,
        actions: IdpDiscoveryRuleActions,
    }
}

/// Conditions of an IdP routing rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdpDiscoveryRuleConditions {
    /// Apps the user is signing in to. Empty `include` and `exclude` match every app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<AppCondition>,
    /// Network zones the request must (not) come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkCondition>,
    /// Device platforms the request must (not) come from. Operating systems are spelled `OSX` here, not `MACOS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformCondition<IdpDiscoveryOperatingSystem>>,
    /// What the user typed as their username (or a profile attribute) must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_identifier: Option<UserIdentifierCondition>,
}

/// What a user identifier condition matches against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum UserIdentifierType {
    /// The username the user typed.
    #[serde(rename = "IDENTIFIER")]
    Identifier,
    /// A profile attribute of the user, named in `attribute`.
    #[serde(rename = "ATTRIBUTE")]
    Attribute,
}

/// A user identifier condition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserIdentifierCondition {
    /// `IDENTIFIER` (the typed username) or `ATTRIBUTE` (a profile attribute). Needed when `patterns` is not empty (Okta returns `{patterns: []}` without it for rules that don't match on the identifier).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<UserIdentifierType>,
    /// The profile attribute to match, with `type: ATTRIBUTE` (e.g. `department`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// Patterns of which one must match. With `EXPRESSION`, or with `type: ATTRIBUTE`, only one pattern is allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patterns: Option<Vec<UserIdentifierPattern>>,
}

/// How a user identifier pattern is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum UserIdentifierMatchType {
    /// The value ends with the pattern (e.g. a domain, `example.com`).
    #[serde(rename = "SUFFIX")]
    Suffix,
    /// The value equals the pattern.
    #[serde(rename = "EQUALS")]
    Equals,
    /// The value starts with the pattern.
    #[serde(rename = "STARTS_WITH")]
    StartsWith,
    /// The value contains the pattern.
    #[serde(rename = "CONTAINS")]
    Contains,
    /// The value matches a regular expression.
    #[serde(rename = "EXPRESSION")]
    Expression,
}

/// One pattern of a user identifier condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserIdentifierPattern {
    /// `SUFFIX`, `EQUALS`, `STARTS_WITH`, `CONTAINS` or `EXPRESSION` (regular expression).
    pub match_type: UserIdentifierMatchType,
    /// The text (or regular expression) to match.
    pub value: String,
}

/// Actions of an IdP routing rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdpDiscoveryRuleActions {
    /// Where matching users are routed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp: Option<IdpRouting>,
}

/// How the identity provider is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum IdpSelectionType {
    /// The IdP is found at sign-in by evaluating `matchCriteria`; `providers` must be empty.
    #[serde(rename = "DYNAMIC")]
    Dynamic,
    /// The IdPs listed in `providers`; `matchCriteria` must be omitted.
    #[serde(rename = "SPECIFIC")]
    Specific,
}

/// The routing action of an IdP routing rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdpRouting {
    /// The identity providers users are routed to (up to 10; several only in Identity Engine, where the user picks one). `AgentlessDSSO`, `IWA` and `X509` may each appear only once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 10))]
    pub providers: Option<Vec<IdpProvider>>,
    /// `SPECIFIC` (the listed `providers`) or `DYNAMIC` (found by `matchCriteria`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_selection_type: Option<IdpSelectionType>,
    /// How the IdP is found with `idpSelectionType: DYNAMIC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_criteria: Option<Vec<IdpMatchCriterion>>,
    /// Whether users fall back to Okta when authentication with the IdP fails. Okta's default is `false`. Identity Engine, Early Access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub should_fall_back_to_okta: Option<bool>,
}

/// The type of an identity provider users are routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum IdentityProviderType {
    /// Okta itself (the sign-in page). Needs no `id`.
    #[serde(rename = "OKTA")]
    Okta,
    /// Desktop SSO through the on-prem IWA web agent. Needs no `id`.
    #[serde(rename = "IWA")]
    Iwa,
    /// Agentless Desktop SSO (Kerberos). Needs no `id`.
    #[serde(rename = "AgentlessDSSO")]
    AgentlessDsso,
    /// Smart card / certificate (PIV) IdP.
    #[serde(rename = "X509")]
    X509,
    /// A SAML 2.0 IdP.
    #[serde(rename = "SAML2")]
    Saml2,
    /// An OpenID Connect IdP.
    #[serde(rename = "OIDC")]
    Oidc,
    /// Login with Amazon.
    #[serde(rename = "AMAZON")]
    Amazon,
    /// Sign in with Apple.
    #[serde(rename = "APPLE")]
    Apple,
    /// Discord.
    #[serde(rename = "DISCORD")]
    Discord,
    /// Facebook.
    #[serde(rename = "FACEBOOK")]
    Facebook,
    /// GitHub.
    #[serde(rename = "GITHUB")]
    Github,
    /// GitLab.
    #[serde(rename = "GITLAB")]
    Gitlab,
    /// Google.
    #[serde(rename = "GOOGLE")]
    Google,
    /// CLEAR identity verification.
    #[serde(rename = "IDV_CLEAR")]
    IdvClear,
    /// Incode identity verification.
    #[serde(rename = "IDV_INCODE")]
    IdvIncode,
    /// Persona identity verification.
    #[serde(rename = "IDV_PERSONA")]
    IdvPersona,
    /// A standard (custom) identity verification vendor.
    #[serde(rename = "IDV_STANDARD")]
    IdvStandard,
    /// LinkedIn.
    #[serde(rename = "LINKEDIN")]
    Linkedin,
    /// Login.gov.
    #[serde(rename = "LOGINGOV")]
    Logingov,
    /// Login.gov sandbox.
    #[serde(rename = "LOGINGOV_SANDBOX")]
    LogingovSandbox,
    /// Microsoft.
    #[serde(rename = "MICROSOFT")]
    Microsoft,
    /// Another Okta org (Org2Org).
    #[serde(rename = "OKTA_INTEGRATION")]
    OktaIntegration,
    /// PayPal.
    #[serde(rename = "PAYPAL")]
    Paypal,
    /// PayPal sandbox.
    #[serde(rename = "PAYPAL_SANDBOX")]
    PaypalSandbox,
    /// Salesforce.
    #[serde(rename = "SALESFORCE")]
    Salesforce,
    /// Spotify.
    #[serde(rename = "SPOTIFY")]
    Spotify,
    /// Xero.
    #[serde(rename = "XERO")]
    Xero,
    /// Yahoo.
    #[serde(rename = "YAHOO")]
    Yahoo,
    /// Yahoo Japan.
    #[serde(rename = "YAHOOJP")]
    Yahoojp,
}

/// An identity provider users are routed to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdpProvider {
    /// The provider's type, e.g. `OKTA`, `SAML2`, `OIDC`, `GOOGLE`.
    #[serde(rename = "type")]
    pub kind: IdentityProviderType,
    /// The identity provider by its name in Okta (or `id:0oa…`); resolved to its ID. Not needed for `OKTA`, `IWA` and `AgentlessDSSO`; every other type needs `name` or `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Ref>,
    /// The identity provider's raw ID (`0oa…`), as an alternative to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// How a dynamic routing rule finds the IdP.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdpMatchCriterion {
    /// An Okta Expression Language expression over the login context, e.g. `login.identifier.substringAfter('@')`. Required with `DYNAMIC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_expression: Option<String>,
    /// The IdP property the expression's result must equal. Okta's default is `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_routing_rules() -> Result<(), serde_json::Error> {
        let policy: IdpDiscoveryPolicy = serde_json::from_value(json!({
            "name": "Idp Discovery Policy",
            "default": true,
            "rules": [
                {
                    "name": "Partners to their SAML IdP",
                    "conditions": {
                        "network": { "connection": "ANYWHERE" },
                        "platform": { "include": [{ "type": "DESKTOP", "os": { "type": "OSX" } }] },
                        "userIdentifier": { "type": "IDENTIFIER",
                            "patterns": [{ "matchType": "SUFFIX", "value": "partner.example" }] },
                        "app": { "include": [{ "type": "APP", "name": "Partner Portal" }], "exclude": [] }
                    },
                    "actions": { "idp": {
                        "idpSelectionType": "SPECIFIC",
                        "providers": [{ "type": "SAML2", "name": "Partner IdP" }, { "type": "OKTA" }],
                        "shouldFallBackToOkta": true
                    } }
                },
                {
                    "name": "By email domain",
                    "actions": { "idp": {
                        "idpSelectionType": "DYNAMIC",
                        "providers": [],
                        "matchCriteria": [{ "providerExpression": "login.identifier.substringAfter('@')",
                                            "propertyName": "name" }]
                    } }
                },
                { "name": "Default Rule", "default": true }
            ]
        }))?;
        let providers = policy
            .rules
            .first()
            .and_then(|rule| rule.actions.as_ref())
            .and_then(|actions| actions.idp.as_ref())
            .and_then(|idp| idp.providers.clone())
            .unwrap_or_default();
        assert_eq!(providers.len(), 2);
        assert_eq!(
            providers.first().map(|p| p.kind),
            Some(IdentityProviderType::Saml2)
        );
        Ok(())
    }

    #[test]
    fn rejects_unknown_keys() {
        let policy_conditions = serde_json::from_value::<IdpDiscoveryPolicy>(json!({
            "name": "Idp Discovery Policy", "conditions": { "network": { "connection": "ANYWHERE" } }
        }));
        assert!(policy_conditions.is_err());
        let typo = serde_json::from_value::<IdpDiscoveryRule>(json!({
            "name": "r", "actions": { "idp": { "provider": [{ "type": "OKTA" }] } }
        }));
        assert!(typo.is_err());
        let macos = serde_json::from_value::<IdpDiscoveryRule>(json!({
            "name": "r", "conditions": { "platform": { "include": [{ "type": "DESKTOP", "os": { "type": "MACOS" } }] } }
        }));
        assert!(macos.is_err());
    }
}
