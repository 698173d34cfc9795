//! Request bodies as Okta reads them: `Content-Type: application/json`
//! (parameters such as `charset` allowed) and a JSON document of the
//! expected shape, or else 400 `E0000003` — never axum's plain-text
//! rejection.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use super::AppState;
use super::errors::ApiError;

/// A JSON request body parsed as `T`.
#[derive(Debug)]
pub struct OktaJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for OktaJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        if !sent_as_json(request.headers()) {
            return Err(ApiError::malformed(state));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::malformed(state))?;
        serde_json::from_slice(&bytes)
            .map(OktaJson)
            .map_err(|_| ApiError::malformed(state))
    }
}

/// `application/json`, optionally with parameters, in any letter case.
fn sent_as_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn json_content_types() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            sent_as_json(&headers)
        };
        assert!(with("application/json"));
        assert!(with("application/json; charset=UTF-8"));
        assert!(with("Application/JSON"));
        assert!(!with("text/plain"));
        assert!(!with("application/jsonx"));
        assert!(!sent_as_json(&HeaderMap::new()));
    }
}
