//! The committed manifest reference (`docs/manifest-reference.md`) must equal
//! what the schema generates, and must cover the whole schema. With
//! `UPDATE_REFERENCE=1` the test rewrites the file instead of comparing.

use oktapol::schema::reference::reference_markdown;

use crate::util::root;

#[test]
fn committed_reference_matches_the_schema() {
    let path = root().join("docs/manifest-reference.md");
    let generated = reference_markdown();
    if std::env::var_os("UPDATE_REFERENCE").is_some_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, &generated).expect("write docs/manifest-reference.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/manifest-reference.md is out of date; regenerate it with\n    UPDATE_REFERENCE=1 cargo nextest run reference_drift"
    );
}

#[test]
fn reference_covers_every_key_and_definition() {
    let schema = oktapol::schema::generate();
    let text = reference_markdown();
    for key in schema["properties"].as_object().expect("properties").keys() {
        assert!(
            text.contains(&format!("## `{key}`")),
            "no section for top-level key {key}"
        );
    }
    for name in schema["$defs"].as_object().expect("$defs").keys() {
        assert!(
            text.contains(&format!("### {name}\n")),
            "no section for definition {name}"
        );
    }
    for value in [
        "`ALLOW`",
        "`2FA`",
        "`okta_verify`",
        "`type: ASSURANCE`",
        "`type: BY_SKIP_COUNT`",
    ] {
        assert!(text.contains(value), "{value} is not mentioned");
    }
}

#[test]
fn reference_is_deterministic_and_well_formed() {
    let text = reference_markdown();
    assert_eq!(text, reference_markdown());
    // Every table row has the same number of cells as its header.
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 5, "row with a stray pipe: {line}");
    }
}
