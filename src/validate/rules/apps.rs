//! App mappings: an app has exactly one access policy and one profile
//! enrollment policy, so it may be listed under only one policy per kind.

use std::collections::HashMap;

use crate::finding::{Code, Finding, Location};
use crate::manifest::Ref;
use crate::manifest::set::{Located, ManifestSet};
use crate::manifest::source::FileId;

pub fn check(set: &ManifestSet, out: &mut Vec<Finding>) {
    let access = set.policies(|m| m.access_policies.as_ref());
    mapped_once(
        "accessPolicies",
        access
            .iter()
            .map(|l| entry(l, &l.policy.name, l.policy.apps.as_deref())),
        out,
    );
    let profile = set.policies(|m| m.profile_enrollment_policies.as_ref());
    mapped_once(
        "profileEnrollmentPolicies",
        profile
            .iter()
            .map(|l| entry(l, &l.policy.name, l.policy.apps.as_deref())),
        out,
    );
}

type Entry<'a> = (FileId, &'a str, &'a str, &'a [Ref]);

fn entry<'a, P>(located: &'a Located<'a, P>, name: &'a str, apps: Option<&'a [Ref]>) -> Entry<'a> {
    (
        located.file,
        &located.pointer,
        name,
        apps.unwrap_or_default(),
    )
}

fn mapped_once<'a>(kind: &str, policies: impl Iterator<Item = Entry<'a>>, out: &mut Vec<Finding>) {
    let mut first: HashMap<&str, (Location, &str)> = HashMap::new();
    for (file, pointer, name, apps) in policies {
        for (index, app) in apps.iter().enumerate() {
            let location = Location::node(file, format!("{pointer}/apps/{index}"));
            match first.get(app.as_str()) {
                Some((original, owner)) if *owner != name => out.push(
                    Finding::new(
                        Code::AppMappedTwice,
                        location,
                        format!(
                            "app {:?} is mapped to two {kind}: {owner:?} and {name:?}",
                            app.as_str()
                        ),
                    )
                    .hint("an app has exactly one policy of each kind; keep it under one of them")
                    .related(original.clone(), "first mapped here"),
                ),
                Some(_) => out.push(
                    Finding::new(
                        Code::AppMappedTwice,
                        location,
                        format!(
                            "app {:?} is listed twice under {kind}[{name:?}]",
                            app.as_str()
                        ),
                    )
                    .hint("remove the duplicate entry")
                    .related(first[app.as_str()].0.clone(), "first listed here"),
                ),
                None => {
                    first.insert(app.as_str(), (location, name));
                }
            }
        }
    }
}
