//! Okta's policy evaluation as tables of an admin's scenarios: manifests
//! written inline, sign-ins written as a case file's `context`, and the
//! policy and rule that should apply (or none). One table per condition
//! type and per kind, then the evaluation order rules: a policy whose rules
//! all miss passes to the next policy, inactive policies and rules are
//! skipped, a policy without rules never applies, the default policy and
//! its (assumed) default rule catch the rest, an access policy comes from
//! the app's mapping or the default policy, and an app sign-in is the
//! union of the global session and the access policy.

use std::path::Path;

use oktapol::cases::{self, Case};
use oktapol::desired::Desired;
use oktapol::evaluate::{
    Context, Evaluation, Facet, PolicySet, app_sign_in, evaluate, evaluate_all,
};
use oktapol::finding::Severity;
use oktapol::manifest::PolicyKind;
use oktapol::report::{self, Format, Style};
use serde_json::{Value, json};

use crate::util::validate_text;

/// The manifests, validated (no errors allowed), as the evaluator sees them.
fn org(manifests: &str) -> PolicySet {
    let (_dir, validation) = validate_text(manifests);
    assert!(
        !validation.has(Severity::Error),
        "the scenario's manifests are invalid:\n{}",
        report::render(Format::Human, &validation, Style::default())
    );
    PolicySet::from_desired(&Desired::from_set(&validation.set))
}

/// A sign-in written as a case file's `context` (a YAML flow mapping),
/// with Everyone added.
fn sign_in(context: &str) -> Context {
    let text = format!(
        "cases:\n  - name: scenario\n    context: {context}\n    expect: {{ signOn: {{ applies: true }} }}\n"
    );
    let file = cases::parse(Path::new("scenario.yaml"), &text)
        .unwrap_or_else(|error| panic!("the scenario's context {context} is invalid:\n{error}"));
    let case: &Case = &file.cases[0];
    case.evaluation_context()
}

fn evaluation(set: &PolicySet, kind: PolicyKind, context: &str) -> Evaluation {
    evaluate(set, kind, None, &sign_in(context))
        .unwrap_or_else(|| panic!("the manifests have no {kind}"))
}

/// One row: what the admin means, the sign-in, and the policy and rule
/// that should apply (`None`: no policy applies).
type Row<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>);

/// Checks every row and reports all the rows that disagree at once.
fn table(manifests: &str, kind: PolicyKind, rows: &[Row<'_>]) {
    let set = org(manifests);
    let mut failures = Vec::new();
    for (scenario, context, expected) in rows {
        let evaluation = evaluation(&set, kind, context);
        let actual = evaluation
            .matched
            .as_ref()
            .map(|m| (m.policy.as_str(), m.rule.as_str()));
        if actual != *expected {
            let why = match expected {
                Some((policy, rule)) => evaluation.why_not(policy, Some(rule)),
                None => "a policy applied".to_owned(),
            };
            failures.push(format!(
                "{scenario}: expected {expected:?}, got {actual:?} ({why})"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn facet(evaluation: &Evaluation, facet: Facet) -> Option<Value> {
    evaluation.outcome.get(facet).cloned()
}

// ----- condition types ------------------------------------------------------

const GROUPS: &str = "
signOnPolicies:
  - name: Contractors
    conditions: { people: { groups: { include: [Contractors] } } }
    rules:
      - name: Not the admins
        conditions: { people: { groups: { exclude: [Okta Administrators] } } }
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
  - name: Everyone explicitly
    conditions: { people: { groups: { include: [EVERYONE] } } }
    rules:
      - name: Engineering only
        conditions: { people: { groups: { include: [Engineering] } } }
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: SESSION } }
  - name: Default Policy
    default: true
";

#[test]
fn group_include_and_exclude() {
    table(
        GROUPS,
        PolicyKind::SignOn,
        &[
            (
                "a contractor",
                "{ groups: [Contractors] }",
                Some(("Contractors", "Not the admins")),
            ),
            (
                "a contractor who is also an admin is excluded by the rule, so the next policy",
                "{ groups: [Contractors, Okta Administrators] }",
                Some(("Default Policy", "Default Rule")),
            ),
            (
                "an engineer: EVERYONE includes them, the rule's group too",
                "{ groups: [Engineering] }",
                Some(("Everyone explicitly", "Engineering only")),
            ),
            (
                "nobody in particular: only the default policy",
                "{}",
                Some(("Default Policy", "Default Rule")),
            ),
        ],
    );
}

#[test]
fn users_by_login() {
    table(
        "
accessPolicies:
  - name: Break glass
    apps: [Workday]
    rules:
      - name: The break-glass account
        conditions: { people: { users: { include: [breakglass@acme.com] } } }
        actions: { appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 1FA } } }
      - name: Everyone but Carl
        conditions: { people: { users: { exclude: [carl@contractor.example] } } }
        actions: { appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 2FA } } }
      - name: Catch-all Rule
        default: true
        actions: { appSignOn: { access: DENY } }
",
        PolicyKind::Access,
        &[
            (
                "the break-glass account",
                "{ user: breakglass@acme.com, app: Workday }",
                Some(("Break glass", "The break-glass account")),
            ),
            (
                "Ada",
                "{ user: ada@acme.com, app: Workday }",
                Some(("Break glass", "Everyone but Carl")),
            ),
            (
                "Carl is excluded by name",
                "{ user: carl@contractor.example, app: Workday }",
                Some(("Break glass", "Catch-all Rule")),
            ),
            (
                "no login: not the listed user, not the excluded one",
                "{ app: Workday }",
                Some(("Break glass", "Everyone but Carl")),
            ),
        ],
    );
}

#[test]
fn network_zones_include_exclude_and_all_zones() {
    table(
        "
signOnPolicies:
  - name: Everyone
    rules:
      - name: Blocked countries
        conditions: { network: { connection: ZONE, include: [Blocked Countries] } }
        actions: { signon: { access: DENY } }
      - name: Office
        conditions: { network: { connection: ZONE, include: [Corporate Network] } }
        actions: { signon: { access: ALLOW, requireFactor: false } }
      - name: Any known zone but the warehouse
        conditions: { network: { connection: ZONE, include: [ALL_ZONES], exclude: [Warehouse Network] } }
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: DEVICE } }
      - name: Anywhere
        conditions: { network: { connection: ANYWHERE } }
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
",
        PolicyKind::SignOn,
        &[
            ("from a blocked country", "{ zones: [Blocked Countries] }", Some(("Everyone", "Blocked countries"))),
            ("in the office", "{ zones: [Corporate Network] }", Some(("Everyone", "Office"))),
            (
                "in a zone of no rule's own: ALL_ZONES",
                "{ zones: [Partner VPN] }",
                Some(("Everyone", "Any known zone but the warehouse")),
            ),
            (
                "in the warehouse: ALL_ZONES, but excluded",
                "{ zones: [Warehouse Network] }",
                Some(("Everyone", "Anywhere")),
            ),
            ("off-network: in no zone at all", "{ zones: [] }", Some(("Everyone", "Anywhere"))),
        ],
    );
}

const ACCESS_CONDITIONS: &str = "
accessPolicies:
  - name: Consoles
    apps: [AWS IAM Identity Center]
    rules:
      - name: High risk
        conditions: { riskScore: { level: HIGH } }
        actions: { appSignOn: { access: DENY } }
      - name: Contractor user type
        conditions: { userType: { include: [contractor] } }
        actions: { appSignOn: { access: DENY } }
      - name: Managed Macs with assurance
        conditions:
          platform: { include: [{ type: DESKTOP, os: { type: MACOS } }] }
          device: { registered: true, managed: true, assurance: { include: [Mac baseline] } }
        actions: { appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 1FA } } }
      - name: Registered phones, not Android
        conditions:
          platform:
            include: [{ type: MOBILE }]
            exclude: [{ type: MOBILE, os: { type: ANDROID } }]
          device: { registered: true }
        actions: { appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 2FA } } }
      - name: Catch-all Rule
        default: true
        actions: { appSignOn: { access: DENY } }
";

#[test]
fn platform_device_risk_and_user_type() {
    table(
        ACCESS_CONDITIONS,
        PolicyKind::Access,
        &[
            (
                "a high-risk sign-in",
                "{ app: AWS IAM Identity Center, risk: HIGH }",
                Some(("Consoles", "High risk")),
            ),
            (
                "a contractor by user type",
                "{ app: AWS IAM Identity Center, risk: LOW, userType: contractor }",
                Some(("Consoles", "Contractor user type")),
            ),
            (
                "a managed Mac meeting the assurance policy",
                "{ app: AWS IAM Identity Center, risk: LOW, userType: employee, platform: { type: DESKTOP, os: MACOS }, device: { registered: true, managed: true, assurances: [Mac baseline] } }",
                Some(("Consoles", "Managed Macs with assurance")),
            ),
            (
                "a managed Mac failing the assurance policy",
                "{ app: AWS IAM Identity Center, risk: LOW, userType: employee, platform: { type: DESKTOP, os: MACOS }, device: { registered: true, managed: true } }",
                Some(("Consoles", "Catch-all Rule")),
            ),
            (
                "an unmanaged Windows laptop",
                "{ app: AWS IAM Identity Center, risk: LOW, userType: employee, platform: { type: DESKTOP, os: WINDOWS }, device: { registered: true, managed: false } }",
                Some(("Consoles", "Catch-all Rule")),
            ),
            (
                "a registered iPhone",
                "{ app: AWS IAM Identity Center, risk: LOW, userType: employee, platform: { type: MOBILE, os: IOS }, device: { registered: true } }",
                Some(("Consoles", "Registered phones, not Android")),
            ),
            (
                "a registered Android phone is excluded",
                "{ app: AWS IAM Identity Center, risk: LOW, userType: employee, platform: { type: MOBILE, os: ANDROID }, device: { registered: true } }",
                Some(("Consoles", "Catch-all Rule")),
            ),
        ],
    );
}

#[test]
fn what_the_case_does_not_say_is_undefined_and_does_not_match() {
    let set = org(ACCESS_CONDITIONS);
    let evaluation = evaluation(&set, PolicyKind::Access, "{ app: AWS IAM Identity Center }");
    let matched = evaluation.matched.as_ref().map(|m| m.rule.as_str());
    assert_eq!(matched, Some("Catch-all Rule"));
    assert!(
        evaluation
            .why_not("Consoles", Some("High risk"))
            .contains("the case gives no risk level"),
        "{}",
        evaluation.why_not("Consoles", Some("High risk"))
    );
}

#[test]
fn auth_type_and_identity_provider() {
    table(
        "
signOnPolicies:
  - name: Everyone
    rules:
      - name: VPN over RADIUS
        conditions: { authContext: { authType: RADIUS } }
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
      - name: Partners from their IdP
        conditions: { identityProvider: { provider: SPECIFIC_IDP, idpIds: [Northwind SAML] } }
        actions: { signon: { access: ALLOW, requireFactor: false } }
      - name: Okta users
        conditions: { identityProvider: { provider: OKTA } }
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: SESSION } }
      - name: Other IdPs
        actions: { signon: { access: DENY } }
",
        PolicyKind::SignOn,
        &[
            (
                "a RADIUS sign-in",
                "{ authType: RADIUS }",
                Some(("Everyone", "VPN over RADIUS")),
            ),
            (
                "a browser sign-in through Northwind",
                "{ authType: ANY, idp: Northwind SAML }",
                Some(("Everyone", "Partners from their IdP")),
            ),
            (
                "a browser sign-in with Okta",
                "{}",
                Some(("Everyone", "Okta users")),
            ),
            (
                "through another IdP",
                "{ idp: Partner Azure AD }",
                Some(("Everyone", "Other IdPs")),
            ),
        ],
    );
}

const IDP_DISCOVERY: &str = "
idpDiscoveryPolicies:
  - name: Idp Discovery Policy
    default: true
    rules:
      - name: Northwind by email
        conditions:
          userIdentifier:
            type: IDENTIFIER
            patterns: [{ matchType: SUFFIX, value: northwind.com }]
        actions:
          idp: { providers: [{ type: SAML2, name: Northwind SAML }] }
      - name: Google for the expense app on phones
        conditions:
          app: { include: [{ type: APP, name: Expense Tracker Mobile }] }
          platform: { include: [{ type: MOBILE, os: { type: ANY } }] }
        actions:
          idp: { providers: [{ type: GOOGLE, name: Acme Google Workspace }] }
      - name: Default Rule
        default: true
";

#[test]
fn identity_provider_routing_by_identifier_app_and_platform() {
    table(
        IDP_DISCOVERY,
        PolicyKind::IdpDiscovery,
        &[
            (
                "a Northwind login",
                "{ user: pat@northwind.com }",
                Some(("Idp Discovery Policy", "Northwind by email")),
            ),
            (
                "the mobile expense app",
                "{ user: ada@acme.com, app: Expense Tracker Mobile, platform: { type: MOBILE, os: IOS } }",
                Some((
                    "Idp Discovery Policy",
                    "Google for the expense app on phones",
                )),
            ),
            (
                "the mobile expense app on a desktop",
                "{ user: ada@acme.com, app: Expense Tracker Mobile, platform: { type: DESKTOP } }",
                Some(("Idp Discovery Policy", "Default Rule")),
            ),
        ],
    );
    let set = org(IDP_DISCOVERY);
    let routed = evaluation(
        &set,
        PolicyKind::IdpDiscovery,
        "{ user: pat@northwind.com }",
    );
    assert_eq!(
        facet(&routed, Facet::IdentityProviders),
        Some(json!(["SAML2 Northwind SAML"]))
    );
}

#[test]
fn password_policies_by_auth_provider() {
    let manifests = "
passwordPolicies:
  - name: Okta-sourced contractors
    conditions:
      people: { groups: { include: [Contractors] } }
      authProvider: { provider: OKTA }
    settings: { password: { complexity: { minLength: 14 }, lockout: { maxAttempts: 3 } } }
    rules:
      - name: No self-service reset
        actions:
          passwordChange: { access: ALLOW }
          selfServicePasswordReset: { access: DENY }
          selfServiceUnlock: { access: DENY }
  - name: Directory users
    conditions: { authProvider: { provider: ACTIVE_DIRECTORY } }
    rules:
      - name: Change in AD
        actions: { passwordChange: { access: DENY } }
  - name: Default Policy
    default: true
";
    table(
        manifests,
        PolicyKind::Password,
        &[
            (
                "an Okta-sourced contractor",
                "{ groups: [Contractors] }",
                Some(("Okta-sourced contractors", "No self-service reset")),
            ),
            (
                "a contractor whose password lives in AD",
                "{ groups: [Contractors], authProvider: ACTIVE_DIRECTORY }",
                Some(("Directory users", "Change in AD")),
            ),
            (
                "an Okta-sourced employee: the default policy and its assumed rule",
                "{ groups: [Employees] }",
                Some(("Default Policy", "Default Rule")),
            ),
            (
                "an LDAP user: no policy here",
                "{ authProvider: LDAP }",
                None,
            ),
        ],
    );
    let set = org(manifests);
    let strict = evaluation(&set, PolicyKind::Password, "{ groups: [Contractors] }");
    assert_eq!(facet(&strict, Facet::PasswordMinLength), Some(json!(14)));
    assert_eq!(facet(&strict, Facet::LockoutAttempts), Some(json!(3)));
    assert_eq!(facet(&strict, Facet::PasswordReset), Some(json!("DENY")));
}

#[test]
fn mfa_enrollment_with_authenticators_and_with_factors() {
    let manifests = "
mfaEnrollPolicies:
  - name: Admins
    conditions: { people: { groups: { include: [Okta Administrators] } } }
    settings:
      type: AUTHENTICATORS
      authenticators:
        - { key: okta_verify, enroll: { self: REQUIRED } }
        - { key: webauthn, enroll: { self: REQUIRED } }
        - { key: phone_number, enroll: { self: NOT_ALLOWED } }
    rules:
      - name: Not from the warehouse
        conditions: { network: { connection: ZONE, exclude: [Warehouse Network] } }
        actions: { enroll: { self: LOGIN } }
  - name: Warehouse (classic)
    conditions: { people: { groups: { include: [Warehouse] } } }
    settings:
      type: FACTORS
      factors:
        okta_sms: { enroll: { self: REQUIRED } }
        google_otp: { enroll: { self: OPTIONAL } }
    rules:
      - name: At first sign-in
        actions: { enroll: { self: CHALLENGE } }
  - name: Default Policy
    default: true
";
    table(
        manifests,
        PolicyKind::MfaEnroll,
        &[
            (
                "an admin in the office",
                "{ groups: [Okta Administrators], zones: [Corporate Network] }",
                Some(("Admins", "Not from the warehouse")),
            ),
            (
                "an admin in the warehouse: the rule misses, so the next policy",
                "{ groups: [Okta Administrators, Warehouse], zones: [Warehouse Network] }",
                Some(("Warehouse (classic)", "At first sign-in")),
            ),
            (
                "anyone else",
                "{ groups: [Employees] }",
                Some(("Default Policy", "Default Rule")),
            ),
        ],
    );
    let set = org(manifests);
    let admins = evaluation(
        &set,
        PolicyKind::MfaEnroll,
        "{ groups: [Okta Administrators] }",
    );
    assert_eq!(
        facet(&admins, Facet::RequiredAuthenticators),
        Some(json!(["okta_verify", "webauthn"]))
    );
    assert_eq!(
        facet(&admins, Facet::NotAllowedAuthenticators),
        Some(json!(["phone_number"]))
    );
    assert_eq!(facet(&admins, Facet::EnrollPrompt), Some(json!("LOGIN")));
    let warehouse = evaluation(&set, PolicyKind::MfaEnroll, "{ groups: [Warehouse] }");
    assert_eq!(
        facet(&warehouse, Facet::RequiredAuthenticators),
        Some(json!(["okta_sms"]))
    );
    assert_eq!(
        facet(&warehouse, Facet::OptionalAuthenticators),
        Some(json!(["google_otp"]))
    );
    let default = evaluation(&set, PolicyKind::MfaEnroll, "{}");
    assert!(
        default.matched.as_ref().is_some_and(|m| m.assumed),
        "{default:?}"
    );
}

const ACCESS_BY_APP: &str = "
accessPolicies:
  - name: Finance apps
    apps: [Workday, NetSuite]
    rules:
      - name: Managed devices
        conditions: { device: { managed: true, registered: true } }
        actions: { appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT2H } } }
      - name: Catch-all Rule
        default: true
        actions: { appSignOn: { access: DENY } }
  - name: Inactive policy for Jira
    status: INACTIVE
    apps: [Jira Cloud]
    rules:
      - name: Catch-all Rule
        default: true
        actions: { appSignOn: { access: DENY } }
  - name: Default Policy
    default: true
    rules:
      - name: Catch-all Rule
        default: true
        actions: { appSignOn: { access: ALLOW, verificationMethod: { type: ASSURANCE, factorMode: 1FA } } }
";

#[test]
fn access_policy_comes_from_the_app_mapping_or_the_default_policy() {
    table(
        ACCESS_BY_APP,
        PolicyKind::Access,
        &[
            (
                "Workday on a managed laptop",
                "{ app: Workday, device: { managed: true, registered: true } }",
                Some(("Finance apps", "Managed devices")),
            ),
            (
                "NetSuite on a personal laptop",
                "{ app: NetSuite, device: { managed: false, registered: false } }",
                Some(("Finance apps", "Catch-all Rule")),
            ),
            (
                "an app no policy lists: the default policy",
                "{ app: GitHub Enterprise Cloud }",
                Some(("Default Policy", "Catch-all Rule")),
            ),
            (
                "an app mapped to an inactive policy: nothing applies",
                "{ app: Jira Cloud }",
                None,
            ),
        ],
    );
    let set = org(ACCESS_BY_APP);
    let fallback = evaluation(&set, PolicyKind::Access, "{ app: GitHub Enterprise Cloud }");
    assert!(
        fallback
            .note
            .as_deref()
            .is_some_and(|n| n.contains("default policy")),
        "{fallback:?}"
    );
    let managed = evaluation(
        &set,
        PolicyKind::Access,
        "{ app: Workday, device: { managed: true, registered: true } }",
    );
    assert_eq!(facet(&managed, Facet::FactorMode), Some(json!("2FA")));
    assert_eq!(
        facet(&managed, Facet::ReauthenticateIn),
        Some(json!("PT2H"))
    );
}

#[test]
fn profile_enrollment_by_app() {
    let manifests = "
profileEnrollmentPolicies:
  - name: Customer sign-up
    apps: [Customer Portal]
    rules:
      - name: Catch-all Rule
        default: true
        actions:
          profileEnrollment:
            access: ALLOW
            unknownUserAction: REGISTER
            activationRequirements: { emailVerification: true }
            targetGroupIds: [Customers]
";
    table(
        manifests,
        PolicyKind::ProfileEnrollment,
        &[
            (
                "the customer portal",
                "{ app: Customer Portal }",
                Some(("Customer sign-up", "Catch-all Rule")),
            ),
            (
                "another app, and no default policy listed",
                "{ app: Workday }",
                None,
            ),
        ],
    );
    let set = org(manifests);
    let signup = evaluation(
        &set,
        PolicyKind::ProfileEnrollment,
        "{ app: Customer Portal }",
    );
    assert_eq!(facet(&signup, Facet::UnknownUsers), Some(json!("REGISTER")));
    assert_eq!(facet(&signup, Facet::EmailVerification), Some(json!(true)));
    assert_eq!(
        facet(&signup, Facet::TargetGroups),
        Some(json!(["Customers"]))
    );
}

#[test]
fn entity_risk_and_post_auth_session() {
    let manifests = "
entityRiskPolicies:
  - name: Entity Risk Policy
    default: true
    rules:
      - name: High risk, end sessions
        conditions:
          people: { users: { exclude: [breakglass@acme.com] } }
          entityRisk: { level: HIGH }
        actions: { entityRisk: { actions: [{ action: TERMINATE_ALL_SESSIONS }] } }
      - name: Catch-all Rule
        default: true
postAuthSessionPolicies:
  - name: Post Auth Policy
    default: true
    rules:
      - name: Admins lose the session
        conditions: { people: { groups: { include: [Okta Administrators] } } }
        actions: { postAuthSession: { failureActions: [{ action: TERMINATE_SESSION }] } }
      - name: Catch-all Rule
        default: true
        actions: { postAuthSession: { failureActions: [] } }
";
    table(
        manifests,
        PolicyKind::EntityRisk,
        &[
            (
                "a high-risk user",
                "{ entityRisk: HIGH }",
                Some(("Entity Risk Policy", "High risk, end sessions")),
            ),
            (
                "the break-glass account at high risk",
                "{ user: breakglass@acme.com, entityRisk: HIGH }",
                Some(("Entity Risk Policy", "Catch-all Rule")),
            ),
            (
                "a low-risk user",
                "{ entityRisk: LOW }",
                Some(("Entity Risk Policy", "Catch-all Rule")),
            ),
        ],
    );
    table(
        manifests,
        PolicyKind::PostAuthSession,
        &[
            (
                "an admin",
                "{ groups: [Okta Administrators] }",
                Some(("Post Auth Policy", "Admins lose the session")),
            ),
            (
                "anyone else",
                "{}",
                Some(("Post Auth Policy", "Catch-all Rule")),
            ),
        ],
    );
    let set = org(manifests);
    let risky = evaluation(&set, PolicyKind::EntityRisk, "{ entityRisk: HIGH }");
    assert_eq!(
        facet(&risky, Facet::RiskActions),
        Some(json!(["TERMINATE_ALL_SESSIONS"]))
    );
    let admin = evaluation(
        &set,
        PolicyKind::PostAuthSession,
        "{ groups: [Okta Administrators] }",
    );
    assert_eq!(
        facet(&admin, Facet::FailureActions),
        Some(json!(["TERMINATE_SESSION"]))
    );
}

const AUTHORIZATION_SERVER: &str = "
authorizationServers:
  - server: default
    policies:
      - name: Expense services
        conditions: { clients: { include: [Expense Sync Service] } }
        rules:
          - name: Client credentials
            conditions:
              grantTypes: { include: [client_credentials] }
              scopes: { include: [expenses:read, expenses:sync] }
            actions: { token: { accessTokenLifetimeMinutes: 15 } }
      - name: Every client
        conditions: { clients: { include: [ALL_CLIENTS] } }
        rules:
          - name: Employees, code flow
            conditions:
              people: { groups: { include: [Employees] } }
              grantTypes: { include: [authorization_code] }
              scopes: { include: ['*'] }
            actions: { token: { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0 } }
";

#[test]
fn authorization_server_clients_grant_types_and_scopes() {
    table(
        AUTHORIZATION_SERVER,
        PolicyKind::AuthorizationServer,
        &[
            (
                "the sync service with its own credentials",
                "{ client: Expense Sync Service, grantType: client_credentials, scopes: [expenses:read] }",
                Some(("Expense services", "Client credentials")),
            ),
            (
                "the sync service asking for a scope the rule does not grant",
                "{ client: Expense Sync Service, grantType: client_credentials, scopes: [expenses:write] }",
                None,
            ),
            (
                "an employee in any app, authorization code",
                "{ groups: [Employees], client: Expense Tracker, grantType: authorization_code, scopes: [openid, profile] }",
                Some(("Every client", "Employees, code flow")),
            ),
            (
                "a contractor: no rule for them",
                "{ groups: [Contractors], client: Expense Tracker, grantType: authorization_code, scopes: [openid] }",
                None,
            ),
        ],
    );
    let set = org(AUTHORIZATION_SERVER);
    let service = evaluation(
        &set,
        PolicyKind::AuthorizationServer,
        "{ client: Expense Sync Service, grantType: client_credentials, scopes: [expenses:sync] }",
    );
    assert_eq!(service.server.as_deref(), Some("default"));
    assert_eq!(facet(&service, Facet::AccessTokenLifetime), Some(json!(15)));
}

// ----- evaluation order -----------------------------------------------------

#[test]
fn a_policy_whose_rules_all_miss_passes_to_the_next_policy() {
    table(
        "
signOnPolicies:
  - name: Contractors in the office
    conditions: { people: { groups: { include: [Contractors] } } }
    rules:
      - name: Office only
        conditions: { network: { connection: ZONE, include: [Corporate Network] } }
        actions: { signon: { access: ALLOW, requireFactor: false } }
  - name: Everyone
    rules:
      - name: MFA
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
",
        PolicyKind::SignOn,
        &[
            (
                "a contractor in the office",
                "{ groups: [Contractors], zones: [Corporate Network] }",
                Some(("Contractors in the office", "Office only")),
            ),
            (
                "a contractor at home: the policy matches, no rule does",
                "{ groups: [Contractors] }",
                Some(("Everyone", "MFA")),
            ),
        ],
    );
}

#[test]
fn inactive_policies_and_rules_are_skipped() {
    let manifests = "
signOnPolicies:
  - name: Switched off
    status: INACTIVE
    rules:
      - name: Deny everyone
        actions: { signon: { access: DENY } }
  - name: Everyone
    rules:
      - name: Inactive rule
        status: INACTIVE
        actions: { signon: { access: DENY } }
      - name: Active rule
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: SESSION } }
";
    table(
        manifests,
        PolicyKind::SignOn,
        &[("anyone", "{}", Some(("Everyone", "Active rule")))],
    );
    let set = org(manifests);
    let evaluation = evaluation(&set, PolicyKind::SignOn, "{}");
    assert_eq!(
        evaluation.why_not("Switched off", None),
        "policy \"Switched off\" is inactive"
    );
    assert_eq!(
        evaluation.why_not("Everyone", Some("Inactive rule")),
        "rule \"Inactive rule\" is inactive"
    );
}

#[test]
fn a_policy_without_rules_never_applies() {
    let manifests = "
signOnPolicies:
  - name: No rules yet
    rules: []
  - name: Everyone
    rules:
      - name: MFA
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
";
    table(
        manifests,
        PolicyKind::SignOn,
        &[("anyone", "{}", Some(("Everyone", "MFA")))],
    );
}

#[test]
fn the_default_policy_and_its_assumed_default_rule_catch_the_rest() {
    let manifests = "
signOnPolicies:
  - name: Contractors
    conditions: { people: { groups: { include: [Contractors] } } }
    rules:
      - name: MFA
        actions: { signon: { access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS } }
  - name: Default Policy
    default: true
";
    table(
        manifests,
        PolicyKind::SignOn,
        &[
            (
                "a contractor",
                "{ groups: [Contractors] }",
                Some(("Contractors", "MFA")),
            ),
            (
                "an employee",
                "{ groups: [Employees] }",
                Some(("Default Policy", "Default Rule")),
            ),
        ],
    );
    let set = org(manifests);
    let fallback = evaluation(&set, PolicyKind::SignOn, "{ groups: [Employees] }");
    let matched = fallback.matched.expect("the default rule applies");
    assert!(matched.assumed, "the rule is Okta's, not the manifests'");
    assert_eq!(fallback.outcome.get(Facet::Access), Some(&json!("ALLOW")));
}

#[test]
fn an_app_sign_in_is_the_union_of_session_and_access_policy() {
    let manifests = format!(
        "{ACCESS_BY_APP}
signOnPolicies:
  - name: Contractors
    conditions: {{ people: {{ groups: {{ include: [Contractors] }} }} }}
    rules:
      - name: MFA always
        actions: {{ signon: {{ access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS, session: {{ maxSessionLifetimeMinutes: 480 }} }} }}
  - name: Everyone
    rules:
      - name: Password only
        actions: {{ signon: {{ access: ALLOW, requireFactor: false, session: {{ maxSessionLifetimeMinutes: 720 }} }} }}
"
    );
    let set = org(&manifests);
    let union = |context: &str| app_sign_in(&evaluate_all(&set, &sign_in(context)));
    let employee_workday =
        union("{ groups: [Employees], app: Workday, device: { managed: true, registered: true } }");
    assert_eq!(employee_workday.get(Facet::Access), Some(&json!("ALLOW")));
    assert_eq!(
        employee_workday.get(Facet::MfaRequired),
        Some(&json!(true)),
        "the access policy's two factors make MFA required though the session needs none"
    );
    assert_eq!(
        employee_workday.get(Facet::SessionLifetime),
        Some(&json!(720))
    );
    let employee_github = union("{ groups: [Employees], app: GitHub Enterprise Cloud }");
    assert_eq!(employee_github.get(Facet::MfaRequired), Some(&json!(false)));
    let contractor_github = union("{ groups: [Contractors], app: GitHub Enterprise Cloud }");
    assert_eq!(
        contractor_github.get(Facet::MfaRequired),
        Some(&json!(true))
    );
    assert_eq!(
        contractor_github.get(Facet::SessionLifetime),
        Some(&json!(480))
    );
    let denied = union("{ groups: [Contractors], app: NetSuite }");
    assert_eq!(denied.get(Facet::Access), Some(&json!("DENY")));
    assert_eq!(denied.get(Facet::MfaRequired), None);
}
