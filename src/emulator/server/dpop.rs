//! DPoP proofs (RFC 9449) as Okta checks them, at the token endpoint and
//! on API requests: a JWT with header `typ: dpop+jwt`, an asymmetric
//! `alg` and the *public* key as `jwk`, signed by that key; claims `htm`
//! and `htu` matching the request, `iat` within a few minutes of now (the
//! injected clock's), a `jti` never seen before, the server's current
//! `nonce`, and on API requests `ath`, the hash of the access token, from
//! the key the token is bound to. [`Nonces`] rotate with the clock; a
//! proof without the current (or the previous) nonce is answered with
//! `use_dpop_nonce` and a fresh one.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::ThumbprintHash;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::Url;
use serde::Deserialize;

use crate::client::oauth::jwt::{DPOP_TYPE, ath, epoch_seconds, jti};

/// How old a proof may be.
pub const MAX_AGE: Duration = Duration::from_secs(300);
/// How far ahead of the server's clock a proof may be dated.
pub const MAX_SKEW: Duration = Duration::from_secs(60);
/// How long a nonce stays current.
pub const NONCE_LIFETIME: Duration = Duration::from_secs(600);

/// What a proof must match.
pub struct Expected<'a> {
    /// The request's method.
    pub method: &'a str,
    /// The URLs the request may be addressed as (the server's own URL and
    /// the `Host` the client used), without query.
    pub urls: &'a [String],
    /// On API requests: the access token presented.
    pub access_token: Option<&'a str>,
    /// On API requests: the thumbprint of the key the token is bound to.
    pub jkt: Option<&'a str>,
}

/// Why a proof was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofError {
    /// `invalid_dpop_proof`, with the reason.
    Invalid(String),
    /// `use_dpop_nonce`: the proof lacks the current nonce.
    UseNonce,
}

#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    htm: Option<String>,
    #[serde(default)]
    htu: Option<String>,
    #[serde(default)]
    iat: Option<u64>,
    #[serde(default)]
    jti: Option<String>,
    #[serde(default)]
    ath: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
}

/// The server's DPoP nonces: one current, the previous still accepted.
#[derive(Debug)]
pub struct Nonces {
    current: String,
    previous: Option<String>,
    since: SystemTime,
}

impl Nonces {
    pub fn new(now: SystemTime) -> Self {
        Nonces {
            current: jti(),
            previous: None,
            since: now,
        }
    }

    /// The nonce to hand out now (rotating it when it is old; after two
    /// lifetimes the old one is no longer accepted either).
    pub fn current(&mut self, now: SystemTime) -> String {
        let age = now.duration_since(self.since).unwrap_or_default();
        if age >= NONCE_LIFETIME {
            let old = std::mem::replace(&mut self.current, jti());
            self.previous = (age < NONCE_LIFETIME * 2).then_some(old);
            self.since = now;
        }
        self.current.clone()
    }

    fn accepts(&mut self, nonce: &str, now: SystemTime) -> bool {
        let current = self.current(now);
        nonce == current || self.previous.as_deref() == Some(nonce)
    }
}

/// The `jti`s seen, until they are too old to be accepted anyway.
#[derive(Debug, Default)]
pub struct SeenIds {
    until: HashMap<String, SystemTime>,
}

impl SeenIds {
    /// Records `id` until `until`; `false` when it was seen before.
    pub fn first_use(&mut self, id: &str, until: SystemTime, now: SystemTime) -> bool {
        self.until.retain(|_, keep| *keep > now);
        self.until.insert(id.to_owned(), until).is_none()
    }
}

fn invalid(reason: impl Into<String>) -> ProofError {
    ProofError::Invalid(reason.into())
}

/// Whether the proof's `htu` names one of the request's URLs (query and
/// fragment ignored).
fn same_url(htu: &str, urls: &[String]) -> bool {
    let Ok(mut claimed) = Url::parse(htu) else {
        return false;
    };
    claimed.set_query(None);
    claimed.set_fragment(None);
    urls.iter()
        .filter_map(|url| Url::parse(url).ok())
        .any(|url| url == claimed)
}

/// Checks `proof` against `expected`; the thumbprint of its key when it
/// passes.
pub fn verify(
    proof: &str,
    expected: &Expected<'_>,
    now: SystemTime,
    nonces: &mut Nonces,
    seen: &mut SeenIds,
) -> Result<String, ProofError> {
    let header = jsonwebtoken::decode_header(proof)
        .map_err(|_| invalid("The DPoP proof JWT is malformed."))?;
    if header.typ.as_deref() != Some(DPOP_TYPE) {
        return Err(invalid(
            "The DPoP proof JWT header 'typ' must be 'dpop+jwt'.",
        ));
    }
    let asymmetric = matches!(
        header.alg,
        Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
            | Algorithm::ES256
            | Algorithm::ES384
    );
    if !asymmetric {
        return Err(invalid(
            "The DPoP proof JWT must be signed with an asymmetric algorithm.",
        ));
    }
    if private_key_in_header(proof) {
        return Err(invalid(
            "The DPoP proof JWT header 'jwk' must not contain a private key.",
        ));
    }
    let jwk = header
        .jwk
        .ok_or_else(|| invalid("The DPoP proof JWT header 'jwk' is missing."))?;
    let key = DecodingKey::from_jwk(&jwk)
        .map_err(|_| invalid("The DPoP proof JWT header 'jwk' is not a usable public key."))?;
    let mut validation = Validation::new(header.alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    let claims = jsonwebtoken::decode::<Claims>(proof, &key, &validation)
        .map_err(|_| invalid("The DPoP proof JWT signature is invalid."))?
        .claims;
    if claims.htm.as_deref() != Some(expected.method) {
        return Err(invalid(
            "The DPoP proof 'htm' does not match the request method.",
        ));
    }
    if !claims
        .htu
        .as_deref()
        .is_some_and(|htu| same_url(htu, expected.urls))
    {
        return Err(invalid(
            "The DPoP proof 'htu' does not match the request URL.",
        ));
    }
    let iat = claims
        .iat
        .ok_or_else(|| invalid("The DPoP proof 'iat' is missing."))?;
    let issued = SystemTime::UNIX_EPOCH + Duration::from_secs(iat);
    let now_secs = epoch_seconds(now);
    if iat > now_secs + MAX_SKEW.as_secs() || iat + MAX_AGE.as_secs() < now_secs {
        return Err(invalid(
            "The DPoP proof 'iat' is outside the acceptable window.",
        ));
    }
    let id = claims
        .jti
        .filter(|id| !id.is_empty())
        .ok_or_else(|| invalid("The DPoP proof 'jti' is missing."))?;
    if let Some(token) = expected.access_token
        && claims.ath.as_deref() != Some(ath(token).as_str())
    {
        return Err(invalid(
            "The DPoP proof 'ath' does not match the access token.",
        ));
    }
    let thumbprint = jwk
        .thumbprint(ThumbprintHash::SHA256)
        .map_err(|_| invalid("The DPoP proof JWT header 'jwk' is not a usable public key."))?;
    if let Some(bound) = expected.jkt
        && bound != thumbprint
    {
        return Err(invalid(
            "The DPoP proof key is not the key the access token is bound to.",
        ));
    }
    if !claims
        .nonce
        .as_deref()
        .is_some_and(|nonce| nonces.accepts(nonce, now))
    {
        return Err(ProofError::UseNonce);
    }
    if !seen.first_use(&id, issued + MAX_AGE + MAX_SKEW, now) {
        return Err(invalid("The DPoP proof JWT has already been used."));
    }
    Ok(thumbprint)
}

/// Whether the header's `jwk` carries private members (`d`, `p`, `q`, …).
fn private_key_in_header(proof: &str) -> bool {
    let Some(encoded) = proof.split('.').next() else {
        return false;
    };
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(encoded.trim_end_matches('=')) else {
        return false;
    };
    let Ok(header) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return false;
    };
    ["d", "p", "q", "dp", "dq", "qi", "k"]
        .iter()
        .any(|member| header.pointer(&format!("/jwk/{member}")).is_some())
}

#[cfg(test)]
mod tests {
    use reqwest::Method;

    use super::*;
    use crate::client::oauth::{Secret, SigningKey, jwt};

    const URL: &str = "http://127.0.0.1:9/api/v1/policies";

    struct Fixture {
        key: SigningKey,
        now: SystemTime,
        nonces: Nonces,
        seen: SeenIds,
    }

    impl Fixture {
        fn new() -> Self {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
            Fixture {
                key: SigningKey::ephemeral().expect("a key"),
                now,
                nonces: Nonces::new(now),
                seen: SeenIds::default(),
            }
        }

        fn proof(&mut self, method: Method, token: Option<&str>, nonce: Option<&str>) -> String {
            let url = Url::parse(&format!("{URL}?type=PASSWORD")).expect("url");
            let token = token.map(Secret::new);
            jwt::dpop_proof(&self.key, &method, &url, self.now, token.as_ref(), nonce)
                .expect("a proof")
                .expose()
                .to_owned()
        }

        fn check(&mut self, proof: &str, token: Option<&str>) -> Result<String, ProofError> {
            let urls = [URL.to_owned()];
            let expected = Expected {
                method: "GET",
                urls: &urls,
                access_token: token,
                jkt: None,
            };
            verify(proof, &expected, self.now, &mut self.nonces, &mut self.seen)
        }
    }

    #[test]
    fn a_good_proof_passes_once() {
        let mut f = Fixture::new();
        let nonce = f.nonces.current(f.now);
        let proof = f.proof(Method::GET, Some("tok"), Some(&nonce));
        let jkt = f.check(&proof, Some("tok")).expect("accepted");
        assert_eq!(
            jkt,
            f.key
                .public_jwk()
                .thumbprint(ThumbprintHash::SHA256)
                .expect("thumbprint")
        );
        assert_eq!(
            f.check(&proof, Some("tok")),
            Err(invalid("The DPoP proof JWT has already been used."))
        );
    }

    #[test]
    fn nonces_are_asked_for_and_rotate() {
        let mut f = Fixture::new();
        let without = f.proof(Method::GET, None, None);
        assert_eq!(f.check(&without, None), Err(ProofError::UseNonce));
        let stale = f.proof(Method::GET, None, Some("made-up"));
        assert_eq!(f.check(&stale, None), Err(ProofError::UseNonce));
        let first = f.nonces.current(f.now);
        f.now += NONCE_LIFETIME;
        let second = f.nonces.current(f.now);
        assert_ne!(first, second);
        // The previous nonce is still good for one lifetime.
        let previous = f.proof(Method::GET, None, Some(&first));
        assert!(f.check(&previous, None).is_ok());
        f.now += NONCE_LIFETIME;
        let old = f.proof(Method::GET, None, Some(&first));
        assert_eq!(f.check(&old, None), Err(ProofError::UseNonce));
        // Long unused: neither nonce is good any more.
        let last = f.nonces.current(f.now);
        f.now += NONCE_LIFETIME * 3;
        let late = f.proof(Method::GET, None, Some(&last));
        assert_eq!(f.check(&late, None), Err(ProofError::UseNonce));
    }

    #[test]
    fn mismatches_are_refused() {
        let mut f = Fixture::new();
        let nonce = f.nonces.current(f.now);
        let post = f.proof(Method::POST, None, Some(&nonce));
        assert!(matches!(f.check(&post, None), Err(ProofError::Invalid(r)) if r.contains("htm")));
        let other_token = f.proof(Method::GET, Some("other"), Some(&nonce));
        assert!(
            matches!(f.check(&other_token, Some("tok")), Err(ProofError::Invalid(r)) if r.contains("ath"))
        );
        let good = f.proof(Method::GET, None, Some(&nonce));
        // Tampered: the signature no longer matches.
        let mut parts: Vec<&str> = good.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"htm":"GET","htu":"http://127.0.0.1:9/api/v1/policies","iat":1767225600,"jti":"x"}"#);
        parts[1] = &forged;
        assert!(
            matches!(f.check(&parts.join("."), None), Err(ProofError::Invalid(r)) if r.contains("signature"))
        );
        // Too old.
        let old = f.proof(Method::GET, None, Some(&nonce));
        f.now += MAX_AGE + Duration::from_secs(1);
        assert!(matches!(f.check(&old, None), Err(ProofError::Invalid(r)) if r.contains("iat")));
        assert!(matches!(
            f.check("not.a.jwt", None),
            Err(ProofError::Invalid(_))
        ));
    }
}
