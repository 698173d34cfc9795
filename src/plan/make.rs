//! Making a plan: desired state from the manifests, the live org read with
//! the fewest calls, names resolved, the diff computed. The only stage that
//! talks to the org is [`crate::live`]; everything after it is pure.

use crate::client::{Api, ApiError};
use crate::desired::{Desired, Origin};
use crate::diff::{self, Context};
use crate::finding::{Code, Finding, Location};
use crate::live::{self, DirectoryIndex, LiveOrg};
use crate::manifest::set::ManifestSet;
use crate::resolve;

use super::model::{PLAN_FORMAT, Plan};

/// How to plan.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Delete live objects the manifests do not mention (never Okta's own).
    pub prune: bool,
    /// Requests in flight at once while reading.
    pub parallelism: usize,
    /// `--impact`: also compare who is affected, over at most this many
    /// sign-in contexts (the directory and the apps are read for it).
    pub impact: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            prune: false,
            parallelism: 4,
            impact: None,
        }
    }
}

/// Why no plan could be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The manifests do not fit the org (unresolved names, …): findings
    /// with their locations.
    #[error("the manifests do not fit the org ({} problems)", .0.len())]
    Findings(Vec<Finding>),
    /// Reading the org failed.
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// Plans `set` against the org behind `api`. `locate` turns a manifest
/// origin into `file:line:col` for the plan.
pub async fn make_plan(
    api: &dyn Api,
    set: &ManifestSet,
    options: Options,
    locate: &dyn Fn(&Origin) -> Option<String>,
) -> Result<Plan, PlanError> {
    make_plan_and_live(api, set, options, locate)
        .await
        .map(|(plan, _)| plan)
}

/// [`make_plan`], also returning what was read from the org (the apply
/// guards check the plan against it).
pub async fn make_plan_and_live(
    api: &dyn Api,
    set: &ManifestSet,
    options: Options,
    locate: &dyn Fn(&Origin) -> Option<String>,
) -> Result<(Plan, LiveOrg), PlanError> {
    let mut desired = Desired::from_set(set);
    let organization = api.organization().await?;
    let mut findings = engine_findings(set, &desired, organization.engine);
    if !findings.is_empty() {
        return Err(PlanError::Findings(findings));
    }
    let servers = if resolve::needs_servers(&desired) {
        let servers = live::read_servers(api).await?;
        let mut index = DirectoryIndex::default();
        index.add_servers(&servers);
        findings.extend(resolve::resolve_servers(&mut desired, &index));
        Some(servers)
    } else {
        for list in &mut desired.lists {
            if let Some((server, _)) = &list.server {
                list.server_id = crate::desired::references::raw_id(server).map(str::to_owned);
            }
        }
        None
    };
    let mut needs = resolve::needs(&desired, options.prune);
    needs.servers = desired
        .lists
        .iter()
        .filter_map(|l| l.server_id.clone())
        .collect();
    needs.servers.dedup();
    if options.impact.is_some() {
        impact_needs(&mut needs, &desired);
    }
    let live = live::read(api, organization, &needs, servers, options.parallelism).await?;
    findings.extend(resolve::resolve(&mut desired, &live.directory));
    if !findings.is_empty() {
        return Err(PlanError::Findings(findings));
    }
    let schema = crate::schema::ManifestSchema::get().schema();
    let context = Context {
        schema,
        everyone: resolve::everyone(&live.directory),
        prune: options.prune,
        locate,
    };
    let diff = diff::diff(&desired, &live, &context).map_err(PlanError::Findings)?;
    let mut plan = Plan {
        format_version: PLAN_FORMAT,
        oktapol_version: env!("CARGO_PKG_VERSION").to_owned(),
        org: api.describe(),
        engine: live.organization.engine,
        managed_kinds: desired.managed.clone(),
        prune: options.prune,
        changes: diff.changes,
        edges: diff.edges,
        unmanaged: diff.unmanaged,
        renumbered: diff.renumbered,
        fingerprint: diff.fingerprint,
        impact: None,
    };
    if let Some(limit) = options.impact {
        plan.impact = Some(crate::impact::impact(&plan, &live, limit));
    }
    Ok((plan, live))
}

/// What `--impact` reads besides what the plan needs: the apps (access
/// and profile enrollment policies are picked by them) and the directory
/// collections conditions refer to, so contexts name groups, zones, apps,
/// identity providers and user types (and know the Everyone group).
pub(crate) fn impact_needs(needs: &mut crate::live::Needs, desired: &Desired) {
    use crate::desired::references::Collection;
    needs.apps = true;
    needs.collections.extend([
        Collection::Groups,
        Collection::Zones,
        Collection::Idps,
        Collection::UserTypes,
    ]);
    if desired
        .managed
        .contains(&crate::manifest::kind::PolicyKind::AuthorizationServer)
    {
        needs.collections.insert(Collection::AuthServers);
    }
}

/// Identity Engine kinds managed against a Classic org: one error per kind,
/// at the key that opts the kind in.
fn engine_findings(
    set: &ManifestSet,
    desired: &Desired,
    engine: crate::emulator::Engine,
) -> Vec<Finding> {
    if engine == crate::emulator::Engine::Oie {
        return Vec::new();
    }
    desired
        .managed
        .iter()
        .filter(|kind| kind.oie_only())
        .map(|kind| {
            let key = kind.manifest_key();
            let location = set
                .documents
                .iter()
                .find(|d| {
                    serde_json::to_value(&d.manifest)
                        .ok()
                        .is_some_and(|v| v.get(key).is_some())
                })
                .map_or(Location::None, |d| Location::key(d.file, format!("/{key}")));
            Finding::new(
                Code::KindNotInEngine,
                location,
                format!(
                    "`{key}`: the org runs Classic Engine; the {} kind needs Identity Engine",
                    kind.label()
                ),
            )
            .hint("remove the key, or point oktapol at an Identity Engine org")
        })
        .collect()
}
