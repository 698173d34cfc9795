//! The shipped examples are documentation users copy from, so they must stay
//! valid: every example directory validates with no errors and no warnings,
//! every file opens with the modeline that points editors at the committed
//! schema, and together the examples show all nine policy kinds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use oktapol::finding::Severity;
use oktapol::manifest::PolicyKind;
use oktapol::report::{self, Format, Style};
use oktapol::validate::Validation;

use crate::util::{root, validate_repo_path};

/// What every example file starts with, followed by the schema's path
/// relative to the file.
const MODELINE_PREFIX: &str = "# yaml-language-server: $schema=";

/// The example of a whole (small) org, split over several files.
const QUICKSTART: &str = "quickstart";

/// The one-kind examples, `examples/<name>/policies.yaml`, and the kind each shows.
const KIND_EXAMPLES: [(&str, PolicyKind); 9] = [
    ("sign-on", PolicyKind::SignOn),
    ("password", PolicyKind::Password),
    ("mfa-enroll", PolicyKind::MfaEnroll),
    ("idp-discovery", PolicyKind::IdpDiscovery),
    ("access", PolicyKind::Access),
    ("profile-enrollment", PolicyKind::ProfileEnrollment),
    ("entity-risk", PolicyKind::EntityRisk),
    ("post-auth-session", PolicyKind::PostAuthSession),
    ("authorization-server", PolicyKind::AuthorizationServer),
];

/// Directories under `examples/` that hold no manifests: `oktapol test`
/// case files, and CI workflows (tested by `ci_examples`).
pub const NOT_EXAMPLES: &[&str] = &["cases", "ci"];

/// The names of the directories directly under `examples/`, sorted.
fn example_names() -> Vec<String> {
    let entries = std::fs::read_dir(root().join("examples")).expect("read examples/");
    let mut names: Vec<String> = entries
        .map(|entry| entry.expect("read examples/ entry").path())
        .filter(|path| path.is_dir())
        .filter(|path| !NOT_EXAMPLES.iter().any(|n| path.ends_with(n)))
        .filter_map(|path| Some(path.file_name()?.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// Validates `examples/<name>` as `oktapol validate` would.
fn validate_example(name: &str) -> Validation {
    validate_repo_path(Path::new("examples").join(name))
}

/// Every `*.yaml` / `*.yml` file under `dir`, recursively, sorted.
/// Example files that are not manifests: the emulator's directory seed.
const NOT_MANIFESTS: &[&str] = &["org-seed.yaml"];

fn manifest_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("read example directory") {
            let path = entry.expect("read example entry").path();
            if path.is_dir() {
                if !NOT_EXAMPLES.iter().any(|n| path.ends_with(n)) {
                    pending.push(path);
                }
            } else if path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
                && !path
                    .file_name()
                    .is_some_and(|name| NOT_MANIFESTS.iter().any(|n| name == *n))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_example_validates_without_errors_or_warnings() {
    let names = example_names();
    assert!(!names.is_empty(), "examples/ has no example directories");
    for name in names {
        let validation = validate_example(&name);
        let errors = validation.count(Severity::Error);
        let warnings = validation.count(Severity::Warning);
        assert!(
            errors == 0 && warnings == 0,
            "examples/{name} has {errors} error(s) and {warnings} warning(s):\n{}",
            report::render(Format::Human, &validation, Style::default())
        );
        assert!(
            !validation.sources.is_empty(),
            "examples/{name} holds no manifest files"
        );
    }
}

#[test]
fn every_example_file_starts_with_the_schema_modeline() {
    let schema = root()
        .join("schema/oktapol.schema.json")
        .canonicalize()
        .expect("schema/oktapol.schema.json exists");
    let files = manifest_files(&root().join("examples"));
    assert!(!files.is_empty(), "examples/ holds no manifest files");
    for file in files {
        let shown = file.strip_prefix(root()).unwrap_or(&file).display();
        let text = std::fs::read_to_string(&file).expect("read example file");
        let first_line = text.lines().next().unwrap_or_default();
        let Some(relative) = first_line.strip_prefix(MODELINE_PREFIX) else {
            panic!("{shown} must start with `{MODELINE_PREFIX}<path>`, found {first_line:?}");
        };
        let relative = relative.trim();
        let parent = file.parent().expect("an example file has a directory");
        let resolved = parent
            .join(relative)
            .canonicalize()
            .unwrap_or_else(|error| {
                panic!(
                    "{shown}: the modeline's schema path {relative:?} does not resolve ({error})"
                )
            });
        assert_eq!(
            resolved,
            schema,
            "{shown}: the modeline points at {}, not at schema/oktapol.schema.json",
            resolved.display()
        );
    }
}

#[test]
fn examples_cover_every_policy_kind() {
    let covered: BTreeSet<PolicyKind> = example_names()
        .iter()
        .flat_map(|name| validate_example(name).set.managed_kinds())
        .collect();
    let missing: Vec<PolicyKind> = PolicyKind::ALL
        .into_iter()
        .filter(|kind| !covered.contains(kind))
        .collect();
    assert!(
        missing.is_empty(),
        "no example manages {missing:?}; add an examples/<kind>/policies.yaml"
    );
}

#[test]
fn each_kind_example_shows_exactly_its_kind() {
    for (name, kind) in KIND_EXAMPLES {
        let file = root().join("examples").join(name).join("policies.yaml");
        assert!(file.is_file(), "examples/{name}/policies.yaml is missing");
        assert_eq!(
            validate_example(name).set.managed_kinds(),
            BTreeSet::from([kind]),
            "examples/{name} should manage {kind} and nothing else (a file that fails validation manages nothing)"
        );
    }
}

#[test]
fn quickstart_is_a_small_org_split_over_files() {
    let files = manifest_files(&root().join("examples").join(QUICKSTART));
    assert!(
        files.len() > 1,
        "examples/{QUICKSTART} should show a manifest split over several files"
    );
    let managed = validate_example(QUICKSTART).set.managed_kinds();
    for kind in [
        PolicyKind::SignOn,
        PolicyKind::Password,
        PolicyKind::MfaEnroll,
        PolicyKind::Access,
    ] {
        assert!(
            managed.contains(&kind),
            "examples/{QUICKSTART} should manage {kind}"
        );
    }
}
