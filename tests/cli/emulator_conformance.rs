//! Conformance: every Policy API endpoint of the emulator, driven over
//! HTTP, answers with a status the spec declares and a body that validates
//! against that status's response schema in Okta's own OpenAPI spec (the policies-only subset,
//! ../shared/okta-openapi/policies-strict.yaml). OpenAPI 3.0 is converted
//! to JSON Schema first (`nullable` becomes a type union). The spec's known
//! defects (SOURCE.txt) are patched, each one named below; nothing else is
//! relaxed.

use std::sync::Arc;

use oktapol::clock::ManualClock;
use oktapol::emulator::Engine;
use oktapol::emulator::org::Org;
use oktapol::emulator::server::rate_limit::RateLimits;
use oktapol::emulator::server::{Config, serve};
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
    // Defect (SOURCE.txt): SimulatePolicyResponse is declared as an array,
    // while the example and the API answer `{"evaluation": [...]}`. The same
    // example gives each evaluation's `policyType` as one string and its
    // `status` as null, where SimulatePolicyEvaluations declares an array
    // and a non-null status.
    if let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.insert(
            "SimulatePolicyResponse".into(),
            json!({ "type": "object", "required": ["evaluation"], "properties": {
                "evaluation": { "type": "array",
                                "items": { "$ref": "#/components/schemas/SimulatePolicyEvaluations" } } } }),
        );
        if let Some(properties) = schemas
            .get_mut("SimulatePolicyEvaluations")
            .and_then(|s| s.get_mut("properties"))
        {
            properties["policyType"] =
                json!({ "$ref": "#/components/schemas/PolicyTypeSimulation" });
            properties["status"] = json!({ "anyOf": [
                { "$ref": "#/components/schemas/SimulateResultStatus" }, { "type": "null" } ] });
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

/// One HTTP exchange with the emulator, checked against the spec: the
/// status must be one the spec declares, and a JSON body must match that
/// status's response schema.
struct Client {
    http: reqwest::Client,
    base: String,
    spec: Value,
}

impl Client {
    async fn call(
        &self,
        method: &str,
        template: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let mut request = match method {
            "get" => self.http.get(&url),
            "post" => self.http.post(&url),
            "put" => self.http.put(&url),
            "delete" => self.http.delete(&url),
            other => panic!("method {other}"),
        };
        request = request.header("Authorization", format!("SSWS {TOKEN}"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("answered");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let value: Value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        let escaped = template.replace('~', "~0").replace('/', "~1");
        let declared = self
            .spec
            .pointer(&format!("/paths/{escaped}/{method}/responses/{status}"));
        assert!(
            declared.is_some(),
            "{method} {template} answered {status}, which the spec does not declare"
        );
        if status != 204 {
            check(&self.spec, method, template, status, &value);
        }
        (status, value)
    }
}

const TOKEN: &str = "conformance-token";

fn id(value: &Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_as_the_spec_says() {
    let mut config = Config::new(TOKEN);
    config.clock = Arc::new(ManualClock::fixed());
    config.rate_limits = RateLimits::off();
    config.seed = Some(root().join("examples/org-seed.yaml"));
    let server = serve(config).await.expect("emulator starts");
    let client = Client {
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
        base: server.url().to_owned(),
        spec: spec(),
    };
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
        let (_, list) = client
            .call(
                "get",
                "/api/v1/policies",
                &format!("/api/v1/policies?type={kind}"),
                None,
            )
            .await;
        for policy in list.as_array().expect("list") {
            let policy_id = id(policy);
            client
                .call(
                    "get",
                    "/api/v1/policies/{policyId}",
                    &format!("/api/v1/policies/{policy_id}"),
                    None,
                )
                .await;
            client
                .call(
                    "get",
                    "/api/v1/policies/{policyId}/rules",
                    &format!("/api/v1/policies/{policy_id}/rules"),
                    None,
                )
                .await;
        }
    }

    // A policy's whole life, with a rule.
    let (status, created) = client
        .call(
            "post",
            "/api/v1/policies",
            "/api/v1/policies?activate=false",
            Some(json!({ "type": "OKTA_SIGN_ON", "name": "Contractors" })),
        )
        .await;
    assert_eq!(status, 200);
    let policy_id = id(&created);
    let one = format!("/api/v1/policies/{policy_id}");
    client
        .call(
            "post",
            "/api/v1/policies/{policyId}/lifecycle/activate",
            &format!("{one}/lifecycle/activate"),
            None,
        )
        .await;
    client
        .call(
            "put",
            "/api/v1/policies/{policyId}",
            &one,
            Some(
                json!({ "type": "OKTA_SIGN_ON", "name": "Contractors", "description": "changed" }),
            ),
        )
        .await;
    let (_, rule) = client.call("post", "/api/v1/policies/{policyId}/rules", &format!("{one}/rules"), Some(json!({ "type": "SIGN_ON", "name": "MFA", "actions": { "signon": { "access": "ALLOW", "requireFactor": true, "factorPromptMode": "ALWAYS" } } }))).await;
    let rule_one = format!("{one}/rules/{}", id(&rule));
    client
        .call(
            "get",
            "/api/v1/policies/{policyId}/rules/{ruleId}",
            &rule_one,
            None,
        )
        .await;
    client
        .call(
            "put",
            "/api/v1/policies/{policyId}/rules/{ruleId}",
            &rule_one,
            Some(json!({ "type": "SIGN_ON", "name": "MFA", "priority": 1 })),
        )
        .await;
    client
        .call(
            "post",
            "/api/v1/policies/{policyId}/rules/{ruleId}/lifecycle/deactivate",
            &format!("{rule_one}/lifecycle/deactivate"),
            None,
        )
        .await;
    client
        .call(
            "post",
            "/api/v1/policies/{policyId}/rules/{ruleId}/lifecycle/activate",
            &format!("{rule_one}/lifecycle/activate"),
            None,
        )
        .await;
    client
        .call(
            "delete",
            "/api/v1/policies/{policyId}/rules/{ruleId}",
            &rule_one,
            None,
        )
        .await;
    client
        .call(
            "post",
            "/api/v1/policies/{policyId}/lifecycle/deactivate",
            &format!("{one}/lifecycle/deactivate"),
            None,
        )
        .await;
    let (status, _) = client
        .call("delete", "/api/v1/policies/{policyId}", &one, None)
        .await;
    assert_eq!(status, 204);

    // Access policies: v2 rules and app mappings.
    let (_, access) = client
        .call(
            "post",
            "/api/v1/policies",
            "/api/v1/policies",
            Some(json!({ "type": "ACCESS_POLICY", "name": "Finance" })),
        )
        .await;
    let access_one = format!("/api/v1/policies/{}", id(&access));
    client.call("post", "/api/v1/policies/{policyId}/rules", &format!("{access_one}/rules"), Some(json!({ "type": "ACCESS_POLICY", "name": "Managed", "priority": 0, "conditions": { "device": { "registered": true, "managed": true } } }))).await;
    let (_, apps) = client.call_plain("/api/v1/apps?q=Workday").await;
    let workday = id(&apps[0]);
    client
        .call(
            "post",
            "/api/v1/policies/{policyId}/mappings",
            &format!("{access_one}/mappings"),
            Some(json!({ "resourceType": "ACCESS_POLICY", "resourceId": workday })),
        )
        .await;
    client
        .call(
            "get",
            "/api/v1/policies/{policyId}/mappings",
            &format!("{access_one}/mappings"),
            None,
        )
        .await;

    // Policy simulation: a contractor without device details, so the
    // answer has matched, evaluated and undefined policies and conditions.
    let (_, carl) = client
        .call_plain("/api/v1/users/carl@contractor.example")
        .await;
    let simulate = "/api/v1/policies/simulate";
    let (status, answer) = client
        .call(
            "post",
            simulate,
            &format!("{simulate}?expand=EVALUATED&expand=RULE"),
            Some(
                json!({ "appInstance": workday, "policyContext": { "user": { "id": id(&carl) } } }),
            ),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["evaluation"].as_array().map(Vec::len), Some(4));
    let (status, _) = client
        .call(
            "post",
            simulate,
            simulate,
            Some(json!({ "appInstance": "0oamissing", "policyContext": { "user": { "id": id(&carl) } } })),
        )
        .await;
    assert_eq!(status, 404);

    let (status, _) = client
        .call(
            "post",
            "/api/v1/policies/{policyId}/clone",
            &format!("{access_one}/clone"),
            None,
        )
        .await;
    assert_eq!(status, 200);

    // Authorization-server policies and rules (201 on create).
    let servers = "/api/v1/authorizationServers/default/policies";
    client
        .call(
            "get",
            "/api/v1/authorizationServers/{authServerId}/policies",
            servers,
            None,
        )
        .await;
    let (status, server_policy) = client.call("post", "/api/v1/authorizationServers/{authServerId}/policies", servers, Some(json!({ "type": "OAUTH_AUTHORIZATION_POLICY", "name": "Partners", "description": "Partner apps", "conditions": { "clients": { "include": ["ALL_CLIENTS"] } } }))).await;
    assert_eq!(status, 201);
    let server_one = format!("{servers}/{}", id(&server_policy));
    client
        .call(
            "get",
            "/api/v1/authorizationServers/{authServerId}/policies/{policyId}",
            &server_one,
            None,
        )
        .await;
    let (status, server_rule) = client.call("post", "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules", &format!("{server_one}/rules"), Some(json!({ "type": "RESOURCE_ACCESS", "name": "Everyone",
        "conditions": { "grantTypes": { "include": ["client_credentials"] }, "scopes": { "include": ["*"] }, "people": { "groups": { "include": [] } } },
        "actions": { "token": { "accessTokenLifetimeMinutes": 60 } } }))).await;
    assert_eq!(status, 201);
    client
        .call(
            "get",
            "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules",
            &format!("{server_one}/rules"),
            None,
        )
        .await;
    client
        .call(
            "get",
            "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}",
            &format!("{server_one}/rules/{}", id(&server_rule)),
            None,
        )
        .await;

    // Okta's errors.
    let (status, _) = client
        .call(
            "get",
            "/api/v1/policies/{policyId}",
            "/api/v1/policies/00pmissing",
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = client
        .call(
            "post",
            "/api/v1/policies",
            "/api/v1/policies",
            Some(json!({ "type": "PASSWORD", "name": "" })),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = client
        .call(
            "get",
            "/api/v1/authorizationServers/{authServerId}/policies",
            "/api/v1/authorizationServers/ausmissing/policies",
            None,
        )
        .await;
    assert_eq!(status, 404);
    server.shutdown().await;
}

impl Client {
    /// A GET outside the policies subset of the spec (apps), unchecked.
    async fn call_plain(&self, path: &str) -> (u16, Value) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("Authorization", format!("SSWS {TOKEN}"))
            .send()
            .await
            .expect("answered");
        (
            response.status().as_u16(),
            response.json().await.expect("JSON"),
        )
    }
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
