//! How `plan` behaves against an in-process org, and what `apply` then
//! leaves behind: live objects as Okta returns them plan as no changes,
//! only modelled fields and managed kinds are touched, pruning spares
//! Okta's own policies and re-maps apps first, renames keep IDs, every
//! unresolvable name is reported at once, Classic orgs refuse Identity
//! Engine kinds, priorities converge with the fewest moves, and the
//! fingerprint covers exactly what the plan addresses.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use oktapol::client::wire::{Policy, PolicyRule};
use oktapol::client::{Api, LocalOrg, Metered};
use oktapol::clock::ManualClock;
use oktapol::emulator::Engine;
use oktapol::emulator::org::Org;
use oktapol::emulator::seed::Seed;
use oktapol::finding::{Code, Finding};
use oktapol::manifest::PolicyKind;
use oktapol::plan::{Action, Options, Plan, PlanError, Target, make_plan};
use oktapol::validate::Validation;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::plan_examples::{apply_plan, seeded_org};
use crate::util::{root, validate_text};

type Okta = Metered<LocalOrg>;

// ----- harness ---------------------------------------------------------------

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// The examples' seeded Identity Engine org, metered.
fn okta() -> Okta {
    Metered::new(seeded_org(), 200)
}

/// An org of `engine` with the examples' directory seed.
fn okta_with(engine: Engine, seed: &Seed) -> Okta {
    let mut org = Org::new(engine, 7, Arc::new(ManualClock::fixed()));
    org.add_seed(seed);
    Metered::new(LocalOrg::new(org), 200)
}

fn example_seed() -> Seed {
    Seed::read(&root().join("examples/org-seed.yaml")).expect("the example seed")
}

fn options(prune: bool) -> Options {
    Options {
        prune,
        ..Options::default()
    }
}

/// Validates `yaml` (which must be valid) and plans it against `api`.
fn try_plan(api: &Okta, yaml: &str, prune: bool) -> (Result<Plan, PlanError>, Validation) {
    let (_dir, validation) = validate_text(yaml);
    let errors: Vec<String> = crate::util::codes_at(&validation);
    assert!(
        !validation.has(oktapol::finding::Severity::Error),
        "the manifest does not validate: {errors:?}\n{yaml}"
    );
    let result = block_on(make_plan(api, &validation.set, options(prune), &|_| None));
    (result, validation)
}

/// Plans `yaml`; any finding or API error fails the test.
fn plan(api: &Okta, yaml: &str, prune: bool) -> Plan {
    match try_plan(api, yaml, prune).0 {
        Ok(plan) => plan,
        Err(PlanError::Findings(findings)) => panic!("{findings:#?}"),
        Err(other) => panic!("{other}"),
    }
}

/// The findings that stopped the plan of `yaml`, as `CODE@line:col message
/// (hint)`.
fn plan_findings(api: &Okta, yaml: &str) -> (Vec<Finding>, Vec<String>) {
    let (result, validation) = try_plan(api, yaml, false);
    let findings = match result {
        Err(PlanError::Findings(findings)) => findings,
        Ok(plan) => panic!("expected findings, got a plan: {}", changes_of(&plan)),
        Err(other) => panic!("expected findings, got {other}"),
    };
    let shown = oktapol::report::resolve(&validation.sources, &findings)
        .into_iter()
        .map(|f| {
            let at = match (f.line, f.column) {
                (Some(line), Some(column)) => format!("@{line}:{column}"),
                _ => String::new(),
            };
            format!(
                "{}{at} {}{}",
                f.code,
                f.message,
                f.hint.map(|h| format!(" ({h})")).unwrap_or_default()
            )
        })
        .collect();
    (findings, shown)
}

/// Applies `plan`; every change must succeed.
fn apply(api: &Okta, plan: &Plan) {
    let report = apply_plan(api, plan);
    assert_eq!(
        report.failed() + report.skipped(),
        0,
        "apply failed: {report:#?}\nplan: {}",
        changes_of(plan)
    );
}

/// Plans, applies, and checks that planning again finds nothing to do;
/// returns the first plan.
fn converge(api: &Okta, yaml: &str, prune: bool) -> Plan {
    let first = plan(api, yaml, prune);
    apply(api, &first);
    let again = plan(api, yaml, prune);
    assert!(
        again.changes.is_empty(),
        "changes right after apply: {}",
        changes_of(&again)
    );
    first
}

/// `action address [fields]` per change, for messages and comparisons.
fn changes_of(plan: &Plan) -> String {
    serde_json::to_string_pretty(
        &plan
            .changes
            .iter()
            .map(|c| {
                json!({
                    "action": c.action,
                    "address": c.address,
                    "fields": c.fields,
                    "priority": c.priority,
                })
            })
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default()
}

/// `(action, address)` of every change, in plan order.
fn actions(plan: &Plan) -> Vec<(Action, String)> {
    plan.changes
        .iter()
        .map(|c| (c.action, c.address.clone()))
        .collect()
}

fn kind_of(target: &Target) -> PolicyKind {
    match target {
        Target::Policy { kind, .. }
        | Target::Rule { kind, .. }
        | Target::AppMapping { kind, .. } => *kind,
    }
}

// ----- the live org ----------------------------------------------------------

/// Runs `f` on the emulator behind `api` (not metered).
fn with_org<T>(api: &Okta, f: impl FnOnce(&mut Org) -> T) -> T {
    api.inner().with_org(f)
}

/// Replaces `@group:Name`, `@zone:Name`, `@app:Label`, `@idp:Name` in
/// string values with the IDs the org gave those objects.
fn ids(api: &Okta, value: Value) -> Value {
    match value {
        Value::String(text) => Value::String(id_of(api, &text).unwrap_or(text)),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| ids(api, v)).collect()),
        Value::Object(members) => {
            Value::Object(members.into_iter().map(|(k, v)| (k, ids(api, v))).collect())
        }
        other => other,
    }
}

fn id_of(api: &Okta, text: &str) -> Option<String> {
    let (collection, name) = text.strip_prefix('@')?.split_once(':')?;
    let directory = with_org(api, |org| org.directory().clone());
    let id = match collection {
        "group" => directory
            .groups
            .iter()
            .find(|g| g.profile.as_ref().and_then(|p| p.name.as_deref()) == Some(name))
            .and_then(|g| g.id.clone()),
        "zone" => directory
            .zones
            .iter()
            .find(|z| z.name.as_deref() == Some(name))
            .and_then(|z| z.id.clone()),
        "app" => directory
            .apps
            .iter()
            .find(|a| a.label.as_deref() == Some(name))
            .and_then(|a| a.id.clone()),
        "idp" => directory
            .idps
            .iter()
            .find(|i| i.name.as_deref() == Some(name))
            .and_then(|i| i.id.clone()),
        _ => None,
    };
    Some(id.unwrap_or_else(|| panic!("no {collection} named {name:?} in the seed")))
}

/// Creates an (active) org policy from Okta JSON; returns its ID.
fn create_policy(api: &Okta, body: Value) -> String {
    let policy: Policy = serde_json::from_value(ids(api, body)).expect("a policy body");
    with_org(api, |org| org.create_policy(policy, true))
        .unwrap_or_else(|e| panic!("create policy: {e:?}"))
        .id
        .expect("an ID")
}

/// Creates an (active) rule from Okta JSON; returns its ID.
fn create_rule(api: &Okta, policy_id: &str, body: Value) -> String {
    let rule: PolicyRule = serde_json::from_value(ids(api, body)).expect("a rule body");
    with_org(api, |org| org.create_rule(policy_id, rule, true))
        .unwrap_or_else(|e| panic!("create rule: {e:?}"))
        .id
        .expect("an ID")
}

/// Changes a live rule as an admin would in Okta's UI (a `PUT`).
fn edit_rule(api: &Okta, policy_id: &str, rule_id: &str, edit: impl FnOnce(&mut Value)) {
    with_org(api, |org| {
        let rule = org.get_rule(policy_id, rule_id).expect("the rule");
        let mut value = serde_json::to_value(rule).expect("serialise");
        edit(&mut value);
        let rule: PolicyRule = serde_json::from_value(value).expect("a rule body");
        org.replace_rule(policy_id, rule_id, rule)
            .unwrap_or_else(|e| panic!("replace rule: {e:?}"));
    });
}

/// Changes a live policy as an admin would in Okta's UI (a `PUT`).
fn edit_policy(api: &Okta, policy_id: &str, edit: impl FnOnce(&mut Value)) {
    with_org(api, |org| {
        let policy = org.get_policy(policy_id).expect("the policy");
        let mut value = serde_json::to_value(policy).expect("serialise");
        edit(&mut value);
        let policy: Policy = serde_json::from_value(value).expect("a policy body");
        org.replace_policy(policy_id, policy)
            .unwrap_or_else(|e| panic!("replace policy: {e:?}"));
    });
}

/// The org's policies of a kind, in priority order.
fn live_policies(api: &Okta, kind: PolicyKind) -> Vec<Policy> {
    with_org(api, |org| org.list_policies(kind.okta_type(), None, None)).expect("policies")
}

/// Names of the org's policies of a kind, in priority order.
fn live_names(api: &Okta, kind: PolicyKind) -> Vec<String> {
    live_policies(api, kind)
        .into_iter()
        .map(|p| p.name.unwrap_or_default())
        .collect()
}

fn live_policy(api: &Okta, kind: PolicyKind, name: &str) -> Policy {
    live_policies(api, kind)
        .into_iter()
        .find(|p| p.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no {kind:?} policy named {name:?}"))
}

fn policy_id(api: &Okta, kind: PolicyKind, name: &str) -> String {
    live_policy(api, kind, name).id.expect("an ID")
}

fn live_rules(api: &Okta, policy_id: &str) -> Vec<PolicyRule> {
    with_org(api, |org| org.list_rules(policy_id)).expect("rules")
}

fn rule_names(api: &Okta, policy_id: &str) -> Vec<String> {
    live_rules(api, policy_id)
        .into_iter()
        .map(|r| r.name.unwrap_or_default())
        .collect()
}

fn live_rule(api: &Okta, policy_id: &str, name: &str) -> PolicyRule {
    live_rules(api, policy_id)
        .into_iter()
        .find(|r| r.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no rule named {name:?}"))
}

// ----- 1. normalization: Okta's JSON against the equivalent manifest ---------

/// A live org set up through the emulator (Okta fills its defaults) and the
/// manifest that says the same thing: no changes. The manifest with `from`
/// replaced by `to` must then plan one update of `address`, changing only
/// `pointer` (so the case would notice a comparison that ignores the field).
macro_rules! same_as_live {
    ($name:ident, setup: $setup:expr, manifest: $manifest:expr,
     change: $from:literal => $to:literal, update: $address:literal at $pointer:literal) => {
        #[test]
        fn $name() {
            let api = okta();
            let setup: &dyn Fn(&Okta) = &$setup;
            setup(&api);
            let manifest: &str = $manifest;
            let unchanged = plan(&api, manifest, false);
            assert!(
                unchanged.changes.is_empty(),
                "the equivalent manifest plans changes: {}",
                changes_of(&unchanged)
            );
            assert!(
                unchanged
                    .unmanaged
                    .iter()
                    .all(|u| !$address.starts_with(&u.address)),
                "the live object was not matched: {:?}",
                unchanged.unmanaged
            );
            assert!(manifest.contains($from), "{} is not in the manifest", $from);
            let changed = plan(&api, &manifest.replacen($from, $to, 1), false);
            assert_eq!(
                actions(&changed),
                vec![(Action::Update, $address.to_owned())],
                "{}",
                changes_of(&changed)
            );
            let paths: Vec<&str> = changed.changes[0]
                .fields
                .iter()
                .map(|f| f.path.as_str())
                .collect();
            assert_eq!(paths, vec![$pointer]);
        }
    };
}

same_as_live! {
    sign_on_policy_as_okta_returns_it,
    setup: |api| {
        let id = create_policy(api, json!({
            "type": "OKTA_SIGN_ON", "name": "Contractors", "description": "Contractors and employees",
            "conditions": { "people": { "groups": { "include": ["@group:Contractors", "@group:Employees"] } } }
        }));
        create_rule(api, &id, json!({
            "type": "SIGN_ON", "name": "Office",
            "conditions": { "network": { "connection": "ZONE", "include": ["@zone:Corporate Network"] } },
            "actions": { "signon": { "access": "ALLOW", "requireFactor": true, "factorPromptMode": "ALWAYS",
                "session": { "maxSessionIdleMinutes": 60, "maxSessionLifetimeMinutes": 480, "usePersistentCookie": false } } }
        }));
    },
    manifest: r"
signOnPolicies:
  - name: Contractors
    description: Contractors and employees
    conditions:
      people:
        groups:
          include: [Employees, Contractors]
    rules:
      - name: Office
        conditions:
          network:
            connection: ZONE
            include: [Corporate Network]
            exclude: []
        actions:
          signon:
            access: ALLOW
            requireFactor: true
            factorPromptMode: ALWAYS
            session:
              maxSessionIdleMinutes: 60
              maxSessionLifetimeMinutes: 480
              usePersistentCookie: false
",
    change: "maxSessionIdleMinutes: 60" => "maxSessionIdleMinutes: 30",
    update: r#"signOnPolicies["Contractors"].rules["Office"]"#
        at "/actions/signon/session/maxSessionIdleMinutes"
}

same_as_live! {
    password_policy_as_okta_returns_it,
    setup: |api| {
        let id = create_policy(api, json!({
            "type": "PASSWORD", "name": "Contractors",
            "conditions": { "people": { "groups": { "include": ["@group:Contractors"] } } }
        }));
        let rule = create_rule(api, &id, json!({
            "type": "PASSWORD", "name": "Reset by email",
            "actions": {
                "passwordChange": { "access": "ALLOW" },
                "selfServicePasswordReset": { "access": "ALLOW", "requirement": {
                    "accessControl": "LEGACY",
                    "primary": { "methods": ["email", "sms"] }, "stepUp": { "required": false } } },
                "selfServiceUnlock": { "access": "DENY" }
            }
        }));
        // Okta's documentation spells the methods in UPPERCASE.
        edit_rule(api, &id, &rule, |rule| {
            rule["actions"]["selfServicePasswordReset"]["requirement"]["primary"]["methods"] =
                json!(["EMAIL", "SMS"]);
        });
        let live = serde_json::to_value(live_rule(api, &id, "Reset by email")).expect("json");
        assert_eq!(
            live["actions"]["selfServicePasswordReset"]["requirement"]["primary"]["methods"],
            json!(["EMAIL", "SMS"])
        );
    },
    manifest: r"
passwordPolicies:
  - name: Contractors
    conditions:
      people:
        groups:
          include: [Contractors]
    rules:
      - name: Reset by email
        actions:
          passwordChange: { access: ALLOW }
          selfServicePasswordReset:
            access: ALLOW
            requirement:
              accessControl: LEGACY
              primary: { methods: [sms, email] }
              stepUp: { required: false }
          selfServiceUnlock: { access: DENY }
",
    change: "selfServiceUnlock: { access: DENY }" => "selfServiceUnlock: { access: ALLOW }",
    update: r#"passwordPolicies["Contractors"].rules["Reset by email"]"#
        at "/actions/selfServiceUnlock/access"
}

same_as_live! {
    mfa_enroll_policy_as_okta_returns_it,
    setup: |api| {
        let id = create_policy(api, json!({
            "type": "MFA_ENROLL", "name": "Contractors MFA",
            "conditions": { "people": { "groups": { "include": ["@group:Contractors"] } } },
            "settings": { "type": "AUTHENTICATORS", "authenticators": [
                { "key": "okta_verify", "enroll": { "self": "REQUIRED" } },
                { "key": "okta_password", "enroll": { "self": "REQUIRED" } },
                { "key": "okta_email", "enroll": { "self": "REQUIRED" } }
            ] }
        }));
        create_rule(api, &id, json!({
            "type": "MFA_ENROLL", "name": "Enroll when challenged",
            "actions": { "enroll": { "self": "CHALLENGE" } }
        }));
    },
    manifest: r"
mfaEnrollPolicies:
  - name: Contractors MFA
    conditions:
      people:
        groups:
          include: [Contractors]
    settings:
      type: AUTHENTICATORS
      authenticators:
        - { key: okta_password, enroll: { self: REQUIRED } }
        - { key: okta_email, enroll: { self: REQUIRED } }
        - { key: okta_verify, enroll: { self: REQUIRED } }
    rules:
      - name: Enroll when challenged
        actions:
          enroll:
            self: CHALLENGE
",
    change: "okta_verify, enroll: { self: REQUIRED }" => "okta_verify, enroll: { self: OPTIONAL }",
    update: r#"mfaEnrollPolicies["Contractors MFA"]"# at "/settings/authenticators"
}

same_as_live! {
    idp_discovery_policy_as_okta_returns_it,
    setup: |api| {
        let id = policy_id(api, PolicyKind::IdpDiscovery, "Idp Discovery Policy");
        create_rule(api, &id, json!({
            "type": "IDP_DISCOVERY", "name": "Partners",
            "conditions": {
                "network": { "connection": "ANYWHERE" },
                "userIdentifier": { "type": "IDENTIFIER", "patterns": [{ "matchType": "SUFFIX", "value": "northwind.com" }] }
            },
            "actions": { "idp": { "idpSelectionType": "SPECIFIC",
                "providers": [{ "type": "SAML2", "id": "@idp:Northwind SAML" }] } }
        }));
    },
    manifest: r"
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    default: true
    rules:
      - name: Partners
        conditions:
          network: { connection: ANYWHERE }
          userIdentifier:
            type: IDENTIFIER
            patterns:
              - { matchType: SUFFIX, value: northwind.com }
        actions:
          idp:
            idpSelectionType: SPECIFIC
            providers:
              - { type: SAML2, name: Northwind SAML }
      - name: Default Rule
        default: true
",
    change: "value: northwind.com" => "value: northwind.co.uk",
    update: r#"idpDiscoveryPolicies["Idp Discovery Policy"].rules["Partners"]"#
        at "/conditions/userIdentifier/patterns"
}

same_as_live! {
    access_policy_as_okta_returns_it,
    setup: |api| {
        // Okta returns `conditions: null` on access policies.
        let id = create_policy(api, json!({
            "type": "ACCESS_POLICY", "name": "Finance apps", "description": "Finance"
        }));
        assert_eq!(
            serde_json::to_value(live_policy(api, PolicyKind::Access, "Finance apps")).expect("json")["conditions"],
            Value::Null
        );
        let rule = create_rule(api, &id, json!({
            "type": "ACCESS_POLICY", "name": "Managed devices",
            "conditions": {
                "people": { "groups": { "include": ["@group:Finance", "@group:Employees"] } },
                "device": { "registered": true, "managed": true }
            },
            "actions": { "appSignOn": { "access": "ALLOW", "verificationMethod": {
                "type": "ASSURANCE", "factorMode": "2FA", "reauthenticateIn": "PT2H",
                "constraints": [
                    { "possession": { "authenticationMethods": [{ "key": "okta_verify", "method": "push" }] } },
                    { "possession": { "types": ["security_key", "app"] } }
                ] } } }
        }));
        // Okta's documentation spells methods and types in UPPERCASE.
        edit_rule(api, &id, &rule, |rule| {
            let constraints = &mut rule["actions"]["appSignOn"]["verificationMethod"]["constraints"];
            constraints[0]["possession"]["authenticationMethods"][0]["method"] = json!("PUSH");
            constraints[1]["possession"]["types"] = json!(["APP", "SECURITY_KEY"]);
        });
        let live = serde_json::to_value(live_rule(api, &id, "Managed devices")).expect("json");
        let live = &live["actions"]["appSignOn"]["verificationMethod"]["constraints"];
        assert_eq!(live[0]["possession"]["authenticationMethods"][0]["method"], "PUSH");
        assert_eq!(live[1]["possession"]["types"], json!(["APP", "SECURITY_KEY"]));
    },
    manifest: r"
accessPolicies:
  - name: Finance apps
    description: Finance
    rules:
      - name: Managed devices
        conditions:
          people:
            groups:
              include: [Employees, Finance]
          device: { registered: true, managed: true }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod:
              type: ASSURANCE
              factorMode: 2FA
              reauthenticateIn: PT2H
              constraints:
                - possession:
                    authenticationMethods:
                      - { key: okta_verify, method: push }
                - possession:
                    types: [app, security_key]
",
    change: "reauthenticateIn: PT2H" => "reauthenticateIn: PT4H",
    update: r#"accessPolicies["Finance apps"].rules["Managed devices"]"#
        at "/actions/appSignOn/verificationMethod/reauthenticateIn"
}

same_as_live! {
    profile_enrollment_policy_as_okta_returns_it,
    setup: |api| {
        let id = create_policy(api, json!({ "type": "PROFILE_ENROLLMENT", "name": "Customer sign-up" }));
        let catch_all = live_rule(api, &id, "Catch-all Rule").id.expect("an ID");
        let customers = id_of(api, "@group:Customers").expect("Customers");
        edit_rule(api, &id, &catch_all, |rule| {
            rule["actions"] = json!({ "profileEnrollment": {
                "access": "ALLOW", "unknownUserAction": "REGISTER",
                "targetGroupIds": [customers],
                "activationRequirements": { "emailVerification": true },
                "profileAttributes": [{ "name": "email", "label": "Email", "required": true }],
                "preRegistrationInlineHooks": []
            } });
        });
    },
    manifest: r"
profileEnrollmentPolicies:
  - name: Customer sign-up
    rules:
      - name: Catch-all Rule
        default: true
        actions:
          profileEnrollment:
            access: ALLOW
            unknownUserAction: REGISTER
            targetGroupIds: [Customers]
",
    change: "unknownUserAction: REGISTER" => "unknownUserAction: DENY",
    update: r#"profileEnrollmentPolicies["Customer sign-up"].rules["Catch-all Rule"]"#
        at "/actions/profileEnrollment/unknownUserAction"
}

same_as_live! {
    entity_risk_policy_as_okta_returns_it,
    setup: |api| {
        let id = policy_id(api, PolicyKind::EntityRisk, "Entity Risk Policy");
        create_rule(api, &id, json!({
            "type": "ENTITY_RISK", "name": "High risk",
            "conditions": {
                "entityRisk": { "level": "HIGH" },
                "riskDetectionTypes": { "include": ["SESSION_INFLUENCED_USER_RISK", "BRUTE_FORCE_ATTACK"] }
            },
            "actions": { "entityRisk": { "actions": [{ "action": "TERMINATE_ALL_SESSIONS" }] } }
        }));
    },
    manifest: r"
entityRiskPolicies:
  - name: Entity Risk Policy
    default: true
    rules:
      - name: High risk
        conditions:
          entityRisk: { level: HIGH }
          riskDetectionTypes:
            include: [BRUTE_FORCE_ATTACK, SESSION_INFLUENCED_USER_RISK]
        actions:
          entityRisk:
            actions:
              - action: TERMINATE_ALL_SESSIONS
      - name: Catch-all Rule
        default: true
",
    change: "level: HIGH" => "level: MEDIUM",
    update: r#"entityRiskPolicies["Entity Risk Policy"].rules["High risk"]"#
        at "/conditions/entityRisk/level"
}

same_as_live! {
    post_auth_session_policy_as_okta_returns_it,
    setup: |api| {
        let id = policy_id(api, PolicyKind::PostAuthSession, "Post Auth Policy");
        create_rule(api, &id, json!({
            "type": "POST_AUTH_SESSION", "name": "Administrators",
            "conditions": { "people": { "groups": { "include": ["@group:Okta Administrators"] } } },
            "actions": { "postAuthSession": { "failureActions": [{ "action": "TERMINATE_SESSION" }] } }
        }));
    },
    manifest: r"
postAuthSessionPolicies:
  - name: Post Auth Policy
    default: true
    rules:
      - name: Administrators
        conditions:
          people:
            groups:
              include: [Okta Administrators]
        actions:
          postAuthSession:
            failureActions:
              - action: TERMINATE_SESSION
      - name: Catch-all Rule
        default: true
        actions:
          postAuthSession:
            failureActions: []
",
    change: "include: [Okta Administrators]" => "include: [Contractors]",
    update: r#"postAuthSessionPolicies["Post Auth Policy"].rules["Administrators"]"#
        at "/conditions/people/groups/include"
}

same_as_live! {
    authorization_server_policy_as_okta_returns_it,
    setup: |api| {
        let policy: Policy = serde_json::from_value(json!({
            "type": "OAUTH_AUTHORIZATION_POLICY", "name": "Web apps", "description": "Web",
            "conditions": { "clients": { "include": ["ALL_CLIENTS"] } }
        })).expect("a policy");
        let id = with_org(api, |org| org.create_server_policy("default", policy, true))
            .expect("created")
            .id
            .expect("an ID");
        create_rule(api, &id, json!({
            "type": "RESOURCE_ACCESS", "name": "Code flow",
            "conditions": {
                "people": { "groups": { "include": ["EVERYONE"] } },
                "grantTypes": { "include": ["authorization_code", "implicit"] },
                "scopes": { "include": ["openid", "profile"] }
            },
            "actions": { "token": { "accessTokenLifetimeMinutes": 60, "refreshTokenLifetimeMinutes": 0,
                                    "refreshTokenWindowMinutes": 10080 } }
        }));
    },
    manifest: r"
authorizationServers:
  - server: default
    policies:
      - name: Web apps
        description: Web
        conditions:
          clients:
            include: [ALL_CLIENTS]
        rules:
          - name: Code flow
            conditions:
              people:
                groups:
                  include: [EVERYONE]
              grantTypes:
                include: [implicit, authorization_code]
              scopes:
                include: [profile, openid]
            actions:
              token:
                accessTokenLifetimeMinutes: 60
                refreshTokenLifetimeMinutes: 0
                refreshTokenWindowMinutes: 10080
",
    change: "accessTokenLifetimeMinutes: 60" => "accessTokenLifetimeMinutes: 30",
    update: r#"authorizationServers["default"].policies["Web apps"].rules["Code flow"]"#
        at "/actions/token/accessTokenLifetimeMinutes"
}

#[test]
fn okta_created_objects_listed_by_name_plan_nothing() {
    let api = okta();
    let manifest = r"
signOnPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
passwordPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
mfaEnrollPolicies:
  - name: Default Policy
    default: true
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    default: true
accessPolicies:
  - name: Okta Dashboard
    rules:
      - name: Catch-all Rule
        default: true
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod: { type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT12H }
  - name: Default Policy
    default: true
    rules:
      - name: Catch-all Rule
        default: true
profileEnrollmentPolicies:
  - name: Default Policy
    default: true
entityRiskPolicies:
  - name: Entity Risk Policy
    default: true
postAuthSessionPolicies:
  - name: Post Auth Policy
    default: true
authorizationServers:
  - server: default
    policies: []
";
    let plan = plan(&api, manifest, false);
    assert!(plan.changes.is_empty(), "{}", changes_of(&plan));
    assert_eq!(plan.managed_kinds.len(), 9, "{:?}", plan.managed_kinds);
    // Mentioned objects are matched; the rest is listed, not changed.
    let unmanaged: Vec<&str> = plan.unmanaged.iter().map(|u| u.address.as_str()).collect();
    assert_eq!(
        unmanaged,
        vec![
            r#"accessPolicies["Okta Admin Console"]"#,
            r#"accessPolicies["Okta Account Management Policy"]"#,
            r#"authorizationServers["default"].policies["Default Policy"]"#,
        ]
    );
}

// ----- 2. managed fields only ------------------------------------------------

#[test]
fn members_oktapol_does_not_model_survive_an_update() {
    let api = okta();
    let policy = create_policy(
        &api,
        json!({
            "type": "OKTA_SIGN_ON", "name": "Contractors",
            "conditions": { "people": { "groups": { "include": ["@group:Contractors"] } } }
        }),
    );
    let rule = create_rule(
        &api,
        &policy,
        json!({
            "type": "SIGN_ON", "name": "Anywhere",
            "actions": { "signon": { "access": "ALLOW", "requireFactor": true, "factorPromptMode": "ALWAYS",
                "session": { "maxSessionIdleMinutes": 60, "maxSessionLifetimeMinutes": 480, "usePersistentCookie": false } } }
        }),
    );
    // Members a newer Okta sends that oktapol has never heard of.
    edit_policy(&api, &policy, |p| {
        p["futureMember"] = json!({ "enabled": true });
        p["conditions"]["futureCondition"] = json!("kept");
    });
    edit_rule(&api, &policy, &rule, |r| {
        r["actions"]["signon"]["futureSetting"] = json!(42);
        r["futureRuleMember"] = json!([1, 2]);
    });
    let manifest = r"
signOnPolicies:
  - name: Contractors
    description: Contractors sign in with MFA
    conditions:
      people:
        groups:
          include: [Contractors]
    rules:
      - name: Anywhere
        actions:
          signon:
            access: ALLOW
            requireFactor: true
            factorPromptMode: ALWAYS
            session:
              maxSessionIdleMinutes: 30
              maxSessionLifetimeMinutes: 480
              usePersistentCookie: false
";
    let first = plan(&api, manifest, false);
    let shape: Vec<(Action, String, Vec<String>)> = first
        .changes
        .iter()
        .map(|c| {
            let paths = c.fields.iter().map(|f| f.path.clone()).collect();
            (c.action, c.address.clone(), paths)
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (
                Action::Update,
                r#"signOnPolicies["Contractors"]"#.to_owned(),
                vec!["/description".to_owned()]
            ),
            (
                Action::Update,
                r#"signOnPolicies["Contractors"].rules["Anywhere"]"#.to_owned(),
                vec!["/actions/signon/session/maxSessionIdleMinutes".to_owned()]
            ),
        ]
    );
    apply(&api, &first);
    let live =
        serde_json::to_value(live_policy(&api, PolicyKind::SignOn, "Contractors")).expect("json");
    assert_eq!(live["description"], "Contractors sign in with MFA");
    assert_eq!(live["futureMember"], json!({ "enabled": true }));
    assert_eq!(live["conditions"]["futureCondition"], "kept");
    let live = serde_json::to_value(live_rule(&api, &policy, "Anywhere")).expect("json");
    assert_eq!(
        live["actions"]["signon"]["session"]["maxSessionIdleMinutes"],
        30
    );
    assert_eq!(live["actions"]["signon"]["futureSetting"], 42);
    assert_eq!(live["futureRuleMember"], json!([1, 2]));
    let again = plan(&api, manifest, false);
    assert!(again.changes.is_empty(), "{}", changes_of(&again));
}

#[test]
fn an_omitted_ui_schema_keeps_the_one_okta_created() {
    let api = okta();
    let policy = create_policy(
        &api,
        json!({ "type": "PROFILE_ENROLLMENT", "name": "Customer sign-up" }),
    );
    let catch_all = live_rule(&api, &policy, "Catch-all Rule")
        .id
        .expect("an ID");
    // Okta generates a UI schema for every profile enrollment policy.
    edit_rule(&api, &policy, &catch_all, |r| {
        r["actions"]["profileEnrollment"]["uiSchemaId"] = json!("uis44fio9ifOCwJAO1d7");
    });
    let manifest = |action: &str| {
        format!(
            r"
profileEnrollmentPolicies:
  - name: Customer sign-up
    rules:
      - name: Catch-all Rule
        default: true
        actions:
          profileEnrollment:
            access: ALLOW
            unknownUserAction: {action}
"
        )
    };
    let unchanged = plan(&api, &manifest("DENY"), false);
    assert!(unchanged.changes.is_empty(), "{}", changes_of(&unchanged));
    let first = plan(&api, &manifest("REGISTER"), false);
    let paths: Vec<&str> = first
        .changes
        .iter()
        .flat_map(|c| c.fields.iter().map(|f| f.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        vec!["/actions/profileEnrollment/unknownUserAction"],
        "{}",
        changes_of(&first)
    );
    apply(&api, &first);
    let live = serde_json::to_value(live_rule(&api, &policy, "Catch-all Rule")).expect("json");
    assert_eq!(
        live["actions"]["profileEnrollment"]["unknownUserAction"],
        "REGISTER"
    );
    assert_eq!(
        live["actions"]["profileEnrollment"]["uiSchemaId"],
        "uis44fio9ifOCwJAO1d7"
    );
    let again = plan(&api, &manifest("REGISTER"), false);
    assert!(again.changes.is_empty(), "{}", changes_of(&again));
}

// ----- 3. managed kinds only -------------------------------------------------

/// An unmanaged policy of each of three kinds, to see who touches what.
fn with_legacy_policies(api: &Okta) {
    create_policy(api, json!({ "type": "OKTA_SIGN_ON", "name": "Legacy" }));
    create_policy(api, json!({ "type": "PASSWORD", "name": "Legacy" }));
    create_policy(api, json!({ "type": "ACCESS_POLICY", "name": "Legacy" }));
}

#[test]
fn only_the_managed_kind_and_the_names_it_uses_are_read() {
    let api = okta();
    with_legacy_policies(&api);
    api.reset();
    let plan = plan(
        &api,
        r"
signOnPolicies:
  - name: Contractors
    conditions:
      people:
        groups:
          include: [Contractors]
    rules:
      - name: Office
        conditions:
          network:
            connection: ZONE
            include: [Corporate Network]
        actions:
          signon: { access: ALLOW, requireFactor: false }
",
        false,
    );
    assert_eq!(plan.managed_kinds, vec![PolicyKind::SignOn]);
    let expected: BTreeMap<&str, u64> = [
        ("organization", 1),
        ("list_policies", 1),
        // "Legacy" and "Default Policy".
        ("list_rules", 2),
        ("list_groups", 1),
        ("list_zones", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(api.counts(), expected);
    assert!(
        plan.changes
            .iter()
            .all(|c| kind_of(&c.target) == PolicyKind::SignOn),
        "{}",
        changes_of(&plan)
    );
}

#[test]
fn names_written_as_ids_need_no_directory_reads() {
    let api = okta();
    let contractors = id_of(&api, "@group:Contractors").expect("group");
    let office = id_of(&api, "@zone:Corporate Network").expect("zone");
    let manifest = format!(
        r"
signOnPolicies:
  - name: Contractors
    conditions:
      people:
        groups:
          include: [id:{contractors}]
    rules:
      - name: Office
        conditions:
          network:
            connection: ZONE
            include: [id:{office}]
        actions:
          signon: {{ access: ALLOW, requireFactor: false }}
"
    );
    let first = plan(&api, &manifest, false);
    let expected: BTreeMap<&str, u64> =
        [("organization", 1), ("list_policies", 1), ("list_rules", 1)]
            .into_iter()
            .collect();
    assert_eq!(api.counts(), expected);
    apply(&api, &first);
    api.reset();
    let again = plan(&api, &manifest, false);
    assert!(again.changes.is_empty(), "{}", changes_of(&again));
    assert_eq!(api.counts().get("list_groups"), None);
}

#[test]
fn prune_deletes_only_within_the_managed_kinds() {
    let api = okta();
    with_legacy_policies(&api);
    api.reset();
    let plan = plan(&api, "signOnPolicies: []\n", true);
    // No names to resolve: not even the groups are read.
    let expected: BTreeMap<&str, u64> =
        [("organization", 1), ("list_policies", 1), ("list_rules", 2)]
            .into_iter()
            .collect();
    assert_eq!(api.counts(), expected);
    assert_eq!(
        actions(&plan),
        vec![(Action::Delete, r#"signOnPolicies["Legacy"]"#.to_owned())]
    );
    apply(&api, &plan);
    assert_eq!(live_names(&api, PolicyKind::SignOn), vec!["Default Policy"]);
    assert!(live_names(&api, PolicyKind::Password).contains(&"Legacy".to_owned()));
    assert!(live_names(&api, PolicyKind::Access).contains(&"Legacy".to_owned()));
}

// ----- 4. prune --------------------------------------------------------------

#[test]
fn unmanaged_policies_are_listed_without_prune_and_deleted_with_it() {
    let api = okta();
    with_legacy_policies(&api);
    let manifest =
        "signOnPolicies: []\npasswordPolicies: []\nmfaEnrollPolicies: []\naccessPolicies: []\n";
    let listed = plan(&api, manifest, false);
    assert!(listed.changes.is_empty(), "{}", changes_of(&listed));
    let mut unmanaged: Vec<(String, bool)> = listed
        .unmanaged
        .iter()
        .map(|u| (u.address.clone(), u.system))
        .collect();
    unmanaged.sort();
    let mut expected: Vec<(String, bool)> = [
        (r#"accessPolicies["Default Policy"]"#, true),
        (r#"accessPolicies["Legacy"]"#, false),
        (r#"accessPolicies["Okta Account Management Policy"]"#, true),
        (r#"accessPolicies["Okta Admin Console"]"#, true),
        (r#"accessPolicies["Okta Dashboard"]"#, true),
        (r#"mfaEnrollPolicies["Default Policy"]"#, true),
        (r#"passwordPolicies["Default Policy"]"#, true),
        (r#"passwordPolicies["Legacy"]"#, false),
        (r#"signOnPolicies["Default Policy"]"#, true),
        (r#"signOnPolicies["Legacy"]"#, false),
    ]
    .into_iter()
    .map(|(a, s)| (a.to_owned(), s))
    .collect();
    expected.sort();
    assert_eq!(unmanaged, expected);

    let pruned = plan(&api, manifest, true);
    let mut deletes: Vec<String> = pruned
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| c.address.clone())
        .collect();
    deletes.sort();
    assert_eq!(
        deletes,
        vec![
            r#"accessPolicies["Legacy"]"#,
            r#"passwordPolicies["Legacy"]"#,
            r#"signOnPolicies["Legacy"]"#,
        ]
    );
    // What stays is Okta's own, and still listed.
    assert!(
        pruned.unmanaged.iter().all(|u| u.system),
        "{:?}",
        pruned.unmanaged
    );
    apply(&api, &pruned);
    assert_eq!(
        live_names(&api, PolicyKind::Access),
        vec![
            "Default Policy",
            "Okta Dashboard",
            "Okta Admin Console",
            "Okta Account Management Policy"
        ]
    );
    assert_eq!(live_names(&api, PolicyKind::SignOn), vec!["Default Policy"]);
    assert_eq!(
        live_names(&api, PolicyKind::Password),
        vec!["Default Policy"]
    );
    let again = plan(&api, manifest, true);
    assert!(again.changes.is_empty(), "{}", changes_of(&again));
}

/// The policy of `kind` (access or profile enrollment) an app is mapped
/// to, by app label.
fn mapped_policy(api: &Okta, kind: PolicyKind, label: &str) -> String {
    let apps = block_on(api.inner().list_apps()).expect("apps");
    let app = apps
        .iter()
        .find(|a| a.label.as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no app {label:?}"));
    let id = match kind {
        PolicyKind::Access => app.access_policy_id(),
        _ => app.profile_enrollment_policy_id(),
    };
    id.expect("mapped").to_owned()
}

#[test]
fn a_pruned_policy_hands_its_apps_to_the_default_policy_first() {
    for (kind, apps) in [
        (PolicyKind::Access, ["NetSuite", "Workday"]),
        (
            PolicyKind::ProfileEnrollment,
            ["Acme Mobile", "Customer Portal"],
        ),
    ] {
        let key = kind.manifest_key();
        let api = okta();
        let legacy = create_policy(
            &api,
            json!({ "type": kind.okta_type(), "name": "Legacy apps" }),
        );
        for label in apps {
            let app = id_of(&api, &format!("@app:{label}")).expect("app");
            with_org(&api, |org| org.assign_app_policy(&app, &legacy)).expect("mapped");
            assert_eq!(mapped_policy(&api, kind, label), legacy);
        }
        let default = policy_id(&api, kind, "Default Policy");
        let plan = plan(&api, &format!("{key}: []\n"), true);
        let mut shape = actions(&plan);
        shape.sort();
        let mut expected = vec![(Action::Delete, format!(r#"{key}["Legacy apps"]"#))];
        for label in apps {
            expected.push((
                Action::MapApp,
                format!(r#"{key}["Default Policy"].apps["{label}"]"#),
            ));
        }
        assert_eq!(shape, expected, "{key}");
        let delete = plan
            .changes
            .iter()
            .position(|c| c.action == Action::Delete)
            .expect("a delete");
        for (index, change) in plan.changes.iter().enumerate() {
            if change.action == Action::MapApp {
                assert!(
                    plan.edges.contains(&(index, delete)),
                    "{} must finish before the delete: {:?}",
                    change.address,
                    plan.edges
                );
                assert!(index < delete);
                match &change.target {
                    Target::AppMapping { policy_id, .. } => {
                        assert_eq!(policy_id.as_deref(), Some(default.as_str()));
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
        api.reset();
        apply(&api, &plan);
        assert_eq!(api.counts().get("map_app"), Some(&2), "{key}");
        for label in apps {
            assert_eq!(mapped_policy(&api, kind, label), default, "{key}: {label}");
        }
    }
}

#[test]
fn apps_the_manifest_maps_elsewhere_move_there_before_their_policy_is_pruned() {
    let api = okta();
    let legacy = create_policy(
        &api,
        json!({ "type": "ACCESS_POLICY", "name": "Legacy apps" }),
    );
    for label in ["Workday", "NetSuite"] {
        let app = id_of(&api, &format!("@app:{label}")).expect("app");
        with_org(&api, |org| org.assign_app_policy(&app, &legacy)).expect("mapped");
    }
    let manifest = r"
accessPolicies:
  - name: Finance apps
    apps: [Workday]
";
    let plan = converge(&api, manifest, true);
    let delete = plan
        .changes
        .iter()
        .position(|c| c.action == Action::Delete)
        .expect("a delete");
    let maps: Vec<(usize, String)> = plan
        .changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.action == Action::MapApp)
        .map(|(i, c)| (i, c.address.clone()))
        .collect();
    let mut addresses: Vec<&str> = maps.iter().map(|(_, a)| a.as_str()).collect();
    addresses.sort_unstable();
    assert_eq!(
        addresses,
        vec![
            r#"accessPolicies["Default Policy"].apps["NetSuite"]"#,
            r#"accessPolicies["Finance apps"].apps["Workday"]"#,
        ]
    );
    for (index, address) in &maps {
        assert!(
            plan.edges.contains(&(*index, delete)),
            "{address} before the delete"
        );
    }
    assert_eq!(
        mapped_policy(&api, PolicyKind::Access, "Workday"),
        policy_id(&api, PolicyKind::Access, "Finance apps")
    );
    assert_eq!(
        mapped_policy(&api, PolicyKind::Access, "NetSuite"),
        policy_id(&api, PolicyKind::Access, "Default Policy")
    );
}

// ----- 5. renames ------------------------------------------------------------

/// A sign-on policy "Old name" with a rule "Old rule".
fn with_old_names(api: &Okta) -> (String, String) {
    let policy = create_policy(
        api,
        json!({
            "type": "OKTA_SIGN_ON", "name": "Old name", "description": "Contractors",
            "conditions": { "people": { "groups": { "include": ["@group:Contractors"] } } }
        }),
    );
    let rule = create_rule(
        api,
        &policy,
        json!({ "type": "SIGN_ON", "name": "Old rule", "actions": { "signon": { "access": "DENY" } } }),
    );
    (policy, rule)
}

fn renamed_manifest(description: &str) -> String {
    format!(
        r"
signOnPolicies:
  - name: New name
    renamedFrom: Old name
    description: {description}
    conditions:
      people:
        groups:
          include: [Contractors]
    rules:
      - name: New rule
        renamedFrom: Old rule
        actions:
          signon: {{ access: DENY }}
"
    )
}

#[test]
fn renamed_from_renames_in_place() {
    let api = okta();
    let (policy, rule) = with_old_names(&api);
    let manifest = renamed_manifest("Contractors");
    let first = plan(&api, &manifest, false);
    assert_eq!(
        actions(&first),
        vec![
            (Action::Rename, r#"signOnPolicies["New name"]"#.to_owned()),
            (
                Action::Rename,
                r#"signOnPolicies["New name"].rules["New rule"]"#.to_owned()
            ),
        ],
        "{}",
        changes_of(&first)
    );
    for change in &first.changes {
        let paths: Vec<&str> = change.fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["/name"]);
    }
    match &first.changes[0].target {
        Target::Policy { id, .. } => assert_eq!(id.as_deref(), Some(policy.as_str())),
        other => panic!("{other:?}"),
    }
    match &first.changes[1].target {
        Target::Rule { id, .. } => assert_eq!(id.as_deref(), Some(rule.as_str())),
        other => panic!("{other:?}"),
    }
    apply(&api, &first);
    assert_eq!(policy_id(&api, PolicyKind::SignOn, "New name"), policy);
    assert_eq!(
        live_rule(&api, &policy, "New rule").id.as_deref(),
        Some(rule.as_str())
    );
    assert_eq!(
        live_names(&api, PolicyKind::SignOn),
        vec!["New name", "Default Policy"]
    );
    let again = plan(&api, &manifest, false);
    assert!(again.changes.is_empty(), "{}", changes_of(&again));
}

#[test]
fn a_rename_with_other_changes_is_one_update() {
    let api = okta();
    let (policy, _) = with_old_names(&api);
    let manifest = renamed_manifest("Contractors, renamed");
    let first = plan(&api, &manifest, false);
    assert_eq!(
        first.changes[0].action,
        Action::Update,
        "{}",
        changes_of(&first)
    );
    let paths: Vec<&str> = first.changes[0]
        .fields
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(paths, vec!["/name", "/description"]);
    apply(&api, &first);
    let live = live_policy(&api, PolicyKind::SignOn, "New name");
    assert_eq!(live.id.as_deref(), Some(policy.as_str()));
    let again = plan(&api, &manifest, false);
    assert!(again.changes.is_empty(), "{}", changes_of(&again));
}

#[test]
fn renaming_onto_an_existing_name_is_a_conflict() {
    let api = okta();
    with_old_names(&api);
    create_policy(&api, json!({ "type": "OKTA_SIGN_ON", "name": "New name" }));
    let (findings, shown) = plan_findings(&api, &renamed_manifest("Contractors"));
    assert_eq!(findings.len(), 1, "{shown:#?}");
    assert_eq!(findings[0].code, Code::RenameConflict);
    assert!(shown[0].starts_with("OKP304@4:18 "), "{shown:#?}");
    assert!(findings[0].message.contains("\"Old name\""), "{shown:#?}");
}

// ----- 6. resolution errors, all at once ------------------------------------

#[test]
fn every_unresolved_name_is_reported_with_its_place() {
    let api = okta();
    let (findings, shown) = plan_findings(
        &api,
        r"
signOnPolicies:
  - name: Contractors
    conditions:
      people:
        groups:
          include: [Contractor, Nobody Here]
    rules:
      - name: Office
        conditions:
          network:
            connection: ZONE
            include: [Head Office]
        actions:
          signon: { access: ALLOW }
",
    );
    assert_eq!(
        shown,
        vec![
            r#"OKP300@7:21 no group named "Contractor" in the org (did you mean "Contractors"?)"#,
            r#"OKP300@7:33 no group named "Nobody Here" in the org (check the spelling, create the group in Okta first, or write `id:<okta id>`)"#,
            r#"OKP300@13:23 no network zone named "Head Office" in the org (check the spelling, create the network zone in Okta first, or write `id:<okta id>`)"#,
        ]
    );
    let pointers: Vec<String> = findings
        .iter()
        .map(|f| match &f.location {
            oktapol::finding::Location::Node { pointer, .. } => pointer.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        pointers,
        vec![
            "/signOnPolicies/0/conditions/people/groups/include/0",
            "/signOnPolicies/0/conditions/people/groups/include/1",
            "/signOnPolicies/0/rules/0/conditions/network/include/0",
        ]
    );
}

#[test]
fn an_ambiguous_app_label_lists_every_candidate() {
    let seed =
        Seed::parse("apps:\n  - { label: Twin }\n  - { label: Twin }\n  - { label: Single }\n")
            .expect("seed");
    let api = okta_with(Engine::Oie, &seed);
    let twins: Vec<String> = with_org(&api, |org| {
        org.directory()
            .apps
            .iter()
            .filter(|a| a.label.as_deref() == Some("Twin"))
            .filter_map(|a| a.id.clone())
            .collect()
    });
    assert_eq!(twins.len(), 2);
    let (findings, shown) = plan_findings(
        &api,
        r"
accessPolicies:
  - name: Twins
    apps: [Single, Twin]
",
    );
    assert_eq!(findings.len(), 1, "{shown:#?}");
    assert_eq!(findings[0].code, Code::AmbiguousReference);
    assert!(shown[0].starts_with("OKP301@4:20 "), "{shown:#?}");
    for id in &twins {
        assert!(findings[0].message.contains(id.as_str()), "{shown:#?}");
    }
}

#[test]
fn a_workflow_written_by_name_needs_its_id() {
    let api = okta();
    let (findings, shown) = plan_findings(
        &api,
        r"
entityRiskPolicies:
  - name: Entity Risk Policy
    default: true
    rules:
      - name: Reported risk
        conditions:
          entityRisk: { level: MEDIUM }
        actions:
          entityRisk:
            actions:
              - action: RUN_WORKFLOW
                workflow: { id: SecOps triage }
",
    );
    assert_eq!(findings.len(), 1, "{shown:#?}");
    assert_eq!(findings[0].code, Code::ReferenceNeedsId);
    assert!(shown[0].starts_with("OKP303@"), "{shown:#?}");
    assert!(shown[0].contains("SecOps triage"), "{shown:#?}");
    assert!(shown[0].ends_with("(write `id:<okta id>`)"), "{shown:#?}");
}

/// Seed 004: a profile enrollment action "can't be modified to set the
/// access property to DENY after the policy is created" — the plan says so
/// instead of sending a change Okta refuses, for a live policy and a new one.
#[test]
fn profile_enrollment_access_cannot_become_deny() {
    let api = okta();
    let yaml = |name: &str| {
        format!(
            r"
profileEnrollmentPolicies:
  - name: {name}
    rules:
      - name: Catch-all Rule
        default: true
        actions:
          profileEnrollment: {{ access: DENY }}
"
        )
    };
    let (findings, shown) = plan_findings(&api, &yaml("Partners"));
    assert_eq!(findings.len(), 1, "{shown:#?}");
    assert_eq!(findings[0].code, Code::ProfileEnrollmentDeny);
    assert!(shown[0].starts_with("OKP307@"), "{shown:#?}");
    assert!(shown[0].contains("unknownUserAction: DENY"), "{shown:#?}");

    let (findings, shown) = plan_findings(&api, &yaml("Default Policy\n    default: true"));
    assert_eq!(findings.len(), 1, "{shown:#?}");
    assert_eq!(findings[0].code, Code::ProfileEnrollmentDeny);

    // The emulator refuses the write too, as Okta does.
    let policy = policy_id(&api, PolicyKind::ProfileEnrollment, "Default Policy");
    let rule = live_rules(&api, &policy)
        .into_iter()
        .find(|r| r.system == Some(true))
        .expect("the catch-all rule");
    let mut denied = rule.clone();
    if let Some(actions) = denied.actions.as_mut() {
        actions["profileEnrollment"]["access"] = Value::from("DENY");
    }
    let refused = with_org(&api, |org| {
        org.replace_rule(&policy, rule.id.as_deref().unwrap_or_default(), denied)
    });
    let error = refused.expect_err("Okta refuses DENY on an existing policy");
    assert_eq!(error.error_code.as_deref(), Some("E0000001"));
}

// ----- 7. Classic Engine -----------------------------------------------------

#[test]
fn identity_engine_kinds_against_a_classic_org_are_refused_by_name() {
    let api = okta_with(Engine::Classic, &example_seed());
    let (findings, shown) = plan_findings(
        &api,
        r"
signOnPolicies: []
accessPolicies:
  - name: Finance apps
profileEnrollmentPolicies: []
",
    );
    let codes: Vec<Code> = findings.iter().map(|f| f.code).collect();
    assert_eq!(
        codes,
        vec![Code::KindNotInEngine, Code::KindNotInEngine],
        "{shown:#?}"
    );
    assert!(shown[0].contains("`accessPolicies`"), "{shown:#?}");
    assert!(
        shown[1].contains("`profileEnrollmentPolicies`"),
        "{shown:#?}"
    );
    // Refused before reading any policy.
    assert_eq!(
        api.counts().keys().copied().collect::<Vec<_>>(),
        vec!["organization"]
    );
}

#[test]
fn a_classic_org_plans_sign_on_policies_but_never_writes_a_default_rule() {
    let api = okta_with(Engine::Classic, &example_seed());
    let default_policy = policy_id(&api, PolicyKind::SignOn, "Default Policy");
    let before = live_rule(&api, &default_policy, "Default Rule");
    let manifest = r"
signOnPolicies:
  - name: Contractors
    conditions:
      people:
        groups:
          include: [Contractors]
    rules:
      - name: MFA
        actions:
          signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS }
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        actions:
          signon:
            access: ALLOW
            requireFactor: true
            factorPromptMode: SESSION
";
    let first = converge(&api, manifest, false);
    assert_eq!(
        actions(&first),
        vec![
            (
                Action::Create,
                r#"signOnPolicies["Contractors"]"#.to_owned()
            ),
            (
                Action::Create,
                r#"signOnPolicies["Contractors"].rules["MFA"]"#.to_owned()
            ),
            (
                Action::Activate,
                r#"signOnPolicies["Contractors"]"#.to_owned()
            ),
        ],
        "{}",
        changes_of(&first)
    );
    assert_eq!(live_rule(&api, &default_policy, "Default Rule"), before);
    assert_eq!(
        live_names(&api, PolicyKind::SignOn),
        vec!["Contractors", "Default Policy"]
    );
}

// ----- 8. priorities ---------------------------------------------------------

/// The fewest single-object moves that turn `live` (the kept objects in
/// live order) into `target`: all but a longest run already in order.
fn minimal_moves(live: &[String], target: &[String]) -> usize {
    let positions: Vec<usize> = live
        .iter()
        .filter_map(|name| target.iter().position(|t| t == name))
        .collect();
    let mut tails: Vec<usize> = Vec::new();
    for position in &positions {
        let at = tails.partition_point(|t| t < position);
        if at == tails.len() {
            tails.push(*position);
        } else {
            tails[at] = *position;
        }
    }
    positions.len() - tails.len()
}

/// Changes that write a priority of an existing object.
fn priority_writes(plan: &Plan) -> usize {
    plan.changes
        .iter()
        .filter(|c| matches!(c.action, Action::Reorder | Action::Update | Action::Rename))
        .filter(|c| c.priority.is_some())
        .count()
}

/// Applies `plan` metered and checks one write call per change:
/// creates + updates + moves + deletes + activations.
fn apply_counting_writes(api: &Okta, plan: &Plan) {
    api.reset();
    apply(api, plan);
    let count = |actions: &[Action]| {
        plan.changes
            .iter()
            .filter(|c| actions.contains(&c.action))
            .count() as u64
    };
    let expected = count(&[Action::Create])
        + count(&[Action::Update, Action::Rename])
        + count(&[Action::Reorder])
        + count(&[Action::Delete])
        + count(&[Action::Activate, Action::Deactivate]);
    assert_eq!(
        api.writes(),
        expected,
        "{:?}\n{}",
        api.counts(),
        changes_of(plan)
    );
}

/// One ordered-list case: the live order (names not in `desired` are
/// unmanaged, or pruned), the manifest order, and the live order after
/// apply.
struct OrderCase {
    live: &'static [&'static str],
    desired: &'static [&'static str],
    prune: bool,
    after: &'static [&'static str],
}

macro_rules! order_cases {
    ($( $name:ident: $live:expr => $desired:expr, prune: $prune:expr, after: $after:expr; )*) => {
        &[$(
            (stringify!($name), OrderCase { live: &$live, desired: &$desired, prune: $prune, after: &$after }),
        )*]
    };
}

const ORDER_CASES: &[(&str, OrderCase)] = order_cases! {
    insert_at_the_top: ["A", "B", "C"] => ["N", "A", "B", "C"], prune: false, after: ["N", "A", "B", "C"];
    insert_in_the_middle: ["A", "B", "C"] => ["A", "N", "B", "C"], prune: false, after: ["A", "N", "B", "C"];
    delete_in_the_middle: ["A", "B", "C"] => ["A", "C"], prune: true, after: ["A", "C"];
    reverse: ["A", "B", "C", "D"] => ["D", "C", "B", "A"], prune: false, after: ["D", "C", "B", "A"];
    move_one_to_the_end: ["A", "B", "C", "D"] => ["B", "C", "D", "A"], prune: false, after: ["B", "C", "D", "A"];
    move_one_to_the_top: ["A", "B", "C", "D"] => ["D", "A", "B", "C"], prune: false, after: ["D", "A", "B", "C"];
    unmanaged_interleaved: ["A", "u1", "B", "u2", "C"] => ["C", "A", "B"], prune: false,
        after: ["C", "A", "u1", "B", "u2"];
    unmanaged_first_stays_first: ["u1", "A", "B"] => ["B", "A"], prune: false, after: ["u1", "B", "A"];
    unmanaged_follows_its_predecessor: ["A", "u1", "B", "C"] => ["B", "C", "A"], prune: false,
        after: ["B", "C", "A", "u1"];
    insert_delete_and_move: ["A", "B", "u1", "C", "D"] => ["D", "N", "A", "C"], prune: true,
        after: ["D", "N", "A", "C"];
    insert_and_move_around_unmanaged: ["A", "u1", "B", "C"] => ["C", "N", "A", "B"], prune: false,
        after: ["C", "N", "A", "u1", "B"];
};

/// Moving the managed object that unmanaged ones follow costs a write for
/// each of them; moving the others instead costs fewer writes in all.
const ORDER_CASES_WITH_UNMANAGED_FOLLOWERS: &[(&str, OrderCase)] = order_cases! {
    move_the_anchor_of_two_unmanaged: ["A", "B", "C", "u1", "u2"] => ["C", "A", "B"], prune: false,
        after: ["C", "u1", "u2", "A", "B"];
};

/// The fewest moves a case needs: all but a longest run of the kept live
/// objects already in their final relative order.
fn case_moves(case: &OrderCase) -> usize {
    let after: Vec<String> = case.after.iter().map(|s| (*s).to_owned()).collect();
    let kept: Vec<String> = case
        .live
        .iter()
        .map(|s| (*s).to_owned())
        .filter(|s| after.contains(s))
        .collect();
    minimal_moves(&kept, &after)
}

fn sign_on_manifest(names: &[&str]) -> String {
    let mut yaml = "signOnPolicies:\n".to_owned();
    for name in names {
        yaml.push_str(&format!("  - name: {name}\n"));
    }
    yaml
}

/// Runs a case on the sign-on policies (v1); `None` when it holds.
fn sign_on_order_problem(name: &str, case: &OrderCase) -> Option<String> {
    let api = okta();
    for (index, policy) in case.live.iter().enumerate() {
        create_policy(
            &api,
            json!({ "type": "OKTA_SIGN_ON", "name": policy, "priority": index + 1 }),
        );
    }
    let mut live: Vec<String> = case.live.iter().map(|s| (*s).to_owned()).collect();
    live.push("Default Policy".to_owned());
    assert_eq!(live_names(&api, PolicyKind::SignOn), live, "{name}: set-up");
    let manifest = sign_on_manifest(case.desired);
    let plan = plan(&api, &manifest, case.prune);
    apply_counting_writes(&api, &plan);
    let mut after: Vec<String> = case.after.iter().map(|s| (*s).to_owned()).collect();
    after.push("Default Policy".to_owned());
    let actual = live_names(&api, PolicyKind::SignOn);
    let moves = case_moves(case);
    let again = self::plan(&api, &manifest, case.prune);
    (actual != after || priority_writes(&plan) != moves || !again.changes.is_empty()).then(|| {
        format!(
            "{name}: order {actual:?}, expected {after:?}; {} priority writes, {moves} needed; \
             re-plan: {}\nplan: {}",
            priority_writes(&plan),
            changes_of(&again),
            changes_of(&plan)
        )
    })
}

fn access_rules_manifest(names: &[&str]) -> String {
    let mut yaml = "accessPolicies:\n  - name: Apps\n    rules:\n".to_owned();
    for name in names {
        yaml.push_str(&format!("      - name: {name}\n"));
    }
    yaml
}

/// Runs a case on the rules of an access policy (v2), with the live rules
/// dense from 0 or spread out with gaps; `None` when it holds.
fn access_rule_order_problem(name: &str, case: &OrderCase, gaps: bool) -> Option<String> {
    let api = okta();
    let policy = create_policy(&api, json!({ "type": "ACCESS_POLICY", "name": "Apps" }));
    for (index, rule) in case.live.iter().enumerate() {
        let priority = if gaps { index * 7 + 3 } else { index };
        create_rule(
            &api,
            &policy,
            json!({ "type": "ACCESS_POLICY", "name": rule, "priority": priority }),
        );
    }
    let mut live: Vec<String> = case.live.iter().map(|s| (*s).to_owned()).collect();
    live.push("Catch-all Rule".to_owned());
    assert_eq!(rule_names(&api, &policy), live, "{name}: set-up");
    let manifest = access_rules_manifest(case.desired);
    let plan = plan(&api, &manifest, case.prune);
    apply_counting_writes(&api, &plan);
    let mut after: Vec<String> = case.after.iter().map(|s| (*s).to_owned()).collect();
    after.push("Catch-all Rule".to_owned());
    let actual = rule_names(&api, &policy);
    let moves = case_moves(case);
    let catch_all = live_rule(&api, &policy, "Catch-all Rule").priority;
    let again = self::plan(&api, &manifest, case.prune);
    (actual != after
        || priority_writes(&plan) != moves
        || !again.changes.is_empty()
        || catch_all.as_ref() != Some(&99))
    .then(|| {
        format!(
            "{name} (gaps: {gaps}): order {actual:?}, expected {after:?}; {} priority \
                 writes, {moves} needed; catch-all at {catch_all:?}; re-plan: {}\nplan: {}",
            priority_writes(&plan),
            changes_of(&again),
            changes_of(&plan)
        )
    })
}

fn order_problems(cases: &[(&str, OrderCase)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, case) in cases {
        problems.extend(sign_on_order_problem(name, case));
        for gaps in [false, true] {
            problems.extend(access_rule_order_problem(name, case, gaps));
        }
    }
    problems
}

#[test]
fn policy_and_rule_order_converge_with_the_fewest_moves() {
    let problems = order_problems(ORDER_CASES);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
#[ignore = "plan/priority.rs weighs one managed move above any number of unmanaged writes: \
            moving the object unmanaged ones follow writes each of them too (3 writes where \
            moving the other two managed objects takes 2)"]
fn moving_an_anchor_of_unmanaged_objects_is_not_the_cheapest_plan() {
    let problems = order_problems(ORDER_CASES_WITH_UNMANAGED_FOLLOWERS);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

// ----- 9. convergence, for random orgs and manifests --------------------------

/// What the manifest does with a live policy (or rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Keep,
    Rename,
    Drop,
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![5 => Just(Fate::Keep), 2 => Just(Fate::Rename), 3 => Just(Fate::Drop)]
}

/// A live sign-on policy: the priority asked for when it was created, and
/// its rules' requested priorities.
#[derive(Debug, Clone)]
struct LiveSpec {
    requested: i64,
    rules: Vec<i64>,
}

/// What the manifest says about one live policy: its fate, its sort key,
/// each live rule's (fate, sort key), and whether a new rule is added.
#[derive(Debug, Clone)]
struct DesiredSpec {
    fate: Fate,
    key: u32,
    rules: Vec<(Fate, u32)>,
    new_rule: bool,
}

/// Live policies, what the manifest does with each, new policies (by sort
/// key), `--prune`, and whether the default policy is listed (last).
#[derive(Debug, Clone)]
struct Scenario {
    live: Vec<LiveSpec>,
    desired: Vec<DesiredSpec>,
    new_policies: Vec<u32>,
    prune: bool,
    list_default: bool,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (1usize..=8)
        .prop_flat_map(|policies| {
            let live = prop::collection::vec(
                (1i64..=8, prop::collection::vec(1i64..=3, 0..=2))
                    .prop_map(|(requested, rules)| LiveSpec { requested, rules }),
                policies,
            );
            let desired = prop::collection::vec(
                (
                    fate(),
                    any::<u32>(),
                    prop::collection::vec((fate(), any::<u32>()), 2),
                    prop::bool::weighted(0.3),
                )
                    .prop_map(|(fate, key, rules, new_rule)| DesiredSpec {
                        fate,
                        key,
                        rules,
                        new_rule,
                    }),
                policies,
            );
            (
                live,
                desired,
                prop::collection::vec(any::<u32>(), 0..=3),
                any::<bool>(),
                any::<bool>(),
            )
        })
        .prop_map(
            |(live, desired, new_policies, prune, list_default)| Scenario {
                live,
                desired,
                new_policies,
                prune,
                list_default,
            },
        )
}

/// One desired policy or rule: its name, the live name it was renamed
/// from, the live name it matches (if any), and its rules.
#[derive(Debug, Clone)]
struct Wanted {
    name: String,
    renamed_from: Option<String>,
    live_name: Option<String>,
    rules: Vec<Wanted>,
}

impl Wanted {
    fn new(name: String) -> Self {
        Wanted {
            name,
            renamed_from: None,
            live_name: None,
            rules: Vec::new(),
        }
    }

    /// A live object kept (`Keep`), renamed to `renamed` (`Rename`), or
    /// left out (`Drop`).
    fn of(live_name: &str, fate: Fate, renamed: String) -> Option<Self> {
        let (name, renamed_from) = match fate {
            Fate::Drop => return None,
            Fate::Keep => (live_name.to_owned(), None),
            Fate::Rename => (renamed, Some(live_name.to_owned())),
        };
        Some(Wanted {
            name,
            renamed_from,
            live_name: Some(live_name.to_owned()),
            rules: Vec::new(),
        })
    }

    /// `renamedFrom: …` as a YAML flow entry, or nothing.
    fn renamed_from_yaml(&self) -> String {
        self.renamed_from
            .as_ref()
            .map(|old| format!(", renamedFrom: {old}"))
            .unwrap_or_default()
    }
}

/// Live name → desired name of the live objects `wanted` matches.
fn managed_of(wanted: &[Wanted]) -> BTreeMap<String, String> {
    wanted
        .iter()
        .filter_map(|w| Some((w.live_name.clone()?, w.name.clone())))
        .collect()
}

/// The live order expected after apply: the desired order, each unmanaged
/// object right after the managed one it followed in `live` (or first).
/// `managed` maps a live name to its desired name.
fn expected_order(
    live: &[String],
    desired: &[String],
    managed: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut anchored: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
    let mut anchor: Option<String> = None;
    for name in live {
        match managed.get(name) {
            Some(desired_name) => anchor = Some(desired_name.clone()),
            None => anchored
                .entry(anchor.clone())
                .or_default()
                .push(name.clone()),
        }
    }
    let mut order = anchored.remove(&None).unwrap_or_default();
    for name in desired {
        order.push(name.clone());
        order.extend(anchored.remove(&Some(name.clone())).unwrap_or_default());
    }
    order
}

fn run_scenario(scenario: &Scenario) -> Result<(), TestCaseError> {
    let api = okta();
    // The live org, created in random priority order.
    let mut ids = BTreeMap::new();
    for (index, spec) in scenario.live.iter().enumerate() {
        let name = format!("P{index}");
        let id = create_policy(
            &api,
            json!({ "type": "OKTA_SIGN_ON", "name": name, "priority": spec.requested }),
        );
        for (rule, requested) in spec.rules.iter().enumerate() {
            create_rule(
                &api,
                &id,
                json!({ "type": "SIGN_ON", "name": format!("P{index} r{rule}"), "priority": requested,
                        "actions": { "signon": { "access": "DENY" } } }),
            );
        }
        ids.insert(name, id);
    }
    let live_before: Vec<String> = live_names(&api, PolicyKind::SignOn)
        .into_iter()
        .filter(|n| n != "Default Policy")
        .collect();
    let rules_before: BTreeMap<String, Vec<String>> = ids
        .iter()
        .map(|(name, id)| {
            let rules = rule_names(&api, id);
            (name.clone(), rules)
        })
        .collect();
    let rule_ids: BTreeMap<(String, String), Option<String>> = ids
        .iter()
        .flat_map(|(policy, id)| {
            live_rules(&api, id)
                .into_iter()
                .map(|r| ((policy.clone(), r.name.unwrap_or_default()), r.id))
        })
        .collect();

    // The manifest.
    let mut wanted: Vec<(u32, Wanted)> = Vec::new();
    for (index, spec) in scenario.desired.iter().enumerate() {
        let live_name = format!("P{index}");
        let Some(mut policy) = Wanted::of(&live_name, spec.fate, format!("Q{index}")) else {
            continue;
        };
        let mut rules: Vec<(u32, Wanted)> = rules_before[&live_name]
            .iter()
            .zip(&spec.rules)
            .filter_map(|(rule, (fate, key))| {
                Some((*key, Wanted::of(rule, *fate, format!("{rule} renamed"))?))
            })
            .collect();
        rules.sort_by_key(|(key, _)| *key);
        policy.rules = rules.into_iter().map(|(_, r)| r).collect();
        if spec.new_rule {
            policy
                .rules
                .push(Wanted::new(format!("{} new", policy.name)));
        }
        wanted.push((spec.key, policy));
    }
    for (index, key) in scenario.new_policies.iter().enumerate() {
        let mut policy = Wanted::new(format!("N{index}"));
        policy.rules.push(Wanted::new(format!("N{index} first")));
        wanted.push((*key, policy));
    }
    wanted.sort_by_key(|(key, _)| *key);
    let wanted: Vec<Wanted> = wanted.into_iter().map(|(_, w)| w).collect();
    let mut manifest = if wanted.is_empty() && !scenario.list_default {
        "signOnPolicies: []\n".to_owned()
    } else {
        "signOnPolicies:\n".to_owned()
    };
    for policy in &wanted {
        manifest.push_str(&format!(
            "  - {{ name: {}{} }}\n",
            policy.name,
            policy.renamed_from_yaml()
        ));
        if !policy.rules.is_empty() {
            // The flow mapping above cannot take a block `rules:` key.
            manifest.truncate(manifest.len() - " }\n".len());
            manifest.push_str(",\n      rules: [\n");
            for rule in &policy.rules {
                manifest.push_str(&format!(
                    "        {{ name: {}{}, actions: {{ signon: {{ access: DENY }} }} }},\n",
                    rule.name,
                    rule.renamed_from_yaml()
                ));
            }
            manifest.push_str("      ] }\n");
        }
    }
    if scenario.list_default {
        manifest.push_str("  - { name: Default Policy, default: true }\n");
    }

    // Plan, apply, plan again (one validation for both plans).
    let (_dir, validation) = validate_text(&manifest);
    let make = || {
        block_on(make_plan(
            &api,
            &validation.set,
            options(scenario.prune),
            &|_| None,
        ))
        .unwrap_or_else(|error| panic!("{error:?}\nmanifest:\n{manifest}"))
    };
    let first = make();
    apply_counting_writes(&api, &first);
    let again = make();
    prop_assert!(
        again.changes.is_empty(),
        "re-plan: {}\nmanifest:\n{manifest}",
        changes_of(&again)
    );

    // Policies: the desired order, unmanaged ones kept in place (or pruned).
    let desired_names: Vec<String> = wanted.iter().map(|w| w.name.clone()).collect();
    let managed = managed_of(&wanted);
    let kept_live: Vec<String> = if scenario.prune {
        live_before
            .iter()
            .filter(|n| managed.contains_key(*n))
            .cloned()
            .collect()
    } else {
        live_before.clone()
    };
    let mut expected = expected_order(&kept_live, &desired_names, &managed);
    // Managed moves: all but a longest run of managed objects in order.
    let kept_managed: Vec<String> = kept_live
        .iter()
        .filter_map(|n| managed.get(n).cloned())
        .collect();
    let mut managed_moves = minimal_moves(&kept_managed, &desired_names);
    let mut unmanaged_kept = kept_live.len() - kept_managed.len();
    expected.push("Default Policy".to_owned());
    prop_assert_eq!(live_names(&api, PolicyKind::SignOn), expected);
    for w in &wanted {
        if let Some(live_name) = &w.live_name {
            prop_assert_eq!(
                &policy_id(&api, PolicyKind::SignOn, &w.name),
                &ids[live_name]
            );
        }
    }

    // Rules: the same, within each policy, and renamed ones keep their IDs.
    for w in &wanted {
        let id = policy_id(&api, PolicyKind::SignOn, &w.name);
        let before = w
            .live_name
            .as_ref()
            .map(|n| rules_before[n].clone())
            .unwrap_or_default();
        let managed_rules = managed_of(&w.rules);
        let kept: Vec<String> = before
            .iter()
            .filter(|r| !scenario.prune || managed_rules.contains_key(*r))
            .cloned()
            .collect();
        let desired_rules: Vec<String> = w.rules.iter().map(|r| r.name.clone()).collect();
        let expected = expected_order(&kept, &desired_rules, &managed_rules);
        let kept_managed: Vec<String> = kept
            .iter()
            .filter_map(|r| managed_rules.get(r).cloned())
            .collect();
        managed_moves += minimal_moves(&kept_managed, &desired_rules);
        unmanaged_kept += kept.len() - kept_managed.len();
        prop_assert_eq!(rule_names(&api, &id), expected, "rules of {}", w.name);
        for rule in &w.rules {
            if let Some(live_name) = &rule.live_name {
                prop_assert_eq!(
                    live_rule(&api, &id, &rule.name).id,
                    rule_ids[&(w.live_name.clone().unwrap_or_default(), live_name.clone())].clone()
                );
            }
        }
    }
    // Priority writes of managed objects are the fewest possible; an
    // unmanaged object is written only to keep it after its predecessor.
    let unmanaged_writes = first
        .changes
        .iter()
        .filter(|c| c.action == Action::Reorder && c.reason.is_some())
        .count();
    prop_assert_eq!(
        priority_writes(&first) - unmanaged_writes,
        managed_moves,
        "managed priority writes; live {:?} rules {:?}\nmanifest:\n{}\nplan: {}",
        live_before,
        rules_before,
        manifest,
        changes_of(&first)
    );
    if unmanaged_kept == 0 {
        prop_assert_eq!(unmanaged_writes, 0);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random live sign-on policies (with rules) and random manifests
    /// (subsets, permutations, new objects, renames, with and without
    /// prune): apply converges, in the desired order, with the fewest moves.
    #[test]
    fn any_manifest_converges_in_one_apply(scenario in scenario()) {
        run_scenario(&scenario)?;
    }
}

/// Found by the property test: a rule added to a live policy is created
/// with the rule type of its kind, which for sign-on (`SIGN_ON`) and authorization server policies
/// (`RESOURCE_ACCESS`) is not the policy type.
#[test]
fn a_rule_added_to_a_live_policy_has_its_kinds_rule_type() {
    for (manifest, address) in [
        (
            r"
signOnPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Block
        actions: { signon: { access: DENY } }
      - name: Default Rule
        default: true
",
            r#"signOnPolicies["Default Policy"].rules["Block"]"#,
        ),
        (
            r"
authorizationServers:
  - server: default
    policies:
      - name: Default Policy
        conditions: { clients: { include: [ALL_CLIENTS] } }
        rules:
          - name: Service tokens
            conditions:
              people: { groups: { include: [EVERYONE] } }
              grantTypes: { include: [client_credentials] }
              scopes: { include: ['*'] }
            actions: { token: { accessTokenLifetimeMinutes: 15 } }
",
            r#"authorizationServers["default"].policies["Default Policy"].rules["Service tokens"]"#,
        ),
    ] {
        let api = okta();
        let first = plan(&api, manifest, false);
        let create = first
            .changes
            .iter()
            .find(|c| c.address == address)
            .unwrap_or_else(|| panic!("no change of {address}: {}", changes_of(&first)));
        assert_eq!(create.action, Action::Create);
        apply(&api, &first);
        let again = plan(&api, manifest, false);
        assert!(
            again.changes.is_empty(),
            "{address}: {}",
            changes_of(&again)
        );
    }
}

// ----- 10. fingerprint -------------------------------------------------------

#[test]
fn the_fingerprint_covers_what_the_plan_addresses_and_nothing_else() {
    let api = okta();
    for name in ["A", "B", "C", "Legacy"] {
        create_policy(&api, json!({ "type": "OKTA_SIGN_ON", "name": name }));
    }
    let a = policy_id(&api, PolicyKind::SignOn, "A");
    let c = policy_id(&api, PolicyKind::SignOn, "C");
    let legacy = policy_id(&api, PolicyKind::SignOn, "Legacy");
    let deny = json!({ "signon": { "access": "DENY" } });
    let a1 = create_rule(
        &api,
        &a,
        json!({ "type": "SIGN_ON", "name": "A1", "actions": deny }),
    );
    create_rule(
        &api,
        &a,
        json!({ "type": "SIGN_ON", "name": "A2", "actions": deny }),
    );
    create_rule(
        &api,
        &c,
        json!({ "type": "SIGN_ON", "name": "C1", "actions": deny }),
    );
    let manifest = r"
signOnPolicies:
  - name: B
  - name: A
    rules:
      - { name: A2, actions: { signon: { access: DENY } } }
      - { name: A1, actions: { signon: { access: DENY } } }
  - name: C
    description: Changed
    rules:
      - { name: C1, actions: { signon: { access: DENY } } }
";
    let first = plan(&api, manifest, false);
    let addressed: Vec<String> = {
        let mut addresses: Vec<String> = first.changes.iter().map(|c| c.address.clone()).collect();
        addresses.sort();
        addresses.dedup();
        addresses
    };
    assert!(
        addressed.contains(&r#"signOnPolicies["C"]"#.to_owned()),
        "{addressed:?}"
    );
    assert_eq!(
        first
            .fingerprint
            .objects
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        addressed,
        "{}",
        changes_of(&first)
    );
    assert_eq!(
        first
            .fingerprint
            .lists
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        vec!["signOnPolicies", r#"signOnPolicies["A"].rules"#]
    );

    // Elsewhere: another kind's policy, a rule the plan does not change, an
    // unmanaged policy's description.
    create_policy(&api, json!({ "type": "PASSWORD", "name": "Other kind" }));
    let c1 = live_rule(&api, &c, "C1").id.expect("an ID");
    edit_rule(&api, &c, &c1, |r| r["futureMember"] = json!(1));
    edit_policy(&api, &legacy, |p| p["description"] = json!("edited"));
    let second = plan(&api, manifest, false);
    assert_eq!(actions(&second), actions(&first));
    assert_eq!(second.fingerprint, first.fingerprint);

    // An addressed object changes: only its digest moves.
    edit_policy(&api, &c, |p| p["futureMember"] = json!(true));
    let third = plan(&api, manifest, false);
    let moved: Vec<&String> = third
        .fingerprint
        .objects
        .iter()
        .filter(|(address, digest)| first.fingerprint.objects.get(*address) != Some(digest))
        .map(|(address, _)| address)
        .collect();
    assert_eq!(moved, vec![r#"signOnPolicies["C"]"#]);
    assert_eq!(third.fingerprint.lists, first.fingerprint.lists);

    // The order of a reordered list changes: the unmanaged policy moves up,
    // or a rule of A is edited in place (its list order stays).
    edit_rule(&api, &a, &a1, |r| r["futureMember"] = json!(2));
    let fourth = plan(&api, manifest, false);
    assert_eq!(fourth.fingerprint.lists, first.fingerprint.lists);
    edit_policy(&api, &legacy, |p| p["priority"] = json!(1));
    let fifth = plan(&api, manifest, false);
    assert_ne!(
        fifth.fingerprint.lists["signOnPolicies"],
        first.fingerprint.lists["signOnPolicies"]
    );
    assert_eq!(
        fifth.fingerprint.lists[r#"signOnPolicies["A"].rules"#],
        first.fingerprint.lists[r#"signOnPolicies["A"].rules"#]
    );
}
