//! Property tests: no input, however malformed, makes the loader or the
//! validator panic, and every finding it reports has a location.

use std::path::PathBuf;

use oktapol::manifest::load::load_bytes;
use oktapol::report;
use oktapol::validate::validate_loaded;
use proptest::prelude::*;
use serde_json::Value;

fn check_never_panics(bytes: Vec<u8>) {
    let validation = validate_loaded(load_bytes(vec![(PathBuf::from("p.yaml"), bytes)]));
    for finding in report::resolve(&validation.sources, &validation.findings) {
        assert!(
            finding.file.is_some(),
            "finding without a file: {finding:?}"
        );
        assert!(
            finding.line.is_some() && finding.column.is_some(),
            "finding without a position: {finding:?}"
        );
        assert!(!finding.message.is_empty());
    }
}

/// Arbitrary JSON values, biased towards the manifest vocabulary.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("signOnPolicies".to_owned()),
        Just("accessPolicies".to_owned()),
        Just("mfaEnrollPolicies".to_owned()),
        Just("name".to_owned()),
        Just("rules".to_owned()),
        Just("conditions".to_owned()),
        Just("actions".to_owned()),
        Just("settings".to_owned()),
        Just("type".to_owned()),
        Just("default".to_owned()),
        Just("priority".to_owned()),
        "[a-zA-Z_]{1,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just("ALLOW".to_owned()),
            Just("ZONE".to_owned()),
            Just("AUTH_METHOD_CHAIN".to_owned()),
            ".{0,20}"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 200, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Text assembled from YAML punctuation and manifest words.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("\n".to_owned()),
        Just("  ".to_owned()),
        Just("- ".to_owned()),
        Just(": ".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just(", ".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("<<: ".to_owned()),
        Just("!!str ".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("---\n".to_owned()),
        Just("? ".to_owned()),
        Just("|\n".to_owned()),
        Just("signOnPolicies".to_owned()),
        Just("name".to_owned()),
        Just("rules".to_owned()),
        Just("priority".to_owned()),
        Just("default".to_owned()),
        "[a-z0-9é]{1,6}",
    ];
    prop::collection::vec(token, 0..60).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_documents_never_panic(value in json_value()) {
        check_never_panics(serde_json::to_vec(&value).expect("json"));
    }

    #[test]
    fn manifest_shaped_json_never_panics(policies in prop::collection::vec(json_value(), 0..4)) {
        let document = serde_json::json!({ "signOnPolicies": policies.clone(), "accessPolicies": policies });
        check_never_panics(serde_json::to_vec(&document).expect("json"));
    }

    #[test]
    fn yaml_like_text_never_panics(text in yamlish()) {
        check_never_panics(text.into_bytes());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check_never_panics(bytes);
    }
}
