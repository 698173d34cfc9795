//! Okta's error responses over HTTP: an [`ApiError`] is an [`OktaError`]
//! body with its status, always `application/json` with an `errorCode`.
//! The state machine's errors carry their status through
//! [`OktaError::status`]; the server adds the codes only HTTP produces
//! (malformed bodies, unknown routes and methods, internal errors), and
//! [`json_errors`] rewrites any error response that is not yet Okta-shaped
//! (axum's own rejections, a 405 from the method router), so no client
//! ever sees a plain-text error.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AppState;
use crate::client::wire::OktaError;

/// `E0000009` (500): Okta's internal server error.
pub const INTERNAL_ERROR: &str = "E0000009";
/// `E0000022` (405): the endpoint does not support the HTTP method.
pub const METHOD_NOT_ALLOWED: &str = "E0000022";

/// An Okta error and the status it goes out with.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub error: Box<OktaError>,
}

impl ApiError {
    /// An error with an explicit status.
    pub fn new(status: StatusCode, error: OktaError) -> Self {
        ApiError {
            status,
            error: Box::new(error),
        }
    }

    /// `E0000003` (400): the body is not JSON, not the expected shape, or
    /// not sent as `application/json`.
    pub fn malformed(state: &AppState) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            OktaError::malformed_json(state.error_id()),
        )
    }

    /// `E0000001` (400) for a query parameter, e.g. a `limit` that is not a
    /// number.
    pub fn invalid_parameter(state: &AppState, name: &str, why: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            OktaError::api_validation_failed(name, [format!("{name}: {why}")], state.error_id()),
        )
    }

    /// `E0000009` (500).
    pub fn internal(state: &AppState) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            OktaError::new(INTERNAL_ERROR, "Internal Server Error", state.error_id()),
        )
    }
}

/// The state machine's errors keep the status Okta gives their code.
impl From<Box<OktaError>> for ApiError {
    fn from(error: Box<OktaError>) -> Self {
        let status = error
            .status()
            .and_then(|code| StatusCode::from_u16(code).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError { status, error }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.error)
    }
}

/// A JSON body with `Content-Type: application/json`.
pub fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        // Only a map with non-string keys fails to serialise; none is sent.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Whether a response already carries a JSON body.
fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Middleware: replaces the body of an error response that is not JSON
/// with the Okta error for its status, keeping the status and headers
/// such as `Allow`.
pub async fn json_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    let id = state.error_id();
    let error = match status {
        StatusCode::NOT_FOUND => OktaError::not_found(&path, "Resource", id),
        StatusCode::METHOD_NOT_ALLOWED => OktaError::new(
            METHOD_NOT_ALLOWED,
            "The endpoint does not support the provided HTTP method",
            id,
        ),
        StatusCode::UNAUTHORIZED => OktaError::invalid_token(id),
        StatusCode::FORBIDDEN => OktaError::access_denied(id),
        StatusCode::TOO_MANY_REQUESTS => OktaError::rate_limited(id),
        s if s.is_client_error() => OktaError::malformed_json(id),
        _ => OktaError::new(INTERNAL_ERROR, "Internal Server Error", id),
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut rewritten = json_response(status, &error);
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE {
            rewritten.headers_mut().append(name.clone(), value.clone());
        }
    }
    // Markers such as a dropped connection's travel in the extensions.
    *rewritten.extensions_mut() = parts.extensions;
    rewritten
}
