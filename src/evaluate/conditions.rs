//! Okta's policy and rule conditions, each checked against a [`Context`]:
//! MATCH, NOT_MATCH, or UNDEFINED when the context does not say (or the
//! condition cannot be evaluated offline, like an Expression Language
//! condition). Only conditions that restrict anything are reported: an
//! empty include list, `connection: ANYWHERE`, `authType: ANY` and risk
//! level `ANY` always match and are left out, as Okta's simulation does.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::context::{Context, Platform};

/// The result of one condition (or of a rule or policy: all its conditions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Match,
    NotMatch,
    Undefined,
}

impl Status {
    /// The combined status of several conditions: NOT_MATCH if any is,
    /// else UNDEFINED if any is, else MATCH.
    pub fn all(statuses: impl IntoIterator<Item = Status>) -> Status {
        let mut out = Status::Match;
        for status in statuses {
            match status {
                Status::NotMatch => return Status::NotMatch,
                Status::Undefined => out = Status::Undefined,
                Status::Match => {}
            }
        }
        out
    }
}

/// One checked condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Okta's name of the condition, e.g. `people.groups.include`.
    #[serde(rename = "type")]
    pub condition: String,
    pub status: Status,
    /// Why, in words, e.g. "the user is in none of: Contractors".
    pub reason: String,
}

impl Check {
    fn new(condition: &str, status: Status, reason: impl Into<String>) -> Check {
        Check {
            condition: condition.to_owned(),
            status,
            reason: reason.into(),
        }
    }

    fn when(
        condition: &str,
        matched: bool,
        yes: impl Into<String>,
        no: impl Into<String>,
    ) -> Check {
        if matched {
            Check::new(condition, Status::Match, yes)
        } else {
            Check::new(condition, Status::NotMatch, no)
        }
    }

    fn undefined(condition: &str, reason: impl Into<String>) -> Check {
        Check::new(condition, Status::Undefined, reason)
    }
}

/// Checks every restricting condition of a policy's or rule's `conditions`.
pub fn check(conditions: &Value, context: &Context) -> Vec<Check> {
    let Some(map) = conditions.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in map {
        match key.as_str() {
            "people" => people(value, context, &mut out),
            "network" => network(value, context, &mut out),
            "authContext" => auth_context(value, context, &mut out),
            "identityProvider" => identity_provider(value, context, &mut out),
            "platform" => platform(value, context, &mut out),
            "device" => device(value, context, &mut out),
            "riskScore" => level(
                "riskScore",
                value,
                context.risk.as_deref(),
                "risk level",
                &mut out,
            ),
            "entityRisk" => level(
                "entityRisk",
                value,
                context.entity_risk.as_deref(),
                "entity risk level",
                &mut out,
            ),
            "userType" => user_type(value, context, &mut out),
            "app" => app(value, context, &mut out),
            "userIdentifier" => user_identifier(value, context, &mut out),
            "authProvider" => auth_provider(value, context, &mut out),
            "clients" => clients(value, context, &mut out),
            "grantTypes" => grant_types(value, context, &mut out),
            "scopes" => scopes(value, context, &mut out),
            "elCondition" if !value.is_null() => out.push(Check::undefined(
                "elCondition",
                "Okta Expression Language conditions are not evaluated offline",
            )),
            "riskDetectionTypes" | "risk" | "mfa" | "beforeScheduledAction" | "context"
                if restricts(value) =>
            {
                out.push(Check::undefined(
                    key,
                    format!("the `{key}` condition is not evaluated offline"),
                ));
            }
            // Unknown or empty conditions: nothing to check.
            _ => {}
        }
    }
    out
}

/// Whether a condition value restricts anything (has a non-empty member).
fn restricts(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => map.values().any(restricts),
        _ => true,
    }
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn list(items: &[&str]) -> String {
    items.join(", ")
}

fn people(value: &Value, context: &Context, out: &mut Vec<Check>) {
    let groups = &value["groups"];
    let include = strings(&groups["include"]);
    if !include.is_empty() {
        let hit = include.iter().find(|g| context.in_group(g));
        out.push(Check::when(
            "people.groups.include",
            hit.is_some(),
            format!("the user is in {}", hit.unwrap_or(&"")),
            format!("the user is in none of: {}", list(&include)),
        ));
    }
    let exclude = strings(&groups["exclude"]);
    if !exclude.is_empty() {
        let hit = exclude.iter().find(|g| context.in_group(g));
        out.push(Check::when(
            "people.groups.exclude",
            hit.is_none(),
            format!(
                "the user is in none of the excluded groups: {}",
                list(&exclude)
            ),
            format!("the user is in the excluded group {}", hit.unwrap_or(&"")),
        ));
    }
    let users = &value["users"];
    let user = context.user.as_deref();
    let include = strings(&users["include"]);
    if !include.is_empty() {
        let hit = user.is_some_and(|u| include.contains(&u));
        out.push(Check::when(
            "people.users.include",
            hit,
            "the user is listed",
            format!("the user is not one of: {}", list(&include)),
        ));
    }
    let exclude = strings(&users["exclude"]);
    if !exclude.is_empty() {
        let hit = user.is_some_and(|u| exclude.contains(&u));
        out.push(Check::when(
            "people.users.exclude",
            !hit,
            "the user is not excluded",
            "the user is excluded by name",
        ));
    }
}

/// `ALL_ZONES` in include matches any zone; in exclude, any zone excludes.
fn in_zones(context: &Context, zones: &[&str]) -> Option<String> {
    zones.iter().find_map(|zone| {
        if *zone == "ALL_ZONES" {
            context.zones.iter().next().cloned()
        } else {
            context.zones.contains(*zone).then(|| (*zone).to_owned())
        }
    })
}

fn network(value: &Value, context: &Context, out: &mut Vec<Check>) {
    if value["connection"].as_str() == Some("ANYWHERE") {
        return;
    }
    let include = strings(&value["include"]);
    if !include.is_empty() {
        let hit = in_zones(context, &include);
        out.push(Check::when(
            "network.include",
            hit.is_some(),
            format!("the sign-in is from zone {}", hit.as_deref().unwrap_or("")),
            format!("the sign-in is from none of the zones: {}", list(&include)),
        ));
    }
    let exclude = strings(&value["exclude"]);
    if !exclude.is_empty() {
        let hit = in_zones(context, &exclude);
        out.push(Check::when(
            "network.exclude",
            hit.is_none(),
            format!(
                "the sign-in is from none of the excluded zones: {}",
                list(&exclude)
            ),
            format!(
                "the sign-in is from the excluded zone {}",
                hit.as_deref().unwrap_or("")
            ),
        ));
    }
}

fn auth_context(value: &Value, context: &Context, out: &mut Vec<Check>) {
    let Some(wanted) = value["authType"].as_str().filter(|t| *t != "ANY") else {
        return;
    };
    let actual = context.auth_type.as_deref().unwrap_or("ANY");
    out.push(Check::when(
        "authContext.authType",
        actual.eq_ignore_ascii_case(wanted),
        format!("the sign-in is a {wanted} sign-in"),
        format!("the rule is for {wanted} sign-ins, this one is not"),
    ));
}

fn identity_provider(value: &Value, context: &Context, out: &mut Vec<Check>) {
    let provider = value["provider"].as_str().unwrap_or("ANY");
    let idp = context.idp.as_deref();
    match provider {
        "ANY" => {}
        "OKTA" => out.push(Check::when(
            "identityProvider",
            idp.is_none(),
            "the user signs in with Okta",
            format!(
                "the rule is for users who sign in with Okta, not {}",
                idp.unwrap_or("")
            ),
        )),
        _ => {
            let ids = strings(&value["idpIds"]);
            out.push(Check::when(
                "identityProvider",
                idp.is_some_and(|idp| ids.contains(&idp)),
                "the user signs in with a listed identity provider",
                format!("the user does not sign in with any of: {}", list(&ids)),
            ));
        }
    }
}

fn platform_matches(wanted: &Value, actual: &Platform) -> bool {
    let kind = wanted["type"].as_str().unwrap_or("ANY");
    if kind != "ANY" && !kind.eq_ignore_ascii_case(&actual.kind) {
        return false;
    }
    let os = wanted["os"]["type"].as_str().unwrap_or("ANY");
    if os == "ANY" {
        return true;
    }
    let canonical = |os: &str| {
        let upper = os.to_ascii_uppercase();
        if upper == "OSX" {
            "MACOS".to_owned()
        } else {
            upper
        }
    };
    actual
        .os
        .as_deref()
        .is_some_and(|actual| canonical(actual) == canonical(os))
}

fn describe_platform(platform: &Value) -> String {
    let kind = platform["type"].as_str().unwrap_or("ANY");
    match platform["os"]["type"].as_str() {
        Some(os) if os != "ANY" => format!("{kind}/{os}"),
        _ => kind.to_owned(),
    }
}

fn platform(value: &Value, context: &Context, out: &mut Vec<Check>) {
    for (member, include) in [("include", true), ("exclude", false)] {
        let wanted = value[member]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        if wanted.is_empty() {
            continue;
        }
        let condition = format!("platform.{member}");
        let names: Vec<String> = wanted.iter().map(describe_platform).collect();
        let Some(actual) = &context.platform else {
            out.push(Check::undefined(
                &condition,
                format!(
                    "the case gives no platform (the rule tests {})",
                    names.join(", ")
                ),
            ));
            continue;
        };
        let hit = wanted.iter().any(|w| platform_matches(w, actual));
        let actual_name = match &actual.os {
            Some(os) => format!("{}/{os}", actual.kind),
            None => actual.kind.clone(),
        };
        out.push(if include {
            Check::when(
                &condition,
                hit,
                format!("the platform {actual_name} is included"),
                format!(
                    "the platform {actual_name} is none of: {}",
                    names.join(", ")
                ),
            )
        } else {
            Check::when(
                &condition,
                !hit,
                format!("the platform {actual_name} is not excluded"),
                format!("the platform {actual_name} is excluded"),
            )
        });
    }
}

fn device(value: &Value, context: &Context, out: &mut Vec<Check>) {
    for (member, noun) in [("registered", "registered"), ("managed", "managed")] {
        if value[member].as_bool() != Some(true) {
            continue;
        }
        let condition = format!("device.{member}");
        let actual = match member {
            "registered" => context.device.registered,
            _ => context.device.managed,
        };
        out.push(match actual {
            None => Check::undefined(
                &condition,
                format!("the case does not say whether the device is {noun}"),
            ),
            Some(actual) => Check::when(
                &condition,
                actual,
                format!("the device is {noun}"),
                format!("the device is not {noun}"),
            ),
        });
    }
    let assurances = strings(&value["assurance"]["include"]);
    if !assurances.is_empty() {
        let hit = assurances
            .iter()
            .any(|a| context.device.assurances.contains(*a));
        out.push(Check::when(
            "device.assurance.include",
            hit,
            "the device meets a listed device assurance policy",
            format!("the device meets none of: {}", list(&assurances)),
        ));
    }
}

fn level(condition: &str, value: &Value, actual: Option<&str>, noun: &str, out: &mut Vec<Check>) {
    let Some(wanted) = value["level"].as_str().filter(|l| *l != "ANY") else {
        return;
    };
    out.push(match actual {
        None => Check::undefined(
            condition,
            format!("the case gives no {noun} (the rule wants {wanted})"),
        ),
        Some(actual) => Check::when(
            condition,
            actual.eq_ignore_ascii_case(wanted),
            format!("the {noun} is {wanted}"),
            format!("the {noun} is {actual}, the rule wants {wanted}"),
        ),
    });
}

fn user_type(value: &Value, context: &Context, out: &mut Vec<Check>) {
    for (member, include) in [("include", true), ("exclude", false)] {
        let wanted = strings(&value[member]);
        if wanted.is_empty() {
            continue;
        }
        let condition = format!("userType.{member}");
        let Some(actual) = context.user_type.as_deref() else {
            out.push(Check::undefined(
                &condition,
                format!(
                    "the case gives no user type (the rule tests {})",
                    list(&wanted)
                ),
            ));
            continue;
        };
        let hit = wanted.contains(&actual);
        out.push(Check::when(
            &condition,
            hit == include,
            format!(
                "the user type {actual} is {}",
                if include { "included" } else { "not excluded" }
            ),
            format!(
                "the user type {actual} is {}",
                if include { "not included" } else { "excluded" }
            ),
        ));
    }
}

fn app(value: &Value, context: &Context, out: &mut Vec<Check>) {
    for (member, include) in [("include", true), ("exclude", false)] {
        let wanted = value[member]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        if wanted.is_empty() {
            continue;
        }
        let condition = format!("app.{member}");
        let names: Vec<&str> = wanted
            .iter()
            .filter_map(|w| w["id"].as_str().or_else(|| w["name"].as_str()))
            .collect();
        let Some(actual) = context.app.as_deref() else {
            out.push(Check::undefined(
                &condition,
                format!("the case gives no app (the rule tests {})", list(&names)),
            ));
            continue;
        };
        let typed = wanted
            .iter()
            .any(|w| w["type"].as_str() == Some("APP_TYPE"));
        let hit = names.contains(&actual);
        if !hit && typed {
            out.push(Check::undefined(
                &condition,
                "app types (APP_TYPE) are not evaluated offline",
            ));
            continue;
        }
        out.push(Check::when(
            &condition,
            hit == include,
            format!(
                "the app {actual} is {}",
                if include { "included" } else { "not excluded" }
            ),
            format!(
                "the app {actual} is {}",
                if include { "not included" } else { "excluded" }
            ),
        ));
    }
}

fn user_identifier(value: &Value, context: &Context, out: &mut Vec<Check>) {
    let patterns = value["patterns"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if patterns.is_empty() {
        return;
    }
    if value["type"].as_str() == Some("ATTRIBUTE") {
        out.push(Check::undefined(
            "userIdentifier",
            "user attribute patterns are not evaluated offline",
        ));
        return;
    }
    let Some(login) = context.user.as_deref() else {
        out.push(Check::undefined(
            "userIdentifier",
            "the case gives no user login to test the identifier patterns against",
        ));
        return;
    };
    let mut undefined = false;
    let hit = patterns.iter().any(|pattern| {
        let wanted = pattern["value"].as_str().unwrap_or_default();
        let login = login.to_ascii_lowercase();
        let wanted_lower = wanted.to_ascii_lowercase();
        match pattern["matchType"].as_str().unwrap_or("EQUALS") {
            "EQUALS" => login == wanted_lower,
            "CONTAINS" => login.contains(&wanted_lower),
            "STARTS_WITH" => login.starts_with(&wanted_lower),
            "SUFFIX" => login.ends_with(&wanted_lower),
            _ => {
                undefined = true;
                false
            }
        }
    });
    out.push(if !hit && undefined {
        Check::undefined(
            "userIdentifier",
            "expression patterns are not evaluated offline",
        )
    } else {
        Check::when(
            "userIdentifier",
            hit,
            format!("the login {login} matches a pattern"),
            format!("the login {login} matches none of the patterns"),
        )
    });
}

fn auth_provider(value: &Value, context: &Context, out: &mut Vec<Check>) {
    let wanted = value["provider"].as_str().unwrap_or("ANY");
    if wanted == "ANY" {
        return;
    }
    let actual = context.auth_provider.as_deref().unwrap_or("OKTA");
    out.push(Check::when(
        "authProvider",
        actual.eq_ignore_ascii_case(wanted),
        format!("the user's password is held by {wanted}"),
        format!("the policy is for {wanted} users, the user's password is held by {actual}"),
    ));
}

fn clients(value: &Value, context: &Context, out: &mut Vec<Check>) {
    let include = strings(&value["include"]);
    if include.contains(&"ALL_CLIENTS") {
        return;
    }
    one_of(
        "clients.include",
        &include,
        context.client.as_deref(),
        "OAuth client",
        out,
    );
}

fn grant_types(value: &Value, context: &Context, out: &mut Vec<Check>) {
    let include = strings(&value["include"]);
    one_of(
        "grantTypes.include",
        &include,
        context.grant_type.as_deref(),
        "grant type",
        out,
    );
}

/// A condition that the context's single `actual` value (a client, a
/// grant type) be one of `include`; nothing when `include` is empty.
fn one_of(
    condition: &str,
    include: &[&str],
    actual: Option<&str>,
    noun: &str,
    out: &mut Vec<Check>,
) {
    if include.is_empty() {
        return;
    }
    out.push(match actual {
        None => Check::undefined(
            condition,
            format!(
                "the case gives no {noun} (the condition is for {})",
                list(include)
            ),
        ),
        Some(actual) => Check::when(
            condition,
            include.contains(&actual),
            format!("the {noun} {actual} is included"),
            format!("the {noun} {actual} is none of: {}", list(include)),
        ),
    });
}

fn scopes(value: &Value, context: &Context, out: &mut Vec<Check>) {
    let include = strings(&value["include"]);
    if include.is_empty() || include.contains(&"*") {
        return;
    }
    if context.scopes.is_empty() {
        out.push(Check::undefined(
            "scopes.include",
            format!(
                "the case requests no scopes (the rule is for {})",
                list(&include)
            ),
        ));
        return;
    }
    let missing: Vec<&str> = context
        .scopes
        .iter()
        .map(String::as_str)
        .filter(|s| !include.contains(s))
        .collect();
    out.push(Check::when(
        "scopes.include",
        missing.is_empty(),
        "every requested scope is included",
        format!("the rule does not include the scopes: {}", list(&missing)),
    ));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn contractor() -> Context {
        let mut context = Context::default().with_everyone("Everyone");
        context.groups.insert("Contractors".to_owned());
        context
    }

    fn status(conditions: Value, context: &Context) -> Status {
        Status::all(check(&conditions, context).iter().map(|c| c.status))
    }

    #[test]
    fn groups_include_and_exclude() {
        let c = contractor();
        let include = json!({ "people": { "groups": { "include": ["Contractors"] } } });
        assert_eq!(status(include, &c), Status::Match);
        let other = json!({ "people": { "groups": { "include": ["Employees"] } } });
        assert_eq!(status(other, &c), Status::NotMatch);
        let everyone = json!({ "people": { "groups": { "include": ["EVERYONE"] } } });
        assert_eq!(status(everyone, &c), Status::Match);
        let excluded = json!({ "people": { "groups": { "include": ["Everyone"], "exclude": ["Contractors"] } } });
        assert_eq!(status(excluded, &c), Status::NotMatch);
    }

    #[test]
    fn empty_lists_and_anywhere_restrict_nothing() {
        let c = contractor();
        let loose = json!({
            "people": { "users": { "exclude": [] }, "groups": { "include": [] } },
            "network": { "connection": "ANYWHERE" },
            "authContext": { "authType": "ANY" },
            "riskScore": { "level": "ANY" }
        });
        assert!(check(&loose, &c).is_empty());
    }

    #[test]
    fn zones_include_exclude_and_all_zones() {
        let mut c = contractor();
        let off = json!({ "network": { "connection": "ZONE", "exclude": ["Corporate"] } });
        let on = json!({ "network": { "connection": "ZONE", "include": ["Corporate"] } });
        let any = json!({ "network": { "connection": "ZONE", "include": ["ALL_ZONES"] } });
        assert_eq!(status(off.clone(), &c), Status::Match);
        assert_eq!(status(on.clone(), &c), Status::NotMatch);
        assert_eq!(status(any.clone(), &c), Status::NotMatch);
        c.zones.insert("Corporate".to_owned());
        assert_eq!(status(off, &c), Status::NotMatch);
        assert_eq!(status(on, &c), Status::Match);
        assert_eq!(status(any, &c), Status::Match);
    }

    #[test]
    fn unstated_platform_and_device_are_undefined() {
        let mut c = contractor();
        let rule = json!({
            "platform": { "include": [{ "type": "MOBILE", "os": { "type": "IOS" } }] },
            "device": { "managed": true }
        });
        assert_eq!(status(rule.clone(), &c), Status::Undefined);
        c.platform = Some(Platform {
            kind: "MOBILE".into(),
            os: Some("IOS".into()),
        });
        c.device.managed = Some(false);
        assert_eq!(status(rule.clone(), &c), Status::NotMatch);
        c.device.managed = Some(true);
        assert_eq!(status(rule, &c), Status::Match);
    }

    #[test]
    fn osx_and_macos_are_one_platform() {
        let mut c = contractor();
        c.platform = Some(Platform {
            kind: "DESKTOP".into(),
            os: Some("MACOS".into()),
        });
        let rule =
            json!({ "platform": { "include": [{ "type": "DESKTOP", "os": { "type": "OSX" } }] } });
        assert_eq!(status(rule, &c), Status::Match);
    }

    #[test]
    fn risk_auth_type_idp_and_user_type() {
        let mut c = contractor();
        let risky = json!({ "riskScore": { "level": "HIGH" } });
        assert_eq!(status(risky.clone(), &c), Status::Undefined);
        c.risk = Some("HIGH".into());
        assert_eq!(status(risky, &c), Status::Match);
        let radius = json!({ "authContext": { "authType": "RADIUS" } });
        assert_eq!(status(radius, &c), Status::NotMatch);
        let okta = json!({ "identityProvider": { "provider": "OKTA" } });
        assert_eq!(status(okta.clone(), &c), Status::Match);
        c.idp = Some("Northwind SAML".into());
        assert_eq!(status(okta, &c), Status::NotMatch);
        let specific = json!({ "identityProvider": { "provider": "SPECIFIC_IDP", "idpIds": ["Northwind SAML"] } });
        assert_eq!(status(specific, &c), Status::Match);
        let typed = json!({ "userType": { "include": ["Contractor"], "exclude": [] } });
        assert_eq!(status(typed.clone(), &c), Status::Undefined);
        c.user_type = Some("Contractor".into());
        assert_eq!(status(typed, &c), Status::Match);
    }

    #[test]
    fn identifiers_apps_and_expressions() {
        let mut c = contractor();
        c.user = Some("ann@partner.example".into());
        let suffix = json!({ "userIdentifier": { "type": "IDENTIFIER", "patterns": [{ "matchType": "SUFFIX", "value": "@partner.example" }] } });
        assert_eq!(status(suffix, &c), Status::Match);
        let app = json!({ "app": { "include": [{ "type": "APP", "id": "Workday" }] } });
        assert_eq!(status(app.clone(), &c), Status::Undefined);
        c.app = Some("Workday".into());
        assert_eq!(status(app, &c), Status::Match);
        let el = json!({ "elCondition": { "condition": "user.profile.x == 1" } });
        assert_eq!(status(el, &c), Status::Undefined);
    }

    #[test]
    fn authorization_server_conditions() {
        let mut c = contractor();
        let rule = json!({
            "grantTypes": { "include": ["client_credentials"] },
            "scopes": { "include": ["read"] }
        });
        assert_eq!(status(rule.clone(), &c), Status::Undefined);
        c.grant_type = Some("client_credentials".into());
        c.scopes.insert("read".into());
        assert_eq!(status(rule.clone(), &c), Status::Match);
        c.scopes.insert("write".into());
        assert_eq!(status(rule, &c), Status::NotMatch);
        let all = json!({ "clients": { "include": ["ALL_CLIENTS"] } });
        assert_eq!(status(all, &c), Status::Match);
    }
}
