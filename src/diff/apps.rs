//! App mappings of access and profile enrollment policies: apps move to the
//! policy the manifests list them under, and off a policy before it is
//! deleted (to the kind's default policy; Okta has no unmapping).

use std::collections::BTreeSet;

use super::{Builder, Placed};
use crate::client::Scope;
use crate::desired::DesiredList;
use crate::live::mapped_policy;
use crate::manifest::kind::PolicyKind;
use crate::plan::{Action, Change, Target};

impl<'a> Builder<'a> {
    /// Apps of a policy about to be deleted, and not listed under another
    /// policy (those move in [`Self::app_mappings`], before the delete), move
    /// to the kind's default policy first.
    pub(super) fn remap_before_delete(
        &mut self,
        kind: PolicyKind,
        list: &DesiredList,
        deleted: &str,
        delete: usize,
        default_policy: Option<String>,
    ) {
        if !kind.has_app_mappings() {
            return;
        }
        let Some(apps) = &self.live.apps else { return };
        let Some(default_policy) = default_policy else {
            return;
        };
        let wanted: BTreeSet<&str> = list
            .policies
            .iter()
            .flat_map(|p| p.apps.iter().flatten())
            .filter_map(|a| a.id.as_deref())
            .collect();
        let mut moves = Vec::new();
        for app in apps {
            let Some(app_id) = app.id.as_deref() else {
                continue;
            };
            if mapped_policy(app, kind) != Some(deleted) || wanted.contains(app_id) {
                continue;
            }
            moves.push((app_id.to_owned(), app.label.clone().unwrap_or_default()));
        }
        for (app_id, label) in moves {
            let change = self.push(Change {
                reason: Some("its policy is deleted; Okta has no unmapping".to_owned()),
                ..Change::new(
                    format!(
                        "{}[{:?}].apps[{label:?}]",
                        kind.manifest_key(),
                        "Default Policy"
                    ),
                    Action::MapApp,
                    Target::AppMapping {
                        kind,
                        app_id,
                        app_label: label,
                        policy_id: Some(default_policy.clone()),
                        policy_name: "Default Policy".to_owned(),
                        policy_change: None,
                    },
                )
            });
            self.edge(change, delete);
        }
    }

    pub(super) fn app_mappings(
        &mut self,
        kind: PolicyKind,
        list: &DesiredList,
        placed: &[Placed],
        list_address: &str,
    ) {
        if !kind.has_app_mappings() {
            return;
        }
        let live = self.live;
        let apps = live.apps.as_deref().unwrap_or_default();
        let mut deletes: Vec<(String, usize)> = Vec::new();
        for (index, change) in self.out.changes.iter().enumerate() {
            if let (
                Action::Delete,
                Target::Policy {
                    kind: k,
                    id: Some(id),
                    ..
                },
            ) = (change.action, &change.target)
                && *k == kind
            {
                deletes.push((id.clone(), index));
            }
        }
        for (policy, placed) in list.policies.iter().zip(placed) {
            for app in policy.apps.iter().flatten() {
                let Some(app_id) = &app.id else { continue };
                let live_app = apps.iter().find(|a| a.id.as_deref() == Some(app_id));
                let current = live_app.and_then(|a| mapped_policy(a, kind));
                if placed.live_id.is_some() && current == placed.live_id.as_deref() {
                    continue;
                }
                let label = live_app
                    .and_then(|a| a.label.clone())
                    .unwrap_or_else(|| app.reference.as_str().to_owned());
                let change = self.push(Change {
                    source: self.source(&app.origin),
                    reason: current.map(|c| {
                        let from = live
                            .list(kind, &Scope::Org)
                            .and_then(|l| {
                                l.policies
                                    .iter()
                                    .find(|p| p.policy.id.as_deref() == Some(c))
                            })
                            .and_then(|p| p.policy.name.clone())
                            .unwrap_or_else(|| c.to_owned());
                        format!("moves from {from:?}")
                    }),
                    ..Change::new(
                        format!("{list_address}[{:?}].apps[{label:?}]", policy.object.name),
                        Action::MapApp,
                        Target::AppMapping {
                            kind,
                            app_id: app_id.clone(),
                            app_label: label,
                            policy_id: placed.live_id.clone(),
                            policy_name: policy.object.name.clone(),
                            policy_change: placed.create,
                        },
                    )
                });
                if let Some(create) = placed.create {
                    self.edge(create, change);
                }
                if let Some(activation) = placed.activation {
                    self.edge(activation, change);
                }
                if let Some((_, delete)) =
                    deletes.iter().find(|(id, _)| Some(id.as_str()) == current)
                {
                    self.edge(change, *delete);
                }
            }
        }
    }
}
