//! GitHub Actions workflow commands for `plan`: a `::notice` with the
//! summary, then one annotation per change (`::warning` for deletes and
//! replaces, `::notice` for the rest) placed on the manifest line that
//! asks for it, and notices for the unmanaged and renumbered objects.

use super::{
    Entry, entries, field_lines, follow_up_text, headline, is_destructive, outcome_line, printable,
};
use crate::impact::Impact;
use crate::plan::model::{Action, Plan};

/// An annotation lists at most this many field lines; the rest are counted.
const MAX_MESSAGE_LINES: usize = 20;

pub fn render(plan: &Plan) -> String {
    let mut out = command(
        "notice",
        &[("title", "oktapol plan".to_owned())],
        &format!("{}\nOrg: {}", outcome_line(plan), printable(&plan.org)),
    );
    for entry in entries(plan) {
        out.push_str(&change_command(&entry));
    }
    if let Some(impact) = &plan.impact {
        out.push_str(&impact_commands(impact));
    }
    if !plan.unmanaged.is_empty() {
        let heading = if plan.prune {
            "Unmanaged (kept: Okta's own objects are never deleted):"
        } else {
            "Unmanaged (left alone; --prune deletes them):"
        };
        let mut lines = vec![heading.to_owned()];
        lines.extend(plan.unmanaged.iter().map(|object| {
            let mut line = format!(
                "{} (id {})",
                printable(&object.address),
                printable(&object.id)
            );
            if object.system {
                line.push_str(": Okta's own, never deleted");
            }
            line
        }));
        out.push_str(&command(
            "notice",
            &[("title", "oktapol plan: unmanaged objects".to_owned())],
            &capped(lines).join("\n"),
        ));
    }
    if !plan.renumbered.is_empty() {
        let mut lines =
            vec!["Priority renumbered as a side effect (no request of their own):".to_owned()];
        lines.extend(plan.renumbered.iter().map(|object| {
            format!(
                "{}: priority {} → {}",
                printable(&object.address),
                object.from,
                object.to
            )
        }));
        out.push_str(&command(
            "notice",
            &[("title", "oktapol plan: renumbered priorities".to_owned())],
            &capped(lines).join("\n"),
        ));
    }
    out
}

/// The annotation of one change and its follow-ups.
fn change_command(entry: &Entry<'_>) -> String {
    let change = entry.change;
    let name = if is_destructive(change.action) {
        "warning"
    } else {
        "notice"
    };
    let headline = headline(change);
    let mut properties = change
        .source
        .as_deref()
        .map(location_properties)
        .unwrap_or_default();
    // "map app …" would say "app" twice: the headline starts with it.
    let subject = match change.action {
        Action::MapApp => format!("map {}{}", headline.lead, headline.address),
        _ => format!("{} {}", change.action.verb(), headline.address),
    };
    properties.push(("title", format!("oktapol plan: {subject}")));
    let mut lines = vec![format!("{} {}", change.action.symbol(), headline.text())];
    lines.extend(
        field_lines(change)
            .iter()
            .map(|field| format!("  {}", field.one_line())),
    );
    for follow_up in &entry.follow_ups {
        lines.push(format!(
            "{} {}",
            follow_up.action.symbol(),
            follow_up_text(follow_up)
        ));
        lines.extend(
            field_lines(follow_up)
                .iter()
                .map(|field| format!("  {}", field.one_line())),
        );
    }
    command(name, &properties, &capped(lines).join("\n"))
}

/// `--impact`: a `::warning` with the lines that loosen security, and a
/// `::notice` with every line.
fn impact_commands(impact: &Impact) -> String {
    let text = |section: &crate::impact::Section, line: &crate::impact::Line| {
        let mut text = format!("{}: {}", section.title, line.text());
        if let Some(note) = line.direction.note() {
            text.push_str(&format!(" ({note})"));
        }
        printable(&text)
    };
    let mut out = String::new();
    let loosening: Vec<String> = impact
        .lines()
        .filter(|(_, line)| line.direction.flagged())
        .map(|(section, line)| text(section, line))
        .collect();
    if !loosening.is_empty() {
        out.push_str(&command(
            "warning",
            &[("title", "oktapol plan: impact loosens security".to_owned())],
            &capped(loosening).join("\n"),
        ));
    }
    let mut lines = vec![format!("Impact ({}):", impact.coverage_text())];
    lines.extend(impact.lines().map(|(section, line)| text(section, line)));
    if lines.len() == 1 {
        lines.push("No sign-in changes its outcome.".to_owned());
    }
    out.push_str(&command(
        "notice",
        &[("title", "oktapol plan: impact".to_owned())],
        &capped(lines).join("\n"),
    ));
    out
}

/// Keeps the first lines of a long message and counts the rest.
fn capped(mut lines: Vec<String>) -> Vec<String> {
    if lines.len() > MAX_MESSAGE_LINES + 1 {
        let left = lines.len() - MAX_MESSAGE_LINES;
        lines.truncate(MAX_MESSAGE_LINES);
        lines.push(format!("… {left} more lines"));
    }
    lines
}

/// `file`, `line` and `col` properties from a `file:line:col` source; the
/// numbers are taken from the right, so a path may contain colons.
pub fn location_properties(source: &str) -> Vec<(&'static str, String)> {
    let mut parts = source.rsplitn(3, ':');
    let last = parts.next().unwrap_or_default();
    let middle = parts.next();
    let first = parts.next();
    let is_number = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match (first, middle, last) {
        (Some(file), Some(line), col) if is_number(line) && is_number(col) => vec![
            ("file", file.to_owned()),
            ("line", line.to_owned()),
            ("col", col.to_owned()),
        ],
        (first, Some(middle), line) if is_number(line) => {
            let file = match first {
                Some(first) => format!("{first}:{middle}"),
                None => middle.to_owned(),
            };
            vec![("file", file), ("line", line.to_owned())]
        }
        _ if source.is_empty() => Vec::new(),
        _ => vec![("file", source.to_owned())],
    }
}

/// One workflow command line: `::name key=value,…::message`.
fn command(name: &str, properties: &[(&str, String)], message: &str) -> String {
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    format!(
        "::{name} {}::{}\n",
        properties.join(","),
        escape_data(message)
    )
}

/// Escaping for the message part of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a `key=value` property of a workflow command.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
