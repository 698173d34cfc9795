//! Converting MFA enrollment policy settings between Classic Engine
//! `factors` and Identity Engine `authenticators` (`oktapol migrate`).
//! The mapping is one table ([`MAPPING`]); converting one policy's
//! settings is a pure function returning the new settings, or the reasons
//! the policy cannot be converted, plus notes for the reader.

pub mod rewrite;

use std::collections::BTreeMap;

use crate::manifest::mfa_enroll::{
    AuthenticatorEnroll, AuthenticatorKey, AuthenticatorSetting, EnrollmentRequirement,
    FactorEnroll, FactorSetting, FactorSettings, MfaEnrollSettings, MfaEnrollSettingsType,
};

/// Which way to convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `factors` → `authenticators` (`oktapol migrate authenticators`).
    ToAuthenticators,
    /// `authenticators` → `factors` (`oktapol migrate factors`).
    ToFactors,
}

/// How sure the mapping of a factor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapping {
    /// In seed 001's table.
    Documented,
    /// A hardware token: seed 001 says "n/a"; the API has a same-named
    /// authenticator key, used only with `--map-hardware-tokens`.
    HardwareToken,
}

/// Factor key (as the Policy API spells it) → authenticator key, from
/// seed 001's table read against the API's keys (seed 004,
/// policy-field-tree.txt). Order is the order authenticators are written in.
pub const MAPPING: &[(&str, AuthenticatorKey, Mapping)] = &[
    (
        "okta_password",
        AuthenticatorKey::OktaPassword,
        Mapping::Documented,
    ),
    (
        "okta_email",
        AuthenticatorKey::OktaEmail,
        Mapping::Documented,
    ),
    (
        "okta_push",
        AuthenticatorKey::OktaVerify,
        Mapping::Documented,
    ),
    (
        "okta_otp",
        AuthenticatorKey::OktaVerify,
        Mapping::Documented,
    ),
    (
        "okta_sms",
        AuthenticatorKey::PhoneNumber,
        Mapping::Documented,
    ),
    (
        "okta_call",
        AuthenticatorKey::PhoneNumber,
        Mapping::Documented,
    ),
    (
        "okta_question",
        AuthenticatorKey::SecurityQuestion,
        Mapping::Documented,
    ),
    (
        "google_otp",
        AuthenticatorKey::GoogleOtp,
        Mapping::Documented,
    ),
    (
        "fido_webauthn",
        AuthenticatorKey::Webauthn,
        Mapping::Documented,
    ),
    ("fido_u2f", AuthenticatorKey::Webauthn, Mapping::Documented),
    ("duo", AuthenticatorKey::Duo, Mapping::Documented),
    (
        "rsa_token",
        AuthenticatorKey::RsaToken,
        Mapping::HardwareToken,
    ),
    (
        "symantec_vip",
        AuthenticatorKey::SymantecVip,
        Mapping::HardwareToken,
    ),
    (
        "yubikey_token",
        AuthenticatorKey::YubikeyToken,
        Mapping::HardwareToken,
    ),
];

/// Options of a conversion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Convert `rsa_token`, `symantec_vip` and `yubikey_token` to the
    /// same-named authenticators although seed 001 gives no mapping.
    pub map_hardware_tokens: bool,
}

/// What converting one policy's settings gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing to convert (no settings, or already in the target form).
    Unchanged,
    /// The new settings (boxed: they are much larger than the other arms).
    Converted(Box<MfaEnrollSettings>),
    /// The policy cannot be converted; each string says why.
    Refused(Vec<String>),
}

/// The outcome and the notes (merges, dropped fields, warnings).
#[derive(Debug, Clone, PartialEq)]
pub struct Conversion {
    pub outcome: Outcome,
    pub notes: Vec<String>,
}

/// Converts one policy's settings in `direction`.
pub fn convert(
    settings: Option<&MfaEnrollSettings>,
    direction: Direction,
    options: Options,
) -> Conversion {
    match direction {
        Direction::ToAuthenticators => to_authenticators(settings, options),
        Direction::ToFactors => to_factors(settings),
    }
}

fn unchanged() -> Conversion {
    Conversion {
        outcome: Outcome::Unchanged,
        notes: Vec::new(),
    }
}

fn rank(requirement: EnrollmentRequirement) -> u8 {
    match requirement {
        EnrollmentRequirement::NotAllowed => 0,
        EnrollmentRequirement::Optional => 1,
        EnrollmentRequirement::Required => 2,
    }
}

fn spell(requirement: EnrollmentRequirement) -> &'static str {
    match requirement {
        EnrollmentRequirement::Required => "REQUIRED",
        EnrollmentRequirement::Optional => "OPTIONAL",
        EnrollmentRequirement::NotAllowed => "NOT_ALLOWED",
    }
}

/// The API's spelling of an authenticator key.
pub fn key_name(key: AuthenticatorKey) -> String {
    serde_json::to_value(key)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The factors of a policy, by API key, in [`MAPPING`] order then the rest.
fn factor_entries(factors: &FactorSettings) -> Vec<(String, FactorSetting)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(factors) else {
        return Vec::new();
    };
    let mut entries: Vec<(String, FactorSetting)> = map
        .into_iter()
        .filter_map(|(name, value)| {
            serde_json::from_value(value)
                .ok()
                .map(|setting| (name, setting))
        })
        .collect();
    let order = |name: &str| {
        MAPPING
            .iter()
            .position(|(factor, _, _)| *factor == name)
            .unwrap_or(MAPPING.len())
    };
    entries.sort_by_key(|(name, _)| order(name));
    entries
}

/// An authenticator and the factors (with their enrollment) merged into it.
type Merge = (
    AuthenticatorKey,
    Vec<(String, Option<EnrollmentRequirement>)>,
);

fn to_authenticators(settings: Option<&MfaEnrollSettings>, options: Options) -> Conversion {
    let Some(settings) = settings else {
        return unchanged();
    };
    let Some(factors) = &settings.factors else {
        return unchanged();
    };
    let mut notes = Vec::new();
    let mut refusals = Vec::new();
    // Authenticator → (factors merged into it, their requirements).
    let mut merged: Vec<Merge> = Vec::new();
    for (name, setting) in factor_entries(factors) {
        let Some((_, key, mapping)) = MAPPING.iter().find(|(factor, _, _)| *factor == name) else {
            refusals.push(format!(
                "factor `{name}` has no authenticator: Okta's mapping (seed 001) and the API's authenticator keys have none; remove it from `factors` (or replace it with an authenticator the org has) and run the migration again"
            ));
            continue;
        };
        if *mapping == Mapping::HardwareToken {
            if options.map_hardware_tokens {
                notes.push(format!(
                    "warning: factor `{name}` was converted to the authenticator `{name}`, which seed 001's mapping table does not list (\"n/a\"); check that the org has this authenticator"
                ));
            } else {
                refusals.push(format!(
                    "factor `{name}` is a hardware token that seed 001's mapping table does not map (\"n/a\"); pass --map-hardware-tokens to convert it to the same-named authenticator `{name}`"
                ));
                continue;
            }
        }
        if setting.consent.is_some() {
            notes.push(format!(
                "`consent` of factor `{name}` was dropped: authenticators have no consent settings"
            ));
        }
        let requirement = setting.enroll.and_then(|enroll| enroll.self_enroll);
        match merged.iter_mut().find(|(existing, _)| existing == key) {
            Some((_, sources)) => sources.push((name, requirement)),
            None => merged.push((*key, vec![(name, requirement)])),
        }
    }
    if !refusals.is_empty() {
        return Conversion {
            outcome: Outcome::Refused(refusals),
            notes,
        };
    }
    let mut authenticators = Vec::new();
    for (key, sources) in merged {
        let strictest = sources
            .iter()
            .filter_map(|(_, requirement)| *requirement)
            .max_by_key(|requirement| rank(*requirement));
        if sources.len() > 1 {
            let listed: Vec<String> = sources
                .iter()
                .map(|(name, requirement)| {
                    format!(
                        "`{name}` {}",
                        requirement.map_or("(no enroll, NOT_ALLOWED by default)", spell)
                    )
                })
                .collect();
            let distinct: std::collections::BTreeSet<u8> = sources
                .iter()
                .map(|(_, r)| rank(r.unwrap_or(EnrollmentRequirement::NotAllowed)))
                .collect();
            let verdict = if distinct.len() > 1 {
                "the stricter enrollment wins"
            } else {
                "same enrollment"
            };
            notes.push(format!(
                "{} merge into `{}`: {verdict}, {}",
                listed.join(" and "),
                key_name(key),
                strictest.map_or("no enroll setting", spell)
            ));
        }
        authenticators.push(AuthenticatorSetting {
            key,
            id: None,
            enroll: strictest.map(|requirement| AuthenticatorEnroll {
                self_enroll: Some(requirement),
                auto_enroll: None,
                grace_period: None,
            }),
            constraints: None,
        });
    }
    Conversion {
        outcome: Outcome::Converted(Box::new(MfaEnrollSettings {
            kind: Some(MfaEnrollSettingsType::Authenticators),
            factors: None,
            authenticators: Some(authenticators),
        })),
        notes,
    }
}

fn to_factors(settings: Option<&MfaEnrollSettings>) -> Conversion {
    let Some(settings) = settings else {
        return unchanged();
    };
    let Some(authenticators) = &settings.authenticators else {
        return unchanged();
    };
    let mut notes = Vec::new();
    let mut refusals = Vec::new();
    let mut factors: BTreeMap<&str, FactorSetting> = BTreeMap::new();
    for authenticator in authenticators {
        let name = key_name(authenticator.key);
        let targets: Vec<&str> = MAPPING
            .iter()
            .filter(|(_, key, _)| *key == authenticator.key)
            .map(|(factor, _, _)| *factor)
            .collect();
        if targets.is_empty() {
            refusals.push(format!(
                "authenticator `{name}` has no classic factor (seed 001's table has no row for it); such a policy can only be written with `authenticators`"
            ));
            continue;
        }
        if factors.keys().any(|existing| targets.contains(existing)) {
            refusals.push(format!(
                "authenticator `{name}` is listed more than once (several instances by `id`?); factors cannot tell them apart"
            ));
            continue;
        }
        let requirement = authenticator
            .enroll
            .as_ref()
            .and_then(|enroll| enroll.self_enroll);
        if let Some(enroll) = &authenticator.enroll {
            if enroll.grace_period.is_some() {
                notes.push(format!(
                    "warning: `gracePeriod` of `{name}` was dropped: factors have no grace period, so users must enroll at once"
                ));
            }
            if enroll.auto_enroll.is_some() {
                notes.push(format!(
                    "warning: `autoEnroll` of `{name}` was dropped: factors have no such setting"
                ));
            }
        }
        if authenticator.constraints.is_some() {
            notes.push(format!(
                "warning: `constraints` of `{name}` were dropped: factors have no AAGUID groups"
            ));
        }
        if authenticator.id.is_some() {
            notes.push(format!(
                "`id` of `{name}` was dropped: factors are named by key only"
            ));
        }
        if MAPPING.iter().any(|(_, key, mapping)| {
            *key == authenticator.key && *mapping == Mapping::HardwareToken
        }) {
            notes.push(format!(
                "warning: authenticator `{name}` was converted to the factor `{name}`, which seed 001's mapping table does not list (\"n/a\")"
            ));
        }
        if targets.len() > 1 {
            notes.push(format!(
                "`{name}` splits into {}, each {}",
                targets
                    .iter()
                    .map(|factor| format!("`{factor}`"))
                    .collect::<Vec<_>>()
                    .join(" and "),
                requirement.map_or("without an enroll setting", spell)
            ));
        }
        for target in targets {
            factors.insert(
                target,
                FactorSetting {
                    enroll: requirement.map(|requirement| FactorEnroll {
                        self_enroll: Some(requirement),
                    }),
                    consent: None,
                },
            );
        }
    }
    if !refusals.is_empty() {
        return Conversion {
            outcome: Outcome::Refused(refusals),
            notes,
        };
    }
    let value = serde_json::Value::Object(
        factors
            .into_iter()
            .filter_map(|(name, setting)| {
                serde_json::to_value(setting)
                    .ok()
                    .map(|value| (name.to_owned(), value))
            })
            .collect(),
    );
    match serde_json::from_value::<FactorSettings>(value) {
        Ok(factors) => Conversion {
            outcome: Outcome::Converted(Box::new(MfaEnrollSettings {
                kind: Some(MfaEnrollSettingsType::Factors),
                factors: Some(factors),
                authenticators: None,
            })),
            notes,
        },
        Err(error) => Conversion {
            outcome: Outcome::Refused(vec![format!("cannot build the factors: {error}")]),
            notes,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_factor_key_of_the_model_is_in_the_table_or_refused() {
        // Every authenticator key the table names is a real key, and each
        // key maps back to at least one factor.
        for (factor, key, _) in MAPPING {
            assert!(!key_name(*key).is_empty(), "{factor}");
        }
    }
}
