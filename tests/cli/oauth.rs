//! OAuth 2.0 service-app authentication against the emulator over HTTP on
//! 127.0.0.1: client credentials with `private_key_jwt` for RSA and EC
//! keys (every PEM form), DPoP-bound and plain bearer tokens, the DPoP
//! nonce round trip at the token endpoint and at the resource server,
//! refused proofs and replayed IDs, tokens refreshed before they expire on
//! a manual clock (and requested again when the server forgets them),
//! `plan` and `apply` end to end through the binary with the fewest
//! scopes, refusals that name the missing scope (at the token endpoint
//! and from a 403), and no secret — private key, assertion, access token,
//! DPoP proof — in any output, error or `Debug`. The keys are test-only
//! fixtures under `tests/fixtures/oauth/`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use assert_cmd::Command;
use oktapol::client::oauth::jwt::{self, ASSERTION_TYPE};
use oktapol::client::oauth::{Secret, ServiceApp, SigningKey};
use oktapol::client::scopes::ScopeSet;
use oktapol::client::wire::PolicyType;
use oktapol::client::{Api, HttpClient, HttpConfig, OrgUrl};
use oktapol::clock::{Clock, ManualClock};
use oktapol::emulator::server::rate_limit::RateLimits;
use oktapol::emulator::server::{Config, Server, serve};
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};

use crate::util::root;

/// The emulator's SSWS token, for its admin endpoints only.
const TOKEN: &str = "SECRET-TOKEN-123";
/// Registered with `rsa-public.pem`.
const RSA_APP: &str = "0oa-rsa-app";
/// Registered with the JWK of `ec-public.pem`.
const EC_APP: &str = "0oa-ec-app";
/// Plain bearer tokens (DPoP not required).
const BEARER_APP: &str = "0oa-bearer-app";
/// Granted the read scopes only.
const READER_APP: &str = "0oa-reader-app";
/// What the quickstart example needs to plan.
const QUICKSTART_READS: &str =
    "okta.policies.read okta.apps.read okta.groups.read okta.networkZones.read";
const ALL_GRANTED: &str = "[okta.policies.read, okta.policies.manage, okta.apps.read, okta.apps.manage, okta.groups.read, okta.networkZones.read, okta.users.read]";
/// Every access token the emulator issues starts so.
const ISSUED_TOKEN_PREFIX: &str = "oktapol-emulator-";

fn fixture_path(name: &str) -> PathBuf {
    root().join("tests/fixtures/oauth").join(name)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn key(name: &str) -> SigningKey {
    SigningKey::from_pem(&fixture(name), name).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The base64 lines of a PEM file: none may ever be printed.
fn secret_lines(name: &str) -> Vec<String> {
    fixture(name)
        .lines()
        .filter(|line| !line.starts_with("-----") && line.len() > 16)
        .map(str::to_owned)
        .collect()
}

/// A PEM block indented for a YAML block scalar.
fn indented(pem: &str) -> String {
    pem.lines().map(|line| format!("      {line}\n")).collect()
}

/// The examples' seed plus the test's service apps.
fn seed_text() -> String {
    let mut seed = std::fs::read_to_string(root().join("examples/org-seed.yaml")).expect("seed");
    let ec_jwk = serde_json::to_string(key("ec-private.pem").public_jwk()).expect("JWK");
    let reader_scopes = QUICKSTART_READS.split(' ').collect::<Vec<_>>().join(", ");
    seed.push_str(&format!(
        "serviceApps:\n  - clientId: {RSA_APP}\n    publicKey: |\n{rsa}    scopes: {ALL_GRANTED}\n  - clientId: {EC_APP}\n    publicKey: {ec_jwk}\n    scopes: {ALL_GRANTED}\n  - clientId: {BEARER_APP}\n    publicKey: |\n{ec}    dpop: false\n    scopes: {ALL_GRANTED}\n  - clientId: {READER_APP}\n    publicKey: |\n{rsa}    scopes: [{reader_scopes}]\n",
        rsa = indented(&fixture("rsa-public.pem")),
        ec = indented(&fixture("ec-public.pem")),
    ));
    seed
}

/// An emulator with the service apps, on 127.0.0.1.
struct Harness {
    server: Server,
    clock: Arc<ManualClock>,
    _seed: tempfile::TempDir,
    config: Config,
    admin: reqwest::Client,
}

/// With `manual`, the emulator and the clients share a manual clock; else
/// the system clock (for the binary, which waits on its own).
async fn start(manual: bool) -> Harness {
    let seed = tempfile::tempdir().expect("tempdir");
    let path = seed.path().join("seed.yaml");
    std::fs::write(&path, seed_text()).expect("write the seed");
    let clock = Arc::new(ManualClock::fixed());
    let mut config = Config::new(TOKEN);
    config.seed = Some(path);
    config.rate_limits = RateLimits::off();
    config.rng_seed = 7;
    if manual {
        config.clock = clock.clone();
    }
    let server = serve(config.clone()).await.expect("the emulator starts");
    Harness {
        server,
        clock,
        _seed: seed,
        config,
        admin: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
    }
}

impl Harness {
    fn url(&self) -> &str {
        self.server.url()
    }

    /// A client of `app` signing with the `key` fixture, asking for `scopes`.
    fn client(&self, app: &str, key_name: &str, scopes: &str) -> HttpClient {
        let app = ServiceApp {
            client_id: app.to_owned(),
            key: Arc::new(key(key_name)),
            scopes: ScopeSet::parse(scopes),
            fixed_scopes: false,
        };
        let org = OrgUrl::parse(self.url()).expect("a loopback URL");
        HttpClient::new(HttpConfig::service_app(org, app, self.clock.clone()))
            .expect("the client builds")
    }

    async fn stats(&self) -> Value {
        self.admin
            .get(format!("{}/__emulator/stats", self.url()))
            .header("Authorization", format!("SSWS {TOKEN}"))
            .send()
            .await
            .expect("stats")
            .json()
            .await
            .expect("stats JSON")
    }

    async fn clear_stats(&self) {
        let answer = self
            .admin
            .delete(format!("{}/__emulator/stats", self.url()))
            .header("Authorization", format!("SSWS {TOKEN}"))
            .send()
            .await
            .expect("stats cleared");
        assert!(answer.status().is_success());
    }

    /// How many `route` requests were answered `status`.
    async fn count(&self, route: &str, status: &str) -> u64 {
        self.stats().await["byRouteAndStatus"][route][status]
            .as_u64()
            .unwrap_or(0)
    }

    fn token_url(&self) -> Url {
        Url::parse(&format!("{}/oauth2/v1/token", self.url())).expect("url")
    }

    fn api_url(&self, path: &str) -> Url {
        Url::parse(&format!("{}{path}", self.url())).expect("url")
    }

    /// A raw token request.
    async fn token_request(
        &self,
        assertion: &Secret,
        proof: Option<&Secret>,
        scopes: &str,
    ) -> RawAnswer {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("scope", scopes)
            .append_pair("client_assertion_type", ASSERTION_TYPE)
            .append_pair("client_assertion", assertion.expose())
            .finish();
        let mut request = self
            .admin
            .post(self.token_url())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form);
        if let Some(proof) = proof {
            request = request.header("DPoP", proof.expose());
        }
        RawAnswer::of(request.send().await.expect("answered")).await
    }

    /// A raw `GET path` with `authorization` and an optional proof.
    async fn api_request(
        &self,
        path: &str,
        authorization: &str,
        proof: Option<&Secret>,
    ) -> RawAnswer {
        let mut request = self
            .admin
            .get(self.api_url(path))
            .header("Authorization", authorization);
        if let Some(proof) = proof {
            request = request.header("DPoP", proof.expose());
        }
        RawAnswer::of(request.send().await.expect("answered")).await
    }
}

struct RawAnswer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl RawAnswer {
    async fn of(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        RawAnswer {
            status,
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// `error: description`, for assertions.
    fn oauth_error(&self) -> String {
        format!(
            "{}: {}",
            self.body["error"].as_str().unwrap_or("-"),
            self.body["error_description"].as_str().unwrap_or("-")
        )
    }
}

fn password() -> PolicyType {
    PolicyType::from("PASSWORD".to_owned())
}

// ----- the client against the emulator, in process --------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsa_and_ec_keys_get_dpop_tokens_after_one_nonce_round_trip() {
    let h = start(true).await;
    for (app, key_name) in [
        (RSA_APP, "rsa-private.pem"),
        (RSA_APP, "rsa-pkcs1.pem"),
        (EC_APP, "ec-private.pem"),
        (EC_APP, "ec-sec1.pem"),
    ] {
        h.clear_stats().await;
        let client = h.client(app, key_name, "okta.policies.read");
        for _ in 0..3 {
            let policies = client
                .list_policies(&password())
                .await
                .unwrap_or_else(|error| panic!("{key_name}: {error}"));
            assert!(
                policies
                    .iter()
                    .any(|p| p.name.as_deref() == Some("Default Policy")),
                "{key_name}"
            );
        }
        // The token endpoint asked for a nonce once, then issued one token;
        // the resource server asked once, and knew the nonce from then on.
        assert_eq!(
            h.count("POST /oauth2/v1/token", "400").await,
            1,
            "{key_name}"
        );
        assert_eq!(
            h.count("POST /oauth2/v1/token", "200").await,
            1,
            "{key_name}"
        );
        assert_eq!(
            h.count("GET /api/v1/policies", "401").await,
            1,
            "{key_name}"
        );
        assert_eq!(
            h.count("GET /api/v1/policies", "200").await,
            3,
            "{key_name}"
        );
    }
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_without_dpop_gets_a_bearer_token() {
    let h = start(true).await;
    let client = h.client(BEARER_APP, "ec-private.pem", "okta.policies.read");
    client.list_policies(&password()).await.expect("listed");
    client.list_policies(&password()).await.expect("listed");
    assert_eq!(h.count("POST /oauth2/v1/token", "200").await, 1);
    assert_eq!(h.count("POST /oauth2/v1/token", "400").await, 0, "no nonce");
    assert_eq!(h.count("GET /api/v1/policies", "401").await, 0);

    // On the wire: token_type Bearer, presented as `Bearer`.
    let signer = key("ec-private.pem");
    let now = h.clock.now();
    let assertion =
        jwt::client_assertion(&signer, BEARER_APP, &h.token_url(), now).expect("assertion");
    let answer = h
        .token_request(&assertion, None, "okta.policies.read")
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.oauth_error());
    assert_eq!(answer.body["token_type"], "Bearer");
    assert_eq!(answer.body["expires_in"], 3600);
    assert_eq!(answer.body["scope"], "okta.policies.read");
    let token = answer.body["access_token"].as_str().expect("a token");
    let used = h
        .api_request(
            "/api/v1/policies?type=PASSWORD",
            &format!("Bearer {token}"),
            None,
        )
        .await;
    assert_eq!(used.status, StatusCode::OK);
    let wrong_scheme = h
        .api_request(
            "/api/v1/policies?type=PASSWORD",
            &format!("DPoP {token}"),
            None,
        )
        .await;
    assert_eq!(wrong_scheme.status, StatusCode::UNAUTHORIZED);
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_refreshed_before_they_expire_on_the_clock() {
    let mut h = start(true).await;
    let client = h.client(RSA_APP, "rsa-private.pem", "okta.policies.read");
    client.list_policies(&password()).await.expect("first");
    assert_eq!(h.count("POST /oauth2/v1/token", "200").await, 1);

    // Half an hour on: the same token (the nonce has rotated meanwhile,
    // so the resource server asks again, once).
    h.clock.advance(Duration::from_secs(30 * 60));
    client
        .list_policies(&password())
        .await
        .expect("after 30 min");
    assert_eq!(h.count("POST /oauth2/v1/token", "200").await, 1);
    assert_eq!(h.count("GET /api/v1/policies", "401").await, 2);

    // A minute before the hour is out: a new token, before the old one
    // expires (no 401 for it).
    h.clock.advance(Duration::from_secs(29 * 60 + 1));
    client
        .list_policies(&password())
        .await
        .expect("near the hour");
    assert_eq!(h.count("POST /oauth2/v1/token", "200").await, 2);
    let refused_before = h.count("GET /api/v1/policies", "401").await;

    // A server that forgot the token (restarted on the same port): 401,
    // a new token, and the request goes through.
    let port = h.server.addr().port();
    h.server.shutdown().await;
    let mut config = h.config.clone();
    config.port = port;
    h.server = serve(config).await.expect("restarted on the same port");
    client
        .list_policies(&password())
        .await
        .expect("after the restart");
    assert_eq!(h.count("POST /oauth2/v1/token", "200").await, 1);
    assert!(h.count("GET /api/v1/policies", "401").await >= 1);
    assert!(refused_before >= 2);
    h.server.shutdown().await;
}

// ----- refused proofs, assertions and replays, on the wire -------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_proofs_and_replayed_ids_are_refused() {
    let h = start(true).await;
    let client_key = key("rsa-private.pem");
    let dpop_key = SigningKey::ephemeral().expect("a DPoP key");
    let now = h.clock.now();
    let scopes = "okta.policies.read";
    let assertion =
        || jwt::client_assertion(&client_key, RSA_APP, &h.token_url(), now).expect("assertion");
    let token_proof = |nonce: Option<&str>| {
        jwt::dpop_proof(&dpop_key, &Method::POST, &h.token_url(), now, None, nonce).expect("proof")
    };

    // No proof at all, for an app that requires DPoP.
    let missing = h.token_request(&assertion(), None, scopes).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        missing.oauth_error(),
        "invalid_dpop_proof: The DPoP proof JWT header is missing."
    );
    // No nonce: 400 use_dpop_nonce with the nonce to use.
    let first = h
        .token_request(&assertion(), Some(&token_proof(None)), scopes)
        .await;
    assert_eq!(first.status, StatusCode::BAD_REQUEST);
    assert!(
        first.oauth_error().starts_with("use_dpop_nonce"),
        "{}",
        first.oauth_error()
    );
    let nonce = first.header("dpop-nonce");
    assert!(!nonce.is_empty());

    // A proof whose `jwk` is not the key that signed it.
    let other = SigningKey::ephemeral().expect("another key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.typ = Some("dpop+jwt".to_owned());
    header.jwk = Some(other.public_jwk().clone());
    let forged = dpop_key
        .sign(
            &header,
            &json!({ "htm": "POST", "htu": h.token_url().as_str(), "iat": jwt::epoch_seconds(now), "jti": jwt::jti(), "nonce": nonce }),
        )
        .expect("signed");
    let refused = h.token_request(&assertion(), Some(&forged), scopes).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.oauth_error().contains("signature"),
        "{}",
        refused.oauth_error()
    );
    // A proof for another method.
    let get = jwt::dpop_proof(
        &dpop_key,
        &Method::GET,
        &h.token_url(),
        now,
        None,
        Some(&nonce),
    )
    .expect("proof");
    let refused = h.token_request(&assertion(), Some(&get), scopes).await;
    assert!(
        refused.oauth_error().contains("htm"),
        "{}",
        refused.oauth_error()
    );

    // A good request, then each of its IDs replayed.
    let proof = token_proof(Some(&nonce));
    let used_assertion = assertion();
    let issued = h.token_request(&used_assertion, Some(&proof), scopes).await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.oauth_error());
    assert_eq!(issued.body["token_type"], "DPoP");
    let token = issued.body["access_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let replayed_proof = h.token_request(&assertion(), Some(&proof), scopes).await;
    assert_eq!(replayed_proof.status, StatusCode::BAD_REQUEST);
    assert!(
        replayed_proof.oauth_error().contains("already been used"),
        "{}",
        replayed_proof.oauth_error()
    );
    let replayed_assertion = h
        .token_request(&used_assertion, Some(&token_proof(Some(&nonce))), scopes)
        .await;
    assert_eq!(replayed_assertion.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        replayed_assertion.oauth_error(),
        "invalid_client: The client_assertion token has already been used."
    );
    // An assertion signed by a key the app does not have.
    let stranger =
        jwt::client_assertion(&key("other-rsa-private.pem"), RSA_APP, &h.token_url(), now)
            .expect("assertion");
    let refused = h
        .token_request(&stranger, Some(&token_proof(Some(&nonce))), scopes)
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused.oauth_error(),
        "invalid_client: The client_assertion signature is invalid."
    );
    // A scope the app was not granted.
    let refused = h
        .token_request(
            &assertion(),
            Some(&token_proof(Some(&nonce))),
            "okta.users.manage",
        )
        .await;
    assert_eq!(
        refused.oauth_error(),
        "invalid_scope: The following scopes are not granted to the client: okta.users.manage"
    );

    // The resource server: nonce first, then the proof's binding.
    let path = "/api/v1/policies?type=PASSWORD";
    let url = h.api_url(path);
    let secret = Secret::new(token.clone());
    let dpop = format!("DPoP {token}");
    let api_proof = |signer: &SigningKey, token: &Secret, nonce: Option<&str>| {
        jwt::dpop_proof(signer, &Method::GET, &url, now, Some(token), nonce).expect("proof")
    };
    let asked = h
        .api_request(path, &dpop, Some(&api_proof(&dpop_key, &secret, None)))
        .await;
    assert_eq!(asked.status, StatusCode::UNAUTHORIZED);
    assert!(
        asked
            .header("www-authenticate")
            .contains(r#"error="use_dpop_nonce""#)
    );
    let nonce = asked.header("dpop-nonce");
    assert_eq!(asked.body["errorCode"], "E0000011");
    let wrong_ath = api_proof(&dpop_key, &Secret::new("another token"), Some(&nonce));
    let refused = h.api_request(path, &dpop, Some(&wrong_ath)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(
        refused.header("www-authenticate").contains("ath"),
        "{}",
        refused.header("www-authenticate")
    );
    let unbound = api_proof(&other, &secret, Some(&nonce));
    let refused = h.api_request(path, &dpop, Some(&unbound)).await;
    assert!(
        refused.header("www-authenticate").contains("bound"),
        "{}",
        refused.header("www-authenticate")
    );
    let good = api_proof(&dpop_key, &secret, Some(&nonce));
    assert_eq!(
        h.api_request(path, &dpop, Some(&good)).await.status,
        StatusCode::OK
    );
    let replayed = h.api_request(path, &dpop, Some(&good)).await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
    assert!(
        replayed
            .header("www-authenticate")
            .contains("already been used")
    );
    let as_bearer = h.api_request(path, &format!("Bearer {token}"), None).await;
    assert_eq!(as_bearer.status, StatusCode::UNAUTHORIZED);
    // A scope the token lacks: 403 E0000006 naming it, as Okta does.
    let groups = h
        .api_request(
            "/api/v1/groups",
            &dpop,
            Some(
                &jwt::dpop_proof(
                    &dpop_key,
                    &Method::GET,
                    &h.api_url("/api/v1/groups"),
                    now,
                    Some(&secret),
                    Some(&nonce),
                )
                .expect("proof"),
            ),
        )
        .await;
    assert_eq!(groups.status, StatusCode::FORBIDDEN);
    assert_eq!(groups.body["errorCode"], "E0000006");
    assert_eq!(
        groups.body["errorSummary"],
        "You do not have permission to perform the requested action"
    );
    assert!(
        groups
            .header("www-authenticate")
            .contains(r#"scope="okta.groups.read""#)
    );
    // The SSWS path is unchanged.
    let ssws = h.api_request(path, &format!("SSWS {TOKEN}"), None).await;
    assert_eq!(ssws.status, StatusCode::OK);
    h.server.shutdown().await;
}

// ----- the binary --------------------------------------------------------------

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Fails when any secret shows in the output.
    fn assert_no_secrets(&self, context: &str) {
        let all = self.all();
        for name in ["rsa-private.pem", "ec-private.pem", "other-rsa-private.pem"] {
            for line in secret_lines(name) {
                assert!(!all.contains(&line), "{context}: a line of {name}:\n{all}");
            }
        }
        assert!(
            !all.contains(ISSUED_TOKEN_PREFIX),
            "{context}: an access token:\n{all}"
        );
        assert!(
            !all.contains("eyJ"),
            "{context}: a JWT (assertion or proof):\n{all}"
        );
        assert!(
            !all.contains(TOKEN),
            "{context}: the emulator's token:\n{all}"
        );
    }
}

/// The binary in `dir`, with no org or credentials from the environment.
fn oktapol(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("oktapol").expect("binary");
    command.current_dir(dir).env("NO_COLOR", "1");
    for var in [
        "CI",
        "OKTA_ORG_URL",
        "OKTA_API_TOKEN",
        "OKTA_CLIENT_ID",
        "OKTA_PRIVATE_KEY",
        "OKTA_PRIVATE_KEY_FILE",
        "OKTA_KEY_ID",
        "OKTA_SCOPES",
    ] {
        command.env_remove(var);
    }
    command
}

/// Runs off the async runtime, so the in-process emulator keeps serving.
async fn run(mut command: Command) -> Run {
    tokio::task::spawn_blocking(move || {
        let output = command.output().expect("the binary runs");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .expect("the run finished")
}

/// A directory holding the quickstart manifests.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let quickstart = dir.path().join("quickstart");
    std::fs::create_dir(&quickstart).expect("mkdir");
    for entry in std::fs::read_dir(root().join("examples/quickstart")).expect("quickstart") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, quickstart.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    dir
}

/// `oktapol ARGS --org URL` as `app` with the key from `key_file`, given as
/// a file path (`file`) or as PEM text.
fn as_app(dir: &Path, url: &str, app: &str, key_file: &str, file: bool, args: &[&str]) -> Command {
    let mut command = oktapol(dir);
    command.env("OKTA_CLIENT_ID", app);
    if file {
        command.env("OKTA_PRIVATE_KEY_FILE", fixture_path(key_file));
    } else {
        command.env("OKTA_PRIVATE_KEY", fixture(key_file));
    }
    command.args(args).args(["--org", url]);
    command
}

/// The verbosity flags the binary has (every level is checked for secrets).
fn verbosities(dir: &Path) -> Vec<Vec<&'static str>> {
    let help = oktapol(dir)
        .arg("--help")
        .output()
        .expect("the binary runs");
    if String::from_utf8_lossy(&help.stdout).contains("--verbose") {
        vec![vec![], vec!["-v"], vec!["-vv"]]
    } else {
        vec![vec![]]
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_and_apply_through_a_service_app() {
    let h = start(false).await;
    let dir = workspace();
    for verbosity in verbosities(dir.path()) {
        let mut args = verbosity.clone();
        args.extend(["plan", "quickstart"]);
        let planned = run(as_app(
            dir.path(),
            h.url(),
            RSA_APP,
            "rsa-private.pem",
            true,
            &args,
        ))
        .await;
        assert_eq!(planned.code, Some(0), "{}", planned.all());
        assert!(
            planned.stdout.contains("Plan: 9 to create"),
            "{}",
            planned.stdout
        );
        planned.assert_no_secrets("plan");
    }
    h.clear_stats().await;
    let applied = run(as_app(
        dir.path(),
        h.url(),
        EC_APP,
        "ec-private.pem",
        false,
        &["apply", "quickstart", "--auto-approve"],
    ))
    .await;
    assert_eq!(applied.code, Some(0), "{}", applied.all());
    assert!(
        applied.stdout.contains("Apply complete"),
        "{}",
        applied.stdout
    );
    applied.assert_no_secrets("apply");
    // One token with the read scopes to plan, one more with the plan's
    // `manage` scopes to apply.
    assert_eq!(h.count("POST /oauth2/v1/token", "200").await, 2);
    assert!(h.count("POST /api/v1/policies", "200").await >= 4);

    let again = run(as_app(
        dir.path(),
        h.url(),
        RSA_APP,
        "rsa-pkcs1.pem",
        false,
        &["plan", "quickstart", "--detailed-exitcode"],
    ))
    .await;
    assert_eq!(
        again.code,
        Some(0),
        "nothing left to change: {}",
        again.all()
    );
    again.assert_no_secrets("plan again");
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scope_the_app_lacks_is_named_before_anything_is_written() {
    let h = start(false).await;
    let dir = workspace();
    // The read-only app plans (and saves the plan)…
    let planned = run(as_app(
        dir.path(),
        h.url(),
        READER_APP,
        "rsa-private.pem",
        true,
        &["plan", "quickstart", "--out", "plan.json"],
    ))
    .await;
    assert_eq!(planned.code, Some(0), "{}", planned.all());
    // …but cannot apply it, from manifests or from the saved plan: the
    // token endpoint refuses the `manage` scopes, and nothing is written.
    h.clear_stats().await;
    for target in ["quickstart", "plan.json"] {
        let refused = run(as_app(
            dir.path(),
            h.url(),
            READER_APP,
            "rsa-private.pem",
            true,
            &["apply", target, "--auto-approve"],
        ))
        .await;
        assert_eq!(refused.code, Some(1), "{target}: {}", refused.all());
        for expected in [
            "invalid_scope",
            "okta.policies.manage",
            "okta.apps.manage",
            "Okta API Scopes",
        ] {
            assert!(
                refused.stderr.contains(expected),
                "{target}: {expected}: {}",
                refused.stderr
            );
        }
        refused.assert_no_secrets(target);
    }
    let written = h.stats().await["byRoute"]
        .as_object()
        .map(|routes| {
            routes
                .keys()
                .filter(|route| !route.starts_with("GET ") && !route.contains("/oauth2/"))
                .cloned()
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    assert!(written.is_empty(), "no writes: {written:?}");
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_names_the_missing_scope() {
    let h = start(false).await;
    let dir = workspace();
    // OKTA_SCOPES without okta.groups.read: the groups read gets 403.
    let mut command = as_app(
        dir.path(),
        h.url(),
        RSA_APP,
        "rsa-private.pem",
        true,
        &["plan", "quickstart"],
    );
    command.env(
        "OKTA_SCOPES",
        "okta.policies.read okta.apps.read okta.networkZones.read",
    );
    let refused = run(command).await;
    assert_eq!(refused.code, Some(1), "{}", refused.all());
    for expected in [
        "GET /api/v1/groups",
        "403",
        "E0000006",
        "the access token lacks the scope okta.groups.read",
        "OKTA_SCOPES",
    ] {
        assert!(
            refused.stderr.contains(expected),
            "{expected}: {}",
            refused.stderr
        );
    }
    refused.assert_no_secrets("403");
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_stay_out_of_every_error() {
    let h = start(false).await;
    let dir = workspace();
    let url = h.url().to_owned();
    for verbosity in verbosities(dir.path()) {
        let plan: Vec<&str> = verbosity
            .iter()
            .copied()
            .chain(["plan", "quickstart"])
            .collect();

        // A key the app does not have: the assertion is refused.
        let refused = run(as_app(
            dir.path(),
            &url,
            RSA_APP,
            "other-rsa-private.pem",
            false,
            &plan,
        ))
        .await;
        assert_eq!(refused.code, Some(1), "{}", refused.all());
        assert!(
            refused.stderr.contains("invalid_client"),
            "{}",
            refused.stderr
        );
        assert!(
            refused.stderr.contains("OKTA_CLIENT_ID (0oa-rsa-app)"),
            "{}",
            refused.stderr
        );
        refused.assert_no_secrets("refused assertion");

        // A broken key: its lines are not repeated.
        let private = fixture("rsa-private.pem");
        let broken: String = private.lines().take(4).map(|l| format!("{l}\n")).collect();
        let mut command = oktapol(dir.path());
        command
            .env("OKTA_CLIENT_ID", RSA_APP)
            .env(
                "OKTA_PRIVATE_KEY",
                format!("{broken}-----END PRIVATE KEY-----\n"),
            )
            .args(&plan)
            .args(["--org", &url]);
        let bad_key = run(command).await;
        assert_eq!(bad_key.code, Some(1), "{}", bad_key.all());
        assert!(
            bad_key.stderr.contains("OKTA_PRIVATE_KEY"),
            "{}",
            bad_key.stderr
        );
        bad_key.assert_no_secrets("bad key");

        // A public key where the private one belongs.
        let public = run(as_app(
            dir.path(),
            &url,
            RSA_APP,
            "rsa-public.pem",
            true,
            &plan,
        ))
        .await;
        assert_eq!(public.code, Some(1));
        assert!(
            public.stderr.contains("not a private key"),
            "{}",
            public.stderr
        );

        // Both an API token and a service app: a clear refusal.
        let mut command = as_app(dir.path(), &url, RSA_APP, "rsa-private.pem", false, &plan);
        command.env("OKTA_API_TOKEN", TOKEN);
        let both = run(command).await;
        assert_eq!(both.code, Some(1));
        assert!(
            both.stderr
                .contains("both OKTA_API_TOKEN and a service app"),
            "{}",
            both.stderr
        );
        both.assert_no_secrets("both");

        // A client ID without a key, a key without a client ID.
        let mut command = oktapol(dir.path());
        command
            .env("OKTA_CLIENT_ID", RSA_APP)
            .args(&plan)
            .args(["--org", &url]);
        let no_key = run(command).await;
        assert_eq!(no_key.code, Some(1));
        assert!(
            no_key.stderr.contains("OKTA_PRIVATE_KEY_FILE"),
            "{}",
            no_key.stderr
        );
        let mut command = oktapol(dir.path());
        command
            .env("OKTA_PRIVATE_KEY", fixture("ec-private.pem"))
            .args(&plan)
            .args(["--org", &url]);
        let no_id = run(command).await;
        assert_eq!(no_id.code, Some(1));
        assert!(
            no_id.stderr.contains("OKTA_CLIENT_ID is not"),
            "{}",
            no_id.stderr
        );
        no_id.assert_no_secrets("no client id");
    }
    // Nothing reached the token endpoint without a usable key.
    assert_eq!(h.count("POST /oauth2/v1/token", "200").await, 0);
    h.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_output_never_shows_a_secret() {
    let h = start(true).await;
    let client = h.client(RSA_APP, "rsa-private.pem", "okta.policies.read");
    client.list_policies(&password()).await.expect("listed");
    let app = ServiceApp {
        client_id: RSA_APP.to_owned(),
        key: Arc::new(key("rsa-private.pem")),
        scopes: ScopeSet::parse("okta.policies.read"),
        fixed_scopes: false,
    };
    let config = HttpConfig::service_app(
        OrgUrl::parse(h.url()).expect("url"),
        app.clone(),
        h.clock.clone(),
    );
    let settings = oktapol::connect::OrgSettings {
        org: Some(h.url().to_owned()),
        client_id: Some(RSA_APP.to_owned()),
        private_key: Some(Secret::new(fixture("rsa-private.pem"))),
        ..oktapol::connect::OrgSettings::default()
    };
    let refused = client.list_groups().await.expect_err("no groups scope");
    for shown in [
        format!("{client:?}"),
        format!("{config:?}"),
        format!("{app:?}"),
        format!("{settings:?}"),
        format!("{refused:?}"),
        refused.to_string(),
    ] {
        assert!(shown.contains(RSA_APP) || shown.contains("403"), "{shown}");
        for line in secret_lines("rsa-private.pem") {
            assert!(!shown.contains(&line), "{shown}");
        }
        assert!(
            !shown.contains(ISSUED_TOKEN_PREFIX) && !shown.contains("eyJ"),
            "{shown}"
        );
    }
    assert!(
        refused.to_string().contains("okta.groups.read"),
        "{refused}"
    );
    h.server.shutdown().await;
}
