//! [`Faulty`]: an [`Api`] decorator that makes a well-behaved API misbehave
//! the way a real org does under load, so the apply engine's recovery can
//! be tested in-process and soaked by the bench. On a write it may answer
//! 500 without doing it, do it and then answer 500 ("commit then fail"), do
//! it and then time out, or answer 429 without doing it; a read may get a
//! 500 or a 429 (without effect). Which call gets which fault is decided by
//! a splitmix64 stream from a seed, one draw per call, so one seed and one
//! call sequence always give the same faults. Nothing sleeps.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;

use super::api::{Api, Organization, Scope};
use super::error::{ApiError, ApiResult, TransportKind};
use super::wire::{
    Application, Authenticator, AuthorizationServer, Group, IdentityProvider, InlineHook,
    NetworkZone, OktaError, Policy, PolicyRule, PolicyType, SimulateExpand, SimulateRequest,
    SimulateResponse, User, UserType,
};

/// Okta's internal server error code.
const INTERNAL_ERROR: &str = "E0000009";

/// How often each fault strikes, as a probability in 0…1 per call. The
/// probabilities add up (one draw decides the call), so their sum should
/// not exceed 1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaultPlan {
    /// Answer 500 `E0000009` without doing the call (writes and reads).
    pub error_500: f64,
    /// Do the write, then answer 500 `E0000009`.
    pub commit_then_fail: f64,
    /// Do the write, then fail with a transport timeout.
    pub timeout_after_commit: f64,
    /// Answer 429 `E0000047` without doing the call (writes and reads).
    pub rate_limited: f64,
}

impl FaultPlan {
    /// No faults at all.
    pub const NONE: FaultPlan = FaultPlan {
        error_500: 0.0,
        commit_then_fail: 0.0,
        timeout_after_commit: 0.0,
        rate_limited: 0.0,
    };

    /// The soak mix: 10% 500s, 10% commit-then-fail, 5% timeouts after
    /// commit, 5% 429s.
    pub const SOAK: FaultPlan = FaultPlan {
        error_500: 0.10,
        commit_then_fail: 0.10,
        timeout_after_commit: 0.05,
        rate_limited: 0.05,
    };
}

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500, nothing done.
    Error500,
    /// Done, then 500.
    CommitThenFail,
    /// Done, then a timeout.
    TimeoutAfterCommit,
    /// 429, nothing done.
    RateLimited,
}

/// How many calls went through and how many faults were injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultCounts {
    /// Read calls made (faulted or not).
    pub reads: u64,
    /// Write calls made (faulted or not).
    pub writes: u64,
    /// 500s injected before the call.
    pub error_500: u64,
    /// Writes done, then answered 500.
    pub commit_then_fail: u64,
    /// Writes done, then timed out.
    pub timeout_after_commit: u64,
    /// 429s injected before the call.
    pub rate_limited: u64,
}

impl FaultCounts {
    /// Every fault injected.
    pub fn faults(&self) -> u64 {
        self.error_500 + self.commit_then_fail + self.timeout_after_commit + self.rate_limited
    }
}

/// splitmix64: tiny, and the same stream on every platform.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_fraction(&mut self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// An [`Api`] that injects faults into the calls to an inner one.
pub struct Faulty<A> {
    inner: A,
    plan: FaultPlan,
    reads: bool,
    enabled: AtomicBool,
    rng: Mutex<SplitMix64>,
    counts: Mutex<FaultCounts>,
}

impl<A: Api> Faulty<A> {
    /// Wraps `inner`, injecting `plan`'s faults into writes and reads,
    /// decided by a stream seeded by `seed`.
    pub fn new(inner: A, plan: FaultPlan, seed: u64) -> Self {
        Faulty {
            inner,
            plan,
            reads: true,
            enabled: AtomicBool::new(true),
            rng: Mutex::new(SplitMix64(seed)),
            counts: Mutex::new(FaultCounts::default()),
        }
    }

    /// Whether reads get faults too (they do unless told otherwise).
    #[must_use]
    pub fn with_read_faults(mut self, reads: bool) -> Self {
        self.reads = reads;
        self
    }

    /// Turns injection on or off (calls pass through untouched while off,
    /// and draw nothing from the stream).
    pub fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::SeqCst);
    }

    /// The wrapped API.
    pub fn inner(&self) -> &A {
        &self.inner
    }

    /// Calls and faults so far.
    pub fn counts(&self) -> FaultCounts {
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn count(&self, f: impl FnOnce(&mut FaultCounts)) {
        f(&mut self.counts.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// The fault for the next call, if any: one draw per call.
    fn draw(&self, write: bool) -> Option<Fault> {
        self.count(|c| {
            if write {
                c.writes += 1;
            } else {
                c.reads += 1;
            }
        });
        if !self.enabled.load(Ordering::SeqCst) || (!write && !self.reads) {
            return None;
        }
        let roll = self
            .rng
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next_fraction();
        let plan = &self.plan;
        let (commit_then_fail, timeout_after_commit) = if write {
            (plan.commit_then_fail, plan.timeout_after_commit)
        } else {
            (0.0, 0.0)
        };
        let mut threshold = 0.0;
        for (probability, fault) in [
            (plan.error_500, Fault::Error500),
            (commit_then_fail, Fault::CommitThenFail),
            (timeout_after_commit, Fault::TimeoutAfterCommit),
            (plan.rate_limited, Fault::RateLimited),
        ] {
            threshold += probability;
            if roll < threshold {
                return Some(fault);
            }
        }
        None
    }

    fn record(&self, fault: Fault) {
        self.count(|c| match fault {
            Fault::Error500 => c.error_500 += 1,
            Fault::CommitThenFail => c.commit_then_fail += 1,
            Fault::TimeoutAfterCommit => c.timeout_after_commit += 1,
            Fault::RateLimited => c.rate_limited += 1,
        });
    }

    async fn read<T, F>(&self, request: impl FnOnce() -> String, call: F) -> ApiResult<T>
    where
        F: Future<Output = ApiResult<T>>,
    {
        match self.draw(false) {
            Some(fault @ (Fault::Error500 | Fault::RateLimited)) => {
                self.record(fault);
                Err(error_for(fault, &request()))
            }
            _ => call.await,
        }
    }

    async fn write<T, F>(&self, request: impl FnOnce() -> String, call: F) -> ApiResult<T>
    where
        F: Future<Output = ApiResult<T>>,
    {
        let Some(fault) = self.draw(true) else {
            return call.await;
        };
        if matches!(fault, Fault::CommitThenFail | Fault::TimeoutAfterCommit) {
            // Only a write that took effect can fail after committing.
            call.await?;
        }
        self.record(fault);
        Err(error_for(fault, &request()))
    }
}

fn error_for(fault: Fault, request: &str) -> ApiError {
    match fault {
        Fault::Error500 | Fault::CommitThenFail => ApiError::okta(
            request,
            500,
            OktaError::new(INTERNAL_ERROR, "Internal Server Error (injected)", "faulty"),
        ),
        Fault::TimeoutAfterCommit => ApiError::Transport {
            request: request.to_owned(),
            kind: TransportKind::Timeout,
            reason: "no answer in time (injected, after the write took effect)".to_owned(),
        },
        Fault::RateLimited => ApiError::okta(request, 429, OktaError::rate_limited("faulty")),
    }
}

fn lifecycle(active: bool) -> &'static str {
    if active { "activate" } else { "deactivate" }
}

#[async_trait]
impl<A: Api> Api for Faulty<A> {
    fn describe(&self) -> String {
        self.inner.describe()
    }

    async fn organization(&self) -> ApiResult<Organization> {
        let request = || "GET /.well-known/okta-organization".to_owned();
        self.read(request, self.inner.organization()).await
    }

    async fn list_policies(&self, kind: &PolicyType) -> ApiResult<Vec<Policy>> {
        let request = || format!("GET /api/v1/policies?type={}", kind.as_str());
        self.read(request, self.inner.list_policies(kind)).await
    }

    async fn list_server_policies(&self, server_id: &str) -> ApiResult<Vec<Policy>> {
        let request = || format!("GET /api/v1/authorizationServers/{server_id}/policies");
        self.read(request, self.inner.list_server_policies(server_id))
            .await
    }

    async fn get_policy(&self, scope: &Scope, id: &str) -> ApiResult<Policy> {
        let request = || format!("GET {}/{id}", scope.policies_path());
        self.read(request, self.inner.get_policy(scope, id)).await
    }

    async fn create_policy(
        &self,
        scope: &Scope,
        body: &Policy,
        activate: bool,
    ) -> ApiResult<Policy> {
        let request = || format!("POST {}", scope.policies_path());
        self.write(request, self.inner.create_policy(scope, body, activate))
            .await
    }

    async fn replace_policy(&self, scope: &Scope, id: &str, body: &Policy) -> ApiResult<Policy> {
        let request = || format!("PUT {}/{id}", scope.policies_path());
        self.write(request, self.inner.replace_policy(scope, id, body))
            .await
    }

    async fn delete_policy(&self, scope: &Scope, id: &str) -> ApiResult<()> {
        let request = || format!("DELETE {}/{id}", scope.policies_path());
        self.write(request, self.inner.delete_policy(scope, id))
            .await
    }

    async fn set_policy_status(&self, scope: &Scope, id: &str, active: bool) -> ApiResult<()> {
        let request = || {
            format!(
                "POST {}/{id}/lifecycle/{}",
                scope.policies_path(),
                lifecycle(active)
            )
        };
        self.write(request, self.inner.set_policy_status(scope, id, active))
            .await
    }

    async fn list_rules(&self, scope: &Scope, policy_id: &str) -> ApiResult<Vec<PolicyRule>> {
        let request = || format!("GET {}/{policy_id}/rules", scope.policies_path());
        self.read(request, self.inner.list_rules(scope, policy_id))
            .await
    }

    async fn create_rule(
        &self,
        scope: &Scope,
        policy_id: &str,
        body: &PolicyRule,
        activate: bool,
    ) -> ApiResult<PolicyRule> {
        let request = || format!("POST {}/{policy_id}/rules", scope.policies_path());
        let call = self.inner.create_rule(scope, policy_id, body, activate);
        self.write(request, call).await
    }

    async fn replace_rule(
        &self,
        scope: &Scope,
        policy_id: &str,
        rule_id: &str,
        body: &PolicyRule,
    ) -> ApiResult<PolicyRule> {
        let request = || format!("PUT {}/{policy_id}/rules/{rule_id}", scope.policies_path());
        let call = self.inner.replace_rule(scope, policy_id, rule_id, body);
        self.write(request, call).await
    }

    async fn delete_rule(&self, scope: &Scope, policy_id: &str, rule_id: &str) -> ApiResult<()> {
        let request = || {
            format!(
                "DELETE {}/{policy_id}/rules/{rule_id}",
                scope.policies_path()
            )
        };
        let call = self.inner.delete_rule(scope, policy_id, rule_id);
        self.write(request, call).await
    }

    async fn set_rule_status(
        &self,
        scope: &Scope,
        policy_id: &str,
        rule_id: &str,
        active: bool,
    ) -> ApiResult<()> {
        let request = || {
            format!(
                "POST {}/{policy_id}/rules/{rule_id}/lifecycle/{}",
                scope.policies_path(),
                lifecycle(active)
            )
        };
        let call = self
            .inner
            .set_rule_status(scope, policy_id, rule_id, active);
        self.write(request, call).await
    }

    async fn list_apps(&self) -> ApiResult<Vec<Application>> {
        let request = || "GET /api/v1/apps".to_owned();
        self.read(request, self.inner.list_apps()).await
    }

    async fn map_app(&self, app_id: &str, policy_id: &str) -> ApiResult<()> {
        let request = || format!("PUT /api/v1/apps/{app_id}/policies/{policy_id}");
        self.write(request, self.inner.map_app(app_id, policy_id))
            .await
    }

    async fn list_groups(&self) -> ApiResult<Vec<Group>> {
        let request = || "GET /api/v1/groups".to_owned();
        self.read(request, self.inner.list_groups()).await
    }

    async fn find_user(&self, login: &str) -> ApiResult<Option<User>> {
        let request = || format!("GET /api/v1/users/{login}");
        self.read(request, self.inner.find_user(login)).await
    }

    async fn list_zones(&self) -> ApiResult<Vec<NetworkZone>> {
        let request = || "GET /api/v1/zones".to_owned();
        self.read(request, self.inner.list_zones()).await
    }

    async fn list_idps(&self) -> ApiResult<Vec<IdentityProvider>> {
        let request = || "GET /api/v1/idps".to_owned();
        self.read(request, self.inner.list_idps()).await
    }

    async fn list_authenticators(&self) -> ApiResult<Vec<Authenticator>> {
        let request = || "GET /api/v1/authenticators".to_owned();
        self.read(request, self.inner.list_authenticators()).await
    }

    async fn list_user_types(&self) -> ApiResult<Vec<UserType>> {
        let request = || "GET /api/v1/meta/types/user".to_owned();
        self.read(request, self.inner.list_user_types()).await
    }

    async fn list_inline_hooks(&self) -> ApiResult<Vec<InlineHook>> {
        let request = || "GET /api/v1/inlineHooks".to_owned();
        self.read(request, self.inner.list_inline_hooks()).await
    }

    async fn list_auth_servers(&self) -> ApiResult<Vec<AuthorizationServer>> {
        let request = || "GET /api/v1/authorizationServers".to_owned();
        self.read(request, self.inner.list_auth_servers()).await
    }

    async fn simulate(
        &self,
        request: &SimulateRequest,
        expand: SimulateExpand,
    ) -> ApiResult<SimulateResponse> {
        // Read-only: it fails like a read, never after "committing".
        let call = || "POST /api/v1/policies/simulate".to_owned();
        self.read(call, self.inner.simulate(request, expand)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_seed_gives_one_stream() {
        let draws = |seed| {
            let mut rng = SplitMix64(seed);
            (0..8).map(|_| rng.next_fraction()).collect::<Vec<_>>()
        };
        assert_eq!(draws(3), draws(3));
        assert_ne!(draws(3), draws(4));
        assert!(draws(5).iter().all(|f| (0.0..1.0).contains(f)));
    }

    #[test]
    fn injected_errors_say_whether_the_outcome_is_known() {
        let request = "POST /api/v1/policies";
        assert!(error_for(Fault::Error500, request).outcome_unknown());
        assert!(error_for(Fault::CommitThenFail, request).outcome_unknown());
        assert!(error_for(Fault::TimeoutAfterCommit, request).outcome_unknown());
        let limited = error_for(Fault::RateLimited, request);
        assert_eq!(limited.status(), Some(429));
        assert!(!limited.outcome_unknown());
        assert!(limited.transient());
    }
}
