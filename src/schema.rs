//! The JSON Schema of the manifest format: generated from the Rust types by
//! `schemars` (draft 2020-12, descriptions from doc comments), committed as
//! `schema/oktapol.schema.json`, and used with the `jsonschema` crate to
//! validate every manifest file. Schema errors are turned into findings that
//! point at the offending node and name the keys or values that would fit.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use schemars::Schema;
use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use serde_json::Value;

use crate::finding::{Code, Finding, Location};
use crate::manifest::Manifest;
use crate::manifest::address::{address, child_pointer};
use crate::spelling;

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
            let validator = jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&schema)
                .unwrap_or_else(|error| {
                    // The schema is generated from our own types; failing to
                    // compile it is a bug in oktapol, not bad input.
                    panic!("the generated manifest schema does not compile: {error}")
                });
            ManifestSchema { schema, validator }
        })
    }

    /// Validates one parsed manifest file; every violation becomes a finding.
    pub fn check(&self, file: usize, document: &Value) -> Vec<Finding> {
        let mut findings = Vec::new();
        for error in self.validator.iter_errors(document) {
            self.convert(file, document, &error, &mut findings);
        }
        findings.sort_by(|a, b| a.message.cmp(&b.message));
        findings.dedup();
        findings
    }

    fn convert(
        &self,
        file: usize,
        document: &Value,
        error: &ValidationError<'_>,
        out: &mut Vec<Finding>,
    ) {
        let pointer = error.instance_path().as_str().to_owned();
        let at = address(document, &pointer);
        let instance = error.instance();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let allowed = allowed_keys(&self.schema, document, &pointer);
                for key in unexpected {
                    out.push(unknown_key(file, &pointer, &at, key, &allowed));
                }
            }
            ValidationErrorKind::Enum { options } => {
                let options: Vec<String> = options
                    .as_array()
                    .map(|values| values.iter().map(raw_value).collect())
                    .unwrap_or_default();
                out.push(invalid_value(file, &pointer, &at, &instance, &options));
            }
            ValidationErrorKind::Constant { expected_value } => {
                let options = vec![raw_value(expected_value)];
                out.push(invalid_value(file, &pointer, &at, &instance, &options));
            }
            ValidationErrorKind::Required { property } => {
                let key = property.as_str().unwrap_or_default();
                out.push(
                    Finding::new(
                        Code::MissingKey,
                        Location::node(file, pointer.clone()),
                        format!("missing required key `{key}` in {at}"),
                    )
                    .hint(format!("add `{key}:` here")),
                );
            }
            ValidationErrorKind::Type { kind } => {
                let expected = format!("{kind:?}");
                out.push(
                    Finding::new(
                        Code::WrongType,
                        Location::node(file, pointer.clone()),
                        format!(
                            "{at} must be {}, found {}",
                            type_phrase(&expected),
                            value_phrase(&instance)
                        ),
                    )
                    .hint(type_hint(&expected, &instance)),
                );
            }
            ValidationErrorKind::Minimum { limit }
            | ValidationErrorKind::ExclusiveMinimum { limit } => {
                out.push(out_of_range(
                    file,
                    &pointer,
                    &at,
                    &instance,
                    &format!("at least {limit}"),
                ));
            }
            ValidationErrorKind::Maximum { limit }
            | ValidationErrorKind::ExclusiveMaximum { limit } => {
                out.push(out_of_range(
                    file,
                    &pointer,
                    &at,
                    &instance,
                    &format!("at most {limit}"),
                ));
            }
            ValidationErrorKind::MinLength { limit } => {
                out.push(out_of_range(
                    file,
                    &pointer,
                    &at,
                    &instance,
                    &format!("at least {limit} characters long"),
                ));
            }
            ValidationErrorKind::MaxLength { limit } => {
                out.push(out_of_range(
                    file,
                    &pointer,
                    &at,
                    &instance,
                    &format!("at most {limit} characters long"),
                ));
            }
            ValidationErrorKind::MinItems { limit } => {
                out.push(out_of_range(
                    file,
                    &pointer,
                    &at,
                    &instance,
                    &format!("a list of at least {limit} items"),
                ));
            }
            ValidationErrorKind::MaxItems { limit } => {
                out.push(out_of_range(
                    file,
                    &pointer,
                    &at,
                    &instance,
                    &format!("a list of at most {limit} items"),
                ));
            }
            ValidationErrorKind::OneOfNotValid { context }
            | ValidationErrorKind::AnyOf { context } => {
                match pick_branch(&pointer, &instance, context) {
                    Some(branch) => {
                        for inner in branch {
                            self.convert(file, document, inner, out);
                        }
                    }
                    None => out.push(no_branch(file, &pointer, &at, &instance, context)),
                }
            }
            ValidationErrorKind::Pattern { pattern } => {
                out.push(
                    Finding::new(
                        Code::InvalidValue,
                        Location::node(file, pointer.clone()),
                        format!(
                            "{} is not a valid value for {at} (it must match `{pattern}`)",
                            display_value(&instance)
                        ),
                    )
                    .hint("see the field's description in schema/oktapol.schema.json"),
                );
            }
            _ => out.push(
                Finding::new(
                    Code::SchemaViolation,
                    Location::node(file, pointer.clone()),
                    format!("{at}: {error}"),
                )
                .hint("see the field's description in schema/oktapol.schema.json"),
            ),
        }
    }
}

fn unknown_key(file: usize, pointer: &str, at: &str, key: &str, allowed: &[String]) -> Finding {
    let location = Location::key(file, child_pointer(pointer, key));
    let hint = spelling::key_hint(key, allowed)
        .or_else(|| did_you_mean(key, allowed).map(|best| format!("did you mean `{best}`?")))
        .unwrap_or_else(|| {
            if allowed.is_empty() {
                "remove this key".to_owned()
            } else {
                format!("remove it; keys allowed here: {}", allowed.join(", "))
            }
        });
    Finding::new(
        Code::UnknownKey,
        location,
        format!("unknown key `{key}` in {at}"),
    )
    .hint(hint)
}

fn invalid_value(
    file: usize,
    pointer: &str,
    at: &str,
    instance: &Value,
    options: &[String],
) -> Finding {
    let given = display_value(instance);
    let raw = instance.as_str().unwrap_or_default();
    let hint = spelling::value_hint(raw, options)
        .or_else(|| did_you_mean(raw, options).map(|best| format!("did you mean `{best}`?")))
        .unwrap_or_else(|| format!("use one of: {}", options.join(", ")));
    Finding::new(
        Code::InvalidValue,
        Location::node(file, pointer.to_owned()),
        format!("{given} is not a valid value for {at}"),
    )
    .hint(hint)
}

fn out_of_range(file: usize, pointer: &str, at: &str, instance: &Value, bound: &str) -> Finding {
    Finding::new(
        Code::OutOfRange,
        Location::node(file, pointer.to_owned()),
        format!("{at} must be {bound}, found {}", display_value(instance)),
    )
    .hint(format!("change the value so that it is {bound}"))
}

fn no_branch(
    file: usize,
    pointer: &str,
    at: &str,
    instance: &Value,
    context: &[Vec<ValidationError<'static>>],
) -> Finding {
    // When the discriminator `type` is what fails in every branch, say so.
    let tags: Vec<String> = context
        .iter()
        .flatten()
        .filter(|error| error.instance_path().as_str() == child_pointer(pointer, "type"))
        .filter_map(|error| match error.kind() {
            ValidationErrorKind::Constant { expected_value } => {
                expected_value.as_str().map(str::to_owned)
            }
            ValidationErrorKind::Enum { options } => options.as_array().map(|values| {
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
            _ => None,
        })
        .collect();
    if let (Some(given), false) = (instance.get("type"), tags.is_empty()) {
        return invalid_value(
            file,
            &child_pointer(pointer, "type"),
            &format!("{at}.type"),
            given,
            &tags,
        );
    }
    if instance.is_object() && !tags.is_empty() {
        return Finding::new(
            Code::MissingKey,
            Location::node(file, pointer.to_owned()),
            format!("missing required key `type` in {at}"),
        )
        .hint(format!("add `type:` with one of: {}", tags.join(", ")));
    }
    Finding::new(
        Code::SchemaViolation,
        Location::node(file, pointer.to_owned()),
        format!(
            "{at} matches none of the allowed shapes ({})",
            value_phrase(instance)
        ),
    )
    .hint("see the field's description in schema/oktapol.schema.json")
}

/// Picks the alternative of a `oneOf`/`anyOf` the user evidently meant: the
/// one whose discriminator (`type`) and basic JSON type fit the instance.
fn pick_branch<'e>(
    pointer: &str,
    instance: &Value,
    context: &'e [Vec<ValidationError<'static>>],
) -> Option<&'e [ValidationError<'static>]> {
    let tag_pointer = child_pointer(pointer, "type");
    let fits = |branch: &&Vec<ValidationError<'static>>| {
        !branch.iter().any(|error| {
            let path = error.instance_path().as_str();
            (path == pointer && matches!(error.kind(), ValidationErrorKind::Type { .. }))
                || (path == tag_pointer
                    && matches!(
                        error.kind(),
                        ValidationErrorKind::Constant { .. } | ValidationErrorKind::Enum { .. }
                    ))
                || (path == pointer
                    && instance.is_object()
                    && instance.get("type").is_none()
                    && matches!(error.kind(), ValidationErrorKind::Required { property } if property == "type"))
        })
    };
    let candidates: Vec<&Vec<ValidationError<'static>>> = context.iter().filter(fits).collect();
    candidates
        .into_iter()
        .min_by_key(|branch| branch.len())
        .map(Vec::as_slice)
}

/// The property names the schema allows for the object at `pointer`.
pub fn allowed_keys(schema: &Value, document: &Value, pointer: &str) -> Vec<String> {
    let mut node = schema;
    let mut instance = document;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = select_branch(schema, resolve(schema, node), instance);
        let next = if let Ok(index) = token.parse::<usize>() {
            instance
                .get(index)
                .and_then(|child| node.get("items").map(|items| (items, child)))
        } else {
            instance.get(&token).and_then(|child| {
                node.get("properties")
                    .and_then(|p| p.get(&token))
                    .map(|s| (s, child))
            })
        };
        match next {
            Some((child_schema, child)) => {
                node = child_schema;
                instance = child;
            }
            None => return Vec::new(),
        }
    }
    let node = select_branch(schema, resolve(schema, node), instance);
    node.get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

fn resolve<'s>(root: &'s Value, mut node: &'s Value) -> &'s Value {
    for _ in 0..32 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(path) => match root.pointer(path) {
                Some(target) => node = target,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

fn select_branch<'s>(root: &'s Value, node: &'s Value, instance: &Value) -> &'s Value {
    let branches = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))
        .and_then(Value::as_array);
    let Some(branches) = branches else {
        return node;
    };
    let tag = instance.get("type");
    let chosen = branches.iter().map(|b| resolve(root, b)).find(|branch| {
        let tag_schema = branch.get("properties").and_then(|p| p.get("type"));
        match (tag, tag_schema) {
            (Some(tag), Some(tag_schema)) => {
                tag_schema.get("const") == Some(tag)
                    || tag_schema
                        .get("enum")
                        .and_then(Value::as_array)
                        .is_some_and(|values| values.contains(tag))
            }
            _ => branch.get("properties").is_some(),
        }
    });
    chosen.unwrap_or(node)
}

fn did_you_mean<'a>(given: &str, candidates: &'a [String]) -> Option<&'a str> {
    let given_lower = given.to_lowercase();
    candidates
        .iter()
        .map(|candidate| {
            (
                strsim::jaro_winkler(&given_lower, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.as_str())
}

/// An enum option as the user would write it.
fn raw_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn items(count: u64) -> &'static str {
    if count == 1 { "item" } else { "items" }
}

fn display_value(value: &Value) -> String {
    match value {
        Value::String(text) => format!("`{text}`"),
        Value::Object(_) => "a mapping".to_owned(),
        Value::Array(list) => format!("a list of {} {}", list.len(), items(list.len() as u64)),
        other => format!("`{other}`"),
    }
}

fn value_phrase(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".to_owned(),
        Value::Bool(flag) => format!("the boolean `{flag}`"),
        Value::Number(number) => format!("the number `{number}`"),
        Value::String(text) => format!("the string `{text}`"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

fn type_phrase(kind_debug: &str) -> String {
    let lower = kind_debug.to_lowercase();
    let mut names = Vec::new();
    for (needle, phrase) in [
        ("object", "a mapping"),
        ("array", "a list"),
        ("string", "a string"),
        ("integer", "an integer"),
        ("number", "a number"),
        ("boolean", "true or false"),
        ("null", "null"),
    ] {
        if lower.contains(needle)
            && !(needle == "number" && lower.contains("integer") && !lower.contains("number,"))
        {
            names.push(phrase);
        }
    }
    if names.is_empty() {
        kind_debug.to_owned()
    } else {
        names.join(" or ")
    }
}

fn type_hint(kind_debug: &str, instance: &Value) -> String {
    let lower = kind_debug.to_lowercase();
    match instance {
        Value::Null => "give the key a value, or remove it to use Okta's default".to_owned(),
        Value::Number(_) | Value::Bool(_) if lower.contains("string") => {
            "quote the value, e.g. \"2FA\" or \"123\"".to_owned()
        }
        Value::String(text) if lower.contains("boolean") => {
            format!(
                "write `true` or `false` (`{text}` is a string; oktapol reads YAML 1.2, where yes/no/on/off are strings)"
            )
        }
        Value::Array(_) if lower.contains("object") => {
            "write a mapping (`key: value`), not a list".to_owned()
        }
        Value::Object(_) if lower.contains("array") => {
            "write a list (`- item` or `[a, b]`), not a mapping".to_owned()
        }
        _ => format!("write {} here", type_phrase(kind_debug)),
    }
}
