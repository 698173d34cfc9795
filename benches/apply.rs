//! Benchmark of `apply` on a rate-limited emulator. A plan with many
//! independent changes (new policies with rules, across kinds) is applied
//! over loopback HTTP to an emulator with Okta-like per-minute limits, in
//! scaled time: the emulator and the client share a manual clock, so a
//! wait for the next rate-limit window takes no real time. Reported: API
//! writes per planned change (target: exactly one), the calls, the
//! simulated time the apply took divided by (calls ÷ rate budget) (target ≤
//! 1.1: the engine keeps the budget full without tripping 429s), the 429s
//! seen, and the real wall time. `cargo bench --bench apply` (`-- --quick`).

mod support;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use oktapol::apply::{ApplyOptions, Silent, apply_with};
use oktapol::client::{HttpClient, HttpConfig, Metered};
use oktapol::clock::{Clock, ManualClock};
use oktapol::emulator::server::rate_limit::{Bucket, RateLimits};
use oktapol::emulator::server::{Config, serve};
use oktapol::plan::{Options, make_plan};

const TOKEN: &str = "bench-token";
/// Requests a minute per bucket, as Okta's policy API allows for many orgs.
const PER_MINUTE: u32 = 600;

fn manifest(policies: usize, rules: usize) -> String {
    let mut y = String::from("signOnPolicies:\n");
    for p in 0..policies {
        let _ = writeln!(y, "  - name: Sign-on {p}\n    rules:");
        for r in 0..rules {
            let _ = writeln!(
                y,
                "      - name: Rule {r}\n        actions: {{ signon: {{ access: ALLOW, requireFactor: true, factorPromptMode: ALWAYS, session: {{ maxSessionIdleMinutes: 60, maxSessionLifetimeMinutes: 480, usePersistentCookie: false }} }} }}"
            );
        }
    }
    y.push_str("  - name: Default Policy\n    default: true\npasswordPolicies:\n");
    for p in 0..policies {
        let _ = writeln!(y, "  - name: Password {p}\n    rules:");
        for r in 0..rules {
            let _ = writeln!(
                y,
                "      - name: Rule {r}\n        actions: {{ passwordChange: {{ access: ALLOW }} }}"
            );
        }
    }
    y.push_str("  - name: Default Policy\n    default: true\n");
    y
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (policies, rules) = if quick { (3, 2) } else { (60, 8) };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("org.yaml");
    std::fs::write(&path, manifest(policies, rules)).expect("write manifest");
    let validation = oktapol::validate::validate_path(&path);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let clock = Arc::new(ManualClock::fixed());
        let mut config = Config::new(TOKEN);
        config.clock = clock.clone();
        let bucket = |name, prefix| Bucket {
            name,
            prefix,
            per_minute: Some(PER_MINUTE),
        };
        config.rate_limits = RateLimits {
            buckets: vec![
                bucket("policies", "/api/v1/policies"),
                bucket("default", ""),
            ],
            concurrency: None,
        };
        let server = serve(config).await.expect("serve");
        let mut http = HttpConfig::parse(server.url(), TOKEN, clock.clone()).expect("config");
        http.parallelism = 4;
        let api = Metered::new(HttpClient::new(http).expect("client"), 200);
        let plan = make_plan(&api, &validation.set, Options::default(), &|_| None)
            .await
            .expect("plan");
        let planned = plan.changes.len() as u64;
        api.reset();
        let admin = reqwest::Client::new();
        let stats_url = format!("{}/__emulator/stats", server.url());
        let auth = format!("SSWS {TOKEN}");
        admin
            .delete(&stats_url)
            .header("Authorization", &auth)
            .send()
            .await
            .expect("clear stats");
        let simulated_start = clock.now();
        let started = Instant::now();
        let report = apply_with(&api, &plan, &ApplyOptions::default(), &Silent)
            .await
            .expect("no cycles");
        let wall = started.elapsed();
        let simulated = clock
            .now()
            .duration_since(simulated_start)
            .unwrap_or(Duration::ZERO);
        assert!(report.complete(), "apply did not complete: {report:?}");
        let stats: serde_json::Value = admin
            .get(&stats_url)
            .header("Authorization", &auth)
            .send()
            .await
            .expect("stats")
            .json()
            .await
            .expect("stats JSON");
        let requests = stats["total"].as_u64().unwrap_or(0);
        let throttled = stats["byStatus"]["429"].as_u64().unwrap_or(0);
        let writes = api.writes();
        let budget = Duration::from_secs_f64(requests as f64 * 60.0 / f64::from(PER_MINUTE));
        // The first window's budget is available at once: a perfectly paced
        // run takes (calls ÷ rate) minus one window.
        let ideal = budget
            .saturating_sub(Duration::from_secs(60))
            .max(Duration::from_secs(1));
        println!(
            "apply bench ({} mode)",
            if quick { "quick" } else { "full" }
        );
        println!("| measure | value |");
        println!("|---|---|");
        println!(
            "| plan | {planned} changes ({} policies × {rules} rules, 2 kinds) |",
            2 * policies
        );
        println!(
            "| API writes | {writes} ({:.2} per change) |",
            writes as f64 / planned as f64
        );
        println!("| HTTP requests during apply | {requests} (429s: {throttled}) |");
        println!("| rate budget | {PER_MINUTE}/min per bucket |");
        println!(
            "| simulated apply time | {:.1} s |",
            simulated.as_secs_f64()
        );
        println!(
            "| calls ÷ rate budget | {:.1} s (ideal, first window free: {:.1} s) |",
            budget.as_secs_f64(),
            ideal.as_secs_f64()
        );
        println!(
            "| simulated time ÷ (calls ÷ rate budget) | {:.2} |",
            simulated.as_secs_f64() / budget.as_secs_f64()
        );
        println!("| real wall time | {:.0} ms |", wall.as_secs_f64() * 1000.0);
        println!("| peak memory | {:.0} MB |", support::peak_mb());
        server.shutdown().await;
    });
}
