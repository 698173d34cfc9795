//! The emulator's seed file (YAML): the directory objects an org needs for
//! policies to reference — groups, users, network zones, apps, identity
//! providers, authenticators, user types, inline hooks and authorization
//! servers — written by name, the way an admin sees them. IDs are assigned
//! when the seed is loaded. `serviceApps` registers OAuth 2.0 service apps
//! (client ID, public key, granted scopes, DPoP) with the emulator's token
//! endpoint; they are the server's, not the org state's.

use std::path::Path;

use serde::Deserialize;

/// A seed file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Seed {
    #[serde(default)]
    pub groups: Vec<SeedGroup>,
    #[serde(default)]
    pub users: Vec<SeedUser>,
    #[serde(default)]
    pub zones: Vec<SeedZone>,
    #[serde(default)]
    pub apps: Vec<SeedApp>,
    #[serde(default)]
    pub identity_providers: Vec<SeedIdp>,
    #[serde(default)]
    pub authenticators: Vec<SeedAuthenticator>,
    #[serde(default)]
    pub user_types: Vec<SeedUserType>,
    #[serde(default)]
    pub inline_hooks: Vec<SeedHook>,
    #[serde(default)]
    pub authorization_servers: Vec<SeedAuthServer>,
    #[serde(default)]
    pub service_apps: Vec<SeedServiceApp>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedGroup {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedUser {
    pub login: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// Group names the user belongs to.
    #[serde(default)]
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedZone {
    pub name: String,
    /// `IP` (default) or `DYNAMIC`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// CIDR ranges of an IP zone.
    #[serde(default)]
    pub gateways: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedApp {
    pub label: String,
    /// The app's integration name, e.g. `workday`; defaults to an OIDC app.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sign_on_mode: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedIdp {
    pub name: String,
    /// `SAML2`, `OIDC`, `GOOGLE`, …
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAuthenticator {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedUserType {
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedHook {
    pub name: String,
    /// e.g. `com.okta.user.pre-registration`, `com.okta.oauth2.tokens.transform`.
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAuthServer {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub audiences: Vec<String>,
}

/// An OAuth 2.0 service app that may get access tokens with
/// `private_key_jwt`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedServiceApp {
    pub client_id: String,
    /// The app's public key: PEM text (`-----BEGIN PUBLIC KEY-----`), or a
    /// JWK (a map with `kty`, `n`/`e` or `crv`/`x`/`y`, optionally `kid`).
    pub public_key: SeedPublicKey,
    /// The Okta API scopes granted to the app, e.g. `okta.policies.read`.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Whether token requests need a DPoP proof (Okta's default for new
    /// service apps) and tokens are DPoP-bound; `false`: plain bearer tokens.
    #[serde(default = "dpop_default")]
    pub dpop: bool,
}

fn dpop_default() -> bool {
    true
}

/// A public key as PEM text or as a JWK.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SeedPublicKey {
    Pem(String),
    Jwk(serde_json::Map<String, serde_json::Value>),
}

/// Why a seed file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read seed file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid seed file {path}: {message}")]
    Invalid { path: String, message: String },
}

impl Seed {
    /// Reads a seed file.
    pub fn read(path: &Path) -> Result<Seed, SeedError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| SeedError::Read {
            path: display.clone(),
            source,
        })?;
        Seed::parse(&text).map_err(|message| SeedError::Invalid {
            path: display,
            message,
        })
    }

    /// Parses seed YAML.
    pub fn parse(text: &str) -> Result<Seed, String> {
        serde_saphyr::from_str(text).map_err(|error| error.to_string())
    }
}
