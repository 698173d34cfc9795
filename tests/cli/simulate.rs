//! Policy simulation: the emulator's `POST /api/v1/policies/simulate`
//! checked against golden request/response pairs written by hand
//! (`tests/fixtures/simulate/*.json`: Okta's documented example, adapted
//! to an org set up here, and cases worked out on paper from a small org),
//! its error answers, and `oktapol simulate` end to end.
//!
//! Fixtures name objects, never IDs: in a request `@group:NAME`,
//! `@user:LOGIN`, `@zone:NAME` and `@app:LABEL` become the org's IDs; in
//! the answer every policy and rule ID is replaced by `@TYPE:POLICY` or
//! `@TYPE:POLICY/RULE` before the exact comparison, so a wrong ID fails.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use oktapol::clock::ManualClock;
use oktapol::emulator::Engine;
use oktapol::emulator::server::rate_limit::RateLimits;
use oktapol::emulator::server::{Config, Server, serve};
use serde_json::{Value, json};

use crate::util::root;

const TOKEN: &str = "simulate-token";

/// An emulator seeded with examples/org-seed.yaml, and what its objects
/// are called.
struct Harness {
    server: Server,
    client: reqwest::Client,
}

async fn start(engine: Engine) -> Harness {
    let mut config = Config::new(TOKEN);
    config.clock = Arc::new(ManualClock::fixed());
    config.rate_limits = RateLimits::off();
    config.rng_seed = 7;
    config.engine = Some(engine);
    config.seed = Some(root().join("examples/org-seed.yaml"));
    let server = serve(config).await.expect("the emulator starts");
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    Harness { server, client }
}

impl Harness {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.server.url()))
            .header("Authorization", format!("SSWS {TOKEN}"));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("answered");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON")
        };
        (status, value)
    }

    async fn get(&self, path: &str) -> Value {
        let (status, body) = self.send(reqwest::Method::GET, path, None).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// A write that must succeed; returns the answer.
    async fn write(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let (status, answer) = self.send(method, path, Some(&body)).await;
        assert_eq!(status, 200, "{path}: {answer}");
        answer
    }

    async fn create_policy(&self, body: Value) -> String {
        let created = self
            .write(reqwest::Method::POST, "/api/v1/policies", body)
            .await;
        created["id"].as_str().expect("an id").to_owned()
    }

    async fn create_rule(&self, policy: &str, body: Value) -> String {
        let path = format!("/api/v1/policies/{policy}/rules");
        let created = self.write(reqwest::Method::POST, &path, body).await;
        created["id"].as_str().expect("an id").to_owned()
    }

    async fn map_app(&self, app: &str, policy: &str) {
        let path = format!("/api/v1/apps/{app}/policies/{policy}");
        let (status, body) = self.send(reqwest::Method::PUT, &path, None).await;
        assert_eq!(status, 204, "{path}: {body}");
    }

    /// `@group:…`, `@user:…`, `@zone:…` and `@app:…` to IDs.
    async fn directory_ids(&self) -> BTreeMap<String, String> {
        let mut ids = BTreeMap::new();
        for (prefix, path, name) in [
            ("group", "/api/v1/groups", "/profile/name"),
            ("user", "/api/v1/users", "/profile/login"),
            ("zone", "/api/v1/zones", "/name"),
            ("app", "/api/v1/apps", "/label"),
        ] {
            for object in self.get(path).await.as_array().expect("a list") {
                let name = object
                    .pointer(name)
                    .and_then(Value::as_str)
                    .expect("a name");
                let id = object["id"].as_str().expect("an id");
                ids.insert(format!("@{prefix}:{name}"), id.to_owned());
            }
        }
        ids
    }

    /// Every simulated type's policy and rule IDs to `@TYPE:POLICY[/RULE]`.
    async fn policy_names(&self) -> BTreeMap<String, String> {
        let mut names = BTreeMap::new();
        for kind in [
            "OKTA_SIGN_ON",
            "MFA_ENROLL",
            "ACCESS_POLICY",
            "PROFILE_ENROLLMENT",
        ] {
            let policies = self.get(&format!("/api/v1/policies?type={kind}")).await;
            for policy in policies.as_array().expect("a list") {
                let id = policy["id"].as_str().expect("an id");
                let name = policy["name"].as_str().expect("a name");
                names.insert(id.to_owned(), format!("@{kind}:{name}"));
                let rules = self.get(&format!("/api/v1/policies/{id}/rules")).await;
                for rule in rules.as_array().expect("a list") {
                    let rule_id = rule["id"].as_str().expect("an id");
                    let rule_name = rule["name"].as_str().expect("a name");
                    names.insert(rule_id.to_owned(), format!("@{kind}:{name}/{rule_name}"));
                }
            }
        }
        names
    }

    async fn app_id(&self, label: &str) -> String {
        self.directory_ids().await[&format!("@app:{label}")].clone()
    }

    async fn group_id(&self, name: &str) -> String {
        self.directory_ids().await[&format!("@group:{name}")].clone()
    }

    async fn zone_id(&self, name: &str) -> String {
        self.directory_ids().await[&format!("@zone:{name}")].clone()
    }

    /// The catch-all rule of a policy Okta created with one.
    async fn catch_all(&self, policy: &str) -> String {
        let rules = self.get(&format!("/api/v1/policies/{policy}/rules")).await;
        rules
            .as_array()
            .and_then(|rules| rules.iter().find(|r| r["name"] == "Catch-all Rule"))
            .and_then(|r| r["id"].as_str())
            .expect("a catch-all rule")
            .to_owned()
    }

    async fn simulate(&self, query: &str, request: &Value) -> (u16, Value) {
        let path = if query.is_empty() {
            "/api/v1/policies/simulate".to_owned()
        } else {
            format!("/api/v1/policies/simulate?{query}")
        };
        self.send(reqwest::Method::POST, &path, Some(request)).await
    }
}

/// Replaces every string equal to a key of `map` by its value.
fn substitute(value: &mut Value, map: &BTreeMap<String, String>) {
    match value {
        Value::String(text) => {
            if let Some(replacement) = map.get(text.as_str()) {
                *text = replacement.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, map)),
        Value::Object(members) => members.values_mut().for_each(|v| substitute(v, map)),
        _ => {}
    }
}

/// The org of Okta's documented example: a sign-on policy "test policy"
/// (for everyone) whose rule "test rule" is for Contractors, and an access
/// policy "Any two factors" mapped to Workday; MFA enrollment and profile
/// enrollment are a fresh org's defaults.
async fn documented_org(h: &Harness) {
    let contractors = h.group_id("Contractors").await;
    let policy = h
        .create_policy(json!({ "type": "OKTA_SIGN_ON", "name": "test policy", "priority": 1 }))
        .await;
    h.create_rule(
        &policy,
        json!({ "type": "SIGN_ON", "name": "test rule",
                "conditions": { "people": { "groups": { "include": [contractors] } } },
                "actions": { "signon": { "access": "ALLOW", "requireFactor": false } } }),
    )
    .await;
    let access = h
        .create_policy(json!({ "type": "ACCESS_POLICY", "name": "Any two factors" }))
        .await;
    h.map_app(&h.app_id("Workday").await, &access).await;
}

/// The org the cases worked out on paper run against (see
/// tests/fixtures/simulate/README.md for the working).
async fn paper_org(h: &Harness) {
    let contractors = h.group_id("Contractors").await;
    let engineering = h.group_id("Engineering").await;
    let employees = h.group_id("Employees").await;
    let corporate = h.zone_id("Corporate Network").await;

    let sign_on = |name: &str, priority: i64, group: &str| {
        json!({ "type": "OKTA_SIGN_ON", "name": name, "priority": priority,
                "conditions": { "people": { "groups": { "include": [group] } } } })
    };
    let signon = |require_factor: bool| json!({ "signon": { "access": "ALLOW", "requireFactor": require_factor } });
    let policy = h
        .create_policy(sign_on("Contractors", 1, &contractors))
        .await;
    h.create_rule(
        &policy,
        json!({ "type": "SIGN_ON", "name": "Office network", "priority": 1,
                "conditions": { "network": { "connection": "ZONE", "include": [corporate] } },
                "actions": signon(false) }),
    )
    .await;
    h.create_rule(
        &policy,
        json!({ "type": "SIGN_ON", "name": "Anywhere else", "priority": 2, "actions": signon(true) }),
    )
    .await;
    let policy = h
        .create_policy(sign_on("Engineering", 2, &engineering))
        .await;
    h.create_rule(
        &policy,
        json!({ "type": "SIGN_ON", "name": "Low risk only", "priority": 1,
                "conditions": { "riskScore": { "level": "LOW" } }, "actions": signon(false) }),
    )
    .await;
    let policy = h.create_policy(sign_on("Employees", 3, &employees)).await;
    h.create_rule(
        &policy,
        json!({ "type": "SIGN_ON", "name": "Employees MFA", "priority": 1, "actions": signon(true) }),
    )
    .await;

    let policy = h
        .create_policy(json!({
            "type": "MFA_ENROLL", "name": "Contractors MFA", "priority": 1,
            "conditions": { "people": { "groups": { "include": [contractors] } } },
            "settings": { "type": "AUTHENTICATORS", "authenticators": [
                { "key": "okta_verify", "enroll": { "self": "REQUIRED" } } ] }
        }))
        .await;
    h.create_rule(
        &policy,
        json!({ "type": "MFA_ENROLL", "name": "Enroll when challenged",
                "actions": { "enroll": { "self": "CHALLENGE" } } }),
    )
    .await;

    let access = h
        .create_policy(json!({ "type": "ACCESS_POLICY", "name": "Finance apps" }))
        .await;
    h.create_rule(
        &access,
        json!({ "type": "ACCESS_POLICY", "name": "Managed devices, two factors", "priority": 0,
                "conditions": { "device": { "registered": true, "managed": true } },
                "actions": { "appSignOn": { "access": "ALLOW",
                    "verificationMethod": { "type": "ASSURANCE", "factorMode": "2FA" } } } }),
    )
    .await;
    let catch_all = h.catch_all(&access).await;
    h.write(
        reqwest::Method::PUT,
        &format!("/api/v1/policies/{access}/rules/{catch_all}"),
        json!({ "type": "ACCESS_POLICY", "name": "Catch-all Rule",
                "actions": { "appSignOn": { "access": "DENY" } } }),
    )
    .await;
    h.map_app(&h.app_id("Workday").await, &access).await;

    let profile = h
        .create_policy(json!({ "type": "PROFILE_ENROLLMENT", "name": "Customer signup" }))
        .await;
    h.map_app(&h.app_id("Customer Portal").await, &profile)
        .await;
}

/// Runs one fixture against a fresh org of its kind.
async fn run_fixture(path: &Path) {
    let text = std::fs::read_to_string(path).expect("the fixture reads");
    let fixture: Value = serde_json::from_str(&text).expect("the fixture is JSON");
    let h = start(Engine::Oie).await;
    match fixture["org"].as_str() {
        Some("documented") => documented_org(&h).await,
        Some("paper") => paper_org(&h).await,
        other => panic!("{}: unknown org {other:?}", path.display()),
    }
    let mut request = fixture["request"].clone();
    substitute(&mut request, &h.directory_ids().await);
    let query = fixture["query"].as_str().unwrap_or_default();
    let (status, mut answer) = h.simulate(query, &request).await;
    substitute(&mut answer, &h.policy_names().await);
    assert_eq!(status, 200, "{}: {answer:#}", path.display());
    assert_eq!(
        answer,
        fixture["response"],
        "{}: the answer differs from the fixture\nanswer: {answer:#}",
        path.display()
    );
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_answers_every_golden_fixture() {
    let dir = root().join("tests/fixtures/simulate");
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/simulate")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 6, "{fixtures:?}");
    for path in fixtures {
        run_fixture(&path).await;
    }
}

/// Okta's error body without its per-request `errorId`.
fn without_error_id(mut error: Value) -> Value {
    assert!(
        error["errorId"]
            .as_str()
            .is_some_and(|id| id.starts_with("oae")),
        "{error}"
    );
    if let Some(members) = error.as_object_mut() {
        members.remove("errorId");
    }
    error
}

fn validation_failed(subject: &str, causes: &[&str]) -> Value {
    json!({
        "errorCode": "E0000001",
        "errorSummary": format!("Api validation failed: {subject}"),
        "errorLink": "E0000001",
        "errorCauses": causes.iter().map(|c| json!({ "errorSummary": c })).collect::<Vec<_>>()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_refuses_what_okta_refuses() {
    let h = start(Engine::Oie).await;
    let ids = h.directory_ids().await;
    let workday = &ids["@app:Workday"];
    let carl = &ids["@user:carl@contractor.example"];
    let contractors = &ids["@group:Contractors"];
    let corporate = &ids["@zone:Corporate Network"];

    let missing_app = json!({ "policyContext": { "user": { "id": carl } } });
    let (status, error) = h.simulate("", &missing_app).await;
    assert_eq!(
        (status, without_error_id(error)),
        (
            400,
            validation_failed(
                "appInstance",
                &["appInstance: The field cannot be left blank"]
            )
        )
    );

    let both = json!({ "appInstance": workday, "policyContext": {
        "user": { "id": carl }, "groups": { "ids": [contractors] } } });
    let (status, error) = h.simulate("", &both).await;
    assert_eq!(
        (status, without_error_id(error)),
        (
            400,
            validation_failed(
                "policyContext",
                &["policyContext: Only a user ID or group IDs are allowed, not both"]
            )
        )
    );

    let neither = json!({ "appInstance": workday, "policyContext": { "ip": "203.0.113.7" } });
    let (status, error) = h.simulate("", &neither).await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(
        error["errorCauses"][0]["errorSummary"],
        "policyContext: A user ID (user.id) or group IDs (groups.ids) are required"
    );

    let ip_and_zones = json!({ "appInstance": workday, "policyContext": {
        "user": { "id": carl }, "ip": "203.0.113.7", "zones": { "ids": [corporate] } } });
    let (status, error) = h.simulate("", &ip_and_zones).await;
    assert_eq!(
        (status, without_error_id(error)),
        (
            400,
            validation_failed(
                "policyContext",
                &["policyContext: Only an IP address or zone IDs are allowed, not both"]
            )
        )
    );

    let unknown_app =
        json!({ "appInstance": "0oamissing", "policyContext": { "user": { "id": carl } } });
    let (status, error) = h.simulate("", &unknown_app).await;
    assert_eq!(
        (status, without_error_id(error)),
        (
            404,
            json!({ "errorCode": "E0000007",
                    "errorSummary": "Not found: Resource not found: 0oamissing (App)",
                    "errorLink": "E0000007", "errorCauses": [] })
        )
    );

    let unknown_user =
        json!({ "appInstance": workday, "policyContext": { "user": { "id": "00umissing" } } });
    let (status, error) = h.simulate("", &unknown_user).await;
    assert_eq!(status, 404, "{error}");
    assert_eq!(
        error["errorSummary"],
        "Not found: Resource not found: 00umissing (User)"
    );

    let unsupported = json!({ "appInstance": workday, "policyTypes": ["OKTA_SIGN_ON", "PASSWORD", "IDP_DISCOVERY"],
                              "policyContext": { "groups": { "ids": [contractors, "00gmissing"] } } });
    let (status, error) = h.simulate("", &unsupported).await;
    assert_eq!(
        (status, without_error_id(error)),
        (
            400,
            validation_failed(
                "policyTypes",
                &[
                    "policyTypes: PASSWORD cannot be simulated; the supported types are OKTA_SIGN_ON, MFA_ENROLL, PROFILE_ENROLLMENT and ACCESS_POLICY",
                    "policyTypes: IDP_DISCOVERY cannot be simulated; the supported types are OKTA_SIGN_ON, MFA_ENROLL, PROFILE_ENROLLMENT and ACCESS_POLICY",
                    "policyContext.groups.ids: group 00gmissing does not exist",
                ]
            )
        )
    );

    let odd = json!({ "appInstance": workday, "policyContext": { "user": { "id": carl },
        "ip": "not-an-address", "risk": { "level": "EXTREME" }, "device": { "platform": "AMIGA" } } });
    let (status, error) = h.simulate("", &odd).await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(
        error["errorCauses"].as_array().map(Vec::len),
        Some(3),
        "{error}"
    );

    let (status, error) = h
        .simulate(
            "expand=EVERYTHING",
            &json!({ "appInstance": workday, "policyContext": { "user": { "id": carl } } }),
        )
        .await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["errorSummary"], "Api validation failed: expand");

    // The spec declares an array of bodies; Okta takes one object.
    let (status, error) = h.simulate("", &json!([unknown_app])).await;
    assert_eq!(
        (status, error["errorCode"].clone()),
        (400, json!("E0000003"))
    );
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_classic_org_has_no_simulation() {
    let h = start(Engine::Classic).await;
    let ids = h.directory_ids().await;
    let request = json!({ "appInstance": ids["@app:Workday"],
                          "policyContext": { "user": { "id": ids["@user:carl@contractor.example"] } } });
    let (status, error) = h.simulate("expand=EVALUATED&expand=RULE", &request).await;
    assert_eq!(
        (status, without_error_id(error)),
        (
            401,
            json!({ "errorCode": "E0000015",
                    "errorSummary": "You do not have permission to access the feature you are requesting",
                    "errorLink": "E0000015", "errorCauses": [] })
        )
    );
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_client_and_the_local_org_give_the_same_answer() {
    use oktapol::client::wire::{PolicyContext, SimulateExpand, SimulateIds, SimulateRequest};
    use oktapol::client::{Api, HttpClient, HttpConfig, LocalOrg};
    use oktapol::emulator::org::Org;
    use oktapol::emulator::seed::Seed;

    let h = start(Engine::Oie).await;
    let ids = h.directory_ids().await;
    let request = SimulateRequest {
        app_instance: Some(ids["@app:Workday"].clone()),
        policy_context: Some(PolicyContext {
            groups: Some(SimulateIds {
                ids: vec![ids["@group:Contractors"].clone()],
                ..SimulateIds::default()
            }),
            ip: Some("198.51.100.20".to_owned()),
            ..PolicyContext::default()
        }),
        ..SimulateRequest::default()
    };
    let config =
        HttpConfig::parse(h.server.url(), TOKEN, Arc::new(ManualClock::fixed())).expect("config");
    let http = HttpClient::new(config).expect("client");
    let over_http = http
        .simulate(&request, SimulateExpand::ALL)
        .await
        .expect("simulated over HTTP");

    let seed = Seed::read(&root().join("examples/org-seed.yaml")).expect("seed");
    let mut org = Org::new(Engine::Oie, 7, Arc::new(ManualClock::fixed()));
    org.add_seed(&seed);
    let local = LocalOrg::new(org);
    let in_process = local
        .simulate(&request, SimulateExpand::ALL)
        .await
        .expect("simulated in process");
    assert_eq!(over_http, in_process);
    assert_eq!(over_http.evaluation.len(), 4);
    h.server.shutdown().await;
}

// ----- `oktapol simulate` end to end -----------------------------------------

mod cli {
    use std::path::Path;

    use assert_cmd::Command;
    use oktapol::emulator::Engine;
    use serde_json::Value;

    use super::{TOKEN, start};
    use crate::util::root;

    /// What a run of the binary produced.
    pub struct Run {
        pub code: Option<i32>,
        pub stdout: String,
        pub stderr: String,
    }

    fn command(dir: &Path) -> Command {
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

    /// `oktapol ARGS --org local --local-seed <examples seed>` in `dir`.
    fn local(dir: &Path, args: &[&str]) -> Run {
        run(command(dir)
            .args(args)
            .args(["--org", "local", "--local-seed"])
            .arg(root().join("examples/org-seed.yaml")))
    }

    /// A directory with a copy of the quickstart in `quickstart/`, applied
    /// to its local org.
    fn applied_quickstart() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let quickstart = dir.path().join("quickstart");
        std::fs::create_dir(&quickstart).expect("mkdir");
        for entry in std::fs::read_dir(root().join("examples/quickstart")).expect("quickstart") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let name = path.file_name().expect("a file name");
                std::fs::copy(&path, quickstart.join(name)).expect("copy");
            }
        }
        let applied = local(dir.path(), &["apply", "quickstart", "--auto-approve"]);
        assert_eq!(
            applied.code,
            Some(0),
            "{}{}",
            applied.stdout,
            applied.stderr
        );
        dir
    }

    fn path(relative: &str) -> String {
        root().join(relative).to_string_lossy().into_owned()
    }

    /// The rows of one case in the JSON output, as `KIND STATUS`.
    fn rows(document: &Value, case: &str) -> Vec<String> {
        let case = document["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .find(|c| c["name"] == case)
            .unwrap_or_else(|| panic!("no case {case:?} in {document:#}"));
        case["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["target"].as_str().unwrap_or_default(),
                    r["status"].as_str().unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn okta_agrees_with_the_quickstart_cases() {
        let dir = applied_quickstart();
        let cases = path("examples/cases/quickstart.yaml");
        let run = local(dir.path(), &["simulate", "quickstart", "--cases", &cases]);
        assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
        let first = run.stdout.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("oktapol simulate on local org (.oktapol/local-org.json)"),
            "{first}"
        );
        assert!(run.stderr.contains("Using the local org"), "{}", run.stderr);
        assert!(run.stdout.contains("0 mismatches"), "{}", run.stdout);
        assert!(run.stdout.contains(", 0 errors"), "{}", run.stdout);
        // Cases without an app, and password policies, are never passed silently.
        assert!(run.stdout.contains("not simulatable"), "{}", run.stdout);
        assert!(
            run.stdout
                .contains("the case gives no app, and Okta simulates a sign-in to an app"),
            "{}",
            run.stdout
        );
        let denied = run
            .stdout
            .lines()
            .find(|l| l.starts_with("Workday from an unmanaged laptop is denied"))
            .unwrap_or_default()
            .to_owned();
        assert!(denied.contains("Contractors / Anywhere else"), "{denied}");
        let access = run
            .stdout
            .lines()
            .find(|l| l.contains("access     Finance apps / Catch-all Rule"))
            .unwrap_or_default()
            .to_owned();
        assert!(access.ends_with("ok"), "{}", run.stdout);
    }

    #[test]
    fn mismatches_and_what_okta_cannot_simulate_are_reported() {
        let dir = applied_quickstart();
        let cases = path("tests/fixtures/simulate/quickstart-cases.yaml");
        let run = local(
            dir.path(),
            &[
                "simulate",
                "quickstart",
                "--cases",
                &cases,
                "--format",
                "json",
            ],
        );
        assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
        let document: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
        assert_eq!(document["version"], 1);
        assert_eq!(document["kind"], "oktapol.simulate");
        assert_eq!(document["passed"], false);
        assert!(
            document["org"]
                .as_str()
                .is_some_and(|org| org.starts_with("local org (")),
            "{document:#}"
        );
        assert_eq!(
            document["summary"],
            serde_json::json!({ "cases": 5, "agree": 11, "mismatches": 2,
                                "notSimulatable": 2, "errors": 0 })
        );
        assert_eq!(
            rows(&document, "NetSuite for an off-network contractor"),
            [
                "signOn agree",
                "mfaEnroll agree",
                "access agree",
                "appSignIn agree"
            ]
        );
        assert_eq!(
            rows(
                &document,
                "Off-network contractors wrongly expected to skip MFA"
            ),
            ["signOn mismatch", "mfaEnroll agree", "access agree"]
        );
        assert_eq!(
            rows(
                &document,
                "Unmanaged laptops wrongly expected to reach Workday"
            ),
            ["signOn agree", "mfaEnroll agree", "access mismatch"]
        );
        assert_eq!(
            rows(&document, "Password policies are not simulated"),
            [
                "signOn agree",
                "mfaEnroll agree",
                "access agree",
                "password notSimulatable"
            ]
        );
        assert_eq!(
            rows(&document, "A user the org does not have"),
            ["signOn notSimulatable"]
        );
        let text = run.stdout;
        for expected in [
            "the case expects rule \\\"Corporate network\\\"; Okta applies Contractors / Anywhere else",
            "the case expects access ALLOW; Okta's rule in the org gives DENY",
            "the org has no user \\\"ghost@acme.com\\\", and Okta simulates existing users only",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
    }

    #[test]
    fn manifests_the_org_does_not_have_yet_are_mismatches() {
        let dir = applied_quickstart();
        // A pull request that moves the Contractors policy to Employees,
        // not applied yet: Okta still applies it to contractors.
        let sign_on = dir.path().join("quickstart/sign-on.yaml");
        let text = std::fs::read_to_string(&sign_on).expect("sign-on.yaml");
        let changed = text.replacen("include: [Contractors]", "include: [Employees]", 1);
        assert_ne!(text, changed);
        std::fs::write(&sign_on, changed).expect("write");
        std::fs::write(
            dir.path().join("cases.yaml"),
            "cases:\n  - name: Contractor on NetSuite\n    context: { groups: [Contractors], app: NetSuite }\n    expect:\n      signOn: { policy: Contractors }\n",
        )
        .expect("cases");
        let run = local(
            dir.path(),
            &["simulate", "quickstart", "--cases", "cases.yaml"],
        );
        assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains(
                "signOn: ✗ Okta applies Contractors / Anywhere else; the manifests give Default Policy / Default Rule (offline, policy \"Contractors\": the user is in none of: Employees (people.groups.include))"
            ),
            "{}",
            run.stdout
        );
    }

    #[test]
    fn names_the_org_lacks_are_errors_naming_the_case() {
        let dir = applied_quickstart();
        std::fs::write(
            dir.path().join("cases.yaml"),
            "cases:\n  - name: Typo in the app\n    context: { groups: [Contractor], app: Workdya }\n    expect:\n      access: { policy: Finance apps }\n",
        )
        .expect("cases");
        let run = local(
            dir.path(),
            &["simulate", "quickstart", "--cases", "cases.yaml"],
        );
        assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("Typo in the app"), "{}", run.stdout);
        assert!(
            run.stdout.contains(
                "error: cannot name the case's objects in the org: the org has no app named \"Workdya\" (did you mean \"Workday\"?); the org has no group named \"Contractor\" (did you mean \"Contractors\"?)"
            ),
            "{}",
            run.stdout
        );
    }

    /// `--org URL` at a running emulator, with its token.
    fn over_http(dir: &Path, url: &str, args: &[&str]) -> Run {
        run(command(dir)
            .env("OKTA_API_TOKEN", TOKEN)
            .args(args)
            .args(["--org", url]))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_live_org_over_http_and_a_classic_org() {
        let oie = start(Engine::Oie).await;
        let url = oie.server.url().to_owned();
        let cases = path("tests/fixtures/simulate/quickstart-cases.yaml");
        let quickstart = path("examples/quickstart");
        let outcome = tokio::task::spawn_blocking(move || {
            let dir = tempfile::tempdir().expect("tempdir");
            let applied = over_http(dir.path(), &url, &["apply", &quickstart, "--auto-approve"]);
            assert_eq!(
                applied.code,
                Some(0),
                "{}{}",
                applied.stdout,
                applied.stderr
            );
            over_http(
                dir.path(),
                &url,
                &["simulate", &quickstart, "--cases", &cases],
            )
        })
        .await
        .expect("the binary runs");
        assert_eq!(
            outcome.code,
            Some(1),
            "{}{}",
            outcome.stdout,
            outcome.stderr
        );
        let first = outcome.stdout.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("oktapol simulate on {}", oie.server.url())),
            "{first}"
        );
        assert!(
            outcome
                .stdout
                .contains("5 cases: 11 checks agree, 2 mismatches, 2 not simulatable, 0 errors"),
            "{}",
            outcome.stdout
        );
        oie.server.shutdown().await;

        let classic = start(Engine::Classic).await;
        let url = classic.server.url().to_owned();
        let cases = path("tests/fixtures/simulate/quickstart-cases.yaml");
        let manifests = path("examples/sign-on");
        let outcome = tokio::task::spawn_blocking(move || {
            let dir = tempfile::tempdir().expect("tempdir");
            over_http(
                dir.path(),
                &url,
                &["simulate", &manifests, "--cases", &cases],
            )
        })
        .await
        .expect("the binary runs");
        assert_eq!(
            outcome.code,
            Some(1),
            "{}{}",
            outcome.stdout,
            outcome.stderr
        );
        // miette wraps the message; each half is whole.
        for part in ["is a Classic Engine org", "needs Identity Engine"] {
            assert!(outcome.stderr.contains(part), "{}", outcome.stderr);
        }
        classic.server.shutdown().await;
    }
}
