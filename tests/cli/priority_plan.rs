//! Property tests of the priority planner against the emulator's priority
//! arithmetic: for random live lists (v1 dense, v2 with random gaps, managed
//! and unmanaged members, a default or not) and random desired orders (a
//! permutation of the kept managed members plus new ones, some members
//! deleted), replaying the planned writes with `v1_place`/`v2_place` gives
//! the target order, and the writes are as few as the longest increasing
//! subsequence allows.

use std::collections::{HashMap, HashSet};

use oktapol::emulator::priority::{CATCH_ALL, Slot, V2_MAX};
use oktapol::plan::priority::{
    LiveMember, Member, OrderedList, PriorityModel, PriorityPlan, PriorityWrite, plan_priorities,
    simulate,
};
use proptest::prelude::*;
use proptest::sample::subsequence;

/// What a live member is to the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Kept,
    Unmanaged,
    DeletedManaged,
    DeletedUnmanaged,
}

fn fate() -> impl Strategy<Value = Fate> {
    prop_oneof![
        5 => Just(Fate::Kept),
        3 => Just(Fate::Unmanaged),
        1 => Just(Fate::DeletedManaged),
        1 => Just(Fate::DeletedUnmanaged),
    ]
}

/// A live list and a desired order. `None`: a v1 list, or a v2 list whose
/// priorities spread below a random ceiling (≤ 98). `Some(slack)`: a v2 list
/// packed into the `members + slack` priorities ending at 98.
fn scenario(v2_window: Option<usize>) -> impl Strategy<Value = OrderedList> {
    (any::<bool>(), 1usize..30, any::<bool>(), 0usize..5)
        .prop_flat_map(move |(v2, members, has_default, new_members)| {
            let model = if v2 || v2_window.is_some() {
                PriorityModel::V2
            } else {
                PriorityModel::V1
            };
            let priorities = match model {
                PriorityModel::V1 => Just((1..=members as i64).collect::<Vec<_>>()).boxed(),
                PriorityModel::V2 => {
                    let lowest_ceiling = members - 1;
                    let ceilings = match v2_window {
                        Some(_) => 98..=98usize,
                        None => lowest_ceiling..=98usize,
                    };
                    let start =
                        v2_window.map_or(0, |window| 99usize.saturating_sub(members + window));
                    ceilings
                        .prop_flat_map(move |ceiling| {
                            subsequence(
                                (start as i64..=ceiling as i64).collect::<Vec<_>>(),
                                members,
                            )
                        })
                        .boxed()
                }
            };
            (
                Just(model),
                Just(has_default),
                priorities,
                prop::collection::vec((fate(), any::<u32>(), any::<u32>()), members),
                prop::collection::vec(any::<u32>(), new_members),
            )
        })
        .prop_map(|(model, has_default, priorities, fates, new_keys)| {
            build(model, has_default, &priorities, &fates, &new_keys)
        })
}

/// `fates[i]` belongs to the member at `priorities[i]` (ascending); its two
/// numbers order the input vector and the desired order.
fn build(
    model: PriorityModel,
    has_default: bool,
    priorities: &[i64],
    fates: &[(Fate, u32, u32)],
    new_keys: &[u32],
) -> OrderedList {
    let mut live: Vec<(u32, LiveMember)> = priorities
        .iter()
        .zip(fates)
        .enumerate()
        .map(|(index, (priority, (fate, input_key, _)))| {
            let member = LiveMember {
                id: format!("m{index}"),
                priority: *priority,
                default: false,
                managed: matches!(fate, Fate::Kept | Fate::DeletedManaged),
            };
            (*input_key, member)
        })
        .collect();
    if has_default {
        let priority = match model {
            PriorityModel::V1 => priorities.len() as i64 + 1,
            PriorityModel::V2 => CATCH_ALL,
        };
        live.push((
            u32::MAX / 2,
            LiveMember {
                id: "default".to_owned(),
                priority,
                default: true,
                managed: false,
            },
        ));
    }
    live.sort_by_key(|(input_key, _)| *input_key);

    let mut desired: Vec<(u32, Member)> = fates
        .iter()
        .enumerate()
        .filter(|(_, (fate, _, _))| *fate == Fate::Kept)
        .map(|(index, (_, _, order_key))| {
            (
                *order_key,
                Member::Existing {
                    id: format!("m{index}"),
                },
            )
        })
        .collect();
    desired.extend(new_keys.iter().enumerate().map(|(index, order_key)| {
        (
            *order_key,
            Member::New {
                key: format!("new{index}"),
            },
        )
    }));
    desired.sort_by_key(|(order_key, _)| *order_key);

    let deletions = fates
        .iter()
        .enumerate()
        .filter(|(_, (fate, _, _))| matches!(fate, Fate::DeletedManaged | Fate::DeletedUnmanaged))
        .map(|(index, _)| format!("m{index}"))
        .collect();
    OrderedList {
        model,
        live: live.into_iter().map(|(_, member)| member).collect(),
        desired: desired.into_iter().map(|(_, member)| member).collect(),
        deletions,
    }
}

/// The target order, computed independently of the planner: the desired
/// order with every unmanaged member after the kept member it follows live.
fn target_order(list: &OrderedList) -> Vec<String> {
    let deleted: HashSet<&str> = list.deletions.iter().map(String::as_str).collect();
    let mut live: Vec<&LiveMember> = list
        .live
        .iter()
        .filter(|member| !member.default && !deleted.contains(member.id.as_str()))
        .collect();
    live.sort_by_key(|member| member.priority);
    let mut followers: HashMap<Option<&str>, Vec<String>> = HashMap::new();
    let mut predecessor = None;
    for member in live {
        if member.managed {
            predecessor = Some(member.id.as_str());
        } else {
            followers
                .entry(predecessor)
                .or_default()
                .push(member.id.clone());
        }
    }
    let mut target = followers.remove(&None).unwrap_or_default();
    for member in &list.desired {
        target.push(member.name().to_owned());
        if let Member::Existing { id } = member {
            target.extend(followers.remove(&Some(id.as_str())).unwrap_or_default());
        }
    }
    target
}

/// The heaviest strictly increasing subsequence of `(value, weight)`, O(n²).
fn heaviest_increasing(items: &[(usize, u64)]) -> u64 {
    let mut best: Vec<u64> = Vec::with_capacity(items.len());
    for (index, &(value, weight)) in items.iter().enumerate() {
        let before = (0..index)
            .filter(|&earlier| items[earlier].0 < value)
            .map(|earlier| best[earlier])
            .max()
            .unwrap_or(0);
        best.push(before + weight);
    }
    best.into_iter().max().unwrap_or(0)
}

/// The counts a minimal plan has: (managed moves, unmanaged moves) =
/// (kept − LIS of kept managed, unmanaged − the unmanaged part of the
/// heaviest chain where one managed member outweighs all unmanaged ones).
fn minimal_moves(list: &OrderedList, target: &[String]) -> (usize, usize) {
    let position: HashMap<&str, usize> = target
        .iter()
        .enumerate()
        .map(|(index, name)| (name.as_str(), index))
        .collect();
    let mut live: Vec<&LiveMember> = list
        .live
        .iter()
        .filter(|member| position.contains_key(member.id.as_str()))
        .collect();
    live.sort_by_key(|member| member.priority);
    let unmanaged = live.iter().filter(|member| !member.managed).count();
    let kept = live.len() - unmanaged;
    let managed_weight = unmanaged as u64 + 1;
    let managed_only: Vec<(usize, u64)> = live
        .iter()
        .filter(|member| member.managed)
        .map(|member| (position[member.id.as_str()], 1))
        .collect();
    let lis = heaviest_increasing(&managed_only) as usize;
    let weighted: Vec<(usize, u64)> = live
        .iter()
        .map(|member| {
            let weight = if member.managed { managed_weight } else { 1 };
            (position[member.id.as_str()], weight)
        })
        .collect();
    let heaviest = heaviest_increasing(&weighted);
    assert_eq!(
        heaviest / managed_weight,
        lis as u64,
        "managed part is the LIS"
    );
    let unmanaged_staying = (heaviest % managed_weight) as usize;
    (kept - lis, unmanaged - unmanaged_staying)
}

fn slots(list: &OrderedList) -> Vec<Slot> {
    list.live
        .iter()
        .map(|member| Slot {
            id: member.id.clone(),
            priority: member.priority,
            default: member.default,
        })
        .collect()
}

/// Whether every live priority leaves room below it for the whole target
/// order: then v2 needs no extra writes.
fn roomy(list: &OrderedList, target: &[String]) -> bool {
    list.model == PriorityModel::V1
        || list
            .live
            .iter()
            .filter(|member| !member.default)
            .all(|member| member.priority + target.len() as i64 - 1 <= V2_MAX)
}

/// Replays the plan and checks order, counts and (when `exact`) minimality.
fn check(list: &OrderedList, plan: &PriorityPlan) -> Result<(), TestCaseError> {
    let target = target_order(list);
    let outcome = simulate(list.model, &slots(list), &plan.writes)
        .map_err(|error| TestCaseError::fail(format!("writes do not replay: {error}")))?;

    let order: Vec<&str> = outcome
        .iter()
        .filter(|slot| !slot.default)
        .map(|slot| slot.id.as_str())
        .collect();
    prop_assert_eq!(&order, &target, "target order");
    let default_last = outcome
        .iter()
        .skip_while(|slot| !slot.default)
        .all(|slot| slot.default);
    prop_assert!(default_last, "defaults last: {:?}", outcome);
    for (index, slot) in outcome.iter().enumerate() {
        let expected = match list.model {
            PriorityModel::V1 => index as i64 + 1,
            PriorityModel::V2 if slot.default => CATCH_ALL,
            PriorityModel::V2 => slot.priority.clamp(0, V2_MAX),
        };
        prop_assert_eq!(slot.priority, expected, "priority of {}", slot.id);
    }
    let planned: Vec<(&str, i64)> = plan
        .members
        .iter()
        .map(|member| (member.member.name(), member.planned_priority))
        .collect();
    let replayed: Vec<(&str, i64)> = outcome
        .iter()
        .map(|slot| (slot.id.as_str(), slot.priority))
        .collect();
    prop_assert_eq!(planned, replayed, "members report the outcome");

    let managed: HashSet<&str> = list
        .live
        .iter()
        .filter(|member| member.managed)
        .map(|member| member.id.as_str())
        .collect();
    let mut written = HashSet::new();
    let (mut deletes, mut creates, mut moves, mut unmanaged_moves) = (0, 0, 0, 0);
    for write in &plan.writes {
        let name = match write {
            PriorityWrite::Delete { id } => {
                deletes += 1;
                id
            }
            PriorityWrite::Create { key, .. } => {
                creates += 1;
                key
            }
            PriorityWrite::Move { id, .. } => {
                moves += 1;
                prop_assert!(managed.contains(id.as_str()), "{} moved but unmanaged", id);
                id
            }
            PriorityWrite::MoveUnmanaged { id, .. } => {
                unmanaged_moves += 1;
                prop_assert!(!managed.contains(id.as_str()), "{} is managed", id);
                id
            }
        };
        prop_assert!(written.insert(name.as_str()), "{} written twice", name);
    }
    prop_assert_eq!(deletes, list.deletions.len());
    let new_members = list
        .desired
        .iter()
        .filter(|member| matches!(member, Member::New { .. }))
        .count();
    prop_assert_eq!(creates, new_members);

    let (fewest_moves, fewest_unmanaged_moves) = minimal_moves(list, &target);
    prop_assert!(moves >= fewest_moves);
    if roomy(list, &target) {
        prop_assert_eq!(moves, fewest_moves, "managed moves = kept - LIS");
        prop_assert_eq!(unmanaged_moves, fewest_unmanaged_moves, "unmanaged moves");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// v1 lists and v2 lists with priorities spread over 0…98.
    #[test]
    fn planned_writes_reach_the_target_order_with_the_fewest_moves(list in scenario(None)) {
        let plan = plan_priorities(&list)
            .map_err(|error| TestCaseError::fail(format!("not plannable: {error}")))?;
        check(&list, &plan)?;
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// v2 lists packed against 98: every plan still replays to the target.
    #[test]
    fn tight_v2_lists_still_reach_the_target_order(list in scenario(Some(4))) {
        let plan = plan_priorities(&list)
            .map_err(|error| TestCaseError::fail(format!("not plannable: {error}")))?;
        check(&list, &plan)?;
    }

    /// Planning the outcome again finds nothing to do.
    #[test]
    fn a_planned_list_needs_no_second_plan(list in scenario(None)) {
        let plan = plan_priorities(&list)
            .map_err(|error| TestCaseError::fail(format!("not plannable: {error}")))?;
        let managed: HashSet<&str> = list
            .live
            .iter()
            .filter(|member| member.managed)
            .map(|member| member.id.as_str())
            .collect();
        let again = OrderedList {
            model: list.model,
            live: plan
                .members
                .iter()
                .map(|member| LiveMember {
                    id: member.member.name().to_owned(),
                    priority: member.planned_priority,
                    default: member.default,
                    managed: member.managed
                        && (managed.contains(member.member.name())
                            || matches!(member.member, Member::New { .. })),
                })
                .collect(),
            desired: list
                .desired
                .iter()
                .map(|member| Member::Existing { id: member.name().to_owned() })
                .collect(),
            deletions: Vec::new(),
        };
        let second = plan_priorities(&again)
            .map_err(|error| TestCaseError::fail(format!("not plannable: {error}")))?;
        prop_assert_eq!(second.writes, Vec::new());
    }
}
