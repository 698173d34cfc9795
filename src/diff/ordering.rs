//! Priorities of one ordered list: the planned minimal writes turned into
//! changes (a move merged into an update of the same object), chained so
//! they run one at a time, with the list's order fingerprinted and the
//! renumbering of unmanaged objects reported.

use std::collections::HashMap;

use serde_json::Value;

use super::compare::put_body;
use super::{Builder, Placed};
use crate::finding::{Code, Finding};
use crate::plan::fingerprint;
use crate::plan::priority::{
    LiveMember, Member, OrderedList, PriorityModel, PriorityWrite, plan_priorities,
};
use crate::plan::{Action, Change, PriorityChange, Renumbered, Target};
use crate::schema::project::ObjectSchema;

impl<'a> Builder<'a> {
    /// Plans one ordered list's priority writes and chains them.
    #[allow(clippy::too_many_arguments)] // policy lists and rule lists share it
    pub(super) fn order(
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
        // Every write (delete, create, move) changes the list's order.
        if !plan.writes.is_empty() {
            let digest =
                fingerprint::list(live.iter().map(|m| (m.id.as_str(), m.priority, m.default)));
            self.out
                .fingerprint
                .lists
                .insert(list_address.to_owned(), digest);
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
}
