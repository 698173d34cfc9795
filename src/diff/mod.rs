//! Diff: the resolved desired state against the live org, producing the
//! plan's changes and their dependency edges. Objects are matched by name
//! ([`matching`]), compared in one canonical form ([`compare`],
//! [`normalize`]); priorities of each ordered list are planned as the
//! fewest moves ([`crate::plan::priority`]). Pure: no API calls.

mod apps;
pub mod compare;
pub mod matching;
pub mod normalize;
mod ordering;
mod policies;
mod rules;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use serde_json::{Map, Value};

use self::compare::Difference;
use self::matching::{default_index, match_objects};
use crate::client::Scope;
use crate::client::wire::Policy;
use crate::desired::{Desired, DesiredList, DesiredObject, Origin};
use crate::emulator::defaults::ACCOUNT_MANAGEMENT_POLICY;
use crate::finding::{Code, Finding};
use crate::live::{LiveOrg, LivePolicy};
use crate::manifest::kind::{Ordering, PolicyKind};
use crate::plan::fingerprint;
use crate::plan::priority::{LiveMember, Member, PriorityModel};
use crate::plan::{
    Change, FieldChange, Fingerprint, PriorityChange, Renumbered, Target, Unmanaged,
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

    /// Sets a change's priority (and its body's).
    fn set_priority(&mut self, change: usize, from: Option<i64>, to: i64) {
        if let Some(change) = self.out.changes.get_mut(change) {
            change.priority = Some(PriorityChange { from, to });
            if let Some(body) = &mut change.body {
                compare::with_priority(body, to);
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

/// OKP307 when a profile enrollment rule would change from `ALLOW` (what
/// Okta creates, `live`: `None` for a new policy) to `DENY`, which Okta
/// refuses once the policy exists.
fn profile_enrollment_deny(
    kind: PolicyKind,
    live: Option<&Map<String, Value>>,
    desired: &Map<String, Value>,
    origin: &Origin,
) -> Option<Finding> {
    const ACCESS: &str = "/actions/profileEnrollment/access";
    let access = |body: &Map<String, Value>| {
        Value::Object(body.clone())
            .pointer(ACCESS)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let was_allow = live.is_none_or(|live| access(live).as_deref() != Some("DENY"));
    (kind == PolicyKind::ProfileEnrollment && was_allow && access(desired).as_deref() == Some("DENY"))
        .then(|| {
            Finding::new(
                Code::ProfileEnrollmentDeny,
                origin.at(ACCESS),
                "Okta cannot change a profile enrollment rule's access to DENY after the policy is created",
            )
            .hint("to stop self-registration, keep `access: ALLOW` and set `unknownUserAction: DENY`")
        })
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
