//! The embedded local org: the emulator's state machine behind the [`Api`]
//! trait, in-process, optionally saved to a file (`.oktapol/local-org.json`)
//! after every write. `plan` and `apply` run against it with no Okta org and
//! no socket; tests use it to drive the planner and the apply engine.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;

use super::api::{Api, Organization, Scope};
use super::error::{ApiError, ApiResult};
use super::wire::{
    Application, Authenticator, AuthorizationServer, Group, IdentityProvider, InlineHook,
    NetworkZone, OktaError, Policy, PolicyRule, PolicyType, SimulateExpand, SimulateRequest,
    SimulateResponse, User, UserType,
};
use crate::clock::Clock;
use crate::emulator::org::{Org, Outcome};
use crate::emulator::server::persist::{PersistError, Persister, write_atomically};

/// An org held in memory, optionally saved to a file.
pub struct LocalOrg {
    org: Mutex<Org>,
    file: Option<PathBuf>,
}

/// Why the local org could not be loaded or saved.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LocalOrgError {
    #[error(transparent)]
    #[diagnostic(
        code(oktapol::local_org),
        help("the local org is a scratch org: delete the file to start from a fresh one")
    )]
    Persist(#[from] PersistError),
}

impl LocalOrg {
    /// A fresh org in memory.
    pub fn new(org: Org) -> Self {
        LocalOrg {
            org: Mutex::new(org),
            file: None,
        }
    }

    /// The org saved at `file`, or a fresh one (Identity Engine, Okta's
    /// default policies, `seed`'s directory) when the file does not exist.
    pub fn open(
        file: &Path,
        clock: Arc<dyn Clock>,
        fresh: impl FnOnce(Arc<dyn Clock>) -> Org,
    ) -> Result<Self, LocalOrgError> {
        let persister = Persister::new(file);
        let org = match persister.load()? {
            Some(state) => Org::from_state(state, clock),
            None => fresh(clock),
        };
        Ok(LocalOrg {
            org: Mutex::new(org),
            file: Some(file.to_path_buf()),
        })
    }

    /// Runs `f` on the org (for tests and the bench harness).
    pub fn with_org<T>(&self, f: impl FnOnce(&mut Org) -> T) -> T {
        f(&mut self.org.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn read<T>(&self, request: &str, f: impl FnOnce(&mut Org) -> Outcome<T>) -> ApiResult<T> {
        self.with_org(f)
            .map_err(|error| okta_error(request, *error))
    }

    /// A write, saved before it returns when the org lives in a file.
    fn write<T>(&self, request: &str, f: impl FnOnce(&mut Org) -> Outcome<T>) -> ApiResult<T> {
        let mut org = self.org.lock().unwrap_or_else(PoisonError::into_inner);
        let value = f(&mut org).map_err(|error| okta_error(request, *error))?;
        if let Some(file) = &self.file {
            let bytes = serde_json::to_vec(org.state()).map_err(|error| ApiError::Decode {
                request: request.to_owned(),
                reason: format!("cannot serialise the local org: {error}"),
            })?;
            write_atomically(file, &bytes).map_err(|error| ApiError::Transport {
                request: request.to_owned(),
                kind: super::error::TransportKind::Interrupted,
                reason: format!("cannot save the local org to {}: {error}", file.display()),
            })?;
        }
        Ok(value)
    }
}

fn okta_error(request: &str, error: OktaError) -> ApiError {
    let status = error.status().unwrap_or(500);
    ApiError::okta(request, status, error)
}

/// Checks that `policy_id` lives in `scope`, as the HTTP paths do.
fn in_scope(org: &mut Org, scope: &Scope, policy_id: &str) -> Outcome<()> {
    match scope {
        Scope::Org => org.in_org(policy_id),
        Scope::Server(server) => org.in_server(server, policy_id),
    }
}

fn lifecycle(active: bool) -> &'static str {
    if active { "activate" } else { "deactivate" }
}

#[async_trait]
impl Api for LocalOrg {
    fn describe(&self) -> String {
        match &self.file {
            Some(file) => format!("local org ({})", file.display()),
            None => "local org (in memory)".to_owned(),
        }
    }

    async fn organization(&self) -> ApiResult<Organization> {
        Ok(self.with_org(|org| Organization {
            id: org.org_id().to_owned(),
            engine: org.engine(),
        }))
    }

    async fn list_policies(&self, kind: &PolicyType) -> ApiResult<Vec<Policy>> {
        let request = format!("GET /api/v1/policies?type={}", kind.as_str());
        self.read(&request, |org| org.list_policies(kind.as_str(), None, None))
    }

    async fn list_server_policies(&self, server_id: &str) -> ApiResult<Vec<Policy>> {
        let request = format!("GET /api/v1/authorizationServers/{server_id}/policies");
        self.read(&request, |org| org.list_server_policies(server_id))
    }

    async fn get_policy(&self, scope: &Scope, id: &str) -> ApiResult<Policy> {
        let request = format!("GET {}/{id}", scope.policies_path());
        self.read(&request, |org| {
            in_scope(org, scope, id)?;
            org.get_policy(id)
        })
    }

    async fn create_policy(
        &self,
        scope: &Scope,
        body: &Policy,
        activate: bool,
    ) -> ApiResult<Policy> {
        let request = format!("POST {}", scope.policies_path());
        self.write(&request, |org| match scope {
            Scope::Org => org.create_policy(body.clone(), activate),
            Scope::Server(server) => org.create_server_policy(server, body.clone(), activate),
        })
    }

    async fn replace_policy(&self, scope: &Scope, id: &str, body: &Policy) -> ApiResult<Policy> {
        let request = format!("PUT {}/{id}", scope.policies_path());
        self.write(&request, |org| {
            in_scope(org, scope, id)?;
            org.replace_policy(id, body.clone())
        })
    }

    async fn delete_policy(&self, scope: &Scope, id: &str) -> ApiResult<()> {
        let request = format!("DELETE {}/{id}", scope.policies_path());
        self.write(&request, |org| {
            in_scope(org, scope, id)?;
            org.delete_policy(id)
        })
    }

    async fn set_policy_status(&self, scope: &Scope, id: &str, active: bool) -> ApiResult<()> {
        let request = format!(
            "POST {}/{id}/lifecycle/{}",
            scope.policies_path(),
            lifecycle(active)
        );
        self.write(&request, |org| {
            in_scope(org, scope, id)?;
            org.set_policy_status(id, active)
        })
    }

    async fn list_rules(&self, scope: &Scope, policy_id: &str) -> ApiResult<Vec<PolicyRule>> {
        let request = format!("GET {}/{policy_id}/rules", scope.policies_path());
        self.read(&request, |org| {
            in_scope(org, scope, policy_id)?;
            org.list_rules(policy_id)
        })
    }

    async fn create_rule(
        &self,
        scope: &Scope,
        policy_id: &str,
        body: &PolicyRule,
        activate: bool,
    ) -> ApiResult<PolicyRule> {
        let request = format!("POST {}/{policy_id}/rules", scope.policies_path());
        self.write(&request, |org| {
            in_scope(org, scope, policy_id)?;
            org.create_rule(policy_id, body.clone(), activate)
        })
    }

    async fn replace_rule(
        &self,
        scope: &Scope,
        policy_id: &str,
        rule_id: &str,
        body: &PolicyRule,
    ) -> ApiResult<PolicyRule> {
        let request = format!("PUT {}/{policy_id}/rules/{rule_id}", scope.policies_path());
        self.write(&request, |org| {
            in_scope(org, scope, policy_id)?;
            org.replace_rule(policy_id, rule_id, body.clone())
        })
    }

    async fn delete_rule(&self, scope: &Scope, policy_id: &str, rule_id: &str) -> ApiResult<()> {
        let request = format!(
            "DELETE {}/{policy_id}/rules/{rule_id}",
            scope.policies_path()
        );
        self.write(&request, |org| {
            in_scope(org, scope, policy_id)?;
            org.delete_rule(policy_id, rule_id)
        })
    }

    async fn set_rule_status(
        &self,
        scope: &Scope,
        policy_id: &str,
        rule_id: &str,
        active: bool,
    ) -> ApiResult<()> {
        let request = format!(
            "POST {}/{policy_id}/rules/{rule_id}/lifecycle/{}",
            scope.policies_path(),
            lifecycle(active)
        );
        self.write(&request, |org| {
            in_scope(org, scope, policy_id)?;
            org.set_rule_status(policy_id, rule_id, active)
        })
    }

    async fn list_apps(&self) -> ApiResult<Vec<Application>> {
        Ok(self.with_org(|org| org.list_apps(None)))
    }

    async fn map_app(&self, app_id: &str, policy_id: &str) -> ApiResult<()> {
        let request = format!("PUT /api/v1/apps/{app_id}/policies/{policy_id}");
        self.write(&request, |org| org.assign_app_policy(app_id, policy_id))
    }

    async fn list_groups(&self) -> ApiResult<Vec<Group>> {
        Ok(self.with_org(|org| org.directory().groups.clone()))
    }

    async fn find_user(&self, login: &str) -> ApiResult<Option<User>> {
        Ok(self.with_org(|org| org.directory().user(login).cloned()))
    }

    async fn list_zones(&self) -> ApiResult<Vec<NetworkZone>> {
        Ok(self.with_org(|org| org.directory().zones.clone()))
    }

    async fn list_idps(&self) -> ApiResult<Vec<IdentityProvider>> {
        Ok(self.with_org(|org| org.directory().idps.clone()))
    }

    async fn list_authenticators(&self) -> ApiResult<Vec<Authenticator>> {
        Ok(self.with_org(|org| org.directory().authenticators.clone()))
    }

    async fn list_user_types(&self) -> ApiResult<Vec<UserType>> {
        Ok(self.with_org(|org| org.directory().user_types.clone()))
    }

    async fn list_inline_hooks(&self) -> ApiResult<Vec<InlineHook>> {
        Ok(self.with_org(|org| org.directory().hooks.clone()))
    }

    async fn list_auth_servers(&self) -> ApiResult<Vec<AuthorizationServer>> {
        Ok(self.with_org(|org| org.directory().auth_servers.clone()))
    }

    async fn simulate(
        &self,
        request: &SimulateRequest,
        expand: SimulateExpand,
    ) -> ApiResult<SimulateResponse> {
        self.read("POST /api/v1/policies/simulate", |org| {
            org.simulate(request, expand)
        })
    }
}
