//! MFA across policies: which enrollment policy applies to each group,
//! which sign-on and access rules challenge it, and what that combination
//! means (seeds 000, 001 and 003). A single policy can look valid while
//! the combination locks users out or silently does nothing; the
//! cross-policy checks of `validate` ([`checks`]) and `oktapol mfa-report`
//! ([`report`]) both read this view. Which enrollment policy applies is
//! the evaluator's answer, never a second evaluation here.

pub mod checks;
pub mod report;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::desired::{Desired, Origin};
use crate::evaluate::{
    Context, EVERYONE, EvalPolicy, EvalRule, Facet, Outcome, PolicySet, evaluate,
};
use crate::manifest::kind::PolicyKind;
use crate::manifest::set::ManifestSet;

/// How the Everyone group is named in contexts and reports.
pub use crate::resolve::EVERYONE as EVERYONE_GROUP;

/// An enrollment status of a factor or authenticator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EnrollStatus {
    Required,
    Optional,
    NotAllowed,
}

impl EnrollStatus {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "REQUIRED" => Some(Self::Required),
            "OPTIONAL" => Some(Self::Optional),
            "NOT_ALLOWED" => Some(Self::NotAllowed),
            _ => None,
        }
    }

    /// As Okta spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Required => "REQUIRED",
            Self::Optional => "OPTIONAL",
            Self::NotAllowed => "NOT_ALLOWED",
        }
    }

    /// Whether users can enroll it.
    pub fn enrollable(self) -> bool {
        self != Self::NotAllowed
    }
}

/// The enrollment policy and rule that apply to one group (from one
/// network location).
#[derive(Debug, Clone, PartialEq)]
pub struct Enrollment {
    pub policy: String,
    pub rule: String,
    /// The rule is Okta's default rule, assumed by the evaluator.
    pub assumed_rule: bool,
    /// The manifests write the policy's settings (otherwise they are
    /// Okta's defaults, which the org may have changed).
    pub settings_written: bool,
    /// Classic `factors` rather than `authenticators`.
    pub factors_model: bool,
    /// Each factor or authenticator key, as written.
    pub statuses: BTreeMap<String, EnrollStatus>,
    /// When enrollment is prompted: CHALLENGE, LOGIN or NEVER.
    pub prompt: Option<String>,
    /// The network zone the evaluation assumed, if any.
    pub zone: Option<String>,
    pub origin: Origin,
}

impl Enrollment {
    /// The factors or authenticators users can enroll, the password aside.
    pub fn enrollable_second_factors(&self) -> Vec<&str> {
        self.statuses
            .iter()
            .filter(|(key, status)| status.enrollable() && !is_password(key))
            .map(|(key, _)| key.as_str())
            .collect()
    }

    /// The status of an authenticator key (factor keys are mapped to their
    /// authenticator). An authenticator the policy does not list cannot
    /// be enrolled, except the password every user has.
    pub fn authenticator_status(&self, authenticator: &str) -> EnrollStatus {
        let mut best: Option<EnrollStatus> = None;
        for (key, status) in &self.statuses {
            let mapped = if self.factors_model {
                factor_authenticator(key)
            } else {
                Some(key.clone())
            };
            if mapped.as_deref() == Some(authenticator) {
                best = Some(best.map_or(*status, |b| b.min(*status)));
            }
        }
        match best {
            Some(status) => status,
            None if is_password(authenticator) => EnrollStatus::Required,
            None => EnrollStatus::NotAllowed,
        }
    }

    /// `policy "X", rule "Y"` for messages.
    pub fn label(&self) -> String {
        format!("enrollment policy {:?} (rule {:?})", self.policy, self.rule)
    }
}

fn is_password(key: &str) -> bool {
    key == "okta_password"
}

/// The authenticator a classic factor key is enrolled as: seed 001's
/// table, the one `oktapol migrate` uses ([`crate::migrate::MAPPING`]).
pub fn factor_authenticator(factor: &str) -> Option<String> {
    crate::migrate::MAPPING
        .iter()
        .find(|(key, _, _)| *key == factor)
        .map(|(_, authenticator, _)| crate::migrate::key_name(*authenticator))
}

/// The groups a policy's (and rule's) people conditions target: the
/// `EVERYONE` literal when they do not narrow it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Targets {
    pub groups: Vec<String>,
    pub excluded: Vec<String>,
}

impl Targets {
    fn of(policy_conditions: &Value, rule_conditions: &Value) -> Targets {
        let names = |conditions: &Value, list: &str| -> Vec<String> {
            conditions["people"]["groups"][list]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|g| g.as_str().map(everyone_named))
                .collect()
        };
        let rule = names(rule_conditions, "include");
        let policy = names(policy_conditions, "include");
        let groups = if !rule.is_empty() {
            rule
        } else if !policy.is_empty() {
            policy
        } else {
            vec![EVERYONE_GROUP.to_owned()]
        };
        let mut excluded = names(policy_conditions, "exclude");
        excluded.extend(names(rule_conditions, "exclude"));
        Targets { groups, excluded }
    }

    /// Whether the members of `group` are among the targets.
    pub fn covers(&self, group: &str) -> bool {
        !self.excluded.iter().any(|g| g == group)
            && self
                .groups
                .iter()
                .any(|g| g == group || g == EVERYONE_GROUP)
    }

    pub fn everyone(&self) -> bool {
        self.groups.iter().any(|g| g == EVERYONE_GROUP)
    }
}

/// `EVERYONE` and `Everyone` are one group.
fn everyone_named(name: &str) -> String {
    if name == EVERYONE {
        EVERYONE_GROUP.to_owned()
    } else {
        name.to_owned()
    }
}

/// A rule of a managed policy, with where it is written and whom it targets.
#[derive(Debug, Clone)]
pub struct RuleView<'a> {
    pub kind: PolicyKind,
    pub policy: &'a EvalPolicy,
    pub rule: &'a EvalRule,
    pub policy_origin: &'a Origin,
    /// `None` for Okta's default rule, assumed.
    pub origin: Option<&'a Origin>,
    pub targets: Targets,
}

impl RuleView<'_> {
    /// The rule's outcome.
    pub fn outcome(&self) -> Outcome {
        Outcome::of(self.kind, &self.policy.settings, &self.rule.actions)
    }

    /// Whether the rule asks for a second factor (and lets users in).
    pub fn challenges(&self) -> bool {
        let outcome = self.outcome();
        if outcome.get(Facet::Access).and_then(Value::as_str) == Some("DENY") {
            return false;
        }
        match self.kind {
            PolicyKind::SignOn => outcome.get(Facet::MfaRequired) == Some(&Value::Bool(true)),
            PolicyKind::Access => {
                outcome.get(Facet::FactorMode).and_then(Value::as_str) == Some("2FA")
                    || self.chained()
                    || self.possession()
            }
            _ => false,
        }
    }

    /// Whether the rule lets users in with one factor.
    pub fn allows_without_mfa(&self) -> bool {
        let outcome = self.outcome();
        outcome.get(Facet::Access).and_then(Value::as_str) != Some("DENY") && !self.challenges()
    }

    /// An access rule with authentication method chains.
    pub fn chained(&self) -> bool {
        self.kind == PolicyKind::Access
            && self
                .outcome()
                .get(Facet::VerificationMethod)
                .and_then(Value::as_str)
                == Some("AUTH_METHOD_CHAIN")
    }

    /// An access rule with a possession constraint.
    pub fn possession(&self) -> bool {
        self.outcome()
            .get(Facet::Constraints)
            .and_then(Value::as_array)
            .is_some_and(|c| c.iter().any(|c| !c["possession"].is_null()))
    }

    /// The first authenticator keys of each chain.
    pub fn chain_heads(&self) -> Vec<Vec<String>> {
        self.rule.actions["appSignOn"]["verificationMethod"]["chains"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|chain| {
                chain["authenticationMethods"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m["key"].as_str().map(str::to_owned))
                    .collect()
            })
            .collect()
    }

    /// `signOnPolicies["X"].rules["Y"]`.
    pub fn address(&self) -> String {
        format!(
            "{}[{:?}].rules[{:?}]",
            self.kind.manifest_key(),
            self.policy.name,
            self.rule.name
        )
    }
}

/// The manifests as the evaluator sees them, with where each object is
/// written.
#[derive(Debug)]
pub struct MfaView {
    pub desired: Desired,
    pub policies: PolicySet,
}

impl MfaView {
    pub fn new(set: &ManifestSet) -> MfaView {
        let desired = Desired::from_set(set);
        let policies = PolicySet::from_desired(&desired);
        MfaView { desired, policies }
    }

    /// Whether the manifests manage `kind`.
    pub fn manages(&self, kind: PolicyKind) -> bool {
        self.desired.managed.contains(&kind)
    }

    /// Every rule of `kind`'s policies, in order.
    pub fn rules(&self, kind: PolicyKind) -> Vec<RuleView<'_>> {
        let mut out = Vec::new();
        let (Some(desired), Some(list)) = (
            self.desired
                .lists
                .iter()
                .find(|l| l.kind == kind && l.server.is_none()),
            self.policies.list(kind, None),
        ) else {
            return out;
        };
        for (written, policy) in desired.policies.iter().zip(&list.policies) {
            if !policy.active {
                continue;
            }
            for (index, rule) in policy.rules.iter().enumerate() {
                if !rule.active {
                    continue;
                }
                out.push(RuleView {
                    kind,
                    policy,
                    rule,
                    policy_origin: &written.object.origin,
                    origin: written.rules.get(index).map(|r| &r.origin),
                    targets: Targets::of(&policy.conditions, &rule.conditions),
                });
            }
        }
        out
    }

    /// Every group named in a managed policy or rule, sorted, then Everyone.
    pub fn groups(&self) -> Vec<String> {
        let mut names = BTreeSet::new();
        for list in &self.policies.lists {
            for policy in &list.policies {
                collect_groups(&policy.conditions, &mut names);
                for rule in &policy.rules {
                    collect_groups(&rule.conditions, &mut names);
                }
            }
        }
        names.remove(EVERYONE_GROUP);
        let mut groups: Vec<String> = names.into_iter().collect();
        groups.push(EVERYONE_GROUP.to_owned());
        groups
    }

    /// Contexts for a member of `group` signing in: from no network zone,
    /// and from each zone the policies of `kind` name.
    fn contexts(&self, kind: PolicyKind, group: &str) -> Vec<(Option<String>, Context)> {
        let mut zones: BTreeSet<String> = BTreeSet::new();
        if let Some(list) = self.policies.list(kind, None) {
            for policy in &list.policies {
                collect_zones(&policy.conditions, &mut zones);
                for rule in &policy.rules {
                    collect_zones(&rule.conditions, &mut zones);
                }
            }
        }
        std::iter::once(None)
            .chain(zones.into_iter().map(Some))
            .map(|zone| {
                let mut context = Context::default().with_everyone(EVERYONE_GROUP);
                context.groups.insert(group.to_owned());
                if let Some(zone) = &zone {
                    context.zones.insert(zone.clone());
                }
                (zone, context)
            })
            .collect()
    }

    /// The sign-on rules that apply to members of `group` (from anywhere
    /// and from each zone the sign-on policies name), by the evaluator.
    pub fn sign_on_rules(&self, group: &str) -> Vec<RuleView<'_>> {
        let all = self.rules(PolicyKind::SignOn);
        let mut out: Vec<RuleView<'_>> = Vec::new();
        for (_, context) in self.contexts(PolicyKind::SignOn, group) {
            let Some(matched) = evaluate(&self.policies, PolicyKind::SignOn, None, &context)
                .and_then(|e| e.matched)
            else {
                continue;
            };
            if let Some(rule) = all
                .iter()
                .find(|r| r.policy.name == matched.policy && r.rule.name == matched.rule)
                && !out
                    .iter()
                    .any(|o| o.policy.name == matched.policy && o.rule.name == matched.rule)
            {
                out.push(rule.clone());
            }
        }
        out
    }

    /// The sign-on rules that apply to `group` and the access rules that
    /// target it.
    pub fn rules_for(&self, group: &str) -> Vec<RuleView<'_>> {
        let mut rules = self.sign_on_rules(group);
        rules.extend(
            self.rules(PolicyKind::Access)
                .into_iter()
                .filter(|r| r.targets.covers(group)),
        );
        rules
    }

    /// The enrollment policies that apply to members of `group`: from no
    /// network zone, and from each zone an enrollment policy names when
    /// that changes the answer. Empty when none applies or the manifests
    /// have no enrollment policies.
    pub fn enrollments(&self, group: &str) -> Vec<Enrollment> {
        let Some(list) = self.policies.list(PolicyKind::MfaEnroll, None) else {
            return Vec::new();
        };
        let mut out: Vec<Enrollment> = Vec::new();
        for (zone, context) in self.contexts(PolicyKind::MfaEnroll, group) {
            let Some(evaluation) = evaluate(&self.policies, PolicyKind::MfaEnroll, None, &context)
            else {
                continue;
            };
            let Some(matched) = evaluation.matched else {
                continue;
            };
            if out
                .iter()
                .any(|e| e.policy == matched.policy && e.rule == matched.rule)
            {
                continue;
            }
            let Some((index, policy)) = list
                .policies
                .iter()
                .enumerate()
                .find(|(_, p)| p.name == matched.policy)
            else {
                continue;
            };
            let Some(written) = self
                .desired
                .lists
                .iter()
                .find(|l| l.kind == PolicyKind::MfaEnroll)
                .and_then(|l| l.policies.get(index))
            else {
                continue;
            };
            let settings = &policy.settings;
            out.push(Enrollment {
                policy: matched.policy.clone(),
                rule: matched.rule.clone(),
                assumed_rule: matched.assumed,
                settings_written: written.object.body.contains_key("settings"),
                factors_model: settings["type"].as_str() == Some("FACTORS")
                    || settings["authenticators"].is_null(),
                statuses: crate::evaluate::outcome::enrollment(settings)
                    .into_iter()
                    .filter_map(|(key, status)| Some((key, EnrollStatus::parse(status)?)))
                    .collect(),
                prompt: evaluation
                    .outcome
                    .get(Facet::EnrollPrompt)
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                zone,
                origin: written.object.origin.clone(),
            });
        }
        out
    }
}

fn collect_groups(conditions: &Value, names: &mut BTreeSet<String>) {
    for list in ["include", "exclude"] {
        for group in conditions["people"]["groups"][list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            names.insert(everyone_named(group));
        }
    }
}

fn collect_zones(conditions: &Value, zones: &mut BTreeSet<String>) {
    for zone in conditions["network"]["include"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        zones.insert(zone.to_owned());
    }
}
