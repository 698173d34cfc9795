//! JSON output of `oktapol test`: a versioned document with the counts and
//! every case's result (expected and actual values, what applied, why not,
//! notes), or the problems of an invalid case file.

use serde::Serialize;

use super::{Summary, TestReport};
use crate::cases::check::CaseResult;
use crate::cases::error::{CaseError, CaseFileError};

/// Bumped when the document's shape changes incompatibly.
pub const TEST_JSON_VERSION: u32 = 1;

/// The document's `kind`, so tools can tell it from other oktapol output.
pub const TEST_JSON_KIND: &str = "oktapol-test";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    format_version: u32,
    kind: &'static str,
    manifests: &'a str,
    cases_file: &'a str,
    passed: bool,
    summary: Summary,
    results: &'a [CaseResult],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorDocument<'a> {
    format_version: u32,
    kind: &'static str,
    passed: bool,
    errors: &'a [CaseError],
}

pub fn render(report: &TestReport) -> String {
    let document = Document {
        format_version: TEST_JSON_VERSION,
        kind: TEST_JSON_KIND,
        manifests: &report.manifests,
        cases_file: &report.cases_file,
        passed: report.passed(),
        summary: report.summary(),
        results: &report.results,
    };
    finish(serde_json::to_string_pretty(&document))
}

pub fn render_errors(error: &CaseFileError) -> String {
    let document = ErrorDocument {
        format_version: TEST_JSON_VERSION,
        kind: TEST_JSON_KIND,
        passed: false,
        errors: &error.errors,
    };
    finish(serde_json::to_string_pretty(&document))
}

// The documents hold only string-keyed maps, so serialising cannot fail;
// an empty document is the fallback the other renderers use as well.
fn finish(text: serde_json::Result<String>) -> String {
    let mut text = text.unwrap_or_default();
    text.push('\n');
    text
}
