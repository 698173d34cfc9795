//! Apps and their policies: every app is mapped to exactly one access
//! policy and one profile enrollment policy (new apps to the defaults), the
//! mapping is shown as `_links.accessPolicy` / `_links.profileEnrollment` on
//! the app, and deleting a policy first moves its apps to the kind's
//! default policy — Okta has no "unmap".

use serde_json::{Value, json};

use super::org::{AppPolicies, Org, Outcome};
use crate::client::wire::{Application, Field, PolicyType};

impl Org {
    pub(super) fn add_builtin_app(&mut self, label: &str, policy: &str) {
        let id = self.state_ids_next("0oa");
        let app: Application = serde_json::from_value(json!({
            "id": id, "label": label, "name": label.to_lowercase().replace(' ', "_"),
            "signOnMode": "OPENID_CONNECT", "status": "ACTIVE"
        }))
        .unwrap_or_default();
        self.directory_mut().apps.push(app);
        self.map_to_defaults(&id);
        if let Some(policy_id) = self.policy_id_named(&PolicyType::AccessPolicy, policy) {
            self.set_mapping(&id, &PolicyType::AccessPolicy, &policy_id);
        }
    }

    fn policy_id_named(&self, kind: &PolicyType, name: &str) -> Option<String> {
        self.policies_of(kind)
            .into_iter()
            .find(|p| p.name.as_deref() == Some(name))
            .and_then(|p| p.id)
    }

    fn default_policy_id(&self, kind: &PolicyType) -> Option<String> {
        self.policies_of(kind)
            .into_iter()
            .find(|p| p.system == Some(true) && p.name.as_deref() == Some("Default Policy"))
            .and_then(|p| p.id)
    }

    /// Maps a new app to the default access and profile enrollment policies.
    pub(super) fn map_to_defaults(&mut self, app: &str) {
        let access = self.default_policy_id(&PolicyType::AccessPolicy);
        let profile = self.default_policy_id(&PolicyType::ProfileEnrollment);
        self.app_policies_mut().push(AppPolicies {
            app: app.to_owned(),
            access,
            profile_enrollment: profile,
        });
    }

    fn set_mapping(&mut self, app: &str, kind: &PolicyType, policy: &str) {
        if let Some(entry) = self.app_policies_mut().iter_mut().find(|m| m.app == app) {
            match kind {
                PolicyType::AccessPolicy => entry.access = Some(policy.to_owned()),
                _ => entry.profile_enrollment = Some(policy.to_owned()),
            }
        }
    }

    fn with_app_links(&self, mut app: Application) -> Application {
        let id = app.id.clone().unwrap_or_default();
        let base = self.base_url().to_owned();
        let mut links = json!({ "self": { "href": format!("{base}/api/v1/apps/{id}") } });
        if let Some(mapping) = self.app_policies().iter().find(|m| m.app == id) {
            if let Some(access) = &mapping.access {
                links["accessPolicy"] =
                    json!({ "href": format!("{base}/api/v1/policies/{access}") });
            }
            if let Some(profile) = &mapping.profile_enrollment {
                links["profileEnrollment"] =
                    json!({ "href": format!("{base}/api/v1/policies/{profile}") });
            }
        }
        app.links = Field::Value(links);
        app
    }

    /// `GET /api/v1/apps[?q=label-prefix]`.
    pub fn list_apps(&self, q: Option<&str>) -> Vec<Application> {
        self.directory()
            .apps_matching(q)
            .into_iter()
            .map(|app| self.with_app_links(app))
            .collect()
    }

    /// `GET /api/v1/apps/{appId}`.
    pub fn get_app(&mut self, id: &str) -> Outcome<Application> {
        match self
            .directory()
            .apps
            .iter()
            .find(|a| a.id.as_deref() == Some(id))
            .cloned()
        {
            Some(app) => Ok(self.with_app_links(app)),
            None => Err(self.not_found(id, "App")),
        }
    }

    /// `PUT /api/v1/apps/{appId}/policies/{policyId}`: maps the app to an
    /// access or profile enrollment policy (replacing its current one).
    pub fn assign_app_policy(&mut self, app: &str, policy_id: &str) -> Outcome<()> {
        self.get_app(app)?;
        let index = self.find(policy_id)?;
        let policy = self.policy_at(index).clone();
        if !matches!(
            policy.kind,
            PolicyType::AccessPolicy | PolicyType::ProfileEnrollment
        ) {
            return Err(self.invalid("policyId", format!("policyId: Apps can only be assigned access or profile enrollment policies, not {}", policy.kind.as_str())));
        }
        if policy.name.as_deref() == Some(super::defaults::ACCOUNT_MANAGEMENT_POLICY) {
            return Err(self.invalid(
                "policyId",
                "policyId: The Okta Account Management Policy cannot be assigned to apps",
            ));
        }
        self.set_mapping(app, &policy.kind, policy_id);
        Ok(())
    }

    /// `GET /api/v1/policies/{id}/mappings`: the apps mapped to a policy.
    pub fn list_mappings(&mut self, policy_id: &str) -> Outcome<Vec<Value>> {
        let index = self.find(policy_id)?;
        let kind = self.policy_at(index).kind.clone();
        let base = self.base_url();
        Ok(self
            .app_policies()
            .iter()
            .filter(|m| match kind {
                PolicyType::AccessPolicy => m.access.as_deref() == Some(policy_id),
                PolicyType::ProfileEnrollment => m.profile_enrollment.as_deref() == Some(policy_id),
                _ => false,
            })
            .map(|m| mapping(base, &m.app, policy_id))
            .collect())
    }

    /// `POST /api/v1/policies/{id}/mappings` with `{resourceType, resourceId}`.
    pub fn map_resource(&mut self, policy_id: &str, resource_id: &str) -> Outcome<Value> {
        self.assign_app_policy(resource_id, policy_id)?;
        Ok(mapping(self.base_url(), resource_id, policy_id))
    }

    /// Before a policy is deleted: its apps move to the kind's default policy.
    pub(super) fn remap_apps_of(&mut self, policy_id: &str, kind: &PolicyType) {
        let Some(default) = self.default_policy_id(kind) else {
            return;
        };
        for mapping in self.app_policies_mut() {
            if mapping.access.as_deref() == Some(policy_id) {
                mapping.access = Some(default.clone());
            }
            if mapping.profile_enrollment.as_deref() == Some(policy_id) {
                mapping.profile_enrollment = Some(default.clone());
            }
        }
    }
}

/// A `PolicyMapping`: the app's ID with links to the app and the policy.
fn mapping(base: &str, app: &str, policy_id: &str) -> Value {
    json!({
        "id": app,
        "_links": {
            "application": { "href": format!("{base}/api/v1/apps/{app}") },
            "policy": { "href": format!("{base}/api/v1/policies/{policy_id}") }
        }
    })
}
