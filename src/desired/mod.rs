//! The desired state: the validated manifests turned into Okta-shaped
//! bodies, one ordered list per kind (and per authorization server), each
//! policy and rule with its identity (name, rename, default, status) and
//! where it was written. Bodies still hold names; resolution replaces them
//! with IDs ([`references`]).

pub mod references;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::finding::Location;
use crate::manifest::Ref;
use crate::manifest::common::Status;
use crate::manifest::kind::PolicyKind;
use crate::manifest::policy::ManifestPolicy;
use crate::manifest::set::{Located, ManifestSet};
use crate::manifest::source::FileId;

/// Keys of a manifest policy or rule that are oktapol's, not Okta's body.
const IDENTITY_KEYS: &[&str] = &[
    "name",
    "default",
    "renamedFrom",
    "priority",
    "status",
    "rules",
    "apps",
];

/// Where an object is written: a file and a JSON pointer in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    pub pointer: String,
}

impl Origin {
    /// The finding location of `sub` (a pointer under this object).
    pub fn at(&self, sub: &str) -> Location {
        Location::node(self.file, format!("{}{sub}", self.pointer))
    }
}

/// A policy or rule as the manifests want it.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredObject {
    pub name: String,
    pub renamed_from: Option<String>,
    /// Okta's default policy / default (catch-all) rule.
    pub default: bool,
    pub active: bool,
    pub origin: Origin,
    /// Okta-shaped managed fields: `description`, `conditions`, `settings`
    /// (policies) or `conditions`, `actions` (rules).
    pub body: Map<String, Value>,
}

/// A desired policy with its rules and app mappings.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredPolicy {
    pub object: DesiredObject,
    pub rules: Vec<DesiredObject>,
    /// Apps to map to the policy (access and profile enrollment); `None`
    /// when `apps:` is absent.
    pub apps: Option<Vec<AppRef>>,
}

/// An app listed under a policy's `apps:`.
#[derive(Debug, Clone, PartialEq)]
pub struct AppRef {
    /// The label (or `id:`) as written.
    pub reference: Ref,
    /// Where it is written.
    pub origin: Origin,
    /// The app's ID, once resolved.
    pub id: Option<String>,
}

/// One ordered list of policies: a kind, or one authorization server's.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredList {
    pub kind: PolicyKind,
    /// The authorization server (by reference) and where it is written.
    pub server: Option<(Ref, Origin)>,
    /// The authorization server's ID, once resolved.
    pub server_id: Option<String>,
    /// In priority order.
    pub policies: Vec<DesiredPolicy>,
}

/// Everything the manifests want.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Desired {
    /// The kinds whose key appears in some file.
    pub managed: Vec<PolicyKind>,
    pub lists: Vec<DesiredList>,
}

impl Desired {
    /// Builds the desired state from validated manifests.
    pub fn from_set(set: &ManifestSet) -> Desired {
        let managed: Vec<PolicyKind> = set.managed_kinds().into_iter().collect();
        let mut lists = Vec::new();
        let mut push = |kind: PolicyKind, policies: Vec<DesiredPolicy>| {
            if managed.contains(&kind) {
                lists.push(DesiredList {
                    kind,
                    server: None,
                    server_id: None,
                    policies,
                });
            }
        };
        push(
            PolicyKind::SignOn,
            policies(set.policies(|m| m.sign_on_policies.as_ref())),
        );
        push(
            PolicyKind::Password,
            policies(set.policies(|m| m.password_policies.as_ref())),
        );
        push(
            PolicyKind::MfaEnroll,
            policies(set.policies(|m| m.mfa_enroll_policies.as_ref())),
        );
        push(
            PolicyKind::IdpDiscovery,
            policies(set.policies(|m| m.idp_discovery_policies.as_ref())),
        );
        push(
            PolicyKind::Access,
            policies(set.policies(|m| m.access_policies.as_ref())),
        );
        push(
            PolicyKind::ProfileEnrollment,
            policies(set.policies(|m| m.profile_enrollment_policies.as_ref())),
        );
        push(
            PolicyKind::EntityRisk,
            policies(set.policies(|m| m.entity_risk_policies.as_ref())),
        );
        push(
            PolicyKind::PostAuthSession,
            policies(set.policies(|m| m.post_auth_session_policies.as_ref())),
        );
        for (_, located) in set.authorization_server_policies() {
            let Some(first) = located.first() else {
                continue;
            };
            let server_pointer = first
                .pointer
                .rsplit_once("/policies/")
                .map_or_else(String::new, |(server, _)| format!("{server}/server"));
            let server = server_of(set, first.file, &first.pointer);
            lists.push(DesiredList {
                kind: PolicyKind::AuthorizationServer,
                server: server.map(|server| {
                    (
                        server,
                        Origin {
                            file: first.file,
                            pointer: server_pointer,
                        },
                    )
                }),
                server_id: None,
                policies: policies(located),
            });
        }
        // Servers listed with no policies still opt their list in.
        for document in &set.documents {
            for (index, server) in document
                .manifest
                .authorization_servers
                .iter()
                .flatten()
                .enumerate()
            {
                let known = lists
                    .iter()
                    .any(|l| l.server.as_ref().is_some_and(|(s, _)| s == &server.server));
                if !known {
                    lists.push(DesiredList {
                        kind: PolicyKind::AuthorizationServer,
                        server: Some((
                            server.server.clone(),
                            Origin {
                                file: document.file,
                                pointer: format!("/authorizationServers/{index}/server"),
                            },
                        )),
                        server_id: None,
                        policies: Vec::new(),
                    });
                }
            }
        }
        Desired { managed, lists }
    }
}

/// The server reference of the authorization server entry holding `pointer`.
fn server_of(set: &ManifestSet, file: FileId, pointer: &str) -> Option<Ref> {
    let index: usize = pointer.split('/').nth(2)?.parse().ok()?;
    let document = set.documents.iter().find(|d| d.file == file)?;
    let servers = document.manifest.authorization_servers.as_ref()?;
    servers.get(index).map(|s| s.server.clone())
}

/// A kind's policies in priority order: by `priority:` sort key when every
/// policy has one, otherwise as listed.
fn policies<P: ManifestPolicy + Serialize>(located: Vec<Located<'_, P>>) -> Vec<DesiredPolicy> {
    let mut out: Vec<(Option<i64>, DesiredPolicy)> = located
        .into_iter()
        .filter_map(|located| {
            let value = serde_json::to_value(located.policy).ok()?;
            let origin = Origin {
                file: located.file,
                pointer: located.pointer.clone(),
            };
            let sort = located.policy.identity().priority;
            Some((sort, policy(value, origin)))
        })
        .collect();
    if out.iter().all(|(sort, _)| sort.is_some()) {
        out.sort_by_key(|(sort, _)| *sort);
    }
    out.into_iter().map(|(_, policy)| policy).collect()
}

fn policy(value: Value, origin: Origin) -> DesiredPolicy {
    let Value::Object(mut map) = value else {
        return DesiredPolicy {
            object: object(Map::new(), origin),
            rules: Vec::new(),
            apps: None,
        };
    };
    let rules_value = map.remove("rules");
    let apps = map.remove("apps").and_then(|apps| {
        let apps = apps.as_array()?.clone();
        Some(
            apps.into_iter()
                .enumerate()
                .filter_map(|(index, app)| {
                    Some(AppRef {
                        reference: Ref::new(app.as_str()?),
                        origin: Origin {
                            file: origin.file,
                            pointer: format!("{}/apps/{index}", origin.pointer),
                        },
                        id: None,
                    })
                })
                .collect(),
        )
    });
    let mut rules: Vec<(Option<i64>, DesiredObject)> = rules_value
        .and_then(|rules| rules.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(index, rule)| {
            let Value::Object(rule) = rule else {
                return None;
            };
            let sort = rule.get("priority").and_then(Value::as_i64);
            let origin = Origin {
                file: origin.file,
                pointer: format!("{}/rules/{index}", origin.pointer),
            };
            Some((sort, object(rule, origin)))
        })
        .collect();
    if rules.iter().all(|(sort, _)| sort.is_some()) {
        rules.sort_by_key(|(sort, _)| *sort);
    }
    DesiredPolicy {
        object: object(map, origin),
        rules: rules.into_iter().map(|(_, rule)| rule).collect(),
        apps,
    }
}

fn object(mut map: Map<String, Value>, origin: Origin) -> DesiredObject {
    let text = |map: &Map<String, Value>, key: &str| {
        map.get(key).and_then(Value::as_str).map(str::to_owned)
    };
    let name = text(&map, "name").unwrap_or_default();
    let renamed_from = text(&map, "renamedFrom");
    let default = map.get("default").and_then(Value::as_bool) == Some(true);
    let active = map
        .get("status")
        .cloned()
        .and_then(|status| serde_json::from_value::<Status>(status).ok())
        .is_none_or(|status| status == Status::Active);
    for key in IDENTITY_KEYS {
        map.remove(*key);
    }
    DesiredObject {
        name,
        renamed_from,
        default,
        active,
        origin,
        body: map,
    }
}
