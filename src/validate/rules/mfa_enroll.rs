//! MFA (authenticator) enrollment policy rules: classic `factors` or
//! Identity Engine `authenticators`, never both; each authenticator once;
//! enrollment values that fit the model; the read-only default rule.

use std::collections::HashMap;

use super::{At, conditions, rules_of};
use crate::finding::{Code, Finding};
use crate::manifest::mfa_enroll::{
    EnrollPrompt, MfaEnrollPolicy, MfaEnrollRule, MfaEnrollSettings, MfaEnrollSettingsType,
};
use crate::manifest::set::ManifestSet;

pub fn check(set: &ManifestSet, out: &mut Vec<Finding>) {
    let policies = set.policies(|m| m.mfa_enroll_policies.as_ref());
    for located in &policies {
        let at = At::new(
            located.file,
            located.pointer.clone(),
            format!("mfaEnrollPolicies[{:?}]", located.policy.name),
        );
        if let Some(settings) = &located.policy.settings {
            model(&at.join("settings"), settings, out);
        }
    }
    let rules = rules_of(
        &policies,
        |p: &MfaEnrollPolicy| &p.rules,
        |p| &p.name,
        |r: &MfaEnrollRule| &r.name,
        "mfaEnrollPolicies",
    );
    for (_, policy, rule_at, rule) in rules {
        if let Some(network) = rule.conditions.as_ref().and_then(|c| c.network.as_ref()) {
            conditions::network(&rule_at.join("conditions/network"), network, out);
        }
        if policy.default && rule.default && (rule.actions.is_some() || rule.conditions.is_some()) {
            out.push(
                Finding::new(
                    Code::ReadOnlyObject,
                    rule_at.node(),
                    format!("{} is the default rule of the default MFA enrollment policy, which Okta keeps read-only", rule_at.address),
                )
                .hint("remove its `actions`; list it only by name with `default: true`, or add a rule above it"),
            );
        }
        let prompt = rule
            .actions
            .as_ref()
            .and_then(|a| a.enroll.as_ref())
            .and_then(|e| e.self_enroll);
        let uses_factors = policy.settings.as_ref().is_some_and(uses_factors);
        if prompt == Some(EnrollPrompt::NeverIncludingRecovery) && uses_factors {
            out.push(
                Finding::new(
                    Code::MfaEnrollValue,
                    rule_at.join("actions/enroll/self").node(),
                    format!(
                        "{} uses `NEVER_INCLUDING_RECOVERY`, but its policy uses classic `factors`, which do not govern recovery",
                        rule_at.address
                    ),
                )
                .hint("use `NEVER`, or convert the policy to `authenticators` (`oktapol migrate authenticators`)"),
            );
        }
    }
}

/// Whether the settings use the classic factor model.
fn uses_factors(settings: &MfaEnrollSettings) -> bool {
    settings.factors.is_some() || settings.kind == Some(MfaEnrollSettingsType::Factors)
}

fn model(at: &At, settings: &MfaEnrollSettings, out: &mut Vec<Finding>) {
    match (&settings.factors, &settings.authenticators, settings.kind) {
        (Some(_), Some(_), _) => out.push(
            Finding::new(
                Code::MfaSettingsModel,
                at.node(),
                format!(
                    "{} lists both `factors` and `authenticators`; Okta keeps only one",
                    at.address
                ),
            )
            .hint("keep `authenticators` (Identity Engine) or `factors` (Classic), not both"),
        ),
        (Some(_), None, Some(MfaEnrollSettingsType::Authenticators)) => out.push(
            Finding::new(
                Code::MfaSettingsModel,
                at.join("type").node(),
                format!(
                    "{} says `type: AUTHENTICATORS` but lists `factors`",
                    at.address
                ),
            )
            .hint("use `type: FACTORS` with `factors`, or list `authenticators`"),
        ),
        (None, Some(_), Some(MfaEnrollSettingsType::Factors) | None) => out.push(
            Finding::new(
                Code::MfaSettingsModel,
                at.join(if settings.kind.is_some() {
                    "type"
                } else {
                    "authenticators"
                })
                .key(),
                format!(
                    "{} lists `authenticators`, which need `type: AUTHENTICATORS`",
                    at.address
                ),
            )
            .hint("set `type: AUTHENTICATORS` (Okta reads the settings as factors otherwise)"),
        ),
        (None, None, Some(_)) => out.push(
            Finding::new(
                Code::MfaSettingsModel,
                at.node(),
                format!(
                    "{} sets `type` but lists neither `factors` nor `authenticators`",
                    at.address
                ),
            )
            .hint("list the authenticators (or factors) users enroll"),
        ),
        _ => {}
    }
    let mut seen = HashMap::new();
    for (index, authenticator) in settings.authenticators.iter().flatten().enumerate() {
        let key = serde_json::to_value(authenticator.key)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let item = at.join("authenticators").item(index);
        // The same key may appear twice only for distinct instances (`id`), e.g. custom apps.
        let identity = (key.clone(), authenticator.id.clone());
        if let Some(first) = seen.insert(identity, index) {
            out.push(
                Finding::new(
                    Code::MfaDuplicateAuthenticator,
                    item.join("key").node(),
                    format!(
                        "{} lists authenticator `{key}` twice (entries {first} and {index})",
                        at.address
                    ),
                )
                .hint("merge the two entries into one"),
            );
        }
    }
}
