//! Benchmark: `validate` on a generated corpus (5,000 policies × 20 rules
//! across the kinds by default) against a bare parse of the same files into
//! a generic YAML value. Each measurement runs in a child process so its
//! peak memory (VmHWM) is its own. Run with `cargo bench --bench validate`
//! (`-- --policies N --rules M` to change the size, `--quick` for a smoke run).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const KINDS: [&str; 4] = [
    "signOnPolicies",
    "passwordPolicies",
    "mfaEnrollPolicies",
    "accessPolicies",
];
const POLICIES_PER_FILE: usize = 50;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(index) = args.iter().position(|a| a == "--measure") {
        let mode = args.get(index + 1).map(String::as_str).unwrap_or_default();
        let dir = PathBuf::from(args.get(index + 2).cloned().unwrap_or_default());
        measure(mode, &dir);
        return;
    }
    let value = |flag: &str, default: usize| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let quick = args.iter().any(|a| a == "--quick");
    let policies = value("--policies", if quick { 40 } else { 5000 });
    let rules = value("--rules", if quick { 5 } else { 20 });
    let runs = value("--runs", if quick { 1 } else { 3 });

    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = generate(dir.path(), policies, rules);
    let files = std::fs::read_dir(dir.path()).map_or(0, |entries| entries.count());
    println!(
        "corpus: {policies} policies × {rules} rules in {files} files, {:.1} MB",
        bytes as f64 / 1e6
    );
    let parse = best_of(runs, "parse", dir.path());
    let validate = best_of(runs, "validate", dir.path());
    println!("| measurement | wall time (best of {runs}) | peak memory |");
    println!("|---|---|---|");
    println!(
        "| bare parse (serde-saphyr → serde_json::Value) | {:.2} s | {:.0} MB |",
        parse.0, parse.1
    );
    println!(
        "| oktapol validate (parse + schema + model + rules) | {:.2} s | {:.0} MB |",
        validate.0, validate.1
    );
    println!(
        "ratio validate / parse: {:.2} (target ≤ 2.0); peak memory {:.0} MB (target < 200 MB)",
        validate.0 / parse.0,
        validate.1
    );
}

/// Runs a measurement in a child process `runs` times; returns the best
/// wall time (s) and the peak memory (MB) of that run.
fn best_of(runs: usize, mode: &str, dir: &Path) -> (f64, f64) {
    let exe = std::env::current_exe().expect("current exe");
    let mut best = (f64::MAX, 0.0);
    for _ in 0..runs {
        let output = Command::new(&exe)
            .args(["--measure", mode])
            .arg(dir)
            .output()
            .expect("run measurement");
        let text = String::from_utf8_lossy(&output.stdout);
        let mut fields = text
            .split_whitespace()
            .map(|f| f.parse::<f64>().unwrap_or(f64::NAN));
        let (seconds, peak_mb) = (
            fields.next().unwrap_or(f64::NAN),
            fields.next().unwrap_or(f64::NAN),
        );
        if seconds < best.0 {
            best = (seconds, peak_mb);
        }
    }
    best
}

fn measure(mode: &str, dir: &Path) {
    let start = Instant::now();
    match mode {
        "parse" => {
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                .expect("read dir")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            files.sort();
            let mut nodes = 0usize;
            for file in files {
                let text = std::fs::read_to_string(file).expect("read");
                let value: serde_json::Value = serde_saphyr::from_str(&text).expect("parse");
                nodes += value.as_object().map_or(0, |o| o.len());
            }
            assert!(nodes > 0);
        }
        "validate" => {
            let validation = oktapol::validate::validate_path(dir);
            let errors = validation.count(oktapol::finding::Severity::Error);
            assert_eq!(errors, 0, "the generated corpus must be valid");
        }
        other => panic!("unknown measurement {other}"),
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("{seconds} {}", support::peak_mb());
}

/// Writes the corpus; returns its size in bytes.
fn generate(dir: &Path, policies: usize, rules: usize) -> usize {
    let mut total = 0;
    let per_kind = policies.div_ceil(KINDS.len());
    let mut index = 0;
    for (k, kind) in KINDS.iter().enumerate() {
        let count = per_kind.min(policies - index.min(policies));
        let mut file = 0;
        let mut text = String::new();
        for p in 0..count {
            if p % POLICIES_PER_FILE == 0 {
                if !text.is_empty() {
                    total += write(dir, kind, file, &text);
                    file += 1;
                }
                text = format!(
                    "# yaml-language-server: $schema=../schema/oktapol.schema.json\n{kind}:\n"
                );
            }
            text.push_str(&policy(k, p, rules));
        }
        if !text.is_empty() {
            total += write(dir, kind, file, &text);
        }
        index += count;
    }
    total
}

fn write(dir: &Path, kind: &str, file: usize, text: &str) -> usize {
    std::fs::write(dir.join(format!("{kind}-{file:04}.yaml")), text).expect("write corpus");
    text.len()
}

fn policy(kind: usize, p: usize, rules: usize) -> String {
    let mut out = String::new();
    let (conditions, settings) = match kind {
        0 => (format!("    conditions:\n      people:\n        groups:\n          include: [Group {p}, Contractors]\n"), String::new()),
        1 => (
            format!("    conditions:\n      people:\n        groups:\n          include: [Group {p}]\n"),
            "    settings:\n      password:\n        complexity: { minLength: 12, minLowerCase: 1, minUpperCase: 1, minNumber: 1, minSymbol: 1 }\n        age: { maxAgeDays: 90, expireWarnDays: 7, historyCount: 10 }\n        lockout: { maxAttempts: 5, autoUnlockMinutes: 30 }\n".to_owned(),
        ),
        2 => (
            format!("    conditions:\n      people:\n        groups:\n          include: [Group {p}]\n"),
            "    settings:\n      type: AUTHENTICATORS\n      authenticators:\n        - { key: okta_verify, enroll: { self: REQUIRED } }\n        - { key: phone_number, enroll: { self: OPTIONAL } }\n        - { key: webauthn, enroll: { self: OPTIONAL } }\n".to_owned(),
        ),
        _ => (String::new(), format!("    apps: [App {p}a, App {p}b]\n")),
    };
    out.push_str(&format!("  - name: Policy {p}\n    description: Generated policy {p} for the validate benchmark\n    priority: {p}\n"));
    out.push_str(&conditions);
    out.push_str(&settings);
    out.push_str("    rules:\n");
    for r in 0..rules {
        out.push_str(&rule(kind, p, r));
    }
    out
}

fn rule(kind: usize, p: usize, r: usize) -> String {
    let head = format!(
        "      - name: Rule {r}\n        conditions:\n          network: {{ connection: ZONE, include: [Zone {p}-{r}] }}\n"
    );
    match kind {
        0 => format!(
            "{head}          people: {{ users: {{ exclude: [user{r}@example.com] }} }}\n        actions:\n          signon:\n            access: ALLOW\n            requireFactor: true\n            factorPromptMode: SESSION\n            session: {{ maxSessionIdleMinutes: 60, maxSessionLifetimeMinutes: 720, usePersistentCookie: false }}\n"
        ),
        1 => format!(
            "{head}        actions:\n          passwordChange: {{ access: ALLOW }}\n          selfServicePasswordReset: {{ access: ALLOW, requirement: {{ primary: {{ methods: [email, sms] }}, stepUp: {{ required: true, methods: [security_question] }} }} }}\n          selfServiceUnlock: {{ access: DENY }}\n"
        ),
        2 => format!("{head}        actions:\n          enroll: {{ self: LOGIN }}\n"),
        _ => format!(
            "{head}          device: {{ registered: true, managed: true }}\n        actions:\n          appSignOn:\n            access: ALLOW\n            verificationMethod:\n              type: ASSURANCE\n              factorMode: 2FA\n              reauthenticateIn: PT2H\n              constraints:\n                - possession: {{ phishingResistant: REQUIRED, userPresence: REQUIRED }}\n"
        ),
    }
}
