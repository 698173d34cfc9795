//! Entity risk and post-auth session rules: detection types take include or
//! exclude; an entity risk rule takes no action or one, a post-auth session
//! rule up to two different ones (terminate the session and run a workflow,
//! per Okta's 2026 API reference); a workflow is named exactly when the
//! action runs one.

use super::{At, rules_of};
use crate::finding::{Code, Finding};
use crate::manifest::common::WorkflowReference;
use crate::manifest::entity_risk::{EntityRiskActionType, EntityRiskPolicy, EntityRiskRule};
use crate::manifest::post_auth_session::{
    PostAuthSessionActionType, PostAuthSessionPolicy, PostAuthSessionRule,
};
use crate::manifest::set::ManifestSet;

pub fn check(set: &ManifestSet, out: &mut Vec<Finding>) {
    let entity = set.policies(|m| m.entity_risk_policies.as_ref());
    let rules = rules_of(
        &entity,
        |p: &EntityRiskPolicy| &p.rules,
        |p| &p.name,
        |r: &EntityRiskRule| &r.name,
        "entityRiskPolicies",
    );
    for (_, _, rule_at, rule) in rules {
        if let Some(types) = rule
            .conditions
            .as_ref()
            .and_then(|c| c.risk_detection_types.as_ref())
            && types.include.is_some()
            && types.exclude.is_some()
        {
            out.push(
                Finding::new(
                    Code::RiskDetectionOverlap,
                    rule_at.join("conditions/riskDetectionTypes").node(),
                    format!(
                        "{} lists both `include` and `exclude` detection types",
                        rule_at.address
                    ),
                )
                .hint("keep either `include` or `exclude`"),
            );
        }
        let actions = rule
            .actions
            .as_ref()
            .and_then(|a| a.entity_risk.as_ref())
            .and_then(|r| r.actions.as_ref());
        if let Some(actions) = actions {
            let list: Vec<(bool, Option<&WorkflowReference>)> = actions
                .iter()
                .map(|a| {
                    (
                        a.action == EntityRiskActionType::RunWorkflow,
                        a.workflow.as_ref(),
                    )
                })
                .collect();
            responses(&rule_at.join("actions/entityRisk/actions"), &list, out);
        }
    }
    let post = set.policies(|m| m.post_auth_session_policies.as_ref());
    let rules = rules_of(
        &post,
        |p: &PostAuthSessionPolicy| &p.rules,
        |p| &p.name,
        |r: &PostAuthSessionRule| &r.name,
        "postAuthSessionPolicies",
    );
    for (_, _, rule_at, rule) in rules {
        let actions = rule
            .actions
            .as_ref()
            .and_then(|a| a.post_auth_session.as_ref())
            .and_then(|r| r.failure_actions.as_ref());
        if let Some(actions) = actions {
            let list: Vec<(bool, Option<&WorkflowReference>)> = actions
                .iter()
                .map(|a| {
                    (
                        a.action == PostAuthSessionActionType::RunWorkflow,
                        a.workflow.as_ref(),
                    )
                })
                .collect();
            let at = rule_at.join("actions/postAuthSession/failureActions");
            if actions.len() == 2 && actions[0].action == actions[1].action {
                out.push(
                    Finding::new(
                        Code::RiskActionInvalid,
                        at.item(1).node(),
                        format!("{} lists the same action twice", at.address),
                    )
                    .hint("list each action once"),
                );
            }
            responses(&at, &list, out);
        }
    }
}

/// Checks a response list given as (runs a workflow, workflow reference).
fn responses(at: &At, actions: &[(bool, Option<&WorkflowReference>)], out: &mut Vec<Finding>) {
    // How many actions a rule takes is a list bound in the schema.
    for (index, (runs_workflow, workflow)) in actions.iter().enumerate() {
        let item = at.item(index);
        match (runs_workflow, workflow) {
            (true, None) => out.push(
                Finding::new(
                    Code::RiskActionInvalid,
                    item.node(),
                    format!("{} runs a workflow but does not name it", item.address),
                )
                .hint("add `workflow: { id: <flow name or id:…> }`"),
            ),
            (false, Some(_)) => out.push(
                Finding::new(
                    Code::RiskActionInvalid,
                    item.join("workflow").key(),
                    format!(
                        "{} names a workflow, which only `RUN_WORKFLOW` uses",
                        item.address
                    ),
                )
                .hint("remove `workflow`, or use `action: RUN_WORKFLOW`"),
            ),
            _ => {}
        }
    }
}
