//! JUnit XML output of `oktapol test`, the format CI systems (GitLab,
//! Jenkins, GitHub test reporters) read: one `<testsuite>` for the case
//! file, one `<testcase>` per case, a `<failure>` with the one-line
//! summary as its message and every detail as its text. Written by hand:
//! the format is small, and the only subtle part — escaping, including
//! characters XML 1.0 cannot carry at all — is [`escape_xml`].

use super::{TestReport, failure_details, failure_summary};

pub fn render(report: &TestReport) -> String {
    let summary = report.summary();
    let suite = &report.cases_file;
    let class = class_name(suite);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"oktapol test\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
        summary.total, summary.failed
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
        attribute(suite),
        summary.total,
        summary.failed
    ));
    out.push_str(&format!(
        "    <properties>\n      <property name=\"manifests\" value=\"{}\"/>\n    </properties>\n",
        attribute(&report.manifests)
    ));
    for result in &report.results {
        let open = format!(
            "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
            attribute(&result.name),
            attribute(&class),
            attribute(&result.location.file),
            result.location.line
        );
        if result.passed {
            out.push_str(&open);
            out.push_str("/>\n");
            continue;
        }
        let kind = if result.expectations.iter().any(|e| e.error.is_some()) {
            "not-evaluated"
        } else {
            "mismatch"
        };
        let details: Vec<String> = failure_details(result)
            .iter()
            .map(|detail| detail.text())
            .collect();
        out.push_str(&open);
        out.push_str(">\n");
        out.push_str(&format!(
            "      <failure message=\"{}\" type=\"{kind}\">{}</failure>\n",
            attribute(&failure_summary(result)),
            escape_xml(&details.join("\n"))
        ));
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The class name CI tools group test cases by: the case file's name
/// without directories or extension (dots would read as packages).
fn class_name(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file
        .strip_suffix(".yaml")
        .or_else(|| file.strip_suffix(".yml"))
        .unwrap_or(file);
    format!("oktapol.test.{}", stem.replace('.', "_"))
}

/// Text for XML character data: markup characters escaped, and the
/// characters XML 1.0 forbids even escaped (control characters other than
/// tab and line breaks, U+FFFE, U+FFFF) shown as `\u{…}`.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:04X}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for an attribute value: as [`escape_xml`], with line breaks and
/// tabs as character references, which attribute normalisation would
/// otherwise turn into spaces.
fn attribute(text: &str) -> String {
    escape_xml(text)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape_xml(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;"
        );
        assert_eq!(escape_xml("]]>"), "]]&gt;");
    }

    #[test]
    fn characters_xml_cannot_carry_are_shown_not_written() {
        assert_eq!(
            escape_xml("a\u{1b}[31mb\u{0}c"),
            "a\\u{001B}[31mb\\u{0000}c"
        );
        assert_eq!(escape_xml("\u{FFFF}"), "\\u{FFFF}");
        assert_eq!(escape_xml("tab\tline\nbreak"), "tab\tline\nbreak");
        assert_eq!(escape_xml("émoji 🔐"), "émoji 🔐");
    }

    #[test]
    fn attributes_keep_line_breaks() {
        assert_eq!(attribute("a\nb\t\"c\""), "a&#10;b&#9;&quot;c&quot;");
    }

    #[test]
    fn class_names_have_no_dots_or_directories() {
        assert_eq!(
            class_name("examples/cases/quickstart.yaml"),
            "oktapol.test.quickstart"
        );
        assert_eq!(class_name("v1.2.yml"), "oktapol.test.v1_2");
    }
}
