//! Reading a case file: the YAML is parsed with the manifests' safety
//! limits (duplicate keys, alias bombs, depth), then walked by hand so
//! that every problem — an unknown key, a wrong type, an unknown facet or
//! kind key, a repeated case name — is reported at its line and column
//! with a fix, all of them in one go.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use serde_json::{Map, Value};

use crate::evaluate::{Context, Device, Facet, Platform};
use crate::finding::{Anchor, Code, Location};
use crate::manifest::load::{MAX_FILE_BYTES, parse as parse_yaml};
use crate::manifest::source::{Position, SourceFile, display_path};
use crate::spelling::closest;

use super::error::{CaseError, CaseFileError, SourceLocation};
use super::expected::{Expected, type_name};
use super::model::{Case, CaseFile, Expectation, Target};

const CASE_KEYS: &[&str] = &["name", "description", "context", "expect"];

const CONTEXT_KEYS: &[&str] = &[
    "user",
    "groups",
    "userType",
    "zones",
    "app",
    "platform",
    "device",
    "risk",
    "entityRisk",
    "authType",
    "idp",
    "authProvider",
    "client",
    "grantType",
    "scopes",
];

/// Keys people reach for that the context spells differently.
const CONTEXT_ALIASES: &[(&str, &str)] = &[
    ("login", "user"),
    ("username", "user"),
    ("email", "user"),
    ("group", "groups"),
    ("zone", "zones"),
    ("network", "zones"),
    ("ip", "zones"),
    ("ipAddress", "zones"),
    ("application", "app"),
    ("riskLevel", "risk"),
    ("riskScore", "risk"),
    ("identityProvider", "idp"),
    ("scope", "scopes"),
];

const LEVELS: &[&str] = &["LOW", "MEDIUM", "HIGH"];
const AUTH_TYPES: &[&str] = &["ANY", "RADIUS", "LDAP_INTERFACE"];
const AUTH_PROVIDERS: &[&str] = &["OKTA", "ACTIVE_DIRECTORY", "LDAP"];
const PLATFORM_TYPES: &[&str] = &["DESKTOP", "MOBILE", "OTHER"];
const PLATFORM_OS: &[&str] = &[
    "IOS", "ANDROID", "WINDOWS", "MACOS", "OSX", "CHROMEOS", "LINUX", "OTHER",
];

/// Reads and checks the case file at `path`.
pub fn load(path: &Path) -> Result<CaseFile, CaseFileError> {
    let unreadable = |message: String| CaseFileError {
        errors: vec![CaseError {
            file: display_path(path),
            line: None,
            column: None,
            message,
            hint: Some("pass a YAML case file with `--cases FILE`".to_owned()),
        }],
    };
    let bytes = fs::metadata(path)
        .and_then(|meta| {
            if meta.len() > MAX_FILE_BYTES {
                Err(std::io::Error::other(format!(
                    "file is {} bytes; the limit is {MAX_FILE_BYTES}",
                    meta.len()
                )))
            } else {
                fs::read(path)
            }
        })
        .map_err(|error| unreadable(format!("cannot read {}: {error}", display_path(path))))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| unreadable(format!("{} is not UTF-8 text", display_path(path))))?;
    parse(path, &text)
}

/// Checks a case file's `text`; `path` names it in messages.
pub fn parse(path: &Path, text: &str) -> Result<CaseFile, CaseFileError> {
    let source = SourceFile::new(path.to_path_buf(), text.to_owned());
    let mut reader = Reader {
        file: source.display_path(),
        source: &source,
        errors: Vec::new(),
    };
    let document = match parse_yaml(0, text) {
        Ok(document) => document,
        Err(finding) => {
            let position = match finding.location {
                Location::Position { position, .. } => position,
                _ => Position::START,
            };
            let hint = if finding.code == Code::EmptyFile {
                Some("add `cases:` with at least one case".to_owned())
            } else {
                finding.hint
            };
            reader.errors.push(
                CaseError::at(
                    &SourceLocation::new(&reader.file, position),
                    finding.message,
                )
                .maybe_hint(hint),
            );
            return Err(CaseFileError {
                errors: reader.errors,
            });
        }
    };
    let cases = reader.file_cases(&document);
    reader.errors.sort_by_key(|e| (e.line, e.column));
    if reader.errors.is_empty() {
        Ok(CaseFile {
            path: path.to_path_buf(),
            cases,
        })
    } else {
        Err(CaseFileError {
            errors: reader.errors,
        })
    }
}

/// A JSON pointer one level down.
fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

struct Reader<'s> {
    file: String,
    source: &'s SourceFile,
    errors: Vec<CaseError>,
}

impl Reader<'_> {
    fn at(&self, pointer: &str) -> SourceLocation {
        SourceLocation::new(&self.file, self.source.locate(pointer, Anchor::Value))
    }

    fn key_at(&self, pointer: &str) -> SourceLocation {
        SourceLocation::new(&self.file, self.source.locate(pointer, Anchor::Key))
    }

    fn error(&mut self, error: CaseError) {
        self.errors.push(error);
    }

    fn wrong_type(&mut self, pointer: &str, what: &str, value: &Value, hint: &str) {
        let error = CaseError::at(
            &self.at(pointer),
            format!(
                "`{}` must be {what}, found {}",
                last_key(pointer),
                type_name(value)
            ),
        )
        .hint(hint);
        self.error(error);
    }

    /// The mapping at `pointer`, with its unknown keys reported; `None`
    /// (reported) when it is not a mapping.
    fn mapping<'v>(
        &mut self,
        pointer: &str,
        value: &'v Value,
        allowed: &[&str],
        hint_for: &dyn Fn(&str) -> Option<String>,
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = value else {
            self.wrong_type(
                pointer,
                "a mapping",
                value,
                "write `key: value` pairs indented under the key",
            );
            return None;
        };
        for key in map.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let hint = hint_for(key)
                .or_else(|| {
                    closest(key, allowed.iter().copied()).map(|c| format!("did you mean `{c}`?"))
                })
                .unwrap_or_else(|| format!("the keys allowed here are: {}", allowed.join(", ")));
            let error = CaseError::at(
                &self.key_at(&child(pointer, key)),
                format!("unknown key `{key}`"),
            )
            .hint(hint);
            self.error(error);
        }
        Some(map)
    }

    fn string(&mut self, pointer: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
            Value::String(_) => {
                let error = CaseError::at(
                    &self.at(pointer),
                    format!("`{}` is empty", last_key(pointer)),
                )
                .hint("write a name, or leave the key out");
                self.error(error);
                None
            }
            Value::Number(_) | Value::Bool(_) => {
                self.wrong_type(
                    pointer,
                    "a string",
                    value,
                    "quote the value, e.g. `\"123\"`",
                );
                None
            }
            _ => {
                self.wrong_type(pointer, "a string", value, "write a single name");
                None
            }
        }
    }

    fn strings(&mut self, pointer: &str, value: &Value) -> Vec<String> {
        let Value::Array(items) = value else {
            self.wrong_type(
                pointer,
                "a list",
                value,
                "write a list, e.g. `[Contractors]` (or `[]` for none)",
            );
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| self.string(&child(pointer, &index.to_string()), item))
            .collect()
    }

    fn boolean(&mut self, pointer: &str, value: &Value) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(pointer, "true or false", value, "write `true` or `false`");
                None
            }
        }
    }

    /// One of `allowed` (case-insensitive), upper-cased as Okta writes it.
    fn word(&mut self, pointer: &str, value: &Value, allowed: &[&str]) -> Option<String> {
        let text = self.string(pointer, value)?;
        if let Some(word) = allowed.iter().find(|a| a.eq_ignore_ascii_case(&text)) {
            return Some((*word).to_owned());
        }
        let hint = closest(&text, allowed.iter().copied()).map_or_else(
            || format!("write one of: {}", allowed.join(", ")),
            |c| format!("did you mean `{c}`?"),
        );
        let error = CaseError::at(
            &self.at(pointer),
            format!(
                "`{}` must be one of {}, found {text:?}",
                last_key(pointer),
                allowed.join(", ")
            ),
        )
        .hint(hint);
        self.error(error);
        None
    }

    fn file_cases(&mut self, document: &Value) -> Vec<Case> {
        let Some(top) = self.mapping("", document, &["cases"], &|_| None) else {
            return Vec::new();
        };
        let Some(list) = top.get("cases") else {
            let error = CaseError::at(&self.at(""), "the case file has no `cases:` list")
                .hint("start the file with `cases:` and list the cases under it");
            self.error(error);
            return Vec::new();
        };
        let Value::Array(items) = list else {
            self.wrong_type("/cases", "a list", list, "list each case as `- name: …`");
            return Vec::new();
        };
        if items.is_empty() {
            let error = CaseError::at(&self.at("/cases"), "`cases` is empty")
                .hint("add at least one case with `name`, `context` and `expect`");
            self.error(error);
        }
        let mut seen: HashMap<String, SourceLocation> = HashMap::new();
        let mut cases = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let pointer = format!("/cases/{index}");
            if let Some(case) = self.case(&pointer, item) {
                if let Some(first) = seen.get(&case.name) {
                    let error = CaseError::at(
                        &self.at(&child(&pointer, "name")),
                        format!(
                            "a case named {:?} is already defined at line {}",
                            case.name, first.line
                        ),
                    )
                    .hint("give every case its own name, so failures can be told apart");
                    self.error(error);
                    continue;
                }
                seen.insert(case.name.clone(), self.at(&child(&pointer, "name")));
                cases.push(case);
            }
        }
        cases
    }

    fn case(&mut self, pointer: &str, value: &Value) -> Option<Case> {
        let map = self.mapping(pointer, value, CASE_KEYS, &|key| {
            (key == "expected" || key == "expectations")
                .then(|| "did you mean `expect`?".to_owned())
        })?;
        let errors_before = self.errors.len();
        let name = match map.get("name") {
            Some(name) => self.string(&child(pointer, "name"), name),
            None => {
                let error = CaseError::at(&self.at(pointer), "the case has no `name`")
                    .hint("add `name:`, saying what the case proves, e.g. `name: Contractors off-network need MFA`");
                self.error(error);
                None
            }
        };
        let description = match map.get("description") {
            Some(text) => self.string(&child(pointer, "description"), text),
            None => None,
        };
        let context = match map.get("context") {
            Some(context) => self.context(&child(pointer, "context"), context),
            None => Context::default(),
        };
        let expect = match map.get("expect") {
            Some(expect) => self.expect(&child(pointer, "expect"), expect),
            None => {
                let error = CaseError::at(&self.at(pointer), "the case has no `expect`")
                    .hint("add `expect:` with what should happen, e.g. `expect: { signOn: { mfaRequired: true } }`");
                self.error(error);
                Vec::new()
            }
        };
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Case {
            name: name?,
            description,
            context,
            expect,
            location: self.at(pointer),
        })
    }

    fn context(&mut self, pointer: &str, value: &Value) -> Context {
        let mut context = Context::default();
        let hint = |key: &str| {
            CONTEXT_ALIASES
                .iter()
                .find(|(alias, _)| alias.eq_ignore_ascii_case(key))
                .map(|(_, right)| match *right {
                    "zones" => "write the network zones the sign-in comes from as `zones: [Corporate Network]` (`[]` for off-network)".to_owned(),
                    right => format!("did you mean `{right}`?"),
                })
        };
        let Some(map) = self.mapping(pointer, value, CONTEXT_KEYS, &hint) else {
            return context;
        };
        for (key, value) in map {
            let at = child(pointer, key);
            match key.as_str() {
                "user" => context.user = self.string(&at, value),
                "groups" => context.groups = self.strings(&at, value).into_iter().collect(),
                "userType" => context.user_type = self.string(&at, value),
                "zones" => context.zones = self.strings(&at, value).into_iter().collect(),
                "app" => context.app = self.string(&at, value),
                "platform" => context.platform = self.platform(&at, value),
                "device" => context.device = self.device(&at, value),
                "risk" => context.risk = self.word(&at, value, LEVELS),
                "entityRisk" => context.entity_risk = self.word(&at, value, LEVELS),
                "authType" => context.auth_type = self.word(&at, value, AUTH_TYPES),
                "idp" => context.idp = self.string(&at, value),
                "authProvider" => context.auth_provider = self.word(&at, value, AUTH_PROVIDERS),
                "client" => context.client = self.string(&at, value),
                "grantType" => context.grant_type = self.string(&at, value),
                "scopes" => context.scopes = self.strings(&at, value).into_iter().collect(),
                _ => {}
            }
        }
        context
    }

    fn platform(&mut self, pointer: &str, value: &Value) -> Option<Platform> {
        let map = self.mapping(pointer, value, &["type", "os"], &|_| None)?;
        let kind = match map.get("type") {
            Some(kind) => self.word(&child(pointer, "type"), kind, PLATFORM_TYPES),
            None => {
                let error = CaseError::at(&self.at(pointer), "the platform has no `type`")
                    .hint("write e.g. `platform: { type: DESKTOP, os: WINDOWS }`");
                self.error(error);
                None
            }
        };
        let os = match map.get("os") {
            Some(os) => self.word(&child(pointer, "os"), os, PLATFORM_OS),
            None => None,
        };
        Some(Platform { kind: kind?, os })
    }

    fn device(&mut self, pointer: &str, value: &Value) -> Device {
        let mut device = Device::default();
        let hint =
            |key: &str| (key == "assurance").then(|| "did you mean `assurances`?".to_owned());
        let Some(map) = self.mapping(
            pointer,
            value,
            &["registered", "managed", "assurances"],
            &hint,
        ) else {
            return device;
        };
        for (key, value) in map {
            let at = child(pointer, key);
            match key.as_str() {
                "registered" => device.registered = self.boolean(&at, value),
                "managed" => device.managed = self.boolean(&at, value),
                "assurances" => device.assurances = self.strings(&at, value).into_iter().collect(),
                _ => {}
            }
        }
        device
    }

    fn expect(&mut self, pointer: &str, value: &Value) -> Vec<Expectation> {
        let keys: Vec<&str> = Target::ALL.iter().map(|t| t.key()).collect();
        let hint = |key: &str| {
            if let Some(target) = key
                .strip_suffix("Policies")
                .or_else(|| key.strip_suffix("Policy"))
                .and_then(Target::from_key)
            {
                return Some(format!(
                    "write `{}`: expectations are keyed by policy kind",
                    target.key()
                ));
            }
            if key == "authorizationServers" {
                return Some(
                    "write `authorizationServer` (one server per case, named with `server:`)"
                        .to_owned(),
                );
            }
            Facet::from_key(key).map(|facet| {
                let owner = Target::ALL
                    .iter()
                    .find(|t| t.facets().contains(&facet))
                    .map_or("signOn", |t| t.key());
                format!("outcome keys go under a policy kind, e.g. `{owner}: {{ {key}: … }}`")
            })
        };
        let Some(map) = self.mapping(pointer, value, &keys, &hint) else {
            return Vec::new();
        };
        if map.is_empty() {
            let error = CaseError::at(
                &self.at(pointer),
                "`expect` is empty: the case would prove nothing",
            )
            .hint("say what should happen, e.g. `signOn: { mfaRequired: true }`");
            self.error(error);
        }
        map.iter()
            .filter_map(|(key, body)| {
                let target = Target::from_key(key)?;
                self.expectation(&child(pointer, key), target, body)
            })
            .collect()
    }

    fn expectation(&mut self, pointer: &str, target: Target, value: &Value) -> Option<Expectation> {
        let mut allowed: Vec<String> = Vec::new();
        if target != Target::AppSignIn {
            allowed.extend(["policy", "rule", "applies"].map(str::to_owned));
        }
        if target == Target::Kind(crate::manifest::kind::PolicyKind::AuthorizationServer) {
            allowed.push("server".to_owned());
        }
        allowed.extend(target.facets().iter().map(|f| f.key()));
        let allowed_refs: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let hint = |key: &str| {
            if target == Target::AppSignIn && ["policy", "rule", "applies"].contains(&key) {
                return Some(
                    "an app sign-in combines the global session policy and the app's access policy: expect `signOn: { policy: … }` and `access: { policy: … }` instead".to_owned(),
                );
            }
            if key == "server" {
                return Some("`server` names an authorization server; it belongs under `authorizationServer`".to_owned());
            }
            let facet = Facet::from_key(key)?;
            let owners: Vec<&str> = Target::ALL
                .iter()
                .filter(|t| t.facets().contains(&facet))
                .map(|t| t.key())
                .collect();
            Some(format!(
                "{target} outcomes have no `{key}` (it is an outcome of {}); {target} outcomes are: {}",
                owners.join(", "),
                target
                    .facets()
                    .iter()
                    .map(|f| f.key())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        };
        let map = self.mapping(pointer, value, &allowed_refs, &hint)?;
        let mut expectation = Expectation {
            target,
            server: None,
            applies: None,
            policy: None,
            rule: None,
            facets: Vec::new(),
            location: self.key_at(pointer),
        };
        for (key, value) in map {
            let at = child(pointer, key);
            match key.as_str() {
                "policy" if allowed_refs.contains(&"policy") => {
                    expectation.policy = self.string(&at, value)
                }
                "rule" if allowed_refs.contains(&"rule") => {
                    expectation.rule = self.string(&at, value)
                }
                "applies" if allowed_refs.contains(&"applies") => {
                    expectation.applies = self.boolean(&at, value)
                }
                "server" if allowed_refs.contains(&"server") => {
                    expectation.server = self.string(&at, value)
                }
                key => {
                    let Some(facet) = Facet::from_key(key).filter(|f| target.facets().contains(f))
                    else {
                        continue;
                    };
                    match Expected::parse(facet, value) {
                        Ok(expected) => expectation.facets.push((facet, expected)),
                        Err(invalid) => {
                            let error = CaseError::at(&self.at(&at), invalid.message)
                                .maybe_hint(invalid.hint);
                            self.error(error);
                        }
                    }
                }
            }
        }
        let says_something = expectation.policy.is_some()
            || expectation.rule.is_some()
            || !expectation.facets.is_empty();
        if expectation.applies == Some(false) && says_something {
            let error = CaseError::at(
                &self.at(&child(pointer, "applies")),
                "`applies: false` expects no policy to apply, so it cannot name a policy, a rule or outcomes",
            )
            .hint("remove `applies: false`, or the other keys");
            self.error(error);
        }
        if map.is_empty() {
            let error = CaseError::at(&self.at(pointer), format!("`{target}` expects nothing"))
                .hint(format!(
                    "write what should happen, e.g. `{target}: {{ {} }}`",
                    if target == Target::AppSignIn {
                        "access: ALLOW"
                    } else {
                        "policy: …"
                    }
                ));
            self.error(error);
        }
        Some(expectation)
    }
}

/// The last key of a pointer, for messages.
fn last_key(pointer: &str) -> String {
    pointer
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .replace("~1", "/")
        .replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match parse(&PathBuf::from("cases.yaml"), text) {
            Ok(_) => Vec::new(),
            Err(error) => error.errors.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn a_valid_file_loads_with_its_context() {
        let text = "cases:\n  - name: A\n    context:\n      groups: [Contractors]\n      platform: { type: desktop, os: windows }\n      risk: low\n    expect:\n      signOn: { mfaRequired: true, sessionLifetime: 8h }\n";
        let file = parse(&PathBuf::from("c.yaml"), text).expect("valid");
        let case = &file.cases[0];
        assert_eq!(case.context.risk.as_deref(), Some("LOW"));
        assert_eq!(
            case.context.platform.as_ref().map(|p| p.kind.as_str()),
            Some("DESKTOP")
        );
        assert!(case.evaluation_context().in_group("Everyone"));
        assert_eq!(case.expect[0].facets[1].1.0, serde_json::json!(480));
        assert_eq!(case.location.line, 2);
    }

    #[test]
    fn unknown_keys_are_placed_and_spelled() {
        let found =
            errors("cases:\n  - name: A\n    contxt: {}\n    expect: { signOn: { policy: X } }\n");
        assert_eq!(
            found,
            ["cases.yaml:3:5: unknown key `contxt`\n  help: did you mean `context`?"]
        );
    }

    #[test]
    fn facets_belong_to_their_kind() {
        let found = errors(
            "cases:\n  - name: A\n    expect:\n      signOn: { requiredAuthenticators: [okta_verify] }\n",
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("cases.yaml:4:17: unknown key `requiredAuthenticators`"),
            "{found:?}"
        );
        assert!(found[0].contains("outcome of mfaEnroll"), "{found:?}");
    }

    #[test]
    fn unknown_kinds_and_duplicates() {
        let found = errors(
            "cases:\n  - name: A\n    expect: { signOnPolicies: { policy: X } }\n  - name: A\n    expect: { sigOn: { policy: X } }\n",
        );
        assert!(
            found[0].contains("3:15: unknown key `signOnPolicies`")
                && found[0].contains("write `signOn`"),
            "{found:?}"
        );
        assert!(
            found[1].contains("5:15: unknown key `sigOn`")
                && found[1].contains("did you mean `signOn`?"),
            "{found:?}"
        );
        assert_eq!(
            found.len(),
            2,
            "an invalid case is not also a duplicate: {found:?}"
        );
        let found = errors(
            "cases:\n  - name: A\n    expect: { signOn: { policy: X } }\n  - name: A\n    expect: { signOn: { policy: Y } }\n",
        );
        assert_eq!(
            found,
            [
                "cases.yaml:4:11: a case named \"A\" is already defined at line 2\n  help: give every case its own name, so failures can be told apart"
            ]
        );
    }

    #[test]
    fn wrong_types_and_values() {
        let found = errors(
            "cases:\n  - name: A\n    context: { groups: Contractors, risk: HIHG, device: { managed: yes } }\n    expect: { signOn: { mfaRequired: maybe, access: ALOW } }\n",
        );
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(
            found[0].starts_with("cases.yaml:3:24: `groups` must be a list"),
            "{found:?}"
        );
        assert!(found[1].contains("did you mean `HIGH`?"), "{found:?}");
        assert!(
            found[2].contains("`managed` must be true or false"),
            "{found:?}"
        );
        assert!(
            found[3].contains("`mfaRequired` expects true or false"),
            "{found:?}"
        );
        assert!(found[4].contains("did you mean `ALLOW`?"), "{found:?}");
    }

    #[test]
    fn yaml_errors_and_empty_files() {
        let found = errors("cases:\n  - name: A\n    name: B\n");
        assert!(found[0].starts_with("cases.yaml:3:5:"), "{found:?}");
        let found = errors("# nothing\n");
        assert!(found[0].contains("add `cases:`"), "{found:?}");
        let found = errors("cases: []\n");
        assert!(found[0].contains("`cases` is empty"), "{found:?}");
    }

    #[test]
    fn applies_false_stands_alone_and_app_sign_in_names_no_policy() {
        let found = errors(
            "cases:\n  - name: A\n    expect:\n      password: { applies: false, policy: X }\n      appSignIn: { policy: X }\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].contains("4:28: `applies: false` expects no policy"),
            "{found:?}"
        );
        assert!(
            found[1].contains("5:20: unknown key `policy`") && found[1].contains("combines"),
            "{found:?}"
        );
    }
}
