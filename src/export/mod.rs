//! Export: the live org written as the manifests a human would have
//! written, so a team can adopt oktapol on an org that already has hundreds
//! of policies. [`read`] reads the org (every kind the engine has, every
//! authorization server, the apps, and only the directory objects the
//! policies refer to); [`export`] is pure and turns what was read into one
//! YAML file per kind.
//!
//! The contract is the round trip: `plan` on the exported files against
//! the same org shows no changes. So each object is written in the form
//! the diff reads back as equal to the live one — Okta's defaults left out
//! ([`defaults`]; `plan` fills them back in), IDs written as names
//! ([`names`]; `plan` resolves them back), the default policy and rule
//! marked `default: true`, list order for priority — and only the fields
//! the manifest models (unknown members Okta sends are left out; `apply`
//! keeps them on the live object anyway).

mod defaults;
pub mod names;
mod objects;
pub mod read;
pub(crate) mod yaml;

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use self::names::Names;
use self::objects::Context;
use crate::client::Scope;
use crate::client::wire::Policy;
use crate::desired::references::Collection;
use crate::diff::matching::default_index;
use crate::emulator::Engine;
use crate::live::{LiveList, LiveOrg};
use crate::manifest::kind::PolicyKind;
use crate::manifest::{
    access, authorization_server, entity_risk, idp_discovery, mfa_enroll, password,
    post_auth_session, profile_enrollment, sign_on,
};
use crate::resolve;
use crate::schema::project::ObjectSchema;
use crate::schema::{ManifestSchema, SCHEMA_ID};

pub use read::read;

/// One exported manifest file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFile {
    pub kind: PolicyKind,
    /// The file name, e.g. `sign-on.yaml`.
    pub name: &'static str,
    pub text: String,
    /// How many policies and rules it holds.
    pub policies: usize,
    pub rules: usize,
}

/// What an export produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Export {
    /// One file per exported kind, in manifest order.
    pub files: Vec<ExportedFile>,
    /// What was skipped or needs a human's attention, one line each.
    pub notes: Vec<String>,
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write {file} as YAML: {message}")]
#[diagnostic(code(oktapol::export::yaml))]
pub struct ExportError {
    file: &'static str,
    message: String,
}

/// The file a kind is exported to.
pub const fn file_name(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::SignOn => "sign-on.yaml",
        PolicyKind::Password => "password.yaml",
        PolicyKind::MfaEnroll => "mfa-enroll.yaml",
        PolicyKind::IdpDiscovery => "idp-discovery.yaml",
        PolicyKind::Access => "access.yaml",
        PolicyKind::ProfileEnrollment => "profile-enrollment.yaml",
        PolicyKind::EntityRisk => "entity-risk.yaml",
        PolicyKind::PostAuthSession => "post-auth-session.yaml",
        PolicyKind::AuthorizationServer => "authorization-servers.yaml",
    }
}

/// The kinds of `kinds` an org of this engine has, in manifest order.
pub fn available(kinds: &[PolicyKind], engine: Engine) -> Vec<PolicyKind> {
    PolicyKind::ALL
        .into_iter()
        .filter(|kind| kinds.contains(kind))
        .filter(|kind| engine == Engine::Oie || !kind.oie_only())
        .collect()
}

/// The first line of every exported file: editors validate and complete
/// it from the published schema.
fn header() -> String {
    format!("# yaml-language-server: $schema={SCHEMA_ID}\n")
}

/// Writes the `kinds` of `live` as manifest files.
pub fn export(live: &LiveOrg, kinds: &[PolicyKind]) -> Result<Export, ExportError> {
    let engine = live.organization.engine;
    let mut out = Export::default();
    for kind in PolicyKind::ALL {
        if kinds.contains(&kind) && !available(&[kind], engine).contains(&kind) {
            out.notes.push(format!(
                "skipped {}: the org runs Classic Engine; the {} kind needs Identity Engine",
                kind.manifest_key(),
                kind.label()
            ));
        }
    }
    if engine == Engine::Oie && PolicyKind::ALL.iter().all(|kind| kinds.contains(kind)) {
        out.notes.push(
            "not exported: Okta's other policy types (SESSION_VIOLATION_DETECTION, DEVICE_SIGNAL_COLLECTION, CLIENT_UPDATE, IDENTITY_CLAIM_SOURCING), which oktapol does not manage".to_owned(),
        );
    }
    let names = Names::new(&live.directory);
    let everyone = resolve::everyone(&live.directory);
    let schema = ManifestSchema::get().schema();
    for kind in available(kinds, engine) {
        let Some((policy_schema, rule_schema)) = schemas(schema, kind) else {
            continue;
        };
        let context = Context {
            kind,
            engine,
            policy_schema,
            rule_schema,
            names: &names,
            everyone: everyone.as_deref(),
            apps: live.apps.as_deref().unwrap_or_default(),
        };
        let key = kind.manifest_key();
        let mut comments = BTreeMap::new();
        let list = match kind {
            PolicyKind::AuthorizationServer => {
                servers(&context, live, &mut comments, &mut out.notes)
            }
            _ => live.list(kind, &Scope::Org).map_or_else(Vec::new, |list| {
                let at = format!("/{key}");
                policies(&context, list, &at, key, &mut comments, &mut out.notes)
            }),
        };
        let mut document = Map::new();
        document.insert(key.to_owned(), Value::Array(list));
        let name = file_name(kind);
        let spaced = |pointer: &str| {
            let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
            matches!(tokens.as_slice(), [_] | [_, _, "policies"])
        };
        let mut document = Value::Object(document);
        // A `${` in the org is text, not a variable of oktapol.yaml.
        crate::manifest::variables::escape(&mut document);
        let text = yaml::render(&header(), &document, &comments, &spaced).map_err(|error| {
            ExportError {
                file: name,
                message: error.to_string(),
            }
        })?;
        let (policies, rules) = count(&document, kind);
        out.files.push(ExportedFile {
            kind,
            name,
            text,
            policies,
            rules,
        });
    }
    Ok(out)
}

/// How many policies and rules a document holds.
fn count(document: &Value, kind: PolicyKind) -> (usize, usize) {
    let list = document
        .get(kind.manifest_key())
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let policies: Vec<&Value> = match kind {
        PolicyKind::AuthorizationServer => list
            .iter()
            .filter_map(|server| server.get("policies").and_then(Value::as_array))
            .flatten()
            .collect(),
        _ => list.iter().collect(),
    };
    let rules = policies
        .iter()
        .filter_map(|policy| policy.get("rules").and_then(Value::as_array))
        .map(Vec::len)
        .sum();
    (policies.len(), rules)
}

/// The authorization servers, each by name with its policies.
fn servers(
    context: &Context<'_>,
    live: &LiveOrg,
    comments: &mut BTreeMap<String, String>,
    notes: &mut Vec<String>,
) -> Vec<Value> {
    let key = context.kind.manifest_key();
    let mut servers = Vec::new();
    for list in live.lists.iter().filter(|l| l.kind == context.kind) {
        let Scope::Server(id) = &list.scope else {
            continue;
        };
        let at = format!("/{key}/{}", servers.len());
        let named = context.names.name(Collection::AuthServers, id, &[]);
        if let Some(why) = named.why() {
            comments.insert(format!("{at}/server"), why.to_owned());
        }
        let address = format!("{key}[{:?}].policies", named.reference());
        let policies = policies(
            context,
            list,
            &format!("{at}/policies"),
            &address,
            comments,
            notes,
        );
        let mut server = Map::new();
        server.insert("server".to_owned(), Value::String(named.reference()));
        server.insert("policies".to_owned(), Value::Array(policies));
        servers.push(Value::Object(server));
    }
    servers
}

/// The schemas of a kind's policy and rule objects.
fn schemas(root: &Value, kind: PolicyKind) -> Option<(ObjectSchema<'_>, ObjectSchema<'_>)> {
    let policy = match kind {
        PolicyKind::AuthorizationServer => {
            ObjectSchema::list_items(root, kind.manifest_key())?.items_of("policies")?
        }
        _ => ObjectSchema::list_items(root, kind.manifest_key())?,
    };
    let rule = policy.items_of("rules")?;
    Some((policy, rule))
}

/// The manifest objects of one live list, in priority order; the reasons
/// for IDs go to `comments` under `at` (the list's pointer).
fn policies(
    context: &Context<'_>,
    list: &LiveList,
    at: &str,
    address: &str,
    comments: &mut BTreeMap<String, String>,
    notes: &mut Vec<String>,
) -> Vec<Value> {
    let bare: Vec<&Policy> = list.policies.iter().map(|p| &p.policy).collect();
    let default = default_index(context.kind, &bare, false);
    duplicate_names(
        bare.iter().map(|p| p.name.as_deref()),
        "policies",
        address,
        notes,
    );
    let mut out = Vec::new();
    for (index, live) in list.policies.iter().enumerate() {
        let name = live.policy.name.as_deref().unwrap_or_default();
        let policy_address = format!("{address}[{name:?}]");
        duplicate_names(
            live.rules.iter().map(|r| r.name.as_deref()),
            "rules",
            &format!("{policy_address}.rules"),
            notes,
        );
        let exported = context.policy(live, Some(index) == default);
        for (pointer, why) in exported.why {
            comments.insert(format!("{at}/{index}{pointer}"), why);
        }
        let value = Value::Object(exported.value);
        let value = match in_manifest_order(context.kind, value.clone()) {
            Ok(ordered) => ordered,
            Err(problem) => {
                notes.push(format!(
                    "{policy_address}: {problem}; the exported file will not validate until this is edited by hand"
                ));
                value
            }
        };
        out.push(value);
    }
    out
}

/// A note for every name shared by two objects of one list: names are
/// identity, so `validate` refuses the export until one is renamed.
fn duplicate_names<'n>(
    names: impl Iterator<Item = Option<&'n str>>,
    noun: &str,
    address: &str,
    notes: &mut Vec<String>,
) {
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for name in names.flatten() {
        if !seen.insert(name) && reported.insert(name) {
            notes.push(format!(
                "{address} has two {noun} named {name:?}: names are identity in manifests; rename one in Okta and export again"
            ));
        }
    }
}

/// A policy object with its keys in the manifest types' order (`name`,
/// `description`, `default`, `status`, `conditions`, …), read through the
/// kind's manifest type, which also proves that it fits the schema.
fn in_manifest_order(kind: PolicyKind, value: Value) -> Result<Value, String> {
    let mut ordered = match kind {
        PolicyKind::SignOn => through::<sign_on::SignOnPolicy>(value),
        PolicyKind::Password => through::<password::PasswordPolicy>(value),
        PolicyKind::MfaEnroll => through::<mfa_enroll::MfaEnrollPolicy>(value),
        PolicyKind::IdpDiscovery => through::<idp_discovery::IdpDiscoveryPolicy>(value),
        PolicyKind::Access => through::<access::AccessPolicy>(value),
        PolicyKind::ProfileEnrollment => {
            through::<profile_enrollment::ProfileEnrollmentPolicy>(value)
        }
        PolicyKind::EntityRisk => through::<entity_risk::EntityRiskPolicy>(value),
        PolicyKind::PostAuthSession => through::<post_auth_session::PostAuthSessionPolicy>(value),
        PolicyKind::AuthorizationServer => through::<authorization_server::AuthServerPolicy>(value),
    }?;
    // The manifest types always write `rules`; a policy without any reads
    // better without the empty list.
    if let Value::Object(members) = &mut ordered
        && members
            .get("rules")
            .is_some_and(|r| r.as_array().is_some_and(Vec::is_empty))
    {
        members.remove("rules");
    }
    Ok(ordered)
}

fn through<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    let typed: T = serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        format!(
            "`{path}` does not fit the manifest format ({})",
            error.inner()
        )
    })?;
    serde_json::to_value(typed).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::client::Organization;
    use crate::client::wire::{Group, PolicyRule};
    use crate::live::{DirectoryIndex, LivePolicy};

    fn org(policies: Vec<LivePolicy>) -> LiveOrg {
        let groups: Vec<Group> = serde_json::from_value(json!([
            { "id": "00gE", "profile": { "name": "Everyone" } },
            { "id": "00gC", "profile": { "name": "Contractors" } }
        ]))
        .expect("groups");
        let mut directory = DirectoryIndex::default();
        directory.add_groups(&groups);
        LiveOrg {
            organization: Organization {
                id: "00o1".to_owned(),
                engine: Engine::Oie,
            },
            lists: vec![LiveList {
                kind: PolicyKind::SignOn,
                scope: Scope::Org,
                policies,
            }],
            apps: None,
            directory,
        }
    }

    fn live(policy: Value, rules: Value) -> LivePolicy {
        LivePolicy {
            policy: serde_json::from_value(policy).expect("a policy"),
            rules: serde_json::from_value::<Vec<PolicyRule>>(rules).expect("rules"),
        }
    }

    #[test]
    fn leaves_out_what_the_manifest_does_not_model_and_notes_what_it_cannot_express() {
        let live = org(vec![
            live(
                json!({
                    "id": "00p1", "type": "OKTA_SIGN_ON", "name": "Contractors", "status": "ACTIVE",
                    "priority": 1, "system": false, "created": "2026-01-01T00:00:00.000Z",
                    "conditions": { "people": { "groups": { "include": ["00gC"] } }, "futureCondition": { "x": 1 } },
                    "futureMember": true
                }),
                json!([{
                    "id": "0pr1", "type": "SIGN_ON", "name": "New mode", "status": "INACTIVE", "priority": 1,
                    "actions": { "signon": { "access": "ALLOW", "requireFactor": true, "factorPromptMode": "EVERY_FULL_MOON" } }
                }]),
            ),
            live(
                json!({
                    "id": "00p2", "type": "OKTA_SIGN_ON", "name": "Default Policy", "status": "ACTIVE",
                    "priority": 2, "system": true,
                    "conditions": { "people": { "groups": { "include": ["00gE"] } } }
                }),
                json!([]),
            ),
        ]);
        let export = export(&live, &[PolicyKind::SignOn]).expect("an export");
        let [file] = export.files.as_slice() else {
            panic!("one file: {export:?}");
        };
        assert_eq!(
            file.text,
            format!(
                "{}signOnPolicies:
  - name: Contractors
    conditions:
      people:
        groups:
          include: [Contractors]
    rules:
      - name: New mode
        status: INACTIVE
        actions:
          signon:
            requireFactor: true
            factorPromptMode: EVERY_FULL_MOON

  - name: Default Policy
    default: true
",
                header()
            )
        );
        assert_eq!(
            export.notes,
            vec![
                "signOnPolicies[\"Contractors\"]: `rules[0].actions.signon.factorPromptMode` does not fit the manifest format (unknown variant `EVERY_FULL_MOON`, expected one of `ALWAYS`, `DEVICE`, `SESSION`); the exported file will not validate until this is edited by hand"
            ]
        );
    }
}
