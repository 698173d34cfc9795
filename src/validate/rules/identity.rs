//! Identity and order rules shared by every kind: unique names, unique sort
//! keys, where default objects go, renames, and the kinds Okta allows only
//! one policy of.

use std::collections::HashMap;

use crate::finding::{Code, Finding, Location};
use crate::manifest::kind::{Ordering, PolicyKind};
use crate::manifest::policy::Identity;
use crate::manifest::set::{ManifestSet, PolicyList, PolicyView, RuleView};
use crate::manifest::source::FileId;

pub fn check(set: &ManifestSet, out: &mut Vec<Finding>) {
    for list in set.policy_lists() {
        check_list(&list, out);
        for policy in &list.policies {
            check_rules(list.kind, &list.scope, policy, out);
        }
    }
}

/// Something with a name, in a file, at a pointer.
struct Item<'a> {
    file: FileId,
    pointer: &'a str,
    identity: Identity<'a>,
}

impl Item<'_> {
    fn at(&self) -> Location {
        Location::node(self.file, self.pointer.to_owned())
    }
    fn field(&self, key: &str) -> Location {
        Location::key(self.file, format!("{}/{key}", self.pointer))
    }
    fn value(&self, key: &str) -> Location {
        Location::node(self.file, format!("{}/{key}", self.pointer))
    }
}

fn policy_items<'a>(list: &'a PolicyList<'a>) -> Vec<Item<'a>> {
    list.policies
        .iter()
        .map(|p| Item {
            file: p.file,
            pointer: &p.pointer,
            identity: p.identity,
        })
        .collect()
}

fn rule_items<'a>(policy: &'a PolicyView<'a>) -> Vec<Item<'a>> {
    policy
        .rules
        .iter()
        .map(|r: &RuleView<'_>| Item {
            file: policy.file,
            pointer: &r.pointer,
            identity: r.identity,
        })
        .collect()
}

fn check_list(list: &PolicyList<'_>, out: &mut Vec<Finding>) {
    let items = policy_items(list);
    let scope = &list.scope;
    unique_names(&items, Code::DuplicatePolicyName, "policy", scope, out);
    renames(&items, "policy", scope, out);
    defaults_are_fixed(&items, "policy", out);

    if matches!(
        list.kind,
        PolicyKind::IdpDiscovery | PolicyKind::EntityRisk | PolicyKind::PostAuthSession
    ) && items.len() > 1
    {
        for extra in &items[1..] {
            out.push(
                Finding::new(
                    Code::SingletonKind,
                    extra.at(),
                    format!(
                        "{scope} lists {} policies; Okta has exactly one {} per org and it cannot be created",
                        items.len(),
                        list.kind.label()
                    ),
                )
                .hint("manage the org's single policy (by its name) and put all rules under it")
                .related(items[0].at(), "the first policy of this kind"),
            );
        }
    }

    match list.kind.policy_ordering() {
        Ordering::V1 => {
            if sort_keys(&items, "policies", scope, true, out) {
                default_last(
                    &items,
                    Code::DefaultPolicyPlacement,
                    "default policy",
                    scope,
                    out,
                );
            }
        }
        Ordering::Unordered | Ordering::Single | Ordering::V2 => {
            // Order carries no meaning; explicit priorities must still not tie.
            duplicate_priorities(&items, "policies", scope, out);
        }
    }

    if list.kind.policy_ordering() == Ordering::V1 {
        for policy in &list.policies {
            let meaningful = policy.rules.iter().any(|r| !r.identity.default);
            if !policy.identity.default && !meaningful {
                // A misplaced `default: true` rule is reported on its own (OKP108).
                let what = if policy.rules.is_empty() {
                    "has no rules"
                } else {
                    "has no rules besides `default: true` ones"
                };
                out.push(
                    Finding::new(
                        Code::PolicyWithoutRules,
                        Location::node(policy.file, policy.pointer.clone()),
                        format!(
                            "{scope}[{:?}] {what}, so Okta never applies it",
                            policy.identity.name
                        ),
                    )
                    .hint("add at least one rule, or remove the policy"),
                );
            }
        }
    }
}

fn check_rules(kind: PolicyKind, scope: &str, policy: &PolicyView<'_>, out: &mut Vec<Finding>) {
    let items = rule_items(policy);
    let owner = format!("{scope}[{:?}].rules", policy.identity.name);
    unique_names(&items, Code::DuplicateRuleName, "rule", &owner, out);
    renames(&items, "rule", &owner, out);
    defaults_are_fixed(&items, "rule", out);
    let ordered = match kind.rule_ordering() {
        Ordering::V1 | Ordering::V2 => sort_keys(&items, "rules", &owner, false, out),
        Ordering::Unordered | Ordering::Single => {
            duplicate_priorities(&items, "rules", &owner, out);
            false
        }
    };
    if ordered {
        default_last(
            &items,
            Code::DefaultRulePlacement,
            "default rule",
            &owner,
            out,
        );
        unreachable_rules(&items, &owner, out);
    }
    let v1_kind = kind.policy_ordering() == Ordering::V1;
    if v1_kind && !policy.identity.default {
        for rule in items.iter().filter(|r| r.identity.default) {
            out.push(
                Finding::new(
                    Code::DefaultRuleOutsideDefaultPolicy,
                    rule.field("default"),
                    format!(
                        "{owner}[{:?}] is marked `default: true`, but only the default {} has a default rule",
                        rule.identity.name,
                        kind.label()
                    ),
                )
                .hint("remove `default: true` from this rule (or mark the policy `default: true` if it is Okta's default policy)"),
            );
        }
    }
}

fn unique_names(items: &[Item<'_>], code: Code, noun: &str, scope: &str, out: &mut Vec<Finding>) {
    let mut first: HashMap<&str, &Item<'_>> = HashMap::new();
    for item in items {
        match first.get(item.identity.name) {
            Some(original) => out.push(
                Finding::new(
                    code,
                    item.value("name"),
                    format!(
                        "{scope} has two {} named {:?}",
                        plural(noun),
                        item.identity.name
                    ),
                )
                .hint(format!(
                    "{noun} names are their identity in Okta; rename one of them"
                ))
                .related(original.value("name"), "first defined here"),
            ),
            None => {
                first.insert(item.identity.name, item);
            }
        }
    }
}

fn renames(items: &[Item<'_>], noun: &str, scope: &str, out: &mut Vec<Finding>) {
    let mut sources: HashMap<&str, &Item<'_>> = HashMap::new();
    for item in items {
        let Some(old) = item.identity.renamed_from else {
            continue;
        };
        if old == item.identity.name {
            out.push(
                Finding::new(
                    Code::InvalidRename,
                    item.field("renamedFrom"),
                    format!(
                        "{scope}[{:?}] is renamed from its own name",
                        item.identity.name
                    ),
                )
                .hint("remove `renamedFrom`; it is only needed while the live name differs"),
            );
            continue;
        }
        if item.identity.default {
            out.push(
                Finding::new(
                    Code::DefaultRenamed,
                    item.field("renamedFrom"),
                    format!(
                        "{scope}[{:?}] is Okta's default {noun} and cannot be renamed",
                        item.identity.name
                    ),
                )
                .hint(format!(
                    "remove `renamedFrom` and keep the default {noun}'s name as Okta has it"
                )),
            );
            continue;
        }
        if let Some(other) = items.iter().find(|other| other.identity.name == old) {
            out.push(
                Finding::new(
                    Code::InvalidRename,
                    item.field("renamedFrom"),
                    format!(
                        "{scope}[{:?}] is renamed from {old:?}, but another {noun} in the manifest is still named {old:?}",
                        item.identity.name
                    ),
                )
                .hint(format!("rename the other {noun} too, or drop `renamedFrom`"))
                .related(other.field("name"), "the other object keeps the old name"),
            );
        }
        match sources.get(old) {
            Some(first) => out.push(
                Finding::new(
                    Code::InvalidRename,
                    item.field("renamedFrom"),
                    format!("two {} in {scope} are renamed from {old:?}", plural(noun)),
                )
                .hint(format!(
                    "only one {noun} can take over the live object {old:?}"
                ))
                .related(first.field("renamedFrom"), "also renamed from it here"),
            ),
            None => {
                sources.insert(old, item);
            }
        }
    }
}

fn defaults_are_fixed(items: &[Item<'_>], noun: &str, out: &mut Vec<Finding>) {
    for item in items.iter().filter(|i| i.identity.default) {
        if item.identity.has_conditions {
            out.push(
                Finding::new(
                    Code::DefaultWithConditions,
                    item.field("conditions"),
                    format!("the default {noun} {:?} applies unconditionally; it cannot have conditions", item.identity.name),
                )
                .hint(format!("remove `conditions`, or make this a regular {noun} (drop `default: true`)")),
            );
        }
        if item.identity.status == Some(crate::manifest::common::Status::Inactive) {
            out.push(
                Finding::new(
                    Code::DefaultStatus,
                    item.field("status"),
                    format!(
                        "the default {noun} {:?} cannot be deactivated",
                        item.identity.name
                    ),
                )
                .hint("remove `status: INACTIVE`"),
            );
        }
    }
}

/// Checks explicit priorities; returns whether the effective order is well defined.
fn sort_keys(
    items: &[Item<'_>],
    noun: &str,
    scope: &str,
    across_files: bool,
    out: &mut Vec<Finding>,
) -> bool {
    let ok = duplicate_priorities(items, noun, scope, out);
    let with = items
        .iter()
        .filter(|i| i.identity.priority.is_some())
        .count();
    let mut files: Vec<FileId> = items.iter().map(|i| i.file).collect();
    files.dedup();
    if across_files && files.len() > 1 && with < items.len() {
        let first_file = items[0].file;
        let other = items.iter().find(|i| i.file != first_file);
        for item in items.iter().filter(|i| i.identity.priority.is_none()) {
            let mut finding = Finding::new(
                Code::SplitKindWithoutPriority,
                item.at(),
                format!(
                    "{scope} is split across {} files, so its order is only defined by `priority:`, and {:?} has none",
                    files.len(),
                    item.identity.name
                ),
            )
            .hint(format!("add `priority: <n>` to every policy of {scope} (only their relative order counts)"));
            let partner = if item.file == first_file {
                other
            } else {
                items.first()
            };
            if let Some(partner) = partner {
                finding = finding.related(partner.at(), "another file with policies of this kind");
            }
            out.push(finding);
        }
        return false;
    }
    if with > 0 && with < items.len() {
        for item in items.iter().filter(|i| i.identity.priority.is_none()) {
            out.push(
                Finding::new(
                    Code::SplitKindWithoutPriority,
                    item.at(),
                    format!(
                        "some entries of {scope} carry `priority:` and {:?} does not, so their order is ambiguous",
                        item.identity.name
                    ),
                )
                .hint(format!("give every entry of {scope} a `priority:`, or remove them all and rely on list order")),
            );
        }
        return false;
    }
    ok
}

/// Reports ties between explicit priorities; returns whether there were none.
fn duplicate_priorities(
    items: &[Item<'_>],
    noun: &str,
    scope: &str,
    out: &mut Vec<Finding>,
) -> bool {
    let mut seen: HashMap<i64, &Item<'_>> = HashMap::new();
    let mut ok = true;
    for item in items {
        let Some(priority) = item.identity.priority else {
            continue;
        };
        match seen.get(&priority) {
            Some(first) => {
                ok = false;
                out.push(
                    Finding::new(
                        Code::DuplicatePriority,
                        item.field("priority"),
                        format!(
                            "{:?} and {:?} in {scope} share `priority: {priority}`",
                            first.identity.name, item.identity.name
                        ),
                    )
                    .hint(format!(
                        "priorities are sort keys among the {noun} of {scope}; make each one unique"
                    ))
                    .related(first.field("priority"), "the same priority here"),
                );
            }
            None => {
                seen.insert(priority, item);
            }
        }
    }
    ok
}

/// Indices of `items` in effective order (by priority when given, else as listed).
fn effective_order(items: &[Item<'_>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    if items.iter().all(|i| i.identity.priority.is_some()) {
        order.sort_by_key(|&index| items[index].identity.priority);
    }
    order
}

fn default_last(items: &[Item<'_>], code: Code, noun: &str, scope: &str, out: &mut Vec<Finding>) {
    let defaults: Vec<&Item<'_>> = items.iter().filter(|i| i.identity.default).collect();
    if let Some(first) = defaults.first() {
        for extra in &defaults[1..] {
            out.push(
                Finding::new(
                    code,
                    extra.field("default"),
                    format!(
                        "{scope} has more than one {noun}: {:?} and {:?}",
                        first.identity.name, extra.identity.name
                    ),
                )
                .hint(format!(
                    "Okta has exactly one {noun} here; remove `default: true` from all but one"
                ))
                .related(first.field("default"), "the first default"),
            );
        }
    }
    if defaults.len() != 1 {
        return;
    }
    let order = effective_order(items);
    if let Some(&last) = order.last() {
        let default = defaults[0];
        if !std::ptr::eq(&items[last], default) {
            let how = if default.identity.priority.is_some() {
                "give it the largest `priority:`"
            } else {
                "move it to the end of the list"
            };
            out.push(
                Finding::new(
                    code,
                    default.at(),
                    format!(
                        "the {noun} {:?} is always evaluated last in Okta, but {scope} puts {:?} after it",
                        default.identity.name, items[last].identity.name
                    ),
                )
                .hint(how),
            );
        }
    }
}

fn unreachable_rules(items: &[Item<'_>], scope: &str, out: &mut Vec<Finding>) {
    let order = effective_order(items);
    let catch_all = order.iter().map(|&i| &items[i]).find(|item| {
        !item.identity.default
            && !item.identity.has_conditions
            && item.identity.status != Some(crate::manifest::common::Status::Inactive)
    });
    let Some(catch_all) = catch_all else { return };
    let mut after = false;
    for &index in &order {
        let item = &items[index];
        if std::ptr::eq(item, catch_all) {
            after = true;
            continue;
        }
        if after && !item.identity.default {
            out.push(
                Finding::new(
                    Code::UnreachableRule,
                    item.at(),
                    format!(
                        "{scope}[{:?}] is never evaluated: the earlier rule {:?} has no conditions and matches every request",
                        item.identity.name, catch_all.identity.name
                    ),
                )
                .hint("add conditions to the earlier rule, or move this rule above it")
                .related(catch_all.at(), "this rule matches everything"),
            );
        }
    }
}

fn plural(noun: &str) -> String {
    match noun {
        "policy" => "policies".to_owned(),
        other => format!("{other}s"),
    }
}
