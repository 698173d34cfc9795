//! A case as a simulation request. The case names things as the manifests
//! do; Okta wants IDs: the app (by label) becomes `appInstance`, the user
//! (by login, looked up beforehand) `policyContext.user.id` — or, without a
//! user, the case's groups (by name, with Everyone) `groups.ids` — the
//! zones (by name) `zones.ids`, and the platform, device and risk level go
//! as they are. Okta's simulation has no place for the rest of a case's
//! context (user type, auth type, IdP, …): each is named in a note.

use std::collections::BTreeMap;

use crate::cases::{Case, EVERYONE_GROUP, Target};
use crate::client::wire::{
    Application, Field, Group, NetworkZone, PolicyContext, PolicyType, SimulateDevice, SimulateIds,
    SimulateRequest, SimulateRisk, SimulateUser,
};
use crate::desired::references::Collection;
use crate::evaluate::{Context, PolicySet};
use crate::live::DirectoryIndex;
use crate::manifest::kind::PolicyKind;
use crate::manifest::reference::ID_PREFIX;
use crate::spelling::closest;

/// The kinds Okta simulates, in the order Okta answers.
pub const SIMULATED_KINDS: [PolicyKind; 4] = [
    PolicyKind::SignOn,
    PolicyKind::MfaEnroll,
    PolicyKind::Access,
    PolicyKind::ProfileEnrollment,
];

/// The kinds to simulate for a case: those it expects something of (an
/// app sign-in needs sign-on and access) and those the manifests have,
/// so Okta's answer can be compared with them.
pub fn simulated_kinds(case: &Case, set: &PolicySet) -> Vec<PolicyKind> {
    SIMULATED_KINDS
        .into_iter()
        .filter(|kind| {
            set.has(*kind)
                || case.expect.iter().any(|e| {
                    e.target == Target::Kind(*kind)
                        || (e.target == Target::AppSignIn
                            && matches!(kind, PolicyKind::SignOn | PolicyKind::Access))
                })
        })
        .collect()
}

/// What the case becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Prepared {
    /// The request to send, and what Okta could not be told.
    Send {
        request: Box<SimulateRequest>,
        notes: Vec<String>,
    },
    /// Okta cannot simulate the case, and why.
    NotSimulatable(String),
    /// Names the org does not have (or has more than once), each in words.
    Unresolved(Vec<String>),
}

/// One directory object: its name and ID.
/// The org's apps, groups and zones by name (the index `plan` resolves
/// manifests with), for turning a case's names into IDs.
#[derive(Debug, Clone, Default)]
pub struct OrgNames {
    directory: DirectoryIndex,
    /// The built-in Everyone group's ID.
    everyone: Option<String>,
}

impl OrgNames {
    /// From the lists the org returned.
    pub fn new(apps: &[Application], groups: &[Group], zones: &[NetworkZone]) -> OrgNames {
        let mut directory = DirectoryIndex::default();
        directory.add_apps(apps);
        directory.add_groups(groups);
        directory.add_zones(zones);
        OrgNames {
            directory,
            everyone: groups
                .iter()
                .find(|g| g.kind.as_deref() == Some("BUILT_IN"))
                .and_then(|g| g.id.clone()),
        }
    }

    /// `id:…` as written, else the one object of `collection` named
    /// `written`; otherwise why not, in words.
    fn resolve(&self, collection: Collection, written: &str) -> Result<String, String> {
        if let Some(id) = written.strip_prefix(ID_PREFIX) {
            return Ok(id.trim().to_owned());
        }
        let noun = collection.noun();
        match self.directory.lookup(collection, written) {
            [one] => Ok(one.id.clone()),
            [] => {
                let mut message = format!("the org has no {noun} named {written:?}");
                let names = self.directory.entries(collection).iter();
                if let Some(close) = closest(written, names.map(|e| e.name.as_str())) {
                    message.push_str(&format!(" (did you mean {close:?}?)"));
                }
                Err(message)
            }
            several => Err(format!(
                "the org has {} {noun}s named {written:?} ({}); write `id:…` in the case",
                several.len(),
                several
                    .iter()
                    .map(|e| e.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

/// Okta's `device.platform` for a case's platform: the OS (`IOS`,
/// `ANDROID`, `WINDOWS`, `MACOS`, `CHROMEOS`, `LINUX`), or `OTHER`.
fn platform(context: &Context) -> Result<Option<String>, String> {
    let Some(platform) = &context.platform else {
        return Ok(None);
    };
    match platform.os.as_deref().map(str::to_ascii_uppercase) {
        Some(os) if os == "OSX" => Ok(Some("MACOS".to_owned())),
        Some(os) => Ok(Some(os)),
        None if platform.kind.eq_ignore_ascii_case("OTHER") => Ok(Some("OTHER".to_owned())),
        None => Err(format!(
            "platform type {} without an OS (Okta's simulation takes an OS such as IOS or WINDOWS)",
            platform.kind
        )),
    }
}

/// The context keys Okta's simulation has no place for, as the case writes them.
fn unsendable(context: &Context) -> Vec<&'static str> {
    let mut keys = Vec::new();
    let mut check = |set: bool, key| {
        if set {
            keys.push(key);
        }
    };
    check(context.user_type.is_some(), "userType");
    check(context.entity_risk.is_some(), "entityRisk");
    check(context.auth_type.is_some(), "authType");
    check(context.idp.is_some(), "idp");
    check(context.auth_provider.is_some(), "authProvider");
    check(context.client.is_some(), "client");
    check(context.grant_type.is_some(), "grantType");
    check(!context.scopes.is_empty(), "scopes");
    keys
}

/// The request for `case`, simulating `kinds`. `users` maps each login
/// the cases name to its user ID (`None`: no such user).
pub fn prepare(
    case: &Case,
    kinds: &[PolicyKind],
    names: &OrgNames,
    users: &BTreeMap<String, Option<String>>,
) -> Prepared {
    let context = &case.context;
    let Some(app) = context.app.as_deref() else {
        return Prepared::NotSimulatable(
            "the case gives no app, and Okta simulates a sign-in to an app (`appInstance`)"
                .to_owned(),
        );
    };
    let mut unresolved = Vec::new();
    let mut notes = Vec::new();
    let app_id = names
        .resolve(Collection::Apps, app)
        .unwrap_or_else(|error| {
            unresolved.push(error);
            String::new()
        });

    let mut policy_context = PolicyContext::default();
    match context.user.as_deref() {
        Some(login) => {
            let Some(Some(id)) = users.get(login) else {
                return Prepared::NotSimulatable(format!(
                    "the org has no user {login:?}, and Okta simulates existing users only"
                ));
            };
            policy_context.user = Some(SimulateUser {
                id: Some(id.clone()),
                ..SimulateUser::default()
            });
            notes.push(if context.groups.is_empty() {
                format!(
                    "Okta uses the groups {login} is in; the case gives none, so the manifests are evaluated for a member of Everyone only"
                )
            } else {
                format!(
                    "Okta uses the groups {login} is in; the manifests are evaluated with the case's groups ({})",
                    context.groups.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            });
        }
        None => {
            let mut ids: Vec<String> = names.everyone.iter().cloned().collect();
            for group in context.groups.iter().filter(|g| *g != EVERYONE_GROUP) {
                match names.resolve(Collection::Groups, group) {
                    Ok(id) if !ids.contains(&id) => ids.push(id),
                    Ok(_) => {}
                    Err(error) => unresolved.push(error),
                }
            }
            policy_context.groups = Some(SimulateIds {
                ids,
                ..SimulateIds::default()
            });
        }
    }
    if !context.zones.is_empty() {
        let mut ids = Vec::new();
        for zone in &context.zones {
            match names.resolve(Collection::Zones, zone) {
                Ok(id) => ids.push(id),
                Err(error) => unresolved.push(error),
            }
        }
        policy_context.zones = Some(SimulateIds {
            ids,
            ..SimulateIds::default()
        });
    }
    if let Some(level) = &context.risk {
        policy_context.risk = Some(SimulateRisk {
            level: Some(level.to_ascii_uppercase()),
            ..SimulateRisk::default()
        });
    }
    let mut device = SimulateDevice {
        registered: context.device.registered,
        managed: context.device.managed,
        ..SimulateDevice::default()
    };
    match platform(context) {
        Ok(platform) => device.platform = platform,
        Err(why) => notes.push(format!("not sent to Okta: {why}")),
    }
    let assurances: Vec<&String> = context.device.assurances.iter().collect();
    match assurances.as_slice() {
        [] => {}
        [one] if one.starts_with("id:") => {
            device.assurance_id = one.strip_prefix("id:").map(|id| id.trim().to_owned());
        }
        _ => notes.push(
            "not sent to Okta: device assurances (it takes one, as `id:…`, since assurance policies have no name look-up)"
                .to_owned(),
        ),
    }
    if device != SimulateDevice::default() {
        policy_context.device = Some(device);
    }
    let unsent = unsendable(context);
    if !unsent.is_empty() {
        notes.push(format!(
            "not part of Okta's simulation, so not sent: {}",
            unsent.join(", ")
        ));
    }
    if !unresolved.is_empty() {
        return Prepared::Unresolved(unresolved);
    }
    Prepared::Send {
        request: Box::new(SimulateRequest {
            policy_types: Field::Value(
                kinds
                    .iter()
                    .map(|kind| PolicyType::from(kind.okta_type()))
                    .collect(),
            ),
            app_instance: Some(app_id),
            policy_context: Some(policy_context),
            other: Default::default(),
        }),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::cases::SourceLocation;
    use crate::evaluate::Platform;

    fn names() -> OrgNames {
        let apps: Vec<Application> =
            serde_json::from_value(json!([{ "id": "0oa1", "label": "Workday" }])).expect("apps");
        let groups: Vec<Group> = serde_json::from_value(json!([
            { "id": "00g0", "type": "BUILT_IN", "profile": { "name": "Everyone" } },
            { "id": "00g1", "profile": { "name": "Contractors" } },
            { "id": "00g2", "profile": { "name": "Twins" } },
            { "id": "00g3", "profile": { "name": "Twins" } }
        ]))
        .expect("groups");
        let zones: Vec<NetworkZone> =
            serde_json::from_value(json!([{ "id": "nzo1", "name": "Corporate Network" }]))
                .expect("zones");
        OrgNames::new(&apps, &groups, &zones)
    }

    fn case(context: Context) -> Case {
        Case {
            name: "c".into(),
            description: None,
            context,
            expect: Vec::new(),
            location: SourceLocation {
                file: "cases.yaml".into(),
                line: 1,
                column: 1,
            },
        }
    }

    fn request(prepared: Prepared) -> (serde_json::Value, Vec<String>) {
        match prepared {
            Prepared::Send { request, notes } => {
                (serde_json::to_value(&request).expect("JSON"), notes)
            }
            other => panic!("not sent: {other:?}"),
        }
    }

    #[test]
    fn groups_zones_device_and_risk_become_ids_and_values() {
        let mut context = Context {
            app: Some("Workday".into()),
            risk: Some("high".into()),
            platform: Some(Platform {
                kind: "DESKTOP".into(),
                os: Some("OSX".into()),
            }),
            ..Context::default()
        };
        context.groups.insert("Contractors".into());
        context.zones.insert("Corporate Network".into());
        context.device.managed = Some(true);
        context.auth_type = Some("RADIUS".into());
        let (body, notes) = request(prepare(
            &case(context),
            &[PolicyKind::SignOn, PolicyKind::Access],
            &names(),
            &BTreeMap::new(),
        ));
        assert_eq!(
            body,
            json!({
                "policyTypes": ["OKTA_SIGN_ON", "ACCESS_POLICY"],
                "appInstance": "0oa1",
                "policyContext": {
                    "groups": { "ids": ["00g0", "00g1"] },
                    "zones": { "ids": ["nzo1"] },
                    "risk": { "level": "HIGH" },
                    "device": { "platform": "MACOS", "managed": true }
                }
            })
        );
        assert_eq!(
            notes,
            ["not part of Okta's simulation, so not sent: authType"]
        );
    }

    #[test]
    fn a_user_is_sent_by_id_and_their_groups_come_from_the_org() {
        let mut context = Context {
            app: Some("id:0oa9".into()),
            user: Some("carl@contractor.example".into()),
            ..Context::default()
        };
        context.groups.insert("Contractors".into());
        let users = BTreeMap::from([(
            "carl@contractor.example".to_owned(),
            Some("00u1".to_owned()),
        )]);
        let (body, notes) = request(prepare(
            &case(context),
            &[PolicyKind::SignOn],
            &names(),
            &users,
        ));
        assert_eq!(body["appInstance"], "0oa9");
        assert_eq!(body["policyContext"], json!({ "user": { "id": "00u1" } }));
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn what_okta_cannot_simulate_and_what_the_org_lacks() {
        let no_app = prepare(&case(Context::default()), &[], &names(), &BTreeMap::new());
        assert!(matches!(no_app, Prepared::NotSimulatable(ref why) if why.contains("no app")));

        let ghost = Context {
            app: Some("Workday".into()),
            user: Some("ghost@acme.com".into()),
            ..Context::default()
        };
        let users = BTreeMap::from([("ghost@acme.com".to_owned(), None)]);
        let missing = prepare(&case(ghost), &[PolicyKind::SignOn], &names(), &users);
        assert!(
            matches!(missing, Prepared::NotSimulatable(ref why) if why.contains("ghost@acme.com"))
        );

        let mut unknown = Context {
            app: Some("Workdya".into()),
            ..Context::default()
        };
        unknown.groups.insert("Twins".into());
        unknown.zones.insert("Office".into());
        assert_eq!(
            prepare(
                &case(unknown),
                &[PolicyKind::SignOn],
                &names(),
                &BTreeMap::new()
            ),
            Prepared::Unresolved(vec![
                "the org has no app named \"Workdya\" (did you mean \"Workday\"?)".to_owned(),
                "the org has 2 groups named \"Twins\" (00g2, 00g3); write `id:…` in the case"
                    .to_owned(),
                "the org has no network zone named \"Office\"".to_owned(),
            ])
        );
    }
}
