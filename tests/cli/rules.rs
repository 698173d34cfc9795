//! Table tests for the semantic rules: each case is a manifest and the exact
//! findings (`CODE@line:col`) it must produce. Every rule has at least one
//! passing and one failing case.

use crate::util::{codes_at, validate_files, validate_text};

/// `case!(name, yaml, [expected findings])`.
macro_rules! case {
    ($name:ident, $yaml:expr, [$($expected:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            let (_dir, validation) = validate_text($yaml);
            let expected: Vec<&str> = vec![$($expected),*];
            assert_eq!(codes_at(&validation), expected, "findings for:\n{}", $yaml);
        }
    };
}

// A minimal valid sign-on setup that many cases extend.
const SIGN_ON_OK: &str = "\
signOnPolicies:
  - name: Contractors
    conditions: { people: { groups: { include: [Contractors] } } }
    rules:
      - name: Office
        conditions: { network: { connection: ZONE, include: [Office] } }
        actions: { signon: { access: ALLOW, requireFactor: false } }
      - name: Elsewhere
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS, factorLifetime: 15 } }
  - name: Default Policy
    default: true
";

case!(sign_on_baseline_is_clean, SIGN_ON_OK, []);

case!(
    duplicate_policy_names,
    "\
signOnPolicies:
  - name: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
  - name: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
",
    ["OKP100@4:11"]
);

case!(
    duplicate_rule_names,
    "\
signOnPolicies:
  - name: A
    rules:
      - { name: R, conditions: { network: { connection: ZONE, include: [Office] } }, actions: { signon: { access: DENY } } }
      - { name: R, actions: { signon: { access: DENY } } }
",
    ["OKP101@5:17"]
);

case!(
    same_rule_name_in_two_policies_is_fine,
    "\
signOnPolicies:
  - name: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
  - name: B
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
",
    []
);

case!(
    duplicate_priorities,
    "\
signOnPolicies:
  - name: A
    priority: 10
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
  - name: B
    priority: 10
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
",
    ["OKP102@6:5"]
);

case!(
    priorities_order_policies,
    "\
signOnPolicies:
  - name: Default Policy
    default: true
    priority: 100
  - name: A
    priority: 1
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
",
    []
);

case!(
    mixed_priorities_are_ambiguous,
    "\
signOnPolicies:
  - name: A
    priority: 1
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
  - name: B
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
",
    ["OKP103@5:5"]
);

#[test]
fn kind_split_across_files_needs_priorities() {
    let a = "signOnPolicies:\n  - name: A\n    rules: [{ name: R, actions: { signon: { access: DENY } } }]\n";
    let b = "signOnPolicies:\n  - name: B\n    rules: [{ name: R, actions: { signon: { access: DENY } } }]\n";
    let (_dir, validation) = validate_files(&[("a.yaml", a), ("b.yaml", b)]);
    assert_eq!(codes_at(&validation), vec!["OKP103@2:5", "OKP103@2:5"]);
    let files: Vec<String> = oktapol::report::resolve(&validation.sources, &validation.findings)
        .into_iter()
        .map(|f| {
            format!(
                "{} {}",
                f.file
                    .unwrap_or_default()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default(),
                f.related[0]
                    .file
                    .clone()
                    .unwrap_or_default()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        files,
        vec!["a.yaml b.yaml", "b.yaml a.yaml"],
        "each finding names the other file"
    );

    let a = "signOnPolicies:\n  - name: A\n    priority: 2\n    rules: [{ name: R, actions: { signon: { access: DENY } } }]\n";
    let b = "signOnPolicies:\n  - name: B\n    priority: 1\n    rules: [{ name: R, actions: { signon: { access: DENY } } }]\n";
    let (_dir, validation) = validate_files(&[("a.yaml", a), ("b.yaml", b)]);
    assert_eq!(codes_at(&validation), Vec::<String>::new());
}

case!(
    default_policy_must_be_last,
    "\
signOnPolicies:
  - name: Default Policy
    default: true
  - name: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
",
    ["OKP104@2:5"]
);

case!(
    two_default_policies,
    "\
signOnPolicies:
  - name: Default Policy
    default: true
  - name: Other Default
    default: true
",
    ["OKP104@5:5"]
);

case!(
    default_rule_must_be_last,
    "\
signOnPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
      - name: Admins
        conditions: { people: { groups: { include: [Admins] } } }
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
",
    ["OKP105@5:9"]
);

case!(
    default_policy_cannot_have_conditions,
    "\
signOnPolicies:
  - name: Default Policy
    default: true
    conditions: { people: { groups: { include: [Everyone] } } }
",
    ["OKP106@4:5"]
);

case!(
    default_rule_cannot_have_conditions,
    "\
signOnPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        conditions: { network: { connection: ANYWHERE } }
",
    ["OKP106@7:9"]
);

case!(
    default_policy_cannot_be_renamed,
    "\
signOnPolicies:
  - name: Global Default
    renamedFrom: Default Policy
    default: true
",
    ["OKP107@3:5"]
);

case!(
    default_rule_only_in_default_policy,
    "\
signOnPolicies:
  - name: A
    rules:
      - name: R
        conditions: { network: { connection: ZONE, include: [Office] } }
        actions: { signon: { access: DENY } }
      - name: Catch-all
        default: true
",
    ["OKP108@8:9"]
);

case!(
    rename_from_itself,
    "\
signOnPolicies:
  - name: A
    renamedFrom: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
",
    ["OKP109@3:5"]
);

case!(
    rename_onto_a_kept_name,
    "\
signOnPolicies:
  - name: B
    renamedFrom: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
  - name: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
",
    ["OKP109@3:5"]
);

case!(
    two_renames_from_one_name,
    "\
signOnPolicies:
  - name: B
    renamedFrom: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
  - name: C
    renamedFrom: A
    rules: [{ name: R, actions: { signon: { access: DENY } } }]
",
    ["OKP109@6:5"]
);

case!(
    a_plain_rename_is_fine,
    "\
signOnPolicies:
  - name: B
    renamedFrom: A
    rules: [{ name: R, renamedFrom: Old rule, actions: { signon: { access: DENY } } }]
",
    []
);

case!(
    default_cannot_be_deactivated,
    "\
signOnPolicies:
  - name: Default Policy
    default: true
    status: INACTIVE
",
    ["OKP112@4:5"]
);

case!(
    policy_without_rules_warns,
    "\
signOnPolicies:
  - name: Empty
  - name: Default Policy
    default: true
",
    ["OKP205@2:5"]
);

case!(
    unreachable_rule_warns,
    "\
signOnPolicies:
  - name: A
    rules:
      - name: Everything
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
      - name: Office
        conditions: { network: { connection: ZONE, include: [Office] } }
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
",
    ["OKP207@6:9"]
);

// ---------------------------------------------------------------------------
// Read-only objects and fields.

case!(
    idp_discovery_default_rule_is_read_only,
    "\
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        actions: { idp: { providers: [{ type: OKTA }] } }
",
    ["OKP110@5:9"]
);

case!(
    idp_discovery_default_rule_listed_by_name_is_fine,
    "\
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    default: true
    rules:
      - name: Default Rule
        default: true
",
    []
);

case!(
    mfa_enroll_default_rule_is_read_only,
    "\
mfaEnrollPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        actions: { enroll: { self: LOGIN } }
",
    ["OKP110@5:9"]
);

case!(
    sign_on_default_rule_session_fields_are_read_only,
    "\
signOnPolicies:
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
",
    ["OKP111@12:51", "OKP111@12:83"]
);

case!(
    sign_on_default_rule_idle_time_is_writable,
    "\
signOnPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        actions:
          signon: { access: ALLOW, requireFactor: true, factorPromptMode: SESSION, session: { maxSessionIdleMinutes: 60 } }
",
    []
);

case!(
    account_management_policy_is_read_only,
    "\
accessPolicies:
  - name: Okta Account Management Policy
    description: changed
    apps: [Workday]
",
    ["OKP110@3:5", "OKP175@4:5"]
);

// ---------------------------------------------------------------------------
// Apps and single-policy kinds.

case!(
    app_mapped_to_two_access_policies,
    "\
accessPolicies:
  - name: Finance
    apps: [Workday, NetSuite]
  - name: HR
    apps: [BambooHR, Workday]
",
    ["OKP113@5:22"]
);

case!(
    same_app_in_access_and_profile_enrollment_is_fine,
    "\
accessPolicies:
  - name: Finance
    apps: [Workday]
profileEnrollmentPolicies:
  - name: Self-registration
    apps: [Workday]
    rules: [{ name: Default Rule, default: true }]
",
    []
);

case!(
    only_one_idp_discovery_policy,
    "\
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
  - name: Second
",
    ["OKP114@3:5"]
);

// ---------------------------------------------------------------------------
// IdP discovery.

#[test]
fn idp_discovery_allows_ten_providers_not_eleven() {
    let providers = |n: usize| {
        (0..n)
            .map(|i| format!("{{ type: SAML2, name: IdP {i} }}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let yaml = |n| {
        format!(
            "idpDiscoveryPolicies:\n  - name: Idp Discovery Policy\n    rules:\n      - name: Route\n        actions: {{ idp: {{ providers: [{}] }} }}\n",
            providers(n)
        )
    };
    let (_dir, ok) = validate_text(&yaml(10));
    assert_eq!(codes_at(&ok), Vec::<String>::new());
    let (_dir, bad) = validate_text(&yaml(11));
    assert_eq!(codes_at(&bad), vec!["OKP014@5:38"]);
    let message = &bad.findings[0].message;
    assert!(
        message.contains("at most 10 items") && message.contains("11 items"),
        "{message}"
    );
}

case!(
    one_iwa_provider_per_rule,
    "\
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: Desktop SSO
        actions: { idp: { providers: [{ type: IWA }, { type: AgentlessDSSO }, { type: IWA }] } }
",
    ["OKP121@5:87"]
);

case!(
    dynamic_selection_needs_match_criteria_and_no_providers,
    "\
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: Dynamic
        actions:
          idp:
            idpSelectionType: DYNAMIC
            providers: [{ type: SAML2, name: Corp IdP }]
",
    ["OKP122@7:31", "OKP122@8:13"]
);

case!(
    dynamic_selection_with_expression_is_fine,
    "\
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: Dynamic
        actions:
          idp:
            idpSelectionType: DYNAMIC
            matchCriteria: [{ providerExpression: \"login.identifier.substringAfter('@')\", propertyName: name }]
",
    []
);

case!(
    specific_selection_takes_no_expression,
    "\
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: Specific
        actions:
          idp:
            idpSelectionType: SPECIFIC
            providers: [{ type: SAML2, name: Corp IdP }]
            matchCriteria: [{ providerExpression: \"login.identifier\" }]
",
    ["OKP122@9:31"]
);

case!(
    idp_provider_needs_a_reference,
    "\
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: SAML
        actions: { idp: { providers: [{ type: SAML2 }, { type: OKTA }] } }
",
    ["OKP174@5:39"]
);

case!(
    regex_user_identifier_takes_one_pattern,
    "\
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: Partners
        conditions:
          userIdentifier:
            type: IDENTIFIER
            patterns:
              - { matchType: EXPRESSION, value: '.*@partner\\.com' }
              - { matchType: SUFFIX, value: partner.org }
        actions: { idp: { providers: [{ type: SAML2, name: Partner IdP }] } }
",
    ["OKP162@9:15"]
);

case!(
    several_suffix_patterns_are_fine,
    "\
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    rules:
      - name: Partners
        conditions:
          userIdentifier:
            type: IDENTIFIER
            patterns: [{ matchType: SUFFIX, value: partner.com }, { matchType: SUFFIX, value: partner.org }]
        actions: { idp: { providers: [{ type: SAML2, name: Partner IdP }] } }
",
    []
);

// ---------------------------------------------------------------------------
// MFA enrollment.

case!(
    factors_and_authenticators_are_exclusive,
    "\
mfaEnrollPolicies:
  - name: Mixed
    settings:
      type: AUTHENTICATORS
      authenticators: [{ key: okta_verify, enroll: { self: REQUIRED } }]
      factors: { okta_sms: { enroll: { self: OPTIONAL } } }
    rules: [{ name: Enroll, actions: { enroll: { self: LOGIN } } }]
",
    ["OKP130@4:7"]
);

case!(
    authenticators_need_their_type,
    "\
mfaEnrollPolicies:
  - name: Untyped
    settings:
      authenticators: [{ key: okta_verify, enroll: { self: REQUIRED } }]
    rules: [{ name: Enroll, actions: { enroll: { self: LOGIN } } }]
",
    ["OKP130@4:7"]
);

case!(
    classic_factors_without_type_are_fine,
    "\
mfaEnrollPolicies:
  - name: Classic
    settings:
      factors: { okta_sms: { enroll: { self: OPTIONAL } }, okta_otp: { enroll: { self: REQUIRED } } }
    rules: [{ name: Enroll, actions: { enroll: { self: CHALLENGE } } }]
",
    []
);

case!(
    authenticator_listed_twice,
    "\
mfaEnrollPolicies:
  - name: Twice
    settings:
      type: AUTHENTICATORS
      authenticators:
        - { key: okta_verify, enroll: { self: REQUIRED } }
        - { key: okta_verify, enroll: { self: OPTIONAL } }
    rules: [{ name: Enroll, actions: { enroll: { self: LOGIN } } }]
",
    ["OKP131@7:18"]
);

case!(
    recovery_prompt_needs_authenticators,
    "\
mfaEnrollPolicies:
  - name: Classic
    settings: { factors: { okta_sms: { enroll: { self: OPTIONAL } } } }
    rules: [{ name: Never, actions: { enroll: { self: NEVER_INCLUDING_RECOVERY } } }]
",
    ["OKP132@4:55"]
);

// ---------------------------------------------------------------------------
// Access policies.

#[test]
fn access_policy_holds_at_most_100_rules_with_its_catch_all() {
    let rules = |n: usize| {
        (0..n)
            .map(|i| format!("      - {{ name: R{i}, conditions: {{ people: {{ groups: {{ include: [G{i}] }} }} }} }}\n"))
            .collect::<String>()
    };
    let yaml = |n| format!("accessPolicies:\n  - name: Big\n    rules:\n{}", rules(n));
    let (_dir, ok) = validate_text(&yaml(99));
    assert_eq!(codes_at(&ok), Vec::<String>::new());
    let (_dir, bad) = validate_text(&yaml(100));
    assert_eq!(codes_at(&bad), vec!["OKP140@3:5"]);
}

case!(
    catch_all_rule_must_be_last,
    "\
accessPolicies:
  - name: Finance
    rules:
      - { name: Catch-all Rule, default: true }
      - { name: Managed, conditions: { device: { registered: true, managed: true } } }
",
    ["OKP105@4:9"]
);

case!(
    managed_device_needs_registered,
    "\
accessPolicies:
  - name: Finance
    rules:
      - name: Managed
        conditions: { device: { managed: true } }
",
    ["OKP161@5:33"]
);

case!(
    durations_must_be_iso_8601,
    "\
accessPolicies:
  - name: Finance
    rules:
      - name: Two factors
        conditions: { people: { groups: { include: [Finance] } } }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod: { type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PTOS }
",
    ["OKP164@9:87"]
);

case!(
    one_factor_constraint_takes_one_class,
    "\
accessPolicies:
  - name: Finance
    rules:
      - name: Password and phone
        conditions: { people: { groups: { include: [Finance] } } }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod:
              type: ASSURANCE
              factorMode: 1FA
              constraints:
                - { knowledge: { types: [PASSWORD] }, possession: { types: [PHONE] } }
",
    ["OKP168@13:19"]
);

case!(
    chains_need_methods,
    "\
accessPolicies:
  - name: Finance
    rules:
      - name: Chain
        conditions: { people: { groups: { include: [Finance] } } }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod: { type: AUTH_METHOD_CHAIN, chains: [] }
",
    ["OKP168@9:33"]
);

case!(
    chains_with_methods_are_fine,
    "\
accessPolicies:
  - name: Finance
    rules:
      - name: Chain
        conditions: { people: { groups: { include: [Finance] } } }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod:
              type: AUTH_METHOD_CHAIN
              chains:
                - authenticationMethods: [{ key: okta_password, method: password }]
                  next: [{ authenticationMethods: [{ key: okta_verify, method: push }] }]
",
    []
);

case!(
    one_factor_for_everyone_warns,
    "\
accessPolicies:
  - name: Finance
    rules:
      - name: Everyone in
        actions: { appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 1FA } } }
",
    ["OKP202@5:99"]
);

// ---------------------------------------------------------------------------
// Shared conditions.

case!(
    zone_connection_needs_zones,
    "\
passwordPolicies:
  - name: P
    rules:
      - name: R
        conditions: { network: { connection: ZONE } }
",
    ["OKP163@5:46"]
);

case!(
    anywhere_takes_no_zones,
    "\
passwordPolicies:
  - name: P
    rules:
      - name: R
        conditions: { network: { connection: ANYWHERE, include: [Office] } }
",
    ["OKP163@5:46"]
);

case!(
    all_zones_stands_alone,
    "\
passwordPolicies:
  - name: P
    rules:
      - name: R
        conditions: { network: { connection: ZONE, exclude: [ALL_ZONES, Office] } }
",
    ["OKP163@5:61"]
);

case!(
    specific_idp_needs_ids,
    "\
signOnPolicies:
  - name: P
    rules:
      - name: R
        conditions: { identityProvider: { provider: SPECIFIC_IDP } }
        actions: { signon: { access: DENY } }
",
    ["OKP167@5:53"]
);

case!(
    other_os_needs_an_expression,
    "\
accessPolicies:
  - name: P
    rules:
      - name: R
        conditions: { platform: { include: [{ type: DESKTOP, os: { type: OTHER } }] } }
",
    ["OKP169@5:66"]
);

// ---------------------------------------------------------------------------
// Sign-on, password, risk, authorization servers.

case!(
    idle_time_cannot_exceed_lifetime,
    "\
signOnPolicies:
  - name: P
    rules:
      - name: R
        actions:
          signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS, session: { maxSessionIdleMinutes: 600, maxSessionLifetimeMinutes: 60 } }
",
    ["OKP165@6:117"]
);

case!(
    unlimited_lifetime_allows_any_idle_time,
    "\
signOnPolicies:
  - name: P
    rules:
      - name: R
        actions:
          signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS, session: { maxSessionIdleMinutes: 600, maxSessionLifetimeMinutes: 0 } }
",
    []
);

case!(
    required_factor_needs_a_prompt_mode,
    "\
signOnPolicies:
  - name: P
    rules:
      - name: R
        actions: { signon: { access: ALLOW, requireFactor: true } }
",
    ["OKP013@5:28"]
);

case!(
    no_mfa_for_everyone_warns,
    "\
signOnPolicies:
  - name: Default Policy
    default: true
    rules:
      - name: Default Rule
        default: true
        actions: { signon: { access: ALLOW, requireFactor: false } }
",
    ["OKP200@7:60"]
);

case!(
    complexity_must_fit_min_length,
    "\
passwordPolicies:
  - name: P
    settings:
      password:
        complexity: { minLength: 2, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 1 }
",
    ["OKP205@2:5", "OKP166@5:34", "OKP201@5:34"]
);

case!(
    warning_must_come_before_expiry,
    "\
passwordPolicies:
  - name: P
    settings:
      password:
        age: { maxAgeDays: 30, expireWarnDays: 30 }
",
    ["OKP205@2:5", "OKP166@5:48"]
);

case!(
    no_lockout_warns,
    "\
passwordPolicies:
  - name: P
    settings:
      password:
        lockout: { maxAttempts: 0 }
",
    ["OKP205@2:5", "OKP201@5:33"]
);

case!(
    otp_reset_needs_google_authenticator,
    "\
passwordPolicies:
  - name: P
    rules:
      - name: R
        actions:
          selfServicePasswordReset:
            access: ALLOW
            requirement: { primary: { methods: [email, otp] } }
",
    ["OKP172@8:48"]
);

case!(
    otp_reset_limited_to_google_authenticator_is_fine,
    "\
passwordPolicies:
  - name: P
    rules:
      - name: R
        actions:
          selfServicePasswordReset:
            access: ALLOW
            requirement:
              primary:
                methods: [email, otp]
                methodConstraints: [{ method: otp, allowedAuthenticators: [{ key: google_otp }] }]
              stepUp: { required: true, methods: [security_question] }
",
    []
);

case!(
    risk_detection_include_or_exclude,
    "\
entityRiskPolicies:
  - name: Entity Risk Policy
    rules:
      - name: R
        conditions:
          entityRisk: { level: HIGH }
          riskDetectionTypes: { include: [BRUTE_FORCE_ATTACK], exclude: [SUSPICIOUS_APP_ACCESS] }
",
    ["OKP160@7:31"]
);

case!(
    run_workflow_needs_a_workflow,
    "\
entityRiskPolicies:
  - name: Entity Risk Policy
    rules:
      - name: R
        conditions: { entityRisk: { level: HIGH } }
        actions: { entityRisk: { actions: [{ action: RUN_WORKFLOW }] } }
",
    ["OKP173@6:44"]
);

case!(
    post_auth_workflow_only_with_run_workflow,
    "\
postAuthSessionPolicies:
  - name: Post Auth Session Policy
    rules:
      - name: R
        actions: { postAuthSession: { failureActions: [{ action: TERMINATE_SESSION, workflow: { id: Cleanup } }] } }
",
    ["OKP173@5:85"]
);

case!(
    refresh_window_not_shorter_than_access_token,
    "\
authorizationServers:
  - server: default
    policies:
      - name: API clients
        conditions: { clients: { include: [ALL_CLIENTS] } }
        rules:
          - name: Short refresh
            conditions: { grantTypes: { include: [client_credentials] }, scopes: { include: ['*'] } }
            actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenWindowMinutes: 30 } }
",
    ["OKP170@9:92"]
);

// ---------------------------------------------------------------------------
// Profile enrollment.

case!(
    profile_enrollment_has_one_default_rule,
    "\
profileEnrollmentPolicies:
  - name: Registration
    rules:
      - { name: First, default: true }
      - { name: Second }
",
    ["OKP150@5:9"]
);

case!(
    profile_enrollment_rule_is_the_default,
    "\
profileEnrollmentPolicies:
  - name: Registration
    rules:
      - { name: Only }
",
    ["OKP150@4:9"]
);

case!(
    profile_enrollment_limits,
    "\
profileEnrollmentPolicies:
  - name: Registration
    rules:
      - name: Default Rule
        default: true
        actions:
          profileEnrollment:
            access: ALLOW
            unknownUserAction: REGISTER
            targetGroupIds: [Customers, Partners]
",
    ["OKP014@10:29"]
);

case!(
    profile_attributes_are_listed_once,
    "\
profileEnrollmentPolicies:
  - name: Registration
    rules:
      - name: Default Rule
        default: true
        actions:
          profileEnrollment:
            profileAttributes:
              - { name: email, label: Email, required: true }
              - { name: email, label: Email again }
",
    ["OKP153@10:25"]
);

#[test]
fn profile_enrollment_collects_at_most_ten_attributes() {
    let attributes = |n: usize| {
        (0..n)
            .map(|i| format!("              - {{ name: attr{i}, label: Attribute {i} }}\n"))
            .collect::<String>()
    };
    let yaml = |n| {
        format!(
            "profileEnrollmentPolicies:\n  - name: Registration\n    rules:\n      - name: Default Rule\n        default: true\n        actions:\n          profileEnrollment:\n            profileAttributes:\n{}",
            attributes(n)
        )
    };
    let (_dir, ok) = validate_text(&yaml(10));
    assert_eq!(codes_at(&ok), Vec::<String>::new());
    let (_dir, bad) = validate_text(&yaml(11));
    assert_eq!(codes_at(&bad), vec!["OKP014@9:15"]);
}

case!(
    post_auth_takes_two_different_actions,
    "\
postAuthSessionPolicies:
  - name: Post Auth Policy
    rules:
      - name: R
        actions:
          postAuthSession:
            failureActions: [{ action: TERMINATE_SESSION }, { action: RUN_WORKFLOW, workflow: { id: Notify SOC } }]
",
    []
);

case!(
    post_auth_takes_each_action_once,
    "\
postAuthSessionPolicies:
  - name: Post Auth Policy
    rules:
      - name: R
        actions:
          postAuthSession:
            failureActions: [{ action: TERMINATE_SESSION }, { action: TERMINATE_SESSION }]
",
    ["OKP173@7:61"]
);

case!(
    entity_risk_takes_one_action,
    "\
entityRiskPolicies:
  - name: Entity Risk Policy
    rules:
      - name: R
        actions:
          entityRisk:
            actions: [{ action: TERMINATE_ALL_SESSIONS }, { action: RUN_WORKFLOW, workflow: { id: Notify SOC } }]
",
    ["OKP014@7:22"]
);

case!(
    ui_schema_is_referenced_by_id,
    "\
profileEnrollmentPolicies:
  - name: Registration
    rules:
      - name: Default Rule
        default: true
        actions: { profileEnrollment: { uiSchemaId: Registration form } }
",
    ["OKP154@6:53"]
);

case!(
    ui_schema_by_id_is_fine,
    "\
profileEnrollmentPolicies:
  - name: Registration
    rules:
      - name: Default Rule
        default: true
        actions: { profileEnrollment: { uiSchemaId: 'id:uis44fio9ifOCwJAO1d7' } }
",
    []
);
