//! Planning the shipped examples against a seeded in-process org.

use std::sync::Arc;

use oktapol::client::{LocalOrg, Metered};
use oktapol::clock::ManualClock;
use oktapol::emulator::Engine;
use oktapol::emulator::org::Org;
use oktapol::emulator::seed::Seed;
use oktapol::plan::{Options, Plan, make_plan};
use oktapol::validate::validate_path;

use crate::util::root;

/// A fresh Identity Engine org with the examples' directory seed.
pub fn seeded_org() -> LocalOrg {
    let seed = Seed::read(&root().join("examples/org-seed.yaml")).expect("the example seed");
    let mut org = Org::new(Engine::Oie, 7, Arc::new(ManualClock::fixed()));
    org.add_seed(&seed);
    LocalOrg::new(org)
}

/// Plans a repository path against `api`.
pub fn plan_path(api: &Metered<LocalOrg>, relative: &str, options: Options) -> Plan {
    let validation = validate_path(&root().join(relative));
    assert!(
        !validation.has(oktapol::finding::Severity::Error),
        "{relative} does not validate"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime
        .block_on(make_plan(api, &validation.set, options, &|_| None))
        .unwrap_or_else(|error| match error {
            oktapol::plan::PlanError::Findings(findings) => panic!("{findings:#?}"),
            other => panic!("{other}"),
        })
}

#[test]
fn quickstart_plans_creates_against_a_fresh_org() {
    let api = Metered::new(seeded_org(), 200);
    let plan = plan_path(&api, "examples/quickstart", Options::default());
    println!(
        "{}",
        serde_json::to_string_pretty(&plan).unwrap_or_default()
    );
    println!("{:?}", api.counts());
    assert!(plan.has_changes());
}

/// Applies a plan to `api` (current-thread runtime).
pub fn apply_plan(api: &Metered<LocalOrg>, plan: &Plan) -> oktapol::apply::Report {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(oktapol::apply::apply(api, plan))
}

#[test]
fn every_example_applies_and_then_plans_no_changes() {
    let mut failures = Vec::new();
    for example in [
        "examples/quickstart",
        "examples/sign-on",
        "examples/password",
        "examples/mfa-enroll",
        "examples/idp-discovery",
        "examples/access",
        "examples/profile-enrollment",
        "examples/entity-risk",
        "examples/post-auth-session",
        "examples/authorization-server",
    ] {
        let api = Metered::new(seeded_org(), 200);
        let plan = plan_path(&api, example, Options::default());
        let report = apply_plan(&api, &plan);
        if report.failed() > 0 {
            failures.push(format!("{example}: {report:#?}"));
            continue;
        }
        let again = plan_path(&api, example, Options::default());
        if again.has_changes() {
            failures.push(format!(
                "{example} plans changes right after apply:\n{}",
                serde_json::to_string_pretty(&again.changes).unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
