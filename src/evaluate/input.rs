//! What the evaluator evaluates: per kind (and per authorization server) an
//! ordered list of policies with their rules, in one reference space. Built
//! from the manifests ([`PolicySet::from_desired`], names as written) or
//! from Okta's JSON ([`PolicySet::from_wire`], IDs) — the live org, or the
//! emulator's state. Bodies get Okta's defaults filled in first, so a rule
//! that leaves out its session settings has Okta's session.

use serde_json::{Map, Value};

use crate::client::wire::{Application, LifecycleStatus, Policy, PolicyRule, PolicyType};
use crate::desired::{Desired, DesiredObject};
use crate::diff::matching::default_index;
use crate::diff::normalize::{fill_policy, fill_rule};
use crate::emulator::defaults;
use crate::live::{mapped_policy, policy_type};
use crate::manifest::kind::PolicyKind;

use super::context::EVERYONE;

/// A rule as the evaluator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalRule {
    pub id: Option<String>,
    pub name: String,
    pub active: bool,
    /// The default (catch-all) rule.
    pub default: bool,
    /// Not written in the manifests: Okta's default rule, assumed.
    pub assumed: bool,
    pub conditions: Value,
    pub actions: Value,
}

/// A policy as the evaluator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalPolicy {
    pub id: Option<String>,
    pub name: String,
    pub active: bool,
    /// The kind's default policy.
    pub default: bool,
    pub conditions: Value,
    pub settings: Value,
    /// In priority order.
    pub rules: Vec<EvalRule>,
    /// The apps mapped to it (access and profile enrollment policies), as
    /// names or IDs, whichever the set holds.
    pub apps: Vec<String>,
}

impl EvalPolicy {
    /// How the policy is named in messages and matched by cases: its name.
    pub fn label(&self) -> &str {
        &self.name
    }
}

/// One ordered list of policies.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyList {
    pub kind: PolicyKind,
    /// The authorization server (name or ID), for its policies.
    pub server: Option<String>,
    /// In priority order.
    pub policies: Vec<EvalPolicy>,
}

/// Everything the evaluator knows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicySet {
    pub lists: Vec<PolicyList>,
}

impl PolicySet {
    /// The list of `kind` (org scope), or of the authorization server
    /// `server` when given.
    pub fn list(&self, kind: PolicyKind, server: Option<&str>) -> Option<&PolicyList> {
        self.lists
            .iter()
            .find(|l| l.kind == kind && (server.is_none() || l.server.as_deref() == server))
    }

    /// Whether the set has policies of `kind`.
    pub fn has(&self, kind: PolicyKind) -> bool {
        self.lists.iter().any(|l| l.kind == kind)
    }

    /// The manifests' policies (names as written; `id:` references stay as
    /// written). A v1 policy without group conditions applies to
    /// [`EVERYONE`]; a default policy whose rules the manifests leave out
    /// gets Okta's default rule, marked `assumed`.
    pub fn from_desired(desired: &Desired) -> PolicySet {
        Self::from_desired_with(desired, EVERYONE)
    }

    /// [`from_desired`](Self::from_desired) for resolved manifests: `everyone`
    /// is the Everyone group's ID.
    pub fn from_desired_with(desired: &Desired, everyone: &str) -> PolicySet {
        let lists = desired
            .lists
            .iter()
            .map(|list| {
                let okta = policy_type(list.kind);
                let policies = list
                    .policies
                    .iter()
                    .map(|policy| {
                        let mut body = policy.object.body.clone();
                        fill_policy(&okta, &mut body, Some(everyone));
                        let mut rules: Vec<EvalRule> = policy
                            .rules
                            .iter()
                            .map(|rule| desired_rule(&okta, rule))
                            .collect();
                        if policy.object.default && rules.is_empty() {
                            rules.extend(assumed_default_rule(list.kind));
                        }
                        EvalPolicy {
                            id: None,
                            name: policy.object.name.clone(),
                            active: policy.object.active,
                            default: policy.object.default,
                            conditions: member(&body, "conditions"),
                            settings: member(&body, "settings"),
                            rules,
                            apps: policy
                                .apps
                                .iter()
                                .flatten()
                                .map(|app| {
                                    app.id.clone().unwrap_or_else(|| app.reference.to_string())
                                })
                                .collect(),
                        }
                    })
                    .collect();
                PolicyList {
                    kind: list.kind,
                    server: list
                        .server_id
                        .clone()
                        .or_else(|| list.server.as_ref().map(|(server, _)| server.to_string())),
                    policies,
                }
            })
            .collect();
        PolicySet { lists }
    }

    /// Policies in Okta's JSON: `lists` of (kind, authorization server ID,
    /// policies with their rules); `apps` give the access and profile
    /// enrollment mappings (an app appears under its ID and its label).
    /// `everyone` is the Everyone group's ID, when known.
    pub fn from_wire<'a>(
        lists: impl IntoIterator<Item = (PolicyKind, Option<String>, &'a [(Policy, Vec<PolicyRule>)])>,
        apps: &[Application],
        everyone: Option<&str>,
    ) -> PolicySet {
        let everyone = everyone.unwrap_or(EVERYONE);
        let lists = lists
            .into_iter()
            .map(|(kind, server, policies)| {
                let okta = policy_type(kind);
                let mut ordered: Vec<&(Policy, Vec<PolicyRule>)> = policies.iter().collect();
                ordered.sort_by_key(|(p, _)| p.priority.as_ref().copied().unwrap_or(i64::MAX));
                let bare: Vec<&Policy> = ordered.iter().map(|(p, _)| p).collect();
                let default = default_index(kind, &bare, false);
                let policies = ordered
                    .iter()
                    .enumerate()
                    .map(|(index, (policy, rules))| {
                        wire_policy(
                            &okta,
                            kind,
                            policy,
                            rules,
                            default == Some(index),
                            apps,
                            everyone,
                        )
                    })
                    .collect();
                PolicyList {
                    kind,
                    server,
                    policies,
                }
            })
            .collect();
        PolicySet { lists }
    }
}

fn desired_rule(okta: &PolicyType, rule: &DesiredObject) -> EvalRule {
    let mut body = rule.body.clone();
    fill_rule(okta, &mut body);
    EvalRule {
        id: None,
        name: rule.name.clone(),
        active: rule.active,
        default: rule.default,
        assumed: false,
        conditions: member(&body, "conditions"),
        actions: member(&body, "actions"),
    }
}

/// Okta's default rule of a kind's default policy, as a fresh org has it.
fn assumed_default_rule(kind: PolicyKind) -> Option<EvalRule> {
    let okta = policy_type(kind);
    let name = defaults::system_policies(crate::emulator::Engine::Oie)
        .into_iter()
        .find(|p| p.kind == okta && p.default)
        .and_then(|p| p.rule)?;
    let mut body = Map::new();
    fill_rule(&okta, &mut body);
    Some(EvalRule {
        id: None,
        name: name.to_owned(),
        active: true,
        default: true,
        assumed: true,
        conditions: member(&body, "conditions"),
        actions: member(&body, "actions"),
    })
}

fn wire_policy(
    okta: &PolicyType,
    kind: PolicyKind,
    policy: &Policy,
    rules: &[PolicyRule],
    default: bool,
    apps: &[Application],
    everyone: &str,
) -> EvalPolicy {
    let mut body = Map::new();
    if let Some(conditions) = policy.conditions.as_ref() {
        body.insert("conditions".to_owned(), conditions.clone());
    }
    if let Some(settings) = policy.settings.as_ref() {
        body.insert("settings".to_owned(), settings.clone());
    }
    fill_policy(okta, &mut body, Some(everyone));
    let mut ordered: Vec<&PolicyRule> = rules.iter().collect();
    ordered.sort_by_key(|r| r.priority.as_ref().copied().unwrap_or(i64::MAX));
    let default_rule = default_index(kind, &ordered, true);
    let rules = ordered
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            let mut body = Map::new();
            if let Some(conditions) = rule.conditions.as_ref() {
                body.insert("conditions".to_owned(), conditions.clone());
            }
            if let Some(actions) = rule.actions.as_ref() {
                body.insert("actions".to_owned(), actions.clone());
            }
            fill_rule(okta, &mut body);
            EvalRule {
                id: rule.id.clone(),
                name: rule.name.clone().unwrap_or_default(),
                active: rule
                    .status
                    .as_ref()
                    .is_none_or(|s| *s != LifecycleStatus::Inactive),
                default: default_rule == Some(index),
                assumed: false,
                conditions: member(&body, "conditions"),
                actions: member(&body, "actions"),
            }
        })
        .collect();
    let id = policy.id.clone();
    let apps = match &id {
        Some(id) => apps
            .iter()
            .filter(|app| mapped_policy(app, kind) == Some(id.as_str()))
            .flat_map(|app| app.id.iter().chain(app.label.iter()).cloned())
            .collect(),
        None => Vec::new(),
    };
    EvalPolicy {
        id,
        name: policy.name.clone().unwrap_or_default(),
        active: policy
            .status
            .as_ref()
            .is_none_or(|s| *s != LifecycleStatus::Inactive),
        default,
        conditions: member(&body, "conditions"),
        settings: member(&body, "settings"),
        rules,
        apps,
    }
}

fn member(body: &Map<String, Value>, key: &str) -> Value {
    body.get(key).cloned().unwrap_or(Value::Null)
}
