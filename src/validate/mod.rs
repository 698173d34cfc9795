//! `validate`: load the manifests, check every file against the JSON Schema,
//! read the valid ones into the typed model, and run the semantic rules over
//! the whole set. Every finding is collected (never just the first) and the
//! result is plain data for the renderers.

pub mod rules;

use std::path::Path;

use serde_json::Value;

use crate::finding::{Code, Finding, Location, Severity};
use crate::manifest::Manifest;
use crate::manifest::address::address;
use crate::manifest::load::{self, Loaded};
use crate::manifest::set::{Document, ManifestSet};
use crate::manifest::source::{FileId, Sources};
use crate::manifest::variables::{self, Variables};
use crate::schema::ManifestSchema;

/// The outcome of validating a manifest path.
#[derive(Debug)]
pub struct Validation {
    /// The files read.
    pub sources: Sources,
    /// The typed manifests of the files that passed the schema.
    pub set: ManifestSet,
    /// Every finding, in file and position order.
    pub findings: Vec<Finding>,
}

impl Validation {
    /// Whether any finding has the given severity.
    pub fn has(&self, severity: Severity) -> bool {
        self.findings.iter().any(|f| f.severity == severity)
    }

    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Validates the manifest file or directory at `path`.
pub fn validate_path(path: &Path) -> Validation {
    validate_loaded(load::load(path))
}

/// Validates the manifests at `path` with `${name}` references replaced by
/// the variables of `oktapol.yaml`.
pub fn validate_path_with(path: &Path, variables: &Variables) -> Validation {
    validate_loaded_with(load::load(path), variables)
}

/// Validates files already read into memory.
pub fn validate_loaded(loaded: Loaded) -> Validation {
    validate_loaded_with(loaded, &Variables::default())
}

/// Validates files already read into memory, substituting `variables`.
pub fn validate_loaded_with(loaded: Loaded, variables: &Variables) -> Validation {
    let Loaded {
        sources,
        readable,
        mut findings,
    } = loaded;
    let schema = ManifestSchema::get();
    let mut set = ManifestSet::default();
    for file in readable {
        // One file's JSON value at a time: it is dropped once typed.
        match load::parse(file, &sources.get(file).text) {
            Err(finding) => findings.push(finding),
            Ok(mut value) => {
                // Variables first, on the parsed values, so positions stay the file's.
                let substituted =
                    variables::substitute(file, sources.get(file), &mut value, variables);
                let failed = !substituted.failed.is_empty();
                findings.extend(substituted.findings);
                match typed(schema, file, &value) {
                    Ok(manifest) if !failed => set.documents.push(Document { file, manifest }),
                    Ok(_) => {}
                    // A reference left as written is already reported.
                    Err(schema_findings) => findings.extend(
                        schema_findings
                            .into_iter()
                            .filter(|finding| !at_any(&finding.location, &substituted.failed)),
                    ),
                }
            }
        }
    }
    // Semantic rules compare policies across files; they run on the files
    // that passed the schema, so a typo in one file does not hide the rest.
    findings.extend(rules::check(&set));
    // Only when every file is valid: a cross-policy answer from part of the
    // set would be a guess.
    if !findings.iter().any(|f| f.severity == Severity::Error) {
        findings.extend(crate::mfa::checks::check(&set));
    }
    sort(&sources, &mut findings);
    Validation {
        sources,
        set,
        findings,
    }
}

/// Whether a finding points at one of `pointers`.
fn at_any(location: &Location, pointers: &[String]) -> bool {
    matches!(location, Location::Node { pointer, .. } if pointers.contains(pointer))
}

/// Schema-checks one document and reads it into the typed model.
fn typed(schema: &ManifestSchema, file: FileId, value: &Value) -> Result<Manifest, Vec<Finding>> {
    let findings = schema.check(file, value);
    if !findings.is_empty() {
        return Err(findings);
    }
    serde_path_to_error::deserialize::<_, Manifest>(value).map_err(|error| {
        let pointer = pointer_of(error.path());
        vec![
            Finding::new(
                Code::SchemaViolation,
                Location::node(file, pointer.clone()),
                format!("{}: {}", address(value, &pointer), error.inner()),
            )
            .hint("see the field's description in schema/oktapol.schema.json"),
        ]
    })
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// Orders findings by file, then position, then code.
fn sort(sources: &Sources, findings: &mut [Finding]) {
    let key = |finding: &Finding| {
        let position = crate::report::position_of(sources, &finding.location);
        (
            finding.location.file(),
            position,
            finding.code,
            finding.message.clone(),
        )
    };
    findings.sort_by_cached_key(key);
}
