//! `oktapol mfa-report`: the MFA picture per group, offline, from the
//! manifests. They are validated first; invalid manifests are reported as
//! `validate` reports them and exit 1.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::Config;
use crate::error::Error;
use crate::finding::Severity;
use crate::manifest::source::display_path;
use crate::mfa::report::{self, ReportFormat};
use crate::report::Format;

/// `oktapol mfa-report` flags.
#[derive(Debug, clap::Args)]
pub struct MfaReportArgs {
    /// A manifest file, or a directory searched recursively for *.yaml / *.yml.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// Runs `oktapol mfa-report`.
pub fn run(
    args: &MfaReportArgs,
    config: &Config,
    print: &dyn Fn(&str) -> Result<(), Error>,
) -> Result<ExitCode, Error> {
    let validation = config.validate(&args.path);
    if validation.has(Severity::Error) {
        let format = match args.format {
            ReportFormat::Json => Format::Json,
            ReportFormat::Human | ReportFormat::Markdown => Format::Human,
        };
        print(&crate::report::render(format, &validation, config.style))?;
        return Ok(ExitCode::from(1));
    }
    let report = report::build(&validation.set, &display_path(&args.path));
    print(&report::render(&report, args.format))?;
    Ok(ExitCode::SUCCESS)
}
