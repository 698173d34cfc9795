//! OAuth 2.0 for Okta service apps, the pure parts: the app's identity
//! and key ([`ServiceApp`]), the signing keys ([`SigningKey`]), the client
//! assertion and DPoP proof JWTs ([`jwt`]), and [`Secret`], the wrapper
//! that keeps tokens and signed JWTs out of every output. Talking to the
//! token endpoint, caching the access token and retrying with DPoP nonces
//! is the HTTP client's part (`client::http::oauth`).

pub mod jwt;
pub mod key;
pub mod secret;

use std::fmt;
use std::sync::Arc;

pub use self::key::{KeyError, SigningKey};
pub use self::secret::Secret;
use super::scopes::ScopeSet;

/// A service app: client credentials with `private_key_jwt`.
#[derive(Clone)]
pub struct ServiceApp {
    /// The app's client ID (`OKTA_CLIENT_ID`).
    pub client_id: String,
    /// The app's private key (`OKTA_PRIVATE_KEY` / `OKTA_PRIVATE_KEY_FILE`,
    /// with `OKTA_KEY_ID` as its `kid`).
    pub key: Arc<SigningKey>,
    /// The scopes the command requests.
    pub scopes: ScopeSet,
    /// Whether `scopes` was given explicitly (`OKTA_SCOPES`): then a
    /// command never adds scopes to it.
    pub fixed_scopes: bool,
}

impl fmt::Debug for ServiceApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceApp")
            .field("client_id", &self.client_id)
            .field("key", &self.key)
            .field("scopes", &self.scopes.to_string())
            .field("fixed_scopes", &self.fixed_scopes)
            .finish()
    }
}
