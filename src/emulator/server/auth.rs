//! Who may call the emulator. Each [`Authenticator`] understands one
//! `Authorization` scheme and either accepts the caller, rejects the
//! credentials, or passes because the scheme is not its own; a chain of
//! them ([`Authenticators`]) lets OAuth 2.0 bearer (and DPoP) tokens be
//! added beside the SSWS API token without touching the routes. A request
//! no authenticator accepts gets 401 `E0000011`, as Okta answers.
//!
//! `/.well-known/okta-organization` is public, as it is on a real org.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::errors::ApiError;
use crate::client::wire::OktaError;

/// The authenticated caller, put in the request's extensions for handlers
/// that need it (scope checks arrive with OAuth).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An SSWS API token: the permissions of the admin who created it.
    ApiToken,
}

/// What one authenticator makes of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The credentials are this authenticator's and valid.
    Accepted(Principal),
    /// The credentials are this authenticator's and invalid.
    Rejected,
    /// Not this authenticator's scheme (or no credentials at all).
    NotMine,
}

/// One way of authenticating a request.
pub trait Authenticator: Send + Sync {
    /// Judges the request's headers (all of them, so schemes such as DPoP
    /// that read more than `Authorization` fit too).
    fn authenticate(&self, headers: &HeaderMap) -> Verdict;
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
    fn authenticate(&self, headers: &HeaderMap) -> Verdict {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
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
            Verdict::Rejected
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

    /// The caller, or `None` when nobody accepts the request.
    pub fn authenticate(&self, headers: &HeaderMap) -> Option<Principal> {
        for authenticator in &self.chain {
            match authenticator.authenticate(headers) {
                Verdict::Accepted(principal) => return Some(principal),
                Verdict::Rejected => return None,
                Verdict::NotMine => {}
            }
        }
        None
    }
}

impl std::fmt::Debug for Authenticators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Authenticators({} in chain)", self.chain.len())
    }
}

/// Paths anyone may read.
fn is_public(path: &str) -> bool {
    path == "/.well-known/okta-organization"
}

/// Middleware: 401 `E0000011` unless an authenticator accepts the request.
pub async fn require_auth(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if is_public(request.uri().path()) {
        return next.run(request).await;
    }
    match state.authenticators().authenticate(request.headers()) {
        Some(principal) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        None => ApiError::new(
            StatusCode::UNAUTHORIZED,
            OktaError::invalid_token(state.error_id()),
        )
        .into_response(),
    }
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

    struct Bearer;

    impl Authenticator for Bearer {
        fn authenticate(&self, headers: &HeaderMap) -> Verdict {
            match headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
            {
                Some("Bearer good") => Verdict::Accepted(Principal::ApiToken),
                Some(v) if v.starts_with("Bearer ") => Verdict::Rejected,
                _ => Verdict::NotMine,
            }
        }
    }

    #[test]
    fn ssws_token_is_checked_exactly() {
        let ssws = SswsToken::new("s3cret");
        assert_eq!(
            ssws.authenticate(&headers(Some("SSWS s3cret"))),
            Verdict::Accepted(Principal::ApiToken)
        );
        assert_eq!(
            ssws.authenticate(&headers(Some("ssws s3cret"))),
            Verdict::Accepted(Principal::ApiToken)
        );
        assert_eq!(
            ssws.authenticate(&headers(Some("SSWS s3cre"))),
            Verdict::Rejected
        );
        assert_eq!(
            ssws.authenticate(&headers(Some("Bearer s3cret"))),
            Verdict::NotMine
        );
        assert_eq!(ssws.authenticate(&headers(None)), Verdict::NotMine);
        assert_eq!(format!("{ssws:?}"), "SswsToken([redacted])");
    }

    #[test]
    fn a_chain_tries_each_scheme() {
        let chain = Authenticators::new().with(SswsToken::new("t")).with(Bearer);
        assert!(chain.authenticate(&headers(Some("SSWS t"))).is_some());
        assert!(chain.authenticate(&headers(Some("Bearer good"))).is_some());
        assert!(chain.authenticate(&headers(Some("Bearer bad"))).is_none());
        assert!(chain.authenticate(&headers(Some("SSWS x"))).is_none());
        assert!(chain.authenticate(&headers(None)).is_none());
        assert!(
            Authenticators::new()
                .authenticate(&headers(Some("SSWS t")))
                .is_none()
        );
    }
}
