//! `oktapol migrate`: the factor → authenticator mapping table row by row,
//! merges, refusals, the round trip, and the command's diff, exit codes and
//! in-place rewrite.

use std::path::Path;

use assert_cmd::Command;
use oktapol::manifest::mfa_enroll::MfaEnrollSettings;
use oktapol::migrate::{Conversion, Direction, Options, Outcome, convert};
use oktapol::validate::validate_path;
use serde_json::{Value, json};

use crate::util::{codes_at, root};

fn settings(value: Value) -> MfaEnrollSettings {
    serde_json::from_value(value).expect("valid settings")
}

fn to_authenticators(value: Value, map_hardware_tokens: bool) -> Conversion {
    convert(
        Some(&settings(value)),
        Direction::ToAuthenticators,
        Options {
            map_hardware_tokens,
        },
    )
}

fn converted(conversion: &Conversion) -> Value {
    match &conversion.outcome {
        Outcome::Converted(settings) => serde_json::to_value(settings).expect("serializes"),
        other => panic!("expected a conversion, got {other:?}"),
    }
}

fn refusals(conversion: &Conversion) -> Vec<String> {
    match &conversion.outcome {
        Outcome::Refused(reasons) => reasons.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Seed 001's table against the API's keys: factor, authenticator.
const TABLE: &[(&str, &str)] = &[
    ("okta_sms", "phone_number"),
    ("okta_call", "phone_number"),
    ("okta_otp", "okta_verify"),
    ("okta_push", "okta_verify"),
    ("okta_question", "security_question"),
    ("okta_email", "okta_email"),
    ("duo", "duo"),
    ("fido_webauthn", "webauthn"),
    ("fido_u2f", "webauthn"),
    ("google_otp", "google_otp"),
    ("okta_password", "okta_password"),
];

const HARDWARE_TOKENS: &[&str] = &["rsa_token", "symantec_vip", "yubikey_token"];

#[test]
fn every_row_of_the_mapping_table() {
    for (factor, authenticator) in TABLE {
        for requirement in ["REQUIRED", "OPTIONAL", "NOT_ALLOWED"] {
            let conversion = to_authenticators(
                json!({ "type": "FACTORS", "factors": { *factor: { "enroll": { "self": requirement } } } }),
                false,
            );
            assert_eq!(
                converted(&conversion),
                json!({ "type": "AUTHENTICATORS", "authenticators": [
                    { "key": authenticator, "enroll": { "self": requirement } }
                ] }),
                "{factor}"
            );
            assert!(
                conversion.notes.is_empty(),
                "{factor}: {:?}",
                conversion.notes
            );
        }
    }
}

#[test]
fn merged_factors_take_the_stricter_enrollment_and_say_so() {
    let cases = [
        (
            "okta_sms",
            "REQUIRED",
            "okta_call",
            "OPTIONAL",
            "phone_number",
            "REQUIRED",
        ),
        (
            "okta_sms",
            "NOT_ALLOWED",
            "okta_call",
            "OPTIONAL",
            "phone_number",
            "OPTIONAL",
        ),
        (
            "okta_push",
            "OPTIONAL",
            "okta_otp",
            "REQUIRED",
            "okta_verify",
            "REQUIRED",
        ),
        (
            "fido_webauthn",
            "NOT_ALLOWED",
            "fido_u2f",
            "REQUIRED",
            "webauthn",
            "REQUIRED",
        ),
    ];
    for (first, first_req, second, second_req, key, winner) in cases {
        let conversion = to_authenticators(
            json!({ "factors": {
                first: { "enroll": { "self": first_req } },
                second: { "enroll": { "self": second_req } },
            } }),
            false,
        );
        assert_eq!(
            converted(&conversion),
            json!({ "type": "AUTHENTICATORS", "authenticators": [
                { "key": key, "enroll": { "self": winner } }
            ] }),
            "{first} + {second}"
        );
        assert_eq!(conversion.notes.len(), 1, "{:?}", conversion.notes);
        let note = &conversion.notes[0];
        assert!(note.contains(&format!("merge into `{key}`")), "{note}");
        assert!(
            note.contains(&format!("the stricter enrollment wins, {winner}")),
            "{note}"
        );
    }
}

#[test]
fn a_factor_without_an_authenticator_stops_the_policy() {
    let conversion = to_authenticators(
        json!({ "factors": {
            "okta_sms": { "enroll": { "self": "REQUIRED" } },
            "hotp": { "enroll": { "self": "OPTIONAL" } },
        } }),
        true,
    );
    let reasons = refusals(&conversion);
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].starts_with("factor `hotp` has no authenticator"),
        "{}",
        reasons[0]
    );
}

#[test]
fn hardware_tokens_need_the_flag() {
    for token in HARDWARE_TOKENS {
        let factors = json!({ "factors": { *token: { "enroll": { "self": "OPTIONAL" } } } });
        let reasons = refusals(&to_authenticators(factors.clone(), false));
        assert_eq!(reasons.len(), 1);
        assert!(reasons[0].contains("seed 001"), "{}", reasons[0]);
        assert!(
            reasons[0].contains("--map-hardware-tokens"),
            "{}",
            reasons[0]
        );

        let conversion = to_authenticators(factors, true);
        assert_eq!(
            converted(&conversion),
            json!({ "type": "AUTHENTICATORS", "authenticators": [
                { "key": token, "enroll": { "self": "OPTIONAL" } }
            ] })
        );
        assert_eq!(conversion.notes.len(), 1);
        assert!(
            conversion.notes[0].starts_with("warning: ")
                && conversion.notes[0].contains("seed 001"),
            "{}",
            conversion.notes[0]
        );
    }
}

#[test]
fn consent_is_dropped_with_a_note() {
    let conversion = to_authenticators(
        json!({ "factors": { "okta_question": { "enroll": { "self": "OPTIONAL" }, "consent": { "type": "NONE" } } } }),
        false,
    );
    assert_eq!(
        converted(&conversion),
        json!({ "type": "AUTHENTICATORS", "authenticators": [
            { "key": "security_question", "enroll": { "self": "OPTIONAL" } }
        ] })
    );
    assert!(conversion.notes[0].contains("`consent`"));
}

#[test]
fn already_converted_policies_are_unchanged() {
    let authenticators = json!({ "type": "AUTHENTICATORS", "authenticators": [
        { "key": "okta_verify", "enroll": { "self": "REQUIRED" } }
    ] });
    let conversion = to_authenticators(authenticators.clone(), false);
    assert_eq!(conversion.outcome, Outcome::Unchanged);
    let factors = json!({ "type": "FACTORS", "factors": { "okta_sms": {} } });
    let back = convert(
        Some(&settings(factors)),
        Direction::ToFactors,
        Options::default(),
    );
    assert_eq!(back.outcome, Outcome::Unchanged);
    assert_eq!(
        convert(None, Direction::ToAuthenticators, Options::default()).outcome,
        Outcome::Unchanged
    );
}

#[test]
fn round_trip_factors_authenticators_factors() {
    // Every mappable factor; merged pairs share an enrollment, so nothing is lost.
    let factors = json!({ "type": "FACTORS", "factors": {
        "duo": { "enroll": { "self": "OPTIONAL" } },
        "fido_u2f": { "enroll": { "self": "REQUIRED" } },
        "fido_webauthn": { "enroll": { "self": "REQUIRED" } },
        "google_otp": { "enroll": { "self": "NOT_ALLOWED" } },
        "okta_call": { "enroll": { "self": "OPTIONAL" } },
        "okta_email": { "enroll": { "self": "REQUIRED" } },
        "okta_otp": { "enroll": { "self": "REQUIRED" } },
        "okta_password": { "enroll": { "self": "REQUIRED" } },
        "okta_push": { "enroll": { "self": "REQUIRED" } },
        "okta_question": { "enroll": { "self": "NOT_ALLOWED" } },
        "okta_sms": { "enroll": { "self": "OPTIONAL" } },
        "rsa_token": { "enroll": { "self": "OPTIONAL" } },
        "symantec_vip": { "enroll": { "self": "NOT_ALLOWED" } },
        "yubikey_token": { "enroll": { "self": "REQUIRED" } },
    } });
    let forward = to_authenticators(factors.clone(), true);
    let Outcome::Converted(authenticators) = &forward.outcome else {
        panic!("{forward:?}");
    };
    let back = convert(
        Some(&**authenticators),
        Direction::ToFactors,
        Options::default(),
    );
    assert_eq!(converted(&back), factors);
}

#[test]
fn authenticators_without_a_factor_stop_the_way_back() {
    let conversion = convert(
        Some(&settings(
            json!({ "type": "AUTHENTICATORS", "authenticators": [
            { "key": "okta_verify", "enroll": { "self": "REQUIRED" } },
            { "key": "custom_otp", "id": "aut1234567890abcdefg", "enroll": { "self": "OPTIONAL" } },
        ] }),
        )),
        Direction::ToFactors,
        Options::default(),
    );
    let reasons = refusals(&conversion);
    assert_eq!(reasons.len(), 1);
    assert!(
        reasons[0].starts_with("authenticator `custom_otp` has no classic factor"),
        "{}",
        reasons[0]
    );
}

// The command.

fn oktapol(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("oktapol")
        .expect("binary")
        .env_remove("NO_COLOR")
        .current_dir(root())
        .args(args)
        .output()
        .expect("runs")
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const BEFORE: &str = "\
# MFA enrollment
mfaEnrollPolicies:
  # Contractors keep their factors for now.
  - name: Contractors MFA
    conditions: { people: { groups: { include: [Contractors] } } } # who
    settings:
      type: FACTORS # classic
      factors:
        okta_sms: { enroll: { self: REQUIRED } }
        okta_call: { enroll: { self: OPTIONAL } }

    # Rules stay as they are.
    rules:
      - name: Enroll at first sign-in
        actions: { enroll: { self: LOGIN } }
  - name: Default Policy
    default: true
";

const AFTER: &str = "\
# MFA enrollment
mfaEnrollPolicies:
  # Contractors keep their factors for now.
  - name: Contractors MFA
    conditions: { people: { groups: { include: [Contractors] } } } # who
    settings:
      type: AUTHENTICATORS
      authenticators:
        - key: phone_number
          enroll:
            self: REQUIRED

    # Rules stay as they are.
    rules:
      - name: Enroll at first sign-in
        actions: { enroll: { self: LOGIN } }
  - name: Default Policy
    default: true
";

fn temp_manifest(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mfa.yaml");
    std::fs::write(&path, text).expect("write");
    let shown = path.to_string_lossy().into_owned();
    (dir, shown)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(path)).expect("read")
}

#[test]
fn without_write_prints_a_diff_and_exits_2() {
    let (_dir, path) = temp_manifest(BEFORE);
    let output = oktapol(&["migrate", "authenticators", &path]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let expected = format!(
        "\
--- {path}
+++ {path}
@@ -4,10 +4,11 @@
   - name: Contractors MFA
     conditions: {{ people: {{ groups: {{ include: [Contractors] }} }} }} # who
     settings:
-      type: FACTORS # classic
-      factors:
-        okta_sms: {{ enroll: {{ self: REQUIRED }} }}
-        okta_call: {{ enroll: {{ self: OPTIONAL }} }}
+      type: AUTHENTICATORS
+      authenticators:
+        - key: phone_number
+          enroll:
+            self: REQUIRED
 
     # Rules stay as they are.
     rules:
{path}: mfaEnrollPolicies[0] \"Contractors MFA\": converted
  note: `okta_sms` REQUIRED and `okta_call` OPTIONAL merge into `phone_number`: the stricter enrollment wins, REQUIRED
"
    );
    assert_eq!(stdout(&output), expected);
    assert_eq!(read(&path), BEFORE, "the file is untouched without --write");
}

#[test]
fn write_rewrites_only_the_settings_block() {
    let (_dir, path) = temp_manifest(BEFORE);
    let output = oktapol(&["migrate", "authenticators", &path, "--write"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).starts_with(&format!("wrote {path}\n")));
    assert_eq!(read(&path), AFTER);
    let validation = validate_path(Path::new(&path));
    assert_eq!(codes_at(&validation), Vec::<String>::new());

    // Nothing left to migrate: exit 0 and no change.
    let again = oktapol(&["migrate", "authenticators", &path]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(stdout(&again), "nothing to migrate\n");
    assert_eq!(read(&path), AFTER);
}

#[test]
fn migrate_factors_goes_back() {
    let (_dir, path) = temp_manifest(AFTER);
    let output = oktapol(&["migrate", "factors", &path, "--write"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = read(&path);
    assert!(
        text.contains(
            "    settings:\n      type: FACTORS\n      factors:\n        okta_call:\n          enroll:\n            self: REQUIRED\n        okta_sms:\n          enroll:\n            self: REQUIRED\n\n    # Rules stay as they are.\n"
        ),
        "{text}"
    );
    assert_eq!(
        codes_at(&validate_path(Path::new(&path))),
        Vec::<String>::new()
    );
}

#[test]
fn refused_policies_exit_1_and_are_not_written() {
    let text = "\
mfaEnrollPolicies:
  - name: Tokens
    settings:
      factors:
        hotp: { enroll: { self: OPTIONAL } }
        rsa_token: { enroll: { self: OPTIONAL } }
";
    let (_dir, path) = temp_manifest(text);
    let output = oktapol(&["migrate", "authenticators", &path, "--write"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let out = stdout(&output);
    assert!(out.contains("\"Tokens\": not converted"), "{out}");
    assert!(
        out.contains("error: factor `hotp` has no authenticator"),
        "{out}"
    );
    assert!(
        out.contains("error: factor `rsa_token` is a hardware token"),
        "{out}"
    );
    assert_eq!(read(&path), text);
}

#[test]
fn invalid_manifests_exit_1_with_findings() {
    let (_dir, path) = temp_manifest(
        "mfaEnrollPolicies:\n  - name: P\n    settings: { factors: { okta_voice: {} } }\n",
    );
    let output = oktapol(&["migrate", "authenticators", &path]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("okta_voice"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn converts_several_policies_and_leaves_refused_ones() {
    let text = "\
mfaEnrollPolicies:
  - name: First
    settings: { factors: { okta_push: { enroll: { self: OPTIONAL } } } }
    rules: []
  - name: Second # refused: hotp
    settings:
      factors:
        hotp: { enroll: { self: OPTIONAL } }
  - settings:
      factors:
        okta_question: { enroll: { self: REQUIRED } }
    name: Third
";
    let (_dir, path) = temp_manifest(text);
    let output = oktapol(&["migrate", "authenticators", &path, "--write"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert_eq!(
        read(&path),
        "\
mfaEnrollPolicies:
  - name: First
    settings:
      type: AUTHENTICATORS
      authenticators:
        - key: okta_verify
          enroll:
            self: OPTIONAL
    rules: []
  - name: Second # refused: hotp
    settings:
      factors:
        hotp: { enroll: { self: OPTIONAL } }
  - settings:
      type: AUTHENTICATORS
      authenticators:
        - key: security_question
          enroll:
            self: REQUIRED
    name: Third
"
    );
}

#[test]
fn relative_paths_get_git_diff_prefixes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("mfa.yaml"), BEFORE).expect("write");
    let output = Command::cargo_bin("oktapol")
        .expect("binary")
        .current_dir(dir.path())
        .args(["migrate", "authenticators", "mfa.yaml"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stdout(&output).starts_with("--- a/mfa.yaml\n+++ b/mfa.yaml\n@@ -4,10 +4,11 @@\n"),
        "{}",
        stdout(&output)
    );
}
