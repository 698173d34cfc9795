//! The binary as a user first meets it: `--help` of every subcommand shows
//! examples, `--version` names the commit it was built from, `oktapol man`
//! renders the man pages, and `-v` / `-vv` trace to stderr — the steps, then
//! every API request — without ever showing a secret (an API token, a
//! service app's private key or its access tokens), at any verbosity.

use std::path::Path;

use assert_cmd::Command;
use clap::CommandFactory;
use oktapol::cli::Args;
use oktapol::emulator::server::rate_limit::RateLimits;
use oktapol::emulator::server::{Config, serve};

use crate::util::root;

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

fn oktapol(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("oktapol").expect("binary");
    command.current_dir(dir);
    for var in [
        "CI",
        "NO_COLOR",
        "OKTA_ORG_URL",
        "OKTA_API_TOKEN",
        "OKTA_CLIENT_ID",
        "OKTA_PRIVATE_KEY",
        "OKTA_PRIVATE_KEY_FILE",
        "OKTA_KEY_ID",
        "OKTA_SCOPES",
        "OKTAPOL_ENV",
        "OKTAPOL_CONFIG",
    ] {
        command.env_remove(var);
    }
    command
}

fn run(command: &mut Command) -> Run {
    let output = command.output().expect("the binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn run_async(mut command: Command) -> Run {
    tokio::task::spawn_blocking(move || run(&mut command))
        .await
        .expect("ran")
}

#[test]
fn every_subcommand_help_has_examples() {
    let command = Args::command();
    let mut checked = 0;
    for sub in command.get_subcommands() {
        let name = sub.get_name();
        let help = sub.clone().render_long_help().to_string();
        assert!(
            help.contains("Examples:") && help.contains(&format!("  oktapol {name}")),
            "`oktapol {name} --help` shows no example:\n{help}"
        );
        checked += 1;
    }
    assert!(checked >= 11, "only {checked} subcommands");
    let top = Args::command().render_long_help().to_string();
    assert!(top.contains("Examples:\n  oktapol "), "{top}");
    // And so does the binary.
    let shown = run(oktapol(&root()).args(["plan", "--help"]));
    assert_eq!(shown.code, Some(0));
    assert!(
        shown.stdout.contains("Examples:\n  oktapol plan"),
        "{}",
        shown.stdout
    );
}

#[test]
fn version_names_the_commit() {
    let shown = run(oktapol(&root()).arg("--version"));
    assert_eq!(shown.code, Some(0), "{}", shown.all());
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    assert_eq!(
        shown.stdout.trim(),
        format!("oktapol {} (commit {commit})", env!("CARGO_PKG_VERSION"))
    );
    // Subcommands report the same version.
    let sub = run(oktapol(&root()).args(["plan", "--version"]));
    assert_eq!(
        sub.stdout.trim(),
        format!(
            "oktapol-plan {} (commit {commit})",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn man_pages_render_for_every_command() {
    let page = run(oktapol(&root()).arg("man"));
    assert_eq!(page.code, Some(0), "{}", page.all());
    assert!(
        page.stdout.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        page.stdout
    );
    assert!(page.stdout.contains(".TH oktapol 1"), "{}", page.stdout);
    for sub in ["validate", "plan", "apply", "emulator"] {
        assert!(
            page.stdout.contains(&format!("oktapol\\-{sub}(1)")),
            "{sub}"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("man1");
    let written = run(oktapol(&root()).arg("man").arg("--out").arg(&out));
    assert_eq!(written.code, Some(0), "{}", written.all());
    for name in [
        "oktapol.1",
        "oktapol-plan.1",
        "oktapol-apply.1",
        "oktapol-man.1",
    ] {
        let text = std::fs::read_to_string(out.join(name)).unwrap_or_default();
        assert!(text.contains(".TH oktapol"), "{name}: {text}");
    }
    let plan = std::fs::read_to_string(out.join("oktapol-plan.1")).expect("plan page");
    assert!(plan.contains("detailed\\-exitcode"), "{plan}");
}

/// A fresh directory with the quickstart and the seed.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let quickstart = dir.path().join("quickstart");
    std::fs::create_dir(&quickstart).expect("mkdir");
    for entry in std::fs::read_dir(root().join("examples/quickstart")).expect("quickstart") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, quickstart.join(path.file_name().expect("name"))).expect("copy");
    }
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_traces_go_to_stderr_and_never_show_a_secret() {
    const SENTINEL: &str = "SENTINEL-TOKEN-5f1c0a9e";
    let mut config = Config::new(SENTINEL);
    config.seed = Some(root().join("examples/org-seed.yaml"));
    config.rate_limits = RateLimits::off();
    let server = serve(config).await.expect("the emulator starts");
    let dir = workspace();
    let plan = |verbose: Option<&str>| {
        let mut command = oktapol(dir.path());
        command.env("OKTA_API_TOKEN", SENTINEL).args([
            "--color",
            "never",
            "plan",
            "quickstart",
            "--org",
            server.url(),
        ]);
        if let Some(flag) = verbose {
            command.arg(flag);
        }
        command
    };
    let quiet = run_async(plan(None)).await;
    let steps = run_async(plan(Some("-v"))).await;
    let requests = run_async(plan(Some("-vv"))).await;
    for shown in [&quiet, &steps, &requests] {
        assert_eq!(shown.code, Some(0), "{}", shown.all());
        assert!(!shown.all().contains(SENTINEL), "{}", shown.all());
        // Tracing never mixes into the plan on stdout.
        assert_eq!(shown.stdout, quiet.stdout);
    }
    assert!(!quiet.stderr.contains("INFO"), "{}", quiet.stderr);
    assert!(
        steps
            .stderr
            .contains(&format!("INFO org: {}", server.url())),
        "{}",
        steps.stderr
    );
    assert!(!steps.stderr.contains("DEBUG"), "{}", steps.stderr);
    assert!(
        requests.stderr.contains("GET /api/v1/policies → 200"),
        "{}",
        requests.stderr
    );
    assert!(
        requests
            .stderr
            .contains("GET /.well-known/okta-organization"),
        "{}",
        requests.stderr
    );

    // A service app: neither its private key nor its tokens, even at -vvv.
    let fixtures = root().join("tests/fixtures/oauth");
    let private = std::fs::read_to_string(fixtures.join("ec-private.pem")).expect("key");
    let seed_dir = tempfile::tempdir().expect("tempdir");
    let public: String = std::fs::read_to_string(fixtures.join("ec-public.pem"))
        .expect("key")
        .lines()
        .map(|line| format!("      {line}\n"))
        .collect();
    let mut seed = std::fs::read_to_string(root().join("examples/org-seed.yaml")).expect("seed");
    seed.push_str(&format!(
        "serviceApps:\n  - clientId: 0oa-verbose\n    publicKey: |\n{public}    scopes: [okta.policies.read, okta.apps.read, okta.groups.read, okta.networkZones.read]\n"
    ));
    std::fs::write(seed_dir.path().join("seed.yaml"), seed).expect("seed");
    let mut config = Config::new(SENTINEL);
    config.seed = Some(seed_dir.path().join("seed.yaml"));
    config.rate_limits = RateLimits::off();
    let app_org = serve(config).await.expect("the emulator starts");
    let mut command = oktapol(dir.path());
    command
        .env("OKTA_CLIENT_ID", "0oa-verbose")
        .env("OKTA_PRIVATE_KEY", &private)
        .args(["-vvv", "plan", "quickstart", "--org", app_org.url()]);
    let traced = run_async(command).await;
    assert_eq!(traced.code, Some(0), "{}", traced.all());
    assert!(traced.stderr.contains("DEBUG"), "{}", traced.stderr);
    for line in private.lines().filter(|line| !line.starts_with("-----")) {
        assert!(!traced.all().contains(line), "{}", traced.all());
    }
    assert!(
        !traced.all().contains("oktapol-emulator-"),
        "an access token was shown: {}",
        traced.all()
    );
    assert!(
        !traced.all().contains("eyJ"),
        "a JWT was shown: {}",
        traced.all()
    );
    server.shutdown().await;
    app_org.shutdown().await;
}
