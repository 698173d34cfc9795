//! How what came back becomes a value or an [`ApiError`]: a success body is
//! decoded (or is a [`ApiError::Decode`] naming the request); an error
//! status becomes [`ApiError::Okta`] with Okta's own body when there is
//! one, and a synthesized [`OktaError`] carrying the status when a proxy or
//! load balancer answered with HTML or nothing; a failure to get an answer
//! becomes [`ApiError::Transport`] with the [`TransportKind`] that tells the
//! caller whether the request may have taken effect. Requests are named
//! `METHOD /path`, never with their query string or host, and any text taken
//! from the server is scrubbed of credentials before it goes into an error.

use std::error::Error as _;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION};
use serde::de::DeserializeOwned;
use serde_json::Map;

use super::secret::Scrub;
use crate::client::wire::OktaError;
use crate::client::{ApiError, ApiResult, TransportKind};

/// The most of a response body the client reads; Okta's largest pages are
/// a few megabytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// How much of a non-Okta error body goes into the error message.
const SNIPPET_CHARS: usize = 200;

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    fn content_type(&self) -> &str {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type")
    }
}

/// The body of a success answer to `request`, as `T`.
pub fn decode<T: DeserializeOwned>(
    request: &str,
    answer: &Answer,
    token: &dyn Scrub,
) -> ApiResult<T> {
    serde_json::from_slice(&answer.body).map_err(|error| ApiError::Decode {
        request: request.to_owned(),
        reason: token.scrub(&format!(
            "cannot read the {} answer ({}, {} bytes): {error}",
            answer.status.as_u16(),
            answer.content_type(),
            answer.body.len()
        )),
    })
}

/// The error an unsuccessful answer to `request` stands for.
pub fn okta_error(request: &str, answer: &Answer, token: &dyn Scrub) -> ApiError {
    let status = answer.status.as_u16();
    let parsed = serde_json::from_slice::<OktaError>(&answer.body)
        .ok()
        .filter(|error| error.error_code.is_some() || error.error_summary.is_some());
    let error = match parsed {
        Some(mut error) => {
            scrub_okta_error(&mut error, token);
            error
        }
        None => synthesized(answer, token),
    };
    ApiError::okta(request, status, error)
}

/// Okta's error text is the server's too; scrub it like any other.
fn scrub_okta_error(error: &mut OktaError, token: &dyn Scrub) {
    if let Some(summary) = &mut error.error_summary {
        *summary = token.scrub(summary);
    }
    for cause in &mut error.error_causes {
        if let Some(summary) = &mut cause.error_summary {
            *summary = token.scrub(summary);
        }
    }
}

/// An [`OktaError`] for an answer that carries none: the status line, what
/// the body was, and where a redirect pointed.
fn synthesized(answer: &Answer, token: &dyn Scrub) -> OktaError {
    let status = answer.status;
    let mut summary = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("(unknown status)")
    );
    if status.is_redirection() {
        let location = answer
            .headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("nowhere");
        // Okta's API never redirects; a redirect means the URL is not the org's.
        summary.push_str(&format!(
            ": redirected to {location}; check that the org URL is the org's own address"
        ));
    } else if answer.body.is_empty() {
        summary.push_str(" (no body)");
    } else {
        let text = String::from_utf8_lossy(&answer.body);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut snippet: String = flat.chars().take(SNIPPET_CHARS).collect();
        if snippet.len() < flat.len() {
            snippet.push('…');
        }
        summary.push_str(&format!(
            " (not an Okta error body; {}: {snippet})",
            answer.content_type()
        ));
    }
    OktaError {
        error_code: None,
        error_summary: Some(token.scrub(&summary)),
        error_link: None,
        error_id: None,
        error_causes: Vec::new(),
        other: Map::new(),
    }
}

/// The error for a request that got no (complete) answer.
pub fn transport_error(request: &str, error: reqwest::Error, token: &dyn Scrub) -> ApiError {
    let kind = if error.is_connect() {
        TransportKind::Connect
    } else if error.is_timeout() {
        TransportKind::Timeout
    } else {
        TransportKind::Interrupted
    };
    // The URL carries the query string; the request name says enough.
    let error = error.without_url();
    let mut reason = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !reason.contains(&text) {
            reason.push_str(": ");
            reason.push_str(&text);
        }
        source = cause.source();
    }
    ApiError::Transport {
        request: request.to_owned(),
        kind,
        reason: token.scrub(&reason),
    }
}

/// The error for an answer larger than [`MAX_BODY_BYTES`].
pub fn too_large(request: &str) -> ApiError {
    ApiError::Decode {
        request: request.to_owned(),
        reason: format!(
            "the answer is larger than {} MiB",
            MAX_BODY_BYTES / (1024 * 1024)
        ),
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;
    use crate::client::ApiToken;

    fn token() -> ApiToken {
        ApiToken::new("SECRET-TOKEN-123").expect("token")
    }

    fn answer(status: u16, content_type: &str, body: &str) -> Answer {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_str(content_type).expect("header"),
        );
        Answer {
            status: StatusCode::from_u16(status).expect("status"),
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn okta_bodies_are_kept() {
        let body = r#"{"errorCode":"E0000001","errorSummary":"Api validation failed: name",
            "errorLink":"E0000001","errorId":"oae1",
            "errorCauses":[{"errorSummary":"name: The field cannot be left blank"}]}"#;
        let error = okta_error(
            "POST /api/v1/policies",
            &answer(400, "application/json", body),
            &token(),
        );
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.error_code(), Some("E0000001"));
        assert_eq!(
            error.to_string(),
            "POST /api/v1/policies: Okta answered 400: E0000001: Api validation failed: name\n  name: The field cannot be left blank"
        );
    }

    #[test]
    fn other_bodies_become_a_status_summary() {
        let html = answer(
            502,
            "text/html",
            "<html>\n  <body>Bad   gateway SECRET-TOKEN-123</body></html>",
        );
        let error = okta_error("GET /api/v1/groups", &html, &token());
        let text = error.to_string();
        assert_eq!(error.status(), Some(502));
        assert_eq!(error.error_code(), None);
        assert!(
            text.contains(
                "502 Bad Gateway (not an Okta error body; text/html: <html> <body>Bad gateway"
            ),
            "{text}"
        );
        assert!(!text.contains("SECRET"), "{text}");

        let empty = okta_error("GET /x", &answer(503, "text/plain", ""), &token());
        assert!(
            empty
                .to_string()
                .ends_with("503 Service Unavailable (no body)"),
            "{empty}"
        );
        // JSON that is not an Okta error is not mistaken for one.
        let other_json = okta_error(
            "GET /x",
            &answer(500, "application/json", r#"{"message":"x"}"#),
            &token(),
        );
        assert!(
            other_json
                .to_string()
                .contains("500 Internal Server Error (not an Okta error body")
        );

        let mut moved = answer(301, "text/html", "");
        moved
            .headers
            .insert(LOCATION, HeaderValue::from_static("https://login.example/"));
        let redirect = okta_error("GET /x", &moved, &token()).to_string();
        assert!(
            redirect.contains("redirected to https://login.example/"),
            "{redirect}"
        );

        let long = "x".repeat(1000);
        let cut = okta_error("GET /x", &answer(500, "text/plain", &long), &token()).to_string();
        assert!(cut.ends_with("…)") && cut.len() < 400, "{cut}");
    }

    #[test]
    fn undecodable_success_bodies_name_the_request() {
        let error = decode::<Vec<u32>>(
            "GET /api/v1/zones",
            &answer(200, "text/html", "<html>"),
            &token(),
        )
        .expect_err("not JSON");
        let text = error.to_string();
        assert!(matches!(error, ApiError::Decode { .. }));
        assert!(text.starts_with("GET /api/v1/zones: unexpected response: cannot read the 200 answer (text/html, 6 bytes)"), "{text}");
        assert_eq!(
            decode::<Vec<u32>>(
                "GET /x",
                &answer(200, "application/json", "[1,2]"),
                &token()
            ),
            Ok(vec![1, 2])
        );
    }
}
