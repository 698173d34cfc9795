//! The API token, kept out of sight: [`ApiToken`] has no `Display`, its
//! `Debug` prints `[redacted]`, it is not serialisable, and the only thing
//! that reads it is the `Authorization` header it builds (marked sensitive,
//! so `http`'s own `Debug` hides it too). [`Scrub::scrub`] removes it from
//! any text a server sends back before that text reaches an error message,
//! in case a proxy or a misbehaving server echoes request headers.

use std::fmt;

use reqwest::header::HeaderValue;

/// An Okta API token (`Authorization: SSWS <token>`).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

/// Why a token was refused. No variant holds the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum TokenError {
    #[error("the Okta API token is empty")]
    #[diagnostic(
        code(oktapol::client::token_empty),
        help(
            "set OKTA_API_TOKEN to a token created under Security → API → Tokens in the Okta Admin Console"
        )
    )]
    Empty,
    #[error(
        "the Okta API token contains characters a token never has (spaces or control characters)"
    )]
    #[diagnostic(
        code(oktapol::client::token_malformed),
        help("copy the token again; it is one word of letters, digits, `-` and `_`")
    )]
    Malformed,
}

impl ApiToken {
    /// A token from its text; surrounding whitespace (a trailing newline
    /// from a secrets file) and a pasted `SSWS ` prefix are dropped.
    pub fn new(token: impl Into<String>) -> Result<Self, TokenError> {
        let token = token.into();
        let trimmed = token.trim();
        let trimmed = match (trimmed.get(..4), trimmed.get(4..)) {
            (Some(scheme), Some(rest))
                if scheme.eq_ignore_ascii_case("SSWS")
                    && (rest.is_empty() || rest.starts_with(char::is_whitespace)) =>
            {
                rest.trim_start()
            }
            _ => trimmed,
        };
        if trimmed.is_empty() {
            return Err(TokenError::Empty);
        }
        // Okta tokens are URL-safe base64; anything outside visible ASCII
        // would either break the header or be a paste accident.
        if !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(TokenError::Malformed);
        }
        Ok(ApiToken(trimmed.to_owned()))
    }

    /// `SSWS <token>`, marked sensitive so `Debug` of headers hides it.
    pub(super) fn authorization(&self) -> Result<HeaderValue, TokenError> {
        let mut value = HeaderValue::from_str(&format!("SSWS {}", self.0))
            .map_err(|_| TokenError::Malformed)?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// Removes credentials from text a server sent back, before it goes into
/// an error message.
pub trait Scrub {
    /// `text` with every credential in it replaced by `[redacted]`.
    fn scrub(&self, text: &str) -> String;
}

impl Scrub for ApiToken {
    fn scrub(&self, text: &str) -> String {
        text.replace(&self.0, "[redacted]")
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_shows() {
        let token = ApiToken::new("SECRET-TOKEN-123").expect("a token");
        assert_eq!(format!("{token:?}"), "ApiToken([redacted])");
        let header = token.authorization().expect("a header");
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("SECRET"));
        assert_eq!(
            token.scrub("echo: SSWS SECRET-TOKEN-123!"),
            "echo: SSWS [redacted]!"
        );
    }

    #[test]
    fn tokens_are_trimmed_and_checked() {
        let plain = ApiToken::new("abc-123_x").expect("a token");
        assert_eq!(ApiToken::new(" abc-123_x\n"), Ok(plain.clone()));
        assert_eq!(ApiToken::new("SSWS abc-123_x"), Ok(plain.clone()));
        assert_eq!(ApiToken::new("ssws  abc-123_x"), Ok(plain));
        assert_eq!(ApiToken::new(""), Err(TokenError::Empty));
        assert_eq!(ApiToken::new(" \n"), Err(TokenError::Empty));
        assert_eq!(ApiToken::new("SSWS "), Err(TokenError::Empty));
        assert_eq!(ApiToken::new("two words"), Err(TokenError::Malformed));
        assert_eq!(ApiToken::new("tab\there"), Err(TokenError::Malformed));
        assert_eq!(ApiToken::new("tökén"), Err(TokenError::Malformed));
        // Errors never carry the token.
        let error = ApiToken::new("bad token-xyz").expect_err("refused");
        assert!(!error.to_string().contains("xyz"));
    }
}
