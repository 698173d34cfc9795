//! `oktapol apply` from the outside, against the embedded local org: it
//! asks for `--auto-approve` off a terminal and writes nothing without it;
//! it applies, then finds nothing to do; it applies a saved plan, and
//! refuses one the org has moved past; `--log-file` logs every write
//! without a secret; a guard refusal exits 1 before any write; a partial
//! apply exits 3 and names Okta's error.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use crate::util::root;

const TOKEN: &str = "SECRET-TOKEN-FOR-APPLY";

/// What a run of the binary produced.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// `oktapol ARGS --org local --local-seed <examples seed>` in `dir`, with
/// nothing inherited from the environment the tests run in.
fn oktapol(dir: &Path, args: &[&str]) -> Run {
    let mut command = Command::cargo_bin("oktapol").expect("binary");
    command
        .current_dir(dir)
        .env_remove("CI")
        .env_remove("OKTA_ORG_URL")
        .env_remove("OKTA_API_TOKEN")
        .env_remove("OKTA_CLIENT_ID")
        .env_remove("NO_COLOR")
        .args(args)
        .args(["--org", "local", "--local-seed"])
        .arg(root().join("examples/org-seed.yaml"));
    run(&mut command)
}

fn run(command: &mut Command) -> Run {
    let output = command.output().expect("the binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A fresh directory holding a copy of the quickstart in `quickstart/`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let quickstart = dir.path().join("quickstart");
    std::fs::create_dir(&quickstart).expect("mkdir");
    for entry in std::fs::read_dir(root().join("examples/quickstart")).expect("the quickstart") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = path.file_name().expect("a file name");
            std::fs::copy(&path, quickstart.join(name)).expect("copy");
        }
    }
    dir
}

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
}

/// Applies `path` with `--auto-approve`; it must succeed.
fn apply_ok(dir: &Path, path: &str) -> Run {
    let applied = oktapol(dir, &["apply", path, "--auto-approve"]);
    assert_eq!(applied.code, Some(0), "{}", applied.all());
    applied
}

/// `plan PATH --detailed-exitcode EXTRA`: its exit code (2: changes
/// present) and the plan it printed.
fn plan_code(dir: &Path, path: &str, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["plan", path, "--detailed-exitcode"];
    args.extend_from_slice(extra);
    let planned = oktapol(dir, &args);
    assert!(
        matches!(planned.code, Some(0 | 2)),
        "plan failed: {}",
        planned.all()
    );
    (planned.code, planned.stdout)
}

/// The quickstart's sign-on policy with the idle timeout of its
/// "Anywhere else" rule set to `minutes`.
fn sign_on_with_idle(minutes: u32) -> String {
    let original = std::fs::read_to_string(root().join("examples/quickstart/sign-on.yaml"))
        .expect("the quickstart's sign-on file");
    let from = "              maxSessionIdleMinutes: 60";
    assert!(original.contains(from), "the quickstart changed");
    original.replace(
        from,
        &format!("              maxSessionIdleMinutes: {minutes}"),
    )
}

#[test]
fn apply_off_a_terminal_needs_auto_approve_and_writes_nothing_without_it() {
    let dir = workspace();
    let before = plan_code(dir.path(), "quickstart", &[]);
    assert_eq!(before.0, Some(2), "{}", before.1);
    let refused = oktapol(dir.path(), &["apply", "quickstart"]);
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    assert!(
        refused.stderr.contains("--auto-approve"),
        "{}",
        refused.all()
    );
    assert!(
        !refused.all().contains("Apply complete"),
        "{}",
        refused.all()
    );
    assert_eq!(
        plan_code(dir.path(), "quickstart", &[]),
        before,
        "nothing was applied"
    );
}

#[test]
fn apply_completes_then_finds_nothing_to_do() {
    let dir = workspace();
    let first = apply_ok(dir.path(), "quickstart");
    assert!(first.stdout.contains("Apply complete"), "{}", first.all());
    assert!(first.stdout.contains("local org"), "{}", first.all());
    let again = apply_ok(dir.path(), "quickstart");
    assert!(again.stdout.contains("No changes"), "{}", again.all());
    assert!(!again.stdout.contains("Apply complete"), "{}", again.all());
    assert_eq!(plan_code(dir.path(), "quickstart", &[]).0, Some(0));
}

#[test]
fn apply_a_saved_plan() {
    let dir = workspace();
    let planned = oktapol(dir.path(), &["plan", "quickstart", "--out", "p.json"]);
    assert_eq!(planned.code, Some(0), "{}", planned.all());
    let applied = apply_ok(dir.path(), "p.json");
    assert!(
        applied.stdout.contains("Apply complete"),
        "{}",
        applied.all()
    );
    assert_eq!(plan_code(dir.path(), "quickstart", &[]).0, Some(0));
}

#[test]
fn apply_refuses_a_saved_plan_whose_objects_changed_since() {
    let dir = workspace();
    apply_ok(dir.path(), "quickstart");
    // The plan updates the "Anywhere else" rule…
    write(
        dir.path(),
        "quickstart/sign-on.yaml",
        &sign_on_with_idle(45),
    );
    let planned = oktapol(dir.path(), &["plan", "quickstart", "--out", "p.json"]);
    assert_eq!(planned.code, Some(0), "{}", planned.all());
    // …which someone else changes before it is applied.
    write(dir.path(), "other/sign-on.yaml", &sign_on_with_idle(30));
    apply_ok(dir.path(), "other");

    let stale = oktapol(dir.path(), &["apply", "p.json", "--auto-approve"]);
    assert_eq!(stale.code, Some(1), "{}", stale.all());
    assert!(
        stale
            .stderr
            .contains(r#"signOnPolicies["Contractors"].rules["Anywhere else"] was changed"#),
        "{}",
        stale.all()
    );
    assert!(!stale.all().contains("Apply complete"), "{}", stale.all());
    // The other change stands.
    assert_eq!(plan_code(dir.path(), "other", &[]).0, Some(0));
}

#[test]
fn apply_log_file_has_one_json_line_per_write_and_no_secret() {
    let dir = workspace();
    let mut command = Command::cargo_bin("oktapol").expect("binary");
    command
        .current_dir(dir.path())
        .env_remove("CI")
        .env_remove("OKTA_ORG_URL")
        .env_remove("OKTA_CLIENT_ID")
        .env("OKTA_API_TOKEN", TOKEN)
        .args([
            "apply",
            "quickstart",
            "--auto-approve",
            "--log-file",
            "writes.jsonl",
            "--org",
            "local",
            "--local-seed",
        ])
        .arg(root().join("examples/org-seed.yaml"));
    let applied = run(&mut command);
    assert_eq!(applied.code, Some(0), "{}", applied.all());
    assert!(!applied.all().contains(TOKEN));

    let log = std::fs::read_to_string(dir.path().join("writes.jsonl")).expect("the log");
    assert!(!log.contains(TOKEN), "{log}");
    let lines: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let made = applied
        .stdout
        .split("Apply complete: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("no count: {}", applied.all()));
    assert_eq!(lines.len(), made, "one line per change: {log}");
    for line in &lines {
        let method = line["method"].as_str().unwrap_or_default();
        assert!(
            matches!(method, "POST" | "PUT" | "DELETE"),
            "a write's method: {line}"
        );
        assert!(
            line["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/api/v1/")),
            "{line}"
        );
        assert_eq!(line["status"], "ok", "{line}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l["method"] == "POST" && l["path"] == "/api/v1/policies"),
        "{log}"
    );
}

#[test]
fn apply_refused_by_max_deletes_exits_1_and_writes_nothing() {
    let dir = workspace();
    apply_ok(dir.path(), "quickstart");
    write(
        dir.path(),
        "only-default/sign-on.yaml",
        "signOnPolicies:\n  - name: Default Policy\n    default: true\n",
    );
    let before = plan_code(dir.path(), "only-default", &["--prune"]);
    assert_eq!(before.0, Some(2), "{}", before.1);
    let refused = oktapol(
        dir.path(),
        &[
            "apply",
            "only-default",
            "--prune",
            "--max-deletes",
            "0",
            "--auto-approve",
        ],
    );
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    assert!(
        refused.stderr.contains("refused") && refused.stderr.contains("--max-deletes 0"),
        "{}",
        refused.all()
    );
    assert_eq!(
        plan_code(dir.path(), "only-default", &["--prune"]),
        before,
        "nothing was applied"
    );
}

#[test]
fn apply_partially_done_exits_3_and_names_the_error() {
    let dir = workspace();
    write(
        dir.path(),
        "partial/access.yaml",
        r#"accessPolicies:
  - name: Partner apps
    rules:
      - name: Ghost group
        conditions: { people: { groups: { include: ["id:00gDOESNOTEXIST"] } } }
        actions: { appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT2H } } }
      - name: Catch-all Rule
        default: true
        actions: { appSignOn: { access: DENY } }
"#,
    );
    write(
        dir.path(),
        "partial/sign-on.yaml",
        "signOnPolicies:
  - name: Independent
    conditions: { people: { groups: { include: [Employees] } } }
    rules:
      - name: Anywhere
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
  - name: Default Policy
    default: true
",
    );
    let partial = oktapol(dir.path(), &["apply", "partial", "--auto-approve"]);
    assert_eq!(partial.code, Some(3), "{}", partial.all());
    assert!(
        partial.stdout.contains("Apply finished partially"),
        "{}",
        partial.all()
    );
    assert!(
        partial
            .stdout
            .contains(r#"FAILED   create accessPolicies["Partner apps"].rules["Ghost group"]"#)
            && partial.stdout.contains("E0000001"),
        "{}",
        partial.all()
    );
    assert!(
        partial
            .stdout
            .contains(r#"done     activate signOnPolicies["Independent"]"#),
        "{}",
        partial.all()
    );
    assert!(
        partial.stdout.contains(
            r#"skipped  activate accessPolicies["Partner apps"] (because accessPolicies["Partner apps"].rules["Ghost group"] failed)"#
        ),
        "{}",
        partial.all()
    );
}
