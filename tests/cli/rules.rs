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
