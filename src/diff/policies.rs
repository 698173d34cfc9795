//! Policies: an existing policy compared with its manifest (update,
//! rename, activation), a new one created INACTIVE with its rules and then
//! activated, and a pruned one deleted.

use serde_json::Value;

use super::compare::put_body;
use super::matching::Match;
use super::{Builder, Placed, Schemas, Update, compare};
use crate::client::Scope;
use crate::client::wire::{LifecycleStatus, Policy};
use crate::desired::{DesiredObject, DesiredPolicy};
use crate::emulator::defaults::ACCOUNT_MANAGEMENT_POLICY;
use crate::live::{LivePolicy, policy_type};
use crate::manifest::kind::PolicyKind;
use crate::plan::priority::{
    LiveMember, Member, OrderedList, PriorityModel, PriorityWrite, plan_priorities,
};
use crate::plan::{Action, Change, FieldChange, Target};

impl<'a> Builder<'a> {
    #[allow(clippy::too_many_arguments)] // one call site; the arguments are the policy's context
    pub(super) fn existing_policy(
        &mut self,
        kind: PolicyKind,
        scope: &Scope,
        schemas: Schemas<'a>,
        address: &str,
        policy: &DesiredPolicy,
        found: Match,
        live: &LivePolicy,
        is_default: bool,
    ) -> Placed {
        let okta_type = policy_type(kind);
        let id = live.policy.id.clone().unwrap_or_default();
        let live_name = live.policy.name.clone().unwrap_or_default();
        let system = live.policy.system == Some(true);
        // Okta's own policies keep Okta's name.
        let name = if system {
            live_name.clone()
        } else {
            policy.object.name.clone()
        };
        let mut placed = Placed {
            live_id: Some(id.clone()),
            ..Placed::default()
        };
        self.fingerprint_object(address, Some(&live.policy));
        let target = Target::Policy {
            kind,
            scope: scope.clone(),
            id: Some(id.clone()),
            name: name.clone(),
        };
        let read_only = kind == PolicyKind::Access && live_name == ACCOUNT_MANAGEMENT_POLICY;
        if !read_only {
            let live_sections = compare::policy_sections(&live.policy);
            let desired = compare::filled_policy(
                &okta_type,
                &policy.object.body,
                Some(&live_sections),
                self.context.everyone.as_deref(),
            );
            let live_filled = compare::filled_policy(
                &okta_type,
                &live_sections,
                None,
                self.context.everyone.as_deref(),
            );
            let differences = compare::differences(&schemas.policy, &desired, &live_filled);
            let live_value = serde_json::to_value(&live.policy).unwrap_or_default();
            placed.update = self.update(Update {
                address,
                target: &target,
                origin: &policy.object.origin,
                schema: &schemas.policy,
                live: &live_value,
                live_name: &live_name,
                name: &name,
                desired,
                differences: &differences,
                renamed: matches!(found, Match::Renamed(_)),
            });
            if !system {
                self.status(
                    address,
                    &target,
                    &policy.object,
                    live.policy.status.as_ref(),
                    placed.update,
                );
            }
        }
        self.existing_rules(kind, scope, schemas, address, policy, live, &id, is_default);
        placed
    }

    /// An update (or rename) change when the object differs: the `PUT`
    /// body is the live object with the managed members replaced.
    pub(super) fn update(&mut self, update: Update<'_, 'a>) -> Option<usize> {
        let renamed = update.name != update.live_name;
        if update.differences.is_empty() && !renamed {
            return None;
        }
        let mut fields = self.fields(update.differences);
        if renamed {
            fields.insert(
                0,
                FieldChange {
                    path: "/name".to_owned(),
                    before: Some(Value::String(update.live_name.to_owned())),
                    after: Some(Value::String(update.name.to_owned())),
                },
            );
        }
        let mut members = update.desired;
        members.insert("name".to_owned(), Value::String(update.name.to_owned()));
        let body = put_body(update.schema, update.live, &members, None);
        Some(
            self.push(Change {
                source: self.source(update.origin),
                fields,
                body: Some(body),
                reason: update
                    .renamed
                    .then(|| format!("renamed from {:?}", update.live_name)),
                ..Change::new(
                    update.address.to_owned(),
                    if update.differences.is_empty() {
                        Action::Rename
                    } else {
                        Action::Update
                    },
                    update.target.clone(),
                )
            }),
        )
    }

    pub(super) fn status(
        &mut self,
        address: &str,
        target: &Target,
        object: &DesiredObject,
        live: Option<&LifecycleStatus>,
        after: Option<usize>,
    ) -> Option<usize> {
        let active = matches!(live, Some(LifecycleStatus::Active));
        if active == object.active {
            return None;
        }
        let change = self.push(Change {
            source: self.source(&object.origin),
            fields: vec![FieldChange {
                path: "/status".to_owned(),
                before: live.map(|s| Value::String(s.as_str().to_owned())),
                after: Some(Value::String(
                    if object.active { "ACTIVE" } else { "INACTIVE" }.to_owned(),
                )),
            }],
            ..Change::new(
                address.to_owned(),
                if object.active {
                    Action::Activate
                } else {
                    Action::Deactivate
                },
                target.clone(),
            )
        });
        if let Some(after) = after {
            self.edge(after, change);
        }
        Some(change)
    }

    pub(super) fn new_policy(
        &mut self,
        kind: PolicyKind,
        scope: &Scope,
        schemas: Schemas<'a>,
        address: &str,
        policy: &DesiredPolicy,
    ) -> Placed {
        let okta_type = policy_type(kind);
        let filled = compare::filled_policy(
            &okta_type,
            &policy.object.body,
            None,
            self.context.everyone.as_deref(),
        );
        let fields = self.fields(&compare::all_fields(&schemas.policy, &filled));
        self.fingerprint_object(address, None::<&Policy>);
        let target = Target::Policy {
            kind,
            scope: scope.clone(),
            id: None,
            name: policy.object.name.clone(),
        };
        let create = self.push(Change {
            source: self.source(&policy.object.origin),
            fields,
            body: Some(compare::create_body(
                okta_type.as_str(),
                &policy.object.name,
                &policy.object.body,
                None,
            )),
            // Created inactive: it takes effect only once its rules exist.
            activate: Some(false),
            ..Change::new(address, Action::Create, target)
        });
        let rule_type = crate::emulator::kinds::rule_type(&okta_type);
        let mut rule_changes = Vec::new();
        let mut creates = Vec::new();
        for (index, rule) in policy.rules.iter().enumerate() {
            let rule_address = format!("{address}.rules[{:?}]", rule.name);
            let filled = compare::filled_rule(&okta_type, &rule.body, None, &[]);
            let fields = self.fields(&compare::all_fields(&schemas.rule, &filled));
            let target = Target::Rule {
                kind,
                scope: scope.clone(),
                policy_id: None,
                policy_name: policy.object.name.clone(),
                policy_change: Some(create),
                id: None,
                name: rule.name.clone(),
            };
            if rule.default
                && let Some(finding) =
                    super::profile_enrollment_deny(kind, None, &filled, &rule.origin)
            {
                self.findings.push(finding);
            }
            let change = if rule.default {
                // Okta creates the catch-all rule with the policy; it is updated in place.
                let mut body = compare::create_body(rule_type.as_str(), &rule.name, &filled, None);
                if let Value::Object(map) = &mut body {
                    map.remove("name");
                }
                self.push(Change {
                    source: self.source(&rule.origin),
                    fields,
                    body: Some(body),
                    reason: Some("the catch-all rule Okta creates with the policy".to_owned()),
                    ..Change::new(rule_address, Action::Update, target)
                })
            } else {
                let change = self.push(Change {
                    source: self.source(&rule.origin),
                    fields,
                    body: Some(compare::create_body(
                        rule_type.as_str(),
                        &rule.name,
                        &rule.body,
                        None,
                    )),
                    activate: Some(rule.active),
                    ..Change::new(rule_address, Action::Create, target)
                });
                creates.push((
                    Member::New {
                        key: index.to_string(),
                    },
                    index,
                    change,
                ));
                change
            };
            self.edge(create, change);
            rule_changes.push(change);
        }
        // Rules of a new list: created in order, each at its planned priority.
        if let Some(model) = PriorityModel::of(kind.rule_ordering()) {
            let catch_all = kind.has_app_mappings();
            let live = if catch_all {
                vec![LiveMember {
                    id: "catch-all".to_owned(),
                    priority: 99,
                    default: true,
                    managed: true,
                }]
            } else {
                Vec::new()
            };
            let list = OrderedList {
                model,
                live,
                desired: creates.iter().map(|(m, _, _)| m.clone()).collect(),
                deletions: Vec::new(),
            };
            if let Ok(plan) = plan_priorities(&list) {
                let mut previous: Option<usize> = None;
                for write in plan.writes {
                    if let PriorityWrite::Create { key, priority } = write
                        && let Some((_, _, change)) =
                            creates.iter().find(|(m, _, _)| m.name() == key)
                    {
                        self.set_priority(*change, None, priority);
                        if let Some(previous) = previous {
                            self.edge(previous, *change);
                        }
                        previous = Some(*change);
                    }
                }
            }
        }
        let mut activation = None;
        if policy.object.active {
            let activate = self.push(Change {
                follow_up: true,
                reason: Some("activated once its rules exist".to_owned()),
                ..Change::new(
                    address.to_owned(),
                    Action::Activate,
                    Target::Policy {
                        kind,
                        scope: scope.clone(),
                        id: None,
                        name: policy.object.name.clone(),
                    },
                )
            });
            self.edge(create, activate);
            for change in rule_changes {
                self.edge(change, activate);
            }
            activation = Some(activate);
        }
        Placed {
            live_id: None,
            create: Some(create),
            update: None,
            activation,
        }
    }

    pub(super) fn delete_policy(
        &mut self,
        kind: PolicyKind,
        scope: &Scope,
        address: &str,
        live: &Policy,
        id: &str,
    ) -> usize {
        self.fingerprint_object(address, Some(live));
        self.push(Change::new(
            address.to_owned(),
            Action::Delete,
            Target::Policy {
                kind,
                scope: scope.clone(),
                id: Some(id.to_owned()),
                name: live.name.clone().unwrap_or_default(),
            },
        ))
    }
}
