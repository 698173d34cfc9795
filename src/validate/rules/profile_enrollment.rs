//! Profile enrollment policy rules: exactly one rule (Okta's, written with
//! `default: true`), each profile attribute once, at most one
//! pre-registration inline hook, UI schemas referenced by ID. (The limits on attributes and target
//! groups are list bounds in the schema.)

use std::collections::HashMap;

use super::{At, rules_of};
use crate::finding::{Code, Finding};
use crate::manifest::profile_enrollment::{ProfileEnrollmentPolicy, ProfileEnrollmentRule};
use crate::manifest::reference::RefTarget;
use crate::manifest::set::ManifestSet;

const MAX_INLINE_HOOKS: usize = 1;

pub fn check(set: &ManifestSet, out: &mut Vec<Finding>) {
    let policies = set.policies(|m| m.profile_enrollment_policies.as_ref());
    for located in &policies {
        let policy = located.policy;
        let at = At::new(
            located.file,
            located.pointer.clone(),
            format!("profileEnrollmentPolicies[{:?}]", policy.name),
        );
        if policy.rules.len() > 1 {
            out.push(
                Finding::new(
                    Code::ProfileEnrollmentRuleCount,
                    at.join("rules").item(1).node(),
                    format!(
                        "{} has {} rules; a profile enrollment policy has exactly one",
                        at.address,
                        policy.rules.len()
                    ),
                )
                .hint(
                    "keep a single rule (written with `default: true`) and put all settings in it",
                ),
            );
        }
        if let Some(rule) = policy.rules.first()
            && !rule.default
        {
            out.push(
                    Finding::new(
                        Code::ProfileEnrollmentRuleCount,
                        at.join("rules").item(0).node(),
                        format!(
                            "{}.rules[{:?}] is the policy's only rule, which Okta creates; it must be written with `default: true`",
                            at.address, rule.name
                        ),
                    )
                    .hint("add `default: true` to the rule"),
                );
        }
    }
    let rules = rules_of(
        &policies,
        |p: &ProfileEnrollmentPolicy| &p.rules,
        |p| &p.name,
        |r: &ProfileEnrollmentRule| &r.name,
        "profileEnrollmentPolicies",
    );
    for (_, _, rule_at, rule) in rules {
        let Some(action) = rule
            .actions
            .as_ref()
            .and_then(|a| a.profile_enrollment.as_ref())
        else {
            continue;
        };
        let at = rule_at.join("actions/profileEnrollment");
        let attributes = action.profile_attributes.as_deref().unwrap_or_default();
        let mut seen = HashMap::new();
        for (index, attribute) in attributes.iter().enumerate() {
            if let Some(first) = seen.insert(attribute.name.as_str(), index) {
                out.push(
                    Finding::new(
                        Code::ProfileEnrollmentForm,
                        at.join("profileAttributes").item(index).join("name").node(),
                        format!(
                            "{} lists profile attribute `{}` twice (entries {first} and {index})",
                            at.address, attribute.name
                        ),
                    )
                    .hint("remove one of the two entries"),
                );
            }
        }
        if let Some(ui_schema) = &action.ui_schema_id
            && matches!(ui_schema.target(), RefTarget::Name(_))
        {
            out.push(
                    Finding::new(
                        Code::UiSchemaByName,
                        at.join("uiSchemaId").node(),
                        format!(
                            "{} names UI schema {:?}, but Okta's UI schemas have no names",
                            at.address,
                            ui_schema.as_str()
                        ),
                    )
                    .hint("write the UI schema's ID as `id:uis…` (or omit `uiSchemaId` to keep the one Okta created)"),
                );
        }
        let hooks = action
            .pre_registration_inline_hooks
            .as_deref()
            .unwrap_or_default();
        if hooks.len() > MAX_INLINE_HOOKS {
            out.push(
                Finding::new(
                    Code::ProfileEnrollmentForm,
                    at.join("preRegistrationInlineHooks").node(),
                    format!(
                        "{} calls {} pre-registration inline hooks; Okta allows one",
                        at.address,
                        hooks.len()
                    ),
                )
                .hint("keep a single inline hook"),
            );
        }
    }
}
