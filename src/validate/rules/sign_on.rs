//! Sign-on (global session) policy rules: session lifetimes, the read-only
//! fields of the default rule, required prompt settings, and a warning for
//! rules that let everyone in without MFA.

use super::{conditions, rules_of};
use crate::finding::{Code, Finding};
use crate::manifest::common::{Access, NetworkConnection};
use crate::manifest::set::ManifestSet;
use crate::manifest::sign_on::{SignOnPolicy, SignOnRule};

pub fn check(set: &ManifestSet, out: &mut Vec<Finding>) {
    let policies = set.policies(|m| m.sign_on_policies.as_ref());
    let rules = rules_of(
        &policies,
        |p: &SignOnPolicy| &p.rules,
        |p| &p.name,
        |r: &SignOnRule| &r.name,
        "signOnPolicies",
    );
    for (policy_at, policy, rule_at, rule) in rules {
        if let Some(conditions) = &rule.conditions {
            if let Some(network) = &conditions.network {
                conditions::network(&rule_at.join("conditions/network"), network, out);
            }
            if let Some(idp) = &conditions.identity_provider {
                conditions::identity_provider(
                    &rule_at.join("conditions/identityProvider"),
                    idp,
                    out,
                );
            }
        }
        let Some(signon) = rule.actions.as_ref().and_then(|a| a.signon.as_ref()) else {
            continue;
        };
        let signon_at = rule_at.join("actions/signon");
        if signon.require_factor == Some(true) && signon.factor_prompt_mode.is_none() {
            out.push(
                Finding::new(
                    Code::MissingKey,
                    signon_at.node(),
                    format!(
                        "{} requires a factor but does not say when to prompt for it",
                        signon_at.address
                    ),
                )
                .hint("add `factorPromptMode: ALWAYS`, `SESSION` or `DEVICE`"),
            );
        }
        if let Some(session) = &signon.session {
            let session_at = signon_at.join("session");
            if let (Some(idle), Some(lifetime)) = (
                session.max_session_idle_minutes,
                session.max_session_lifetime_minutes,
            ) && lifetime > 0
                && idle > lifetime
            {
                out.push(
                        Finding::new(
                            Code::SessionIdleExceedsLifetime,
                            session_at.join("maxSessionIdleMinutes").node(),
                            format!(
                                "{}: the idle timeout ({idle} min) exceeds the session lifetime ({lifetime} min)",
                                session_at.address
                            ),
                        )
                        .hint("lower `maxSessionIdleMinutes` to at most `maxSessionLifetimeMinutes` (or set the lifetime to 0 for no limit)"),
                    );
            }
            if policy.default && rule.default {
                for (set_field, name) in [
                    (
                        session.max_session_lifetime_minutes.is_some(),
                        "maxSessionLifetimeMinutes",
                    ),
                    (
                        session.use_persistent_cookie.is_some(),
                        "usePersistentCookie",
                    ),
                ] {
                    if set_field {
                        out.push(
                            Finding::new(
                                Code::ReadOnlyField,
                                session_at.join(name).key(),
                                format!(
                                    "`{name}` is read-only on the default rule of the default sign-on policy ({})",
                                    policy_at.address
                                ),
                            )
                            .hint(format!("remove `{name}`; Okta does not let it be changed here")),
                        );
                    }
                }
            }
        }
        let allows = signon.access != Some(Access::Deny);
        let everyone = policy
            .conditions
            .as_ref()
            .and_then(|c| c.people.as_ref())
            .is_none()
            && rule.conditions.as_ref().is_none_or(|c| {
                c.people.is_none()
                    && c.network
                        .as_ref()
                        .is_none_or(|n| n.connection != Some(NetworkConnection::Zone))
                    && c.identity_provider.is_none()
                    && c.auth_context.is_none()
                    && c.risk_score.is_none()
            });
        if allows && everyone && signon.require_factor == Some(false) {
            out.push(
                Finding::new(
                    Code::NoMfaForEveryone,
                    signon_at.join("requireFactor").node(),
                    format!("{} lets everyone, from anywhere, sign in without a second factor", rule_at.address),
                )
                .hint("set `requireFactor: true`, or narrow the rule with people or network conditions"),
            );
        }
    }
}
