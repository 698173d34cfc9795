//! Matching desired objects to live ones: by name, by `renamedFrom`, and
//! `default: true` to Okta's default policy of the kind or the policy's
//! default (catch-all) rule. Each live object matches at most once; what is
//! left over is unmanaged (or pruned).

use crate::client::wire::{Policy, PolicyRule};
use crate::desired::DesiredObject;
use crate::finding::{Code, Finding};
use crate::manifest::kind::{Ordering, PolicyKind};

/// How a desired object found its live counterpart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Same name (or the default object).
    Same(usize),
    /// Found by `renamedFrom`: the name changes.
    Renamed(usize),
    /// No live counterpart: to be created.
    New,
}

impl Match {
    /// The live index, when matched.
    pub fn index(self) -> Option<usize> {
        match self {
            Match::Same(index) | Match::Renamed(index) => Some(index),
            Match::New => None,
        }
    }
}

/// A live object as matching sees it.
pub trait LiveObject {
    fn name(&self) -> Option<&str>;
    fn system(&self) -> bool;
    fn priority(&self) -> Option<i64>;
}

impl LiveObject for Policy {
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

impl LiveObject for PolicyRule {
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

/// A reference to a live object (lists of borrowed policies).
impl<L: LiveObject> LiveObject for &L {
    fn name(&self) -> Option<&str> {
        (**self).name()
    }
    fn system(&self) -> bool {
        (**self).system()
    }
    fn priority(&self) -> Option<i64> {
        (**self).priority()
    }
}

/// Which live object is Okta's default among `live` (the default policy of
/// a kind, or a policy's default rule).
pub fn default_index<L: LiveObject>(kind: PolicyKind, live: &[L], rules: bool) -> Option<usize> {
    let system = live.iter().enumerate().filter(|(_, l)| l.system());
    if rules {
        return system.map(|(i, _)| i).next();
    }
    match kind.policy_ordering() {
        // The default policy stays last.
        Ordering::V1 => system
            .max_by_key(|(_, l)| l.priority().unwrap_or(0))
            .map(|(i, _)| i),
        Ordering::Unordered => live
            .iter()
            .position(|l| l.system() && l.name() == Some("Default Policy")),
        Ordering::Single | Ordering::V2 => system.map(|(i, _)| i).next(),
    }
}

/// Matches every desired object to at most one live object.
pub fn match_objects<L: LiveObject>(
    kind: PolicyKind,
    desired: &[&DesiredObject],
    live: &[L],
    rules: bool,
    findings: &mut Vec<Finding>,
) -> Vec<Match> {
    let mut taken = vec![false; live.len()];
    let by_name = |name: &str, taken: &[bool]| {
        live.iter()
            .enumerate()
            .position(|(i, l)| !taken[i] && l.name() == Some(name))
    };
    let mut matches = Vec::with_capacity(desired.len());
    for object in desired {
        let found = if object.default {
            by_name(&object.name, &taken)
                .filter(|&i| live[i].system())
                .or_else(|| default_index(kind, live, rules).filter(|&i| !taken[i]))
                .map(Match::Same)
        } else if let Some(i) = by_name(&object.name, &taken) {
            if let Some(old) = &object.renamed_from
                && by_name(old, &taken).is_some()
            {
                findings.push(
                    Finding::new(
                        Code::RenameConflict,
                        object.origin.at("/renamedFrom"),
                        format!(
                            "both {old:?} and {:?} exist in the org; cannot rename one to the other",
                            object.name
                        ),
                    )
                    .hint("delete one of them in Okta, or remove `renamedFrom`"),
                );
            }
            Some(Match::Same(i))
        } else {
            object
                .renamed_from
                .as_deref()
                .and_then(|old| by_name(old, &taken))
                .map(Match::Renamed)
        };
        let found = found.or_else(|| single_policy(kind, live, rules, &taken));
        match found {
            Some(m) => {
                if let Some(i) = m.index() {
                    taken[i] = true;
                }
                matches.push(m);
            }
            None if object.default => {
                findings.push(
                    Finding::new(
                        Code::DefaultNotFound,
                        object.origin.at(""),
                        format!(
                            "{:?} is written with `default: true`, but the org has no default {} to match it",
                            object.name,
                            if rules { "rule in this policy" } else { kind.label() }
                        ),
                    )
                    .hint("only Okta's default policy and the default (catch-all) rule can be `default: true`"),
                );
                matches.push(Match::New);
            }
            None => matches.push(Match::New),
        }
    }
    matches
}

/// The only policy of a kind Okta keeps exactly one of (IdP discovery,
/// entity risk, post-auth session): its name is Okta's.
fn single_policy<L: LiveObject>(
    kind: PolicyKind,
    live: &[L],
    rules: bool,
    taken: &[bool],
) -> Option<Match> {
    if rules || kind.policy_ordering() != Ordering::Single {
        return None;
    }
    match live {
        [_] if !taken[0] => Some(Match::Same(0)),
        _ => None,
    }
}
