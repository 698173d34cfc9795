//! Checking `oktapol.yaml`. The YAML is parsed as manifests are (same
//! safety limits, duplicate keys refused), then every key is checked
//! against what its place allows and every value against its type,
//! collecting all problems; like manifest findings, a problem names a JSON
//! pointer and its line and column are looked up in the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::NamedSource;
use serde_json::{Map, Value};

use super::{Auth, AuthMethod, ConfigError, ConfigFile, ConfigProblem, Environment};
use crate::client::OrgUrl;
use crate::finding::{Anchor, Code, Location};
use crate::manifest::source::{Position, SourceFile, display_path};
use crate::manifest::variables::is_valid_name;

const ROOT_KEYS: &[&str] = &["manifests", "variables", "environments"];
const ENVIRONMENT_KEYS: &[&str] = &["org", "auth", "variables", "localSeed", "description"];
const AUTH_KEYS: &[&str] = &["method", "clientId", "keyId", "privateKeyFile"];
const SERVICE_APP_KEYS: &[&str] = &["clientId", "keyId", "privateKeyFile"];

/// Parses and checks a config file; see [`ConfigFile::parse`].
pub(super) fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    let mut checker = Checker {
        path,
        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        problems: Vec::new(),
        secret_found: false,
    };
    let value = match crate::manifest::load::parse(0, text) {
        Ok(value) => value,
        // An empty file configures nothing.
        Err(finding) if finding.code == Code::EmptyFile => Value::Object(Map::new()),
        Err(finding) => {
            let position = match finding.location {
                Location::Position { position, .. } => position,
                _ => Position::START,
            };
            let problem = Problem {
                at: At::Position(position),
                message: finding.message,
                help: finding.hint,
            };
            return Err(checker.error(text, vec![problem]));
        }
    };
    checker.secrets(&value, &mut String::new());
    let config = checker.root(&value);
    if checker.problems.is_empty() {
        Ok(config)
    } else {
        let problems = std::mem::take(&mut checker.problems);
        Err(checker.error(text, problems))
    }
}

/// Where a problem is.
enum At {
    /// The value at a JSON pointer, or its key.
    Node(String, Anchor),
    /// A known position (YAML syntax errors).
    Position(Position),
}

struct Problem {
    at: At,
    message: String,
    help: Option<String>,
}

struct Checker<'p> {
    /// The file as shown.
    path: &'p Path,
    /// Its directory: relative paths in the file start there.
    dir: PathBuf,
    problems: Vec<Problem>,
    /// Whether the file holds a secret: then no snippet of it is shown.
    secret_found: bool,
}

impl Checker<'_> {
    fn problem(&mut self, pointer: &str, anchor: Anchor, message: String, help: Option<String>) {
        self.problems.push(Problem {
            at: At::Node(pointer.to_owned(), anchor),
            message,
            help,
        });
    }

    fn file_name(&self) -> String {
        display_path(self.path)
    }

    /// The error of every problem, at its line and column.
    fn error(&self, text: &str, problems: Vec<Problem>) -> ConfigError {
        let path = self.file_name();
        let source = SourceFile::new(self.path.to_path_buf(), text.to_owned());
        let mut located: Vec<(Position, ConfigProblem)> = problems
            .into_iter()
            .map(|problem| {
                let (position, key) = match &problem.at {
                    At::Node(pointer, anchor) => {
                        (source.locate(pointer, *anchor), *anchor == Anchor::Key)
                    }
                    At::Position(position) => (*position, false),
                };
                let offset = source.byte_offset(position).min(text.len());
                let line = text[offset..].lines().next().unwrap_or_default();
                let token = if key {
                    line.split(':').next().unwrap_or(line)
                } else {
                    line
                };
                let len = token.trim_end().len().clamp(1, 80).min(text.len() - offset);
                (
                    position,
                    ConfigProblem {
                        message: format!(
                            "{path}:{}:{}: {}",
                            position.line, position.column, problem.message
                        ),
                        help: problem.help,
                        source_code: (!self.secret_found)
                            .then(|| NamedSource::new(path.clone(), text.to_owned())),
                        span: (!self.secret_found).then(|| (offset, len).into()),
                    },
                )
            })
            .collect();
        located.sort_by_key(|(position, _)| *position);
        ConfigError::Invalid {
            path,
            problems: located.into_iter().map(|(_, problem)| problem).collect(),
        }
    }

    /// Every string that looks like a secret, wherever it is.
    fn secrets(&mut self, value: &Value, pointer: &mut String) {
        match value {
            Value::String(text) => {
                if let Some(what) = secret_value(text) {
                    self.secret_found = true;
                    let message = format!(
                        "this value looks like {what}, and {} belongs in git: it holds no secrets",
                        self.file_name()
                    );
                    self.problem(
                        pointer,
                        Anchor::Value,
                        message,
                        Some(SECRET_HELP.to_owned()),
                    );
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{index}"));
                    self.secrets(item, pointer);
                    pointer.truncate(len);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape(key));
                    self.secrets(item, pointer);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// Checks a mapping's keys: unknown keys (with a "did you mean") and
    /// secret-looking ones are problems.
    fn keys<'v>(
        &mut self,
        value: &'v Value,
        pointer: &str,
        allowed: &[&str],
        place: &str,
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = value else {
            self.problem(
                pointer,
                Anchor::Value,
                format!("{place} must be a mapping (`key: value` lines)"),
                None,
            );
            return None;
        };
        for key in map.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let at = format!("{pointer}/{}", escape(key));
            if let Some(help) = secret_key(key) {
                self.secret_found = true;
                let message = format!(
                    "`{key}` looks like a secret, and {} belongs in git: oktapol reads secrets only from environment variables or files",
                    self.file_name()
                );
                self.problem(&at, Anchor::Key, message, Some(help.to_owned()));
                continue;
            }
            let help = match crate::spelling::closest(key, allowed.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the keys allowed here are {}", allowed.join(", ")),
            };
            self.problem(
                &at,
                Anchor::Key,
                format!("unknown key `{key}` in {place}"),
                Some(help),
            );
        }
        Some(map)
    }

    fn string(&mut self, value: &Value, pointer: &str, what: &str) -> Option<String> {
        match value {
            Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
            _ => {
                self.problem(
                    pointer,
                    Anchor::Value,
                    format!("{what} must be a non-empty string"),
                    None,
                );
                None
            }
        }
    }

    /// A path from the file's directory; `~/` is the home directory.
    fn relative_path(&mut self, value: &Value, pointer: &str, what: &str) -> Option<PathBuf> {
        let text = self.string(value, pointer, what)?;
        if let Some(rest) = text.strip_prefix("~/")
            && let Some(home) = std::env::var_os("HOME")
        {
            return Some(PathBuf::from(home).join(rest));
        }
        Some(self.dir.join(text))
    }

    fn root(&mut self, value: &Value) -> ConfigFile {
        let mut config = ConfigFile {
            path: self.path.to_path_buf(),
            manifests: None,
            variables: BTreeMap::new(),
            environments: Vec::new(),
        };
        let Some(map) = self.keys(value, "", ROOT_KEYS, "the config file") else {
            return config;
        };
        if let Some(manifests) = map.get("manifests") {
            config.manifests = self.relative_path(manifests, "/manifests", "`manifests`");
        }
        if let Some(variables) = map.get("variables") {
            config.variables = self.variables(variables, "/variables");
        }
        match map.get("environments") {
            None => {}
            Some(Value::Object(environments)) => {
                for (name, environment) in environments {
                    let pointer = format!("/environments/{}", escape(name));
                    if let Some(environment) = self.environment(name, environment, &pointer) {
                        config.environments.push(environment);
                    }
                }
            }
            Some(_) => self.problem(
                "/environments",
                Anchor::Value,
                "`environments` must be a mapping of environment names to their settings"
                    .to_owned(),
                None,
            ),
        }
        config
    }

    fn environment(&mut self, name: &str, value: &Value, pointer: &str) -> Option<Environment> {
        let place = format!("environment `{name}`");
        let map = self.keys(value, pointer, ENVIRONMENT_KEYS, &place)?;
        let mut environment = Environment {
            name: name.to_owned(),
            org: None,
            local_seed: None,
            auth: None,
            variables: BTreeMap::new(),
        };
        if let Some(org) = map.get("org") {
            let at = format!("{pointer}/org");
            environment.org = self.string(org, &at, "`org`");
            if let Some(url) = environment.org.as_deref().filter(|url| *url != "local")
                && let Err(error) = OrgUrl::parse(url)
            {
                self.problem(
                    &at,
                    Anchor::Value,
                    error.to_string(),
                    Some("write the org's URL (`https://acme.okta.com`), or `local` for the embedded local org".to_owned()),
                );
            }
        }
        if let Some(seed) = map.get("localSeed") {
            environment.local_seed =
                self.relative_path(seed, &format!("{pointer}/localSeed"), "`localSeed`");
        }
        if let Some(description) = map.get("description") {
            self.string(
                description,
                &format!("{pointer}/description"),
                "`description`",
            );
        }
        if let Some(auth) = map.get("auth") {
            environment.auth = self.auth(auth, &format!("{pointer}/auth"), name);
        }
        if let Some(variables) = map.get("variables") {
            environment.variables = self.variables(variables, &format!("{pointer}/variables"));
        }
        Some(environment)
    }

    fn auth(&mut self, value: &Value, pointer: &str, environment: &str) -> Option<Auth> {
        let place = format!("the `auth` of environment `{environment}`");
        let map = self.keys(value, pointer, AUTH_KEYS, &place)?;
        let method = match map.get("method") {
            None => {
                self.problem(
                    pointer,
                    Anchor::Value,
                    format!("{place} needs `method: token` or `method: oauth`"),
                    None,
                );
                None
            }
            Some(Value::String(method)) if method == "token" => Some(AuthMethod::Token),
            Some(Value::String(method)) if method == "oauth" => Some(AuthMethod::Oauth),
            Some(_) => {
                self.problem(
                    &format!("{pointer}/method"),
                    Anchor::Value,
                    "`method` is `token` (OKTA_API_TOKEN) or `oauth` (a service app)".to_owned(),
                    None,
                );
                None
            }
        };
        let mut auth = Auth {
            method: method.unwrap_or(AuthMethod::Token),
            client_id: None,
            key_id: None,
            private_key_file: None,
        };
        if method == Some(AuthMethod::Token) {
            for key in SERVICE_APP_KEYS
                .iter()
                .filter(|key| map.contains_key(**key))
            {
                self.problem(
                    &format!("{pointer}/{key}"),
                    Anchor::Key,
                    format!("`{key}` belongs to a service app, but `method` is `token`"),
                    Some("write `method: oauth`, or remove the key".to_owned()),
                );
            }
        }
        if let Some(id) = map.get("clientId") {
            auth.client_id = self.string(id, &format!("{pointer}/clientId"), "`clientId`");
        }
        if let Some(id) = map.get("keyId") {
            auth.key_id = self.string(id, &format!("{pointer}/keyId"), "`keyId`");
        }
        if let Some(file) = map.get("privateKeyFile") {
            auth.private_key_file = self.relative_path(
                file,
                &format!("{pointer}/privateKeyFile"),
                "`privateKeyFile`",
            );
        }
        method.map(|_| auth)
    }

    /// A `variables:` mapping, flattened to dotted names: nested mappings
    /// and dotted keys are the same (`groups: {admins: X}` is
    /// `groups.admins: X`).
    fn variables(&mut self, value: &Value, pointer: &str) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        if matches!(value, Value::Object(_)) {
            self.flatten(value, pointer, "", &mut out);
        } else {
            self.problem(
                pointer,
                Anchor::Value,
                "`variables` must be a mapping of names to values".to_owned(),
                None,
            );
        }
        out
    }

    fn flatten(
        &mut self,
        value: &Value,
        pointer: &str,
        prefix: &str,
        out: &mut BTreeMap<String, Value>,
    ) {
        let Value::Object(map) = value else {
            return;
        };
        for (key, item) in map {
            let at = format!("{pointer}/{}", escape(key));
            let name = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            if !is_valid_name(&name) {
                self.problem(
                    &at,
                    Anchor::Key,
                    format!("`{key}` is not a variable name"),
                    Some("variable names are letters, digits, `_` and `-`, in dot-separated parts (`groups.admins`)".to_owned()),
                );
                continue;
            }
            match item {
                Value::Object(_) => self.flatten(item, &at, &name, out),
                Value::Null => self.problem(
                    &at,
                    Anchor::Value,
                    format!("variable `{name}` has no value"),
                    Some("give it a value, or remove it".to_owned()),
                ),
                Value::Array(items)
                    if items.iter().any(|item| {
                        matches!(item, Value::Array(_) | Value::Object(_) | Value::Null)
                    }) =>
                {
                    self.problem(
                        &at,
                        Anchor::Value,
                        format!("variable `{name}` is a list of lists or mappings"),
                        Some("a list variable holds strings, numbers or booleans".to_owned()),
                    );
                }
                _ => {
                    if out.insert(name.clone(), item.clone()).is_some() {
                        self.problem(
                            &at,
                            Anchor::Key,
                            format!("variable `{name}` is defined twice (once with dots in its key, once nested)"),
                            Some("keep one of them".to_owned()),
                        );
                    }
                }
            }
        }
    }
}

const SECRET_HELP: &str = "remove it, and set OKTA_API_TOKEN, or OKTA_PRIVATE_KEY (or `privateKeyFile:` pointing at a key file kept out of git) in the environment from your CI secrets";

/// The help for a key that names a secret, if it does.
fn secret_key(key: &str) -> Option<&'static str> {
    let normalized: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match normalized.as_str() {
        "token" | "apitoken" | "oktaapitoken" | "ssws" | "accesstoken" => {
            Some("remove it, and set OKTA_API_TOKEN in the environment (in CI, from a secret)")
        }
        "privatekey" | "oktaprivatekey" | "privatekeypem" | "key" | "pem" | "jwk"
        | "clientsecret" | "secret" | "password" => Some(
            "remove it, and set OKTA_PRIVATE_KEY in the environment (in CI, from a secret), or write `privateKeyFile:` with the path of a key file kept out of git",
        ),
        _ => None,
    }
}

/// What a secret-looking value looks like, if it does.
fn secret_value(text: &str) -> Option<&'static str> {
    let trimmed = text.trim();
    if trimmed.contains("PRIVATE KEY-----") {
        return Some("a private key");
    }
    if trimmed.starts_with("SSWS ") || is_okta_api_token(trimmed) {
        return Some("an Okta API token");
    }
    let parts: Vec<&str> = trimmed.split('.').collect();
    if trimmed.starts_with("eyJ") && parts.len() == 3 && parts.iter().all(|p| p.len() >= 4) {
        return Some("a signed token (JWT)");
    }
    None
}

/// Okta's API tokens are `00` and 40 URL-safe characters.
fn is_okta_api_token(text: &str) -> bool {
    text.len() == 42
        && text.starts_with("00")
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
