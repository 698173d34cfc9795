//! Okta's error body (`errorCode`, `errorSummary`, `errorLink`, `errorId`,
//! `errorCauses`), read by the client and written by the emulator, with
//! constructors for the errors the policy API returns. `errorLink` repeats
//! `errorCode`, as Okta does; `errorId` is the caller's (Okta's are
//! `oae…` ids, one per request).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An Okta API error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OktaError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// Okta always sends this list, empty unless the error is a validation
    /// failure; a body without it is written back with `[]`.
    #[serde(default)]
    pub error_causes: Vec<ErrorCause>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// One cause of an error, usually `"<field>: <what is wrong>"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorCause {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_summary: Option<String>,
    /// Some APIs add `reason`, `domain`, `locationType`; kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl ErrorCause {
    /// A cause with just a summary.
    pub fn new(summary: impl Into<String>) -> Self {
        ErrorCause {
            error_summary: Some(summary.into()),
            other: Map::new(),
        }
    }
}

impl OktaError {
    /// `E0000001`: a request failed validation (HTTP 400).
    pub const API_VALIDATION_FAILED: &str = "E0000001";
    /// `E0000003`: the request body was not well-formed JSON (HTTP 400).
    pub const MALFORMED_JSON: &str = "E0000003";
    /// `E0000006`: the token lacks permission for the action (HTTP 403).
    pub const ACCESS_DENIED: &str = "E0000006";
    /// `E0000007`: the addressed resource does not exist (HTTP 404).
    pub const NOT_FOUND: &str = "E0000007";
    /// `E0000011`: the API token is missing or invalid (HTTP 401).
    pub const INVALID_TOKEN: &str = "E0000011";
    /// `E0000015`: the org does not have the feature (HTTP 401), e.g. policy
    /// simulation on a Classic Engine org.
    pub const FEATURE_NOT_ENABLED: &str = "E0000015";
    /// `E0000047`: the rate limit was exceeded (HTTP 429).
    pub const RATE_LIMITED: &str = "E0000047";

    /// An error with the given code and summary, no causes, and
    /// `errorLink` equal to the code.
    pub fn new(code: &str, summary: impl Into<String>, error_id: impl Into<String>) -> Self {
        OktaError {
            error_code: Some(code.to_owned()),
            error_summary: Some(summary.into()),
            error_link: Some(code.to_owned()),
            error_id: Some(error_id.into()),
            error_causes: Vec::new(),
            other: Map::new(),
        }
    }

    /// `E0000001` (400) `Api validation failed: {subject}`, where `subject`
    /// names what failed (usually the field, e.g. `name`) and each cause says
    /// why (e.g. `name: The field cannot be left blank`).
    pub fn api_validation_failed<C: Into<String>>(
        subject: &str,
        causes: impl IntoIterator<Item = C>,
        error_id: impl Into<String>,
    ) -> Self {
        let mut error = OktaError::new(
            Self::API_VALIDATION_FAILED,
            format!("Api validation failed: {subject}"),
            error_id,
        );
        error.error_causes = causes.into_iter().map(ErrorCause::new).collect();
        error
    }

    /// `E0000003` (400): the request body is not JSON, or not the expected shape.
    pub fn malformed_json(error_id: impl Into<String>) -> Self {
        OktaError::new(
            Self::MALFORMED_JSON,
            "The request body was not well-formed.",
            error_id,
        )
    }

    /// `E0000006` (403): the token may not perform the action.
    pub fn access_denied(error_id: impl Into<String>) -> Self {
        OktaError::new(
            Self::ACCESS_DENIED,
            "You do not have permission to perform the requested action",
            error_id,
        )
    }

    /// `E0000007` (404) `Not found: Resource not found: {id} ({resource_type})`,
    /// where `resource_type` is Okta's class name, e.g. `Policy`, `PolicyRule`.
    pub fn not_found(id: &str, resource_type: &str, error_id: impl Into<String>) -> Self {
        OktaError::new(
            Self::NOT_FOUND,
            format!("Not found: Resource not found: {id} ({resource_type})"),
            error_id,
        )
    }

    /// `E0000015` (401): the org lacks the feature the request needs.
    pub fn feature_not_enabled(error_id: impl Into<String>) -> Self {
        OktaError::new(
            Self::FEATURE_NOT_ENABLED,
            "You do not have permission to access the feature you are requesting",
            error_id,
        )
    }

    /// `E0000011` (401): the API token is missing, malformed or revoked.
    pub fn invalid_token(error_id: impl Into<String>) -> Self {
        OktaError::new(Self::INVALID_TOKEN, "Invalid token provided", error_id)
    }

    /// `E0000047` (429): too many requests; retry after `X-Rate-Limit-Reset`.
    pub fn rate_limited(error_id: impl Into<String>) -> Self {
        OktaError::new(
            Self::RATE_LIMITED,
            "API call exceeded rate limit due to too many requests.",
            error_id,
        )
    }

    /// The HTTP status Okta answers with for this error's code, if the code is
    /// one this module knows.
    pub fn status(&self) -> Option<u16> {
        match self.error_code.as_deref()? {
            Self::API_VALIDATION_FAILED | Self::MALFORMED_JSON => Some(400),
            Self::INVALID_TOKEN | Self::FEATURE_NOT_ENABLED => Some(401),
            Self::ACCESS_DENIED => Some(403),
            Self::NOT_FOUND => Some(404),
            Self::RATE_LIMITED => Some(429),
            _ => None,
        }
    }
}

/// `E0000007: Not found: …`, then each cause on its own line.
impl fmt::Display for OktaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.error_code.as_deref().unwrap_or("unknown error");
        match &self.error_summary {
            Some(summary) => write!(f, "{code}: {summary}")?,
            None => f.write_str(code)?,
        }
        for cause in &self.error_causes {
            if let Some(summary) = &cause.error_summary {
                write!(f, "\n  {summary}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for OktaError {}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn validation_failure_matches_oktas_shape() {
        let error = OktaError::api_validation_failed(
            "name",
            ["name: The field cannot be left blank"],
            "oae1",
        );
        assert_eq!(error.status(), Some(400));
        assert_eq!(
            serde_json::to_value(&error).expect("serialise"),
            json!({
                "errorCode": "E0000001",
                "errorSummary": "Api validation failed: name",
                "errorLink": "E0000001",
                "errorId": "oae1",
                "errorCauses": [{"errorSummary": "name: The field cannot be left blank"}],
            })
        );
    }

    #[test]
    fn not_found_names_the_resource() {
        let error = OktaError::not_found("00p1", "Policy", "oae2");
        assert_eq!(error.status(), Some(404));
        assert_eq!(
            serde_json::to_value(&error).expect("serialise"),
            json!({
                "errorCode": "E0000007",
                "errorSummary": "Not found: Resource not found: 00p1 (Policy)",
                "errorLink": "E0000007",
                "errorId": "oae2",
                "errorCauses": [],
            })
        );
    }

    #[test]
    fn each_constructor_has_its_code_summary_and_status() {
        let cases = [
            (
                OktaError::malformed_json("a"),
                "E0000003",
                400,
                "The request body was not well-formed.",
            ),
            (
                OktaError::access_denied("a"),
                "E0000006",
                403,
                "You do not have permission to perform the requested action",
            ),
            (
                OktaError::invalid_token("a"),
                "E0000011",
                401,
                "Invalid token provided",
            ),
            (
                OktaError::rate_limited("a"),
                "E0000047",
                429,
                "API call exceeded rate limit due to too many requests.",
            ),
        ];
        for (error, code, status, summary) in cases {
            assert_eq!(error.error_code.as_deref(), Some(code));
            assert_eq!(error.error_link.as_deref(), Some(code));
            assert_eq!(error.error_id.as_deref(), Some("a"));
            assert_eq!(error.error_summary.as_deref(), Some(summary));
            assert!(error.error_causes.is_empty());
            assert_eq!(error.status(), Some(status));
        }
        assert_eq!(OktaError::new("E0000099", "x", "a").status(), None);
    }

    #[test]
    fn okta_bodies_round_trip() {
        for body in [
            json!({
                "errorCode": "E0000001",
                "errorSummary": "Api validation failed: feature",
                "errorLink": "E0000001",
                "errorId": "oaeZLxeiHUUQomPkM8xOqvu1A",
                "errorCauses": [{"errorSummary": "Provisioning is not enabled for the app instance."}],
            }),
            json!({
                "errorCode": "E0000001",
                "errorSummary": "x",
                "errorCauses": [{"errorSummary": "y", "reason": "z", "domain": "d"}],
                "unknown": null,
            }),
        ] {
            let error: OktaError = serde_json::from_value(body.clone()).expect("an error body");
            assert_eq!(serde_json::to_value(&error).expect("serialise"), body);
        }
    }

    #[test]
    fn display_shows_code_summary_and_causes() {
        let error = OktaError::api_validation_failed("name", ["name: blank"], "oae1");
        assert_eq!(
            error.to_string(),
            "E0000001: Api validation failed: name\n  name: blank"
        );
    }
}
