//! From many contexts to few lines: the contexts whose outcome changes
//! the same way are covered by as few "cells" as possible (a cell takes
//! every value of an axis — then the axis is not named — or a few of
//! them), and each cell is worded: "Contractors, off-network",
//! "Everyone", "Everyone not in Contractors, from Corporate Network".

use std::collections::{BTreeMap, BTreeSet};

use super::matrix::{Axis, AxisValues, Setting};

/// Per axis: every value (`None`) or the values listed.
pub type Cell = Vec<Option<BTreeSet<u32>>>;

/// Covers `points` (one value index per axis; `sizes` values each) with
/// disjoint cells whose union is exactly the points: first every axis
/// whose values all occur (with the rest equal) is dropped, then values
/// that differ on one axis only are listed together.
pub fn cover(points: &[Vec<u32>], sizes: &[usize]) -> Vec<Cell> {
    let axes = sizes.len();
    let mut cells: BTreeSet<Vec<Option<u32>>> = points
        .iter()
        .map(|p| p.iter().copied().map(Some).collect())
        .collect();
    loop {
        let mut merged = false;
        for axis in (0..axes).rev() {
            let mut groups: BTreeMap<Vec<Option<u32>>, BTreeSet<Option<u32>>> = BTreeMap::new();
            for cell in &cells {
                let mut rest = cell.clone();
                rest.remove(axis);
                groups.entry(rest).or_default().insert(cell[axis]);
            }
            let mut next = BTreeSet::new();
            for (rest, values) in groups {
                let complete = values.iter().all(Option::is_some) && values.len() == sizes[axis];
                let with = |value: Option<u32>| {
                    let mut cell = rest.clone();
                    cell.insert(axis, value);
                    cell
                };
                if complete && sizes[axis] > 1 {
                    merged = true;
                    next.insert(with(None));
                } else {
                    next.extend(values.into_iter().map(with));
                }
            }
            cells = next;
        }
        if !merged {
            break;
        }
    }
    let mut cells: Vec<Cell> = cells
        .into_iter()
        .map(|cell| {
            cell.into_iter()
                .map(|value| value.map(|v| BTreeSet::from([v])))
                .collect()
        })
        .collect();
    loop {
        let mut merged = false;
        for axis in (0..axes).rev() {
            let mut groups: BTreeMap<Cell, BTreeSet<u32>> = BTreeMap::new();
            let mut whole: Vec<Cell> = Vec::new();
            for cell in cells {
                match &cell[axis] {
                    Some(values) => {
                        let mut rest = cell.clone();
                        rest.remove(axis);
                        let entry = groups.entry(rest).or_default();
                        if !entry.is_empty() {
                            merged = true;
                        }
                        entry.extend(values.iter().copied());
                    }
                    None => whole.push(cell),
                }
            }
            cells = whole;
            for (mut rest, values) in groups {
                rest.insert(axis, Some(values));
                cells.push(rest);
            }
        }
        if !merged {
            break;
        }
    }
    cells.sort_by_key(order_key);
    cells
}

/// Where a cell sorts: by the first value it takes on each axis.
pub fn order_key(cell: &Cell) -> Vec<u32> {
    cell.iter()
        .map(|values| {
            values
                .as_ref()
                .and_then(|v| v.iter().next().copied())
                .unwrap_or(0)
        })
        .collect()
}

/// Whether a point lies in a cell.
pub fn contains(cell: &Cell, point: &[u32]) -> bool {
    cell.iter()
        .zip(point)
        .all(|(values, value)| values.as_ref().is_none_or(|v| v.contains(value)))
}

/// A cell in words; `axes` are the matrix axes of its positions.
pub fn who(cell: &Cell, axes: &[&AxisValues]) -> String {
    let mut parts = Vec::new();
    let mut groups = None;
    for (values, axis) in cell.iter().zip(axes) {
        let Some(chosen) = values else { continue };
        if axis.axis == Axis::Groups {
            groups = Some(group_phrase(axis, chosen));
            continue;
        }
        let labels: Vec<&str> = chosen
            .iter()
            .filter_map(|&i| axis.values.get(i as usize))
            .map(|v| v.label.as_str())
            .collect();
        parts.push(labels.join(" or "));
    }
    parts.insert(0, groups.unwrap_or_else(|| "Everyone".to_owned()));
    parts.join(", ")
}

/// The groups (ID, name) of a value of the groups axis.
fn members(axis: &AxisValues, index: usize) -> &[(String, String)] {
    match axis.values.get(index).map(|v| &v.setting) {
        Some(Setting::Groups(groups)) => groups,
        _ => &[],
    }
}

/// The chosen values of the groups axis in words. A chosen group stands
/// for every chosen value that holds it: "Contractors" is anyone in
/// Contractors, "Contractors (unless also in Finance)" leaves out those
/// also in Finance, whose outcome changes otherwise (or not at all).
fn group_phrase(axis: &AxisValues, chosen: &BTreeSet<u32>) -> String {
    let count = u32::try_from(axis.values.len()).unwrap_or(u32::MAX);
    let groups_of = |index: u32| members(axis, index as usize);
    let label = |index: u32| {
        axis.values
            .get(index as usize)
            .map_or_else(String::new, |v| v.label.clone())
    };
    // With Everyone alone among them: "Everyone not in X" when the values
    // chosen are exactly those without any of the groups X.
    if chosen.contains(&0) && groups_of(0).is_empty() {
        let names = |index: u32| groups_of(index).iter().map(|(_, name)| name.clone());
        let all: BTreeSet<String> = (0..count).flat_map(names).collect();
        let used: BTreeSet<String> = chosen.iter().flat_map(|&i| names(i)).collect();
        let outside: Vec<String> = all.difference(&used).cloned().collect();
        let exact =
            (0..count).all(|i| chosen.contains(&i) || names(i).any(|name| outside.contains(&name)));
        if exact {
            return everyone_not_in(&outside);
        }
    }
    let mut covered: BTreeSet<u32> = BTreeSet::new();
    let mut phrases: Vec<(u32, String)> = Vec::new();
    for &index in chosen {
        let [group] = groups_of(index) else { continue };
        let holding: Vec<u32> = (0..count)
            .filter(|&i| groups_of(i).contains(group))
            .collect();
        covered.extend(holding.iter().filter(|i| chosen.contains(i)));
        let mut unless: Vec<String> = holding
            .iter()
            .filter(|i| !chosen.contains(i))
            .flat_map(|&i| groups_of(i).iter())
            .filter(|g| *g != group)
            .map(|(_, name)| name.clone())
            .collect();
        unless.sort();
        unless.dedup();
        let phrase = match unless.len() {
            0 => label(index),
            1..=3 => format!("{} (unless also in {})", label(index), or_list(&unless)),
            more => format!(
                "{} (unless also in {} or {} other groups)",
                label(index),
                unless[..3].join(", "),
                more - 3
            ),
        };
        phrases.push((index, phrase));
    }
    for &index in chosen.difference(&covered) {
        let phrase = if groups_of(index).is_empty() {
            "Everyone in no listed group".to_owned()
        } else {
            label(index)
        };
        phrases.push((index, phrase));
    }
    phrases.sort();
    let phrases: Vec<String> = phrases.into_iter().map(|(_, phrase)| phrase).collect();
    if phrases.len() > MAX_GROUP_PHRASES {
        let shown = MAX_GROUP_PHRASES - 1;
        return format!(
            "{} or {} other groups",
            phrases[..shown].join(", "),
            phrases.len() - shown
        );
    }
    phrases.join(" or ")
}

/// A line names at most this many groups (or pairs); the rest are counted.
const MAX_GROUP_PHRASES: usize = 6;

/// "Everyone not in A", "Everyone in neither A nor B", "Everyone in none
/// of A, B, C and 2 other groups".
fn everyone_not_in(names: &[String]) -> String {
    match names {
        [] => "Everyone".to_owned(),
        [one] => format!("Everyone not in {one}"),
        [first, second] => format!("Everyone in neither {first} nor {second}"),
        [first, second, third] => format!("Everyone in none of {first}, {second}, {third}"),
        [first, second, third, rest @ ..] => format!(
            "Everyone in none of {first}, {second}, {third} and {} other groups",
            rest.len()
        ),
    }
}

/// "A", "A or B", "A, B or C".
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impact::matrix::AxisValue;

    fn groups_axis() -> AxisValues {
        let name = |group: &str| {
            if group == "c" {
                "Contractors"
            } else {
                "Finance"
            }
        };
        let value = |groups: &[&str], label: &str| AxisValue {
            setting: Setting::Groups(
                groups
                    .iter()
                    .map(|g| ((*g).to_owned(), name(g).to_owned()))
                    .collect(),
            ),
            label: label.to_owned(),
        };
        AxisValues {
            axis: Axis::Groups,
            values: vec![
                value(&[], "Everyone alone"),
                value(&["c"], "Contractors"),
                value(&["f"], "Finance"),
                value(&["c", "f"], "Contractors & Finance"),
            ],
        }
    }

    fn zones_axis() -> AxisValues {
        AxisValues {
            axis: Axis::Zone,
            values: vec![
                AxisValue {
                    setting: Setting::Zone(Some("z".to_owned())),
                    label: "from Corporate Network".to_owned(),
                },
                AxisValue {
                    setting: Setting::Zone(None),
                    label: "off-network".to_owned(),
                },
            ],
        }
    }

    fn words(points: &[[u32; 2]]) -> Vec<String> {
        let points: Vec<Vec<u32>> = points.iter().map(|p| p.to_vec()).collect();
        let (groups, zones) = (groups_axis(), zones_axis());
        cover(&points, &[4, 2])
            .iter()
            .map(|cell| who(cell, &[&groups, &zones]))
            .collect()
    }

    #[test]
    fn every_value_of_an_axis_drops_it() {
        let all: Vec<[u32; 2]> = (0..4).flat_map(|g| [[g, 0], [g, 1]]).collect();
        assert_eq!(words(&all), ["Everyone"]);
        let off: Vec<[u32; 2]> = (0..4).map(|g| [g, 1]).collect();
        assert_eq!(words(&off), ["Everyone, off-network"]);
    }

    #[test]
    fn a_group_in_any_combination_is_named_once() {
        assert_eq!(words(&[[1, 1], [3, 1]]), ["Contractors, off-network"]);
        assert_eq!(
            words(&[[1, 1]]),
            ["Contractors (unless also in Finance), off-network"]
        );
        assert_eq!(
            words(&[[0, 0], [0, 1]]),
            ["Everyone in neither Contractors nor Finance"]
        );
        assert_eq!(
            words(&[[3, 0]]),
            ["Contractors & Finance, from Corporate Network"]
        );
    }

    #[test]
    fn cells_are_disjoint_and_cover_exactly() {
        let points = vec![vec![1, 0], vec![1, 1], vec![2, 1], vec![0, 0]];
        let cells = cover(&points, &[4, 2]);
        for a in 0..4 {
            for b in 0..2 {
                let inside = cells.iter().filter(|c| contains(c, &[a, b])).count();
                let wanted = usize::from(points.contains(&vec![a, b]));
                assert_eq!(inside, wanted, "point ({a}, {b})");
            }
        }
    }
}
