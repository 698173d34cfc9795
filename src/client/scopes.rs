//! Okta's OAuth 2.0 scopes for the Management API, as far as oktapol uses
//! it: which scope each API path needs ([`required`]), and a set of
//! scopes ([`ScopeSet`]) — what a command requests for its access token,
//! what a service app is granted, what a token carries. A `manage` scope
//! also allows reading, as it does at Okta (`okta.groups.read` *or*
//! `okta.groups.manage` reads groups). The same table drives the client's
//! explanation of a 403 and the emulator's enforcement.

use std::collections::BTreeSet;
use std::fmt;

use reqwest::Method;

/// An Okta API resource family with a `read` / `manage` scope pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resource {
    Policies,
    AuthorizationServers,
    Apps,
    Groups,
    Users,
    NetworkZones,
    Idps,
    Authenticators,
    UserTypes,
    InlineHooks,
}

impl Resource {
    /// Every family, in the order scopes are listed.
    pub const ALL: [Resource; 10] = [
        Resource::Policies,
        Resource::AuthorizationServers,
        Resource::Apps,
        Resource::Groups,
        Resource::Users,
        Resource::NetworkZones,
        Resource::Idps,
        Resource::Authenticators,
        Resource::UserTypes,
        Resource::InlineHooks,
    ];

    /// The middle part of the scope name, as Okta spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Resource::Policies => "policies",
            Resource::AuthorizationServers => "authorizationServers",
            Resource::Apps => "apps",
            Resource::Groups => "groups",
            Resource::Users => "users",
            Resource::NetworkZones => "networkZones",
            Resource::Idps => "idps",
            Resource::Authenticators => "authenticators",
            Resource::UserTypes => "userTypes",
            Resource::InlineHooks => "inlineHooks",
        }
    }

    /// The `read` scope of this family.
    pub const fn read(self) -> ApiScope {
        ApiScope {
            resource: self,
            access: Access::Read,
        }
    }

    /// The `manage` scope of this family.
    pub const fn manage(self) -> ApiScope {
        ApiScope {
            resource: self,
            access: Access::Manage,
        }
    }
}

/// Reading, or changing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    Read,
    Manage,
}

/// One Okta API scope, e.g. `okta.policies.read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiScope {
    pub resource: Resource,
    pub access: Access,
}

impl fmt::Display for ApiScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let access = match self.access {
            Access::Read => "read",
            Access::Manage => "manage",
        };
        write!(f, "okta.{}.{access}", self.resource.name())
    }
}

/// The scope a request needs: `None` for paths that need none
/// (`/.well-known/…`, the token endpoint) or that the table does not know.
/// Reads need the `read` scope (or `manage`); every other method the
/// `manage` scope — except policy simulation, a POST that only reads.
pub fn required(method: &Method, path: &str) -> Option<ApiScope> {
    const PREFIXES: [(&str, Resource); 10] = [
        ("/api/v1/policies", Resource::Policies),
        (
            "/api/v1/authorizationServers",
            Resource::AuthorizationServers,
        ),
        ("/api/v1/apps", Resource::Apps),
        ("/api/v1/groups", Resource::Groups),
        ("/api/v1/users", Resource::Users),
        ("/api/v1/zones", Resource::NetworkZones),
        ("/api/v1/idps", Resource::Idps),
        ("/api/v1/authenticators", Resource::Authenticators),
        ("/api/v1/meta/types/user", Resource::UserTypes),
        ("/api/v1/inlineHooks", Resource::InlineHooks),
    ];
    let resource = PREFIXES.iter().find_map(|(prefix, resource)| {
        let rest = path.strip_prefix(prefix)?;
        (rest.is_empty() || rest.starts_with('/')).then_some(*resource)
    })?;
    let reads = *method == Method::GET
        || *method == Method::HEAD
        || (resource == Resource::Policies && path == "/api/v1/policies/simulate");
    Some(if reads {
        resource.read()
    } else {
        resource.manage()
    })
}

/// A set of scope names. Names oktapol has no [`ApiScope`] for (from
/// `OKTA_SCOPES`, or granted to an emulated app) are kept as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet(BTreeSet<String>);

impl ScopeSet {
    /// No scopes.
    pub fn new() -> Self {
        Self::default()
    }

    /// The set of a space-separated list (OAuth's `scope` parameter).
    pub fn parse(list: &str) -> Self {
        ScopeSet(list.split_whitespace().map(str::to_owned).collect())
    }

    /// Every `read` scope oktapol can use: the set of a command that
    /// declared nothing narrower.
    pub fn all_reads() -> Self {
        Resource::ALL.into_iter().map(Resource::read).collect()
    }

    /// Adds a scope.
    pub fn insert(&mut self, scope: ApiScope) {
        self.0.insert(scope.to_string());
    }

    /// Adds every scope of `other`.
    pub fn extend(&mut self, other: &ScopeSet) {
        self.0.extend(other.0.iter().cloned());
    }

    /// Whether the scope's name is in the set.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    /// Whether a token with these scopes may make a request that needs
    /// `scope` (`manage` covers `read`).
    pub fn allows(&self, scope: ApiScope) -> bool {
        self.contains(&scope.to_string())
            || (scope.access == Access::Read && self.contains(&scope.resource.manage().to_string()))
    }

    /// Whether every scope of `other` is in this set.
    pub fn covers(&self, other: &ScopeSet) -> bool {
        other.0.is_subset(&self.0)
    }

    /// The scopes of this set that `granted` lacks.
    pub fn missing_from(&self, granted: &ScopeSet) -> ScopeSet {
        ScopeSet(self.0.difference(&granted.0).cloned().collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl FromIterator<ApiScope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = ApiScope>>(iter: I) -> Self {
        ScopeSet(iter.into_iter().map(|scope| scope.to_string()).collect())
    }
}

/// Space-separated, as OAuth's `scope` parameter.
impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().collect();
        f.write_str(&names.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_needs_its_familys_scope() {
        let cases = [
            ("GET", "/api/v1/policies", Some("okta.policies.read")),
            ("POST", "/api/v1/policies", Some("okta.policies.manage")),
            (
                "POST",
                "/api/v1/policies/00p1/lifecycle/activate",
                Some("okta.policies.manage"),
            ),
            (
                "POST",
                "/api/v1/policies/simulate",
                Some("okta.policies.read"),
            ),
            (
                "DELETE",
                "/api/v1/policies/00p1/rules/0pr1",
                Some("okta.policies.manage"),
            ),
            ("GET", "/api/v1/apps", Some("okta.apps.read")),
            (
                "PUT",
                "/api/v1/apps/0oa1/policies/rst1",
                Some("okta.apps.manage"),
            ),
            ("GET", "/api/v1/groups", Some("okta.groups.read")),
            (
                "GET",
                "/api/v1/users/ann@example.com",
                Some("okta.users.read"),
            ),
            ("GET", "/api/v1/zones", Some("okta.networkZones.read")),
            ("GET", "/api/v1/idps", Some("okta.idps.read")),
            (
                "GET",
                "/api/v1/authenticators",
                Some("okta.authenticators.read"),
            ),
            (
                "GET",
                "/api/v1/meta/types/user",
                Some("okta.userTypes.read"),
            ),
            ("GET", "/api/v1/inlineHooks", Some("okta.inlineHooks.read")),
            (
                "GET",
                "/api/v1/authorizationServers/aus1/policies",
                Some("okta.authorizationServers.read"),
            ),
            (
                "PUT",
                "/api/v1/authorizationServers/aus1/policies/00p1",
                Some("okta.authorizationServers.manage"),
            ),
            ("GET", "/.well-known/okta-organization", None),
            ("POST", "/oauth2/v1/token", None),
            ("GET", "/api/v1/policiesX", None),
        ];
        for (method, path, scope) in cases {
            let method = Method::from_bytes(method.as_bytes()).expect("a method");
            assert_eq!(
                required(&method, path).map(|s| s.to_string()).as_deref(),
                scope,
                "{method} {path}"
            );
        }
    }

    #[test]
    fn manage_covers_read_but_not_the_reverse() {
        let granted = ScopeSet::parse("okta.groups.manage okta.policies.read");
        assert!(granted.allows(Resource::Groups.read()));
        assert!(granted.allows(Resource::Groups.manage()));
        assert!(granted.allows(Resource::Policies.read()));
        assert!(!granted.allows(Resource::Policies.manage()));
        assert!(!granted.allows(Resource::Apps.read()));
        let wanted = ScopeSet::parse("okta.policies.read okta.apps.read");
        assert_eq!(wanted.missing_from(&granted).to_string(), "okta.apps.read");
        assert!(!granted.covers(&wanted));
        assert!(ScopeSet::all_reads().covers(&wanted));
        assert_eq!(ScopeSet::parse("  b a  a ").to_string(), "a b");
    }
}
