//! What a case file holds once loaded: named cases, each a sign-in
//! [`Context`] and the outcomes expected per policy kind. Names and values
//! are as the file writes them (validated and normalised); nothing here
//! knows about the manifests a case runs against.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::evaluate::{Context, Facet};
use crate::manifest::kind::PolicyKind;

use super::error::SourceLocation;
use super::expected::Expected;

/// The name of the Everyone group in the case file's (and the manifests')
/// name space: Okta's built-in group, as resolution names it.
pub use crate::resolve::EVERYONE as EVERYONE_GROUP;

/// A loaded case file.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFile {
    /// The path the file was read from.
    pub path: PathBuf,
    /// In file order; names are unique.
    pub cases: Vec<Case>,
}

/// One case: a sign-in and what should happen.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub description: Option<String>,
    /// The sign-in as written: the Everyone group is not added (see
    /// [`Case::evaluation_context`]).
    pub context: Context,
    /// In file order; at least one.
    pub expect: Vec<Expectation>,
    /// Where the case starts (its `- name:` entry).
    pub location: SourceLocation,
}

impl Case {
    /// The context to evaluate manifests (names as written) with: the
    /// written context plus the Everyone group, which every user is in.
    pub fn evaluation_context(&self) -> Context {
        self.context.clone().with_everyone(EVERYONE_GROUP)
    }
}

/// What an expectation is about: the policies of one kind, or an app
/// sign-in (the union of the global session policy and the app's access
/// policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Kind(PolicyKind),
    AppSignIn,
}

impl Target {
    /// Every target, in the order the keys are documented.
    pub const ALL: [Target; 10] = [
        Target::Kind(PolicyKind::SignOn),
        Target::Kind(PolicyKind::Password),
        Target::Kind(PolicyKind::MfaEnroll),
        Target::Kind(PolicyKind::IdpDiscovery),
        Target::Kind(PolicyKind::Access),
        Target::Kind(PolicyKind::ProfileEnrollment),
        Target::Kind(PolicyKind::EntityRisk),
        Target::Kind(PolicyKind::PostAuthSession),
        Target::Kind(PolicyKind::AuthorizationServer),
        Target::AppSignIn,
    ];

    /// The key under `expect:`, e.g. `signOn`.
    pub const fn key(self) -> &'static str {
        match self {
            Target::Kind(PolicyKind::SignOn) => "signOn",
            Target::Kind(PolicyKind::Password) => "password",
            Target::Kind(PolicyKind::MfaEnroll) => "mfaEnroll",
            Target::Kind(PolicyKind::IdpDiscovery) => "idpDiscovery",
            Target::Kind(PolicyKind::Access) => "access",
            Target::Kind(PolicyKind::ProfileEnrollment) => "profileEnrollment",
            Target::Kind(PolicyKind::EntityRisk) => "entityRisk",
            Target::Kind(PolicyKind::PostAuthSession) => "postAuthSession",
            Target::Kind(PolicyKind::AuthorizationServer) => "authorizationServer",
            Target::AppSignIn => "appSignIn",
        }
    }

    /// The target written as `key`.
    pub fn from_key(key: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|target| target.key() == key)
    }

    /// The policy kind, unless this is an app sign-in.
    pub const fn kind(self) -> Option<PolicyKind> {
        match self {
            Target::Kind(kind) => Some(kind),
            Target::AppSignIn => None,
        }
    }

    /// The facets an outcome of this target can have (what
    /// [`Outcome::of`](crate::evaluate::Outcome::of) and
    /// [`Outcome::app_sign_in`](crate::evaluate::Outcome::app_sign_in) set).
    pub fn facets(self) -> &'static [Facet] {
        use Facet as F;
        match self {
            Target::Kind(PolicyKind::SignOn) => &[
                F::Access,
                F::MfaRequired,
                F::FactorPromptMode,
                F::FactorLifetime,
                F::SessionLifetime,
                F::SessionIdle,
                F::PersistentCookie,
                F::PrimaryFactor,
            ],
            Target::Kind(PolicyKind::Password) => &[
                F::PasswordMinLength,
                F::PasswordMaxAge,
                F::PasswordHistory,
                F::LockoutAttempts,
                F::PasswordChange,
                F::PasswordReset,
                F::PasswordUnlock,
            ],
            Target::Kind(PolicyKind::MfaEnroll) => &[
                F::RequiredAuthenticators,
                F::OptionalAuthenticators,
                F::NotAllowedAuthenticators,
                F::EnrollPrompt,
            ],
            Target::Kind(PolicyKind::IdpDiscovery) => &[F::IdentityProviders],
            Target::Kind(PolicyKind::Access) => &[
                F::Access,
                F::VerificationMethod,
                F::FactorMode,
                F::ReauthenticateIn,
                F::Constraints,
            ],
            Target::Kind(PolicyKind::ProfileEnrollment) => &[
                F::Access,
                F::UnknownUsers,
                F::EmailVerification,
                F::TargetGroups,
            ],
            Target::Kind(PolicyKind::EntityRisk) => &[F::RiskActions],
            Target::Kind(PolicyKind::PostAuthSession) => &[F::FailureActions],
            Target::Kind(PolicyKind::AuthorizationServer) => &[
                F::AccessTokenLifetime,
                F::RefreshTokenLifetime,
                F::RefreshTokenWindow,
            ],
            Target::AppSignIn => &[
                F::Access,
                F::MfaRequired,
                F::SessionLifetime,
                F::SessionIdle,
                F::FactorMode,
                F::ReauthenticateIn,
            ],
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

/// What one case expects of one target. Every member is optional, but at
/// least one is given; `applies: false` stands alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub target: Target,
    /// The authorization server (by name), for `authorizationServer`.
    pub server: Option<String>,
    /// Whether some policy applies at all.
    pub applies: Option<bool>,
    /// The policy that should apply, by name.
    pub policy: Option<String>,
    /// The rule that should match, by name.
    pub rule: Option<String>,
    /// Expected outcome facets, in file order.
    pub facets: Vec<(Facet, Expected)>,
    /// Where the expectation is written (its key under `expect:`).
    pub location: SourceLocation,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::{Value, json};

    use super::*;
    use crate::evaluate::Outcome;

    /// An outcome of `kind` with every facet the evaluator can set.
    fn full_outcome(kind: PolicyKind) -> Outcome {
        let (settings, actions) = match kind {
            PolicyKind::SignOn => (
                Value::Null,
                json!({ "signon": { "access": "ALLOW", "requireFactor": true, "factorPromptMode": "SESSION",
                    "factorLifetime": 15, "primaryFactor": "PASSWORD_IDP",
                    "session": { "maxSessionLifetimeMinutes": 720, "maxSessionIdleMinutes": 60, "usePersistentCookie": false } } }),
            ),
            PolicyKind::Password => (
                json!({ "password": { "complexity": { "minLength": 12 }, "age": { "maxAgeDays": 90, "historyCount": 4 },
                    "lockout": { "maxAttempts": 5 } } }),
                json!({ "passwordChange": { "access": "ALLOW" }, "selfServicePasswordReset": { "access": "ALLOW" },
                    "selfServiceUnlock": { "access": "DENY" } }),
            ),
            PolicyKind::MfaEnroll => (
                json!({ "type": "AUTHENTICATORS", "authenticators": [
                    { "key": "a", "enroll": { "self": "REQUIRED" } },
                    { "key": "b", "enroll": { "self": "OPTIONAL" } },
                    { "key": "c", "enroll": { "self": "NOT_ALLOWED" } }] }),
                json!({ "enroll": { "self": "LOGIN" } }),
            ),
            PolicyKind::IdpDiscovery => (
                Value::Null,
                json!({ "idp": { "providers": [{ "type": "OKTA" }] } }),
            ),
            PolicyKind::Access => (
                Value::Null,
                json!({ "appSignOn": { "access": "ALLOW", "verificationMethod": { "type": "ASSURANCE",
                    "factorMode": "2FA", "reauthenticateIn": "PT2H", "constraints": [{ "possession": {} }] } } }),
            ),
            PolicyKind::ProfileEnrollment => (
                Value::Null,
                json!({ "profileEnrollment": { "access": "ALLOW", "unknownUserAction": "REGISTER",
                    "activationRequirements": { "emailVerification": true }, "targetGroupIds": ["g"] } }),
            ),
            PolicyKind::EntityRisk => (
                Value::Null,
                json!({ "entityRisk": { "actions": [{ "action": "TERMINATE_ALL_SESSIONS" }] } }),
            ),
            PolicyKind::PostAuthSession => (
                Value::Null,
                json!({ "postAuthSession": { "failureActions": [{ "action": "TERMINATE_SESSION" }] } }),
            ),
            PolicyKind::AuthorizationServer => (
                Value::Null,
                json!({ "token": { "accessTokenLifetimeMinutes": 60, "refreshTokenLifetimeMinutes": 0,
                    "refreshTokenWindowMinutes": 10080 } }),
            ),
        };
        Outcome::of(kind, &settings, &actions)
    }

    /// The facets a case may expect of a target are exactly those the
    /// evaluator produces for it.
    #[test]
    fn target_facets_follow_the_evaluator() {
        for target in Target::ALL {
            let outcome = match target {
                Target::Kind(kind) => full_outcome(kind),
                Target::AppSignIn => Outcome::app_sign_in(
                    Some(&full_outcome(PolicyKind::SignOn)),
                    Some(&full_outcome(PolicyKind::Access)),
                ),
            };
            let produced: BTreeSet<Facet> = outcome.0.keys().copied().collect();
            let declared: BTreeSet<Facet> = target.facets().iter().copied().collect();
            assert_eq!(produced, declared, "{target}");
        }
    }

    #[test]
    fn target_keys_round_trip() {
        for target in Target::ALL {
            assert_eq!(Target::from_key(target.key()), Some(target));
        }
    }
}
