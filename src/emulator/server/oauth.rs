//! OAuth 2.0 for service apps, as Okta's org authorization server does it:
//! `POST /oauth2/v1/token` with `grant_type=client_credentials`, the
//! scopes, and a client assertion (`private_key_jwt`) signed by the key
//! the seed registered for the app (`serviceApps`). The assertion's
//! signature, `iss` = `sub` = the client ID, `aud` = the token endpoint,
//! `exp` (within the hour) and a never-used `jti` are checked; every
//! scope asked for must be granted; an app that requires DPoP (the
//! default, as for new apps at Okta) must send a DPoP proof with the
//! server's nonce — the first request without one gets 400
//! `use_dpop_nonce` and a `DPoP-Nonce` header. Tokens are opaque, live an
//! hour on the injected clock, and are bound to the proof's key.
//!
//! [`ServiceAppTokens`] then accepts `Authorization: DPoP <token>` (with a
//! proof carrying the token's hash, from the bound key, with the nonce)
//! or `Bearer <token>` for unbound tokens on every API route, beside
//! SSWS; the scope each route needs is checked in
//! [`auth::require_auth`](super::auth::require_auth).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::auth::{Authenticator, Principal, Refusal, RequestHead, Verdict};
use super::dpop::{self, Expected, Nonces, ProofError, SeenIds};
use super::errors::json_response;
use crate::client::oauth::jwt::{ASSERTION_TYPE, epoch_seconds};
use crate::client::scopes::ScopeSet;
use crate::clock::Clock;
use crate::emulator::seed::{SeedError, SeedPublicKey, SeedServiceApp};

/// The token endpoint's path.
pub const TOKEN_PATH: &str = "/oauth2/v1/token";
/// How long an access token lives (Okta: one hour).
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// The furthest in the future a client assertion may expire.
const MAX_ASSERTION_LIFETIME: Duration = Duration::from_secs(3600);
const DPOP_NONCE: HeaderName = HeaderName::from_static("dpop-nonce");
const DPOP: HeaderName = HeaderName::from_static("dpop");

/// A service app as the server knows it.
struct RegisteredApp {
    key: DecodingKey,
    algorithms: Vec<Algorithm>,
    kid: Option<String>,
    scopes: ScopeSet,
    dpop: bool,
}

/// An access token issued.
struct IssuedToken {
    client_id: String,
    scopes: ScopeSet,
    expires_at: SystemTime,
    /// The thumbprint of the DPoP key it is bound to.
    jkt: Option<String>,
}

#[derive(Default)]
struct Ledger {
    tokens: HashMap<String, IssuedToken>,
    assertion_ids: SeenIds,
    proof_ids: SeenIds,
}

/// The authorization server: registered apps, issued tokens, nonces.
pub struct OAuthServer {
    apps: HashMap<String, RegisteredApp>,
    clock: Arc<dyn Clock>,
    base_url: String,
    ledger: Mutex<Ledger>,
    nonces: Mutex<Nonces>,
}

impl std::fmt::Debug for OAuthServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut apps: Vec<&String> = self.apps.keys().collect();
        apps.sort();
        f.debug_struct("OAuthServer")
            .field("apps", &apps)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The verification key of a seed's public key, and the algorithms it
/// signs.
fn public_key(
    key: &SeedPublicKey,
) -> Result<(DecodingKey, Vec<Algorithm>, Option<String>), String> {
    let rsa = vec![Algorithm::RS256, Algorithm::RS384, Algorithm::RS512];
    let ec = vec![Algorithm::ES256];
    match key {
        SeedPublicKey::Pem(text) => {
            if let Ok(key) = DecodingKey::from_rsa_pem(text.as_bytes()) {
                return Ok((key, rsa, None));
            }
            DecodingKey::from_ec_pem(text.as_bytes())
                .map(|key| (key, ec, None))
                .map_err(|_| "not an RSA or EC public key in PEM form".to_owned())
        }
        SeedPublicKey::Jwk(map) => {
            let jwk: Jwk = serde_json::from_value(serde_json::Value::Object(map.clone()))
                .map_err(|error| format!("not a JWK: {error}"))?;
            let key = DecodingKey::from_jwk(&jwk)
                .map_err(|error| format!("not a usable JWK: {error}"))?;
            let algorithms = match map.get("kty").and_then(|v| v.as_str()) {
                Some("EC") => ec,
                _ => rsa,
            };
            Ok((key, algorithms, jwk.common.key_id))
        }
    }
}

/// An OAuth error answer (RFC 6749 §5.2).
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = json_response(
        status,
        &json!({ "error": error, "error_description": description }),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn invalid_client(description: &str) -> Response {
    oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description)
}

/// The claims of a client assertion.
#[derive(Deserialize)]
struct AssertionClaims {
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    aud: Option<serde_json::Value>,
    #[serde(default)]
    exp: Option<u64>,
    #[serde(default)]
    jti: Option<String>,
}

impl OAuthServer {
    /// The server for the seed's service apps; `seed_path` names the file
    /// in errors.
    pub fn new(
        apps: &[SeedServiceApp],
        seed_path: &Path,
        base_url: &str,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, SeedError> {
        let mut registered = HashMap::new();
        for (index, app) in apps.iter().enumerate() {
            let (key, algorithms, kid) =
                public_key(&app.public_key).map_err(|message| SeedError::Invalid {
                    path: seed_path.display().to_string(),
                    message: format!("serviceApps[{index}].publicKey: {message}"),
                })?;
            registered.insert(
                app.client_id.clone(),
                RegisteredApp {
                    key,
                    algorithms,
                    kid,
                    scopes: ScopeSet::parse(&app.scopes.join(" ")),
                    dpop: app.dpop,
                },
            );
        }
        let now = clock.now();
        Ok(OAuthServer {
            apps: registered,
            clock,
            base_url: base_url.trim_end_matches('/').to_owned(),
            ledger: Mutex::new(Ledger::default()),
            nonces: Mutex::new(Nonces::new(now)),
        })
    }

    /// The URLs a request to `path` may have been addressed as: the
    /// server's own, and the `Host` the client used.
    fn urls(&self, headers: &HeaderMap, path: &str) -> Vec<String> {
        let mut urls = vec![format!("{}{path}", self.base_url)];
        if let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) {
            urls.push(format!("http://{host}{path}"));
        }
        urls
    }

    fn use_nonce(&self, status: StatusCode, now: SystemTime) -> Response {
        let nonce = lock(&self.nonces).current(now);
        let mut response = oauth_error(
            status,
            "use_dpop_nonce",
            "Authorization server requires nonce in DPoP proof.",
        );
        if let Ok(value) = HeaderValue::from_str(&nonce) {
            response.headers_mut().insert(DPOP_NONCE, value);
        }
        response
    }

    /// `POST /oauth2/v1/token`.
    fn token(&self, headers: &HeaderMap, body: &[u8]) -> Response {
        let now = self.clock.now();
        let form: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
        let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
        if field("grant_type") != "client_credentials" {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].",
            );
        }
        if field("client_assertion_type") != ASSERTION_TYPE || field("client_assertion").is_empty()
        {
            return invalid_client(
                "Client authentication failed: send client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-bearer and a client_assertion.",
            );
        }
        let assertion = field("client_assertion");
        let Ok(unverified) = jsonwebtoken::dangerous::insecure_decode::<AssertionClaims>(assertion)
        else {
            return invalid_client("The client_assertion is not a valid JWT.");
        };
        let Some(client_id) = unverified.claims.iss.clone() else {
            return invalid_client("The client_assertion has no 'iss' claim.");
        };
        let Some(app) = self.apps.get(&client_id) else {
            return invalid_client("Invalid value for 'client_id' parameter.");
        };
        let token_urls = self.urls(headers, TOKEN_PATH);
        // DPoP first, as Okta does: the nonce round trip costs no assertion.
        let jkt = if app.dpop {
            let Some(proof) = headers.get(&DPOP).and_then(|v| v.to_str().ok()) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_dpop_proof",
                    "The DPoP proof JWT header is missing.",
                );
            };
            let expected = Expected {
                method: "POST",
                urls: &token_urls,
                access_token: None,
                jkt: None,
            };
            let verdict = {
                let mut nonces = lock(&self.nonces);
                let mut ledger = lock(&self.ledger);
                dpop::verify(proof, &expected, now, &mut nonces, &mut ledger.proof_ids)
            };
            match verdict {
                Ok(jkt) => Some(jkt),
                Err(ProofError::UseNonce) => return self.use_nonce(StatusCode::BAD_REQUEST, now),
                Err(ProofError::Invalid(reason)) => {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_dpop_proof", &reason);
                }
            }
        } else {
            None
        };
        if let Err(why) = self.verify_assertion(app, &client_id, assertion, &token_urls, now) {
            return invalid_client(why);
        }
        let requested = ScopeSet::parse(field("scope"));
        if requested.is_empty() {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
            );
        }
        let missing = requested.missing_from(&app.scopes);
        if !missing.is_empty() {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                &format!("The following scopes are not granted to the client: {missing}"),
            );
        }
        let token = format!("oktapol-emulator-{}", random_token());
        let token_type = if jkt.is_some() { "DPoP" } else { "Bearer" };
        lock(&self.ledger).tokens.insert(
            token.clone(),
            IssuedToken {
                client_id,
                scopes: requested.clone(),
                expires_at: now + TOKEN_LIFETIME,
                jkt,
            },
        );
        let mut response = json_response(
            StatusCode::OK,
            &json!({
                "token_type": token_type,
                "expires_in": TOKEN_LIFETIME.as_secs(),
                "access_token": token,
                "scope": requested.to_string(),
            }),
        );
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    /// Checks the client assertion's signature and claims; why it is
    /// refused (`invalid_client`) when it is.
    fn verify_assertion(
        &self,
        app: &RegisteredApp,
        client_id: &str,
        assertion: &str,
        token_urls: &[String],
        now: SystemTime,
    ) -> Result<(), &'static str> {
        let header = jsonwebtoken::decode_header(assertion)
            .map_err(|_| "The client_assertion is not a valid JWT.")?;
        if let (Some(want), Some(got)) = (&app.kid, &header.kid)
            && want != got
        {
            return Err("The client_assertion 'kid' does not name a key of this client.");
        }
        let mut validation = Validation::new(header.alg);
        validation.algorithms.clone_from(&app.algorithms);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        let claims = jsonwebtoken::decode::<AssertionClaims>(assertion, &app.key, &validation)
            .map_err(|_| "The client_assertion signature is invalid.")?
            .claims;
        if claims.sub.as_deref() != Some(client_id) {
            return Err("The client_assertion 'sub' claim must be the client_id.");
        }
        let audiences: Vec<&str> = match &claims.aud {
            Some(serde_json::Value::String(aud)) => vec![aud.as_str()],
            Some(serde_json::Value::Array(auds)) => {
                auds.iter().filter_map(|a| a.as_str()).collect()
            }
            _ => Vec::new(),
        };
        if !audiences
            .iter()
            .any(|aud| token_urls.iter().any(|url| url == aud))
        {
            return Err(
                "The audience claim for client_assertion must be the endpoint invoked for the request.",
            );
        }
        let now_secs = epoch_seconds(now);
        let Some(exp) = claims.exp else {
            return Err("The client_assertion has no 'exp' claim.");
        };
        if exp <= now_secs {
            return Err("The client_assertion token is expired.");
        }
        if exp > now_secs + MAX_ASSERTION_LIFETIME.as_secs() {
            return Err("The client_assertion token has an expiration too far into the future.");
        }
        let Some(id) = claims.jti.filter(|id| !id.is_empty()) else {
            return Err("The client_assertion has no 'jti' claim.");
        };
        let until = SystemTime::UNIX_EPOCH + Duration::from_secs(exp);
        if !lock(&self.ledger).assertion_ids.first_use(&id, until, now) {
            return Err("The client_assertion token has already been used.");
        }
        Ok(())
    }

    /// Judges an API request's `Bearer` or `DPoP` credentials.
    fn authenticate(&self, request: &RequestHead<'_>) -> Verdict {
        let Some((scheme, token)) = request
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().split_once(' '))
        else {
            return Verdict::NotMine;
        };
        let dpop = if scheme.eq_ignore_ascii_case("DPoP") {
            true
        } else if scheme.eq_ignore_ascii_case("Bearer") {
            false
        } else {
            return Verdict::NotMine;
        };
        let token = token.trim();
        let now = self.clock.now();
        let refuse = |error: &str, description: &str| {
            let scheme = if dpop { "DPoP" } else { "Bearer" };
            Verdict::Rejected(Refusal {
                challenge: Some(format!(
                    r#"{scheme} algs="RS256 ES256", error="{error}", error_description="{description}""#
                )),
                nonce: None,
            })
        };
        let (client_id, scopes, jkt) = {
            let ledger = lock(&self.ledger);
            match ledger.tokens.get(token) {
                Some(issued) if issued.expires_at > now => (
                    issued.client_id.clone(),
                    issued.scopes.clone(),
                    issued.jkt.clone(),
                ),
                Some(_) => return refuse("invalid_token", "The access token is expired."),
                None => return refuse("invalid_token", "The access token is invalid."),
            }
        };
        match (dpop, &jkt) {
            (false, Some(_)) => {
                return refuse(
                    "invalid_token",
                    "The access token is DPoP-bound: send it as 'Authorization: DPoP' with a proof.",
                );
            }
            (true, None) => {
                return refuse("invalid_token", "The access token is not DPoP-bound.");
            }
            _ => {}
        }
        if let Some(jkt) = &jkt {
            let Some(proof) = request.headers.get(&DPOP).and_then(|v| v.to_str().ok()) else {
                return refuse(
                    "invalid_dpop_proof",
                    "The DPoP proof JWT header is missing.",
                );
            };
            let urls = self.urls(request.headers, request.uri.path());
            let expected = Expected {
                method: request.method.as_str(),
                urls: &urls,
                access_token: Some(token),
                jkt: Some(jkt),
            };
            let verdict = {
                let mut nonces = lock(&self.nonces);
                let mut ledger = lock(&self.ledger);
                dpop::verify(proof, &expected, now, &mut nonces, &mut ledger.proof_ids)
            };
            match verdict {
                Ok(_) => {}
                Err(ProofError::UseNonce) => {
                    let nonce = lock(&self.nonces).current(now);
                    return Verdict::Rejected(Refusal {
                        challenge: Some(
                            r#"DPoP algs="RS256 ES256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#
                                .to_owned(),
                        ),
                        nonce: Some(nonce),
                    });
                }
                Err(ProofError::Invalid(reason)) => {
                    return refuse("invalid_dpop_proof", &reason);
                }
            }
        }
        Verdict::Accepted(Principal::ServiceApp { client_id, scopes })
    }
}

/// 32 random bytes, base64url: unguessable.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `Authorization: Bearer` / `DPoP` with a token the server issued.
pub struct ServiceAppTokens(pub Arc<OAuthServer>);

impl Authenticator for ServiceAppTokens {
    fn authenticate(&self, request: &RequestHead<'_>) -> Verdict {
        self.0.authenticate(request)
    }
}

/// The token endpoint's route.
pub fn routes() -> Router<AppState> {
    Router::new().route(TOKEN_PATH, post(token))
}

async fn token(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The token request must be sent as application/x-www-form-urlencoded.",
        )
        .into_response();
    }
    app.oauth().token(&headers, &body)
}
