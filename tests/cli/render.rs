//! Snapshot tests of every `validate` output format, on one manifest with a
//! schema error, a semantic error with a related location, and a warning.

use std::path::PathBuf;

use oktapol::manifest::load::load_bytes;
use oktapol::report::{Format, Style, render};
use oktapol::validate::{Validation, validate_loaded};

const MIXED: &str = "\
# yaml-language-server: $schema=../schema/oktapol.schema.json
signOnPolicies:
  - name: Contractors
    rules:
      - name: Office
        conditions: { network: { connection: ZONE, include: [Office] } }
        actions: { signon: { access: ALLOW } }
      - name: Office
        actions: { signon: { access: DENY } }
  - name: Contractors
    rules:
      - name: Anywhere
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
      - name: Never reached
        actions: { signon: { access: DENY } }
";

const TYPO: &str = "\
passwordPolicies: []
signOnPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        actions:
          signon:
            acess: ALLOW
            factorPromptMode: always
";

fn validation() -> Validation {
    validate_loaded(load_bytes(vec![
        (
            PathBuf::from("policies/mixed.yaml"),
            MIXED.as_bytes().to_vec(),
        ),
        (
            PathBuf::from("policies/typo.yaml"),
            TYPO.as_bytes().to_vec(),
        ),
    ]))
}

fn rendered(format: Format) -> String {
    render(format, &validation(), Style { color: false })
}

#[test]
fn human() {
    insta::assert_snapshot!(rendered(Format::Human));
}

#[test]
fn json() {
    insta::assert_snapshot!(rendered(Format::Json));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(rendered(Format::Markdown));
}

#[test]
fn github() {
    insta::assert_snapshot!(rendered(Format::Github));
}

#[test]
fn sarif() {
    let text = rendered(Format::Sarif);
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(value["version"], "2.1.0");
    // The rule table is long and stable; snapshot only the results.
    insta::assert_json_snapshot!(value["runs"][0]["results"]);
    let rules = value["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert_eq!(rules.len(), oktapol::finding::Code::ALL.len());
}
