//! Which org a command works on, and connecting to it. `--org URL` (or
//! `OKTA_ORG_URL`) selects a live org over HTTPS, with either an API token
//! (`OKTA_API_TOKEN`) or an OAuth 2.0 service app (`OKTA_CLIENT_ID` and
//! `OKTA_PRIVATE_KEY` or `OKTA_PRIVATE_KEY_FILE`, optionally `OKTA_KEY_ID`)
//! — both at once is an error, never a guess. A service app's token carries
//! the scopes the command declares ([`OrgSettings::scopes`]), or exactly
//! `OKTA_SCOPES` when that is set. `--org local` selects the embedded local
//! org in `.oktapol/local-org.json`. With
//! no org configured at all, a developer's machine gets the local org,
//! while CI (`CI` set) gets an error, so a missing secret can never turn a
//! production apply into a local one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::client::local::LocalOrgError;
use crate::client::oauth::{KeyError, Secret, ServiceApp, SigningKey};
use crate::client::scopes::ScopeSet;
use crate::client::{
    Api, ApiError, ApiToken, HttpClient, HttpClientError, HttpConfig, LocalOrg, OrgUrl, TokenScopes,
};
use crate::clock::{Clock, SystemClock};
use crate::emulator::Engine;
use crate::emulator::org::Org;
use crate::emulator::seed::{Seed, SeedError};
use crate::emulator::server::persist::{PersistError, write_atomically};

/// The value of `--org` that selects the embedded local org.
pub const LOCAL: &str = "local";
/// Where the local org lives, relative to the working directory.
pub const LOCAL_ORG_FILE: &str = ".oktapol/local-org.json";
/// The environment variable with the org URL.
pub const ORG_URL_VAR: &str = "OKTA_ORG_URL";
/// The environment variable with the API token.
pub const TOKEN_VAR: &str = "OKTA_API_TOKEN";
/// The environment variable with a service app's client ID.
pub const CLIENT_ID_VAR: &str = "OKTA_CLIENT_ID";
/// The environment variable with the service app's private key (PEM).
pub const PRIVATE_KEY_VAR: &str = "OKTA_PRIVATE_KEY";
/// The environment variable naming a file with the private key (PEM).
pub const PRIVATE_KEY_FILE_VAR: &str = "OKTA_PRIVATE_KEY_FILE";
/// The environment variable with the key's ID at Okta (`kid`).
pub const KEY_ID_VAR: &str = "OKTA_KEY_ID";
/// The environment variable with scopes that replace the command's own.
pub const SCOPES_VAR: &str = "OKTA_SCOPES";

/// What the command line and the environment say about the org.
#[derive(Clone, Default)]
pub struct OrgSettings {
    /// `--org`, else `OKTA_ORG_URL`.
    pub org: Option<String>,
    /// `OKTA_API_TOKEN`.
    pub token: Option<String>,
    /// `OKTA_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `OKTA_PRIVATE_KEY`.
    pub private_key: Option<Secret>,
    /// `OKTA_PRIVATE_KEY_FILE`.
    pub private_key_file: Option<PathBuf>,
    /// `OKTA_KEY_ID`.
    pub key_id: Option<String>,
    /// `OKTA_SCOPES`: the exact scopes to request, space-separated.
    pub scope_override: Option<String>,
    /// The scopes the command requests from a service app (see
    /// `crate::scopes`); `None`: every read scope oktapol uses.
    pub scopes: Option<ScopeSet>,
    /// Whether `CI` is set.
    pub ci: bool,
    /// `--local-seed`: directory objects for a fresh local org.
    pub local_seed: Option<PathBuf>,
    /// Where the local org lives.
    pub local_file: PathBuf,
    /// Requests in flight at once.
    pub parallelism: usize,
}

/// The token never appears in debug output.
impl std::fmt::Debug for OrgSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgSettings")
            .field("org", &self.org)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("client_id", &self.client_id)
            .field("private_key", &self.private_key)
            .field("private_key_file", &self.private_key_file)
            .field("key_id", &self.key_id)
            .field("scope_override", &self.scope_override)
            .field("scopes", &self.scopes.as_ref().map(ToString::to_string))
            .field("ci", &self.ci)
            .field("local_seed", &self.local_seed)
            .field("local_file", &self.local_file)
            .field("parallelism", &self.parallelism)
            .finish()
    }
}

impl OrgSettings {
    /// Reads `--org` / `OKTA_ORG_URL`, the credentials' variables and `CI`.
    pub fn from_env(org: Option<String>, local_seed: Option<PathBuf>, parallelism: usize) -> Self {
        let non_empty = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
        let var = |name: &str| non_empty(std::env::var(name).ok());
        OrgSettings {
            org: non_empty(org).or_else(|| var(ORG_URL_VAR)),
            token: var(TOKEN_VAR),
            client_id: var(CLIENT_ID_VAR).map(|id| id.trim().to_owned()),
            private_key: var(PRIVATE_KEY_VAR).map(Secret::new),
            private_key_file: var(PRIVATE_KEY_FILE_VAR).map(PathBuf::from),
            key_id: var(KEY_ID_VAR).map(|id| id.trim().to_owned()),
            scope_override: var(SCOPES_VAR),
            scopes: None,
            ci: std::env::var_os("CI").is_some_and(|v| !v.is_empty()),
            local_seed,
            local_file: PathBuf::from(LOCAL_ORG_FILE),
            parallelism,
        }
    }
}

/// Why the org could not be selected or reached.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConnectError {
    #[error(
        "no Okta org configured, and CI is set: oktapol does not fall back to the local org in CI"
    )]
    #[diagnostic(
        code(oktapol::org::missing),
        help(
            "set OKTA_ORG_URL and OKTA_API_TOKEN, or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY of a service app (from your CI secrets), or pass --org local explicitly"
        )
    )]
    MissingInCi,
    #[error("{ORG_URL_VAR}/--org is set but {TOKEN_VAR} is not, and neither is {CLIENT_ID_VAR}")]
    #[diagnostic(
        code(oktapol::org::token),
        help(
            "export OKTA_API_TOKEN with an API token of an admin who may manage policies, or OKTA_CLIENT_ID and OKTA_PRIVATE_KEY (or OKTA_PRIVATE_KEY_FILE) of an OAuth 2.0 service app"
        )
    )]
    MissingToken,
    #[error(
        "both {TOKEN_VAR} and a service app ({CLIENT_ID_VAR}, {PRIVATE_KEY_VAR} or {PRIVATE_KEY_FILE_VAR}) are set; oktapol does not choose between them"
    )]
    #[diagnostic(
        code(oktapol::org::two_credentials),
        help(
            "unset OKTA_API_TOKEN to use the service app (what Okta recommends), or unset OKTA_CLIENT_ID, OKTA_PRIVATE_KEY and OKTA_PRIVATE_KEY_FILE to use the API token"
        )
    )]
    TwoCredentials,
    #[error("{CLIENT_ID_VAR} is set but neither {PRIVATE_KEY_VAR} nor {PRIVATE_KEY_FILE_VAR} is")]
    #[diagnostic(
        code(oktapol::org::private_key),
        help(
            "export OKTA_PRIVATE_KEY with the service app's private key (PEM), or OKTA_PRIVATE_KEY_FILE with the path of a file holding it"
        )
    )]
    MissingPrivateKey,
    #[error(
        "a private key is set ({PRIVATE_KEY_VAR} or {PRIVATE_KEY_FILE_VAR}) but {CLIENT_ID_VAR} is not"
    )]
    #[diagnostic(
        code(oktapol::org::client_id),
        help(
            "export OKTA_CLIENT_ID with the service app's client ID (Applications → the app → General)"
        )
    )]
    MissingClientId,
    #[error("both {PRIVATE_KEY_VAR} and {PRIVATE_KEY_FILE_VAR} are set")]
    #[diagnostic(code(oktapol::org::two_keys), help("keep one of them"))]
    TwoPrivateKeys,
    #[error("cannot read {PRIVATE_KEY_FILE_VAR} {}: {source}", path.display())]
    #[diagnostic(
        code(oktapol::org::key_file),
        help("check the path and that this user may read the file")
    )]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Client(#[from] HttpClientError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Local(#[from] LocalOrgError),
    #[error(transparent)]
    #[diagnostic(
        code(oktapol::org::seed),
        help("see examples/org-seed.yaml for the seed file's format")
    )]
    Seed(#[from] SeedError),
    #[error("cannot create {}: {source}", path.display())]
    #[diagnostic(code(oktapol::org::local_dir))]
    LocalDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The org a command works on.
pub struct Connection {
    pub api: Box<dyn Api>,
    /// Whether it is the embedded local org.
    pub local: bool,
    /// Whether the local org was chosen because nothing was configured.
    pub implicit: bool,
    /// With a service app: the scopes of its next access token.
    pub token_scopes: Option<TokenScopes>,
}

impl Connection {
    /// Adds scopes to those the service app's access token carries (`apply`
    /// adds the `manage` scopes of its plan) and gets that token at once,
    /// so a refused scope stops the command before its first write.
    /// Nothing happens with an API token or the local org; with
    /// `OKTA_SCOPES` the token keeps exactly those.
    pub async fn request_scopes(&self, scopes: &ScopeSet) -> Result<(), ApiError> {
        match &self.token_scopes {
            Some(handle) => handle.request(scopes).await,
            None => Ok(()),
        }
    }
}

/// Selects and opens the org.
pub fn connect(settings: &OrgSettings) -> Result<Connection, ConnectError> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match settings.org.as_deref() {
        Some(LOCAL) => open_local(settings, clock, false),
        None if settings.ci => Err(ConnectError::MissingInCi),
        None => open_local(settings, clock, true),
        Some(url) => {
            let mut config = match credentials(settings)? {
                Credentials::Token(token) => HttpConfig::parse(url, token, clock)?,
                Credentials::App(app) => {
                    let org = OrgUrl::parse(url).map_err(HttpClientError::from)?;
                    HttpConfig::service_app(org, app, clock)
                }
            };
            config.parallelism = settings.parallelism.max(1);
            let client = HttpClient::new(config)?;
            let token_scopes = client.token_scopes();
            Ok(Connection {
                api: Box::new(client),
                local: false,
                implicit: false,
                token_scopes,
            })
        }
    }
}

/// The credentials the environment gives.
enum Credentials {
    Token(String),
    App(ServiceApp),
}

/// An API token or a service app — never both, never a guess.
fn credentials(settings: &OrgSettings) -> Result<Credentials, ConnectError> {
    let app = settings.client_id.is_some()
        || settings.private_key.is_some()
        || settings.private_key_file.is_some();
    match (&settings.token, app) {
        (Some(_), true) => Err(ConnectError::TwoCredentials),
        (Some(token), false) => {
            // Checked here so a bad token fails before the org URL does.
            ApiToken::new(token.as_str()).map_err(HttpClientError::from)?;
            Ok(Credentials::Token(token.clone()))
        }
        (None, true) => service_app(settings).map(Credentials::App),
        (None, false) => Err(ConnectError::MissingToken),
    }
}

/// The service app of `OKTA_CLIENT_ID`, its key, and the scopes to request.
fn service_app(settings: &OrgSettings) -> Result<ServiceApp, ConnectError> {
    let client_id = settings
        .client_id
        .clone()
        .ok_or(ConnectError::MissingClientId)?;
    let (pem, from) = match (&settings.private_key, &settings.private_key_file) {
        (Some(_), Some(_)) => return Err(ConnectError::TwoPrivateKeys),
        (Some(text), None) => (text.clone(), PRIVATE_KEY_VAR.to_owned()),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|source| ConnectError::KeyFile {
                path: path.clone(),
                source,
            })?;
            (
                Secret::new(text),
                format!("{PRIVATE_KEY_FILE_VAR} ({})", path.display()),
            )
        }
        (None, None) => return Err(ConnectError::MissingPrivateKey),
    };
    // A CI secret sometimes holds the PEM on one line with `\n` escapes.
    let text = if pem.expose().contains('\n') {
        pem.expose().to_owned()
    } else {
        pem.expose().replace("\\n", "\n")
    };
    let key = SigningKey::from_pem(&text, &from)?.with_kid(settings.key_id.clone());
    let (scopes, fixed_scopes) = match &settings.scope_override {
        Some(list) => (ScopeSet::parse(list), true),
        None => (
            settings.scopes.clone().unwrap_or_else(ScopeSet::all_reads),
            false,
        ),
    };
    Ok(ServiceApp {
        client_id,
        key: Arc::new(key),
        scopes,
        fixed_scopes,
    })
}

fn open_local(
    settings: &OrgSettings,
    clock: Arc<dyn Clock>,
    implicit: bool,
) -> Result<Connection, ConnectError> {
    let seed = settings.local_seed.as_deref().map(Seed::read).transpose()?;
    if let Some(parent) = settings
        .local_file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent).map_err(|source| ConnectError::LocalDir {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let mut created = false;
    let org = LocalOrg::open(&settings.local_file, clock, |clock| {
        created = true;
        fresh(clock, seed.as_ref())
    })?;
    if created {
        // Saved at once, so the next command (which may not pass
        // --local-seed again) finds the same seeded org.
        save_local(&org, &settings.local_file)?;
    }
    Ok(Connection {
        api: Box::new(org),
        local: true,
        implicit,
        token_scopes: None,
    })
}

fn save_local(org: &LocalOrg, file: &Path) -> Result<(), ConnectError> {
    let bytes = org
        .with_org(|org| serde_json::to_vec(org.state()))
        .map_err(|error| LocalOrgError::Persist(PersistError::Serialise(error)))?;
    write_atomically(file, &bytes).map_err(|source| {
        ConnectError::Local(LocalOrgError::Persist(PersistError::Write {
            path: file.to_path_buf(),
            source,
        }))
    })
}

/// A fresh local org: Identity Engine, Okta's default policies, and the
/// seed's directory objects.
fn fresh(clock: Arc<dyn Clock>, seed: Option<&Seed>) -> Org {
    let mut org = Org::new(Engine::Oie, LOCAL_RNG_SEED, clock);
    if let Some(seed) = seed {
        org.add_seed(seed);
    }
    org
}

/// Seeds a fresh local org's IDs: the same manifests give the same IDs on
/// every machine, so local plans are reproducible.
const LOCAL_RNG_SEED: u64 = 0x6f6b_7461;

/// The announcement of the local org, for the first line of output.
pub fn local_notice(connection: &Connection, file: &Path) -> Option<String> {
    connection.local.then(|| {
        let why = if connection.implicit {
            " (no --org or OKTA_ORG_URL given)"
        } else {
            ""
        };
        format!(
            "Using the local org in {}{why}: an emulated Okta org on this machine, not a real one.",
            file.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_token() {
        let settings = OrgSettings {
            org: Some("https://acme.okta.com".to_owned()),
            token: Some("SECRET-TOKEN-123".to_owned()),
            ..OrgSettings::default()
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("SECRET-TOKEN-123"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    fn test_key() -> String {
        let path = format!(
            "{}/tests/fixtures/oauth/ec-private.pem",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).expect("the test key")
    }

    #[test]
    fn a_service_app_comes_from_the_settings() {
        let settings = OrgSettings {
            org: Some("https://acme.okta.com".to_owned()),
            client_id: Some("0oa1".to_owned()),
            // A one-line CI secret with `\n` escapes.
            private_key: Some(Secret::new(test_key().replace('\n', "\\n"))),
            key_id: Some("kid-1".to_owned()),
            ..OrgSettings::default()
        };
        let Ok(Credentials::App(app)) = credentials(&settings) else {
            panic!("a service app");
        };
        assert_eq!(app.client_id, "0oa1");
        assert_eq!(app.scopes, ScopeSet::all_reads());
        assert!(!app.fixed_scopes);
        assert_eq!(app.key.header().kid.as_deref(), Some("kid-1"));
        let shown = format!("{settings:?} {app:?}");
        let body = test_key().lines().nth(1).expect("a key line").to_owned();
        assert!(!shown.contains(&body), "{shown}");

        let declared = OrgSettings {
            scopes: Some(ScopeSet::parse("okta.policies.read")),
            ..settings.clone()
        };
        let app = service_app(&declared).expect("an app");
        assert_eq!(app.scopes.to_string(), "okta.policies.read");
        let fixed = OrgSettings {
            scope_override: Some("okta.policies.manage".to_owned()),
            ..declared
        };
        let app = service_app(&fixed).expect("an app");
        assert_eq!(app.scopes.to_string(), "okta.policies.manage");
        assert!(app.fixed_scopes);
    }

    #[test]
    fn credentials_are_one_or_the_other() {
        let app = OrgSettings {
            client_id: Some("0oa1".to_owned()),
            ..OrgSettings::default()
        };
        let cases = [
            (
                OrgSettings {
                    token: Some("t0k".to_owned()),
                    ..app.clone()
                },
                "oktapol::org::two_credentials",
            ),
            (app.clone(), "oktapol::org::private_key"),
            (
                OrgSettings {
                    client_id: None,
                    private_key_file: Some(PathBuf::from("key.pem")),
                    ..OrgSettings::default()
                },
                "oktapol::org::client_id",
            ),
            (
                OrgSettings {
                    private_key: Some(Secret::new("x")),
                    private_key_file: Some(PathBuf::from("key.pem")),
                    ..app.clone()
                },
                "oktapol::org::two_keys",
            ),
            (
                OrgSettings {
                    private_key_file: Some(PathBuf::from("/nonexistent/key.pem")),
                    ..app
                },
                "oktapol::org::key_file",
            ),
            (OrgSettings::default(), "oktapol::org::token"),
        ];
        for (settings, code) in cases {
            let Err(error) = credentials(&settings) else {
                panic!("{code}: accepted");
            };
            assert_eq!(
                miette::Diagnostic::code(&error)
                    .map(|c| c.to_string())
                    .as_deref(),
                Some(code),
                "{error}"
            );
        }
    }
}
