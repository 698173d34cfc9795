//! The cross-policy MFA checks of `validate`: MFA required but not
//! enrollable, enrollment that nothing activates (seed 000), factor
//! sequencing lockouts (seed 003) and recovery authenticators that
//! supersede enrollment (seed 001). A check that needs a kind the
//! manifests do not manage is skipped with an info finding, never guessed.

use serde_json::Value;

use super::{EVERYONE_GROUP, EnrollStatus, Enrollment, MfaView, RuleView};
use crate::finding::{Code, Finding, Location};
use crate::manifest::kind::PolicyKind;
use crate::manifest::set::ManifestSet;

/// Runs every cross-policy MFA check.
pub fn check(set: &ManifestSet) -> Vec<Finding> {
    let view = MfaView::new(set);
    let mut out = Vec::new();
    not_enrollable(&view, &mut out);
    without_activation(&view, &mut out);
    sequencing(&view, &mut out);
    recovery(&view, &mut out);
    out
}

/// Where a rule is written, or its policy for Okta's assumed default rule.
fn rule_location(rule: &RuleView<'_>, sub: &str) -> Location {
    match rule.origin {
        Some(origin) => origin.at(sub),
        None => rule.policy_origin.at(""),
    }
}

fn skipped(location: Location, check: &str, missing: &str) -> Finding {
    Finding::new(
        Code::MfaCheckSkipped,
        location,
        format!("the check \"{check}\" is skipped: the manifests do not manage {missing}"),
    )
    .hint(format!(
        "add the org's {missing} to the manifests (`oktapol export`) to have it checked"
    ))
}

/// The groups a rule applies to, each with its enrollment policies.
fn enrollments_of(view: &MfaView, rule: &RuleView<'_>) -> Vec<(String, Vec<Enrollment>)> {
    rule.targets
        .groups
        .iter()
        .map(|group| (group.clone(), view.enrollments(group)))
        .collect()
}

/// "for Contractors" / "for everyone".
fn whom(group: &str) -> String {
    if group == EVERYONE_GROUP {
        "for everyone".to_owned()
    } else {
        format!("for group {group:?}")
    }
}

/// "members of group Contractors" / "everyone".
fn members(group: &str) -> String {
    if group == EVERYONE_GROUP {
        "everyone".to_owned()
    } else {
        format!("members of group {group:?}")
    }
}

/// A sign-on rule with `requireFactor: true`, or an access rule with 2FA or
/// a possession constraint, for users whose enrollment policy lets them
/// enroll nothing but the password (seeds 000, 003).
fn not_enrollable(view: &MfaView, out: &mut Vec<Finding>) {
    let mut demanding: Vec<(RuleView<'_>, &str)> = view
        .rules(PolicyKind::SignOn)
        .into_iter()
        .filter(RuleView::challenges)
        .map(|r| (r, "/actions/signon/requireFactor"))
        .collect();
    demanding.extend(
        view.rules(PolicyKind::Access)
            .into_iter()
            .filter(|r| r.challenges() && !r.chained())
            .map(|r| (r, "/actions/appSignOn/verificationMethod")),
    );
    let Some((first, sub)) = demanding.first() else {
        return;
    };
    if !view.manages(PolicyKind::MfaEnroll) {
        out.push(skipped(
            rule_location(first, sub),
            "MFA required but not enrollable",
            "MFA enrollment policies (`mfaEnrollPolicies`)",
        ));
        return;
    }
    for (rule, sub) in &demanding {
        for (group, enrollments) in enrollments_of(view, rule) {
            // A sign-on rule an earlier policy shadows for the group asks nothing.
            if rule.kind == PolicyKind::SignOn
                && !view
                    .sign_on_rules(&group)
                    .iter()
                    .any(|r| r.policy.name == rule.policy.name && r.rule.name == rule.rule.name)
            {
                continue;
            }
            // Every way in must be closed; unknown settings are not guessed.
            if enrollments.is_empty()
                || enrollments
                    .iter()
                    .any(|e| !e.settings_written || !e.enrollable_second_factors().is_empty())
            {
                continue;
            }
            let names: Vec<String> = enrollments.iter().map(Enrollment::label).collect();
            let mut finding = Finding::new(
                Code::MfaNotEnrollable,
                rule_location(rule, sub),
                format!(
                    "{} requires MFA {}, but {} lets them enroll no factor besides the password: they cannot sign in",
                    rule.address(),
                    whom(&group),
                    names.join(" and ")
                ),
            )
            .hint("set at least one factor or authenticator to REQUIRED or OPTIONAL in that enrollment policy, or stop requiring MFA here");
            for enrollment in &enrollments {
                finding = finding.related(enrollment.origin.at(""), enrollment.label());
            }
            out.push(finding);
        }
    }
}

/// An enrollment policy that requires factors for a group that no sign-on
/// or access rule ever challenges (seed 000: "factor enrollment does not
/// mean that MFA is active").
fn without_activation(view: &MfaView, out: &mut Vec<Finding>) {
    let Some(list) = view.policies.list(PolicyKind::MfaEnroll, None) else {
        return;
    };
    let Some(written) = view
        .desired
        .lists
        .iter()
        .find(|l| l.kind == PolicyKind::MfaEnroll)
    else {
        return;
    };
    for (policy, desired) in list.policies.iter().zip(&written.policies) {
        if !policy.active || !desired.object.body.contains_key("settings") {
            continue;
        }
        let required: Vec<String> = crate::evaluate::outcome::enrollment(&policy.settings)
            .into_iter()
            .filter(|(key, status)| *status == "REQUIRED" && key != "okta_password")
            .map(|(key, _)| key)
            .collect();
        if required.is_empty() {
            continue;
        }
        if !view.manages(PolicyKind::SignOn) && !view.manages(PolicyKind::Access) {
            out.push(skipped(
                desired.object.origin.at("/settings"),
                "enrollment without activation",
                "sign-on (`signOnPolicies`) or access (`accessPolicies`) policies",
            ));
            return;
        }
        let targets = super::Targets::of(&policy.conditions, &Value::Null);
        for group in &targets.groups {
            // Only where this policy is the one that applies.
            if !view
                .enrollments(group)
                .iter()
                .any(|e| e.policy == policy.name)
            {
                continue;
            }
            if view.rules_for(group).iter().any(RuleView::challenges) {
                continue;
            }
            out.push(
                Finding::new(
                    Code::EnrollmentWithoutActivation,
                    desired.object.origin.at("/settings"),
                    format!(
                        "mfaEnrollPolicies[{:?}] requires {} {}, but no managed sign-on or access rule ever asks them for a second factor: enrollment does not make MFA active",
                        policy.name,
                        required.join(", "),
                        whom(group)
                    ),
                )
                .hint("add a sign-on rule with `requireFactor: true` (or an access rule with `factorMode: 2FA`) for these users, or stop requiring enrollment"),
            );
        }
    }
}

/// The best status, across a rule's chains, of the chains' first
/// authenticators.
fn best_head(enrollment: &Enrollment, heads: &[Vec<String>]) -> EnrollStatus {
    heads
        .iter()
        .flatten()
        .map(|key| enrollment.authenticator_status(key))
        .min()
        .unwrap_or(EnrollStatus::NotAllowed)
}

/// Authentication method chains whose first authenticator the users
/// cannot (or need not) enroll, and chains for users routed to another
/// identity provider (seed 003).
fn sequencing(view: &MfaView, out: &mut Vec<Finding>) {
    let chained: Vec<RuleView<'_>> = view
        .rules(PolicyKind::Access)
        .into_iter()
        .filter(RuleView::chained)
        .filter(RuleView::challenges)
        .collect();
    let Some(first) = chained.first() else {
        return;
    };
    let sub = "/actions/appSignOn/verificationMethod/chains";
    if !view.manages(PolicyKind::MfaEnroll) {
        out.push(skipped(
            rule_location(first, sub),
            "factor sequencing",
            "MFA enrollment policies (`mfaEnrollPolicies`)",
        ));
    }
    let routed: Vec<RuleView<'_>> = view
        .rules(PolicyKind::IdpDiscovery)
        .into_iter()
        .filter(|r| routes_elsewhere(&r.rule.actions))
        .collect();
    for rule in &chained {
        let heads = rule.chain_heads();
        let firsts: Vec<String> = heads.iter().flatten().cloned().collect();
        for (group, enrollments) in enrollments_of(view, rule) {
            if enrollments.is_empty() || enrollments.iter().any(|e| !e.settings_written) {
                continue;
            }
            let best: Vec<EnrollStatus> =
                enrollments.iter().map(|e| best_head(e, &heads)).collect();
            let names: Vec<String> = enrollments.iter().map(Enrollment::label).collect();
            if best.iter().all(|s| *s == EnrollStatus::NotAllowed) {
                out.push(
                    Finding::new(
                        Code::ChainNotEnrollable,
                        rule_location(rule, sub),
                        format!(
                            "{}: {} lets {} enroll none of the chains' first authenticators ({}): users who have not enrolled in the first factor cannot sign in",
                            rule.address(),
                            names.join(" and "),
                            members(&group),
                            firsts.join(", ")
                        ),
                    )
                    .hint("allow (better: require) the first authenticator of at least one chain in that enrollment policy"),
                );
            } else if best.iter().any(|s| *s != EnrollStatus::Required) {
                out.push(
                    Finding::new(
                        Code::ChainFirstFactorOptional,
                        rule_location(rule, sub),
                        format!(
                            "{}: {} {} leaves the chains' first authenticators ({}) optional: users who skip enrolling them cannot sign in",
                            rule.address(),
                            names.join(" and "),
                            whom(&group),
                            firsts.join(", ")
                        ),
                    )
                    .hint("mark the first authenticator of at least one chain REQUIRED in that enrollment policy"),
                );
            }
        }
        let bypass: Vec<String> = routed
            .iter()
            .filter(|r| rule.targets.groups.iter().any(|g| r.targets.covers(g)))
            .map(|r| format!("{:?}", r.rule.name))
            .collect();
        if !bypass.is_empty() {
            out.push(
                Finding::new(
                    Code::ChainBehindExternalIdp,
                    rule_location(rule, sub),
                    format!(
                        "{}: IdP discovery routes some of these users to an external identity provider ({}), where authenticator chains do not apply",
                        rule.address(),
                        bypass.join(", ")
                    ),
                )
                .hint("use an assurance rule (`type: ASSURANCE`) for users who sign in through another identity provider"),
            );
        }
    }
}

/// Whether an IdP discovery rule sends users somewhere other than Okta.
fn routes_elsewhere(actions: &Value) -> bool {
    let idp = &actions["idp"];
    idp["idpSelectionType"].as_str() == Some("DYNAMIC")
        || idp["providers"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["type"].as_str().is_some_and(|t| t != "OKTA"))
}

/// The authenticator a password policy's recovery factor needs.
fn recovery_authenticator(factor: &str) -> Option<&'static str> {
    Some(match factor {
        "okta_sms" | "okta_call" => "phone_number",
        "okta_email" => "okta_email",
        "recovery_question" => "security_question",
        _ => return None,
    })
}

/// A password policy whose recovery needs an authenticator that the
/// enrollment policy for the same users leaves optional or disallows: the
/// password policy wins for recovery (seed 001).
fn recovery(view: &MfaView, out: &mut Vec<Finding>) {
    let Some(written) = view
        .desired
        .lists
        .iter()
        .find(|l| l.kind == PolicyKind::Password)
    else {
        return;
    };
    let Some(list) = view.policies.list(PolicyKind::Password, None) else {
        return;
    };
    let mut skipped_once = false;
    for (policy, desired) in list.policies.iter().zip(&written.policies) {
        if !policy.active {
            continue;
        }
        // Only what the manifests write: Okta's defaults are not guessed at.
        let factors = &desired
            .object
            .body
            .get("settings")
            .cloned()
            .unwrap_or_default()["recovery"]["factors"];
        let Some(factors) = factors.as_object() else {
            continue;
        };
        for (factor, settings) in factors {
            if settings["status"].as_str() != Some("ACTIVE") {
                continue;
            }
            let Some(authenticator) = recovery_authenticator(factor) else {
                continue;
            };
            let at = desired
                .object
                .origin
                .at(&format!("/settings/recovery/factors/{factor}"));
            if !view.manages(PolicyKind::MfaEnroll) {
                if !skipped_once {
                    out.push(skipped(
                        at,
                        "recovery supersedes enrollment",
                        "MFA enrollment policies (`mfaEnrollPolicies`)",
                    ));
                    skipped_once = true;
                }
                continue;
            }
            let targets = super::Targets::of(&policy.conditions, &Value::Null);
            for group in &targets.groups {
                for enrollment in view.enrollments(group) {
                    // Classic factor policies do not govern recovery (seed 001).
                    if !enrollment.settings_written || enrollment.factors_model {
                        continue;
                    }
                    let status = enrollment.authenticator_status(authenticator);
                    if status == EnrollStatus::Required {
                        continue;
                    }
                    out.push(
                        Finding::new(
                            Code::RecoverySupersedesEnrollment,
                            at.clone(),
                            format!(
                                "passwordPolicies[{:?}] recovers passwords with {factor}, so {authenticator} is effectively REQUIRED {} for password recovery, although {} marks it {}",
                                policy.name,
                                whom(group),
                                enrollment.label(),
                                status.as_str()
                            ),
                        )
                        .hint(format!(
                            "mark {authenticator} REQUIRED in the enrollment policy to say what happens, or set {factor} to INACTIVE here"
                        ))
                        .related(enrollment.origin.at(""), enrollment.label()),
                    );
                }
            }
        }
    }
}
