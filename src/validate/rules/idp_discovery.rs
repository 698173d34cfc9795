//! IdP discovery (routing) rules: one provider of each single-instance type,
//! provider references, the selection type and its companions, user identifier patterns, and the read-only default rule.

use std::collections::HashMap;

use super::{At, conditions, rules_of};
use crate::finding::{Code, Finding};
use crate::manifest::idp_discovery::{
    IdentityProviderType, IdpDiscoveryPolicy, IdpDiscoveryRule, IdpRouting, IdpSelectionType,
    UserIdentifierCondition, UserIdentifierMatchType, UserIdentifierType,
};
use crate::manifest::set::ManifestSet;

pub fn check(set: &ManifestSet, out: &mut Vec<Finding>) {
    let policies = set.policies(|m| m.idp_discovery_policies.as_ref());
    let rules = rules_of(
        &policies,
        |p: &IdpDiscoveryPolicy| &p.rules,
        |p| &p.name,
        |r: &IdpDiscoveryRule| &r.name,
        "idpDiscoveryPolicies",
    );
    for (_, _, rule_at, rule) in rules {
        if rule.default && (rule.actions.is_some() || rule.conditions.is_some()) {
            out.push(
                Finding::new(
                    Code::ReadOnlyObject,
                    rule_at.node(),
                    format!("{} is the IdP discovery default rule, which Okta keeps read-only (it routes to Okta)", rule_at.address),
                )
                .hint("remove its `actions`; list it only by name with `default: true`, and add routing rules above it"),
            );
        }
        if let Some(conditions) = &rule.conditions {
            if let Some(network) = &conditions.network {
                conditions::network(&rule_at.join("conditions/network"), network, out);
            }
            if let Some(platform) = &conditions.platform {
                conditions::platform(&rule_at.join("conditions/platform"), platform, out);
            }
            if let Some(identifier) = &conditions.user_identifier {
                user_identifier(&rule_at.join("conditions/userIdentifier"), identifier, out);
            }
        }
        if let Some(idp) = rule.actions.as_ref().and_then(|a| a.idp.as_ref()) {
            routing(&rule_at.join("actions/idp"), idp, out);
        }
    }
}

fn routing(at: &At, idp: &IdpRouting, out: &mut Vec<Finding>) {
    let providers = idp.providers.as_deref().unwrap_or_default();
    let mut singletons: HashMap<&'static str, usize> = HashMap::new();
    for (index, provider) in providers.iter().enumerate() {
        let item = at.join("providers").item(index);
        let single = match provider.kind {
            IdentityProviderType::AgentlessDsso => Some("AgentlessDSSO"),
            IdentityProviderType::Iwa => Some("IWA"),
            IdentityProviderType::X509 => Some("X509"),
            _ => None,
        };
        if let Some(name) = single
            && let Some(first) = singletons.insert(name, index)
        {
            out.push(
                Finding::new(
                    Code::IdpProviderTypeRepeated,
                    item.join("type").node(),
                    format!(
                        "{} lists a second `{name}` provider (the first is entry {first})",
                        at.address
                    ),
                )
                .hint(format!(
                    "Okta allows only one `{name}` provider per rule; remove one"
                )),
            );
        }
        let needs_reference = !matches!(
            provider.kind,
            IdentityProviderType::Okta
                | IdentityProviderType::Iwa
                | IdentityProviderType::AgentlessDsso
        );
        if needs_reference && provider.id.is_none() && provider.name.is_none() {
            out.push(
                Finding::new(
                    Code::IdpProviderReference,
                    item.node(),
                    format!(
                        "{} does not say which identity provider to route to",
                        item.address
                    ),
                )
                .hint("add `name: <identity provider name>` (or `id:`)"),
            );
        }
    }
    let expressions: Vec<usize> = idp
        .match_criteria
        .iter()
        .flatten()
        .enumerate()
        .filter(|(_, c)| c.provider_expression.is_some())
        .map(|(index, _)| index)
        .collect();
    match idp.idp_selection_type {
        Some(IdpSelectionType::Dynamic) => {
            if !providers.is_empty() {
                out.push(
                    Finding::new(
                        Code::IdpSelectionMismatch,
                        at.join("providers").key(),
                        format!(
                            "{} uses `idpSelectionType: DYNAMIC`, which takes no `providers`",
                            at.address
                        ),
                    )
                    .hint("remove `providers` (the expression picks the IdP), or use `SPECIFIC`"),
                );
            }
            if expressions.is_empty() {
                out.push(
                    Finding::new(
                        Code::IdpSelectionMismatch,
                        at.join("idpSelectionType").node(),
                        format!("{} uses `idpSelectionType: DYNAMIC` without a `matchCriteria` providerExpression", at.address),
                    )
                    .hint("add `matchCriteria: [{ providerExpression: \"login.identifier.substringAfter('@')\", propertyName: name }]`"),
                );
            }
        }
        Some(IdpSelectionType::Specific) | None => {
            for index in expressions {
                out.push(
                    Finding::new(
                        Code::IdpSelectionMismatch,
                        at.join("matchCriteria").item(index).join("providerExpression").key(),
                        format!("{} routes to specific providers, so it takes no `providerExpression`", at.address),
                    )
                    .hint("remove `matchCriteria`, or use `idpSelectionType: DYNAMIC` without `providers`"),
                );
            }
            if idp.idp_selection_type == Some(IdpSelectionType::Specific) && providers.is_empty() {
                out.push(
                    Finding::new(
                        Code::IdpSelectionMismatch,
                        at.join("idpSelectionType").node(),
                        format!(
                            "{} uses `idpSelectionType: SPECIFIC` but lists no `providers`",
                            at.address
                        ),
                    )
                    .hint("list the identity providers under `providers`"),
                );
            }
        }
    }
}

fn user_identifier(at: &At, condition: &UserIdentifierCondition, out: &mut Vec<Finding>) {
    let patterns = condition.patterns.as_deref().unwrap_or_default();
    if !patterns.is_empty() && condition.kind.is_none() {
        out.push(
            Finding::new(
                Code::MissingKey,
                at.node(),
                format!("{} lists patterns but no `type`", at.address),
            )
            .hint("add `type: IDENTIFIER` (match the login) or `type: ATTRIBUTE` (match a profile attribute)"),
        );
    }
    let regex = patterns
        .iter()
        .any(|p| p.match_type == UserIdentifierMatchType::Expression);
    let attribute = condition.kind == Some(UserIdentifierType::Attribute);
    if (regex || attribute) && patterns.len() > 1 {
        let why = if regex {
            "a regular expression (`EXPRESSION`)"
        } else {
            "`type: ATTRIBUTE`"
        };
        out.push(
            Finding::new(
                Code::UserIdentifierPatterns,
                at.join("patterns").node(),
                format!("{} has {} patterns, but with {why} Okta takes exactly one", at.address, patterns.len()),
            )
            .hint("combine the patterns into one (e.g. a single regular expression), or split the rule"),
        );
    }
}
