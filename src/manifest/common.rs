//! Condition and action building blocks shared by several policy kinds:
//! people, network, apps, platforms, devices, risk, user types, auth context.
//! Field names and enum values are spelled exactly as the Okta Policy API
//! spells them, so admins can copy from Okta's documentation.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::reference::Ref;

/// Lifecycle status of a policy or rule. Omitted means `ACTIVE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Status {
    /// The object takes part in policy evaluation.
    #[serde(rename = "ACTIVE")]
    Active,
    /// The object exists but is skipped during evaluation.
    #[serde(rename = "INACTIVE")]
    Inactive,
}

/// `ALLOW` or `DENY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Access {
    /// Access is granted.
    #[serde(rename = "ALLOW")]
    Allow,
    /// Access is refused.
    #[serde(rename = "DENY")]
    Deny,
}

/// A list of references to include and to exclude.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncludeExclude {
    /// Objects the condition matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<Ref>>,
    /// Objects the condition never matches, even when included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<Ref>>,
}

/// Users and groups a policy or rule applies to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeopleCondition {
    /// Groups by name (`Everyone` is Okta's built-in group), or `id:00g…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<IncludeExclude>,
    /// Users by login, or `id:00u…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<IncludeExclude>,
}

/// Group-only people condition, as Okta allows on policies (not rules).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyPeopleCondition {
    /// Groups the policy applies to, by name or `id:00g…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<GroupInclude>,
}

/// Groups to include (policies cannot exclude groups).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInclude {
    /// Groups the policy applies to, by name or `id:00g…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<Ref>>,
}

/// Conditions that a policy (not a rule) of the v1 kinds may carry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPolicyConditions {
    /// The groups the policy applies to. Omitted means everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<PolicyPeopleCondition>,
}

/// Where the request comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum NetworkConnection {
    /// Any network; `include`/`exclude` must be empty.
    #[serde(rename = "ANYWHERE")]
    Anywhere,
    /// Only the network zones listed in `include` / not in `exclude`.
    #[serde(rename = "ZONE")]
    Zone,
}

/// Network zone condition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkCondition {
    /// `ANYWHERE` or `ZONE`. `ZONE` needs `include` or `exclude`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<NetworkConnection>,
    /// Network zones by name (or `id:nzo…`); `ALL_ZONES` and `DEFAULT` are Okta literals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<Ref>>,
    /// Network zones excluded, by name (or `id:nzo…`); `ALL_ZONES` is an Okta literal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<Ref>>,
}

/// How an app condition entry identifies apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum AppConditionType {
    /// A specific app instance (`id` or app label in `name`).
    #[serde(rename = "APP")]
    App,
    /// Every instance of an app type (`name` is the app's key, e.g. `salesforce`).
    #[serde(rename = "APP_TYPE")]
    AppType,
}

/// One app or app type in an app condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppConditionEntry {
    /// `APP` for one app instance, `APP_TYPE` for every app of a type.
    #[serde(rename = "type")]
    pub kind: AppConditionType,
    /// The app instance's ID (only with `type: APP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The app label (`APP`) or app type key (`APP_TYPE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Apps the rule applies to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppCondition {
    /// Apps or app types matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<AppConditionEntry>>,
    /// Apps or app types never matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<AppConditionEntry>>,
}

/// Platform family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum PlatformType {
    #[serde(rename = "ANY")]
    Any,
    #[serde(rename = "DESKTOP")]
    Desktop,
    #[serde(rename = "MOBILE")]
    Mobile,
    #[serde(rename = "OTHER")]
    Other,
}

/// Operating system, as access policy rules spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum OperatingSystem {
    #[serde(rename = "ANDROID")]
    Android,
    #[serde(rename = "ANY")]
    Any,
    #[serde(rename = "CHROMEOS")]
    ChromeOs,
    #[serde(rename = "IOS")]
    Ios,
    #[serde(rename = "MACOS")]
    MacOs,
    /// Needs `expression`.
    #[serde(rename = "OTHER")]
    Other,
    #[serde(rename = "WINDOWS")]
    Windows,
    #[serde(rename = "LINUX")]
    Linux,
}

/// Operating system, as IdP discovery rules spell it (`OSX`, not `MACOS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum IdpDiscoveryOperatingSystem {
    #[serde(rename = "ANDROID")]
    Android,
    #[serde(rename = "ANY")]
    Any,
    #[serde(rename = "CHROMEOS")]
    ChromeOs,
    #[serde(rename = "IOS")]
    Ios,
    #[serde(rename = "OSX")]
    Osx,
    /// Needs `expression`.
    #[serde(rename = "OTHER")]
    Other,
    #[serde(rename = "WINDOWS")]
    Windows,
    #[serde(rename = "LINUX")]
    Linux,
}

/// How an OS version is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum VersionMatchType {
    /// An Okta expression (`value` is the expression).
    #[serde(rename = "EXPRESSION")]
    Expression,
    /// A semantic version; matches this version and later.
    #[serde(rename = "SEMVER")]
    Semver,
}

/// An OS version constraint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OsVersion {
    /// `SEMVER` or `EXPRESSION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_type: Option<VersionMatchType>,
    /// The version (e.g. `14.2`) or expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// An operating system in a platform condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PlatformOs_{O}")]
pub struct PlatformOs<O> {
    /// The operating system. `OTHER` needs `expression`.
    #[serde(rename = "type")]
    pub kind: O,
    /// Okta expression for `OTHER` operating systems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// Version constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<OsVersion>,
}

/// One platform in a platform condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// serde would otherwise require `O: Default` for the `#[serde(default)]` fields.
#[serde(bound(deserialize = "O: Deserialize<'de>"))]
#[schemars(rename = "Platform_{O}")]
pub struct Platform<O> {
    /// `ANY`, `DESKTOP`, `MOBILE` or `OTHER`.
    #[serde(rename = "type")]
    pub kind: PlatformType,
    /// Operating system constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<PlatformOs<O>>,
}

/// Platforms (device types and operating systems) the rule applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// serde would otherwise require `O: Default` for the `#[serde(default)]` fields.
#[serde(bound(deserialize = "O: Deserialize<'de>"))]
#[schemars(rename = "PlatformCondition_{O}")]
pub struct PlatformCondition<O> {
    /// Platforms matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<Platform<O>>>,
    /// Platforms never matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<Platform<O>>>,
}

/// A risk level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum RiskLevel {
    #[serde(rename = "ANY")]
    Any,
    #[serde(rename = "LOW")]
    Low,
    #[serde(rename = "MEDIUM")]
    Medium,
    #[serde(rename = "HIGH")]
    High,
}

/// The sign-in's risk score, as Okta assesses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskScoreCondition {
    /// The risk level that matches.
    pub level: RiskLevel,
}

/// An Okta Expression Language condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElCondition {
    /// The expression, e.g. `user.profile.department == "Finance"`.
    pub condition: String,
}

/// User types the rule applies to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserTypeCondition {
    /// User types by name (or `id:oty…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<Ref>>,
    /// User types excluded, by name (or `id:oty…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<Ref>>,
}

/// Device assurance policies the device must satisfy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceAssuranceCondition {
    /// Device assurance policies by name (or `id:dae…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<Vec<Ref>>,
}

/// Device state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceCondition {
    /// The device is managed by a device management system. `managed: true` needs `registered: true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<bool>,
    /// The device is registered with Okta Verify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered: Option<bool>,
    /// Device assurance policies the device must satisfy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assurance: Option<DeviceAssuranceCondition>,
}

/// Authentication entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum AuthType {
    #[serde(rename = "ANY")]
    Any,
    #[serde(rename = "RADIUS")]
    Radius,
    #[serde(rename = "LDAP_INTERFACE")]
    LdapInterface,
}

/// Authentication entry point condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuthContextCondition {
    /// `ANY`, `RADIUS` or `LDAP_INTERFACE`.
    pub auth_type: AuthType,
}

/// Which identity provider authenticated the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum IdentityProviderChoice {
    #[serde(rename = "ANY")]
    Any,
    #[serde(rename = "OKTA")]
    Okta,
    /// Only the identity providers listed in `idpIds`.
    #[serde(rename = "SPECIFIC_IDP")]
    SpecificIdp,
}

/// Identity provider condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdentityProviderCondition {
    /// `ANY`, `OKTA` or `SPECIFIC_IDP`.
    pub provider: IdentityProviderChoice,
    /// Identity providers by name (or `id:0oa…`), with `SPECIFIC_IDP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_ids: Option<Vec<Ref>>,
}

/// A workflow to run, as entity risk and post-auth session rule actions
/// reference it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorkflowReference {
    /// The Okta Workflows flow by name, or `id:<flow id>` (Okta's flow IDs are numbers).
    pub id: Ref,
}

/// Declares a string enum whose values the Okta API returns in lowercase
/// while parts of Okta's documentation spell them in UPPERCASE. Both
/// spellings deserialize to the same variant (so a manifest copied from
/// either source works and compares equal to the live value), the
/// lowercase one is written, and the JSON Schema lists both.
///
/// ```ignore
/// either_case_enum! {
///     /// Doc for the type.
///     pub enum Example {
///         /// Doc for the variant.
///         Password = "password" | "PASSWORD",
///     }
/// }
/// ```
macro_rules! either_case_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident = $lower:literal | $upper:literal,
            )+
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                $(#[doc = $vdoc])*
                #[serde(rename = $lower, alias = $upper)]
                $variant,
            )+
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let summary = [$($doc),*].iter().map(|line| line.trim()).collect::<Vec<_>>().join(" ");
                let mut description = summary;
                description.push_str(
                    " Okta returns these values in lowercase; its documentation also spells them in UPPERCASE, and both spellings are accepted.",
                );
                $(
                    let meaning = [$($vdoc),*].iter().map(|line| line.trim()).collect::<Vec<_>>().join(" ");
                    description.push_str(&format!("\n- `{}`: {}", $lower, meaning));
                )+
                schemars::json_schema!({
                    "type": "string",
                    "enum": [$($lower, $upper),+],
                    "description": description,
                })
            }
        }
    };
}

pub(crate) use either_case_enum;
