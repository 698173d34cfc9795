//! `oktapol simulate`'s pure core: the same case files as `oktapol test`,
//! put to Okta's own policy simulation (`POST /api/v1/policies/simulate`)
//! and compared with the offline evaluation of the manifests.
//!
//! - [`request`] turns a case into a simulation request: names (app label,
//!   user login, group and zone names) become the org's IDs, and what Okta
//!   cannot be told is said in notes, never dropped silently.
//! - [`compare`] sets Okta's answer, per simulated policy type, beside the
//!   offline evaluation and the case's expected policy and rule.
//! - [`render`] writes the comparison as a table or as JSON.
//!
//! Okta simulates only sign-on (OKTA_SIGN_ON), MFA enrollment, access and
//! profile enrollment policies, and needs an app and an existing user (or
//! groups). Expectations on other kinds, and cases Okta cannot simulate,
//! are reported as "not simulatable" with the reason.

pub mod compare;
pub mod render;
pub mod request;

use serde::Serialize;

use crate::cases::{SourceLocation, Target};

pub use compare::{Answer, LivePolicies, compare, not_simulatable_case, policies_to_read};
pub use request::{OrgNames, Prepared, prepare, simulated_kinds};

/// A policy and rule, by name (and by ID where Okta gave one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pick {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
}

impl Pick {
    /// `Policy / Rule`, `Policy`, or `—`.
    pub fn text(&self) -> String {
        match (&self.policy, &self.rule) {
            (Some(policy), Some(rule)) => format!("{policy} / {rule}"),
            (Some(policy), None) => policy.clone(),
            (None, Some(rule)) => format!("… / {rule}"),
            (None, None) => "—".to_owned(),
        }
    }
}

/// What one side (Okta, or the manifests) says applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum Side {
    /// This policy and rule apply.
    Applies(Pick),
    /// The policies were evaluated and none applies.
    NoneApplies { why: String },
    /// Nothing to compare: the kind is not in the manifests, Okta returned
    /// no evaluation, …
    NotEvaluated { why: String },
}

impl Side {
    /// The cell in a table.
    pub fn text(&self) -> String {
        match self {
            Side::Applies(pick) => pick.text(),
            Side::NoneApplies { .. } => "(none applies)".to_owned(),
            Side::NotEvaluated { .. } => "—".to_owned(),
        }
    }
}

/// The case's own expectation of one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Expected {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies: Option<bool>,
}

impl Expected {
    /// The cell in a table.
    pub fn text(&self) -> String {
        match (&self.policy, &self.rule, self.applies) {
            (None, None, Some(false)) => "(none applies)".to_owned(),
            (None, None, Some(true)) => "(some policy)".to_owned(),
            (None, None, None) => "—".to_owned(),
            (policy, rule, _) => Pick {
                policy: policy.clone(),
                rule: rule.clone(),
                policy_id: None,
                rule_id: None,
            }
            .text(),
        }
    }
}

/// How one row came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RowStatus {
    /// Okta agrees with the manifests and with the case.
    Agree,
    /// Okta applies another policy or rule than the manifests or the case.
    Mismatch,
    /// Okta cannot simulate it.
    NotSimulatable,
    /// It could not be compared (an API error, a missing evaluation).
    Error,
}

impl RowStatus {
    /// The word in the table's last column.
    pub fn word(self) -> &'static str {
        match self {
            RowStatus::Agree => "ok",
            RowStatus::Mismatch => "MISMATCH",
            RowStatus::NotSimulatable => "not simulatable",
            RowStatus::Error => "ERROR",
        }
    }
}

/// One policy kind (or the app sign-in) of one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub target: Target,
    pub status: RowStatus,
    /// What Okta's simulation applies; `None` when not simulated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub okta: Option<Side>,
    /// What the manifests give, offline; `None` when not evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offline: Option<Side>,
    /// What the case expects, when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Expected>,
    /// Each disagreement, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// What was not compared or had to be assumed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// How one case came out as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CaseStatus {
    /// Simulated and compared (rows say how).
    Simulated,
    /// Okta cannot simulate the case at all (`reason` says why).
    NotSimulatable,
    /// The case could not be simulated (`reason` says why).
    Error,
}

/// One case's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseReport {
    pub name: String,
    pub location: SourceLocation,
    pub status: CaseStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub rows: Vec<Row>,
    /// About the request as a whole (what could not be sent to Okta).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl CaseReport {
    /// A case stopped before any row (not simulatable, or an error).
    pub fn stopped(case: &crate::cases::Case, status: CaseStatus, reason: String) -> CaseReport {
        CaseReport {
            name: case.name.clone(),
            location: case.location.clone(),
            status,
            reason: Some(reason),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Whether the case has a mismatch or an error.
    pub fn failed(&self) -> bool {
        self.status == CaseStatus::Error
            || self
                .rows
                .iter()
                .any(|r| matches!(r.status, RowStatus::Mismatch | RowStatus::Error))
    }
}

/// Counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub cases: usize,
    pub agree: usize,
    pub mismatches: usize,
    pub not_simulatable: usize,
    pub errors: usize,
}

/// A whole `oktapol simulate` run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulateReport {
    /// The org, as the client describes it (URL, or `local org (…)`).
    pub org: String,
    /// The manifest path, as given.
    pub manifests: String,
    /// The case file, as given.
    pub cases_file: String,
    pub cases: Vec<CaseReport>,
}

impl SimulateReport {
    /// Counts of rows (and of whole cases that stopped).
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            cases: self.cases.len(),
            ..Summary::default()
        };
        for case in &self.cases {
            // A case stopped before any row counts once.
            match case.status {
                _ if !case.rows.is_empty() => {}
                CaseStatus::NotSimulatable => summary.not_simulatable += 1,
                CaseStatus::Error => summary.errors += 1,
                CaseStatus::Simulated => {}
            }
            for row in &case.rows {
                match row.status {
                    RowStatus::Agree => summary.agree += 1,
                    RowStatus::Mismatch => summary.mismatches += 1,
                    RowStatus::NotSimulatable => summary.not_simulatable += 1,
                    RowStatus::Error => summary.errors += 1,
                }
            }
        }
        summary
    }

    /// Whether nothing mismatched and nothing failed.
    pub fn passed(&self) -> bool {
        !self.cases.iter().any(CaseReport::failed)
    }
}
