//! The HTTP client against the emulator over HTTP on 127.0.0.1 (and, for
//! misbehaviour the emulator does not produce, a small fake org beside it):
//! every `Api` operation, pagination past 200 objects with the request
//! count, rate limits paced and 429s waited out on a shared `ManualClock`
//! (no real sleeping), retries of reads after 5xx and transport failures
//! but no blind retry of a create, Okta's validation errors, refused org
//! URLs and next-page links, and the API token kept out of every output.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use oktapol::client::wire::{
    Field, LifecycleStatus, Policy, PolicyRule, PolicyRuleType, PolicyType,
};
use oktapol::client::{
    Api, ApiError, HttpClient, HttpClientError, HttpConfig, OrgUrlError, RetryPolicy, Scope,
    TransportKind,
};
use oktapol::clock::{Clock, ManualClock};
use oktapol::emulator::Engine;
use oktapol::emulator::server::rate_limit::RateLimits;
use oktapol::emulator::server::{Config, Server, serve};
use serde_json::{Value, json};
use tokio::task::JoinSet;

const TOKEN: &str = "SECRET-TOKEN-123";

/// An emulator on 127.0.0.1, a client for it, and their shared clock.
struct Harness {
    server: Server,
    clock: Arc<ManualClock>,
    client: HttpClient,
    /// Plain HTTP for the emulator's admin endpoints.
    admin: reqwest::Client,
}

fn client_for(
    url: &str,
    clock: &Arc<ManualClock>,
    tweak: impl FnOnce(&mut HttpConfig),
) -> HttpClient {
    let mut config = HttpConfig::parse(url, TOKEN, clock.clone()).expect("a loopback URL");
    tweak(&mut config);
    HttpClient::new(config).expect("the client builds")
}

async fn start_with(configure: impl FnOnce(&mut Config)) -> Harness {
    let clock = Arc::new(ManualClock::fixed());
    let mut config = Config::new(TOKEN);
    config.clock = clock.clone();
    config.rng_seed = 42;
    config.rate_limits = RateLimits::off();
    configure(&mut config);
    let server = serve(config).await.expect("the emulator starts");
    let client = client_for(server.url(), &clock, |_| {});
    let admin = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("admin client");
    Harness {
        server,
        clock,
        client,
        admin,
    }
}

async fn start() -> Harness {
    start_with(|_| {}).await
}

async fn start_seeded() -> Harness {
    start_with(|config| {
        config.seed = Some(crate::util::root().join("examples/org-seed.yaml"));
    })
    .await
}

impl Harness {
    fn raw(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.admin
            .request(method, format!("{}{path}", self.server.url()))
            .header("Authorization", format!("SSWS {TOKEN}"))
    }

    async fn stats(&self) -> Value {
        self.raw(reqwest::Method::GET, "/__emulator/stats")
            .send()
            .await
            .expect("stats answered")
            .json()
            .await
            .expect("stats JSON")
    }

    /// How many `route` requests got `status` (`"200"`, `"429"`, `"dropped"`).
    async fn count(&self, route: &str, status: &str) -> u64 {
        self.stats().await["byRouteAndStatus"][route][status]
            .as_u64()
            .unwrap_or(0)
    }

    async fn faults(&self, faults: Value) {
        let answer = self
            .raw(reqwest::Method::PUT, "/__emulator/faults")
            .json(&faults)
            .send()
            .await
            .expect("faults answered");
        assert!(answer.status().is_success(), "{faults}");
    }

    /// Clock time passed since the harness started.
    fn waited(&self) -> Duration {
        self.clock
            .now()
            .duration_since(ManualClock::fixed().now())
            .unwrap_or_default()
    }
}

fn password_policy(name: &str) -> Policy {
    Policy::new(PolicyType::Password, name)
}

async fn names(client: &HttpClient, kind: PolicyType) -> Vec<String> {
    client
        .list_policies(&kind)
        .await
        .expect("policies listed")
        .into_iter()
        .filter_map(|p| p.name)
        .collect()
}

// ----- every operation --------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_works_against_the_emulator() {
    let h = start_seeded().await;
    let api: &dyn Api = &h.client;
    assert_eq!(api.describe(), h.server.url());
    let org = api.organization().await.expect("organization");
    assert_eq!(org.engine, Engine::Oie);
    assert!(!org.id.is_empty());

    // Policies.
    let before = api
        .list_policies(&PolicyType::Password)
        .await
        .expect("list");
    assert_eq!(before.len(), 1, "the default password policy");
    let created = api
        .create_policy(&Scope::Org, &password_policy("Contractors"), false)
        .await
        .expect("create");
    assert_eq!(created.status, Some(LifecycleStatus::Inactive));
    let id = created.id.clone().expect("an id");
    let mut fetched = api.get_policy(&Scope::Org, &id).await.expect("get");
    assert_eq!(fetched.name.as_deref(), Some("Contractors"));
    fetched.description = Field::Value("Outside staff".to_owned());
    let replaced = api
        .replace_policy(&Scope::Org, &id, &fetched)
        .await
        .expect("replace");
    assert_eq!(
        replaced.description,
        Field::Value("Outside staff".to_owned())
    );
    api.set_policy_status(&Scope::Org, &id, true)
        .await
        .expect("activate");
    let active = api.get_policy(&Scope::Org, &id).await.expect("get");
    assert_eq!(active.status, Some(LifecycleStatus::Active));
    assert_eq!(
        names(&h.client, PolicyType::Password).await,
        ["Contractors", "Default Policy"]
    );

    // Rules.
    let rules_before = api.list_rules(&Scope::Org, &id).await.expect("rules").len();
    let rule = api
        .create_rule(
            &Scope::Org,
            &id,
            &PolicyRule::new(PolicyRuleType::Password, "Everyone"),
            true,
        )
        .await
        .expect("create rule");
    let rule_id = rule.id.clone().expect("a rule id");
    let mut renamed = rule.clone();
    renamed.name = Some("Everyone, always".to_owned());
    let replaced = api
        .replace_rule(&Scope::Org, &id, &rule_id, &renamed)
        .await
        .expect("replace rule");
    assert_eq!(replaced.name.as_deref(), Some("Everyone, always"));
    api.set_rule_status(&Scope::Org, &id, &rule_id, false)
        .await
        .expect("deactivate rule");
    let rules = api.list_rules(&Scope::Org, &id).await.expect("rules");
    assert_eq!(rules.len(), rules_before + 1);
    let listed = rules
        .iter()
        .find(|r| r.id.as_deref() == Some(rule_id.as_str()))
        .expect("the rule");
    assert_eq!(listed.status, Some(LifecycleStatus::Inactive));
    api.delete_rule(&Scope::Org, &id, &rule_id)
        .await
        .expect("delete rule");
    assert_eq!(
        api.list_rules(&Scope::Org, &id).await.expect("rules").len(),
        rules_before
    );

    // Apps and their mapping to an access policy.
    let apps = api.list_apps().await.expect("apps");
    let workday = apps
        .iter()
        .find(|a| a.label.as_deref() == Some("Workday"))
        .and_then(|a| a.id.clone())
        .expect("Workday");
    let finance = api
        .create_policy(
            &Scope::Org,
            &Policy::new(PolicyType::AccessPolicy, "Finance apps"),
            true,
        )
        .await
        .expect("access policy")
        .id
        .expect("an id");
    api.map_app(&workday, &finance).await.expect("map");
    let mapped = api.list_apps().await.expect("apps");
    let workday_app = mapped
        .iter()
        .find(|a| a.id.as_deref() == Some(workday.as_str()))
        .expect("Workday");
    assert_eq!(workday_app.access_policy_id(), Some(finance.as_str()));

    // The directory.
    let groups = api.list_groups().await.expect("groups");
    assert!(
        groups
            .iter()
            .any(|g| g.profile.as_ref().and_then(|p| p.name.as_deref()) == Some("Engineering"))
    );
    let ada = api.find_user("ada@acme.com").await.expect("lookup");
    let login = ada.and_then(|u| u.profile).and_then(|p| p.login);
    assert_eq!(login.as_deref(), Some("ada@acme.com"));
    assert_eq!(api.find_user("nobody@acme.com").await, Ok(None));
    assert!(api.list_zones().await.expect("zones").len() >= 3);
    assert!(api.list_idps().await.expect("idps").len() >= 2);
    assert!(
        api.list_authenticators()
            .await
            .expect("authenticators")
            .len()
            >= 7
    );
    assert!(api.list_user_types().await.expect("user types").len() >= 2);
    assert!(api.list_inline_hooks().await.expect("hooks").len() >= 2);
    let servers = api.list_auth_servers().await.expect("servers");
    let interactive = servers
        .iter()
        .find(|s| s.name.as_deref() == Some("interactive"))
        .and_then(|s| s.id.clone())
        .expect("the seeded server");

    // An authorization server's policies and rules (its creates answer 201).
    let scope = Scope::Server(interactive.clone());
    let mut web = Policy::new(PolicyType::OauthAuthorizationPolicy, "Web");
    web.conditions = Field::Value(json!({"clients": {"include": ["ALL_CLIENTS"]}}));
    let web = api
        .create_policy(&scope, &web, false)
        .await
        .expect("server policy");
    let web_id = web.id.expect("an id");
    assert_eq!(
        api.get_policy(&scope, &web_id)
            .await
            .expect("get")
            .name
            .as_deref(),
        Some("Web")
    );
    let listed = api.list_server_policies(&interactive).await.expect("list");
    assert!(
        listed
            .iter()
            .any(|p| p.id.as_deref() == Some(web_id.as_str()))
    );
    let mut everyone = PolicyRule::new(PolicyRuleType::ResourceAccess, "Everyone");
    everyone.conditions = Field::Value(json!({
        "grantTypes": {"include": ["authorization_code"]},
        "scopes": {"include": ["*"]}
    }));
    let rule_id = api
        .create_rule(&scope, &web_id, &everyone, true)
        .await
        .expect("server rule")
        .id
        .expect("an id");
    api.set_rule_status(&scope, &web_id, &rule_id, false)
        .await
        .expect("deactivate");
    assert_eq!(
        api.list_rules(&scope, &web_id).await.expect("rules").len(),
        1
    );
    api.delete_rule(&scope, &web_id, &rule_id)
        .await
        .expect("delete rule");
    api.set_policy_status(&scope, &web_id, true)
        .await
        .expect("activate");
    api.delete_policy(&scope, &web_id).await.expect("delete");
    // An org policy is not found under a server, as in Okta.
    let wrong = api.get_policy(&scope, &id).await.expect_err("not there");
    assert!(wrong.is_not_found(), "{wrong}");

    api.delete_policy(&Scope::Org, &id).await.expect("delete");
    let gone = api.get_policy(&Scope::Org, &id).await.expect_err("deleted");
    assert!(gone.is_not_found());
    assert_eq!(gone.error_code(), Some("E0000007"));
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_classic_org_says_so() {
    let h = start_with(|c| c.engine = Some(Engine::Classic)).await;
    let org = h.client.organization().await.expect("organization");
    assert_eq!(org.engine, Engine::Classic);
    h.server.shutdown().await;
}

// ----- pagination and parallelism ---------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lists_follow_every_page_of_200() {
    // The emulator refuses more than 4 requests in flight: the client's
    // own bound (4 by default) must keep every one of 410 parallel
    // creates below it.
    let h = start_with(|c| c.rate_limits.concurrency = Some(4)).await;
    let client = Arc::new(client_for(h.server.url(), &h.clock, |_| {}));
    let mut creates = JoinSet::new();
    for n in 0..410 {
        let client = Arc::clone(&client);
        creates.spawn(async move {
            client
                .create_policy(
                    &Scope::Org,
                    &password_policy(&format!("Policy {n:03}")),
                    false,
                )
                .await
        });
    }
    while let Some(done) = creates.join_next().await {
        done.expect("joined").expect("created");
    }
    let policies = h
        .client
        .list_policies(&PolicyType::Password)
        .await
        .expect("every page");
    assert_eq!(policies.len(), 411);
    let priorities: Vec<i64> = policies
        .iter()
        .filter_map(|p| p.priority.as_ref().copied())
        .collect();
    assert_eq!(
        priorities,
        (1..=411).collect::<Vec<_>>(),
        "in priority order"
    );
    let mut unique: Vec<&str> = policies.iter().filter_map(|p| p.name.as_deref()).collect();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 411);
    // ⌈411 / 200⌉ pages, no more: the client asked for the largest page.
    assert_eq!(h.count("GET /api/v1/policies", "200").await, 3);
    assert_eq!(h.count("POST /api/v1/policies", "200").await, 410);
    assert_eq!(
        h.stats().await["byStatus"]["429"],
        Value::Null,
        "never over the concurrency limit"
    );
    h.server.shutdown().await;
}

// ----- rate limits ------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_paces_itself_within_the_budget() {
    // The policies bucket allows 3 requests a minute.
    let h = start_with(|c| {
        c.rate_limits = RateLimits::default();
        c.rate_limits.apply("3").expect("spec");
    })
    .await;
    let began = Instant::now();
    for _ in 0..7 {
        h.client
            .list_policies(&PolicyType::Password)
            .await
            .expect("listed");
    }
    // Three windows (3 + 3 + 1), waited on the clock, never a 429.
    assert_eq!(h.count("GET /api/v1/policies", "200").await, 7);
    assert_eq!(h.count("GET /api/v1/policies", "429").await, 0);
    assert!(h.waited() >= Duration::from_secs(120), "{:?}", h.waited());
    assert!(h.waited() < Duration::from_secs(125), "{:?}", h.waited());
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "no real sleeping"
    );
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_until_the_reset_and_retried() {
    let h = start_with(|c| {
        c.rate_limits = RateLimits::default();
        c.rate_limits.apply("3").expect("spec");
    })
    .await;
    // Another client spends the whole budget first.
    for _ in 0..3 {
        let answer = h
            .raw(reqwest::Method::GET, "/api/v1/policies?type=PASSWORD")
            .send()
            .await
            .expect("answered");
        assert_eq!(answer.status(), reqwest::StatusCode::OK);
    }
    let began = Instant::now();
    // A read and a create both meet the 429 and go again after the reset:
    // a 429 was not executed, so even a create may be sent twice.
    let listed = h.client.list_policies(&PolicyType::Password).await;
    assert_eq!(listed.map(|l| l.len()), Ok(1));
    assert_eq!(h.count("GET /api/v1/policies", "429").await, 1);
    assert_eq!(h.count("GET /api/v1/policies", "200").await, 4);
    assert!(h.waited() >= Duration::from_secs(60), "{:?}", h.waited());

    for _ in 0..2 {
        h.raw(reqwest::Method::GET, "/api/v1/policies?type=PASSWORD")
            .send()
            .await
            .expect("answered");
    }
    let created = h
        .client
        .create_policy(&Scope::Org, &password_policy("After the reset"), false)
        .await;
    assert!(created.is_ok(), "{created:?}");
    assert_eq!(h.count("POST /api/v1/policies", "429").await, 1);
    assert_eq!(h.count("POST /api/v1/policies", "200").await, 1);
    assert!(h.waited() >= Duration::from_secs(120), "{:?}", h.waited());
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "no real sleeping"
    );
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_429s_end_in_an_error() {
    let h = start_with(|c| c.faults = "storm=1".parse().expect("spec")).await;
    let client = client_for(h.server.url(), &h.clock, |config| {
        config.retry = RetryPolicy {
            max_rate_limit_waits: 3,
            ..RetryPolicy::default()
        };
    });
    let error = client
        .list_groups()
        .await
        .expect_err("never anything but 429");
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.error_code(), Some("E0000047"));
    assert!(error.transient());
    assert_eq!(h.count("GET /api/v1/groups", "429").await, 4);
    h.server.shutdown().await;
}

// ----- retries ----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_are_retried_after_server_errors() {
    let h = start_with(|c| c.faults = "500=0.3".parse().expect("spec")).await;
    for _ in 0..10 {
        h.client.list_groups().await.expect("retried to success");
    }
    assert!(h.count("GET /api/v1/groups", "500").await > 0);
    assert_eq!(h.count("GET /api/v1/groups", "200").await, 10);

    // Always failing: one try and four retries, with backoff on the clock.
    h.faults(json!({"error500": 1.0})).await;
    let before = h.waited();
    let error = h.client.list_zones().await.expect_err("always 500");
    assert_eq!(error.status(), Some(500));
    assert_eq!(h.count("GET /api/v1/zones", "500").await, 5);
    assert!(h.waited() - before >= Duration::from_millis(7500));
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_is_not_sent_twice_after_commit_then_fail() {
    let h = start_with(|c| c.faults = "commit-then-fail=1".parse().expect("spec")).await;
    let error = h
        .client
        .create_policy(&Scope::Org, &password_policy("Committed"), false)
        .await
        .expect_err("answered 500");
    assert_eq!(error.status(), Some(500));
    assert!(
        error.outcome_unknown(),
        "the caller must look before retrying"
    );
    assert_eq!(h.count("POST /api/v1/policies", "500").await, 1);
    // The create happened, once.
    let names = names(&h.client, PolicyType::Password).await;
    assert_eq!(names, ["Committed", "Default Policy"]);
    let id = h
        .client
        .list_policies(&PolicyType::Password)
        .await
        .expect("list")
        .into_iter()
        .find(|p| p.name.as_deref() == Some("Committed"))
        .and_then(|p| p.id)
        .expect("the committed policy");

    // A rule create is not retried either.
    let rule = h
        .client
        .create_rule(
            &Scope::Org,
            &id,
            &PolicyRule::new(PolicyRuleType::Password, "R"),
            true,
        )
        .await;
    assert!(rule.is_err_and(|e| e.outcome_unknown()));
    assert_eq!(
        h.count("POST /api/v1/policies/{policyId}/rules", "500")
            .await,
        1
    );

    // A replace is idempotent: retried, each attempt committing, then given up.
    let policy = h.client.get_policy(&Scope::Org, &id).await.expect("get");
    let replaced = h.client.replace_policy(&Scope::Org, &id, &policy).await;
    assert_eq!(replaced.map_err(|e| e.status()), Err(Some(500)));
    assert_eq!(h.count("PUT /api/v1/policies/{policyId}", "500").await, 5);

    // A delete whose retry finds nothing has done its job.
    h.client
        .delete_policy(&Scope::Org, &id)
        .await
        .expect("deleted by the first attempt");
    assert_eq!(
        h.count("DELETE /api/v1/policies/{policyId}", "500").await,
        1
    );
    assert_eq!(
        h.count("DELETE /api/v1/policies/{policyId}", "404").await,
        1
    );
    // A delete of something that never existed is still an error.
    let missing = h.client.delete_policy(&Scope::Org, "00pnope").await;
    assert!(missing.is_err_and(|e| e.is_not_found()));
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_are_retried_for_reads_only() {
    let h = start_with(|c| c.faults = "drop=1".parse().expect("spec")).await;
    let error = h.client.list_groups().await.expect_err("always dropped");
    assert!(
        matches!(
            error,
            ApiError::Transport {
                kind: TransportKind::Interrupted,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(h.count("GET /api/v1/groups", "dropped").await, 5);
    let error = h
        .client
        .create_policy(&Scope::Org, &password_policy("Maybe"), true)
        .await
        .expect_err("dropped");
    assert!(error.outcome_unknown(), "{error}");
    assert_eq!(h.count("POST /api/v1/policies", "dropped").await, 1);
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_that_cannot_connect_is_retried() {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let clock = Arc::new(ManualClock::fixed());
    let client = client_for(&url, &clock, |_| {});
    let began = Instant::now();
    let error = client
        .create_policy(&Scope::Org, &password_policy("Nowhere"), false)
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(
            error,
            ApiError::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{error}"
    );
    assert!(!error.outcome_unknown(), "nothing was sent");
    // Four backoffs (0.5 + 1 + 2 + 4 s at least) on the clock, not the wall.
    let waited = clock
        .now()
        .duration_since(ManualClock::fixed().now())
        .unwrap_or_default();
    assert!(waited >= Duration::from_millis(7500), "{waited:?}");
    assert!(began.elapsed() < Duration::from_secs(10));
    assert!(
        error
            .to_string()
            .starts_with("POST /api/v1/policies: cannot connect"),
        "{error}"
    );
}

// ----- errors -----------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_validation_errors_carry_code_summary_and_causes() {
    let h = start().await;
    let error = h
        .client
        .create_policy(&Scope::Org, &password_policy(""), false)
        .await
        .expect_err("a blank name");
    let ApiError::Okta {
        request,
        status,
        error: okta,
    } = &error
    else {
        panic!("not an Okta error: {error:?}");
    };
    assert_eq!(request, "POST /api/v1/policies");
    assert_eq!(*status, 400);
    assert_eq!(okta.error_code.as_deref(), Some("E0000001"));
    assert!(
        okta.error_summary
            .as_deref()
            .is_some_and(|s| s.starts_with("Api validation failed")),
        "{okta:?}"
    );
    assert!(!okta.error_causes.is_empty());
    assert!(
        okta.error_id
            .as_deref()
            .is_some_and(|id| id.starts_with("oae"))
    );
    let text = error.to_string();
    assert!(
        text.starts_with(
            "POST /api/v1/policies: Okta answered 400: E0000001: Api validation failed"
        ),
        "{text}"
    );
    assert!(text.contains("\n  name:"), "{text}");
    assert!(!error.transient() && !error.outcome_unknown());
    assert_eq!(
        h.count("POST /api/v1/policies", "400").await,
        1,
        "not retried"
    );
    h.server.shutdown().await;
}

#[test]
fn http_is_refused_except_on_loopback() {
    let clock: Arc<ManualClock> = Arc::new(ManualClock::fixed());
    for url in [
        "http://acme.okta.com",
        "http://192.168.1.10:8080",
        "http://localhost.example.com",
    ] {
        let refused = HttpConfig::parse(url, TOKEN, clock.clone()).expect_err(url);
        assert!(
            matches!(
                refused,
                HttpClientError::OrgUrl(OrgUrlError::Insecure { .. })
            ),
            "{url}: {refused:?}"
        );
        let text = refused.to_string();
        assert!(
            text.contains("http://") && text.contains("unencrypted"),
            "{text}"
        );
    }
    for url in [
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "http://localhost:8080",
        "https://acme.okta.com",
    ] {
        let config = HttpConfig::parse(url, TOKEN, clock.clone()).expect(url);
        HttpClient::new(config).expect(url);
    }
    assert!(matches!(
        HttpConfig::parse("https://acme.okta.com", "  ", clock.clone()),
        Err(HttpClientError::Token(_))
    ));
}

// ----- misbehaving servers, and the token ------------------------------------

/// Serves `router` on 127.0.0.1; returns its URL.
async fn fake(router: Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misbehaving_servers_get_clear_errors_and_never_the_token() {
    // Another origin, which must never be contacted.
    let foreign_hits = Arc::new(AtomicUsize::new(0));
    let hits = Arc::clone(&foreign_hits);
    let (foreign, foreign_task) = fake(Router::new().fallback(move || {
        hits.fetch_add(1, Ordering::SeqCst);
        async { "[]" }
    }))
    .await;

    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let record = Arc::clone(&seen);
    let next_elsewhere = format!("<{foreign}/api/v1/groups?after=x>; rel=\"next\"");
    let redirect_to = format!("{foreign}/api/v1/authenticators");
    let org = Router::new()
        .route(
            "/api/v1/groups",
            get(move || async move { ([(header::LINK, next_elsewhere)], "[]") }),
        )
        .route(
            "/api/v1/zones",
            // A proxy's error page, echoing the request's headers.
            get(|headers: HeaderMap| async move {
                let auth = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                (
                    StatusCode::BAD_GATEWAY,
                    [(header::CONTENT_TYPE, "text/html")],
                    format!("<html><body>upstream failed; you sent {auth}</body></html>"),
                )
            }),
        )
        .route(
            "/api/v1/idps",
            get(move |headers: HeaderMap| async move {
                let ua = headers
                    .get(header::USER_AGENT)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                record.lock().expect("lock").push(ua.to_owned());
                (
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html>sign in</html>",
                )
            }),
        )
        .route(
            "/api/v1/authenticators",
            get(move || async move {
                (StatusCode::FOUND, [(header::LOCATION, redirect_to)]).into_response()
            }),
        )
        .route(
            "/api/v1/inlineHooks",
            get(|| async {
                (
                    [(header::LINK, "</api/v1/inlineHooks>; rel=\"next\"")],
                    "[]",
                )
            }),
        )
        .route(
            "/.well-known/okta-organization",
            get(|| async { axum::Json(json!({"id": "00o1", "pipeline": "v2"})) }),
        );
    let (url, org_task) = fake(org).await;
    let clock = Arc::new(ManualClock::fixed());
    let client = client_for(&url, &clock, |_| {});

    let mut errors: Vec<ApiError> = Vec::new();

    let elsewhere = client.list_groups().await.expect_err("a foreign next link");
    assert!(matches!(elsewhere, ApiError::Decode { .. }), "{elsewhere}");
    assert!(
        elsewhere.to_string().contains("another origin"),
        "{elsewhere}"
    );
    errors.push(elsewhere);

    let proxy = client.list_zones().await.expect_err("502");
    assert_eq!(proxy.status(), Some(502));
    let text = proxy.to_string();
    assert!(
        text.starts_with("GET /api/v1/zones: Okta answered 502"),
        "{text}"
    );
    assert!(
        text.contains("502 Bad Gateway (not an Okta error body; text/html"),
        "{text}"
    );
    assert!(text.contains("you sent SSWS [redacted]"), "{text}");
    errors.push(proxy);

    let login_page = client
        .list_idps()
        .await
        .expect_err("HTML where JSON belongs");
    assert!(matches!(login_page, ApiError::Decode { .. }));
    assert!(
        login_page
            .to_string()
            .starts_with("GET /api/v1/idps: unexpected response"),
        "{login_page}"
    );
    errors.push(login_page);
    let agents = seen.lock().expect("lock").clone();
    assert_eq!(agents, [format!("oktapol/{}", env!("CARGO_PKG_VERSION"))]);

    let redirected = client.list_authenticators().await.expect_err("a redirect");
    assert_eq!(redirected.status(), Some(302));
    assert!(
        redirected.to_string().contains("redirected to"),
        "{redirected}"
    );
    errors.push(redirected);

    let circular = client.list_inline_hooks().await.expect_err("a link loop");
    assert!(circular.to_string().contains("already read"), "{circular}");
    errors.push(circular);

    let pipeline = client
        .organization()
        .await
        .expect_err("an unknown pipeline");
    assert!(pipeline.to_string().contains("pipeline `v2`"), "{pipeline}");
    errors.push(pipeline);

    assert_eq!(
        foreign_hits.load(Ordering::SeqCst),
        0,
        "the token never left the org"
    );

    // The emulator with another token: 401, and still no token in sight.
    let h = start_with(|c| c.token = "the-emulators-own-token".to_owned()).await;
    let unauthorized = h.client.list_groups().await.expect_err("wrong token");
    assert_eq!(unauthorized.error_code(), Some("E0000011"));
    errors.push(unauthorized);

    for error in &errors {
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.contains(TOKEN), "{shown}");
        }
    }
    for shown in [
        format!("{client:?}"),
        client.describe(),
        format!("{:?}", HttpConfig::parse(&url, TOKEN, clock.clone())),
    ] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    assert_eq!(client.describe(), url);
    h.server.shutdown().await;
    org_task.abort();
    foreign_task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_that_times_out_is_not_retried() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    let clock = Arc::new(ManualClock::fixed());
    let client = client_for(&url, &clock, |config| {
        config.timeout = Duration::from_millis(50);
    });
    let error = client
        .create_policy(&Scope::Org, &password_policy("Slow"), false)
        .await
        .expect_err("no answer");
    assert!(
        matches!(
            error,
            ApiError::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.outcome_unknown());
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "sent once");
    task.abort();
}
