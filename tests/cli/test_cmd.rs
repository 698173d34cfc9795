//! `oktapol test` end to end: the shipped case files pass against their
//! examples (so neither can rot), a failing case says what applied instead
//! and why, JUnit and JSON reports are well-formed, and bad case files and
//! manifests are reported with their place and exit 1.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

use crate::util::root;

fn oktapol() -> Command {
    let mut command = Command::cargo_bin("oktapol").expect("binary");
    command.env_remove("NO_COLOR").current_dir(root());
    command
}

/// Runs `oktapol test MANIFESTS --cases CASES [args]` from the repository root.
fn test(manifests: &str, cases: &Path, args: &[&str]) -> Output {
    oktapol()
        .arg("test")
        .arg(manifests)
        .arg("--cases")
        .arg(cases)
        .args(args)
        .output()
        .expect("runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A case file in a fresh directory; its path shows as `[TMP]/cases.yaml`
/// through [`shown`].
struct CaseFile {
    dir: tempfile::TempDir,
}

impl CaseFile {
    fn new(text: &str) -> CaseFile {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("cases.yaml"), text).expect("write cases");
        CaseFile { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("cases.yaml")
    }

    /// Output with the temporary directory replaced, for snapshots.
    fn shown(&self, text: &str) -> String {
        text.replace(&self.dir.path().display().to_string(), "[TMP]")
    }
}

#[test]
fn the_quickstart_cases_pass() {
    let output = test(
        "examples/quickstart",
        Path::new("examples/cases/quickstart.yaml"),
        &[],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(
        text.contains("PASS  Contractors off-network need MFA at every sign-in"),
        "{text}"
    );
    assert!(text.contains("passed, 0 failed"), "{text}");
}

/// `examples/cases/NAME.yaml` runs against `examples/NAME/`.
#[test]
fn every_example_case_file_passes_against_its_example() {
    let dir = root().join("examples/cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/cases")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "examples/cases holds no case files");
    let mut failures = Vec::new();
    for file in files {
        let stem = file
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let manifests = format!("examples/{stem}");
        assert!(
            root().join(&manifests).is_dir(),
            "examples/cases/{stem}.yaml has no examples/{stem}/ to run against"
        );
        let output = test(&manifests, &file, &[]);
        if output.status.code() != Some(0) {
            failures.push(format!("{}{}", stdout(&output), stderr(&output)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const FAILING: &str = "\
cases:
  - name: Contractors in the office still need MFA
    context: { groups: [Contractors], zones: [Corporate Network] }
    expect:
      signOn: { policy: Contractors, rule: Anywhere else, mfaRequired: true, sessionLifetime: 8h }
  - name: Employees get the contractor policy
    context: { groups: [Employees] }
    expect:
      signOn: { policy: Contractors }
  - name: Workday from a managed laptop
    context: { groups: [Employees], app: Workday }
    expect:
      access: { rule: \"Managed devices, two factors\" }
  - name: Contractors must enroll only Okta Verify
    context: { groups: [Contractors] }
    expect:
      mfaEnroll: { policy: Contractors MFA, requiredAuthenticators: [okta_verify] }
";

#[test]
fn a_failing_case_says_what_applied_instead_and_why() {
    let cases = CaseFile::new(FAILING);
    let output = test("examples/quickstart", &cases.path(), &["--color", "never"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = cases.shown(&stdout(&output));
    assert!(
        text.contains("why: rule \"Corporate network\" comes before \"Anywhere else\" in \"Contractors\" and matched first (the sign-in is from zone Corporate Network)"),
        "{text}"
    );
    assert!(
        text.contains("why: policy \"Contractors\": the user is in none of: Contractors (people.groups.include)"),
        "{text}"
    );
    insta::assert_snapshot!("failing_human", text);
}

#[test]
fn colour_is_only_on_request() {
    let cases = CaseFile::new(FAILING);
    let plain = stdout(&test("examples/quickstart", &cases.path(), &[]));
    assert!(!plain.contains('\u{1b}'), "not a terminal: no colour");
    let coloured = stdout(&test(
        "examples/quickstart",
        &cases.path(),
        &["--color", "always"],
    ));
    assert!(coloured.contains("\u{1b}[1;31mFAIL\u{1b}[0m"), "{coloured}");
}

#[test]
fn junit_has_one_testcase_per_case_and_the_failures() {
    let cases = CaseFile::new(&format!(
        "{FAILING}  - name: 'Passes <&> \"quotes\" and it''s fine'\n    context: {{ groups: [Contractors] }}\n    expect: {{ signOn: {{ policy: Contractors }} }}\n"
    ));
    let output = test("examples/quickstart", &cases.path(), &["--format", "junit"]);
    assert_eq!(output.status.code(), Some(1));
    let xml = cases.shown(&stdout(&output));
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 5, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 4, "{xml}");
    assert!(xml.contains("tests=\"5\" failures=\"4\""), "{xml}");
    assert!(
        xml.contains("name=\"Passes &lt;&amp;&gt; &quot;quotes&quot; and it&apos;s fine\""),
        "{xml}"
    );
    // Every element that opens closes, in order.
    let mut open: Vec<&str> = Vec::new();
    for tag in xml.split('<').skip(2) {
        let tag = tag.split('>').next().unwrap_or_default();
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "{xml}");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap_or_default());
        }
    }
    assert!(open.is_empty(), "unclosed {open:?} in {xml}");
    insta::assert_snapshot!("failing_junit", xml);
}

#[test]
fn json_reports_expected_and_actual_values() {
    let cases = CaseFile::new(FAILING);
    let output = test("examples/quickstart", &cases.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let document: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(document["kind"], "oktapol-test");
    assert_eq!(document["formatVersion"], 1);
    assert_eq!(document["summary"]["failed"], 4);
    let first = &document["results"][0]["expectations"][0];
    assert_eq!(first["target"], "signOn");
    assert_eq!(first["matched"]["rule"], "Corporate network");
    let lifetime = first["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["key"] == "sessionLifetime"))
        .expect("the sessionLifetime check");
    assert_eq!(lifetime["expected"], 480);
    assert_eq!(lifetime["actual"], 720);
    assert_eq!(lifetime["expectedText"], "8 h");
}

#[test]
fn markdown_and_github_formats() {
    let cases = CaseFile::new(FAILING);
    let markdown = stdout(&test(
        "examples/quickstart",
        &cases.path(),
        &["--format", "markdown"],
    ));
    assert!(
        markdown.starts_with("<!-- oktapol test -->\n### ❌ oktapol test"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| ❌ fail | Employees get the contractor policy |"),
        "{markdown}"
    );
    let github = cases.shown(&stdout(&test(
        "examples/quickstart",
        &cases.path(),
        &["--format", "github"],
    )));
    assert!(
        github.starts_with("::error file=[TMP]/cases.yaml,line=2,col=5,title=oktapol test%3A Contractors in the office still need MFA::"),
        "{github}"
    );
}

#[test]
fn an_expectation_on_a_kind_the_manifests_do_not_manage_fails() {
    let cases = CaseFile::new(
        "cases:\n  - name: Routing\n    context: { user: pat@northwind.com }\n    expect:\n      idpDiscovery: { applies: false }\n",
    );
    let output = test("examples/quickstart", &cases.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("idpDiscoveryPolicies are not in examples/quickstart; cannot evaluate"),
        "{text}"
    );
}

#[test]
fn bad_case_files_are_reported_at_their_place() {
    let cases = CaseFile::new(
        "cases:\n  - name: A\n    contxt: { groups: [Contractors] }\n    expect:\n      signOn: { mfaRequired: true, requiredAuthenticators: [okta_verify] }\n      sigOn: { policy: X }\n      password: { passwordMinLenght: 12 }\n",
    );
    let output = test("examples/quickstart", &cases.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let text = cases.shown(&stdout(&output));
    insta::assert_snapshot!("bad_case_file", text);
    assert!(
        text.contains("[TMP]/cases.yaml:3:5: unknown key `contxt`"),
        "{text}"
    );
    assert!(text.contains("help: did you mean `context`?"), "{text}");
    assert!(
        text.contains("[TMP]/cases.yaml:5:36: unknown key `requiredAuthenticators`"),
        "{text}"
    );
    assert!(
        text.contains("[TMP]/cases.yaml:6:7: unknown key `sigOn`"),
        "{text}"
    );
    assert!(text.contains("did you mean `passwordMinLength`?"), "{text}");
}

#[test]
fn a_missing_case_file_and_invalid_manifests_exit_one() {
    let output = test("examples/quickstart", Path::new("no/such/cases.yaml"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("cannot read no/such/cases.yaml"),
        "{}",
        stdout(&output)
    );

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("bad.yaml"),
        "signOnPolicies:\n  - name: A\n    priorty: 1\n",
    )
    .expect("write");
    let output = oktapol()
        .arg("test")
        .arg(dir.path())
        .arg("--cases")
        .arg("examples/cases/quickstart.yaml")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("OKP010"), "{}", stdout(&output));
    // JUnit keeps stdout for the report: problems go to stderr.
    let output = oktapol()
        .arg("test")
        .arg(dir.path())
        .args([
            "--format",
            "junit",
            "--cases",
            "examples/cases/quickstart.yaml",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(stderr(&output).contains("OKP010"), "{}", stderr(&output));
}
