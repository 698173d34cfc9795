//! `oktapol plan` from the outside: the binary against the embedded local
//! org (explicit, implicit, refused in CI), `--out` and its file mode,
//! snapshots of every rendering of the quickstart plan, findings instead of
//! a plan, and the binary against the emulator over HTTP (the token kept
//! out of every output, org selection by flag and environment, the fewest
//! read calls past a page of 200). In-process: a 429 waited out on an
//! injected clock, and live objects with members and values oktapol does
//! not model.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use oktapol::client::wire::{Policy, PolicyRule, PolicyRuleType, PolicyType};
use oktapol::client::{HttpClient, HttpConfig};
use oktapol::clock::{Clock, ManualClock};
use oktapol::emulator::Engine;
use oktapol::emulator::org::Org;
use oktapol::emulator::seed::Seed;
use oktapol::emulator::server::connection::accept_loop;
use oktapol::emulator::server::rate_limit::RateLimits;
use oktapol::emulator::server::{Config, Emulator, Server, serve};
use oktapol::plan::{Options, PlanError, make_plan};
use oktapol::validate::validate_path;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::util::root;

const TOKEN: &str = "SECRET-TOKEN-123";

/// What a run of the binary produced.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn first_stderr_line(&self) -> &str {
        self.stderr.lines().next().unwrap_or_default()
    }

    /// Everything the run printed, for "never shows X" checks.
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// The binary in `dir`, with no org, token, CI or colour settings
/// inherited from the environment the tests run in.
fn oktapol(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("oktapol").expect("binary");
    command
        .current_dir(dir)
        .env_remove("CI")
        .env_remove("OKTA_ORG_URL")
        .env_remove("OKTA_API_TOKEN")
        .env_remove("NO_COLOR");
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

/// Runs the binary off the async runtime, so an in-process emulator keeps
/// serving meanwhile.
async fn run_async(mut command: Command) -> Run {
    tokio::task::spawn_blocking(move || run(&mut command))
        .await
        .expect("the run finished")
}

fn repo(relative: &str) -> PathBuf {
    root().join(relative)
}

/// A fresh directory holding `quickstart/*.yaml` and `org-seed.yaml`, so
/// plans run with short relative paths and the local org lands there.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let quickstart = dir.path().join("quickstart");
    std::fs::create_dir(&quickstart).expect("mkdir");
    for entry in std::fs::read_dir(repo("examples/quickstart")).expect("the quickstart") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = path.file_name().expect("a file name");
            std::fs::copy(&path, quickstart.join(name)).expect("copy");
        }
    }
    std::fs::copy(
        repo("examples/org-seed.yaml"),
        dir.path().join("org-seed.yaml"),
    )
    .expect("copy the seed");
    dir
}

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}):\n{text}"))
}

// ----- the embedded local org -------------------------------------------------

#[test]
fn plans_against_an_explicit_local_org() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut plan = oktapol(dir.path());
    plan.arg("plan")
        .arg(repo("examples/quickstart"))
        .args(["--org", "local", "--local-seed"])
        .arg(repo("examples/org-seed.yaml"));
    let first = run(&mut plan);
    assert_eq!(first.code, Some(0), "{}{}", first.stdout, first.stderr);
    assert!(
        first
            .stdout
            .lines()
            .next()
            .unwrap_or_default()
            .contains("local org"),
        "the plan names its org: {}",
        first.stdout
    );
    assert!(
        first.first_stderr_line().contains("local org")
            && first
                .first_stderr_line()
                .contains(".oktapol/local-org.json"),
        "{}",
        first.stderr
    );
    assert!(
        first.stdout.contains("Plan: 9 to create"),
        "{}",
        first.stdout
    );
    assert!(
        dir.path().join(".oktapol/local-org.json").is_file(),
        "the local org is saved on first use"
    );

    let detailed = run(plan.arg("--detailed-exitcode"));
    assert_eq!(
        detailed.code,
        Some(2),
        "{}{}",
        detailed.stdout,
        detailed.stderr
    );
}

#[test]
fn the_seeded_local_org_is_reused_without_the_seed() {
    // Saved at first use: a later command that does not pass --local-seed
    // again still finds the seed's groups, zones and apps.
    let dir = workspace();
    let seeded = run(oktapol(dir.path()).args([
        "plan",
        "quickstart",
        "--org",
        "local",
        "--local-seed",
        "org-seed.yaml",
    ]));
    assert_eq!(seeded.code, Some(0), "{}", seeded.stderr);
    let again = run(oktapol(dir.path()).args(["plan", "quickstart", "--org", "local"]));
    assert_eq!(again.code, Some(0), "{}{}", again.stdout, again.stderr);
    assert_eq!(again.stdout, seeded.stdout, "the same org, the same plan");
}

#[test]
fn without_an_org_the_local_org_is_implicit_and_says_so() {
    let dir = workspace();
    let implicit =
        run(oktapol(dir.path()).args(["plan", "quickstart", "--local-seed", "org-seed.yaml"]));
    assert_eq!(
        implicit.code,
        Some(0),
        "{}{}",
        implicit.stdout,
        implicit.stderr
    );
    let notice = implicit.first_stderr_line();
    assert!(
        notice.contains("local org") && notice.contains("no --org or OKTA_ORG_URL given"),
        "{}",
        implicit.stderr
    );
    assert!(implicit.stdout.starts_with("oktapol plan for local org"));
    assert!(dir.path().join(".oktapol/local-org.json").is_file());
}

#[test]
fn in_ci_a_missing_org_is_an_error_not_the_local_org() {
    let dir = workspace();
    let refused = run(oktapol(dir.path()).env("CI", "true").args([
        "plan",
        "quickstart",
        "--local-seed",
        "org-seed.yaml",
    ]));
    assert_eq!(
        refused.code,
        Some(1),
        "{}{}",
        refused.stdout,
        refused.stderr
    );
    assert!(
        refused.stderr.contains("no Okta org configured") && refused.stderr.contains("CI"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("--org local"), "says how to opt in");
    assert!(refused.stdout.is_empty(), "no plan: {}", refused.stdout);
    assert!(!dir.path().join(".oktapol").exists(), "no local org made");

    // Opting in explicitly works in CI too.
    let explicit = run(oktapol(dir.path()).env("CI", "true").args([
        "plan",
        "quickstart",
        "--org",
        "local",
        "--local-seed",
        "org-seed.yaml",
    ]));
    assert_eq!(explicit.code, Some(0), "{}", explicit.stderr);
}

// ----- --out --------------------------------------------------------------------

#[test]
fn out_saves_the_plan_that_json_prints() {
    let dir = workspace();
    let printed = run(oktapol(dir.path()).args([
        "plan",
        "quickstart",
        "--org",
        "local",
        "--local-seed",
        "org-seed.yaml",
        "--format",
        "json",
        "--out",
        "plan.json",
    ]));
    assert_eq!(printed.code, Some(0), "{}", printed.stderr);
    let file = dir.path().join("plan.json");
    let saved = json_of(&std::fs::read_to_string(&file).expect("plan.json is written"));
    let document = json_of(&printed.stdout);
    assert_eq!(saved["formatVersion"], 1);
    assert_eq!(document["kind"], "oktapol-plan");
    assert_eq!(saved, document["plan"], "the file is the printed plan");
    assert_eq!(
        document["summary"],
        json!({"create": 9, "update": 3, "delete": 0, "reorder": 0, "replace": 0, "map": 2}),
        "{document:#}"
    );
    assert!(!saved["changes"].as_array().expect("changes").is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
}

// ----- snapshots ----------------------------------------------------------------

/// The quickstart plan against a fresh local org, in `format`.
fn quickstart_plan(format: &str) -> String {
    let dir = workspace();
    let output = run(oktapol(dir.path()).args([
        "--color",
        "never",
        "plan",
        "quickstart",
        "--org",
        "local",
        "--local-seed",
        "org-seed.yaml",
        "--format",
        format,
    ]));
    assert_eq!(output.code, Some(0), "{format}: {}", output.stderr);
    output.stdout
}

#[test]
fn quickstart_plan_human() {
    let text = quickstart_plan("human");
    assert!(!text.contains('\u{1b}'), "--color never");
    insta::assert_snapshot!(text);
}

#[test]
fn quickstart_plan_json() {
    let mut document = json_of(&quickstart_plan("json"));
    // The version moves with every release, and the hashes of Okta's own
    // policies cover their `created` times, which the local org takes from
    // the wall clock.
    document["plan"]["oktapolVersion"] = json!("[version]");
    let objects = document["plan"]["fingerprint"]["objects"]
        .as_object_mut()
        .expect("fingerprinted objects");
    for hash in objects.values_mut() {
        if hash != "absent" {
            *hash = json!("[sha256]");
        }
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&document).expect("JSON"));
}

#[test]
fn quickstart_plan_markdown() {
    insta::assert_snapshot!(quickstart_plan("markdown"));
}

// ----- findings -------------------------------------------------------------------

const UNKNOWN_GROUP: &str = "\
signOnPolicies:
  - name: Contractors
    conditions:
      people:
        groups:
          include: [Contractor]
    rules:
      - name: Anywhere
        actions:
          signon:
            access: ALLOW
            requireFactor: false
";

#[test]
fn unresolved_names_are_findings_with_a_hint() {
    let dir = workspace();
    write(dir.path(), "typo/sign-on.yaml", UNKNOWN_GROUP);
    let args = [
        "--color",
        "never",
        "plan",
        "typo",
        "--org",
        "local",
        "--local-seed",
        "org-seed.yaml",
    ];
    let human = run(oktapol(dir.path()).args(args));
    assert_eq!(human.code, Some(1), "{}{}", human.stdout, human.stderr);
    for expected in [
        "OKP300",
        "typo/sign-on.yaml:6:21",
        "no group named \"Contractor\"",
        "did you mean \"Contractors\"?",
    ] {
        assert!(
            human.stdout.contains(expected),
            "{expected}:\n{}",
            human.stdout
        );
    }
    assert!(!human.stdout.contains("Plan:"), "no plan: {}", human.stdout);

    let json = run(oktapol(dir.path()).args(args).args(["--format", "json"]));
    assert_eq!(json.code, Some(1));
    let report = json_of(&json.stdout);
    assert_eq!(report["valid"], false);
    assert_eq!(report["summary"]["errors"], 1);
    let finding = &report["findings"][0];
    assert_eq!(finding["code"], "OKP300", "{report:#}");
    assert_eq!(finding["file"], "typo/sign-on.yaml");
    assert_eq!(
        (&finding["line"], &finding["column"]),
        (&json!(6), &json!(21))
    );
    assert_eq!(finding["hint"], "did you mean \"Contractors\"?");
}

#[test]
fn invalid_manifests_fail_before_the_org_is_touched() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "bad/p.yaml",
        "signOnPolicies:\n  - name: A\n    priorty: 1\n",
    );
    // An org that cannot be reached: the failure must be the manifest's.
    let remote = run(oktapol(dir.path()).env("OKTA_API_TOKEN", TOKEN).args([
        "--color",
        "never",
        "plan",
        "bad",
        "--org",
        "https://example.invalid",
    ]));
    assert_eq!(remote.code, Some(1), "{}{}", remote.stdout, remote.stderr);
    assert!(
        remote.stdout.contains("OKP010") && remote.stdout.contains("bad/p.yaml:3:5"),
        "{}",
        remote.stdout
    );
    assert!(remote.stdout.contains("did you mean `priority`?"));
    for network in ["example.invalid", "connect", "dns", "transport"] {
        assert!(
            !remote.stderr.to_lowercase().contains(network),
            "no network error ({network}): {}",
            remote.stderr
        );
    }
    assert!(!remote.all().contains(TOKEN));

    // Nor is the local org opened (or created) for manifests that cannot plan.
    let local = run(oktapol(dir.path()).args(["plan", "bad", "--org", "local"]));
    assert_eq!(local.code, Some(1));
    assert!(local.stdout.contains("OKP010"), "{}", local.stdout);
    assert!(
        !dir.path().join(".oktapol").exists(),
        "the local org was opened: {}",
        local.stderr
    );
}

// ----- over HTTP, against the emulator ----------------------------------------

/// The emulator on 127.0.0.1 with the examples' seed, no rate limits, and
/// the wall clock (the binary's client waits on its own).
async fn seeded_emulator() -> Server {
    let mut config = Config::new(TOKEN);
    config.seed = Some(repo("examples/org-seed.yaml"));
    config.rate_limits = RateLimits::off();
    config.rng_seed = 42;
    serve(config).await.expect("the emulator starts")
}

/// An emulator serving `emulator` (already filled in) on a bound listener.
async fn serve_emulator(
    listener: TcpListener,
    emulator: &Emulator,
) -> (oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(accept_loop(listener, emulator.router(), stopped));
    (stop, task)
}

async fn stats(url: &str) -> Value {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!("{url}/__emulator/stats"))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("stats answered")
        .json()
        .await
        .expect("stats JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_against_the_emulator_without_showing_the_token() {
    let server = seeded_emulator().await;
    let dir = workspace();
    let mut command = oktapol(dir.path());
    command.env("OKTA_API_TOKEN", TOKEN).args([
        "--color",
        "never",
        "plan",
        "quickstart",
        "--org",
        server.url(),
        "--out",
        "plan.json",
    ]);
    let planned = run_async(command).await;
    assert_eq!(
        planned.code,
        Some(0),
        "{}{}",
        planned.stdout,
        planned.stderr
    );
    assert!(
        planned
            .stdout
            .starts_with(&format!("oktapol plan for {}", server.url())),
        "{}",
        planned.stdout
    );
    assert!(
        planned.stdout.contains("Plan: 9 to create"),
        "{}",
        planned.stdout
    );
    assert!(
        !planned.stderr.contains("local org"),
        "a live org is not announced as local: {}",
        planned.stderr
    );
    let file = std::fs::read_to_string(dir.path().join("plan.json")).expect("plan.json");
    assert!(!planned.all().contains(TOKEN), "{}", planned.all());
    assert!(!file.contains(TOKEN));
    assert!(!dir.path().join(".oktapol").exists());

    // OKTA_ORG_URL selects the org as --org does.
    let mut command = oktapol(dir.path());
    command
        .env("OKTA_API_TOKEN", TOKEN)
        .env("OKTA_ORG_URL", server.url())
        .args(["--color", "never", "plan", "quickstart"]);
    let from_env = run_async(command).await;
    assert_eq!(from_env.code, Some(0), "{}", from_env.stderr);
    assert_eq!(from_env.stdout, planned.stdout);
    assert!(!from_env.all().contains(TOKEN));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_shows_oktas_error_and_not_the_token() {
    let server = seeded_emulator().await;
    let dir = workspace();
    let wrong = "WRONG-TOKEN-9d2e";
    let mut command = oktapol(dir.path());
    command
        .env("OKTA_API_TOKEN", wrong)
        .args(["plan", "quickstart", "--org", server.url()]);
    let refused = run_async(command).await;
    assert_eq!(
        refused.code,
        Some(1),
        "{}{}",
        refused.stdout,
        refused.stderr
    );
    assert!(refused.stderr.contains("E0000011"), "{}", refused.stderr);
    assert!(!refused.all().contains(wrong), "{}", refused.all());
    assert!(!refused.all().contains(TOKEN));
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    server.shutdown().await;
}

#[test]
fn an_org_url_without_a_token_names_the_variable() {
    let dir = workspace();
    for org in [
        vec!["--org", "https://acme.okta.com"],
        vec![], // OKTA_ORG_URL below
    ] {
        let missing = run(oktapol(dir.path())
            .env("OKTA_ORG_URL", "https://acme.okta.com")
            .env("OKTAPOL_EMULATOR_TOKEN", "unrelated-secret-51c0")
            .args(["plan", "quickstart"])
            .args(org));
        assert_eq!(missing.code, Some(1), "{}", missing.stderr);
        assert!(
            missing.stderr.contains("OKTA_API_TOKEN"),
            "{}",
            missing.stderr
        );
        assert!(!missing.all().contains("unrelated-secret-51c0"));
        assert!(!dir.path().join(".oktapol").exists(), "not the local org");
    }
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let dir = workspace();
    let refused = run(oktapol(dir.path()).env("OKTA_API_TOKEN", TOKEN).args([
        "plan",
        "quickstart",
        "--org",
        "http://example.com",
    ]));
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("https://") && refused.stderr.contains("unencrypted"),
        "{}",
        refused.stderr
    );
    assert!(!refused.all().contains(TOKEN));
}

/// Sign-on policies `Bulk 000`… made in the org before it serves.
fn add_sign_on_policies(org: &mut Org, count: usize) {
    for n in 0..count {
        org.create_policy(
            Policy::new(PolicyType::OktaSignOn, format!("Bulk {n:03}")),
            true,
        )
        .unwrap_or_else(|error| panic!("Bulk {n:03}: {error:?}"));
    }
}

fn routes(counts: &[(&str, usize)]) -> Value {
    counts
        .iter()
        .map(|(route, count)| ((*route).to_owned(), json!(count)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Plans three of the `Bulk` policies, each for the groups `include`,
/// against the emulator at `url` and returns the requests it served, by
/// route (all of them answered 200).
async fn plan_counting(url: &str, include: &str) -> Value {
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let cleared = client
        .delete(format!("{url}/__emulator/stats"))
        .header("Authorization", format!("SSWS {TOKEN}"))
        .send()
        .await
        .expect("stats cleared");
    assert!(cleared.status().is_success());
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest: String = ["Bulk 007", "Bulk 123", "Bulk 249"]
        .iter()
        .map(|name| {
            format!("  - name: {name}\n    conditions: {{ people: {{ groups: {{ include: {include} }} }} }}\n")
        })
        .collect();
    write(
        dir.path(),
        "p/sign-on.yaml",
        &format!("signOnPolicies:\n{manifest}"),
    );
    let mut command = oktapol(dir.path());
    command
        .env("OKTA_API_TOKEN", TOKEN)
        .args(["plan", "p", "--org", url, "--format", "json"]);
    let planned = run_async(command).await;
    assert_eq!(
        planned.code,
        Some(0),
        "{}{}",
        planned.stdout,
        planned.stderr
    );
    let unmanaged = json_of(&planned.stdout)["plan"]["unmanaged"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(unmanaged, 251 - 3, "every page was read");
    let counted = stats(url).await;
    let total = counted["total"].as_u64().unwrap_or(0);
    assert_eq!(counted["byStatus"], json!({ "200": total }), "{counted:#}");
    counted["byRoute"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_reads_with_the_fewest_calls() {
    const CREATED: usize = 250;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let mut config = Config::new(TOKEN);
    config.seed = Some(repo("examples/org-seed.yaml"));
    config.rate_limits = RateLimits::off();
    config.rng_seed = 42;
    let emulator = Emulator::new(config, &url).expect("the emulator");
    emulator
        .state()
        .read(|org| add_sign_on_policies(org, CREATED));
    let (stop, task) = serve_emulator(listener, &emulator).await;

    let everyone = emulator.state().read(|org| {
        org.directory()
            .group_named("Everyone")
            .and_then(|g| g.id.clone())
            .expect("Okta's Everyone group")
    });
    let policies = CREATED + 1; // and Okta's Default Policy
    let least = [
        ("GET /.well-known/okta-organization", 1),
        ("GET /api/v1/policies", policies.div_ceil(200)),
        ("GET /api/v1/policies/{policyId}/rules", policies),
    ];

    // By ID: nothing to look up in the directory.
    let by_id = plan_counting(&url, &format!("[id:{everyone}]")).await;
    assert_eq!(by_id, routes(&least), "by ID");
    // By name: one groups list for all the names, not one call per name.
    let by_name = plan_counting(&url, "[Everyone, Contractors]").await;
    let mut with_groups = least.to_vec();
    with_groups.push(("GET /api/v1/groups", 1));
    assert_eq!(by_name, routes(&with_groups), "by name");
    let _ = stop.send(());
    let _ = task.await;
}

// ----- in-process: rate limits and tolerant reading -----------------------------

/// Plans the repository's `relative` path against `api`.
async fn plan_repo_path(
    api: &dyn oktapol::client::Api,
    relative: &str,
) -> Result<oktapol::plan::Plan, PlanError> {
    let validation = validate_path(&repo(relative));
    assert!(
        !validation.has(oktapol::finding::Severity::Error),
        "{relative} does not validate"
    );
    make_plan(api, &validation.set, Options::default(), &|_| None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_on_the_injected_clock() {
    let clock = Arc::new(ManualClock::fixed());
    let mut config = Config::new(TOKEN);
    config.seed = Some(repo("examples/org-seed.yaml"));
    config.clock = clock.clone();
    config.rng_seed = 42;
    config
        .rate_limits
        .apply("5")
        .expect("5 a minute on /api/v1/policies");
    let server = serve(config).await.expect("the emulator starts");
    // Another client of the org spends the policies budget first.
    let other = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    for _ in 0..5 {
        let answer = other
            .get(format!("{}/api/v1/policies?type=PASSWORD", server.url()))
            .header("Authorization", format!("SSWS {TOKEN}"))
            .send()
            .await
            .expect("answered");
        assert_eq!(answer.status(), reqwest::StatusCode::OK);
    }

    let http = HttpClient::new(
        HttpConfig::parse(server.url(), TOKEN, clock.clone()).expect("a loopback URL"),
    )
    .expect("the client");
    let began = Instant::now();
    let start = clock.now();
    let plan = plan_repo_path(&http, "examples/quickstart")
        .await
        .unwrap_or_else(|error| panic!("{error:?}"));
    let summary = plan.summary();
    assert_eq!(
        (summary.create, summary.update, summary.map),
        (9, 3, 2),
        "the same plan as without rate limits"
    );

    let waited = clock.now().duration_since(start).unwrap_or_default();
    let counted = stats(server.url()).await;
    let rate_limited = counted["byStatus"]["429"].as_u64().unwrap_or(0);
    assert!(rate_limited >= 1, "the budget was spent: {counted:#}");
    // More than 5 policy reads: at least two windows past the first.
    assert!(waited >= Duration::from_secs(120), "{waited:?}");
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "no real sleeping"
    );
    server.shutdown().await;
}

/// A seeded org holding sign-on policy `Future proof` with rule `Future
/// rule`, saved as JSON and then given members and values oktapol does not
/// model, as a newer Okta might send them.
fn org_state_from_the_future() -> Value {
    let seed = Seed::read(&repo("examples/org-seed.yaml")).expect("the seed");
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::fixed());
    let mut org = Org::new(Engine::Oie, 42, clock);
    org.add_seed(&seed);
    let policy = org
        .create_policy(Policy::new(PolicyType::OktaSignOn, "Future proof"), true)
        .expect("policy");
    let mut rule = PolicyRule::new(PolicyRuleType::SignOn, "Future rule");
    rule.actions = oktapol::client::wire::Field::Value(json!({
        "signon": { "access": "ALLOW", "requireFactor": false }
    }));
    org.create_rule(policy.id.as_deref().expect("an id"), rule, true)
        .expect("rule");
    let mut state = serde_json::to_value(org.state()).expect("state JSON");
    let entries = state["entries"].as_array_mut().expect("entries");
    let entry = entries
        .iter_mut()
        .find(|e| e["policy"]["name"] == "Future proof")
        .expect("the policy");
    entry["policy"]["futureSetting"] = json!({ "mode": "SOMETHING_NEW" });
    entry["policy"]["conditions"]["futureCondition"] = json!({ "kind": "FUTURE" });
    let rule = &mut entry["rules"][0];
    rule["futureMember"] = json!([1, 2, 3]);
    rule["actions"]["signon"]["futureMode"] = json!("FUTURE");
    rule["conditions"]["futureCondition"] = json!({ "kind": "FUTURE" });
    // A known member with a value from a newer Okta.
    rule["conditions"]["authContext"] = json!({ "authType": "FUTURE_AUTH" });
    // A policy of a type this version of oktapol has never heard of.
    let mut unknown = entries
        .iter()
        .find(|e| e["policy"]["name"] == "Future proof")
        .expect("the policy")
        .clone();
    unknown["policy"]["id"] = json!("00pFUTURE0000000000");
    unknown["policy"]["type"] = json!("FUTURE_POLICY");
    unknown["policy"]["name"] = json!("From the future");
    unknown["rules"] = json!([]);
    entries.push(unknown);
    state
}

const FUTURE_MANIFEST: &str = "\
signOnPolicies:
  - name: Future proof
    rules:
      - name: Future rule
        actions:
          signon:
            access: ALLOW
            requireFactor: false
  - name: Default Policy
    default: true
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_members_and_values_from_okta_never_break_a_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state_file = dir.path().join("org.json");
    std::fs::write(
        &state_file,
        serde_json::to_vec(&org_state_from_the_future()).expect("JSON"),
    )
    .expect("write the state");
    let mut config = Config::new(TOKEN);
    config.state = Some(state_file);
    config.rate_limits = RateLimits::off();
    let server = serve(config).await.expect("the emulator loads the state");
    write(dir.path(), "future/sign-on.yaml", FUTURE_MANIFEST);

    let mut command = oktapol(dir.path());
    command.env("OKTA_API_TOKEN", TOKEN).args([
        "--color",
        "never",
        "plan",
        "future",
        "--org",
        server.url(),
        "--format",
        "json",
    ]);
    let planned = run_async(command).await;
    assert_eq!(
        planned.code,
        Some(0),
        "{}{}",
        planned.stdout,
        planned.stderr
    );
    let document = json_of(&planned.stdout);
    let changes = document["plan"]["changes"].as_array().expect("changes");
    let paths: Vec<&str> = changes
        .iter()
        .flat_map(|c| c["fields"].as_array().into_iter().flatten())
        .filter_map(|f| f["path"].as_str())
        .collect();
    // The one difference: the manifest leaves authType to its default.
    assert_eq!(paths, ["/conditions/authContext/authType"], "{changes:#?}");
    let rule = changes
        .iter()
        .find(|c| c["address"] == "signOnPolicies[\"Future proof\"].rules[\"Future rule\"]")
        .expect("the rule's change");
    let body = &rule["body"];
    assert_eq!(
        (
            &body["futureMember"],
            &body["actions"]["signon"]["futureMode"],
            &body["conditions"]["futureCondition"],
        ),
        (
            &json!([1, 2, 3]),
            &json!("FUTURE"),
            &json!({ "kind": "FUTURE" })
        ),
        "what oktapol does not model goes back as it came: {body:#}"
    );
    assert!(
        !document.to_string().contains("From the future"),
        "a policy of another type is never read or touched: {document:#}"
    );

    // And the human rendering of the same plan.
    let mut command = oktapol(dir.path());
    command.env("OKTA_API_TOKEN", TOKEN).args([
        "--color",
        "never",
        "plan",
        "future",
        "--org",
        server.url(),
    ]);
    let human = run_async(command).await;
    assert_eq!(human.code, Some(0), "{}", human.stderr);
    assert!(
        human
            .stdout
            .contains("~ conditions.authContext.authType: \"FUTURE_AUTH\" → \"ANY\""),
        "{}",
        human.stdout
    );
    server.shutdown().await;
}
