//! The directory objects policies refer to (groups, users, network zones,
//! apps, identity providers, authenticators, user types, inline hooks,
//! authorization servers), modelled only as far as name → ID resolution and
//! app-to-policy mapping need. Everything else is kept in `other`, so each
//! object round-trips and the emulator can serve what it was seeded with.
//!
//! `Option` marks members the spec does not declare nullable; `Field` marks
//! nullable ones (a user's `firstName`, a group's `description`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::LifecycleStatus;
use super::field::Field;

/// A group (`/api/v1/groups`); policies refer to groups by ID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<GroupProfile>,
    /// `OKTA_GROUP`, `APP_GROUP` or `BUILT_IN` (`Everyone`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A group's profile; `name` is what manifests refer to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    /// Custom profile attributes, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A user (`/api/v1/users`); manifests refer to users by login.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `ACTIVE`, `STAGED`, `SUSPENDED`, … (Okta's `UserStatus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<UserProfile>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The user profile attributes oktapol reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub first_name: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub last_name: Field<String>,
    /// Other (often `null`) and custom attributes, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A network zone (`/api/v1/zones`); network conditions refer to zones by ID.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkZone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `IP`, `DYNAMIC` or `DYNAMIC_V2`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LifecycleStatus>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// An app instance (`/api/v1/apps`). Its `_links.accessPolicy.href` and
/// `_links.profileEnrollment.href` point at the access and profile enrollment
/// policies the app is mapped to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The app's integration name (e.g. `oidc_client`), not its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The display name manifests refer to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `ACTIVE`, `INACTIVE`, or `DELETED` (kept as `Unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LifecycleStatus>,
    /// `OPENID_CONNECT`, `SAML_2_0`, `BOOKMARK`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_on_mode: Option<String>,
    #[serde(rename = "_links", default, skip_serializing_if = "Field::is_absent")]
    pub links: Field<Value>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl Application {
    /// The ID of the access policy the app is mapped to (the last path
    /// segment of `_links.accessPolicy.href`).
    pub fn access_policy_id(&self) -> Option<&str> {
        self.linked_policy_id("accessPolicy")
    }

    /// The ID of the profile enrollment policy the app is mapped to (the last
    /// path segment of `_links.profileEnrollment.href`).
    pub fn profile_enrollment_policy_id(&self) -> Option<&str> {
        self.linked_policy_id("profileEnrollment")
    }

    fn linked_policy_id(&self, relation: &str) -> Option<&str> {
        let href = self.links.as_ref()?.get(relation)?.get("href")?.as_str()?;
        let id = href.trim_end_matches('/').rsplit('/').next()?;
        (!id.is_empty()).then_some(id)
    }
}

/// An identity provider (`/api/v1/idps`), referred to by IdP discovery rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProvider {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `SAML2`, `OIDC`, `GOOGLE`, … (Okta's `IdentityProviderType`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LifecycleStatus>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// An authenticator (`/api/v1/authenticators`); manifests refer to it by `key`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authenticator {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `okta_verify`, `phone_number`, `webauthn`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `app`, `email`, `password`, `phone`, `security_key`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LifecycleStatus>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A user type (`/api/v1/meta/types/user`), referred to by profile enrollment
/// and user-type conditions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserType {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `true` for the org's default user type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// An inline hook (`/api/v1/inlineHooks`), referred to by profile enrollment
/// rules (registration hooks) and authorization-server rules (token hooks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlineHook {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `com.okta.user.pre-registration`, `com.okta.oauth2.tokens.transform`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LifecycleStatus>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A custom authorization server (`/api/v1/authorizationServers`): referenced,
/// not managed; its policies are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationServer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub description: Field<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audiences: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<LifecycleStatus>,
    /// Members oktapol does not model, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde_json::json;

    use super::*;

    fn round_trip<T: Serialize + DeserializeOwned>(body: Value) -> T {
        let parsed: T = serde_json::from_value(body.clone()).expect("a valid body");
        assert_eq!(serde_json::to_value(&parsed).expect("serialise"), body);
        parsed
    }

    #[test]
    fn group_and_user_keep_nulls_and_unknown_members() {
        let group: Group = round_trip(json!({
            "id": "00g1",
            "created": "2024-01-01T00:00:00.000Z",
            "objectClass": ["okta:user_group"],
            "type": "OKTA_GROUP",
            "profile": {"name": "Contractors", "description": null},
            "_links": {"self": {"href": "https://example.okta.com/api/v1/groups/00g1"}},
        }));
        let profile = group.profile.expect("a profile");
        assert_eq!(profile.name.as_deref(), Some("Contractors"));
        assert_eq!(profile.description, Field::Null);

        let user: User = round_trip(json!({
            "id": "00u1",
            "status": "ACTIVE",
            "activated": null,
            "profile": {
                "login": "ann@example.com",
                "email": "ann@example.com",
                "firstName": "Ann",
                "lastName": null,
                "mobilePhone": null,
            },
        }));
        let profile = user.profile.expect("a profile");
        assert_eq!(profile.first_name, Field::Value("Ann".to_owned()));
        assert_eq!(profile.last_name, Field::Null);
        assert_eq!(profile.other.get("mobilePhone"), Some(&Value::Null));
    }

    #[test]
    fn application_links_give_the_mapped_policies() {
        let app: Application = round_trip(json!({
            "id": "0oa1",
            "name": "oidc_client",
            "label": "Workday",
            "status": "ACTIVE",
            "signOnMode": "OPENID_CONNECT",
            "settings": {"oauthClient": {}},
            "_links": {
                "accessPolicy": {"href": "https://example.okta.com/api/v1/policies/rst1"},
                "profileEnrollment": {"href": "https://example.okta.com/api/v1/policies/rst2"},
            },
        }));
        assert_eq!(app.access_policy_id(), Some("rst1"));
        assert_eq!(app.profile_enrollment_policy_id(), Some("rst2"));
        assert_eq!(Application::default().access_policy_id(), None);
    }

    #[test]
    fn the_other_directory_objects_round_trip() {
        let zone: NetworkZone = round_trip(json!({
            "id": "nzo1", "name": "Corporate Network", "type": "IP", "status": "ACTIVE",
            "gateways": [{"type": "CIDR", "value": "10.0.0.0/8"}], "system": false,
        }));
        assert_eq!(zone.kind.as_deref(), Some("IP"));
        let idp: IdentityProvider = round_trip(json!({
            "id": "0oa2", "name": "Corp SAML", "type": "SAML2", "status": "INACTIVE",
            "protocol": {"type": "SAML2"},
        }));
        assert_eq!(idp.status, Some(LifecycleStatus::Inactive));
        let authenticator: Authenticator = round_trip(json!({
            "id": "aut1", "key": "okta_verify", "name": "Okta Verify", "type": "app",
            "status": "ACTIVE", "settings": {"channelBinding": null},
        }));
        assert_eq!(authenticator.key.as_deref(), Some("okta_verify"));
        let user_type: UserType = round_trip(json!({
            "id": "oty1", "name": "user", "displayName": "User", "default": true,
            "description": null,
        }));
        assert_eq!(user_type.default, Some(true));
        let hook: InlineHook = round_trip(json!({
            "id": "cal1", "name": "Registration", "type": "com.okta.user.pre-registration",
            "status": "ACTIVE", "version": "1.0.0",
        }));
        assert_eq!(hook.name.as_deref(), Some("Registration"));
        let server: AuthorizationServer = round_trip(json!({
            "id": "aus1", "name": "default", "description": null,
            "audiences": ["api://default"], "status": "ACTIVE", "issuerMode": "ORG_URL",
        }));
        assert_eq!(server.audiences, Some(vec!["api://default".to_owned()]));
    }
}
