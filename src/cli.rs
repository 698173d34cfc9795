//! The command line: clap structures for every subcommand ("low args"),
//! turned into resolved settings ("high args") and run. Exit codes follow
//! DESIGN.md: 0 success, 1 errors or invalid input, 2 changes present,
//! 3 partial apply.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::finding::Severity;
use crate::report::{self, Format, Style};
use crate::validate;

/// Declarative policy-as-code for Okta: keep sign-on, password, MFA
/// enrollment, IdP discovery, access, profile enrollment, entity risk,
/// post-auth session and authorization-server policies as YAML in git.
#[derive(Debug, Parser)]
#[command(name = "oktapol", version, about, long_about = None, propagate_version = true)]
pub struct Args {
    /// When to colour output: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests against the schema and Okta's rules, offline.
    #[command(
        after_help = "Examples:\n  oktapol validate policies/\n  oktapol validate --format github policies/\n  oktapol validate --format sarif policies/ > oktapol.sarif"
    )]
    Validate {
        /// A manifest file, or a directory searched recursively for *.yaml / *.yml (hidden directories are skipped).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Print the manifest JSON Schema (draft 2020-12).
    Schema,
    /// Print the list of finding codes (Markdown).
    Codes,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(1),
            };
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(1)
        }
    }
}

/// Settings resolved from the command line and the environment ("high
/// args"): what the commands actually consult.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// How human output is styled.
    pub style: Style,
}

impl Config {
    /// Resolves the global flags against the environment.
    pub fn from_args(args: &Args) -> Self {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
            }
        };
        Config {
            style: Style { color },
        }
    }
}

/// Runs a parsed command.
pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let config = Config::from_args(args);
    match &args.command {
        Command::Validate {
            path,
            format,
            strict,
        } => {
            let validation = validate::validate_path(path);
            print(&report::render(*format, &validation, config.style))?;
            let failed =
                validation.has(Severity::Error) || (*strict && validation.has(Severity::Warning));
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Schema => {
            print(&crate::schema::render())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Codes => {
            print(&crate::finding::codes_markdown())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print(text: &str) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // A closed pipe (`oktapol validate | head`) is not an error worth reporting.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Error::Output(error)),
    }
}
