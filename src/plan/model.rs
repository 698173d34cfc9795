//! The plan as plain data: what `plan` shows, `--out` saves and `apply`
//! executes. Each [`Change`] is an action on an address with everything the
//! apply engine needs to make its API call (scope, IDs, the exact body);
//! `edges` say which change must finish before which. The format is
//! versioned ([`PLAN_FORMAT`]) and documented in `docs/plan-format.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::Scope;
use crate::emulator::Engine;
use crate::impact::Impact;
use crate::manifest::PolicyKind;

/// The version of the plan's JSON format.
pub const PLAN_FORMAT: u32 = 1;

/// A plan: the changes that make the org match the manifests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// [`PLAN_FORMAT`].
    pub format_version: u32,
    /// The oktapol version that made the plan.
    pub oktapol_version: String,
    /// The org, as the API client describes it (URL, or "local org (…)").
    pub org: String,
    /// The org's engine.
    pub engine: Engine,
    /// The kinds the manifests manage; nothing else was read.
    pub managed_kinds: Vec<PolicyKind>,
    /// Whether `--prune` was given (unmanaged objects become deletes).
    pub prune: bool,
    /// The changes, in an order that respects `edges`.
    pub changes: Vec<Change>,
    /// `(before, after)`: change `after` waits for change `before` (indexes
    /// into `changes`).
    pub edges: Vec<(usize, usize)>,
    /// Live objects no manifest mentions, left alone (without `--prune`).
    pub unmanaged: Vec<Unmanaged>,
    /// Unmanaged objects whose API priority changes as a side effect.
    pub renumbered: Vec<Renumbered>,
    /// What the plan was computed against; `apply plan.json` refuses when
    /// it changed.
    pub fingerprint: Fingerprint,
    /// Who the plan affects (`plan --impact`): information, not executed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
}

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// A new policy or rule (`POST`).
    Create,
    /// Fields of an existing object change (`PUT`), possibly with its priority.
    Update,
    /// Only the name changes (`PUT`, `renamedFrom`).
    Rename,
    /// Only the priority changes (`PUT` with the new priority).
    Reorder,
    /// Okta cannot make the change in place: delete, then create.
    Replace,
    /// `DELETE` (with `--prune`).
    Delete,
    /// `POST …/lifecycle/activate`.
    Activate,
    /// `POST …/lifecycle/deactivate`.
    Deactivate,
    /// `PUT /api/v1/apps/{app}/policies/{policy}`.
    MapApp,
}

impl Action {
    /// The Terraform-style symbol for the human renderer.
    pub const fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Delete => "-",
            Action::Replace => "-/+",
            Action::Reorder => "↕",
            Action::Update | Action::Rename | Action::Activate | Action::Deactivate => "~",
            Action::MapApp => "→",
        }
    }

    /// The verb for summaries and reports.
    pub const fn verb(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Rename => "rename",
            Action::Reorder => "reorder",
            Action::Replace => "replace",
            Action::Delete => "delete",
            Action::Activate => "activate",
            Action::Deactivate => "deactivate",
            Action::MapApp => "map app",
        }
    }
}

/// The object a change addresses, with the IDs its API call needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "type"
)]
pub enum Target {
    /// A policy. `id` is `None` until it is created.
    Policy {
        kind: PolicyKind,
        scope: Scope,
        id: Option<String>,
        name: String,
    },
    /// A rule. `policyId` is `None` when the policy is created by the same
    /// plan (the apply engine takes it from the change at `policyChange`).
    Rule {
        kind: PolicyKind,
        scope: Scope,
        policy_id: Option<String>,
        policy_name: String,
        /// The change that creates the policy, when it is new.
        policy_change: Option<usize>,
        id: Option<String>,
        name: String,
    },
    /// An app's mapping to an access or profile enrollment policy.
    AppMapping {
        kind: PolicyKind,
        app_id: String,
        app_label: String,
        policy_id: Option<String>,
        policy_name: String,
        /// The change that creates the policy, when it is new.
        policy_change: Option<usize>,
    },
}

/// One field that changes, for display: a JSON pointer under the object
/// and the value before and after (`None`: absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// A priority change: API priority before and after this change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityChange {
    pub from: Option<i64>,
    pub to: i64,
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// Stable, human-readable, e.g.
    /// `signOnPolicies["Contractors"].rules["MFA off-network"]`.
    pub address: String,
    pub action: Action,
    pub target: Target,
    /// Where the object is written in the manifests (`file:line:col`), when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The fields that change (updates), or every managed field (creates,
    /// deletes), names shown instead of IDs where known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// For create/update/rename/reorder: the exact request body (`PUT` is
    /// the live object with the managed fields replaced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// For creates: whether to create ACTIVE (rules of a new policy) or
    /// INACTIVE (new policies, activated by a later change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activate: Option<bool>,
    /// When the change sets the object's priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<PriorityChange>,
    /// True for changes that complete another (the activation of a new
    /// policy): not counted in the summary.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub follow_up: bool,
    /// Why, in a sentence, when the action needs explaining (replace, map).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Change {
    /// A change with nothing but its address, action and target.
    pub fn new(address: impl Into<String>, action: Action, target: Target) -> Self {
        Change {
            address: address.into(),
            action,
            target,
            source: None,
            fields: Vec::new(),
            body: None,
            activate: None,
            priority: None,
            follow_up: false,
            reason: None,
        }
    }
}

/// A live object no manifest mentions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unmanaged {
    pub address: String,
    pub id: String,
    /// Okta's own objects (`system: true`) are never deleted.
    pub system: bool,
}

/// An unmanaged object whose API priority changes because managed ones move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Renumbered {
    pub address: String,
    pub from: i64,
    pub to: i64,
}

/// Digests of the live objects a plan addresses and of the order of every
/// list it reorders; changes elsewhere in the org do not alter it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fingerprint {
    /// Address → SHA-256 of the object's live JSON (`absent` when it does
    /// not exist yet).
    pub objects: BTreeMap<String, String>,
    /// List address → SHA-256 of its live order (IDs in priority order).
    pub lists: BTreeMap<String, String>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    pub reorder: usize,
    pub replace: usize,
    pub map: usize,
}

impl Summary {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        *self == Summary::default()
    }
}

impl Plan {
    /// Counts per action, follow-ups not counted; renames, activations
    /// and deactivations count as updates.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for change in self.changes.iter().filter(|c| !c.follow_up) {
            match change.action {
                Action::Create => summary.create += 1,
                Action::Update | Action::Rename | Action::Activate | Action::Deactivate => {
                    summary.update += 1;
                }
                Action::Delete => summary.delete += 1,
                Action::Reorder => summary.reorder += 1,
                Action::Replace => summary.replace += 1,
                Action::MapApp => summary.map += 1,
            }
        }
        summary
    }

    /// Whether applying the plan would change anything.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }
}
