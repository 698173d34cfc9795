//! Benchmark of `plan`'s reads. An org with every kind (500 policies and
//! about 5,000 rules by default) is generated, applied to the emulator and
//! planned again (zero changes). Reported: the API calls `plan` made; the
//! lower bound, i.e. the sum over managed kinds of the policy list pages,
//! one rules list per policy, the server's policy pages, the apps pages
//! (mappings are managed) and one list per looked-up collection; their
//! ratio; a model of the Terraform provider's refresh cost on the same org
//! (1 GET per policy and 2 for an access policy, per rule 2 GETs for
//! sign-on and MFA rules and 1 otherwise); plan wall time in-process and
//! over loopback HTTP; the time `plan --impact` adds on an edit of every
//! sign-on and access rule; peak memory. `cargo bench --bench plan`
//! (`-- --quick` for a smoke run).

mod support;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use oktapol::client::{HttpClient, HttpConfig, LocalOrg, Metered};
use oktapol::clock::SystemClock;
use oktapol::emulator::Engine;
use oktapol::emulator::org::Org;
use oktapol::emulator::seed::Seed;
use oktapol::emulator::server::rate_limit::RateLimits;
use oktapol::emulator::server::{Config, serve};
use oktapol::finding::Severity;
use oktapol::plan::{Options, Plan, make_plan};

const TOKEN: &str = "bench-token";
const PAGE: usize = 200;

/// How many policies of each kind, and rules per policy.
struct Shape {
    sign_on: usize,
    password: usize,
    mfa: usize,
    access: usize,
    profile: usize,
    server: usize,
    rules: usize,
}

impl Shape {
    fn full() -> Self {
        Shape {
            sign_on: 100,
            password: 50,
            mfa: 50,
            access: 200,
            profile: 50,
            server: 50,
            rules: 11,
        }
    }

    fn quick() -> Self {
        Shape {
            sign_on: 4,
            password: 2,
            mfa: 2,
            access: 4,
            profile: 2,
            server: 2,
            rules: 3,
        }
    }
}

fn seed(shape: &Shape) -> String {
    let mut yaml = String::from("groups:\n");
    for g in 0..20 {
        let _ = writeln!(yaml, "  - {{ name: Group {g} }}");
    }
    yaml.push_str("zones:\n  - { name: Corporate Network, gateways: [203.0.113.0/24] }\napps:\n");
    for a in 0..(shape.access + shape.profile) {
        let _ = writeln!(yaml, "  - {{ label: App {a} }}");
    }
    yaml.push_str("authorizationServers:\n  - { name: bench, audiences: [\"api://bench\"] }\n");
    yaml
}

fn manifest(shape: &Shape) -> String {
    let mut y = String::new();
    let group = |i: usize| format!("Group {}", i % 20);
    y.push_str("signOnPolicies:\n");
    for p in 0..shape.sign_on {
        let _ = writeln!(
            y,
            "  - name: Sign-on {p}\n    conditions: {{ people: {{ groups: {{ include: [{}] }} }} }}\n    rules:",
            group(p)
        );
        for r in 0..shape.rules {
            let _ = writeln!(
                y,
                "      - name: Rule {r}\n        conditions: {{ network: {{ connection: ZONE, include: [Corporate Network] }} }}\n        actions: {{ signon: {{ access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS, session: {{ maxSessionIdleMinutes: 60, maxSessionLifetimeMinutes: 480, usePersistentCookie: false }} }} }}"
            );
        }
    }
    y.push_str("  - name: Default Policy\n    default: true\npasswordPolicies:\n");
    for p in 0..shape.password {
        let _ = writeln!(
            y,
            "  - name: Password {p}\n    conditions: {{ people: {{ groups: {{ include: [{}] }} }} }}\n    rules:",
            group(p)
        );
        for r in 0..shape.rules {
            let _ = writeln!(
                y,
                "      - name: Rule {r}\n        actions: {{ passwordChange: {{ access: ALLOW }}, selfServiceUnlock: {{ access: DENY }} }}"
            );
        }
    }
    y.push_str("  - name: Default Policy\n    default: true\nmfaEnrollPolicies:\n");
    for p in 0..shape.mfa {
        let _ = writeln!(
            y,
            "  - name: MFA {p}\n    conditions: {{ people: {{ groups: {{ include: [{}] }} }} }}\n    settings:\n      type: AUTHENTICATORS\n      authenticators:\n        - {{ key: okta_password, enroll: {{ self: REQUIRED }} }}\n        - {{ key: okta_email, enroll: {{ self: REQUIRED }} }}\n        - {{ key: okta_verify, enroll: {{ self: REQUIRED }} }}\n    rules:",
            group(p)
        );
        for r in 0..shape.rules {
            let _ = writeln!(
                y,
                "      - name: Rule {r}\n        actions: {{ enroll: {{ self: CHALLENGE }} }}"
            );
        }
    }
    y.push_str("  - name: Default Policy\n    default: true\naccessPolicies:\n");
    for p in 0..shape.access {
        let _ = writeln!(y, "  - name: Access {p}\n    apps: [App {p}]\n    rules:");
        for r in 0..shape.rules {
            let _ = writeln!(
                y,
                "      - name: Rule {r}\n        conditions: {{ people: {{ groups: {{ include: [{}] }} }} }}\n        actions: {{ appSignOn: {{ access: ALLOW, verificationMethod: {{ type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT2H }} }} }}",
                group(r)
            );
        }
    }
    y.push_str("profileEnrollmentPolicies:\n");
    for p in 0..shape.profile {
        let _ = writeln!(
            y,
            "  - name: Profile {p}\n    apps: [App {}]\n    rules:\n      - name: Catch-all Rule\n        default: true\n        actions: {{ profileEnrollment: {{ access: ALLOW, unknownUserAction: REGISTER, activationRequirements: {{ emailVerification: true }} }} }}",
            shape.access + p
        );
    }
    y.push_str("authorizationServers:\n  - server: bench\n    policies:\n");
    for p in 0..shape.server {
        let _ = writeln!(
            y,
            "      - name: Server {p}\n        conditions: {{ clients: {{ include: [ALL_CLIENTS] }} }}\n        rules:"
        );
        for r in 0..shape.rules {
            let _ = writeln!(
                y,
                "          - name: Rule {r}\n            conditions: {{ people: {{ groups: {{ include: [EVERYONE] }} }}, grantTypes: {{ include: [authorization_code] }}, scopes: {{ include: [openid] }} }}\n            actions: {{ token: {{ accessTokenLifetimeMinutes: 60 }} }}"
            );
        }
    }
    y
}

/// Σ kinds ⌈policies/page⌉ + one rules list per policy + the server's
/// pages + apps pages + one list per looked-up collection + the engine.
fn lower_bound(org: &Org) -> u64 {
    let pages = |n: usize| n.div_ceil(PAGE).max(1) as u64;
    let state = serde_json::to_value(org.state()).unwrap_or_default();
    let entries = state["entries"].as_array().cloned().unwrap_or_default();
    let bench = org
        .directory()
        .auth_servers
        .iter()
        .find(|s| s.name.as_deref() == Some("bench"))
        .and_then(|s| s.id.clone())
        .unwrap_or_default();
    let count = |kind: &str| {
        entries
            .iter()
            .filter(|e| e["policy"]["type"] == kind && e["server"].is_null())
            .count()
    };
    let kinds = [
        "OKTA_SIGN_ON",
        "PASSWORD",
        "MFA_ENROLL",
        "ACCESS_POLICY",
        "PROFILE_ENROLLMENT",
    ];
    let org_lists: u64 = kinds
        .iter()
        .map(|k| pages(count(k)) + count(k) as u64)
        .sum();
    let server = entries
        .iter()
        .filter(|e| e["server"] == bench.as_str())
        .count();
    let directory = org.directory();
    let lookups = pages(directory.groups.len())
        + pages(directory.zones.len())
        + pages(directory.auth_servers.len());
    1 + org_lists + pages(server) + server as u64 + pages(directory.apps.len()) + lookups
}

/// The Terraform provider's refresh: 1 GET per policy (2 for access), and
/// per rule 2 GETs for sign-on and MFA rules, 1 otherwise.
fn terraform_model(org: &Org) -> u64 {
    let state = serde_json::to_value(org.state()).unwrap_or_default();
    let mut calls = 0u64;
    for entry in state["entries"].as_array().into_iter().flatten() {
        let kind = entry["policy"]["type"].as_str().unwrap_or_default();
        // Kinds and servers the manifests do not manage are not refreshed.
        if entry["server"] == "default"
            || matches!(kind, "IDP_DISCOVERY" | "ENTITY_RISK" | "POST_AUTH_SESSION")
        {
            continue;
        }
        let rules = entry["rules"].as_array().map_or(0, Vec::len) as u64;
        calls += if kind == "ACCESS_POLICY" { 2 } else { 1 };
        calls += match kind {
            "OKTA_SIGN_ON" | "MFA_ENROLL" => 2 * rules,
            _ => rules,
        };
    }
    calls
}

fn plan_once(
    runtime: &tokio::runtime::Runtime,
    api: &dyn oktapol::client::Api,
    set: &oktapol::manifest::set::ManifestSet,
) -> Plan {
    runtime
        .block_on(make_plan(
            api,
            set,
            Options {
                prune: false,
                parallelism: 4,
                impact: None,
            },
            &|_| None,
        ))
        .unwrap_or_else(|error| panic!("plan failed: {error:?}"))
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let shape = if quick { Shape::quick() } else { Shape::full() };
    let dir = tempfile::tempdir().expect("tempdir");
    let seed_path = dir.path().join("seed.yaml");
    std::fs::write(&seed_path, seed(&shape)).expect("write seed");
    let manifest_path = dir.path().join("org.yaml");
    std::fs::write(&manifest_path, manifest(&shape)).expect("write manifest");
    let validation = oktapol::validate::validate_path(&manifest_path);
    assert!(
        !validation.has(Severity::Error),
        "generated manifest invalid: {:?}",
        validation
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let seed = Seed::read(&seed_path).expect("seed");
    let mut org = Org::new(Engine::Oie, 3, Arc::new(SystemClock));
    org.add_seed(&seed);
    let api = Metered::new(LocalOrg::new(org), PAGE);
    let first = plan_once(&runtime, &api, &validation.set);
    let report = runtime.block_on(oktapol::apply::apply(&api, &first));
    assert_eq!(report.failed(), 0, "apply of the generated org failed");

    // In-process plan of the populated org.
    api.reset();
    let started = Instant::now();
    let plan = plan_once(&runtime, &api, &validation.set);
    let in_process = started.elapsed();
    assert!(!plan.has_changes(), "a just-applied org plans changes");
    let counts = api.counts();
    let calls = api.total();
    let (policies, rules, bound, terraform, state) = api.inner().with_org(|org| {
        let state = serde_json::to_value(org.state()).unwrap_or_default();
        let entries = state["entries"].as_array().cloned().unwrap_or_default();
        let managed: Vec<&serde_json::Value> = entries
            .iter()
            .filter(|e| {
                e["server"] != "default"
                    && !matches!(
                        e["policy"]["type"].as_str(),
                        Some("IDP_DISCOVERY" | "ENTITY_RISK" | "POST_AUTH_SESSION")
                    )
            })
            .collect();
        let policies = managed.len();
        let rules: usize = managed
            .iter()
            .map(|e| e["rules"].as_array().map_or(0, Vec::len))
            .sum();
        (
            policies,
            rules,
            lower_bound(org),
            terraform_model(org),
            serde_json::to_vec(org.state()).unwrap_or_default(),
        )
    });

    // Over loopback HTTP: the same org served by the emulator.
    let http = runtime.block_on(async {
        let state_path = dir.path().join("state.json");
        std::fs::write(&state_path, &state).expect("write state");
        let mut config = Config::new(TOKEN);
        config.state = Some(state_path);
        config.rate_limits = RateLimits::off();
        let server = serve(config).await.expect("serve");
        let client = HttpClient::new(
            HttpConfig::parse(server.url(), TOKEN, Arc::new(SystemClock)).expect("config"),
        )
        .expect("client");
        let started = Instant::now();
        let plan = make_plan(
            &client,
            &validation.set,
            Options {
                prune: false,
                parallelism: 4,
                impact: None,
            },
            &|_| None,
        )
        .await
        .expect("http plan");
        let elapsed = started.elapsed();
        assert!(!plan.has_changes(), "HTTP plan has changes");
        server.shutdown().await;
        elapsed
    });

    // `plan --impact` on an edit that touches every sign-on and access
    // rule: the matrix (groups, their pairs, zones, apps, devices) is
    // capped at the default limit.
    let edited_path = dir.path().join("edited.yaml");
    std::fs::write(
        &edited_path,
        manifest(&shape)
            .replace("requireFactor: true", "requireFactor: false")
            .replace("reauthenticateIn: PT2H", "reauthenticateIn: PT1H"),
    )
    .expect("write edited manifest");
    let edited = oktapol::validate::validate_path(&edited_path);
    let plan_edited = |impact: Option<usize>| {
        let started = Instant::now();
        let plan = runtime
            .block_on(make_plan(
                &api,
                &edited.set,
                Options {
                    prune: false,
                    parallelism: 4,
                    impact,
                },
                &|_| None,
            ))
            .unwrap_or_else(|error| panic!("plan failed: {error:?}"));
        (plan, started.elapsed())
    };
    let (_, without_impact) = plan_edited(None);
    let (with_impact, impact_time) = plan_edited(Some(oktapol::impact::DEFAULT_LIMIT));
    let impact = with_impact.impact.as_ref().expect("impact");
    let impact_lines = impact.lines().count();

    println!("plan bench ({} mode)", if quick { "quick" } else { "full" });
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| org | {policies} policies, {rules} rules (sign-on, password, MFA, access, profile enrollment, 1 custom auth server) |"
    );
    println!("| plan API calls | {calls} |");
    println!("| lower bound | {bound} |");
    println!(
        "| ratio to lower bound | {:.2} |",
        calls as f64 / bound as f64
    );
    println!(
        "| Terraform provider refresh model | {terraform} ({:.1}× oktapol) |",
        terraform as f64 / calls as f64
    );
    println!(
        "| plan wall time, in-process | {:.0} ms |",
        in_process.as_secs_f64() * 1000.0
    );
    println!(
        "| plan wall time, loopback HTTP (parallelism 4) | {:.0} ms |",
        http.as_secs_f64() * 1000.0
    );
    println!(
        "| plan of an edit ({} changes), in-process | {:.0} ms |",
        with_impact.changes.len(),
        without_impact.as_secs_f64() * 1000.0
    );
    println!(
        "| the same with --impact ({} of {} contexts, {} lines) | {:.0} ms |",
        impact.evaluated,
        impact.contexts,
        impact_lines,
        impact_time.as_secs_f64() * 1000.0
    );
    println!(
        "| peak memory (whole bench process) | {:.0} MB |",
        support::peak_mb()
    );
    println!("calls by operation: {counts:?}");
}
