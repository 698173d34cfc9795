//! `plan --impact`: the org after the plan is exactly what `apply` leaves
//! (every example, edits, reorders, prunes, unmanaged policies), a
//! loosening and a tightening change on the quickstart worded for people
//! (snapshots of the human and Markdown plans), the matrix (capped and
//! saying so, pairs of groups showing which policy wins, unmanaged
//! policies still evaluated, nothing for an unchanged plan), and the
//! binary.

use std::future::Future;

use oktapol::client::{LocalOrg, Metered};
use oktapol::evaluate::PolicySet;
use oktapol::finding::Severity;
use oktapol::impact::{Direction, Impact, after};
use oktapol::live::LiveOrg;
use oktapol::manifest::PolicyKind;
use oktapol::plan::render::{PlanFormat, PlanStyle, render};
use oktapol::plan::{Options, Plan, PlanError, make_plan_and_live};

use crate::plan_examples::{apply_plan, seeded_org};
use crate::util::{root, validate_files};

type Okta = Metered<LocalOrg>;

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(future)
}

fn okta() -> Okta {
    Metered::new(seeded_org(), 200)
}

fn impact_options(limit: usize, prune: bool) -> Options {
    Options {
        prune,
        impact: Some(limit),
        ..Options::default()
    }
}

/// Plans manifests given as (file, text) with `options`.
fn plan_files(api: &Okta, files: &[(String, String)], options: Options) -> (Plan, LiveOrg) {
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let (_dir, validation) = validate_files(&borrowed);
    assert!(
        !validation.has(Severity::Error),
        "the manifests do not validate: {:#?}",
        validation.findings
    );
    block_on(make_plan_and_live(api, &validation.set, options, &|_| None)).unwrap_or_else(|error| {
        match error {
            PlanError::Findings(findings) => panic!("{findings:#?}"),
            other => panic!("{other}"),
        }
    })
}

/// The files of a repository directory, with `edits` (file, from, to)
/// applied; each edit must apply.
fn example_files(relative: &str, edits: &[(&str, &str, &str)]) -> Vec<(String, String)> {
    let dir = root().join(relative);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("example directory")
        .filter_map(Result::ok)
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(entry.path()).expect("example file");
            (name, text)
        })
        .collect();
    files.sort();
    for (file, from, to) in edits {
        let (_, text) = files
            .iter_mut()
            .find(|(name, _)| name == file)
            .unwrap_or_else(|| panic!("no file {file}"));
        assert!(text.contains(from), "{file} has no {from:?}");
        *text = text.replacen(from, to, 1);
    }
    files
}

fn yaml(name: &str, text: &str) -> Vec<(String, String)> {
    vec![(name.to_owned(), text.to_owned())]
}

/// Applies `files` to `api` and checks it took.
fn apply_files(api: &Okta, files: &[(String, String)]) {
    let (plan, _) = plan_files(api, files, Options::default());
    let report = apply_plan(api, &plan);
    assert_eq!(report.failed(), 0, "{report:#?}");
}

/// A policy set without IDs (new objects get theirs only when created).
fn without_ids(set: &PolicySet) -> PolicySet {
    let mut set = set.clone();
    for list in &mut set.lists {
        for policy in &mut list.policies {
            policy.id = None;
            policy.apps.sort();
            for rule in &mut policy.rules {
                rule.id = None;
            }
        }
    }
    set
}

fn impact_of(plan: &Plan) -> &Impact {
    plan.impact.as_ref().expect("planned with --impact")
}

/// Every line as the human plan prints it, without the marker.
fn lines(impact: &Impact) -> Vec<String> {
    impact
        .lines()
        .map(|(_, line)| {
            let mut text = line.text();
            if let Some(note) = line.direction.note() {
                text.push_str(&format!(" ({note})"));
            }
            if let Some(matched) = line.matched_text() {
                text.push_str(&format!(" [{matched}]"));
            }
            text
        })
        .collect()
}

// ----- the after state ------------------------------------------------------

/// Plans `next` (after applying `first`, when given), predicts the org
/// after the plan, applies it, and compares with the org as read back.
fn assert_after_is_exact(
    label: &str,
    first: Option<&[(String, String)]>,
    next: &[(String, String)],
    prune: bool,
) {
    let api = okta();
    if let Some(first) = first {
        apply_files(&api, first);
    }
    let (plan, live) = plan_files(&api, next, impact_options(10_000, prune));
    let predicted = after::states(&plan, &live);
    assert!(
        predicted.approximate.is_empty(),
        "{label}: order replayed approximately for {:?}",
        predicted.approximate
    );
    let report = apply_plan(&api, &plan);
    assert_eq!(report.failed(), 0, "{label}: {report:#?}");
    let (again, live_after) = plan_files(&api, next, impact_options(10_000, prune));
    assert!(!again.has_changes(), "{label}: the plan did not converge");
    let actual = after::states(&again, &live_after).before;
    assert_eq!(
        without_ids(&predicted.after),
        without_ids(&actual),
        "{label}: the predicted org differs from the org after apply"
    );
}

const TWO_GROUPS: &str = r"
signOnPolicies:
  - name: Contractors
    conditions: { people: { groups: { include: [Contractors] } } }
    rules:
      - name: MFA always
        actions:
          signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS,
                    session: { maxSessionIdleMinutes: 60, maxSessionLifetimeMinutes: 480, usePersistentCookie: false } }
  - name: Finance
    conditions: { people: { groups: { include: [Finance] } } }
    rules:
      - name: No MFA
        actions:
          signon: { access: ALLOW, requireFactor: false,
                    session: { maxSessionIdleMinutes: 120, maxSessionLifetimeMinutes: 720, usePersistentCookie: false } }
  - name: Default Policy
    default: true
";

const LOCKDOWN: &str = r"
  - name: Engineering lockdown
    conditions: { people: { groups: { include: [Engineering] } } }
    rules:
      - name: Deny
        actions: { signon: { access: DENY } }
";

/// `TWO_GROUPS` with the Finance policy first.
fn swapped() -> String {
    let (head, rest) = TWO_GROUPS.split_once("  - name: Finance").expect("Finance");
    let (finance, default) = rest
        .split_once("  - name: Default Policy")
        .expect("Default");
    let contractors = head.trim_start_matches("\nsignOnPolicies:\n");
    format!(
        "signOnPolicies:\n  - name: Finance{finance}{contractors}  - name: Default Policy{default}"
    )
}

/// `TWO_GROUPS` with the lockdown policy first.
fn with_lockdown() -> String {
    TWO_GROUPS.replacen(
        "signOnPolicies:\n",
        &format!("signOnPolicies:{LOCKDOWN}"),
        1,
    )
}

#[test]
fn the_predicted_org_is_the_org_after_apply_for_every_example() {
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
        assert_after_is_exact(example, None, &example_files(example, &[]), false);
    }
}

#[test]
fn the_predicted_org_is_the_org_after_apply_for_edits_reorders_and_prunes() {
    let quickstart = example_files("examples/quickstart", &[]);
    let edited = example_files(
        "examples/quickstart",
        &[
            (
                "sign-on.yaml",
                "requireFactor: true",
                "requireFactor: false",
            ),
            (
                "sign-on.yaml",
                "maxSessionLifetimeMinutes: 720",
                "maxSessionLifetimeMinutes: 480",
            ),
            (
                "access.yaml",
                "reauthenticateIn: PT2H",
                "reauthenticateIn: PT1H",
            ),
            (
                "access.yaml",
                "    rules:\n",
                "    rules:\n      - name: Warehouse kiosks\n        conditions: { people: { groups: { include: [Warehouse] } } }\n        actions: { appSignOn: { access: DENY } }\n",
            ),
            ("password.yaml", "minLength: 12", "minLength: 8"),
        ],
    );
    assert_after_is_exact("quickstart edited", Some(&quickstart), &edited, false);

    let pruned = example_files(
        "examples/quickstart",
        &[(
            "access.yaml",
            "  - name: Finance apps",
            "  - name: Expenses\n    apps: [Expense Tracker, Workday]\n    rules:\n      - name: Two factors\n        actions:\n          appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT4H } }\n  - name: Old Finance apps\n    renamedFrom: Finance apps",
        )],
    );
    let pruned: Vec<(String, String)> = pruned
        .into_iter()
        .map(|(name, text)| {
            if name == "access.yaml" {
                let cut = text.find("  - name: Old Finance apps").expect("cut");
                (name, text[..cut].to_owned())
            } else {
                (name, text)
            }
        })
        .collect();
    assert_after_is_exact("quickstart pruned", Some(&quickstart), &pruned, true);

    assert_after_is_exact(
        "two groups swapped",
        Some(&yaml("sign-on.yaml", TWO_GROUPS)),
        &yaml("sign-on.yaml", &swapped()),
        false,
    );
    assert_after_is_exact(
        "unmanaged lockdown kept",
        Some(&yaml("sign-on.yaml", &with_lockdown())),
        &yaml(
            "sign-on.yaml",
            &TWO_GROUPS.replacen("requireFactor: true", "requireFactor: false", 1),
        ),
        false,
    );
}

// ----- the quickstart, loosened and tightened --------------------------------

/// The quickstart applied to a fresh org, then planned with `edits`.
fn quickstart_impact(edits: &[(&str, &str, &str)]) -> Plan {
    let api = okta();
    apply_files(&api, &example_files("examples/quickstart", &[]));
    plan_files(
        &api,
        &example_files("examples/quickstart", edits),
        impact_options(10_000, false),
    )
    .0
}

const LOOSEN: (&str, &str, &str) = (
    "sign-on.yaml",
    "requireFactor: true",
    "requireFactor: false",
);
const TIGHTEN_SESSION: (&str, &str, &str) = (
    "sign-on.yaml",
    "maxSessionLifetimeMinutes: 720",
    "maxSessionLifetimeMinutes: 480",
);
const TIGHTEN_REAUTH: (&str, &str, &str) = (
    "access.yaml",
    "reauthenticateIn: PT2H",
    "reauthenticateIn: PT1H",
);

#[test]
fn a_loosening_change_is_worded_and_flagged() {
    let plan = quickstart_impact(&[LOOSEN]);
    let impact = impact_of(&plan);
    assert_eq!(
        lines(impact),
        ["Contractors, off-network: MFA required → not required (loosens)"]
    );
    let (section, line) = impact.lines().next().expect("a line");
    assert_eq!(section.kind, PolicyKind::SignOn);
    assert_eq!(line.direction, Direction::Loosens);
    let human = render(&plan, PlanFormat::Human, PlanStyle::default());
    assert!(
        human.contains("    ⚠ Contractors, off-network: MFA required → not required (loosens)\n"),
        "{human}"
    );
}

#[test]
fn a_tightening_change_is_worded_and_not_flagged() {
    let plan = quickstart_impact(&[TIGHTEN_SESSION, TIGHTEN_REAUTH]);
    let impact = impact_of(&plan);
    assert_eq!(
        lines(impact),
        [
            "Contractors, from Corporate Network: session lifetime 12 h → 8 h (tightens)",
            "Everyone, NetSuite or Workday, managed device: re-authentication 2 h → 1 h (tightens)",
        ]
    );
    assert!(impact.lines().all(|(_, line)| !line.direction.flagged()));
    let human = render(&plan, PlanFormat::Human, PlanStyle::default());
    assert!(!human.contains('⚠'), "{human}");
}

#[test]
fn impact_renderings() {
    let plan = quickstart_impact(&[LOOSEN, TIGHTEN_SESSION, TIGHTEN_REAUTH]);
    insta::assert_snapshot!(
        "impact_human",
        render(&plan, PlanFormat::Human, PlanStyle::default())
    );
    insta::assert_snapshot!(
        "impact_markdown",
        render(&plan, PlanFormat::Markdown, PlanStyle::default())
    );
    let github = render(&plan, PlanFormat::Github, PlanStyle::default());
    assert!(
        github.contains("::warning title=oktapol plan%3A impact loosens security::Global session (sign-on policies): Contractors, off-network: MFA required → not required (loosens)\n"),
        "{github}"
    );
    let json = render(&plan, PlanFormat::Json, PlanStyle::default());
    let document: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let parsed: Plan = serde_json::from_value(document["plan"].clone()).expect("a plan");
    assert_eq!(
        parsed.impact, plan.impact,
        "the impact round-trips through plan.json"
    );
    assert_eq!(
        document["plan"]["impact"]["sections"][0]["lines"][0]["changes"][0],
        serde_json::json!({ "facet": "mfaRequired", "before": true, "after": false, "loosens": true })
    );
}

#[test]
fn without_impact_the_plan_has_none() {
    let api = okta();
    let (plan, _) = plan_files(
        &api,
        &example_files("examples/quickstart", &[]),
        Options::default(),
    );
    assert!(plan.impact.is_none());
    let json = render(&plan, PlanFormat::Json, PlanStyle::default());
    assert!(!json.contains("\"impact\""));
}

// ----- the matrix --------------------------------------------------------------

#[test]
fn the_matrix_is_capped_and_says_so() {
    let api = okta();
    let (plan, _) = plan_files(
        &api,
        &example_files("examples/quickstart", &[]),
        impact_options(5, false),
    );
    let impact = impact_of(&plan);
    assert_eq!(impact.evaluated, 5);
    assert!(impact.contexts > 5, "{impact:#?}");
    assert!(impact.capped());
    let human = render(&plan, PlanFormat::Human, PlanStyle::default());
    let wanted = format!(
        "Impact (showing the first 5 of {} sign-in contexts; raise --impact-limit to see all):",
        impact.contexts
    );
    assert!(human.contains(&wanted), "{human}");
    let markdown = render(&plan, PlanFormat::Markdown, PlanStyle::default());
    assert!(markdown.contains("raise --impact-limit"), "{markdown}");

    let (uncapped, _) = plan_files(
        &api,
        &example_files("examples/quickstart", &[]),
        impact_options(10_000, false),
    );
    let uncapped = impact_of(&uncapped);
    assert_eq!(uncapped.evaluated, uncapped.contexts);
    assert!(!uncapped.capped());
}

#[test]
fn a_user_in_two_groups_shows_which_policy_wins() {
    // Finance moves above Contractors: only users in both are affected.
    let api = okta();
    apply_files(&api, &yaml("sign-on.yaml", TWO_GROUPS));
    let (plan, _) = plan_files(
        &api,
        &yaml("sign-on.yaml", &swapped()),
        impact_options(10_000, false),
    );
    assert_eq!(
        lines(impact_of(&plan)),
        [
            "Contractors & Finance: MFA required → not required; session lifetime 8 h → 12 h; \
          session idle timeout 1 h → 2 h (loosens) \
          [now matched by Finance / No MFA instead of Contractors / MFA always]"
        ]
    );

    // Finance's session changes: users also in Contractors keep Contractors'.
    let edited = TWO_GROUPS.replacen(
        "maxSessionLifetimeMinutes: 720",
        "maxSessionLifetimeMinutes: 600",
        1,
    );
    let (plan, _) = plan_files(
        &api,
        &yaml("sign-on.yaml", &edited),
        impact_options(10_000, false),
    );
    assert_eq!(
        lines(impact_of(&plan)),
        ["Finance (unless also in Contractors): session lifetime 12 h → 10 h (tightens)"]
    );
}

#[test]
fn unmanaged_policies_keep_evaluating_after_the_plan() {
    let api = okta();
    apply_files(&api, &yaml("sign-on.yaml", &with_lockdown()));
    // The lockdown policy is no longer written: unmanaged, it stays first.
    let loosened = TWO_GROUPS.replacen("requireFactor: true", "requireFactor: false", 1);
    let (plan, live) = plan_files(
        &api,
        &yaml("sign-on.yaml", &loosened),
        impact_options(10_000, false),
    );
    assert!(
        plan.unmanaged
            .iter()
            .any(|u| u.address == r#"signOnPolicies["Engineering lockdown"]"#)
    );
    let states = after::states(&plan, &live);
    let names: Vec<&str> = states
        .after
        .list(PolicyKind::SignOn, None)
        .expect("sign-on policies")
        .policies
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Engineering lockdown",
            "Contractors",
            "Finance",
            "Default Policy"
        ]
    );
    let lines = lines(impact_of(&plan));
    assert_eq!(
        lines,
        ["Contractors (unless also in Engineering): MFA required → not required (loosens)"]
    );
}

#[test]
fn an_unchanged_plan_has_no_impact_lines() {
    let api = okta();
    let files = example_files("examples/quickstart", &[]);
    apply_files(&api, &files);
    let (plan, _) = plan_files(&api, &files, impact_options(10_000, false));
    assert!(!plan.has_changes());
    let impact = impact_of(&plan);
    assert!(impact.sections.is_empty(), "{impact:#?}");
    assert_eq!(impact.lines().count(), 0);
    let human = render(&plan, PlanFormat::Human, PlanStyle::default());
    assert!(
        human
            .contains("Impact (1 sign-in context evaluated):\n  No sign-in changes its outcome.\n"),
        "{human}"
    );
}

// ----- the binary ---------------------------------------------------------------

#[test]
fn plan_impact_runs_against_the_local_org() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = assert_cmd::Command::cargo_bin("oktapol")
        .expect("binary")
        .current_dir(dir.path())
        .env_remove("OKTA_ORG_URL")
        .env_remove("OKTA_API_TOKEN")
        .env("CI", "true")
        .args(["plan"])
        .arg(root().join("examples/quickstart"))
        .args(["--org", "local", "--local-seed"])
        .arg(root().join("examples/org-seed.yaml"))
        .args(["--impact", "--impact-limit", "50", "--out", "plan.json"])
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("\nImpact ("), "{stdout}");
    assert!(
        stdout.contains("    - Contractors, off-network: MFA not required → required"),
        "{stdout}"
    );

    // The saved plan carries the impact, and `apply` takes it as before.
    let saved = std::fs::read_to_string(dir.path().join("plan.json")).expect("plan.json");
    assert!(saved.contains("\"impact\""), "{saved}");
    let applied = assert_cmd::Command::cargo_bin("oktapol")
        .expect("binary")
        .current_dir(dir.path())
        .env("CI", "true")
        .args(["apply", "plan.json", "--org", "local", "--auto-approve"])
        .output()
        .expect("the binary runs");
    assert_eq!(
        applied.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&applied.stdout),
        String::from_utf8_lossy(&applied.stderr)
    );

    let refused = assert_cmd::Command::cargo_bin("oktapol")
        .expect("binary")
        .current_dir(dir.path())
        .args(["plan", "--impact-limit", "5", "--org", "local"])
        .output()
        .expect("the binary runs");
    assert_eq!(
        refused.status.code(),
        Some(1),
        "--impact-limit needs --impact"
    );
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--impact"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
