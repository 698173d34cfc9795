//! Errors that stop a command before it can produce its normal output (as
//! opposed to findings, which are the output of `validate`). Each says what
//! went wrong and what to do.

use std::path::PathBuf;

use miette::Diagnostic;
use thiserror::Error;

/// A fatal error of an oktapol command.
#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    /// Writing an output file failed.
    #[error("cannot write {}: {source}", path.display())]
    #[diagnostic(
        code(oktapol::write),
        help("check that the directory exists and is writable")
    )]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing to standard output failed (e.g. a closed pipe).
    #[error("cannot write output: {0}")]
    #[diagnostic(code(oktapol::output))]
    Output(#[source] std::io::Error),
    /// The config file (`oktapol.yaml`) cannot be used.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The org could not be selected or opened.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Connect(#[from] crate::connect::ConnectError),
    /// An API call failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Api(#[from] crate::client::ApiError),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    #[diagnostic(code(oktapol::runtime))]
    Runtime(#[source] std::io::Error),
}
