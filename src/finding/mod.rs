//! Findings: what `validate` (and every later stage that checks input)
//! reports — a stable code, a severity, a message, a one-line fix hint and
//! the place in the manifests it is about.

mod code;
mod docs;
pub mod examples;

pub use code::{Code, CodeInfo};
pub use docs::codes_markdown;

use serde::Serialize;

use crate::manifest::source::{FileId, Position};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// An invalid manifest: `validate` fails.
    Error,
    /// Legal but risky: `validate` passes unless `--strict`.
    Warning,
    /// Context, such as a check that was skipped.
    Info,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Which part of a YAML mapping entry a finding points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// The value (or the whole node).
    Value,
    /// The mapping key itself, e.g. an unknown key.
    Key,
}

/// Where a finding points.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// A node of a manifest file, by JSON pointer (`/signOnPolicies/0/rules/1`).
    Node {
        file: FileId,
        pointer: String,
        anchor: Anchor,
    },
    /// A known line and column (parse errors).
    Position { file: FileId, position: Position },
    /// A whole file.
    File { file: FileId },
    /// No file (e.g. the path given on the command line).
    None,
}

impl Location {
    /// The value at `pointer` in `file`.
    pub fn node(file: FileId, pointer: impl Into<String>) -> Self {
        Location::Node {
            file,
            pointer: pointer.into(),
            anchor: Anchor::Value,
        }
    }

    /// The key of the mapping entry at `pointer` in `file`.
    pub fn key(file: FileId, pointer: impl Into<String>) -> Self {
        Location::Node {
            file,
            pointer: pointer.into(),
            anchor: Anchor::Key,
        }
    }

    /// The file the location is in, if any.
    pub fn file(&self) -> Option<FileId> {
        match self {
            Location::Node { file, .. }
            | Location::Position { file, .. }
            | Location::File { file } => Some(*file),
            Location::None => None,
        }
    }
}

/// One problem (or note) about the manifests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable code, e.g. `OKP012`.
    pub code: Code,
    /// Error, warning or info.
    pub severity: Severity,
    /// What is wrong, naming the object.
    pub message: String,
    /// One line saying how to fix it.
    pub hint: Option<String>,
    /// Where it is.
    pub location: Location,
    /// Other places that explain it (e.g. the first of two duplicates).
    pub related: Vec<(Location, String)>,
}

impl Finding {
    /// A finding with the code's default severity.
    pub fn new(code: Code, location: Location, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.info().severity,
            message: message.into(),
            hint: None,
            location,
            related: Vec::new(),
        }
    }

    /// Adds the fix hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a related location with a label.
    pub fn related(mut self, location: Location, label: impl Into<String>) -> Self {
        self.related.push((location, label.into()));
        self
    }
}
