//! The Policy API over HTTP, shaped as Okta's (and as
//! `policies-strict.yaml` declares): list, create, get, replace, delete and
//! lifecycle for policies and their rules, plus
//! `/.well-known/okta-organization`. Handlers only translate — query
//! parameters and bodies in, the [`Org`]'s
//! answer out with Okta's status codes (200 for creates, 204 for deletes
//! and lifecycle calls) — and the org does the rest.

use axum::Router;
use axum::extract::{OriginalUri, Path, RawQuery, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::AppState;
use super::body::OktaJson;
use super::errors::{ApiError, json_response};
use super::pagination::{
    DEFAULT_POLICY_LIMIT, QueryParams, UnknownCursor, link_headers, paginate, parse_limit,
};
use crate::client::wire::{Field, OktaError, Policy, PolicyRule};
use crate::emulator::Engine;
use crate::emulator::org::Org;

/// The policy and rule routes, with Okta's parameter names.
pub fn policies(state: AppState) -> Router<AppState> {
    let by_id = Router::new()
        .route(
            "/api/v1/policies/{policyId}",
            get(get_policy).put(replace_policy).delete(delete_policy),
        )
        .route(
            "/api/v1/policies/{policyId}/lifecycle/activate",
            post(activate_policy),
        )
        .route("/api/v1/policies/{policyId}/clone", post(clone_policy))
        .route(
            "/api/v1/policies/{policyId}/lifecycle/deactivate",
            post(deactivate_policy),
        )
        .route(
            "/api/v1/policies/{policyId}/rules",
            get(list_rules).post(create_rule),
        )
        .route(
            "/api/v1/policies/{policyId}/rules/{ruleId}",
            get(get_rule).put(replace_rule).delete(delete_rule),
        )
        .route(
            "/api/v1/policies/{policyId}/rules/{ruleId}/lifecycle/activate",
            post(activate_rule),
        )
        .route(
            "/api/v1/policies/{policyId}/rules/{ruleId}/lifecycle/deactivate",
            post(deactivate_rule),
        )
        .route_layer(from_fn_with_state(state, org_policies_only));
    Router::new()
        .route("/api/v1/policies", get(list_policies).post(create_policy))
        .merge(by_id)
}

/// Authorization-server policies live under
/// `/api/v1/authorizationServers/{id}/policies`; as in Okta, the org-level
/// paths do not find them.
async fn org_policies_only(
    State(app): State<AppState>,
    Path(params): Path<Vec<(String, String)>>,
    request: Request,
    next: Next,
) -> Response {
    let policy_id = params
        .iter()
        .find(|(name, _)| name == "policyId")
        .map(|(_, id)| id.clone());
    if let Some(policy_id) = policy_id {
        let scoped = app
            .read(|org| org.policy_server(&policy_id))
            .flatten()
            .is_some();
        if scoped {
            return ApiError::new(
                StatusCode::NOT_FOUND,
                OktaError::not_found(&policy_id, "Policy", app.error_id()),
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// `/.well-known/okta-organization`.
pub fn well_known() -> Router<AppState> {
    Router::new().route("/.well-known/okta-organization", get(organization))
}

// ----- helpers ---------------------------------------------------------------

pub(super) fn ok(body: &impl serde::Serialize) -> Response {
    json_response(StatusCode::OK, body)
}

pub(super) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// `?activate=` (default true; Okta's boolean spelling, any case).
pub(super) fn activate(app: &AppState, query: &QueryParams) -> Result<bool, ApiError> {
    match query
        .get("activate")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(_) => Err(ApiError::invalid_parameter(
            app,
            "activate",
            "must be true or false",
        )),
    }
}

pub(super) fn limit(
    app: &AppState,
    query: &QueryParams,
    default: Option<usize>,
) -> Result<Option<usize>, ApiError> {
    parse_limit(query.get("limit"), default)
        .map_err(|_| ApiError::invalid_parameter(app, "limit", "must be a whole number of objects"))
}

fn wants_rules(query: &QueryParams) -> bool {
    query
        .get("expand")
        .is_some_and(|e| e.split(',').any(|part| part.trim() == "rules"))
}

/// The most rules `expand=rules` embeds; Okta refuses a policy with more.
pub const MAX_EMBEDDED_RULES: usize = 20;

/// The policy's rules for `expand=rules`, or Okta's refusal past 20.
fn rules_to_embed(
    app: &AppState,
    org: &mut Org,
    policy_id: &str,
) -> Result<Vec<PolicyRule>, ApiError> {
    let rules = org.list_rules(policy_id)?;
    if rules.len() > MAX_EMBEDDED_RULES {
        return Err(ApiError::invalid_parameter(
            app,
            "expand",
            &format!(
                "policy {policy_id} has more than {MAX_EMBEDDED_RULES} rules; list them from its rules endpoint"
            ),
        ));
    }
    Ok(rules)
}

/// Puts `rules` into the policy's `_embedded`, beside what is there.
fn embed_rules(policy: &mut Policy, rules: Vec<PolicyRule>) {
    let rules = serde_json::to_value(rules).unwrap_or(Value::Array(Vec::new()));
    match &mut policy.embedded {
        Field::Value(Value::Object(embedded)) => {
            embedded.insert("rules".to_owned(), rules);
        }
        slot => *slot = Field::Value(json!({ "rules": rules })),
    }
}

/// A list body with its `Link` headers.
pub(super) fn page_response(
    app: &AppState,
    path: &str,
    query: &QueryParams,
    limit: Option<usize>,
    next_after: Option<&str>,
    body: &impl serde::Serialize,
) -> Response {
    let mut response = ok(body);
    for link in link_headers(app.base_url(), path, query, limit, next_after) {
        response.headers_mut().append(header::LINK, link);
    }
    response
}

pub(super) fn unknown_cursor(app: &AppState, _: UnknownCursor) -> ApiError {
    ApiError::invalid_parameter(
        app,
        "after",
        "the cursor names no object in this list; start again without `after`",
    )
}

// ----- policies --------------------------------------------------------------

async fn list_policies(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(raw.as_deref());
    let Some(kind) = query.get("type") else {
        return Err(ApiError::invalid_parameter(
            &app,
            "type",
            "The field is required",
        ));
    };
    let limit = limit(&app, &query, Some(DEFAULT_POLICY_LIMIT))?;
    let expand = wants_rules(&query);
    let page = app.read(|org| {
        let mut policies = org.list_policies(kind, query.get("status"), query.get("q"))?;
        if query.get("sortBy") == Some("name") {
            policies.sort_by(|a, b| a.name.cmp(&b.name));
        }
        let mut page = paginate(policies, |p| p.id.as_deref(), query.get("after"), limit)
            .map_err(|cursor| unknown_cursor(&app, cursor))?;
        if expand {
            for policy in &mut page.items {
                let id = policy.id.clone().unwrap_or_default();
                let rules = rules_to_embed(&app, org, &id)?;
                embed_rules(policy, rules);
            }
        }
        Ok::<_, ApiError>(page)
    })?;
    Ok(page_response(
        &app,
        uri.path(),
        &query,
        limit,
        page.next_after.as_deref(),
        &page.items,
    ))
}

async fn create_policy(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    OktaJson(body): OktaJson<Policy>,
) -> Result<Response, ApiError> {
    let activate = activate(&app, &QueryParams::parse(raw.as_deref()))?;
    let policy = app.write(|org| org.create_policy(body, activate)).await?;
    Ok(ok(&policy))
}

async fn get_policy(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let expand = wants_rules(&QueryParams::parse(raw.as_deref()));
    let policy = app.read(|org| {
        let mut policy = org.get_policy(&policy_id)?;
        if expand {
            let rules = rules_to_embed(&app, org, &policy_id)?;
            embed_rules(&mut policy, rules);
        }
        Ok::<_, ApiError>(policy)
    })?;
    Ok(ok(&policy))
}

async fn replace_policy(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
    OktaJson(body): OktaJson<Policy>,
) -> Result<Response, ApiError> {
    let policy = app
        .write(|org| org.replace_policy(&policy_id, body))
        .await?;
    Ok(ok(&policy))
}

async fn clone_policy(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
) -> Result<Response, ApiError> {
    let policy = app.write(|org| org.clone_policy(&policy_id)).await?;
    Ok(ok(&policy))
}

async fn delete_policy(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
) -> Result<Response, ApiError> {
    app.write(|org| org.delete_policy(&policy_id)).await?;
    Ok(no_content())
}

async fn activate_policy(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
) -> Result<Response, ApiError> {
    app.write(|org| org.set_policy_status(&policy_id, true))
        .await?;
    Ok(no_content())
}

async fn deactivate_policy(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
) -> Result<Response, ApiError> {
    app.write(|org| org.set_policy_status(&policy_id, false))
        .await?;
    Ok(no_content())
}

// ----- rules -----------------------------------------------------------------

async fn list_rules(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(raw.as_deref());
    // Okta returns every rule unless asked for a page.
    let limit = limit(&app, &query, None)?;
    let page = app.read(|org| {
        let rules = org.list_rules(&policy_id)?;
        paginate(rules, |r| r.id.as_deref(), query.get("after"), limit)
            .map_err(|cursor| unknown_cursor(&app, cursor))
    })?;
    Ok(page_response(
        &app,
        uri.path(),
        &query,
        limit,
        page.next_after.as_deref(),
        &page.items,
    ))
}

async fn create_rule(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
    RawQuery(raw): RawQuery,
    OktaJson(body): OktaJson<PolicyRule>,
) -> Result<Response, ApiError> {
    let activate = activate(&app, &QueryParams::parse(raw.as_deref()))?;
    let rule = app
        .write(|org| org.create_rule(&policy_id, body, activate))
        .await?;
    Ok(ok(&rule))
}

async fn get_rule(
    State(app): State<AppState>,
    Path((policy_id, rule_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let rule = app.read(|org| org.get_rule(&policy_id, &rule_id))?;
    Ok(ok(&rule))
}

async fn replace_rule(
    State(app): State<AppState>,
    Path((policy_id, rule_id)): Path<(String, String)>,
    OktaJson(body): OktaJson<PolicyRule>,
) -> Result<Response, ApiError> {
    let rule = app
        .write(|org| org.replace_rule(&policy_id, &rule_id, body))
        .await?;
    Ok(ok(&rule))
}

async fn delete_rule(
    State(app): State<AppState>,
    Path((policy_id, rule_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    app.write(|org| org.delete_rule(&policy_id, &rule_id))
        .await?;
    Ok(no_content())
}

async fn activate_rule(
    State(app): State<AppState>,
    Path((policy_id, rule_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    app.write(|org| org.set_rule_status(&policy_id, &rule_id, true))
        .await?;
    Ok(no_content())
}

async fn deactivate_rule(
    State(app): State<AppState>,
    Path((policy_id, rule_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    app.write(|org| org.set_rule_status(&policy_id, &rule_id, false))
        .await?;
    Ok(no_content())
}

// ----- organization ----------------------------------------------------------

/// Which pipeline the org runs: `idx` for Identity Engine, `v1` for
/// Classic — what clients read to tell the engines apart.
async fn organization(State(app): State<AppState>) -> Response {
    let engine = app.read(|org| org.engine());
    let pipeline = match engine {
        Engine::Oie => "idx",
        Engine::Classic => "v1",
    };
    ok(&json!({
        "id": app.org_id(),
        "pipeline": pipeline,
        "_links": { "organization": { "href": app.base_url() } },
    }))
}
