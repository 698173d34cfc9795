//! JSON output of `validate`: a versioned document for tools.

use serde::Serialize;

use super::{Resolved, Summary};

/// Bumped when the document's shape changes incompatibly.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    valid: bool,
    summary: Summary,
    findings: &'a [Resolved],
}

pub fn render(findings: &[Resolved], summary: Summary) -> String {
    let document = Document {
        version: JSON_VERSION,
        valid: summary.errors == 0,
        summary,
        findings,
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
