//! Rules of an existing policy: matched by name, compared in canonical
//! form, created, updated, renamed, (de)activated or pruned, with Okta's
//! read-only default rules left alone, and their priorities planned.

use std::collections::{BTreeSet, HashMap};

use super::matching::{Match, match_objects};
use super::{Builder, Placed, Schemas, Update, compare};
use crate::client::Scope;
use crate::client::wire::PolicyRule;
use crate::desired::{DesiredObject, DesiredPolicy};
use crate::emulator::Engine;
use crate::live::{LivePolicy, policy_type};
use crate::manifest::kind::PolicyKind;
use crate::plan::priority::{LiveMember, Member, PriorityModel};
use crate::plan::{Action, Change, Target, Unmanaged};

impl<'a> Builder<'a> {
    /// Whether Okta lets a default rule change at all.
    pub(super) fn rule_read_only(&self, kind: PolicyKind, default_rule: bool) -> bool {
        default_rule
            && (matches!(kind, PolicyKind::IdpDiscovery | PolicyKind::MfaEnroll)
                || self.live.organization.engine == Engine::Classic)
    }

    #[allow(clippy::too_many_arguments)] // one call site; the arguments are the policy's context
    pub(super) fn existing_rules(
        &mut self,
        kind: PolicyKind,
        scope: &Scope,
        schemas: Schemas<'a>,
        policy_address: &str,
        policy: &DesiredPolicy,
        live: &LivePolicy,
        policy_id: &str,
        default_policy: bool,
    ) {
        let okta_type = policy_type(kind);
        let policy_name = live.policy.name.clone().unwrap_or_default();
        let desired: Vec<&DesiredObject> = policy.rules.iter().collect();
        let matches = match_objects(kind, &desired, &live.rules, true, &mut self.findings);
        let mut updates: HashMap<String, usize> = HashMap::new();
        let mut creates: Vec<(String, usize)> = Vec::new();
        for (index, (rule, found)) in policy.rules.iter().zip(&matches).enumerate() {
            let address = format!("{policy_address}.rules[{:?}]", rule.name);
            match found.index() {
                Some(live_index) => {
                    let live_rule = &live.rules[live_index];
                    let default_rule = live_rule.system == Some(true);
                    self.fingerprint_object(&address, Some(live_rule));
                    if self.rule_read_only(kind, default_rule) {
                        continue;
                    }
                    let rule_id = live_rule.id.clone().unwrap_or_default();
                    let live_name = live_rule.name.clone().unwrap_or_default();
                    let name = if default_rule {
                        live_name.clone()
                    } else {
                        rule.name.clone()
                    };
                    let target = Target::Rule {
                        kind,
                        scope: scope.clone(),
                        policy_id: Some(policy_id.to_owned()),
                        policy_name: policy_name.clone(),
                        policy_change: None,
                        id: Some(rule_id.clone()),
                        name: name.clone(),
                    };
                    // Read-only on the default rule of the default global session policy.
                    let keep: &[&str] =
                        if kind == PolicyKind::SignOn && default_rule && default_policy {
                            &[
                                "/actions/signon/session/maxSessionLifetimeMinutes",
                                "/actions/signon/session/usePersistentCookie",
                            ]
                        } else {
                            &[]
                        };
                    let live_sections = compare::rule_sections(live_rule);
                    let desired_filled =
                        compare::filled_rule(&okta_type, &rule.body, Some(&live_sections), keep);
                    let live_filled = compare::filled_rule(&okta_type, &live_sections, None, &[]);
                    if let Some(finding) = super::profile_enrollment_deny(
                        kind,
                        Some(&live_filled),
                        &desired_filled,
                        &rule.origin,
                    ) {
                        self.findings.push(finding);
                        continue;
                    }
                    let differences =
                        compare::differences(&schemas.rule, &desired_filled, &live_filled);
                    let live_value = serde_json::to_value(live_rule).unwrap_or_default();
                    let update = self.update(Update {
                        address: &address,
                        target: &target,
                        origin: &rule.origin,
                        schema: &schemas.rule,
                        live: &live_value,
                        live_name: &live_name,
                        name: &name,
                        desired: desired_filled,
                        differences: &differences,
                        renamed: matches!(found, Match::Renamed(_)),
                    });
                    if let Some(change) = update {
                        updates.insert(rule_id.clone(), change);
                    }
                    if !default_rule {
                        self.status(&address, &target, rule, live_rule.status.as_ref(), update);
                    }
                }
                None if rule.default => {}
                None => {
                    let sections = rule.body.clone();
                    let filled = compare::filled_rule(&okta_type, &sections, None, &[]);
                    let fields = self.fields(&compare::all_fields(&schemas.rule, &filled));
                    let change = self.push(Change {
                        source: self.source(&rule.origin),
                        fields,
                        body: Some(compare::create_body(
                            crate::emulator::kinds::rule_type(&okta_type).as_str(),
                            &rule.name,
                            &sections,
                            None,
                        )),
                        activate: Some(rule.active),
                        ..Change::new(
                            address.clone(),
                            Action::Create,
                            Target::Rule {
                                kind,
                                scope: scope.clone(),
                                policy_id: Some(policy_id.to_owned()),
                                policy_name: policy_name.clone(),
                                policy_change: None,
                                id: None,
                                name: rule.name.clone(),
                            },
                        )
                    });
                    self.fingerprint_object(&address, None::<&PolicyRule>);
                    creates.push((index.to_string(), change));
                }
            }
        }

        let matched: BTreeSet<usize> = matches.iter().filter_map(|m| m.index()).collect();
        let mut deletions = Vec::new();
        for (live_index, live_rule) in live.rules.iter().enumerate() {
            if matched.contains(&live_index) || live_rule.system == Some(true) {
                continue;
            }
            let Some(id) = live_rule.id.clone() else {
                continue;
            };
            let address = format!(
                "{policy_address}.rules[{:?}]",
                live_rule.name.as_deref().unwrap_or(&id)
            );
            if self.context.prune {
                self.fingerprint_object(&address, Some(live_rule));
                let change = self.push(Change::new(
                    address,
                    Action::Delete,
                    Target::Rule {
                        kind,
                        scope: scope.clone(),
                        policy_id: Some(policy_id.to_owned()),
                        policy_name: policy_name.clone(),
                        policy_change: None,
                        id: Some(id.clone()),
                        name: live_rule.name.clone().unwrap_or_default(),
                    },
                ));
                deletions.push((id, change));
            } else {
                self.out.unmanaged.push(Unmanaged {
                    address,
                    id,
                    system: false,
                });
            }
        }

        let Some(model) = PriorityModel::of(kind.rule_ordering()) else {
            return;
        };
        let create_of: HashMap<String, usize> = creates.into_iter().collect();
        let members: Vec<(Member, usize)> = policy
            .rules
            .iter()
            .enumerate()
            .zip(&matches)
            .filter(|((_, rule), _)| !rule.default)
            .filter_map(|((i, _), found)| {
                let member = match found.index() {
                    Some(live_index) => Member::Existing {
                        id: live.rules[live_index].id.clone()?,
                    },
                    None => Member::New { key: i.to_string() },
                };
                Some((member, i))
            })
            .collect();
        let live_members: Vec<LiveMember> = live
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                Some(LiveMember {
                    id: r.id.clone()?,
                    priority: r.priority.as_ref().copied().unwrap_or(0),
                    default: r.system == Some(true),
                    managed: matched.contains(&i) || r.system == Some(true),
                })
            })
            .collect();
        let names: HashMap<String, String> = live
            .rules
            .iter()
            .filter_map(|r| Some((r.id.clone()?, r.name.clone()?)))
            .collect();
        let placed_of = |i: usize| Placed {
            activation: None,
            live_id: None,
            create: create_of.get(&i.to_string()).copied(),
            update: matches[i]
                .index()
                .and_then(|li| live.rules[li].id.as_ref())
                .and_then(|id| updates.get(id).copied()),
        };
        let live_value = |id: &str| {
            live.rules
                .iter()
                .find(|r| r.id.as_deref() == Some(id))
                .and_then(|r| serde_json::to_value(r).ok())
        };
        let rule_address = format!("{policy_address}.rules");
        self.order(
            model,
            &rule_address,
            live_members,
            &members,
            &deletions,
            &placed_of,
            &names,
            &live_value,
            &|id| Target::Rule {
                kind,
                scope: scope.clone(),
                policy_id: Some(policy_id.to_owned()),
                policy_name: policy_name.clone(),
                policy_change: None,
                id: Some(id.to_owned()),
                name: names.get(id).cloned().unwrap_or_default(),
            },
            Some(schemas.rule),
        );
    }
}
