//! The org: a pure state machine holding policies and their rules, with
//! every Policy API operation as a method that returns what Okta returns —
//! the object, or an [`OktaError`] with Okta's code and causes. No HTTP
//! here: the HTTP server and the in-process `Api` both drive this.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Engine;
use super::defaults::{self, ACCOUNT_MANAGEMENT_POLICY};
use super::directory::Directory;
use super::ids::IdGenerator;
use super::kinds::{self, Order, TypeFacts};
use super::priority::{self, PlacementError, Slot};
use super::seed::Seed;
use crate::client::wire::{Field, LifecycleStatus, OktaError, Policy, PolicyRule, PolicyType};
use crate::clock::{Clock, iso8601};

/// A policy and its rules, in priority order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Entry {
    pub policy: Policy,
    pub rules: Vec<PolicyRule>,
    /// The authorization server an `OAUTH_AUTHORIZATION_POLICY` belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

/// Everything that persists (the clock does not).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrgState {
    pub engine: Engine,
    /// The org's own ID (`/.well-known/okta-organization`); kept with the
    /// state so a reloaded org keeps it.
    pub org_id: String,
    pub(super) ids: IdGenerator,
    /// `errorId`s have their own stream, so errors never shift object IDs.
    #[serde(default = "error_id_generator")]
    error_ids: IdGenerator,
    pub(super) entries: Vec<Entry>,
    /// Groups, users, zones, apps and the other objects policies refer to.
    #[serde(default)]
    pub directory: Directory,
    /// Which access / profile enrollment policy each app is mapped to.
    #[serde(default)]
    pub(super) app_policies: Vec<AppPolicies>,
}

/// The policies an app is mapped to (Okta keeps exactly one of each).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct AppPolicies {
    pub app: String,
    pub access: Option<String>,
    pub profile_enrollment: Option<String>,
}

/// Mixed into the seed of the `errorId` stream.
const ERROR_ID_STREAM: u64 = 0x6f61_6500;
/// Mixed into the seed of the org's own ID.
const ORG_ID_STREAM: u64 = 0x6f72_6700;

fn error_id_generator() -> IdGenerator {
    IdGenerator::new(ERROR_ID_STREAM)
}

/// An emulated Okta org.
pub struct Org {
    state: OrgState,
    clock: Arc<dyn Clock>,
    base_url: String,
}

/// An operation's result: Okta's response, or Okta's error (boxed: it is
/// large and rare).
pub type Outcome<T> = Result<T, Box<OktaError>>;

impl Org {
    /// A fresh org with Okta's default and system policies.
    pub fn new(engine: Engine, seed: u64, clock: Arc<dyn Clock>) -> Self {
        let mut ids = IdGenerator::new(seed);
        let directory = Directory::builtin(&mut ids);
        let mut org = Org {
            state: OrgState {
                engine,
                org_id: IdGenerator::new(seed ^ ORG_ID_STREAM).next("00o"),
                ids,
                error_ids: IdGenerator::new(seed ^ ERROR_ID_STREAM),
                entries: Vec::new(),
                directory,
                app_policies: Vec::new(),
            },
            clock,
            base_url: "http://127.0.0.1".to_owned(),
        };
        for system in defaults::system_policies(engine) {
            org.add_system_policy(&system);
        }
        org.add_default_server_policy();
        for (app, policy) in [
            ("Okta Dashboard", "Okta Dashboard"),
            ("Okta Admin Console", "Okta Admin Console"),
        ] {
            if engine == Engine::Oie {
                org.add_builtin_app(app, policy);
            }
        }
        org
    }

    /// The `default` authorization server comes with a policy for all
    /// clients and a rule for everyone.
    fn add_default_server_policy(&mut self) {
        let policy: Policy = serde_json::from_value(json!({
            "type": "OAUTH_AUTHORIZATION_POLICY",
            "name": "Default Policy",
            "description": "Default policy description",
            "conditions": { "clients": { "include": ["ALL_CLIENTS"] } }
        }))
        .unwrap_or_else(|_| Policy::new(PolicyType::OauthAuthorizationPolicy, "Default Policy"));
        let Ok(created) = self.create_server_policy("default", policy, true) else {
            return;
        };
        let Some(policy_id) = created.id else { return };
        let everyone = self
            .state
            .directory
            .group_named("Everyone")
            .and_then(|g| g.id.clone());
        let rule: Result<PolicyRule, _> = serde_json::from_value(json!({
            "type": "RESOURCE_ACCESS",
            "name": "Default Policy Rule",
            "conditions": {
                "people": { "groups": { "include": [everyone] } },
                "grantTypes": { "include": ["implicit", "client_credentials", "authorization_code", "password"] },
                "scopes": { "include": ["*"] }
            },
            "actions": { "token": { "accessTokenLifetimeMinutes": 60, "refreshTokenLifetimeMinutes": 0, "refreshTokenWindowMinutes": 10080 } }
        }));
        if let Ok(rule) = rule {
            let _ = self.create_rule(&policy_id, rule, true);
        }
    }

    /// Adds a seed's directory objects; new apps are mapped to the default
    /// access and profile enrollment policies, as in Okta.
    pub fn add_seed(&mut self, seed: &Seed) {
        let before = self.state.directory.apps.len();
        self.state.directory.add_seed(seed, &mut self.state.ids);
        let added: Vec<String> = self.state.directory.apps[before..]
            .iter()
            .filter_map(|a| a.id.clone())
            .collect();
        for app in added {
            self.map_to_defaults(&app);
        }
    }

    /// The directory objects.
    pub fn directory(&self) -> &Directory {
        &self.state.directory
    }

    /// The ID of the built-in Everyone group.
    fn everyone(&self) -> String {
        self.state
            .directory
            .group_named("Everyone")
            .and_then(|g| g.id.clone())
            .unwrap_or_default()
    }

    pub(super) fn directory_mut(&mut self) -> &mut Directory {
        &mut self.state.directory
    }

    pub(super) fn state_ids_next(&mut self, prefix: &str) -> String {
        self.state.ids.next(prefix)
    }

    pub(super) fn app_policies(&self) -> &[AppPolicies] {
        &self.state.app_policies
    }

    pub(super) fn app_policies_mut(&mut self) -> &mut Vec<AppPolicies> {
        &mut self.state.app_policies
    }

    pub(super) fn policy_at(&self, index: usize) -> &Policy {
        &self.state.entries[index].policy
    }

    /// Every policy of a type, unordered.
    pub(super) fn policies_of(&self, kind: &PolicyType) -> Vec<Policy> {
        self.state
            .entries
            .iter()
            .filter(|e| &e.policy.kind == kind)
            .map(|e| e.policy.clone())
            .collect()
    }

    /// An org restored from saved state.
    pub fn from_state(state: OrgState, clock: Arc<dyn Clock>) -> Self {
        Org {
            state,
            clock,
            base_url: "http://127.0.0.1".to_owned(),
        }
    }

    /// The state to persist.
    pub fn state(&self) -> &OrgState {
        &self.state
    }

    /// Sets the URL `_links` point to.
    pub fn set_base_url(&mut self, base_url: impl Into<String>) {
        self.base_url = base_url.into().trim_end_matches('/').to_owned();
    }

    /// The org's own ID.
    pub fn org_id(&self) -> &str {
        &self.state.org_id
    }

    /// The org's engine.
    pub fn engine(&self) -> Engine {
        self.state.engine
    }

    pub(super) fn base_url(&self) -> &str {
        &self.base_url
    }

    fn now(&self) -> String {
        iso8601(self.clock.now())
    }

    pub(super) fn error_id(&mut self) -> String {
        self.state.error_ids.next("oae")
    }

    pub(super) fn invalid(&mut self, subject: &str, cause: impl Into<String>) -> Box<OktaError> {
        let id = self.error_id();
        Box::new(OktaError::api_validation_failed(
            subject,
            [cause.into()],
            id,
        ))
    }

    pub(super) fn not_found(&mut self, id: &str, what: &str) -> Box<OktaError> {
        let error_id = self.error_id();
        Box::new(OktaError::not_found(id, what, error_id))
    }

    fn add_system_policy(&mut self, system: &defaults::SystemPolicy) {
        let Some(facts) = kinds::facts(&system.kind) else {
            return;
        };
        let now = self.now();
        let id = self.state.ids.next(facts.policy_prefix);
        let mut policy = Policy {
            id: Some(id.clone()),
            status: Some(LifecycleStatus::Active),
            name: Some(system.name.to_owned()),
            description: Field::Value(system.description.to_owned()),
            priority: Field::Value(1),
            system: Some(system.default),
            kind: system.kind.clone(),
            conditions: match defaults::policy_conditions(&system.kind, &self.everyone()) {
                Value::Null => Field::Null,
                conditions => Field::Value(conditions),
            },
            settings: defaults::policy_settings(&system.kind).map_or(Field::Absent, Field::Value),
            created: Field::Value(now.clone()),
            last_updated: Field::Value(now.clone()),
            links: Field::Absent,
            embedded: Field::Absent,
            other: Map::new(),
        };
        if matches!(facts.policy_order, Order::V1) {
            let slots = self.policy_slots(&system.kind, None);
            let placed = priority::v1_place(&slots, &id, None, true);
            self.apply_policy_slots(&system.kind, None, &placed);
            policy.priority =
                Field::Value(placed.iter().find(|s| s.id == id).map_or(1, |s| s.priority));
        }
        let mut rules = Vec::new();
        if let Some(rule_name) = system.rule {
            let mut actions = defaults::rule_actions(&system.kind);
            if system.name == "Okta Admin Console" || system.name == "Okta Dashboard" {
                actions["appSignOn"]["verificationMethod"]["factorMode"] = json!("2FA");
            }
            rules.push(self.default_rule(&system.kind, facts, rule_name, actions, &now));
        }
        self.state.entries.push(Entry {
            policy,
            rules,
            server: None,
        });
    }

    /// The default (or catch-all) rule Okta creates with a policy: last,
    /// system-owned, with Okta's default conditions.
    fn default_rule(
        &mut self,
        kind: &PolicyType,
        facts: TypeFacts,
        name: &str,
        actions: Value,
        now: &str,
    ) -> PolicyRule {
        PolicyRule {
            id: Some(self.state.ids.next(facts.rule_prefix)),
            status: Some(LifecycleStatus::Active),
            name: Some(name.to_owned()),
            priority: Field::Value(if facts.rule_order == Order::V2 {
                priority::CATCH_ALL
            } else {
                1
            }),
            system: Some(true),
            kind: kinds::rule_type(kind),
            conditions: match defaults::rule_conditions(kind) {
                Value::Null => Field::Null,
                conditions => Field::Value(conditions),
            },
            actions: Field::Value(actions),
            created: Field::Value(now.to_owned()),
            last_updated: Field::Value(now.to_owned()),
            links: Field::Absent,
            other: Map::new(),
        }
    }

    // ----- lookups --------------------------------------------------------

    pub(super) fn entry_index(&self, id: &str) -> Option<usize> {
        self.state
            .entries
            .iter()
            .position(|e| e.policy.id.as_deref() == Some(id))
    }

    pub(super) fn find(&mut self, id: &str) -> Outcome<usize> {
        match self.entry_index(id) {
            Some(index) => Ok(index),
            None => Err(self.not_found(id, "Policy")),
        }
    }

    /// The members of one ordered list: a type's policies, or one
    /// authorization server's policies.
    fn policy_slots(&self, kind: &PolicyType, server: Option<&str>) -> Vec<Slot> {
        self.state
            .entries
            .iter()
            .filter(|e| &e.policy.kind == kind && e.server.as_deref() == server)
            .map(|e| Slot {
                id: e.policy.id.clone().unwrap_or_default(),
                priority: e.policy.priority.as_ref().copied().unwrap_or(0),
                default: e.policy.system == Some(true),
            })
            .collect()
    }

    fn apply_policy_slots(&mut self, kind: &PolicyType, server: Option<&str>, slots: &[Slot]) {
        for entry in self
            .state
            .entries
            .iter_mut()
            .filter(|e| &e.policy.kind == kind && e.server.as_deref() == server)
        {
            if let Some(slot) = slots
                .iter()
                .find(|s| Some(&s.id) == entry.policy.id.as_ref())
            {
                entry.policy.priority = Field::Value(slot.priority);
            }
        }
    }

    fn rule_slots(rules: &[PolicyRule]) -> Vec<Slot> {
        rules
            .iter()
            .map(|r| Slot {
                id: r.id.clone().unwrap_or_default(),
                priority: r.priority.as_ref().copied().unwrap_or(0),
                default: r.system == Some(true),
            })
            .collect()
    }

    /// Where a policy lives: `/api/v1/policies/{id}`, or under its
    /// authorization server.
    fn policy_href(&self, id: &str) -> String {
        match self.policy_server(id).flatten() {
            Some(server) => format!(
                "{}/api/v1/authorizationServers/{server}/policies/{id}",
                self.base_url
            ),
            None => format!("{}/api/v1/policies/{id}", self.base_url),
        }
    }

    fn with_links(&self, mut policy: Policy) -> Policy {
        let id = policy.id.clone().unwrap_or_default();
        let self_href = self.policy_href(&id);
        let mut links = json!({
            "self": { "href": self_href, "hints": { "allow": ["GET", "PUT", "DELETE"] } },
            "rules": { "href": format!("{self_href}/rules"), "hints": { "allow": ["GET", "POST"] } }
        });
        let lifecycle = if policy.status == Some(LifecycleStatus::Inactive) {
            "activate"
        } else {
            "deactivate"
        };
        links[lifecycle] = json!({ "href": format!("{self_href}/lifecycle/{lifecycle}"), "hints": { "allow": ["POST"] } });
        if policy.kind == PolicyType::AccessPolicy || policy.kind == PolicyType::ProfileEnrollment {
            links["mappings"] = json!({ "href": format!("{self_href}/mappings"), "hints": { "allow": ["GET", "POST"] } });
        }
        policy.links = Field::Value(links);
        policy
    }

    fn rule_with_links(&self, policy_id: &str, mut rule: PolicyRule) -> PolicyRule {
        let id = rule.id.clone().unwrap_or_default();
        let self_href = format!("{}/rules/{id}", self.policy_href(policy_id));
        let lifecycle = if rule.status == Some(LifecycleStatus::Inactive) {
            "activate"
        } else {
            "deactivate"
        };
        let mut links = json!({ "self": { "href": self_href, "hints": { "allow": ["GET", "PUT", "DELETE"] } } });
        links[lifecycle] = json!({ "href": format!("{self_href}/lifecycle/{lifecycle}"), "hints": { "allow": ["POST"] } });
        rule.links = Field::Value(links);
        rule
    }

    fn facts_for(&mut self, kind: &PolicyType) -> Outcome<TypeFacts> {
        match kinds::facts(kind) {
            Some(facts) if kinds::available(kind, self.state.engine) => Ok(facts),
            Some(_) => Err(self.invalid(
                "type",
                format!(
                    "type: {} policies are not available in Classic Engine orgs",
                    kind.as_str()
                ),
            )),
            None => Err(self.invalid(
                "type",
                format!("type: Invalid policy type {}", kind.as_str()),
            )),
        }
    }

    // ----- policies -------------------------------------------------------

    /// `GET /api/v1/policies?type=…[&status=…][&q=…]`, in priority order.
    pub fn list_policies(
        &mut self,
        kind: &str,
        status: Option<&str>,
        q: Option<&str>,
    ) -> Outcome<Vec<Policy>> {
        self.list_in(None, kind, status, q)
    }

    /// `GET /api/v1/authorizationServers/{id}/policies`, in priority order.
    pub fn list_server_policies(&mut self, server: &str) -> Outcome<Vec<Policy>> {
        self.require_server(server)?;
        self.list_in(
            Some(server),
            PolicyType::OauthAuthorizationPolicy.as_str(),
            None,
            None,
        )
    }

    /// The authorization server a policy belongs to (`None` for org policies),
    /// or `None` when the policy does not exist.
    pub fn policy_server(&self, id: &str) -> Option<Option<String>> {
        self.entry_index(id)
            .map(|index| self.state.entries[index].server.clone())
    }

    /// 404 unless the server exists and the policy belongs to it: a
    /// server's policy is not reachable under another server (nor an org
    /// policy under any server).
    pub fn in_server(&mut self, server: &str, policy_id: &str) -> Outcome<()> {
        self.require_server(server)?;
        if self.policy_server(policy_id) != Some(Some(server.to_owned())) {
            return Err(self.not_found(policy_id, "Policy"));
        }
        Ok(())
    }

    /// 404 unless the policy is an org policy (not an authorization
    /// server's), as `/api/v1/policies/{id}` answers.
    pub fn in_org(&mut self, policy_id: &str) -> Outcome<()> {
        match self.policy_server(policy_id) {
            Some(None) | None => Ok(()),
            Some(Some(_)) => Err(self.not_found(policy_id, "Policy")),
        }
    }

    fn require_server(&mut self, server: &str) -> Outcome<()> {
        let exists = self
            .state
            .directory
            .auth_servers
            .iter()
            .any(|s| s.id.as_deref() == Some(server));
        if exists {
            Ok(())
        } else {
            Err(self.not_found(server, "AuthorizationServer"))
        }
    }

    fn list_in(
        &mut self,
        server: Option<&str>,
        kind: &str,
        status: Option<&str>,
        q: Option<&str>,
    ) -> Outcome<Vec<Policy>> {
        let kind = PolicyType::from(kind.to_owned());
        if !kind.is_known() {
            return Err(self.invalid(
                "type",
                format!("type: Invalid policy type {}", kind.as_str()),
            ));
        }
        let mut policies: Vec<Policy> = self
            .state
            .entries
            .iter()
            .filter(|e| e.server.as_deref() == server)
            .map(|e| &e.policy)
            .filter(|p| p.kind == kind)
            .filter(|p| {
                status.is_none_or(|s| p.status.as_ref().map(LifecycleStatus::as_str) == Some(s))
            })
            .filter(|p| {
                q.is_none_or(|q| {
                    p.name
                        .as_deref()
                        .is_some_and(|n| n.to_lowercase().starts_with(&q.to_lowercase()))
                })
            })
            .cloned()
            .collect();
        policies.sort_by_key(|p| {
            (
                p.system == Some(true)
                    && matches!(
                        kinds::facts(&p.kind).map(|f| f.policy_order),
                        Some(Order::V1)
                    ),
                p.priority.as_ref().copied().unwrap_or(0),
            )
        });
        Ok(policies.into_iter().map(|p| self.with_links(p)).collect())
    }

    /// `GET /api/v1/policies/{id}`.
    pub fn get_policy(&mut self, id: &str) -> Outcome<Policy> {
        let index = self.find(id)?;
        Ok(self.with_links(self.state.entries[index].policy.clone()))
    }

    /// `POST /api/v1/policies[?activate=false]`.
    pub fn create_policy(&mut self, body: Policy, activate: bool) -> Outcome<Policy> {
        if body.kind == PolicyType::OauthAuthorizationPolicy {
            return Err(self.invalid(
                "type",
                "type: Authorization server policies are created under /api/v1/authorizationServers/{authServerId}/policies",
            ));
        }
        self.create_in(None, body, activate)
    }

    /// `POST /api/v1/authorizationServers/{id}/policies`.
    pub fn create_server_policy(
        &mut self,
        server: &str,
        mut body: Policy,
        activate: bool,
    ) -> Outcome<Policy> {
        self.require_server(server)?;
        if body.kind != PolicyType::OauthAuthorizationPolicy {
            // The type is implied by the path; Okta fills it in.
            body.kind = PolicyType::OauthAuthorizationPolicy;
        }
        self.create_in(Some(server), body, activate)
    }

    fn create_in(&mut self, server: Option<&str>, body: Policy, activate: bool) -> Outcome<Policy> {
        let facts = self.facts_for(&body.kind)?;
        let name = self.required_name(body.name.as_deref())?;
        if facts.singleton {
            return Err(self.invalid(
                "type",
                format!(
                    "type: An org has exactly one {} policy; it cannot be created",
                    body.kind.as_str()
                ),
            ));
        }
        if self.state.entries.iter().any(|e| {
            e.policy.kind == body.kind
                && e.server.as_deref() == server
                && e.policy.name.as_deref() == Some(name.as_str())
        }) {
            return Err(self.invalid("name", "name: A policy with this name already exists"));
        }
        if server.is_none() {
            self.check_references("conditions", body.conditions.as_ref())?;
        }
        let now = self.now();
        let id = self.state.ids.next(facts.policy_prefix);
        let mut policy = body;
        policy.id = Some(id.clone());
        policy.name = Some(name);
        policy.system = Some(false);
        policy.status = Some(if activate {
            LifecycleStatus::Active
        } else {
            LifecycleStatus::Inactive
        });
        policy.created = Field::Value(now.clone());
        policy.last_updated = Field::Value(now.clone());
        policy.links = Field::Absent;
        policy.embedded = Field::Absent;
        fill_policy_conditions(&policy.kind, &self.everyone(), &mut policy.conditions);
        if policy.settings.is_absent()
            && let Some(settings) = defaults::policy_settings(&policy.kind)
        {
            policy.settings = Field::Value(settings);
        }
        let requested = policy.priority.as_ref().copied();
        match facts.policy_order {
            Order::V1 => {
                let placed = priority::v1_place(
                    &self.policy_slots(&policy.kind, server),
                    &id,
                    requested,
                    false,
                );
                self.apply_policy_slots(&policy.kind, server, &placed);
                policy.priority =
                    Field::Value(placed.iter().find(|s| s.id == id).map_or(1, |s| s.priority));
            }
            Order::Flat | Order::V2 => policy.priority = Field::Value(1),
        }
        let mut rules = Vec::new();
        if matches!(
            policy.kind,
            PolicyType::AccessPolicy | PolicyType::ProfileEnrollment
        ) {
            let actions = defaults::rule_actions(&policy.kind);
            rules.push(self.default_rule(&policy.kind, facts, "Catch-all Rule", actions, &now));
        }
        self.state.entries.push(Entry {
            policy: policy.clone(),
            rules,
            server: server.map(str::to_owned),
        });
        Ok(self.with_links(policy))
    }

    fn required_name(&mut self, name: Option<&str>) -> Outcome<String> {
        match name.map(str::trim) {
            Some(name) if !name.is_empty() => Ok(name.to_owned()),
            _ => Err(self.invalid("name", "name: The field cannot be left blank")),
        }
    }

    /// `PUT /api/v1/policies/{id}`: replaces the policy. Read-only fields
    /// the client echoes back (`id`, `system`, `created`, `lastUpdated`,
    /// `_links`, `status`) are ignored; a new `priority` moves the policy.
    pub fn replace_policy(&mut self, id: &str, body: Policy) -> Outcome<Policy> {
        let index = self.find(id)?;
        let current = self.state.entries[index].policy.clone();
        let server = self.state.entries[index].server.clone();
        if body.kind != current.kind {
            return Err(self.invalid("type", "type: The policy type cannot be changed"));
        }
        let facts = self.facts_for(&current.kind)?;
        let name = self.required_name(body.name.as_deref())?;
        let system = current.system == Some(true);
        if system && Some(name.as_str()) != current.name.as_deref() {
            return Err(self.invalid(
                "name",
                "name: The name of a default policy cannot be changed",
            ));
        }
        if current.name.as_deref() == Some(ACCOUNT_MANAGEMENT_POLICY)
            && current.kind == PolicyType::AccessPolicy
        {
            return Err(self.invalid(
                "policy",
                format!("{ACCOUNT_MANAGEMENT_POLICY} is read-only; only its rules can be changed"),
            ));
        }
        if self.state.entries.iter().any(|e| {
            e.policy.kind == current.kind
                && e.server == server
                && e.policy.id.as_deref() != Some(id)
                && e.policy.name.as_deref() == Some(name.as_str())
        }) {
            return Err(self.invalid("name", "name: A policy with this name already exists"));
        }
        self.check_references("conditions", body.conditions.as_ref())?;
        let mut policy = body;
        policy.id = current.id.clone();
        policy.name = Some(name);
        policy.system = current.system;
        policy.status = current.status.clone();
        policy.created = current.created.clone();
        policy.last_updated = Field::Value(self.now());
        policy.links = Field::Absent;
        policy.embedded = Field::Absent;
        fill_policy_conditions(&policy.kind, &self.everyone(), &mut policy.conditions);
        match facts.policy_order {
            Order::V1 if !system => {
                let requested = policy
                    .priority
                    .as_ref()
                    .copied()
                    .or(current.priority.as_ref().copied());
                let placed = priority::v1_place(
                    &self.policy_slots(&current.kind, server.as_deref()),
                    id,
                    requested,
                    false,
                );
                self.apply_policy_slots(&current.kind, server.as_deref(), &placed);
                policy.priority =
                    Field::Value(placed.iter().find(|s| s.id == id).map_or(1, |s| s.priority));
            }
            _ => policy.priority = current.priority,
        }
        self.state.entries[index].policy = policy.clone();
        Ok(self.with_links(policy))
    }

    /// `POST /api/v1/policies/{id}/clone` (authentication policies only): a
    /// new policy "Copy of …" with copies of the rules, mapped to no app.
    pub fn clone_policy(&mut self, id: &str) -> Outcome<Policy> {
        let index = self.find(id)?;
        let source = self.state.entries[index].clone();
        if source.policy.kind != PolicyType::AccessPolicy {
            return Err(self.invalid(
                "policy",
                "policy: Only authentication (access) policies can be cloned",
            ));
        }
        let base = format!(
            "Copy of {}",
            source.policy.name.as_deref().unwrap_or_default()
        );
        let mut name = base.clone();
        let mut n = 2;
        while self.state.entries.iter().any(|e| {
            e.policy.kind == PolicyType::AccessPolicy
                && e.policy.name.as_deref() == Some(name.as_str())
        }) {
            name = format!("{base} ({n})");
            n += 1;
        }
        let mut body = source.policy.clone();
        body.name = Some(name);
        body.priority = Field::Absent;
        let created = self.create_in(None, body, true)?;
        let new_id = created.id.clone().unwrap_or_default();
        let now = self.now();
        let new_index = self.find(&new_id)?;
        let mut rules = Vec::new();
        for rule in &source.rules {
            let mut copy = rule.clone();
            copy.id = Some(self.state.ids.next("rul"));
            copy.created = Field::Value(now.clone());
            copy.last_updated = Field::Value(now.clone());
            copy.links = Field::Absent;
            rules.push(copy);
        }
        self.state.entries[new_index].rules = rules;
        Ok(self.with_links(self.state.entries[new_index].policy.clone()))
    }

    /// `DELETE /api/v1/policies/{id}`.
    pub fn delete_policy(&mut self, id: &str) -> Outcome<()> {
        let index = self.find(id)?;
        let policy = self.state.entries[index].policy.clone();
        if policy.system == Some(true) || kinds::facts(&policy.kind).is_some_and(|f| f.singleton) {
            return Err(self.invalid(
                "policy",
                "policy: A default or system policy cannot be deleted",
            ));
        }
        if policy.name.as_deref() == Some(ACCOUNT_MANAGEMENT_POLICY) {
            return Err(self.invalid(
                "policy",
                format!("{ACCOUNT_MANAGEMENT_POLICY} cannot be deleted"),
            ));
        }
        self.remap_apps_of(id, &policy.kind);
        let server = self.state.entries.remove(index).server;
        if kinds::facts(&policy.kind).is_some_and(|f| f.policy_order == Order::V1) {
            let closed =
                priority::v1_remove(&self.policy_slots(&policy.kind, server.as_deref()), id);
            self.apply_policy_slots(&policy.kind, server.as_deref(), &closed);
        }
        Ok(())
    }

    /// `POST /api/v1/policies/{id}/lifecycle/activate|deactivate`.
    pub fn set_policy_status(&mut self, id: &str, active: bool) -> Outcome<()> {
        let index = self.find(id)?;
        if !active && self.state.entries[index].policy.system == Some(true) {
            return Err(self.invalid("status", "status: A default policy cannot be deactivated"));
        }
        let now = self.now();
        let policy = &mut self.state.entries[index].policy;
        policy.status = Some(if active {
            LifecycleStatus::Active
        } else {
            LifecycleStatus::Inactive
        });
        policy.last_updated = Field::Value(now);
        Ok(())
    }

    // ----- rules ----------------------------------------------------------

    /// `GET /api/v1/policies/{id}/rules`, in priority order.
    pub fn list_rules(&mut self, policy_id: &str) -> Outcome<Vec<PolicyRule>> {
        let index = self.find(policy_id)?;
        let mut rules = self.state.entries[index].rules.clone();
        rules.sort_by_key(|r| {
            (
                r.system == Some(true),
                r.priority.as_ref().copied().unwrap_or(0),
            )
        });
        Ok(rules
            .into_iter()
            .map(|r| self.rule_with_links(policy_id, r))
            .collect())
    }

    fn rule_index(&mut self, index: usize, rule_id: &str) -> Outcome<usize> {
        match self.state.entries[index]
            .rules
            .iter()
            .position(|r| r.id.as_deref() == Some(rule_id))
        {
            Some(position) => Ok(position),
            None => Err(self.not_found(rule_id, "PolicyRule")),
        }
    }

    /// `GET /api/v1/policies/{id}/rules/{ruleId}`.
    pub fn get_rule(&mut self, policy_id: &str, rule_id: &str) -> Outcome<PolicyRule> {
        let index = self.find(policy_id)?;
        let position = self.rule_index(index, rule_id)?;
        Ok(self.rule_with_links(policy_id, self.state.entries[index].rules[position].clone()))
    }

    /// `POST /api/v1/policies/{id}/rules[?activate=false]`.
    pub fn create_rule(
        &mut self,
        policy_id: &str,
        body: PolicyRule,
        activate: bool,
    ) -> Outcome<PolicyRule> {
        let index = self.find(policy_id)?;
        let kind = self.state.entries[index].policy.kind.clone();
        let facts = self.facts_for(&kind)?;
        let name = self.required_name(body.name.as_deref())?;
        let rule_type = kinds::rule_type(&kind);
        if body.kind != rule_type {
            return Err(self.invalid(
                "type",
                format!(
                    "type: Rules of a {} policy have type {}",
                    kind.as_str(),
                    rule_type.as_str()
                ),
            ));
        }
        let count = self.state.entries[index].rules.len();
        if let Some(max) = facts.max_rules
            && count >= max
        {
            let why = if kind == PolicyType::ProfileEnrollment {
                "A profile enrollment policy has exactly one rule; edit it instead".to_owned()
            } else {
                format!("A {} policy holds at most {max} rules", kind.as_str())
            };
            return Err(self.invalid("rule", why));
        }
        if self.state.entries[index]
            .rules
            .iter()
            .any(|r| r.name.as_deref() == Some(name.as_str()))
        {
            return Err(self.invalid(
                "name",
                "name: A rule with this name already exists in the policy",
            ));
        }
        self.check_references("conditions", body.conditions.as_ref())?;
        self.check_references("actions", body.actions.as_ref())?;
        let now = self.now();
        let id = self.state.ids.next(facts.rule_prefix);
        let mut rule = body;
        rule.id = Some(id.clone());
        rule.name = Some(name);
        rule.system = Some(false);
        rule.status = Some(if activate {
            LifecycleStatus::Active
        } else {
            LifecycleStatus::Inactive
        });
        rule.created = Field::Value(now.clone());
        rule.last_updated = Field::Value(now);
        rule.links = Field::Absent;
        fill_rule_defaults(&kind, &mut rule);
        let requested = rule.priority.as_ref().copied();
        let slots = Self::rule_slots(&self.state.entries[index].rules);
        let placed = self.place_rule(facts.rule_order, &slots, &id, requested)?;
        rule.priority = Field::Value(placed.iter().find(|s| s.id == id).map_or(1, |s| s.priority));
        let entry = &mut self.state.entries[index];
        entry.rules.push(rule.clone());
        apply_rule_slots(&mut entry.rules, &placed);
        Ok(self.rule_with_links(policy_id, rule))
    }

    /// `PUT /api/v1/policies/{id}/rules/{ruleId}`.
    pub fn replace_rule(
        &mut self,
        policy_id: &str,
        rule_id: &str,
        body: PolicyRule,
    ) -> Outcome<PolicyRule> {
        let index = self.find(policy_id)?;
        let position = self.rule_index(index, rule_id)?;
        let policy = self.state.entries[index].policy.clone();
        let facts = self.facts_for(&policy.kind)?;
        let current = self.state.entries[index].rules[position].clone();
        let name = self.required_name(body.name.as_deref())?;
        let default_rule = current.system == Some(true);
        if default_rule {
            self.check_default_rule_change(&policy, &current, &body, &name)?;
        }
        if self.state.entries[index]
            .rules
            .iter()
            .any(|r| r.id.as_deref() != Some(rule_id) && r.name.as_deref() == Some(name.as_str()))
        {
            return Err(self.invalid(
                "name",
                "name: A rule with this name already exists in the policy",
            ));
        }
        self.check_references("conditions", body.conditions.as_ref())?;
        self.check_references("actions", body.actions.as_ref())?;
        if policy.kind == PolicyType::ProfileEnrollment {
            let access = |rule: &PolicyRule| {
                rule.actions
                    .as_ref()
                    .and_then(|a| a.pointer("/profileEnrollment/access"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            // Seed 004: the action "can't be modified to set the access
            // property to DENY after the policy is created".
            if access(&body).as_deref() == Some("DENY")
                && access(&current).as_deref() != Some("DENY")
            {
                return Err(self.invalid(
                    "actions",
                    "actions.profileEnrollment.access: The access cannot be set to DENY after the policy is created",
                ));
            }
        }
        let mut rule = body;
        rule.id = current.id.clone();
        rule.name = Some(name);
        rule.system = current.system;
        rule.kind = current.kind.clone();
        rule.status = current.status.clone();
        rule.created = current.created.clone();
        rule.last_updated = Field::Value(self.now());
        rule.links = Field::Absent;
        fill_rule_defaults(&policy.kind, &mut rule);
        if default_rule {
            rule.priority = current.priority;
        } else {
            let requested = rule
                .priority
                .as_ref()
                .copied()
                .or(current.priority.as_ref().copied());
            let slots = Self::rule_slots(&self.state.entries[index].rules);
            let placed = self.place_rule(facts.rule_order, &slots, rule_id, requested)?;
            rule.priority = Field::Value(
                placed
                    .iter()
                    .find(|s| s.id == rule_id)
                    .map_or(1, |s| s.priority),
            );
            apply_rule_slots(&mut self.state.entries[index].rules, &placed);
        }
        self.state.entries[index].rules[position] = rule.clone();
        Ok(self.rule_with_links(policy_id, rule))
    }

    /// Okta's read-only default rules and fields (DESIGN.md "Okta's own objects").
    fn check_default_rule_change(
        &mut self,
        policy: &Policy,
        current: &PolicyRule,
        body: &PolicyRule,
        name: &str,
    ) -> Outcome<()> {
        if Some(name) != current.name.as_deref() {
            return Err(self.invalid("name", "name: The name of a default rule cannot be changed"));
        }
        let read_only_rule = self.state.engine == Engine::Classic
            || matches!(
                policy.kind,
                PolicyType::IdpDiscovery | PolicyType::MfaEnroll
            );
        let changed = body.conditions.as_ref() != current.conditions.as_ref()
            && !body.conditions.is_absent()
            || body.actions.as_ref() != current.actions.as_ref() && !body.actions.is_absent();
        if read_only_rule && changed {
            return Err(self.invalid(
                "rule",
                format!(
                    "The default rule of the {} policy is read-only",
                    policy.kind.as_str()
                ),
            ));
        }
        if policy.kind == PolicyType::OktaSignOn && policy.system == Some(true) {
            for field in ["maxSessionLifetimeMinutes", "usePersistentCookie"] {
                let pointer = format!("/signon/session/{field}");
                let given = body.actions.as_ref().and_then(|a| a.pointer(&pointer));
                let live = current.actions.as_ref().and_then(|a| a.pointer(&pointer));
                if given.is_some() && given != live {
                    return Err(self.invalid("actions", format!("actions.signon.session.{field}: This property is read-only for the default rule of the default global session policy")));
                }
            }
        }
        Ok(())
    }

    /// Places a rule in its policy's list under v1 or v2 arithmetic.
    fn place_rule(
        &mut self,
        order: Order,
        slots: &[Slot],
        id: &str,
        requested: Option<i64>,
    ) -> Outcome<Vec<Slot>> {
        match order {
            Order::V2 => {
                priority::v2_place(slots, id, requested, false).map_err(|error| match error {
                    PlacementError::OutOfRange(p) => self.invalid(
                        "priority",
                        format!(
                            "priority: {p} is out of range; rule priorities run from 0 to {}",
                            priority::V2_MAX
                        ),
                    ),
                    PlacementError::Full => self.invalid(
                        "priority",
                        "priority: No free priority; reorder the rules first",
                    ),
                })
            }
            Order::V1 | Order::Flat => Ok(priority::v1_place(slots, id, requested, false)),
        }
    }

    /// `DELETE /api/v1/policies/{id}/rules/{ruleId}`.
    pub fn delete_rule(&mut self, policy_id: &str, rule_id: &str) -> Outcome<()> {
        let index = self.find(policy_id)?;
        let position = self.rule_index(index, rule_id)?;
        if self.state.entries[index].rules[position].system == Some(true) {
            return Err(self.invalid("rule", "rule: A default rule cannot be deleted"));
        }
        let order = kinds::facts(&self.state.entries[index].policy.kind).map(|f| f.rule_order);
        let entry = &mut self.state.entries[index];
        let slots = Self::rule_slots(&entry.rules);
        entry.rules.remove(position);
        if order == Some(Order::V1) {
            let closed = priority::v1_remove(&slots, rule_id);
            apply_rule_slots(&mut entry.rules, &closed);
        }
        Ok(())
    }

    /// `POST /api/v1/policies/{id}/rules/{ruleId}/lifecycle/activate|deactivate`.
    pub fn set_rule_status(&mut self, policy_id: &str, rule_id: &str, active: bool) -> Outcome<()> {
        let index = self.find(policy_id)?;
        let position = self.rule_index(index, rule_id)?;
        if !active && self.state.entries[index].rules[position].system == Some(true) {
            return Err(self.invalid("status", "status: A default rule cannot be deactivated"));
        }
        let now = self.now();
        let rule = &mut self.state.entries[index].rules[position];
        rule.status = Some(if active {
            LifecycleStatus::Active
        } else {
            LifecycleStatus::Inactive
        });
        rule.last_updated = Field::Value(now);
        Ok(())
    }
}

/// What a policy request leaves out of its conditions is Okta's default;
/// what it names (its groups, its auth provider) is kept.
fn fill_policy_conditions(kind: &PolicyType, everyone: &str, conditions: &mut Field<Value>) {
    let defaults = defaults::policy_conditions(kind, everyone);
    match conditions {
        Field::Value(given) => defaults::fill(given, &defaults),
        slot if defaults.is_null() => *slot = Field::Null,
        slot => *slot = Field::Value(defaults),
    }
}

fn fill_rule_defaults(kind: &PolicyType, rule: &mut PolicyRule) {
    let conditions = defaults::rule_conditions(kind);
    match (&mut rule.conditions, conditions) {
        (Field::Value(given), defaults) => defaults::fill(given, &defaults),
        (slot, Value::Null) => *slot = Field::Null,
        (slot, defaults) => *slot = Field::Value(defaults),
    }
    let actions = defaults::rule_actions(kind);
    match &mut rule.actions {
        Field::Value(given) => defaults::fill(given, &actions),
        slot => *slot = Field::Value(actions),
    }
}

fn apply_rule_slots(rules: &mut [PolicyRule], slots: &[Slot]) {
    for rule in rules.iter_mut() {
        if let Some(slot) = slots.iter().find(|s| Some(&s.id) == rule.id.as_ref()) {
            rule.priority = Field::Value(slot.priority);
        }
    }
}
