//! Expected facet values: what each facet accepts in a case file, how a
//! written value is normalised, and how it is compared with the value the
//! evaluator produced.
//!
//! - Enum values (`ALLOW`, `2FA`, `ALWAYS`, …) compare case-insensitively;
//!   the facets with a closed set of values reject anything else when the
//!   file is loaded.
//! - Lists compare as sets (order and repeats do not matter).
//! - Minute facets (`sessionLifetime`, `sessionIdle`, `factorLifetime`,
//!   the token lifetimes) take minutes (`720`), a duration (`12h`, `90min`,
//!   `1h30m`, `7d`) or an ISO 8601 duration (`PT12H`); `unlimited` means 0
//!   for the session and refresh-token lifetimes. `reauthenticateIn` takes
//!   the same forms and compares by length, so `2h` equals Okta's `PT2H`.
//! - `identityProviders` items may leave out the provider type: `Northwind
//!   SAML` matches `SAML2 Northwind SAML`.
//! - `null` expects the facet not to be set at all.

use serde::Serialize;
use serde_json::Value;

use crate::evaluate::Facet;
use crate::evaluate::outcome::{iso_minutes, minutes_text};

/// What a facet's values look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Bool,
    /// Minutes; `unlimited` (0) allowed when true.
    Minutes(bool),
    /// An ISO 8601 duration on the wire, minutes in the case.
    Duration,
    /// A non-negative count (characters, days, attempts).
    Count,
    /// One of these words (case-insensitive).
    Word(&'static [&'static str]),
    /// A set of names.
    Names,
    /// Okta's JSON, compared structurally.
    Json,
}

const ALLOW_DENY: &[&str] = &["ALLOW", "DENY"];

fn shape(facet: Facet) -> Shape {
    match facet {
        Facet::Access | Facet::PasswordChange | Facet::PasswordReset | Facet::PasswordUnlock => {
            Shape::Word(ALLOW_DENY)
        }
        Facet::MfaRequired | Facet::PersistentCookie | Facet::EmailVerification => Shape::Bool,
        Facet::FactorPromptMode => Shape::Word(&["ALWAYS", "DEVICE", "SESSION"]),
        Facet::PrimaryFactor => Shape::Word(&["PASSWORD_IDP", "PASSWORD_IDP_ANY_FACTOR"]),
        Facet::FactorMode => Shape::Word(&["1FA", "2FA"]),
        Facet::VerificationMethod => {
            Shape::Word(&["ASSURANCE", "AUTH_METHOD_CHAIN", "ID_PROOFING"])
        }
        Facet::EnrollPrompt => Shape::Word(&["CHALLENGE", "LOGIN", "NEVER"]),
        Facet::UnknownUsers => Shape::Word(&["REGISTER", "DENY"]),
        Facet::FactorLifetime
        | Facet::SessionIdle
        | Facet::AccessTokenLifetime
        | Facet::RefreshTokenWindow => Shape::Minutes(false),
        Facet::SessionLifetime | Facet::RefreshTokenLifetime => Shape::Minutes(true),
        Facet::ReauthenticateIn => Shape::Duration,
        Facet::PasswordMinLength
        | Facet::PasswordMaxAge
        | Facet::PasswordHistory
        | Facet::LockoutAttempts => Shape::Count,
        Facet::RequiredAuthenticators
        | Facet::OptionalAuthenticators
        | Facet::NotAllowedAuthenticators
        | Facet::IdentityProviders
        | Facet::TargetGroups
        | Facet::RiskActions
        | Facet::FailureActions => Shape::Names,
        Facet::Constraints => Shape::Json,
    }
}

/// An expected facet value, normalised: minutes as integers, enum words
/// upper-case, names as a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Expected(pub Value);

/// Why a written value is not a valid expectation: the message and a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub message: String,
    pub hint: Option<String>,
}

impl Invalid {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Invalid {
        Invalid {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

/// "a string", "true", … for messages about wrong types.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

impl Expected {
    /// Reads the value written for `facet`.
    pub fn parse(facet: Facet, written: &Value) -> Result<Expected, Invalid> {
        if written.is_null() {
            return Ok(Expected(Value::Null));
        }
        let key = facet.key();
        let wrong = |what: &str, example: &str| {
            Invalid::new(
                format!("`{key}` expects {what}, found {}", type_name(written)),
                format!("write e.g. `{key}: {example}`"),
            )
        };
        match shape(facet) {
            Shape::Bool => match written {
                Value::Bool(_) => Ok(Expected(written.clone())),
                _ => Err(wrong("true or false", "true")),
            },
            Shape::Count => match written.as_u64() {
                Some(count) => Ok(Expected(Value::from(count))),
                None => Err(wrong("a whole number", "12")),
            },
            Shape::Minutes(unlimited) => {
                let minutes = match written {
                    Value::Number(n) => n.as_u64().and_then(|n| i64::try_from(n).ok()),
                    Value::String(text) if unlimited && text.eq_ignore_ascii_case("unlimited") => {
                        Some(0)
                    }
                    Value::String(text) => parse_minutes(text),
                    _ => None,
                };
                match minutes {
                    Some(minutes) => Ok(Expected(Value::from(minutes))),
                    None => Err(Invalid::new(
                        format!(
                            "`{key}` expects minutes or a duration, found {}",
                            shown(written)
                        ),
                        if unlimited {
                            "write minutes (`720`), a duration (`12h`, `90min`, `7d`, `PT12H`) or `unlimited`"
                        } else {
                            "write minutes (`720`) or a duration (`12h`, `90min`, `7d`, `PT12H`)"
                        },
                    )),
                }
            }
            Shape::Duration => {
                let minutes = match written {
                    Value::Number(n) => n.as_u64().and_then(|n| i64::try_from(n).ok()),
                    Value::String(text) => parse_minutes(text),
                    _ => None,
                };
                match minutes {
                    Some(minutes) => Ok(Expected(Value::from(minutes))),
                    None => Err(Invalid::new(
                        format!("`{key}` expects a duration, found {}", shown(written)),
                        "write an ISO 8601 duration as Okta does (`PT2H`), a duration (`2h`, `90min`) or minutes (`120`)",
                    )),
                }
            }
            Shape::Word(allowed) => {
                let Value::String(text) = written else {
                    return Err(Invalid::new(
                        format!(
                            "`{key}` expects one of {}, found {}",
                            allowed.join(", "),
                            type_name(written)
                        ),
                        format!("write e.g. `{key}: {}`", allowed[0]),
                    ));
                };
                match allowed.iter().find(|a| a.eq_ignore_ascii_case(text)) {
                    Some(word) => Ok(Expected(Value::String((*word).to_owned()))),
                    None => Err(Invalid {
                        message: format!(
                            "`{key}` expects one of {}, found {text:?}",
                            allowed.join(", ")
                        ),
                        hint: crate::spelling::closest(text, allowed.iter().copied())
                            .map(|close| format!("did you mean `{close}`?")),
                    }),
                }
            }
            Shape::Names => match written {
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    Ok(Expected(written.clone()))
                }
                Value::Array(_) => Err(Invalid::new(
                    format!("`{key}` expects a list of names"),
                    "write each item as a name, e.g. `[okta_verify, okta_password]`",
                )),
                _ => Err(wrong("a list", "[okta_verify, okta_password]")),
            },
            Shape::Json => Ok(Expected(written.clone())),
        }
    }

    /// Whether `actual` (the evaluator's value, `None` when the facet is
    /// not set) is what this expects for `facet`.
    pub fn matches(&self, facet: Facet, actual: Option<&Value>) -> bool {
        let actual = actual.filter(|a| !a.is_null());
        let Some(actual) = actual else {
            return self.0.is_null();
        };
        if self.0.is_null() {
            return false;
        }
        match shape(facet) {
            Shape::Bool | Shape::Count | Shape::Minutes(_) => {
                number_or_bool(&self.0) == number_or_bool(actual)
            }
            Shape::Duration => {
                let actual = match actual {
                    Value::String(text) => iso_minutes(text),
                    other => other.as_i64(),
                };
                actual.is_some() && actual == self.0.as_i64()
            }
            Shape::Word(_) => words_equal(&self.0, actual),
            Shape::Names => {
                let name_matches = |expected: &Value, actual: &Value| {
                    words_equal(expected, actual)
                        || (facet == Facet::IdentityProviders
                            && match (expected.as_str(), actual.as_str()) {
                                // Outcomes name providers "TYPE name".
                                (Some(expected), Some(actual)) => actual
                                    .split_once(' ')
                                    .is_some_and(|(_, name)| name.eq_ignore_ascii_case(expected)),
                                _ => false,
                            })
                };
                same_set(&self.0, actual, &name_matches)
            }
            Shape::Json => json_equal(&self.0, actual),
        }
    }

    /// The expected value in words, as [`Facet::describe`] words actual
    /// values.
    pub fn describe(&self, facet: Facet) -> String {
        match (shape(facet), &self.0) {
            (_, Value::Null) => "not set".to_owned(),
            (Shape::Duration, Value::Number(n)) => {
                n.as_i64().map_or_else(|| n.to_string(), minutes_text)
            }
            _ => facet.describe(&self.0),
        }
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("{text:?}"),
        other => type_name(other).to_owned(),
    }
}

fn number_or_bool(value: &Value) -> Option<String> {
    match value {
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.as_f64().map_or_else(|| n.to_string(), |f| f.to_string())),
        _ => None,
    }
}

fn words_equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(expected), Value::String(actual)) => expected.eq_ignore_ascii_case(actual),
        _ => false,
    }
}

/// Whether two lists hold the same items, by `equal`, ignoring order and
/// repeats.
fn same_set(expected: &Value, actual: &Value, equal: &dyn Fn(&Value, &Value) -> bool) -> bool {
    let (Some(expected), Some(actual)) = (expected.as_array(), actual.as_array()) else {
        return false;
    };
    expected.iter().all(|e| actual.iter().any(|a| equal(e, a)))
        && actual.iter().all(|a| expected.iter().any(|e| equal(e, a)))
}

/// JSON equality with strings case-insensitive and lists as sets.
fn json_equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(e), Value::String(a)) => e.eq_ignore_ascii_case(a),
        (Value::Number(_), Value::Number(_)) => number_or_bool(expected) == number_or_bool(actual),
        (Value::Array(_), Value::Array(_)) => same_set(expected, actual, &json_equal),
        (Value::Object(e), Value::Object(a)) => {
            e.len() == a.len()
                && e.iter()
                    .all(|(key, value)| a.get(key).is_some_and(|other| json_equal(value, other)))
        }
        _ => expected == actual,
    }
}

/// Minutes in `text`: an ISO 8601 duration (`PT12H`, `P1D`) or a short
/// one (`12h`, `90min`, `1h30m`, `7d`, `2 h`).
pub fn parse_minutes(text: &str) -> Option<i64> {
    let trimmed = text.trim();
    if trimmed.len() > 1 && trimmed[..1].eq_ignore_ascii_case("p") {
        return iso_minutes(&trimmed.to_ascii_uppercase());
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let mut rest = compact.as_str();
    let mut total: i64 = 0;
    let mut parts = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: i64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "d" | "day" | "days" => 1440,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60,
            "m" | "min" | "mins" | "minute" | "minutes" => 1,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total = total.checked_add(number.checked_mul(scale)?)?;
        parts += 1;
    }
    (parts > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(facet: Facet, value: Value) -> Expected {
        Expected::parse(facet, &value).expect("valid")
    }

    #[test]
    fn durations() {
        assert_eq!(parse_minutes("12h"), Some(720));
        assert_eq!(parse_minutes("PT12H"), Some(720));
        assert_eq!(parse_minutes("pt2h"), Some(120));
        assert_eq!(parse_minutes("1h30m"), Some(90));
        assert_eq!(parse_minutes("90 min"), Some(90));
        assert_eq!(parse_minutes("7d"), Some(10080));
        assert_eq!(parse_minutes("P1D"), Some(1440));
        assert_eq!(parse_minutes("12"), None);
        assert_eq!(parse_minutes("h"), None);
        assert_eq!(parse_minutes("12 weeks"), None);
        assert_eq!(parse_minutes(""), None);
    }

    #[test]
    fn minute_facets_accept_numbers_durations_and_unlimited() {
        assert_eq!(parse(Facet::SessionLifetime, json!("12h")).0, json!(720));
        assert_eq!(
            parse(Facet::SessionLifetime, json!("unlimited")).0,
            json!(0)
        );
        assert!(Expected::parse(Facet::SessionIdle, &json!("unlimited")).is_err());
        assert!(Expected::parse(Facet::SessionIdle, &json!(true)).is_err());
        assert!(
            parse(Facet::SessionLifetime, json!(720))
                .matches(Facet::SessionLifetime, Some(&json!(720)))
        );
    }

    #[test]
    fn enum_words_are_case_insensitive_and_checked() {
        let deny = parse(Facet::Access, json!("deny"));
        assert!(deny.matches(Facet::Access, Some(&json!("DENY"))));
        assert!(!deny.matches(Facet::Access, Some(&json!("ALLOW"))));
        let error = Expected::parse(Facet::Access, &json!("ALOW")).expect_err("typo");
        assert_eq!(error.hint.as_deref(), Some("did you mean `ALLOW`?"));
        assert!(
            parse(Facet::FactorMode, json!("2fa")).matches(Facet::FactorMode, Some(&json!("2FA")))
        );
    }

    #[test]
    fn lists_are_sets() {
        let required = parse(
            Facet::RequiredAuthenticators,
            json!(["okta_verify", "okta_email", "okta_verify"]),
        );
        assert!(required.matches(
            Facet::RequiredAuthenticators,
            Some(&json!(["okta_email", "okta_verify"]))
        ));
        assert!(!required.matches(
            Facet::RequiredAuthenticators,
            Some(&json!(["okta_email", "okta_verify", "okta_password"]))
        ));
        let none = parse(Facet::RequiredAuthenticators, json!([]));
        assert!(none.matches(Facet::RequiredAuthenticators, Some(&json!([]))));
    }

    #[test]
    fn reauthentication_compares_by_length() {
        let two_hours = parse(Facet::ReauthenticateIn, json!("2h"));
        assert!(two_hours.matches(Facet::ReauthenticateIn, Some(&json!("PT2H"))));
        assert!(two_hours.matches(Facet::ReauthenticateIn, Some(&json!("PT120M"))));
        assert!(!two_hours.matches(Facet::ReauthenticateIn, Some(&json!("PT12H"))));
        assert_eq!(two_hours.describe(Facet::ReauthenticateIn), "2 h");
    }

    #[test]
    fn null_expects_not_set() {
        let unset = parse(Facet::FactorPromptMode, Value::Null);
        assert!(unset.matches(Facet::FactorPromptMode, None));
        assert!(!unset.matches(Facet::FactorPromptMode, Some(&json!("ALWAYS"))));
        let always = parse(Facet::FactorPromptMode, json!("ALWAYS"));
        assert!(!always.matches(Facet::FactorPromptMode, None));
    }

    #[test]
    fn identity_providers_may_leave_out_the_type() {
        let northwind = parse(Facet::IdentityProviders, json!(["Northwind SAML"]));
        assert!(northwind.matches(
            Facet::IdentityProviders,
            Some(&json!(["SAML2 Northwind SAML"]))
        ));
        assert!(!northwind.matches(Facet::IdentityProviders, Some(&json!(["OKTA"]))));
    }

    #[test]
    fn constraints_compare_structurally() {
        let written = json!([{ "possession": { "phishingResistant": "required", "types": ["security_key"] } }]);
        let expected = parse(Facet::Constraints, written);
        let actual = json!([{ "possession": { "types": ["security_key"], "phishingResistant": "REQUIRED" } }]);
        assert!(expected.matches(Facet::Constraints, Some(&actual)));
    }
}
