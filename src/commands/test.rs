//! `oktapol test`: evaluate sign-in cases against the manifests, offline.
//! The manifests are validated first (errors are printed as `validate`
//! prints them), the case file is loaded and checked, then every case runs
//! through the evaluator. Exit 0 when every case passes; 1 when one fails,
//! or the manifests or the case file are invalid.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cases::render::{TestFormat, TestReport, render, render_errors};
use crate::cases::{self, CaseFile};
use crate::cli::Config;
use crate::desired::Desired;
use crate::error::Error;
use crate::evaluate::PolicySet;
use crate::finding::Severity;
use crate::manifest::source::display_path;
use crate::report::{self, Format, Style};

/// `oktapol test` flags.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// A manifest file, or a directory searched recursively for *.yaml / *.yml.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The case file: sign-in contexts and the outcome expected per policy kind.
    #[arg(long, value_name = "FILE")]
    pub cases: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
}

/// The validate format that shows manifest findings in the test's format;
/// `None` for JUnit, whose findings go to standard error as text.
fn findings_format(format: TestFormat) -> Option<Format> {
    match format {
        TestFormat::Human | TestFormat::Markdown => Some(Format::Human),
        TestFormat::Json => Some(Format::Json),
        TestFormat::Github => Some(Format::Github),
        TestFormat::Junit => None,
    }
}

/// Runs `oktapol test`.
pub fn run(
    args: &TestArgs,
    config: &Config,
    print: &dyn Fn(&str) -> Result<(), Error>,
) -> Result<ExitCode, Error> {
    // Stdout carries one document in the machine formats (none in JUnit's:
    // that goes to a report file); other problems go to stderr as text.
    let machine = !matches!(args.format, TestFormat::Human | TestFormat::Markdown);
    let mut stdout_taken = args.format == TestFormat::Junit;
    let validation = config.validate(&args.path);
    let invalid = validation.has(Severity::Error);
    if invalid {
        match findings_format(args.format).filter(|_| !stdout_taken) {
            Some(format) => print(&report::render(format, &validation, config.style))?,
            None => eprint!(
                "{}",
                report::render(Format::Human, &validation, Style::default())
            ),
        }
        stdout_taken |= machine;
    }
    let file: Option<CaseFile> = match cases::load(&args.cases) {
        Ok(file) => Some(file),
        Err(error) if stdout_taken => {
            eprint!("{}", render_errors(&error, TestFormat::Human));
            None
        }
        Err(error) => {
            print(&render_errors(&error, args.format))?;
            None
        }
    };
    let Some(file) = file.filter(|_| !invalid) else {
        return Ok(ExitCode::from(1));
    };
    let manifests = display_path(&args.path);
    let set = PolicySet::from_desired(&Desired::from_set(&validation.set));
    let report = TestReport {
        results: cases::run(&file, &set, &manifests),
        manifests,
        cases_file: display_path(&args.cases),
    };
    print(&render(&report, args.format, config.style))?;
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
