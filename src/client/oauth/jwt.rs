//! The two JWTs a service app signs. The **client assertion**
//! (`private_key_jwt`, RFC 7523) authenticates the app at the token
//! endpoint: `iss` = `sub` = the client ID, `aud` = the token endpoint,
//! a fresh `jti`, valid for five minutes. A **DPoP proof** (RFC 9449)
//! goes with every request: header `typ: dpop+jwt` with the public key
//! as `jwk`; claims `htm`, `htu` (the URL without query or fragment),
//! `iat`, `jti`, the server's `nonce` when it gave one, and on resource
//! requests `ath`, the hash of the access token.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::{Method, Url};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::key::{KeyError, SigningKey};
use super::secret::Secret;

/// How long a client assertion is valid (Okta accepts at most an hour).
pub const ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

/// `client_assertion_type` of `private_key_jwt`.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The `typ` of a DPoP proof.
pub const DPOP_TYPE: &str = "dpop+jwt";

#[derive(Serialize)]
struct AssertionClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
    jti: String,
}

#[derive(Serialize)]
struct ProofClaims<'a> {
    htm: &'a str,
    htu: String,
    iat: u64,
    jti: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    ath: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
}

/// Seconds since the epoch.
pub fn epoch_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// A fresh, unguessable JWT ID.
pub fn jti() -> String {
    let mut bytes = [0u8; 18];
    // The system's random source failing leaves zeros: still unique
    // enough with the timestamp beside it, and never a panic.
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The signed client assertion for `client_id` at `token_endpoint`.
pub fn client_assertion(
    key: &SigningKey,
    client_id: &str,
    token_endpoint: &Url,
    now: SystemTime,
) -> Result<Secret, KeyError> {
    let iat = epoch_seconds(now);
    let claims = AssertionClaims {
        iss: client_id,
        sub: client_id,
        aud: token_endpoint.as_str(),
        iat,
        exp: iat + ASSERTION_LIFETIME.as_secs(),
        jti: jti(),
    };
    let mut header = key.header();
    header.typ = Some("JWT".to_owned());
    key.sign(&header, &claims)
}

/// `htu`: the URL without its query and fragment.
pub fn htu(url: &Url) -> String {
    let mut bare = url.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    bare.to_string()
}

/// `ath`: base64url of the SHA-256 of the access token.
pub fn ath(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes()))
}

/// A DPoP proof for one request.
pub fn dpop_proof(
    key: &SigningKey,
    method: &Method,
    url: &Url,
    now: SystemTime,
    access_token: Option<&Secret>,
    nonce: Option<&str>,
) -> Result<Secret, KeyError> {
    let claims = ProofClaims {
        htm: method.as_str(),
        htu: htu(url),
        iat: epoch_seconds(now),
        jti: jti(),
        ath: access_token.map(|token| ath(token.expose())),
        nonce,
    };
    let mut header = jsonwebtoken::Header::new(key.algorithm());
    header.typ = Some(DPOP_TYPE.to_owned());
    header.jwk = Some(key.public_jwk().clone());
    key.sign(&header, &claims)
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{DecodingKey, Validation};
    use serde_json::Value;

    use super::*;

    fn decode(token: &Secret, key: &SigningKey) -> (jsonwebtoken::Header, Value) {
        let header = jsonwebtoken::decode_header(token.expose()).expect("a header");
        let mut validation = Validation::new(key.algorithm());
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let decoding = DecodingKey::from_jwk(key.public_jwk()).expect("a key");
        let data =
            jsonwebtoken::decode::<Value>(token.expose(), &decoding, &validation).expect("valid");
        (header, data.claims)
    }

    #[test]
    fn a_proof_binds_method_url_token_and_nonce() {
        let key = SigningKey::ephemeral().expect("a key");
        let url = Url::parse("https://acme.okta.com/api/v1/policies?type=PASSWORD#x").expect("url");
        let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let token = Secret::new("access-token");
        let proof =
            dpop_proof(&key, &Method::GET, &url, now, Some(&token), Some("n1")).expect("proof");
        let (header, claims) = decode(&proof, &key);
        assert_eq!(header.typ.as_deref(), Some("dpop+jwt"));
        assert!(header.jwk.is_some());
        assert_eq!(claims["htm"], "GET");
        assert_eq!(claims["htu"], "https://acme.okta.com/api/v1/policies");
        assert_eq!(claims["iat"], 1_767_225_600);
        assert_eq!(claims["nonce"], "n1");
        // RFC 9449's example: the hash of the token, base64url.
        assert_eq!(
            ath("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
        );
        assert_eq!(claims["ath"], ath("access-token"));
        let other = dpop_proof(&key, &Method::POST, &url, now, None, None).expect("proof");
        let (_, claims) = decode(&other, &key);
        assert!(claims.get("ath").is_none() && claims.get("nonce").is_none());
        assert_ne!(proof, other, "every proof has its own jti");
    }

    #[test]
    fn the_assertion_names_the_client_and_the_endpoint() {
        let key = SigningKey::ephemeral().expect("a key");
        let url = Url::parse("https://acme.okta.com/oauth2/v1/token").expect("url");
        let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let assertion = client_assertion(&key, "0oa1", &url, now).expect("assertion");
        let (header, claims) = decode(&assertion, &key);
        assert_eq!(header.typ.as_deref(), Some("JWT"));
        assert!(header.jwk.is_none());
        assert_eq!(claims["iss"], "0oa1");
        assert_eq!(claims["sub"], "0oa1");
        assert_eq!(claims["aud"], "https://acme.okta.com/oauth2/v1/token");
        assert_eq!(claims["exp"].as_u64(), Some(1_767_225_600 + 300));
        assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 20));
    }
}
