//! [`Metered`]: an [`Api`] that counts the calls passing through it, per
//! operation, so tests and benchmarks can check how many requests a plan or
//! an apply costs. Lists count one call per page they would fetch.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;

use super::api::{Api, Organization, Scope};
use super::error::ApiResult;
use super::wire::{
    Application, Authenticator, AuthorizationServer, Group, IdentityProvider, InlineHook,
    NetworkZone, Policy, PolicyRule, PolicyType, SimulateExpand, SimulateRequest, SimulateResponse,
    User, UserType,
};

/// Counts calls made through an inner [`Api`].
pub struct Metered<A> {
    inner: A,
    page_size: usize,
    counts: Mutex<BTreeMap<&'static str, u64>>,
}

/// Whether an operation reads or writes.
pub fn is_write(operation: &str) -> bool {
    matches!(
        operation,
        "create_policy"
            | "replace_policy"
            | "delete_policy"
            | "set_policy_status"
            | "create_rule"
            | "replace_rule"
            | "delete_rule"
            | "set_rule_status"
            | "map_app"
    )
}

impl<A: Api> Metered<A> {
    /// Wraps `inner`; a list of `n` objects counts `⌈n / page_size⌉` calls
    /// (at least one), as the HTTP client would make.
    pub fn new(inner: A, page_size: usize) -> Self {
        Metered {
            inner,
            page_size: page_size.max(1),
            counts: Mutex::new(BTreeMap::new()),
        }
    }

    /// The wrapped API.
    pub fn inner(&self) -> &A {
        &self.inner
    }

    /// Calls per operation so far.
    pub fn counts(&self) -> BTreeMap<&'static str, u64> {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every call so far.
    pub fn total(&self) -> u64 {
        self.counts().values().sum()
    }

    /// Write calls so far.
    pub fn writes(&self) -> u64 {
        self.counts()
            .iter()
            .filter(|(operation, _)| is_write(operation))
            .map(|(_, count)| count)
            .sum()
    }

    /// Forgets the counts.
    pub fn reset(&self) {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    fn add(&self, operation: &'static str, calls: u64) {
        *self
            .counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(operation)
            .or_default() += calls;
    }

    fn one<T>(&self, operation: &'static str, result: ApiResult<T>) -> ApiResult<T> {
        self.add(operation, 1);
        result
    }

    fn paged<T>(&self, operation: &'static str, result: ApiResult<Vec<T>>) -> ApiResult<Vec<T>> {
        let pages = match &result {
            Ok(items) => items.len().div_ceil(self.page_size).max(1),
            Err(_) => 1,
        };
        self.add(operation, pages as u64);
        result
    }
}

#[async_trait]
impl<A: Api> Api for Metered<A> {
    fn describe(&self) -> String {
        self.inner.describe()
    }

    async fn organization(&self) -> ApiResult<Organization> {
        self.one("organization", self.inner.organization().await)
    }

    async fn list_policies(&self, kind: &PolicyType) -> ApiResult<Vec<Policy>> {
        self.paged("list_policies", self.inner.list_policies(kind).await)
    }

    async fn list_server_policies(&self, server_id: &str) -> ApiResult<Vec<Policy>> {
        let result = self.inner.list_server_policies(server_id).await;
        self.paged("list_server_policies", result)
    }

    async fn get_policy(&self, scope: &Scope, id: &str) -> ApiResult<Policy> {
        self.one("get_policy", self.inner.get_policy(scope, id).await)
    }

    async fn create_policy(
        &self,
        scope: &Scope,
        body: &Policy,
        activate: bool,
    ) -> ApiResult<Policy> {
        let result = self.inner.create_policy(scope, body, activate).await;
        self.one("create_policy", result)
    }

    async fn replace_policy(&self, scope: &Scope, id: &str, body: &Policy) -> ApiResult<Policy> {
        let result = self.inner.replace_policy(scope, id, body).await;
        self.one("replace_policy", result)
    }

    async fn delete_policy(&self, scope: &Scope, id: &str) -> ApiResult<()> {
        self.one("delete_policy", self.inner.delete_policy(scope, id).await)
    }

    async fn set_policy_status(&self, scope: &Scope, id: &str, active: bool) -> ApiResult<()> {
        let result = self.inner.set_policy_status(scope, id, active).await;
        self.one("set_policy_status", result)
    }

    async fn list_rules(&self, scope: &Scope, policy_id: &str) -> ApiResult<Vec<PolicyRule>> {
        let result = self.inner.list_rules(scope, policy_id).await;
        self.paged("list_rules", result)
    }

    async fn create_rule(
        &self,
        scope: &Scope,
        policy_id: &str,
        body: &PolicyRule,
        activate: bool,
    ) -> ApiResult<PolicyRule> {
        let result = self
            .inner
            .create_rule(scope, policy_id, body, activate)
            .await;
        self.one("create_rule", result)
    }

    async fn replace_rule(
        &self,
        scope: &Scope,
        policy_id: &str,
        rule_id: &str,
        body: &PolicyRule,
    ) -> ApiResult<PolicyRule> {
        let result = self
            .inner
            .replace_rule(scope, policy_id, rule_id, body)
            .await;
        self.one("replace_rule", result)
    }

    async fn delete_rule(&self, scope: &Scope, policy_id: &str, rule_id: &str) -> ApiResult<()> {
        let result = self.inner.delete_rule(scope, policy_id, rule_id).await;
        self.one("delete_rule", result)
    }

    async fn set_rule_status(
        &self,
        scope: &Scope,
        policy_id: &str,
        rule_id: &str,
        active: bool,
    ) -> ApiResult<()> {
        let result = self
            .inner
            .set_rule_status(scope, policy_id, rule_id, active)
            .await;
        self.one("set_rule_status", result)
    }

    async fn list_apps(&self) -> ApiResult<Vec<Application>> {
        self.paged("list_apps", self.inner.list_apps().await)
    }

    async fn map_app(&self, app_id: &str, policy_id: &str) -> ApiResult<()> {
        self.one("map_app", self.inner.map_app(app_id, policy_id).await)
    }

    async fn list_groups(&self) -> ApiResult<Vec<Group>> {
        self.paged("list_groups", self.inner.list_groups().await)
    }

    async fn find_user(&self, login: &str) -> ApiResult<Option<User>> {
        self.one("find_user", self.inner.find_user(login).await)
    }

    async fn list_zones(&self) -> ApiResult<Vec<NetworkZone>> {
        self.paged("list_zones", self.inner.list_zones().await)
    }

    async fn list_idps(&self) -> ApiResult<Vec<IdentityProvider>> {
        self.paged("list_idps", self.inner.list_idps().await)
    }

    async fn list_authenticators(&self) -> ApiResult<Vec<Authenticator>> {
        self.one(
            "list_authenticators",
            self.inner.list_authenticators().await,
        )
    }

    async fn list_user_types(&self) -> ApiResult<Vec<UserType>> {
        self.one("list_user_types", self.inner.list_user_types().await)
    }

    async fn list_inline_hooks(&self) -> ApiResult<Vec<InlineHook>> {
        self.one("list_inline_hooks", self.inner.list_inline_hooks().await)
    }

    async fn list_auth_servers(&self) -> ApiResult<Vec<AuthorizationServer>> {
        self.paged("list_auth_servers", self.inner.list_auth_servers().await)
    }

    async fn simulate(
        &self,
        request: &SimulateRequest,
        expand: SimulateExpand,
    ) -> ApiResult<SimulateResponse> {
        self.one("simulate", self.inner.simulate(request, expand).await)
    }
}
