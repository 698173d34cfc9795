//! Every finding code has an example in `docs/codes.md`, and the examples
//! say what oktapol really says: each one that is a manifest is validated
//! (or planned against the examples' org, or a Classic Engine one) and must
//! produce its code at the reported `line:col` with the reported message;
//! each command line is run. A code without an example fails the test.

use std::path::PathBuf;
use std::sync::Arc;

use assert_cmd::Command;
use oktapol::client::LocalOrg;
use oktapol::clock::ManualClock;
use oktapol::emulator::Engine;
use oktapol::emulator::org::Org;
use oktapol::emulator::seed::Seed;
use oktapol::finding::examples::{OrgUnderTest, Run, example};
use oktapol::finding::{Code, Finding};
use oktapol::manifest::load::load_bytes;
use oktapol::plan::{Options, PlanError, make_plan};
use oktapol::report;
use oktapol::validate::{Validation, validate_loaded};

use crate::util::root;

/// `policies.yaml`, validated as a file of that name.
fn validate(manifest: &str) -> Validation {
    validate_loaded(load_bytes(vec![(
        PathBuf::from("policies.yaml"),
        manifest.as_bytes().to_vec(),
    )]))
}

/// `file:line:col: message` of every finding with `code`.
fn reported(validation: &Validation, findings: &[Finding], code: Code) -> Vec<String> {
    report::resolve(&validation.sources, findings)
        .into_iter()
        .filter(|f| f.code == code)
        .map(|f| {
            format!(
                "{}:{}:{}: {}",
                f.file.unwrap_or_default(),
                f.line.unwrap_or_default(),
                f.column.unwrap_or_default(),
                f.message
            )
        })
        .collect()
}

fn org(engine: Engine) -> LocalOrg {
    let seed = Seed::read(&root().join("examples/org-seed.yaml")).expect("the example seed");
    let mut org = Org::new(engine, 7, Arc::new(ManualClock::fixed()));
    org.add_seed(&seed);
    LocalOrg::new(org)
}

/// What planning the manifest reports with `code`.
fn plan_reports(manifest: &str, engine: Engine, code: Code) -> Vec<String> {
    let validation = validate(manifest);
    let errors = reported(&validation, &validation.findings, code);
    // Info findings (a skipped cross-policy check) do not stop a plan.
    assert!(
        validation
            .findings
            .iter()
            .all(|f| f.severity == oktapol::finding::Severity::Info),
        "{code}: the example does not validate: {errors:?} {:?}",
        validation.findings
    );
    let api = org(engine);
    let planned = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(make_plan(
            &api,
            &validation.set,
            Options::default(),
            &|_| None,
        ));
    match planned {
        Err(PlanError::Findings(findings)) => reported(&validation, &findings, code),
        Err(other) => panic!("{code}: {other}"),
        Ok(plan) => panic!("{code}: planned without a finding: {plan:?}"),
    }
}

#[test]
fn every_code_has_an_example_that_reports_it() {
    let mut failures = Vec::new();
    for &code in Code::ALL {
        let Some(example) = example(code) else {
            failures.push(format!(
                "{code} has no example: add one to src/finding/examples.rs"
            ));
            continue;
        };
        let found = match example.run {
            Run::Validate => {
                let validation = validate(example.manifest);
                reported(&validation, &validation.findings, code)
            }
            Run::Plan(OrgUnderTest::Examples) => plan_reports(example.manifest, Engine::Oie, code),
            Run::Plan(OrgUnderTest::Classic) => {
                plan_reports(example.manifest, Engine::Classic, code)
            }
            Run::Command(command) => run_command(command, code),
            Run::Illustrative(_) => continue,
        };
        if !found.iter().any(|line| line == example.reported) {
            failures.push(format!(
                "{code}: the example reports\n    {}\nbut oktapol reports\n    {}",
                example.reported,
                found.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs an example command line (`oktapol validate …  # comment`) in a
/// directory with an empty `policies/`.
fn run_command(command: &str, code: Code) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("policies")).expect("mkdir");
    let line = command.split('#').next().unwrap_or_default();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words.first(), Some(&"oktapol"), "{command}");
    let output = Command::cargo_bin("oktapol")
        .expect("binary")
        .current_dir(dir.path())
        .args(&words[1..])
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == code.id())
        .map(|f| f["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn the_committed_code_list_shows_the_examples() {
    let committed = std::fs::read_to_string(root().join("docs/codes.md")).unwrap_or_default();
    assert!(
        committed.contains("**Example.**"),
        "regenerate docs/codes.md"
    );
}
