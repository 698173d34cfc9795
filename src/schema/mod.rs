//! The JSON Schema of the manifest format: generated from the Rust types by
//! `schemars` (draft 2020-12, descriptions from doc comments), committed as
//! `schema/oktapol.schema.json`, and used with the `jsonschema` crate to
//! validate every manifest file. Schema errors are turned into findings that
//! point at the offending node and name the keys or values that would fit.

mod explain;
pub mod project;
pub mod reference;
mod walk;

use std::sync::OnceLock;

use jsonschema::Validator;
use schemars::Schema;
use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use serde_json::Value;

use crate::finding::Finding;
use crate::manifest::Manifest;

/// Where the published schema lives, for `$id` and editor modelines.
pub const SCHEMA_ID: &str =
    "https://raw.githubusercontent.com/oktapol/oktapol/main/schema/oktapol.schema.json";

/// The manifest JSON Schema, generated from the Rust types.
pub fn generate() -> Value {
    let generator = SchemaSettings::draft2020_12()
        .with_transform(NoNull)
        .into_generator();
    let schema = generator.into_root_schema_for::<Manifest>();
    let mut value = schema.to_value();
    if let Some(object) = value.as_object_mut() {
        object.insert("$id".into(), Value::String(SCHEMA_ID.into()));
    }
    value
}

/// Omitted keys mean "Okta's default", so the schema offers no `null`
/// alternative for optional fields: `key:` with no value is an error that
/// says to give a value or drop the key.
#[derive(Debug, Clone)]
struct NoNull;

impl Transform for NoNull {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(object) = schema.as_object_mut() {
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let single = types.remove(0);
                    object.insert("type".into(), single);
                }
            }
            let null_branch = |v: &Value| {
                v.get("type") == Some(&Value::String("null".into()))
                    && v.as_object().is_some_and(|o| o.len() == 1)
            };
            if let Some(Value::Array(branches)) = object.get_mut("anyOf") {
                branches.retain(|b| !null_branch(b));
                if branches.len() == 1 {
                    let only = branches.remove(0);
                    object.remove("anyOf");
                    if let Value::Object(inner) = only {
                        for (key, value) in inner {
                            object.entry(key).or_insert(value);
                        }
                    }
                }
            }
        }
        transform_subschemas(self, schema);
    }
}

/// Adds the bounds of the Rust integer types (`format: uint32`, `int64`) to
/// the schema the validator uses, so that `maxAgeDays: 5000000000` is an
/// out-of-range finding instead of a failure to read the checked document.
/// The committed schema stays as `schemars` writes it.
fn integer_bounds(node: &mut Value) {
    match node {
        Value::Object(object) => {
            let bounds = match object.get("format").and_then(Value::as_str) {
                Some("uint32") => Some((Value::from(0), Value::from(u32::MAX))),
                Some("int64") => Some((Value::from(i64::MIN), Value::from(i64::MAX))),
                _ => None,
            };
            if let Some((minimum, maximum)) = bounds {
                object.entry("minimum").or_insert(minimum);
                object.entry("maximum").or_insert(maximum);
            }
            object.values_mut().for_each(integer_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(integer_bounds),
        _ => {}
    }
}

/// The schema as committed: pretty JSON with a trailing newline.
pub fn render() -> String {
    let mut text = serde_json::to_string_pretty(&generate()).unwrap_or_default();
    text.push('\n');
    text
}

/// The schema and its compiled validator, built once per process.
pub struct ManifestSchema {
    schema: Value,
    validator: Validator,
}

impl ManifestSchema {
    /// The process-wide compiled schema.
    pub fn get() -> &'static ManifestSchema {
        static SCHEMA: OnceLock<ManifestSchema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            let schema = generate();
            let mut checked = schema.clone();
            integer_bounds(&mut checked);
            let validator = jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&checked)
                .unwrap_or_else(|error| {
                    // The schema is generated from our own types; failing to
                    // compile it is a bug in oktapol, not bad input.
                    panic!("the generated manifest schema does not compile: {error}")
                });
            ManifestSchema { schema, validator }
        })
    }

    /// The generated schema.
    pub fn schema(&self) -> &Value {
        &self.schema
    }

    /// Validates one parsed manifest file; every violation becomes a finding.
    pub fn check(&self, file: usize, document: &Value) -> Vec<Finding> {
        let mut findings = Vec::new();
        for error in self.validator.iter_errors(document) {
            explain::convert(&self.schema, file, document, &error, &mut findings);
        }
        findings.sort_by(|a, b| a.message.cmp(&b.message));
        findings.dedup();
        findings
    }
}
