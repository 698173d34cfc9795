//! Who may call the emulator. Each [`Authenticator`] understands one
//! `Authorization` scheme and either accepts the caller, rejects the
//! credentials, or passes because the scheme is not its own; a chain of
//! them ([`Authenticators`]) holds the SSWS API token and the service
//! apps' OAuth 2.0 access tokens (`Bearer` and `DPoP`, see
//! [`oauth`](super::oauth)). A request no authenticator accepts gets 401
//! `E0000011`, as Okta answers, with the scheme's `WWW-Authenticate`
//! challenge (and `DPoP-Nonce`) when it has one. A service app's token
//! must also carry the scope the route needs (`client::scopes`), or the
//! request gets 403 `E0000006` naming the scope, as Okta does.
//!
//! `/.well-known/okta-organization` and the token endpoint are public, as
//! they are on a real org; the emulator's own `/__emulator` paths take the
//! API token only.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use super::{AppState, is_admin};
use crate::client::scopes::{self, ScopeSet};
use crate::client::wire::OktaError;

/// The authenticated caller, put in the request's extensions for handlers
/// that need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An SSWS API token: the permissions of the admin who created it.
    ApiToken,
    /// A service app's access token, with the scopes it carries.
    ServiceApp { client_id: String, scopes: ScopeSet },
}

/// How refused credentials are answered, beyond the 401 itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refusal {
    /// `WWW-Authenticate`, for schemes that challenge.
    pub challenge: Option<String>,
    /// `DPoP-Nonce`: the nonce the next proof must carry.
    pub nonce: Option<String>,
}

/// What one authenticator makes of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The credentials are this authenticator's and valid.
    Accepted(Principal),
    /// The credentials are this authenticator's and invalid.
    Rejected(Refusal),
    /// Not this authenticator's scheme (or no credentials at all).
    NotMine,
}

/// What an authenticator sees of a request: schemes such as DPoP read the
/// method and URL as well as the headers.
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
}

/// One way of authenticating a request.
pub trait Authenticator: Send + Sync {
    /// Judges the request.
    fn authenticate(&self, request: &RequestHead<'_>) -> Verdict;
}

/// `Authorization: SSWS <token>` with the configured token.
pub struct SswsToken {
    token: String,
}

impl SswsToken {
    /// Accepts exactly `token`.
    pub fn new(token: impl Into<String>) -> Self {
        SswsToken {
            token: token.into(),
        }
    }
}

/// The token is a secret: it never appears in debug output.
impl std::fmt::Debug for SswsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SswsToken([redacted])")
    }
}

impl Authenticator for SswsToken {
    fn authenticate(&self, request: &RequestHead<'_>) -> Verdict {
        let Some(value) = request.headers.get(header::AUTHORIZATION) else {
            return Verdict::NotMine;
        };
        let Some((scheme, credentials)) =
            value.to_str().ok().and_then(|v| v.trim().split_once(' '))
        else {
            return Verdict::NotMine;
        };
        if !scheme.eq_ignore_ascii_case("SSWS") {
            return Verdict::NotMine;
        }
        if constant_time_eq(credentials.trim().as_bytes(), self.token.as_bytes()) {
            Verdict::Accepted(Principal::ApiToken)
        } else {
            Verdict::Rejected(Refusal::default())
        }
    }
}

/// Compares without stopping at the first difference, so response time
/// does not reveal how much of a guessed token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A chain of authenticators; the first that does not pass decides.
#[derive(Clone, Default)]
pub struct Authenticators {
    chain: Vec<Arc<dyn Authenticator>>,
}

impl Authenticators {
    /// An empty chain (accepts nobody).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an authenticator at the end of the chain.
    pub fn with(mut self, authenticator: impl Authenticator + 'static) -> Self {
        self.chain.push(Arc::new(authenticator));
        self
    }

    /// The caller, or how to refuse the request when nobody accepts it.
    pub fn authenticate(&self, request: &RequestHead<'_>) -> Result<Principal, Refusal> {
        for authenticator in &self.chain {
            match authenticator.authenticate(request) {
                Verdict::Accepted(principal) => return Ok(principal),
                Verdict::Rejected(refusal) => return Err(refusal),
                Verdict::NotMine => {}
            }
        }
        Err(Refusal::default())
    }
}

impl std::fmt::Debug for Authenticators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Authenticators({} in chain)", self.chain.len())
    }
}

/// Paths anyone may call.
fn is_public(path: &str) -> bool {
    path == "/.well-known/okta-organization" || path == super::oauth::TOKEN_PATH
}

/// Middleware: 401 `E0000011` unless an authenticator accepts the request;
/// 403 `E0000006` when a service app's token lacks the route's scope.
pub async fn require_auth(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if is_public(request.uri().path()) {
        return next.run(request).await;
    }
    let head = RequestHead {
        method: request.method(),
        uri: request.uri(),
        headers: request.headers(),
    };
    let principal = match state.authenticators().authenticate(&head) {
        Ok(principal) => principal,
        Err(refusal) => return unauthorized(&state, refusal),
    };
    if let Principal::ServiceApp { scopes, .. } = &principal {
        let path = request.uri().path();
        let needed = scopes::required(request.method(), path);
        let refused = match needed {
            Some(scope) if !scopes.allows(scope) => Some(scope.to_string()),
            // The emulator's own paths are for the operator's API token.
            None if is_admin(path) => Some("the emulator's API token".to_owned()),
            _ => None,
        };
        if let Some(scope) = refused {
            return forbidden(&state, &scope, path);
        }
    }
    request.extensions_mut().insert(principal);
    next.run(request).await
}

/// 401 `E0000011`, with the scheme's challenge.
fn unauthorized(state: &AppState, refusal: Refusal) -> Response {
    let mut response = ApiError::new(
        StatusCode::UNAUTHORIZED,
        OktaError::invalid_token(state.error_id()),
    )
    .into_response();
    let headers = response.headers_mut();
    if let Some(value) = refusal
        .challenge
        .and_then(|c| HeaderValue::from_str(&c).ok())
    {
        headers.insert(header::WWW_AUTHENTICATE, value);
    }
    if let Some(value) = refusal.nonce.and_then(|n| HeaderValue::from_str(&n).ok()) {
        headers.insert(HeaderName::from_static("dpop-nonce"), value);
    }
    response
}

/// 403 `E0000006`, naming the missing scope as Okta does in
/// `WWW-Authenticate`.
fn forbidden(state: &AppState, scope: &str, path: &str) -> Response {
    let mut response = ApiError::new(
        StatusCode::FORBIDDEN,
        OktaError::access_denied(state.error_id()),
    )
    .into_response();
    let challenge = format!(
        r#"Bearer authorization_uri="{base}/oauth2/v1/authorize", realm="{base}", scope="{scope}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="{path}""#,
        base = state.base_url()
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(authorization: Option<&'static str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = authorization {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
        }
        headers
    }

    /// Judges `headers` on `GET /api/v1/policies`.
    fn judge<T>(headers: &HeaderMap, f: impl FnOnce(&RequestHead<'_>) -> T) -> T {
        let uri = Uri::from_static("/api/v1/policies");
        f(&RequestHead {
            method: &Method::GET,
            uri: &uri,
            headers,
        })
    }

    struct Bearer;

    impl Authenticator for Bearer {
        fn authenticate(&self, request: &RequestHead<'_>) -> Verdict {
            match request
                .headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
            {
                Some("Bearer good") => Verdict::Accepted(Principal::ApiToken),
                Some(v) if v.starts_with("Bearer ") => Verdict::Rejected(Refusal::default()),
                _ => Verdict::NotMine,
            }
        }
    }

    #[test]
    fn ssws_token_is_checked_exactly() {
        let ssws = SswsToken::new("s3cret");
        let verdict = |value| judge(&headers(value), |r| ssws.authenticate(r));
        assert_eq!(
            verdict(Some("SSWS s3cret")),
            Verdict::Accepted(Principal::ApiToken)
        );
        assert_eq!(
            verdict(Some("ssws s3cret")),
            Verdict::Accepted(Principal::ApiToken)
        );
        assert_eq!(
            verdict(Some("SSWS s3cre")),
            Verdict::Rejected(Refusal::default())
        );
        assert_eq!(verdict(Some("Bearer s3cret")), Verdict::NotMine);
        assert_eq!(verdict(None), Verdict::NotMine);
        assert_eq!(format!("{ssws:?}"), "SswsToken([redacted])");
    }

    #[test]
    fn a_chain_tries_each_scheme() {
        let chain = Authenticators::new().with(SswsToken::new("t")).with(Bearer);
        let accepted = |value| judge(&headers(value), |r| chain.authenticate(r)).is_ok();
        assert!(accepted(Some("SSWS t")));
        assert!(accepted(Some("Bearer good")));
        assert!(!accepted(Some("Bearer bad")));
        assert!(!accepted(Some("SSWS x")));
        assert!(!accepted(None));
        assert!(
            judge(&headers(Some("SSWS t")), |r| Authenticators::new()
                .authenticate(r))
            .is_err()
        );
    }
}
