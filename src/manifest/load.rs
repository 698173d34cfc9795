//! Loading manifests: find the files (one file, or a directory searched
//! recursively in path order), decode them, and parse each into a JSON value
//! with YAML's safety limits on. Every failure becomes a [`Finding`] with a
//! file, line and column; nothing here panics on any input.

use std::fs;
use std::path::{Path, PathBuf};

use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::{
    DuplicateKeyPolicy, ExternalMessageSource, MessageFormatter, UserMessageFormatter,
};
use walkdir::WalkDir;

use crate::finding::{Code, Finding, Location};

use super::source::{FileId, Position, SourceFile, Sources, display_path};

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Alias expansion beyond this many replayed events is treated as an alias bomb.
const MAX_ALIAS_REPLAY: usize = 100_000;

/// Deepest nesting of mappings and lists accepted (manifests need about 15).
const MAX_DEPTH: usize = 64;

/// What reading the manifest path produced. Files are parsed one at a time
/// by the caller ([`parse`]), so only one document is in memory as a JSON
/// value at any moment.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every file found, including those that could not be read.
    pub sources: Sources,
    /// The files whose text was read and can be parsed.
    pub readable: Vec<FileId>,
    /// Problems found while reading.
    pub findings: Vec<Finding>,
}

/// Reads every manifest file under `path`.
pub fn load(path: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let files = match discover(path) {
        Ok(files) => files,
        Err(finding) => {
            loaded.findings.push(finding);
            return loaded;
        }
    };
    for file_path in files {
        load_file(&mut loaded, file_path);
    }
    loaded
}

fn load_file(loaded: &mut Loaded, path: PathBuf) {
    let bytes = fs::metadata(&path).and_then(|meta| {
        if meta.len() > MAX_FILE_BYTES {
            Err(std::io::Error::other(format!(
                "file is {} bytes; the limit is {MAX_FILE_BYTES}",
                meta.len()
            )))
        } else {
            fs::read(&path)
        }
    });
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) => {
            let file = loaded
                .sources
                .add(SourceFile::new(path.clone(), String::new()));
            loaded.findings.push(
                Finding::new(
                    Code::PathNotFound,
                    Location::File { file },
                    format!("cannot read {}: {error}", display_path(&path)),
                )
                .hint("check the file exists, is readable and is a regular file"),
            );
            return;
        }
    };
    add_bytes(loaded, path, bytes);
}

/// Reads in-memory files (name, content) as if they were on disk.
pub fn load_bytes(files: Vec<(PathBuf, Vec<u8>)>) -> Loaded {
    let mut loaded = Loaded::default();
    for (path, bytes) in files {
        add_bytes(&mut loaded, path, bytes);
    }
    loaded
}

fn add_bytes(loaded: &mut Loaded, path: PathBuf, bytes: Vec<u8>) {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let file = loaded.sources.add(SourceFile::new(path, text));
            loaded.readable.push(file);
        }
        Err(error) => {
            // Windows PowerShell's `>` and `Out-File` write UTF-16 with a byte order mark.
            let utf16 = error.as_bytes().starts_with(&[0xFF, 0xFE])
                || error.as_bytes().starts_with(&[0xFE, 0xFF]);
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            let prefix = String::from_utf8_lossy(valid).into_owned();
            let position = end_position(&prefix);
            let file = loaded.sources.add(SourceFile::new(path, prefix));
            let (message, hint) = if utf16 {
                (
                    "the file is UTF-16 text, not UTF-8",
                    "save the file as UTF-8 (in PowerShell: `Set-Content -Encoding utf8`, or `Out-File -Encoding utf8`)",
                )
            } else {
                (
                    "the file is not valid UTF-8 text (is it a binary file?)",
                    "save the file as UTF-8, or move non-manifest files out of the manifest directory",
                )
            };
            loaded.findings.push(
                Finding::new(
                    Code::NotUtf8,
                    Location::Position { file, position },
                    message,
                )
                .hint(hint),
            );
        }
    }
}

/// The position just after `text`.
fn end_position(text: &str) -> Position {
    let line = text.matches('\n').count() + 1;
    let column = text
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    Position {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    }
}

/// The manifest files under `path`: the file itself, or every `*.yaml` /
/// `*.yml` file below the directory, sorted by path.
pub fn discover(path: &Path) -> Result<Vec<PathBuf>, Finding> {
    let meta = fs::metadata(path).map_err(|error| {
        Finding::new(
            Code::PathNotFound,
            Location::None,
            format!("cannot read {}: {error}", display_path(path)),
        )
        .hint("pass a manifest file or a directory of *.yaml files")
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let walk = WalkDir::new(path)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        // Hidden directories (.git, .github, .oktapol) never hold manifests.
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        });
    for entry in walk {
        let entry = entry.map_err(|error| {
            Finding::new(
                Code::PathNotFound,
                Location::None,
                format!("cannot read {}: {error}", display_path(path)),
            )
            .hint("check the directory's permissions")
        })?;
        let is_manifest = entry.file_type().is_file()
            && entry
                .path()
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml");
        if is_manifest {
            files.push(entry.into_path());
        }
    }
    if files.is_empty() {
        return Err(Finding::new(
            Code::NoManifests,
            Location::None,
            format!("no *.yaml or *.yml files under {}", display_path(path)),
        )
        .hint("point oktapol at a manifest file or a directory that contains manifests"));
    }
    Ok(files)
}

/// Parses one file's text into a JSON value.
pub fn parse(file: FileId, text: &str) -> Result<serde_json::Value, Finding> {
    let mut options = serde_saphyr::Options::default();
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.strict_booleans = true;
    options.with_snippet = false;
    options.budget = Some(budget_for(text.len()));
    options.alias_limits.max_total_replayed_events = MAX_ALIAS_REPLAY;
    match serde_saphyr::from_str_with_options::<serde_json::Value>(text, options) {
        Ok(serde_json::Value::Null) if is_blank(text) => Err(Finding::new(
            Code::EmptyFile,
            Location::Position {
                file,
                position: Position::START,
            },
            "the file is empty: it holds no YAML document",
        )
        .hint("add policies (e.g. `signOnPolicies: [...]`) or delete the file")),
        Ok(value) => Ok(value),
        Err(error) => Err(parse_finding(file, text, &error)),
    }
}

fn budget_for(bytes: usize) -> serde_saphyr::Budget {
    // Every parser event consumes at least one byte of input, so a budget
    // proportional to the size never refuses a real file, only expansion.
    let events = bytes.saturating_mul(2).max(1_000_000);
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = events;
    budget.max_nodes = events;
    budget.max_total_scalar_bytes = bytes.saturating_mul(2).max(1 << 20);
    budget.max_depth = MAX_DEPTH;
    budget
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line == "---" || line == "..."
    })
}

fn parse_finding(file: FileId, text: &str, error: &serde_saphyr::Error) -> Finding {
    let message = UserMessageFormatter.format_message(error).into_owned();
    let position = error
        .location()
        .filter(|location| location.line() > 0)
        .map_or(Position::START, |location| Position {
            line: u32::try_from(location.line()).unwrap_or(u32::MAX),
            column: u32::try_from(location.column()).unwrap_or(u32::MAX),
        });
    let location = Location::Position { file, position };
    use serde_saphyr::Error as E;
    let mut original = error;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = original {
        original = error;
    }
    match original {
        E::Budget {
            breach: BudgetBreach::Depth { .. },
            ..
        } => too_deep(location),
        E::ExternalMessage {
            source, ..
        } if matches!(
            source.as_ref(),
            ExternalMessageSource::Parser(scan)
                if matches!(scan.kind(), ErrorKind::RecursionLimitExceeded)
        ) =>
        {
            too_deep(location)
        }
        E::NonFiniteFloat { .. } => Finding::new(Code::YamlSyntax, location, message).hint(
            "write a finite number, or quote the text if it is meant as a string; manifests hold no NaN or infinity",
        ),
        E::DuplicateMappingKey { .. } => Finding::new(Code::DuplicateKey, location, message)
            .hint("remove or rename one of the two keys; YAML mappings cannot repeat a key"),
        E::MultipleDocuments { .. } => Finding::new(
            Code::MultipleDocuments,
            location,
            "the file holds more than one YAML document (`---` separator)",
        )
        .hint("put each document in its own file"),
        E::AliasReplayLimitExceeded { .. } => Finding::new(
            Code::YamlLimits,
            location,
            format!(
                "the file's aliases (`*name`) expand to more than {MAX_ALIAS_REPLAY} nodes (an alias bomb?)"
            ),
        )
        .hint("expand the YAML by hand instead of nesting aliases; manifests need no anchors"),
        E::Budget { .. }
        | E::AliasReplayCounterOverflow { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => {
            Finding::new(Code::YamlLimits, location, message).hint(
                "expand the YAML by hand instead of nesting aliases; manifests need no anchors",
            )
        }
        E::UnknownAnchor { .. } => Finding::new(Code::YamlSyntax, location, message)
            .hint("define the anchor (`&name`) before using the alias (`*name`)"),
        E::ExternalMessage { source, .. } => {
            let kind = match source.as_ref() {
                ExternalMessageSource::Parser(scan) => Some(scan.kind()),
                _ => None,
            };
            if let Some(ErrorKind::UnexpectedCharacter { character }) = kind
                && character.is_control()
            {
                return Finding::new(
                    Code::YamlSyntax,
                    location,
                    format!(
                        "the file contains the control character U+{:04X}, which YAML does not allow",
                        u32::from(*character)
                    ),
                )
                .hint("manifests are plain text: remove the character, or move the file out of the manifest directory if it is not a manifest");
            }
            Finding::new(Code::YamlSyntax, location, message).hint(syntax_hint(kind, text, position))
        }
        _ => Finding::new(Code::YamlSyntax, location, message).hint(syntax_hint(None, text, position)),
    }
}

/// A fix for a YAML syntax error: a bracket that is never closed explains
/// most errors reported further down, so it comes first; otherwise a hint
/// for the kind of error.
fn syntax_hint(kind: Option<&ErrorKind>, text: &str, position: Position) -> String {
    if !matches!(kind, Some(ErrorKind::MismatchedFlowCollectionEnd { .. }))
        && let Some((open, at)) = unclosed_bracket(text, position)
    {
        let close = if open == '[' { ']' } else { '}' };
        return format!(
            "the `{open}` at line {}, column {} is never closed: add the missing `{close}`",
            at.line, at.column
        );
    }
    let hint = match kind {
        Some(
            ErrorKind::TabNotAllowed
            | ErrorKind::TabInBlockIndentation
            | ErrorKind::TabInIndentation
            | ErrorKind::TabInPlainScalar
            | ErrorKind::TabAtBlockScalarStart,
        ) => "indent with spaces: YAML does not allow tabs here (set your editor to insert spaces)",
        Some(ErrorKind::SimpleKeyExpected) => "add a `:` after the key (`key: value`)",
        Some(ErrorKind::MappingValueNotAllowed | ErrorKind::InvalidColonPlacement) => {
            "a `: ` inside a value starts a mapping: quote the value (`name: \"Contractors: EMEA\"`), or align this line with its siblings"
        }
        Some(ErrorKind::UnclosedQuotedScalar) => {
            "close the quote (inside single quotes, an apostrophe is written `''`)"
        }
        Some(ErrorKind::InvalidTrailingSingleQuotedScalar) => {
            "inside single quotes an apostrophe is written `''` (`'Contractor''s policy'`), or use double quotes"
        }
        Some(ErrorKind::InvalidTrailingDoubleQuotedScalar) => {
            "quote the whole value (`name: \"Contractors EMEA\"`); nothing may follow the closing quote"
        }
        Some(ErrorKind::BlockEntryInFlowCollection) => {
            "inside `[...]` separate the items with commas (`[Workday, NetSuite]`); `- item` lines need no brackets"
        }
        Some(ErrorKind::MismatchedFlowCollectionEnd { .. }) => {
            "close `[` with `]` and `{` with `}`"
        }
        Some(
            ErrorKind::ExpectedBlockMappingKey
            | ErrorKind::ExpectedBlockSequenceEntry
            | ErrorKind::InvalidIndentation,
        ) => "indent this line like the other entries of the same list or mapping",
        _ => "fix the YAML syntax at this position (check indentation, quotes and brackets)",
    };
    hint.to_owned()
}

/// The innermost `[` or `{` that is still open at `error` and never closed
/// anywhere in the file, found by a light scan that skips quoted strings
/// and comments.
fn unclosed_bracket(text: &str, error: Position) -> Option<(char, Position)> {
    let mut stack: Vec<(char, Position)> = Vec::new();
    let mut open_at_error = None;
    let mut quote: Option<char> = None;
    for (index, line) in text.lines().enumerate() {
        let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        // The last non-blank character before this one on the line, if any.
        let mut previous: Option<char> = None;
        let mut chars = line.chars().zip(1u32..).peekable();
        // The character just before this one (blank or not).
        let mut before: Option<char> = None;
        while let Some((c, column)) = chars.next() {
            let after_blank = before.is_none_or(char::is_whitespace);
            before = Some(c);
            if open_at_error.is_none() && (line_number, column) >= (error.line, error.column) {
                open_at_error = Some(stack.clone());
            }
            match quote {
                Some('"') => {
                    if c == '\\' {
                        chars.next();
                        before = None;
                    } else if c == '"' {
                        quote = None;
                        previous = Some(c);
                    }
                    continue;
                }
                Some(_) => {
                    if c == '\'' {
                        if chars.peek().is_some_and(|(next, _)| *next == '\'') {
                            chars.next();
                        } else {
                            quote = None;
                            previous = Some(c);
                        }
                    }
                    continue;
                }
                None => {}
            }
            let token_start = matches!(previous, None | Some(':' | '-' | ',' | '[' | '{' | '?'));
            match c {
                _ if c.is_whitespace() => continue,
                '#' if after_blank => break,
                '"' | '\'' if token_start => quote = Some(c),
                '[' | '{' if token_start || !stack.is_empty() => stack.push((
                    c,
                    Position {
                        line: line_number,
                        column,
                    },
                )),
                ']' | '}' => {
                    stack.pop();
                }
                _ => {}
            }
            previous = Some(c);
        }
        if open_at_error.is_none() && line_number >= error.line {
            open_at_error = Some(stack.clone());
        }
    }
    let open = open_at_error.unwrap_or_else(|| stack.clone());
    open.into_iter().rev().find(|opener| stack.contains(opener))
}

/// Nesting beyond the parser's depth limit: a runaway bracket or
/// indentation, or a deliberately hostile file.
fn too_deep(location: Location) -> Finding {
    Finding::new(
        Code::YamlLimits,
        location,
        format!("the YAML nests deeper than {MAX_DEPTH} levels"),
    )
    .hint("manifests nest about 15 levels deep at most; look for unclosed or repeated `[`/`{` or runaway indentation")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> Finding {
        parse(0, text).expect_err("should fail")
    }

    fn position(finding: &Finding) -> String {
        match &finding.location {
            Location::Position { position, .. } => position.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn classifies_parse_failures_with_positions() {
        let dup = err("a: 1\na: 2\n");
        assert_eq!(dup.code, Code::DuplicateKey);
        assert_eq!(position(&dup), "2:1");
        let syntax = err("a: [1, 2\nb: 3\n");
        assert_eq!(syntax.code, Code::YamlSyntax);
        assert_eq!(position(&syntax), "2:2");
        assert_eq!(err("").code, Code::EmptyFile);
        assert_eq!(err("# nothing\n").code, Code::EmptyFile);
        assert_eq!(err("a: 1\n---\nb: 2\n").code, Code::MultipleDocuments);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let prev = level - 1;
            text.push_str(&format!(
                "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        assert_eq!(err(&text).code, Code::YamlLimits);
    }

    #[test]
    fn yaml_1_1_booleans_stay_strings() {
        let value = parse(0, "a: [y, yes, no, on, true]\n").expect("parses");
        assert_eq!(
            value,
            serde_json::json!({"a": ["y", "yes", "no", "on", true]})
        );
    }

    #[test]
    fn end_position_counts_characters() {
        assert_eq!(end_position("ab\ncé"), Position { line: 2, column: 3 });
    }
}
