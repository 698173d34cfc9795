//! [`Secret`]: text that must never be shown — an access token, a signed
//! client assertion, a DPoP proof. Like [`ApiToken`](crate::client::ApiToken)
//! it has no `Display`, its `Debug` prints `[redacted]`, it is not
//! serialisable, and the header values it builds are marked sensitive.

use std::fmt;

use reqwest::header::HeaderValue;
use serde::Deserialize;

/// A secret string.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Self {
        Secret(text.into())
    }

    /// The text itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `{prefix}{secret}` as a header value marked sensitive (so `http`'s
    /// own `Debug` hides it); `None` when the text cannot be a header.
    pub fn header(&self, prefix: &str) -> Option<HeaderValue> {
        let mut value = HeaderValue::from_str(&format!("{prefix}{}", self.0)).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// `text` with every JSON Web Token in it (three base64url segments, the
/// first a JSON header, `eyJ…`) replaced by `[redacted]`: client
/// assertions and DPoP proofs are never shown, even if a proxy echoes them.
pub fn scrub_jwts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("eyJ") {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let end = from
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=')))
            .unwrap_or(from.len());
        let candidate = &from[..end];
        if candidate.matches('.').count() >= 2 {
            out.push_str("[redacted]");
        } else {
            out.push_str(candidate);
        }
        rest = &from[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show() {
        let secret = Secret::new("tok-123");
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        let header = secret.header("DPoP ").expect("a header");
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("tok-123"));
        assert_eq!(secret.expose(), "tok-123");
        assert!(secret.header("x\n").is_none());
    }

    #[test]
    fn jwts_are_scrubbed_from_text() {
        assert_eq!(
            scrub_jwts("bad proof eyJhbGc.eyJzdWIi.c2ln, and eyJonly"),
            "bad proof [redacted], and eyJonly"
        );
        assert_eq!(scrub_jwts("no token here"), "no token here");
        assert_eq!(scrub_jwts("DPoP=eyJa.eyJb.c"), "DPoP=[redacted]");
    }
}
