//! The manifest set: every file's typed manifest, kept apart by file so that
//! each finding can point back at its source. Views here let the validator
//! walk the policies of one ordered list (a kind, or one authorization
//! server's policies) without caring which files they came from.

use std::collections::BTreeSet;

use super::Manifest;
use super::kind::PolicyKind;
use super::policy::{Identity, ManifestPolicy, ManifestRule};
use super::source::FileId;

/// One file's typed manifest.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file it came from.
    pub file: FileId,
    /// Its content.
    pub manifest: Manifest,
}

/// All manifest files of a run.
#[derive(Debug, Clone, Default)]
pub struct ManifestSet {
    /// Documents in path order.
    pub documents: Vec<Document>,
}

/// A typed policy with where it was written.
#[derive(Debug, Clone)]
pub struct Located<'a, P> {
    /// The file.
    pub file: FileId,
    /// JSON pointer of the policy in its file, e.g. `/signOnPolicies/2`.
    pub pointer: String,
    /// The policy.
    pub policy: &'a P,
}

/// A rule seen through what all kinds share.
#[derive(Debug, Clone)]
pub struct RuleView<'a> {
    /// JSON pointer of the rule.
    pub pointer: String,
    /// Name, default, rename, priority, status.
    pub identity: Identity<'a>,
}

/// A policy seen through what all kinds share.
#[derive(Debug, Clone)]
pub struct PolicyView<'a> {
    /// The file.
    pub file: FileId,
    /// JSON pointer of the policy.
    pub pointer: String,
    /// Name, default, rename, priority, status.
    pub identity: Identity<'a>,
    /// Its rules.
    pub rules: Vec<RuleView<'a>>,
}

/// The policies that form one ordered list in Okta.
#[derive(Debug, Clone)]
pub struct PolicyList<'a> {
    /// The kind.
    pub kind: PolicyKind,
    /// How to name the list in messages, e.g. `signOnPolicies`.
    pub scope: String,
    /// The policies, in manifest order (files in path order).
    pub policies: Vec<PolicyView<'a>>,
}

impl ManifestSet {
    /// The kinds whose key appears in some file.
    pub fn managed_kinds(&self) -> BTreeSet<PolicyKind> {
        let mut kinds = BTreeSet::new();
        for document in &self.documents {
            let m = &document.manifest;
            let present = [
                (PolicyKind::SignOn, m.sign_on_policies.is_some()),
                (PolicyKind::Password, m.password_policies.is_some()),
                (PolicyKind::MfaEnroll, m.mfa_enroll_policies.is_some()),
                (PolicyKind::IdpDiscovery, m.idp_discovery_policies.is_some()),
                (PolicyKind::Access, m.access_policies.is_some()),
                (
                    PolicyKind::ProfileEnrollment,
                    m.profile_enrollment_policies.is_some(),
                ),
                (PolicyKind::EntityRisk, m.entity_risk_policies.is_some()),
                (
                    PolicyKind::PostAuthSession,
                    m.post_auth_session_policies.is_some(),
                ),
                (
                    PolicyKind::AuthorizationServer,
                    m.authorization_servers.is_some(),
                ),
            ];
            kinds.extend(present.into_iter().filter(|(_, p)| *p).map(|(k, _)| k));
        }
        kinds
    }

    /// Every policy of one kind, typed, with its location.
    pub fn policies<'a, P: ManifestPolicy>(
        &'a self,
        select: impl Fn(&'a Manifest) -> Option<&'a Vec<P>>,
    ) -> Vec<Located<'a, P>> {
        let key = P::KIND.manifest_key();
        self.documents
            .iter()
            .flat_map(|document| {
                select(&document.manifest)
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(move |(index, policy)| Located {
                        file: document.file,
                        pointer: format!("/{key}/{index}"),
                        policy,
                    })
            })
            .collect()
    }

    /// Every authorization server's policies, grouped by server name, with
    /// the location of each policy.
    pub fn authorization_server_policies(
        &self,
    ) -> Vec<(
        String,
        Vec<Located<'_, super::authorization_server::AuthServerPolicy>>,
    )> {
        let mut groups: Vec<(String, Vec<Located<'_, _>>)> = Vec::new();
        for document in &self.documents {
            let servers = document.manifest.authorization_servers.iter().flatten();
            for (server_index, server) in servers.enumerate() {
                let name = server.server.as_str().to_owned();
                let located = server
                    .policies
                    .iter()
                    .enumerate()
                    .map(|(index, policy)| Located {
                        file: document.file,
                        pointer: format!("/authorizationServers/{server_index}/policies/{index}"),
                        policy,
                    });
                match groups.iter_mut().find(|(existing, _)| *existing == name) {
                    Some((_, list)) => list.extend(located),
                    None => groups.push((name, located.collect())),
                }
            }
        }
        groups
    }

    /// Every ordered list of policies: one per kind, and one per
    /// authorization server.
    pub fn policy_lists(&self) -> Vec<PolicyList<'_>> {
        let mut lists = vec![
            list(self.policies(|m| m.sign_on_policies.as_ref())),
            list(self.policies(|m| m.password_policies.as_ref())),
            list(self.policies(|m| m.mfa_enroll_policies.as_ref())),
            list(self.policies(|m| m.idp_discovery_policies.as_ref())),
            list(self.policies(|m| m.access_policies.as_ref())),
            list(self.policies(|m| m.profile_enrollment_policies.as_ref())),
            list(self.policies(|m| m.entity_risk_policies.as_ref())),
            list(self.policies(|m| m.post_auth_session_policies.as_ref())),
        ];
        for (server, policies) in self.authorization_server_policies() {
            let mut server_list = list(policies);
            server_list.scope = format!("authorizationServers[{server:?}].policies");
            lists.push(server_list);
        }
        lists
    }
}

fn list<P: ManifestPolicy>(policies: Vec<Located<'_, P>>) -> PolicyList<'_> {
    PolicyList {
        kind: P::KIND,
        scope: P::KIND.manifest_key().to_owned(),
        policies: policies
            .into_iter()
            .map(|located| PolicyView {
                file: located.file,
                identity: located.policy.identity(),
                rules: located
                    .policy
                    .rules()
                    .iter()
                    .enumerate()
                    .map(|(index, rule)| RuleView {
                        pointer: format!("{}/rules/{index}", located.pointer),
                        identity: rule.identity(),
                    })
                    .collect(),
                pointer: located.pointer,
            })
            .collect(),
    }
}
