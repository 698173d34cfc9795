//! What a matched policy and rule mean for the user, as named facets: the
//! access decision, whether MFA is required, the session lifetime, which
//! authenticators must be enrolled, … Test cases state expectations in
//! these terms, `plan --impact` words its lines with them, and each facet
//! knows which direction of change loosens security.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::manifest::kind::PolicyKind;

/// One aspect of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Facet {
    /// ALLOW or DENY.
    Access,
    /// A second factor is required (sign-on `requireFactor`; for an app
    /// sign-in, either policy asks for one).
    MfaRequired,
    /// ALWAYS, DEVICE or SESSION.
    FactorPromptMode,
    /// Minutes a factor counts before it is asked again.
    FactorLifetime,
    /// Minutes; 0 means no limit.
    SessionLifetime,
    /// Minutes of inactivity before the session ends.
    SessionIdle,
    PersistentCookie,
    PrimaryFactor,
    /// 1FA or 2FA (access policies).
    FactorMode,
    /// ASSURANCE, AUTH_METHOD_CHAIN or ID_PROOFING.
    VerificationMethod,
    /// An ISO 8601 duration, e.g. PT2H.
    ReauthenticateIn,
    /// The access rule's authenticator constraints, as Okta writes them.
    Constraints,
    /// Authenticator (or factor) keys users must enroll.
    RequiredAuthenticators,
    OptionalAuthenticators,
    NotAllowedAuthenticators,
    /// When enrollment is prompted: CHALLENGE, LOGIN or NEVER.
    EnrollPrompt,
    /// Identity providers users are routed to.
    IdentityProviders,
    PasswordChange,
    PasswordReset,
    PasswordUnlock,
    PasswordMinLength,
    /// Days; 0 means passwords do not expire.
    PasswordMaxAge,
    PasswordHistory,
    /// Failed attempts before lockout; 0 means no lockout.
    LockoutAttempts,
    /// REGISTER or DENY (profile enrollment of unknown users).
    UnknownUsers,
    EmailVerification,
    TargetGroups,
    /// Entity risk rule actions.
    RiskActions,
    /// Post-auth session failure actions.
    FailureActions,
    AccessTokenLifetime,
    RefreshTokenLifetime,
    RefreshTokenWindow,
}

impl Facet {
    /// Every facet, in display order.
    pub const ALL: [Facet; 32] = [
        Facet::Access,
        Facet::MfaRequired,
        Facet::FactorPromptMode,
        Facet::FactorLifetime,
        Facet::SessionLifetime,
        Facet::SessionIdle,
        Facet::PersistentCookie,
        Facet::PrimaryFactor,
        Facet::FactorMode,
        Facet::VerificationMethod,
        Facet::ReauthenticateIn,
        Facet::Constraints,
        Facet::RequiredAuthenticators,
        Facet::OptionalAuthenticators,
        Facet::NotAllowedAuthenticators,
        Facet::EnrollPrompt,
        Facet::IdentityProviders,
        Facet::PasswordChange,
        Facet::PasswordReset,
        Facet::PasswordUnlock,
        Facet::PasswordMinLength,
        Facet::PasswordMaxAge,
        Facet::PasswordHistory,
        Facet::LockoutAttempts,
        Facet::UnknownUsers,
        Facet::EmailVerification,
        Facet::TargetGroups,
        Facet::RiskActions,
        Facet::FailureActions,
        Facet::AccessTokenLifetime,
        Facet::RefreshTokenLifetime,
        Facet::RefreshTokenWindow,
    ];

    /// The camelCase key used in case files and JSON.
    pub fn key(self) -> String {
        match serde_json::to_value(self) {
            Ok(Value::String(key)) => key,
            _ => format!("{self:?}"),
        }
    }

    /// The facet named `key` in a case file.
    pub fn from_key(key: &str) -> Option<Facet> {
        serde_json::from_value(Value::String(key.to_owned())).ok()
    }

    /// How the facet is named for people, e.g. "session lifetime".
    pub const fn label(self) -> &'static str {
        match self {
            Facet::Access => "access",
            Facet::MfaRequired => "MFA",
            Facet::FactorPromptMode => "MFA prompt",
            Facet::FactorLifetime => "MFA lifetime",
            Facet::SessionLifetime => "session lifetime",
            Facet::SessionIdle => "session idle timeout",
            Facet::PersistentCookie => "persistent session cookie",
            Facet::PrimaryFactor => "primary factor",
            Facet::FactorMode => "factors",
            Facet::VerificationMethod => "verification method",
            Facet::ReauthenticateIn => "re-authentication",
            Facet::Constraints => "authenticator constraints",
            Facet::RequiredAuthenticators => "required authenticators",
            Facet::OptionalAuthenticators => "optional authenticators",
            Facet::NotAllowedAuthenticators => "disallowed authenticators",
            Facet::EnrollPrompt => "enrollment prompt",
            Facet::IdentityProviders => "identity providers",
            Facet::PasswordChange => "password change",
            Facet::PasswordReset => "self-service password reset",
            Facet::PasswordUnlock => "self-service unlock",
            Facet::PasswordMinLength => "minimum password length",
            Facet::PasswordMaxAge => "password expiry",
            Facet::PasswordHistory => "password history",
            Facet::LockoutAttempts => "lockout after",
            Facet::UnknownUsers => "unknown users",
            Facet::EmailVerification => "email verification",
            Facet::TargetGroups => "groups of new users",
            Facet::RiskActions => "risk actions",
            Facet::FailureActions => "failure actions",
            Facet::AccessTokenLifetime => "access token lifetime",
            Facet::RefreshTokenLifetime => "refresh token lifetime",
            Facet::RefreshTokenWindow => "refresh token window",
        }
    }

    /// A value of this facet in words, e.g. "12 h", "required", "ALLOW".
    pub fn describe(self, value: &Value) -> String {
        match (self, value) {
            (_, Value::Null) => "not set".to_owned(),
            (Facet::MfaRequired, Value::Bool(b)) => {
                if *b { "required" } else { "not required" }.to_owned()
            }
            (Facet::PersistentCookie | Facet::EmailVerification, Value::Bool(b)) => {
                if *b { "on" } else { "off" }.to_owned()
            }
            (
                Facet::SessionLifetime
                | Facet::SessionIdle
                | Facet::FactorLifetime
                | Facet::AccessTokenLifetime
                | Facet::RefreshTokenLifetime
                | Facet::RefreshTokenWindow,
                Value::Number(n),
            ) => match n.as_i64() {
                Some(0)
                    if self == Facet::SessionLifetime || self == Facet::RefreshTokenLifetime =>
                {
                    "unlimited".to_owned()
                }
                Some(minutes) => minutes_text(minutes),
                None => n.to_string(),
            },
            (Facet::PasswordMaxAge, Value::Number(n)) => match n.as_i64() {
                Some(0) => "never".to_owned(),
                Some(days) => format!("{days} days"),
                None => n.to_string(),
            },
            (Facet::LockoutAttempts, Value::Number(n)) => match n.as_i64() {
                Some(0) => "never".to_owned(),
                Some(attempts) => format!("{attempts} attempts"),
                None => n.to_string(),
            },
            (Facet::ReauthenticateIn, Value::String(text)) => {
                iso_minutes(text).map_or_else(|| text.clone(), minutes_text)
            }
            (_, Value::Array(items)) if items.is_empty() => "none".to_owned(),
            (_, Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            (_, Value::String(text)) => text.clone(),
            (_, other) => other.to_string(),
        }
    }

    /// Whether going from `before` to `after` loosens security (`Some(true)`),
    /// tightens it (`Some(false)`), or neither is clear (`None`).
    pub fn loosens(self, before: &Value, after: &Value) -> Option<bool> {
        if before == after {
            return None;
        }
        let rank = |order: &[&str], value: &Value| {
            value
                .as_str()
                .and_then(|v| order.iter().position(|o| o.eq_ignore_ascii_case(v)))
        };
        let ranked =
            |order: &[&str]| -> Option<bool> { Some(rank(order, after)? > rank(order, before)?) };
        // Larger is looser; `zero_is_unlimited` makes 0 the largest.
        let numeric = |zero_is_unlimited: bool| -> Option<bool> {
            let value = |v: &Value| {
                let n = v.as_i64()?;
                Some(if zero_is_unlimited && n == 0 {
                    i64::MAX
                } else {
                    n
                })
            };
            Some(value(after)? > value(before)?)
        };
        match self {
            Facet::Access
            | Facet::PasswordChange
            | Facet::PasswordReset
            | Facet::PasswordUnlock => ranked(&["DENY", "ALLOW"]),
            Facet::MfaRequired | Facet::EmailVerification => {
                Some(before.as_bool()? && !after.as_bool()?)
            }
            Facet::PersistentCookie => Some(!before.as_bool()? && after.as_bool()?),
            Facet::FactorPromptMode => ranked(&["ALWAYS", "DEVICE", "SESSION"]),
            Facet::FactorMode => ranked(&["2FA", "1FA"]),
            Facet::UnknownUsers => ranked(&["DENY", "REGISTER"]),
            Facet::FactorLifetime | Facet::SessionIdle | Facet::RefreshTokenWindow => {
                numeric(false)
            }
            Facet::AccessTokenLifetime => numeric(false),
            Facet::SessionLifetime
            | Facet::RefreshTokenLifetime
            | Facet::PasswordMaxAge
            | Facet::LockoutAttempts => numeric(true),
            Facet::PasswordMinLength | Facet::PasswordHistory => {
                numeric(false).map(|longer| !longer)
            }
            Facet::ReauthenticateIn => {
                let before = iso_minutes(before.as_str()?)?;
                let after = iso_minutes(after.as_str()?)?;
                Some(after > before)
            }
            Facet::RequiredAuthenticators | Facet::RiskActions | Facet::FailureActions => {
                let set = |v: &Value| -> Option<Vec<String>> {
                    Some(v.as_array()?.iter().map(|i| i.to_string()).collect())
                };
                let (before, after) = (set(before)?, set(after)?);
                if after.iter().all(|a| before.contains(a)) {
                    Some(true)
                } else if before.iter().all(|b| after.contains(b)) {
                    Some(false)
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

impl fmt::Display for Facet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Minutes as "45 min", "2 h", "1 h 30 min", "7 d".
pub fn minutes_text(minutes: i64) -> String {
    match minutes {
        m if m > 0 && m % 1440 == 0 => format!("{} d", m / 1440),
        m if m >= 60 && m % 60 == 0 => format!("{} h", m / 60),
        m if m > 60 => format!("{} h {} min", m / 60, m % 60),
        m => format!("{m} min"),
    }
}

/// An ISO 8601 duration (`PT2H`, `P1D`, `PT30M`) in minutes.
pub fn iso_minutes(text: &str) -> Option<i64> {
    let rest = text.strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((days, time)) => (days, time),
        None => (rest, ""),
    };
    let mut minutes = 0i64;
    let mut add = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
            } else {
                let (_, scale) = units.iter().find(|(u, _)| *u == c)?;
                minutes += number.parse::<i64>().ok()? * scale;
                number.clear();
            }
        }
        number.is_empty().then_some(())
    };
    add(days, &[('D', 1440), ('W', 10080)])?;
    add(time, &[('H', 60), ('M', 1), ('S', 0)])?;
    Some(minutes)
}

/// The facets of one evaluation (or of an app sign-in), in display order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Outcome(pub BTreeMap<Facet, Value>);

impl Outcome {
    pub fn get(&self, facet: Facet) -> Option<&Value> {
        self.0.get(&facet)
    }

    fn set(&mut self, facet: Facet, value: &Value) {
        if !value.is_null() {
            self.0.insert(facet, value.clone());
        }
    }

    /// The outcome of a matched rule (`actions`) of a policy (`settings`)
    /// of `kind`.
    pub fn of(kind: PolicyKind, settings: &Value, actions: &Value) -> Outcome {
        let mut out = Outcome::default();
        match kind {
            PolicyKind::SignOn => {
                let signon = &actions["signon"];
                out.set(Facet::Access, &signon["access"]);
                if signon["access"].as_str() != Some("DENY") {
                    let required = signon["requireFactor"].as_bool().unwrap_or(false);
                    out.set(Facet::MfaRequired, &Value::Bool(required));
                    if required {
                        out.set(Facet::FactorPromptMode, &signon["factorPromptMode"]);
                        if signon["factorPromptMode"].as_str() == Some("SESSION") {
                            out.set(Facet::FactorLifetime, &signon["factorLifetime"]);
                        }
                    }
                    let session = &signon["session"];
                    out.set(
                        Facet::SessionLifetime,
                        &session["maxSessionLifetimeMinutes"],
                    );
                    out.set(Facet::SessionIdle, &session["maxSessionIdleMinutes"]);
                    out.set(Facet::PersistentCookie, &session["usePersistentCookie"]);
                    out.set(Facet::PrimaryFactor, &signon["primaryFactor"]);
                }
            }
            PolicyKind::Password => {
                let password = &settings["password"];
                out.set(
                    Facet::PasswordMinLength,
                    &password["complexity"]["minLength"],
                );
                out.set(Facet::PasswordMaxAge, &password["age"]["maxAgeDays"]);
                out.set(Facet::PasswordHistory, &password["age"]["historyCount"]);
                out.set(Facet::LockoutAttempts, &password["lockout"]["maxAttempts"]);
                out.set(Facet::PasswordChange, &actions["passwordChange"]["access"]);
                out.set(
                    Facet::PasswordReset,
                    &actions["selfServicePasswordReset"]["access"],
                );
                out.set(
                    Facet::PasswordUnlock,
                    &actions["selfServiceUnlock"]["access"],
                );
            }
            PolicyKind::MfaEnroll => {
                let mut by_status: BTreeMap<&str, Vec<String>> = BTreeMap::new();
                for (key, status) in enrollment(settings) {
                    by_status.entry(status).or_default().push(key);
                }
                for (status, facet) in [
                    ("REQUIRED", Facet::RequiredAuthenticators),
                    ("OPTIONAL", Facet::OptionalAuthenticators),
                    ("NOT_ALLOWED", Facet::NotAllowedAuthenticators),
                ] {
                    let mut keys = by_status.remove(status).unwrap_or_default();
                    keys.sort();
                    out.set(facet, &json!(keys));
                }
                out.set(Facet::EnrollPrompt, &actions["enroll"]["self"]);
            }
            PolicyKind::IdpDiscovery => {
                let providers: Vec<Value> = actions["idp"]["providers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| {
                        let kind = p["type"].as_str().unwrap_or("OKTA");
                        match p["id"].as_str().or_else(|| p["name"].as_str()) {
                            Some(id) => Value::String(format!("{kind} {id}")),
                            None => Value::String(kind.to_owned()),
                        }
                    })
                    .collect();
                out.set(Facet::IdentityProviders, &Value::Array(providers));
            }
            PolicyKind::Access => {
                let sign_on = &actions["appSignOn"];
                out.set(Facet::Access, &sign_on["access"]);
                if sign_on["access"].as_str() != Some("DENY") {
                    let method = &sign_on["verificationMethod"];
                    out.set(Facet::VerificationMethod, &method["type"]);
                    out.set(Facet::FactorMode, &method["factorMode"]);
                    out.set(Facet::ReauthenticateIn, &method["reauthenticateIn"]);
                    if method["constraints"]
                        .as_array()
                        .is_some_and(|c| !c.is_empty())
                    {
                        out.set(Facet::Constraints, &method["constraints"]);
                    }
                }
            }
            PolicyKind::ProfileEnrollment => {
                let enrollment = &actions["profileEnrollment"];
                out.set(Facet::Access, &enrollment["access"]);
                out.set(Facet::UnknownUsers, &enrollment["unknownUserAction"]);
                out.set(
                    Facet::EmailVerification,
                    &enrollment["activationRequirements"]["emailVerification"],
                );
                out.set(Facet::TargetGroups, &enrollment["targetGroupIds"]);
            }
            PolicyKind::EntityRisk => {
                out.set(
                    Facet::RiskActions,
                    &action_names(&actions["entityRisk"]["actions"]),
                );
            }
            PolicyKind::PostAuthSession => {
                out.set(
                    Facet::FailureActions,
                    &action_names(&actions["postAuthSession"]["failureActions"]),
                );
            }
            PolicyKind::AuthorizationServer => {
                let token = &actions["token"];
                out.set(
                    Facet::AccessTokenLifetime,
                    &token["accessTokenLifetimeMinutes"],
                );
                out.set(
                    Facet::RefreshTokenLifetime,
                    &token["refreshTokenLifetimeMinutes"],
                );
                out.set(
                    Facet::RefreshTokenWindow,
                    &token["refreshTokenWindowMinutes"],
                );
            }
        }
        out
    }

    /// The outcome of an app sign-in: the union of the global session
    /// policy (`sign_on`) and the app's access policy (`access`). Access
    /// is denied if either denies; MFA is required if either asks for a
    /// second factor; the session comes from the global session policy.
    pub fn app_sign_in(sign_on: Option<&Outcome>, access: Option<&Outcome>) -> Outcome {
        let mut out = Outcome::default();
        let denied = [sign_on, access]
            .iter()
            .flatten()
            .any(|o| o.get(Facet::Access).and_then(Value::as_str) == Some("DENY"));
        let known = sign_on.is_some() || access.is_some();
        if known {
            out.set(Facet::Access, &json!(if denied { "DENY" } else { "ALLOW" }));
        }
        if !denied && known {
            let global = sign_on
                .and_then(|o| o.get(Facet::MfaRequired))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let app = access.is_some_and(|o| {
                o.get(Facet::FactorMode).and_then(Value::as_str) == Some("2FA")
                    || o.get(Facet::VerificationMethod).and_then(Value::as_str)
                        == Some("AUTH_METHOD_CHAIN")
            });
            out.set(Facet::MfaRequired, &Value::Bool(global || app));
            if let Some(sign_on) = sign_on {
                for facet in [Facet::SessionLifetime, Facet::SessionIdle] {
                    if let Some(value) = sign_on.get(facet) {
                        out.set(facet, value);
                    }
                }
            }
            if let Some(access) = access {
                for facet in [Facet::FactorMode, Facet::ReauthenticateIn] {
                    if let Some(value) = access.get(facet) {
                        out.set(facet, value);
                    }
                }
            }
        }
        out
    }
}

/// Each authenticator (or factor) key with its enrollment status.
pub fn enrollment(settings: &Value) -> Vec<(String, &str)> {
    if let Some(authenticators) = settings["authenticators"].as_array()
        && settings["type"].as_str() != Some("FACTORS")
    {
        return authenticators
            .iter()
            .filter_map(|a| Some((a["key"].as_str()?.to_owned(), a["enroll"]["self"].as_str()?)))
            .collect();
    }
    settings["factors"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, factor)| Some((key.clone(), factor["enroll"]["self"].as_str()?)))
        .collect()
}

fn action_names(actions: &Value) -> Value {
    Value::Array(
        actions
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["action"].as_str().map(|s| Value::String(s.to_owned())))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        assert_eq!(iso_minutes("PT2H"), Some(120));
        assert_eq!(iso_minutes("P1D"), Some(1440));
        assert_eq!(iso_minutes("PT1H30M"), Some(90));
        assert_eq!(iso_minutes("PT0S"), Some(0));
        assert_eq!(iso_minutes("2h"), None);
        assert_eq!(minutes_text(720), "12 h");
        assert_eq!(minutes_text(90), "1 h 30 min");
        assert_eq!(minutes_text(10080), "7 d");
        assert_eq!(Facet::SessionLifetime.describe(&json!(0)), "unlimited");
        assert_eq!(Facet::MfaRequired.describe(&json!(true)), "required");
    }

    #[test]
    fn loosening_directions() {
        assert_eq!(
            Facet::Access.loosens(&json!("DENY"), &json!("ALLOW")),
            Some(true)
        );
        assert_eq!(
            Facet::MfaRequired.loosens(&json!(true), &json!(false)),
            Some(true)
        );
        assert_eq!(
            Facet::MfaRequired.loosens(&json!(false), &json!(true)),
            Some(false)
        );
        assert_eq!(
            Facet::SessionLifetime.loosens(&json!(720), &json!(0)),
            Some(true)
        );
        assert_eq!(
            Facet::SessionLifetime.loosens(&json!(720), &json!(480)),
            Some(false)
        );
        assert_eq!(
            Facet::FactorMode.loosens(&json!("2FA"), &json!("1FA")),
            Some(true)
        );
        assert_eq!(
            Facet::PasswordMinLength.loosens(&json!(12), &json!(8)),
            Some(true)
        );
        assert_eq!(
            Facet::ReauthenticateIn.loosens(&json!("PT2H"), &json!("PT12H")),
            Some(true)
        );
        assert_eq!(
            Facet::RequiredAuthenticators.loosens(&json!(["a", "b"]), &json!(["a"])),
            Some(true)
        );
        assert_eq!(
            Facet::EnrollPrompt.loosens(&json!("LOGIN"), &json!("CHALLENGE")),
            None
        );
    }

    #[test]
    fn facet_keys_round_trip() {
        for facet in Facet::ALL {
            assert_eq!(Facet::from_key(&facet.key()), Some(facet));
        }
    }

    #[test]
    fn app_sign_in_is_the_union() {
        let global = Outcome::of(
            PolicyKind::SignOn,
            &Value::Null,
            &json!({ "signon": { "access": "ALLOW", "requireFactor": false, "session": { "maxSessionLifetimeMinutes": 720 } } }),
        );
        let app = Outcome::of(
            PolicyKind::Access,
            &Value::Null,
            &json!({ "appSignOn": { "access": "ALLOW", "verificationMethod": { "type": "ASSURANCE", "factorMode": "2FA" } } }),
        );
        let union = Outcome::app_sign_in(Some(&global), Some(&app));
        assert_eq!(union.get(Facet::MfaRequired), Some(&json!(true)));
        assert_eq!(union.get(Facet::SessionLifetime), Some(&json!(720)));
        let deny = Outcome::of(
            PolicyKind::Access,
            &Value::Null,
            &json!({ "appSignOn": { "access": "DENY" } }),
        );
        let union = Outcome::app_sign_in(Some(&global), Some(&deny));
        assert_eq!(union.get(Facet::Access), Some(&json!("DENY")));
        assert_eq!(union.get(Facet::MfaRequired), None);
    }
}
