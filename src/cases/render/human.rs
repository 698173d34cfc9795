//! Human output of `oktapol test`: one PASS/FAIL line per case, the
//! details of each failure indented below it, and the counts. Coloured
//! only when the style says so.

use super::{Detail, TestReport, failure_details, verdict};
use crate::report::Style;

#[derive(Debug, Clone, Copy)]
enum Paint {
    Green,
    Red,
    Yellow,
    Bold,
    Dim,
}

fn paint(style: Style, paint: Paint, text: &str) -> String {
    if !style.color {
        return text.to_owned();
    }
    let code = match paint {
        Paint::Green => "32",
        Paint::Red => "1;31",
        Paint::Yellow => "33",
        Paint::Bold => "1",
        Paint::Dim => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

pub fn render(report: &TestReport, style: Style) -> String {
    let mut out = format!(
        "oktapol test: {} against {}\n\n",
        report.cases_file, report.manifests
    );
    for result in &report.results {
        if result.passed {
            out.push_str(&format!(
                "{}  {}\n",
                paint(style, Paint::Green, "PASS"),
                result.name
            ));
            continue;
        }
        out.push_str(&format!(
            "{}  {}  {}\n",
            paint(style, Paint::Red, "FAIL"),
            paint(style, Paint::Bold, &result.name),
            paint(style, Paint::Dim, &result.location.to_string())
        ));
        for detail in failure_details(result) {
            let line = match &detail {
                Detail::Heading(text) => format!("      {text}"),
                Detail::Mismatch { .. } => {
                    format!(
                        "        {} {}",
                        paint(style, Paint::Red, "✗"),
                        detail.text()
                    )
                }
                Detail::Error(_) => format!(
                    "        {} {}",
                    paint(style, Paint::Red, "✗"),
                    detail.text()
                ),
                Detail::Why(_) => {
                    format!("        {}", paint(style, Paint::Yellow, &detail.text()))
                }
                Detail::Note(_) => format!("        {}", paint(style, Paint::Dim, &detail.text())),
            };
            out.push_str(&line);
            out.push('\n');
        }
    }
    let summary = report.summary();
    let line = verdict(summary);
    out.push('\n');
    out.push_str(&if summary.failed == 0 {
        paint(style, Paint::Green, &line)
    } else {
        paint(style, Paint::Red, &line)
    });
    out.push('\n');
    out
}
