//! Apply: execute a plan's changes against the org, in dependency order.
//! A change whose prerequisite failed is skipped (and says which failure
//! caused it); independent changes go on; the report lists every change.
//! IDs of objects created earlier in the run are handed to the changes
//! that need them (rules of a new policy, its activation, app mappings).

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::client::wire::{Policy, PolicyRule};
use crate::client::{Api, ApiError, Scope};
use crate::plan::{Action, Change, Plan, Target};

/// What happened to one change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum Outcome {
    /// The API call succeeded.
    Done,
    /// The API call failed.
    Failed {
        error: String,
        error_code: Option<String>,
    },
    /// Not attempted: a change it depends on failed (or was skipped).
    Skipped { because: usize },
}

/// Every change with its outcome.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub outcomes: Vec<(usize, Outcome)>,
}

impl Report {
    /// Changes that failed.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }

    /// Changes that were done.
    pub fn done(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Done))
    }

    /// Changes that were skipped.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped { .. }))
    }

    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.iter().filter(|(_, o)| f(o)).count()
    }
}

/// Executes the plan's changes in order (the plan's order respects its
/// edges).
pub async fn apply(api: &dyn Api, plan: &Plan) -> Report {
    let mut created: HashMap<usize, String> = HashMap::new();
    let mut blocked: HashMap<usize, usize> = HashMap::new();
    let mut report = Report::default();
    let prerequisites = prerequisites(plan);
    for (index, change) in plan.changes.iter().enumerate() {
        let failed_before = prerequisites
            .get(&index)
            .into_iter()
            .flatten()
            .find_map(|before| blocked.get(before).map(|root| (*before, *root)));
        if let Some((_, root)) = failed_before {
            blocked.insert(index, root);
            report
                .outcomes
                .push((index, Outcome::Skipped { because: root }));
            continue;
        }
        match execute(api, plan, index, change, &created).await {
            Ok(new_id) => {
                if let Some(id) = new_id {
                    created.insert(index, id);
                }
                report.outcomes.push((index, Outcome::Done));
            }
            Err(error) => {
                blocked.insert(index, index);
                report.outcomes.push((
                    index,
                    Outcome::Failed {
                        error_code: error.error_code().map(str::to_owned),
                        error: error.to_string(),
                    },
                ));
            }
        }
    }
    report
}

fn prerequisites(plan: &Plan) -> HashMap<usize, BTreeSet<usize>> {
    let mut before: HashMap<usize, BTreeSet<usize>> = HashMap::new();
    for &(first, then) in &plan.edges {
        before.entry(then).or_default().insert(first);
    }
    before
}

/// The ID of the policy a change works on: known, or created earlier.
fn policy_id(
    plan: &Plan,
    known: Option<&String>,
    creating: Option<usize>,
    address: &str,
    created: &HashMap<usize, String>,
) -> Result<String, ApiError> {
    if let Some(id) = known {
        return Ok(id.clone());
    }
    let creator = creating.or_else(|| {
        plan.changes
            .iter()
            .position(|c| c.action == Action::Create && c.address == address)
    });
    creator
        .and_then(|c| created.get(&c).cloned())
        .ok_or_else(|| ApiError::Decode {
            request: address.to_owned(),
            reason: "the policy this change needs was not created".to_owned(),
        })
}

fn body<T: serde::de::DeserializeOwned>(change: &Change) -> Result<T, ApiError> {
    let value = change.body.clone().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|error| ApiError::Decode {
        request: change.address.clone(),
        reason: format!("the plan's request body is not valid: {error}"),
    })
}

async fn execute(
    api: &dyn Api,
    plan: &Plan,
    index: usize,
    change: &Change,
    created: &HashMap<usize, String>,
) -> Result<Option<String>, ApiError> {
    let _ = index;
    match &change.target {
        Target::Policy { scope, id, .. } => {
            let id = match change.action {
                Action::Create => None,
                _ => Some(policy_id(
                    plan,
                    id.as_ref(),
                    None,
                    &change.address,
                    created,
                )?),
            };
            policy_change(api, change, scope, id.as_deref()).await
        }
        Target::Rule {
            scope,
            policy_id: known,
            policy_change,
            id,
            policy_name,
            ..
        } => {
            let policy = policy_id(plan, known.as_ref(), *policy_change, policy_name, created)?;
            rule_change(api, change, scope, &policy, id.as_deref()).await
        }
        Target::AppMapping {
            app_id,
            policy_id: known,
            policy_change,
            policy_name,
            ..
        } => {
            let policy = policy_id(plan, known.as_ref(), *policy_change, policy_name, created)?;
            api.map_app(app_id, &policy).await.map(|()| None)
        }
    }
}

async fn policy_change(
    api: &dyn Api,
    change: &Change,
    scope: &Scope,
    id: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let id = id.unwrap_or_default();
    match change.action {
        Action::Create => {
            let policy: Policy = body(change)?;
            let created = api
                .create_policy(scope, &policy, change.activate.unwrap_or(true))
                .await?;
            Ok(created.id)
        }
        Action::Update | Action::Rename | Action::Reorder => {
            let policy: Policy = body(change)?;
            api.replace_policy(scope, id, &policy).await.map(|_| None)
        }
        Action::Delete => api.delete_policy(scope, id).await.map(|()| None),
        Action::Activate => api.set_policy_status(scope, id, true).await.map(|()| None),
        Action::Deactivate => api.set_policy_status(scope, id, false).await.map(|()| None),
        Action::Replace | Action::MapApp => Err(unsupported(change)),
    }
}

async fn rule_change(
    api: &dyn Api,
    change: &Change,
    scope: &Scope,
    policy: &str,
    id: Option<&str>,
) -> Result<Option<String>, ApiError> {
    match (change.action, id) {
        (Action::Create, _) => {
            let rule: PolicyRule = body(change)?;
            let created = api
                .create_rule(scope, policy, &rule, change.activate.unwrap_or(true))
                .await?;
            Ok(created.id)
        }
        // The catch-all rule Okta created with a new policy.
        (Action::Update, None) => {
            let rules = api.list_rules(scope, policy).await?;
            let Some(live) = rules.into_iter().find(|r| r.system == Some(true)) else {
                return Err(ApiError::Decode {
                    request: change.address.clone(),
                    reason: "the new policy has no catch-all rule to update".to_owned(),
                });
            };
            let mut rule = live.clone();
            let desired: PolicyRule = {
                let mut value = change.body.clone().unwrap_or(Value::Null);
                if let Value::Object(map) = &mut value {
                    map.insert(
                        "name".to_owned(),
                        Value::String(live.name.clone().unwrap_or_default()),
                    );
                }
                serde_json::from_value(value).map_err(|error| ApiError::Decode {
                    request: change.address.clone(),
                    reason: error.to_string(),
                })?
            };
            rule.conditions = desired.conditions;
            rule.actions = desired.actions;
            rule.links = crate::client::wire::Field::Absent;
            let rule_id = live.id.clone().unwrap_or_default();
            api.replace_rule(scope, policy, &rule_id, &rule)
                .await
                .map(|_| None)
        }
        (Action::Update | Action::Rename | Action::Reorder, Some(id)) => {
            let rule: PolicyRule = body(change)?;
            api.replace_rule(scope, policy, id, &rule)
                .await
                .map(|_| None)
        }
        (Action::Delete, Some(id)) => api.delete_rule(scope, policy, id).await.map(|()| None),
        (Action::Activate, Some(id)) => api
            .set_rule_status(scope, policy, id, true)
            .await
            .map(|()| None),
        (Action::Deactivate, Some(id)) => api
            .set_rule_status(scope, policy, id, false)
            .await
            .map(|()| None),
        _ => Err(unsupported(change)),
    }
}

fn unsupported(change: &Change) -> ApiError {
    ApiError::Decode {
        request: change.address.clone(),
        reason: format!("a {} of this object is not supported", change.action.verb()),
    }
}
