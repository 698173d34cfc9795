//! The directory objects policies refer to — groups, users, zones, apps,
//! identity providers, authenticators, user types, inline hooks and
//! authorization servers — with the built-ins every Okta org has (the
//! Everyone group, the `default` authorization server, Okta's own
//! authenticators, the `user` type) and the look-ups the Management API
//! offers for them.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::ids::IdGenerator;
use super::seed::Seed;
use crate::client::wire::{
    Application, Authenticator, AuthorizationServer, Group, IdentityProvider, InlineHook,
    NetworkZone, User, UserType,
};

/// Every directory object of an org.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Directory {
    pub groups: Vec<Group>,
    pub users: Vec<User>,
    pub zones: Vec<NetworkZone>,
    pub apps: Vec<Application>,
    pub idps: Vec<IdentityProvider>,
    pub authenticators: Vec<Authenticator>,
    pub user_types: Vec<UserType>,
    pub hooks: Vec<InlineHook>,
    pub auth_servers: Vec<AuthorizationServer>,
    /// Group memberships: (user id, group id).
    #[serde(default)]
    pub memberships: Vec<(String, String)>,
}

fn object<T: serde::de::DeserializeOwned + Default>(value: Value) -> T {
    serde_json::from_value(value).unwrap_or_default()
}

impl Directory {
    /// The objects every Okta org starts with.
    pub fn builtin(ids: &mut IdGenerator) -> Directory {
        let mut directory = Directory::default();
        directory.groups.push(object(json!({
            "id": ids.next("00g"), "type": "BUILT_IN",
            "profile": { "name": "Everyone", "description": "All users in your organization" }
        })));
        directory.user_types.push(object(json!({
            "id": ids.next("oty"), "name": "user", "displayName": "User", "default": true
        })));
        for (key, name, kind) in [
            ("okta_password", "Password", "password"),
            ("okta_email", "Email", "email"),
            ("okta_verify", "Okta Verify", "app"),
            ("phone_number", "Phone", "phone"),
            (
                "security_question",
                "Security Question",
                "security_question",
            ),
            ("webauthn", "Security Key or Biometric", "security_key"),
            ("google_otp", "Google Authenticator", "app"),
        ] {
            directory.authenticators.push(object(json!({
                "id": ids.next("aut"), "key": key, "name": name, "type": kind, "status": "ACTIVE"
            })));
        }
        directory.auth_servers.push(object(json!({
            "id": "default", "name": "default", "description": "Default Authorization Server",
            "audiences": ["api://default"], "status": "ACTIVE"
        })));
        directory
    }

    /// Adds a seed's objects, assigning IDs.
    pub fn add_seed(&mut self, seed: &Seed, ids: &mut IdGenerator) {
        for group in &seed.groups {
            self.groups.push(object(json!({
                "id": ids.next("00g"), "type": "OKTA_GROUP",
                "profile": { "name": group.name, "description": group.description }
            })));
        }
        for user in &seed.users {
            let id = ids.next("00u");
            self.users.push(object(json!({
                "id": id, "status": "ACTIVE",
                "profile": { "login": user.login, "email": user.login,
                             "firstName": user.first_name, "lastName": user.last_name }
            })));
            for name in &user.groups {
                if let Some(group) = self.group_named(name).and_then(|g| g.id.clone()) {
                    self.memberships.push((id.clone(), group));
                }
            }
        }
        for zone in &seed.zones {
            let gateways: Vec<Value> = zone
                .gateways
                .iter()
                .map(|g| json!({ "type": "CIDR", "value": g }))
                .collect();
            self.zones.push(object(json!({
                "id": ids.next("nzo"), "name": zone.name, "type": zone.kind.as_deref().unwrap_or("IP"),
                "status": "ACTIVE", "gateways": gateways
            })));
        }
        for app in &seed.apps {
            self.apps.push(object(json!({
                "id": ids.next("0oa"), "label": app.label,
                "name": app.name.as_deref().unwrap_or("oidc_client"),
                "signOnMode": app.sign_on_mode.as_deref().unwrap_or("OPENID_CONNECT"),
                "status": "ACTIVE"
            })));
        }
        for idp in &seed.identity_providers {
            self.idps.push(object(json!({
                "id": ids.next("0oa"), "name": idp.name, "type": idp.kind, "status": "ACTIVE"
            })));
        }
        for authenticator in &seed.authenticators {
            if !self
                .authenticators
                .iter()
                .any(|a| a.key.as_deref() == Some(authenticator.key.as_str()))
            {
                self.authenticators.push(object(json!({
                    "id": ids.next("aut"), "key": authenticator.key, "name": authenticator.name, "status": "ACTIVE"
                })));
            }
        }
        for user_type in &seed.user_types {
            self.user_types.push(object(json!({
                "id": ids.next("oty"), "name": user_type.name,
                "displayName": user_type.display_name.as_deref().unwrap_or(&user_type.name), "default": false
            })));
        }
        for hook in &seed.inline_hooks {
            self.hooks.push(object(json!({
                "id": ids.next("cal"), "name": hook.name, "type": hook.kind, "status": "ACTIVE"
            })));
        }
        for server in &seed.authorization_servers {
            self.auth_servers.push(object(json!({
                "id": ids.next("aus"), "name": server.name, "description": server.description,
                "audiences": server.audiences, "status": "ACTIVE"
            })));
        }
    }

    /// The group with this name.
    pub fn group_named(&self, name: &str) -> Option<&Group> {
        self.groups
            .iter()
            .find(|g| g.profile.as_ref().and_then(|p| p.name.as_deref()) == Some(name))
    }

    /// Groups whose name starts with `q` (Okta's `q` search), all when `None`.
    pub fn groups_matching(&self, q: Option<&str>) -> Vec<Group> {
        self.groups
            .iter()
            .filter(|g| {
                q.is_none_or(|q| {
                    g.profile
                        .as_ref()
                        .and_then(|p| p.name.as_deref())
                        .is_some_and(|name| name.to_lowercase().starts_with(&q.to_lowercase()))
                })
            })
            .cloned()
            .collect()
    }

    /// A user by ID or login.
    pub fn user(&self, id_or_login: &str) -> Option<&User> {
        self.users.iter().find(|u| {
            u.id.as_deref() == Some(id_or_login)
                || u.profile.as_ref().and_then(|p| p.login.as_deref()) == Some(id_or_login)
        })
    }

    /// Apps whose label starts with `q`, all when `None`.
    pub fn apps_matching(&self, q: Option<&str>) -> Vec<Application> {
        self.apps
            .iter()
            .filter(|a| {
                q.is_none_or(|q| {
                    a.label
                        .as_deref()
                        .is_some_and(|l| l.to_lowercase().starts_with(&q.to_lowercase()))
                })
            })
            .cloned()
            .collect()
    }

    /// Whether an object of the named collection has this ID.
    pub fn has(&self, collection: Collection, id: &str) -> bool {
        let some = |found: Option<&String>| found.is_some_and(|x| x == id);
        match collection {
            Collection::Groups => self.groups.iter().any(|o| some(o.id.as_ref())),
            Collection::Users => self.users.iter().any(|o| some(o.id.as_ref())),
            Collection::Zones => self.zones.iter().any(|o| some(o.id.as_ref())),
            Collection::Apps => self.apps.iter().any(|o| some(o.id.as_ref())),
            Collection::Idps => self.idps.iter().any(|o| some(o.id.as_ref())),
            Collection::UserTypes => self.user_types.iter().any(|o| some(o.id.as_ref())),
            Collection::Hooks => self.hooks.iter().any(|o| some(o.id.as_ref())),
        }
    }
}

/// The directory collections that policies reference by ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Groups,
    Users,
    Zones,
    Apps,
    Idps,
    UserTypes,
    Hooks,
}

impl Collection {
    /// The noun used in error causes.
    pub fn noun(self) -> &'static str {
        match self {
            Collection::Groups => "group",
            Collection::Users => "user",
            Collection::Zones => "network zone",
            Collection::Apps => "app",
            Collection::Idps => "identity provider",
            Collection::UserTypes => "user type",
            Collection::Hooks => "inline hook",
        }
    }
}
