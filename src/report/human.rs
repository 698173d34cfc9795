//! Human output of `validate`: each finding as a miette report with the
//! offending source line and a caret, then a one-line verdict.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{Resolved, Style, Summary, verdict};
use crate::finding::Severity;
use crate::manifest::source::{Position, SourceFile};
use crate::validate::Validation;

pub fn render(
    validation: &Validation,
    findings: &[Resolved],
    summary: Summary,
    style: Style,
) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for finding in findings {
        let source = finding_source(validation, finding);
        let report = Report {
            finding,
            source,
            named: source.map(|source| NamedText {
                name: source.display_path(),
                text: &source.text,
            }),
        };
        let mut text = String::new();
        if handler.render_report(&mut text, &report).is_err() {
            text = format!("{}: {}\n", finding.code, finding.message);
        }
        out.push_str(&text);
        out.push('\n');
    }
    out.push_str(&format!("oktapol validate: {}\n", verdict(summary)));
    out
}

/// The file a finding points into, if it is one of the loaded sources.
fn finding_source<'a>(validation: &'a Validation, finding: &Resolved) -> Option<&'a SourceFile> {
    let file = finding.file.as_deref()?;
    validation
        .sources
        .iter()
        .map(|(_, source)| source)
        .find(|source| source.display_path() == file)
}

struct Report<'a> {
    finding: &'a Resolved,
    source: Option<&'a SourceFile>,
    named: Option<NamedText<'a>>,
}

/// A borrowed source text that tells miette its file name, so the snippet
/// header reads `[file:line:col]`.
struct NamedText<'a> {
    name: String,
    text: &'a str,
}

impl SourceCode for NamedText<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let contents = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // miette counts columns in bytes; findings count characters (as the
        // JSON, GitHub and SARIF outputs do). Without context, the column
        // is that of the span's start, so recount it in characters.
        let mut column = contents.column();
        if context_lines_before == 0 && context_lines_after == 0 {
            let end = span.offset().min(self.text.len());
            let start = end.saturating_sub(column);
            column = self
                .text
                .get(start..end)
                .map_or(column, |prefix| prefix.chars().count());
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)?;
        if let (None, Some(file)) = (self.source, &self.finding.file) {
            write!(f, " ({file})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        // Related places in other files cannot be labelled in this snippet,
        // so they are listed after the hint.
        let path = self.source.map(SourceFile::display_path);
        let elsewhere: Vec<String> = self
            .finding
            .related
            .iter()
            .filter(|related| related.file != path || self.source.is_none())
            .map(|related| {
                let place = match (&related.file, related.line, related.column) {
                    (Some(file), Some(line), Some(column)) => format!("{file}:{line}:{column}"),
                    (Some(file), _, _) => file.clone(),
                    _ => String::new(),
                };
                format!("{}: {place}", related.message)
            })
            .collect();
        let mut help = self.finding.hint.clone().unwrap_or_default();
        for line in elsewhere {
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str(&line);
        }
        (!help.is_empty()).then(|| Box::new(help) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.named.as_ref().map(|named| named as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let source = self.source?;
        let mut labels = Vec::new();
        if let (Some(line), Some(column)) = (self.finding.line, self.finding.column) {
            labels.push(label(
                source,
                Position { line, column },
                Some(self.finding.title.to_owned()),
                true,
            ));
        }
        let path = source.display_path();
        for related in &self.finding.related {
            if let (true, Some(line), Some(column)) = (
                related.file.as_deref() == Some(&path),
                related.line,
                related.column,
            ) {
                labels.push(label(
                    source,
                    Position { line, column },
                    Some(related.message.clone()),
                    false,
                ));
            }
        }
        Some(Box::new(labels.into_iter()))
    }
}

/// A label covering the token that starts at `position`.
fn label(
    source: &SourceFile,
    position: Position,
    text: Option<String>,
    primary: bool,
) -> LabeledSpan {
    let start = source.byte_offset(position).min(source.text.len());
    let rest = &source.text[start..];
    let len = rest
        .char_indices()
        .find(|(_, c)| matches!(c, '\n' | '\r' | ':' | ',' | ']' | '}' | '#'))
        .map_or(rest.len(), |(index, _)| index);
    let len = if rest.is_empty() {
        0
    } else {
        rest[..len].trim_end().len().max(1)
    };
    if primary {
        LabeledSpan::new_primary_with_span(text, (start, len))
    } else {
        LabeledSpan::new_with_span(text, (start, len))
    }
}
