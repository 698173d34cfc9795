//! What the emulator knows about each policy type, keyed by Okta's wire
//! `type`: how its policies and rules are ordered, which ID prefixes and
//! rule type it uses, and which engines have it.

use crate::client::wire::{PolicyRuleType, PolicyType};

use super::Engine;

/// How a list of policies or rules is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Priorities 1…n, dense, default last.
    V1,
    /// Priorities from 0 with gaps, catch-all at 99.
    V2,
    /// Every member reports priority 1 (access / profile enrollment policies).
    Flat,
}

/// Facts about one managed policy type.
#[derive(Debug, Clone, Copy)]
pub struct TypeFacts {
    pub policy_order: Order,
    pub rule_order: Order,
    pub policy_prefix: &'static str,
    pub rule_prefix: &'static str,
    pub oie_only: bool,
    /// Okta has exactly one policy of this type and it cannot be created.
    pub singleton: bool,
    /// At most this many rules per policy, the default/catch-all included.
    pub max_rules: Option<usize>,
}

/// The facts for a policy type the emulator manages, or `None`.
pub fn facts(kind: &PolicyType) -> Option<TypeFacts> {
    let classic = |singleton| TypeFacts {
        policy_order: Order::V1,
        rule_order: Order::V1,
        policy_prefix: "00p",
        rule_prefix: "0pr",
        oie_only: false,
        singleton,
        max_rules: None,
    };
    let identity_engine = |policy_order, rule_order, singleton, max_rules| TypeFacts {
        policy_order,
        rule_order,
        policy_prefix: "rst",
        rule_prefix: "rul",
        oie_only: true,
        singleton,
        max_rules,
    };
    Some(match kind {
        PolicyType::OktaSignOn | PolicyType::Password | PolicyType::MfaEnroll => classic(false),
        PolicyType::OauthAuthorizationPolicy => classic(false),
        PolicyType::IdpDiscovery => TypeFacts {
            policy_order: Order::Flat,
            ..classic(true)
        },
        PolicyType::AccessPolicy => identity_engine(Order::Flat, Order::V2, false, Some(100)),
        PolicyType::ProfileEnrollment => identity_engine(Order::Flat, Order::Flat, false, Some(1)),
        PolicyType::EntityRisk | PolicyType::PostAuthSession => {
            identity_engine(Order::Flat, Order::V2, true, Some(100))
        }
        _ => return None,
    })
}

/// Whether an engine has this policy type.
pub fn available(kind: &PolicyType, engine: Engine) -> bool {
    facts(kind).is_some_and(|f| engine == Engine::Oie || !f.oie_only)
}

/// The rule type of a policy type's rules.
pub fn rule_type(kind: &PolicyType) -> PolicyRuleType {
    match kind {
        PolicyType::OktaSignOn => PolicyRuleType::SignOn,
        PolicyType::OauthAuthorizationPolicy => PolicyRuleType::ResourceAccess,
        other => PolicyRuleType::from(other.as_str().to_owned()),
    }
}
