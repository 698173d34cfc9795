//! Why `oktapol.yaml` could not be used. Problems inside the file carry
//! `file:line:col` in their message (for logs and CI annotations) and a
//! source snippet for terminals.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use super::{CONFIG_VAR, ENV_VAR, FILE_NAME};

/// A config file that cannot be used.
#[derive(Debug, Error, Diagnostic)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    #[diagnostic(
        code(oktapol::config::read),
        help("check the path given with --config or {CONFIG_VAR}")
    )]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is invalid: {}", summary(problems))]
    #[diagnostic(code(oktapol::config::invalid))]
    Invalid {
        path: String,
        #[related]
        problems: Vec<ConfigProblem>,
    },
    #[error(
        "--env {env} (or {ENV_VAR}) is set, but there is no {FILE_NAME} in {cwd} or a parent directory up to the repository root"
    )]
    #[diagnostic(
        code(oktapol::config::missing),
        help(
            "create {FILE_NAME} with `environments:` at the repository root, or name it with --config FILE"
        )
    )]
    NoConfigFile { env: String, cwd: String },
    #[error("{path} has no environment `{name}`")]
    #[diagnostic(
        code(oktapol::config::environment),
        help("{}{known}", suggestion.as_deref().unwrap_or_default())
    )]
    UnknownEnvironment {
        name: String,
        path: String,
        suggestion: Option<String>,
        known: String,
    },
}

fn summary(problems: &[ConfigProblem]) -> String {
    match problems.len() {
        1 => "1 problem".to_owned(),
        many => format!("{many} problems"),
    }
}

/// One problem at a place in the config file.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(oktapol::config::invalid))]
pub struct ConfigProblem {
    /// `file:line:col: what is wrong`.
    pub message: String,
    #[help]
    pub help: Option<String>,
    /// The file, for a snippet; `None` when the file holds a secret, which
    /// a snippet could show.
    #[source_code]
    pub source_code: Option<NamedSource<String>>,
    #[label("here")]
    pub span: Option<SourceSpan>,
}
