//! Human output of `plan`, modelled on Terraform's: a header naming the
//! org, one line per change (`+` create, `~` update, `-` delete, `-/+`
//! replace, `↕` reorder, `→` app mapping) with its fields indented below
//! and its follow-ups under it, the unmanaged objects, the priorities Okta
//! renumbers as a side effect, and a one-line summary.

use super::{
    Entry, FieldLine, PlanStyle, engine_name, entries, field_lines, follow_up_text, headline,
    managed_keys, outcome_line, printable,
};
use crate::plan::model::{Action, Change, Plan};

/// Field lines longer than this put the old and new value on lines of
/// their own.
const WRAP_COLUMNS: usize = 100;

pub fn render(plan: &Plan, style: PlanStyle) -> String {
    let painter = Painter { style };
    let mut out = header(plan, painter);
    for entry in entries(plan) {
        out.push('\n');
        write_entry(&mut out, &entry, painter);
    }
    write_unmanaged(&mut out, plan);
    write_renumbered(&mut out, plan);
    write_impact(&mut out, plan, painter);
    out.push('\n');
    out.push_str(&painter.paint(Paint::Bold, &outcome_line(plan)));
    out.push('\n');
    out
}

/// `oktapol plan for <org> (Identity Engine)` and what is managed.
fn header(plan: &Plan, painter: Painter) -> String {
    let mut out = painter.paint(
        Paint::Bold,
        &format!(
            "oktapol plan for {} ({})",
            printable(&plan.org),
            engine_name(plan.engine)
        ),
    );
    out.push('\n');
    let keys = managed_keys(plan);
    if !keys.is_empty() {
        out.push_str(&format!("Managing {}", keys.join(", ")));
        if plan.prune {
            out.push_str(" (with --prune: unmanaged objects of these kinds are deleted)");
        }
        out.push_str(".\n");
    }
    out
}

/// One change: its headline, field lines, then its follow-ups.
fn write_entry(out: &mut String, entry: &Entry<'_>, painter: Painter) {
    let change = entry.change;
    let paint = action_paint(change.action);
    let mut line = format!(
        "  {} {}",
        painter.paint(paint, change.action.symbol()),
        headline(change).text()
    );
    if let Some(source) = &change.source {
        line.push_str(&painter.paint(Paint::Dim, &format!("  # {}", printable(source))));
    }
    out.push_str(&line);
    out.push('\n');
    write_fields(out, change, 6, painter);
    for follow_up in &entry.follow_ups {
        out.push_str(&format!(
            "    {} {}\n",
            painter.paint(action_paint(follow_up.action), follow_up.action.symbol()),
            follow_up_text(follow_up)
        ));
        write_fields(out, follow_up, 8, painter);
    }
}

/// The field lines of a change at `indent` spaces; a change whose line
/// would be too long shows the old and new value on lines of their own.
fn write_fields(out: &mut String, change: &Change, indent: usize, painter: Painter) {
    let pad = " ".repeat(indent);
    for field in field_lines(change) {
        let symbol = painter.paint(field_paint(&field), field.symbol());
        match (&field.before, &field.after) {
            (Some(before), Some(after)) => {
                let one_line = field.one_line();
                if indent + one_line.chars().count() <= WRAP_COLUMNS {
                    out.push_str(&format!(
                        "{pad}{symbol} {}: {before} → {after}\n",
                        field.path
                    ));
                } else {
                    out.push_str(&format!("{pad}{symbol} {}:\n", field.path));
                    out.push_str(&format!(
                        "{pad}    {} {before}\n",
                        painter.paint(Paint::Red, "-")
                    ));
                    out.push_str(&format!(
                        "{pad}    {} {after}\n",
                        painter.paint(Paint::Green, "+")
                    ));
                }
            }
            (None, Some(value)) | (Some(value), None) => {
                out.push_str(&format!("{pad}{symbol} {}: {value}\n", field.path));
            }
            (None, None) => out.push_str(&format!("{pad}{symbol} {}\n", field.path)),
        }
    }
}

/// Live objects no manifest mentions.
fn write_unmanaged(out: &mut String, plan: &Plan) {
    if plan.unmanaged.is_empty() {
        return;
    }
    out.push('\n');
    if plan.prune {
        out.push_str("Unmanaged (kept: Okta's own objects are never deleted):\n");
    } else {
        out.push_str("Unmanaged (left alone; --prune deletes them):\n");
    }
    for object in &plan.unmanaged {
        out.push_str(&format!(
            "  {} (id {})",
            printable(&object.address),
            printable(&object.id)
        ));
        if object.system {
            out.push_str(": Okta's own, never deleted");
        }
        out.push('\n');
    }
}

/// Unmanaged objects whose priority Okta shifts when managed ones move.
fn write_renumbered(out: &mut String, plan: &Plan) {
    if plan.renumbered.is_empty() {
        return;
    }
    out.push_str("\nPriority renumbered as a side effect (no request of their own):\n");
    for object in &plan.renumbered {
        out.push_str(&format!(
            "  {}: priority {} → {}\n",
            printable(&object.address),
            object.from,
            object.to
        ));
    }
}

/// `--impact`: who is affected, one section per list with changes, each
/// line marked `⚠` when it loosens security.
fn write_impact(out: &mut String, plan: &Plan, painter: Painter) {
    let Some(impact) = &plan.impact else { return };
    out.push('\n');
    out.push_str(&painter.paint(
        Paint::Bold,
        &format!("Impact ({}):", impact.coverage_text()),
    ));
    out.push('\n');
    if impact.lines().next().is_none() {
        out.push_str("  No sign-in changes its outcome.\n");
        return;
    }
    for section in impact.sections.iter().filter(|s| !s.lines.is_empty()) {
        out.push_str(&format!("  {}\n", printable(&section.title)));
        for line in &section.lines {
            let (mark, paint) = if line.direction.flagged() {
                ("⚠", Paint::Red)
            } else {
                ("-", Paint::Dim)
            };
            let mut text = format!(
                "    {} {}",
                painter.paint(paint, mark),
                printable(&line.text())
            );
            if let Some(note) = line.direction.note() {
                text.push_str(&format!(" ({note})"));
            }
            out.push_str(&text);
            out.push('\n');
            if let Some(matched) = line.matched_text() {
                out.push_str(&format!("      {}\n", printable(&matched)));
            }
        }
    }
}

/// The colour of an action's symbol.
fn action_paint(action: Action) -> Paint {
    match action {
        Action::Create => Paint::Green,
        Action::Delete | Action::Replace => Paint::Red,
        Action::Update
        | Action::Rename
        | Action::Reorder
        | Action::Activate
        | Action::Deactivate
        | Action::MapApp => Paint::Yellow,
    }
}

/// The colour of a field line's symbol.
fn field_paint(field: &FieldLine) -> Paint {
    match (&field.before, &field.after) {
        (None, Some(_)) => Paint::Green,
        (Some(_), None) => Paint::Red,
        (Some(_), Some(_)) | (None, None) => Paint::Yellow,
    }
}

#[derive(Debug, Clone, Copy)]
enum Paint {
    Green,
    Yellow,
    Red,
    Bold,
    Dim,
}

/// Wraps text in ANSI codes when colour is on.
#[derive(Debug, Clone, Copy)]
struct Painter {
    style: PlanStyle,
}

impl Painter {
    fn paint(self, paint: Paint, text: &str) -> String {
        if !self.style.color {
            return text.to_owned();
        }
        let code = match paint {
            Paint::Green => "32",
            Paint::Yellow => "33",
            Paint::Red => "31",
            Paint::Bold => "1",
            Paint::Dim => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}
