//! Generated artefacts must equal what the code generates: the JSON Schema
//! and the finding-code list.

use crate::util::root;

#[test]
fn committed_schema_matches_the_types() {
    let path = root().join("schema/oktapol.schema.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = oktapol::schema::render();
    assert!(
        committed == generated,
        "schema/oktapol.schema.json is out of date; regenerate it with\n    cargo run -- schema > schema/oktapol.schema.json"
    );
}

#[test]
fn schema_is_draft_2020_12_and_documented() {
    let schema = oktapol::schema::generate();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let defs = schema["$defs"].as_object().expect("$defs");
    // Every definition and every property of an object definition carries a
    // description, so editors can show help on hover.
    for (name, def) in defs {
        if let Some(properties) = def.get("properties").and_then(|p| p.as_object()) {
            for (key, property) in properties {
                assert!(
                    property.get("description").is_some(),
                    "{name}.{key} has no description (add a /// doc comment)"
                );
            }
            assert_eq!(
                def["additionalProperties"], false,
                "{name} must deny unknown keys"
            );
        }
    }
    let text = oktapol::schema::render();
    assert!(
        !text.contains("\"null\""),
        "optional fields must not be nullable"
    );
}

#[test]
fn schema_command_prints_the_schema() {
    let output = assert_cmd::Command::cargo_bin("oktapol")
        .expect("binary")
        .arg("schema")
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        oktapol::schema::render()
    );
}

#[test]
fn committed_code_list_matches_the_code_table() {
    let committed = std::fs::read_to_string(root().join("docs/codes.md")).unwrap_or_default();
    assert!(
        committed == oktapol::finding::codes_markdown(),
        "docs/codes.md is out of date; regenerate it with\n    cargo run -- codes > docs/codes.md"
    );
}
