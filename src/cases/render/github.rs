//! GitHub Actions workflow commands for `oktapol test`: an `::error`
//! annotation on each failing case (or on each problem of an invalid case
//! file), so failures show on the pull request's diff.

use super::{TestReport, failure_details, verdict};
use crate::cases::error::CaseFileError;

pub fn render(report: &TestReport) -> String {
    let mut out = String::new();
    for result in report.results.iter().filter(|r| !r.passed) {
        let details: Vec<String> = failure_details(result).iter().map(|d| d.text()).collect();
        out.push_str(&format!(
            "::error file={},line={},col={},title={}::{}\n",
            property(&result.location.file),
            result.location.line,
            result.location.column,
            property(&format!("oktapol test: {}", result.name)),
            data(&details.join("\n"))
        ));
    }
    out.push_str(&format!("oktapol test: {}\n", verdict(report.summary())));
    out
}

pub fn render_errors(error: &CaseFileError) -> String {
    let mut out = String::new();
    for error in &error.errors {
        let mut properties = vec![format!("file={}", property(&error.file))];
        if let (Some(line), Some(column)) = (error.line, error.column) {
            properties.push(format!("line={line},col={column}"));
        }
        properties.push(format!(
            "title={}",
            property("oktapol test: invalid case file")
        ));
        let mut message = error.message.clone();
        if let Some(hint) = &error.hint {
            message.push_str("\nhelp: ");
            message.push_str(hint);
        }
        out.push_str(&format!(
            "::error {}::{}\n",
            properties.join(","),
            data(&message)
        ));
    }
    out
}

/// Escaping for the message part of a workflow command.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a `key=value` property of a workflow command.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
