//! Diff: the resolved desired state against the live org, producing the
//! plan's changes and their dependency edges. Objects are matched by name
//! ([`matching`]), compared in one canonical form ([`compare`],
//! [`normalize`]); priorities of each ordered list are planned as the
//! fewest moves ([`crate::plan::priority`]). Pure: no API calls.

pub mod compare;
pub mod matching;
pub mod normalize;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use serde_json::{Map, Value};

use self::compare::{Difference, put_body};
use self::matching::{LiveObject, Match, default_index, match_objects};
use crate::client::Scope;
use crate::client::wire::{LifecycleStatus, Policy, PolicyRule};
use crate::desired::{Desired, DesiredList, DesiredObject, DesiredPolicy, Origin};
use crate::emulator::Engine;
use crate::emulator::defaults::ACCOUNT_MANAGEMENT_POLICY;
use crate::finding::{Code, Finding};
use crate::live::{LiveOrg, LivePolicy, policy_type};
use crate::manifest::kind::{Ordering, PolicyKind};
use crate::plan::fingerprint;
use crate::plan::priority::{
    LiveMember, Member, OrderedList, PriorityModel, PriorityWrite, plan_priorities,
};
use crate::plan::{
    Action, Change, FieldChange, Fingerprint, PriorityChange, Renumbered, Target, Unmanaged,
};
use crate::schema::project::ObjectSchema;

/// What the diff needs besides the two states.
pub struct Context<'a> {
    /// The manifest JSON Schema (which fields are modelled).
    pub schema: &'a Value,
    /// The Everyone group's ID, when it was read.
    pub everyone: Option<String>,
    /// `--prune`: delete live objects the manifests do not mention.
    pub prune: bool,
    /// `file:line:col` of a manifest node, for the plan's `source`.
    pub locate: &'a dyn Fn(&Origin) -> Option<String>,
}

/// The changes, edges and information a plan is made of.
#[derive(Debug, Default)]
pub struct Diff {
    pub changes: Vec<Change>,
    pub edges: Vec<(usize, usize)>,
    pub unmanaged: Vec<Unmanaged>,
    pub renumbered: Vec<Renumbered>,
    pub fingerprint: Fingerprint,
}

/// Diffs the resolved desired state against the live org.
pub fn diff(
    desired: &Desired,
    live: &LiveOrg,
    context: &Context<'_>,
) -> Result<Diff, Vec<Finding>> {
    let mut builder = Builder {
        context,
        live,
        out: Diff::default(),
        findings: Vec::new(),
    };
    for list in &desired.lists {
        builder.list(list);
    }
    if !builder.findings.is_empty() {
        return Err(builder.findings);
    }
    let mut out = builder.out;
    // Only what the changes address is fingerprinted.
    let addressed: BTreeSet<&str> = out.changes.iter().map(|c| c.address.as_str()).collect();
    out.fingerprint
        .objects
        .retain(|address, _| addressed.contains(address.as_str()));
    sort_changes(&mut out).map_err(|cycle| {
        vec![Finding::new(
            Code::RenameConflict,
            crate::finding::Location::None,
            format!("internal error: the plan's changes depend on each other in a cycle ({cycle})"),
        )]
    })?;
    Ok(out)
}

struct Builder<'a> {
    context: &'a Context<'a>,
    live: &'a LiveOrg,
    out: Diff,
    findings: Vec<Finding>,
}

/// Schemas of one kind's policy and rule objects.
#[derive(Clone, Copy)]
struct Schemas<'s> {
    policy: ObjectSchema<'s>,
    rule: ObjectSchema<'s>,
}

/// What [`Builder::update`] compares and writes.
struct Update<'u, 's> {
    address: &'u str,
    target: &'u Target,
    origin: &'u Origin,
    schema: &'u ObjectSchema<'s>,
    live: &'u Value,
    live_name: &'u str,
    /// The name after the change (Okta's own objects keep theirs).
    name: &'u str,
    /// The filled desired sections.
    desired: Map<String, Value>,
    differences: &'u [Difference],
    /// Matched by `renamedFrom`.
    renamed: bool,
}

/// One desired policy's place in the plan.
#[derive(Default, Clone)]
struct Placed {
    /// The live policy's ID, when it exists.
    live_id: Option<String>,
    /// The change creating it, when new.
    create: Option<usize>,
    /// Its update change, when it has one.
    update: Option<usize>,
    /// The activation of a new policy: apps move to it only once it is active.
    activation: Option<usize>,
}

impl<'a> Builder<'a> {
    fn push(&mut self, change: Change) -> usize {
        self.out.changes.push(change);
        self.out.changes.len() - 1
    }

    fn edge(&mut self, before: usize, after: usize) {
        if before != after && !self.out.edges.contains(&(before, after)) {
            self.out.edges.push((before, after));
        }
    }

    fn source(&self, origin: &Origin) -> Option<String> {
        (self.context.locate)(origin)
    }

    fn fingerprint_object(&mut self, address: &str, live: Option<&impl serde::Serialize>) {
        let digest = match live {
            Some(object) => fingerprint::object(object),
            None => fingerprint::ABSENT.to_owned(),
        };
        self.out
            .fingerprint
            .objects
            .insert(address.to_owned(), digest);
    }

    fn schemas(&self, kind: PolicyKind) -> Option<Schemas<'a>> {
        let root = self.context.schema;
        let policy = match kind {
            PolicyKind::AuthorizationServer => {
                ObjectSchema::list_items(root, kind.manifest_key())?.items_of("policies")?
            }
            _ => ObjectSchema::list_items(root, kind.manifest_key())?,
        };
        let rule = policy.items_of("rules")?;
        Some(Schemas { policy, rule })
    }

    fn list(&mut self, list: &DesiredList) {
        let kind = list.kind;
        let scope = match (&list.server, &list.server_id) {
            (None, _) => Scope::Org,
            (Some(_), Some(id)) => Scope::Server(id.clone()),
            // Unresolved server: reported by resolution.
            (Some(_), None) => return,
        };
        let Some(schemas) = self.schemas(kind) else {
            return;
        };
        let list_address = match &list.server {
            Some((server, _)) => format!("authorizationServers[{:?}].policies", server.as_str()),
            None => kind.manifest_key().to_owned(),
        };
        let empty = Vec::new();
        let live_policies: &Vec<LivePolicy> =
            self.live.list(kind, &scope).map_or(&empty, |l| &l.policies);
        let live_bare: Vec<&Policy> = live_policies.iter().map(|p| &p.policy).collect();
        let desired_objects: Vec<&DesiredObject> =
            list.policies.iter().map(|p| &p.object).collect();
        let matches = match_objects(
            kind,
            &desired_objects,
            &live_bare,
            false,
            &mut self.findings,
        );
        let default_live = default_index(kind, &live_bare, false);

        let mut placed = vec![Placed::default(); list.policies.len()];
        for (index, (policy, found)) in list.policies.iter().zip(&matches).enumerate() {
            let address = format!("{list_address}[{:?}]", policy.object.name);
            match found.index() {
                Some(live_index) => {
                    let live = &live_policies[live_index];
                    placed[index] = self.existing_policy(
                        kind,
                        &scope,
                        schemas,
                        &address,
                        policy,
                        *found,
                        live,
                        Some(live_index) == default_live,
                    );
                }
                None if kind.policy_ordering() == Ordering::Single || policy.object.default => {
                    if !policy.object.default {
                        self.findings.push(
                            Finding::new(
                                Code::NotCreatable,
                                policy.object.origin.at(""),
                                format!(
                                    "the org has no {} named {:?}, and Okta keeps exactly one",
                                    kind.label(),
                                    policy.object.name
                                ),
                            )
                            .hint("write the org's policy with `default: true`"),
                        );
                    }
                }
                None => {
                    placed[index] = self.new_policy(kind, &scope, schemas, &address, policy);
                }
            }
        }

        // Live policies no manifest mentions.
        let matched: BTreeSet<usize> = matches.iter().filter_map(|m| m.index()).collect();
        let mut deletions = Vec::new();
        for (live_index, live) in live_policies.iter().enumerate() {
            if matched.contains(&live_index) {
                continue;
            }
            let Some(id) = live.policy.id.clone() else {
                continue;
            };
            let address = format!(
                "{list_address}[{:?}]",
                live.policy.name.as_deref().unwrap_or(&id)
            );
            let system = okta_owned(kind, &live.policy);
            if self.context.prune && !system {
                let delete = self.delete_policy(kind, &scope, &address, &live.policy, &id);
                self.remap_before_delete(
                    kind,
                    list,
                    &placed,
                    &id,
                    delete,
                    default_live.and_then(|d| live_policies[d].policy.id.clone()),
                );
                deletions.push((id, delete));
            } else {
                self.out.unmanaged.push(Unmanaged {
                    address,
                    id,
                    system,
                });
            }
        }

        self.app_mappings(kind, list, &placed, &list_address);

        // Priorities of the ordered policy lists.
        if let Some(model) = PriorityModel::of(kind.policy_ordering()) {
            let members: Vec<(Member, usize)> = list
                .policies
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.object.default)
                .filter_map(|(i, _)| {
                    let member = match (&placed[i].live_id, placed[i].create) {
                        (Some(id), _) => Member::Existing { id: id.clone() },
                        (None, Some(_)) => Member::New { key: i.to_string() },
                        (None, None) => return None,
                    };
                    Some((member, i))
                })
                .collect();
            let live_members = live_policies
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    Some(LiveMember {
                        id: p.policy.id.clone()?,
                        priority: p.policy.priority.as_ref().copied().unwrap_or(0),
                        default: Some(i) == default_live,
                        managed: matched.contains(&i),
                    })
                })
                .collect();
            let names: HashMap<String, String> = live_policies
                .iter()
                .filter_map(|p| Some((p.policy.id.clone()?, p.policy.name.clone()?)))
                .collect();
            self.order(
                model,
                &list_address,
                live_members,
                &members,
                &deletions,
                &|i| placed[i].clone(),
                &names,
                &|id| {
                    live_bare
                        .iter()
                        .find(|p| p.id.as_deref() == Some(id))
                        .and_then(|p| serde_json::to_value(p).ok())
                },
                &|id| Target::Policy {
                    kind,
                    scope: scope.clone(),
                    id: Some(id.to_owned()),
                    name: names.get(id).cloned().unwrap_or_default(),
                },
                Some(schemas.policy),
            );
        }
    }

    #[allow(clippy::too_many_arguments)] // one call site; the arguments are the policy's context
    fn existing_policy(
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
    fn update(&mut self, update: Update<'_, 'a>) -> Option<usize> {
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

    fn status(
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

    /// Whether Okta lets a default rule change at all.
    fn rule_read_only(&self, kind: PolicyKind, default_rule: bool) -> bool {
        default_rule
            && (matches!(kind, PolicyKind::IdpDiscovery | PolicyKind::MfaEnroll)
                || self.live.organization.engine == Engine::Classic)
    }

    #[allow(clippy::too_many_arguments)] // one call site; the arguments are the policy's context
    fn existing_rules(
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

    fn new_policy(
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

    fn delete_policy(
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

    /// Apps of a policy about to be deleted move first: to the policy the
    /// manifests map them to, or else to the kind's default policy.
    fn remap_before_delete(
        &mut self,
        kind: PolicyKind,
        list: &DesiredList,
        placed: &[Placed],
        deleted: &str,
        delete: usize,
        default_policy: Option<String>,
    ) {
        if !kind.has_app_mappings() {
            return;
        }
        let Some(apps) = &self.live.apps else { return };
        let wanted: BTreeSet<&str> = list
            .policies
            .iter()
            .flat_map(|p| p.apps.iter().flatten())
            .filter_map(|a| a.id.as_deref())
            .collect();
        let mut moves = Vec::new();
        for app in apps {
            let current = match kind {
                PolicyKind::Access => app.access_policy_id(),
                _ => app.profile_enrollment_policy_id(),
            };
            let (Some(current), Some(app_id)) = (current, app.id.as_deref()) else {
                continue;
            };
            if current != deleted || wanted.contains(app_id) {
                continue;
            }
            let Some(default_policy) = default_policy.clone() else {
                continue;
            };
            moves.push((
                app_id.to_owned(),
                app.label.clone().unwrap_or_default(),
                default_policy,
            ));
        }
        for (app_id, label, default_policy) in moves {
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
                        policy_id: Some(default_policy),
                        policy_name: "Default Policy".to_owned(),
                        policy_change: None,
                    },
                )
            });
            self.edge(change, delete);
        }
        // Apps the manifests move elsewhere go before the delete too.
        let _ = placed;
        let mapped: Vec<usize> = self
            .out
            .changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.action == Action::MapApp)
            .filter(|(_, c)| match &c.target {
                Target::AppMapping { app_id, .. } => apps.iter().any(|a| {
                    a.id.as_deref() == Some(app_id)
                        && match kind {
                            PolicyKind::Access => a.access_policy_id(),
                            _ => a.profile_enrollment_policy_id(),
                        } == Some(deleted)
                }),
                _ => false,
            })
            .map(|(i, _)| i)
            .collect();
        for change in mapped {
            self.edge(change, delete);
        }
    }

    fn app_mappings(
        &mut self,
        kind: PolicyKind,
        list: &DesiredList,
        placed: &[Placed],
        list_address: &str,
    ) {
        if !kind.has_app_mappings() {
            return;
        }
        let apps = self.live.apps.clone().unwrap_or_default();
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
                let current = live_app.and_then(|a| match kind {
                    PolicyKind::Access => a.access_policy_id(),
                    _ => a.profile_enrollment_policy_id(),
                });
                if placed.live_id.is_some() && current == placed.live_id.as_deref() {
                    continue;
                }
                let label = live_app
                    .and_then(|a| a.label.clone())
                    .unwrap_or_else(|| app.reference.as_str().to_owned());
                let change = self.push(Change {
                    source: self.source(&app.origin),
                    reason: current.map(|c| {
                        let from = self
                            .live
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

    /// Sets a change's priority (and its body's).
    fn set_priority(&mut self, change: usize, from: Option<i64>, to: i64) {
        if let Some(change) = self.out.changes.get_mut(change) {
            change.priority = Some(PriorityChange { from, to });
            if let Some(body) = &mut change.body {
                compare::with_priority(body, to);
            }
        }
    }

    /// Plans one ordered list's priority writes and chains them.
    #[allow(clippy::too_many_arguments)] // policy lists and rule lists share it
    fn order(
        &mut self,
        model: PriorityModel,
        list_address: &str,
        live: Vec<LiveMember>,
        members: &[(Member, usize)],
        deletions: &[(String, usize)],
        placed_of: &dyn Fn(usize) -> Placed,
        names: &HashMap<String, String>,
        live_value: &dyn Fn(&str) -> Option<Value>,
        target_of: &dyn Fn(&str) -> Target,
        schema: Option<ObjectSchema<'a>>,
    ) {
        let list = OrderedList {
            model,
            live: live.clone(),
            desired: members.iter().map(|(m, _)| m.clone()).collect(),
            deletions: deletions.iter().map(|(id, _)| id.clone()).collect(),
        };
        let plan = match plan_priorities(&list) {
            Ok(plan) => plan,
            Err(error) => {
                self.findings.push(Finding::new(
                    Code::RenameConflict,
                    crate::finding::Location::None,
                    format!("{list_address}: {error}"),
                ));
                return;
            }
        };
        let live_priority: HashMap<&str, i64> =
            live.iter().map(|m| (m.id.as_str(), m.priority)).collect();
        let index_of = |member: &Member| members.iter().find(|(m, _)| m == member).map(|(_, i)| *i);
        let mut chain: Vec<usize> = Vec::new();
        let mut reordered = false;
        for write in &plan.writes {
            let change = match write {
                PriorityWrite::Delete { id } => {
                    deletions.iter().find(|(d, _)| d == id).map(|(_, c)| *c)
                }
                PriorityWrite::Create { key, priority } => {
                    let change = index_of(&Member::New { key: key.clone() })
                        .and_then(|i| placed_of(i).create);
                    if let Some(change) = change {
                        self.set_priority(change, None, *priority);
                    }
                    change
                }
                PriorityWrite::Move { id, priority }
                | PriorityWrite::MoveUnmanaged { id, priority } => {
                    reordered = true;
                    let from = live_priority.get(id.as_str()).copied();
                    let update = index_of(&Member::Existing { id: id.clone() })
                        .and_then(|i| placed_of(i).update);
                    match update {
                        Some(update) => {
                            self.set_priority(update, from, *priority);
                            Some(update)
                        }
                        None => {
                            let name = names.get(id).cloned().unwrap_or_else(|| id.clone());
                            let body = match (schema, live_value(id)) {
                                (Some(schema), Some(live)) => {
                                    let members = live.as_object().cloned().unwrap_or_default();
                                    Some(put_body(&schema, &live, &members, Some(*priority)))
                                }
                                _ => None,
                            };
                            let unmanaged = matches!(write, PriorityWrite::MoveUnmanaged { .. });
                            Some(self.push(Change {
                                body,
                                priority: Some(PriorityChange { from, to: *priority }),
                                reason: unmanaged.then(|| {
                                    "unmanaged; moved to keep its place after the managed object it follows".to_owned()
                                }),
                                ..Change::new(format!("{list_address}[{name:?}]"), Action::Reorder, target_of(id))
                            }))
                        }
                    }
                }
            };
            if let Some(change) = change {
                if let Some(previous) = chain.last() {
                    self.edge(*previous, change);
                }
                chain.push(change);
            }
        }
        if reordered
            || plan.writes.iter().any(|w| {
                matches!(
                    w,
                    PriorityWrite::Delete { .. } | PriorityWrite::Create { .. }
                )
            })
        {
            let order: Vec<&str> = {
                let mut sorted: Vec<&LiveMember> = live.iter().collect();
                sorted.sort_by_key(|m| (m.default, m.priority));
                sorted.iter().map(|m| m.id.as_str()).collect()
            };
            self.out
                .fingerprint
                .lists
                .insert(list_address.to_owned(), fingerprint::order(&order));
        }
        for member in &plan.members {
            if member.managed || member.default {
                continue;
            }
            if let (Member::Existing { id }, Some(from)) = (&member.member, member.live_priority)
                && from != member.planned_priority
            {
                self.out.renumbered.push(Renumbered {
                    address: format!(
                        "{list_address}[{:?}]",
                        names.get(id).cloned().unwrap_or_else(|| id.clone())
                    ),
                    from,
                    to: member.planned_priority,
                });
            }
        }
    }

    /// Field changes for display: IDs shown as names where known.
    fn fields(&self, differences: &[Difference]) -> Vec<FieldChange> {
        differences
            .iter()
            .map(|(path, before, after)| FieldChange {
                path: path.clone(),
                before: before.as_ref().map(|v| self.humanize(v)),
                after: after.as_ref().map(|v| self.humanize(v)),
            })
            .collect()
    }

    fn humanize(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => match self.live.directory.name_of(text) {
                Some(name) => Value::String(name.to_owned()),
                None => value.clone(),
            },
            Value::Array(items) => Value::Array(items.iter().map(|v| self.humanize(v)).collect()),
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), self.humanize(v)))
                    .collect::<Map<String, Value>>(),
            ),
            other => other.clone(),
        }
    }
}

/// Okta's own policies, never deleted: `system: true` ones, and the access
/// policies Okta creates for its own apps (which it marks `system: false`).
fn okta_owned(kind: PolicyKind, policy: &Policy) -> bool {
    const OKTA_ACCESS_POLICIES: [&str; 3] = [
        "Okta Dashboard",
        "Okta Admin Console",
        ACCOUNT_MANAGEMENT_POLICY,
    ];
    policy.system == Some(true)
        || (kind == PolicyKind::Access
            && policy
                .name
                .as_deref()
                .is_some_and(|name| OKTA_ACCESS_POLICIES.contains(&name)))
}

/// Orders changes so every edge points forward (stable: ties keep their
/// original order), renumbering edges and `policyChange` references.
fn sort_changes(out: &mut Diff) -> Result<(), String> {
    let count = out.changes.len();
    let mut indegree = vec![0usize; count];
    let mut successors: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(before, after) in &out.edges {
        indegree[after] += 1;
        successors.entry(before).or_default().push(after);
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..count)
        .filter(|&i| indegree[i] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(count);
    while let Some(Reverse(next)) = ready.pop() {
        order.push(next);
        for &after in successors.get(&next).into_iter().flatten() {
            indegree[after] -= 1;
            if indegree[after] == 0 {
                ready.push(Reverse(after));
            }
        }
    }
    if order.len() != count {
        let stuck: Vec<String> = (0..count)
            .filter(|i| indegree[*i] > 0)
            .map(|i| out.changes[i].address.clone())
            .collect();
        return Err(stuck.join(", "));
    }
    let mut new_index = vec![0usize; count];
    for (position, &old) in order.iter().enumerate() {
        new_index[old] = position;
    }
    let mut changes: Vec<Option<Change>> = std::mem::take(&mut out.changes)
        .into_iter()
        .map(Some)
        .collect();
    out.changes = order
        .iter()
        .filter_map(|&old| changes[old].take())
        .collect();
    for change in &mut out.changes {
        match &mut change.target {
            Target::Rule {
                policy_change: Some(c),
                ..
            }
            | Target::AppMapping {
                policy_change: Some(c),
                ..
            } => {
                *c = new_index[*c];
            }
            _ => {}
        }
    }
    for edge in &mut out.edges {
        *edge = (new_index[edge.0], new_index[edge.1]);
    }
    out.edges.sort_unstable();
    Ok(())
}

impl LiveObject for &Policy {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn system(&self) -> bool {
        self.system == Some(true)
    }
    fn priority(&self) -> Option<i64> {
        self.priority.as_ref().copied()
    }
}
