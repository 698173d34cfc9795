//! The bad-input corpus: `tests/fixtures/bad/NNN-short-name.yaml` holds the
//! mistakes Okta admins make (broken YAML, typos, wrong types and values,
//! every semantic rule's failure mode, hostile files). The first line of
//! each fixture says which findings it must produce, e.g.
//! `# expect: OKP010@4:7 OKP012@9:20`; every finding must also say where it
//! is and how to fix it. Inputs that cannot carry that header (binary and
//! huge files) are generated here.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use oktapol::finding::{Code, Severity};
use oktapol::report::{self, Resolved};
use oktapol::validate::{Validation, validate_path};

use crate::util::{codes_at, root};

/// The corpus may only grow.
const MIN_FIXTURES: usize = 100;

/// One corpus file and the findings its header promises.
struct Fixture {
    path: PathBuf,
    name: String,
    expected: Vec<String>,
}

fn corpus_dir() -> PathBuf {
    root().join("tests/fixtures/bad")
}

/// Every fixture, in file name order; a malformed header is an error.
fn fixtures() -> Vec<Result<Fixture, String>> {
    let mut paths: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("tests/fixtures/bad exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = fs::read_to_string(&path).map_err(|error| format!("{name}: {error}"))?;
            let expected = header(&text).map_err(|error| format!("{name}: {error}"))?;
            Ok(Fixture {
                path,
                name,
                expected,
            })
        })
        .collect()
}

/// Parses `# expect: CODE@line:col ...` from the first line.
fn header(text: &str) -> Result<Vec<String>, String> {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default();
    let list = first
        .strip_prefix("# expect:")
        .ok_or("the first line must be `# expect: CODE@line:col ...`")?;
    let expected: Vec<String> = list.split_whitespace().map(str::to_owned).collect();
    if expected.is_empty() {
        return Err("`# expect:` lists no findings".to_owned());
    }
    for item in &expected {
        let well_formed = item.split_once('@').is_some_and(|(code, place)| {
            Code::ALL.iter().any(|known| known.id() == code)
                && place.split_once(':').is_some_and(|(line, column)| {
                    line.parse::<u32>().is_ok_and(|n| n > 0)
                        && column.parse::<u32>().is_ok_and(|n| n > 0)
                })
        });
        if !well_formed {
            return Err(format!(
                "`{item}` is not a known `CODE@line:col` expectation"
            ));
        }
    }
    Ok(expected)
}

/// What is wrong with one validation result, if anything: no error, an
/// expected finding missing, or a finding without place or hint.
fn problems(name: &str, validation: &Validation, expected: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if !validation.has(Severity::Error) {
        out.push("no error reported".to_owned());
    }
    let actual = codes_at(validation);
    for item in expected {
        if !actual.contains(item) {
            out.push(format!("expected {item}, got [{}]", actual.join(" ")));
        }
    }
    for finding in report::resolve(&validation.sources, &validation.findings) {
        out.extend(incomplete(name, &finding));
    }
    out
}

/// The parts a finding lacks: every finding must point at a place in the
/// file and say how to fix it.
fn incomplete(name: &str, finding: &Resolved) -> Vec<String> {
    let mut out = Vec::new();
    let what = format!("{} `{}`", finding.code, finding.message);
    if !finding
        .file
        .as_deref()
        .is_some_and(|file| file.ends_with(name))
    {
        out.push(format!("{what} names file {:?}", finding.file));
    }
    if finding.line.is_none_or(|line| line == 0) || finding.column.is_none_or(|c| c == 0) {
        out.push(format!("{what} has no line and column"));
    }
    if finding.message.trim().is_empty() {
        out.push(format!("{} has an empty message", finding.code));
    }
    if finding
        .hint
        .as_deref()
        .is_none_or(|hint| hint.trim().is_empty())
    {
        out.push(format!("{what} has no hint"));
    }
    // OKP015 is the fallback for schema errors oktapol cannot explain.
    if finding.code == Code::SchemaViolation {
        out.push(format!("{what} falls back to the generic schema violation"));
    }
    out
}

fn fixture(prefix_free_name: &str) -> PathBuf {
    fixtures()
        .into_iter()
        .flatten()
        .find(|fixture| {
            fixture
                .name
                .split_once('-')
                .is_some_and(|(_, rest)| rest == format!("{prefix_free_name}.yaml"))
        })
        .map(|fixture| fixture.path)
        .unwrap_or_else(|| panic!("no fixture named NNN-{prefix_free_name}.yaml"))
}

#[test]
fn corpus_is_large_and_every_header_parses() {
    let all = fixtures();
    let broken: Vec<&String> = all.iter().filter_map(|f| f.as_ref().err()).collect();
    assert!(broken.is_empty(), "fixtures with bad headers:\n{broken:#?}");
    assert!(
        all.len() >= MIN_FIXTURES,
        "the corpus has {} fixtures, fewer than {MIN_FIXTURES}",
        all.len()
    );
    // NNN-short-name.yaml, numbered 001, 002, … without gaps or repeats.
    for (index, fixture) in all.iter().flatten().enumerate() {
        let expected_number = format!("{:03}-", index + 1);
        let slug = fixture.name.trim_start_matches(&expected_number);
        assert!(
            fixture.name.starts_with(&expected_number)
                && slug.strip_suffix(".yaml").is_some_and(|slug| {
                    !slug.is_empty()
                        && slug
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                }),
            "{} should be named {expected_number}short-name.yaml",
            fixture.name
        );
    }
}

#[test]
fn every_fixture_produces_its_findings_with_place_and_hint() {
    let mut report = String::new();
    for fixture in fixtures().into_iter().flatten() {
        let validation = validate_path(&fixture.path);
        for problem in problems(&fixture.name, &validation, &fixture.expected) {
            let _ = writeln!(report, "{}: {problem}", fixture.name);
        }
    }
    assert!(report.is_empty(), "bad-input corpus failures:\n{report}");
}

/// The hint of the first `code` finding for a fixture.
fn hint_of(fixture_name: &str, code: &str) -> String {
    let validation = validate_path(&fixture(fixture_name));
    report::resolve(&validation.sources, &validation.findings)
        .into_iter()
        .find(|finding| finding.code.id() == code)
        .and_then(|finding| finding.hint)
        .unwrap_or_else(|| panic!("{fixture_name}: no {code} finding with a hint"))
}

/// Spellings from Okta's own documents that the API rejects (seed 001 and
/// friends): the hint must name the API's spelling.
#[test]
fn seed_misspellings_name_the_api_spelling() {
    for (fixture_name, code, spelling) in [
        ("unknown-mfa-factor-okta-voice", "OKP010", "`okta_call`"),
        (
            "unknown-password-recovery-okta-voice",
            "OKP010",
            "`okta_call`",
        ),
        (
            "enum-authenticator-key-security-key",
            "OKP012",
            "`webauthn`",
        ),
        (
            "enum-authenticator-key-okta-phone",
            "OKP012",
            "`phone_number`",
        ),
        ("enum-authenticator-key-email", "OKP012", "`okta_email`"),
        (
            "unknown-profile-enroll-authenticators",
            "OKP010",
            "`enrollAuthenticatorTypes`",
        ),
    ] {
        let hint = hint_of(fixture_name, code);
        assert!(
            hint.contains(spelling),
            "{fixture_name}: the {code} hint should name {spelling}, got: {hint}"
        );
    }
}

/// Hints that must name the concrete fix, not a generic "see the schema".
#[test]
fn hints_name_the_concrete_fix() {
    for (fixture_name, code, fix) in [
        (
            "yaml-unclosed-flow-sequence",
            "OKP003",
            "`[` at line 4, column 11",
        ),
        (
            "yaml-unclosed-flow-mapping",
            "OKP003",
            "`{` at line 7, column 19",
        ),
        ("yaml-tab-indentation", "OKP003", "spaces"),
        ("yaml-apostrophe-in-single-quotes", "OKP003", "`''`"),
        (
            "yaml-missing-space-after-colon",
            "OKP011",
            "`name: Contractors`",
        ),
        ("yaml-dash-without-space", "OKP011", "space after the `-`"),
        ("yaml-nbsp-after-colon", "OKP011", "non-breaking"),
        ("type-quoted-boolean", "OKP011", "remove the quotes"),
        ("type-quoted-number", "OKP011", "remove the quotes"),
        ("type-apps-is-string", "OKP011", "`[Workday]`"),
        ("type-policy-is-string", "OKP011", "`name: Contractors`"),
        ("type-kind-is-null", "OKP011", "`[]`"),
        (
            "type-verification-method-is-string",
            "OKP011",
            "type: ASSURANCE",
        ),
        ("yaml11-yes-for-require-factor", "OKP011", "YAML 1.2"),
        (
            "unknown-out-of-scope-session-violation",
            "OKP010",
            "SESSION_VIOLATION_DETECTION",
        ),
        ("unknown-key-zero-width-space", "OKP010", "U+200B"),
        ("unknown-key-cyrillic-lookalike", "OKP010", "`apps`"),
        ("unknown-sign-on-acess", "OKP010", "`access`"),
        ("enum-access-lowercase", "OKP012", "`ALLOW`"),
        ("enum-factor-mode-lowercase", "OKP012", "`2FA`"),
        ("enum-factor-mode-number", "OKP012", "1FA, 2FA"),
        ("enum-idp-discovery-os-macos", "OKP012", "`OSX`"),
        ("enum-access-os-osx", "OKP012", "`MACOS`"),
        ("enum-chain-method-fido2", "OKP012", "`WEBAUTHN`"),
        (
            "enum-authenticator-key-classic-factor",
            "OKP012",
            "`okta_verify`",
        ),
        ("unknown-mfa-factor-okta-verify", "OKP010", "`okta_push`"),
        (
            "union-verification-method-without-type",
            "OKP013",
            "`type: ASSURANCE`",
        ),
        (
            "union-grace-period-without-type",
            "OKP013",
            "`type: BY_SKIP_COUNT`",
        ),
        (
            "union-verification-type-unknown",
            "OKP012",
            "AUTH_METHOD_CHAIN",
        ),
        ("file-top-level-list", "OKP011", "leading `- `"),
        ("file-deep-flow-nesting", "OKP005", "unclosed or repeated"),
        ("type-null-name", "OKP011", "required"),
        ("type-description-is-list", "OKP011", "block scalar"),
    ] {
        let hint = hint_of(fixture_name, code);
        assert!(
            hint.contains(fix),
            "{fixture_name}: the {code} hint should contain {fix:?}, got: {hint}"
        );
    }
}

// ---------------------------------------------------------------- the binary

fn oktapol() -> Command {
    let mut command = Command::cargo_bin("oktapol").expect("binary");
    command.env_remove("NO_COLOR").current_dir(root());
    command
}

/// Runs `oktapol validate` on a path relative to the repository root and
/// checks the contract for invalid input: exit code 1, no panic.
fn run_invalid(args: &[&str]) -> String {
    let output = oktapol().arg("validate").args(args).output().expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{args:?}:\n{stdout}\n{stderr}"
    );
    stdout
}

#[test]
fn binary_reports_code_and_position_for_each_kind_of_mistake() {
    for fixture_name in [
        "yaml-unclosed-flow-sequence",
        "dupkey-rule-actions",
        "type-quoted-boolean",
        "unknown-mfa-factor-okta-voice",
        "enum-authenticator-key-security-key",
        "union-verification-method-without-type",
        "dup-app-in-two-access-policies",
        "limit-access-policy-101-rules",
        "file-alias-bomb",
        "file-comments-only",
    ] {
        let path = fixture(fixture_name);
        let relative = path
            .strip_prefix(root())
            .expect("fixture under the repository")
            .to_string_lossy()
            .replace('\\', "/");
        let text = fs::read_to_string(&path).expect("fixture");
        let expected = header(&text).expect("header");
        let stdout = run_invalid(&[&relative]);
        for item in expected {
            let (code, place) = item.split_once('@').expect("CODE@line:col");
            assert!(stdout.contains(code), "{relative}: no {code} in\n{stdout}");
            let at = format!("{relative}:{place}");
            assert!(stdout.contains(&at), "{relative}: no {at} in\n{stdout}");
        }
    }
}

/// Columns count characters, not bytes, in every format: the typo on the
/// fixture's line 10 follows CJK, emoji and accented names.
fn unicode_columns(format: &str) -> String {
    run_invalid(&[
        "--format",
        format,
        "tests/fixtures/bad/247-unicode-names-fine-but-typo.yaml",
    ])
}

#[test]
fn binary_machine_formats_count_columns_in_characters() {
    let json: serde_json::Value =
        serde_json::from_str(&unicode_columns("json")).expect("JSON report");
    let finding = &json["findings"][0];
    assert_eq!(
        (&finding["line"], &finding["column"]),
        (&10.into(), &67.into())
    );
    assert!(unicode_columns("github").contains("line=10,col=67"));
}

#[test]
fn binary_human_format_counts_columns_in_characters() {
    let human = unicode_columns("human");
    assert!(
        human.contains("247-unicode-names-fine-but-typo.yaml:10:67"),
        "{human}"
    );
}

#[test]
fn binary_validates_the_whole_corpus_at_once() {
    let stdout = run_invalid(&["--format", "json", "tests/fixtures/bad"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let findings = report["findings"].as_array().expect("findings");
    let fixture_count = fixtures().len();
    assert_eq!(report["summary"]["files"], fixture_count);
    // Every file contributes its own findings: one broken file hides nothing.
    for fixture in fixtures().into_iter().flatten() {
        assert!(
            findings.iter().any(|finding| finding["file"]
                .as_str()
                .is_some_and(|file| file.ends_with(&fixture.name))),
            "no finding for {}",
            fixture.name
        );
    }
}

// ---------------------------------------------------------- generated inputs

/// Writes `bytes` to `name` in a fresh directory and validates it.
fn validate_bytes(name: &str, bytes: &[u8]) -> (tempfile::TempDir, Validation) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    fs::write(&path, bytes).expect("write");
    let validation = validate_path(&path);
    (dir, validation)
}

/// Checks the generated file's findings like a fixture's.
fn assert_generated(name: &str, validation: &Validation, expected: &[&str]) {
    let expected: Vec<String> = expected.iter().map(|e| (*e).to_owned()).collect();
    let problems = problems(name, validation, &expected);
    assert!(problems.is_empty(), "{name}: {problems:#?}");
}

/// A small deterministic generator (xorshift), so failures reproduce.
fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn non_utf8_bytes_are_located() {
    // A Latin-1 `é` (0xE9), as an editor with the wrong encoding writes it.
    let (_dir, latin1) = validate_bytes("latin1.yaml", b"signOnPolicies:\n  - name: Caf\xe9\n");
    assert_generated("latin1.yaml", &latin1, &["OKP002@2:14"]);
    // A file cut in the middle of a multi-byte character.
    let (_dir, cut) = validate_bytes("cut.yaml", b"signOnPolicies:\n  - name: Caf\xc3");
    assert_generated("cut.yaml", &cut, &["OKP002@2:14"]);
}

#[test]
fn utf16_files_are_named_as_such() {
    let text = "signOnPolicies: []\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let (_dir, validation) = validate_bytes("utf16.yaml", &bytes);
    assert_generated("utf16.yaml", &validation, &["OKP002@1:1"]);
    let finding = &validation.findings[0];
    assert!(finding.message.contains("UTF-16"), "{}", finding.message);
    assert!(finding.hint.as_deref().is_some_and(|h| h.contains("UTF-8")));
}

#[test]
fn random_binary_junk_is_refused_without_panicking() {
    for seed in [1, 7, 42, 2024] {
        let bytes = pseudo_random_bytes(seed, 64 * 1024);
        let (_dir, validation) = validate_bytes("junk.yaml", &bytes);
        assert_generated("junk.yaml", &validation, &[]);
        assert!(
            validation
                .findings
                .iter()
                .all(|f| matches!(f.code, Code::NotUtf8 | Code::YamlSyntax)),
            "seed {seed}: {:?}",
            codes_at(&validation)
        );
    }
}

#[test]
fn random_printable_junk_is_reported_without_panicking() {
    // YAML's own punctuation, letters and line breaks in random order.
    const ALPHABET: &[u8] = b"ab: -[]{},'\"#&*!|>%@`\n\n  \t?~";
    for seed in 1..=40 {
        let text: Vec<u8> = pseudo_random_bytes(seed, 400)
            .into_iter()
            .map(|byte| ALPHABET[usize::from(byte) % ALPHABET.len()])
            .collect();
        let (_dir, validation) = validate_bytes("printable.yaml", &text);
        for finding in report::resolve(&validation.sources, &validation.findings) {
            let missing = incomplete("printable.yaml", &finding);
            assert!(
                missing.is_empty(),
                "seed {seed}: {missing:?} for\n{}",
                String::from_utf8_lossy(&text)
            );
        }
    }
}

#[test]
fn nul_bytes_are_reported_as_control_characters() {
    let (_dir, sprinkled) = validate_bytes(
        "nul.yaml",
        b"signOnPolicies:\n  - name: Contractors\0\0\n    rules: []\n",
    );
    assert_generated("nul.yaml", &sprinkled, &["OKP003@2:22"]);
    assert!(sprinkled.findings[0].message.contains("U+0000"));
    let (_dir, zeros) = validate_bytes("zeros.yaml", &[0; 4096]);
    assert_generated("zeros.yaml", &zeros, &["OKP003@1:1"]);
}

#[test]
fn nesting_beyond_the_parser_limit_is_a_limit_finding() {
    // Deep enough that the YAML scanner's own recursion limit trips first.
    let text = format!("signOnPolicies: {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let (_dir, validation) = validate_bytes("deep.yaml", text.as_bytes());
    assert_generated("deep.yaml", &validation, &[]);
    let codes = codes_at(&validation);
    assert!(
        codes.len() == 1 && codes[0].starts_with("OKP005@1:"),
        "{codes:?}"
    );
}

/// A policy whose description makes it about 10 KB, so that 20 MB of
/// manifest stays cheap to check in a debug build.
fn big_policy(index: usize) -> String {
    format!(
        "  - name: Contractors {index}\n    description: {}\n    conditions: {{ people: {{ groups: {{ include: [Contractors {index}] }} }} }}\n    rules:\n      - name: Everywhere\n        actions: {{ signon: {{ access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS }} }}\n",
        "Contractors sign in with a second factor wherever they are. ".repeat(170)
    )
}

#[test]
fn a_20_mb_manifest_is_read_whole() {
    let mut text = String::from("signOnPolicies:\n");
    let mut count = 0;
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&big_policy(count));
        count += 1;
    }
    let (_dir, validation) = validate_bytes("big.yaml", text.as_bytes());
    // Errors and warnings; the info that the MFA checks were skipped is fine.
    assert!(
        codes_at(&validation).is_empty(),
        "{:?}",
        codes_at(&validation)
    );
    let policies = validation
        .set
        .documents
        .iter()
        .filter_map(|document| document.manifest.sign_on_policies.as_ref())
        .map(Vec::len)
        .sum::<usize>();
    assert_eq!(policies, count);
}

#[test]
fn a_manifest_with_100k_keys_finds_its_one_duplicate_key() {
    // 500 policies × 25 rules × 8 keys; the very last rule repeats a key.
    let mut text = String::from("signOnPolicies:\n");
    let mut lines = 1;
    for policy in 0..500 {
        let _ = writeln!(text, "  - name: Branch {policy}\n    rules:");
        lines += 2;
        for rule in 0..25 {
            let _ = writeln!(
                text,
                "      - name: Office {rule}\n        conditions: {{ network: {{ connection: ZONE, include: [Branch {policy} office {rule}] }} }}\n        actions: {{ signon: {{ access: DENY }} }}"
            );
            lines += 3;
        }
    }
    text.push_str("        actions: { signon: { access: ALLOW } }\n");
    let (_dir, validation) = validate_bytes("keys.yaml", text.as_bytes());
    assert_generated(
        "keys.yaml",
        &validation,
        &[&format!("OKP004@{}:9", lines + 1)],
    );
    assert_eq!(validation.findings.len(), 1, "{:?}", codes_at(&validation));
}

/// A flat mapping of 50k unknown keys: every key is reported with its position.
#[test]
fn a_mapping_with_50k_unknown_keys_is_fully_reported() {
    // Each unknown key is a finding that must be located; locating is
    // indexed, so this stays linear (speed itself is measured by benches,
    // not asserted here).
    let text: String = (0..50_000).map(|i| format!("key{i}: {i}\n")).collect();
    let (_dir, validation) = validate_bytes("flat.yaml", text.as_bytes());
    let resolved = report::resolve(&validation.sources, &validation.findings);
    assert_eq!(resolved.len(), 50_000);
    assert!(resolved.iter().all(|f| f.line.is_some()));
    let last = resolved
        .iter()
        .find(|f| f.message.contains("`key49999`"))
        .expect("last key reported");
    assert_eq!((last.line, last.column), (Some(50_000), Some(1)));
}
