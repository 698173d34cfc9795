//! SARIF 2.1.0 output, for GitHub code scanning: one rule per finding code
//! (with its description as help), one result per finding.

use serde_json::{Value, json};

use super::Resolved;
use crate::finding::{Code, Severity};

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(findings: &[Resolved]) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            let info = code.info();
            json!({
                "id": info.id,
                "name": rule_name(info.title),
                "shortDescription": { "text": info.title },
                "fullDescription": { "text": info.description },
                "defaultConfiguration": { "level": level(info.severity) },
                "helpUri": format!("https://github.com/oktapol/oktapol/blob/main/docs/codes.md#{}", info.id.to_lowercase()),
            })
        })
        .collect();
    let results: Vec<Value> = findings.iter().map(result).collect();
    let document = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "oktapol",
                "informationUri": "https://github.com/oktapol/oktapol",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn result(finding: &Resolved) -> Value {
    let mut text = finding.message.clone();
    if let Some(hint) = &finding.hint {
        text.push_str(" Fix: ");
        text.push_str(hint);
    }
    let mut value = json!({
        "ruleId": finding.code.id(),
        "level": level(finding.severity),
        "message": { "text": text },
    });
    if let Some(location) = physical(finding.file.as_deref(), finding.line, finding.column) {
        value["locations"] = json!([location]);
    }
    let related: Vec<Value> = finding
        .related
        .iter()
        .enumerate()
        .filter_map(|(index, related)| {
            let mut location = physical(related.file.as_deref(), related.line, related.column)?;
            location["id"] = json!(index);
            location["message"] = json!({ "text": related.message });
            Some(location)
        })
        .collect();
    if !related.is_empty() {
        value["relatedLocations"] = json!(related);
    }
    value
}

fn physical(file: Option<&str>, line: Option<u32>, column: Option<u32>) -> Option<Value> {
    let file = file?;
    let mut location = json!({ "physicalLocation": { "artifactLocation": { "uri": file } } });
    if let (Some(line), Some(column)) = (line, column) {
        location["physicalLocation"]["region"] =
            json!({ "startLine": line, "startColumn": column });
    }
    Some(location)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// "unknown key" → "UnknownKey", as SARIF rule names are identifiers.
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
