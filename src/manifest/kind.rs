//! The nine policy kinds oktapol manages, with the facts about each that the
//! rest of the pipeline needs: manifest key, Okta type names, and how Okta
//! orders its policies and rules.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A policy kind, named after its manifest key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PolicyKind {
    SignOn,
    Password,
    MfaEnroll,
    IdpDiscovery,
    Access,
    ProfileEnrollment,
    EntityRisk,
    PostAuthSession,
    AuthorizationServer,
}

/// How Okta orders a list of policies or rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ordering {
    /// Priorities from 1, dense; the default object stays last.
    V1,
    /// Priorities from 0, gaps allowed; the catch-all rule stays at 99.
    V2,
    /// Order carries no meaning (access and profile enrollment policies).
    Unordered,
    /// Exactly one object (the IdP discovery policy, a profile enrollment rule).
    Single,
}

impl PolicyKind {
    /// Every kind, in manifest order.
    pub const ALL: [PolicyKind; 9] = [
        PolicyKind::SignOn,
        PolicyKind::Password,
        PolicyKind::MfaEnroll,
        PolicyKind::IdpDiscovery,
        PolicyKind::Access,
        PolicyKind::ProfileEnrollment,
        PolicyKind::EntityRisk,
        PolicyKind::PostAuthSession,
        PolicyKind::AuthorizationServer,
    ];

    /// The top-level manifest key that lists policies of this kind.
    pub const fn manifest_key(self) -> &'static str {
        match self {
            PolicyKind::SignOn => "signOnPolicies",
            PolicyKind::Password => "passwordPolicies",
            PolicyKind::MfaEnroll => "mfaEnrollPolicies",
            PolicyKind::IdpDiscovery => "idpDiscoveryPolicies",
            PolicyKind::Access => "accessPolicies",
            PolicyKind::ProfileEnrollment => "profileEnrollmentPolicies",
            PolicyKind::EntityRisk => "entityRiskPolicies",
            PolicyKind::PostAuthSession => "postAuthSessionPolicies",
            PolicyKind::AuthorizationServer => "authorizationServers",
        }
    }

    /// Okta's `PolicyType` value.
    pub const fn okta_type(self) -> &'static str {
        match self {
            PolicyKind::SignOn => "OKTA_SIGN_ON",
            PolicyKind::Password => "PASSWORD",
            PolicyKind::MfaEnroll => "MFA_ENROLL",
            PolicyKind::IdpDiscovery => "IDP_DISCOVERY",
            PolicyKind::Access => "ACCESS_POLICY",
            PolicyKind::ProfileEnrollment => "PROFILE_ENROLLMENT",
            PolicyKind::EntityRisk => "ENTITY_RISK",
            PolicyKind::PostAuthSession => "POST_AUTH_SESSION",
            PolicyKind::AuthorizationServer => "OAUTH_AUTHORIZATION_POLICY",
        }
    }

    /// Okta's rule `type` value for rules of this kind.
    pub const fn okta_rule_type(self) -> &'static str {
        match self {
            PolicyKind::SignOn => "SIGN_ON",
            PolicyKind::AuthorizationServer => "RESOURCE_ACCESS",
            other => other.okta_type(),
        }
    }

    /// How Okta orders the policies of this kind.
    pub const fn policy_ordering(self) -> Ordering {
        match self {
            PolicyKind::SignOn
            | PolicyKind::Password
            | PolicyKind::MfaEnroll
            | PolicyKind::AuthorizationServer => Ordering::V1,
            PolicyKind::Access | PolicyKind::ProfileEnrollment => Ordering::Unordered,
            PolicyKind::IdpDiscovery | PolicyKind::EntityRisk | PolicyKind::PostAuthSession => {
                Ordering::Single
            }
        }
    }

    /// How Okta orders the rules of a policy of this kind.
    pub const fn rule_ordering(self) -> Ordering {
        match self {
            PolicyKind::SignOn
            | PolicyKind::Password
            | PolicyKind::MfaEnroll
            | PolicyKind::IdpDiscovery
            | PolicyKind::AuthorizationServer => Ordering::V1,
            PolicyKind::Access | PolicyKind::EntityRisk | PolicyKind::PostAuthSession => {
                Ordering::V2
            }
            PolicyKind::ProfileEnrollment => Ordering::Single,
        }
    }

    /// Whether only Okta Identity Engine orgs have this kind.
    pub const fn oie_only(self) -> bool {
        matches!(
            self,
            PolicyKind::Access
                | PolicyKind::ProfileEnrollment
                | PolicyKind::EntityRisk
                | PolicyKind::PostAuthSession
        )
    }

    /// Whether policies of this kind are mapped to apps with `apps:`.
    pub const fn has_app_mappings(self) -> bool {
        matches!(self, PolicyKind::Access | PolicyKind::ProfileEnrollment)
    }

    /// A human label, e.g. "sign-on policy".
    pub const fn label(self) -> &'static str {
        match self {
            PolicyKind::SignOn => "sign-on policy",
            PolicyKind::Password => "password policy",
            PolicyKind::MfaEnroll => "MFA enrollment policy",
            PolicyKind::IdpDiscovery => "IdP discovery policy",
            PolicyKind::Access => "access policy",
            PolicyKind::ProfileEnrollment => "profile enrollment policy",
            PolicyKind::EntityRisk => "entity risk policy",
            PolicyKind::PostAuthSession => "post-auth session policy",
            PolicyKind::AuthorizationServer => "authorization server policy",
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.manifest_key())
    }
}
