//! Password policy rules: complexity that fits the minimum length, ages and
//! warnings that make sense together, self-service reset set-ups Okta
//! accepts, and warnings for weak policies.

use super::{At, conditions, rules_of};
use crate::finding::{Code, Finding};
use crate::manifest::mfa_enroll::AuthenticatorKey;
use crate::manifest::password::{
    PasswordPolicy, PasswordRule, PasswordSettings, SsprConstrainedMethod, SsprPrimaryMethod,
    SsprRequirement,
};
use crate::manifest::set::ManifestSet;

/// Okta's default minimum password length.
const DEFAULT_MIN_LENGTH: u32 = 8;

pub fn check(set: &ManifestSet, out: &mut Vec<Finding>) {
    let policies = set.policies(|m| m.password_policies.as_ref());
    for located in &policies {
        let at = At::new(
            located.file,
            located.pointer.clone(),
            format!("passwordPolicies[{:?}]", located.policy.name),
        );
        if let Some(password) = located
            .policy
            .settings
            .as_ref()
            .and_then(|s| s.password.as_ref())
        {
            settings(&at.join("settings/password"), password, out);
        }
    }
    let rules = rules_of(
        &policies,
        |p: &PasswordPolicy| &p.rules,
        |p| &p.name,
        |r: &PasswordRule| &r.name,
        "passwordPolicies",
    );
    for (_, _, rule_at, rule) in rules {
        if let Some(network) = rule.conditions.as_ref().and_then(|c| c.network.as_ref()) {
            conditions::network(&rule_at.join("conditions/network"), network, out);
        }
        let requirement = rule
            .actions
            .as_ref()
            .and_then(|a| a.self_service_password_reset.as_ref())
            .and_then(|r| r.requirement.as_ref());
        if let Some(requirement) = requirement {
            sspr(
                &rule_at.join("actions/selfServicePasswordReset/requirement"),
                requirement,
                out,
            );
        }
    }
}

fn settings(at: &At, password: &PasswordSettings, out: &mut Vec<Finding>) {
    if let Some(complexity) = &password.complexity {
        let min_length = complexity.min_length.unwrap_or(DEFAULT_MIN_LENGTH);
        // Okta's defaults: one of each class except symbols.
        let classes = complexity.min_lower_case.unwrap_or(1)
            + complexity.min_upper_case.unwrap_or(1)
            + complexity.min_number.unwrap_or(1)
            + complexity.min_symbol.unwrap_or(0);
        if classes > min_length {
            out.push(
                Finding::new(
                    Code::PasswordBounds,
                    at.join("complexity/minLength").node(),
                    format!(
                        "{}.complexity requires {classes} character classes but allows passwords of {min_length} characters",
                        at.address
                    ),
                )
                .hint(format!("raise `minLength` to at least {classes}")),
            );
        }
        if min_length < DEFAULT_MIN_LENGTH {
            out.push(
                Finding::new(
                    Code::WeakPassword,
                    at.join("complexity/minLength").node(),
                    format!(
                        "{} allows passwords of only {min_length} characters",
                        at.address
                    ),
                )
                .hint("use `minLength: 8` or more (NIST SP 800-63B recommends at least 8)"),
            );
        }
    }
    if let Some(age) = &password.age {
        if let (Some(max), Some(warn)) = (age.max_age_days, age.expire_warn_days)
            && max > 0
            && warn >= max
        {
            out.push(
                    Finding::new(
                        Code::PasswordBounds,
                        at.join("age/expireWarnDays").node(),
                        format!(
                            "{}.age warns {warn} days before expiry, but passwords expire after {max} days",
                            at.address
                        ),
                    )
                    .hint("make `expireWarnDays` smaller than `maxAgeDays`"),
                );
        }
        if let (Some(max_days), Some(min_minutes)) = (age.max_age_days, age.min_age_minutes)
            && max_days > 0
            && u64::from(min_minutes) >= u64::from(max_days) * 24 * 60
        {
            out.push(
                Finding::new(
                    Code::PasswordBounds,
                    at.join("age/minAgeMinutes").node(),
                    format!(
                        "{}.age: the minimum age is not shorter than the maximum age",
                        at.address
                    ),
                )
                .hint("make `minAgeMinutes` shorter than `maxAgeDays`"),
            );
        }
    }
    if let Some(lockout) = &password.lockout
        && lockout.max_attempts == Some(0)
    {
        out.push(
            Finding::new(
                Code::WeakPassword,
                at.join("lockout/maxAttempts").node(),
                format!(
                    "{} never locks an account out after failed attempts",
                    at.address
                ),
            )
            .hint("set `maxAttempts` (Okta's default is 10)"),
        );
    }
    if let Some(breached) = &password.breached_protection
        && breached.logout_enabled == Some(true)
        && breached.expire_after_days.is_none()
    {
        out.push(
            Finding::new(
                Code::PasswordBounds,
                at.join("breachedProtection/logoutEnabled").node(),
                format!(
                    "{}.breachedProtection logs users out but sets no `expireAfterDays`",
                    at.address
                ),
            )
            .hint("add `expireAfterDays` (0 to 10)"),
        );
    }
}

fn sspr(at: &At, requirement: &SsprRequirement, out: &mut Vec<Finding>) {
    if let Some(step_up) = &requirement.step_up {
        let has_methods = step_up.methods.as_ref().is_some_and(|m| !m.is_empty());
        if step_up.required != Some(true) && has_methods {
            out.push(
                Finding::new(
                    Code::RecoveryInconsistent,
                    at.join("stepUp/methods").key(),
                    format!("{}.stepUp lists methods but is not required", at.address),
                )
                .hint(
                    "use `required: true` with `methods: [security_question]`, or remove `methods`",
                ),
            );
        }
    }
    if let Some(primary) = &requirement.primary {
        let uses_otp = primary
            .methods
            .iter()
            .flatten()
            .any(|m| *m == SsprPrimaryMethod::Otp);
        let constrained = primary
            .method_constraints
            .iter()
            .flatten()
            .any(|constraint| {
                constraint.method == SsprConstrainedMethod::Otp
                    && constraint
                        .allowed_authenticators
                        .iter()
                        .flatten()
                        .all(|a| a.key == AuthenticatorKey::GoogleOtp)
                    && constraint
                        .allowed_authenticators
                        .as_ref()
                        .is_some_and(|a| !a.is_empty())
            });
        if uses_otp && !constrained {
            out.push(
                Finding::new(
                    Code::RecoveryInconsistent,
                    at.join("primary/methods").node(),
                    format!("{}.primary allows `otp` without limiting it to Google Authenticator", at.address),
                )
                .hint("add `methodConstraints: [{ method: otp, allowedAuthenticators: [{ key: google_otp }] }]`"),
            );
        }
    }
}
