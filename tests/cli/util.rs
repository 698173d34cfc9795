//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use oktapol::finding::Severity;
use oktapol::report;
use oktapol::validate::{Validation, validate_path};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `yaml` to a file in a fresh temporary directory and validates it.
pub fn validate_text(yaml: &str) -> (tempfile::TempDir, Validation) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("manifest.yaml");
    std::fs::write(&path, yaml).expect("write manifest");
    let validation = validate_path(&path);
    (dir, validation)
}

/// Validates several files (name, text) in one directory.
pub fn validate_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Validation) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write manifest");
    }
    let validation = validate_path(dir.path());
    (dir, validation)
}

/// `CODE@line:col` for every finding (errors and warnings), in report order.
pub fn codes_at(validation: &Validation) -> Vec<String> {
    report::resolve(&validation.sources, &validation.findings)
        .into_iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| match (f.line, f.column) {
            (Some(line), Some(column)) => format!("{}@{line}:{column}", f.code),
            _ => f.code.to_string(),
        })
        .collect()
}

/// Validates a file or directory under the repository.
pub fn validate_repo_path(relative: impl AsRef<Path>) -> Validation {
    validate_path(&root().join(relative))
}
