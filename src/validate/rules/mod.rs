//! The semantic rules: every constraint the Okta documentation states that a
//! JSON Schema cannot express. Each rule family lives in its own file and
//! appends findings; none of them stops at the first problem.

mod identity;

use crate::finding::Finding;
use crate::manifest::set::ManifestSet;

/// Runs every semantic rule over the manifest set.
pub fn check(set: &ManifestSet) -> Vec<Finding> {
    let mut findings = Vec::new();
    identity::check(set, &mut findings);
    findings
}
