//! Okta's two priority models, as pure list arithmetic. v1 (policies of the
//! ordered kinds and their rules): priorities 1…n, dense; a write at an
//! occupied priority shifts the others down, a delete closes the gap, a
//! priority past the end means "last", and the default object stays last.
//! v2 (rules of access, entity risk and post-auth session policies):
//! priorities from 0 with gaps allowed; a write at an occupied priority
//! shifts the occupants from there down by one; the catch-all rule stays at
//! 99. Each function takes the list of (id, priority, is_default) and
//! returns the new priorities; the caller applies them.

/// The catch-all rule's fixed v2 priority.
pub const CATCH_ALL: i64 = 99;
/// The largest priority a non-catch-all v2 rule may hold.
pub const V2_MAX: i64 = 98;

/// One member of an ordered list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub id: String,
    pub priority: i64,
    /// The default policy / default (catch-all) rule: always last.
    pub default: bool,
}

/// Why a v2 write cannot be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlacementError {
    /// The priority is outside 0…98.
    OutOfRange(i64),
    /// Shifting the occupants would push one past 98.
    Full,
}

/// v1: places `id` at `requested` (1-based; `None` or past the end means
/// last before the default) and renumbers densely. `id` may already be in
/// the list (a move) or not (an insert).
pub fn v1_place(list: &[Slot], id: &str, requested: Option<i64>, default: bool) -> Vec<Slot> {
    let mut ordered: Vec<Slot> = sorted(list).into_iter().filter(|s| s.id != id).collect();
    let defaults: Vec<Slot> = ordered.iter().filter(|s| s.default).cloned().collect();
    ordered.retain(|s| !s.default);
    let me = Slot {
        id: id.to_owned(),
        priority: 0,
        default,
    };
    if default {
        ordered.push(me);
    } else {
        let index = requested
            .map(|p| usize::try_from(p.saturating_sub(1).max(0)).unwrap_or(usize::MAX))
            .unwrap_or(usize::MAX)
            .min(ordered.len());
        ordered.insert(index, me);
    }
    ordered.extend(defaults);
    renumber_v1(ordered)
}

/// v1: removes `id` and closes the gap.
pub fn v1_remove(list: &[Slot], id: &str) -> Vec<Slot> {
    renumber_v1(sorted(list).into_iter().filter(|s| s.id != id).collect())
}

fn renumber_v1(ordered: Vec<Slot>) -> Vec<Slot> {
    ordered
        .into_iter()
        .enumerate()
        .map(|(index, slot)| Slot {
            priority: i64::try_from(index).unwrap_or(i64::MAX) + 1,
            ..slot
        })
        .collect()
}

/// v2: places `id` at `requested` (`None` means right after the last
/// non-catch-all rule). Occupants from `requested` on shift down by one.
pub fn v2_place(
    list: &[Slot],
    id: &str,
    requested: Option<i64>,
    default: bool,
) -> Result<Vec<Slot>, PlacementError> {
    let mut others: Vec<Slot> = sorted(list).into_iter().filter(|s| s.id != id).collect();
    if default {
        others.push(Slot {
            id: id.to_owned(),
            priority: CATCH_ALL,
            default: true,
        });
        return Ok(sorted(&others));
    }
    let last = others
        .iter()
        .filter(|s| !s.default)
        .map(|s| s.priority)
        .max();
    let target = match requested {
        Some(p) if !(0..=V2_MAX).contains(&p) => return Err(PlacementError::OutOfRange(p)),
        Some(p) => p,
        None => last.map_or(0, |p| p + 1),
    };
    if target > V2_MAX {
        return Err(PlacementError::Full);
    }
    if others.iter().any(|s| !s.default && s.priority == target) {
        // Shift the contiguous run starting at the target down by one.
        let mut next = target;
        let mut run: Vec<usize> = Vec::new();
        for (index, slot) in others.iter().enumerate() {
            if !slot.default && slot.priority == next {
                run.push(index);
                next += 1;
            }
        }
        if next > V2_MAX {
            return Err(PlacementError::Full);
        }
        for index in run {
            others[index].priority += 1;
        }
    }
    others.push(Slot {
        id: id.to_owned(),
        priority: target,
        default: false,
    });
    Ok(sorted(&others))
}

/// v2: removes `id`; gaps stay.
pub fn v2_remove(list: &[Slot], id: &str) -> Vec<Slot> {
    sorted(list).into_iter().filter(|s| s.id != id).collect()
}

/// The list in priority order, defaults last.
pub fn sorted(list: &[Slot]) -> Vec<Slot> {
    let mut ordered = list.to_vec();
    ordered.sort_by_key(|s| (s.default, s.priority));
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(spec: &[(&str, i64, bool)]) -> Vec<Slot> {
        spec.iter()
            .map(|(id, priority, default)| Slot {
                id: (*id).to_owned(),
                priority: *priority,
                default: *default,
            })
            .collect()
    }

    fn order(list: &[Slot]) -> Vec<(String, i64)> {
        sorted(list)
            .into_iter()
            .map(|s| (s.id, s.priority))
            .collect()
    }

    fn pairs(spec: &[(&str, i64)]) -> Vec<(String, i64)> {
        spec.iter().map(|(id, p)| ((*id).to_owned(), *p)).collect()
    }

    macro_rules! v1_case {
        ($name:ident, $list:expr, $id:expr, $requested:expr, $expected:expr) => {
            #[test]
            fn $name() {
                let placed = v1_place(&slots($list), $id, $requested, false);
                assert_eq!(order(&placed), pairs($expected));
            }
        };
    }

    const BASE: &[(&str, i64, bool)] = &[("a", 1, false), ("b", 2, false), ("default", 3, true)];

    v1_case!(
        v1_insert_at_top_shifts_others,
        BASE,
        "new",
        Some(1),
        &[("new", 1), ("a", 2), ("b", 3), ("default", 4)]
    );
    v1_case!(
        v1_insert_in_middle,
        BASE,
        "new",
        Some(2),
        &[("a", 1), ("new", 2), ("b", 3), ("default", 4)]
    );
    v1_case!(
        v1_no_priority_goes_last_but_default,
        BASE,
        "new",
        None,
        &[("a", 1), ("b", 2), ("new", 3), ("default", 4)]
    );
    v1_case!(
        v1_past_the_end_goes_last_but_default,
        BASE,
        "new",
        Some(50),
        &[("a", 1), ("b", 2), ("new", 3), ("default", 4)]
    );
    v1_case!(
        v1_zero_or_negative_goes_first,
        BASE,
        "new",
        Some(-3),
        &[("new", 1), ("a", 2), ("b", 3), ("default", 4)]
    );
    v1_case!(
        v1_move_down,
        BASE,
        "a",
        Some(2),
        &[("b", 1), ("a", 2), ("default", 3)]
    );
    v1_case!(
        v1_move_onto_default_stays_before_it,
        BASE,
        "a",
        Some(3),
        &[("b", 1), ("a", 2), ("default", 3)]
    );

    #[test]
    fn v1_delete_closes_the_gap() {
        let removed = v1_remove(&slots(BASE), "a");
        assert_eq!(order(&removed), pairs(&[("b", 1), ("default", 2)]));
    }

    macro_rules! v2_case {
        ($name:ident, $list:expr, $id:expr, $requested:expr, $expected:expr) => {
            #[test]
            fn $name() {
                let placed = v2_place(&slots($list), $id, $requested, false).expect("placed");
                assert_eq!(order(&placed), pairs($expected));
            }
        };
    }

    const V2: &[(&str, i64, bool)] = &[
        ("a", 0, false),
        ("b", 1, false),
        ("c", 5, false),
        ("catch-all", 99, true),
    ];

    v2_case!(
        v2_insert_at_occupied_shifts_the_run,
        V2,
        "new",
        Some(0),
        &[("new", 0), ("a", 1), ("b", 2), ("c", 5), ("catch-all", 99)]
    );
    v2_case!(
        v2_insert_in_a_gap_moves_nothing,
        V2,
        "new",
        Some(3),
        &[("a", 0), ("b", 1), ("new", 3), ("c", 5), ("catch-all", 99)]
    );
    v2_case!(
        v2_no_priority_goes_after_the_last,
        V2,
        "new",
        None,
        &[("a", 0), ("b", 1), ("c", 5), ("new", 6), ("catch-all", 99)]
    );
    v2_case!(
        v2_move_keeps_gaps,
        V2,
        "a",
        Some(5),
        &[("b", 1), ("a", 5), ("c", 6), ("catch-all", 99)]
    );

    #[test]
    fn v2_rejects_out_of_range_and_full_lists() {
        assert_eq!(
            v2_place(&slots(V2), "x", Some(99), false),
            Err(PlacementError::OutOfRange(99))
        );
        assert_eq!(
            v2_place(&slots(V2), "x", Some(-1), false),
            Err(PlacementError::OutOfRange(-1))
        );
        let full = slots(&[("a", 97, false), ("b", 98, false), ("catch-all", 99, true)]);
        assert_eq!(
            v2_place(&full, "x", Some(97), false),
            Err(PlacementError::Full)
        );
        assert_eq!(v2_place(&full, "x", None, false), Err(PlacementError::Full));
    }

    #[test]
    fn v2_delete_leaves_gaps() {
        let removed = v2_remove(&slots(V2), "b");
        assert_eq!(
            order(&removed),
            pairs(&[("a", 0), ("c", 5), ("catch-all", 99)])
        );
    }

    #[test]
    fn catch_all_stays_at_99() {
        let placed =
            v2_place(&slots(&[("a", 0, false)]), "catch-all", Some(3), true).expect("placed");
        assert_eq!(order(&placed), pairs(&[("a", 0), ("catch-all", 99)]));
    }
}
