//! Rendering a [`Plan`] for people and tools: Terraform-like text for a
//! terminal, a versioned JSON document, Markdown for a sticky pull-request
//! comment, and GitHub workflow commands. Renderers only read a plan. What
//! every format shares (the summary line, each change's headline, dotted
//! field paths, truncated values, follow-ups grouped under their change)
//! lives here, so all four say the same thing in the same words.

pub mod github;
mod human;
mod json;
pub mod markdown;

use std::str::FromStr;

use serde_json::Value;

use super::model::{Action, Change, FieldChange, Plan, Summary, Target};
use crate::emulator::Engine;

pub use json::{PLAN_JSON_KIND, PLAN_JSON_VERSION};

/// Output formats of `plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// Terraform-like text: one line per change, its fields indented below.
    Human,
    /// One JSON document: summary plus the plan itself (format version 1).
    Json,
    /// A Markdown summary for a sticky pull-request comment.
    Markdown,
    /// GitHub Actions workflow commands (`::warning` for destructive changes).
    Github,
}

impl FromStr for PlanFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        <PlanFormat as clap::ValueEnum>::from_str(text, true)
    }
}

/// Rendering switches.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanStyle {
    /// ANSI colours (human format on a terminal only).
    pub color: bool,
}

/// Renders a plan in the chosen format.
pub fn render(plan: &Plan, format: PlanFormat, style: PlanStyle) -> String {
    match format {
        PlanFormat::Human => human::render(plan, style),
        PlanFormat::Json => json::render(plan),
        PlanFormat::Markdown => markdown::render(plan),
        PlanFormat::Github => github::render(plan),
    }
}

/// The last line of a plan without changes.
pub const NO_CHANGES: &str = "No changes. The org matches the manifests.";

/// Values longer than this many characters are cut, so one huge condition
/// list cannot bury the rest of the plan.
pub const MAX_VALUE_CHARS: usize = 200;

/// `Plan: 2 to create, 1 to update, 0 to delete, 3 to reorder.`; replaces
/// and app mappings are named only when there are some.
pub fn summary_line(summary: Summary) -> String {
    let mut line = format!(
        "Plan: {} to create, {} to update, {} to delete, {} to reorder",
        summary.create, summary.update, summary.delete, summary.reorder
    );
    if summary.replace > 0 {
        line.push_str(&format!(", {} to replace", summary.replace));
    }
    if summary.map > 0 {
        line.push_str(&format!(
            ", {}",
            counted(summary.map, "app mapping", "app mappings")
        ));
    }
    line.push('.');
    line
}

/// The verdict every text format ends or starts with.
fn outcome_line(plan: &Plan) -> String {
    if plan.has_changes() {
        summary_line(plan.summary())
    } else {
        NO_CHANGES.to_owned()
    }
}

/// "1 app mapping", "2 app mappings".
fn counted(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("{count} {singular}")
    } else {
        format!("{count} {plural}")
    }
}

/// "Identity Engine" or "Classic Engine".
fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Oie => "Identity Engine",
        Engine::Classic => "Classic Engine",
    }
}

/// The manifest keys of the managed kinds, comma-separated.
fn managed_keys(plan: &Plan) -> Vec<&'static str> {
    plan.managed_kinds
        .iter()
        .map(|kind| kind.manifest_key())
        .collect()
}

/// Whether a change removes something from the org (shown in red, and as
/// a warning on GitHub).
fn is_destructive(action: Action) -> bool {
    matches!(action, Action::Delete | Action::Replace)
}

/// A change with the follow-ups that complete it (the activation of a new
/// policy), shown together.
struct Entry<'a> {
    change: &'a Change,
    follow_ups: Vec<&'a Change>,
}

/// The changes in plan order, each follow-up attached to the first earlier
/// change with the same address. A follow-up without one is shown on its
/// own.
fn entries(plan: &Plan) -> Vec<Entry<'_>> {
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for change in &plan.changes {
        if change.follow_up
            && let Some(parent) = entries
                .iter_mut()
                .find(|entry| !entry.change.follow_up && entry.change.address == change.address)
        {
            parent.follow_ups.push(change);
            continue;
        }
        entries.push(Entry {
            change,
            follow_ups: Vec::new(),
        });
    }
    entries
}

/// What a change's first line says after its symbol, in three parts so
/// that formats can mark up the address: `lead` + `address` + `tail`.
struct Headline {
    /// Text before the address (`app "Workday" to ` for app mappings).
    lead: String,
    /// The object's address.
    address: String,
    /// Text after the address (` priority 3 → 1`, ` (rename from "Old")`).
    tail: String,
}

impl Headline {
    fn text(&self) -> String {
        format!("{}{}{}", self.lead, self.address, self.tail)
    }
}

/// The headline of a top-level change.
fn headline(change: &Change) -> Headline {
    let (lead, address) = match &change.target {
        Target::AppMapping {
            kind,
            app_label,
            policy_name,
            ..
        } => (
            format!("app {} to ", quoted(app_label)),
            format!("{}[{}]", kind.manifest_key(), quoted(policy_name)),
        ),
        Target::Policy { .. } | Target::Rule { .. } => (String::new(), printable(&change.address)),
    };
    let mut tail = String::new();
    if change.action == Action::Reorder
        && let Some(priority) = change.priority
    {
        tail.push_str(&format!(" {}", priority_move(priority.from, priority.to)));
    }
    let notes = notes(change, true);
    if !notes.is_empty() {
        tail.push_str(&format!(" ({})", notes.join("; ")));
    }
    Headline {
        lead,
        address,
        tail,
    }
}

/// The line of a follow-up shown under its change: `then activate`.
fn follow_up_text(change: &Change) -> String {
    let mut text = format!("then {}", change.action.verb());
    let mut notes = notes(change, false);
    if change.action == Action::Reorder
        && let Some(priority) = change.priority
    {
        notes.insert(0, priority_move(priority.from, priority.to));
    }
    if !notes.is_empty() {
        text.push_str(&format!(" ({})", notes.join("; ")));
    }
    text
}

/// The parenthesised notes of a headline: what the symbol alone does not
/// say. `name_verb`: whether the verb of an activation is still to be said.
fn notes(change: &Change, name_verb: bool) -> Vec<String> {
    let mut notes = Vec::new();
    let mut reason = change.reason.as_deref().map(printable);
    match change.action {
        // A rename's reason only repeats the old name, which the note says.
        Action::Rename => match renamed_from(change) {
            Some(old) => {
                notes.push(format!("rename from {}", quoted(old)));
                reason = None;
            }
            None if reason.is_none() => notes.push("rename".to_owned()),
            None => {}
        },
        Action::Replace => notes.push(match &reason {
            Some(reason) => format!("replace: {reason}"),
            None => "replace".to_owned(),
        }),
        Action::Activate | Action::Deactivate if name_verb => {
            notes.push(change.action.verb().to_owned());
        }
        Action::Create
        | Action::Update
        | Action::Delete
        | Action::Reorder
        | Action::Activate
        | Action::Deactivate
        | Action::MapApp => {}
    }
    if change.action != Action::Reorder
        && let Some(priority) = change.priority
    {
        notes.push(priority_move(priority.from, priority.to));
    }
    if change.action != Action::Replace
        && let Some(reason) = reason
    {
        notes.push(reason);
    }
    if change.follow_up && name_verb {
        notes.push("follow-up".to_owned());
    }
    notes
}

/// `priority 3 → 1`, or `priority 1` when there was none.
fn priority_move(from: Option<i64>, to: i64) -> String {
    match from {
        Some(from) => format!("priority {from} → {to}"),
        None => format!("priority {to}"),
    }
}

/// The old name of a renamed object, from its `/name` field change.
fn renamed_from(change: &Change) -> Option<&str> {
    change
        .fields
        .iter()
        .find(|field| field.path == "/name")
        .and_then(|field| field.before.as_ref())
        .and_then(Value::as_str)
}

/// A name in double quotes, escaped like the names in addresses.
fn quoted(name: &str) -> String {
    printable(&format!("{name:?}"))
}

/// A field change ready to print: its dotted path and shortened values.
struct FieldLine {
    path: String,
    before: Option<String>,
    after: Option<String>,
}

impl FieldLine {
    fn new(field: &FieldChange) -> Self {
        FieldLine {
            path: dotted_path(&field.path),
            before: field.before.as_ref().map(value_text),
            after: field.after.as_ref().map(value_text),
        }
    }

    /// `+` (added), `-` (removed) or `~` (changed).
    fn symbol(&self) -> &'static str {
        match (&self.before, &self.after) {
            (None, Some(_)) => "+",
            (Some(_), None) => "-",
            (Some(_), Some(_)) | (None, None) => "~",
        }
    }

    /// `~ path: before → after`, `+ path: after`, `- path: before`.
    fn one_line(&self) -> String {
        let symbol = self.symbol();
        match (&self.before, &self.after) {
            (Some(before), Some(after)) => format!("{symbol} {}: {before} → {after}", self.path),
            (None, Some(value)) | (Some(value), None) => {
                format!("{symbol} {}: {value}", self.path)
            }
            (None, None) => format!("{symbol} {}", self.path),
        }
    }
}

/// The field lines of a change.
fn field_lines(change: &Change) -> Vec<FieldLine> {
    change.fields.iter().map(FieldLine::new).collect()
}

/// A JSON pointer as a dotted path: `/conditions/people/groups/include` →
/// `conditions.people.groups.include`, `/include/0` → `include[0]`, keys
/// that are not plain words quoted (`["a.b"]`). The empty pointer is the
/// whole object.
pub fn dotted_path(pointer: &str) -> String {
    if pointer.is_empty() {
        return "(whole object)".to_owned();
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return printable(pointer);
    };
    let mut path = String::new();
    for token in rest.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|byte| byte.is_ascii_digit()) {
            path.push_str(&format!("[{token}]"));
        } else if is_plain_key(&token) {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&token);
        } else {
            path.push_str(&format!("[{}]", quoted(&token)));
        }
    }
    path
}

/// Whether a key reads unambiguously in a dotted path.
fn is_plain_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '-'))
}

/// A value as compact JSON, cut at [`MAX_VALUE_CHARS`].
pub fn value_text(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| value.to_string());
    truncate(&printable(&text), MAX_VALUE_CHARS)
}

/// Cuts `text` after `max` characters, saying how many were left out.
pub fn truncate(text: &str, max: usize) -> String {
    let total = text.chars().count();
    if total <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max).collect();
    format!("{kept}… (+{} chars)", total - max)
}

/// Text that is safe to print on a terminal or in a review: control
/// characters and bidirectional overrides (which can make a diff read
/// differently from what it does) are written as escapes.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// Unicode's explicit directional formatting characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}
