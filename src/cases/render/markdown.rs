//! Markdown output of `oktapol test`, for a pull-request comment: the
//! verdict, a table of cases with their result, and each failure's details
//! in a collapsible block.

use super::{TestReport, failure_details, failure_summary, verdict};

/// A hidden first line, for workflows that find and update their comment.
pub const COMMENT_MARKER: &str = "<!-- oktapol test -->";

pub fn render(report: &TestReport) -> String {
    let summary = report.summary();
    let icon = if summary.failed == 0 { "✅" } else { "❌" };
    let mut out = format!("{COMMENT_MARKER}\n");
    out.push_str(&format!(
        "### {icon} oktapol test: {}\n\n",
        escape(&verdict(summary))
    ));
    out.push_str(&format!(
        "Cases <code>{}</code> against <code>{}</code>.\n\n",
        escape(&report.cases_file),
        escape(&report.manifests)
    ));
    out.push_str("| Result | Case | First difference |\n|---|---|---|\n");
    for result in &report.results {
        let (mark, first) = if result.passed {
            ("✅ pass", String::new())
        } else {
            ("❌ fail", failure_summary(result))
        };
        out.push_str(&format!(
            "| {mark} | {} | {} |\n",
            escape(&result.name),
            escape(&first)
        ));
    }
    for result in report.results.iter().filter(|r| !r.passed) {
        out.push_str(&format!(
            "\n<details><summary>❌ {}</summary>\n\n",
            escape(&result.name)
        ));
        for detail in failure_details(result) {
            let indent = if matches!(detail, super::Detail::Heading(_)) {
                ""
            } else {
                "  "
            };
            out.push_str(&format!("{indent}- {}\n", escape(&detail.text())));
        }
        out.push_str("\n</details>\n");
    }
    out
}

/// Text safe inside a table cell or list item: HTML escaped, pipes and
/// Markdown emphasis characters neutralised, line breaks flattened.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '*' | '_' | '`' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(escape("a|b <c> *d*\ne"), "a&#124;b &lt;c&gt; \\*d\\* e");
    }
}
