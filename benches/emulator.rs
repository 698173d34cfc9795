//! Benchmark of the emulator: requests per second for `GET
//! /api/v1/policies` and `POST …/rules` over loopback with a small load
//! client (rate limits off), and the memory an org of 5,000 policies × 20
//! rules takes. Each part runs in its own child process so peak memory is
//! its own. `cargo bench --bench emulator` (`-- --quick` for a smoke run).

mod support;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use oktapol::clock::SystemClock;
use oktapol::emulator::Engine;
use oktapol::emulator::org::Org;
use oktapol::emulator::server::rate_limit::RateLimits;
use oktapol::emulator::server::{Config, serve};
use serde_json::json;

const TOKEN: &str = "bench-token";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(index) = args.iter().position(|a| a == "--measure") {
        match args.get(index + 1).map(String::as_str) {
            Some("memory") => memory(quick),
            Some("throughput") => throughput(quick),
            other => panic!("unknown measurement {other:?}"),
        }
        return;
    }
    let exe = std::env::current_exe().expect("current exe");
    for mode in ["throughput", "memory"] {
        let mut command = Command::new(&exe);
        command.args(["--measure", mode]);
        if quick {
            command.arg("--quick");
        }
        let output = command.output().expect("run measurement");
        print!("{}", String::from_utf8_lossy(&output.stdout));
        if !output.status.success() {
            eprint!("{}", String::from_utf8_lossy(&output.stderr));
        }
    }
}

fn memory(quick: bool) {
    let (policies, rules) = if quick { (100, 5) } else { (5_000, 20) };
    let before = support::peak_mb();
    let started = Instant::now();
    let mut org = Org::new(Engine::Oie, 1, Arc::new(SystemClock));
    let kinds = [
        ("OKTA_SIGN_ON", "SIGN_ON"),
        ("PASSWORD", "PASSWORD"),
        ("MFA_ENROLL", "MFA_ENROLL"),
        ("ACCESS_POLICY", "ACCESS_POLICY"),
    ];
    for p in 0..policies {
        let (kind, rule_type) = kinds[p % kinds.len()];
        let body = serde_json::from_value(json!({ "type": kind, "name": format!("Policy {p}"), "description": "Generated for the memory benchmark" })).expect("policy");
        let id = org
            .create_policy(body, true)
            .expect("created")
            .id
            .expect("id");
        for r in 0..rules {
            let rule = serde_json::from_value(json!({
                "type": rule_type, "name": format!("Rule {r}"),
                "conditions": { "network": { "connection": "ANYWHERE" } }
            }))
            .expect("rule");
            org.create_rule(&id, rule, true).expect("rule created");
        }
    }
    let state = serde_json::to_vec(org.state()).expect("state");
    println!(
        "| org of {policies} policies × {rules} rules | built in {:.1} s | peak memory {:.0} MB (process start {:.0} MB) | state file {:.1} MB |",
        started.elapsed().as_secs_f64(),
        support::peak_mb(),
        before,
        state.len() as f64 / 1e6
    );
}

fn throughput(quick: bool) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut config = Config::new(TOKEN);
        config.rate_limits = RateLimits::off();
        let server = serve(config).await.expect("emulator starts");
        let base = server.url().to_owned();
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(64)
            .build()
            .expect("client");
        let auth = format!("SSWS {TOKEN}");
        // A policy to hold the POSTed rules; 20 policies of its kind to list.
        let mut target = String::new();
        for n in 0..20 {
            let created: serde_json::Value = client
                .post(format!("{base}/api/v1/policies"))
                .header("Authorization", &auth)
                .json(&json!({ "type": "OKTA_SIGN_ON", "name": format!("P{n}") }))
                .send()
                .await
                .expect("create")
                .json()
                .await
                .expect("json");
            target = created["id"].as_str().unwrap_or_default().to_owned();
        }
        let duration = Duration::from_secs(if quick { 1 } else { 10 });
        let clients = 16;
        for (label, write) in [
            ("GET /api/v1/policies?type=OKTA_SIGN_ON", false),
            ("POST /api/v1/policies/{id}/rules", true),
        ] {
            let done = Arc::new(AtomicU64::new(0));
            let failed = Arc::new(AtomicU64::new(0));
            let stop = Instant::now() + duration;
            let mut tasks = Vec::new();
            for worker in 0..clients {
                let (client, base, auth, target) =
                    (client.clone(), base.clone(), auth.clone(), target.clone());
                let (done, failed) = (Arc::clone(&done), Arc::clone(&failed));
                tasks.push(tokio::spawn(async move {
                    let mut n = 0u64;
                    while Instant::now() < stop {
                        let request = if write {
                            client
                                .post(format!("{base}/api/v1/policies/{target}/rules"))
                                .json(
                                    &json!({ "type": "SIGN_ON", "name": format!("w{worker}-{n}") }),
                                )
                        } else {
                            client.get(format!("{base}/api/v1/policies?type=OKTA_SIGN_ON"))
                        };
                        match request.header("Authorization", &auth).send().await {
                            Ok(response) if response.status().is_success() => {
                                let _ = response.bytes().await;
                                done.fetch_add(1, Ordering::Relaxed);
                            }
                            _ => {
                                failed.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        n += 1;
                    }
                }));
            }
            for task in tasks {
                let _ = task.await;
            }
            let total = done.load(Ordering::Relaxed);
            println!(
                "| {label} | {clients} clients, {} s | {:.0} requests/s | {} failed |",
                duration.as_secs(),
                total as f64 / duration.as_secs_f64(),
                failed.load(Ordering::Relaxed)
            );
        }
        server.shutdown().await;
    });
}
