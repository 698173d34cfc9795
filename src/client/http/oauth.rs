//! A service app's access token, over HTTP: requested from the org's token
//! endpoint (`POST /oauth2/v1/token`, client credentials with a signed
//! client assertion and a DPoP proof), kept until shortly before it
//! expires and requested again after, and presented on every request as
//! `Authorization: DPoP <token>` with a fresh proof (or `Bearer <token>`
//! when the server issued a plain bearer token: `token_type` decides).
//!
//! Okta asks for a server nonce in DPoP proofs: the token endpoint answers
//! 400 `use_dpop_nonce` with a `DPoP-Nonce` header, a resource server 401
//! with `WWW-Authenticate: DPoP error="use_dpop_nonce"`; either request is
//! sent once more with the nonce, and the latest nonce each one gave is
//! used from then on. A token the server no longer accepts (401) is
//! dropped and requested again, once. Waits use the injected clock.
//!
//! The token, the assertion and the proofs are [`Secret`]s; any text the
//! server sends back is scrubbed of every token issued and of anything
//! shaped like a JWT before it reaches an error.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, WWW_AUTHENTICATE,
};
use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;
use serde_json::Map;

use super::rate_limit::RateLimitHeaders;
use super::response::{self, Answer};
use super::retry::{Replay, RetryPolicy, may_retry};
use super::secret::Scrub;
use super::url::OrgUrl;
use crate::client::oauth::jwt::{self, ASSERTION_TYPE};
use crate::client::oauth::secret::scrub_jwts;
use crate::client::oauth::{KeyError, Secret, ServiceApp, SigningKey};
use crate::client::scopes::{self, ScopeSet};
use crate::client::wire::{ErrorCause, OktaError};
use crate::client::{ApiError, ApiResult};
use crate::clock::Clock;

/// The `DPoP` request header.
pub const DPOP: HeaderName = HeaderName::from_static("dpop");
/// The `DPoP-Nonce` response header.
pub const DPOP_NONCE: HeaderName = HeaderName::from_static("dpop-nonce");
/// The org authorization server's token endpoint.
pub const TOKEN_PATH: &str = "/oauth2/v1/token";
const TOKEN_REQUEST: &str = "POST /oauth2/v1/token";
/// A token answer is a few hundred bytes.
const MAX_TOKEN_BODY: usize = 1024 * 1024;
/// How long before its expiry a token is replaced, at most.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Okta's access tokens for service apps last an hour.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// An access token and what it is good for.
#[derive(Clone)]
struct AccessToken {
    value: Secret,
    /// `token_type: DPoP`: presented with a proof.
    dpop: bool,
    /// When to request a new one.
    refresh_at: SystemTime,
    /// The scopes it carries.
    scopes: ScopeSet,
}

/// The token endpoint's answer.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Secret,
    token_type: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
}

/// An OAuth error answer (RFC 6749 §5.2).
#[derive(Deserialize)]
struct OAuthErrorAnswer {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Which retries one request has had for authentication's sake.
#[derive(Debug, Default)]
pub(super) struct AuthRetries {
    nonce: bool,
    token: bool,
}

/// A service app's session with the org.
pub(super) struct OAuthSession {
    client_id: String,
    key: Arc<SigningKey>,
    /// Signs the DPoP proofs; made for this process.
    dpop_key: SigningKey,
    wanted: Mutex<ScopeSet>,
    fixed_scopes: bool,
    token_url: Url,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    /// Held while a token is requested, so concurrent requests wait for
    /// one token instead of each requesting their own.
    cached: tokio::sync::Mutex<Option<AccessToken>>,
    token_nonce: Mutex<Option<String>>,
    resource_nonce: Mutex<Option<String>>,
    /// Every token issued in this session, to scrub from server text.
    issued: Mutex<Vec<Secret>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A request could not be signed (the key was checked when it was read,
/// so this is rare).
fn signing_failed(request: &str, error: &KeyError) -> ApiError {
    ApiError::Decode {
        request: request.to_owned(),
        reason: error.to_string(),
    }
}

impl OAuthSession {
    pub(super) fn new(
        app: ServiceApp,
        org: &OrgUrl,
        clock: Arc<dyn Clock>,
        retry: RetryPolicy,
    ) -> Result<Self, KeyError> {
        Ok(OAuthSession {
            client_id: app.client_id,
            key: app.key,
            dpop_key: SigningKey::ephemeral()?,
            wanted: Mutex::new(app.scopes),
            fixed_scopes: app.fixed_scopes,
            token_url: org.endpoint(TOKEN_PATH, &[], &[]),
            clock,
            retry,
            cached: tokio::sync::Mutex::new(None),
            token_nonce: Mutex::new(None),
            resource_nonce: Mutex::new(None),
            issued: Mutex::new(Vec::new()),
        })
    }

    pub(super) fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The scopes the next token will carry.
    pub(super) fn wanted(&self) -> ScopeSet {
        lock(&self.wanted).clone()
    }

    /// Adds scopes to those requested (unless they were given
    /// explicitly); the next request gets a token carrying them.
    pub(super) fn request_scopes(&self, more: &ScopeSet) {
        if !self.fixed_scopes {
            lock(&self.wanted).extend(more);
        }
    }

    /// The `Authorization` (and `DPoP`) headers for one request.
    pub(super) async fn headers(
        &self,
        http: &reqwest::Client,
        method: &Method,
        url: &Url,
    ) -> ApiResult<Vec<(HeaderName, HeaderValue)>> {
        let token = self.token(http).await?;
        let unusable = || ApiError::Decode {
            request: TOKEN_REQUEST.to_owned(),
            reason: "the access token cannot be sent in a header".to_owned(),
        };
        if !token.dpop {
            let bearer = token.value.header("Bearer ").ok_or_else(unusable)?;
            return Ok(vec![(AUTHORIZATION, bearer)]);
        }
        let nonce = lock(&self.resource_nonce).clone();
        let proof = jwt::dpop_proof(
            &self.dpop_key,
            method,
            url,
            self.clock.now(),
            Some(&token.value),
            nonce.as_deref(),
        )
        .map_err(|error| signing_failed(&format!("{method} {}", url.path()), &error))?;
        Ok(vec![
            (
                AUTHORIZATION,
                token.value.header("DPoP ").ok_or_else(unusable)?,
            ),
            (DPOP, proof.header("").ok_or_else(unusable)?),
        ])
    }

    /// Remembers the resource server's latest nonce.
    pub(super) fn observe(&self, headers: &HeaderMap) {
        if let Some(nonce) = nonce_of(headers) {
            *lock(&self.resource_nonce) = Some(nonce);
        }
    }

    /// After a 401: whether to send the request again — once with a new
    /// nonce when the server asked for one, once with a new token when it
    /// refused the token.
    pub(super) async fn retry_unauthorized(
        &self,
        answer: &Answer,
        retries: &mut AuthRetries,
    ) -> bool {
        if challenge_error(&answer.headers).as_deref() == Some("use_dpop_nonce") {
            let retry = !retries.nonce && nonce_of(&answer.headers).is_some();
            retries.nonce = true;
            return retry;
        }
        if retries.token {
            return false;
        }
        retries.token = true;
        *self.cached.lock().await = None;
        true
    }

    /// A 403 explained: the scope the token lacks (from the server's
    /// `WWW-Authenticate`, else from Okta's table of scopes), or else the
    /// admin role the app would need.
    pub(super) fn explain_forbidden(
        &self,
        method: &Method,
        url: &Url,
        answer: &Answer,
        mut error: ApiError,
    ) -> ApiError {
        let ApiError::Okta {
            status: 403,
            error: body,
            ..
        } = &mut error
        else {
            return error;
        };
        let granted = self
            .cached
            .try_lock()
            .ok()
            .and_then(|cached| cached.as_ref().map(|t| t.scopes.clone()))
            .unwrap_or_else(|| self.wanted());
        let named = challenge_param(&answer.headers, "scope");
        let needed = named.or_else(|| {
            scopes::required(method, url.path())
                .filter(|scope| !granted.allows(*scope))
                .map(|scope| scope.to_string())
        });
        let hint = match needed {
            Some(scope) => {
                let also = if self.fixed_scopes {
                    ", and add it to OKTA_SCOPES"
                } else {
                    ""
                };
                format!(
                    "the access token lacks the scope {scope}: grant {scope} to the service app {} in the Okta Admin Console (Applications → the app → Okta API Scopes){also}",
                    self.client_id
                )
            }
            None => format!(
                "the access token has the scopes this request needs ({granted}); the service app {} needs an admin role that allows it (Applications → the app → Admin roles)",
                self.client_id
            ),
        };
        body.error_causes.push(ErrorCause::new(hint));
        error
    }

    /// The cached token, or a new one when it is missing, about to
    /// expire, or short of the scopes now wanted.
    async fn token(&self, http: &reqwest::Client) -> ApiResult<AccessToken> {
        let mut cached = self.cached.lock().await;
        let wanted = self.wanted();
        if let Some(token) = cached.as_ref()
            && self.clock.now() < token.refresh_at
            && token.scopes.covers(&wanted)
        {
            return Ok(token.clone());
        }
        let fresh = self.fetch(http, &wanted).await?;
        lock(&self.issued).push(fresh.value.clone());
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    /// Requests a token for `scopes`, retrying with the server's nonce,
    /// after rate limits, and after server errors and failed connections.
    async fn fetch(&self, http: &reqwest::Client, scopes: &ScopeSet) -> ApiResult<AccessToken> {
        let mut backoff = self.retry.backoff();
        let mut nonce_retried = false;
        let mut rate_limit_waits = 0;
        loop {
            let error = match self.request_token(http, scopes).await {
                Ok(answer) if answer.status.is_success() => return self.accept(&answer, scopes),
                Ok(answer) => {
                    let oauth = serde_json::from_slice::<OAuthErrorAnswer>(&answer.body).ok();
                    let code = oauth.as_ref().map(|o| o.error.as_str());
                    if answer.status == StatusCode::BAD_REQUEST
                        && code == Some("use_dpop_nonce")
                        && !nonce_retried
                        && nonce_of(&answer.headers).is_some()
                    {
                        nonce_retried = true;
                        continue;
                    }
                    if answer.status == StatusCode::TOO_MANY_REQUESTS
                        && rate_limit_waits < self.retry.max_rate_limit_waits
                    {
                        let now = self.clock.now();
                        let headers = RateLimitHeaders::parse(&answer.headers);
                        let until = headers
                            .reset_at(now)
                            .or_else(|| headers.retry_after.map(|after| now + after))
                            .unwrap_or_else(|| {
                                now + self.retry.rate_limit_fallback(rate_limit_waits)
                            });
                        rate_limit_waits += 1;
                        self.clock
                            .sleep(until.duration_since(now).unwrap_or_default())
                            .await;
                        continue;
                    }
                    self.token_error(&answer, oauth, scopes)
                }
                Err(error) => error,
            };
            match backoff.next() {
                Some(delay) if may_retry(Replay::Idempotent, &error) => {
                    self.clock.sleep(delay).await;
                }
                _ => return Err(error),
            }
        }
    }

    /// One token request, its answer read whole.
    async fn request_token(&self, http: &reqwest::Client, scopes: &ScopeSet) -> ApiResult<Answer> {
        let now = self.clock.now();
        let assertion = jwt::client_assertion(&self.key, &self.client_id, &self.token_url, now)
            .map_err(|error| signing_failed(TOKEN_REQUEST, &error))?;
        let nonce = lock(&self.token_nonce).clone();
        let proof = jwt::dpop_proof(
            &self.dpop_key,
            &Method::POST,
            &self.token_url,
            now,
            None,
            nonce.as_deref(),
        )
        .map_err(|error| signing_failed(TOKEN_REQUEST, &error))?;
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("scope", &scopes.to_string())
            .append_pair("client_assertion_type", ASSERTION_TYPE)
            .append_pair("client_assertion", assertion.expose())
            .finish();
        let proof = proof.header("").ok_or_else(|| ApiError::Decode {
            request: TOKEN_REQUEST.to_owned(),
            reason: "the DPoP proof cannot be sent in a header".to_owned(),
        })?;
        let mut answer = http
            .post(self.token_url.clone())
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(DPOP, proof)
            .body(form)
            .send()
            .await
            .map_err(|error| response::transport_error(TOKEN_REQUEST, error, self))?;
        let status = answer.status();
        let headers = answer.headers().clone();
        if let Some(nonce) = nonce_of(&headers) {
            *lock(&self.token_nonce) = Some(nonce);
        }
        let mut body = Vec::new();
        loop {
            match answer.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_TOKEN_BODY {
                        return Err(response::too_large(TOKEN_REQUEST));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(_) if !status.is_success() => break,
                Err(error) => {
                    return Err(response::transport_error(TOKEN_REQUEST, error, self));
                }
            }
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// The token in a success answer.
    fn accept(&self, answer: &Answer, requested: &ScopeSet) -> ApiResult<AccessToken> {
        let parsed: TokenAnswer =
            serde_json::from_slice(&answer.body).map_err(|error| ApiError::Decode {
                request: TOKEN_REQUEST.to_owned(),
                // serde's message may quote a value; only its place is kept.
                reason: format!(
                    "the token endpoint's answer is not a token response ({:?} at line {}, column {})",
                    error.classify(),
                    error.line(),
                    error.column()
                ),
            })?;
        let dpop = if parsed.token_type.eq_ignore_ascii_case("DPoP") {
            true
        } else if parsed.token_type.eq_ignore_ascii_case("Bearer") {
            false
        } else {
            return Err(ApiError::Decode {
                request: TOKEN_REQUEST.to_owned(),
                reason: format!(
                    "token_type `{}` is neither DPoP nor Bearer",
                    self.scrub(&parsed.token_type)
                ),
            });
        };
        let lifetime = parsed
            .expires_in
            .map_or(DEFAULT_LIFETIME, Duration::from_secs);
        let margin = REFRESH_MARGIN.min(lifetime / 10);
        Ok(AccessToken {
            value: parsed.access_token,
            dpop,
            refresh_at: self.clock.now() + lifetime - margin,
            scopes: parsed
                .scope
                .as_deref()
                .map_or_else(|| requested.clone(), ScopeSet::parse),
        })
    }

    /// The error for a refused token request: the OAuth error with its
    /// description, and what to do about it.
    fn token_error(
        &self,
        answer: &Answer,
        oauth: Option<OAuthErrorAnswer>,
        scopes: &ScopeSet,
    ) -> ApiError {
        let Some(oauth) = oauth else {
            return response::okta_error(TOKEN_REQUEST, answer, self);
        };
        let hint = match oauth.error.as_str() {
            "invalid_client" => Some(format!(
                "check OKTA_CLIENT_ID ({}) and that the service app's public key belongs to OKTA_PRIVATE_KEY (and set OKTA_KEY_ID when the app has several keys)",
                self.client_id
            )),
            "invalid_scope" | "access_denied" => Some(format!(
                "oktapol asked for the scopes {scopes}; grant them to the service app {} in the Okta Admin Console (Applications → the app → Okta API Scopes)",
                self.client_id
            )),
            "unauthorized_client" => Some(
                "the service app must allow the Client Credentials grant with public key / private key client authentication".to_owned(),
            ),
            "use_dpop_nonce" => {
                Some("the token endpoint asked for a new DPoP nonce twice in a row".to_owned())
            }
            "invalid_dpop_proof" => Some(
                "the DPoP proof was refused; check that this machine's clock is right".to_owned(),
            ),
            _ => None,
        };
        let error = OktaError {
            error_code: Some(self.scrub(&oauth.error)),
            error_summary: oauth.error_description.map(|d| self.scrub(&d)),
            error_link: None,
            error_id: None,
            error_causes: hint.into_iter().map(ErrorCause::new).collect(),
            other: Map::new(),
        };
        ApiError::okta(TOKEN_REQUEST, answer.status.as_u16(), error)
    }
}

impl Scrub for OAuthSession {
    fn scrub(&self, text: &str) -> String {
        let mut text = scrub_jwts(text);
        for token in lock(&self.issued).iter() {
            if !token.expose().is_empty() {
                text = text.replace(token.expose(), "[redacted]");
            }
        }
        text
    }
}

/// What a command can still change about its session: the scopes of the
/// next token (`apply` adds the `manage` scopes its plan needs).
#[derive(Clone)]
pub struct TokenScopes {
    pub(super) session: Arc<OAuthSession>,
    pub(super) http: reqwest::Client,
}

impl TokenScopes {
    /// Adds scopes to those the next token requests (nothing when the
    /// scopes were given with `OKTA_SCOPES`), and gets that token now, so
    /// a refusal comes before any request that needs it.
    pub async fn request(&self, more: &ScopeSet) -> ApiResult<()> {
        self.session.request_scopes(more);
        self.session.token(&self.http).await.map(|_| ())
    }

    /// The scopes the next token requests.
    pub fn requested(&self) -> ScopeSet {
        self.session.wanted()
    }
}

impl std::fmt::Debug for TokenScopes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenScopes({})", self.session.wanted())
    }
}

/// The `DPoP-Nonce` header.
fn nonce_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(&DPOP_NONCE)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The `error` parameter of the `WWW-Authenticate` challenges.
fn challenge_error(headers: &HeaderMap) -> Option<String> {
    challenge_param(headers, "error")
}

/// A parameter of the `WWW-Authenticate` challenges (the DPoP challenge's
/// first, when there are several).
fn challenge_param(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut found: Vec<(String, String)> = Vec::new();
    for value in headers.get_all(WWW_AUTHENTICATE) {
        let Ok(text) = value.to_str() else { continue };
        for (scheme, params) in challenges(text) {
            if let Some((_, value)) = params
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
            {
                found.push((scheme, value.clone()));
            }
        }
    }
    found
        .iter()
        .find(|(scheme, _)| scheme.eq_ignore_ascii_case("DPoP"))
        .or(found.first())
        .map(|(_, value)| value.clone())
}

/// The challenges of one `WWW-Authenticate` value (RFC 9110 §11.6.1):
/// each scheme with its `name=value` parameters, quoted strings unescaped.
fn challenges(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let is_token = |c: char| !c.is_whitespace() && c != ',' && c != '=' && c != '"';
    while i < chars.len() {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
            i += 1;
        }
        let start = i;
        while i < chars.len() && is_token(chars[i]) {
            i += 1;
        }
        if start == i {
            i += 1;
            continue;
        }
        let word: String = chars[start..i].iter().collect();
        let mut j = i;
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        if j < chars.len() && chars[j] == '=' {
            j += 1;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let mut value = String::new();
            if j < chars.len() && chars[j] == '"' {
                j += 1;
                while j < chars.len() && chars[j] != '"' {
                    if chars[j] == '\\' && j + 1 < chars.len() {
                        j += 1;
                    }
                    value.push(chars[j]);
                    j += 1;
                }
                j += 1;
            } else {
                while j < chars.len() && chars[j] != ',' && !chars[j].is_whitespace() {
                    value.push(chars[j]);
                    j += 1;
                }
            }
            match out.last_mut() {
                Some((_, params)) => params.push((word, value)),
                None => out.push((String::new(), vec![(word, value)])),
            }
            i = j;
        } else {
            out.push((word, Vec::new()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_challenge(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(WWW_AUTHENTICATE, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn challenges_are_read_per_scheme() {
        let okta = with_challenge(&[
            r#"Bearer authorization_uri="http://x.okta.com/oauth2/v1/authorize", realm="http://x.okta.com", scope="okta.groups.read", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="/api/v1/groups""#,
        ]);
        assert_eq!(
            challenge_param(&okta, "scope").as_deref(),
            Some("okta.groups.read")
        );
        assert_eq!(
            challenge_error(&okta).as_deref(),
            Some("insufficient_scope")
        );
        let both = with_challenge(&[
            r#"Bearer error="invalid_token", DPoP algs="ES256 RS256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#,
        ]);
        assert_eq!(challenge_error(&both).as_deref(), Some("use_dpop_nonce"));
        let split = with_challenge(&[r#"Bearer realm="x""#, r#"DPoP error="use_dpop_nonce""#]);
        assert_eq!(challenge_error(&split).as_deref(), Some("use_dpop_nonce"));
        let escaped =
            with_challenge(&[r#"DPoP error_description="say \"hi\"", error=invalid_token"#]);
        assert_eq!(
            challenge_param(&escaped, "error_description").as_deref(),
            Some(r#"say "hi""#)
        );
        assert_eq!(challenge_error(&escaped).as_deref(), Some("invalid_token"));
        assert_eq!(challenge_error(&HeaderMap::new()), None);
    }
}
