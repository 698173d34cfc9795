//! `oktapol.yaml` from the outside: the binary in a repository whose
//! manifests use `${variables}`. Environments select the org and the
//! variables (`--env` and `OKTAPOL_ENV`), `manifests:` is the default path
//! (from a subdirectory too), variables keep their types, `$${` escapes,
//! nested and dotted names are one, undefined variables are findings at
//! `file:line:col` with a "did you mean", unknown config keys and secrets
//! in the file are errors at `file:line:col` (and the secret is never
//! repeated), flags win over environment variables, which win over the
//! file, and an environment's service app signs in to the emulator with
//! no credential in the environment but its key file.

use std::path::Path;

use assert_cmd::Command;
use oktapol::emulator::server::rate_limit::RateLimits;
use oktapol::emulator::server::{Config, serve};
use serde_json::Value;

use crate::util::root;

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

/// The binary in `dir`, with no org, credentials, environment, config or
/// CI settings inherited from the environment the tests run in.
fn oktapol(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("oktapol").expect("binary");
    command.current_dir(dir).arg("--color").arg("never");
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

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
}

const CONFIG: &str = "\
manifests: policies
variables:
  session:
    idleMinutes: 60
environments:
  dev:
    org: local
    localSeed: org-seed.yaml
    variables:
      groups:
        contractors: Contractors
      zones.office: [Corporate Network]
      mfa.required: true
  prod:
    org: https://acme.okta.com
    auth: { method: token }
    variables:
      groups.contractors: Contractors
      zones.office: [Corporate Network]
      mfa.required: true
";

/// A repository: `oktapol.yaml`, the quickstart under `policies/` with
/// variables in `sign-on.yaml`, and the examples' directory seed.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["access.yaml", "mfa-enroll.yaml", "password.yaml"] {
        let text = std::fs::read_to_string(root().join("examples/quickstart").join(name))
            .expect("the quickstart");
        write(dir.path(), &format!("policies/{name}"), &text);
    }
    write(dir.path(), "policies/sign-on.yaml", &templated_sign_on());
    std::fs::copy(
        root().join("examples/org-seed.yaml"),
        dir.path().join("org-seed.yaml"),
    )
    .expect("copy the seed");
    write(dir.path(), "oktapol.yaml", CONFIG);
    dir
}

/// The quickstart's sign-on policies with variables: a string in a flow
/// list (quoted, as YAML needs there), a whole list, a number, a boolean,
/// and an escaped `$${`.
fn templated_sign_on() -> String {
    let text = std::fs::read_to_string(root().join("examples/quickstart/sign-on.yaml"))
        .expect("the quickstart");
    let replaced = text
        .replace(
            "include: [Contractors]",
            "include: [\"${groups.contractors}\"]",
        )
        .replace("include: [Corporate Network]", "include: ${zones.office}")
        .replacen(
            "maxSessionIdleMinutes: 60",
            "maxSessionIdleMinutes: ${session.idleMinutes}",
            1,
        )
        .replacen("requireFactor: true", "requireFactor: ${mfa.required}", 1)
        .replace(
            "description: Contractors need MFA outside the corporate network",
            "description: Contractors need MFA outside the corporate network ($${not.a.variable})",
        );
    assert_eq!(replaced.matches("${").count(), 5, "{replaced}");
    replaced
}

/// The line and column of the first `needle` in a file of the repository.
fn position_of(dir: &Path, relative: &str, needle: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(dir.join(relative)).expect("read");
    let (index, line) = text
        .lines()
        .enumerate()
        .find(|(_, line)| line.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {relative}"));
    let column = line[..line.find(needle).expect("found")].chars().count() + 1;
    (index as u64 + 1, column as u64)
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}):\n{text}"))
}

#[test]
fn an_environment_fills_in_the_variables_and_validate_stays_offline() {
    let repo = repository();
    // No PATH: `manifests:` is the default; no org is needed to validate.
    let valid = run(oktapol(repo.path()).args(["validate", "--env", "dev"]));
    assert_eq!(valid.code, Some(0), "{}", valid.all());
    assert!(valid.stdout.contains("4 files valid"), "{}", valid.stdout);
    // OKTAPOL_ENV selects as --env does, from a subdirectory too.
    let deep = repo.path().join("policies");
    let from_env = run(oktapol(&deep).env("OKTAPOL_ENV", "prod").arg("validate"));
    assert_eq!(from_env.code, Some(0), "{}", from_env.all());
}

#[test]
fn without_an_environment_each_variable_is_a_finding_at_its_place() {
    let repo = repository();
    let invalid = run(oktapol(repo.path()).args(["validate", "--format", "json"]));
    assert_eq!(invalid.code, Some(1), "{}", invalid.all());
    let report = json_of(&invalid.stdout);
    let findings = report["findings"].as_array().expect("findings");
    // The shared `session.idleMinutes` is defined; the three others are not.
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(codes, ["OKP009"; 3], "{report:#}");
    let first = &findings[0];
    assert_eq!(first["file"], "policies/sign-on.yaml");
    let (line, column) = position_of(
        repo.path(),
        "policies/sign-on.yaml",
        "${groups.contractors}",
    );
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(line), Some(column))
    );
    assert!(
        first["hint"]
            .as_str()
            .is_some_and(|hint| hint.contains("--env NAME") && hint.contains("dev, prod")),
        "{first:#}"
    );
}

#[test]
fn a_misspelt_variable_gets_a_did_you_mean() {
    let repo = repository();
    let path = repo.path().join("policies/sign-on.yaml");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("${groups.contractors}", "${group.contractors}"),
    )
    .expect("write");
    let invalid =
        run(oktapol(repo.path()).args(["validate", "--env", "dev", "--format", "github"]));
    assert_eq!(invalid.code, Some(1), "{}", invalid.all());
    let (line, column) = position_of(repo.path(), "policies/sign-on.yaml", "${group.contractors}");
    let expected = format!(
        "::error file=policies/sign-on.yaml,line={line},col={column},title=OKP009 undefined variable::variable `group.contractors` is not defined in environment `dev` of oktapol.yaml%0Ahelp: did you mean `${{groups.contractors}}`?"
    );
    assert!(invalid.stdout.contains(&expected), "{}", invalid.stdout);
}

#[test]
fn plan_substitutes_typed_values_and_keeps_escapes() {
    let repo = repository();
    // In CI there is no implicit local org: the environment chose it.
    let planned = run(oktapol(repo.path())
        .env("CI", "true")
        .args(["plan", "--env", "dev", "--format", "json"]));
    assert_eq!(planned.code, Some(0), "{}", planned.all());
    assert!(
        planned.stderr.contains("Using the local org"),
        "{}",
        planned.stderr
    );
    let plan = planned.stdout;
    assert!(
        plan.contains("Contractors need MFA outside the corporate network (${not.a.variable})"),
        "{plan}"
    );
    assert!(!plan.contains("${groups"), "{plan}");
    // The same plan as the quickstart written out literally, but for the
    // escaped description.
    let literal = tempfile::tempdir().expect("tempdir");
    for name in [
        "access.yaml",
        "mfa-enroll.yaml",
        "password.yaml",
        "sign-on.yaml",
    ] {
        std::fs::copy(
            root().join("examples/quickstart").join(name),
            literal.path().join(name),
        )
        .expect("copy");
    }
    let seed = root().join("examples/org-seed.yaml");
    let reference = run(oktapol(literal.path())
        .args([
            "plan",
            ".",
            "--org",
            "local",
            "--format",
            "json",
            "--local-seed",
        ])
        .arg(&seed));
    assert_eq!(reference.code, Some(0), "{}", reference.all());
    let normalize = |text: &str| {
        let mut plan = json_of(text);
        strip_sources(&mut plan);
        plan.to_string()
            .replace(" (${not.a.variable})", "")
            .replace("policies/", "")
            .replace("./", "")
    };
    assert_eq!(normalize(&plan), normalize(&reference.stdout));
}

/// Drops what differs between two checkouts: source positions and the
/// local org's path.
fn strip_sources(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("source");
            map.remove("org");
            map.remove("fingerprint");
            for item in map.values_mut() {
                strip_sources(item);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_sources),
        _ => {}
    }
}

#[test]
fn unknown_keys_in_the_config_file_are_errors_at_their_place() {
    let repo = repository();
    write(
        repo.path(),
        "oktapol.yaml",
        "manifests: policies\nenviroments:\n  dev:\n    org: local\n",
    );
    let refused = run(oktapol(repo.path()).arg("validate"));
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    assert!(
        refused
            .stderr
            .contains("oktapol.yaml:2:1: unknown key `enviroments` in the config file"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("did you mean `environments`?"),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    // Commands that read no manifests and no org do not read the file.
    let schema = run(oktapol(repo.path()).arg("schema"));
    assert_eq!(schema.code, Some(0), "{}", schema.all());
}

#[test]
fn a_secret_in_the_config_file_is_refused_and_never_repeated() {
    let repo = repository();
    let token = "00sentinelSECRETtoken0123456789abcdefghijk";
    assert_eq!(token.len(), 42);
    write(
        repo.path(),
        "oktapol.yaml",
        &format!(
            "environments:\n  prod:\n    org: https://acme.okta.com\n    auth:\n      method: token\n      apiToken: {token}\n"
        ),
    );
    let refused = run(oktapol(repo.path()).args(["plan", "policies", "--env", "prod"]));
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    assert!(
        refused
            .stderr
            .contains("oktapol.yaml:6:7: `apiToken` looks like a secret"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("OKTA_API_TOKEN"),
        "{}",
        refused.stderr
    );
    assert!(!refused.all().contains(token), "{}", refused.all());
    assert!(
        !refused.all().contains("sentinelSECRET"),
        "{}",
        refused.all()
    );
}

#[test]
fn flags_win_over_environment_variables_which_win_over_the_file() {
    let repo = repository();
    // The file alone: prod's org, which wants OKTA_API_TOKEN.
    let from_file = run(oktapol(repo.path())
        .env("CI", "true")
        .args(["plan", "--env", "prod"]));
    assert_eq!(from_file.code, Some(1), "{}", from_file.all());
    assert!(
        from_file.stderr.contains("OKTA_API_TOKEN"),
        "{}",
        from_file.stderr
    );
    assert!(
        !from_file.all().contains("local org"),
        "{}",
        from_file.all()
    );
    // OKTA_ORG_URL wins over the file, and says so.
    let from_env = run(oktapol(repo.path())
        .env("CI", "true")
        .env("OKTA_ORG_URL", "local")
        .args(["plan", "--env", "prod", "--local-seed", "org-seed.yaml"]));
    assert_eq!(from_env.code, Some(0), "{}", from_env.all());
    assert!(
        from_env.stderr.contains(
            "note: OKTA_ORG_URL (local) overrides the org of environment `prod` (https://acme.okta.com)"
        ),
        "{}",
        from_env.stderr
    );
    // --org wins over both, silently.
    let from_flag = run(oktapol(repo.path())
        .env("CI", "true")
        .env("OKTA_ORG_URL", "https://other.okta.com")
        .args([
            "plan",
            "--env",
            "prod",
            "--org",
            "local",
            "--local-seed",
            "org-seed.yaml",
        ]));
    assert_eq!(from_flag.code, Some(0), "{}", from_flag.all());
    assert!(!from_flag.stderr.contains("note:"), "{}", from_flag.stderr);
    // --env wins over OKTAPOL_ENV.
    let chosen = run(oktapol(repo.path())
        .env("CI", "true")
        .env("OKTAPOL_ENV", "prod")
        .args(["plan", "--env", "dev"]));
    assert_eq!(chosen.code, Some(0), "{}", chosen.all());
    // An explicit PATH wins over `manifests:`.
    let elsewhere = run(oktapol(repo.path()).args(["validate", "--env", "dev", "org-seed.yaml"]));
    assert_eq!(elsewhere.code, Some(1), "{}", elsewhere.all());
}

#[test]
fn unknown_or_unconfigured_environments_are_named() {
    let repo = repository();
    let unknown = run(oktapol(repo.path()).args(["validate", "--env", "prd"]));
    assert_eq!(unknown.code, Some(1), "{}", unknown.all());
    assert!(
        unknown
            .stderr
            .contains("oktapol.yaml has no environment `prd`"),
        "{}",
        unknown.stderr
    );
    assert!(
        unknown.stderr.contains("did you mean `--env prod`?"),
        "{}",
        unknown.stderr
    );
    let bare = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(bare.path().join(".git")).expect("a repository root");
    let missing = run(oktapol(bare.path()).args(["validate", "--env", "dev"]));
    assert_eq!(missing.code, Some(1), "{}", missing.all());
    assert!(
        missing.stderr.contains("no oktapol.yaml"),
        "{}",
        missing.stderr
    );
    // --config names a file anywhere.
    let named = run(oktapol(bare.path())
        .arg("--config")
        .arg(repo.path().join("oktapol.yaml"))
        .args(["validate", "--env", "dev"]));
    assert_eq!(named.code, Some(0), "{}", named.all());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environments_service_app_signs_in_with_its_key_file() {
    let repo = repository();
    let fixtures = root().join("tests/fixtures/oauth");
    let public = std::fs::read_to_string(fixtures.join("ec-public.pem")).expect("key");
    let mut seed = std::fs::read_to_string(root().join("examples/org-seed.yaml")).expect("seed");
    let indented: String = public
        .lines()
        .map(|line| format!("      {line}\n"))
        .collect();
    seed.push_str(&format!(
        "serviceApps:\n  - clientId: 0oa-ci-app\n    publicKey: |\n{indented}    scopes: [okta.policies.read, okta.apps.read, okta.groups.read, okta.networkZones.read]\n"
    ));
    write(repo.path(), "emulator-seed.yaml", &seed);
    std::fs::copy(
        fixtures.join("ec-private.pem"),
        repo.path().join("ci-key.pem"),
    )
    .expect("key");
    let mut config = Config::new("SECRET-ADMIN-TOKEN");
    config.seed = Some(repo.path().join("emulator-seed.yaml"));
    config.rate_limits = RateLimits::off();
    let server = serve(config).await.expect("the emulator starts");
    write(
        repo.path(),
        "oktapol.yaml",
        &format!(
            "{CONFIG}  emulator:\n    org: {}\n    auth: {{ method: oauth, clientId: 0oa-ci-app, privateKeyFile: ci-key.pem }}\n    variables:\n      groups.contractors: Contractors\n      zones.office: [Corporate Network]\n      mfa.required: true\n",
            server.url()
        ),
    );
    let mut command = oktapol(repo.path());
    command
        .env("CI", "true")
        .args(["plan", "--env", "emulator"]);
    let planned = tokio::task::spawn_blocking(move || run(&mut command))
        .await
        .expect("ran");
    assert_eq!(planned.code, Some(0), "{}", planned.all());
    assert!(
        planned
            .stdout
            .starts_with(&format!("oktapol plan for {}", server.url())),
        "{}",
        planned.stdout
    );
    server.shutdown().await;
}

#[test]
fn export_writes_into_the_manifest_directory_of_the_config_file() {
    let repo = repository();
    let refused = run(oktapol(repo.path()).args(["export", "--env", "dev"]));
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    assert!(
        refused
            .stderr
            .contains("policies/sign-on.yaml already exists"),
        "{}",
        refused.stderr
    );
    let written = run(oktapol(repo.path()).args(["export", "--env", "dev", "--out", "exported"]));
    assert_eq!(written.code, Some(0), "{}", written.all());
    assert!(repo.path().join("exported/sign-on.yaml").is_file());
}
