//! The manifest reference as Markdown, committed as
//! `docs/manifest-reference.md`: generated from the JSON Schema that
//! [`generate`](super::generate) builds, so it never says more or less than
//! the validator accepts. One section per top-level key (policy kind), each
//! followed by the definitions first reachable from it, each described once.
//! A test (`reference_drift`) fails when the committed file drifts; it
//! rewrites the file when `UPDATE_REFERENCE=1` is set.

use std::collections::{HashSet, VecDeque};

use serde_json::{Map, Value};

/// Enumerations with at most this many values are spelled out wherever they
/// are used as a field's type, not only in their own section.
const INLINE_VALUES: usize = 6;

/// `docs/manifest-reference.md`.
pub fn reference_markdown() -> String {
    let schema = super::generate();
    let empty = Map::new();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let kinds = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let doc = Doc { defs };

    let mut out = String::from("# oktapol manifest reference\n\n");
    if let Some(description) = description(&schema) {
        out.push_str(&format!("{description}\n\n"));
    }
    out.push_str(
        "Every manifest file is a YAML (or JSON) object with any of the keys below; \
         unknown keys are errors. Fields not marked required may be omitted, which \
         means Okta's default. References to Okta objects (groups, users, apps, \
         zones, …) are written by name or as `id:<okta id>`.\n\n\
         This file is generated from the manifest JSON Schema \
         (`schema/oktapol.schema.json`, built from `src/manifest`); do not edit it \
         by hand. Regenerate it with\n\n\
         ```sh\nUPDATE_REFERENCE=1 cargo nextest run reference_drift\n```\n\n\
         ## Policy kinds\n\n| Key | Contents |\n|---|---|\n",
    );
    for (key, property) in kinds {
        out.push_str(&format!(
            "| [`{key}`](#{}) | {} |\n",
            kind_anchor(key),
            doc.type_of(property)
        ));
    }

    let mut seen: HashSet<&str> = HashSet::new();
    for (key, property) in kinds {
        out.push_str(&format!(
            "\n<a id=\"{}\"></a>\n## `{key}`\n\n",
            kind_anchor(key)
        ));
        if let Some(description) = description(property) {
            out.push_str(&format!("{description}\n\n"));
        }
        out.push_str(&format!("Type: {}.\n", doc.type_of(property)));

        // Breadth-first from the kind: its item type, then the types that
        // one uses, each definition under the first kind that reaches it.
        let mut queue: VecDeque<&str> = VecDeque::new();
        for name in refs_in(property) {
            if seen.insert(name) {
                queue.push_back(name);
            }
        }
        while let Some(name) = queue.pop_front() {
            let Some(def) = defs.get(name) else { continue };
            out.push_str(&doc.section(name, def));
            for next in refs_in(def) {
                if seen.insert(next) {
                    queue.push_back(next);
                }
            }
        }
    }
    // Anything only reachable in some other way (none today) still appears.
    for (name, def) in defs {
        if !seen.contains(name.as_str()) {
            out.push_str(&doc.section(name, def));
        }
    }
    out
}

struct Doc<'a> {
    defs: &'a Map<String, Value>,
}

impl Doc<'_> {
    /// One definition's section: an object's field table, an enumeration's
    /// values, a tagged union's branches, or a scalar's constraints.
    fn section(&self, name: &str, def: &Value) -> String {
        let mut out = format!("\n<a id=\"{}\"></a>\n### {name}\n\n", anchor(name));
        if let Some(description) = description(def) {
            out.push_str(&format!("{description}\n\n"));
        }
        if let Some(values) = enum_values(def) {
            out.push_str("One of:\n\n");
            for (value, description) in values {
                match description {
                    Some(d) => out.push_str(&format!("- `{value}` — {}\n", one_line(&d))),
                    None => out.push_str(&format!("- `{value}`\n")),
                }
            }
        } else if let Some(branches) = tagged_branches(def) {
            out.push_str("An object whose `type` selects one of these forms:\n");
            for (tag, branch) in branches {
                out.push_str(&format!("\n#### `type: {tag}`\n\n"));
                if let Some(description) = description(branch) {
                    out.push_str(&format!("{description}\n\n"));
                }
                out.push_str(&self.table(branch));
            }
        } else if def.get("properties").is_some() {
            out.push_str(&self.table(def));
        } else {
            out.push_str(&format!("Type: {}.\n", self.scalar_type(def)));
            if let Some(pattern) = def.get("pattern").and_then(Value::as_str) {
                out.push_str(&format!("\nPattern: `{pattern}`.\n"));
            }
        }
        out
    }

    /// The field table of an object schema.
    fn table(&self, object: &Value) -> String {
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out =
            String::from("| Field | Type | Required | Description |\n|---|---|---|---|\n");
        let empty = Map::new();
        let properties = object
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (key, property) in properties {
            let mut req = if required.contains(&key.as_str()) {
                "yes".to_string()
            } else {
                "no".to_string()
            };
            if let Some(default) = property.get("default") {
                req.push_str(&format!(" (default `{default}`)"));
            }
            out.push_str(&format!(
                "| `{key}` | {} | {} | {} |\n",
                self.type_of(property),
                cell(&req),
                cell(&field_description(property))
            ));
        }
        out
    }

    /// A field's type, as it reads in a table cell.
    fn type_of(&self, schema: &Value) -> String {
        if let Some(name) = ref_name(schema) {
            let link = format!("[{name}](#{})", anchor(name));
            return match self.defs.get(name).and_then(enum_values) {
                Some(values) if values.len() <= INLINE_VALUES => {
                    format!("{link}: {}", value_list(values.iter().map(|(v, _)| v)))
                }
                _ => link,
            };
        }
        if let Some(values) = enum_values(schema) {
            return value_list(values.iter().map(|(v, _)| v));
        }
        if let Some(branches) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            let types: Vec<String> = branches.iter().map(|b| self.type_of(b)).collect();
            return types.join(" or ");
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("array") => {
                let item = schema
                    .get("items")
                    .map(|i| self.type_of(i))
                    .unwrap_or_else(|| "anything".into());
                let mut out = format!("list of {item}");
                let min = schema.get("minItems").and_then(Value::as_u64);
                let max = schema.get("maxItems").and_then(Value::as_u64);
                match (min, max) {
                    (Some(min), Some(max)) => out.push_str(&format!(" ({min}–{max} items)")),
                    (Some(min), None) => out.push_str(&format!(" (at least {min})")),
                    (None, Some(max)) => out.push_str(&format!(" (up to {max})")),
                    (None, None) => {}
                }
                if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
                    out.push_str(", no duplicates");
                }
                out
            }
            Some("object") => match schema.get("additionalProperties") {
                Some(value @ Value::Object(_)) => {
                    format!("map of string to {}", self.type_of(value))
                }
                _ => "object".into(),
            },
            _ => self.scalar_type(schema),
        }
    }

    /// `string`, `integer 1–10`, `boolean`, … with bounds.
    fn scalar_type(&self, schema: &Value) -> String {
        let Some(kind) = schema.get("type").and_then(Value::as_str) else {
            return "any".into();
        };
        let mut out = kind.to_string();
        match kind {
            "integer" | "number" => {
                let min = schema.get("minimum").map(Value::to_string);
                let max = schema.get("maximum").map(Value::to_string);
                match (min, max) {
                    (Some(min), Some(max)) => out.push_str(&format!(" {min}–{max}")),
                    (Some(min), None) => out.push_str(&format!(" ≥ {min}")),
                    (None, Some(max)) => out.push_str(&format!(" ≤ {max}")),
                    (None, None) => {}
                }
            }
            "string" => {
                let min = schema.get("minLength").and_then(Value::as_u64);
                let max = schema.get("maxLength").and_then(Value::as_u64);
                match (min, max) {
                    (Some(min), Some(max)) => out.push_str(&format!(" ({min}–{max} characters)")),
                    (Some(1), None) => out.push_str(" (non-empty)"),
                    (Some(min), None) => out.push_str(&format!(" (at least {min} characters)")),
                    (None, Some(max)) => out.push_str(&format!(" (up to {max} characters)")),
                    (None, None) => {}
                }
            }
            _ => {}
        }
        out
    }
}

/// The definition a `$ref` points to.
fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
}

/// Every definition referenced inside `schema`, in document order.
fn refs_in(schema: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    collect_refs(schema, &mut out);
    out
}

fn collect_refs<'a>(schema: &'a Value, out: &mut Vec<&'a str>) {
    match schema {
        Value::Object(object) => {
            if let Some(name) = ref_name(schema) {
                out.push(name);
            }
            for value in object.values() {
                collect_refs(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The values of a string enumeration (`enum`, or `oneOf` of `const`s and
/// `enum`s), each with its description when it has one.
fn enum_values(schema: &Value) -> Option<Vec<(String, Option<String>)>> {
    let scalar = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Some(values.iter().map(|v| (scalar(v), None)).collect());
    }
    if let Some(value) = schema.get("const") {
        return Some(vec![(scalar(value), None)]);
    }
    let branches = schema.get("oneOf")?.as_array()?;
    let mut out = Vec::new();
    for branch in branches {
        let branch_description = description(branch).map(str::to_string);
        if let Some(value) = branch.get("const") {
            out.push((scalar(value), branch_description));
        } else if let Some(values) = branch.get("enum").and_then(Value::as_array) {
            out.extend(
                values
                    .iter()
                    .map(|v| (scalar(v), branch_description.clone())),
            );
        } else {
            return None;
        }
    }
    Some(out)
}

/// The branches of a union tagged by a `type` property with a `const` value.
fn tagged_branches(schema: &Value) -> Option<Vec<(&str, &Value)>> {
    let branches = schema.get("oneOf")?.as_array()?;
    branches
        .iter()
        .map(|branch| {
            let tag = branch
                .get("properties")?
                .get("type")?
                .get("const")?
                .as_str()?;
            Some((tag, branch))
        })
        .collect()
}

/// A field's description; a tag field without one says what it selects.
fn field_description(property: &Value) -> String {
    match (description(property), property.get("const")) {
        (Some(d), _) => d.to_string(),
        (None, Some(Value::String(tag))) => format!("Always `{tag}` for this form."),
        (None, _) => String::new(),
    }
}

fn description(schema: &Value) -> Option<&str> {
    schema.get("description").and_then(Value::as_str)
}

/// `` `A` \| `B` `` for a table cell.
fn value_list<'a>(values: impl Iterator<Item = &'a String>) -> String {
    values
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" \\| ")
}

/// Text on one line: paragraph breaks become `<br>`, wrapped lines join.
fn one_line(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .split('\n')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Text for a table cell: on one line, pipes escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

fn anchor(name: &str) -> String {
    name.to_lowercase()
}

fn kind_anchor(key: &str) -> String {
    format!("kind-{}", key.to_lowercase())
}
