//! Why an API call failed, typed: Okta's own error (with `errorCode`,
//! `errorSummary` and `errorCauses`), a transport failure, or a response
//! oktapol could not read. Every variant names the request; callers add the
//! object being worked on. No variant ever holds a credential.

use std::fmt;

use super::wire::OktaError;

/// The result of an [`Api`](super::Api) call.
pub type ApiResult<T> = Result<T, ApiError>;

/// What failed, in the request that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum ApiError {
    /// Okta answered with an error body.
    #[error("{request}: Okta answered {status}: {error}")]
    #[diagnostic(code(oktapol::api::okta))]
    Okta {
        /// Method and path, e.g. `POST /api/v1/policies`.
        request: String,
        status: u16,
        error: Box<OktaError>,
    },
    /// The request did not get an answer.
    #[error("{request}: {kind}: {reason}")]
    #[diagnostic(
        code(oktapol::api::transport),
        help("check the org URL and the network; oktapol retried what it safely could")
    )]
    Transport {
        request: String,
        kind: TransportKind,
        reason: String,
    },
    /// The answer was not what the API documents.
    #[error("{request}: unexpected response: {reason}")]
    #[diagnostic(code(oktapol::api::decode))]
    Decode { request: String, reason: String },
}

/// How a request failed to get an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// The connection could not be made: nothing was sent.
    Connect,
    /// No answer in time: the request may or may not have taken effect.
    Timeout,
    /// The connection broke after the request was sent.
    Interrupted,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "cannot connect",
            TransportKind::Timeout => "timed out",
            TransportKind::Interrupted => "connection lost",
        })
    }
}

impl ApiError {
    /// An Okta error answer.
    pub fn okta(request: impl Into<String>, status: u16, error: OktaError) -> Self {
        ApiError::Okta {
            request: request.into(),
            status,
            error: Box::new(error),
        }
    }

    /// Okta's `errorCode`, when Okta answered.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            ApiError::Okta { error, .. } => error.error_code.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when Okta answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Okta { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the object addressed does not exist (404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Whether a write may have taken effect although it failed: a server
    /// error, a timeout, or a connection lost after sending. The apply engine
    /// looks before it retries such a create.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::Okta { status, .. } => *status >= 500,
            ApiError::Transport { kind, .. } => *kind != TransportKind::Connect,
            ApiError::Decode { .. } => true,
        }
    }

    /// Whether the same request may succeed later (rate limit, server
    /// error, transport failure).
    pub fn transient(&self) -> bool {
        match self {
            ApiError::Okta { status, .. } => *status == 429 || *status >= 500,
            ApiError::Transport { .. } => true,
            ApiError::Decode { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn okta_errors_show_code_summary_and_causes() {
        let error = ApiError::okta(
            "POST /api/v1/policies",
            400,
            OktaError::api_validation_failed("name", ["name: already taken"], "oae1"),
        );
        let text = error.to_string();
        assert!(text.starts_with("POST /api/v1/policies: Okta answered 400: E0000001"));
        assert!(text.contains("name: already taken"), "{text}");
        assert_eq!(error.error_code(), Some("E0000001"));
        assert!(!error.transient());
        assert!(!error.outcome_unknown());
    }

    #[test]
    fn only_connect_failures_are_known_not_to_have_happened() {
        let failed = |kind| ApiError::Transport {
            request: "POST /x".into(),
            kind,
            reason: "x".into(),
        };
        assert!(!failed(TransportKind::Connect).outcome_unknown());
        assert!(failed(TransportKind::Timeout).outcome_unknown());
        assert!(failed(TransportKind::Interrupted).outcome_unknown());
        assert!(
            ApiError::okta("POST /x", 503, OktaError::new("E0000009", "x", "e")).outcome_unknown()
        );
    }
}
