//! Markdown output of `validate`, meant to be posted as a pull-request
//! comment: a verdict line, then a table of findings with their fixes.

use super::{Resolved, Summary, verdict};
use crate::finding::Severity;

pub fn render(findings: &[Resolved], summary: Summary) -> String {
    let icon = if summary.errors > 0 {
        "❌"
    } else if summary.warnings > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let mut out = format!("### {icon} oktapol validate: {}\n\n", verdict(summary));
    if findings.is_empty() {
        return out;
    }
    out.push_str("| | Code | Location | Problem | Fix |\n|---|---|---|---|---|\n");
    for finding in findings {
        let mark = match finding.severity {
            Severity::Error => "❌ error",
            Severity::Warning => "⚠️ warning",
            Severity::Info => "ℹ️ info",
        };
        let location = match (&finding.file, finding.line, finding.column) {
            (Some(file), Some(line), Some(column)) => format!("`{file}:{line}:{column}`"),
            (Some(file), _, _) => format!("`{file}`"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "| {mark} | `{}` | {location} | {} | {} |\n",
            finding.code,
            cell(&finding.message),
            cell(finding.hint.as_deref().unwrap_or(""))
        ));
    }
    out
}

/// Escapes a table cell: pipes and newlines would break the table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', "<br>")
}
