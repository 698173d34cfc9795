//! The [`Api`] trait: every Okta operation oktapol performs, and nothing
//! else. The planner and the apply engine take `&dyn Api`; the HTTP client
//! talks to a real org (or the emulator over HTTP), the local org drives the
//! emulator's state machine in-process, and [`Metered`](super::Metered)
//! counts calls for tests and benchmarks. List operations return every page.

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::error::ApiResult;
use super::wire::{
    Application, Authenticator, AuthorizationServer, Group, IdentityProvider, InlineHook,
    NetworkZone, Policy, PolicyRule, PolicyType, SimulateExpand, SimulateRequest, SimulateResponse,
    User, UserType,
};
use crate::emulator::Engine;

/// Where a policy lives: the org's policy API, or an authorization server's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// `/api/v1/policies`.
    Org,
    /// `/api/v1/authorizationServers/{id}/policies`.
    Server(String),
}

impl Scope {
    /// The collection path of this scope's policies.
    pub fn policies_path(&self) -> String {
        match self {
            Scope::Org => "/api/v1/policies".to_owned(),
            Scope::Server(id) => format!("/api/v1/authorizationServers/{id}/policies"),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Org => f.write_str("org"),
            Scope::Server(id) => write!(f, "authorization server {id}"),
        }
    }
}

/// What `/.well-known/okta-organization` says about the org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// The org's ID.
    pub id: String,
    /// Identity Engine (`pipeline: idx`) or Classic (`pipeline: v1`).
    pub engine: Engine,
}

/// Which directory objects a name lookup reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Lookup {
    Groups,
    Users,
    Zones,
    Apps,
    Idps,
    Authenticators,
    UserTypes,
    InlineHooks,
    AuthServers,
}

/// The Okta operations oktapol needs. Every method is one logical request
/// (lists: one request per page).
#[async_trait]
pub trait Api: Send + Sync {
    /// The org's URL, as shown to users (`local org (…)` for the embedded one).
    fn describe(&self) -> String;

    /// `GET /.well-known/okta-organization`.
    async fn organization(&self) -> ApiResult<Organization>;

    /// `GET /api/v1/policies?type=…`, every page, in priority order.
    async fn list_policies(&self, kind: &PolicyType) -> ApiResult<Vec<Policy>>;
    /// `GET /api/v1/authorizationServers/{id}/policies`.
    async fn list_server_policies(&self, server_id: &str) -> ApiResult<Vec<Policy>>;
    /// `GET …/policies/{id}`.
    async fn get_policy(&self, scope: &Scope, id: &str) -> ApiResult<Policy>;
    /// `POST …/policies?activate=…`.
    async fn create_policy(
        &self,
        scope: &Scope,
        body: &Policy,
        activate: bool,
    ) -> ApiResult<Policy>;
    /// `PUT …/policies/{id}`.
    async fn replace_policy(&self, scope: &Scope, id: &str, body: &Policy) -> ApiResult<Policy>;
    /// `DELETE …/policies/{id}`.
    async fn delete_policy(&self, scope: &Scope, id: &str) -> ApiResult<()>;
    /// `POST …/policies/{id}/lifecycle/activate|deactivate`.
    async fn set_policy_status(&self, scope: &Scope, id: &str, active: bool) -> ApiResult<()>;

    /// `GET …/policies/{id}/rules`, every page, in priority order.
    async fn list_rules(&self, scope: &Scope, policy_id: &str) -> ApiResult<Vec<PolicyRule>>;
    /// `POST …/policies/{id}/rules?activate=…`.
    async fn create_rule(
        &self,
        scope: &Scope,
        policy_id: &str,
        body: &PolicyRule,
        activate: bool,
    ) -> ApiResult<PolicyRule>;
    /// `PUT …/policies/{id}/rules/{ruleId}`.
    async fn replace_rule(
        &self,
        scope: &Scope,
        policy_id: &str,
        rule_id: &str,
        body: &PolicyRule,
    ) -> ApiResult<PolicyRule>;
    /// `DELETE …/policies/{id}/rules/{ruleId}`.
    async fn delete_rule(&self, scope: &Scope, policy_id: &str, rule_id: &str) -> ApiResult<()>;
    /// `POST …/rules/{ruleId}/lifecycle/activate|deactivate`.
    async fn set_rule_status(
        &self,
        scope: &Scope,
        policy_id: &str,
        rule_id: &str,
        active: bool,
    ) -> ApiResult<()>;

    /// `GET /api/v1/apps`, every page (each app's `_links` name its policies).
    async fn list_apps(&self) -> ApiResult<Vec<Application>>;
    /// `PUT /api/v1/apps/{appId}/policies/{policyId}`: maps an app to an
    /// access or profile enrollment policy.
    async fn map_app(&self, app_id: &str, policy_id: &str) -> ApiResult<()>;

    /// `GET /api/v1/groups`, every page.
    async fn list_groups(&self) -> ApiResult<Vec<Group>>;
    /// `GET /api/v1/users/{login}` (Okta also accepts the user's ID there);
    /// `None` when no user has that login or ID.
    async fn find_user(&self, login: &str) -> ApiResult<Option<User>>;
    /// `GET /api/v1/zones`, every page.
    async fn list_zones(&self) -> ApiResult<Vec<NetworkZone>>;
    /// `GET /api/v1/idps`, every page.
    async fn list_idps(&self) -> ApiResult<Vec<IdentityProvider>>;
    /// `GET /api/v1/authenticators`.
    async fn list_authenticators(&self) -> ApiResult<Vec<Authenticator>>;
    /// `GET /api/v1/meta/types/user`.
    async fn list_user_types(&self) -> ApiResult<Vec<UserType>>;
    /// `GET /api/v1/inlineHooks`.
    async fn list_inline_hooks(&self) -> ApiResult<Vec<InlineHook>>;
    /// `GET /api/v1/authorizationServers`, every page.
    async fn list_auth_servers(&self) -> ApiResult<Vec<AuthorizationServer>>;

    /// `POST /api/v1/policies/simulate?expand=…` (Identity Engine only):
    /// which policies and rules Okta applies to a sign-in context. It
    /// changes nothing, so it is retried like a read.
    async fn simulate(
        &self,
        request: &SimulateRequest,
        expand: SimulateExpand,
    ) -> ApiResult<SimulateResponse>;
}
