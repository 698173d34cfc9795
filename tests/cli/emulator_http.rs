//! The emulator over HTTP, on 127.0.0.1 only: auth, the policy and rule
//! endpoints with Okta's status codes, pagination and `Link` headers, rate
//! limits in controlled time (a `ManualClock`, never a sleep), fault
//! injection, request counts, persistence across a restart, 50 concurrent
//! writers, Okta-shaped errors, the directory, app↔policy mapping and
//! authorization-server routes over a seeded org, and the real binary
//! started and stopped with a signal.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{Request, StatusCode as AxumStatus};
use oktapol::clock::{Clock, ManualClock};
use oktapol::emulator::Engine;
use oktapol::emulator::server::faults::FaultConfig;
use oktapol::emulator::server::rate_limit::{RateLimits, epoch_seconds_ceil};
use oktapol::emulator::server::{Config, Emulator, Server, serve};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, DATE, LINK};
use serde_json::{Value, json};
use tower::ServiceExt;

const TOKEN: &str = "test-token-3f9a";

/// A server on 127.0.0.1, a client with the token, and the server's clock.
struct Harness {
    server: Server,
    client: reqwest::Client,
    clock: Arc<ManualClock>,
}

fn config(clock: &Arc<ManualClock>) -> Config {
    let mut config = Config::new(TOKEN);
    config.clock = clock.clone();
    config.rng_seed = 42;
    config
}

async fn start_with(configure: impl FnOnce(&mut Config)) -> Harness {
    let clock = Arc::new(ManualClock::fixed());
    let mut config = config(&clock);
    configure(&mut config);
    start_config(config, clock).await
}

async fn start_config(config: Config, clock: Arc<ManualClock>) -> Harness {
    let server = serve(config).await.expect("the emulator starts");
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    Harness {
        server,
        client,
        clock,
    }
}

async fn start() -> Harness {
    start_with(|_| {}).await
}

impl Harness {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("Authorization", format!("SSWS {TOKEN}"))
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .expect("GET answered")
    }

    async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.request(method, path)
            .json(body)
            .send()
            .await
            .expect("request answered")
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    async fn put(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send_json(reqwest::Method::PUT, path, body).await
    }

    async fn post_empty(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::POST, path)
            .send()
            .await
            .expect("POST answered")
    }

    async fn delete(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::DELETE, path)
            .send()
            .await
            .expect("DELETE answered")
    }

    /// Creates a policy and returns its body.
    async fn create_policy(&self, kind: &str, name: &str) -> Value {
        let response = self
            .post("/api/v1/policies", &json!({"type": kind, "name": name}))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "create {name}");
        response.json().await.expect("policy JSON")
    }

    async fn stats(&self) -> Value {
        body(self.get("/__emulator/stats").await).await
    }
}

async fn body(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// Asserts an Okta error: status, `application/json`, and `errorCode`.
async fn assert_okta_error(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status);
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/json");
    let error = body(response).await;
    assert_eq!(error["errorCode"], code, "{error}");
    assert!(error["errorSummary"].is_string());
    assert!(
        error["errorId"]
            .as_str()
            .is_some_and(|id| id.starts_with("oae"))
    );
    assert!(error["errorCauses"].is_array());
    error
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn links(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// The URL inside `<…>; rel="next"`, as a path for the harness.
fn next_path(links: &[String], base: &str) -> Option<String> {
    links
        .iter()
        .find(|l| l.ends_with("rel=\"next\""))
        .and_then(|l| l.strip_prefix('<'))
        .and_then(|l| l.split_once('>'))
        .and_then(|(url, _)| url.strip_prefix(base))
        .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_the_token_get_401() {
    let h = start().await;
    let path = "/api/v1/policies?type=PASSWORD";
    let none = h.client.get(h.url(path)).send().await.expect("answered");
    assert_okta_error(none, 401, "E0000011").await;
    for authorization in [
        "SSWS wrong".to_owned(),
        format!("Bearer {TOKEN}"),
        TOKEN.to_owned(),
        format!("SSWS {TOKEN}x"),
    ] {
        let response = h
            .client
            .get(h.url(path))
            .header("Authorization", authorization)
            .send()
            .await
            .expect("answered");
        assert_okta_error(response, 401, "E0000011").await;
    }
    assert_eq!(h.get(path).await.status(), StatusCode::OK);
    // The admin endpoints need the token too; the well-known document does not.
    let admin = h
        .client
        .get(h.url("/__emulator/state"))
        .send()
        .await
        .expect("answered");
    assert_okta_error(admin, 401, "E0000011").await;
    let public = h
        .client
        .get(h.url("/.well-known/okta-organization"))
        .send()
        .await
        .expect("answered");
    assert_eq!(public.status(), StatusCode::OK);
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policies_and_rules_round_trip_with_oktas_status_codes() {
    let h = start().await;
    // Create inactive (200, as the spec says for createPolicy).
    let created = h
        .post(
            "/api/v1/policies?activate=false",
            &json!({"type": "PASSWORD", "name": "Contractors", "description": "c"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let policy = body(created).await;
    let id = id_of(&policy);
    assert!(id.starts_with("00p"));
    assert_eq!(policy["status"], "INACTIVE");
    assert_eq!(policy["priority"], 1);
    assert_eq!(
        policy["_links"]["self"]["href"],
        h.url(&format!("/api/v1/policies/{id}"))
    );
    assert_eq!(
        policy["_links"]["activate"]["href"],
        h.url(&format!("/api/v1/policies/{id}/lifecycle/activate"))
    );

    // Get.
    let fetched = body(h.get(&format!("/api/v1/policies/{id}")).await).await;
    assert_eq!(fetched, policy);

    // Replace, echoing read-only fields back (Okta ignores them).
    let mut edited = policy.clone();
    edited["description"] = json!("contractors and vendors");
    edited["status"] = json!("ACTIVE");
    edited["created"] = json!("1999-01-01T00:00:00.000Z");
    edited["system"] = json!(true);
    let replaced = h.put(&format!("/api/v1/policies/{id}"), &edited).await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let replaced = body(replaced).await;
    assert_eq!(replaced["description"], "contractors and vendors");
    assert_eq!(replaced["status"], "INACTIVE");
    assert_eq!(replaced["created"], policy["created"]);
    assert_eq!(replaced["system"], false);
    assert_eq!(replaced["id"], policy["id"]);

    // Lifecycle: 204 with no body.
    let activated = h
        .post_empty(&format!("/api/v1/policies/{id}/lifecycle/activate"))
        .await;
    assert_eq!(activated.status(), StatusCode::NO_CONTENT);
    assert!(activated.bytes().await.expect("body").is_empty());
    let fetched = body(h.get(&format!("/api/v1/policies/{id}")).await).await;
    assert_eq!(fetched["status"], "ACTIVE");

    // Listed before the default policy, which stays last.
    let list = body(h.get("/api/v1/policies?type=PASSWORD").await).await;
    let names: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["Contractors", "Default Policy"]);

    // Rules: create (200), get, replace, deactivate (204), delete (204).
    let rules_path = format!("/api/v1/policies/{id}/rules");
    let rule = h
        .post(&rules_path, &json!({"type": "PASSWORD", "name": "Allow"}))
        .await;
    assert_eq!(rule.status(), StatusCode::OK);
    let rule = body(rule).await;
    let rule_id = id_of(&rule);
    assert_eq!(
        (rule["status"].clone(), rule["priority"].clone()),
        (json!("ACTIVE"), json!(1))
    );
    assert_eq!(
        rule["_links"]["self"]["href"],
        h.url(&format!("{rules_path}/{rule_id}"))
    );
    let inactive = body(
        h.post(
            &format!("{rules_path}?activate=false"),
            &json!({"type": "PASSWORD", "name": "Second"}),
        )
        .await,
    )
    .await;
    assert_eq!(inactive["status"], "INACTIVE");
    let rule_path = format!("{rules_path}/{rule_id}");
    assert_eq!(body(h.get(&rule_path).await).await, rule);
    let mut renamed = rule.clone();
    renamed["name"] = json!("Allow all");
    let renamed = body(h.put(&rule_path, &renamed).await).await;
    assert_eq!(renamed["name"], "Allow all");
    let deactivated = h
        .post_empty(&format!("{rule_path}/lifecycle/deactivate"))
        .await;
    assert_eq!(deactivated.status(), StatusCode::NO_CONTENT);
    assert_eq!(body(h.get(&rule_path).await).await["status"], "INACTIVE");
    let listed = body(h.get(&rules_path).await).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    assert_eq!(h.delete(&rule_path).await.status(), StatusCode::NO_CONTENT);
    assert_okta_error(h.get(&rule_path).await, 404, "E0000007").await;

    // `expand=rules` embeds the rules.
    let expanded = body(h.get(&format!("/api/v1/policies/{id}?expand=rules")).await).await;
    let embedded = expanded["_embedded"]["rules"]
        .as_array()
        .expect("embedded rules");
    assert_eq!(embedded.len(), 1);
    assert_eq!(embedded[0]["name"], "Second");
    let listed = body(h.get("/api/v1/policies?type=PASSWORD&expand=rules").await).await;
    assert!(listed[0]["_embedded"]["rules"].is_array());
    // Okta embeds at most 20 rules and refuses a policy with more.
    for n in 0..20 {
        let created = h
            .post(
                &rules_path,
                &json!({"type": "PASSWORD", "name": format!("Bulk {n}")}),
            )
            .await;
        assert_eq!(created.status(), StatusCode::OK);
    }
    assert_okta_error(
        h.get(&format!("/api/v1/policies/{id}?expand=rules")).await,
        400,
        "E0000001",
    )
    .await;
    assert_eq!(
        h.get(&format!("/api/v1/policies/{id}")).await.status(),
        StatusCode::OK
    );

    // Delete: 204, then 404.
    let deleted = h.delete(&format!("/api/v1/policies/{id}")).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(deleted.bytes().await.expect("body").is_empty());
    let gone = assert_okta_error(
        h.get(&format!("/api/v1/policies/{id}")).await,
        404,
        "E0000007",
    )
    .await;
    assert!(
        gone["errorSummary"]
            .as_str()
            .is_some_and(|s| s.contains(&id))
    );

    // The state machine's refusals keep their codes: a default policy
    // cannot be deleted (400 E0000001 with causes).
    let default_id = id_of(&list[1]);
    let refused = assert_okta_error(
        h.delete(&format!("/api/v1/policies/{default_id}")).await,
        400,
        "E0000001",
    )
    .await;
    assert!(!refused["errorCauses"].as_array().is_some_and(Vec::is_empty));
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_paginate_with_self_then_next_links() {
    let h = start().await;
    for n in 0..5 {
        h.create_policy("PASSWORD", &format!("P{n}")).await;
    }
    // 6 policies with the default; pages of 2 (`limit` is a string on the wire).
    let base = h.server.url().to_owned();
    let mut path = Some("/api/v1/policies?type=PASSWORD&limit=2".to_owned());
    let mut seen = Vec::new();
    let mut pages = 0;
    while let Some(current) = path {
        let response = h.get(&current).await;
        assert_eq!(response.status(), StatusCode::OK);
        let links = links(&response);
        assert!(links[0].ends_with("rel=\"self\""), "{links:?}");
        assert_eq!(links[0], format!("<{base}{current}>; rel=\"self\""));
        path = next_path(&links, &base);
        if path.is_some() {
            assert_eq!(links.len(), 2);
            assert!(links[1].ends_with("rel=\"next\""));
        } else {
            assert_eq!(links.len(), 1, "the last page has only self");
        }
        let page = body(response).await;
        seen.extend(
            page.as_array()
                .expect("array")
                .iter()
                .filter_map(|p| p["name"].as_str().map(str::to_owned)),
        );
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["P0", "P1", "P2", "P3", "P4", "Default Policy"]);

    // Without `limit`, 20 a page: everything here; limit over 200 is clamped.
    let all = body(h.get("/api/v1/policies?type=PASSWORD").await).await;
    assert_eq!(all.as_array().map(Vec::len), Some(6));
    let big = h.get("/api/v1/policies?type=PASSWORD&limit=5000").await;
    assert_eq!(big.status(), StatusCode::OK);

    // Filters: `q` is a name prefix, `status` the lifecycle.
    let q = body(h.get("/api/v1/policies?type=PASSWORD&q=p3").await).await;
    assert_eq!(q.as_array().map(Vec::len), Some(1));
    let inactive = body(
        h.get("/api/v1/policies?type=PASSWORD&status=INACTIVE")
            .await,
    )
    .await;
    assert_eq!(inactive.as_array().map(Vec::len), Some(0));

    // Rule lists page too.
    let policy = id_of(&all[0]);
    for n in 0..3 {
        let rule = h
            .post(
                &format!("/api/v1/policies/{policy}/rules"),
                &json!({"type": "PASSWORD", "name": format!("R{n}")}),
            )
            .await;
        assert_eq!(rule.status(), StatusCode::OK);
    }
    let first = h
        .get(&format!("/api/v1/policies/{policy}/rules?limit=2"))
        .await;
    let next = next_path(&links(&first), &base).expect("a next page");
    assert_eq!(body(first).await.as_array().map(Vec::len), Some(2));
    assert_eq!(
        body(h.get(&next).await).await.as_array().map(Vec::len),
        Some(1)
    );

    // Bad parameters are Okta errors.
    for bad in [
        "/api/v1/policies?type=PASSWORD&limit=abc",
        "/api/v1/policies?type=PASSWORD&limit=-1",
        "/api/v1/policies?type=PASSWORD&after=00pnosuchpolicy00000",
        "/api/v1/policies",
        "/api/v1/policies?type=NOT_A_TYPE",
    ] {
        assert_okta_error(h.get(bad).await, 400, "E0000001").await;
    }
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exhausted_bucket_answers_429_until_the_window_resets() {
    let h = start_with(|c| {
        c.rate_limits.apply("3").expect("spec");
    })
    .await;
    let start = epoch_seconds_ceil(h.clock.now());
    let path = "/api/v1/policies?type=PASSWORD";
    for remaining in ["2", "1", "0"] {
        let response = h.get(path).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            header(&response, "x-rate-limit-limit").as_deref(),
            Some("3")
        );
        assert_eq!(
            header(&response, "x-rate-limit-remaining").as_deref(),
            Some(remaining)
        );
        assert_eq!(
            header(&response, "x-rate-limit-reset"),
            Some((start + 60).to_string())
        );
    }
    // Rules share the policies bucket; over the limit is 429 E0000047.
    h.clock.advance(Duration::from_secs(59));
    let limited = h.get("/api/v1/policies/00pany/rules").await;
    assert_eq!(
        header(&limited, "x-rate-limit-remaining").as_deref(),
        Some("0")
    );
    assert_eq!(
        header(&limited, "x-rate-limit-reset"),
        Some((start + 60).to_string())
    );
    let date = header(&limited, "date").expect("Date on a 429");
    assert_eq!(
        httpdate::parse_http_date(&date).ok(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(start + 59)),
        "Date comes from the injected clock"
    );
    assert_okta_error(limited, 429, "E0000047").await;
    // Another bucket is unaffected, and every response carries the headers.
    let other = h.get("/.well-known/okta-organization").await;
    assert_eq!(other.status(), StatusCode::OK);
    assert!(header(&other, "x-rate-limit-remaining").is_some());
    let unknown = h.get("/api/v1/nothing-here").await;
    assert!(header(&unknown, "x-rate-limit-limit").is_some());
    assert_okta_error(unknown, 404, "E0000007").await;

    // The window ends: a fresh one, no real time spent.
    h.clock.advance(Duration::from_secs(1));
    let recovered = h.get(path).await;
    assert_eq!(recovered.status(), StatusCode::OK);
    assert_eq!(
        header(&recovered, "x-rate-limit-remaining").as_deref(),
        Some("2")
    );
    assert_eq!(
        header(&recovered, "x-rate-limit-reset"),
        Some((start + 120).to_string())
    );
    // Admin endpoints are never limited.
    assert_eq!(h.get("/__emulator/stats").await.status(), StatusCode::OK);
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_limits_off_there_are_no_429s_and_no_headers() {
    let h = start_with(|c| c.rate_limits = RateLimits::off()).await;
    for _ in 0..150 {
        let response = h.get("/api/v1/policies?type=PASSWORD&limit=1").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(header(&response, "x-rate-limit-limit").is_none());
    }
    h.server.shutdown().await;
}

/// In-process, in paused tokio time: latency sleeps on tokio's clock, and
/// a second request while one is in flight hits the concurrency limit.
#[tokio::test(start_paused = true)]
async fn latency_and_the_concurrency_limit_in_paused_time() {
    let clock = Arc::new(ManualClock::fixed());
    let mut config = config(&clock);
    config.rate_limits.concurrency = Some(1);
    config.faults = "latency=30s".parse().expect("spec");
    let router = Emulator::new(config, "http://emulator.test")
        .expect("emulator")
        .router();
    let request = || {
        Request::get("/api/v1/policies?type=PASSWORD")
            .header("Authorization", format!("SSWS {TOKEN}"))
            .body(Body::empty())
            .expect("request")
    };
    let began = tokio::time::Instant::now();
    let (first, second) = tokio::join!(
        router.clone().oneshot(request()),
        router.clone().oneshot(request())
    );
    let mut statuses = [
        first.expect("infallible").status(),
        second.expect("infallible").status(),
    ];
    statuses.sort();
    assert_eq!(statuses, [AxumStatus::OK, AxumStatus::TOO_MANY_REQUESTS]);
    assert!(began.elapsed() >= Duration::from_secs(30));
    // The place is free again.
    let third = router.oneshot(request()).await.expect("infallible");
    assert_eq!(third.status(), AxumStatus::OK);
    let bytes = axum::body::to_bytes(third.into_body(), usize::MAX)
        .await
        .expect("body");
    let list: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(
        list[0]["_links"]["self"]["href"]
            .as_str()
            .map(|s| s.starts_with("http://emulator.test/api/v1/policies/")),
        Some(true)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_then_fail_writes_and_answers_500() {
    let h = start_with(|c| c.faults = "commit-then-fail=1".parse().expect("spec")).await;
    let failed = h
        .post(
            "/api/v1/policies",
            &json!({"type": "PASSWORD", "name": "Committed"}),
        )
        .await;
    assert_okta_error(failed, 500, "E0000009").await;
    // Reads are untouched by commit-then-fail, and the write happened.
    let list = body(h.get("/api/v1/policies?type=PASSWORD&q=Committed").await).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    // A failed write stays failed: no commit, the 400 goes through.
    let refused = h
        .post("/api/v1/policies", &json!({"type": "PASSWORD", "name": ""}))
        .await;
    assert_okta_error(refused, 400, "E0000001").await;

    // Turned off at run time.
    let off = h.put("/__emulator/faults", &json!({})).await;
    assert_eq!(off.status(), StatusCode::OK);
    assert_eq!(body(off).await["commitThenFail"], 0.0);
    let created = h
        .post(
            "/api/v1/policies",
            &json!({"type": "PASSWORD", "name": "Clean"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_set_at_run_time_and_repeat_per_seed() {
    let h = start().await;
    let current = body(h.get("/__emulator/faults").await).await;
    assert_eq!(current["error500"], 0.0);
    let set = h
        .put(
            "/__emulator/faults",
            &json!({"error500": 1.0, "latencyMs": 0}),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_okta_error(
        h.get("/api/v1/policies?type=PASSWORD").await,
        500,
        "E0000009",
    )
    .await;
    // A 500 fault fires before the handler: the write does not happen.
    h.post(
        "/api/v1/policies",
        &json!({"type": "PASSWORD", "name": "Never"}),
    )
    .await;
    // Storms: 429 with the headers a client backs off by.
    h.put("/__emulator/faults", &json!({"storm": 1.0})).await;
    let storm = h.get("/api/v1/policies?type=PASSWORD").await;
    assert_eq!(
        header(&storm, "x-rate-limit-remaining").as_deref(),
        Some("0")
    );
    assert_eq!(
        header(&storm, "x-rate-limit-reset"),
        Some((epoch_seconds_ceil(h.clock.now()) + 1).to_string())
    );
    assert!(header(&storm, "date").is_some());
    assert_okta_error(storm, 429, "E0000047").await;
    // Bad settings are refused and change nothing.
    for bad in [json!({"error500": 2.0}), json!({"nonsense": 1})] {
        let refused = h.put("/__emulator/faults", &bad).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    }
    assert_eq!(body(h.get("/__emulator/faults").await).await["storm"], 1.0);
    h.put("/__emulator/faults", &json!({})).await;
    let list = body(h.get("/api/v1/policies?type=PASSWORD&q=Never").await).await;
    assert_eq!(list.as_array().map(Vec::len), Some(0));
    h.server.shutdown().await;

    // Same seed, same requests: same outcomes; another seed differs.
    async fn outcomes(seed: u64) -> Vec<u16> {
        let h = start_with(|c| {
            c.rng_seed = seed;
            c.faults = "500=0.5".parse().expect("spec");
        })
        .await;
        let mut statuses = Vec::new();
        for _ in 0..24 {
            statuses.push(
                h.get("/api/v1/policies?type=PASSWORD")
                    .await
                    .status()
                    .as_u16(),
            );
        }
        h.server.shutdown().await;
        statuses
    }
    let first = outcomes(7).await;
    assert!(first.contains(&500) && first.contains(&200), "{first:?}");
    assert_eq!(outcomes(7).await, first);
    assert_ne!(outcomes(8).await, first);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_get_no_answer() {
    let h = start_with(|c| c.faults = "drop=1".parse().expect("spec")).await;
    let dropped = h
        .request(reqwest::Method::GET, "/api/v1/policies?type=PASSWORD")
        .send()
        .await;
    assert!(dropped.is_err(), "no response when the connection drops");
    // commit-then-drop: the write happens, the client hears nothing.
    h.put("/__emulator/faults", &json!({"commitThenDrop": 1.0}))
        .await;
    let lost = h
        .request(reqwest::Method::POST, "/api/v1/policies")
        .json(&json!({"type": "PASSWORD", "name": "Silent"}))
        .send()
        .await;
    assert!(lost.is_err());
    h.put("/__emulator/faults", &json!({})).await;
    let list = body(h.get("/api/v1/policies?type=PASSWORD&q=Silent").await).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let stats = h.stats().await;
    assert_eq!(stats["byStatus"]["dropped"], 2);
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_count_each_route_and_status() {
    let h = start().await;
    let policy = h.create_policy("PASSWORD", "Counted").await;
    let id = id_of(&policy);
    h.get("/api/v1/policies?type=PASSWORD").await;
    h.get("/api/v1/policies?type=PASSWORD").await;
    h.get(&format!("/api/v1/policies/{id}")).await;
    h.get("/api/v1/policies/00pmissing").await;
    h.post(
        &format!("/api/v1/policies/{id}/rules"),
        &json!({"type": "PASSWORD", "name": "R"}),
    )
    .await;
    h.client
        .get(h.url("/api/v1/policies?type=PASSWORD"))
        .send()
        .await
        .expect("answered");
    h.get("/api/v1/unknown").await;
    // Admin calls are not counted.
    h.get("/__emulator/state").await;

    let stats = h.stats().await;
    assert_eq!(stats["total"], 8);
    assert_eq!(stats["byRoute"]["GET /api/v1/policies"], 3);
    assert_eq!(stats["byRoute"]["POST /api/v1/policies"], 1);
    assert_eq!(stats["byRoute"]["GET /api/v1/policies/{policyId}"], 2);
    assert_eq!(
        stats["byRoute"]["POST /api/v1/policies/{policyId}/rules"],
        1
    );
    assert_eq!(stats["byRoute"]["GET (unmatched)"], 1);
    assert_eq!(stats["byStatus"]["200"], 5);
    assert_eq!(stats["byStatus"]["401"], 1);
    assert_eq!(stats["byStatus"]["404"], 2);
    assert_eq!(
        stats["byRouteAndStatus"]["GET /api/v1/policies/{policyId}"],
        json!({"200": 1, "404": 1})
    );
    assert_eq!(
        h.delete("/__emulator/stats").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(h.stats().await["total"], 0);
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_survives_a_restart_and_reset_starts_over() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("org.json");
    let clock = Arc::new(ManualClock::fixed());
    let with_state = || {
        let mut config = config(&clock);
        config.state = Some(state.clone());
        config
    };

    let h = start_config(with_state(), clock.clone()).await;
    let policy = h.create_policy("PASSWORD", "Kept across restart").await;
    let id = id_of(&policy);
    // Saved after the write, before any shutdown, privately.
    let saved = std::fs::read_to_string(&state).expect("state file");
    assert!(saved.contains("Kept across restart"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let dumped = body(h.get("/__emulator/state").await).await;
    assert_eq!(dumped, serde_json::from_str::<Value>(&saved).expect("JSON"));
    h.server.shutdown().await;

    let h = start_config(with_state(), clock.clone()).await;
    let fetched = h.get(&format!("/api/v1/policies/{id}")).await;
    assert_eq!(fetched.status(), StatusCode::OK);
    let fetched = body(fetched).await;
    assert_eq!(fetched["name"], "Kept across restart");
    // `_links` follow the new server's URL.
    assert_eq!(
        fetched["_links"]["self"]["href"],
        h.url(&format!("/api/v1/policies/{id}"))
    );
    // IDs go on where they left off.
    let second = h.create_policy("PASSWORD", "Second").await;
    assert_ne!(id_of(&second), id);

    // A state file's engine wins over a conflicting --engine: refused.
    let mut classic = with_state();
    classic.engine = Some(Engine::Classic);
    assert!(serve(classic).await.is_err());

    // Reset: Okta's defaults again, saved too.
    assert_eq!(
        h.post_empty("/__emulator/reset").await.status(),
        StatusCode::NO_CONTENT
    );
    let list = body(h.get("/api/v1/policies?type=PASSWORD").await).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert!(
        !std::fs::read_to_string(&state)
            .expect("state")
            .contains("Kept across restart")
    );
    h.server.shutdown().await;

    // A file that is not a state file stops the start, untouched.
    std::fs::write(&state, "{ not json").expect("write");
    assert!(serve(with_state()).await.is_err());
    assert_eq!(std::fs::read_to_string(&state).expect("read"), "{ not json");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_writers_lose_nothing() {
    let h = Arc::new(start_with(|c| c.rate_limits = RateLimits::off()).await);
    for (kind, first_priority) in [("PASSWORD", 1), ("ACCESS_POLICY", 0)] {
        let policy = h.create_policy(kind, "Busy").await;
        let rules_path = format!("/api/v1/policies/{}/rules", id_of(&policy));
        let writers: Vec<_> = (0..50)
            .map(|n| {
                let h = Arc::clone(&h);
                let rules_path = rules_path.clone();
                tokio::spawn(async move {
                    h.post(&rules_path, &json!({"type": kind, "name": format!("W{n}")}))
                        .await
                        .status()
                })
            })
            .collect();
        for writer in writers {
            assert_eq!(writer.await.expect("writer"), StatusCode::OK);
        }
        let rules = body(h.get(&rules_path).await).await;
        let rules = rules.as_array().expect("array");
        let mut written: Vec<(String, i64)> = rules
            .iter()
            .filter(|r| r["system"] != true)
            .map(|r| {
                (
                    r["name"].as_str().unwrap_or_default().to_owned(),
                    r["priority"].as_i64().unwrap_or(-1),
                )
            })
            .collect();
        assert_eq!(written.len(), 50, "{kind}: every write landed");
        let mut names: Vec<&str> = written.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 50);
        written.sort_by_key(|(_, p)| *p);
        let priorities: Vec<i64> = written.iter().map(|(_, p)| *p).collect();
        let dense: Vec<i64> = (first_priority..first_priority + 50).collect();
        assert_eq!(priorities, dense, "{kind}: dense and unique");
        if kind == "ACCESS_POLICY" {
            let catch_all: Vec<&Value> = rules.iter().filter(|r| r["system"] == true).collect();
            assert_eq!(catch_all.len(), 1);
            assert_eq!(catch_all[0]["priority"], 99);
        }
    }
    // Dropping the last handle shuts the server down.
    drop(h);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_okta_errors() {
    let h = start().await;
    let malformed = h
        .request(reqwest::Method::POST, "/api/v1/policies")
        .header(CONTENT_TYPE, "application/json")
        .body("{\"type\": \"PASSWORD\", ")
        .send()
        .await
        .expect("answered");
    assert_okta_error(malformed, 400, "E0000003").await;
    let wrong_type = h
        .request(reqwest::Method::POST, "/api/v1/policies")
        .header(CONTENT_TYPE, "text/plain")
        .body(r#"{"type": "PASSWORD", "name": "x"}"#)
        .send()
        .await
        .expect("answered");
    assert_okta_error(wrong_type, 400, "E0000003").await;
    let no_type = h
        .request(reqwest::Method::POST, "/api/v1/policies")
        .body(r#"{"type": "PASSWORD", "name": "x"}"#)
        .send()
        .await
        .expect("answered");
    assert_okta_error(no_type, 400, "E0000003").await;
    let wrong_shape = h
        .post("/api/v1/policies", &json!({"name": "no type"}))
        .await;
    assert_okta_error(wrong_shape, 400, "E0000003").await;
    let wrong_field = h
        .post(
            "/api/v1/policies",
            &json!({"type": "PASSWORD", "name": "x", "priority": "first"}),
        )
        .await;
    assert_okta_error(wrong_field, 400, "E0000003").await;
    let bad_activate = h
        .post(
            "/api/v1/policies?activate=maybe",
            &json!({"type": "PASSWORD", "name": "x"}),
        )
        .await;
    assert_okta_error(bad_activate, 400, "E0000001").await;
    assert_okta_error(h.get("/api/v1/nope").await, 404, "E0000007").await;
    assert_okta_error(
        h.get("/api/v1/policies/00p1/lifecycle/explode").await,
        404,
        "E0000007",
    )
    .await;
    let patch = h
        .request(reqwest::Method::PATCH, "/api/v1/policies")
        .send()
        .await
        .expect("answered");
    assert!(header(&patch, "allow").is_some());
    assert_okta_error(patch, 405, "E0000022").await;
    // Every response's Date is the injected clock's.
    let response = h.get("/api/v1/policies?type=PASSWORD").await;
    let date = response.headers().get(DATE).and_then(|v| v.to_str().ok());
    assert_eq!(date, Some("Thu, 01 Jan 2026 00:00:00 GMT"));
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn well_known_organization_tells_the_engine() {
    for (engine, pipeline) in [(Engine::Oie, "idx"), (Engine::Classic, "v1")] {
        let h = start_with(|c| c.engine = Some(engine)).await;
        let org = body(h.get("/.well-known/okta-organization").await).await;
        assert_eq!(org["pipeline"], pipeline);
        assert!(org["id"].as_str().is_some_and(|id| id.starts_with("00o")));
        assert_eq!(org["_links"]["organization"]["href"], h.server.url());
        h.server.shutdown().await;
    }
}

/// Starts the binary, returns it and the URL it printed.
fn spawn_binary(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oktapol"))
        .arg("emulator")
        .args(["--port", "0"])
        .args(args)
        .env_remove("OKTAPOL_EMULATOR_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let line = receiver
        .recv_timeout(Duration::from_secs(30))
        .unwrap_or_default();
    let Some(url) = line.trim().strip_prefix("oktapol emulator listening on ") else {
        let _ = child.kill();
        panic!("unexpected first line: {line:?}");
    };
    (child, url.to_owned())
}

/// SIGTERM, then the exit status and what the binary wrote to stderr.
fn terminate(mut child: std::process::Child) -> (std::process::ExitStatus, String) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the emulator did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    (status, stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_prints_its_url_serves_and_stops_on_sigterm() {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");

    let secret = "user-secret-0d1e";
    let (child, url) = spawn_binary(&["--token", secret]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let response = client
        .get(format!("{url}/api/v1/policies?type=OKTA_SIGN_ON"))
        .header("Authorization", format!("SSWS {secret}"))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::OK);
    let (status, stderr) = terminate(child);
    assert!(status.success(), "{status:?} {stderr}");
    assert!(!stderr.contains(secret), "a given token is never printed");
    assert!(!stderr.contains("oktapol-dev-token"));

    // Without a token: the development token, printed.
    let (child, url) = spawn_binary(&["--engine", "classic"]);
    let org: Value = client
        .get(format!("{url}/.well-known/okta-organization"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(org["pipeline"], "v1");
    let response = client
        .get(format!("{url}/api/v1/policies?type=PASSWORD"))
        .header("Authorization", "SSWS oktapol-dev-token")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::OK);
    let (status, stderr) = terminate(child);
    assert!(status.success(), "{status:?}");
    assert!(stderr.contains("SSWS oktapol-dev-token"), "{stderr}");
}

#[test]
fn the_binary_refuses_bad_flags() {
    for args in [
        ["--faults", "500=1.5"],
        ["--rate-limit", "nobucket=3"],
        ["--concurrency", "0"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_oktapol"))
            .arg("emulator")
            .args(args)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn fault_specs_render_and_parse() {
    let config: FaultConfig = "500=0.1,latency=200ms,drop=0.05,commit-then-fail=0.1,storm=0.2"
        .parse()
        .expect("spec");
    assert_eq!(config.to_string().parse::<FaultConfig>(), Ok(config));
}

// ----- directory, mappings and authorization-server policies -----------------

/// An emulator whose fresh org holds examples/org-seed.yaml (as `--seed`).
async fn start_seeded() -> Harness {
    start_with(|config| {
        config.seed = Some(crate::util::root().join("examples/org-seed.yaml"));
    })
    .await
}

/// The `label`s (apps) or `profile.name`s (groups) of a list body.
fn names(list: &Value, pointer: &str) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .filter_map(|item| item.pointer(pointer).and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

fn access_policy_href(app: &Value) -> String {
    app.pointer("/_links/accessPolicy/href")
        .and_then(Value::as_str)
        .expect("an access policy link")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_map_to_policies_over_http() {
    let h = start_seeded().await;
    let expense = body(h.get("/api/v1/apps?q=expense").await).await;
    assert_eq!(
        names(&expense, "/label"),
        [
            "Expense Tracker",
            "Expense Tracker Mobile",
            "Expense Sync Service"
        ]
    );
    let first = h.get("/api/v1/apps?q=expense&limit=2").await;
    let next = next_path(&links(&first), h.server.url()).expect("a next link");
    assert_eq!(body(first).await.as_array().map(Vec::len), Some(2));
    assert_eq!(
        names(&body(h.get(&next).await).await, "/label"),
        ["Expense Sync Service"]
    );

    let workday = id_of(&body(h.get("/api/v1/apps?q=workday").await).await[0]);
    let before = access_policy_href(&body(h.get(&format!("/api/v1/apps/{workday}")).await).await);
    let finance = id_of(&h.create_policy("ACCESS_POLICY", "Finance apps").await);
    let assigned = h
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/apps/{workday}/policies/{finance}"),
        )
        .send()
        .await
        .expect("PUT answered");
    assert_eq!(assigned.status(), StatusCode::NO_CONTENT);
    let after = access_policy_href(&body(h.get(&format!("/api/v1/apps/{workday}")).await).await);
    assert_ne!(before, after);
    assert!(
        after.ends_with(&format!("/api/v1/policies/{finance}")),
        "{after}"
    );

    let mappings = body(h.get(&format!("/api/v1/policies/{finance}/mappings")).await).await;
    assert_eq!(names(&mappings, "/id"), [workday.as_str()]);
    let netsuite = id_of(&body(h.get("/api/v1/apps?q=netsuite").await).await[0]);
    let mapped = h
        .post(
            &format!("/api/v1/policies/{finance}/mappings"),
            &json!({"resourceType": "ACCESS_POLICY", "resourceId": netsuite}),
        )
        .await;
    assert_eq!(mapped.status(), StatusCode::OK);
    assert_eq!(body(mapped).await["id"], json!(netsuite));
    let apps = body(h.get(&format!("/api/v1/policies/{finance}/app")).await).await;
    assert_eq!(names(&apps, "/label"), ["Workday", "NetSuite"]);

    assert_okta_error(h.get("/api/v1/apps/0oanope").await, 404, "E0000007").await;
    let bad = h
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/apps/{workday}/policies/00pnope"),
        )
        .send()
        .await
        .expect("PUT answered");
    assert_okta_error(bad, 404, "E0000007").await;
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_objects_are_looked_up_over_http() {
    let h = start_seeded().await;
    let groups = body(h.get("/api/v1/groups?q=eng").await).await;
    assert_eq!(names(&groups, "/profile/name"), ["Engineering"]);
    let search = body(
        h.get("/api/v1/groups?search=profile.name%20eq%20%22Okta%20Administrators%22")
            .await,
    )
    .await;
    assert_eq!(names(&search, "/profile/name"), ["Okta Administrators"]);
    assert_okta_error(
        h.get("/api/v1/groups?search=type%20eq%20%22OKTA_GROUP%22")
            .await,
        400,
        "E0000001",
    )
    .await;
    let engineering = id_of(&groups[0]);
    let group = body(h.get(&format!("/api/v1/groups/{engineering}")).await).await;
    assert_eq!(group["profile"]["name"], "Engineering");
    assert_okta_error(h.get("/api/v1/groups/00gnope").await, 404, "E0000007").await;

    let ada = body(h.get("/api/v1/users/ada@acme.com").await).await;
    assert_eq!(ada["profile"]["firstName"], "Ada");
    let by_id = body(h.get(&format!("/api/v1/users/{}", id_of(&ada))).await).await;
    assert_eq!(by_id["profile"]["login"], "ada@acme.com");
    let carl = body(h.get("/api/v1/users?q=carl").await).await;
    assert_eq!(names(&carl, "/profile/login"), ["carl@contractor.example"]);
    assert_okta_error(
        h.get("/api/v1/users/nobody@acme.com").await,
        404,
        "E0000007",
    )
    .await;

    for (path, at_least) in [
        ("/api/v1/zones", 3),
        ("/api/v1/idps", 2),
        ("/api/v1/authenticators", 7),
        ("/api/v1/meta/types/user", 2),
        ("/api/v1/inlineHooks", 2),
        ("/api/v1/authorizationServers", 2),
    ] {
        let list = body(h.get(path).await).await;
        assert!(
            list.as_array().is_some_and(|l| l.len() >= at_least),
            "{path}: {list}"
        );
    }
    let server = body(h.get("/api/v1/authorizationServers/default").await).await;
    assert_eq!(server["name"], "default");
    assert_okta_error(
        h.get("/api/v1/authorizationServers/ausnope").await,
        404,
        "E0000007",
    )
    .await;
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorization_server_policies_live_under_their_server() {
    let h = start_seeded().await;
    let servers = body(h.get("/api/v1/authorizationServers").await).await;
    let interactive = servers
        .as_array()
        .expect("a list")
        .iter()
        .find(|s| s["name"] == "interactive")
        .map(id_of)
        .expect("the seeded server");
    let base = format!("/api/v1/authorizationServers/{interactive}/policies");
    let policy = |name: &str, priority: i64| {
        json!({"type": "OAUTH_AUTHORIZATION_POLICY", "name": name, "priority": priority,
               "conditions": {"clients": {"include": ["ALL_CLIENTS"]}}})
    };
    let web = h.post(&base, &policy("Web", 1)).await;
    assert_eq!(web.status(), StatusCode::CREATED);
    let web = id_of(&body(web).await);
    let mobile = h.post(&base, &policy("Mobile", 1)).await;
    assert_eq!(mobile.status(), StatusCode::CREATED);
    let listed = body(h.get(&base).await).await;
    assert_eq!(names(&listed, "/name"), ["Mobile", "Web"]);
    assert_eq!(listed[1]["priority"], 2);

    // Under its own server only.
    let fetched = h.get(&format!("{base}/{web}")).await;
    assert_eq!(fetched.status(), StatusCode::OK);
    let wrong = format!("/api/v1/authorizationServers/default/policies/{web}");
    assert_okta_error(h.get(&wrong).await, 404, "E0000007").await;
    assert_okta_error(h.delete(&wrong).await, 404, "E0000007").await;
    // Nor do the org-level policy paths reach a server's policy.
    assert_okta_error(
        h.get(&format!("/api/v1/policies/{web}")).await,
        404,
        "E0000007",
    )
    .await;
    assert_okta_error(
        h.get(&format!("/api/v1/policies/{web}/rules")).await,
        404,
        "E0000007",
    )
    .await;
    let org_policy = id_of(&h.create_policy("PASSWORD", "Not a server policy").await);
    assert_okta_error(
        h.get(&format!("{base}/{org_policy}")).await,
        404,
        "E0000007",
    )
    .await;

    let rule = json!({"type": "RESOURCE_ACCESS", "name": "Everyone",
                      "conditions": {"grantTypes": {"include": ["authorization_code"]},
                                     "scopes": {"include": ["*"]}}});
    let created = h.post(&format!("{base}/{web}/rules"), &rule).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let rule_id = id_of(&body(created).await);
    let rules = body(h.get(&format!("{base}/{web}/rules")).await).await;
    assert_eq!(names(&rules, "/name"), ["Everyone"]);
    assert_okta_error(
        h.get(&format!("{wrong}/rules/{rule_id}")).await,
        404,
        "E0000007",
    )
    .await;
    let deactivated = h
        .post_empty(&format!(
            "{base}/{web}/rules/{rule_id}/lifecycle/deactivate"
        ))
        .await;
    assert_eq!(deactivated.status(), StatusCode::NO_CONTENT);
    let rule = body(h.get(&format!("{base}/{web}/rules/{rule_id}")).await).await;
    assert_eq!(rule["status"], "INACTIVE");

    let renamed = h
        .put(&format!("{base}/{web}"), &policy("Web apps", 2))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(body(renamed).await["name"], "Web apps");
    let deleted = h.delete(&format!("{base}/{web}")).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_okta_error(h.get(&format!("{base}/{web}")).await, 404, "E0000007").await;
    h.server.shutdown().await;
}
