//! The cross-policy MFA checks of `validate` (seeds 000, 001, 003): for
//! each, a small manifest that triggers it and one that does not, with the
//! exact codes and places (`CODE@line:col`, infos included), and the info
//! finding when a needed kind is not managed.

use oktapol::report;

use crate::util::{validate_files, validate_text};

/// `CODE@line:col` of every finding, infos included, in report order.
fn all_codes(validation: &oktapol::validate::Validation) -> Vec<String> {
    report::resolve(&validation.sources, &validation.findings)
        .into_iter()
        .map(|f| {
            format!(
                "{}@{}:{}",
                f.code,
                f.line.unwrap_or(0),
                f.column.unwrap_or(0)
            )
        })
        .collect()
}

fn codes(yaml: &str) -> Vec<String> {
    let (_dir, validation) = validate_text(yaml);
    all_codes(&validation)
}

/// The message of the one finding with `code`.
fn message(yaml: &str, code: &str) -> String {
    let (_dir, validation) = validate_text(yaml);
    let found: Vec<String> = report::resolve(&validation.sources, &validation.findings)
        .into_iter()
        .filter(|f| f.code.id() == code)
        .map(|f| f.message)
        .collect();
    assert_eq!(found.len(), 1, "{code} in {found:?}");
    found.concat()
}

const NOT_ENROLLABLE: &str = r#"signOnPolicies:
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
"#;

const ACCESS_2FA: &str = r#"accessPolicies:
  - name: Finance apps
    apps: [Workday]
    rules:
      - name: Contractors, two factors
        conditions: { people: { groups: { include: [Contractors] } } }
        actions:
          appSignOn:
            access: ALLOW
            verificationMethod: { type: ASSURANCE, factorMode: 2FA, reauthenticateIn: PT2H }
      - name: Catch-all Rule
        default: true
        actions: { appSignOn: { access: DENY } }
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
"#;

const ACTIVATION: &str = r#"signOnPolicies:
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
"#;

/// `STATUS` is the enrollment of the chain's first authenticator.
const CHAIN: &str = r#"accessPolicies:
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
        - { key: okta_verify, enroll: { self: STATUS } }
    rules:
      - name: Enroll when challenged
        actions: { enroll: { self: CHALLENGE } }
"#;

const IDP_DISCOVERY: &str = r#"idpDiscoveryPolicies:
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
"#;

/// `STATUS` is the enrollment of the phone authenticator.
const RECOVERY: &str = r#"passwordPolicies:
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
        - { key: phone_number, enroll: { self: STATUS } }
    rules:
      - name: Enroll when challenged
        actions: { enroll: { self: CHALLENGE } }
"#;

// MFA required but not enrollable.

#[test]
fn sign_on_mfa_without_an_enrollable_factor_is_an_error() {
    assert_eq!(codes(NOT_ENROLLABLE), ["OKP180@6:60"]);
    assert_eq!(
        message(NOT_ENROLLABLE, "OKP180"),
        "signOnPolicies[\"Contractors\"].rules[\"Always MFA\"] requires MFA for group \"Contractors\", but enrollment policy \"Contractors MFA\" (rule \"Enroll when challenged\") lets them enroll no factor besides the password: they cannot sign in"
    );
}

#[test]
fn sign_on_mfa_with_an_optional_factor_is_fine() {
    let yaml = NOT_ENROLLABLE.replace(
        "{ key: okta_verify, enroll: { self: NOT_ALLOWED } }",
        "{ key: okta_verify, enroll: { self: OPTIONAL } }",
    );
    assert_eq!(codes(&yaml), Vec::<String>::new());
}

#[test]
fn a_sign_on_rule_an_earlier_policy_shadows_is_not_checked() {
    // Contractors sign in under the first policy, which asks for no factor.
    let yaml = NOT_ENROLLABLE.replace(
        "signOnPolicies:\n",
        "signOnPolicies:\n  - name: Contractors first\n    conditions: { people: { groups: { include: [Contractors] } } }\n    rules:\n      - name: Password only\n        actions: { signon: { access: ALLOW, requireFactor: false } }\n",
    );
    assert_eq!(codes(&yaml), Vec::<String>::new());
}

#[test]
fn access_two_factors_without_an_enrollable_factor_is_an_error() {
    assert_eq!(codes(ACCESS_2FA), ["OKP180@10:33"]);
    let one_factor = ACCESS_2FA.replace("factorMode: 2FA", "factorMode: 1FA");
    assert_eq!(codes(&one_factor), Vec::<String>::new());
}

#[test]
fn the_default_enrollment_policy_with_unwritten_settings_is_not_guessed() {
    // Everyone gets the default policy, whose settings stay as the org has them.
    let yaml = NOT_ENROLLABLE.replace(
        "conditions: { people: { groups: { include: [Contractors] } } }\n    rules:\n      - name: Always MFA",
        "rules:\n      - name: Always MFA",
    );
    assert_eq!(codes(&yaml), Vec::<String>::new());
}

#[test]
fn without_enrollment_policies_the_check_is_skipped_with_an_info() {
    let sign_on_only = NOT_ENROLLABLE
        .split("mfaEnrollPolicies:")
        .next()
        .unwrap_or_default();
    assert_eq!(codes(sign_on_only), ["OKP290@6:60"]);
    assert!(message(sign_on_only, "OKP290").contains("MFA required but not enrollable"));
}

#[test]
fn invalid_manifests_get_no_cross_policy_findings() {
    let yaml = NOT_ENROLLABLE.replace("access: ALLOW", "access: MAYBE");
    assert_eq!(codes(&yaml), ["OKP012@6:38"]);
}

// Enrollment without activation.

#[test]
fn enrollment_nobody_is_challenged_for_is_a_warning() {
    assert_eq!(codes(ACTIVATION), ["OKP210@11:7"]);
}

#[test]
fn enrollment_with_a_challenging_rule_is_fine() {
    let yaml = ACTIVATION.replace(
        "requireFactor: false",
        "requireFactor: true, factorPromptMode: ALWAYS",
    );
    assert_eq!(codes(&yaml), Vec::<String>::new());
}

#[test]
fn enrollment_without_sign_on_or_access_policies_is_skipped_with_an_info() {
    let enrollment_only = format!(
        "mfaEnrollPolicies:{}",
        ACTIVATION
            .split("mfaEnrollPolicies:")
            .nth(1)
            .unwrap_or_default()
    );
    assert_eq!(codes(&enrollment_only), ["OKP290@5:7"]);
}

// Factor sequencing.

#[test]
fn chain_whose_first_authenticator_is_not_allowed_is_an_error() {
    assert_eq!(
        codes(&CHAIN.replace("STATUS", "NOT_ALLOWED")),
        ["OKP181@13:17"]
    );
}

#[test]
fn chain_whose_first_authenticator_is_only_optional_is_a_warning() {
    assert_eq!(
        codes(&CHAIN.replace("STATUS", "OPTIONAL")),
        ["OKP211@13:17"]
    );
}

#[test]
fn chain_whose_first_authenticator_is_required_is_fine() {
    assert_eq!(
        codes(&CHAIN.replace("STATUS", "REQUIRED")),
        Vec::<String>::new()
    );
}

#[test]
fn chain_without_enrollment_policies_is_skipped_with_an_info() {
    let access_only = CHAIN.split("mfaEnrollPolicies:").next().unwrap_or_default();
    assert_eq!(codes(access_only), ["OKP290@13:17"]);
}

#[test]
fn chain_for_users_routed_to_another_idp_is_a_warning() {
    let (_dir, validation) = validate_files(&[
        ("access.yaml", &CHAIN.replace("STATUS", "REQUIRED")),
        ("idp.yaml", IDP_DISCOVERY),
    ]);
    assert_eq!(all_codes(&validation), ["OKP212@13:17"]);
}

// Recovery supersedes enrollment.

#[test]
fn recovery_by_phone_with_optional_phone_enrollment_is_a_warning() {
    let yaml = RECOVERY.replace("STATUS", "OPTIONAL");
    assert_eq!(codes(&yaml), ["OKP213@9:21"]);
    assert!(message(&yaml, "OKP213").contains("phone_number is effectively REQUIRED"));
    assert_eq!(
        codes(&RECOVERY.replace("STATUS", "NOT_ALLOWED")),
        ["OKP213@9:21"]
    );
}

#[test]
fn recovery_by_phone_with_required_phone_enrollment_is_fine() {
    // Only the info that nothing activates the required phone enrollment.
    assert_eq!(
        codes(&RECOVERY.replace("STATUS", "REQUIRED")),
        ["OKP290@17:7"]
    );
}

#[test]
fn recovery_with_a_classic_factor_enrollment_policy_is_not_checked() {
    // Factor-based enrollment policies do not govern recovery (seed 001).
    let yaml = RECOVERY
        .replace("type: AUTHENTICATORS", "type: FACTORS")
        .replace(
            "authenticators:\n        - { key: okta_password, enroll: { self: REQUIRED } }\n        - { key: phone_number, enroll: { self: STATUS } }",
            "factors:\n        okta_sms: { enroll: { self: OPTIONAL } }",
        );
    assert_eq!(codes(&yaml), Vec::<String>::new());
}

#[test]
fn recovery_without_enrollment_policies_is_skipped_with_an_info() {
    let password_only = RECOVERY
        .split("mfaEnrollPolicies:")
        .next()
        .unwrap_or_default();
    assert_eq!(codes(password_only), ["OKP290@9:21"]);
}
