//! Rendering a test run for people and tools: a PASS/FAIL table with the
//! details of each failure for a terminal, a versioned JSON document,
//! JUnit XML for CI test reports, Markdown for a pull-request comment and
//! GitHub workflow annotations. What a failure says is worded once
//! ([`failure_details`]) so every format says the same thing.

mod github;
mod human;
mod json;
mod junit;
mod markdown;

use std::str::FromStr;

use serde::Serialize;

use crate::report::Style;

use super::check::{CaseResult, ExpectationResult};
use super::error::CaseFileError;

pub use json::{TEST_JSON_KIND, TEST_JSON_VERSION};
pub use junit::escape_xml;

/// Output formats of `oktapol test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    /// A PASS/FAIL line per case, the details of each failure below it.
    Human,
    /// One JSON document (format version 1).
    Json,
    /// JUnit XML: one testcase per case, for CI test reports.
    Junit,
    /// A Markdown table for a pull-request comment.
    Markdown,
    /// GitHub Actions annotations on the failing cases.
    Github,
}

impl FromStr for TestFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        <TestFormat as clap::ValueEnum>::from_str(text, true)
    }
}

/// A whole test run: which cases ran against which manifests, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestReport {
    /// The manifest path, as given.
    pub manifests: String,
    /// The case file, as given.
    pub cases_file: String,
    pub results: Vec<CaseResult>,
}

/// Counts of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
}

impl TestReport {
    pub fn summary(&self) -> Summary {
        let passed = self.results.iter().filter(|r| r.passed).count();
        Summary {
            total: self.results.len(),
            passed,
            failed: self.results.len() - passed,
        }
    }

    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.results.iter().all(|r| r.passed)
    }
}

/// Renders a run in `format`; `style` colours the human format only.
pub fn render(report: &TestReport, format: TestFormat, style: Style) -> String {
    match format {
        TestFormat::Human => human::render(report, style),
        TestFormat::Json => json::render(report),
        TestFormat::Junit => junit::render(report),
        TestFormat::Markdown => markdown::render(report),
        TestFormat::Github => github::render(report),
    }
}

/// Renders the problems of a case file in `format` (JUnit has no place
/// for them: they are rendered as human text, for standard error).
pub fn render_errors(error: &CaseFileError, format: TestFormat) -> String {
    match format {
        TestFormat::Json => json::render_errors(error),
        TestFormat::Github => github::render_errors(error),
        TestFormat::Human | TestFormat::Junit | TestFormat::Markdown => format!("{error}\n"),
    }
}

/// "1 case", "2 cases".
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The closing line shared by the text formats.
fn verdict(summary: Summary) -> String {
    format!(
        "{}: {} passed, {} failed",
        plural(summary.total, "case"),
        summary.passed,
        summary.failed
    )
}

/// One line of a failure's explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// What applied for a failed expectation, e.g. `signOn: "Contractors",
    /// rule "Anywhere else" applied`.
    Heading(String),
    /// An expected value that did not come out.
    Mismatch {
        key: String,
        expected: String,
        actual: String,
    },
    /// Why the expected policy or rule did not apply.
    Why(String),
    /// What the evaluation assumed or could not tell.
    Note(String),
    /// The target could not be evaluated.
    Error(String),
}

impl Detail {
    /// The detail as plain text, without indentation.
    pub fn text(&self) -> String {
        match self {
            Detail::Heading(text) => text.clone(),
            Detail::Mismatch {
                key,
                expected,
                actual,
            } => format!("{key}: expected {expected}, got {actual}"),
            Detail::Why(text) => format!("why: {text}"),
            Detail::Note(text) => format!("note: {text}"),
            Detail::Error(text) => format!("error: {text}"),
        }
    }
}

/// The heading of an expectation's result: which policy and rule applied.
fn heading(result: &ExpectationResult) -> String {
    let target = match &result.server {
        Some(server) => format!("{} ({server})", result.target),
        None => result.target.to_string(),
    };
    match (&result.error, &result.matched) {
        (Some(_), _) => format!("{target}: not evaluated"),
        (None, Some(m)) => format!("{target}: {:?}, rule {:?} applied", m.policy, m.rule),
        (None, None) if result.target == super::model::Target::AppSignIn => {
            format!("{target}: the union of the global session and the access policy")
        }
        (None, None) => format!("{target}: no policy applied"),
    }
}

/// What went wrong in a failed case, expectation by expectation; empty for
/// a passed case.
pub fn failure_details(result: &CaseResult) -> Vec<Detail> {
    let mut details = Vec::new();
    for expectation in result.expectations.iter().filter(|e| !e.passed) {
        details.push(Detail::Heading(heading(expectation)));
        if let Some(error) = &expectation.error {
            details.push(Detail::Error(error.clone()));
        }
        for check in expectation.checks.iter().filter(|c| !c.passed) {
            details.push(Detail::Mismatch {
                key: check.key.clone(),
                expected: check.expected_text.clone(),
                actual: check.actual_text.clone(),
            });
        }
        if let Some(why) = &expectation.why {
            details.push(Detail::Why(why.clone()));
        }
        details.extend(expectation.notes.iter().cloned().map(Detail::Note));
    }
    details
}

/// The first mismatch of a failed case in one line, e.g. for JUnit's
/// `message` attribute.
pub fn failure_summary(result: &CaseResult) -> String {
    let Some(expectation) = result.expectations.iter().find(|e| !e.passed) else {
        return String::new();
    };
    if let Some(error) = &expectation.error {
        return format!("{}: {error}", expectation.target);
    }
    match expectation.checks.iter().find(|c| !c.passed) {
        Some(check) => format!(
            "{}: {}: expected {}, got {}",
            expectation.target, check.key, check.expected_text, check.actual_text
        ),
        None => format!("{}: failed", expectation.target),
    }
}
