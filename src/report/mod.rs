//! Rendering a validation result: the findings are resolved to file, line
//! and column once, then written as human text (miette-style snippets),
//! JSON, Markdown (for a pull-request comment), GitHub workflow annotations
//! or SARIF 2.1.0 (for code scanning). Renderers only read; they never
//! re-validate.

mod github;
mod human;
mod json;
mod markdown;
mod sarif;

use std::str::FromStr;

use serde::Serialize;

use crate::finding::{Code, Finding, Location, Severity};
use crate::manifest::source::{Position, Sources};
use crate::validate::Validation;

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with a caret under each problem.
    Human,
    /// One JSON document (schema version 1).
    Json,
    /// A Markdown summary for a pull-request comment.
    Markdown,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        <Format as clap::ValueEnum>::from_str(text, true)
    }
}

/// Rendering switches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colours (human format on a terminal only).
    pub color: bool,
}

/// A finding with its location resolved to text coordinates.
#[derive(Debug, Clone, Serialize)]
pub struct Resolved {
    pub code: Code,
    pub severity: Severity,
    pub title: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<ResolvedRelated>,
}

/// A related location, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct ResolvedRelated {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// Totals for the summary line.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

/// The position a location resolves to, if it has one.
pub fn position_of(sources: &Sources, location: &Location) -> Option<Position> {
    match location {
        Location::Node {
            file,
            pointer,
            anchor,
        } => Some(sources.get(*file).locate(pointer, *anchor)),
        Location::Position { position, .. } => Some(*position),
        Location::File { .. } => Some(Position::START),
        Location::None => None,
    }
}

fn resolve_location(sources: &Sources, location: &Location) -> (Option<String>, Option<Position>) {
    let file = location.file().map(|id| sources.get(id).display_path());
    (file, position_of(sources, location))
}

/// Resolves every finding's location.
pub fn resolve(sources: &Sources, findings: &[Finding]) -> Vec<Resolved> {
    findings
        .iter()
        .map(|finding| {
            let (file, position) = resolve_location(sources, &finding.location);
            Resolved {
                code: finding.code,
                severity: finding.severity,
                title: finding.code.info().title,
                message: finding.message.clone(),
                hint: finding.hint.clone(),
                file,
                line: position.map(|p| p.line),
                column: position.map(|p| p.column),
                related: finding
                    .related
                    .iter()
                    .map(|(location, message)| {
                        let (file, position) = resolve_location(sources, location);
                        ResolvedRelated {
                            message: message.clone(),
                            file,
                            line: position.map(|p| p.line),
                            column: position.map(|p| p.column),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Totals of a validation.
pub fn summary(validation: &Validation) -> Summary {
    Summary {
        files: validation.sources.len(),
        errors: validation.count(Severity::Error),
        warnings: validation.count(Severity::Warning),
        infos: validation.count(Severity::Info),
    }
}

/// Renders a validation result in the chosen format.
pub fn render(format: Format, validation: &Validation, style: Style) -> String {
    let resolved = resolve(&validation.sources, &validation.findings);
    let summary = summary(validation);
    match format {
        Format::Human => human::render(validation, &resolved, summary, style),
        Format::Json => json::render(&resolved, summary),
        Format::Markdown => markdown::render(&resolved, summary),
        Format::Github => github::render(&resolved, summary),
        Format::Sarif => sarif::render(&resolved),
    }
}

/// "1 error", "2 warnings".
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The one-line verdict shared by the text formats.
fn verdict(summary: Summary) -> String {
    let files = plural(summary.files, "file");
    if summary.errors == 0 && summary.warnings == 0 {
        format!("{files} valid, no findings")
    } else {
        format!(
            "{}, {} in {files}",
            plural(summary.errors, "error"),
            plural(summary.warnings, "warning")
        )
    }
}
