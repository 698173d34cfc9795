//! `oktapol export`: the round trip is the contract — every example
//! applied to a seeded org, a fresh org (Identity Engine and Classic), an
//! org with inactive objects and names that need quoting, and random orgs
//! built through the API, each exported and planned again with no changes
//! and nothing unmanaged; references that cannot be names are written
//! `id:` with the reason; reading only the directory the references need;
//! and the binary (`--out`, `--force`, `--kinds`, the first line naming the
//! org, a snapshot of one file).

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use assert_cmd::Command;
use oktapol::client::wire::{Policy, PolicyRule};
use oktapol::client::{Api, LocalOrg, Metered, Scope};
use oktapol::clock::ManualClock;
use oktapol::emulator::Engine;
use oktapol::emulator::org::Org;
use oktapol::emulator::seed::{Seed, SeedApp, SeedGroup, SeedIdp, SeedUser, SeedZone};
use oktapol::export::{self, Export};
use oktapol::finding::Severity;
use oktapol::manifest::PolicyKind;
use oktapol::plan::{Options, Plan, make_plan};
use oktapol::report;
use oktapol::validate::validate_path;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::plan_examples::{apply_plan, plan_path, seeded_org};
use crate::util::root;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

/// Exports every kind of the org behind `api` into a fresh directory.
fn export_all(api: &dyn Api) -> (tempfile::TempDir, Export) {
    export_kinds(api, &PolicyKind::ALL)
}

fn export_kinds(api: &dyn Api, kinds: &[PolicyKind]) -> (tempfile::TempDir, Export) {
    let live = runtime()
        .block_on(export::read(api, kinds, 4))
        .expect("the org reads");
    let export = export::export(&live, kinds).expect("the export renders");
    let dir = tempfile::tempdir().expect("tempdir");
    for file in &export.files {
        std::fs::write(dir.path().join(file.name), &file.text).expect("write");
    }
    (dir, export)
}

/// The exported files, for failure messages.
fn shown(export: &Export) -> String {
    export
        .files
        .iter()
        .map(|f| format!("--- {}\n{}", f.name, f.text))
        .collect()
}

/// Validates and plans an exported directory against `api`: no validation
/// errors, no changes, nothing left unmanaged.
fn assert_round_trip(api: &dyn Api, dir: &Path, export: &Export) {
    let validation = validate_path(dir);
    if validation.has(Severity::Error) {
        let findings = report::render(
            report::Format::Human,
            &validation,
            report::Style { color: false },
        );
        panic!(
            "the export does not validate:\n{findings}\n{}",
            shown(export)
        );
    }
    let plan: Plan = runtime()
        .block_on(make_plan(api, &validation.set, Options::default(), &|_| {
            None
        }))
        .unwrap_or_else(|error| match error {
            oktapol::plan::PlanError::Findings(findings) => {
                panic!("{findings:#?}\n{}", shown(export))
            }
            other => panic!("{other}"),
        });
    assert!(
        !plan.has_changes(),
        "the export plans changes:\n{}\n{}",
        serde_json::to_string_pretty(&plan.changes).unwrap_or_default(),
        shown(export)
    );
    assert!(
        plan.unmanaged.is_empty(),
        "the export leaves objects unmanaged: {:#?}\n{}",
        plan.unmanaged,
        shown(export)
    );
}

fn file<'e>(export: &'e Export, name: &str) -> &'e str {
    export
        .files
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.text.as_str())
        .unwrap_or_else(|| panic!("no {name} in the export"))
}

#[test]
fn every_example_round_trips() {
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
        assert_eq!(report.failed(), 0, "{example}: {report:#?}");
        let (dir, export) = export_all(&api);
        assert_round_trip(&api, dir.path(), &export);
    }
}

#[test]
fn a_fresh_org_round_trips_with_okta_s_own_policies() {
    let api = seeded_org();
    let (dir, export) = export_all(&api);
    assert_round_trip(&api, dir.path(), &export);
    let names: Vec<&str> = export.files.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            "sign-on.yaml",
            "password.yaml",
            "mfa-enroll.yaml",
            "idp-discovery.yaml",
            "access.yaml",
            "profile-enrollment.yaml",
            "entity-risk.yaml",
            "post-auth-session.yaml",
            "authorization-servers.yaml"
        ]
    );
    for file in &export.files {
        assert!(
            file.text.starts_with(
                "# yaml-language-server: $schema=https://raw.githubusercontent.com/oktapol/oktapol/main/schema/oktapol.schema.json\n"
            ),
            "{}",
            file.text
        );
    }
    let access = file(&export, "access.yaml");
    for expected in [
        "  - name: Default Policy\n    default: true\n    apps:\n",
        "  - name: Okta Dashboard\n    apps: [Okta Dashboard]\n",
        "  - name: Okta Admin Console\n    apps: [Okta Admin Console]\n",
        "  - name: Okta Account Management Policy\n    rules:\n      - name: Catch-all Rule\n        default: true\n",
    ] {
        assert!(access.contains(expected), "{access}");
    }
    let servers = file(&export, "authorization-servers.yaml");
    assert!(servers.contains("  - server: default\n"), "{servers}");
    assert!(servers.contains("include: [Everyone]"), "{servers}");
    // Okta's own descriptions and default settings are left out.
    let sign_on = file(&export, "sign-on.yaml");
    assert!(!sign_on.contains("description"), "{sign_on}");
    assert!(!file(&export, "password.yaml").contains("settings"));
}

#[test]
fn reads_every_policy_and_only_the_directory_its_references_need() {
    let api = Metered::new(seeded_org(), 200);
    let (_dir, export) = export_all(&api);
    // The fresh org's policies name only the Everyone group and the
    // servers; the apps are read for `apps:`. No zones, IdPs, user types,
    // hooks or users.
    // The default sign-on, password, MFA and IdP discovery policies, four
    // access policies, the profile enrollment, entity risk and post-auth
    // session policies, and the `default` server's policy.
    let policies = 4 + 4 + 3 + 1;
    let expected: std::collections::BTreeMap<&str, u64> = [
        ("organization", 1),
        ("list_auth_servers", 1),
        ("list_policies", 8),
        ("list_server_policies", 2),
        ("list_rules", policies),
        ("list_apps", 1),
        ("list_groups", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(api.counts(), expected, "{}", shown(&export));
}

#[test]
fn a_classic_org_exports_only_its_kinds_and_says_so() {
    let org = Org::new(Engine::Classic, 3, Arc::new(ManualClock::fixed()));
    let api = LocalOrg::new(org);
    let (dir, export) = export_all(&api);
    assert_round_trip(&api, dir.path(), &export);
    let kinds: Vec<PolicyKind> = export.files.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            PolicyKind::SignOn,
            PolicyKind::Password,
            PolicyKind::MfaEnroll,
            PolicyKind::IdpDiscovery,
            PolicyKind::AuthorizationServer
        ]
    );
    assert!(
        export
            .notes
            .iter()
            .any(|n| n.contains("accessPolicies") && n.contains("Classic Engine")),
        "{:?}",
        export.notes
    );
}

#[test]
fn kinds_limit_the_export() {
    let api = seeded_org();
    let (dir, export) = export_kinds(&api, &[PolicyKind::Access, PolicyKind::SignOn]);
    let names: Vec<&str> = export.files.iter().map(|f| f.name).collect();
    assert_eq!(names, ["sign-on.yaml", "access.yaml"]);
    assert_round_trip(&api, dir.path(), &export);
}

/// Names that a YAML emitter must quote (or escape) to read back the same.
const TRICKY: &[&str] = &[
    "yes",
    "No",
    "null",
    "~",
    "1.5",
    "007",
    "0x1F",
    "2024-01-01",
    "a: b",
    "a #b",
    "#hash",
    "*star",
    "&anchor",
    "!tag",
    "- dash",
    "? q",
    "[x]",
    "{y}",
    "'single'",
    "\"double\"",
    "back\\slash",
    "tab\there",
    "two\nlines",
    " lead",
    "trail ",
    "ünïcødé",
    "日本語",
    "emoji 🎉",
    "100%",
    "@at",
    "`tick`",
    "|pipe",
    ">gt",
    "comma, list",
    "EVERYONE",
    "id:looks-like-an-id",
    "Plain Name",
];

/// A seed with a group, a zone and a user for each of `names`.
fn seed(names: &[String]) -> Seed {
    Seed {
        groups: names
            .iter()
            .map(|name| SeedGroup {
                name: name.clone(),
                description: None,
            })
            .collect(),
        zones: names
            .iter()
            .enumerate()
            .map(|(i, name)| SeedZone {
                name: name.clone(),
                kind: None,
                gateways: vec![format!("10.{i}.0.0/16")],
            })
            .collect(),
        users: (0..names.len())
            .map(|i| SeedUser {
                login: format!("user{i}@example.com"),
                first_name: None,
                last_name: None,
                groups: Vec::new(),
            })
            .collect(),
        apps: names
            .iter()
            .map(|name| SeedApp {
                label: name.clone(),
                name: None,
                sign_on_mode: None,
            })
            .collect(),
        identity_providers: names
            .iter()
            .map(|name| SeedIdp {
                name: name.clone(),
                kind: "SAML2".to_owned(),
            })
            .collect(),
        ..Seed::default()
    }
}

fn org_with(seed: &Seed) -> LocalOrg {
    let mut org = Org::new(Engine::Oie, 11, Arc::new(ManualClock::fixed()));
    org.add_seed(seed);
    LocalOrg::new(org)
}

/// IDs of the org's groups, zones, users and apps by name (login, label).
struct Ids {
    groups: Vec<(String, String)>,
    zones: Vec<(String, String)>,
    users: Vec<String>,
    apps: Vec<(String, String)>,
    idps: Vec<(String, String)>,
}

impl Ids {
    fn read(api: &dyn Api) -> Ids {
        runtime().block_on(async {
            let groups = api.list_groups().await.expect("groups");
            let zones = api.list_zones().await.expect("zones");
            let apps = api.list_apps().await.expect("apps");
            let idps = api.list_idps().await.expect("idps");
            let mut users = Vec::new();
            for i in 0.. {
                match api
                    .find_user(&format!("user{i}@example.com"))
                    .await
                    .expect("user")
                {
                    Some(user) => users.push(user.id.unwrap_or_default()),
                    None => break,
                }
            }
            Ids {
                groups: groups
                    .into_iter()
                    .filter_map(|g| Some((g.profile?.name?, g.id?)))
                    .collect(),
                zones: zones
                    .into_iter()
                    .filter_map(|z| Some((z.name?, z.id?)))
                    .collect(),
                users,
                apps: apps
                    .into_iter()
                    .filter_map(|a| Some((a.label?, a.id?)))
                    .collect(),
                idps: idps
                    .into_iter()
                    .filter_map(|i| Some((i.name?, i.id?)))
                    .collect(),
            }
        })
    }

    fn group(&self, name: &str) -> String {
        lookup(&self.groups, name)
    }
    fn zone(&self, name: &str) -> String {
        lookup(&self.zones, name)
    }
    fn app(&self, name: &str) -> String {
        lookup(&self.apps, name)
    }
    fn idp(&self, name: &str) -> String {
        lookup(&self.idps, name)
    }
}

fn lookup(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, id)| id.clone())
        .unwrap_or_else(|| panic!("no {name:?}"))
}

fn create_policy(api: &dyn Api, scope: &Scope, body: Value, active: bool) -> String {
    let body: Policy = serde_json::from_value(body).expect("a policy body");
    runtime()
        .block_on(api.create_policy(scope, &body, active))
        .unwrap_or_else(|error| panic!("create {body:?}: {error}"))
        .id
        .expect("an ID")
}

fn create_rule(api: &dyn Api, scope: &Scope, policy: &str, body: Value, active: bool) {
    let body: PolicyRule = serde_json::from_value(body).expect("a rule body");
    runtime()
        .block_on(api.create_rule(scope, policy, &body, active))
        .unwrap_or_else(|error| panic!("create {body:?}: {error}"));
}

fn map_app(api: &dyn Api, app: &str, policy: &str) {
    runtime()
        .block_on(api.map_app(app, policy))
        .expect("the app maps");
}

#[test]
fn inactive_objects_and_names_that_need_quoting_round_trip() {
    let names: Vec<String> = TRICKY.iter().map(|s| (*s).to_owned()).collect();
    let api = org_with(&seed(&names));
    let ids = Ids::read(&api);
    for (index, name) in names.iter().enumerate() {
        let policy = create_policy(
            &api,
            &Scope::Org,
            json!({
                "type": "OKTA_SIGN_ON", "name": name,
                "conditions": { "people": { "groups": { "include": [ids.group(name)] } } }
            }),
            index % 3 != 0,
        );
        create_rule(
            &api,
            &Scope::Org,
            &policy,
            json!({
                "type": "SIGN_ON", "name": name,
                "conditions": { "network": { "connection": "ZONE", "include": [ids.zone(name)] } },
                "actions": { "signon": { "access": "DENY" } }
            }),
            index % 2 == 0,
        );
        let access = create_policy(
            &api,
            &Scope::Org,
            json!({ "type": "ACCESS_POLICY", "name": name }),
            index % 4 != 0,
        );
        map_app(&api, &ids.app(name), &access);
    }
    let (dir, export) = export_all(&api);
    assert_round_trip(&api, dir.path(), &export);
    let sign_on = file(&export, "sign-on.yaml");
    assert!(sign_on.contains("    status: INACTIVE\n"), "{sign_on}");
    assert!(sign_on.contains("        status: INACTIVE\n"), "{sign_on}");
    assert!(sign_on.contains("  - name: \"yes\"\n"), "{sign_on}");
    assert!(sign_on.contains("  - name: \"a: b\"\n"), "{sign_on}");
    // A group whose name reads as an Okta literal or a raw ID is written by ID.
    assert!(
        sign_on.contains("is also an Okta literal here"),
        "{sign_on}"
    );
    assert!(
        sign_on.contains("which manifests read as a raw ID"),
        "{sign_on}"
    );
}

#[test]
fn ambiguous_and_missing_references_are_ids_with_the_reason() {
    let names = vec!["Sales".to_owned(), "Sales".to_owned(), "Support".to_owned()];
    let api = org_with(&seed(&names));
    let ids = Ids::read(&api);
    let sales: Vec<String> = ids
        .groups
        .iter()
        .filter(|(name, _)| name == "Sales")
        .map(|(_, id)| id.clone())
        .collect();
    assert_eq!(sales.len(), 2);
    let policy = create_policy(
        &api,
        &Scope::Org,
        json!({
            "type": "OKTA_SIGN_ON", "name": "Sales and support",
            "conditions": { "people": { "groups": { "include": [sales[1], ids.group("Support")] } } }
        }),
        true,
    );
    create_rule(
        &api,
        &Scope::Org,
        &policy,
        json!({
            "type": "SIGN_ON", "name": "Not the departed",
            "conditions": { "people": { "users": { "exclude": [ids.users[0]] } } },
            "actions": { "signon": { "access": "ALLOW", "requireFactor": true, "factorPromptMode": "ALWAYS" } }
        }),
        true,
    );
    let risk = runtime()
        .block_on(api.list_policies(&oktapol::live::policy_type(PolicyKind::EntityRisk)))
        .expect("entity risk")
        .remove(0)
        .id
        .expect("an ID");
    create_rule(
        &api,
        &Scope::Org,
        &risk,
        json!({
            "type": "ENTITY_RISK", "name": "High risk",
            "conditions": { "entityRisk": { "level": "HIGH" } },
            "actions": { "entityRisk": { "actions": [{ "action": "RUN_WORKFLOW", "workflow": { "id": "1074260" } }] } }
        }),
        true,
    );
    // A client whose app is gone: Okta keeps the ID in the policy.
    let server = runtime()
        .block_on(api.list_auth_servers())
        .expect("servers")
        .into_iter()
        .find_map(|s| s.id)
        .expect("a server");
    create_policy(
        &api,
        &Scope::Server(server),
        json!({
            "type": "OAUTH_AUTHORIZATION_POLICY", "name": "Retired clients",
            "conditions": { "clients": { "include": ["0oaretiredclient0001"] } }
        }),
        true,
    );
    let (dir, export) = export_all(&api);
    assert_round_trip(&api, dir.path(), &export);
    let sign_on = file(&export, "sign-on.yaml");
    for expected in [
        format!("- id:{} # 2 groups are named \"Sales\"\n", sales[1]),
        "- Support\n".to_owned(),
        "exclude: [user0@example.com]\n".to_owned(),
    ] {
        assert!(sign_on.contains(&expected), "{expected:?} in\n{sign_on}");
    }
    let servers = file(&export, "authorization-servers.yaml");
    assert!(
        servers.contains(
            "- id:0oaretiredclient0001 # no OAuth client with this ID was found in the org\n"
        ),
        "{servers}"
    );
    let entity_risk = file(&export, "entity-risk.yaml");
    assert!(
        entity_risk
            .contains("id: id:1074260 # Okta's Management API cannot look up workflows by name\n"),
        "{entity_risk}"
    );
}

// ----- random orgs -----------------------------------------------------------

/// A rule of a random org; which fields apply depends on the kind.
#[derive(Debug, Clone)]
struct RandomRule {
    name: String,
    active: bool,
    groups: Vec<usize>,
    zones: Vec<usize>,
    excluded_users: Vec<usize>,
    deny: bool,
    strong: bool,
    minutes: u32,
}

#[derive(Debug, Clone)]
struct RandomPolicy {
    name: String,
    active: bool,
    groups: Vec<usize>,
    apps: Vec<usize>,
    minutes: u32,
    rules: Vec<RandomRule>,
}

#[derive(Debug, Clone)]
struct RandomOrg {
    names: Vec<String>,
    sign_on: Vec<RandomPolicy>,
    password: Vec<RandomPolicy>,
    mfa: Vec<RandomPolicy>,
    access: Vec<RandomPolicy>,
    profile: Vec<RandomPolicy>,
    server: Vec<RandomPolicy>,
    /// Rules of the org's single IdP discovery, entity risk and post-auth
    /// session policies.
    routing: Vec<RandomRule>,
    risk: Vec<RandomRule>,
    session: Vec<RandomRule>,
    /// Settings of the default password policy.
    default_min_length: Option<u32>,
    /// Changes to the default sign-on rule and the default access policy's
    /// catch-all rule.
    default_rules: Option<RandomRule>,
}

/// A random name: a tricky one, or random printable text.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(TRICKY).prop_map(str::to_owned),
        "[ -~]{1,10}",
        "[a-zA-Zéü日 ]{1,8}",
    ]
    .prop_filter("a name with text", |name| !name.trim().is_empty())
}

/// Indexes (into the org's names) of a few distinct objects.
fn some(max: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::btree_set(0..max, 0..3).prop_map(|s| s.into_iter().collect())
}

fn rule(count: usize) -> impl Strategy<Value = RandomRule> {
    (
        name(),
        any::<bool>(),
        some(count),
        some(count),
        some(count),
        any::<bool>(),
        any::<bool>(),
        5u32..1000,
    )
        .prop_map(
            |(name, active, groups, zones, excluded_users, deny, strong, minutes)| RandomRule {
                name,
                active,
                groups,
                zones,
                excluded_users,
                deny,
                strong,
                minutes,
            },
        )
}

fn policy(count: usize) -> impl Strategy<Value = RandomPolicy> {
    (
        name(),
        any::<bool>(),
        some(count),
        some(count),
        8u32..64,
        prop::collection::vec(rule(count), 0..4),
    )
        .prop_map(
            |(name, active, groups, apps, minutes, rules)| RandomPolicy {
                name,
                active,
                groups,
                apps,
                minutes,
                rules,
            },
        )
}

fn random_org() -> impl Strategy<Value = RandomOrg> {
    prop::collection::btree_set(
        name().prop_filter("not Everyone", |n| n != "Everyone"),
        1..6,
    )
    .prop_flat_map(|names| {
        let names: Vec<String> = names.into_iter().collect();
        let count = names.len();
        let policies = || prop::collection::vec(policy(count), 0..3);
        let rules = || prop::collection::vec(rule(count), 0..3);
        (
            (
                Just(names),
                policies(),
                policies(),
                policies(),
                policies(),
                policies(),
                policies(),
            ),
            (
                rules(),
                rules(),
                rules(),
                prop::option::of(8u32..30),
                prop::option::of(rule(count)),
            ),
        )
    })
    .prop_map(
        |(
            (names, sign_on, password, mfa, access, profile, server),
            (routing, risk, session, default_min_length, default_rules),
        )| RandomOrg {
            names,
            sign_on: unique(sign_on),
            password: unique(password),
            mfa: unique(mfa),
            access: unique(access),
            profile: unique(profile),
            server: unique(server),
            routing: unique_rules(routing),
            risk: unique_rules(risk),
            session: unique_rules(session),
            default_min_length,
            default_rules,
        },
    )
}

/// Names are identity: policies of one list, and rules of one policy, get
/// distinct names.
fn unique(mut policies: Vec<RandomPolicy>) -> Vec<RandomPolicy> {
    let mut seen = HashSet::from(["Default Policy".to_owned()]);
    for (index, policy) in policies.iter_mut().enumerate() {
        // Okta trims the names of policies and rules.
        policy.name = policy.name.trim().to_owned();
        if !seen.insert(policy.name.clone()) {
            policy.name = format!("{} {index}", policy.name);
            seen.insert(policy.name.clone());
        }
        policy.rules = unique_rules(std::mem::take(&mut policy.rules));
    }
    policies
}

fn unique_rules(mut rules: Vec<RandomRule>) -> Vec<RandomRule> {
    let mut seen = HashSet::from(["Catch-all Rule".to_owned(), "Default Rule".to_owned()]);
    for (index, rule) in rules.iter_mut().enumerate() {
        rule.name = rule.name.trim().to_owned();
        if !seen.insert(rule.name.clone()) {
            rule.name = format!("{} {index}", rule.name);
            seen.insert(rule.name.clone());
        }
    }
    rules
}

/// Builds a random org through the API, the way an admin (or another
/// tool) would have, not the way oktapol's apply writes.
fn build(org: &RandomOrg) -> LocalOrg {
    let api = org_with(&seed(&org.names));
    let ids = Ids::read(&api);
    let name = |i: usize| org.names[i].clone();
    let groups = |list: &[usize]| {
        list.iter()
            .map(|&i| ids.group(&name(i)))
            .collect::<Vec<_>>()
    };
    let zones = |list: &[usize]| list.iter().map(|&i| ids.zone(&name(i))).collect::<Vec<_>>();
    let users = |list: &[usize]| {
        list.iter()
            .map(|&i| ids.users[i].clone())
            .collect::<Vec<_>>()
    };
    let people = |policy: &RandomPolicy| match policy.groups.as_slice() {
        [] => json!({}),
        some => json!({ "people": { "groups": { "include": groups(some) } } }),
    };
    let network = |rule: &RandomRule| match rule.zones.as_slice() {
        [] => json!({ "connection": "ANYWHERE" }),
        some => json!({ "connection": "ZONE", "include": zones(some) }),
    };
    for policy in &org.sign_on {
        let id = create_policy(
            &api,
            &Scope::Org,
            json!({ "type": "OKTA_SIGN_ON", "name": policy.name, "conditions": people(policy) }),
            policy.active,
        );
        for rule in &policy.rules {
            let signon = if rule.deny {
                json!({ "access": "DENY" })
            } else if rule.strong {
                json!({ "access": "ALLOW", "requireFactor": true, "factorPromptMode": "ALWAYS",
                        "session": { "maxSessionIdleMinutes": rule.minutes, "maxSessionLifetimeMinutes": 1440 } })
            } else {
                json!({ "access": "ALLOW", "session": { "maxSessionIdleMinutes": rule.minutes } })
            };
            create_rule(
                &api,
                &Scope::Org,
                &id,
                json!({
                    "type": "SIGN_ON", "name": rule.name,
                    "conditions": { "people": { "users": { "exclude": users(&rule.excluded_users) } },
                                    "network": network(rule) },
                    "actions": { "signon": signon }
                }),
                rule.active,
            );
        }
    }
    for policy in &org.password {
        let mut conditions = people(policy);
        conditions["authProvider"] = json!({ "provider": "OKTA" });
        let id = create_policy(
            &api,
            &Scope::Org,
            json!({
                "type": "PASSWORD", "name": policy.name, "conditions": conditions,
                "settings": { "password": { "complexity": { "minLength": policy.minutes } } }
            }),
            policy.active,
        );
        for rule in &policy.rules {
            create_rule(
                &api,
                &Scope::Org,
                &id,
                json!({
                    "type": "PASSWORD", "name": rule.name,
                    "conditions": { "network": network(rule) },
                    "actions": {
                        "passwordChange": { "access": if rule.deny { "DENY" } else { "ALLOW" } },
                        "selfServiceUnlock": { "access": if rule.strong { "ALLOW" } else { "DENY" } }
                    }
                }),
                rule.active,
            );
        }
    }
    for policy in &org.access {
        let id = create_policy(
            &api,
            &Scope::Org,
            json!({ "type": "ACCESS_POLICY", "name": policy.name, "description": format!("{} apps", policy.name) }),
            policy.active,
        );
        for &app in &policy.apps {
            map_app(&api, &ids.app(&name(app)), &id);
        }
        for rule in &policy.rules {
            let mut conditions = json!({ "network": network(rule) });
            if !rule.groups.is_empty() {
                conditions["people"] = json!({ "groups": { "include": groups(&rule.groups) } });
            }
            create_rule(
                &api,
                &Scope::Org,
                &id,
                json!({
                    "type": "ACCESS_POLICY", "name": rule.name, "conditions": conditions,
                    "actions": { "appSignOn": {
                        "access": if rule.deny { "DENY" } else { "ALLOW" },
                        "verificationMethod": { "type": "ASSURANCE",
                            "factorMode": if rule.strong { "2FA" } else { "1FA" },
                            "reauthenticateIn": format!("PT{}M", rule.minutes) }
                    } }
                }),
                rule.active,
            );
        }
    }
    let server = Scope::Server(
        runtime()
            .block_on(api.list_auth_servers())
            .expect("servers")
            .into_iter()
            .find(|s| s.name.as_deref() == Some("default"))
            .and_then(|s| s.id)
            .expect("the default server"),
    );
    for policy in &org.server {
        let clients: Vec<String> = if policy.apps.is_empty() {
            vec!["ALL_CLIENTS".to_owned()]
        } else {
            policy.apps.iter().map(|&i| ids.app(&name(i))).collect()
        };
        let id = create_policy(
            &api,
            &server,
            json!({
                "type": "OAUTH_AUTHORIZATION_POLICY", "name": policy.name,
                "conditions": { "clients": { "include": clients } }
            }),
            policy.active,
        );
        for rule in &policy.rules {
            let include = if rule.groups.is_empty() {
                vec!["EVERYONE".to_owned()]
            } else {
                groups(&rule.groups)
            };
            create_rule(
                &api,
                &server,
                &id,
                json!({
                    "type": "RESOURCE_ACCESS", "name": rule.name,
                    "conditions": {
                        "people": { "groups": { "include": include } },
                        "grantTypes": { "include": if rule.strong { vec!["client_credentials"] } else { vec!["authorization_code", "implicit"] } },
                        "scopes": { "include": ["openid", "profile"] }
                    },
                    "actions": { "token": { "accessTokenLifetimeMinutes": 5 + rule.minutes % 1400 } }
                }),
                rule.active,
            );
        }
    }
    for policy in &org.mfa {
        let mut body =
            json!({ "type": "MFA_ENROLL", "name": policy.name, "conditions": people(policy) });
        if policy.minutes % 3 != 0 {
            body["settings"] = json!({ "type": "AUTHENTICATORS", "authenticators": [
                { "key": "okta_password", "enroll": { "self": "REQUIRED" } },
                { "key": "okta_email", "enroll": { "self": if policy.minutes % 2 == 0 { "REQUIRED" } else { "OPTIONAL" } } },
                { "key": "okta_verify", "enroll": { "self": if policy.active { "OPTIONAL" } else { "NOT_ALLOWED" } } }
            ] });
        }
        let id = create_policy(&api, &Scope::Org, body, policy.active);
        for rule in &policy.rules {
            let prompt = ["CHALLENGE", "LOGIN", "NEVER"][rule.minutes as usize % 3];
            create_rule(
                &api,
                &Scope::Org,
                &id,
                json!({
                    "type": "MFA_ENROLL", "name": rule.name,
                    "conditions": { "network": network(rule) },
                    "actions": { "enroll": { "self": prompt } }
                }),
                rule.active,
            );
        }
    }
    for policy in &org.profile {
        let id = create_policy(
            &api,
            &Scope::Org,
            json!({ "type": "PROFILE_ENROLLMENT", "name": policy.name }),
            policy.active,
        );
        for &app in &policy.apps {
            map_app(&api, &ids.app(&name(app)), &id);
        }
        runtime().block_on(async {
            let mut rule = api
                .list_rules(&Scope::Org, &id)
                .await
                .expect("rules")
                .remove(0);
            let rule_id = rule.id.clone().expect("an ID");
            rule.actions = oktapol::client::wire::Field::Value(json!({ "profileEnrollment": {
                "access": "ALLOW",
                "unknownUserAction": if policy.minutes % 2 == 0 { "REGISTER" } else { "DENY" },
                "targetGroupIds": groups(&policy.groups[..policy.groups.len().min(1)]),
                "activationRequirements": { "emailVerification": policy.active },
                "profileAttributes": [
                    { "name": "email", "label": "Email", "required": true },
                    { "name": "firstName", "label": policy.name, "required": policy.minutes % 3 == 0 }
                ]
            } }));
            api.replace_rule(&Scope::Org, &id, &rule_id, &rule)
                .await
                .expect("the catch-all rule updates");
        });
    }
    let single = |kind: PolicyKind| -> String {
        runtime()
            .block_on(api.list_policies(&oktapol::live::policy_type(kind)))
            .expect("policies")
            .into_iter()
            .find_map(|p| p.id)
            .expect("the org's policy")
    };
    let routing = single(PolicyKind::IdpDiscovery);
    for rule in &org.routing {
        let providers = match rule.groups.first() {
            Some(&i) if !rule.deny => json!([{ "type": "SAML2", "id": ids.idp(&name(i)) }]),
            _ => json!([{ "type": "OKTA" }]),
        };
        let mut conditions = json!({ "network": network(rule) });
        if rule.strong {
            conditions["userIdentifier"] = json!({ "type": "IDENTIFIER",
                "patterns": [{ "matchType": "SUFFIX", "value": format!("{}.example", rule.minutes) }] });
        }
        create_rule(
            &api,
            &Scope::Org,
            &routing,
            json!({
                "type": "IDP_DISCOVERY", "name": rule.name, "conditions": conditions,
                "actions": { "idp": { "providers": providers, "idpSelectionType": "SPECIFIC" } }
            }),
            rule.active,
        );
    }
    let risk = single(PolicyKind::EntityRisk);
    for rule in &org.risk {
        let level = ["LOW", "MEDIUM", "HIGH"][rule.minutes as usize % 3];
        let actions = if rule.strong {
            json!([{ "action": "TERMINATE_ALL_SESSIONS" }])
        } else {
            json!([])
        };
        create_rule(
            &api,
            &Scope::Org,
            &risk,
            json!({
                "type": "ENTITY_RISK", "name": rule.name,
                "conditions": { "entityRisk": { "level": level },
                                "people": { "users": { "exclude": users(&rule.excluded_users) } } },
                "actions": { "entityRisk": { "actions": actions } }
            }),
            rule.active,
        );
    }
    let session = single(PolicyKind::PostAuthSession);
    for rule in &org.session {
        let actions = if rule.strong {
            json!([{ "action": "TERMINATE_SESSION" }])
        } else {
            json!([])
        };
        create_rule(
            &api,
            &Scope::Org,
            &session,
            json!({
                "type": "POST_AUTH_SESSION", "name": rule.name,
                "conditions": { "people": { "users": { "exclude": users(&rule.excluded_users) } } },
                "actions": { "postAuthSession": { "failureActions": actions } }
            }),
            rule.active,
        );
    }
    if let Some(rule) = &org.default_rules {
        runtime().block_on(async {
            for (kind, actions) in [
                (
                    PolicyKind::SignOn,
                    json!({ "signon": { "access": "ALLOW", "requireFactor": rule.strong,
                                        "factorPromptMode": "SESSION",
                                        "session": { "maxSessionIdleMinutes": rule.minutes } } }),
                ),
                (
                    PolicyKind::Access,
                    json!({ "appSignOn": { "access": if rule.deny { "DENY" } else { "ALLOW" },
                        "verificationMethod": { "type": "ASSURANCE", "factorMode": "1FA", "reauthenticateIn": "PT1H" } } }),
                ),
            ] {
                let policy = api
                    .list_policies(&oktapol::live::policy_type(kind))
                    .await
                    .expect("policies")
                    .into_iter()
                    .find(|p| p.system == Some(true))
                    .and_then(|p| p.id)
                    .expect("the default policy");
                let mut default = api
                    .list_rules(&Scope::Org, &policy)
                    .await
                    .expect("rules")
                    .into_iter()
                    .find(|r| r.system == Some(true))
                    .expect("the default rule");
                let rule_id = default.id.clone().expect("an ID");
                default.actions = oktapol::client::wire::Field::Value(actions);
                api.replace_rule(&Scope::Org, &policy, &rule_id, &default)
                    .await
                    .expect("the default rule updates");
            }
        });
    }
    if let Some(min_length) = org.default_min_length {
        runtime().block_on(async {
            let mut default = api
                .list_policies(&oktapol::live::policy_type(PolicyKind::Password))
                .await
                .expect("password policies")
                .into_iter()
                .find(|p| p.system == Some(true))
                .expect("the default password policy");
            let id = default.id.clone().expect("an ID");
            if let oktapol::client::wire::Field::Value(settings) = &mut default.settings {
                settings["password"]["complexity"]["minLength"] = json!(min_length);
            }
            api.replace_policy(&Scope::Org, &id, &default)
                .await
                .expect("the default policy updates");
        });
    }
    api
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn random_orgs_round_trip(org in random_org()) {
        let api = build(&org);
        let (dir, export) = export_all(&api);
        assert_round_trip(&api, dir.path(), &export);
    }
}

// ----- the binary ----------------------------------------------------------

/// The binary in `dir`, with no org, token or CI settings inherited.
fn oktapol(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("oktapol").expect("binary");
    command
        .current_dir(dir)
        .env_remove("CI")
        .env_remove("OKTA_ORG_URL")
        .env_remove("OKTA_API_TOKEN")
        .env("NO_COLOR", "1");
    command
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(command: &mut Command) -> Run {
    let output = command.output().expect("the binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn the_binary_exports_refuses_to_overwrite_and_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = root().join("examples/org-seed.yaml");
    let quickstart = root().join("examples/quickstart");
    let applied = run(oktapol(dir.path())
        .args(["apply", "--org", "local", "--auto-approve", "--local-seed"])
        .arg(&seed)
        .arg(&quickstart));
    assert_eq!(
        applied.code,
        Some(0),
        "{}{}",
        applied.stdout,
        applied.stderr
    );

    let exported = run(oktapol(dir.path()).args(["export", "--org", "local", "--out", "policies"]));
    assert_eq!(
        exported.code,
        Some(0),
        "{}{}",
        exported.stdout,
        exported.stderr
    );
    assert_eq!(
        exported.stdout.lines().next(),
        Some("Exported local org (.oktapol/local-org.json) to policies")
    );
    assert!(
        exported
            .stderr
            .starts_with("Using the local org in .oktapol/local-org.json"),
        "{}",
        exported.stderr
    );
    assert!(
        exported.stdout.contains("  sign-on.yaml"),
        "{}",
        exported.stdout
    );
    let sign_on =
        std::fs::read_to_string(dir.path().join("policies/sign-on.yaml")).expect("sign-on.yaml");
    insta::assert_snapshot!("quickstart_sign_on_export", sign_on);

    let planned = run(oktapol(dir.path()).args([
        "plan",
        "policies",
        "--org",
        "local",
        "--detailed-exitcode",
    ]));
    assert_eq!(
        planned.code,
        Some(0),
        "{}{}",
        planned.stdout,
        planned.stderr
    );
    assert!(planned.stdout.contains("No changes."), "{}", planned.stdout);

    let again = run(oktapol(dir.path()).args(["export", "--org", "local", "--out", "policies"]));
    assert_eq!(again.code, Some(1), "{}{}", again.stdout, again.stderr);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("policies/sign-on.yaml")).expect("kept"),
        sign_on
    );

    let forced =
        run(oktapol(dir.path()).args(["export", "--org", "local", "--out", "policies", "--force"]));
    assert_eq!(forced.code, Some(0), "{}{}", forced.stdout, forced.stderr);
}

#[test]
fn the_binary_exports_only_the_kinds_asked_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exported = run(oktapol(dir.path())
        .args([
            "export",
            "--org",
            "local",
            "--kinds",
            "sign-on,authorization-servers",
            "--out",
            "out",
            "--local-seed",
        ])
        .arg(root().join("examples/org-seed.yaml")));
    assert_eq!(
        exported.code,
        Some(0),
        "{}{}",
        exported.stdout,
        exported.stderr
    );
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .expect("out/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["authorization-servers.yaml", "sign-on.yaml"]);

    let unknown =
        run(oktapol(dir.path()).args(["export", "--org", "local", "--kinds", "sessions"]));
    assert_eq!(unknown.code, Some(1));
    assert!(unknown.stderr.contains("sign-on"), "{}", unknown.stderr);
}
