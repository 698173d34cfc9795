//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
//! line per finding, so findings show up as annotations on the pull
//! request's diff.

use super::{Resolved, Summary, verdict};
use crate::finding::Severity;

pub fn render(findings: &[Resolved], summary: Summary) -> String {
    let mut out = String::new();
    for finding in findings {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = Vec::new();
        if let Some(file) = &finding.file {
            properties.push(format!("file={}", escape_property(file)));
        }
        if let Some(line) = finding.line {
            properties.push(format!("line={line}"));
        }
        if let Some(column) = finding.column {
            properties.push(format!("col={column}"));
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("{} {}", finding.code, finding.title))
        ));
        let mut message = finding.message.clone();
        if let Some(hint) = &finding.hint {
            message.push_str("\nhelp: ");
            message.push_str(hint);
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&message)
        ));
    }
    out.push_str(&format!("oktapol validate: {}\n", verdict(summary)));
    out
}

/// Escaping for the message part of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a `key=value` property of a workflow command.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_syntax() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
