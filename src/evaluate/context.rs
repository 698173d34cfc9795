//! A sign-in context: who signs in, from where, to what, on which device.
//! References (groups, zones, apps, user types, IdPs, clients) are plain
//! strings in the same space as the policies being evaluated: names for
//! manifests, IDs for a live org. The caller puts the Everyone group (and
//! the `EVERYONE` literal) into `groups`; see [`Context::with_everyone`].

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The Okta literal that stands for every user in group conditions.
pub const EVERYONE: &str = "EVERYONE";

/// A device platform: `type` (DESKTOP, MOBILE, OTHER) and `os` (IOS,
/// ANDROID, WINDOWS, MACOS, CHROMEOS, LINUX, OTHER).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Platform {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
}

/// What is known about the device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Device {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// Device assurance policies the device satisfies.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub assurances: BTreeSet<String>,
}

impl Device {
    /// Whether nothing is known about the device.
    pub fn is_unknown(&self) -> bool {
        self.registered.is_none() && self.managed.is_none() && self.assurances.is_empty()
    }
}

/// One sign-in (or token request, or enrollment) to evaluate.
///
/// `None` means "not stated": a condition that needs the value is then
/// UNDEFINED rather than guessed, except where Okta's meaning of absence is
/// clear — no user login means a member of `groups` who is not one of the
/// users a rule names; no zones means a network address in no zone; no
/// auth type means a browser sign-in; no IdP means Okta itself; no auth
/// provider means an Okta-sourced user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Context {
    /// The user's login (or ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The user's groups, including Everyone.
    #[serde(default)]
    pub groups: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// The network zones the client's address is in; empty: none.
    #[serde(default)]
    pub zones: BTreeSet<String>,
    /// The app signed in to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    #[serde(default, skip_serializing_if = "Device::is_unknown")]
    pub device: Device,
    /// Okta's risk level for the sign-in: LOW, MEDIUM or HIGH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
    /// Entity risk level: LOW, MEDIUM or HIGH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_risk: Option<String>,
    /// ANY (a browser sign-in), RADIUS or LDAP_INTERFACE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<String>,
    /// The identity provider that authenticated the user; `None`: Okta.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp: Option<String>,
    /// Where the user's password lives: OKTA, ACTIVE_DIRECTORY or LDAP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_provider: Option<String>,
    /// The OAuth client requesting a token (authorization-server policies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_type: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub scopes: BTreeSet<String>,
}

impl Context {
    /// Adds the Everyone group (by `everyone`, its name or ID) and the
    /// `EVERYONE` literal to the groups.
    pub fn with_everyone(mut self, everyone: &str) -> Self {
        self.groups.insert(everyone.to_owned());
        self.groups.insert(EVERYONE.to_owned());
        self
    }

    /// Whether the user is in `group` (a name, ID or the `EVERYONE` literal).
    pub fn in_group(&self, group: &str) -> bool {
        group == EVERYONE || self.groups.contains(group)
    }
}
