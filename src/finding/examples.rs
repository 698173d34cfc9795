//! An example of every finding code, for `docs/codes.md`: a manifest file
//! (`policies.yaml`) and what oktapol reports about it. The examples run
//! `validate` (or `plan` against the examples' org) in a test, which fails
//! when the code or the message drifts, so the documentation shows what
//! oktapol really says; the few that one small file cannot show are
//! described instead.

use super::Code;

/// How an example shows its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// `oktapol validate policies.yaml`.
    Validate,
    /// `oktapol plan policies.yaml` against an org.
    Plan(OrgUnderTest),
    /// A command line, shown as it is typed.
    Command(&'static str),
    /// Described, not run: what it takes to see the finding.
    Illustrative(&'static str),
}

/// The org a plan example runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgUnderTest {
    /// An Identity Engine org with the directory of `examples/org-seed.yaml`.
    Examples,
    /// A Classic Engine org with the same directory.
    Classic,
}

/// One code's example.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The manifest file, `policies.yaml`; empty when the example has none.
    pub manifest: &'static str,
    /// What oktapol reports: `policies.yaml:line:col: message`; empty when
    /// it depends on the org.
    pub reported: &'static str,
    /// How the example is run.
    pub run: Run,
}

/// The example of `code`; every code has one (a test checks it).
pub fn example(code: Code) -> Option<&'static Example> {
    EXAMPLES
        .iter()
        .find(|(candidate, _)| *candidate == code)
        .map(|(_, example)| example)
}

/// Every code's example, in code order.
const EXAMPLES: &[(Code, Example)] = &[
    (
        Code::PathNotFound,
        Example {
            manifest: r##""##,
            reported: r##"cannot read polices/: No such file or directory (os error 2)"##,
            run: Run::Command("oktapol validate polices/  # a directory that does not exist"),
        },
    ),
    (
        Code::NotUtf8,
        Example {
            manifest: r##""##,
            reported: r##"policies.yaml:1:1: the file is UTF-16 text, not UTF-8"##,
            run: Run::Illustrative(
                "a file saved as UTF-16 by Windows PowerShell's `>` or `Out-File`",
            ),
        },
    ),
    (
        Code::YamlSyntax,
        Example {
            manifest: r##"signOnPolicies:
  - name: Contractors
    conditions: { people: { groups: { include: [Contractors } } }
"##,
            reported: r##"policies.yaml:3:48: mismatched bracket '[' closed by '}'"##,
            run: Run::Validate,
        },
    ),
    (
        Code::DuplicateKey,
        Example {
            manifest: r##"signOnPolicies:
  - name: Contractors
    name: Employees
"##,
            reported: r##"policies.yaml:3:5: duplicate mapping key `name` is not allowed here"##,
            run: Run::Validate,
        },
    ),
    (
        Code::YamlLimits,
        Example {
            manifest: r##"a0: &a0 [x, x, x, x, x, x, x, x, x, x]
a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
# … and so on, each level ten times the one before
a8: &a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]
"##,
            reported: r##"policies.yaml:1:1: the file's aliases (`*name`) expand to more than 100000 nodes (an alias bomb?)"##,
            run: Run::Illustrative(
                "nine levels of aliases, each repeating the one before ten times",
            ),
        },
    ),
    (
        Code::EmptyFile,
        Example {
            manifest: r##"# policies will go here
"##,
            reported: r##"policies.yaml:1:1: the file is empty: it holds no YAML document"##,
            run: Run::Validate,
        },
    ),
    (
        Code::MultipleDocuments,
        Example {
            manifest: r##"signOnPolicies: []
---
passwordPolicies: []
"##,
            reported: r##"policies.yaml:3:1: the file holds more than one YAML document (`---` separator)"##,
            run: Run::Validate,
        },
    ),
    (
        Code::NoManifests,
        Example {
            manifest: r##""##,
            reported: r##"no *.yaml or *.yml files under policies"##,
            run: Run::Command("oktapol validate policies  # an empty directory"),
        },
    ),
    (
        Code::UndefinedVariable,
        Example {
            manifest: r##"signOnPolicies:
  - name: Admins
    conditions: { people: { groups: { include: ["${groups.admins}"] } } }
    rules:
      - name: Always MFA
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
"##,
            reported: r##"policies.yaml:3:50: variable `groups.admins` is not defined (no oktapol.yaml variables)"##,
            run: Run::Validate,
        },
    ),
    (
        Code::UnknownKey,
        Example {
            manifest: r##"signOnPolicies:
  - name: Contractors
    priorty: 1
"##,
            reported: r##"policies.yaml:3:5: unknown key `priorty` in signOnPolicies["Contractors"]"##,
            run: Run::Validate,
        },
    ),
    (
        Code::WrongType,
        Example {
            manifest: r##"signOnPolicies:
  name: Contractors
"##,
            reported: r##"policies.yaml:2:3: signOnPolicies must be a list, found a mapping"##,
            run: Run::Validate,
        },
    ),
    (
        Code::InvalidValue,
        Example {
            manifest: r##"signOnPolicies:
  - name: Contractors
    rules:
      - name: Block
        actions: { signon: { access: BLOCK } }
"##,
            reported: r##"policies.yaml:5:38: `BLOCK` is not a valid value for signOnPolicies["Contractors"].rules["Block"].actions.signon.access"##,
            run: Run::Validate,
        },
    ),
    (
        Code::MissingKey,
        Example {
            manifest: r##"signOnPolicies:
  - name: P
    rules:
      - name: R
        actions: { signon: { access: ALLOW, requireFactor: true } }
"##,
            reported: r##"policies.yaml:5:28: signOnPolicies["P"].rules["R"].actions.signon requires a factor but does not say when to prompt for it"##,
            run: Run::Validate,
        },
    ),
    (
        Code::OutOfRange,
        Example {
            manifest: r##"entityRiskPolicies:
  - name: Entity Risk Policy
    rules:
      - name: R
        actions:
          entityRisk:
            actions: [{ action: TERMINATE_ALL_SESSIONS }, { action: RUN_WORKFLOW, workflow: { id: Notify SOC } }]
"##,
            reported: r##"policies.yaml:7:22: entityRiskPolicies["Entity Risk Policy"].rules["R"].actions.entityRisk.actions must be a list of at most 1 item, found a list of 2 items"##,
            run: Run::Validate,
        },
    ),
    (
        Code::SchemaViolation,
        Example {
            manifest: r##""##,
            reported: r##""##,
            run: Run::Illustrative(
                "a value the schema refuses for a reason no more specific code explains; a fallback that the examples above avoid",
            ),
        },
    ),
    (
        Code::InvalidVariableReference,
        Example {
            manifest: r##"signOnPolicies:
  - name: "Admins ${groups.admins"
"##,
            reported: r##"policies.yaml:2:19: `${` is not closed with `}`"##,
            run: Run::Validate,
        },
    ),
    (
        Code::DuplicatePolicyName,
        Example {
            manifest: r##"signOnPolicies:
  - name: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
  - name: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
"##,
            reported: r##"policies.yaml:4:11: signOnPolicies has two policies named "A""##,
            run: Run::Validate,
        },
    ),
    (
        Code::DuplicateRuleName,
        Example {
            manifest: r##"signOnPolicies:
  - name: A
    rules:
      - { name: R, conditions: { network: { connection: ZONE, include: [Office] } }, actions: { signon: { access: DENY } } }
      - { name: R, actions: { signon: { access: DENY } } }
"##,
            reported: r##"policies.yaml:5:17: signOnPolicies["A"].rules has two rules named "R""##,
            run: Run::Validate,
        },
    ),
    (
        Code::DuplicatePriority,
        Example {
            manifest: r##"signOnPolicies:
  - name: A
    priority: 10
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
  - name: B
    priority: 10
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
"##,
            reported: r##"policies.yaml:6:5: "A" and "B" in signOnPolicies share `priority: 10`"##,
            run: Run::Validate,
        },
    ),
    (
        Code::SplitKindWithoutPriority,
        Example {
            manifest: r##"signOnPolicies:
  - name: A
    priority: 1
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
  - name: B
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
"##,
            reported: r##"policies.yaml:5:5: some entries of signOnPolicies carry `priority:` and "B" does not, so their order is ambiguous"##,
            run: Run::Validate,
        },
    ),
    (
        Code::DefaultPolicyPlacement,
        Example {
            manifest: r##"signOnPolicies:
  - name: Default Policy
    default: true
  - name: Other Default
    default: true
"##,
            reported: r##"policies.yaml:5:5: signOnPolicies has more than one default policy: "Default Policy" and "Other Default""##,
            run: Run::Validate,
        },
    ),
    (
        Code::DefaultRulePlacement,
        Example {
            manifest: r##"accessPolicies:
  - name: Finance
    rules:
      - { name: Catch-all Rule, default: true }
      - { name: Managed, conditions: { device: { registered: true, managed: true } } }
"##,
            reported: r##"policies.yaml:4:9: the default rule "Catch-all Rule" is always evaluated last in Okta, but accessPolicies["Finance"].rules puts "Managed" after it"##,
            run: Run::Validate,
        },
    ),
    (
        Code::DefaultWithConditions,
        Example {
            manifest: r##"signOnPolicies:
  - name: Default Policy
    default: true
    conditions: { people: { groups: { include: [Everyone] } } }
"##,
            reported: r##"policies.yaml:4:5: the default policy "Default Policy" applies unconditionally; it cannot have conditions"##,
            run: Run::Validate,
        },
    ),
    (
        Code::DefaultRenamed,
        Example {
            manifest: r##"signOnPolicies:
  - name: Global Default
    renamedFrom: Default Policy
    default: true
"##,
            reported: r##"policies.yaml:3:5: signOnPolicies["Global Default"] is Okta's default policy and cannot be renamed"##,
            run: Run::Validate,
        },
    ),
    (
        Code::DefaultRuleOutsideDefaultPolicy,
        Example {
            manifest: r##"signOnPolicies:
  - name: A
    rules:
      - name: R
        conditions: { network: { connection: ZONE, include: [Office] } }
        actions: { signon: { access: DENY } }
      - name: Catch-all
        default: true
"##,
            reported: r##"policies.yaml:8:9: signOnPolicies["A"].rules["Catch-all"] is marked `default: true`, but only the default sign-on policy has a default rule"##,
            run: Run::Validate,
        },
    ),
    (
        Code::InvalidRename,
        Example {
            manifest: r##"signOnPolicies:
  - name: A
    renamedFrom: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
"##,
            reported: r##"policies.yaml:3:5: signOnPolicies["A"] is renamed from its own name"##,
            run: Run::Validate,
        },
    ),
    (
        Code::ReadOnlyObject,
        Example {
            manifest: r##"mfaEnrollPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        actions: { enroll: { self: LOGIN } }
"##,
            reported: r##"policies.yaml:5:9: mfaEnrollPolicies["Default Policy"].rules["Default Rule"] is the default rule of the default MFA enrollment policy, which Okta keeps read-only"##,
            run: Run::Validate,
        },
    ),
    (
        Code::ReadOnlyField,
        Example {
            manifest: r##"signOnPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        actions:
          signon:
            access: ALLOW
            requireFactor: true
            factorPromptMode: SESSION
            session: { maxSessionIdleMinutes: 60, maxSessionLifetimeMinutes: 720, usePersistentCookie: false }
"##,
            reported: r##"policies.yaml:12:51: `maxSessionLifetimeMinutes` is read-only on the default rule of the default sign-on policy (signOnPolicies["Default Policy"])"##,
            run: Run::Validate,
        },
    ),
    (
        Code::DefaultStatus,
        Example {
            manifest: r##"signOnPolicies:
  - name: Default Policy
    default: true
    status: INACTIVE
"##,
            reported: r##"policies.yaml:4:5: the default policy "Default Policy" cannot be deactivated"##,
            run: Run::Validate,
        },
    ),
    (
        Code::AppMappedTwice,
        Example {
            manifest: r##"accessPolicies:
  - name: Finance
    apps: [Workday, NetSuite]
  - name: HR
    apps: [BambooHR, Workday]
"##,
            reported: r##"policies.yaml:5:22: app "Workday" is mapped to two accessPolicies: "Finance" and "HR""##,
            run: Run::Validate,
        },
    ),
    (
        Code::SingletonKind,
        Example {
            manifest: r##"idpDiscoveryPolicies:
  - name: Idp Discovery Policy
  - name: Second
"##,
            reported: r##"policies.yaml:3:5: idpDiscoveryPolicies lists 2 policies; Okta has exactly one IdP discovery policy per org and it cannot be created"##,
            run: Run::Validate,
        },
    ),
    (
        Code::IdpProviderTypeRepeated,
        Example {
            manifest: r##"idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: Desktop SSO
        actions: { idp: { providers: [{ type: IWA }, { type: AgentlessDSSO }, { type: IWA }] } }
"##,
            reported: r##"policies.yaml:5:87: idpDiscoveryPolicies["Idp Discovery Policy"].rules["Desktop SSO"].actions.idp lists a second `IWA` provider (the first is entry 0)"##,
            run: Run::Validate,
        },
    ),
    (
        Code::IdpSelectionMismatch,
        Example {
            manifest: r##"idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: Specific
        actions:
          idp:
            idpSelectionType: SPECIFIC
            providers: [{ type: SAML2, name: Corp IdP }]
            matchCriteria: [{ providerExpression: "login.identifier" }]
"##,
            reported: r##"policies.yaml:9:31: idpDiscoveryPolicies["Idp Discovery Policy"].rules["Specific"].actions.idp routes to specific providers, so it takes no `providerExpression`"##,
            run: Run::Validate,
        },
    ),
    (
        Code::MfaSettingsModel,
        Example {
            manifest: r##"mfaEnrollPolicies:
  - name: Untyped
    settings:
      authenticators: [{ key: okta_verify, enroll: { self: REQUIRED } }]
    rules: [{ name: Enroll, actions: { enroll: { self: LOGIN } } }]
"##,
            reported: r##"policies.yaml:4:7: mfaEnrollPolicies["Untyped"].settings lists `authenticators`, which need `type: AUTHENTICATORS`"##,
            run: Run::Validate,
        },
    ),
    (
        Code::MfaDuplicateAuthenticator,
        Example {
            manifest: r##"mfaEnrollPolicies:
  - name: Twice
    settings:
      type: AUTHENTICATORS
      authenticators:
        - { key: okta_verify, enroll: { self: REQUIRED } }
        - { key: okta_verify, enroll: { self: OPTIONAL } }
    rules: [{ name: Enroll, actions: { enroll: { self: LOGIN } } }]
"##,
            reported: r##"policies.yaml:7:18: mfaEnrollPolicies["Twice"].settings lists authenticator `okta_verify` twice (entries 0 and 1)"##,
            run: Run::Validate,
        },
    ),
    (
        Code::MfaEnrollValue,
        Example {
            manifest: r##"mfaEnrollPolicies:
  - name: Classic
    settings: { factors: { okta_sms: { enroll: { self: OPTIONAL } } } }
    rules: [{ name: Never, actions: { enroll: { self: NEVER_INCLUDING_RECOVERY } } }]
"##,
            reported: r##"policies.yaml:4:55: mfaEnrollPolicies["Classic"].rules["Never"] uses `NEVER_INCLUDING_RECOVERY`, but its policy uses classic `factors`, which do not govern recovery"##,
            run: Run::Validate,
        },
    ),
    (
        Code::AccessRuleLimit,
        Example {
            manifest: r##"accessPolicies:
  - name: Partners
    rules:
      - { name: Rule 0, actions: { appSignOn: { access: ALLOW } } }
      # … Rule 1 to Rule 100
"##,
            reported: r##"policies.yaml:3:5: accessPolicies["Partners"] has 102 rules counting the catch-all; Okta allows at most 100"##,
            run: Run::Illustrative("an access policy with 101 rules of its own"),
        },
    ),
    (
        Code::ProfileEnrollmentRuleCount,
        Example {
            manifest: r##"profileEnrollmentPolicies:
  - name: Registration
    rules:
      - { name: Only }
"##,
            reported: r##"policies.yaml:4:9: profileEnrollmentPolicies["Registration"].rules["Only"] is the policy's only rule, which Okta creates; it must be written with `default: true`"##,
            run: Run::Validate,
        },
    ),
    (
        Code::ProfileEnrollmentForm,
        Example {
            manifest: r##"profileEnrollmentPolicies:
  - name: Registration
    rules:
      - name: Default Rule
        default: true
        actions:
          profileEnrollment:
            profileAttributes:
              - { name: email, label: Email, required: true }
              - { name: email, label: Email again }
"##,
            reported: r##"policies.yaml:10:25: profileEnrollmentPolicies["Registration"].rules["Default Rule"].actions.profileEnrollment lists profile attribute `email` twice (entries 0 and 1)"##,
            run: Run::Validate,
        },
    ),
    (
        Code::UiSchemaByName,
        Example {
            manifest: r##"profileEnrollmentPolicies:
  - name: Registration
    rules:
      - name: Default Rule
        default: true
        actions: { profileEnrollment: { uiSchemaId: Registration form } }
"##,
            reported: r##"policies.yaml:6:53: profileEnrollmentPolicies["Registration"].rules["Default Rule"].actions.profileEnrollment names UI schema "Registration form", but Okta's UI schemas have no names"##,
            run: Run::Validate,
        },
    ),
    (
        Code::RiskDetectionOverlap,
        Example {
            manifest: r##"entityRiskPolicies:
  - name: Entity Risk Policy
    rules:
      - name: R
        conditions:
          entityRisk: { level: HIGH }
          riskDetectionTypes: { include: [BRUTE_FORCE_ATTACK], exclude: [SUSPICIOUS_APP_ACCESS] }
"##,
            reported: r##"policies.yaml:7:31: entityRiskPolicies["Entity Risk Policy"].rules["R"] lists both `include` and `exclude` detection types"##,
            run: Run::Validate,
        },
    ),
    (
        Code::ManagedDeviceNotRegistered,
        Example {
            manifest: r##"accessPolicies:
  - name: Finance
    rules:
      - name: Managed
        conditions: { device: { managed: true } }
"##,
            reported: r##"policies.yaml:5:33: accessPolicies["Finance"].rules["Managed"].conditions.device tests `managed`, which Okta only accepts with `registered: true`"##,
            run: Run::Validate,
        },
    ),
    (
        Code::UserIdentifierPatterns,
        Example {
            manifest: r##"idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: Partners
        conditions:
          userIdentifier:
            type: IDENTIFIER
            patterns:
              - { matchType: EXPRESSION, value: '.*@partner\.com' }
              - { matchType: SUFFIX, value: partner.org }
        actions: { idp: { providers: [{ type: SAML2, name: Partner IdP }] } }
"##,
            reported: r##"policies.yaml:9:15: idpDiscoveryPolicies["Idp Discovery Policy"].rules["Partners"].conditions.userIdentifier has 2 patterns, but with a regular expression (`EXPRESSION`) Okta takes exactly one"##,
            run: Run::Validate,
        },
    ),
    (
        Code::NetworkZoneMissing,
        Example {
            manifest: r##"passwordPolicies:
  - name: P
    rules:
      - name: R
        conditions: { network: { connection: ZONE } }
"##,
            reported: r##"policies.yaml:5:46: passwordPolicies["P"].rules["R"].conditions.network has `connection: ZONE` but lists no zones"##,
            run: Run::Validate,
        },
    ),
    (
        Code::InvalidDuration,
        Example {
            manifest: r##"accessPolicies:
  - name: Finance
    rules:
      - name: Two factors
        conditions: { people: { groups: { include: [Finance] } } }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod: { type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PTOS }
"##,
            reported: r##"policies.yaml:9:87: `PTOS` in accessPolicies["Finance"].rules["Two factors"].actions.appSignOn.verificationMethod.reauthenticateIn is not an ISO-8601 duration"##,
            run: Run::Validate,
        },
    ),
    (
        Code::SessionIdleExceedsLifetime,
        Example {
            manifest: r##"signOnPolicies:
  - name: P
    rules:
      - name: R
        actions:
          signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS, session: { maxSessionIdleMinutes: 600, maxSessionLifetimeMinutes: 60 } }
"##,
            reported: r##"policies.yaml:6:117: signOnPolicies["P"].rules["R"].actions.signon.session: the idle timeout (600 min) exceeds the session lifetime (60 min)"##,
            run: Run::Validate,
        },
    ),
    (
        Code::PasswordBounds,
        Example {
            manifest: r##"passwordPolicies:
  - name: P
    settings:
      password:
        complexity: { minLength: 2, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 1 }
"##,
            reported: r##"policies.yaml:5:34: passwordPolicies["P"].settings.password.complexity requires 4 character classes but allows passwords of 2 characters"##,
            run: Run::Validate,
        },
    ),
    (
        Code::IdpConditionIds,
        Example {
            manifest: r##"signOnPolicies:
  - name: P
    rules:
      - name: R
        conditions: { identityProvider: { provider: SPECIFIC_IDP } }
        actions: { signon: { access: DENY } }
"##,
            reported: r##"policies.yaml:5:53: signOnPolicies["P"].rules["R"].conditions.identityProvider is `SPECIFIC_IDP` but lists no `idpIds`"##,
            run: Run::Validate,
        },
    ),
    (
        Code::VerificationMethodInvalid,
        Example {
            manifest: r##"accessPolicies:
  - name: Finance
    rules:
      - name: Chain
        conditions: { people: { groups: { include: [Finance] } } }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod: { type: AUTH_METHOD_CHAIN, chains: [] }
"##,
            reported: r##"policies.yaml:9:33: accessPolicies["Finance"].rules["Chain"].actions.appSignOn.verificationMethod is `AUTH_METHOD_CHAIN` without any `chains`"##,
            run: Run::Validate,
        },
    ),
    (
        Code::OsExpressionMissing,
        Example {
            manifest: r##"accessPolicies:
  - name: P
    rules:
      - name: R
        conditions: { platform: { include: [{ type: DESKTOP, os: { type: OTHER } }] } }
"##,
            reported: r##"policies.yaml:5:66: accessPolicies["P"].rules["R"].conditions.platform.include[0].os is `type: OTHER` without an `expression`"##,
            run: Run::Validate,
        },
    ),
    (
        Code::TokenLifetime,
        Example {
            manifest: r##"authorizationServers:
  - server: default
    policies:
      - name: API clients
        conditions: { clients: { include: [ALL_CLIENTS] } }
        rules:
          - name: Short refresh
            conditions: { grantTypes: { include: [client_credentials] }, scopes: { include: ['*'] } }
            actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenWindowMinutes: 30 } }
"##,
            reported: r##"policies.yaml:9:92: authorizationServers["default"].policies["API clients"].rules["Short refresh"].actions.token: the refresh token window (30 min) is shorter than the access token lifetime (60 min)"##,
            run: Run::Validate,
        },
    ),
    (
        Code::RecoveryInconsistent,
        Example {
            manifest: r##"passwordPolicies:
  - name: P
    rules:
      - name: R
        actions:
          selfServicePasswordReset:
            access: ALLOW
            requirement: { primary: { methods: [email, otp] } }
"##,
            reported: r##"policies.yaml:8:48: passwordPolicies["P"].rules["R"].actions.selfServicePasswordReset.requirement.primary allows `otp` without limiting it to Google Authenticator"##,
            run: Run::Validate,
        },
    ),
    (
        Code::RiskActionInvalid,
        Example {
            manifest: r##"entityRiskPolicies:
  - name: Entity Risk Policy
    rules:
      - name: R
        conditions: { entityRisk: { level: HIGH } }
        actions: { entityRisk: { actions: [{ action: RUN_WORKFLOW }] } }
"##,
            reported: r##"policies.yaml:6:44: entityRiskPolicies["Entity Risk Policy"].rules["R"].actions.entityRisk.actions[0] runs a workflow but does not name it"##,
            run: Run::Validate,
        },
    ),
    (
        Code::IdpProviderReference,
        Example {
            manifest: r##"idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: SAML
        actions: { idp: { providers: [{ type: SAML2 }, { type: OKTA }] } }
"##,
            reported: r##"policies.yaml:5:39: idpDiscoveryPolicies["Idp Discovery Policy"].rules["SAML"].actions.idp.providers[0] does not say which identity provider to route to"##,
            run: Run::Validate,
        },
    ),
    (
        Code::AppOnAccountManagementPolicy,
        Example {
            manifest: r##"accessPolicies:
  - name: Okta Account Management Policy
    description: changed
    apps: [Workday]
"##,
            reported: r##"policies.yaml:4:5: accessPolicies["Okta Account Management Policy"] cannot be assigned to apps"##,
            run: Run::Validate,
        },
    ),
    (
        Code::MfaNotEnrollable,
        Example {
            manifest: r##"signOnPolicies:
  - name: Contractors
    conditions: { people: { groups: { include: [Contractors] } } }
    rules:
      - name: Always MFA
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
mfaEnrollPolicies:
  - name: Contractors MFA
    conditions: { people: { groups: { include: [Contractors] } } }
    settings:
      type: AUTHENTICATORS
      authenticators:
        - { key: okta_password, enroll: { self: REQUIRED } }
        - { key: okta_email, enroll: { self: NOT_ALLOWED } }
        - { key: okta_verify, enroll: { self: NOT_ALLOWED } }
    rules:
      - name: Enroll when challenged
        actions: { enroll: { self: CHALLENGE } }
  - name: Default Policy
    default: true
"##,
            reported: r##"policies.yaml:6:60: signOnPolicies["Contractors"].rules["Always MFA"] requires MFA for group "Contractors", but enrollment policy "Contractors MFA" (rule "Enroll when challenged") lets them enroll no factor besides the password: they cannot sign in"##,
            run: Run::Validate,
        },
    ),
    (
        Code::ChainNotEnrollable,
        Example {
            manifest: r##"accessPolicies:
  - name: Contractor tools
    apps: [Jira Cloud]
    rules:
      - name: Contractors, chained
        conditions: { people: { groups: { include: [Contractors] } } }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod:
              type: AUTH_METHOD_CHAIN
              chains:
                - authenticationMethods:
                    - { key: okta_verify, method: push }
                  next:
                    - authenticationMethods:
                        - { key: okta_password, method: password }
mfaEnrollPolicies:
  - name: Contractors MFA
    conditions: { people: { groups: { include: [Contractors] } } }
    settings:
      type: AUTHENTICATORS
      authenticators:
        - { key: okta_password, enroll: { self: REQUIRED } }
        - { key: okta_verify, enroll: { self: NOT_ALLOWED } }
    rules:
      - name: Enroll when challenged
        actions: { enroll: { self: CHALLENGE } }
"##,
            reported: r##"policies.yaml:13:17: accessPolicies["Contractor tools"].rules["Contractors, chained"]: enrollment policy "Contractors MFA" (rule "Enroll when challenged") lets members of group "Contractors" enroll none of the chains' first authenticators (okta_verify): users who have not enrolled in the first factor cannot sign in"##,
            run: Run::Validate,
        },
    ),
    (
        Code::NoMfaForEveryone,
        Example {
            manifest: r##"signOnPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        actions: { signon: { access: ALLOW, requireFactor: false } }
"##,
            reported: r##"policies.yaml:7:60: signOnPolicies["Default Policy"].rules["Default Rule"] lets everyone, from anywhere, sign in without a second factor"##,
            run: Run::Validate,
        },
    ),
    (
        Code::WeakPassword,
        Example {
            manifest: r##"passwordPolicies:
  - name: P
    settings:
      password:
        complexity: { minLength: 2, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 1 }
"##,
            reported: r##"policies.yaml:5:34: passwordPolicies["P"].settings.password allows passwords of only 2 characters"##,
            run: Run::Validate,
        },
    ),
    (
        Code::AccessOneFactorEveryone,
        Example {
            manifest: r##"accessPolicies:
  - name: Finance
    rules:
      - name: Everyone in
        actions: { appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 1FA } } }
"##,
            reported: r##"policies.yaml:5:99: accessPolicies["Finance"].rules["Everyone in"] lets everyone, from anywhere, into the app with a single factor"##,
            run: Run::Validate,
        },
    ),
    (
        Code::PolicyWithoutRules,
        Example {
            manifest: r##"signOnPolicies:
  - name: Empty
  - name: Default Policy
    default: true
"##,
            reported: r##"policies.yaml:2:5: signOnPolicies["Empty"] has no rules, so Okta never applies it"##,
            run: Run::Validate,
        },
    ),
    (
        Code::UnreachableRule,
        Example {
            manifest: r##"signOnPolicies:
  - name: A
    rules:
      - name: Everything
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
      - name: Office
        conditions: { network: { connection: ZONE, include: [Office] } }
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
"##,
            reported: r##"policies.yaml:6:9: signOnPolicies["A"].rules["Office"] is never evaluated: the earlier rule "Everything" has no conditions and matches every request"##,
            run: Run::Validate,
        },
    ),
    (
        Code::EnrollmentWithoutActivation,
        Example {
            manifest: r##"signOnPolicies:
  - name: Contractors
    conditions: { people: { groups: { include: [Contractors] } } }
    rules:
      - name: No MFA
        actions: { signon: { access: ALLOW, requireFactor: false } }
mfaEnrollPolicies:
  - name: Contractors MFA
    conditions: { people: { groups: { include: [Contractors] } } }
    settings:
      type: AUTHENTICATORS
      authenticators:
        - { key: okta_password, enroll: { self: REQUIRED } }
        - { key: okta_verify, enroll: { self: REQUIRED } }
    rules:
      - name: Enroll at sign-in
        actions: { enroll: { self: LOGIN } }
"##,
            reported: r##"policies.yaml:11:7: mfaEnrollPolicies["Contractors MFA"] requires okta_verify for group "Contractors", but no managed sign-on or access rule ever asks them for a second factor: enrollment does not make MFA active"##,
            run: Run::Validate,
        },
    ),
    (
        Code::ChainFirstFactorOptional,
        Example {
            manifest: r##"accessPolicies:
  - name: Contractor tools
    apps: [Jira Cloud]
    rules:
      - name: Contractors, chained
        conditions: { people: { groups: { include: [Contractors] } } }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod:
              type: AUTH_METHOD_CHAIN
              chains:
                - authenticationMethods:
                    - { key: okta_verify, method: push }
                  next:
                    - authenticationMethods:
                        - { key: okta_password, method: password }
mfaEnrollPolicies:
  - name: Contractors MFA
    conditions: { people: { groups: { include: [Contractors] } } }
    settings:
      type: AUTHENTICATORS
      authenticators:
        - { key: okta_password, enroll: { self: REQUIRED } }
        - { key: okta_verify, enroll: { self: OPTIONAL } }
    rules:
      - name: Enroll when challenged
        actions: { enroll: { self: CHALLENGE } }
"##,
            reported: r##"policies.yaml:13:17: accessPolicies["Contractor tools"].rules["Contractors, chained"]: enrollment policy "Contractors MFA" (rule "Enroll when challenged") for group "Contractors" leaves the chains' first authenticators (okta_verify) optional: users who skip enrolling them cannot sign in"##,
            run: Run::Validate,
        },
    ),
    (
        Code::ChainBehindExternalIdp,
        Example {
            manifest: r##"idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    default: true
    rules:
      - name: Partners to SAML
        conditions:
          network: { connection: ANYWHERE }
          userIdentifier:
            type: IDENTIFIER
            patterns: [{ matchType: SUFFIX, value: partner.com }]
        actions:
          idp:
            idpSelectionType: SPECIFIC
            providers: [{ type: SAML2, name: Partner SAML }]
      - name: Default Rule
        default: true

accessPolicies:
  - name: Contractor tools
    apps: [Jira Cloud]
    rules:
      - name: Contractors, chained
        conditions: { people: { groups: { include: [Contractors] } } }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod:
              type: AUTH_METHOD_CHAIN
              chains:
                - authenticationMethods:
                    - { key: okta_verify, method: push }
                  next:
                    - authenticationMethods:
                        - { key: okta_password, method: password }
mfaEnrollPolicies:
  - name: Contractors MFA
    conditions: { people: { groups: { include: [Contractors] } } }
    settings:
      type: AUTHENTICATORS
      authenticators:
        - { key: okta_password, enroll: { self: REQUIRED } }
        - { key: okta_verify, enroll: { self: REQUIRED } }
    rules:
      - name: Enroll when challenged
        actions: { enroll: { self: CHALLENGE } }
"##,
            reported: r##"policies.yaml:30:17: accessPolicies["Contractor tools"].rules["Contractors, chained"]: IdP discovery routes some of these users to an external identity provider ("Partners to SAML"), where authenticator chains do not apply"##,
            run: Run::Validate,
        },
    ),
    (
        Code::RecoverySupersedesEnrollment,
        Example {
            manifest: r##"passwordPolicies:
  - name: Contractors
    conditions:
      people: { groups: { include: [Contractors] } }
      authProvider: { provider: OKTA }
    settings:
      recovery:
        factors:
          okta_sms: { status: ACTIVE }
    rules:
      - name: Reset by SMS
        actions: { selfServicePasswordReset: { access: ALLOW } }
mfaEnrollPolicies:
  - name: Contractors MFA
    conditions: { people: { groups: { include: [Contractors] } } }
    settings:
      type: AUTHENTICATORS
      authenticators:
        - { key: okta_password, enroll: { self: REQUIRED } }
        - { key: phone_number, enroll: { self: OPTIONAL } }
    rules:
      - name: Enroll when challenged
        actions: { enroll: { self: CHALLENGE } }
"##,
            reported: r##"policies.yaml:9:21: passwordPolicies["Contractors"] recovers passwords with okta_sms, so phone_number is effectively REQUIRED for group "Contractors" for password recovery, although enrollment policy "Contractors MFA" (rule "Enroll when challenged") marks it OPTIONAL"##,
            run: Run::Validate,
        },
    ),
    (
        Code::MfaCheckSkipped,
        Example {
            manifest: r##"signOnPolicies:
  - name: Contractors
    conditions: { people: { groups: { include: [Contractors] } } }
    rules:
      - name: Always MFA
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
"##,
            reported: r##"policies.yaml:6:60: the check "MFA required but not enrollable" is skipped: the manifests do not manage MFA enrollment policies (`mfaEnrollPolicies`)"##,
            run: Run::Validate,
        },
    ),
    (
        Code::UnresolvedReference,
        Example {
            manifest: r##"signOnPolicies:
  - name: Contractors
    conditions: { people: { groups: { include: [Contractor] } } }
    rules:
      - name: Always MFA
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
"##,
            reported: r##"policies.yaml:3:49: no group named "Contractor" in the org"##,
            run: Run::Plan(OrgUnderTest::Examples),
        },
    ),
    (
        Code::AmbiguousReference,
        Example {
            manifest: r##"accessPolicies:
  - name: Expenses
    apps: [Expense Tracker]
"##,
            reported: r##""##,
            run: Run::Illustrative("planned against an org with two apps labelled Expense Tracker"),
        },
    ),
    (
        Code::KindNotInEngine,
        Example {
            manifest: r##"accessPolicies:
  - name: Finance apps
    apps: [Workday]
"##,
            reported: r##"policies.yaml:1:1: `accessPolicies`: the org runs Classic Engine; the access policy kind needs Identity Engine"##,
            run: Run::Plan(OrgUnderTest::Classic),
        },
    ),
    (
        Code::ReferenceNeedsId,
        Example {
            manifest: r##"entityRiskPolicies:
  - name: Entity Risk Policy
    default: true
    rules:
      - name: Reported risk
        conditions:
          entityRisk: { level: MEDIUM }
        actions:
          entityRisk:
            actions:
              - action: RUN_WORKFLOW
                workflow: { id: SecOps triage }
"##,
            reported: r##"policies.yaml:12:33: workflow "SecOps triage": Okta's Management API cannot look up workflows by name"##,
            run: Run::Plan(OrgUnderTest::Examples),
        },
    ),
    (
        Code::RenameConflict,
        Example {
            manifest: r##"signOnPolicies:
  - name: Contractors
    renamedFrom: Temps
"##,
            reported: r##"policies.yaml:3:18: both "Temps" and "Contractors" exist in the org; cannot rename one to the other"##,
            run: Run::Illustrative(
                "planned against an org that has both a Temps and a Contractors sign-on policy",
            ),
        },
    ),
    (
        Code::DefaultNotFound,
        Example {
            manifest: r##""##,
            reported: r##""##,
            run: Run::Illustrative(
                "a `default: true` policy or rule with no default counterpart in the org",
            ),
        },
    ),
    (
        Code::NotCreatable,
        Example {
            manifest: r##""##,
            reported: r##""##,
            run: Run::Illustrative(
                "a single-policy kind (IdP discovery, entity risk, post-auth session) naming a policy the org does not have, without `default: true`",
            ),
        },
    ),
    (
        Code::ProfileEnrollmentDeny,
        Example {
            manifest: r##"profileEnrollmentPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Catch-all Rule
        default: true
        actions:
          profileEnrollment: { access: DENY }
"##,
            reported: r##"policies.yaml:8:40: Okta cannot change a profile enrollment rule's access to DENY after the policy is created"##,
            run: Run::Plan(OrgUnderTest::Examples),
        },
    ),
];
