//! The org URL: where every request goes, and the only origin the API token
//! is ever sent to. [`OrgUrl::parse`] accepts `https://host[:port]`, and
//! `http://` only for a loopback host (the emulator on 127.0.0.1, `::1` or
//! `localhost`), because plain HTTP would carry the token in the clear.
//! Request URLs are built from it with each ID percent-encoded as one path
//! segment, and [`OrgUrl::same_origin`] is the check every `next` link
//! must pass before the token follows it.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

/// A validated org URL: scheme, host and port, nothing else.
#[derive(Clone, PartialEq, Eq)]
pub struct OrgUrl {
    url: Url,
    /// `https://acme.okta.com`, without the trailing slash `Url` keeps.
    shown: String,
}

/// Why an org URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum OrgUrlError {
    #[error("`{input}` is not a URL: {reason}")]
    #[diagnostic(
        code(oktapol::client::org_url),
        help("give the org URL with its scheme, e.g. https://acme.okta.com")
    )]
    Invalid { input: String, reason: String },
    #[error("`{input}` uses {scheme}://; oktapol talks to Okta over https:// only")]
    #[diagnostic(
        code(oktapol::client::org_url_scheme),
        help("give the org URL as https://<your org>.okta.com")
    )]
    Scheme { input: String, scheme: String },
    #[error("`{input}` uses http://, which would send the API token unencrypted")]
    #[diagnostic(
        code(oktapol::client::org_url_insecure),
        help(
            "use https://; http:// is accepted only for a local emulator on a loopback host (127.0.0.1, ::1 or localhost)"
        )
    )]
    Insecure { input: String },
    #[error("the org URL `{shown}` carries a user name or password")]
    #[diagnostic(
        code(oktapol::client::org_url_credentials),
        help("remove them from the URL; the API token goes in OKTA_API_TOKEN")
    )]
    Credentials {
        /// The URL without its credentials.
        shown: String,
    },
    #[error("`{input}` is not just an org's address: it has a path, query or fragment")]
    #[diagnostic(
        code(oktapol::client::org_url_path),
        help(
            "give only the scheme and host, e.g. {suggestion}; oktapol adds the API paths itself"
        )
    )]
    NotAnOrigin { input: String, suggestion: String },
    #[error("`{input}` is the Admin Console's address, not the org's")]
    #[diagnostic(
        code(oktapol::client::org_url_admin),
        help("use the org URL without `-admin`: {suggestion}")
    )]
    AdminConsole { input: String, suggestion: String },
}

impl OrgUrl {
    /// Checks and normalises an org URL.
    pub fn parse(input: &str) -> Result<Self, OrgUrlError> {
        let input = input.trim();
        let url = Url::parse(input).map_err(|error| OrgUrlError::Invalid {
            input: input.to_owned(),
            reason: error.to_string(),
        })?;
        if !url.username().is_empty() || url.password().is_some() {
            let mut shown = url.clone();
            // Both setters only fail for URLs that cannot have credentials.
            let _ = shown.set_username("");
            let _ = shown.set_password(None);
            return Err(OrgUrlError::Credentials {
                shown: shown.to_string(),
            });
        }
        let host = url.host_str().unwrap_or_default().to_owned();
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(OrgUrlError::Insecure {
                    input: input.to_owned(),
                });
            }
            scheme => {
                return Err(OrgUrlError::Scheme {
                    input: input.to_owned(),
                    scheme: scheme.to_owned(),
                });
            }
        }
        if host.is_empty() {
            return Err(OrgUrlError::Invalid {
                input: input.to_owned(),
                reason: "it names no host".to_owned(),
            });
        }
        let origin = url.origin().ascii_serialization();
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(OrgUrlError::NotAnOrigin {
                input: input.to_owned(),
                suggestion: origin,
            });
        }
        if let Some(suggestion) = without_admin(&url) {
            return Err(OrgUrlError::AdminConsole {
                input: input.to_owned(),
                suggestion,
            });
        }
        Ok(OrgUrl { url, shown: origin })
    }

    /// `https://acme.okta.com`, as shown to users.
    pub fn as_str(&self) -> &str {
        &self.shown
    }

    /// Whether the org is on this machine (the emulator).
    pub fn is_loopback(&self) -> bool {
        self.url.host_str().is_some_and(is_loopback)
    }

    /// `path` (a literal path such as `/api/v1/policies`), then each of
    /// `segments` percent-encoded as one segment, then `query`.
    pub(super) fn endpoint(&self, path: &str, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.url.clone();
        url.set_path(path);
        if let Ok(mut path) = url.path_segments_mut() {
            path.extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// Whether `url` has this org's scheme, host and port.
    pub(super) fn same_origin(&self, url: &Url) -> bool {
        url.origin() == self.url.origin()
    }
}

impl fmt::Display for OrgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for OrgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrgUrl({})", self.shown)
    }
}

/// `127.0.0.0/8`, `::1` and `localhost`; `host` as `Url::host_str` gives
/// it (IPv6 in brackets).
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// For `https://acme-admin.okta.com`, the org URL `https://acme.okta.com`.
fn without_admin(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    let (first, rest) = host.split_once('.')?;
    let org = first.strip_suffix("-admin")?;
    if org.is_empty() || !rest.contains('.') {
        return None;
    }
    let mut fixed = url.clone();
    fixed.set_host(Some(&format!("{org}.{rest}"))).ok()?;
    Some(fixed.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_are_accepted() {
        for (input, shown, loopback) in [
            ("https://acme.okta.com", "https://acme.okta.com", false),
            ("https://acme.okta.com/", "https://acme.okta.com", false),
            (" https://ACME.okta.com ", "https://acme.okta.com", false),
            (
                "https://acme.okta.com:8443",
                "https://acme.okta.com:8443",
                false,
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080", true),
            ("http://[::1]:9", "http://[::1]:9", true),
            ("http://localhost:3000/", "http://localhost:3000", true),
            ("https://localhost", "https://localhost", true),
        ] {
            let url = OrgUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                (url.as_str(), url.is_loopback()),
                (shown, loopback),
                "{input}"
            );
            assert_eq!(url.to_string(), shown);
        }
    }

    #[test]
    fn everything_else_is_refused_with_a_reason() {
        let refused = |input: &str| OrgUrl::parse(input).expect_err(input);
        assert!(matches!(
            refused("http://acme.okta.com"),
            OrgUrlError::Insecure { .. }
        ));
        assert!(matches!(
            refused("http://10.0.0.1"),
            OrgUrlError::Insecure { .. }
        ));
        assert!(matches!(
            refused("http://localhost.evil.example"),
            OrgUrlError::Insecure { .. }
        ));
        assert!(matches!(
            refused("ftp://acme.okta.com"),
            OrgUrlError::Scheme { .. }
        ));
        assert!(matches!(
            refused("acme.okta.com"),
            OrgUrlError::Invalid { .. }
        ));
        assert!(matches!(refused(""), OrgUrlError::Invalid { .. }));
        assert_eq!(
            refused("https://acme.okta.com/oauth2/default"),
            OrgUrlError::NotAnOrigin {
                input: "https://acme.okta.com/oauth2/default".into(),
                suggestion: "https://acme.okta.com".into()
            }
        );
        assert!(matches!(
            refused("https://acme.okta.com?x=1"),
            OrgUrlError::NotAnOrigin { .. }
        ));
        assert_eq!(
            refused("https://acme-admin.okta.com"),
            OrgUrlError::AdminConsole {
                input: "https://acme-admin.okta.com".into(),
                suggestion: "https://acme.okta.com".into()
            }
        );
        let credentials = refused("https://user:hunter2@acme.okta.com");
        assert!(
            !credentials.to_string().contains("hunter2"),
            "{credentials}"
        );
        let insecure = refused("http://acme.okta.com").to_string();
        assert!(insecure.contains("unencrypted"), "{insecure}");
    }

    #[test]
    fn ids_are_single_encoded_segments() {
        let org = OrgUrl::parse("https://acme.okta.com").expect("url");
        let url = org.endpoint(
            "/api/v1/users",
            &["a/b?c#d@acme.com"],
            &[("limit", "200"), ("q", "x y")],
        );
        assert_eq!(
            url.as_str(),
            "https://acme.okta.com/api/v1/users/a%2Fb%3Fc%23d@acme.com?limit=200&q=x+y"
        );
        assert_eq!(url.path(), "/api/v1/users/a%2Fb%3Fc%23d@acme.com");
        let plain = org.endpoint("/api/v1/policies", &[], &[]);
        assert_eq!(plain.as_str(), "https://acme.okta.com/api/v1/policies");
    }

    #[test]
    fn only_the_orgs_own_origin_is_the_same() {
        let org = OrgUrl::parse("https://acme.okta.com").expect("url");
        let same = |url: &str| org.same_origin(&Url::parse(url).expect("url"));
        assert!(same("https://acme.okta.com/api/v1/policies?after=x"));
        assert!(same("https://acme.okta.com:443/api/v1/policies"));
        assert!(!same("http://acme.okta.com/api/v1/policies"));
        assert!(!same("https://acme.okta.com:444/api/v1/policies"));
        assert!(!same("https://evil.example/api/v1/policies"));
        assert!(!same("https://acme.okta.com.evil.example/"));
    }
}
