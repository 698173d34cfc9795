//! The table of finding codes. Codes are stable: once published a code keeps
//! its meaning, so CI configurations and SARIF history can rely on them.

use std::fmt;

use serde::{Serialize, Serializer};

use super::Severity;

/// Everything a renderer or the docs need to know about a code.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    /// `OKP012`.
    pub id: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Short title, e.g. "unknown key".
    pub title: &'static str,
    /// One or two sentences for the docs and SARIF rule help.
    pub description: &'static str,
}

macro_rules! codes {
    ($( $variant:ident = $id:literal, $severity:ident, $title:literal, $description:literal; )*) => {
        /// A finding code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( #[doc = $title] $variant, )*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code's table entry.
            pub const fn info(self) -> CodeInfo {
                match self {
                    $( Code::$variant => CodeInfo {
                        id: $id,
                        severity: Severity::$severity,
                        title: $title,
                        description: $description,
                    }, )*
                }
            }
        }
    };
}

codes! {
    // Reading files.
    PathNotFound = "OKP001", Error, "path not found or unreadable",
        "The manifest path given on the command line, or a file under it, cannot be read.";
    NotUtf8 = "OKP002", Error, "file is not UTF-8",
        "Manifest files must be UTF-8 text; the position of the first invalid byte is shown.";
    YamlSyntax = "OKP003", Error, "YAML syntax error",
        "The file is not well-formed YAML.";
    DuplicateKey = "OKP004", Error, "duplicate key",
        "A YAML mapping repeats a key; YAML forbids it and the second value would silently win elsewhere.";
    YamlLimits = "OKP005", Error, "YAML resource limit exceeded",
        "The file exceeds a safety limit (alias expansion, nesting depth, node count); this guards against alias bombs.";
    EmptyFile = "OKP006", Error, "empty manifest file",
        "The file contains no YAML document (only whitespace or comments).";
    MultipleDocuments = "OKP007", Error, "several YAML documents in one file",
        "A manifest file holds one YAML document; split `---`-separated documents into separate files.";
    NoManifests = "OKP008", Error, "no manifest files",
        "The directory contains no `*.yaml` or `*.yml` files.";
    UndefinedVariable = "OKP009", Error, "undefined variable",
        "A `${name}` in a manifest names no variable of `oktapol.yaml` (the top-level `variables:` and those of the environment selected with `--env`). Write `$${` for a literal `${`.";
    // Schema.
    UnknownKey = "OKP010", Error, "unknown key",
        "The key is not part of the manifest format at this place. Keys are spelled as the Okta API spells them.";
    WrongType = "OKP011", Error, "wrong type",
        "The value has the wrong YAML type (e.g. a list where a mapping is expected).";
    InvalidValue = "OKP012", Error, "invalid value",
        "The value is not one of the values Okta accepts here (enum values are spelled exactly as in the Okta API).";
    MissingKey = "OKP013", Error, "missing required key",
        "A key that must be present is missing.";
    OutOfRange = "OKP014", Error, "value out of range",
        "A number, string length or list size is outside the bounds Okta accepts.";
    SchemaViolation = "OKP015", Error, "schema violation",
        "The value does not match the JSON Schema (`schema/oktapol.schema.json`).";
    InvalidVariableReference = "OKP016", Error, "invalid variable reference",
        "A `${` is not closed with `}`, names no valid variable name (`${groups.admins}`), or a list variable stands inside other text instead of being the whole value.";
    // Identity and order.
    DuplicatePolicyName = "OKP100", Error, "duplicate policy name",
        "Policies are identified by (kind, name); two policies of one kind share a name.";
    DuplicateRuleName = "OKP101", Error, "duplicate rule name",
        "Rules are identified by (policy, name); two rules of one policy share a name.";
    DuplicatePriority = "OKP102", Error, "duplicate priority",
        "Explicit `priority:` values are sort keys and must be unique within a kind (policies) or a policy (rules).";
    SplitKindWithoutPriority = "OKP103", Error, "kind split across files without priorities",
        "When the policies of one kind are spread over several files, their order is only defined by `priority:`, so every policy of that kind needs one.";
    DefaultPolicyPlacement = "OKP104", Error, "default policy misplaced",
        "A kind has at most one default policy, and it is evaluated last: it must be the last policy of its kind.";
    DefaultRulePlacement = "OKP105", Error, "default rule misplaced",
        "A policy has at most one default rule, and it must be its last rule.";
    DefaultWithConditions = "OKP106", Error, "default object with conditions",
        "Okta's default policies and default rules apply unconditionally; they cannot carry conditions.";
    DefaultRenamed = "OKP107", Error, "default object renamed",
        "The names of Okta's default policies and rules are Okta's; `renamedFrom` cannot be used on them.";
    DefaultRuleOutsideDefaultPolicy = "OKP108", Error, "default rule in a non-default policy",
        "In the v1 kinds (sign-on, password, MFA enrollment, authorization server) only the default policy has a default rule.";
    InvalidRename = "OKP109", Error, "invalid rename",
        "`renamedFrom` must differ from the new name, and two objects cannot be renamed from the same old name or to a name that another object keeps.";
    ReadOnlyObject = "OKP110", Error, "read-only object changed",
        "Okta does not allow this object to be changed (e.g. the IdP discovery and MFA enrollment default rules).";
    ReadOnlyField = "OKP111", Error, "read-only field set",
        "Okta does not allow this field to be changed on this object (e.g. session lifetime and persistent cookie on the sign-on default rule).";
    DefaultStatus = "OKP112", Error, "default object deactivated",
        "Okta's default policies and default rules are always active.";
    AppMappedTwice = "OKP113", Error, "app mapped to two policies",
        "An app has exactly one policy of each app-mapped kind; it is listed under two policies of the same kind.";
    SingletonKind = "OKP114", Error, "too many policies of a single-policy kind",
        "Okta has exactly one policy of this kind (IdP discovery, entity risk, post-auth session); it cannot be created.";
    // Kind-specific rules.
    IdpProviderTypeRepeated = "OKP121", Error, "repeated IdP provider type",
        "An IdP discovery rule may route to at most one provider of each of the types AgentlessDSSO, IWA and X509.";
    IdpSelectionMismatch = "OKP122", Error, "IdP selection type mismatch",
        "`idpSelectionType: DYNAMIC` needs `matchCriteria` and no `providers`; `SPECIFIC` needs `providers` and no `providerExpression`.";
    MfaSettingsModel = "OKP130", Error, "factors and authenticators mixed",
        "An MFA enrollment policy uses either classic `factors` or Identity Engine `authenticators` settings, never both, and `settings.type` must agree.";
    MfaDuplicateAuthenticator = "OKP131", Error, "authenticator listed twice",
        "Each authenticator key appears once in an MFA enrollment policy's `authenticators`.";
    MfaEnrollValue = "OKP132", Error, "enrollment value not valid for this model",
        "The enrollment value is not valid for the settings model (factors or authenticators) the policy uses.";
    AccessRuleLimit = "OKP140", Error, "too many rules in an access policy",
        "An access policy holds at most 100 rules, its catch-all rule included.";
    ProfileEnrollmentRuleCount = "OKP150", Error, "profile enrollment policy needs exactly one rule",
        "A profile enrollment policy has exactly one rule, written with `default: true`.";
    ProfileEnrollmentForm = "OKP153", Error, "profile enrollment form inconsistent",
        "A profile enrollment rule lists each profile attribute once and calls at most one pre-registration inline hook.";
    UiSchemaByName = "OKP154", Error, "UI schema referenced by name",
        "Okta's UI schemas (the registration form layout) have no names; `uiSchemaId` is written `id:uis…`. Okta creates it, and once present every update carries it.";
    RiskDetectionOverlap = "OKP160", Error, "risk detection types include and exclude",
        "`riskDetectionTypes` takes `include` or `exclude`, not both.";
    ManagedDeviceNotRegistered = "OKP161", Error, "managed device must be registered",
        "A `device.managed: true` condition needs `device.registered: true`.";
    UserIdentifierPatterns = "OKP162", Error, "too many user identifier patterns",
        "A user identifier condition with a regular expression (`EXPRESSION`) or `type: ATTRIBUTE` takes exactly one pattern.";
    NetworkZoneMissing = "OKP163", Error, "network condition inconsistent",
        "`connection: ZONE` needs zones in `include` or `exclude`; `connection: ANYWHERE` takes none; `ALL_ZONES` must be the only zone of its list.";
    InvalidDuration = "OKP164", Error, "invalid ISO-8601 duration",
        "Durations such as `reauthenticateIn` and `inactivityPeriod` are ISO-8601 durations, e.g. `PT2H` or `P1D`.";
    SessionIdleExceedsLifetime = "OKP165", Error, "session idle time exceeds lifetime",
        "`maxSessionIdleMinutes` cannot exceed `maxSessionLifetimeMinutes` when the lifetime is limited (greater than 0).";
    PasswordBounds = "OKP166", Error, "password settings inconsistent",
        "Password complexity, age and lockout settings must be consistent (e.g. the required character classes fit within `minLength`).";
    IdpConditionIds = "OKP167", Error, "identity provider condition inconsistent",
        "`provider: SPECIFIC_IDP` needs `idpIds`; other providers take none.";
    VerificationMethodInvalid = "OKP168", Error, "verification method inconsistent",
        "Authentication chains: at most 5 chains of at most 3 steps, each with authentication methods, and no chain-level `reauthenticateIn` next to the method-level one. Assurance constraints: each holds `knowledge` or `possession`, and no more classes than `factorMode` allows.";
    OsExpressionMissing = "OKP169", Error, "platform condition inconsistent",
        "An `OTHER` operating system needs an `expression`; other systems take a `version` instead.";
    TokenLifetime = "OKP170", Error, "token lifetimes inconsistent",
        "The refresh token window cannot be shorter than the access token lifetime.";
    RecoveryInconsistent = "OKP172", Error, "password recovery inconsistent",
        "Self-service password reset step-up is `required: false`, `required: true` without methods, or `required: true` with `security_question`; the `otp` method must be limited to `google_otp`.";
    RiskActionInvalid = "OKP173", Error, "risk response action invalid",
        "A post-auth session rule lists each action at most once; `RUN_WORKFLOW` needs `workflow`, other actions take none.";
    IdpProviderReference = "OKP174", Error, "IdP provider without a reference",
        "Every IdP discovery provider except `OKTA`, `IWA` and `AgentlessDSSO` needs the identity provider's `name` or `id`.";
    AppOnAccountManagementPolicy = "OKP175", Error, "app mapped to the account management policy",
        "Okta's account management policy cannot be assigned to apps, and only its rules can be changed.";
    // Cross-policy MFA checks (seeds 000, 001, 003).
    MfaNotEnrollable = "OKP180", Error, "MFA required but not enrollable",
        "A sign-on rule requires a factor (or an access rule asks for two factors or a possession factor) for users whose MFA enrollment policy lets them enroll nothing besides the password, so they cannot sign in.";
    ChainNotEnrollable = "OKP181", Error, "no chain's first authenticator is enrollable",
        "An access rule uses authentication method chains, and the MFA enrollment policy for its users allows none of the chains' first authenticators; users must be enrolled in the first factor of a chain to sign in (seed 003).";
    // Warnings: legal but risky.
    NoMfaForEveryone = "OKP200", Warning, "sign-in without MFA for everyone",
        "A sign-on rule allows everyone, from anywhere, without a second factor.";
    WeakPassword = "OKP201", Warning, "weak password policy",
        "The password policy allows passwords shorter than 8 characters or never locks accounts out.";
    AccessOneFactorEveryone = "OKP202", Warning, "one-factor app access for everyone",
        "An access rule allows everyone, from anywhere, with a single factor.";
    PolicyWithoutRules = "OKP205", Warning, "policy without rules",
        "A policy with no rules never applies (Okta moves on to the next policy).";
    UnreachableRule = "OKP207", Warning, "unreachable rule",
        "An earlier rule of the same policy has no conditions, so this rule is never evaluated.";
    EnrollmentWithoutActivation = "OKP210", Warning, "enrollment without activation",
        "An MFA enrollment policy requires factors for users whom no sign-on or access rule ever asks for a second factor: enrollment does not make MFA active (seed 000).";
    ChainFirstFactorOptional = "OKP211", Warning, "chain's first authenticator only optional",
        "An access rule uses authentication method chains whose first authenticators the enrollment policy for its users allows but does not require; users who skip enrolling them cannot sign in (seed 003).";
    ChainBehindExternalIdp = "OKP212", Warning, "chains for users of an external IdP",
        "IdP discovery routes some users of an access rule with authentication method chains to another identity provider, where the chains do not apply (seed 003).";
    RecoverySupersedesEnrollment = "OKP213", Warning, "recovery supersedes enrollment",
        "A password policy's recovery needs an authenticator that the enrollment policy for the same users leaves optional or disallows; the password policy wins, so users must enroll it for password recovery (seed 001).";
    MfaCheckSkipped = "OKP290", Info, "cross-policy MFA check skipped",
        "A cross-policy MFA check needs a policy kind the manifests do not manage (e.g. no `mfaEnrollPolicies`); it is skipped rather than guessed.";
    // Planning against a live org.
    UnresolvedReference = "OKP300", Error, "unresolved reference",
        "A name in the manifests (group, user login, zone, app label, IdP, user type, inline hook, authorization server) matches no object in the org.";
    AmbiguousReference = "OKP301", Error, "ambiguous reference",
        "A name matches several objects in the org (e.g. two apps with the same label); write `id:<okta id>` to pick one.";
    KindNotInEngine = "OKP302", Error, "policy kind not available in this org",
        "Access, profile enrollment, entity risk and post-auth session policies exist only in Okta Identity Engine orgs; this org runs Classic Engine.";
    ReferenceNeedsId = "OKP303", Error, "reference needs an ID",
        "Okta's Management API cannot look these objects up by name (Workflows flows, device assurance policies, UI schemas): write `id:<okta id>`.";
    RenameConflict = "OKP304", Error, "rename conflict",
        "Both the `renamedFrom` name and the new name exist in the org; delete one or drop `renamedFrom`.";
    DefaultNotFound = "OKP305", Error, "default object not found",
        "A policy or rule written with `default: true` has no live counterpart: Okta's default policy of the kind, or the policy's default (catch-all) rule.";
    NotCreatable = "OKP306", Error, "object Okta does not let you create",
        "The kind has exactly one policy (IdP discovery, entity risk, post-auth session) and the manifest names one the org does not have.";
    ProfileEnrollmentDeny = "OKP307", Error, "profile enrollment access cannot become DENY",
        "Okta cannot set a profile enrollment rule's `access` to `DENY` once the policy exists (its rule is created with `ALLOW`); to stop self-registration keep `access: ALLOW` and set `unknownUserAction: DENY`.";
}

impl Code {
    /// The stable identifier, e.g. `OKP012`.
    pub const fn id(self) -> &'static str {
        self.info().id
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let id = code.id();
            assert!(seen.insert(id), "duplicate code {id}");
            assert!(id.len() == 6 && id.starts_with("OKP"), "bad id {id}");
        }
    }
}
