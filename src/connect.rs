//! Which org a command works on, and connecting to it. `--org URL` (or
//! `OKTA_ORG_URL`) with `OKTA_API_TOKEN` selects a live org over HTTPS;
//! `--org local` the embedded local org in `.oktapol/local-org.json`. With
//! no org configured at all, a developer's machine gets the local org,
//! while CI (`CI` set) gets an error, so a missing secret can never turn a
//! production apply into a local one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::client::local::LocalOrgError;
use crate::client::{Api, HttpClient, HttpClientError, HttpConfig, LocalOrg};
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

/// What the command line and the environment say about the org.
#[derive(Clone, Default)]
pub struct OrgSettings {
    /// `--org`, else `OKTA_ORG_URL`.
    pub org: Option<String>,
    /// `OKTA_API_TOKEN`.
    pub token: Option<String>,
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
            .field("ci", &self.ci)
            .field("local_seed", &self.local_seed)
            .field("local_file", &self.local_file)
            .field("parallelism", &self.parallelism)
            .finish()
    }
}

impl OrgSettings {
    /// Reads `--org` / `OKTA_ORG_URL`, `OKTA_API_TOKEN` and `CI`.
    pub fn from_env(org: Option<String>, local_seed: Option<PathBuf>, parallelism: usize) -> Self {
        let non_empty = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
        OrgSettings {
            org: non_empty(org).or_else(|| non_empty(std::env::var(ORG_URL_VAR).ok())),
            token: non_empty(std::env::var(TOKEN_VAR).ok()),
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
            "set OKTA_ORG_URL and OKTA_API_TOKEN (from your CI secrets), or pass --org local explicitly"
        )
    )]
    MissingInCi,
    #[error("{ORG_URL_VAR}/--org is set but {TOKEN_VAR} is not")]
    #[diagnostic(
        code(oktapol::org::token),
        help("export OKTA_API_TOKEN with an API token of an admin who may manage policies")
    )]
    MissingToken,
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
}

/// Selects and opens the org.
pub fn connect(settings: &OrgSettings) -> Result<Connection, ConnectError> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match settings.org.as_deref() {
        Some(LOCAL) => open_local(settings, clock, false),
        None if settings.ci => Err(ConnectError::MissingInCi),
        None => open_local(settings, clock, true),
        Some(url) => {
            let token = settings.token.clone().ok_or(ConnectError::MissingToken)?;
            let mut config = HttpConfig::parse(url, token, clock)?;
            config.parallelism = settings.parallelism.max(1);
            Ok(Connection {
                api: Box::new(HttpClient::new(config)?),
                local: false,
                implicit: false,
            })
        }
    }
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
}
