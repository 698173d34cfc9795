//! `oktapol simulate`'s output: a table (case, kind, what Okta applies,
//! what the manifests give, what the case expects, the verdict) with each
//! disagreement and note below it, or one JSON document for tools. The
//! first line names the org.

use serde::Serialize;
use serde_json::json;

use super::{CaseStatus, RowStatus, SimulateReport, Summary};
use crate::report::Style;

/// The `kind` member of the JSON document.
pub const SIMULATE_JSON_KIND: &str = "oktapol.simulate";
/// The version of the JSON document.
pub const SIMULATE_JSON_VERSION: u32 = 1;

/// Output formats of `oktapol simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimulateFormat {
    /// A table, with every disagreement and note below it.
    Human,
    /// One JSON document (format version 1).
    Json,
}

/// Renders a run.
pub fn render(report: &SimulateReport, format: SimulateFormat, style: Style) -> String {
    match format {
        SimulateFormat::Human => human(report, style),
        SimulateFormat::Json => json(report),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'r> {
    version: u32,
    kind: &'static str,
    passed: bool,
    summary: Summary,
    #[serde(flatten)]
    report: &'r SimulateReport,
}

fn json(report: &SimulateReport) -> String {
    let document = Document {
        version: SIMULATE_JSON_VERSION,
        kind: SIMULATE_JSON_KIND,
        passed: report.passed(),
        summary: report.summary(),
        report,
    };
    let mut text = serde_json::to_string_pretty(&document)
        .unwrap_or_else(|error| json!({ "error": error.to_string() }).to_string());
    text.push('\n');
    text
}

fn paint(style: Style, code: &str, text: &str) -> String {
    if style.color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn verdict(style: Style, word: &str) -> String {
    let code = match word {
        "ok" => "32",
        "not simulatable" => "33",
        _ => "1;31",
    };
    paint(style, code, word)
}

fn human(report: &SimulateReport, style: Style) -> String {
    let mut out = format!(
        "oktapol simulate on {}: Okta's policy simulation of {}, compared with {}\n\n",
        report.org, report.cases_file, report.manifests
    );
    let header = ["CASE", "KIND", "OKTA", "MANIFESTS", "EXPECTED", "RESULT"];
    let mut lines: Vec<[String; 6]> = Vec::new();
    for case in &report.cases {
        if case.rows.is_empty() {
            let word = match case.status {
                CaseStatus::Error => RowStatus::Error.word(),
                _ => RowStatus::NotSimulatable.word(),
            };
            let dash = || "—".to_owned();
            lines.push([
                case.name.clone(),
                dash(),
                dash(),
                dash(),
                dash(),
                word.to_owned(),
            ]);
            continue;
        }
        for (index, row) in case.rows.iter().enumerate() {
            let cell =
                |side: &Option<super::Side>| side.as_ref().map_or("—".to_owned(), |s| s.text());
            lines.push([
                if index == 0 {
                    case.name.clone()
                } else {
                    String::new()
                },
                row.target.key().to_owned(),
                cell(&row.okta),
                cell(&row.offline),
                row.expected.as_ref().map_or("—".to_owned(), |e| e.text()),
                row.status.word().to_owned(),
            ]);
        }
    }
    let mut widths = header.map(|h| h.chars().count());
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let pad = |text: &str, width: usize| {
        let fill = width.saturating_sub(text.chars().count());
        format!("{text}{}", " ".repeat(fill))
    };
    let heading: Vec<String> = header.iter().zip(widths).map(|(h, w)| pad(h, w)).collect();
    out.push_str(paint(style, "1", heading.join("  ").trim_end()).as_str());
    out.push('\n');
    for line in &lines {
        let mut cells: Vec<String> = line[..5]
            .iter()
            .zip(widths)
            .map(|(cell, width)| pad(cell, width))
            .collect();
        cells.push(verdict(style, &line[5]));
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }

    let mut details = String::new();
    for case in &report.cases {
        let mut block = Vec::new();
        if let Some(reason) = &case.reason {
            let word = match case.status {
                CaseStatus::Error => paint(style, "1;31", "error"),
                _ => paint(style, "33", "not simulatable"),
            };
            block.push(format!("  {word}: {reason}"));
        }
        for note in &case.notes {
            block.push(format!("  {}", paint(style, "2", &format!("note: {note}"))));
        }
        for row in &case.rows {
            for problem in &row.problems {
                block.push(format!(
                    "  {}: {} {problem}",
                    row.target.key(),
                    paint(style, "1;31", "✗")
                ));
            }
            for note in &row.notes {
                block.push(format!(
                    "  {}: {}",
                    row.target.key(),
                    paint(style, "2", &format!("note: {note}"))
                ));
            }
        }
        if !block.is_empty() {
            details.push_str(&format!(
                "\n{}  {}\n",
                paint(style, "1", &case.name),
                paint(style, "2", &case.location.to_string())
            ));
            for line in block {
                details.push_str(&line);
                details.push('\n');
            }
        }
    }
    out.push_str(&details);

    let summary = report.summary();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    out.push_str(&format!(
        "\n{}: {}, {}, {}, {}\n",
        plural(summary.cases, "case", "cases"),
        plural(summary.agree, "check agrees", "checks agree"),
        plural(summary.mismatches, "mismatch", "mismatches"),
        plural(
            summary.not_simulatable,
            "not simulatable",
            "not simulatable"
        ),
        plural(summary.errors, "error", "errors"),
    ));
    out
}
