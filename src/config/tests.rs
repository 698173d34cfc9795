use std::path::{Path, PathBuf};

use serde_json::json;

use super::*;

const FULL: &str = "\
manifests: policies
variables:
  session.idleMinutes: 60
environments:
  preview:
    org: https://acme.oktapreview.com
    auth: { method: oauth, clientId: 0oa1preview, keyId: kid-1, privateKeyFile: keys/preview.pem }
    variables:
      groups:
        admins: Preview Admins
  prod:
    description: The production org
    org: https://acme.okta.com
    auth: { method: token }
    variables:
      groups.admins: Okta Administrators
      session.idleMinutes: 30
      zones.office: [Corporate Network]
";

fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
    ConfigFile::parse(Path::new("repo/oktapol.yaml"), text)
}

/// `line:col: message` of every problem.
fn problems(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(config) => panic!("accepted: {config:?}"),
        Err(ConfigError::Invalid { problems, .. }) => problems
            .into_iter()
            .map(|p| {
                let message = p.message.trim_start_matches("repo/oktapol.yaml:");
                match &p.help {
                    Some(help) => format!("{message} [{help}]"),
                    None => message.to_owned(),
                }
            })
            .collect(),
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn a_full_config_reads_with_paths_from_its_directory() {
    let config = parse(FULL).expect("valid");
    assert_eq!(config.manifests, Some(PathBuf::from("repo/policies")));
    assert_eq!(config.names(), ["preview", "prod"]);
    let preview = config.environment("preview").expect("preview");
    assert_eq!(preview.org.as_deref(), Some("https://acme.oktapreview.com"));
    let auth = preview.auth.as_ref().expect("auth");
    assert_eq!(auth.method, AuthMethod::Oauth);
    assert_eq!(auth.client_id.as_deref(), Some("0oa1preview"));
    assert_eq!(
        auth.private_key_file,
        Some(PathBuf::from("repo/keys/preview.pem"))
    );
    // Nested keys and dotted keys are the same names.
    assert_eq!(
        preview.variables.get("groups.admins"),
        Some(&json!("Preview Admins"))
    );
    let prod = config.environment("prod").expect("prod");
    assert_eq!(
        prod.variables.get("zones.office"),
        Some(&json!(["Corporate Network"]))
    );
}

#[test]
fn environment_variables_override_the_shared_ones() {
    let file = parse(FULL).expect("valid");
    let project = |env: Option<&str>| Project {
        environment: env.map(|name| file.environment(name).expect("env").clone()),
        file: Some(file.clone()),
    };
    let prod = project(Some("prod")).variables();
    assert_eq!(prod.get("session.idleMinutes"), Some(&json!(30)));
    assert_eq!(
        prod.get("groups.admins"),
        Some(&json!("Okta Administrators"))
    );
    let preview = project(Some("preview")).variables();
    assert_eq!(preview.get("session.idleMinutes"), Some(&json!(60)));
    let none = project(None).variables();
    assert_eq!(none.get("session.idleMinutes"), Some(&json!(60)));
    assert_eq!(none.get("groups.admins"), None);
}

#[test]
fn an_empty_file_configures_nothing() {
    let config = parse("# nothing yet\n").expect("valid");
    assert!(config.environments.is_empty());
    assert_eq!(config.manifests, None);
}

#[test]
fn unknown_keys_are_reported_at_once_with_positions() {
    let text = "\
manifest: policies
environments:
  dev:
    orgg: https://dev.okta.com
    auth: { method: oauth, clientID: 0oa1 }
    variables: { a: 1 }
";
    assert_eq!(
        problems(text),
        [
            "1:1: unknown key `manifest` in the config file [did you mean `manifests`?]",
            "4:5: unknown key `orgg` in environment `dev` [did you mean `org`?]",
            "5:28: unknown key `clientID` in the `auth` of environment `dev` [did you mean `clientId`?]",
        ]
    );
}

#[test]
fn secrets_are_refused_with_a_pointer_to_the_environment() {
    let text = "\
environments:
  prod:
    org: https://acme.okta.com
    token: 00abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN
    auth:
      method: oauth
      privateKey: |
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49
        -----END PRIVATE KEY-----
";
    let found = problems(text);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found[0].starts_with("4:5: `token` looks like a secret"),
        "{found:#?}"
    );
    assert!(found[0].contains("OKTA_API_TOKEN"), "{found:#?}");
    assert!(found[1].starts_with("4:12: this value looks like an Okta API token"));
    assert!(found[2].starts_with("7:7: `privateKey` looks like a secret"));
    assert!(found[2].contains("OKTA_PRIVATE_KEY"));
    assert!(
        found[3].starts_with("8:9: this value looks like a private key"),
        "{found:#?}"
    );
    // The refusal never repeats the secret.
    let Err(error) = parse(text) else {
        panic!("accepted")
    };
    let shown = format!("{:?}", miette::Report::new(error));
    assert!(!shown.contains("MIGHAgEAMBMGByqGSM49"), "{shown}");
    assert!(!shown.contains("00abcdefghij"), "{shown}");
    assert!(shown.contains("oktapol.yaml:4:5"), "{shown}");
}

#[test]
fn values_are_checked() {
    let text = "\
manifests: [a, b]
environments:
  dev:
    org: ftp://dev.example.com
    auth: { method: password }
    variables:
      a: ~
      bad name: x
      list: [[1]]
  prod:
    auth: { method: token, clientId: 0oa1 }
  staging: []
";
    let found = problems(text);
    let positions: Vec<&str> = found
        .iter()
        .map(|p| p.split(": ").next().unwrap_or_default())
        .collect();
    assert_eq!(
        positions,
        [
            "1:12", "4:10", "5:21", "7:10", "8:7", "9:13", "11:28", "12:12"
        ],
        "{found:#?}"
    );
    assert!(
        found[6].contains("`clientId` belongs to a service app"),
        "{found:#?}"
    );
}

#[test]
fn yaml_errors_have_positions() {
    let found = problems("environments:\n  dev:\n    org: [x\n");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("4:1:") || found[0].starts_with("3:"),
        "{found:?}"
    );
}

#[test]
fn an_unknown_environment_suggests_one() {
    let file = parse(FULL).expect("valid");
    let error = file.environment("prd").expect_err("unknown");
    let shown = format!("{:?}", miette::Report::new(error));
    assert!(shown.contains("has no environment `prd`"), "{shown}");
    assert!(shown.contains("--env prod"), "{shown}");
}

#[test]
fn the_environment_completes_the_org_settings_under_flags_and_variables() {
    let file = parse(FULL).expect("valid");
    let project = |name: &str| Project {
        environment: Some(file.environment(name).expect("env").clone()),
        file: Some(file.clone()),
    };
    // Nothing set: the file's org and service app.
    let mut settings = OrgSettings::default();
    assert_eq!(project("preview").complete(&mut settings, false), None);
    assert_eq!(
        settings.org.as_deref(),
        Some("https://acme.oktapreview.com")
    );
    assert_eq!(settings.client_id.as_deref(), Some("0oa1preview"));
    assert_eq!(settings.key_id.as_deref(), Some("kid-1"));
    assert_eq!(
        settings.private_key_file,
        Some(PathBuf::from("repo/keys/preview.pem"))
    );
    // A flag wins silently; an environment variable wins with a note.
    let mut flagged = OrgSettings {
        org: Some("local".to_owned()),
        ..OrgSettings::default()
    };
    assert_eq!(project("prod").complete(&mut flagged, true), None);
    assert_eq!(flagged.org.as_deref(), Some("local"));
    let mut from_env = OrgSettings {
        org: Some("https://other.okta.com".to_owned()),
        ..OrgSettings::default()
    };
    let note = project("prod").complete(&mut from_env, false);
    assert!(note.is_some_and(|n| n.contains("OKTA_ORG_URL")));
    assert_eq!(from_env.org.as_deref(), Some("https://other.okta.com"));
    // An API token in the environment wins over the file's service app.
    let mut token = OrgSettings {
        token: Some("t".to_owned()),
        ..OrgSettings::default()
    };
    project("preview").complete(&mut token, false);
    assert_eq!(token.client_id, None);
    // The environment's own OKTA_CLIENT_ID wins over the file's.
    let mut client = OrgSettings {
        client_id: Some("0oa-env".to_owned()),
        ..OrgSettings::default()
    };
    project("preview").complete(&mut client, false);
    assert_eq!(client.client_id.as_deref(), Some("0oa-env"));
}

#[test]
fn the_file_is_found_up_to_the_repository_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    let deep = repo.join("policies/sign-on");
    std::fs::create_dir_all(&deep).expect("mkdir");
    std::fs::create_dir(repo.join(".git")).expect("mkdir .git");
    assert_eq!(find(&deep), None);
    std::fs::write(repo.join(FILE_NAME), "manifests: policies\n").expect("write");
    let found = find(&deep).expect("found");
    assert_eq!(
        found,
        std::path::absolute(repo.join(FILE_NAME)).expect("abs")
    );
    // Above the repository's root, a stray file is not picked up.
    std::fs::remove_file(repo.join(FILE_NAME)).expect("rm");
    std::fs::write(dir.path().join(FILE_NAME), "manifests: x\n").expect("write");
    assert_eq!(find(&deep), None);
    // In the working directory, the file is shown by its name.
    std::fs::write(repo.join(FILE_NAME), "manifests: policies\n").expect("write");
    let project = Project::load(None, None, &repo).expect("loads");
    let file = project.file.expect("a file");
    assert!(file.path.ends_with(FILE_NAME));
}
