//! The list of finding codes as Markdown, committed as `docs/codes.md`
//! (a test fails when it drifts from the code table).

use super::Code;
use super::examples::{Example, OrgUnderTest, Run, example};

/// `docs/codes.md`.
pub fn codes_markdown() -> String {
    let mut out = String::from(
        "# oktapol finding codes\n\n\
         Every finding `oktapol validate` reports carries one of these stable codes.\n\
         Errors fail `validate` (exit 1); warnings fail it only with `--strict`.\n\
         Each code has an example: a file and what oktapol reports about it,\n\
         checked by a test against the real output.\n\
         This file is generated from `src/finding/code.rs`; do not edit it by hand.\n\n\
         | Code | Severity | Title |\n|---|---|---|\n",
    );
    for code in Code::ALL {
        let info = code.info();
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            info.id,
            info.id.to_lowercase(),
            info.severity.as_str(),
            info.title
        ));
    }
    for code in Code::ALL {
        let info = code.info();
        let severity = info.severity.as_str();
        out.push_str(&format!(
            "\n<a id=\"{}\"></a>\n## {} — {}\n\n*{severity}.* {}\n",
            info.id.to_lowercase(),
            info.id,
            info.title,
            info.description
        ));
        if let Some(example) = example(*code) {
            out.push_str(&example_markdown(example));
        }
    }
    out
}

/// A code's example: what is run on which file, and what oktapol reports.
fn example_markdown(example: &Example) -> String {
    let mut out = String::from("\n**Example.** ");
    out.push_str(&match example.run {
        Run::Validate => "`oktapol validate policies.yaml` on".to_owned(),
        Run::Plan(OrgUnderTest::Examples) => {
            "`oktapol plan policies.yaml` against an org with the groups, zones and apps of `examples/org-seed.yaml`, on".to_owned()
        }
        Run::Plan(OrgUnderTest::Classic) => {
            "`oktapol plan policies.yaml` against a Classic Engine org, on".to_owned()
        }
        Run::Command(command) => format!("`{command}`"),
        Run::Illustrative(what) => capitalized(what),
    });
    if !example.manifest.is_empty() {
        out.push_str(&format!(":\n\n```yaml\n{}```\n", example.manifest));
    } else {
        out.push_str(".\n");
    }
    if !example.reported.is_empty() {
        out.push_str(&format!(
            "\nreports\n\n```text\n{}\n```\n",
            example.reported
        ));
    }
    out
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
