//! `oktapol.yaml`, the project's optional configuration at the repository
//! root: the manifest path (the default PATH of every command), and named
//! environments (`--env dev`), each with its org, how to authenticate, and
//! variables substituted into the manifests (`${groups.admins}`), so one
//! set of manifests promotes from a preview org to production. It holds no
//! secret: tokens and private keys come from environment variables or
//! files, and a secret-looking key or value is an error. Found by walking up
//! from the working directory to the repository root, or named with
//! `--config FILE`. Every problem is reported at once, at `file:line:col`.

mod check;
mod error;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use error::{ConfigError, ConfigProblem};

use crate::connect::OrgSettings;
use crate::manifest::source::display_path;
use crate::manifest::variables::Variables;

/// The file's name.
pub const FILE_NAME: &str = "oktapol.yaml";
/// The environment variable that selects an environment (as `--env` does).
pub const ENV_VAR: &str = "OKTAPOL_ENV";
/// The environment variable naming the config file (as `--config` does).
pub const CONFIG_VAR: &str = "OKTAPOL_CONFIG";

/// A parsed `oktapol.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigFile {
    /// The file, as shown in messages.
    pub path: PathBuf,
    /// `manifests:`, relative to the working directory.
    pub manifests: Option<PathBuf>,
    /// The top-level `variables:`, shared by every environment.
    pub variables: BTreeMap<String, Value>,
    /// `environments:`, in file order.
    pub environments: Vec<Environment>,
}

/// One entry of `environments:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    /// Its name (`--env NAME`).
    pub name: String,
    /// `org:`: the org URL, or `local`.
    pub org: Option<String>,
    /// `localSeed:`: directory objects for a fresh local org, relative to
    /// the working directory.
    pub local_seed: Option<PathBuf>,
    /// `auth:`.
    pub auth: Option<Auth>,
    /// `variables:`, over the top-level ones.
    pub variables: BTreeMap<String, Value>,
}

/// How an environment authenticates. The secrets themselves come from
/// `OKTA_API_TOKEN`, `OKTA_PRIVATE_KEY` or a key file.
#[derive(Debug, Clone, PartialEq)]
pub struct Auth {
    /// `method:`.
    pub method: AuthMethod,
    /// `clientId:` of the service app (`oauth`).
    pub client_id: Option<String>,
    /// `keyId:` (`kid`) of the service app's key (`oauth`).
    pub key_id: Option<String>,
    /// `privateKeyFile:`, relative to the working directory (`oauth`).
    pub private_key_file: Option<PathBuf>,
}

/// `auth.method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// An API token from `OKTA_API_TOKEN`.
    Token,
    /// An OAuth 2.0 service app (`private_key_jwt`).
    Oauth,
}

/// What a run uses: the config file (if there is one) and the environment
/// selected from it (if any).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Project {
    /// The config file.
    pub file: Option<ConfigFile>,
    /// The environment `--env` selected.
    pub environment: Option<Environment>,
}

impl Project {
    /// Finds and reads the config file (`explicit`, else `oktapol.yaml` in
    /// `cwd` or a parent up to the repository root) and selects the
    /// environment `env`.
    pub fn load(
        explicit: Option<&Path>,
        env: Option<&str>,
        cwd: &Path,
    ) -> Result<Project, ConfigError> {
        let file = match explicit {
            Some(path) => Some(ConfigFile::read(path, path)?),
            None => match find(cwd) {
                Some(found) => {
                    let shown = shown_path(&found, cwd);
                    Some(ConfigFile::read(&found, &shown)?)
                }
                None => None,
            },
        };
        let environment = match (env, &file) {
            (None, _) => None,
            (Some(name), None) => {
                return Err(ConfigError::NoConfigFile {
                    env: name.to_owned(),
                    cwd: display_path(cwd),
                });
            }
            (Some(name), Some(file)) => Some(file.environment(name)?.clone()),
        };
        Ok(Project { file, environment })
    }

    /// The default manifest path (`manifests:`).
    pub fn manifests(&self) -> Option<&Path> {
        self.file.as_ref()?.manifests.as_deref()
    }

    /// The variables manifests are substituted with: the top-level ones,
    /// overridden by those of the selected environment.
    pub fn variables(&self) -> Variables {
        let Some(file) = &self.file else {
            return Variables::default();
        };
        let mut values = file.variables.clone();
        let path = display_path(&file.path);
        let origin = match &self.environment {
            Some(environment) => {
                values.extend(environment.variables.clone());
                format!("environment `{}` of {path}", environment.name)
            }
            None => format!("the top-level variables of {path} (no --env given)"),
        };
        let variables = Variables::new(values, origin);
        match (&self.environment, file.environments.is_empty()) {
            (None, false) => variables.with_undefined_hint(format!(
                "select an environment with --env NAME or {ENV_VAR} ({} defines {})",
                path,
                file.names().join(", ")
            )),
            (Some(environment), _) => variables.with_undefined_hint(format!(
                "define it under `environments.{}.variables` (or the top-level `variables:`) in {path}",
                environment.name
            )),
            (None, true) => variables,
        }
    }

    /// Completes the org settings of the command line and the environment
    /// variables with the selected environment: flags win over environment
    /// variables, which win over the config file. Returns a note when an
    /// environment variable overrides the environment's org.
    pub fn complete(&self, settings: &mut OrgSettings, org_flag: bool) -> Option<String> {
        if let Some(file) = &self.file {
            // The local org lives beside the config file, wherever oktapol runs.
            let dir = file.path.parent().unwrap_or(Path::new(""));
            settings.local_file = dir.join(crate::connect::LOCAL_ORG_FILE);
        }
        let environment = self.environment.as_ref()?;
        let mut note = None;
        match (&settings.org, &environment.org) {
            (None, Some(org)) => settings.org = Some(org.clone()),
            (Some(from_env), Some(org)) if !org_flag && from_env != org => {
                note = Some(format!(
                    "note: {} ({from_env}) overrides the org of environment `{}` ({org})",
                    crate::connect::ORG_URL_VAR,
                    environment.name
                ));
            }
            _ => {}
        }
        if settings.local_seed.is_none() {
            settings.local_seed.clone_from(&environment.local_seed);
        }
        if let Some(auth) = &environment.auth
            && auth.method == AuthMethod::Oauth
            // An API token in the environment wins over the file's service app.
            && settings.token.is_none()
        {
            if settings.client_id.is_none() {
                settings.client_id.clone_from(&auth.client_id);
            }
            if settings.key_id.is_none() {
                settings.key_id.clone_from(&auth.key_id);
            }
            if settings.private_key.is_none() && settings.private_key_file.is_none() {
                settings.private_key_file.clone_from(&auth.private_key_file);
            }
        }
        note
    }
}

impl ConfigFile {
    /// Reads and checks the file at `path`, shown in messages as `shown`.
    pub fn read(path: &Path, shown: &Path) -> Result<ConfigFile, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: display_path(shown),
            source,
        })?;
        ConfigFile::parse(shown, &text)
    }

    /// Checks the text of a config file at `path`. Relative paths in it are
    /// taken from the file's directory.
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
        check::parse(path, text)
    }

    /// The environment called `name`.
    pub fn environment(&self, name: &str) -> Result<&Environment, ConfigError> {
        self.environments
            .iter()
            .find(|environment| environment.name == name)
            .ok_or_else(|| {
                let names = self.names();
                ConfigError::UnknownEnvironment {
                    name: name.to_owned(),
                    path: display_path(&self.path),
                    suggestion: crate::spelling::closest(name, names.iter().map(String::as_str))
                        .map(|close| format!("did you mean `--env {close}`? ")),
                    known: if names.is_empty() {
                        "it defines no `environments:`".to_owned()
                    } else {
                        format!("it defines {}", names.join(", "))
                    },
                }
            })
    }

    /// The environments' names, in file order.
    pub fn names(&self) -> Vec<String> {
        self.environments.iter().map(|e| e.name.clone()).collect()
    }
}

/// `oktapol.yaml` in `start` or the nearest parent that has one, up to the
/// repository root (the first directory with `.git`); `None` when there is
/// none.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        // Past the repository's root lies someone else's directory.
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// `oktapol.yaml` when it is in `cwd`, else the path found.
fn shown_path(found: &Path, cwd: &Path) -> PathBuf {
    let here = std::path::absolute(cwd).ok();
    match (found.parent(), here) {
        (Some(dir), Some(here)) if dir == here => PathBuf::from(FILE_NAME),
        _ => found.to_path_buf(),
    }
}

#[cfg(test)]
mod tests;
