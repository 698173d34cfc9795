//! Access (app sign-on / authentication) policy rules: the 100-rule limit,
//! conditions, verification methods (assurance constraints, authentication
//! chains, durations), the account management policy, and a warning for
//! one-factor access for everyone.

use super::{At, conditions, durations, rules_of};
use crate::finding::{Code, Finding};
use crate::manifest::access::{
    AccessPolicy, AccessRule, AssuranceMethod, AuthenticationMethodChain, ChainMethod, FactorMode,
    Requirement, VerificationMethod,
};
use crate::manifest::common::{Access, NetworkConnection};
use crate::manifest::set::ManifestSet;

/// "There is a max limit of 100 rules allowed per policy" (catch-all included).
const MAX_RULES: usize = 100;
/// At most 5 chains, each at most 3 steps long (Okta's API reference).
const MAX_CHAINS: usize = 5;
const MAX_CHAIN_STEPS: usize = 3;
/// The access policy Okta creates for account management; only its rules can change.
pub const ACCOUNT_MANAGEMENT_POLICY: &str = "Okta Account Management Policy";

pub fn check(set: &ManifestSet, out: &mut Vec<Finding>) {
    let policies = set.policies(|m| m.access_policies.as_ref());
    for located in &policies {
        let policy = located.policy;
        let at = At::new(
            located.file,
            located.pointer.clone(),
            format!("accessPolicies[{:?}]", policy.name),
        );
        // Okta creates the catch-all rule even when the manifest does not list it.
        let total = policy.rules.len() + usize::from(!policy.rules.iter().any(|r| r.default));
        if total > MAX_RULES {
            out.push(
                Finding::new(
                    Code::AccessRuleLimit,
                    at.join("rules").key(),
                    format!("{} has {total} rules counting the catch-all; Okta allows at most {MAX_RULES}", at.address),
                )
                .hint("merge rules, or split the apps across several access policies"),
            );
        }
        if policy.name == ACCOUNT_MANAGEMENT_POLICY {
            for (present, field) in [
                (policy.description.is_some(), "description"),
                (policy.status.is_some(), "status"),
            ] {
                if present {
                    out.push(
                        Finding::new(
                            Code::ReadOnlyObject,
                            at.join(field).key(),
                            format!("{} is read-only in Okta except for its rules", at.address),
                        )
                        .hint(format!("remove `{field}`; manage only the policy's rules")),
                    );
                }
            }
            if policy.apps.as_ref().is_some_and(|apps| !apps.is_empty()) {
                out.push(
                    Finding::new(
                        Code::AppOnAccountManagementPolicy,
                        at.join("apps").key(),
                        format!("{} cannot be assigned to apps", at.address),
                    )
                    .hint("remove `apps`; map the apps to another access policy"),
                );
            }
        }
    }
    let rules = rules_of(
        &policies,
        |p: &AccessPolicy| &p.rules,
        |p| &p.name,
        |r: &AccessRule| &r.name,
        "accessPolicies",
    );
    for (_, _, rule_at, rule) in rules {
        rule_checks(&rule_at, rule, out);
    }
}

fn rule_checks(rule_at: &At, rule: &AccessRule, out: &mut Vec<Finding>) {
    if let Some(conditions) = &rule.conditions {
        let at = rule_at.join("conditions");
        if let Some(network) = &conditions.network {
            conditions::network(&at.join("network"), network, out);
        }
        if let Some(device) = &conditions.device {
            conditions::device(&at.join("device"), device, out);
        }
        if let Some(platform) = &conditions.platform {
            conditions::platform(&at.join("platform"), platform, out);
        }
    }
    let Some(sign_on) = rule.actions.as_ref().and_then(|a| a.app_sign_on.as_ref()) else {
        return;
    };
    let at = rule_at.join("actions/appSignOn");
    if let Some(keep) = &sign_on.keep_me_signed_in {
        durations::duration(
            &at.join("keepMeSignedIn/postAuthPromptFrequency"),
            keep.post_auth_prompt_frequency.as_ref(),
            out,
        );
    }
    let method_at = at.join("verificationMethod");
    match &sign_on.verification_method {
        Some(VerificationMethod::Assurance(assurance)) => {
            assurance_checks(&method_at, assurance, out);
            let everyone = rule.conditions.as_ref().is_none_or(|c| {
                c.people.is_none()
                    && c.network
                        .as_ref()
                        .is_none_or(|n| n.connection != Some(NetworkConnection::Zone))
                    && c.device.is_none()
                    && c.platform.is_none()
                    && c.risk_score.is_none()
                    && c.el_condition.is_none()
                    && c.user_type.is_none()
            });
            if sign_on.access == Some(Access::Allow)
                && assurance.factor_mode == Some(FactorMode::OneFactor)
                && everyone
                && !rule.default
            {
                out.push(
                    Finding::new(
                        Code::AccessOneFactorEveryone,
                        method_at.join("factorMode").node(),
                        format!("{} lets everyone, from anywhere, into the app with a single factor", rule_at.address),
                    )
                    .hint("require `factorMode: 2FA`, or narrow the rule with people, network or device conditions"),
                );
            }
        }
        Some(VerificationMethod::AuthMethodChain(chain)) => chain_checks(&method_at, chain, out),
        Some(VerificationMethod::IdProofing(_)) | None => {}
    }
}

fn assurance_checks(at: &At, assurance: &AssuranceMethod, out: &mut Vec<Finding>) {
    durations::duration(
        &at.join("reauthenticateIn"),
        assurance.reauthenticate_in.as_ref(),
        out,
    );
    durations::duration(
        &at.join("inactivityPeriod"),
        assurance.inactivity_period.as_ref(),
        out,
    );
    for (index, constraint) in assurance.constraints.iter().flatten().enumerate() {
        let item = at.join("constraints").item(index);
        if let Some(knowledge) = &constraint.knowledge {
            durations::duration(
                &item.join("knowledge/reauthenticateIn"),
                knowledge.reauthenticate_in.as_ref(),
                out,
            );
        }
        if let Some(possession) = &constraint.possession {
            durations::duration(
                &item.join("possession/reauthenticateIn"),
                possession.reauthenticate_in.as_ref(),
                out,
            );
            if possession.user_verification_methods.is_some()
                && possession.user_verification != Some(Requirement::Required)
            {
                out.push(
                    Finding::new(
                        Code::VerificationMethodInvalid,
                        item.join("possession/userVerificationMethods").key(),
                        format!("{} lists `userVerificationMethods` without `userVerification: REQUIRED`", item.address),
                    )
                    .hint("add `userVerification: REQUIRED`, or remove `userVerificationMethods`"),
                );
            }
        }
        let classes = usize::from(constraint.knowledge.is_some())
            + usize::from(constraint.possession.is_some());
        if classes == 0 {
            out.push(
                Finding::new(
                    Code::VerificationMethodInvalid,
                    item.node(),
                    format!(
                        "{} constrains neither `knowledge` nor `possession`",
                        item.address
                    ),
                )
                .hint("add a `knowledge` or `possession` constraint, or remove the entry"),
            );
        }
        if classes > 1 && assurance.factor_mode == Some(FactorMode::OneFactor) {
            out.push(
                Finding::new(
                    Code::VerificationMethodInvalid,
                    item.node(),
                    format!("{} constrains two authenticator classes, but `factorMode: 1FA` allows one", item.address),
                )
                .hint("use `factorMode: 2FA`, or split the classes into separate constraint entries (they are alternatives)"),
            );
        }
    }
}

fn chain_checks(at: &At, method: &ChainMethod, out: &mut Vec<Finding>) {
    durations::duration(
        &at.join("reauthenticateIn"),
        method.reauthenticate_in.as_ref(),
        out,
    );
    let chains = method.chains.as_deref().unwrap_or_default();
    if chains.is_empty() {
        out.push(
            Finding::new(
                Code::VerificationMethodInvalid,
                at.node(),
                format!("{} is `AUTH_METHOD_CHAIN` without any `chains`", at.address),
            )
            .hint("add at least one chain of authentication methods"),
        );
    }
    if chains.len() > MAX_CHAINS {
        out.push(
            Finding::new(
                Code::VerificationMethodInvalid,
                at.join("chains").node(),
                format!(
                    "{} lists {} chains; Okta allows at most {MAX_CHAINS}",
                    at.address,
                    chains.len()
                ),
            )
            .hint("remove chains"),
        );
    }
    for (index, chain) in chains.iter().enumerate() {
        chain_step(
            &at.join("chains").item(index),
            chain,
            1,
            method.reauthenticate_in.is_some(),
            out,
        );
    }
}

fn chain_step(
    at: &At,
    chain: &AuthenticationMethodChain,
    depth: usize,
    method_level: bool,
    out: &mut Vec<Finding>,
) {
    if chain
        .authentication_methods
        .as_ref()
        .is_none_or(Vec::is_empty)
    {
        out.push(
            Finding::new(
                Code::VerificationMethodInvalid,
                at.node(),
                format!("{} has no `authenticationMethods`", at.address),
            )
            .hint("list the authenticator methods of this step"),
        );
    }
    if depth > MAX_CHAIN_STEPS {
        out.push(
            Finding::new(
                Code::VerificationMethodInvalid,
                at.node(),
                format!(
                    "{} is step {depth} of a chain; Okta allows at most {MAX_CHAIN_STEPS} steps",
                    at.address
                ),
            )
            .hint("shorten the chain"),
        );
    }
    durations::duration(
        &at.join("reauthenticateIn"),
        chain.reauthenticate_in.as_ref(),
        out,
    );
    if method_level && chain.reauthenticate_in.is_some() {
        out.push(
            Finding::new(
                Code::VerificationMethodInvalid,
                at.join("reauthenticateIn").key(),
                format!("{} sets `reauthenticateIn` although the verification method sets one too", at.address),
            )
            .hint("set `reauthenticateIn` either on the verification method or on the chains, not both"),
        );
    }
    for (index, next) in chain.next.iter().flatten().enumerate() {
        chain_step(
            &at.join("next").item(index),
            next,
            depth + 1,
            method_level,
            out,
        );
    }
}
