//! The wire types must round-trip what Okta really sends and accepts: every
//! recorded policy and rule body in `../shared/okta-payloads` (2,254 of them,
//! from Okta's Terraform provider's cassettes) is parsed as `Policy` or
//! `PolicyRule`, serialised again, and compared with the original as JSON
//! values — key order aside, but unknown members, explicit `null`s and
//! absent-vs-`null` included. The corpus is read in place, never copied here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use oktapol::client::wire::{Policy, PolicyRule};
use serde_json::Value;

use crate::util::root;

/// Where the corpus lives, relative to the repository root.
const CORPUS: &str = "../shared/okta-payloads";

/// How many payloads the corpus holds (its README's count).
const EXPECTED_PAYLOADS: usize = 2_254;

/// How many failing files to show.
const SHOWN_FAILURES: usize = 20;

/// How many differences to show per failing file.
const SHOWN_DIFFERENCES: usize = 10;

/// The corpus directory; a plain failure if it is not there, so a missing
/// corpus cannot pass as "nothing to check".
fn corpus_dir() -> PathBuf {
    let dir = root().join(CORPUS);
    assert!(
        dir.is_dir(),
        "the wire round-trip test expects Okta's recorded payloads in {CORPUS} \
         (beside the repository, at {}), but that directory does not exist",
        dir.display()
    );
    dir
}

/// Every `<TYPE>/*.json` under the corpus, sorted.
fn payload_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the corpus directory") {
        let type_dir = entry.expect("read a corpus entry").path();
        if !type_dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&type_dir).expect("read a policy-type directory") {
            let path = file.expect("read a payload entry").path();
            if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Parses `text` as `T` and serialises it again, or says why it could not.
fn round_trip<T>(text: &str) -> Result<(Value, bool), String>
where
    T: serde::de::DeserializeOwned + serde::Serialize + KnownType,
{
    let parsed: T = serde_json::from_str(text).map_err(|e| format!("does not parse: {e}"))?;
    let known = parsed.has_known_type();
    let back = serde_json::to_value(&parsed).map_err(|e| format!("does not serialise: {e}"))?;
    Ok((back, known))
}

/// Whether the parsed body's `type` is a named enum arm (every type in the
/// corpus is one, so an `Unknown` here means a misspelt wire string).
trait KnownType {
    fn has_known_type(&self) -> bool;
}

impl KnownType for Policy {
    fn has_known_type(&self) -> bool {
        self.kind.is_known()
    }
}

impl KnownType for PolicyRule {
    fn has_known_type(&self) -> bool {
        self.kind.is_known()
    }
}

/// The differences between `expected` and `actual`, one line each, as JSON
/// pointers.
fn differences(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let at = format!("{path}/{key}");
                match a.get(key) {
                    Some(other) => differences(&at, value, other, out),
                    None => out.push(format!("{at}: dropped (was {value})")),
                }
            }
            for (key, value) in a {
                if !e.contains_key(key) {
                    out.push(format!("{path}/{key}: added ({value})"));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (index, (value, other)) in e.iter().zip(a).enumerate() {
                differences(&format!("{path}/{index}"), value, other, out);
            }
        }
        _ if expected != actual => {
            let at = if path.is_empty() { "/" } else { path };
            out.push(format!("{at}: {expected} became {actual}"));
        }
        _ => {}
    }
}

#[test]
fn every_recorded_payload_round_trips() {
    let dir = corpus_dir();
    let files = payload_files(&dir);
    let mut failures: Vec<(String, Vec<String>)> = Vec::new();

    for path in &files {
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                failures.push((name, vec![format!("cannot read: {e}")]));
                continue;
            }
        };
        let original: Value = match serde_json::from_str(&text) {
            Ok(value) => value,
            Err(e) => {
                failures.push((name, vec![format!("not JSON: {e}")]));
                continue;
            }
        };
        let result = if file_name.starts_with("policy") {
            round_trip::<Policy>(&text)
        } else if file_name.starts_with("rule") {
            round_trip::<PolicyRule>(&text)
        } else {
            Err("named neither policy* nor rule*".to_owned())
        };
        let mut problems = Vec::new();
        match result {
            Err(problem) => problems.push(problem),
            Ok((back, known)) => {
                if back != original {
                    differences("", &original, &back, &mut problems);
                }
                if !known {
                    problems.push(format!("/type: {} parsed as Unknown", original["type"]));
                }
            }
        }
        if !problems.is_empty() {
            failures.push((name, problems));
        }
    }

    let mut report = String::new();
    for (name, problems) in failures.iter().take(SHOWN_FAILURES) {
        let _ = writeln!(report, "{name}:");
        for problem in problems.iter().take(SHOWN_DIFFERENCES) {
            let _ = writeln!(report, "    {problem}");
        }
        if problems.len() > SHOWN_DIFFERENCES {
            let _ = writeln!(report, "    … {} more", problems.len() - SHOWN_DIFFERENCES);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} payloads do not round-trip (first {} shown):\n{report}",
        failures.len(),
        files.len(),
        failures.len().min(SHOWN_FAILURES),
    );
    assert_eq!(
        files.len(),
        EXPECTED_PAYLOADS,
        "expected {EXPECTED_PAYLOADS} payloads under {}",
        dir.display()
    );
}

/// The comparison above relies on this: with serde_json's `preserve_order`
/// (on in this crate), objects keep their key order, yet `Value` equality
/// still ignores it (`IndexMap`'s `PartialEq` compares as a map).
#[test]
fn value_equality_ignores_key_order_under_preserve_order() {
    let a: Value = serde_json::from_str(r#"{"a":1,"b":{"c":null,"d":[1,2]}}"#).expect("JSON");
    let b: Value = serde_json::from_str(r#"{"b":{"d":[1,2],"c":null},"a":1}"#).expect("JSON");
    let keys: Vec<&String> = b.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["b", "a"], "preserve_order is on");
    assert_eq!(a, b);
    // Absent and null still differ, and array order still counts.
    let c: Value = serde_json::from_str(r#"{"a":1,"b":{"d":[1,2]}}"#).expect("JSON");
    let d: Value = serde_json::from_str(r#"{"a":1,"b":{"c":null,"d":[2,1]}}"#).expect("JSON");
    assert_ne!(a, c);
    assert_ne!(a, d);
}

/// The diff used in the failure report names what changed.
#[test]
fn differences_name_the_changed_members() {
    let expected = serde_json::json!({"a": null, "b": {"c": [1, 2]}, "d": 1});
    let actual = serde_json::json!({"b": {"c": [1, 3]}, "d": 1, "e": true});
    let mut out = Vec::new();
    differences("", &expected, &actual, &mut out);
    assert_eq!(
        out,
        [
            "/a: dropped (was null)",
            "/b/c/1: 2 became 3",
            "/e: added (true)",
        ]
    );
}
