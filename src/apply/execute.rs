//! Executing one change: the API call its action and target call for, with
//! the IDs of objects created earlier in the run filled in. A create whose
//! outcome is unknown (a timeout, a lost connection, a 5xx after Okta may
//! have committed it) is looked up by name before it is tried again, so a
//! retry never makes a duplicate.

use std::collections::HashMap;

use serde_json::Value;

use crate::client::wire::{Policy, PolicyRule};
use crate::client::{Api, ApiError, Scope};
use crate::plan::{Action, Change, Plan, Target};

/// How often a create with an unknown outcome is looked up and tried again.
const CREATE_ATTEMPTS: usize = 3;

/// The ID of the policy a change works on: known, or created earlier.
pub fn policy_id(
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

/// The policy ID a change needs, from the plan or from a change made
/// earlier in the run (`None` for a policy create).
pub fn needed_policy(
    plan: &Plan,
    change: &Change,
    created: &HashMap<usize, String>,
) -> Result<Option<String>, ApiError> {
    match &change.target {
        Target::Policy { id, .. } => match change.action {
            Action::Create => Ok(None),
            _ => policy_id(plan, id.as_ref(), None, &change.address, created).map(Some),
        },
        Target::Rule {
            policy_id: known,
            policy_change,
            policy_name,
            ..
        }
        | Target::AppMapping {
            policy_id: known,
            policy_change,
            policy_name,
            ..
        } => policy_id(plan, known.as_ref(), *policy_change, policy_name, created).map(Some),
    }
}

/// Makes one change; returns the ID of what it created, if anything.
/// `policy` is [`needed_policy`]'s answer.
pub async fn execute(
    api: &dyn Api,
    change: &Change,
    policy: Option<String>,
) -> Result<Option<String>, ApiError> {
    let policy = policy.unwrap_or_default();
    match &change.target {
        Target::Policy { scope, .. } => policy_change(api, change, scope, &policy).await,
        Target::Rule { scope, id, .. } => {
            rule_change(api, change, scope, &policy, id.as_deref()).await
        }
        Target::AppMapping { app_id, .. } => api.map_app(app_id, &policy).await.map(|()| None),
    }
}

async fn policy_change(
    api: &dyn Api,
    change: &Change,
    scope: &Scope,
    id: &str,
) -> Result<Option<String>, ApiError> {
    match change.action {
        Action::Create => {
            let policy: Policy = body(change)?;
            let activate = change.activate.unwrap_or(true);
            let name = policy.name.clone().unwrap_or_default();
            create_once(
                || api.create_policy(scope, &policy, activate),
                || async {
                    let live = match scope {
                        Scope::Org => api.list_policies(&policy.kind).await?,
                        Scope::Server(server) => api.list_server_policies(server).await?,
                    };
                    Ok(live
                        .into_iter()
                        .find(|p| p.name.as_deref() == Some(name.as_str()))
                        .and_then(|p| p.id))
                },
                |created: Policy| created.id,
            )
            .await
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
            let activate = change.activate.unwrap_or(true);
            let name = rule.name.clone().unwrap_or_default();
            create_once(
                || api.create_rule(scope, policy, &rule, activate),
                || async {
                    let live = api.list_rules(scope, policy).await?;
                    Ok(live
                        .into_iter()
                        .find(|r| r.name.as_deref() == Some(name.as_str()))
                        .and_then(|r| r.id))
                },
                |created: PolicyRule| created.id,
            )
            .await
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

/// A create that never makes a duplicate: when its outcome is unknown, the
/// object is looked up by name; found, it counts as created; not found,
/// the create is tried again (a few times at most).
async fn create_once<T, C, CF, L, LF>(
    create: C,
    look_up: L,
    id_of: impl Fn(T) -> Option<String>,
) -> Result<Option<String>, ApiError>
where
    C: Fn() -> CF,
    CF: std::future::Future<Output = Result<T, ApiError>>,
    L: Fn() -> LF,
    LF: std::future::Future<Output = Result<Option<String>, ApiError>>,
{
    let mut last = None;
    for _ in 0..CREATE_ATTEMPTS {
        match create().await {
            Ok(created) => return Ok(id_of(created)),
            Err(error) if error.outcome_unknown() => {
                if let Some(id) = look_up().await? {
                    return Ok(Some(id));
                }
                last = Some(error);
            }
            Err(error) => return Err(error),
        }
    }
    Err(last.unwrap_or_else(|| ApiError::Decode {
        request: "create".to_owned(),
        reason: "no attempt was made".to_owned(),
    }))
}

fn unsupported(change: &Change) -> ApiError {
    ApiError::Decode {
        request: change.address.clone(),
        reason: format!("a {} of this object is not supported", change.action.verb()),
    }
}
