//! The directory and mapping routes over HTTP: apps and their policy
//! assignments (`PUT /api/v1/apps/{appId}/policies/{policyId}`, a policy's
//! `/mappings` and the deprecated `/app`), read-only look-ups of the
//! directory objects policies refer to (groups, users, network zones, IdPs,
//! authenticators, user types, inline hooks, authorization servers), and
//! the policies and rules of an authorization server. As in
//! [`routes`](super::routes), handlers only translate — the [`Org`] does
//! the work — with the same pagination (`limit`, `after`, `Link` headers)
//! and Okta errors; an unknown ID is 404 `E0000007`. A server's policy is
//! reached only under its own server: under any other it is 404, as in
//! Okta. Creates under an authorization server answer 201, as Okta's spec
//! declares for them.

use axum::Router;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::body::OktaJson;
use super::errors::{ApiError, json_response};
use super::pagination::{QueryParams, paginate};
use super::routes::{activate, limit, no_content, ok, page_response, unknown_cursor};
use crate::client::wire::{Policy, PolicyRule};
use crate::emulator::directory::Directory;
use crate::emulator::org::{Org, Outcome};

/// Apps, mappings, directory look-ups and authorization servers.
pub fn directory() -> Router<AppState> {
    Router::new()
        .route("/api/v1/apps", get(list_apps))
        .route("/api/v1/apps/{appId}", get(get_app))
        .route(
            "/api/v1/apps/{appId}/policies/{policyId}",
            put(assign_app_policy),
        )
        .route(
            "/api/v1/policies/{policyId}/mappings",
            get(list_mappings).post(map_resource),
        )
        .route("/api/v1/policies/{policyId}/app", get(list_policy_apps))
        .route("/api/v1/groups", get(list_groups))
        .route("/api/v1/groups/{groupId}", get(get_group))
        .route("/api/v1/users", get(list_users))
        .route("/api/v1/users/{idOrLogin}", get(get_user))
        .route("/api/v1/zones", get(list_zones))
        .route("/api/v1/idps", get(list_idps))
        .route("/api/v1/authenticators", get(list_authenticators))
        .route("/api/v1/meta/types/user", get(list_user_types))
        .route("/api/v1/inlineHooks", get(list_hooks))
        .route("/api/v1/authorizationServers", get(list_servers))
        .route(
            "/api/v1/authorizationServers/{authServerId}",
            get(get_server),
        )
        .merge(server_policies())
}

/// The policy and rule routes under `/api/v1/authorizationServers/{authServerId}`.
fn server_policies() -> Router<AppState> {
    const POLICY: &str = "/api/v1/authorizationServers/{authServerId}/policies/{policyId}";
    const RULE: &str =
        "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}";
    Router::new()
        .route(
            "/api/v1/authorizationServers/{authServerId}/policies",
            get(list_server_policies).post(create_server_policy),
        )
        .route(
            POLICY,
            get(get_server_policy)
                .put(replace_server_policy)
                .delete(delete_server_policy),
        )
        .route(
            &format!("{POLICY}/lifecycle/activate"),
            post(activate_server_policy),
        )
        .route(
            &format!("{POLICY}/lifecycle/deactivate"),
            post(deactivate_server_policy),
        )
        .route(
            &format!("{POLICY}/rules"),
            get(list_server_rules).post(create_server_rule),
        )
        .route(
            RULE,
            get(get_server_rule)
                .put(replace_server_rule)
                .delete(delete_server_rule),
        )
        .route(
            &format!("{RULE}/lifecycle/activate"),
            post(activate_server_rule),
        )
        .route(
            &format!("{RULE}/lifecycle/deactivate"),
            post(deactivate_server_rule),
        )
}

// ----- helpers ---------------------------------------------------------------

fn created(body: &impl Serialize) -> Response {
    json_response(StatusCode::CREATED, body)
}

/// One page of `items` (everything unless the request names a `limit`),
/// with its `Link` headers.
fn list_page<T: Serialize>(
    app: &AppState,
    path: &str,
    query: &QueryParams,
    items: Vec<T>,
    id_of: impl Fn(&T) -> Option<&str>,
) -> Result<Response, ApiError> {
    let limit = limit(app, query, None)?;
    let page = paginate(items, id_of, query.get("after"), limit)
        .map_err(|cursor| unknown_cursor(app, cursor))?;
    Ok(page_response(
        app,
        path,
        query,
        limit,
        page.next_after.as_deref(),
        &page.items,
    ))
}

/// A whole directory collection as a paginated list.
fn list_directory<T: Serialize>(
    app: &AppState,
    path: &str,
    raw: Option<&str>,
    items: impl FnOnce(&Directory) -> Vec<T>,
    id_of: impl Fn(&T) -> Option<&str>,
) -> Result<Response, ApiError> {
    let items = app.read(|org| items(org.directory()));
    list_page(app, path, &QueryParams::parse(raw), items, id_of)
}

/// One directory object by ID, or 404 `E0000007` naming `what`.
fn one<T: Clone>(
    org: &mut Org,
    id: &str,
    what: &str,
    pick: impl Fn(&Directory) -> Option<&T>,
) -> Outcome<T> {
    match pick(org.directory()).cloned() {
        Some(found) => Ok(found),
        None => Err(org.not_found(id, what)),
    }
}

fn starts_with_ci(value: Option<&str>, prefix: &str) -> bool {
    value.is_some_and(|v| v.to_lowercase().starts_with(&prefix.to_lowercase()))
}

// ----- apps and mappings -----------------------------------------------------

async fn list_apps(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(raw.as_deref());
    let apps = app.read(|org| org.list_apps(query.get("q")));
    list_page(&app, uri.path(), &query, apps, |a| a.id.as_deref())
}

async fn get_app(
    State(app): State<AppState>,
    Path(app_id): Path<String>,
) -> Result<Response, ApiError> {
    let found = app.read(|org| org.get_app(&app_id))?;
    Ok(ok(&found))
}

async fn assign_app_policy(
    State(app): State<AppState>,
    Path((app_id, policy_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    app.write(|org| org.assign_app_policy(&app_id, &policy_id))
        .await?;
    Ok(no_content())
}

async fn list_mappings(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(raw.as_deref());
    let mappings = app.read(|org| org.list_mappings(&policy_id))?;
    list_page(&app, uri.path(), &query, mappings, |m| m["id"].as_str())
}

/// The body of `POST /api/v1/policies/{policyId}/mappings`. Only apps are
/// mapped, so `resourceType` is accepted as sent (and ignored);
/// `resourceId` names the app.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MappingRequest {
    resource_id: String,
}

async fn map_resource(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
    OktaJson(body): OktaJson<MappingRequest>,
) -> Result<Response, ApiError> {
    let mapping = app
        .write(|org| org.map_resource(&policy_id, &body.resource_id))
        .await?;
    Ok(ok(&mapping))
}

/// The deprecated `GET /api/v1/policies/{policyId}/app`: the mapped apps
/// as full objects.
async fn list_policy_apps(
    State(app): State<AppState>,
    Path(policy_id): Path<String>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(raw.as_deref());
    let apps = app.read(|org| {
        let mappings = org.list_mappings(&policy_id)?;
        mappings
            .iter()
            .filter_map(|m| m["id"].as_str())
            .map(|id| org.get_app(id))
            .collect::<Outcome<Vec<_>>>()
    })?;
    list_page(&app, uri.path(), &query, apps, |a| a.id.as_deref())
}

// ----- groups and users ------------------------------------------------------

/// The group name in `search=profile.name eq "X"`, the one search
/// expression the emulator understands.
fn group_name_search(search: &str) -> Option<String> {
    let (field, rest) = search.trim().split_once(char::is_whitespace)?;
    let (operator, value) = rest.trim_start().split_once(char::is_whitespace)?;
    if field != "profile.name" || !operator.eq_ignore_ascii_case("eq") {
        return None;
    }
    let value = value.trim().strip_prefix('"')?.strip_suffix('"')?;
    Some(value.replace("\\\"", "\""))
}

async fn list_groups(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(raw.as_deref());
    let name = match query.get("search") {
        None => None,
        Some(search) => Some(group_name_search(search).ok_or_else(|| {
            ApiError::invalid_parameter(
                &app,
                "search",
                "the emulator understands only profile.name eq \"…\"",
            )
        })?),
    };
    let groups = app.read(|org| org.directory().groups_matching(query.get("q")));
    let groups = groups
        .into_iter()
        .filter(|g| {
            name.as_deref()
                .is_none_or(|name| g.profile.as_ref().and_then(|p| p.name.as_deref()) == Some(name))
        })
        .collect();
    list_page(&app, uri.path(), &query, groups, |g| g.id.as_deref())
}

async fn get_group(
    State(app): State<AppState>,
    Path(group_id): Path<String>,
) -> Result<Response, ApiError> {
    let group = app.read(|org| {
        one(org, &group_id, "Group", |d| {
            d.groups
                .iter()
                .find(|g| g.id.as_deref() == Some(group_id.as_str()))
        })
    })?;
    Ok(ok(&group))
}

/// `GET /api/v1/users[?q=]`: `q` is a prefix of the login, email, first or
/// last name, as in Okta.
async fn list_users(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(raw.as_deref());
    let q = query.get("q");
    let users = app.read(|org| {
        org.directory()
            .users
            .iter()
            .filter(|u| {
                q.is_none_or(|q| {
                    u.profile.as_ref().is_some_and(|p| {
                        starts_with_ci(p.login.as_deref(), q)
                            || starts_with_ci(p.email.as_deref(), q)
                            || starts_with_ci(p.first_name.as_ref().map(String::as_str), q)
                            || starts_with_ci(p.last_name.as_ref().map(String::as_str), q)
                    })
                })
            })
            .cloned()
            .collect()
    });
    list_page(&app, uri.path(), &query, users, |u| u.id.as_deref())
}

async fn get_user(
    State(app): State<AppState>,
    Path(id_or_login): Path<String>,
) -> Result<Response, ApiError> {
    let user = app.read(|org| one(org, &id_or_login, "User", |d| d.user(&id_or_login)))?;
    Ok(ok(&user))
}

// ----- the other directory collections ---------------------------------------

async fn list_zones(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    list_directory(
        &app,
        uri.path(),
        raw.as_deref(),
        |d| d.zones.clone(),
        |z| z.id.as_deref(),
    )
}

async fn list_idps(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    list_directory(
        &app,
        uri.path(),
        raw.as_deref(),
        |d| d.idps.clone(),
        |i| i.id.as_deref(),
    )
}

async fn list_authenticators(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    list_directory(
        &app,
        uri.path(),
        raw.as_deref(),
        |d| d.authenticators.clone(),
        |a| a.id.as_deref(),
    )
}

async fn list_user_types(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    list_directory(
        &app,
        uri.path(),
        raw.as_deref(),
        |d| d.user_types.clone(),
        |t| t.id.as_deref(),
    )
}

async fn list_hooks(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    list_directory(
        &app,
        uri.path(),
        raw.as_deref(),
        |d| d.hooks.clone(),
        |h| h.id.as_deref(),
    )
}

async fn list_servers(
    State(app): State<AppState>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    list_directory(
        &app,
        uri.path(),
        raw.as_deref(),
        |d| d.auth_servers.clone(),
        |s| s.id.as_deref(),
    )
}

async fn get_server(
    State(app): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    let server = app.read(|org| {
        one(org, &server_id, "AuthorizationServer", |d| {
            d.auth_servers
                .iter()
                .find(|s| s.id.as_deref() == Some(server_id.as_str()))
        })
    })?;
    Ok(ok(&server))
}

// ----- authorization-server policies and rules -------------------------------

async fn list_server_policies(
    State(app): State<AppState>,
    Path(server): Path<String>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(raw.as_deref());
    let policies = app.read(|org| org.list_server_policies(&server))?;
    list_page(&app, uri.path(), &query, policies, |p| p.id.as_deref())
}

async fn create_server_policy(
    State(app): State<AppState>,
    Path(server): Path<String>,
    RawQuery(raw): RawQuery,
    OktaJson(body): OktaJson<Policy>,
) -> Result<Response, ApiError> {
    let activate = activate(&app, &QueryParams::parse(raw.as_deref()))?;
    let policy = app
        .write(|org| org.create_server_policy(&server, body, activate))
        .await?;
    Ok(created(&policy))
}

async fn get_server_policy(
    State(app): State<AppState>,
    Path((server, policy_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let policy = app.read(|org| {
        org.in_server(&server, &policy_id)?;
        org.get_policy(&policy_id)
    })?;
    Ok(ok(&policy))
}

async fn replace_server_policy(
    State(app): State<AppState>,
    Path((server, policy_id)): Path<(String, String)>,
    OktaJson(body): OktaJson<Policy>,
) -> Result<Response, ApiError> {
    let policy = app
        .write(|org| {
            org.in_server(&server, &policy_id)?;
            org.replace_policy(&policy_id, body)
        })
        .await?;
    Ok(ok(&policy))
}

async fn delete_server_policy(
    State(app): State<AppState>,
    Path((server, policy_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    app.write(|org| {
        org.in_server(&server, &policy_id)?;
        org.delete_policy(&policy_id)
    })
    .await?;
    Ok(no_content())
}

async fn set_server_policy_status(
    app: &AppState,
    server: &str,
    policy_id: &str,
    active: bool,
) -> Result<Response, ApiError> {
    app.write(|org| {
        org.in_server(server, policy_id)?;
        org.set_policy_status(policy_id, active)
    })
    .await?;
    Ok(no_content())
}

async fn activate_server_policy(
    State(app): State<AppState>,
    Path((server, policy_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    set_server_policy_status(&app, &server, &policy_id, true).await
}

async fn deactivate_server_policy(
    State(app): State<AppState>,
    Path((server, policy_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    set_server_policy_status(&app, &server, &policy_id, false).await
}

async fn list_server_rules(
    State(app): State<AppState>,
    Path((server, policy_id)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = QueryParams::parse(raw.as_deref());
    let rules = app.read(|org| {
        org.in_server(&server, &policy_id)?;
        org.list_rules(&policy_id)
    })?;
    list_page(&app, uri.path(), &query, rules, |r| r.id.as_deref())
}

async fn create_server_rule(
    State(app): State<AppState>,
    Path((server, policy_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    OktaJson(body): OktaJson<PolicyRule>,
) -> Result<Response, ApiError> {
    let activate = activate(&app, &QueryParams::parse(raw.as_deref()))?;
    let rule = app
        .write(|org| {
            org.in_server(&server, &policy_id)?;
            org.create_rule(&policy_id, body, activate)
        })
        .await?;
    Ok(created(&rule))
}

async fn get_server_rule(
    State(app): State<AppState>,
    Path((server, policy_id, rule_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let rule = app.read(|org| {
        org.in_server(&server, &policy_id)?;
        org.get_rule(&policy_id, &rule_id)
    })?;
    Ok(ok(&rule))
}

async fn replace_server_rule(
    State(app): State<AppState>,
    Path((server, policy_id, rule_id)): Path<(String, String, String)>,
    OktaJson(body): OktaJson<PolicyRule>,
) -> Result<Response, ApiError> {
    let rule = app
        .write(|org| {
            org.in_server(&server, &policy_id)?;
            org.replace_rule(&policy_id, &rule_id, body)
        })
        .await?;
    Ok(ok(&rule))
}

async fn delete_server_rule(
    State(app): State<AppState>,
    Path((server, policy_id, rule_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    app.write(|org| {
        org.in_server(&server, &policy_id)?;
        org.delete_rule(&policy_id, &rule_id)
    })
    .await?;
    Ok(no_content())
}

async fn set_server_rule_status(
    app: &AppState,
    ids: (String, String, String),
    active: bool,
) -> Result<Response, ApiError> {
    let (server, policy_id, rule_id) = ids;
    app.write(|org| {
        org.in_server(&server, &policy_id)?;
        org.set_rule_status(&policy_id, &rule_id, active)
    })
    .await?;
    Ok(no_content())
}

async fn activate_server_rule(
    State(app): State<AppState>,
    Path(ids): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    set_server_rule_status(&app, ids, true).await
}

async fn deactivate_server_rule(
    State(app): State<AppState>,
    Path(ids): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    set_server_rule_status(&app, ids, false).await
}

#[cfg(test)]
mod tests {
    use super::group_name_search;

    #[test]
    fn group_search_reads_profile_name_eq() {
        assert_eq!(
            group_name_search(r#"profile.name eq "Okta Administrators""#).as_deref(),
            Some("Okta Administrators")
        );
        assert_eq!(
            group_name_search(r#" profile.name EQ "a \"b\"" "#).as_deref(),
            Some(r#"a "b""#)
        );
        for unsupported in [
            r#"profile.name sw "Eng""#,
            r#"type eq "OKTA_GROUP""#,
            "profile.name eq Engineering",
            "profile.name",
        ] {
            assert_eq!(group_name_search(unsupported), None, "{unsupported}");
        }
    }
}
