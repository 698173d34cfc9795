//! Spellings that differ between Okta's documents and its API. Seed 001
//! (the factor → authenticator migration guide) and some Okta examples use
//! names the API rejects; oktapol accepts only the API's spelling and, when
//! it meets one of these, says which key or value to write instead.

/// (written, API spelling, where the other spelling comes from).
const ALIASES: &[(&str, &str, &str)] = &[
    (
        "okta_voice",
        "okta_call",
        "Okta's migration guide writes okta_voice; the API's factor key is okta_call",
    ),
    (
        "security_key",
        "webauthn",
        "Okta's migration guide writes security_key; the API's authenticator key is webauthn",
    ),
    (
        "okta_phone",
        "phone_number",
        "some Okta examples write okta_phone; the API's authenticator key is phone_number",
    ),
    (
        "email",
        "okta_email",
        "Okta's migration guide writes email; the API's key is okta_email",
    ),
    (
        "sympantec_vip",
        "symantec_vip",
        "Okta's migration guide misspells it sympantec_vip",
    ),
    (
        "enrollAuthenticators",
        "enrollAuthenticatorTypes",
        "Okta's reference writes enrollAuthenticators; the API field is enrollAuthenticatorTypes",
    ),
    (
        "OSX",
        "MACOS",
        "IdP discovery rules say OSX; access policy rules say MACOS",
    ),
    (
        "MACOS",
        "OSX",
        "access policy rules say MACOS; IdP discovery rules say OSX",
    ),
    (
        "FIDO2",
        "WEBAUTHN",
        "older Okta examples write FIDO2; the API's method is WEBAUTHN",
    ),
    (
        "okta_verify",
        "okta_push",
        "under classic `factors`, Okta Verify is okta_push (push) or okta_otp (code)",
    ),
    (
        "phone_number",
        "okta_sms",
        "under classic `factors`, phone is okta_sms or okta_call",
    ),
    (
        "security_question",
        "okta_question",
        "under classic `factors`, the security question is okta_question",
    ),
    (
        "okta_question",
        "security_question",
        "under `authenticators`, the security question is security_question",
    ),
    (
        "okta_sms",
        "phone_number",
        "under `authenticators`, SMS and voice are the phone_number authenticator",
    ),
    (
        "okta_call",
        "phone_number",
        "under `authenticators`, SMS and voice are the phone_number authenticator",
    ),
    (
        "okta_push",
        "okta_verify",
        "under `authenticators`, Okta Verify push and OTP are the okta_verify authenticator",
    ),
    (
        "okta_otp",
        "okta_verify",
        "under `authenticators`, Okta Verify push and OTP are the okta_verify authenticator",
    ),
    (
        "fido_webauthn",
        "webauthn",
        "under `authenticators`, FIDO2 is the webauthn authenticator",
    ),
    (
        "fido_u2f",
        "webauthn",
        "under `authenticators`, FIDO U2F keys are the webauthn authenticator",
    ),
];

fn alias_hint(written: &str, allowed: &[String]) -> Option<String> {
    ALIASES
        .iter()
        .find(|(alias, right, _)| *alias == written && allowed.iter().any(|a| a == right))
        .map(|(_, right, why)| format!("write `{right}` ({why})"))
}

/// Policy kinds of the Okta API that oktapol deliberately does not manage,
/// by the manifest key an admin would guess for them.
const OUT_OF_SCOPE: &[(&str, &str)] = &[
    (
        "sessionViolationDetectionPolicies",
        "SESSION_VIOLATION_DETECTION",
    ),
    ("deviceSignalCollectionPolicies", "DEVICE_SIGNAL_COLLECTION"),
    ("clientUpdatePolicies", "CLIENT_UPDATE"),
    ("identityClaimSourcingPolicies", "IDENTITY_CLAIM_SOURCING"),
];

/// A hint for an unknown key, when it is a known misspelling of an allowed
/// key or a policy kind oktapol does not manage.
pub fn key_hint(written: &str, allowed: &[String]) -> Option<String> {
    alias_hint(written, allowed).or_else(|| {
        let top_level = allowed.iter().any(|key| key == "signOnPolicies");
        OUT_OF_SCOPE
            .iter()
            .find(|(key, _)| top_level && key.eq_ignore_ascii_case(written))
            .map(|(_, okta_type)| {
                format!("remove it: oktapol does not manage {okta_type} policies (they are out of scope and left as they are in the org)")
            })
    })
}

/// A hint for an invalid enum value, when it is a known misspelling of an allowed value.
pub fn value_hint(written: &str, allowed: &[String]) -> Option<String> {
    alias_hint(written, allowed).or_else(|| {
        // Okta's enum values are case-sensitive; a case slip is the commonest typo.
        allowed
            .iter()
            .find(|candidate| {
                candidate.eq_ignore_ascii_case(written) && candidate.as_str() != written
            })
            .map(|candidate| format!("write `{candidate}` (values are case-sensitive)"))
    })
}

/// The candidate closest to `written`, when one is close enough to be a
/// likely typo (same text in another case, or Jaro-Winkler ≥ 0.8).
pub fn closest<'c>(
    written: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = written.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = if candidate.to_lowercase() == lower {
            1.0
        } else {
            strsim::jaro_winkler(&lower, &candidate.to_lowercase())
        };
        if score >= 0.8 && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn seed_spellings_point_to_the_api_spelling() {
        let factors = strings(&["okta_sms", "okta_call", "okta_otp"]);
        assert!(key_hint("okta_voice", &factors).is_some_and(|h| h.contains("`okta_call`")));
        let keys = strings(&["webauthn", "phone_number", "okta_email"]);
        assert!(value_hint("security_key", &keys).is_some_and(|h| h.contains("`webauthn`")));
        assert!(value_hint("okta_phone", &keys).is_some_and(|h| h.contains("`phone_number`")));
        assert!(value_hint("email", &keys).is_some_and(|h| h.contains("`okta_email`")));
        assert!(
            key_hint(
                "enrollAuthenticators",
                &strings(&["enrollAuthenticatorTypes"])
            )
            .is_some()
        );
    }

    #[test]
    fn aliases_only_apply_where_the_right_key_is_allowed() {
        assert!(key_hint("okta_voice", &strings(&["name"])).is_none());
    }

    #[test]
    fn out_of_scope_kinds_are_named_at_the_top_level_only() {
        let top = strings(&["signOnPolicies", "accessPolicies"]);
        let hint = key_hint("sessionViolationDetectionPolicies", &top);
        assert!(hint.is_some_and(|h| h.contains("SESSION_VIOLATION_DETECTION")));
        assert!(key_hint("sessionViolationDetectionPolicies", &strings(&["name"])).is_none());
    }

    #[test]
    fn closest_finds_typos_and_case_slips() {
        let names = ["Contractors", "Engineering", "Finance"];
        assert_eq!(closest("Contractor", names), Some("Contractors"));
        assert_eq!(closest("finance", names), Some("Finance"));
        assert_eq!(closest("Marketing", names), None);
    }

    #[test]
    fn case_slips_are_named() {
        let hint = value_hint("allow", &strings(&["ALLOW", "DENY"]));
        assert!(hint.is_some_and(|h| h.contains("`ALLOW`")));
    }
}
