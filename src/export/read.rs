//! Reading the org for an export, in two rounds: first every policy (with
//! its rules) of the kinds the engine has and of every authorization
//! server, then only the directory objects those policies refer to — the
//! collections they name, the apps (for `apps:` and app conditions), and
//! each referenced user by ID (Okta's users endpoint takes an ID or a
//! login).

use std::collections::BTreeSet;

use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;

use super::available;
use super::names::referenced_ids;
use crate::client::wire::User;
use crate::client::{Api, ApiResult};
use crate::desired::references::Collection;
use crate::diff::compare::{policy_sections, rule_sections};
use crate::live::{self, LiveOrg, Needs};
use crate::manifest::kind::PolicyKind;

/// Kinds whose policies apply to everyone when they have no conditions:
/// their export needs the Everyone group.
const EVERYONE_KINDS: [PolicyKind; 3] = [
    PolicyKind::SignOn,
    PolicyKind::Password,
    PolicyKind::MfaEnroll,
];

/// Reads `kinds` (those the org's engine has) and what naming their
/// references needs, up to `parallelism` requests at a time.
pub async fn read(api: &dyn Api, kinds: &[PolicyKind], parallelism: usize) -> ApiResult<LiveOrg> {
    let organization = api.organization().await?;
    let kinds = available(kinds, organization.engine);
    let servers = if kinds.contains(&PolicyKind::AuthorizationServer) {
        Some(live::read_servers(api).await?)
    } else {
        None
    };
    let policies = Needs {
        kinds: kinds
            .iter()
            .copied()
            .filter(|k| *k != PolicyKind::AuthorizationServer)
            .collect(),
        servers: servers
            .iter()
            .flatten()
            .filter_map(|s| s.id.clone())
            .collect(),
        ..Needs::default()
    };
    let mut org = live::read(
        api,
        organization.clone(),
        &policies,
        servers.clone(),
        parallelism,
    )
    .await?;

    let mut directory = Needs {
        apps: kinds.iter().any(|k| k.has_app_mappings()),
        ..Needs::default()
    };
    if kinds.iter().any(|k| EVERYONE_KINDS.contains(k)) {
        directory.collections.insert(Collection::Groups);
    }
    if servers.is_some() {
        directory.collections.insert(Collection::AuthServers);
    }
    let mut users = BTreeSet::new();
    for list in &org.lists {
        for policy in &list.policies {
            let bodies = std::iter::once(policy_sections(&policy.policy))
                .chain(policy.rules.iter().map(rule_sections));
            for body in bodies {
                for (collection, id) in referenced_ids(&Value::Object(body)) {
                    match collection {
                        Collection::Users => {
                            users.insert(id);
                        }
                        Collection::Apps | Collection::Clients => directory.apps = true,
                        collection if collection.by_name() => {
                            directory.collections.insert(collection);
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    let read = live::read(api, organization, &directory, servers, parallelism).await?;
    org.apps = read.apps;
    org.directory = read.directory;

    let found: Vec<Option<User>> = stream::iter(users)
        .map(|id| async move { api.find_user(&id).await })
        .buffered(parallelism.max(1))
        .try_collect()
        .await?;
    let found: Vec<User> = found.into_iter().flatten().collect();
    org.directory.add_users(&found);
    Ok(org)
}
