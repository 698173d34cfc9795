//! The CI examples under `examples/ci/` cannot rot: every `oktapol` command
//! in the GitHub workflow and the GitLab pipeline is run, as the runner's
//! shell would run it (redirections and all), in a copy of a policy
//! repository (the quickstart under `policies/`) against the emulator on
//! 127.0.0.1, with `CI=true` and the secrets the workflow maps pointing at
//! it. The jobs run as a pull request's life runs them: the pull request
//! (validate, plan), the merge (plan and apply), the nightly drift check
//! (exit 0), a change made by hand in the org, and the drift check again
//! (exit 2). A command with a flag oktapol does not have exits 1 and fails
//! the test, naming the file, the job and the command.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use oktapol::emulator::server::rate_limit::RateLimits;
use oktapol::emulator::server::{Config, Server, serve};
use serde_json::Value;

use crate::util::root;

/// The emulator's SSWS token: the GitLab pipeline's OKTA_API_TOKEN, and the
/// hand that changes the org.
const TOKEN: &str = "ci-example-token";
/// The service app the GitHub workflow's secrets name.
const CLIENT_ID: &str = "0oa-ci-example";

/// When a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// A pull (merge) request is opened or pushed to.
    Review,
    /// The pull request is merged: a push to the default branch.
    Merge,
    /// The nightly schedule.
    Schedule,
}

/// One `oktapol` command of a job.
#[derive(Debug, Clone)]
struct Step {
    job: String,
    command: String,
    /// The environment the workflow gives it (secrets mapped to the test's).
    env: BTreeMap<String, String>,
}

/// The jobs of a workflow file by the event that runs them, in file order.
type Jobs = BTreeMap<Event, Vec<Step>>;

fn read_yaml(relative: &str) -> Value {
    let text = std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|error| panic!("{relative}: {error}"));
    oktapol::manifest::load::parse(0, &text)
        .unwrap_or_else(|finding| panic!("{relative} is not YAML: {}", finding.message))
}

/// The `oktapol` commands in a shell script: each command that starts
/// with `oktapol` (at the start of a line, or after `|`, `||`, `&&`, `;`,
/// `$(`, `!` or `if`), up to the next operator that ends it. Redirections
/// stay with the command.
fn oktapol_commands(script: &str) -> Vec<String> {
    let joined = script.replace("\\\n", " ");
    let mut commands = Vec::new();
    for line in joined.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let mut starts = vec![0];
        let chars: Vec<char> = line.chars().collect();
        let mut quote: Option<char> = None;
        let mut index = 0;
        while index < chars.len() {
            let c = chars[index];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '#' && (index == 0 || chars[index - 1] == ' ') => break,
                // The second character of `||` and `&&` starts the command.
                None if matches!(c, '|' | '&' | ';' | '(' | '!')
                    && !matches!(chars.get(index + 1), Some('|' | '&')) =>
                {
                    starts.push(index + 1);
                }
                None => {}
            }
            index += 1;
        }
        for start in starts {
            let rest: String = chars[start.min(chars.len())..].iter().collect();
            let rest = rest.trim_start_matches(['|', '&', ' ']);
            let rest = rest.strip_prefix("if ").unwrap_or(rest).trim_start();
            if let Some(command) = rest.strip_prefix("oktapol ") {
                let command = end_of_command(command);
                let words: Vec<&str> = command.split_whitespace().collect();
                commands.push(format!("oktapol {}", words.join(" ")));
            }
        }
    }
    commands
}

/// The command up to the first unquoted `|`, `&`, `;` or `)`.
fn end_of_command(text: &str) -> String {
    let mut quote: Option<char> = None;
    for (index, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if matches!(c, '|' | '&' | ';' | ')') => return text[..index].trim().to_owned(),
            None => {}
        }
    }
    text.trim().to_owned()
}

/// The secrets the test gives a workflow, by name.
fn secret(name: &str, org: &Server) -> String {
    match name {
        "OKTA_ORG_URL" => org.url().to_owned(),
        "OKTA_CLIENT_ID" => CLIENT_ID.to_owned(),
        "OKTA_PRIVATE_KEY" => fixture("ec-private.pem"),
        "OKTA_API_TOKEN" => TOKEN.to_owned(),
        other => panic!("the workflow uses the secret {other}, which the test does not provide"),
    }
}

/// A GitHub Actions `env:` mapping with `${{ secrets.X }}` filled in
/// (other expressions become placeholders).
fn github_env(env: Option<&Value>, org: &Server, into: &mut BTreeMap<String, String>) {
    let Some(Value::Object(env)) = env else {
        return;
    };
    for (name, value) in env {
        let text = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let value = match text
            .trim()
            .strip_prefix("${{")
            .and_then(|rest| rest.strip_suffix("}}"))
        {
            Some(expression) => match expression.trim().strip_prefix("secrets.") {
                Some(secret_name) => secret(secret_name, org),
                None => format!("placeholder-for-{}", expression.trim()),
            },
            None => text,
        };
        into.insert(name.clone(), value);
    }
}

fn github_jobs(org: &Server) -> Jobs {
    let workflow = read_yaml("examples/ci/github/oktapol.yml");
    for event in ["pull_request", "push", "schedule"] {
        assert!(
            workflow["on"].get(event).is_some(),
            "the workflow does not run on {event}"
        );
    }
    let mut top = BTreeMap::new();
    github_env(workflow.get("env"), org, &mut top);
    let mut jobs = Jobs::new();
    let Some(Value::Object(all)) = workflow.get("jobs") else {
        panic!("no jobs");
    };
    for (name, job) in all {
        let condition = job["if"].as_str().unwrap_or_default();
        let event = if condition.contains("'pull_request'") {
            Event::Review
        } else if condition.contains("'push'") {
            Event::Merge
        } else if condition.contains("'schedule'") {
            Event::Schedule
        } else {
            panic!("job {name} runs on no event the test knows: if: {condition}")
        };
        let mut env = top.clone();
        github_env(job.get("env"), org, &mut env);
        for step in job["steps"].as_array().into_iter().flatten() {
            let mut step_env = env.clone();
            github_env(step.get("env"), org, &mut step_env);
            for command in oktapol_commands(step["run"].as_str().unwrap_or_default()) {
                jobs.entry(event).or_default().push(Step {
                    job: name.clone(),
                    command,
                    env: step_env.clone(),
                });
            }
        }
    }
    jobs
}

fn gitlab_jobs(org: &Server) -> Jobs {
    let pipeline = read_yaml("examples/ci/gitlab/.gitlab-ci.yml");
    let Value::Object(all) = &pipeline else {
        panic!("not a mapping");
    };
    // Project CI/CD variables reach every job; the file's own come first.
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    if let Some(Value::Object(variables)) = pipeline.get("variables") {
        for (name, value) in variables {
            let value = value
                .as_str()
                .unwrap_or_default()
                .replace("$CI_PROJECT_DIR", "/tmp/ci-project-dir-unused");
            env.insert(name.clone(), value);
        }
    }
    for name in ["OKTA_ORG_URL", "OKTA_API_TOKEN"] {
        env.insert(name.to_owned(), secret(name, org));
    }
    let mut jobs = Jobs::new();
    for (name, job) in all {
        let Some(rules) = job.get("rules").and_then(Value::as_array) else {
            continue;
        };
        let conditions: Vec<&str> = rules.iter().filter_map(|r| r["if"].as_str()).collect();
        let event = if conditions.iter().any(|c| c.contains("merge_request_event")) {
            Event::Review
        } else if conditions.iter().any(|c| c.contains("$CI_DEFAULT_BRANCH")) {
            Event::Merge
        } else if conditions.iter().any(|c| c.contains("\"schedule\"")) {
            Event::Schedule
        } else {
            panic!("job {name} runs on no event the test knows: {conditions:?}")
        };
        for key in ["before_script", "script", "after_script"] {
            let lines: Vec<String> = match job.get(key) {
                Some(Value::Array(lines)) => lines
                    .iter()
                    .filter_map(|l| l.as_str().map(str::to_owned))
                    .collect(),
                Some(Value::String(line)) => vec![line.clone()],
                _ => Vec::new(),
            };
            for line in lines {
                for command in oktapol_commands(&line) {
                    jobs.entry(event).or_default().push(Step {
                        job: name.clone(),
                        command,
                        env: env.clone(),
                    });
                }
            }
        }
    }
    jobs
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures/oauth").join(name))
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The emulator with the examples' directory objects and the workflow's
/// service app, allowed everything the quickstart needs.
async fn emulator(dir: &Path) -> Server {
    let mut seed = std::fs::read_to_string(root().join("examples/org-seed.yaml")).expect("seed");
    let public: String = fixture("ec-public.pem")
        .lines()
        .map(|line| format!("      {line}\n"))
        .collect();
    seed.push_str(&format!(
        "serviceApps:\n  - clientId: {CLIENT_ID}\n    publicKey: |\n{public}    scopes: [okta.policies.read, okta.policies.manage, okta.apps.read, okta.apps.manage, okta.groups.read, okta.networkZones.read, okta.idps.read, okta.userTypes.read]\n"
    ));
    let path = dir.join("emulator-seed.yaml");
    std::fs::write(&path, seed).expect("write the seed");
    let mut config = Config::new(TOKEN);
    config.seed = Some(path);
    config.rate_limits = RateLimits::off();
    serve(config).await.expect("the emulator starts")
}

/// A policy repository: the quickstart under `policies/`.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).expect("mkdir");
    for entry in std::fs::read_dir(root().join("examples/quickstart")).expect("quickstart") {
        let path = entry.expect("entry").path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, policies.join(name)).expect("copy");
        }
    }
    dir
}

/// The directory of the oktapol binary under test, for PATH.
fn binary_dir() -> PathBuf {
    let binary = assert_cmd::cargo::cargo_bin("oktapol");
    binary.parent().expect("a directory").to_path_buf()
}

/// Runs a step's command with bash in `repo`; its exit code and output.
async fn run(step: &Step, repo: &Path) -> (Option<i32>, String) {
    let mut command = std::process::Command::new("bash");
    command
        .arg("-c")
        .arg(&step.command)
        .current_dir(repo)
        .env_clear()
        .env(
            "PATH",
            format!(
                "{}:{}",
                binary_dir().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("HOME", repo)
        .env("CI", "true")
        .envs(&step.env);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("ran")
        .expect("bash runs");
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), shown)
}

/// Runs every command of `event`'s jobs, expecting `code` from the ones
/// with `--detailed-exitcode` and 0 from the others.
async fn run_event(file: &str, jobs: &Jobs, event: Event, repo: &Path, drift_code: i32) {
    let steps = jobs
        .get(&event)
        .unwrap_or_else(|| panic!("{file} has no oktapol command on {event:?}"));
    for step in steps {
        let expected = if step.command.contains("--detailed-exitcode") {
            drift_code
        } else {
            0
        };
        let (code, shown) = run(step, repo).await;
        assert_eq!(
            code,
            Some(expected),
            "{file}, job {}: `{}` exited {code:?}, the workflow expects {expected}:\n{shown}",
            step.job,
            step.command
        );
    }
}

/// Changes the Contractors sign-on policy's description by hand, through
/// the API, as an admin in the Admin Console would.
async fn change_by_hand(org: &Server) {
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let auth = format!("SSWS {TOKEN}");
    let policies: Value = client
        .get(format!("{}/api/v1/policies?type=OKTA_SIGN_ON", org.url()))
        .header("Authorization", &auth)
        .send()
        .await
        .expect("listed")
        .json()
        .await
        .expect("JSON");
    let mut policy = policies
        .as_array()
        .and_then(|all| all.iter().find(|p| p["name"] == "Contractors"))
        .cloned()
        .expect("the merged Contractors policy");
    policy["description"] = Value::from("changed by hand in the Admin Console");
    let id = policy["id"].as_str().expect("an id").to_owned();
    let status = client
        .put(format!("{}/api/v1/policies/{id}", org.url()))
        .header("Authorization", &auth)
        .json(&policy)
        .send()
        .await
        .expect("updated")
        .status();
    assert!(status.is_success(), "{status}");
}

/// The whole life of a pull request, through one workflow file.
async fn pull_request_life(file: &str, jobs: fn(&Server) -> Jobs, expect: &[(Event, &str)]) {
    let repo = repository();
    let org = emulator(repo.path()).await;
    let jobs = jobs(&org);
    for (event, needle) in expect {
        assert!(
            jobs.get(event)
                .is_some_and(|steps| steps.iter().any(|s| s.command.contains(needle))),
            "{file}: no `{needle}` on {event:?}: {jobs:#?}"
        );
    }
    run_event(file, &jobs, Event::Review, repo.path(), 0).await;
    run_event(file, &jobs, Event::Merge, repo.path(), 0).await;
    // Nothing changed since the merge: no drift.
    run_event(file, &jobs, Event::Schedule, repo.path(), 0).await;
    change_by_hand(&org).await;
    run_event(file, &jobs, Event::Schedule, repo.path(), 2).await;
    for output in std::fs::read_dir(repo.path()).expect("the repository") {
        let path = output.expect("entry").path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for secret in [
            TOKEN,
            fixture("ec-private.pem").lines().nth(1).unwrap_or("-"),
        ] {
            assert!(
                !text.contains(secret),
                "{file}: {} holds a secret",
                path.display()
            );
        }
    }
    let drift = std::fs::read_to_string(repo.path().join("drift.md")).expect("drift.md");
    assert!(drift.contains("Contractors"), "{drift}");
    org.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_github_workflow_runs_against_the_emulator() {
    pull_request_life(
        "examples/ci/github/oktapol.yml",
        github_jobs,
        &[
            (Event::Review, "validate policies --format sarif"),
            (Event::Review, "plan policies --impact --format markdown"),
            (Event::Merge, "apply plan.json --auto-approve"),
            (Event::Schedule, "--detailed-exitcode"),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gitlab_pipeline_runs_against_the_emulator() {
    pull_request_life(
        "examples/ci/gitlab/.gitlab-ci.yml",
        gitlab_jobs,
        &[
            (Event::Review, "validate policies"),
            (Event::Review, "plan policies --impact --format markdown"),
            (Event::Merge, "apply plan.json --auto-approve"),
            (Event::Schedule, "--detailed-exitcode"),
        ],
    )
    .await;
}

#[test]
fn commands_are_found_where_a_shell_runs_them() {
    let script = "\
set +e
oktapol plan policies --detailed-exitcode --format markdown > drift.md
command -v oktapol || cargo install --git x oktapol
if oktapol validate policies; then echo ok; fi
code=$(oktapol plan --format json | jq .summary) && oktapol apply plan.json \\
  --auto-approve
# oktapol commented out
echo \"oktapol in quotes\" # oktapol in a comment
";
    assert_eq!(
        oktapol_commands(script),
        [
            "oktapol plan policies --detailed-exitcode --format markdown > drift.md",
            "oktapol validate policies",
            "oktapol plan --format json",
            "oktapol apply plan.json --auto-approve",
        ]
    );
}

#[test]
fn a_flag_oktapol_does_not_have_fails_the_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let step = Step {
        job: "plan".to_owned(),
        command: "oktapol plan policies --no-such-flag".to_owned(),
        env: BTreeMap::new(),
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (code, shown) = runtime.block_on(run(&step, dir.path()));
    assert_eq!(code, Some(1), "{shown}");
    assert!(shown.contains("--no-such-flag"), "{shown}");
}
