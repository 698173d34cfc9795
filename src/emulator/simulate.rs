//! `POST /api/v1/policies/simulate`: Okta's policy simulation over the
//! org's own policies, answered by the one evaluator
//! ([`crate::evaluate`]). Identity Engine only; a Classic org answers 401
//! `E0000015`, as Okta does for a feature the org lacks.
//!
//! The request is checked as Okta documents it: `appInstance` is required
//! and must name an app (404); exactly one of `policyContext.user.id` and
//! `policyContext.groups.ids`; at most one of `ip` and `zones.ids`; only the
//! four simulated types in `policyTypes`; every ID must exist. A user's
//! groups come from the directory, with Everyone; an `ip` is in the active
//! IP zones whose gateways (CIDR or range) contain it.
//!
//! The answer, per type (in Okta's order, limited to `policyTypes`):
//! `result` holds the policy that applies with its matched rule;
//! `undefined` the policies whose conditions, and the rules (under their
//! policy) whose conditions, could not be evaluated from the context;
//! `evaluated` (only with `expand=EVALUATED`) the policies whose conditions
//! did not match and the rules (under their policy) that did not match —
//! so a policy skipped because none of its rules matched is listed there
//! with its own status, `MATCH`, and its rules `NOT_MATCH`. Inactive
//! policies and rules are not evaluated and not listed. Each policy and
//! rule carries its `status`; `conditions` lists `{type, status}` per
//! restricting condition only with `expand=RULE` and is `[]` otherwise (as
//! in Okta's example, a group condition that includes Everyone restricts
//! nothing and is not listed). The evaluation's own `status` is `null`
//! when a policy applies (Okta's example), else `UNDEFINED` when something
//! could not be evaluated, else `NOT_MATCH`.

use std::net::IpAddr;

use serde_json::Value;

use super::Engine;
use super::directory::Collection;
use super::org::{Org, Outcome};
use crate::client::wire::{
    Field, OktaError, Policy, PolicyRule, PolicyType, SIMULATED_TYPES, SimulateCondition,
    SimulateEvaluation, SimulateExpand, SimulatePolicies, SimulatePolicy, SimulateRequest,
    SimulateResponse, SimulateRule, SimulateStatus,
};
use crate::evaluate::{
    Check, Context, EVERYONE, Evaluation, Platform, PolicyList, PolicySet, Status, evaluate_list,
};
use crate::manifest::kind::PolicyKind;

/// A policy with its rules, as the org holds them.
type PolicyWithRules = (Policy, Vec<PolicyRule>);

/// The risk levels a simulation takes.
const RISK_LEVELS: [&str; 3] = ["LOW", "MEDIUM", "HIGH"];

impl Org {
    /// `POST /api/v1/policies/simulate?expand=…`.
    pub fn simulate(
        &mut self,
        request: &SimulateRequest,
        expand: SimulateExpand,
    ) -> Outcome<SimulateResponse> {
        if self.engine() == Engine::Classic {
            let id = self.error_id();
            return Err(Box::new(OktaError::feature_not_enabled(id)));
        }
        let types = self.check_request(request)?;
        let context = self.simulated_context(request);
        let everyone = self.everyone_id();
        let apps = self.list_apps(None);
        let lists: Vec<(PolicyKind, Vec<PolicyWithRules>)> = types
            .iter()
            .filter_map(|kind| Some((kind_of(kind)?, self.policies_with_rules(kind))))
            .collect();
        let set = PolicySet::from_wire(
            lists
                .iter()
                .map(|(kind, policies)| (*kind, None, policies.as_slice())),
            &apps,
            Some(&everyone),
        );
        let evaluation = set
            .lists
            .iter()
            .map(|list| {
                let evaluation = evaluate_list(list, &context);
                answer(list, &evaluation, &everyone, expand)
            })
            .collect();
        Ok(SimulateResponse {
            evaluation,
            other: Default::default(),
        })
    }

    /// The request's shape: every cause at once (400 `E0000001`), then
    /// the app's existence (404). Returns the types to simulate.
    fn check_request(&mut self, request: &SimulateRequest) -> Outcome<Vec<PolicyType>> {
        let mut causes: Vec<(&str, String)> = Vec::new();
        let app = request
            .app_instance
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        if app.is_none() {
            causes.push((
                "appInstance",
                "appInstance: The field cannot be left blank".to_owned(),
            ));
        }
        let types = match request.policy_types.as_ref() {
            None => SIMULATED_TYPES.to_vec(),
            Some(asked) => {
                for kind in asked.iter().filter(|k| !SIMULATED_TYPES.contains(k)) {
                    causes.push((
                        "policyTypes",
                        format!(
                            "policyTypes: {kind} cannot be simulated; the supported types are OKTA_SIGN_ON, MFA_ENROLL, PROFILE_ENROLLMENT and ACCESS_POLICY"
                        ),
                    ));
                }
                SIMULATED_TYPES
                    .iter()
                    .filter(|k| asked.contains(k))
                    .cloned()
                    .collect()
            }
        };
        let context = request.policy_context.clone().unwrap_or_default();
        match (&context.user, &context.groups) {
            (Some(_), Some(_)) => causes.push((
                "policyContext",
                "policyContext: Only a user ID or group IDs are allowed, not both".to_owned(),
            )),
            (None, None) => causes.push((
                "policyContext",
                "policyContext: A user ID (user.id) or group IDs (groups.ids) are required"
                    .to_owned(),
            )),
            (Some(user), None) if user.id.as_deref().is_none_or(|id| id.trim().is_empty()) => {
                causes.push((
                    "policyContext.user.id",
                    "policyContext.user.id: The field cannot be left blank".to_owned(),
                ));
            }
            (None, Some(groups)) if groups.ids.is_empty() => causes.push((
                "policyContext.groups.ids",
                "policyContext.groups.ids: The field cannot be left blank".to_owned(),
            )),
            _ => {}
        }
        if context.ip.is_some() && context.zones.is_some() {
            causes.push((
                "policyContext",
                "policyContext: Only an IP address or zone IDs are allowed, not both".to_owned(),
            ));
        }
        if let Some(ip) = &context.ip
            && ip.trim().parse::<IpAddr>().is_err()
        {
            causes.push((
                "policyContext.ip",
                format!("policyContext.ip: {ip} is not an IP address"),
            ));
        }
        if let Some(level) = context.risk.as_ref().and_then(|r| r.level.as_deref())
            && !RISK_LEVELS.contains(&level)
        {
            causes.push((
                "policyContext.risk.level",
                format!("policyContext.risk.level: {level} is not one of LOW, MEDIUM, HIGH"),
            ));
        }
        if let Some(platform) = context.device.as_ref().and_then(|d| d.platform.as_deref())
            && platform_of(platform).is_none()
        {
            causes.push((
                "policyContext.device.platform",
                format!(
                    "policyContext.device.platform: {platform} is not one of IOS, ANDROID, WINDOWS, MACOS, CHROMEOS, LINUX, OTHER"
                ),
            ));
        }
        for (field, collection, ids) in [
            (
                "policyContext.groups.ids",
                Collection::Groups,
                context.groups.as_ref().map(|g| g.ids.as_slice()),
            ),
            (
                "policyContext.zones.ids",
                Collection::Zones,
                context.zones.as_ref().map(|z| z.ids.as_slice()),
            ),
        ] {
            for id in ids.unwrap_or_default() {
                if !self.directory().has(collection, id) {
                    causes.push((
                        field,
                        format!("{field}: {} {id} does not exist", collection.noun()),
                    ));
                }
            }
        }
        if let Some((subject, _)) = causes.first() {
            let id = self.error_id();
            let subject = (*subject).to_owned();
            return Err(Box::new(OktaError::api_validation_failed(
                &subject,
                causes.into_iter().map(|(_, cause)| cause),
                id,
            )));
        }
        let app = app.unwrap_or_default();
        if !self.directory().has(Collection::Apps, app) {
            return Err(self.not_found(app, "App"));
        }
        if let Some(user) = context.user.as_ref().and_then(|u| u.id.as_deref())
            && !self.directory().has(Collection::Users, user)
        {
            return Err(self.not_found(user, "User"));
        }
        Ok(types)
    }

    /// The sign-in the request describes, in the org's ID space (checked
    /// by [`check_request`](Self::check_request) first).
    fn simulated_context(&self, request: &SimulateRequest) -> Context {
        let given = request.policy_context.clone().unwrap_or_default();
        let directory = self.directory();
        let mut context = Context {
            app: request.app_instance.as_deref().map(|a| a.trim().to_owned()),
            ..Context::default()
        };
        if let Some(user_id) = given.user.as_ref().and_then(|u| u.id.as_deref()) {
            context.user = Some(user_id.to_owned());
            context.groups = directory
                .memberships
                .iter()
                .filter(|(user, _)| user == user_id)
                .map(|(_, group)| group.clone())
                .collect();
            // Every user has a type: its own, else the org's default.
            let user = directory
                .users
                .iter()
                .find(|u| u.id.as_deref() == Some(user_id));
            context.user_type = user
                .and_then(|u| u.other.get("type")?.get("id")?.as_str().map(str::to_owned))
                .or_else(|| {
                    directory
                        .user_types
                        .iter()
                        .find(|t| t.default == Some(true))
                        .and_then(|t| t.id.clone())
                });
        }
        if let Some(groups) = &given.groups {
            context.groups.extend(groups.ids.iter().cloned());
        }
        context = context.with_everyone(&self.everyone_id());
        if let Some(zones) = &given.zones {
            context.zones = zones.ids.iter().cloned().collect();
        }
        if let Some(ip) = given
            .ip
            .as_deref()
            .and_then(|ip| ip.trim().parse::<IpAddr>().ok())
        {
            context.zones = directory
                .zones
                .iter()
                .filter(|zone| zone_contains(&zone.kind, &zone.status, &zone.other, ip))
                .filter_map(|zone| zone.id.clone())
                .collect();
        }
        context.risk = given.risk.as_ref().and_then(|r| r.level.clone());
        if let Some(device) = &given.device {
            context.platform = device.platform.as_deref().and_then(platform_of);
            context.device.registered = device.registered;
            context.device.managed = device.managed;
            context.device.assurances = device.assurance_id.iter().cloned().collect();
        }
        context
    }

    /// The built-in Everyone group's ID.
    fn everyone_id(&self) -> String {
        self.directory()
            .groups
            .iter()
            .find(|g| g.kind.as_deref() == Some("BUILT_IN"))
            .and_then(|g| g.id.clone())
            .unwrap_or_else(|| EVERYONE.to_owned())
    }

    /// The org's policies of `kind` with their rules.
    fn policies_with_rules(&self, kind: &PolicyType) -> Vec<PolicyWithRules> {
        self.state()
            .entries
            .iter()
            .filter(|e| &e.policy.kind == kind && e.server.is_none())
            .map(|e| (e.policy.clone(), e.rules.clone()))
            .collect()
    }
}

fn kind_of(kind: &PolicyType) -> Option<PolicyKind> {
    PolicyKind::ALL
        .into_iter()
        .find(|k| k.okta_type() == kind.as_str())
}

/// `IOS`, `MACOS`, … as the evaluator's platform (type and OS).
fn platform_of(platform: &str) -> Option<Platform> {
    let upper = platform.trim().to_ascii_uppercase();
    let kind = match upper.as_str() {
        "IOS" | "ANDROID" => "MOBILE",
        "WINDOWS" | "MACOS" | "OSX" | "CHROMEOS" | "LINUX" => "DESKTOP",
        "OTHER" => "OTHER",
        _ => return None,
    };
    let os = if upper == "OSX" {
        "MACOS".to_owned()
    } else {
        upper
    };
    Some(Platform {
        kind: kind.to_owned(),
        os: Some(os),
    })
}

/// Whether an active IP zone's gateways contain `ip`. Dynamic zones
/// (locations, ASNs) cannot be placed from an address and never do.
fn zone_contains(
    kind: &Option<String>,
    status: &Option<crate::client::wire::LifecycleStatus>,
    other: &serde_json::Map<String, Value>,
    ip: IpAddr,
) -> bool {
    let active = status
        .as_ref()
        .is_none_or(|s| *s == crate::client::wire::LifecycleStatus::Active);
    let ip_zone = kind.as_deref().is_none_or(|k| k == "IP");
    active
        && ip_zone
        && other
            .get("gateways")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|g| g.get("value").and_then(Value::as_str))
            .any(|gateway| gateway_contains(gateway, ip))
}

/// `a.b.c.d/n`, `a-b` or a single address.
pub fn gateway_contains(gateway: &str, ip: IpAddr) -> bool {
    let (ip, width) = number(ip);
    let gateway = gateway.trim();
    if let Some((low, high)) = gateway.split_once('-') {
        let (Ok(low), Ok(high)) = (low.trim().parse(), high.trim().parse()) else {
            return false;
        };
        let ((low, low_width), (high, high_width)) = (number(low), number(high));
        return low_width == width && high_width == width && low <= ip && ip <= high;
    }
    let (address, bits) = match gateway.split_once('/') {
        Some((address, bits)) => match bits.trim().parse::<u32>() {
            Ok(bits) => (address, bits),
            Err(_) => return false,
        },
        None => (gateway, width),
    };
    let Ok(network) = address.trim().parse() else {
        return false;
    };
    let (network, network_width) = number(network);
    if network_width != width || bits > width {
        return false;
    }
    // A shift by the full width would overflow: /0 contains everything.
    let shift = width - bits;
    shift == 128 || (network >> shift) == (ip >> shift)
}

/// An address as a number, and its width in bits.
fn number(ip: IpAddr) -> (u128, u32) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

fn status(status: Status) -> SimulateStatus {
    match status {
        Status::Match => SimulateStatus::Match,
        Status::NotMatch => SimulateStatus::NotMatch,
        Status::Undefined => SimulateStatus::Undefined,
    }
}

/// Whether a body's group include list holds Everyone (restricting nothing).
fn includes_everyone(conditions: &Value, everyone: &str) -> bool {
    conditions
        .pointer("/people/groups/include")
        .and_then(Value::as_array)
        .is_some_and(|groups| {
            groups
                .iter()
                .any(|g| g.as_str() == Some(everyone) || g.as_str() == Some(EVERYONE))
        })
}

/// The `conditions` of one policy or rule: `[]` without `expand=RULE`.
fn conditions(
    checks: &[Check],
    body: Option<&Value>,
    everyone: &str,
    expand: SimulateExpand,
) -> Field<Vec<SimulateCondition>> {
    if !expand.rule {
        return Field::Value(Vec::new());
    }
    let everyone_included = body.is_some_and(|b| includes_everyone(b, everyone));
    Field::Value(
        checks
            .iter()
            .filter(|c| !(everyone_included && c.condition == "people.groups.include"))
            .map(|c| SimulateCondition {
                kind: Some(c.condition.clone()),
                status: Some(status(c.status)),
                other: Default::default(),
            })
            .collect(),
    )
}

/// One type's answer, from the evaluator's account of it.
fn answer(
    list: &PolicyList,
    evaluation: &Evaluation,
    everyone: &str,
    expand: SimulateExpand,
) -> SimulateEvaluation {
    let mut result = Vec::new();
    let mut undefined = Vec::new();
    let mut evaluated = Vec::new();
    for policy in evaluation.policies.iter().filter(|p| !p.inactive) {
        let source = list.policies.iter().find(|p| p.id == policy.id);
        let entry = |rules: Vec<SimulateRule>| SimulatePolicy {
            id: policy.id.clone(),
            name: Field::Value(policy.name.clone()),
            status: Some(status(policy.status)),
            conditions: conditions(
                &policy.conditions,
                source.map(|p| &p.conditions),
                everyone,
                expand,
            ),
            rules: Field::Value(rules),
            other: Default::default(),
        };
        match policy.status {
            Status::NotMatch => evaluated.push(entry(Vec::new())),
            Status::Undefined => undefined.push(entry(Vec::new())),
            Status::Match => {
                let (mut matched, mut missed, mut unknown) = (Vec::new(), Vec::new(), Vec::new());
                for rule in policy.rules.iter().filter(|r| !r.inactive) {
                    let body = source
                        .and_then(|p| p.rules.iter().find(|r| r.id == rule.id))
                        .map(|r| &r.conditions);
                    let simulated = SimulateRule {
                        id: rule.id.clone(),
                        name: Field::Value(rule.name.clone()),
                        status: Some(status(rule.status)),
                        conditions: conditions(&rule.conditions, body, everyone, expand),
                        other: Default::default(),
                    };
                    match rule.status {
                        Status::Match => matched.push(simulated),
                        Status::NotMatch => missed.push(simulated),
                        Status::Undefined => unknown.push(simulated),
                    }
                }
                let skipped = matched.is_empty() && missed.is_empty() && unknown.is_empty();
                if !matched.is_empty() {
                    result.push(entry(matched));
                }
                if !missed.is_empty() || skipped {
                    evaluated.push(entry(missed));
                }
                if !unknown.is_empty() {
                    undefined.push(entry(unknown));
                }
            }
        }
    }
    let overall = if !result.is_empty() {
        Field::Null
    } else if !undefined.is_empty() {
        Field::Value(SimulateStatus::Undefined)
    } else {
        Field::Value(SimulateStatus::NotMatch)
    };
    if !expand.evaluated {
        evaluated.clear();
    }
    let policies = |policies| {
        Some(SimulatePolicies {
            policies,
            other: Default::default(),
        })
    };
    SimulateEvaluation {
        status: overall,
        policy_type: Some(PolicyType::from(list.kind.okta_type())),
        result: policies(result),
        undefined: policies(undefined),
        evaluated: policies(evaluated),
        other: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn gateways_contain_addresses() {
        assert!(gateway_contains("203.0.113.0/24", ip("203.0.113.7")));
        assert!(!gateway_contains("203.0.113.0/24", ip("203.0.114.7")));
        assert!(gateway_contains("192.0.2.0/26", ip("192.0.2.63")));
        assert!(!gateway_contains("192.0.2.0/26", ip("192.0.2.64")));
        assert!(gateway_contains("10.0.0.1-10.0.0.9", ip("10.0.0.5")));
        assert!(!gateway_contains("10.0.0.1-10.0.0.9", ip("10.0.0.10")));
        assert!(gateway_contains("198.51.100.1", ip("198.51.100.1")));
        assert!(gateway_contains("0.0.0.0/0", ip("8.8.8.8")));
        assert!(gateway_contains("2001:db8::/32", ip("2001:db8::1")));
        assert!(!gateway_contains("2001:db8::/32", ip("203.0.113.7")));
        assert!(!gateway_contains("not a cidr", ip("203.0.113.7")));
    }

    #[test]
    fn platforms_map_to_type_and_os() {
        let ios = platform_of("IOS").expect("iOS");
        assert_eq!(
            (ios.kind.as_str(), ios.os.as_deref()),
            ("MOBILE", Some("IOS"))
        );
        let mac = platform_of("osx").expect("macOS");
        assert_eq!(
            (mac.kind.as_str(), mac.os.as_deref()),
            ("DESKTOP", Some("MACOS"))
        );
        assert!(platform_of("AMIGA").is_none());
    }
}
