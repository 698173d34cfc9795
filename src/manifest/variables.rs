//! Variables of the selected environment (`oktapol.yaml`), substituted into
//! manifests as `${name}` before the schema check, so one set of manifests
//! promotes from a preview org to production. Substitution works on the
//! parsed values, never on the text, so every later finding keeps its
//! `file:line:col`. Only string values are substituted (mapping keys never
//! are); `$${` writes a literal `${`. A value that is exactly one `${name}`
//! takes the variable's type (a number, a boolean, a list); inside other
//! text a variable must be a string, number or boolean.

use std::collections::BTreeMap;

use serde_json::Value;

use super::source::{FileId, Position, SourceFile};
use crate::finding::{Anchor, Code, Finding, Location};

/// Variable values by dotted name (`groups.admins`), and what to say about
/// a name that is not among them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variables {
    values: BTreeMap<String, Value>,
    /// Where the names are defined, e.g. "environment `dev` in oktapol.yaml".
    origin: Option<String>,
    /// How to define a missing name, when not by adding it to `origin`.
    undefined_hint: Option<String>,
}

impl Variables {
    /// Variables defined at `origin` (for messages).
    pub fn new(values: BTreeMap<String, Value>, origin: impl Into<String>) -> Self {
        Variables {
            values,
            origin: Some(origin.into()),
            undefined_hint: None,
        }
    }

    /// Sets the hint shown for an undefined name with no close match.
    pub fn with_undefined_hint(mut self, hint: impl Into<String>) -> Self {
        self.undefined_hint = Some(hint.into());
        self
    }

    /// The value of a name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Every name, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// Whether no variable is defined.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn undefined(&self, name: &str) -> (String, String) {
        let message = match &self.origin {
            Some(origin) => format!("variable `{name}` is not defined in {origin}"),
            None => format!("variable `{name}` is not defined (no oktapol.yaml variables)"),
        };
        let hint = if let Some(close) = crate::spelling::closest(name, self.names()) {
            format!("did you mean `${{{close}}}`?")
        } else if let Some(hint) = &self.undefined_hint {
            hint.clone()
        } else {
            format!(
                "define `{name}` under `variables:` in oktapol.yaml, or write `$${{{name}}}` for a literal `${{{name}}}`"
            )
        };
        (message, hint)
    }
}

/// Whether a name is a variable name: letters, digits, `_` and `-`, in
/// segments joined by single dots.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

/// Escapes every `${` in the string values of `value` as `$${`, so text
/// written into a manifest (by `export`) reads back as itself.
pub fn escape(value: &mut Value) {
    match value {
        Value::String(text) if text.contains("${") => *text = text.replace("${", "$${"),
        Value::Array(items) => items.iter_mut().for_each(escape),
        Value::Object(map) => map.values_mut().for_each(escape),
        _ => {}
    }
}

/// What substituting one file's variables found.
#[derive(Debug, Default)]
pub struct Substituted {
    /// Undefined and invalid references.
    pub findings: Vec<Finding>,
    /// JSON pointers of the values that could not be substituted (left as
    /// written), so schema findings about them can be dropped as noise.
    pub failed: Vec<String>,
}

/// Substitutes `${name}` in every string value of `value`, a document of
/// `source` (file `file`).
pub fn substitute(
    file: FileId,
    source: &SourceFile,
    value: &mut Value,
    variables: &Variables,
) -> Substituted {
    let mut out = Substituted::default();
    let mut pointer = String::new();
    walk(file, source, value, variables, &mut pointer, &mut out);
    out
}

fn walk(
    file: FileId,
    source: &SourceFile,
    value: &mut Value,
    variables: &Variables,
    pointer: &mut String,
    out: &mut Substituted,
) {
    match value {
        Value::String(text) if text.contains('$') => match substitute_text(text, variables) {
            Ok(Some(new)) => *value = new,
            Ok(None) => {}
            Err(problems) => {
                out.failed.push(pointer.clone());
                for problem in problems {
                    out.findings
                        .push(problem.finding(file, source, pointer, text));
                }
            }
        },
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{index}"));
                walk(file, source, item, variables, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                walk(file, source, item, variables, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// A piece of a string value.
enum Piece<'t> {
    Text(&'t str),
    Variable(&'t str),
}

/// One problem with a reference in a string value.
struct Problem {
    code: Code,
    message: String,
    hint: String,
    /// The text to point at in the source (`${name}`, or `${`).
    needle: String,
}

impl Problem {
    fn finding(&self, file: FileId, source: &SourceFile, pointer: &str, text: &str) -> Finding {
        let start = source.locate(pointer, Anchor::Value);
        let position = refine(source, start, &self.needle, text.len());
        let location = match position {
            Some(position) => Location::Position { file, position },
            None => Location::node(file, pointer),
        };
        Finding::new(self.code, location, self.message.clone()).hint(self.hint.clone())
    }
}

/// The position of `needle` in the source at or after `start`, within the
/// stretch a scalar of `len` characters can take (quotes, escapes, folding).
fn refine(source: &SourceFile, start: Position, needle: &str, len: usize) -> Option<Position> {
    let from = source.byte_offset(start);
    let rest = source.text.get(from..)?;
    let window = rest
        .char_indices()
        .nth(len.saturating_mul(2) + 16)
        .map_or(rest, |(end, _)| &rest[..end]);
    let at = window.find(needle)?;
    let before = &rest[..at];
    let newlines = before.matches('\n').count();
    let line = start.line + u32::try_from(newlines).ok()?;
    let column = match before.rfind('\n') {
        Some(last) => before[last + 1..].chars().count() + 1,
        None => start.column as usize + before.chars().count(),
    };
    Some(Position {
        line,
        column: u32::try_from(column).ok()?,
    })
}

/// Splits a string value into text and references; `$${` is a literal `${`.
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, Problem> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        if rest[..at].ends_with('$') {
            // `$${`: the text up to the first `$`, then a literal `${`.
            pieces.push(Piece::Text(&rest[..at - 1]));
            pieces.push(Piece::Text("${"));
            rest = &rest[at + 2..];
            continue;
        }
        pieces.push(Piece::Text(&rest[..at]));
        let after = &rest[at + 2..];
        let Some(end) = after.find('}') else {
            return Err(Problem {
                code: Code::InvalidVariableReference,
                message: "`${` is not closed with `}`".to_owned(),
                hint: "write `${name}`, or `$${` for a literal `${`".to_owned(),
                needle: "${".to_owned(),
            });
        };
        let name = &after[..end];
        if !is_valid_name(name) {
            return Err(Problem {
                code: Code::InvalidVariableReference,
                message: format!("`${{{name}}}` does not name a variable"),
                hint: "variable names are letters, digits, `_` and `-` in dot-separated parts (`${groups.admins}`); write `$${` for a literal `${`".to_owned(),
                needle: format!("${{{name}}}"),
            });
        }
        pieces.push(Piece::Variable(name));
        rest = &after[end + 1..];
    }
    pieces.push(Piece::Text(rest));
    pieces.retain(|piece| !matches!(piece, Piece::Text("")));
    Ok(pieces)
}

/// The substituted value, `None` when the text holds no reference or
/// escape, or every problem with its references.
fn substitute_text(text: &str, variables: &Variables) -> Result<Option<Value>, Vec<Problem>> {
    if !text.contains("${") {
        return Ok(None);
    }
    let pieces = pieces(text).map_err(|problem| vec![problem])?;
    let mut problems = Vec::new();
    for piece in &pieces {
        if let Piece::Variable(name) = piece
            && variables.get(name).is_none()
        {
            let (message, hint) = variables.undefined(name);
            problems.push(Problem {
                code: Code::UndefinedVariable,
                message,
                hint,
                needle: format!("${{{name}}}"),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if let [Piece::Variable(name)] = pieces.as_slice() {
        return Ok(variables.get(name).cloned());
    }
    let mut out = String::with_capacity(text.len());
    for piece in &pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Variable(name) => match variables.get(name) {
                Some(Value::String(value)) => out.push_str(value),
                Some(value @ (Value::Number(_) | Value::Bool(_))) => {
                    out.push_str(&value.to_string());
                }
                _ => problems.push(Problem {
                    code: Code::InvalidVariableReference,
                    message: format!(
                        "variable `{name}` holds a list, which cannot stand inside other text"
                    ),
                    hint: format!(
                        "write the list variable as the whole value (`include: ${{{name}}}`), or use a string variable here"
                    ),
                    needle: format!("${{{name}}}"),
                }),
            },
        }
    }
    if problems.is_empty() {
        Ok(Some(Value::String(out)))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use super::*;

    fn variables() -> Variables {
        let values = [
            ("groups.admins", json!("Okta Administrators")),
            ("session.idle", json!(60)),
            ("mfa", json!(true)),
            (
                "zones.office",
                json!(["Corporate Network", "Warehouse Network"]),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Variables::new(values, "environment `dev` in oktapol.yaml")
    }

    fn run(yaml: &str) -> (Value, Vec<String>) {
        let source = SourceFile::new(PathBuf::from("m.yaml"), yaml.to_owned());
        let mut value = crate::manifest::load::parse(0, yaml).expect("parses");
        let out = substitute(0, &source, &mut value, &variables());
        let findings = out
            .findings
            .iter()
            .map(|f| match &f.location {
                Location::Position { position, .. } => format!("{}@{position}", f.code),
                other => format!("{}@{other:?}", f.code),
            })
            .collect();
        (value, findings)
    }

    #[test]
    fn whole_values_keep_the_variables_type_and_text_is_spliced() {
        let (value, findings) = run(
            "a: ${groups.admins}\nb: ${session.idle}\nc: ${mfa}\nd: ${zones.office}\ne: \"${groups.admins} (${session.idle} min)\"\n",
        );
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            value,
            json!({
                "a": "Okta Administrators",
                "b": 60,
                "c": true,
                "d": ["Corporate Network", "Warehouse Network"],
                "e": "Okta Administrators (60 min)",
            })
        );
    }

    #[test]
    fn escapes_and_plain_dollars_stay_literal() {
        let (value, findings) = run("a: $${groups.admins}\nb: costs $5\nc: a$$${mfa}\n");
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            value,
            json!({"a": "${groups.admins}", "b": "costs $5", "c": "a$${mfa}"})
        );
    }

    #[test]
    fn problems_point_at_the_reference() {
        let (_, findings) = run(
            "x:\n  - name: \"Admins: ${groups.admin}\"\n  - ${nope\n  - \"${zones.office}!\"\n  - ${bad name}\n",
        );
        assert_eq!(
            findings,
            ["OKP009@2:20", "OKP016@3:5", "OKP016@4:6", "OKP016@5:5"]
        );
    }

    #[test]
    fn an_undefined_name_gets_did_you_mean() {
        let source = SourceFile::new(PathBuf::from("m.yaml"), "a: ${group.admins}\n".to_owned());
        let mut value = json!({"a": "${group.admins}"});
        let out = substitute(0, &source, &mut value, &variables());
        let finding = &out.findings[0];
        assert!(finding.message.contains("environment `dev`"), "{finding:?}");
        assert_eq!(
            finding.hint.as_deref(),
            Some("did you mean `${groups.admins}`?")
        );
        assert_eq!(out.failed, ["/a"]);
    }

    #[test]
    fn escaped_text_reads_back_as_itself() {
        let original = json!({"name": "Costs ${x} and $${y}", "list": ["${a}"], "n": 1});
        let mut value = original.clone();
        escape(&mut value);
        let source = SourceFile::new(PathBuf::from("m.yaml"), String::new());
        let out = substitute(0, &source, &mut value, &Variables::default());
        assert!(out.findings.is_empty(), "{:?}", out.findings);
        assert_eq!(value, original);
    }

    #[test]
    fn names() {
        assert!(is_valid_name("groups.admins"));
        assert!(is_valid_name("a_b-c.d1"));
        assert!(!is_valid_name("a..b"));
        assert!(!is_valid_name(".a"));
        assert!(!is_valid_name("a b"));
        assert!(!is_valid_name(""));
    }
}
