//! Writing a manifest document as YAML. Every scalar (and every short
//! flow list) is written by `serde-saphyr`, which quotes whatever needs it
//! (colons, `#`, leading `*` or spaces, `yes`, `null`, numbers, dates,
//! control characters, …) and keeps each on one line. The block structure
//! around them — indentation, `- ` items, a blank line between policies, a
//! comment after every reference written as an ID — is laid out here:
//! `serde-saphyr` can emit comments only with its `comments` feature, which
//! also makes every manifest parse keep comments (about a quarter slower).

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use serde_saphyr::{FlowSeq, SerializeError, SerializerOptions};

/// A flow list (`[a, b]`) is used up to this many characters of items.
const FLOW_WIDTH: usize = 60;
/// Spaces per level.
const INDENT: usize = 2;

/// `document` (an object) as YAML, after `header` (comment lines, each
/// ending in a newline). `comments` are keyed by the JSON pointer of the
/// scalar they follow; `spaced` says which lists get a blank line between
/// items.
pub fn render(
    header: &str,
    document: &Value,
    comments: &BTreeMap<String, String>,
    spaced: &dyn Fn(&str) -> bool,
) -> Result<String, SerializeError> {
    let mut writer = Writer {
        out: header.to_owned(),
        comments,
        spaced,
    };
    match document {
        Value::Object(members) if !members.is_empty() => {
            writer.entries(members, 0, "", false)?;
        }
        other => {
            let line = writer.inline(other, "")?;
            writer.out.push_str(&line);
            writer.out.push('\n');
        }
    }
    Ok(writer.out)
}

struct Writer<'a> {
    out: String,
    comments: &'a BTreeMap<String, String>,
    spaced: &'a dyn Fn(&str) -> bool,
}

impl Writer<'_> {
    /// A mapping's entries at `indent`; the first one continues the current
    /// line (after `- `) when `inline_first`.
    fn entries(
        &mut self,
        members: &Map<String, Value>,
        indent: usize,
        pointer: &str,
        inline_first: bool,
    ) -> Result<(), SerializeError> {
        for (index, (key, member)) in members.iter().enumerate() {
            if index > 0 || !inline_first {
                self.pad(indent);
            }
            let key_text = scalar(&Value::String(key.clone()))?;
            self.out.push_str(&key_text);
            self.out.push(':');
            let at = child(pointer, key);
            if self.block(member, &at) {
                self.out.push('\n');
                self.nested(member, indent + INDENT, &at)?;
            } else {
                let line = self.inline(member, &at)?;
                self.out.push(' ');
                self.out.push_str(&line);
                self.out.push('\n');
            }
        }
        Ok(())
    }

    /// A sequence's items at `indent`.
    fn items(
        &mut self,
        items: &[Value],
        indent: usize,
        pointer: &str,
    ) -> Result<(), SerializeError> {
        let spaced = (self.spaced)(pointer);
        for (index, item) in items.iter().enumerate() {
            if spaced && index > 0 {
                self.out.push('\n');
            }
            self.pad(indent);
            self.out.push('-');
            let at = child(pointer, &index.to_string());
            match item {
                Value::Object(members) if !members.is_empty() => {
                    self.out.push(' ');
                    self.entries(members, indent + INDENT, &at, true)?;
                }
                _ if self.block(item, &at) => {
                    self.out.push('\n');
                    self.nested(item, indent + INDENT, &at)?;
                }
                _ => {
                    let line = self.inline(item, &at)?;
                    self.out.push(' ');
                    self.out.push_str(&line);
                    self.out.push('\n');
                }
            }
        }
        Ok(())
    }

    /// A block mapping or sequence on the lines below its key.
    fn nested(
        &mut self,
        value: &Value,
        indent: usize,
        pointer: &str,
    ) -> Result<(), SerializeError> {
        match value {
            Value::Object(members) => self.entries(members, indent, pointer, false),
            Value::Array(items) => self.items(items, indent, pointer),
            _ => Ok(()),
        }
    }

    /// A value that fits on the current line: a scalar (with its comment),
    /// an empty collection, or a short list of scalars in flow style.
    fn inline(&self, value: &Value, pointer: &str) -> Result<String, SerializeError> {
        let mut text = match value {
            Value::Array(items) if !items.is_empty() => {
                let options = options();
                let text = serde_saphyr::to_string_with_options(&FlowSeq(items), options)?;
                text.trim_end_matches('\n').to_owned()
            }
            Value::Array(_) => "[]".to_owned(),
            Value::Object(_) => "{}".to_owned(),
            scalar_value => scalar(scalar_value)?,
        };
        if let Some(comment) = self.comments.get(pointer) {
            text.push_str(" # ");
            text.push_str(&comment.replace(['\n', '\r'], " "));
        }
        Ok(text)
    }

    /// Whether a value is written as a block below its key (or `- `).
    fn block(&self, value: &Value, pointer: &str) -> bool {
        match value {
            Value::Object(members) => !members.is_empty(),
            Value::Array(items) => !items.is_empty() && !self.flow(items, pointer),
            _ => false,
        }
    }

    fn pad(&mut self, indent: usize) {
        self.out.extend(std::iter::repeat_n(' ', indent));
    }

    /// Whether a list reads best on one line: short, scalars only, and no
    /// comments (a flow list cannot carry them).
    fn flow(&self, items: &[Value], pointer: &str) -> bool {
        let mut width = 0;
        for item in items {
            width += match item {
                Value::String(text) => text.chars().count() + 2,
                Value::Number(_) | Value::Bool(_) => 8,
                _ => return false,
            };
        }
        width <= FLOW_WIDTH
            && (0..items.len()).all(|index| {
                !self
                    .comments
                    .contains_key(&child(pointer, &index.to_string()))
            })
    }
}

/// One scalar on one line, quoted if it must be.
fn scalar(value: &Value) -> Result<String, SerializeError> {
    let text = serde_saphyr::to_string_with_options(value, options())?;
    Ok(text.trim_end_matches('\n').to_owned())
}

fn options() -> SerializerOptions {
    let mut options = SerializerOptions::default();
    // Quoted on one line rather than as a block scalar, so every scalar
    // fits after its key.
    options.prefer_block_scalars = false;
    options
}

fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::manifest::load::parse;

    #[test]
    fn writes_block_lists_flow_scalars_and_comments() {
        let document = json!({
            "signOnPolicies": [
                { "name": "yes", "conditions": { "people": { "groups": { "include": ["a: b", "Sales"] } } } },
                { "name": "Default Policy", "default": true, "rules": [
                    { "name": "#1", "conditions": { "people": { "users": { "exclude": ["id:00u1"] } } } }
                ] }
            ]
        });
        let comments = BTreeMap::from([(
            "/signOnPolicies/1/rules/0/conditions/people/users/exclude/0".to_owned(),
            "no user with this ID was found in the org".to_owned(),
        )]);
        let text = render("# head\n", &document, &comments, &|pointer| {
            pointer == "/signOnPolicies"
        })
        .expect("yaml");
        assert_eq!(
            text,
            "# head
signOnPolicies:
  - name: \"yes\"
    conditions:
      people:
        groups:
          include: [\"a: b\", Sales]

  - name: Default Policy
    default: true
    rules:
      - name: \"#1\"
        conditions:
          people:
            users:
              exclude:
                - id:00u1 # no user with this ID was found in the org
"
        );
    }

    proptest! {
        /// Whatever a name holds, the manifest loader reads back exactly it,
        /// in block lists, flow lists and commented scalars alike.
        #[test]
        fn every_name_reads_back_as_written(
            names in prop::collection::vec(
                prop_oneof![
                    any::<String>(),
                    "[ -~]{0,12}",
                    prop::sample::select(vec![
                        "yes", "no", "on", "Off", "null", "~", "true", "1.5", "1e3", "0o17", "0x1F",
                        ".inf", "-.nan", "12:30", "2024-01-01", "a: b", "a #b", "#c", "*d", "&e",
                        "!f", "%g", "@h", "`i", "- j", "? k", "[l]", "{m}", "n,o", "'p'", "\"q\"",
                        " r", "s ", "t\tu", "v\nw", "\u{85}", "\u{2028}", "\u{feff}x", "---", "...",
                    ]).prop_map(str::to_owned),
                ],
                1..6,
            ),
            commented in any::<bool>(),
        ) {
            let short: Vec<Value> = names.iter().take(2).cloned().map(Value::String).collect();
            let document = json!({
                "accessPolicies": [{ "name": names[0], "description": names[names.len() - 1], "apps": names, "rules": [{ "name": names[0] }] }],
                "short": short,
            });
            let comments: BTreeMap<String, String> = if commented {
                names
                    .iter()
                    .enumerate()
                    .map(|(i, name)| (format!("/accessPolicies/0/apps/{i}"), format!("why {name}")))
                    .collect()
            } else {
                BTreeMap::new()
            };
            let text = render("# header\n", &document, &comments, &|_| true).expect("yaml");
            let read = parse(0, &text).map_err(|finding| TestCaseError::fail(format!("{finding:?}\n{text}")))?;
            prop_assert_eq!(read, document, "{}", text);
        }
    }
}
