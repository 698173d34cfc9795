//! The semantic rules: every constraint the Okta documentation states that a
//! JSON Schema cannot express. Each rule family lives in its own file and
//! appends findings; none of them stops at the first problem.

mod access;
mod apps;
mod authorization_server;
mod conditions;
mod durations;
mod identity;
mod idp_discovery;
mod mfa_enroll;
mod password;
mod profile_enrollment;
mod risk;
mod sign_on;

use crate::finding::{Finding, Location};
use crate::manifest::set::ManifestSet;
use crate::manifest::source::FileId;

/// Runs every semantic rule over the manifest set.
pub fn check(set: &ManifestSet) -> Vec<Finding> {
    let mut findings = Vec::new();
    identity::check(set, &mut findings);
    apps::check(set, &mut findings);
    sign_on::check(set, &mut findings);
    password::check(set, &mut findings);
    mfa_enroll::check(set, &mut findings);
    idp_discovery::check(set, &mut findings);
    access::check(set, &mut findings);
    profile_enrollment::check(set, &mut findings);
    risk::check(set, &mut findings);
    authorization_server::check(set, &mut findings);
    findings
}

/// A node of a manifest file, by JSON pointer, with a readable address.
#[derive(Debug, Clone)]
pub(crate) struct At {
    pub file: FileId,
    pub pointer: String,
    pub address: String,
}

impl At {
    pub fn new(file: FileId, pointer: impl Into<String>, address: impl Into<String>) -> Self {
        Self {
            file,
            pointer: pointer.into(),
            address: address.into(),
        }
    }

    /// A descendant, e.g. `at.join("actions/signon")`.
    pub fn join(&self, path: &str) -> At {
        At {
            file: self.file,
            pointer: format!("{}/{path}", self.pointer),
            address: format!("{}.{}", self.address, path.replace('/', ".")),
        }
    }

    /// A list item of this node.
    pub fn item(&self, index: usize) -> At {
        At {
            file: self.file,
            pointer: format!("{}/{index}", self.pointer),
            address: format!("{}[{index}]", self.address),
        }
    }

    /// The value here.
    pub fn node(&self) -> Location {
        Location::node(self.file, self.pointer.clone())
    }

    /// The key of the entry here.
    pub fn key(&self) -> Location {
        Location::key(self.file, self.pointer.clone())
    }
}

/// Every rule of every policy of one kind, with the rule's position.
pub(crate) fn rules_of<'a, P, R>(
    policies: &'a [crate::manifest::set::Located<'a, P>],
    rules: impl Fn(&'a P) -> &'a [R],
    name: impl Fn(&'a P) -> &'a str,
    rule_name: impl Fn(&'a R) -> &'a str,
    kind_key: &str,
) -> Vec<(At, &'a P, At, &'a R)> {
    let mut out = Vec::new();
    for located in policies {
        let policy_at = At::new(
            located.file,
            located.pointer.clone(),
            format!("{kind_key}[{:?}]", name(located.policy)),
        );
        for (index, rule) in rules(located.policy).iter().enumerate() {
            let rule_at = At::new(
                located.file,
                format!("{}/rules/{index}", located.pointer),
                format!("{}.rules[{:?}]", policy_at.address, rule_name(rule)),
            );
            out.push((policy_at.clone(), located.policy, rule_at, rule));
        }
    }
    out
}
