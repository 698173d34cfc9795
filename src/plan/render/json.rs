//! JSON output of `plan`: a versioned document for tools, wrapping the plan
//! exactly as `plan --out` writes it, with its counts alongside. The shape
//! is documented in `docs/plan-format.md`.

use serde::Serialize;

use crate::plan::model::{Plan, Summary};

/// Bumped when the document's shape changes incompatibly.
pub const PLAN_JSON_VERSION: u32 = 1;

/// The document's `kind`, so tools can tell it from other oktapol output.
pub const PLAN_JSON_KIND: &str = "oktapol-plan";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    format_version: u32,
    kind: &'static str,
    has_changes: bool,
    summary: Summary,
    plan: &'a Plan,
}

pub fn render(plan: &Plan) -> String {
    let document = Document {
        format_version: PLAN_JSON_VERSION,
        kind: PLAN_JSON_KIND,
        has_changes: plan.has_changes(),
        summary: plan.summary(),
        plan,
    };
    // The plan's types serialize without fail (string keys only); an empty
    // document is the fallback the validate renderer uses as well.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
