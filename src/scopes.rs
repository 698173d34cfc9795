//! Which OAuth 2.0 scopes a command asks a service app's token for: the
//! fewest that let it do its work, derived from what it reads and writes,
//! so an admin can grant exactly these and a token that leaks from CI can
//! do no more than that run needed.
//!
//! - **Reads** follow what the manifests make oktapol read (the same
//!   [`Needs`] that decide the API calls): `okta.policies.read` always,
//!   `okta.authorizationServers.read` when authorization-server policies
//!   are managed, `okta.apps.read` when `apps:` mappings (or `--prune` of
//!   an app-mapped kind) are used, and the read scope of each directory
//!   collection whose names must be resolved (groups, users, network
//!   zones, IdPs, user types, inline hooks; apps and OAuth clients by
//!   label); `plan --impact` adds what it reads.
//! - **Writes** are added by `apply` once the plan is known, from its
//!   changes: `okta.policies.manage` for org policies and rules,
//!   `okta.authorizationServers.manage` for an authorization server's,
//!   `okta.apps.manage` for app mappings. Planning never holds a `manage`
//!   scope.
//! - A command that declares nothing gets every read scope
//!   ([`ScopeSet::all_reads`]); `OKTA_SCOPES` replaces all of this.

use crate::client::Scope;
use crate::client::scopes::{Resource, ScopeSet};
use crate::desired::Desired;
use crate::desired::references::Collection;
use crate::live::Needs;
use crate::manifest::kind::PolicyKind;
use crate::manifest::set::ManifestSet;
use crate::plan::{Options, Plan, Target};
use crate::resolve;

/// The read scopes for planning `set` with `options` (`--prune` and
/// `--impact` read more).
pub fn for_manifests(set: &ManifestSet, options: &Options) -> ScopeSet {
    let desired = Desired::from_set(set);
    let servers = desired
        .lists
        .iter()
        .any(|list| list.kind == PolicyKind::AuthorizationServer);
    let mut needs = resolve::needs(&desired, options.prune);
    if options.impact.is_some() {
        crate::plan::make::impact_needs(&mut needs, &desired);
    }
    reads(&needs, servers)
}

/// The read scopes of `needs`, plus the authorization servers' when their
/// policies are managed.
pub fn reads(needs: &Needs, servers: bool) -> ScopeSet {
    let mut scopes = ScopeSet::new();
    scopes.insert(Resource::Policies.read());
    if servers {
        scopes.insert(Resource::AuthorizationServers.read());
    }
    if needs.apps {
        scopes.insert(Resource::Apps.read());
    }
    if !needs.logins.is_empty() {
        scopes.insert(Resource::Users.read());
    }
    for collection in &needs.collections {
        let resource = match collection {
            Collection::Groups => Resource::Groups,
            Collection::Users => Resource::Users,
            Collection::Zones => Resource::NetworkZones,
            Collection::Apps | Collection::Clients => Resource::Apps,
            Collection::Idps => Resource::Idps,
            Collection::UserTypes => Resource::UserTypes,
            Collection::InlineHooks => Resource::InlineHooks,
            Collection::AuthServers => Resource::AuthorizationServers,
            // Never looked up by name: no read.
            Collection::Workflows | Collection::DeviceAssurances | Collection::UiSchemas => {
                continue;
            }
        };
        scopes.insert(resource.read());
    }
    scopes
}

/// The read scopes for re-reading what a saved plan addresses.
pub fn for_saved_plan(plan: &Plan) -> ScopeSet {
    let mut scopes = ScopeSet::new();
    scopes.insert(Resource::Policies.read());
    if plan
        .managed_kinds
        .contains(&PolicyKind::AuthorizationServer)
    {
        scopes.insert(Resource::AuthorizationServers.read());
    }
    scopes
}

/// The `manage` scopes executing `plan` needs.
pub fn for_changes(plan: &Plan) -> ScopeSet {
    let mut scopes = ScopeSet::new();
    for change in &plan.changes {
        let resource = match &change.target {
            Target::Policy { scope, .. } | Target::Rule { scope, .. } => match scope {
                Scope::Org => Resource::Policies,
                Scope::Server(_) => Resource::AuthorizationServers,
            },
            Target::AppMapping { .. } => Resource::Apps,
        };
        scopes.insert(resource.manage());
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_follow_the_needs() {
        let mut needs = Needs::default();
        assert_eq!(reads(&needs, false).to_string(), "okta.policies.read");
        needs.apps = true;
        needs.collections.insert(Collection::Groups);
        needs.collections.insert(Collection::Zones);
        needs.collections.insert(Collection::Clients);
        needs.collections.insert(Collection::Workflows);
        needs.logins.insert("ann@example.com".to_owned());
        assert_eq!(
            reads(&needs, true).to_string(),
            "okta.apps.read okta.authorizationServers.read okta.groups.read okta.networkZones.read okta.policies.read okta.users.read"
        );
    }
}
