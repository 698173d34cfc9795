//! The binary's contract: exit codes, `--strict`, formats on stdout, and
//! usage errors.

use assert_cmd::Command;

use crate::util::root;

fn oktapol() -> Command {
    let mut command = Command::cargo_bin("oktapol").expect("binary");
    command.env_remove("NO_COLOR").current_dir(root());
    command
}

const WARNING_ONLY: &str = "\
passwordPolicies:
  - name: Short
    settings: { password: { complexity: { minLength: 6 } } }
    rules: [{ name: R, actions: { passwordChange: { access: ALLOW } } }]
";

#[test]
fn valid_manifests_exit_zero() {
    let output = oktapol()
        .args(["validate", "examples/quickstart"])
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("valid, no findings"));
}

#[test]
fn warnings_fail_only_with_strict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.yaml");
    std::fs::write(&path, WARNING_ONLY).expect("write");
    let plain = oktapol().arg("validate").arg(&path).output().expect("runs");
    assert_eq!(plain.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&plain.stdout).contains("OKP201"));
    let strict = oktapol()
        .arg("validate")
        .arg("--strict")
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn errors_exit_one_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.yaml");
    std::fs::write(&path, "signOnPolicies:\n  - name: A\n    priorty: 1\n").expect("write");
    for format in ["human", "json", "markdown", "github", "sarif"] {
        let output = oktapol()
            .args(["validate", "--format", format])
            .arg(&path)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1), "format {format}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("OKP010"), "format {format}: {stdout}");
        assert!(stdout.contains('3'), "format {format} names the line");
        assert!(output.stderr.is_empty(), "format {format} wrote to stderr");
    }
}

#[test]
fn missing_path_is_a_clear_error() {
    let output = oktapol()
        .args(["validate", "no/such/dir"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("OKP001") && stdout.contains("no/such/dir"),
        "{stdout}"
    );
}

#[test]
fn usage_errors_exit_one() {
    let output = oktapol()
        .args(["validate", "--format", "yaml"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("yaml"));
    let help = oktapol()
        .args(["validate", "--help"])
        .output()
        .expect("runs");
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Examples:"));
}

#[test]
fn colour_only_when_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.yaml");
    std::fs::write(&path, "signOnPolicies:\n  - name: A\n    priorty: 1\n").expect("write");
    let plain = oktapol().arg("validate").arg(&path).output().expect("runs");
    assert!(
        !plain.stdout.contains(&0x1b),
        "no escape codes when not a terminal"
    );
    let coloured = oktapol()
        .args(["--color", "always", "validate"])
        .arg(&path)
        .output()
        .expect("runs");
    assert!(coloured.stdout.contains(&0x1b));
}

#[test]
fn help_never_shows_the_emulator_token_from_the_environment() {
    let secret = "env-secret-7c41";
    let output = oktapol()
        .args(["emulator", "--help"])
        .env("OKTAPOL_EMULATOR_TOKEN", secret)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        all.contains("OKTAPOL_EMULATOR_TOKEN"),
        "the variable is documented"
    );
    assert!(!all.contains(secret), "its value is not");
}

#[test]
fn a_directory_without_manifests_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("notes.txt"), "not a manifest").expect("write");
    std::fs::create_dir(dir.path().join(".github")).expect("mkdir");
    std::fs::write(dir.path().join(".github/ci.yml"), "on: push\n").expect("write");
    let output = oktapol()
        .arg("validate")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("OKP008"),
        "hidden directories are skipped, so nothing is found: {stdout}"
    );
}

#[test]
fn completions_cover_every_command_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = oktapol()
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        for word in [
            "validate",
            "plan",
            "apply",
            "emulator",
            "auto-approve",
            "detailed-exitcode",
        ] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let unknown = oktapol()
        .args(["completions", "tcsh"])
        .output()
        .expect("runs");
    assert_eq!(unknown.status.code(), Some(1));
}
