//! The manifest: the desired state of an org's policies as YAML files. This
//! module holds the typed model (one file per policy kind), the reference
//! type, and loading with source positions. Manifest types are strict
//! (`deny_unknown_fields`) and never go on the wire.

pub mod access;
pub mod address;
pub mod authorization_server;
pub mod common;
pub mod entity_risk;
pub mod idp_discovery;
pub mod kind;
pub mod load;
pub mod mfa_enroll;
pub mod password;
pub mod policy;
pub mod post_auth_session;
pub mod profile_enrollment;
pub mod reference;
pub mod set;
pub mod sign_on;
pub mod source;
pub mod variables;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use kind::PolicyKind;
pub use reference::Ref;

/// One manifest file: any subset of the policy kinds. A kind is managed when
/// its key appears in some file (an empty list opts it in).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "oktapol manifest")]
pub struct Manifest {
    /// Global session (sign-on) policies (`OKTA_SIGN_ON`), in priority order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_on_policies: Option<Vec<sign_on::SignOnPolicy>>,
    /// Password policies (`PASSWORD`), in priority order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_policies: Option<Vec<password::PasswordPolicy>>,
    /// MFA (authenticator) enrollment policies (`MFA_ENROLL`), in priority order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_enroll_policies: Option<Vec<mfa_enroll::MfaEnrollPolicy>>,
    /// The org's IdP discovery (routing) policy (`IDP_DISCOVERY`); Okta has exactly one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_discovery_policies: Option<Vec<idp_discovery::IdpDiscoveryPolicy>>,
    /// App sign-on (authentication) policies (`ACCESS_POLICY`), mapped to apps. Identity Engine only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_policies: Option<Vec<access::AccessPolicy>>,
    /// Profile enrollment (self-service registration) policies (`PROFILE_ENROLLMENT`), mapped to apps. Identity Engine only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_enrollment_policies: Option<Vec<profile_enrollment::ProfileEnrollmentPolicy>>,
    /// The entity risk system policy (`ENTITY_RISK`) and its rules. Identity Engine only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_risk_policies: Option<Vec<entity_risk::EntityRiskPolicy>>,
    /// The post-auth session system policy (`POST_AUTH_SESSION`) and its rules. Identity Engine only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_auth_session_policies: Option<Vec<post_auth_session::PostAuthSessionPolicy>>,
    /// Custom authorization servers' access policies (`OAUTH_AUTHORIZATION_POLICY`). The servers themselves are referenced, not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_servers: Option<Vec<authorization_server::AuthorizationServer>>,
}
