//! How each request is authorized: [`Credentials`] say which way
//! (`OKTA_API_TOKEN` as SSWS, or an OAuth 2.0 service app), and the
//! client's [`Auth`] turns them into the headers of each request, learns
//! from each answer (DPoP nonces), decides whether a 401 is worth one more
//! try, explains a 403, and scrubs its credentials from server text.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use super::oauth::{AuthRetries, OAuthSession, TokenScopes};
use super::response::Answer;
use super::secret::{ApiToken, Scrub, TokenError};
use crate::client::oauth::ServiceApp;
use crate::client::{ApiError, ApiResult};

/// Who the client is to the org.
#[derive(Clone)]
pub enum Credentials {
    /// An SSWS API token.
    ApiToken(ApiToken),
    /// An OAuth 2.0 service app.
    ServiceApp(ServiceApp),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiToken(token) => token.fmt(f),
            Credentials::ServiceApp(app) => app.fmt(f),
        }
    }
}

/// The client's side of authentication.
pub(super) enum Auth {
    Ssws {
        /// Kept to scrub server text; sent only as `header`.
        token: ApiToken,
        header: HeaderValue,
    },
    OAuth(Arc<OAuthSession>),
}

impl Auth {
    pub(super) fn ssws(token: ApiToken) -> Result<Self, TokenError> {
        let header = token.authorization()?;
        Ok(Auth::Ssws { token, header })
    }

    /// The scopes handle of a service app's session.
    pub(super) fn token_scopes(&self, http: &reqwest::Client) -> Option<TokenScopes> {
        match self {
            Auth::Ssws { .. } => None,
            Auth::OAuth(session) => Some(TokenScopes {
                session: Arc::clone(session),
                http: http.clone(),
            }),
        }
    }

    /// The authentication headers of one request.
    pub(super) async fn headers(
        &self,
        http: &reqwest::Client,
        method: &Method,
        url: &Url,
    ) -> ApiResult<Vec<(HeaderName, HeaderValue)>> {
        match self {
            Auth::Ssws { header, .. } => Ok(vec![(AUTHORIZATION, header.clone())]),
            Auth::OAuth(session) => session.headers(http, method, url).await,
        }
    }

    /// Learns from an answer's headers (a new DPoP nonce).
    pub(super) fn observe(&self, headers: &HeaderMap) {
        if let Auth::OAuth(session) = self {
            session.observe(headers);
        }
    }

    /// After a 401: whether to send the request once more.
    pub(super) async fn retry_unauthorized(
        &self,
        answer: &Answer,
        retries: &mut AuthRetries,
    ) -> bool {
        match self {
            Auth::Ssws { .. } => false,
            Auth::OAuth(session) => {
                answer.status == StatusCode::UNAUTHORIZED
                    && session.retry_unauthorized(answer, retries).await
            }
        }
    }

    /// The error for a refused request, with a 403 explained.
    pub(super) fn explain(
        &self,
        method: &Method,
        url: &Url,
        answer: &Answer,
        error: ApiError,
    ) -> ApiError {
        match self {
            Auth::OAuth(session) if answer.status == StatusCode::FORBIDDEN => {
                session.explain_forbidden(method, url, answer, error)
            }
            _ => error,
        }
    }
}

impl Scrub for Auth {
    fn scrub(&self, text: &str) -> String {
        match self {
            Auth::Ssws { token, .. } => token.scrub(text),
            Auth::OAuth(session) => session.scrub(text),
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Ssws { token, .. } => token.fmt(f),
            Auth::OAuth(session) => f
                .debug_struct("ServiceApp")
                .field("client_id", &session.client_id())
                .field("scopes", &session.wanted().to_string())
                .finish_non_exhaustive(),
        }
    }
}
