//! The emulator's state machine: Okta's defaults, v1/v2 priority
//! arithmetic through the API, lifecycle, and every refusal, driven through
//! the same methods the HTTP server and the in-process `Api` use.

use std::sync::Arc;

use oktapol::client::wire::{Field, LifecycleStatus, OktaError, Policy, PolicyRule};
use oktapol::clock::ManualClock;
use oktapol::emulator::Engine;
use oktapol::emulator::org::Org;
use serde_json::{Value, json};

fn org(engine: Engine) -> Org {
    Org::new(engine, 42, Arc::new(ManualClock::fixed()))
}

fn policy(body: Value) -> Policy {
    serde_json::from_value(body).expect("policy body")
}

fn rule(body: Value) -> PolicyRule {
    serde_json::from_value(body).expect("rule body")
}

fn names_and_priorities(policies: &[Policy]) -> Vec<(String, i64)> {
    policies
        .iter()
        .map(|p| {
            (
                p.name.clone().unwrap_or_default(),
                p.priority.as_ref().copied().unwrap_or(-1),
            )
        })
        .collect()
}

fn rule_order(rules: &[PolicyRule]) -> Vec<(String, i64)> {
    rules
        .iter()
        .map(|r| {
            (
                r.name.clone().unwrap_or_default(),
                r.priority.as_ref().copied().unwrap_or(-1),
            )
        })
        .collect()
}

fn pairs(spec: &[(&str, i64)]) -> Vec<(String, i64)> {
    spec.iter().map(|(n, p)| ((*n).to_owned(), *p)).collect()
}

fn code(error: &OktaError) -> &str {
    error.error_code.as_deref().unwrap_or_default()
}

fn create(org: &mut Org, kind: &str, name: &str, priority: Option<i64>) -> Policy {
    let mut body = json!({ "type": kind, "name": name });
    if let Some(priority) = priority {
        body["priority"] = json!(priority);
    }
    org.create_policy(policy(body), true).expect("created")
}

fn policy_id(org: &mut Org, kind: &str, name: &str) -> String {
    org.list_policies(kind, None, None)
        .expect("list")
        .into_iter()
        .find(|p| p.name.as_deref() == Some(name))
        .and_then(|p| p.id)
        .expect("policy exists")
}

#[test]
fn a_fresh_identity_engine_org_has_oktas_defaults() {
    let mut org = org(Engine::Oie);
    let sign_on = org.list_policies("OKTA_SIGN_ON", None, None).expect("list");
    assert_eq!(
        names_and_priorities(&sign_on),
        pairs(&[("Default Policy", 1)])
    );
    assert_eq!(sign_on[0].system, Some(true));
    let id = sign_on[0].id.clone().expect("id");
    assert!(id.starts_with("00p") && id.len() == 20, "{id}");
    let rules = org.list_rules(&id).expect("rules");
    assert_eq!(rule_order(&rules), pairs(&[("Default Rule", 1)]));
    assert_eq!(
        rules[0]
            .actions
            .as_ref()
            .and_then(|a| a.pointer("/signon/session/maxSessionIdleMinutes")),
        Some(&json!(120))
    );

    let access = org
        .list_policies("ACCESS_POLICY", None, None)
        .expect("list");
    let names: Vec<&str> = access.iter().filter_map(|p| p.name.as_deref()).collect();
    for expected in [
        "Default Policy",
        "Okta Dashboard",
        "Okta Admin Console",
        "Okta Account Management Policy",
    ] {
        assert!(names.contains(&expected), "missing {expected}: {names:?}");
    }
    assert!(
        access
            .iter()
            .all(|p| p.priority == Field::Value(1) && p.conditions.is_null())
    );
    let dashboard = policy_id(&mut org, "ACCESS_POLICY", "Okta Dashboard");
    assert_eq!(
        rule_order(&org.list_rules(&dashboard).expect("rules")),
        pairs(&[("Catch-all Rule", 99)])
    );

    let idp = org
        .list_policies("IDP_DISCOVERY", None, None)
        .expect("list");
    assert_eq!(idp.len(), 1);
    let idp_rules = org
        .list_rules(idp[0].id.as_deref().expect("id"))
        .expect("rules");
    assert_eq!(
        idp_rules[0]
            .actions
            .as_ref()
            .and_then(|a| a.pointer("/idp/providers/0")),
        Some(&json!({ "type": "OKTA" }))
    );
    for kind in [
        "PROFILE_ENROLLMENT",
        "ENTITY_RISK",
        "POST_AUTH_SESSION",
        "PASSWORD",
        "MFA_ENROLL",
    ] {
        assert_eq!(
            org.list_policies(kind, None, None).expect("list").len(),
            1,
            "{kind}"
        );
    }
}

#[test]
fn a_classic_org_has_only_classic_kinds() {
    let mut org = org(Engine::Classic);
    assert!(
        org.list_policies("ACCESS_POLICY", None, None)
            .expect("list")
            .is_empty()
    );
    let error = org
        .create_policy(
            policy(json!({ "type": "ACCESS_POLICY", "name": "Apps" })),
            true,
        )
        .expect_err("refused");
    assert_eq!(code(&error), "E0000001");
    assert_eq!(error.status(), Some(400));
}

#[test]
fn v1_policy_priorities_shift_and_close_gaps() {
    let mut org = org(Engine::Oie);
    create(&mut org, "OKTA_SIGN_ON", "A", None);
    let b = create(&mut org, "OKTA_SIGN_ON", "B", Some(1));
    create(&mut org, "OKTA_SIGN_ON", "C", Some(2));
    create(&mut org, "OKTA_SIGN_ON", "Past the end", Some(50));
    let list = org.list_policies("OKTA_SIGN_ON", None, None).expect("list");
    assert_eq!(
        names_and_priorities(&list),
        pairs(&[
            ("B", 1),
            ("C", 2),
            ("A", 3),
            ("Past the end", 4),
            ("Default Policy", 5)
        ])
    );
    org.delete_policy(b.id.as_deref().expect("id"))
        .expect("deleted");
    let list = org.list_policies("OKTA_SIGN_ON", None, None).expect("list");
    assert_eq!(
        names_and_priorities(&list),
        pairs(&[
            ("C", 1),
            ("A", 2),
            ("Past the end", 3),
            ("Default Policy", 4)
        ])
    );

    // A PUT with a new priority moves the policy; the default stays last.
    let a_id = policy_id(&mut org, "OKTA_SIGN_ON", "A");
    let mut a = org.get_policy(&a_id).expect("get");
    a.priority = Field::Value(99);
    org.replace_policy(&a_id, a).expect("moved");
    let list = org.list_policies("OKTA_SIGN_ON", None, None).expect("list");
    assert_eq!(
        names_and_priorities(&list),
        pairs(&[
            ("C", 1),
            ("Past the end", 2),
            ("A", 3),
            ("Default Policy", 4)
        ])
    );
}

#[test]
fn v2_rule_priorities_keep_gaps_and_the_catch_all() {
    let mut org = org(Engine::Oie);
    let apps = create(&mut org, "ACCESS_POLICY", "Finance", None);
    assert_eq!(
        apps.priority,
        Field::Value(1),
        "access policies all report priority 1"
    );
    let id = apps.id.expect("id");
    assert_eq!(
        rule_order(&org.list_rules(&id).expect("rules")),
        pairs(&[("Catch-all Rule", 99)])
    );
    org.create_rule(
        &id,
        rule(json!({ "type": "ACCESS_POLICY", "name": "first", "priority": 0 })),
        true,
    )
    .expect("rule");
    org.create_rule(
        &id,
        rule(json!({ "type": "ACCESS_POLICY", "name": "gap", "priority": 5 })),
        true,
    )
    .expect("rule");
    org.create_rule(
        &id,
        rule(json!({ "type": "ACCESS_POLICY", "name": "top", "priority": 0 })),
        true,
    )
    .expect("rule");
    org.create_rule(
        &id,
        rule(json!({ "type": "ACCESS_POLICY", "name": "appended" })),
        true,
    )
    .expect("rule");
    assert_eq!(
        rule_order(&org.list_rules(&id).expect("rules")),
        pairs(&[
            ("top", 0),
            ("first", 1),
            ("gap", 5),
            ("appended", 6),
            ("Catch-all Rule", 99)
        ])
    );
    let error = org
        .create_rule(
            &id,
            rule(json!({ "type": "ACCESS_POLICY", "name": "bad", "priority": 99 })),
            true,
        )
        .expect_err("refused");
    assert_eq!(code(&error), "E0000001");
}

#[test]
fn v1_rules_shift_and_the_default_rule_stays_last() {
    let mut org = org(Engine::Oie);
    let id = policy_id(&mut org, "OKTA_SIGN_ON", "Default Policy");
    org.create_rule(&id, rule(json!({ "type": "SIGN_ON", "name": "A" })), true)
        .expect("rule");
    let b = org
        .create_rule(
            &id,
            rule(json!({ "type": "SIGN_ON", "name": "B", "priority": 1 })),
            true,
        )
        .expect("rule");
    assert_eq!(
        rule_order(&org.list_rules(&id).expect("rules")),
        pairs(&[("B", 1), ("A", 2), ("Default Rule", 3)])
    );
    org.delete_rule(&id, b.id.as_deref().expect("id"))
        .expect("deleted");
    assert_eq!(
        rule_order(&org.list_rules(&id).expect("rules")),
        pairs(&[("A", 1), ("Default Rule", 2)])
    );
}

#[test]
fn new_rules_get_the_conditions_and_actions_okta_fills_in() {
    let mut org = org(Engine::Oie);
    let id = policy_id(&mut org, "OKTA_SIGN_ON", "Default Policy");
    let created = org
        .create_rule(&id, rule(json!({ "type": "SIGN_ON", "name": "MFA", "actions": { "signon": { "requireFactor": true, "factorPromptMode": "ALWAYS" } } })), true)
        .expect("rule");
    let actions = created.actions.as_ref().expect("actions");
    assert_eq!(actions.pointer("/signon/requireFactor"), Some(&json!(true)));
    assert_eq!(actions.pointer("/signon/access"), Some(&json!("ALLOW")));
    assert_eq!(
        actions.pointer("/signon/session/maxSessionLifetimeMinutes"),
        Some(&json!(0))
    );
    let conditions = created.conditions.as_ref().expect("conditions");
    assert_eq!(
        conditions.pointer("/network/connection"),
        Some(&json!("ANYWHERE"))
    );
    assert_eq!(
        created.created,
        Field::Value("2026-01-01T00:00:00.000Z".to_owned())
    );
    assert_eq!(created.kind.as_str(), "SIGN_ON");
}

#[test]
fn lifecycle_and_inactive_creation() {
    let mut org = org(Engine::Oie);
    let created = org
        .create_policy(
            policy(json!({ "type": "PASSWORD", "name": "Contractors" })),
            false,
        )
        .expect("created");
    assert_eq!(created.status, Some(LifecycleStatus::Inactive));
    let id = created.id.expect("id");
    org.set_policy_status(&id, true).expect("activated");
    assert_eq!(
        org.get_policy(&id).expect("get").status,
        Some(LifecycleStatus::Active)
    );
    let default = policy_id(&mut org, "PASSWORD", "Default Policy");
    assert_eq!(
        code(&org.set_policy_status(&default, false).expect_err("refused")),
        "E0000001"
    );
    let active = org
        .list_policies("PASSWORD", Some("INACTIVE"), None)
        .expect("list");
    assert!(active.is_empty());
}

#[test]
fn echoed_read_only_fields_are_ignored_on_put() {
    let mut org = org(Engine::Oie);
    let created = create(&mut org, "MFA_ENROLL", "Contractors", None);
    let id = created.id.clone().expect("id");
    let mut echoed = created.clone();
    echoed.system = Some(true);
    echoed.created = Field::Value("1999-01-01T00:00:00.000Z".to_owned());
    echoed.status = Some(LifecycleStatus::Inactive);
    echoed.description = Field::Value("changed".to_owned());
    let replaced = org.replace_policy(&id, echoed).expect("replaced");
    assert_eq!(replaced.system, Some(false));
    assert_eq!(replaced.created, created.created);
    assert_eq!(replaced.status, Some(LifecycleStatus::Active));
    assert_eq!(replaced.description, Field::Value("changed".to_owned()));
}

/// Each case: what Okta refuses, and the error code it answers with.
#[test]
fn refusals() {
    let mut org = org(Engine::Oie);
    let refused = |what: &str, result: Result<(), Box<OktaError>>, expected: &str| {
        let error = result.expect_err(what);
        assert_eq!(code(&error), expected, "{what}: {error:?}");
        assert!(
            error
                .error_id
                .as_deref()
                .is_some_and(|id| id.starts_with("oae")),
            "{what}"
        );
    };
    let sign_on_default = policy_id(&mut org, "OKTA_SIGN_ON", "Default Policy");
    let sign_on_rule = org.list_rules(&sign_on_default).expect("rules")[0].clone();
    let idp = policy_id(&mut org, "IDP_DISCOVERY", "Idp Discovery Policy");
    let idp_rule = org.list_rules(&idp).expect("rules")[0].clone();
    let mfa = policy_id(&mut org, "MFA_ENROLL", "Default Policy");
    let mfa_rule = org.list_rules(&mfa).expect("rules")[0].clone();
    let account = policy_id(&mut org, "ACCESS_POLICY", "Okta Account Management Policy");
    let profile = policy_id(&mut org, "PROFILE_ENROLLMENT", "Default Policy");

    refused(
        "second IdP discovery policy",
        org.create_policy(
            policy(json!({ "type": "IDP_DISCOVERY", "name": "Second" })),
            true,
        )
        .map(drop),
        "E0000001",
    );
    refused(
        "entity risk policy",
        org.create_policy(
            policy(json!({ "type": "ENTITY_RISK", "name": "More risk" })),
            true,
        )
        .map(drop),
        "E0000001",
    );
    refused(
        "post-auth session policy",
        org.create_policy(
            policy(json!({ "type": "POST_AUTH_SESSION", "name": "More" })),
            true,
        )
        .map(drop),
        "E0000001",
    );
    refused(
        "blank name",
        org.create_policy(policy(json!({ "type": "PASSWORD", "name": " " })), true)
            .map(drop),
        "E0000001",
    );
    refused(
        "unknown type",
        org.create_policy(
            policy(json!({ "type": "SOMETHING_NEW", "name": "X" })),
            true,
        )
        .map(drop),
        "E0000001",
    );
    refused(
        "duplicate name",
        org.create_policy(
            policy(json!({ "type": "OKTA_SIGN_ON", "name": "Default Policy" })),
            true,
        )
        .map(drop),
        "E0000001",
    );
    refused(
        "delete a default policy",
        org.delete_policy(&sign_on_default),
        "E0000001",
    );
    refused(
        "delete the IdP discovery policy",
        org.delete_policy(&idp),
        "E0000001",
    );
    let mut renamed = org.get_policy(&sign_on_default).expect("get");
    renamed.name = Some("Renamed".to_owned());
    refused(
        "rename a default policy",
        org.replace_policy(&sign_on_default, renamed).map(drop),
        "E0000001",
    );
    let account_policy = org.get_policy(&account).expect("get");
    refused(
        "change the account management policy",
        org.replace_policy(&account, account_policy).map(drop),
        "E0000001",
    );
    refused(
        "delete a default rule",
        org.delete_rule(&sign_on_default, sign_on_rule.id.as_deref().expect("id")),
        "E0000001",
    );
    refused(
        "second profile enrollment rule",
        org.create_rule(
            &profile,
            rule(json!({ "type": "PROFILE_ENROLLMENT", "name": "Second" })),
            true,
        )
        .map(drop),
        "E0000001",
    );

    let mut changed = idp_rule.clone();
    changed.actions =
        Field::Value(json!({ "idp": { "providers": [{ "type": "SAML2", "id": "0oa1" }] } }));
    refused(
        "change the IdP discovery default rule",
        org.replace_rule(&idp, idp_rule.id.as_deref().expect("id"), changed)
            .map(drop),
        "E0000001",
    );
    let mut changed = mfa_rule.clone();
    changed.actions = Field::Value(json!({ "enroll": { "self": "LOGIN" } }));
    refused(
        "change the MFA enrollment default rule",
        org.replace_rule(&mfa, mfa_rule.id.as_deref().expect("id"), changed)
            .map(drop),
        "E0000001",
    );
    let mut changed = sign_on_rule.clone();
    if let Some(actions) = changed.actions.as_mut() {
        actions["signon"]["session"]["maxSessionLifetimeMinutes"] = json!(600);
    }
    refused(
        "change the default rule's session lifetime",
        org.replace_rule(
            &sign_on_default,
            sign_on_rule.id.as_deref().expect("id"),
            changed,
        )
        .map(drop),
        "E0000001",
    );

    refused(
        "rule of the wrong type",
        org.create_rule(
            &sign_on_default,
            rule(json!({ "type": "PASSWORD", "name": "X" })),
            true,
        )
        .map(drop),
        "E0000001",
    );
    refused(
        "unknown policy",
        org.get_policy("00pnope").map(drop),
        "E0000007",
    );
    refused(
        "unknown rule",
        org.get_rule(&sign_on_default, "0prnope").map(drop),
        "E0000007",
    );
}

#[test]
fn the_sign_on_default_rule_idle_time_is_editable() {
    let mut org = org(Engine::Oie);
    let id = policy_id(&mut org, "OKTA_SIGN_ON", "Default Policy");
    let mut default_rule = org.list_rules(&id).expect("rules")[0].clone();
    if let Some(actions) = default_rule.actions.as_mut() {
        actions["signon"]["session"]["maxSessionIdleMinutes"] = json!(30);
    }
    let rule_id = default_rule.id.clone().expect("id");
    let replaced = org
        .replace_rule(&id, &rule_id, default_rule)
        .expect("editable in OIE");
    assert_eq!(
        replaced
            .actions
            .as_ref()
            .and_then(|a| a.pointer("/signon/session/maxSessionIdleMinutes")),
        Some(&json!(30))
    );

    let mut classic = Org::new(Engine::Classic, 1, Arc::new(ManualClock::fixed()));
    let id = policy_id(&mut classic, "OKTA_SIGN_ON", "Default Policy");
    let mut default_rule = classic.list_rules(&id).expect("rules")[0].clone();
    if let Some(actions) = default_rule.actions.as_mut() {
        actions["signon"]["session"]["maxSessionIdleMinutes"] = json!(30);
    }
    let rule_id = default_rule.id.clone().expect("id");
    let error = classic
        .replace_rule(&id, &rule_id, default_rule)
        .expect_err("read-only in Classic");
    assert_eq!(code(&error), "E0000001");
}

#[test]
fn an_access_policy_holds_at_most_100_rules() {
    let mut org = org(Engine::Oie);
    let id = create(&mut org, "ACCESS_POLICY", "Busy", None)
        .id
        .expect("id");
    for n in 0..99 {
        org.create_rule(
            &id,
            rule(json!({ "type": "ACCESS_POLICY", "name": format!("R{n}") })),
            true,
        )
        .expect("rule");
    }
    let error = org
        .create_rule(
            &id,
            rule(json!({ "type": "ACCESS_POLICY", "name": "R99" })),
            true,
        )
        .expect_err("the 101st rule");
    assert_eq!(code(&error), "E0000001");
}

fn seeded() -> Org {
    let mut org = org(Engine::Oie);
    let seed =
        oktapol::emulator::seed::Seed::read(&crate::util::root().join("examples/org-seed.yaml"))
            .expect("seed");
    org.add_seed(&seed);
    org
}

fn group_id(org: &Org, name: &str) -> String {
    org.directory()
        .group_named(name)
        .and_then(|g| g.id.clone())
        .expect("group")
}

fn app_id(org: &Org, label: &str) -> String {
    org.list_apps(Some(label))
        .into_iter()
        .next()
        .and_then(|a| a.id)
        .expect("app")
}

#[test]
fn the_example_seed_loads_with_builtins() {
    let org = seeded();
    assert!(
        org.directory().group_named("Everyone").is_some(),
        "built-in group"
    );
    assert!(org.directory().group_named("Contractors").is_some());
    assert!(org.directory().user("breakglass@acme.com").is_some());
    assert_eq!(
        org.list_apps(Some("work")).len(),
        1,
        "q is a case-insensitive label prefix"
    );
    assert!(
        org.directory()
            .auth_servers
            .iter()
            .any(|s| s.name.as_deref() == Some("default"))
    );
}

#[test]
fn new_apps_map_to_the_default_policies_and_can_be_reassigned() {
    let mut org = seeded();
    let workday = app_id(&org, "Workday");
    let default_access = policy_id(&mut org, "ACCESS_POLICY", "Default Policy");
    let app = org.get_app(&workday).expect("app");
    assert_eq!(app.access_policy_id(), Some(default_access.as_str()));
    assert!(app.profile_enrollment_policy_id().is_some());

    let finance = create(&mut org, "ACCESS_POLICY", "Finance apps", None)
        .id
        .expect("id");
    org.assign_app_policy(&workday, &finance).expect("assigned");
    assert_eq!(
        org.get_app(&workday).expect("app").access_policy_id(),
        Some(finance.as_str())
    );
    let mappings = org.list_mappings(&finance).expect("mappings");
    assert_eq!(mappings.len(), 1);
    assert_eq!(mappings[0]["id"], json!(workday));

    // Deleting the policy moves its apps back to the default policy.
    org.delete_policy(&finance).expect("deleted");
    assert_eq!(
        org.get_app(&workday).expect("app").access_policy_id(),
        Some(default_access.as_str())
    );

    let sign_on = policy_id(&mut org, "OKTA_SIGN_ON", "Default Policy");
    assert_eq!(
        code(
            &org.assign_app_policy(&workday, &sign_on)
                .expect_err("wrong kind")
        ),
        "E0000001"
    );
    let account = policy_id(&mut org, "ACCESS_POLICY", "Okta Account Management Policy");
    assert_eq!(
        code(
            &org.assign_app_policy(&workday, &account)
                .expect_err("account policy")
        ),
        "E0000001"
    );
    assert_eq!(
        code(&org.get_app("0oanope").expect_err("unknown app")),
        "E0000007"
    );
}

#[test]
fn references_to_missing_objects_are_rejected() {
    let mut org = seeded();
    let contractors = group_id(&org, "Contractors");
    let ok = org.create_policy(
        policy(json!({ "type": "PASSWORD", "name": "Contractors", "conditions": { "people": { "groups": { "include": [contractors] } } } })),
        true,
    );
    assert!(ok.is_ok(), "{ok:?}");
    let error = org
        .create_policy(
            policy(json!({ "type": "PASSWORD", "name": "Ghosts", "conditions": { "people": { "groups": { "include": ["00gdoesnotexist"] } } } })),
            true,
        )
        .expect_err("missing group");
    assert_eq!(code(&error), "E0000001");
    assert!(
        error.error_causes.iter().any(|c| c
            .error_summary
            .as_deref()
            .is_some_and(|s| s.contains("00gdoesnotexist"))),
        "{error:?}"
    );

    let id = policy_id(&mut org, "OKTA_SIGN_ON", "Default Policy");
    let zone_rule = json!({ "type": "SIGN_ON", "name": "Office", "conditions": { "network": { "connection": "ZONE", "include": ["nzonope"] } } });
    assert_eq!(
        code(
            &org.create_rule(&id, rule(zone_rule), true)
                .expect_err("missing zone")
        ),
        "E0000001"
    );
    let literal = json!({ "type": "SIGN_ON", "name": "Anywhere but", "conditions": { "network": { "connection": "ZONE", "exclude": ["ALL_ZONES"] } } });
    assert!(
        org.create_rule(&id, rule(literal), true).is_ok(),
        "ALL_ZONES is a literal"
    );
}

#[test]
fn authorization_server_policies_are_ordered_per_server() {
    let mut org = seeded();
    let defaults = org.list_server_policies("default").expect("default server");
    assert_eq!(
        names_and_priorities(&defaults),
        pairs(&[("Default Policy", 1)])
    );
    let default_rules = org
        .list_rules(defaults[0].id.as_deref().expect("id"))
        .expect("rules");
    assert_eq!(
        rule_order(&default_rules),
        pairs(&[("Default Policy Rule", 1)])
    );
    assert_eq!(default_rules[0].kind.as_str(), "RESOURCE_ACCESS");

    let interactive = org
        .directory()
        .auth_servers
        .iter()
        .find(|s| s.name.as_deref() == Some("interactive"))
        .and_then(|s| s.id.clone())
        .expect("seeded server");
    let body = |name: &str, priority: i64| {
        policy(
            json!({ "type": "OAUTH_AUTHORIZATION_POLICY", "name": name, "priority": priority,
                       "conditions": { "clients": { "include": ["ALL_CLIENTS"] } } }),
        )
    };
    org.create_server_policy(&interactive, body("Web", 1), true)
        .expect("created");
    org.create_server_policy(&interactive, body("Mobile", 1), true)
        .expect("created");
    // Another server's list is untouched by these writes.
    assert_eq!(
        names_and_priorities(&org.list_server_policies("default").expect("list")),
        pairs(&[("Default Policy", 1)])
    );
    let listed = org.list_server_policies(&interactive).expect("list");
    assert_eq!(
        names_and_priorities(&listed),
        pairs(&[("Mobile", 1), ("Web", 2)])
    );
    let href = listed[0]
        .links
        .as_ref()
        .and_then(|l| l.pointer("/self/href"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    assert!(
        href.contains(&format!(
            "/api/v1/authorizationServers/{interactive}/policies/"
        )),
        "{href}"
    );
    assert_eq!(
        org.policy_server(listed[0].id.as_deref().expect("id")),
        Some(Some(interactive.clone()))
    );

    assert!(
        org.list_policies("OAUTH_AUTHORIZATION_POLICY", None, None)
            .expect("list")
            .is_empty(),
        "not an org-level list"
    );
    assert_eq!(
        code(
            &org.create_policy(body("Elsewhere", 1), true)
                .expect_err("org-level create")
        ),
        "E0000001"
    );
    assert_eq!(
        code(
            &org.list_server_policies("ausnope")
                .expect_err("unknown server")
        ),
        "E0000007"
    );
}

#[test]
fn access_policies_clone_with_their_rules() {
    let mut org = org(Engine::Oie);
    let id = create(&mut org, "ACCESS_POLICY", "Finance", None)
        .id
        .expect("id");
    org.create_rule(
        &id,
        rule(json!({ "type": "ACCESS_POLICY", "name": "Managed", "priority": 0 })),
        true,
    )
    .expect("rule");
    let copy = org.clone_policy(&id).expect("cloned");
    assert_eq!(copy.name.as_deref(), Some("Copy of Finance"));
    let copy_id = copy.id.expect("id");
    assert_ne!(copy_id, id);
    assert_eq!(
        rule_order(&org.list_rules(&copy_id).expect("rules")),
        pairs(&[("Managed", 0), ("Catch-all Rule", 99)])
    );
    assert_eq!(
        org.clone_policy(&id).expect("again").name.as_deref(),
        Some("Copy of Finance (2)")
    );
    let password = policy_id(&mut org, "PASSWORD", "Default Policy");
    assert_eq!(
        code(
            &org.clone_policy(&password)
                .expect_err("not an access policy")
        ),
        "E0000001"
    );
}
