//! [`HttpClient`]: the [`Api`] over HTTPS to a live Okta org (or to the
//! emulator on a loopback address). It behaves as Okta asks API clients
//! to: at most `parallelism` requests in flight; every list read to its
//! last page through `Link` headers, with the largest page size; each rate
//! limit bucket's budget respected before sending and a 429 waited out until
//! its reset; idempotent requests retried with backoff after server errors
//! and transport failures, creates only when they certainly did not happen.
//! Every wait goes through the injected [`Clock`], so tests run in
//! controlled time. The credentials — an API token, or a service app's
//! access token with DPoP proofs ([`oauth`]) — go in the headers of
//! requests to the org's own origin only, and appear in no `Debug` output
//! and no error.

mod auth;
mod oauth;
mod pagination;
mod rate_limit;
mod response;
mod retry;
mod secret;
mod url;

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::sync::{Semaphore, SemaphorePermit};

pub use self::auth::Credentials;
pub use self::oauth::TokenScopes;
pub use self::retry::RetryPolicy;
pub use self::secret::{ApiToken, TokenError};
pub use self::url::{OrgUrl, OrgUrlError};

use self::auth::Auth;
use self::oauth::{AuthRetries, OAuthSession};
use self::pagination::{PAGE_LIMIT, next_page};
use self::rate_limit::{Bucket, RateLimitHeaders, RateLimiter, Reservation};
use self::response::{Answer, MAX_BODY_BYTES};
use self::retry::{Replay, may_retry};
use super::api::{Api, Organization, Scope};
use super::error::{ApiError, ApiResult, TransportKind};
use super::oauth::{KeyError, ServiceApp};
use super::wire::{
    Application, Authenticator, AuthorizationServer, Group, IdentityProvider, InlineHook,
    NetworkZone, Policy, PolicyRule, PolicyType, SimulateExpand, SimulateRequest, SimulateResponse,
    User, UserType,
};
use crate::clock::Clock;
use crate::emulator::Engine;

/// Requests in flight at once by default: Okta's concurrency limits start
/// at 15 for the smallest orgs, shared by every client of the org, so a
/// reconciler takes a small share.
pub const DEFAULT_PARALLELISM: usize = 4;
/// How long one attempt may take, answer included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long making a connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// No list is longer than this many pages (two million objects): past it,
/// the server's links are going round in circles.
const MAX_PAGES: usize = 10_000;

/// What an [`HttpClient`] needs.
#[derive(Clone)]
pub struct HttpConfig {
    /// Where the org is.
    pub org: OrgUrl,
    /// The API token or the service app.
    pub credentials: Credentials,
    /// Requests in flight at once (at least 1).
    pub parallelism: usize,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// When failed requests are sent again.
    pub retry: RetryPolicy,
    /// The source of time and of every wait.
    pub clock: Arc<dyn Clock>,
}

impl HttpConfig {
    /// The defaults for `org` with `token`.
    pub fn new(org: OrgUrl, token: ApiToken, clock: Arc<dyn Clock>) -> Self {
        Self::with_credentials(org, Credentials::ApiToken(token), clock)
    }

    /// The defaults for `org` with a service app's OAuth 2.0 credentials.
    pub fn service_app(org: OrgUrl, app: ServiceApp, clock: Arc<dyn Clock>) -> Self {
        Self::with_credentials(org, Credentials::ServiceApp(app), clock)
    }

    fn with_credentials(org: OrgUrl, credentials: Credentials, clock: Arc<dyn Clock>) -> Self {
        HttpConfig {
            org,
            credentials,
            parallelism: DEFAULT_PARALLELISM,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            clock,
        }
    }

    /// The defaults for an org URL and a token as given by the user
    /// (`--org`/`OKTA_ORG_URL`, `OKTA_API_TOKEN`), both checked.
    pub fn parse(
        org_url: &str,
        token: impl Into<String>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, HttpClientError> {
        Ok(HttpConfig::new(
            OrgUrl::parse(org_url)?,
            ApiToken::new(token)?,
            clock,
        ))
    }
}

impl fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpConfig")
            .field("org", &self.org)
            .field("credentials", &self.credentials)
            .field("parallelism", &self.parallelism)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Why an [`HttpClient`] could not be set up.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum HttpClientError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    OrgUrl(#[from] OrgUrlError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Key(#[from] KeyError),
    #[error("cannot set up the HTTP client: {reason}")]
    #[diagnostic(
        code(oktapol::client::setup),
        help("the TLS setup failed; check the system's certificate store")
    )]
    Setup { reason: String },
}

/// The Okta API over HTTP.
pub struct HttpClient {
    http: reqwest::Client,
    org: OrgUrl,
    auth: Auth,
    clock: Arc<dyn Clock>,
    permits: Semaphore,
    parallelism: usize,
    timeout: Duration,
    retry: RetryPolicy,
    limits: RateLimiter,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("org", &self.org)
            .field("auth", &self.auth)
            .field("parallelism", &self.parallelism)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// One logical request: what to send and whether it may be sent twice.
struct Call {
    method: Method,
    url: Url,
    body: Option<Vec<u8>>,
    replay: Replay,
}

impl Call {
    fn get(url: Url) -> Self {
        Call {
            method: Method::GET,
            url,
            body: None,
            replay: Replay::Idempotent,
        }
    }

    /// `METHOD /path`: no host, no query string.
    fn name(&self) -> String {
        format!("{} {}", self.method, self.url.path())
    }
}

/// `/.well-known/okta-organization`, as far as oktapol reads it.
#[derive(Deserialize)]
struct WellKnownOrganization {
    id: String,
    pipeline: String,
}

fn lifecycle(active: bool) -> &'static str {
    if active { "activate" } else { "deactivate" }
}

impl HttpClient {
    /// A client for `config.org`.
    pub fn new(config: HttpConfig) -> Result<Self, HttpClientError> {
        let parallelism = config.parallelism.max(1);
        let auth = match config.credentials {
            Credentials::ApiToken(token) => Auth::ssws(token)?,
            Credentials::ServiceApp(app) => Auth::OAuth(Arc::new(OAuthSession::new(
                app,
                &config.org,
                Arc::clone(&config.clock),
                config.retry.clone(),
            )?)),
        };
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("oktapol/", env!("CARGO_PKG_VERSION")))
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(CONNECT_TIMEOUT))
            // Okta's API never redirects; following one could carry the
            // credentials elsewhere, so a redirect is reported instead.
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(parallelism);
        if config.org.is_loopback() {
            // A local emulator is never behind the proxy HTTP(S)_PROXY names.
            builder = builder.no_proxy();
        } else {
            builder = builder.https_only(true);
        }
        let http = builder.build().map_err(|error| HttpClientError::Setup {
            reason: error.to_string(),
        })?;
        Ok(HttpClient {
            http,
            org: config.org,
            auth,
            clock: config.clock,
            permits: Semaphore::new(parallelism),
            parallelism,
            timeout: config.timeout,
            retry: config.retry,
            limits: RateLimiter::default(),
        })
    }

    /// The org this client talks to.
    pub fn org(&self) -> &OrgUrl {
        &self.org
    }

    /// With a service app, the handle that adds scopes to its next token.
    pub fn token_scopes(&self) -> Option<TokenScopes> {
        self.auth.token_scopes(&self.http)
    }

    /// The URL of `segments` under a policy scope's collection (the path
    /// [`Scope::policies_path`] names, with each ID encoded).
    fn scope_url(&self, scope: &Scope, segments: &[&str], query: &[(&str, &str)]) -> Url {
        match scope {
            Scope::Org => self.org.endpoint("/api/v1/policies", segments, query),
            Scope::Server(server) => {
                let mut all = vec![server.as_str(), "policies"];
                all.extend_from_slice(segments);
                self.org
                    .endpoint("/api/v1/authorizationServers", &all, query)
            }
        }
    }

    /// A place among the requests in flight and in the bucket's budget,
    /// waiting (on the clock) for a reset when the budget is spent.
    async fn admit(
        &self,
        request: &str,
        bucket: Bucket,
    ) -> ApiResult<(SemaphorePermit<'_>, Reservation<'_>)> {
        loop {
            let permit = self
                .permits
                .acquire()
                .await
                .map_err(|_| ApiError::Transport {
                    request: request.to_owned(),
                    kind: TransportKind::Connect,
                    reason: "the client is shutting down".to_owned(),
                })?;
            let now = self.clock.now();
            match self.limits.try_reserve(bucket, now) {
                Ok(reservation) => return Ok((permit, reservation)),
                Err(reset) => {
                    // Free the place for other buckets while this one waits.
                    drop(permit);
                    let wait = reset.duration_since(now).unwrap_or_default() + self.limits.jitter();
                    self.clock.sleep(wait).await;
                }
            }
        }
    }

    /// Sends `call` until it succeeds, fails for good, or runs out of
    /// retries.
    async fn execute(&self, call: &Call) -> ApiResult<Answer> {
        let request = call.name();
        let bucket = Bucket::for_path(call.url.path());
        let mut backoff = self.retry.backoff();
        let mut rate_limit_waits = 0;
        let mut auth_retries = AuthRetries::default();
        // Whether an earlier attempt may have taken effect.
        let mut maybe_executed = false;
        loop {
            let (permit, reservation) = self.admit(&request, bucket).await?;
            let started = std::time::Instant::now();
            let attempt = self.attempt(call, &request).await;
            drop((reservation, permit));
            // By method and path only: no header, body or query is logged.
            match &attempt {
                Ok(answer) => tracing::debug!(
                    "{request} → {} ({} ms)",
                    answer.status.as_u16(),
                    started.elapsed().as_millis()
                ),
                Err(error) => tracing::debug!("{request} failed: {error}"),
            }
            let error = match attempt {
                Ok(answer) if answer.status.is_success() => return Ok(answer),
                Ok(answer) if answer.status == StatusCode::TOO_MANY_REQUESTS => {
                    if rate_limit_waits >= self.retry.max_rate_limit_waits {
                        return Err(response::okta_error(&request, &answer, &self.auth));
                    }
                    self.wait_out_429(bucket, &answer, rate_limit_waits).await;
                    rate_limit_waits += 1;
                    continue;
                }
                // A retried DELETE finding nothing: the earlier attempt did it.
                Ok(answer)
                    if answer.status == StatusCode::NOT_FOUND
                        && call.method == Method::DELETE
                        && maybe_executed =>
                {
                    return Ok(answer);
                }
                // A DPoP nonce asked for, or an access token refused: not
                // executed, so sent again at once.
                Ok(answer)
                    if answer.status == StatusCode::UNAUTHORIZED
                        && self
                            .auth
                            .retry_unauthorized(&answer, &mut auth_retries)
                            .await =>
                {
                    continue;
                }
                Ok(answer) => self.auth.explain(
                    &call.method,
                    &call.url,
                    &answer,
                    response::okta_error(&request, &answer, &self.auth),
                ),
                Err(error) => error,
            };
            maybe_executed |= error.outcome_unknown();
            match backoff.next() {
                Some(delay) if may_retry(call.replay, &error) => self.clock.sleep(delay).await,
                _ => return Err(error),
            }
        }
    }

    /// After a 429: pauses the bucket until the reset the answer names
    /// (or `Retry-After`, or a growing fallback), and waits that long.
    async fn wait_out_429(&self, bucket: Bucket, answer: &Answer, waits: u32) {
        let now = self.clock.now();
        let headers = RateLimitHeaders::parse(&answer.headers);
        let until = headers
            .reset_at(now)
            .or_else(|| headers.retry_after.map(|after| now + after))
            .unwrap_or_else(|| now + self.retry.rate_limit_fallback(waits));
        self.limits.pause(bucket, &headers, until);
        let wait = until.duration_since(now).unwrap_or_default() + self.limits.jitter();
        self.clock.sleep(wait).await;
    }

    /// One attempt: the request, and the whole answer.
    async fn attempt(&self, call: &Call, request: &str) -> ApiResult<Answer> {
        let bucket = Bucket::for_path(call.url.path());
        let mut builder = self
            .http
            .request(call.method.clone(), call.url.clone())
            .header(ACCEPT, "application/json");
        for (name, value) in self
            .auth
            .headers(&self.http, &call.method, &call.url)
            .await?
        {
            builder = builder.header(name, value);
        }
        match &call.body {
            Some(body) => {
                builder = builder
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            // Lifecycle POSTs and mapping PUTs carry no body; an explicit
            // empty one sends `Content-Length: 0`, which proxies expect.
            None if call.method != Method::GET && call.method != Method::DELETE => {
                builder = builder.body(Vec::new());
            }
            None => {}
        }
        let mut answer = builder
            .send()
            .await
            .map_err(|error| response::transport_error(request, error, &self.auth))?;
        let status = answer.status();
        let headers = answer.headers().clone();
        self.auth.observe(&headers);
        // The budget counts from the headers, even if the body fails.
        self.limits
            .observe(bucket, &RateLimitHeaders::parse(&headers), self.clock.now());
        let mut body = Vec::new();
        loop {
            match answer.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_BODY_BYTES {
                        return Err(response::too_large(request));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // An error status is what matters, whatever its body.
                Err(_) if !status.is_success() => break,
                Err(error) => return Err(response::transport_error(request, error, &self.auth)),
            }
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// A request whose answer body is `T`.
    async fn fetch<T: DeserializeOwned>(&self, call: Call) -> ApiResult<T> {
        let answer = self.execute(&call).await?;
        response::decode(&call.name(), &answer, &self.auth)
    }

    /// A request whose answer has no body oktapol needs.
    async fn run(&self, call: Call) -> ApiResult<()> {
        self.execute(&call).await.map(|_| ())
    }

    /// A write carrying `body` as JSON.
    fn with_body(
        method: Method,
        url: Url,
        body: &impl serde::Serialize,
        replay: Replay,
    ) -> ApiResult<Call> {
        let call = Call {
            method,
            url,
            body: None,
            replay,
        };
        let bytes = serde_json::to_vec(body).map_err(|error| ApiError::Decode {
            request: call.name(),
            reason: format!("cannot write the request body: {error}"),
        })?;
        Ok(Call {
            body: Some(bytes),
            ..call
        })
    }

    /// Every page of a list, from `first` along the `next` links.
    async fn list<T: DeserializeOwned>(&self, first: Url) -> ApiResult<Vec<T>> {
        let request = Call::get(first.clone()).name();
        let broken = |reason: String| ApiError::Decode {
            request: request.clone(),
            reason,
        };
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        let mut url = first;
        for _ in 0..MAX_PAGES {
            seen.insert(url.to_string());
            let call = Call::get(url.clone());
            let answer = self.execute(&call).await?;
            let page: Vec<T> = response::decode(&call.name(), &answer, &self.auth)?;
            items.extend(page);
            match next_page(&self.org, &url, &answer.headers) {
                Ok(None) => return Ok(items),
                Ok(Some(next)) if seen.contains(next.as_str()) => {
                    return Err(broken(format!(
                        "the next-page link leads back to a page already read ({}); the list would never end",
                        next.path()
                    )));
                }
                Ok(Some(next)) => url = next,
                Err(error) => return Err(broken(error.to_string())),
            }
        }
        Err(broken(format!(
            "the list goes on past {MAX_PAGES} pages; its next-page links seem to go round in circles"
        )))
    }
}

#[async_trait]
impl Api for HttpClient {
    fn describe(&self) -> String {
        self.org.to_string()
    }

    async fn organization(&self) -> ApiResult<Organization> {
        let call = Call::get(
            self.org
                .endpoint("/.well-known/okta-organization", &[], &[]),
        );
        let request = call.name();
        let found: WellKnownOrganization = self.fetch(call).await?;
        let engine = match found.pipeline.as_str() {
            "idx" => Engine::Oie,
            "v1" => Engine::Classic,
            other => {
                return Err(ApiError::Decode {
                    request,
                    reason: format!(
                        "pipeline `{other}` is neither `idx` (Identity Engine) nor `v1` (Classic Engine)"
                    ),
                });
            }
        };
        Ok(Organization {
            id: found.id,
            engine,
        })
    }

    async fn list_policies(&self, kind: &PolicyType) -> ApiResult<Vec<Policy>> {
        let query = [("type", kind.as_str()), ("limit", PAGE_LIMIT)];
        self.list(self.scope_url(&Scope::Org, &[], &query)).await
    }

    async fn list_server_policies(&self, server_id: &str) -> ApiResult<Vec<Policy>> {
        // Okta documents no `limit` here; the `next` links are followed all the same.
        let scope = Scope::Server(server_id.to_owned());
        self.list(self.scope_url(&scope, &[], &[])).await
    }

    async fn get_policy(&self, scope: &Scope, id: &str) -> ApiResult<Policy> {
        self.fetch(Call::get(self.scope_url(scope, &[id], &[])))
            .await
    }

    async fn create_policy(
        &self,
        scope: &Scope,
        body: &Policy,
        activate: bool,
    ) -> ApiResult<Policy> {
        let url = self.scope_url(scope, &[], &[("activate", &activate.to_string())]);
        let call = Self::with_body(Method::POST, url, body, Replay::OnlyIfNotExecuted)?;
        self.fetch(call).await
    }

    async fn replace_policy(&self, scope: &Scope, id: &str, body: &Policy) -> ApiResult<Policy> {
        let url = self.scope_url(scope, &[id], &[]);
        let call = Self::with_body(Method::PUT, url, body, Replay::Idempotent)?;
        self.fetch(call).await
    }

    async fn delete_policy(&self, scope: &Scope, id: &str) -> ApiResult<()> {
        self.run(Call {
            method: Method::DELETE,
            url: self.scope_url(scope, &[id], &[]),
            body: None,
            replay: Replay::Idempotent,
        })
        .await
    }

    async fn set_policy_status(&self, scope: &Scope, id: &str, active: bool) -> ApiResult<()> {
        self.run(Call {
            method: Method::POST,
            url: self.scope_url(scope, &[id, "lifecycle", lifecycle(active)], &[]),
            body: None,
            replay: Replay::Idempotent,
        })
        .await
    }

    async fn list_rules(&self, scope: &Scope, policy_id: &str) -> ApiResult<Vec<PolicyRule>> {
        // `limit` is documented for org policies' rules only.
        let query: &[(&str, &str)] = match scope {
            Scope::Org => &[("limit", PAGE_LIMIT)],
            Scope::Server(_) => &[],
        };
        self.list(self.scope_url(scope, &[policy_id, "rules"], query))
            .await
    }

    async fn create_rule(
        &self,
        scope: &Scope,
        policy_id: &str,
        body: &PolicyRule,
        activate: bool,
    ) -> ApiResult<PolicyRule> {
        let url = self.scope_url(
            scope,
            &[policy_id, "rules"],
            &[("activate", &activate.to_string())],
        );
        let call = Self::with_body(Method::POST, url, body, Replay::OnlyIfNotExecuted)?;
        self.fetch(call).await
    }

    async fn replace_rule(
        &self,
        scope: &Scope,
        policy_id: &str,
        rule_id: &str,
        body: &PolicyRule,
    ) -> ApiResult<PolicyRule> {
        let url = self.scope_url(scope, &[policy_id, "rules", rule_id], &[]);
        let call = Self::with_body(Method::PUT, url, body, Replay::Idempotent)?;
        self.fetch(call).await
    }

    async fn delete_rule(&self, scope: &Scope, policy_id: &str, rule_id: &str) -> ApiResult<()> {
        self.run(Call {
            method: Method::DELETE,
            url: self.scope_url(scope, &[policy_id, "rules", rule_id], &[]),
            body: None,
            replay: Replay::Idempotent,
        })
        .await
    }

    async fn set_rule_status(
        &self,
        scope: &Scope,
        policy_id: &str,
        rule_id: &str,
        active: bool,
    ) -> ApiResult<()> {
        let segments = [policy_id, "rules", rule_id, "lifecycle", lifecycle(active)];
        self.run(Call {
            method: Method::POST,
            url: self.scope_url(scope, &segments, &[]),
            body: None,
            replay: Replay::Idempotent,
        })
        .await
    }

    async fn list_apps(&self) -> ApiResult<Vec<Application>> {
        let url = self
            .org
            .endpoint("/api/v1/apps", &[], &[("limit", PAGE_LIMIT)]);
        self.list(url).await
    }

    async fn map_app(&self, app_id: &str, policy_id: &str) -> ApiResult<()> {
        self.run(Call {
            method: Method::PUT,
            url: self
                .org
                .endpoint("/api/v1/apps", &[app_id, "policies", policy_id], &[]),
            body: None,
            replay: Replay::Idempotent,
        })
        .await
    }

    async fn list_groups(&self) -> ApiResult<Vec<Group>> {
        let url = self
            .org
            .endpoint("/api/v1/groups", &[], &[("limit", PAGE_LIMIT)]);
        self.list(url).await
    }

    async fn find_user(&self, login: &str) -> ApiResult<Option<User>> {
        let call = Call::get(self.org.endpoint("/api/v1/users", &[login], &[]));
        match self.fetch(call).await {
            Ok(user) => Ok(Some(user)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn list_zones(&self) -> ApiResult<Vec<NetworkZone>> {
        let url = self
            .org
            .endpoint("/api/v1/zones", &[], &[("limit", PAGE_LIMIT)]);
        self.list(url).await
    }

    async fn list_idps(&self) -> ApiResult<Vec<IdentityProvider>> {
        let url = self
            .org
            .endpoint("/api/v1/idps", &[], &[("limit", PAGE_LIMIT)]);
        self.list(url).await
    }

    async fn list_authenticators(&self) -> ApiResult<Vec<Authenticator>> {
        self.list(self.org.endpoint("/api/v1/authenticators", &[], &[]))
            .await
    }

    async fn list_user_types(&self) -> ApiResult<Vec<UserType>> {
        self.list(self.org.endpoint("/api/v1/meta/types/user", &[], &[]))
            .await
    }

    async fn list_inline_hooks(&self) -> ApiResult<Vec<InlineHook>> {
        self.list(self.org.endpoint("/api/v1/inlineHooks", &[], &[]))
            .await
    }

    async fn list_auth_servers(&self) -> ApiResult<Vec<AuthorizationServer>> {
        let url = self.org.endpoint(
            "/api/v1/authorizationServers",
            &[],
            &[("limit", PAGE_LIMIT)],
        );
        self.list(url).await
    }

    async fn simulate(
        &self,
        request: &SimulateRequest,
        expand: SimulateExpand,
    ) -> ApiResult<SimulateResponse> {
        let query: Vec<(&str, &str)> = expand.values().into_iter().map(|v| ("expand", v)).collect();
        let url = self.scope_url(&Scope::Org, &["simulate"], &query);
        // A simulation reads and changes nothing: sending it twice is harmless.
        let call = Self::with_body(Method::POST, url, request, Replay::Idempotent)?;
        self.fetch(call).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn client() -> HttpClient {
        let config = HttpConfig::parse(
            "https://acme.okta.com",
            "SECRET-TOKEN-123",
            Arc::new(ManualClock::fixed()),
        )
        .expect("config");
        HttpClient::new(config).expect("client")
    }

    #[test]
    fn scope_urls_follow_policies_path() {
        let client = client();
        for scope in [Scope::Org, Scope::Server("aus1".to_owned())] {
            let url = client.scope_url(&scope, &[], &[]);
            assert_eq!(url.path(), scope.policies_path());
            let rule = client.scope_url(&scope, &["00p1", "rules", "0pr1"], &[]);
            assert_eq!(
                rule.path(),
                format!("{}/00p1/rules/0pr1", scope.policies_path())
            );
        }
        // A hostile ID stays one segment.
        let odd = client.scope_url(&Scope::Server("a/../b".to_owned()), &[], &[]);
        assert_eq!(
            odd.path(),
            "/api/v1/authorizationServers/a%2F..%2Fb/policies"
        );
    }

    #[test]
    fn requests_are_named_without_host_or_query() {
        let client = client();
        let call = Call::get(client.scope_url(
            &Scope::Org,
            &[],
            &[("type", "PASSWORD"), ("limit", PAGE_LIMIT)],
        ));
        assert_eq!(call.name(), "GET /api/v1/policies");
    }

    #[test]
    fn simulate_repeats_expand_and_shares_the_policies_bucket() {
        let client = client();
        let query = [("expand", "EVALUATED"), ("expand", "RULE")];
        let url = client.scope_url(&Scope::Org, &["simulate"], &query);
        assert_eq!(url.path(), "/api/v1/policies/simulate");
        assert_eq!(url.query(), Some("expand=EVALUATED&expand=RULE"));
        assert_eq!(Bucket::for_path(url.path()), Bucket::Policies);
    }

    #[test]
    fn debug_hides_the_token() {
        let client = client();
        let shown = format!("{client:?}");
        assert!(shown.contains("https://acme.okta.com"), "{shown}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(client.describe(), "https://acme.okta.com");
    }
}
