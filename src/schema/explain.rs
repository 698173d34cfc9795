//! Turning `jsonschema` errors into findings a person can act on: the
//! offending node's place, the keys or values that would fit (with "did
//! you mean" and Okta's known misspellings), and for tagged unions the
//! alternative the user evidently meant.

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::walk::{allowed_keys, is_required, resolve, schema_node};
use crate::finding::{Code, Finding, Location};
use crate::manifest::address::{address, child_pointer};
use crate::spelling;

/// Appends the findings one schema error stands for.
pub fn convert(
    schema: &Value,
    file: usize,
    document: &Value,
    error: &ValidationError<'_>,
    out: &mut Vec<Finding>,
) {
    let pointer = error.instance_path().as_str().to_owned();
    let at = address(document, &pointer);
    let instance: &Value = error.instance();
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let allowed = allowed_keys(schema, document, &pointer);
            for key in unexpected {
                out.push(unknown_key(file, &pointer, &at, key, &allowed));
            }
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options
                .as_array()
                .map(|values| values.iter().map(raw_value).collect())
                .unwrap_or_default();
            out.push(invalid_value(file, &pointer, &at, instance, &options));
        }
        ValidationErrorKind::Constant { expected_value } => {
            let options = vec![raw_value(expected_value)];
            out.push(invalid_value(file, &pointer, &at, instance, &options));
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
                        value_phrase(instance)
                    ),
                )
                .hint(if pointer.is_empty() {
                    root_hint(instance)
                } else if instance.is_null() && pointer.matches('/').count() == 1 {
                    // A top-level kind key with nothing under it.
                    "write `[]` to manage no policies of this kind, or list its policies; remove the key to leave the kind unmanaged".to_owned()
                } else if instance.is_null() && is_required(schema, document, &pointer) {
                    "give the key a value: it is required here".to_owned()
                } else if let Some(text) = instance.as_str().filter(|text| {
                    !text.contains(':')
                        && expected.to_lowercase().contains("object")
                        && allowed_keys(schema, document, &pointer)
                            .iter()
                            .any(|key| key == "name")
                }) {
                    format!(
                        "write a mapping such as `name: {text}`: the entries here are mappings, not plain names"
                    )
                } else {
                    type_hint(&expected, instance)
                }),
            );
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => {
            out.push(out_of_range(
                file,
                &pointer,
                &at,
                instance,
                &format!("at least {limit}"),
            ));
        }
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            out.push(out_of_range(
                file,
                &pointer,
                &at,
                instance,
                &format!("at most {limit}"),
            ));
        }
        ValidationErrorKind::MinLength { limit: 1 } => {
            out.push(
                Finding::new(
                    Code::OutOfRange,
                    Location::node(file, pointer.clone()),
                    format!("{at} is empty"),
                )
                .hint("write the value, or remove the entry"),
            );
        }
        ValidationErrorKind::MinLength { limit } => {
            out.push(out_of_range(
                file,
                &pointer,
                &at,
                instance,
                &format!("at least {limit} characters long"),
            ));
        }
        ValidationErrorKind::MaxLength { limit } => {
            out.push(out_of_range(
                file,
                &pointer,
                &at,
                instance,
                &format!("at most {limit} characters long"),
            ));
        }
        ValidationErrorKind::MinItems { limit } => {
            out.push(out_of_range(
                file,
                &pointer,
                &at,
                instance,
                &format!("a list of at least {limit} {}", items(*limit)),
            ));
        }
        ValidationErrorKind::MaxItems { limit } => {
            out.push(
                Finding::new(
                    Code::OutOfRange,
                    Location::node(file, pointer.clone()),
                    format!(
                        "{at} must be a list of at most {limit} {}, found {}",
                        items(*limit),
                        display_value(instance)
                    ),
                )
                .hint(format!(
                    "remove entries: Okta accepts at most {limit} {} here",
                    items(*limit)
                )),
            );
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            if let Some(options) = constant_options(&pointer, context) {
                // A documented enum is a `oneOf` of `const`s: name them all.
                out.push(invalid_value(file, &pointer, &at, instance, &options));
                return;
            }
            match pick_branch(&pointer, instance, context) {
                Some(branch) => {
                    for inner in branch {
                        convert(schema, file, document, inner, out);
                    }
                }
                None => {
                    let variants = variants(schema, document, &pointer);
                    out.push(no_branch(file, &pointer, &at, instance, context, &variants));
                }
            }
        }
        // An empty string also fails `minLength`, which says so plainly.
        ValidationErrorKind::Pattern { .. } if instance.as_str() == Some("") => {}
        ValidationErrorKind::Pattern { pattern } => {
            let hint = schema_node(schema, document, &pointer)
                .and_then(|node| {
                    node.get("description")
                        .or_else(|| resolve(schema, node).get("description"))
                })
                .and_then(Value::as_str)
                .map_or_else(
                    || "see the field's description in schema/oktapol.schema.json".to_owned(),
                    str::to_owned,
                );
            out.push(
                Finding::new(
                    Code::InvalidValue,
                    Location::node(file, pointer.clone()),
                    format!(
                        "{} is not a valid value for {at} (it must match `{pattern}`)",
                        display_value(instance)
                    ),
                )
                .hint(hint),
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

fn unknown_key(file: usize, pointer: &str, at: &str, key: &str, allowed: &[String]) -> Finding {
    let location = Location::key(file, child_pointer(pointer, key));
    let cleaned: String = key
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(ascii_lookalike)
        .collect();
    let hint = spelling::key_hint(key, allowed)
        .or_else(|| {
            // Keys are ASCII: a stray invisible or look-alike character
            // (pasted from a web page) makes a correct-looking key unknown.
            let odd = key.chars().find(|c| !c.is_ascii())?;
            let note = format!(
                "the key contains the non-ASCII character U+{:04X}{}, often pasted from a web page",
                u32::from(odd),
                if is_invisible(odd) {
                    " (invisible)"
                } else {
                    ""
                }
            );
            let best = if allowed.contains(&cleaned) {
                Some(cleaned.as_str())
            } else {
                did_you_mean(key, allowed)
            };
            match best {
                Some(best) => Some(format!("retype it as `{best}`: {note}")),
                None if is_invisible(odd) => {
                    Some(format!("{note}; indent and separate with normal spaces"))
                }
                None => None,
            }
        })
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

/// The values allowed when every alternative of a `oneOf`/`anyOf` failed
/// only on the value itself (`const` or `enum`), as for documented enums.
fn constant_options(
    pointer: &str,
    context: &[Vec<ValidationError<'static>>],
) -> Option<Vec<String>> {
    let mut options = Vec::new();
    for branch in context {
        let mut found = false;
        for error in branch {
            if error.instance_path().as_str() != pointer {
                return None;
            }
            match error.kind() {
                ValidationErrorKind::Constant { expected_value } => {
                    options.push(raw_value(expected_value));
                    found = true;
                }
                ValidationErrorKind::Enum { options: values } => {
                    options.extend(values.as_array().into_iter().flatten().map(raw_value));
                    found = true;
                }
                ValidationErrorKind::Type { .. } => {}
                _ => return None,
            }
        }
        if !found {
            return None;
        }
    }
    (!options.is_empty()).then_some(options)
}

/// One alternative of a tagged union (`type:`): its tag and its keys.
struct Variant {
    tag: String,
    keys: Vec<String>,
}

/// The tagged alternatives the schema offers for the node at `pointer`.
fn variants(schema: &Value, document: &Value, pointer: &str) -> Vec<Variant> {
    let Some(node) = schema_node(schema, document, pointer) else {
        return Vec::new();
    };
    let node = resolve(schema, node);
    let branches = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))
        .and_then(Value::as_array);
    let mut out = Vec::new();
    for branch in branches.into_iter().flatten() {
        let branch = resolve(schema, branch);
        let Some(properties) = branch.get("properties").and_then(Value::as_object) else {
            continue;
        };
        let Some(tag) = properties.get("type") else {
            continue;
        };
        let keys: Vec<String> = properties.keys().cloned().collect();
        let tags = tag.get("const").into_iter().chain(
            tag.get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        for value in tags.filter_map(Value::as_str) {
            out.push(Variant {
                tag: value.to_owned(),
                keys: keys.clone(),
            });
        }
    }
    out
}

fn no_branch(
    file: usize,
    pointer: &str,
    at: &str,
    instance: &Value,
    context: &[Vec<ValidationError<'static>>],
    variants: &[Variant],
) -> Finding {
    let tag_list = || {
        variants
            .iter()
            .map(|v| v.tag.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // A tagged union written as a scalar or a list: say a mapping is needed.
    let wrong_type = context.iter().all(|branch| {
        branch.iter().any(|error| {
            error.instance_path().as_str() == pointer
                && matches!(error.kind(), ValidationErrorKind::Type { .. })
        })
    });
    if wrong_type && !instance.is_object() && !variants.is_empty() {
        let hint = match instance.as_str() {
            Some(text) if variants.iter().any(|v| v.tag == text) => {
                format!("write a mapping: `{{ type: {text}, ... }}`")
            }
            _ => format!(
                "write a mapping with `type:` (one of: {}) and that variant's keys",
                tag_list()
            ),
        };
        return Finding::new(
            Code::WrongType,
            Location::node(file, pointer.to_owned()),
            format!("{at} must be a mapping, found {}", value_phrase(instance)),
        )
        .hint(hint);
    }
    // The discriminator is missing: name the variants, and the one whose
    // keys fit what was written, if only one does.
    if instance.is_object() && instance.get("type").is_none() && !variants.is_empty() {
        let written: Vec<&String> = instance
            .as_object()
            .map(|object| object.keys().collect())
            .unwrap_or_default();
        let fitting: Vec<&Variant> = variants
            .iter()
            .filter(|v| written.iter().all(|key| v.keys.contains(key)))
            .collect();
        let hint = match fitting.as_slice() {
            [only] if !written.is_empty() => format!(
                "add `type: {}` (the keys written here belong to it; the other types are: {})",
                only.tag,
                variants
                    .iter()
                    .filter(|v| v.tag != only.tag)
                    .map(|v| v.tag.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!("add `type:` with one of: {}", tag_list()),
        };
        return Finding::new(
            Code::MissingKey,
            Location::node(file, pointer.to_owned()),
            format!("missing required key `type` in {at}"),
        )
        .hint(hint);
    }
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
        Value::String(text) if text.is_empty() => "an empty string".to_owned(),
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

/// The ASCII letter a Cyrillic or Greek look-alike stands for.
fn ascii_lookalike(c: char) -> char {
    match c {
        'а' | 'α' => 'a',
        'с' | 'ϲ' => 'c',
        'е' | 'ε' => 'e',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ѕ' => 's',
        'у' => 'y',
        'х' | 'χ' => 'x',
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'С' => 'C',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'І' | 'Ι' => 'I',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        other => other,
    }
}

/// Characters that do not show, or show as a space, but are not YAML whitespace.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{a0}' | '\u{200b}'..='\u{200d}' | '\u{2007}' | '\u{202f}' | '\u{2060}' | '\u{feff}'
    )
}

/// `name:Contractors`: a key and value run together without the space YAML needs.
fn missing_space(text: &str) -> bool {
    text.split_once(':').is_some_and(|(key, value)| {
        !key.is_empty()
            && !key.contains(char::is_whitespace)
            && !value.is_empty()
            && !value.starts_with([' ', '/'])
    })
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

/// What to write when the file itself is not a mapping.
fn root_hint(instance: &Value) -> String {
    match instance {
        Value::Array(_) => "remove the leading `- `: a manifest is a mapping of policy kinds such as `signOnPolicies:`, each holding a list of policies".to_owned(),
        _ => "a manifest is a mapping of policy kinds: start with a key such as `signOnPolicies:` followed by a list of policies".to_owned(),
    }
}

fn type_hint(kind_debug: &str, instance: &Value) -> String {
    let lower = kind_debug.to_lowercase();
    match instance {
        Value::Null => "give the key a value, or remove it to use Okta's default".to_owned(),
        Value::Number(_) | Value::Bool(_) if lower.contains("string") => {
            format!("quote the value: \"{instance}\"")
        }
        Value::String(text)
            if lower.contains("boolean")
                && (text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")) =>
        {
            format!(
                "remove the quotes: `\"{text}\"` is a string, unquoted `{}` is a boolean",
                text.to_lowercase()
            )
        }
        Value::String(text)
            if lower.contains("object") && text.contains(':') && text.contains(is_invisible) =>
        {
            "replace the non-breaking or invisible space after the colon with a normal space (it was probably pasted from a web page); YAML reads the whole line as one string".to_owned()
        }
        Value::String(text)
            if (lower.contains("integer") || lower.contains("number"))
                && text.trim().parse::<f64>().is_ok() =>
        {
            format!(
                "remove the quotes: `\"{text}\"` is a string, unquoted `{}` is a number",
                text.trim()
            )
        }
        Value::String(text) if lower.contains("object") && missing_space(text) => {
            format!(
                "put a space after the colon (`{}`); without it YAML reads `{text}` as one string",
                text.replacen(':', ": ", 1)
            )
        }
        Value::String(text) if lower.contains("boolean") => {
            format!(
                "write `true` or `false` (`{text}` is a string; oktapol reads YAML 1.2, where yes/no/on/off are strings)"
            )
        }
        Value::Array(_) if lower.contains("object") => {
            "write a mapping (`key: value`), not a list".to_owned()
        }
        Value::Array(_) if lower == "single(string)" => {
            "write one string (for several lines, use a block scalar: `key: |` followed by indented lines)".to_owned()
        }
        Value::String(text) if lower.contains("array") => {
            format!("write a list: `[{text}]`")
        }
        Value::Object(object)
            if lower.contains("array") && object.keys().any(|key| key.starts_with('-')) =>
        {
            "put a space after the `-` (`- name: ...`); without it YAML reads `-name` as a key".to_owned()
        }
        Value::Object(_) if lower.contains("array") => {
            "write a list (`- item` or `[a, b]`), not a mapping".to_owned()
        }
        _ => format!("write {} here", type_phrase(kind_debug)),
    }
}
