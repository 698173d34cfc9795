//! What goes wrong reading a case file: each problem with the file, line
//! and column it is about and, where there is one, the fix. Loading
//! collects every problem before it gives up, like `validate` does.

use std::fmt;

use serde::Serialize;

use crate::manifest::source::Position;

/// A place in a case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceLocation {
    /// The path as given, with forward slashes.
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl SourceLocation {
    pub(crate) fn new(file: &str, position: Position) -> SourceLocation {
        SourceLocation {
            file: file.to_owned(),
            line: position.line,
            column: position.column,
        }
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One problem in a case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseError {
    pub file: String,
    /// Absent only when the file could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl CaseError {
    pub(crate) fn at(location: &SourceLocation, message: impl Into<String>) -> CaseError {
        CaseError {
            file: location.file.clone(),
            line: Some(location.line),
            column: Some(location.column),
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> CaseError {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn maybe_hint(mut self, hint: Option<String>) -> CaseError {
        self.hint = hint;
        self
    }
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{}:{line}:{column}: ", self.file)?,
            _ => write!(f, "{}: ", self.file)?,
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem found in a case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct CaseFileError {
    /// In file order; never empty.
    pub errors: Vec<CaseError>,
}

impl fmt::Display for CaseFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.errors.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "error: {error}")?;
        }
        Ok(())
    }
}
