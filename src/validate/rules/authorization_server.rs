//! Authorization server policy rules: token lifetimes that fit together.

use super::{At, rules_of};
use crate::finding::{Code, Finding};
use crate::manifest::authorization_server::{AuthServerPolicy, AuthServerRule};
use crate::manifest::set::ManifestSet;

pub fn check(set: &ManifestSet, out: &mut Vec<Finding>) {
    for (server, policies) in set.authorization_server_policies() {
        let scope = format!("authorizationServers[{server:?}].policies");
        let rules = rules_of(
            &policies,
            |p: &AuthServerPolicy| &p.rules,
            |p| &p.name,
            |r: &AuthServerRule| &r.name,
            &scope,
        );
        for (_, _, rule_at, rule) in rules {
            let Some(token) = rule.actions.as_ref().and_then(|a| a.token.as_ref()) else {
                continue;
            };
            let at: At = rule_at.join("actions/token");
            if let (Some(access), Some(window)) = (
                token.access_token_lifetime_minutes,
                token.refresh_token_window_minutes,
            ) && window < access
            {
                out.push(
                        Finding::new(
                            Code::TokenLifetime,
                            at.join("refreshTokenWindowMinutes").node(),
                            format!(
                                "{}: the refresh token window ({window} min) is shorter than the access token lifetime ({access} min)",
                                at.address
                            ),
                        )
                        .hint("make `refreshTokenWindowMinutes` at least `accessTokenLifetimeMinutes`"),
                    );
            }
        }
    }
}
