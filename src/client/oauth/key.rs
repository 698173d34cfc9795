//! The keys that sign: the service app's private key (from
//! `OKTA_PRIVATE_KEY` or `OKTA_PRIVATE_KEY_FILE`, PEM), which signs the
//! client assertion, and an ephemeral P-256 key made at start-up, which
//! signs DPoP proofs (as Okta's own SDKs do: the proof key never leaves
//! memory). RSA keys sign RS256, EC P-256 keys ES256. PKCS#8 (`BEGIN
//! PRIVATE KEY`, what Okta's Admin Console and `openssl genpkey` write),
//! PKCS#1 (`BEGIN RSA PRIVATE KEY`) and SEC1 (`BEGIN EC PRIVATE KEY`) are
//! read. The key material is never shown: `Debug` names the algorithm
//! only, and no error quotes the key.

use std::fmt;

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair, RsaKeyPair,
};
use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use super::secret::Secret;

/// A private key that signs JWTs, with its public half as a JWK.
#[derive(Clone)]
pub struct SigningKey {
    algorithm: Algorithm,
    key: EncodingKey,
    public: Jwk,
    kid: Option<String>,
}

/// Why a private key could not be used. No variant holds key material;
/// `from` names where the key came from (`OKTA_PRIVATE_KEY`, a file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum KeyError {
    #[error("{from} holds no PEM private key (no `-----BEGIN … PRIVATE KEY-----` block)")]
    #[diagnostic(
        code(oktapol::oauth::key_not_pem),
        help(
            "give the service app's private key in PEM form; in the Okta Admin Console, choose PEM when you generate the key"
        )
    )]
    NotPem { from: String },
    #[error("{from} holds a JSON Web Key, not a PEM private key")]
    #[diagnostic(
        code(oktapol::oauth::key_jwk),
        help(
            "Okta's Admin Console shows the new key as JWK and as PEM: copy the PEM form (`-----BEGIN PRIVATE KEY-----`)"
        )
    )]
    Jwk { from: String },
    #[error("{from} holds an encrypted private key")]
    #[diagnostic(
        code(oktapol::oauth::key_encrypted),
        help(
            "oktapol reads unencrypted keys only; decrypt it into your secret store with `openssl pkcs8 -in key.pem -out plain.pem`"
        )
    )]
    Encrypted { from: String },
    #[error("{from} holds a {found}, not a private key")]
    #[diagnostic(
        code(oktapol::oauth::key_public),
        help(
            "the service app keeps the public key; oktapol needs the private key that belongs to it"
        )
    )]
    NotPrivate { from: String, found: String },
    #[error("{from} holds {what}, which Okta service apps cannot use")]
    #[diagnostic(
        code(oktapol::oauth::key_unsupported),
        help("use an RSA key of 2048 bits or more (RS256) or an EC P-256 key (ES256)")
    )]
    Unsupported { from: String, what: String },
    #[error("{from} holds a private key that cannot be read: {reason}")]
    #[diagnostic(
        code(oktapol::oauth::key_invalid),
        help("check that the whole PEM block was copied, with its BEGIN and END lines")
    )]
    Invalid { from: String, reason: String },
    #[error("cannot sign with the {algorithm} key: {reason}")]
    #[diagnostic(code(oktapol::oauth::sign))]
    Sign { algorithm: String, reason: String },
}

impl SigningKey {
    /// The first private key in the PEM `text`; `from` names its origin
    /// in errors.
    pub fn from_pem(text: &str, from: &str) -> Result<Self, KeyError> {
        let from = from.to_owned();
        if text.trim_start().starts_with('{') {
            return Err(KeyError::Jwk { from });
        }
        let blocks = pem::parse_many(text.as_bytes())
            .map_err(|_| KeyError::NotPem { from: from.clone() })?;
        let Some(block) = blocks
            .iter()
            .find(|b| b.tag().ends_with("PRIVATE KEY"))
            .or(blocks.first())
        else {
            return Err(KeyError::NotPem { from });
        };
        let invalid = |reason: String| KeyError::Invalid {
            from: from.clone(),
            reason,
        };
        match block.tag() {
            "RSA PRIVATE KEY" => {
                let pair = RsaKeyPair::from_der(block.contents())
                    .map_err(|error| invalid(error.to_string()))?;
                check_rsa_size(&pair, &from)?;
                Self::new(
                    Algorithm::RS256,
                    EncodingKey::from_rsa_der(block.contents()),
                )
            }
            "PRIVATE KEY" => {
                let der = block.contents();
                if let Ok(pair) = RsaKeyPair::from_pkcs8(der) {
                    check_rsa_size(&pair, &from)?;
                    // jsonwebtoken signs with the PKCS#1 key inside.
                    let key = EncodingKey::from_rsa_pem(pem::encode(block).as_bytes())
                        .map_err(|error| invalid(error.to_string()))?;
                    return Self::new(Algorithm::RS256, key);
                }
                Self::from_ec_der(der, &from)
            }
            "EC PRIVATE KEY" => Self::from_ec_der(block.contents(), &from),
            "ENCRYPTED PRIVATE KEY" => Err(KeyError::Encrypted { from }),
            tag if tag.contains("PUBLIC KEY") || tag == "CERTIFICATE" => {
                Err(KeyError::NotPrivate {
                    from,
                    found: tag.to_lowercase(),
                })
            }
            tag => Err(KeyError::Unsupported {
                from,
                what: format!("a `{tag}` PEM block"),
            }),
        }
    }

    /// An EC key in PKCS#8 or SEC1 form; P-256 only.
    fn from_ec_der(der: &[u8], from: &str) -> Result<Self, KeyError> {
        let pair = match EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_FIXED_SIGNING, der) {
            Ok(pair) => pair,
            Err(error) => {
                if EcdsaKeyPair::from_private_key_der(&ECDSA_P384_SHA384_FIXED_SIGNING, der).is_ok()
                {
                    return Err(KeyError::Unsupported {
                        from: from.to_owned(),
                        what: "an EC key on curve P-384".to_owned(),
                    });
                }
                return Err(KeyError::Invalid {
                    from: from.to_owned(),
                    reason: format!("neither an RSA nor an EC P-256 key ({error})"),
                });
            }
        };
        Self::from_ec_pair(&pair, from)
    }

    fn from_ec_pair(pair: &EcdsaKeyPair, from: &str) -> Result<Self, KeyError> {
        let pkcs8 = pair.to_pkcs8v1().map_err(|error| KeyError::Invalid {
            from: from.to_owned(),
            reason: error.to_string(),
        })?;
        Self::new(Algorithm::ES256, EncodingKey::from_ec_der(pkcs8.as_ref()))
    }

    /// A fresh P-256 key for DPoP proofs, held in memory only.
    pub fn ephemeral() -> Result<Self, KeyError> {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).map_err(|error| {
            KeyError::Sign {
                algorithm: "ES256".to_owned(),
                reason: format!("cannot make a DPoP key: {error}"),
            }
        })?;
        Self::from_ec_pair(&pair, "the DPoP key")
    }

    fn new(algorithm: Algorithm, key: EncodingKey) -> Result<Self, KeyError> {
        let mut public =
            Jwk::from_encoding_key(&key, algorithm).map_err(|error| KeyError::Sign {
                algorithm: format!("{algorithm:?}"),
                reason: error.to_string(),
            })?;
        public.common.public_key_use = Some(PublicKeyUse::Signature);
        Ok(SigningKey {
            algorithm,
            key,
            public,
            kid: None,
        })
    }

    /// The key with a key ID (`OKTA_KEY_ID`), sent as the assertion's `kid`.
    pub fn with_kid(mut self, kid: Option<String>) -> Self {
        self.public.common.key_id.clone_from(&kid);
        self.kid = kid;
        self
    }

    /// `RS256` or `ES256`.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The public key as a JWK (what the Okta Admin Console registers).
    pub fn public_jwk(&self) -> &Jwk {
        &self.public
    }

    /// A JWT header for this key: `alg`, and `kid` when there is one.
    pub fn header(&self) -> Header {
        let mut header = Header::new(self.algorithm);
        header.kid.clone_from(&self.kid);
        header
    }

    /// `claims` signed under `header`.
    pub fn sign(&self, header: &Header, claims: &impl Serialize) -> Result<Secret, KeyError> {
        jsonwebtoken::encode(header, claims, &self.key)
            .map(Secret::new)
            .map_err(|error| KeyError::Sign {
                algorithm: format!("{:?}", self.algorithm),
                reason: error.to_string(),
            })
    }
}

fn check_rsa_size(pair: &RsaKeyPair, from: &str) -> Result<(), KeyError> {
    let bits = pair.public_modulus_len() * 8;
    if bits < 2048 {
        return Err(KeyError::Unsupported {
            from: from.to_owned(),
            what: format!("a {bits}-bit RSA key"),
        });
    }
    Ok(())
}

/// The algorithm and key ID only.
impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("key", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::jwk::AlgorithmParameters;
    use jsonwebtoken::{DecodingKey, Validation};

    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/oauth/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
    }

    #[derive(Serialize, serde::Deserialize)]
    struct Claims {
        sub: String,
        exp: u64,
    }

    fn round_trip(key: &SigningKey, public_pem: &str) {
        let claims = Claims {
            sub: "x".into(),
            exp: 4_000_000_000,
        };
        let token = key.sign(&key.header(), &claims).expect("signed");
        let decoding = match key.algorithm() {
            Algorithm::RS256 => DecodingKey::from_rsa_pem(public_pem.as_bytes()),
            _ => DecodingKey::from_ec_pem(public_pem.as_bytes()),
        }
        .expect("a public key");
        let mut validation = Validation::new(key.algorithm());
        validation.validate_aud = false;
        jsonwebtoken::decode::<Claims>(token.expose(), &decoding, &validation)
            .expect("the registered public key verifies it");
        // The derived JWK verifies it too.
        let from_jwk = DecodingKey::from_jwk(key.public_jwk()).expect("a JWK key");
        jsonwebtoken::decode::<Claims>(token.expose(), &from_jwk, &validation)
            .expect("the JWK verifies it");
    }

    #[test]
    fn rsa_and_ec_keys_in_every_form_sign() {
        let rsa_public = fixture("rsa-public.pem");
        let ec_public = fixture("ec-public.pem");
        for (name, algorithm, public) in [
            ("rsa-private.pem", Algorithm::RS256, &rsa_public),
            ("rsa-pkcs1.pem", Algorithm::RS256, &rsa_public),
            ("ec-private.pem", Algorithm::ES256, &ec_public),
            ("ec-sec1.pem", Algorithm::ES256, &ec_public),
        ] {
            let key = SigningKey::from_pem(&fixture(name), name).expect(name);
            assert_eq!(key.algorithm(), algorithm, "{name}");
            round_trip(&key, public);
        }
        let ec = SigningKey::from_pem(&fixture("ec-private.pem"), "x").expect("ec");
        assert!(matches!(
            ec.public_jwk().algorithm,
            AlgorithmParameters::EllipticCurve(_)
        ));
    }

    #[test]
    fn the_key_id_goes_into_the_header_and_jwk() {
        let key = SigningKey::from_pem(&fixture("rsa-private.pem"), "x")
            .expect("rsa")
            .with_kid(Some("kid-1".into()));
        assert_eq!(key.header().kid.as_deref(), Some("kid-1"));
        assert_eq!(key.public_jwk().common.key_id.as_deref(), Some("kid-1"));
    }

    #[test]
    fn unusable_keys_say_why_without_showing_the_key() {
        let private = fixture("rsa-private.pem");
        let body_line = private.lines().nth(1).expect("a body line").to_owned();
        let cases: Vec<(String, &str)> = vec![
            ("not a key at all".into(), "oktapol::oauth::key_not_pem"),
            (r#"{"kty":"RSA","d":"x"}"#.into(), "oktapol::oauth::key_jwk"),
            (fixture("rsa-public.pem"), "oktapol::oauth::key_public"),
            (fixture("ec-p384-private.pem"), "oktapol::oauth::key_unsupported"),
            (
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
                    .into(),
                "oktapol::oauth::key_encrypted",
            ),
            (
                format!("-----BEGIN PRIVATE KEY-----\n{body_line}\n-----END PRIVATE KEY-----\n"),
                "oktapol::oauth::key_invalid",
            ),
        ];
        for (text, code) in cases {
            let error = SigningKey::from_pem(&text, "OKTA_PRIVATE_KEY").expect_err(code);
            let shown = format!("{error} {error:?}");
            assert_eq!(
                miette::Diagnostic::code(&error)
                    .map(|c| c.to_string())
                    .as_deref(),
                Some(code),
                "{shown}"
            );
            assert!(shown.contains("OKTA_PRIVATE_KEY"), "{shown}");
            assert!(!shown.contains(&body_line[..20]), "{shown}");
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = SigningKey::from_pem(&fixture("ec-private.pem"), "x").expect("ec");
        let shown = format!("{key:?}");
        assert!(
            shown.contains("ES256") && shown.contains("[redacted]"),
            "{shown}"
        );
        let ephemeral = SigningKey::ephemeral().expect("a DPoP key");
        assert_eq!(ephemeral.algorithm(), Algorithm::ES256);
    }
}
