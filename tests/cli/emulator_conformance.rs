//! Conformance: the emulator's responses validate against the response
//! schemas of Okta's own OpenAPI spec (the policies-only subset,
//! ../shared/okta-openapi/policies-strict.yaml). OpenAPI 3.0 is converted
//! to JSON Schema first (`nullable` becomes a type union). The spec's known
//! defects (SOURCE.txt) are patched, each one named below; nothing else is
//! relaxed.

use std::sync::Arc;

use oktapol::clock::ManualClock;
use oktapol::emulator::Engine;
use oktapol::emulator::org::Org;
use serde_json::{Value, json};

use crate::util::root;

/// The converted spec, with the named defect patches applied.
fn spec() -> Value {
    let path = root().join("../shared/okta-openapi/policies-strict.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "conformance needs {} (../shared beside the repository): {error}",
            path.display()
        )
    });
    let mut spec: Value = serde_saphyr::from_str(&text).expect("the spec parses");
    convert(&mut spec);
    // Defect (SOURCE.txt): IdentityProviderType lacks OKTA, IWA and AgentlessDSSO,
    // which Okta uses for IdP discovery providers (the default rule's is OKTA).
    if let Some(values) = spec
        .pointer_mut("/components/schemas/IdentityProviderType/enum")
        .and_then(Value::as_array_mut)
    {
        values.extend([json!("OKTA"), json!("IWA"), json!("AgentlessDSSO")]);
    }
    // Defect (SOURCE.txt, "null for non-nullable conditions/actions"): Okta
    // returns `conditions: null` where it has none (catch-all rules, the IdP
    // discovery default rule), which the spec's subtypes do not allow.
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            if !(name.ends_with("Policy") || name.ends_with("PolicyRule")) {
                continue;
            }
            for container in all_property_maps(schema) {
                if let Some(conditions) = container.get_mut("conditions") {
                    let original = conditions.take();
                    *conditions = json!({ "anyOf": [original, { "type": "null" }] });
                }
            }
        }
    }
    // Defect (SOURCE.txt): TimeDuration.pattern only accepts "P".
    if let Some(duration) = spec
        .pointer_mut("/components/schemas/TimeDuration")
        .and_then(Value::as_object_mut)
    {
        duration.remove("pattern");
    }
    spec
}

/// The `properties` maps of a schema and of its `allOf` members.
fn all_property_maps(schema: &mut Value) -> Vec<&mut serde_json::Map<String, Value>> {
    let mut out = Vec::new();
    let Some(object) = schema.as_object_mut() else {
        return out;
    };
    let (properties, all_of): (Option<&mut Value>, Option<&mut Value>) = {
        let mut properties = None;
        let mut all_of = None;
        for (key, value) in object.iter_mut() {
            match key.as_str() {
                "properties" => properties = Some(value),
                "allOf" => all_of = Some(value),
                _ => {}
            }
        }
        (properties, all_of)
    };
    if let Some(Value::Object(map)) = properties {
        out.push(map);
    }
    if let Some(Value::Array(members)) = all_of {
        for member in members {
            if let Some(Value::Object(map)) = member.get_mut("properties") {
                out.push(map);
            }
        }
    }
    out
}

/// OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a union with null.
fn convert(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.remove("nullable") == Some(Value::Bool(true)) {
                match map.get("type").cloned() {
                    Some(Value::String(kind)) => {
                        map.insert("type".into(), json!([kind, "null"]));
                        if let Some(Value::Array(values)) = map.get_mut("enum") {
                            values.push(Value::Null);
                        }
                    }
                    _ => {
                        let inner = Value::Object(std::mem::take(map));
                        map.insert("anyOf".into(), json!([inner, { "type": "null" }]));
                    }
                }
            }
            for value in map.values_mut() {
                convert(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(convert),
        _ => {}
    }
}

/// Validates `body` against the response schema of `method path` for `status`.
fn check(spec: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let errors = violations(spec, method, path, status, body);
    assert!(
        errors.is_empty(),
        "{method} {path} {status}: {errors:#?}\nbody: {body:#}"
    );
}

/// The schema violations of `body`, at most five.
fn violations(spec: &Value, method: &str, path: &str, status: u16, body: &Value) -> Vec<String> {
    let escaped = path.replace('~', "~0").replace('/', "~1");
    let response = format!("/paths/{escaped}/{method}/responses/{status}");
    let mut node = spec
        .pointer(&response)
        .unwrap_or_else(|| panic!("no response {status} for {method} {path}"));
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        node = spec
            .pointer(reference.trim_start_matches('#'))
            .expect("response ref");
    }
    let Some(schema) = node.pointer("/content/application~1json/schema") else {
        panic!("{method} {path} {status} has no JSON body in the spec");
    };
    let mut root_schema = spec.clone();
    if let Some(object) = root_schema.as_object_mut() {
        object.retain(|key, _| key == "components");
        object.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        for (key, value) in schema.as_object().into_iter().flatten() {
            object.insert(key.clone(), value.clone());
        }
    }
    let validator = jsonschema::draft202012::new(&root_schema).expect("schema compiles");
    validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect()
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serializes")
}

#[test]
fn responses_match_the_okta_spec() {
    let spec = spec();
    let mut org = Org::new(Engine::Oie, 3, Arc::new(ManualClock::fixed()));
    org.set_base_url("https://example.okta.com");
    let kinds = [
        "OKTA_SIGN_ON",
        "PASSWORD",
        "MFA_ENROLL",
        "IDP_DISCOVERY",
        "ACCESS_POLICY",
        "PROFILE_ENROLLMENT",
        "ENTITY_RISK",
        "POST_AUTH_SESSION",
    ];
    for kind in kinds {
        let policies = org.list_policies(kind, None, None).expect("list");
        check(&spec, "get", "/api/v1/policies", 200, &to_value(&policies));
        for policy in &policies {
            let id = policy.id.clone().expect("id");
            check(
                &spec,
                "get",
                "/api/v1/policies/{policyId}",
                200,
                &to_value(&org.get_policy(&id).expect("get")),
            );
            check(
                &spec,
                "get",
                "/api/v1/policies/{policyId}/rules",
                200,
                &to_value(&org.list_rules(&id).expect("rules")),
            );
        }
    }

    let created = org
        .create_policy(
            serde_json::from_value(json!({ "type": "OKTA_SIGN_ON", "name": "Contractors" }))
                .expect("body"),
            true,
        )
        .expect("created");
    check(&spec, "post", "/api/v1/policies", 200, &to_value(&created));
    let id = created.id.clone().expect("id");
    check(
        &spec,
        "put",
        "/api/v1/policies/{policyId}",
        200,
        &to_value(&org.replace_policy(&id, created).expect("put")),
    );
    let rule = org
        .create_rule(
            &id,
            serde_json::from_value(json!({ "type": "SIGN_ON", "name": "MFA" })).expect("body"),
            true,
        )
        .expect("rule");
    check(
        &spec,
        "post",
        "/api/v1/policies/{policyId}/rules",
        200,
        &to_value(&rule),
    );
    check(
        &spec,
        "get",
        "/api/v1/policies/{policyId}/rules/{ruleId}",
        200,
        &to_value(
            &org.get_rule(&id, rule.id.as_deref().expect("id"))
                .expect("get"),
        ),
    );

    let access = org
        .create_policy(
            serde_json::from_value(json!({ "type": "ACCESS_POLICY", "name": "Finance" }))
                .expect("body"),
            true,
        )
        .expect("created");
    let access_id = access.id.clone().expect("id");
    let access_rule = org
        .create_rule(
            &access_id,
            serde_json::from_value(
                json!({ "type": "ACCESS_POLICY", "name": "Managed", "priority": 0,
            "conditions": { "device": { "registered": true, "managed": true } } }),
            )
            .expect("body"),
            true,
        )
        .expect("rule");
    check(
        &spec,
        "post",
        "/api/v1/policies/{policyId}/rules",
        200,
        &to_value(&access_rule),
    );
    check(
        &spec,
        "get",
        "/api/v1/policies/{policyId}/mappings",
        200,
        &Value::Array(org.list_mappings(&access_id).expect("mappings")),
    );

    let server_policies = org
        .list_server_policies("default")
        .expect("server policies");
    check(
        &spec,
        "get",
        "/api/v1/authorizationServers/{authServerId}/policies",
        200,
        &to_value(&server_policies),
    );
    let server_policy = server_policies[0].id.clone().expect("id");
    check(
        &spec,
        "get",
        "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules",
        200,
        &to_value(&org.list_rules(&server_policy).expect("rules")),
    );

    let not_found = org.get_policy("00pmissing").expect_err("404");
    check(
        &spec,
        "get",
        "/api/v1/policies/{policyId}",
        404,
        &to_value(&*not_found),
    );
    let invalid = org
        .create_policy(
            serde_json::from_value(json!({ "type": "PASSWORD", "name": "" })).expect("body"),
            true,
        )
        .expect_err("400");
    check(&spec, "post", "/api/v1/policies", 400, &to_value(&*invalid));
}

#[test]
fn the_harness_rejects_what_the_spec_rejects() {
    let spec = spec();
    let mut org = Org::new(Engine::Oie, 3, Arc::new(ManualClock::fixed()));
    let mut policies =
        serde_json::to_value(org.list_policies("PASSWORD", None, None).expect("list"))
            .expect("json");
    policies[0]["status"] = json!("ENABLED");
    assert!(!violations(&spec, "get", "/api/v1/policies", 200, &policies).is_empty());
}
