//! Markdown output of `plan`, meant for a sticky pull-request comment: a
//! heading naming the org, the summary as a table, then one collapsible
//! `<details>` block per change with its fields as a `diff` code block,
//! the unmanaged objects and the renumbered priorities in collapsible
//! sections of their own. The comment stays under GitHub's size limit.

use super::{
    Entry, counted, engine_name, entries, field_lines, follow_up_text, headline, managed_keys,
    outcome_line, printable,
};
use crate::plan::model::{Change, Plan};

/// A hidden first line, for workflows that find and update their comment.
pub const COMMENT_MARKER: &str = "<!-- oktapol plan -->";

/// GitHub rejects comments over 65,536 characters; change blocks stop well
/// before, leaving room for the sections after them.
const MAX_CHANGE_CHARS: usize = 50_000;

/// Tables of unmanaged or renumbered objects list at most this many rows.
const MAX_TABLE_ROWS: usize = 200;

pub fn render(plan: &Plan) -> String {
    let mut out = format!("{COMMENT_MARKER}\n");
    let icon = if !plan.has_changes() {
        "✅"
    } else if plan
        .changes
        .iter()
        .any(|change| super::is_destructive(change.action))
    {
        "⚠️"
    } else {
        "📋"
    };
    out.push_str(&format!(
        "### {icon} oktapol plan for <code>{}</code>\n\n",
        escape_html(&printable(&plan.org))
    ));
    out.push_str(&about(plan));
    out.push_str(&format!("**{}**\n\n", escape_html(&outcome_line(plan))));
    if plan.has_changes() {
        write_summary_table(&mut out, plan);
        write_changes(&mut out, plan);
    }
    write_impact(&mut out, plan);
    write_unmanaged(&mut out, plan);
    write_renumbered(&mut out, plan);
    out
}

/// `--impact`: a table per list with changes, loosening lines flagged.
fn write_impact(out: &mut String, plan: &Plan) {
    let Some(impact) = &plan.impact else { return };
    out.push_str("#### Impact: who is affected\n\n");
    out.push_str(&format!(
        "{}. ⚠️ marks a change that loosens security.\n\n",
        escape_html(&capitalized(&impact.coverage_text()))
    ));
    if impact.lines().next().is_none() {
        out.push_str("No sign-in changes its outcome.\n\n");
        return;
    }
    let total = impact.lines().count();
    let mut written = 0;
    for section in impact.sections.iter().filter(|s| !s.lines.is_empty()) {
        if written >= MAX_TABLE_ROWS {
            break;
        }
        out.push_str(&format!(
            "**{}**\n\n",
            escape_html(&printable(&section.title))
        ));
        out.push_str("| | Who | Change |\n|---|---|---|\n");
        for line in section.lines.iter().take(MAX_TABLE_ROWS - written) {
            let mark = match line.direction.note() {
                Some(note) if line.direction.flagged() => format!("⚠️ {note}"),
                Some(note) => note.to_owned(),
                None => String::new(),
            };
            let mut change = escape_cell(&printable(&line.changes_text()));
            if let Some(matched) = line.matched_text() {
                change.push_str(&format!("<br>{}", escape_cell(&printable(&matched))));
            }
            out.push_str(&format!(
                "| {mark} | {} | {change} |\n",
                escape_cell(&printable(&line.who))
            ));
            written += 1;
        }
        out.push('\n');
    }
    if total > written {
        out.push_str(&format!(
            "…and {} more; run <code>oktapol plan --impact</code> for all of them.\n\n",
            counted(total - written, "line", "lines")
        ));
    }
}

/// The text with its first letter in upper case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The engine and the managed kinds, in one line.
fn about(plan: &Plan) -> String {
    let mut line = engine_name(plan.engine).to_owned();
    let keys = managed_keys(plan);
    if !keys.is_empty() {
        let keys: Vec<String> = keys
            .iter()
            .map(|key| format!("<code>{key}</code>"))
            .collect();
        line.push_str(&format!(" · managing {}", keys.join(", ")));
    }
    if plan.prune {
        line.push_str(" · with <code>--prune</code>");
    }
    format!("{line}\n\n")
}

fn write_summary_table(out: &mut String, plan: &Plan) {
    let summary = plan.summary();
    out.push_str("| Create | Update | Delete | Reorder | Replace | App mappings |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} |\n\n",
        summary.create,
        summary.update,
        summary.delete,
        summary.reorder,
        summary.replace,
        summary.map
    ));
}

/// One `<details>` block per change, in the order they are applied, until
/// the size budget is spent.
fn write_changes(out: &mut String, plan: &Plan) {
    out.push_str("#### Changes, in the order they are applied\n\n");
    let entries = entries(plan);
    let mut written = 0;
    let mut used = 0;
    for entry in &entries {
        let block = change_block(entry);
        let size = block.chars().count();
        if used + size > MAX_CHANGE_CHARS {
            break;
        }
        used += size;
        written += 1;
        out.push_str(&block);
    }
    let left = entries.len() - written;
    if left > 0 {
        out.push_str(&format!(
            "…and {} not shown here, to keep this comment under GitHub's size limit; \
             run <code>oktapol plan</code> for the full plan.\n\n",
            counted(left, "more change", "more changes")
        ));
    }
}

/// A change as a collapsible block: headline as the summary, source
/// location, and a `diff` code block with its fields and follow-ups.
fn change_block(entry: &Entry<'_>) -> String {
    let change = entry.change;
    let headline = headline(change);
    let mut block = format!(
        "<details><summary><code>{}</code> {}<code>{}</code>{}</summary>\n\n",
        escape_html(change.action.symbol()),
        escape_html(&headline.lead),
        escape_html(&headline.address),
        escape_html(&headline.tail),
    );
    if let Some(source) = &change.source {
        block.push_str(&format!(
            "Written at <code>{}</code>\n\n",
            escape_html(&printable(source))
        ));
    }
    let mut lines = diff_lines(change, "");
    for follow_up in &entry.follow_ups {
        lines.push(format!(
            "{} {}",
            follow_up.action.symbol(),
            follow_up_text(follow_up)
        ));
        lines.extend(diff_lines(follow_up, "  "));
    }
    if lines.is_empty() {
        lines.push(format!("{} {}", change.action.symbol(), headline.text()));
    }
    let body = lines.join("\n");
    let fence = fence_for(&body);
    block.push_str(&format!("{fence}diff\n{body}\n{fence}\n\n</details>\n\n"));
    block
}

/// The fields of a change as diff lines, a change being a `-` line and a
/// `+` line so that GitHub colours both.
fn diff_lines(change: &Change, indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for field in field_lines(change) {
        let path = &field.path;
        match (&field.before, &field.after) {
            (Some(before), Some(after)) => {
                lines.push(format!("-{indent} {path}: {before}"));
                lines.push(format!("+{indent} {path}: {after}"));
            }
            (Some(before), None) => lines.push(format!("-{indent} {path}: {before}")),
            (None, Some(after)) => lines.push(format!("+{indent} {path}: {after}")),
            (None, None) => lines.push(format!("~{indent} {path}")),
        }
    }
    // The priority is in the headline; in the diff it gets GitHub's colours.
    if let Some(priority) = change.priority
        && !change.fields.iter().any(|field| field.path == "/priority")
    {
        if let Some(from) = priority.from {
            lines.push(format!("-{indent} priority: {from}"));
        }
        lines.push(format!("+{indent} priority: {}", priority.to));
    }
    lines
}

fn write_unmanaged(out: &mut String, plan: &Plan) {
    if plan.unmanaged.is_empty() {
        return;
    }
    let title = if plan.prune {
        "kept: Okta's own objects are never deleted"
    } else {
        "left alone; <code>--prune</code> deletes them"
    };
    out.push_str(&format!(
        "<details><summary>Unmanaged objects ({}), {title}</summary>\n\n",
        plan.unmanaged.len()
    ));
    out.push_str("| Address | ID | |\n|---|---|---|\n");
    for object in plan.unmanaged.iter().take(MAX_TABLE_ROWS) {
        let note = if object.system {
            "Okta's own, never deleted"
        } else {
            ""
        };
        out.push_str(&format!(
            "| <code>{}</code> | <code>{}</code> | {note} |\n",
            escape_cell(&printable(&object.address)),
            escape_cell(&printable(&object.id)),
        ));
    }
    write_rows_left(out, plan.unmanaged.len());
    out.push_str("\n</details>\n\n");
}

fn write_renumbered(out: &mut String, plan: &Plan) {
    if plan.renumbered.is_empty() {
        return;
    }
    out.push_str(&format!(
        "<details><summary>Priority renumbered as a side effect ({})</summary>\n\n",
        plan.renumbered.len()
    ));
    out.push_str("| Address | Priority |\n|---|---|\n");
    for object in plan.renumbered.iter().take(MAX_TABLE_ROWS) {
        out.push_str(&format!(
            "| <code>{}</code> | {} → {} |\n",
            escape_cell(&printable(&object.address)),
            object.from,
            object.to
        ));
    }
    write_rows_left(out, plan.renumbered.len());
    out.push_str("\n</details>\n\n");
}

/// The note under a table that was cut at [`MAX_TABLE_ROWS`].
fn write_rows_left(out: &mut String, rows: usize) {
    if rows > MAX_TABLE_ROWS {
        out.push_str(&format!("\n…and {} more.\n", rows - MAX_TABLE_ROWS));
    }
}

/// Escapes text for HTML (a `<summary>`, a `<code>` element): `&`, `<`
/// and `>` would start entities or tags.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes a table cell: HTML as [`escape_html`], and pipes and newlines,
/// which would end the cell or the table.
pub fn escape_cell(text: &str) -> String {
    escape_html(text)
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

/// A code fence longer than any run of backticks in `body`, so that no
/// value can close the block early.
pub fn fence_for(body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}
