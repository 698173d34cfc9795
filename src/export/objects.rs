//! One live policy (with its rules) as the manifest object an admin would
//! write: its name, `default: true` for Okta's default policy and rule,
//! `status: INACTIVE` only when inactive, the apps mapped to it, and the
//! sections the manifest models — with Okta's defaults left out and IDs
//! written as names. Fields Okta owns (IDs, timestamps, `system`, `type`,
//! priority numbers) are never written: list order carries priority.

use serde_json::{Map, Value};

use super::defaults::{clean, omit_defaults};
use super::names::{Names, Why, name_references};
use crate::client::wire::{Application, LifecycleStatus, Policy, PolicyRule, PolicyType};
use crate::desired::references::Collection;
use crate::diff::compare::{policy_sections, rule_sections};
use crate::diff::matching::default_index;
use crate::diff::normalize::canonical;
use crate::emulator::Engine;
use crate::emulator::defaults::{self, ACCOUNT_MANAGEMENT_POLICY};
use crate::live::{LivePolicy, policy_type};
use crate::manifest::kind::PolicyKind;
use crate::schema::project::ObjectSchema;

/// Rule members Okta creates and keeps when a manifest omits them (the
/// profile enrollment form's UI schema): written, they would only pin an
/// ID no manifest author knows.
const KEPT_WHEN_OMITTED: &[&str] = &["/actions/profileEnrollment/uiSchemaId"];

/// Members of the sign-on default rule (of the default policy) that Okta
/// keeps read-only; `validate` refuses them.
const SIGN_ON_DEFAULT_READ_ONLY: &[&str] = &[
    "/actions/signon/session/maxSessionLifetimeMinutes",
    "/actions/signon/session/usePersistentCookie",
];

/// What every object of one kind's list is exported with.
pub struct Context<'a> {
    pub kind: PolicyKind,
    pub engine: Engine,
    pub policy_schema: ObjectSchema<'a>,
    pub rule_schema: ObjectSchema<'a>,
    pub names: &'a Names<'a>,
    /// The Everyone group's ID, as `plan` will know it.
    pub everyone: Option<&'a str>,
    /// The org's apps, for the `apps:` of app-mapped kinds.
    pub apps: &'a [Application],
}

/// A manifest object and the reasons for the references it writes as IDs
/// (pointers relative to the object).
pub struct Exported {
    pub value: Map<String, Value>,
    pub why: Vec<Why>,
}

impl Context<'_> {
    /// The manifest object of a live policy; `default` when it is the
    /// kind's default policy.
    pub fn policy(&self, live: &LivePolicy, default: bool) -> Exported {
        let policy = &live.policy;
        let okta_type = policy_type(self.kind);
        let name = policy.name.clone().unwrap_or_default();
        // Only its rules can change; `validate` refuses anything else.
        let account_management =
            self.kind == PolicyKind::Access && name == ACCOUNT_MANAGEMENT_POLICY;
        let mut value = Map::new();
        let mut why = Vec::new();
        value.insert("name".to_owned(), Value::String(name.clone()));
        if let Some(description) = self.description(policy).filter(|_| !account_management) {
            value.insert("description".to_owned(), Value::String(description));
        }
        if default {
            value.insert("default".to_owned(), Value::Bool(true));
        }
        // Okta's own policies keep their status whatever a manifest says.
        let system = policy.system == Some(true);
        if !default && !system && !account_management && inactive(policy.status.as_ref()) {
            value.insert("status".to_owned(), Value::String("INACTIVE".to_owned()));
        }
        if self.kind.has_app_mappings() && !account_management {
            let apps = self.mapped_apps(policy);
            if !apps.is_empty() {
                for (index, named) in apps.iter().enumerate() {
                    if let Some(reason) = named.why() {
                        why.push((format!("/apps/{index}"), reason.to_owned()));
                    }
                }
                let apps = apps.iter().map(|a| Value::String(a.reference())).collect();
                value.insert("apps".to_owned(), Value::Array(apps));
            }
        }

        let mut sections = self.policy_schema.project_members(&policy_sections(policy));
        if let Value::Object(members) = &mut sections {
            members.remove("description");
        }
        let mut kept = Map::new();
        // The default policy applies to everyone: it has no conditions to write.
        if !default && let Some(conditions) = sections.get("conditions") {
            let everyone = self
                .everyone
                .map(|everyone| defaults::policy_conditions(&okta_type, everyone));
            let default = everyone.map(|d| self.project_policy("conditions", d));
            if let Some(conditions) = omit_defaults(conditions, default.as_ref()) {
                kept.insert("conditions".to_owned(), conditions);
            }
        }
        if let Some(settings) = sections.get("settings")
            && let Some(settings) = self.settings(&okta_type, settings)
        {
            kept.insert("settings".to_owned(), settings);
        }
        let mut kept = Value::Object(kept);
        why.extend(name_references(&mut kept, self.names));
        if let Value::Object(kept) = kept {
            value.extend(kept);
        }

        let default_rule = default_index(self.kind, &live.rules, true);
        let mut rules = Vec::new();
        for (index, rule) in live.rules.iter().enumerate() {
            let exported = self.rule(rule, Some(index) == default_rule, default);
            why.extend(
                exported
                    .why
                    .into_iter()
                    .map(|(pointer, reason)| (format!("/rules/{index}{pointer}"), reason)),
            );
            rules.push(Value::Object(exported.value));
        }
        if !rules.is_empty() {
            value.insert("rules".to_owned(), Value::Array(rules));
        }
        Exported { value, why }
    }

    /// The manifest object of a live rule; `default` when it is the
    /// policy's default (catch-all) rule, `default_policy` when its policy
    /// is the kind's default.
    fn rule(&self, rule: &PolicyRule, default: bool, default_policy: bool) -> Exported {
        let okta_type = policy_type(self.kind);
        let mut value = Map::new();
        value.insert(
            "name".to_owned(),
            Value::String(rule.name.clone().unwrap_or_default()),
        );
        if default {
            value.insert("default".to_owned(), Value::Bool(true));
        } else if inactive(rule.status.as_ref()) {
            value.insert("status".to_owned(), Value::String("INACTIVE".to_owned()));
        }
        // Okta keeps these default rules read-only: listed by name only.
        let read_only = default
            && (matches!(self.kind, PolicyKind::IdpDiscovery | PolicyKind::MfaEnroll)
                || self.engine == Engine::Classic);
        if read_only {
            return Exported {
                value,
                why: Vec::new(),
            };
        }
        let mut sections = self.rule_schema.project_members(&rule_sections(rule));
        let mut dropped: Vec<&str> = KEPT_WHEN_OMITTED.to_vec();
        if self.kind == PolicyKind::SignOn && default && default_policy {
            dropped.extend(SIGN_ON_DEFAULT_READ_ONLY);
        }
        for pointer in dropped {
            remove_pointer(&mut sections, pointer);
        }
        let mut kept = Map::new();
        // The default rule applies unconditionally: no conditions to write.
        if !default && let Some(conditions) = sections.get("conditions") {
            let default = self.project_rule("conditions", defaults::rule_conditions(&okta_type));
            if let Some(conditions) = omit_defaults(conditions, Some(&default)) {
                kept.insert("conditions".to_owned(), conditions);
            }
        }
        if let Some(actions) = sections.get("actions") {
            let default = self.project_rule("actions", defaults::rule_actions(&okta_type));
            if let Some(mut actions) = omit_defaults(actions, Some(&default)) {
                keep_providers(&mut actions, actions_of(&sections));
                kept.insert("actions".to_owned(), actions);
            }
        }
        let mut kept = Value::Object(kept);
        let why = name_references(&mut kept, self.names);
        if let Value::Object(kept) = kept {
            value.extend(kept);
        }
        Exported { value, why }
    }

    /// The description, unless it is the one Okta gave its own policy.
    fn description(&self, policy: &Policy) -> Option<String> {
        let description = policy.description.as_ref()?.clone();
        let okta_text = defaults::system_policies(self.engine)
            .into_iter()
            .find(|p| p.kind == policy.kind && Some(p.name) == policy.name.as_deref())
            .map(|p| p.description);
        (!description.is_empty() && okta_text != Some(description.as_str())).then_some(description)
    }

    /// Policy settings without Okta's defaults. Password settings are
    /// filled field by field; MFA enrollment settings only as a whole
    /// (Okta's are `authenticators`, an org's may be `factors`).
    fn settings(&self, okta_type: &PolicyType, settings: &Value) -> Option<Value> {
        let default = defaults::policy_settings(okta_type)
            .map(|default| self.project_policy("settings", default));
        match okta_type {
            PolicyType::Password => omit_defaults(settings, default.as_ref()),
            _ => match default {
                Some(default) if canonical(settings) == canonical(&default) => None,
                _ => clean(settings),
            },
        }
    }

    /// The apps mapped to a policy, as `apps:` lists them, sorted.
    fn mapped_apps(&self, policy: &Policy) -> Vec<super::names::Named> {
        let Some(id) = policy.id.as_deref() else {
            return Vec::new();
        };
        let mut apps: Vec<super::names::Named> = self
            .apps
            .iter()
            .filter(|app| {
                let mapped = match self.kind {
                    PolicyKind::Access => app.access_policy_id(),
                    _ => app.profile_enrollment_policy_id(),
                };
                mapped == Some(id)
            })
            .filter_map(|app| Some(self.names.name(Collection::Apps, app.id.as_deref()?, &[])))
            .collect();
        apps.sort_by_key(super::names::Named::reference);
        apps
    }

    /// A default section seen through the policy schema (case folded,
    /// unmodelled members dropped), like the live one it is compared with.
    fn project_policy(&self, key: &str, default: Value) -> Value {
        project(&self.policy_schema, key, default)
    }

    fn project_rule(&self, key: &str, default: Value) -> Value {
        project(&self.rule_schema, key, default)
    }
}

fn project(schema: &ObjectSchema<'_>, key: &str, section: Value) -> Value {
    let mut members = Map::new();
    members.insert(key.to_owned(), section);
    schema
        .project_members(&members)
        .get(key)
        .cloned()
        .unwrap_or(Value::Null)
}

fn actions_of(sections: &Value) -> &Value {
    sections.get("actions").unwrap_or(&Value::Null)
}

/// A routing rule that picks its IdPs (`SPECIFIC`) names them, even when
/// they are Okta's default (`OKTA`): `validate` requires `providers` there.
fn keep_providers(kept: &mut Value, live: &Value) {
    let Some(idp) = kept.get_mut("idp").and_then(Value::as_object_mut) else {
        return;
    };
    let dynamic = idp.get("idpSelectionType").and_then(Value::as_str) == Some("DYNAMIC");
    if !dynamic
        && !idp.contains_key("providers")
        && let Some(providers) = live.pointer("/idp/providers").and_then(clean)
    {
        idp.insert("providers".to_owned(), providers);
    }
}

fn inactive(status: Option<&LifecycleStatus>) -> bool {
    matches!(status, Some(LifecycleStatus::Inactive))
}

fn remove_pointer(value: &mut Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    if let Some(Value::Object(members)) = value.pointer_mut(parent) {
        members.remove(key);
    }
}
