//! `oktapol mfa-report`: snapshots of the quickstart org's and the
//! dedicated `examples/mfa` org's reports (human and Markdown), the JSON
//! document's shape, and invalid manifests.

use assert_cmd::Command;
use oktapol::mfa::report::{ReportFormat, build, render};

use crate::util::{root, validate_repo_path};

fn report(path: &str, format: ReportFormat) -> String {
    let validation = validate_repo_path(path);
    render(&build(&validation.set, path), format)
}

fn quickstart(format: ReportFormat) -> String {
    report("examples/quickstart", format)
}

#[test]
fn mfa_example_human() {
    let text = report("examples/mfa", ReportFormat::Human);
    // Admins must enroll a security key and may not use a phone; they are
    // asked for MFA at every sign-in and never get by with one factor.
    assert!(text.contains("not allowed:   phone_number"), "{text}");
    assert!(
        text.contains(
            "MFA asked by:    signOnPolicies[\"Administrators\"].rules[\"MFA at every sign-in\"]"
        ),
        "{text}"
    );
    insta::assert_snapshot!("mfa_example_mfa_report_human", text);
}

#[test]
fn mfa_example_markdown() {
    insta::assert_snapshot!(
        "mfa_example_mfa_report_markdown",
        report("examples/mfa", ReportFormat::Markdown)
    );
}

#[test]
fn quickstart_human() {
    insta::assert_snapshot!(
        "quickstart_mfa_report_human",
        quickstart(ReportFormat::Human)
    );
}

#[test]
fn quickstart_markdown() {
    insta::assert_snapshot!(
        "quickstart_mfa_report_markdown",
        quickstart(ReportFormat::Markdown)
    );
}

#[test]
fn json_names_each_group_with_its_enrollment_policy() {
    let output = Command::cargo_bin("oktapol")
        .expect("binary")
        .current_dir(root())
        .args(["mfa-report", "examples/quickstart", "--format", "json"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let contractors = report["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|g| g["group"] == "Contractors")
        .expect("a Contractors row");
    assert_eq!(contractors["enrollment"][0]["policy"], "Contractors MFA");
    assert_eq!(contractors["enrollment"][0]["prompt"], "CHALLENGE");
    assert_eq!(
        contractors["enrollment"][0]["required"],
        serde_json::json!(["okta_email", "okta_password", "okta_verify"])
    );
    let everyone = report["groups"]
        .as_array()
        .and_then(|groups| groups.last())
        .expect("groups");
    assert_eq!(everyone["group"], "Everyone");
}

#[test]
fn invalid_manifests_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bad.yaml"), "signOnPolicies: 3\n").expect("write");
    let output = Command::cargo_bin("oktapol")
        .expect("binary")
        .args(["mfa-report"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
}
