//! Reading the live org with the fewest calls: the engine once, one list
//! per managed kind, one rules list per policy, each managed authorization
//! server's policies, the apps list only when mappings or app names need
//! it, and only the directory look-ups the manifests' names need. Kinds the
//! manifests do not manage are never read.

pub mod directory;

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt, TryStreamExt};

use crate::client::wire::{Application, AuthorizationServer, Policy, PolicyRule, PolicyType};
use crate::client::{Api, ApiResult, Organization, Scope};
use crate::desired::references::Collection;
use crate::manifest::kind::PolicyKind;

pub use directory::{DirectoryIndex, Entry};

/// What to read, decided from the manifests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// Managed org-level kinds.
    pub kinds: Vec<PolicyKind>,
    /// Authorization servers whose policies are managed, by ID (resolved
    /// before reading).
    pub servers: Vec<String>,
    /// Whether to read the apps list (mappings, app names, or pruning an
    /// app-mapped kind).
    pub apps: bool,
    /// Directory collections to list.
    pub collections: BTreeSet<Collection>,
    /// User logins to look up one by one.
    pub logins: BTreeSet<String>,
}

/// A live policy with its rules, in priority order.
#[derive(Debug, Clone, PartialEq)]
pub struct LivePolicy {
    pub policy: Policy,
    pub rules: Vec<PolicyRule>,
}

/// One live ordered list of policies.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveList {
    pub kind: PolicyKind,
    pub scope: Scope,
    pub policies: Vec<LivePolicy>,
}

/// What was read from the org.
#[derive(Debug, Clone)]
pub struct LiveOrg {
    pub organization: Organization,
    pub lists: Vec<LiveList>,
    /// The apps, when read.
    pub apps: Option<Vec<Application>>,
    pub directory: DirectoryIndex,
}

impl LiveOrg {
    /// The live list of a kind (org scope) or of an authorization server.
    pub fn list(&self, kind: PolicyKind, scope: &Scope) -> Option<&LiveList> {
        self.lists
            .iter()
            .find(|l| l.kind == kind && &l.scope == scope)
    }
}

/// The policy of `kind` an app is mapped to (access and profile
/// enrollment policies; `None` for other kinds).
pub fn mapped_policy(app: &Application, kind: PolicyKind) -> Option<&str> {
    match kind {
        PolicyKind::Access => app.access_policy_id(),
        PolicyKind::ProfileEnrollment => app.profile_enrollment_policy_id(),
        _ => None,
    }
}

/// The Okta `PolicyType` of a kind.
pub fn policy_type(kind: PolicyKind) -> PolicyType {
    PolicyType::from(kind.okta_type().to_owned())
}

/// Reads the authorization servers (to resolve server names before their
/// policies are read).
pub async fn read_servers(api: &dyn Api) -> ApiResult<Vec<AuthorizationServer>> {
    api.list_auth_servers().await
}

/// Reads what `needs` names, up to `parallelism` requests at a time.
/// `servers`, when already read to resolve server names, is reused.
pub async fn read(
    api: &dyn Api,
    organization: Organization,
    needs: &Needs,
    servers: Option<Vec<AuthorizationServer>>,
    parallelism: usize,
) -> ApiResult<LiveOrg> {
    let parallelism = parallelism.max(1);
    let scopes: Vec<(PolicyKind, Scope)> = needs
        .kinds
        .iter()
        .map(|&kind| (kind, Scope::Org))
        .chain(
            needs
                .servers
                .iter()
                .map(|id| (PolicyKind::AuthorizationServer, Scope::Server(id.clone()))),
        )
        .collect();
    let policy_lists: Vec<(PolicyKind, Scope, Vec<Policy>)> = stream::iter(scopes)
        .map(|(kind, scope)| async move {
            let policies = match &scope {
                Scope::Org => api.list_policies(&policy_type(kind)).await?,
                Scope::Server(id) => api.list_server_policies(id).await?,
            };
            Ok::<_, crate::client::ApiError>((kind, scope, policies))
        })
        .buffered(parallelism)
        .try_collect()
        .await?;

    let mut lists = Vec::new();
    for (kind, scope, policies) in policy_lists {
        let scope_ref = &scope;
        let with_rules: Vec<LivePolicy> = stream::iter(policies)
            .map(|policy| async move {
                let rules = match &policy.id {
                    Some(id) => api.list_rules(scope_ref, id).await?,
                    None => Vec::new(),
                };
                Ok::<_, crate::client::ApiError>(LivePolicy { policy, rules })
            })
            .buffered(parallelism)
            .try_collect()
            .await?;
        lists.push(LiveList {
            kind,
            scope,
            policies: with_rules,
        });
    }

    let mut directory = DirectoryIndex::default();
    let apps = if needs.apps
        || needs.collections.contains(&Collection::Apps)
        || needs.collections.contains(&Collection::Clients)
    {
        let apps = api.list_apps().await?;
        directory.add_apps(&apps);
        Some(apps)
    } else {
        None
    };
    read_directory(api, needs, servers, &mut directory).await?;
    Ok(LiveOrg {
        organization,
        lists,
        apps,
        directory,
    })
}

async fn read_directory(
    api: &dyn Api,
    needs: &Needs,
    servers: Option<Vec<AuthorizationServer>>,
    directory: &mut DirectoryIndex,
) -> ApiResult<()> {
    for collection in &needs.collections {
        match collection {
            Collection::Groups => directory.add_groups(&api.list_groups().await?),
            Collection::Zones => directory.add_zones(&api.list_zones().await?),
            Collection::Idps => directory.add_idps(&api.list_idps().await?),
            Collection::UserTypes => directory.add_user_types(&api.list_user_types().await?),
            Collection::InlineHooks => directory.add_hooks(&api.list_inline_hooks().await?),
            Collection::AuthServers => {
                let servers = match &servers {
                    Some(servers) => servers.clone(),
                    None => api.list_auth_servers().await?,
                };
                directory.add_servers(&servers);
            }
            // Apps and clients come with the apps list; users one by one;
            // the rest cannot be looked up by name.
            Collection::Apps
            | Collection::Clients
            | Collection::Users
            | Collection::Workflows
            | Collection::DeviceAssurances
            | Collection::UiSchemas => {}
        }
    }
    if !needs.logins.is_empty() {
        let mut users = Vec::new();
        for login in &needs.logins {
            if let Some(user) = api.find_user(login).await? {
                users.push(user);
            }
        }
        directory.add_users(&users);
    }
    Ok(())
}
