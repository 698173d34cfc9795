//! The apply engine against an in-process org: every example applies and
//! then needs nothing; a soak under injected faults (500s, commits that
//! answer 500 or time out, 429s) converges without duplicating or losing
//! anything; priority moves end in the manifest's order with no wasted
//! write; a change the server rejects fails alone and skips only what
//! depends on it; concurrent runs never write one ordered list twice at
//! once and end like a sequential run; the safety guards refuse what they
//! must; a stop request starts nothing new.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use oktapol::apply::guard::{self, Limits, Refusal};
use oktapol::apply::{ApplyOptions, Observer, Outcome, Report, Silent, apply_with};
use oktapol::client::wire::{Policy, PolicyRule as Rule};
use oktapol::client::{Api, FaultPlan, Faulty, LocalOrg, Metered};
use oktapol::emulator::org::Org;
use oktapol::finding::Severity;
use oktapol::live::LiveOrg;
use oktapol::manifest::PolicyKind;
use oktapol::plan::{Action, Change, Options, Plan, PlanError, Target, make_plan_and_live};
use oktapol::validate::{Validation, validate_path};
use serde_json::{Map, Value, json};

use crate::plan_examples::seeded_org;
use crate::util::{codes_at, root, validate_text};

// ----- harness ---------------------------------------------------------------

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// Manifests that validate without errors.
struct Manifests {
    validation: Validation,
    /// Keeps a written manifest's directory alive.
    _dir: Option<tempfile::TempDir>,
}

impl Manifests {
    fn repo(relative: &str) -> Self {
        Self::checked(validate_path(&root().join(relative)), None, relative)
    }

    fn text(yaml: &str) -> Self {
        let (dir, validation) = validate_text(yaml);
        Self::checked(validation, Some(dir), yaml)
    }

    fn checked(validation: Validation, dir: Option<tempfile::TempDir>, what: &str) -> Self {
        assert!(
            !validation.has(Severity::Error),
            "does not validate: {:?}\n{what}",
            codes_at(&validation)
        );
        Manifests {
            validation,
            _dir: dir,
        }
    }
}

fn options(prune: bool) -> Options {
    Options {
        prune,
        ..Options::default()
    }
}

/// Plans `manifests` against `api`, with what was read.
fn plan_live(api: &dyn Api, manifests: &Manifests, prune: bool) -> (Plan, LiveOrg) {
    block_on(make_plan_and_live(
        api,
        &manifests.validation.set,
        options(prune),
        &|_| None,
    ))
    .unwrap_or_else(|error| match error {
        PlanError::Findings(findings) => panic!("{findings:#?}"),
        other => panic!("{other}"),
    })
}

fn plan_of(api: &dyn Api, manifests: &Manifests, prune: bool) -> Plan {
    plan_live(api, manifests, prune).0
}

fn run(api: &dyn Api, plan: &Plan, parallelism: usize, observer: &dyn Observer) -> Report {
    let options = ApplyOptions {
        parallelism,
        ..ApplyOptions::default()
    };
    block_on(apply_with(api, plan, &options, observer)).expect("the plan has no cycle")
}

/// Applies `plan`; every change must be done.
fn apply_all(api: &dyn Api, plan: &Plan) {
    let report = run(api, plan, 4, &Silent);
    assert!(
        report.complete(),
        "apply did not complete: {}",
        outcomes(plan, &report)
    );
}

/// Plans and applies `manifests` once, then checks nothing is left to do.
fn converge_cleanly(api: &dyn Api, manifests: &Manifests, prune: bool) {
    apply_all(api, &plan_of(api, manifests, prune));
    let again = plan_of(api, manifests, prune);
    assert!(!again.has_changes(), "left to do: {}", changes_of(&again));
}

fn changes_of(plan: &Plan) -> String {
    plan.changes
        .iter()
        .enumerate()
        .map(|(i, c)| format!("\n  {i}: {} {}", c.action.verb(), c.address))
        .collect()
}

fn outcomes(plan: &Plan, report: &Report) -> String {
    plan.changes
        .iter()
        .zip(&report.outcomes)
        .enumerate()
        .map(|(i, (c, o))| format!("\n  {i}: {} {}: {o:?}", c.action.verb(), c.address))
        .collect()
}

fn metered() -> Metered<LocalOrg> {
    Metered::new(seeded_org(), 200)
}

// ----- reading the org's state directly ------------------------------------------

/// One ordered list of policies as the org holds it: where it lives, and
/// each policy with its rules, in priority order.
struct PolicyList {
    label: String,
    policies: Vec<(Policy, Vec<Rule>)>,
}

/// Every policy list of the org (the eight org kinds, then each
/// authorization server), read from the state machine, not through `Api`.
fn lists(org: &mut Org) -> Vec<PolicyList> {
    let mut out = Vec::new();
    let mut add = |org: &mut Org, label: String, policies: Vec<Policy>| {
        let policies = policies
            .into_iter()
            .map(|p| {
                let id = p.id.clone().expect("a live policy has an ID");
                let rules = org.list_rules(&id).expect("its rules");
                (p, rules)
            })
            .collect();
        out.push(PolicyList { label, policies });
    };
    for kind in PolicyKind::ALL {
        if kind == PolicyKind::AuthorizationServer {
            continue;
        }
        let policies = org
            .list_policies(kind.okta_type(), None, None)
            .expect("the policies of a kind");
        add(org, kind.manifest_key().to_owned(), policies);
    }
    let servers: Vec<(String, String)> = org
        .directory()
        .auth_servers
        .iter()
        .filter_map(|s| Some((s.id.clone()?, s.name.clone().unwrap_or_default())))
        .collect();
    for (id, name) in servers {
        let policies = org.list_server_policies(&id).expect("a server's policies");
        add(org, format!("authorizationServers[{name:?}]"), policies);
    }
    out
}

fn name_of(value: Option<&String>) -> String {
    value.cloned().unwrap_or_default()
}

/// Two policies of one list, or two rules of one policy, with one name.
fn duplicates(api: &LocalOrg) -> Vec<String> {
    let mut found = Vec::new();
    for list in api.with_org(lists) {
        let mut policies = BTreeSet::new();
        for (policy, rules) in &list.policies {
            let name = name_of(policy.name.as_ref());
            if !policies.insert(name.clone()) {
                found.push(format!("{}[{name:?}] twice", list.label));
            }
            let mut seen = BTreeSet::new();
            for rule in rules {
                let rule = name_of(rule.name.as_ref());
                if !seen.insert(rule.clone()) {
                    found.push(format!("{}[{name:?}].rules[{rule:?}] twice", list.label));
                }
            }
        }
    }
    found
}

/// Drops what differs between two orgs holding the same things (IDs,
/// links, timestamps).
fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in ["id", "_links", "created", "lastUpdated"] {
                map.remove(key);
            }
            map.values_mut().for_each(strip);
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// The org's policies, rules and app mappings, by name, in priority order.
fn snapshot(api: &LocalOrg) -> Value {
    api.with_org(|org| {
        let lists = lists(org);
        let names: BTreeMap<String, String> = lists
            .iter()
            .flat_map(|l| &l.policies)
            .filter_map(|(p, _)| Some((p.id.clone()?, name_of(p.name.as_ref()))))
            .collect();
        let mut out = Map::new();
        for list in lists {
            // Access and profile enrollment policies have no order.
            let unordered = [PolicyKind::Access, PolicyKind::ProfileEnrollment]
                .iter()
                .any(|k| k.manifest_key() == list.label);
            let mut policies: Vec<Value> = list
                .policies
                .into_iter()
                .map(|(policy, rules)| {
                    let mut value = json!({ "policy": policy, "rules": rules });
                    strip(&mut value);
                    value
                })
                .collect();
            if unordered {
                policies.sort_by_key(|p| p["policy"]["name"].to_string());
            }
            out.insert(list.label, Value::Array(policies));
        }
        let apps: BTreeMap<String, Value> = org
            .list_apps(None)
            .into_iter()
            .map(|app| {
                let name = |id: Option<&str>| id.and_then(|id| names.get(id)).cloned();
                (
                    name_of(app.label.as_ref()),
                    json!([
                        name(app.access_policy_id()),
                        name(app.profile_enrollment_policy_id())
                    ]),
                )
            })
            .collect();
        out.insert("apps".to_owned(), json!(apps));
        Value::Object(out)
    })
}

/// Names of the policies of `kind`, in priority order.
fn policy_order(api: &LocalOrg, kind: PolicyKind) -> Vec<String> {
    api.with_org(|org| {
        org.list_policies(kind.okta_type(), None, None)
            .expect("policies")
            .iter()
            .map(|p| name_of(p.name.as_ref()))
            .collect()
    })
}

/// Names and priorities of the rules of the policy of `kind` named `policy`.
fn rule_order(api: &LocalOrg, kind: PolicyKind, policy: &str) -> Vec<(String, i64)> {
    api.with_org(|org| {
        let policies = org
            .list_policies(kind.okta_type(), None, None)
            .expect("policies");
        let id = policies
            .iter()
            .find(|p| p.name.as_deref() == Some(policy))
            .and_then(|p| p.id.clone())
            .unwrap_or_else(|| panic!("no policy {policy:?}"));
        org.list_rules(&id)
            .expect("rules")
            .iter()
            .map(|r| {
                (
                    name_of(r.name.as_ref()),
                    r.priority.as_ref().copied().unwrap_or(-1),
                )
            })
            .collect()
    })
}

// ----- manifests -----------------------------------------------------------------

const SESSION: &str = "session: { maxSessionIdleMinutes: 120, maxSessionLifetimeMinutes: 720, usePersistentCookie: false }";

/// A sign-on policy with a rule per zone and a last rule for anywhere else.
fn sign_on_policy(name: &str, group: &str, rules: &[&str]) -> String {
    let mut out = format!(
        "  - name: {name}\n    conditions: {{ people: {{ groups: {{ include: [{group}] }} }} }}\n    rules:\n"
    );
    for rule in rules {
        out.push_str(&format!(
            "      - name: {rule}\n        conditions: {{ network: {{ connection: ZONE, include: [Corporate Network] }} }}\n        actions: {{ signon: {{ access: ALLOW, requireFactor: false, {SESSION} }} }}\n"
        ));
    }
    out.push_str(&format!(
        "      - name: Anywhere else\n        actions: {{ signon: {{ access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS, {SESSION} }} }}\n"
    ));
    out
}

/// Several policies of three kinds, each with rules, and app mappings.
fn generated_manifest() -> String {
    soak_manifest(false)
}

/// [`generated_manifest`], or (`changed`) its next version: a sign-on
/// policy deactivated and moved to the top, one renamed, one gone (for
/// `--prune`), two rules swapped and one of them renamed, and password
/// settings changed.
fn soak_manifest(changed: bool) -> String {
    let groups = ["Employees", "Engineering", "Warehouse", "Finance"];
    let mut yaml = String::from("signOnPolicies:\n");
    if changed {
        let rules = ["Office A", "Office B"];
        yaml.push_str(
            &sign_on_policy("Soak sign-on 3", groups[3], &rules).replacen(
                "\n",
                "\n    status: INACTIVE\n",
                1,
            ),
        );
        yaml.push_str(
            &sign_on_policy("Soak sign-on 0", groups[0], &["Office B", "Office Alpha"]).replacen(
                "      - name: Office Alpha\n",
                "      - name: Office Alpha\n        renamedFrom: Office A\n",
                1,
            ),
        );
        yaml.push_str(
            &sign_on_policy("Soak sign-on one", groups[1], &rules).replacen(
                "\n",
                "\n    renamedFrom: Soak sign-on 1\n",
                1,
            ),
        );
    } else {
        for (i, group) in groups.iter().enumerate() {
            yaml.push_str(&sign_on_policy(
                &format!("Soak sign-on {i}"),
                group,
                &["Office A", "Office B"],
            ));
        }
    }
    yaml.push_str("  - name: Default Policy\n    default: true\n");
    yaml.push_str("passwordPolicies:\n");
    for (i, group) in groups.iter().take(3).enumerate() {
        yaml.push_str(&format!(
            "  - name: Soak password {i}
    conditions:
      people: {{ groups: {{ include: [{group}] }} }}
      authProvider: {{ provider: OKTA }}
    settings:
      password:
        complexity: {{ minLength: {} }}
    rules:
      - name: Change only
        actions: {{ passwordChange: {{ access: ALLOW }}, selfServicePasswordReset: {{ access: DENY }}, selfServiceUnlock: {{ access: DENY }} }}
",
            10 + i + if changed { 4 } else { 0 }
        ));
    }
    yaml.push_str("  - name: Default Policy\n    default: true\n");
    yaml.push_str("accessPolicies:\n");
    for (i, apps) in [
        "[GitHub Enterprise Cloud, Workday]",
        "[Jira Cloud, Confluence Cloud]",
    ]
    .iter()
    .enumerate()
    {
        yaml.push_str(&format!(
            "  - name: Soak access {i}
    apps: {apps}
    rules:
      - name: Engineers
        conditions: {{ people: {{ groups: {{ include: [Engineering] }} }} }}
        actions: {{ appSignOn: {{ access: ALLOW, verificationMethod: {{ type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT2H }} }} }}
      - name: Employees
        conditions: {{ people: {{ groups: {{ include: [Employees] }} }} }}
        actions: {{ appSignOn: {{ access: ALLOW, verificationMethod: {{ type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT8H }} }} }}
      - name: Catch-all Rule
        default: true
        actions: {{ appSignOn: {{ access: DENY }} }}
"
        ));
    }
    yaml
}

// ----- every example ---------------------------------------------------------------

#[test]
fn apply_every_example_then_nothing_is_left_and_nothing_is_written() {
    let mut examples: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("the examples")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?.to_owned();
            let manifests = !crate::examples::NOT_EXAMPLES.contains(&name.as_str());
            (path.is_dir() && manifests).then(|| format!("examples/{name}"))
        })
        .collect();
    examples.sort();
    assert!(examples.len() >= 10, "{examples:?}");
    let mut failures = Vec::new();
    for example in &examples {
        let manifests = Manifests::repo(example);
        let api = metered();
        let first = plan_of(&api, &manifests, false);
        if !first.has_changes() {
            failures.push(format!("{example}: nothing to apply on a fresh org"));
            continue;
        }
        let report = run(&api, &first, 4, &Silent);
        if !report.complete() {
            failures.push(format!("{example}: {}", outcomes(&first, &report)));
            continue;
        }
        let again = plan_of(&api, &manifests, false);
        if again.has_changes() {
            failures.push(format!(
                "{example} plans changes after apply: {}",
                changes_of(&again)
            ));
            continue;
        }
        api.reset();
        let report = run(&api, &again, 4, &Silent);
        if !report.outcomes.is_empty() || api.writes() != 0 {
            failures.push(format!(
                "{example}: an empty plan wrote {} times",
                api.writes()
            ));
        }
        let dupes = duplicates(api.inner());
        if !dupes.is_empty() {
            failures.push(format!("{example}: {dupes:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ----- fault soak --------------------------------------------------------------------

/// Whether a failure is one `Faulty` injected (a 500, a 429, a timeout),
/// rather than one the org answered to a request that should not have been
/// made — a retried create colliding with its own earlier commit ("a
/// policy with this name already exists"), a write to a missing object.
fn injected(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::Failed { error_code, .. } => {
            matches!(error_code.as_deref(), None | Some("E0000009" | "E0000047"))
        }
        _ => true,
    }
}

/// Plans (without faults) and applies (through `faulty`) until the plan is
/// empty; the rounds it took. Fails on a duplicate after any round, and on
/// any failure the faults do not explain.
fn converge_under_faults(
    faulty: &Faulty<LocalOrg>,
    manifests: &Manifests,
    prune: bool,
    max_rounds: usize,
) -> Result<usize, String> {
    for round in 0..max_rounds {
        let plan = plan_of(faulty.inner(), manifests, prune);
        if !plan.has_changes() {
            return Ok(round);
        }
        let report = run(faulty, &plan, 4, &Silent);
        let unexplained: Vec<String> = plan
            .changes
            .iter()
            .zip(&report.outcomes)
            .filter(|(_, outcome)| !injected(outcome))
            .map(|(change, outcome)| {
                format!("{} {}: {outcome:?}", change.action.verb(), change.address)
            })
            .collect();
        if !unexplained.is_empty() {
            return Err(format!(
                "round {}: failures no fault explains: {unexplained:#?}",
                round + 1
            ));
        }
        let dupes = duplicates(faulty.inner());
        if !dupes.is_empty() {
            return Err(format!("duplicates after round {}: {dupes:?}", round + 1));
        }
    }
    let left = plan_of(faulty.inner(), manifests, prune);
    if left.has_changes() {
        return Err(format!(
            "not converged after {max_rounds} rounds: {}",
            changes_of(&left)
        ));
    }
    Ok(max_rounds)
}

/// Policies in an authorization server's scope, for the soak.
const SERVER_EXAMPLE: &str = "examples/authorization-server";

#[test]
fn apply_under_injected_faults_converges_without_duplicates_or_losses() {
    // What a run without faults leaves behind.
    let expected = {
        let clean = seeded_org();
        converge_cleanly(&clean, &Manifests::repo("examples/quickstart"), false);
        converge_cleanly(&clean, &Manifests::text(&generated_manifest()), true);
        let changed = Manifests::text(&soak_manifest(true));
        let actions: BTreeSet<Action> = plan_of(&clean, &changed, true)
            .changes
            .iter()
            .map(|c| c.action)
            .collect();
        for action in [
            Action::Update,
            Action::Rename,
            Action::Reorder,
            Action::Delete,
            Action::Deactivate,
        ] {
            assert!(
                actions.contains(&action),
                "the soak never does a {action:?}"
            );
        }
        converge_cleanly(&clean, &changed, true);
        converge_cleanly(&clean, &Manifests::repo(SERVER_EXAMPLE), false);
        snapshot(&clean)
    };
    // One seed: its failures, the rounds it took, the faults it saw.
    let soak = |seed: u64| {
        // Manifests are not `Sync`: each thread reads its own.
        let quickstart = Manifests::repo("examples/quickstart");
        let generated = Manifests::text(&generated_manifest());
        let changed = Manifests::text(&soak_manifest(true));
        let server = Manifests::repo(SERVER_EXAMPLE);
        let faulty = Faulty::new(seeded_org(), FaultPlan::SOAK, seed);
        let mut failures = Vec::new();
        let mut taken = 0;
        for (what, manifests, prune) in [
            ("quickstart", &quickstart, false),
            ("generated", &generated, true),
            ("changed", &changed, true),
            (SERVER_EXAMPLE, &server, false),
        ] {
            match converge_under_faults(&faulty, manifests, prune, 8) {
                Ok(n) => taken += n,
                Err(error) => failures.push(format!("seed {seed}, {what}: {error}")),
            }
        }
        let end = snapshot(faulty.inner());
        if end != expected {
            failures.push(format!(
                "seed {seed}: the org differs from a run without faults:\n{}",
                serde_json::to_string_pretty(&end).unwrap_or_default()
            ));
        }
        (failures, taken, faulty.counts())
    };
    // Seeds in parallel threads: each has its own org and runtime.
    let results: Vec<_> = std::thread::scope(|scope| {
        let soak = &soak;
        let handles: Vec<_> = (1..=20u64)
            .map(|seed| scope.spawn(move || soak(seed)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a soak thread"))
            .collect()
    });
    let mut failures = Vec::new();
    let mut totals = oktapol::client::FaultCounts::default();
    let mut rounds = Vec::new();
    for (seed_failures, taken, counts) in results {
        failures.extend(seed_failures);
        rounds.push(taken);
        totals.reads += counts.reads;
        totals.writes += counts.writes;
        totals.error_500 += counts.error_500;
        totals.commit_then_fail += counts.commit_then_fail;
        totals.timeout_after_commit += counts.timeout_after_commit;
        totals.rate_limited += counts.rate_limited;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The soak only means something if every fault struck, often.
    assert!(
        totals.error_500 > 20
            && totals.commit_then_fail > 20
            && totals.timeout_after_commit > 10
            && totals.rate_limited > 10,
        "{totals:?}"
    );
    assert!(
        rounds.iter().any(|&r| r > 2),
        "faults never forced another round: {rounds:?}"
    );
}

#[test]
fn faulty_is_deterministic_and_passes_through_when_disabled() {
    let manifests = Manifests::repo("examples/quickstart");
    let outcome_of = |seed| {
        let faulty = Faulty::new(seeded_org(), FaultPlan::SOAK, seed);
        let plan = plan_of(faulty.inner(), &manifests, false);
        let report = run(&faulty, &plan, 4, &Silent);
        (report, faulty.counts())
    };
    assert_eq!(outcome_of(11), outcome_of(11));

    let faulty = Faulty::new(seeded_org(), FaultPlan::SOAK, 11);
    faulty.set_enabled(false);
    let plan = plan_of(&faulty, &manifests, false);
    let report = run(&faulty, &plan, 4, &Silent);
    assert!(report.complete(), "{}", outcomes(&plan, &report));
    assert_eq!(faulty.counts().faults(), 0);
    assert!(faulty.counts().writes > 0);

    // Every write faulted: nothing is created, however often it is tried.
    let always = Faulty::new(
        seeded_org(),
        FaultPlan {
            error_500: 1.0,
            ..FaultPlan::NONE
        },
        1,
    )
    .with_read_faults(false);
    let plan = plan_of(&always, &manifests, false);
    let report = run(&always, &plan, 4, &Silent);
    assert_eq!(report.done(), 0, "{}", outcomes(&plan, &report));
    assert_eq!(
        snapshot(always.inner()),
        snapshot(&seeded_org()),
        "a 500 before the write changes nothing"
    );
}

// ----- ordering ------------------------------------------------------------------------

/// A sign-on manifest: `policies` in order (each with its rules), then the
/// default policy.
fn ordering_manifest(policies: &[(&str, &[&str])]) -> String {
    // A policy keeps its group wherever it moves, so only order changes.
    let group = |name: &str| match name {
        "A" => "Employees",
        "B" => "Engineering",
        "C" => "Warehouse",
        "D" => "Finance",
        _ => "Customers",
    };
    let mut yaml = String::from("signOnPolicies:\n");
    for (name, rules) in policies {
        yaml.push_str(&sign_on_policy(name, group(name), rules));
    }
    yaml.push_str("  - name: Default Policy\n    default: true\n");
    yaml
}

/// Applies a step and checks the final order against the manifest and
/// the writes against the plan; returns the plan.
fn ordering_step(api: &Metered<LocalOrg>, policies: &[(&str, &[&str])], prune: bool) -> Plan {
    let manifests = Manifests::text(&ordering_manifest(policies));
    let plan = plan_of(api, &manifests, prune);
    api.reset();
    apply_all(api, &plan);
    let counted = plan
        .changes
        .iter()
        .filter(|c| {
            matches!(
                c.action,
                Action::Create
                    | Action::Update
                    | Action::Rename
                    | Action::Reorder
                    | Action::Delete
                    | Action::Activate
                    | Action::Deactivate
                    | Action::MapApp
            )
        })
        .count() as u64;
    assert_eq!(
        api.writes(),
        counted,
        "one write per change: {:?}{}",
        api.counts(),
        changes_of(&plan)
    );
    let mut expected: Vec<String> = policies.iter().map(|(n, _)| (*n).to_owned()).collect();
    expected.push("Default Policy".to_owned());
    assert_eq!(policy_order(api.inner(), PolicyKind::SignOn), expected);
    for (name, rules) in policies {
        let live = rule_order(api.inner(), PolicyKind::SignOn, name);
        let names: Vec<&str> = live.iter().map(|(n, _)| n.as_str()).collect();
        let mut wanted: Vec<&str> = rules.to_vec();
        wanted.push("Anywhere else");
        assert_eq!(names, wanted, "rules of {name}");
        let priorities: Vec<i64> = live.iter().map(|(_, p)| *p).collect();
        let dense: Vec<i64> = (1..=live.len() as i64).collect();
        assert_eq!(priorities, dense, "v1 rule priorities of {name}");
    }
    let again = plan_live(api, &manifests, prune).0;
    assert!(!again.has_changes(), "left to do: {}", changes_of(&again));
    plan
}

fn reorders(plan: &Plan) -> usize {
    plan.changes
        .iter()
        .filter(|c| c.action == Action::Reorder)
        .count()
}

#[test]
fn apply_priority_moves_end_in_manifest_order_without_wasted_writes() {
    let api = metered();
    ordering_step(
        &api,
        &[
            ("A", &["a1", "a2", "a3"]),
            ("B", &["b1"]),
            ("C", &["c1"]),
            ("D", &["d1"]),
        ],
        false,
    );

    // Insert at the top: Okta shifts the others down, nothing is moved.
    let top = ordering_step(
        &api,
        &[
            ("N", &["n1"]),
            ("A", &["a0", "a1", "a2", "a3"]),
            ("B", &["b1"]),
            ("C", &["c1"]),
            ("D", &["d1"]),
        ],
        false,
    );
    assert!(
        top.changes
            .iter()
            .all(|c| matches!(c.action, Action::Create | Action::Activate)),
        "only the new objects are written: {}",
        changes_of(&top)
    );

    // Delete in the middle: Okta closes the gap, nothing is moved.
    let middle = ordering_step(
        &api,
        &[
            ("N", &["n1"]),
            ("A", &["a0", "a1", "a3"]),
            ("C", &["c1"]),
            ("D", &["d1"]),
        ],
        true,
    );
    let deleted: Vec<(Action, &str)> = middle
        .changes
        .iter()
        .map(|c| (c.action, c.address.as_str()))
        .collect();
    assert_eq!(
        deleted,
        [
            (Action::Delete, "signOnPolicies[\"A\"].rules[\"a2\"]"),
            (Action::Delete, "signOnPolicies[\"B\"]"),
        ],
        "only the deletes: {}",
        changes_of(&middle)
    );

    // Reverse: n - 1 moves for n policies (and for n rules).
    let reversed = ordering_step(
        &api,
        &[
            ("D", &["d1"]),
            ("C", &["c1"]),
            ("A", &["a3", "a1", "a0"]),
            ("N", &["n1"]),
        ],
        false,
    );
    assert_eq!(
        reorders(&reversed),
        reversed.changes.len(),
        "only moves: {}",
        changes_of(&reversed)
    );
    assert_eq!(
        reorders(&reversed),
        3 + 2,
        "more moves than needed: {}",
        changes_of(&reversed)
    );
}

#[test]
fn apply_refuses_to_move_the_default_policy_up_at_validation() {
    // Okta keeps the default policy last; a manifest listing it elsewhere
    // never reaches the planner.
    let yaml = format!(
        "signOnPolicies:\n  - name: Default Policy\n    default: true\n{}",
        sign_on_policy("After the default", "Employees", &["r1"])
    );
    let (_dir, validation) = validate_text(&yaml);
    let codes = codes_at(&validation);
    assert!(
        codes.iter().any(|c| c.starts_with("OKP104")),
        "expected OKP104 (default policy misplaced): {codes:?}"
    );
}

// ----- partial failure -------------------------------------------------------------

fn partial_manifest(group: &str) -> String {
    format!(
        "signOnPolicies:
{}  - name: Default Policy
    default: true
accessPolicies:
  - name: Partner apps
    apps: [Expense Tracker]
    rules:
      - name: Ghost group
        conditions: {{ people: {{ groups: {{ include: [\"{group}\"] }} }} }}
        actions: {{ appSignOn: {{ access: ALLOW, verificationMethod: {{ type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT2H }} }} }}
      - name: Employees
        conditions: {{ people: {{ groups: {{ include: [Employees] }} }} }}
        actions: {{ appSignOn: {{ access: ALLOW, verificationMethod: {{ type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT8H }} }} }}
      - name: Catch-all Rule
        default: true
        actions: {{ appSignOn: {{ access: DENY }} }}
",
        sign_on_policy("Independent", "Employees", &["Office"])
    )
}

/// Every change downstream of `root` in the plan's edges.
fn downstream(plan: &Plan, root: usize) -> BTreeSet<usize> {
    let mut found = BTreeSet::new();
    let mut queue = VecDeque::from([root]);
    while let Some(next) = queue.pop_front() {
        for &(before, after) in &plan.edges {
            if before == next && found.insert(after) {
                queue.push_back(after);
            }
        }
    }
    found
}

#[test]
fn apply_a_rejected_change_fails_alone_and_skips_its_dependents() {
    let api = metered();
    let broken = Manifests::text(&partial_manifest("id:00gDOESNOTEXIST"));
    let plan = plan_of(&api, &broken, false);
    let report = run(&api, &plan, 4, &Silent);
    let shown = outcomes(&plan, &report);

    let ghost = plan
        .changes
        .iter()
        .position(|c| c.action == Action::Create && c.address.ends_with("rules[\"Ghost group\"]"))
        .unwrap_or_else(|| panic!("no create of the ghost rule: {}", changes_of(&plan)));
    match &report.outcomes[ghost] {
        Outcome::Failed { error_code, .. } => {
            assert_eq!(error_code.as_deref(), Some("E0000001"), "{shown}");
        }
        other => panic!("the ghost rule was {other:?}: {shown}"),
    }
    assert_eq!(report.failed(), 1, "{shown}");

    let dependents = downstream(&plan, ghost);
    let activation = plan
        .changes
        .iter()
        .position(|c| {
            c.action == Action::Activate
                && matches!(&c.target, Target::Policy { name, .. } if name == "Partner apps")
        })
        .unwrap_or_else(|| panic!("no activation of the new policy: {}", changes_of(&plan)));
    assert!(dependents.contains(&activation), "{shown}");
    for (index, outcome) in report.outcomes.iter().enumerate() {
        if index == ghost {
            continue;
        }
        let expected = if dependents.contains(&index) {
            Outcome::Skipped { because: ghost }
        } else {
            Outcome::Done
        };
        assert_eq!(outcome, &expected, "change {index}: {shown}");
    }
    assert!(
        report.outcomes.contains(&Outcome::Done)
            && plan
                .changes
                .iter()
                .zip(&report.outcomes)
                .any(|(c, o)| c.address.contains("Independent") && *o == Outcome::Done),
        "independent changes go on: {shown}"
    );

    // Fixed, the next run converges; nothing was made twice.
    let fixed = Manifests::text(&partial_manifest("Contractors"));
    converge_cleanly(&api, &fixed, false);
    assert_eq!(duplicates(api.inner()), Vec::<String>::new());
    let rules: Vec<String> = rule_order(api.inner(), PolicyKind::Access, "Partner apps")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(rules, ["Ghost group", "Employees", "Catch-all Rule"]);
}

// ----- concurrency -------------------------------------------------------------------

/// Records which changes are in flight, and any two of one ordered list
/// (derived from the targets, independently of the engine's own keys)
/// running at once.
struct Overlaps {
    lists: Vec<String>,
    in_flight: Mutex<Vec<usize>>,
    most: AtomicUsize,
    clashes: Mutex<Vec<String>>,
}

impl Overlaps {
    fn new(plan: &Plan) -> Self {
        let lists = plan
            .changes
            .iter()
            .map(|c| match &c.target {
                Target::Policy { kind, scope, .. } => format!("policies of {kind:?} in {scope}"),
                Target::Rule {
                    kind,
                    scope,
                    policy_name,
                    ..
                } => format!("rules of {kind:?} {policy_name:?} in {scope}"),
                Target::AppMapping { app_id, .. } => format!("app {app_id}"),
            })
            .collect();
        Overlaps {
            lists,
            in_flight: Mutex::new(Vec::new()),
            most: AtomicUsize::new(0),
            clashes: Mutex::new(Vec::new()),
        }
    }
}

impl Observer for Overlaps {
    fn started(&self, index: usize, _change: &Change) {
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for &other in in_flight.iter() {
            if self.lists[other] == self.lists[index] {
                self.clashes
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(format!("{other} and {index} on {}", self.lists[index]));
            }
        }
        in_flight.push(index);
        self.most.fetch_max(in_flight.len(), Ordering::SeqCst);
    }

    fn finished(&self, index: usize, _change: &Change, _outcome: &Outcome, _elapsed: Duration) {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|&i| i != index);
    }
}

#[test]
fn apply_in_parallel_never_writes_one_list_twice_at_once_and_ends_like_a_sequential_run() {
    let manifests = Manifests::text(&generated_manifest());
    let mut ends = Vec::new();
    for parallelism in [1, 4] {
        let api = metered();
        let plan = plan_of(&api, &manifests, false);
        let overlaps = Overlaps::new(&plan);
        let report = run(&api, &plan, parallelism, &overlaps);
        assert!(report.complete(), "{}", outcomes(&plan, &report));
        let clashes = overlaps
            .clashes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        assert!(clashes.is_empty(), "parallelism {parallelism}: {clashes:?}");
        let most = overlaps.most.load(Ordering::SeqCst);
        assert!(most <= parallelism, "{most} in flight at {parallelism}");
        if parallelism > 1 {
            assert!(most > 1, "nothing ran concurrently");
        }
        assert_eq!(api.writes(), plan.changes.len() as u64);
        ends.push(snapshot(api.inner()));
    }
    assert_eq!(ends[0], ends[1], "the parallel run ends differently");
}

// ----- guards ---------------------------------------------------------------------------

fn refusals(api: &dyn Api, yaml: &str, prune: bool, limits: &Limits) -> Vec<Refusal> {
    let (plan, live) = plan_live(api, &Manifests::text(yaml), prune);
    assert!(plan.has_changes());
    guard::check(&plan, &live, limits)
}

#[test]
fn apply_guards_refuse_mass_deletes_and_changes_unless_forced() {
    let api = metered();
    let quickstart = Manifests::repo("examples/quickstart");
    let (first, live) = plan_live(&api, &quickstart, false);
    assert_eq!(
        guard::check(&first, &live, &Limits::default()),
        Vec::new(),
        "a plan of creates passes the default limits"
    );
    apply_all(&api, &first);

    // Only the default sign-on policy, pruned: the Contractors policy goes.
    let only_default = "signOnPolicies:\n  - name: Default Policy\n    default: true\n";
    let strict = Limits {
        max_deletes: 0,
        max_change_percent: 100,
        min_objects_for_percent: 0,
        ..Limits::default()
    };
    let refused = refusals(&api, only_default, true, &strict);
    assert!(
        matches!(
            refused.as_slice(),
            [Refusal::TooManyDeletes { deletes, max: 0 }] if *deletes >= 1
        ),
        "{refused:?}"
    );
    let forced = Limits {
        force: true,
        ..strict
    };
    assert_eq!(refusals(&api, only_default, true, &forced), Vec::new());
    let enough = Limits {
        max_deletes: 10,
        ..strict
    };
    assert_eq!(refusals(&api, only_default, true, &enough), Vec::new());

    let share = Limits {
        max_deletes: 100,
        max_change_percent: 1,
        min_objects_for_percent: 0,
        ..Limits::default()
    };
    let refused = refusals(&api, only_default, true, &share);
    assert!(
        matches!(
            refused.as_slice(),
            [Refusal::TooManyChanges { changed, live, max_percent: 1 }] if *changed >= 1 && *live == 5
        ),
        "{refused:?}"
    );
    assert_eq!(
        refusals(
            &api,
            only_default,
            true,
            &Limits {
                force: true,
                ..share
            }
        ),
        Vec::new()
    );
    // Below the size the share is checked at, it is not.
    assert_eq!(
        refusals(
            &api,
            only_default,
            true,
            &Limits {
                min_objects_for_percent: 10_000,
                ..share
            }
        ),
        Vec::new()
    );
}

#[test]
fn apply_guards_refuse_a_lockout_unless_allowed() {
    let api = metered();
    let console_denies = "accessPolicies:
  - name: Okta Admin Console
    rules:
      - name: Catch-all Rule
        default: true
        actions: { appSignOn: { access: DENY } }
";
    let refused = refusals(&api, console_denies, false, &Limits::default());
    assert!(
        matches!(refused.as_slice(), [Refusal::Lockout(why)] if why.contains("Okta Admin Console")),
        "{refused:?}"
    );
    let allowed = Limits {
        allow_lockout: true,
        ..Limits::default()
    };
    assert_eq!(refusals(&api, console_denies, false, &allowed), Vec::new());

    // With another rule that lets admins in, denying the rest is fine.
    let console_with_admins = "accessPolicies:
  - name: Okta Admin Console
    rules:
      - name: Administrators
        conditions: { people: { groups: { include: [Okta Administrators] } } }
        actions: { appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT2H } } }
      - name: Catch-all Rule
        default: true
        actions: { appSignOn: { access: DENY } }
";
    assert_eq!(
        refusals(&api, console_with_admins, false, &Limits::default()),
        Vec::new()
    );

    let sign_on_denies = "signOnPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        actions: { signon: { access: DENY } }
";
    let refused = refusals(&api, sign_on_denies, false, &Limits::default());
    assert!(
        matches!(refused.as_slice(), [Refusal::Lockout(why)] if why.contains("sign-on")),
        "{refused:?}"
    );
    assert_eq!(refusals(&api, sign_on_denies, false, &allowed), Vec::new());
    assert_eq!(api.writes(), 0, "guards only read");
}

// ----- stop --------------------------------------------------------------------------------

/// Asks the run to stop once the first change finishes.
struct StopAfterFirst {
    stop: Arc<AtomicBool>,
}

impl Observer for StopAfterFirst {
    fn finished(&self, _index: usize, _change: &Change, _outcome: &Outcome, _elapsed: Duration) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

#[test]
fn apply_stopped_before_it_starts_does_nothing() {
    let api = metered();
    let manifests = Manifests::text(&generated_manifest());
    let plan = plan_of(&api, &manifests, false);
    let options = ApplyOptions {
        parallelism: 4,
        stop: Arc::new(AtomicBool::new(true)),
    };
    let report = block_on(apply_with(&api, &plan, &options, &Silent)).expect("no cycle");
    assert_eq!(report.outcomes.len(), plan.changes.len());
    assert!(
        report.outcomes.iter().all(|o| *o == Outcome::NotStarted),
        "{}",
        outcomes(&plan, &report)
    );
    assert_eq!(api.writes(), 0);
}

#[test]
fn apply_stopped_midway_finishes_what_runs_and_starts_nothing_new() {
    let api = metered();
    let manifests = Manifests::text(&generated_manifest());
    let plan = plan_of(&api, &manifests, false);
    let stop = Arc::new(AtomicBool::new(false));
    let options = ApplyOptions {
        parallelism: 4,
        stop: Arc::clone(&stop),
    };
    let observer = StopAfterFirst { stop };
    let report = block_on(apply_with(&api, &plan, &options, &observer)).expect("no cycle");
    let shown = outcomes(&plan, &report);
    assert!(report.done() >= 1, "{shown}");
    assert!(report.not_started() >= 1, "{shown}");
    assert!(report.done() <= 4, "at most the changes in flight: {shown}");
    assert_eq!(report.failed() + report.skipped(), 0, "{shown}");
    assert_eq!(api.writes(), report.done() as u64);
    // The rest is picked up by the next run.
    converge_cleanly(&api, &manifests, false);
    assert_eq!(duplicates(api.inner()), Vec::<String>::new());
}
