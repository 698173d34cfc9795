//! Snapshot tests of every `plan` output format, on plans built by hand: a
//! representative plan with every action (a new policy with its rule and
//! follow-up activation, a rename, reorders, a replace, a delete, app
//! mappings, unmanaged and renumbered objects), an empty plan, a pruning
//! plan, and one whose names and values try to break each format. Then the
//! escaping helpers, as tables.

use std::collections::BTreeMap;

use oktapol::client::Scope;
use oktapol::emulator::Engine;
use oktapol::manifest::PolicyKind;
use oktapol::plan::render::{
    MAX_VALUE_CHARS, NO_CHANGES, PLAN_JSON_KIND, PLAN_JSON_VERSION, PlanFormat, PlanStyle,
    dotted_path, github, markdown, printable, render, summary_line, truncate,
};
use oktapol::plan::{
    Action, Change, FieldChange, Fingerprint, PLAN_FORMAT, Plan, PriorityChange, Renumbered,
    Summary, Target, Unmanaged,
};
use serde_json::{Value, json};

const FORMATS: [PlanFormat; 4] = [
    PlanFormat::Human,
    PlanFormat::Json,
    PlanFormat::Markdown,
    PlanFormat::Github,
];

fn empty_plan() -> Plan {
    Plan {
        format_version: PLAN_FORMAT,
        oktapol_version: "0.1.0".to_owned(),
        org: "https://acme.okta.com".to_owned(),
        engine: Engine::Oie,
        managed_kinds: vec![PolicyKind::SignOn, PolicyKind::Access],
        prune: false,
        changes: Vec::new(),
        edges: Vec::new(),
        unmanaged: Vec::new(),
        renumbered: Vec::new(),
        fingerprint: Fingerprint::default(),
        impact: None,
    }
}

fn policy(kind: PolicyKind, id: Option<&str>, name: &str) -> Target {
    Target::Policy {
        kind,
        scope: Scope::Org,
        id: id.map(str::to_owned),
        name: name.to_owned(),
    }
}

fn rule(policy_name: &str, policy_change: Option<usize>, id: Option<&str>, name: &str) -> Target {
    Target::Rule {
        kind: PolicyKind::SignOn,
        scope: Scope::Org,
        policy_id: policy_change.is_none().then(|| "00p1employees".to_owned()),
        policy_name: policy_name.to_owned(),
        policy_change,
        id: id.map(str::to_owned),
        name: name.to_owned(),
    }
}

fn change(address: &str, action: Action, target: Target) -> Change {
    Change {
        address: address.to_owned(),
        action,
        target,
        source: None,
        fields: Vec::new(),
        body: None,
        activate: None,
        priority: None,
        follow_up: false,
        reason: None,
    }
}

fn field(path: &str, before: Option<Value>, after: Option<Value>) -> FieldChange {
    FieldChange {
        path: path.to_owned(),
        before,
        after,
    }
}

fn representative_plan() -> Plan {
    let contractors = r#"signOnPolicies["Contractors"]"#;
    let mut create_policy = change(
        contractors,
        Action::Create,
        policy(PolicyKind::SignOn, None, "Contractors"),
    );
    create_policy.source = Some("policies/sign-on.yaml:3:5".to_owned());
    create_policy.fields = vec![
        field("/name", None, Some(json!("Contractors"))),
        field(
            "/conditions/people/groups/include",
            None,
            Some(json!(["Contractors"])),
        ),
    ];
    create_policy.body = Some(json!({"type": "OKTA_SIGN_ON", "name": "Contractors"}));
    create_policy.activate = Some(false);
    create_policy.priority = Some(PriorityChange { from: None, to: 1 });

    let mut create_rule = change(
        r#"signOnPolicies["Contractors"].rules["MFA off-network"]"#,
        Action::Create,
        rule("Contractors", Some(0), None, "MFA off-network"),
    );
    create_rule.source = Some("policies/sign-on.yaml:8:9".to_owned());
    create_rule.fields = vec![
        field("/name", None, Some(json!("MFA off-network"))),
        field(
            "/conditions/network/connection",
            None,
            Some(json!("ANYWHERE")),
        ),
        field("/actions/signon/requireFactor", None, Some(json!(true))),
    ];
    create_rule.activate = Some(true);
    create_rule.priority = Some(PriorityChange { from: None, to: 1 });

    let mut activate = change(
        contractors,
        Action::Activate,
        policy(PolicyKind::SignOn, None, "Contractors"),
    );
    activate.follow_up = true;
    activate.reason = Some("activated once its rules exist".to_owned());

    let many_groups: Vec<String> = (1..=40).map(|n| format!("Department {n:02}")).collect();
    let mut update = change(
        r#"signOnPolicies["Employees"].rules["Office"]"#,
        Action::Update,
        rule("Employees", None, Some("0pr1office"), "Office"),
    );
    update.source = Some("policies/sign-on.yaml:21:9".to_owned());
    update.fields = vec![
        field(
            "/conditions/people/groups/include",
            Some(json!(["A"])),
            Some(json!(["A", "B"])),
        ),
        field("/conditions/network/connection", None, Some(json!("ZONE"))),
        field(
            "/actions/signon/session/maxSessionIdleMinutes",
            Some(json!(120)),
            None,
        ),
        field(
            "/conditions/people/users/exclude",
            Some(json!(["alice@example.com"])),
            Some(json!(many_groups)),
        ),
    ];
    update.priority = Some(PriorityChange {
        from: Some(2),
        to: 1,
    });

    let mut rename = change(
        r#"signOnPolicies["Staff"]"#,
        Action::Rename,
        policy(PolicyKind::SignOn, Some("00p1staff"), "Staff"),
    );
    rename.fields = vec![field(
        "/name",
        Some(json!("Old staff")),
        Some(json!("Staff")),
    )];
    rename.reason = Some(r#"renamed from "Old staff""#.to_owned());

    let mut reorder = change(
        r#"signOnPolicies["Employees"]"#,
        Action::Reorder,
        policy(PolicyKind::SignOn, Some("00p1employees"), "Employees"),
    );
    reorder.priority = Some(PriorityChange {
        from: Some(3),
        to: 2,
    });

    let mut replace = change(
        r#"accessPolicies["Finance apps"].rules["Managed devices"]"#,
        Action::Replace,
        rule("Finance apps", None, Some("0pr1managed"), "Managed devices"),
    );
    replace.reason = Some("Okta cannot change a rule's type in place".to_owned());
    replace.fields = vec![field(
        "/type",
        Some(json!("SIGN_ON")),
        Some(json!("ACCESS_POLICY")),
    )];

    let mut deactivate = change(
        r#"signOnPolicies["Legacy"]"#,
        Action::Deactivate,
        policy(PolicyKind::SignOn, Some("00p1legacy"), "Legacy"),
    );
    deactivate.fields = vec![field(
        "/status",
        Some(json!("ACTIVE")),
        Some(json!("INACTIVE")),
    )];

    let delete = change(
        r#"signOnPolicies["Old contractors"]"#,
        Action::Delete,
        policy(PolicyKind::SignOn, Some("00p1old"), "Old contractors"),
    );

    let mut map = change(
        r#"accessPolicies["Finance apps"].apps["Workday"]"#,
        Action::MapApp,
        Target::AppMapping {
            kind: PolicyKind::Access,
            app_id: "0oa1workday".to_owned(),
            app_label: "Workday".to_owned(),
            policy_id: Some("rst1finance".to_owned()),
            policy_name: "Finance apps".to_owned(),
            policy_change: None,
        },
    );
    map.source = Some("policies/access.yaml:4:11".to_owned());
    map.reason = Some(r#"moves from policy "Default Policy""#.to_owned());

    let mut plan = empty_plan();
    plan.changes = vec![
        create_policy,
        create_rule,
        activate,
        update,
        rename,
        reorder,
        replace,
        deactivate,
        delete,
        map,
    ];
    plan.edges = vec![(0, 1), (1, 2)];
    plan.unmanaged = vec![
        Unmanaged {
            address: r#"signOnPolicies["Legacy VPN"]"#.to_owned(),
            id: "00p1vpn".to_owned(),
            system: false,
        },
        Unmanaged {
            address: r#"signOnPolicies["Default Policy"]"#.to_owned(),
            id: "00p1default".to_owned(),
            system: true,
        },
    ];
    plan.renumbered = vec![Renumbered {
        address: r#"signOnPolicies["Legacy VPN"]"#.to_owned(),
        from: 2,
        to: 3,
    }];
    plan.fingerprint = Fingerprint {
        objects: BTreeMap::from([
            (
                r#"signOnPolicies["Contractors"]"#.to_owned(),
                "absent".to_owned(),
            ),
            (
                r#"signOnPolicies["Employees"]"#.to_owned(),
                "9f2c…".to_owned(),
            ),
        ]),
        lists: BTreeMap::from([("signOnPolicies".to_owned(), "41d0…".to_owned())]),
    };
    plan
}

/// `--prune`: unmanaged objects became deletes, Okta's own stay listed.
fn pruning_plan() -> Plan {
    let mut plan = empty_plan();
    plan.prune = true;
    plan.engine = Engine::Classic;
    plan.managed_kinds = vec![PolicyKind::Password];
    let mut delete = change(
        r#"passwordPolicies["Legacy"]"#,
        Action::Delete,
        policy(PolicyKind::Password, Some("00p1legacy"), "Legacy"),
    );
    delete.fields = vec![field(
        "/settings/password/complexity/minLength",
        Some(json!(8)),
        None,
    )];
    plan.changes = vec![delete];
    plan.unmanaged = vec![Unmanaged {
        address: r#"passwordPolicies["Default Policy"]"#.to_owned(),
        id: "00p1default".to_owned(),
        system: true,
    }];
    plan
}

/// Names and values with characters that mean something in a terminal,
/// Markdown, HTML or a workflow command.
fn tricky_plan() -> Plan {
    let mut plan = empty_plan();
    plan.org = "local org (.oktapol/local-org.json)".to_owned();
    let mut update = change(
        "signOnPolicies[\"A | B <script>\"].rules[\"Line\nbreak, 50%: done\"]",
        Action::Update,
        rule(
            "A | B <script>",
            None,
            Some("0pr1"),
            "Line\nbreak, 50%: done",
        ),
    );
    update.source = Some(r"C:\policies\zürich.yaml:7:3".to_owned());
    update.fields = vec![
        field(
            "/conditions/people/groups/include",
            Some(json!(["Zürich 🏔"])),
            Some(json!(["Zürich 🏔", "R&D | <ops>"])),
        ),
        field("/description", None, Some(json!("```\nclose the fence"))),
        field("/okta.groups/a~1b", Some(json!("tab\there")), None),
        field(
            "/name",
            Some(json!("safe\u{202e}txt.exe")),
            Some(json!("x")),
        ),
    ];
    let mut replace = change(
        "signOnPolicies[\"Escape\u{1b}[31mred\"]",
        Action::Replace,
        policy(PolicyKind::SignOn, Some("00p1"), "Escape\u{1b}[31mred"),
    );
    replace.source = Some("policies/no-line.yaml".to_owned());
    replace.reason = Some("line one\nline two | with pipe".to_owned());
    plan.changes = vec![update, replace];
    plan.unmanaged = vec![Unmanaged {
        address: "signOnPolicies[\"Pipe | and <tag>\"]".to_owned(),
        id: "00p|1".to_owned(),
        system: false,
    }];
    plan
}

fn plain(plan: &Plan, format: PlanFormat) -> String {
    render(plan, format, PlanStyle { color: false })
}

#[test]
fn human() {
    insta::assert_snapshot!(plain(&representative_plan(), PlanFormat::Human));
}

#[test]
fn json() {
    insta::assert_snapshot!(plain(&representative_plan(), PlanFormat::Json));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(plain(&representative_plan(), PlanFormat::Markdown));
}

#[test]
fn github() {
    insta::assert_snapshot!(plain(&representative_plan(), PlanFormat::Github));
}

#[test]
fn empty_human() {
    insta::assert_snapshot!(plain(&empty_plan(), PlanFormat::Human));
}

#[test]
fn empty_json() {
    insta::assert_snapshot!(plain(&empty_plan(), PlanFormat::Json));
}

#[test]
fn empty_markdown() {
    insta::assert_snapshot!(plain(&empty_plan(), PlanFormat::Markdown));
}

#[test]
fn empty_github() {
    insta::assert_snapshot!(plain(&empty_plan(), PlanFormat::Github));
}

#[test]
fn pruning_human() {
    insta::assert_snapshot!(plain(&pruning_plan(), PlanFormat::Human));
}

#[test]
fn pruning_markdown() {
    insta::assert_snapshot!(plain(&pruning_plan(), PlanFormat::Markdown));
}

#[test]
fn tricky_human() {
    insta::assert_snapshot!(plain(&tricky_plan(), PlanFormat::Human));
}

#[test]
fn tricky_markdown() {
    insta::assert_snapshot!(plain(&tricky_plan(), PlanFormat::Markdown));
}

#[test]
fn tricky_github() {
    insta::assert_snapshot!(plain(&tricky_plan(), PlanFormat::Github));
}

#[test]
fn tricky_json() {
    insta::assert_snapshot!(plain(&tricky_plan(), PlanFormat::Json));
}

#[test]
fn ansi_codes_only_in_human_format_with_color() {
    let color = PlanStyle { color: true };
    for plan in [representative_plan(), empty_plan(), tricky_plan()] {
        assert!(render(&plan, PlanFormat::Human, color).contains("\x1b["));
        for format in FORMATS {
            assert!(!plain(&plan, format).contains('\x1b'), "{format:?}");
            if format != PlanFormat::Human {
                assert!(!render(&plan, format, color).contains('\x1b'), "{format:?}");
            }
        }
    }
}

#[test]
fn colours_follow_the_action() {
    let human = render(
        &representative_plan(),
        PlanFormat::Human,
        PlanStyle { color: true },
    );
    let line_of = |needle: &str| {
        human
            .lines()
            .find(|line| line.contains(needle))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(line_of(r#"["Contractors"] (priority 1)"#).contains("\x1b[32m+"));
    assert!(line_of(r#"["Old contractors"]"#).contains("\x1b[31m-"));
    assert!(line_of("replace:").contains("\x1b[31m-/+"));
    assert!(line_of("rename from").contains("\x1b[33m~"));
    assert!(line_of("priority 3 → 2").contains("\x1b[33m↕"));
}

#[test]
fn follow_ups_are_shown_under_their_change_but_not_counted() {
    let plan = representative_plan();
    assert_eq!(
        plan.summary(),
        Summary {
            create: 2,
            update: 3,
            delete: 1,
            reorder: 1,
            replace: 1,
            map: 1,
        }
    );
    let human = plain(&plan, PlanFormat::Human);
    let headline = human
        .lines()
        .position(|line| line.starts_with(r#"  + signOnPolicies["Contractors"] "#));
    let activation = human
        .lines()
        .position(|line| line.starts_with("    ~ then activate"));
    assert!(
        matches!((headline, activation), (Some(h), Some(a)) if a > h),
        "{human}"
    );
    assert!(human.ends_with(
        "Plan: 2 to create, 3 to update, 1 to delete, 1 to reorder, 1 to replace, 1 app mapping.\n"
    ));
}

#[test]
fn json_document_wraps_the_plan_as_written_by_out() {
    let plan = representative_plan();
    let text = plain(&plan, PlanFormat::Json);
    assert!(text.ends_with("}\n"));
    let document: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(document["formatVersion"], json!(PLAN_JSON_VERSION));
    assert_eq!(document["kind"], json!(PLAN_JSON_KIND));
    assert_eq!(document["hasChanges"], json!(true));
    assert_eq!(
        document["summary"],
        serde_json::to_value(plan.summary()).expect("summary")
    );
    let inner: Plan = serde_json::from_value(document["plan"].clone()).expect("a plan");
    assert_eq!(inner, plan);
}

#[test]
fn every_format_says_no_changes_for_an_empty_plan() {
    for format in [PlanFormat::Human, PlanFormat::Markdown, PlanFormat::Github] {
        assert!(
            plain(&empty_plan(), format).contains(NO_CHANGES),
            "{format:?}"
        );
    }
}

#[test]
fn github_commands_stay_one_line_each() {
    for plan in [representative_plan(), tricky_plan(), empty_plan()] {
        let text = plain(&plan, PlanFormat::Github);
        for line in text.lines() {
            assert!(
                line.starts_with("::notice ") || line.starts_with("::warning "),
                "{line}"
            );
        }
    }
    let tricky = plain(&tricky_plan(), PlanFormat::Github);
    assert_eq!(tricky.lines().count(), 4, "{tricky}");
}

#[test]
fn markdown_comment_stays_under_githubs_limit() {
    let mut plan = empty_plan();
    let long = "x".repeat(MAX_VALUE_CHARS);
    plan.changes = (0..2_000)
        .map(|n| {
            let mut create = change(
                &format!("signOnPolicies[\"Policy {n}\"]"),
                Action::Create,
                policy(PolicyKind::SignOn, None, &format!("Policy {n}")),
            );
            create.fields = vec![field("/description", None, Some(json!(long)))];
            create
        })
        .collect();
    let text = plain(&plan, PlanFormat::Markdown);
    assert!(text.chars().count() < 65_536, "{}", text.chars().count());
    assert!(text.contains("more changes not shown here"));
    assert!(text.contains("Plan: 2000 to create"));
}

#[test]
fn summary_lines() {
    let cases = [
        (
            Summary::default(),
            "Plan: 0 to create, 0 to update, 0 to delete, 0 to reorder.",
        ),
        (
            Summary {
                create: 2,
                update: 1,
                reorder: 3,
                ..Summary::default()
            },
            "Plan: 2 to create, 1 to update, 0 to delete, 3 to reorder.",
        ),
        (
            Summary {
                replace: 1,
                map: 2,
                ..Summary::default()
            },
            "Plan: 0 to create, 0 to update, 0 to delete, 0 to reorder, 1 to replace, 2 app mappings.",
        ),
        (
            Summary {
                map: 1,
                ..Summary::default()
            },
            "Plan: 0 to create, 0 to update, 0 to delete, 0 to reorder, 1 app mapping.",
        ),
    ];
    for (summary, expected) in cases {
        assert_eq!(summary_line(summary), expected);
    }
}

#[test]
fn github_escaping() {
    for (text, data, property) in [
        ("plain", "plain", "plain"),
        ("50%", "50%25", "50%25"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("file:7,col", "file:7,col", "file%3A7%2Ccol"),
        ("%0A", "%250A", "%250A"),
        ("Zürich 🏔", "Zürich 🏔", "Zürich 🏔"),
    ] {
        assert_eq!(github::escape_data(text), data, "data {text:?}");
        assert_eq!(github::escape_property(text), property, "property {text:?}");
    }
}

#[test]
fn github_locations() {
    let owned = |pairs: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        pairs
            .iter()
            .map(|(key, value)| (*key, (*value).to_owned()))
            .collect()
    };
    for (source, expected) in [
        (
            "policies/a.yaml:3:5",
            owned(&[("file", "policies/a.yaml"), ("line", "3"), ("col", "5")]),
        ),
        (
            r"C:\p\a.yaml:3:5",
            owned(&[("file", r"C:\p\a.yaml"), ("line", "3"), ("col", "5")]),
        ),
        ("a.yaml:12", owned(&[("file", "a.yaml"), ("line", "12")])),
        (
            "a:b.yaml:12",
            owned(&[("file", "a:b.yaml"), ("line", "12")]),
        ),
        ("a.yaml", owned(&[("file", "a.yaml")])),
        ("a.yaml:x:y", owned(&[("file", "a.yaml:x:y")])),
        ("", Vec::new()),
    ] {
        assert_eq!(github::location_properties(source), expected, "{source:?}");
    }
}

#[test]
fn markdown_escaping() {
    for (text, html, cell) in [
        ("plain", "plain", "plain"),
        ("a | b", "a | b", "a \\| b"),
        ("<script>&", "&lt;script&gt;&amp;", "&lt;script&gt;&amp;"),
        (
            "one\ntwo\r\nthree",
            "one\ntwo\r\nthree",
            "one<br>two<br>three",
        ),
        ("Zürich 🏔", "Zürich 🏔", "Zürich 🏔"),
    ] {
        assert_eq!(markdown::escape_html(text), html, "html {text:?}");
        assert_eq!(markdown::escape_cell(text), cell, "cell {text:?}");
    }
}

#[test]
fn code_fences_outlast_backticks_in_the_body() {
    for (body, fence) in [
        ("", "```"),
        ("no ticks", "```"),
        ("`one`", "```"),
        ("```", "````"),
        ("a ````` b ``", "``````"),
    ] {
        assert_eq!(markdown::fence_for(body), fence, "{body:?}");
    }
}

#[test]
fn dotted_paths() {
    for (pointer, expected) in [
        ("/name", "name"),
        (
            "/conditions/people/groups/include",
            "conditions.people.groups.include",
        ),
        ("/include/0/id", "include[0].id"),
        ("/a~1b", r#"["a/b"]"#),
        ("/okta.groups/x", r#"["okta.groups"].x"#),
        ("/with space", r#"["with space"]"#),
        ("", "(whole object)"),
        ("no-slash", "no-slash"),
    ] {
        assert_eq!(dotted_path(pointer), expected, "{pointer:?}");
    }
}

#[test]
fn printable_text() {
    for (text, expected) in [
        ("Zürich 🏔", "Zürich 🏔"),
        ("a\nb\tc\r", "a\\nb\\tc\\r"),
        ("\u{1b}[31m", "\\u{001b}[31m"),
        ("safe\u{202e}txt", "safe\\u{202e}txt"),
    ] {
        assert_eq!(printable(text), expected, "{text:?}");
    }
}

#[test]
fn truncation() {
    assert_eq!(truncate("short", 10), "short");
    assert_eq!(truncate("🏔🏔🏔🏔", 2), "🏔🏔… (+2 chars)");
}

#[test]
fn github_annotations_cap_their_field_lines() {
    let mut plan = empty_plan();
    let mut create = change(
        r#"signOnPolicies["Wide"]"#,
        Action::Create,
        policy(PolicyKind::SignOn, None, "Wide"),
    );
    create.fields = (0..30)
        .map(|n| field(&format!("/field{n}"), None, Some(json!(n))))
        .collect();
    plan.changes = vec![create];
    let text = plain(&plan, PlanFormat::Github);
    let annotation = text.lines().nth(1).unwrap_or_default();
    assert!(annotation.contains("+ field18: 18"), "{annotation}");
    assert!(!annotation.contains("field19"), "{annotation}");
    assert!(annotation.ends_with("%0A… 11 more lines"), "{annotation}");
}
