//! Fault injection, so clients can be tested against a misbehaving org: a
//! fraction of requests answered 500, added latency, dropped connections,
//! "commit then fail" (the write happens and the answer is a 500, or the
//! connection drops), and 429 storms. Set by `--faults SPEC` and at run
//! time through `GET`/`PUT /__emulator/faults`.
//!
//! Deterministic: a splitmix64 stream seeded by `--seed-rng` decides every
//! request, drawing the same number of values per request whatever the
//! configuration, so one seed and one request sequence give one outcome.
//! Latency sleeps on tokio's clock, so tests in paused time do not wait.

use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::errors::ApiError;
use super::rate_limit::{self, epoch_seconds_ceil};
use super::{AppState, is_admin};
use crate::client::wire::OktaError;

/// Which faults to inject, each a fraction of requests in 0…1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct FaultConfig {
    /// Answer 500 `E0000009` without doing anything (`500=`).
    #[serde(rename = "error500")]
    pub error_500: f64,
    /// Added to every request before it is handled (`latency=200ms`).
    pub latency_ms: u64,
    /// Close the connection without an answer, before handling (`drop=`).
    pub drop: f64,
    /// Do a write (POST/PUT/DELETE), then answer 500 (`commit-then-fail=`).
    pub commit_then_fail: f64,
    /// Do a write, then close the connection without an answer
    /// (`commit-then-drop=`): the client sees a timeout-like failure.
    pub commit_then_drop: f64,
    /// Answer 429 `E0000047` with a reset one second ahead (`storm=`).
    pub storm: f64,
}

impl FaultConfig {
    /// Every fraction is a number in 0…1.
    pub fn check(&self) -> Result<(), String> {
        for (name, value) in [
            ("500", self.error_500),
            ("drop", self.drop),
            ("commit-then-fail", self.commit_then_fail),
            ("commit-then-drop", self.commit_then_drop),
            ("storm", self.storm),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(format!(
                    "{name}={value}: a fraction is a number from 0 to 1"
                ));
            }
        }
        Ok(())
    }
}

/// `500=0.1,latency=200ms,drop=0.05,commit-then-fail=0.1,commit-then-drop=0,storm=0.2`;
/// `none` or an empty spec for no faults.
impl FromStr for FaultConfig {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, String> {
        let mut config = FaultConfig::default();
        if matches!(spec.trim(), "" | "none" | "off") {
            return Ok(config);
        }
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let Some((name, value)) = item.split_once('=') else {
                return Err(format!("`{item}`: expected NAME=VALUE"));
            };
            let value = value.trim();
            let fraction = || {
                value
                    .parse::<f64>()
                    .map_err(|_| format!("`{item}`: {value} is not a number"))
            };
            match name.trim() {
                "500" => config.error_500 = fraction()?,
                "drop" => config.drop = fraction()?,
                "commit-then-fail" => config.commit_then_fail = fraction()?,
                "commit-then-drop" => config.commit_then_drop = fraction()?,
                "storm" => config.storm = fraction()?,
                "latency" => {
                    config.latency_ms = parse_millis(value).ok_or_else(|| {
                        format!("`{item}`: a latency is milliseconds, e.g. 200ms or 2s")
                    })?
                }
                other => {
                    return Err(format!(
                        "unknown fault `{other}`; the faults are 500, latency, drop, commit-then-fail, commit-then-drop, storm"
                    ));
                }
            }
        }
        config.check()?;
        Ok(config)
    }
}

impl fmt::Display for FaultConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "500={},latency={}ms,drop={},commit-then-fail={},commit-then-drop={},storm={}",
            self.error_500,
            self.latency_ms,
            self.drop,
            self.commit_then_fail,
            self.commit_then_drop,
            self.storm
        )
    }
}

/// `200ms`, `2s`, or a bare number of milliseconds.
fn parse_millis(value: &str) -> Option<u64> {
    if let Some(ms) = value.strip_suffix("ms") {
        ms.trim().parse().ok()
    } else if let Some(s) = value.strip_suffix('s') {
        s.trim().parse::<u64>().ok()?.checked_mul(1000)
    } else {
        value.parse().ok()
    }
}

/// splitmix64: tiny, fast, and the same stream on every platform.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_fraction(&mut self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Plan {
    pub storm: bool,
    pub drop: bool,
    pub error_500: bool,
    pub latency: Duration,
    pub commit_then_fail: bool,
    pub commit_then_drop: bool,
}

/// The live fault settings and their random stream.
pub struct Faults {
    config: Mutex<FaultConfig>,
    rng: Mutex<SplitMix64>,
    seed: u64,
}

impl Faults {
    /// Faults as configured, drawn from a stream seeded by `seed`.
    pub fn new(config: FaultConfig, seed: u64) -> Self {
        Faults {
            config: Mutex::new(config),
            rng: Mutex::new(SplitMix64(seed)),
            seed,
        }
    }

    /// The current settings.
    pub fn config(&self) -> FaultConfig {
        *self.config.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces the settings (the random stream goes on).
    pub fn set(&self, config: FaultConfig) {
        *self.config.lock().unwrap_or_else(PoisonError::into_inner) = config;
    }

    /// Restarts the random stream from the seed.
    pub fn reseed(&self) {
        *self.rng.lock().unwrap_or_else(PoisonError::into_inner) = SplitMix64(self.seed);
    }

    /// Decides the next request's fate.
    pub fn plan(&self) -> Plan {
        let config = self.config();
        let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
        // Always five draws, so changing one fraction never shifts the others.
        let mut hit = |p: f64| rng.next_fraction() < p;
        Plan {
            storm: hit(config.storm),
            drop: hit(config.drop),
            error_500: hit(config.error_500),
            commit_then_fail: hit(config.commit_then_fail),
            commit_then_drop: hit(config.commit_then_drop),
            latency: Duration::from_millis(config.latency_ms),
        }
    }
}

/// Marks a response whose connection is to be closed without sending it;
/// the connection layer honours it (see `connection.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropConnection;

fn dropped() -> Response {
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(DropConnection);
    response
}

fn storm(state: &AppState) -> Response {
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        OktaError::rate_limited(state.error_id()),
    )
    .into_response();
    let reset = epoch_seconds_ceil(state.clock().now() + Duration::from_secs(1));
    let headers = response.headers_mut();
    headers.insert(rate_limit::REMAINING, HeaderValue::from(0u32));
    headers.insert(rate_limit::RESET, HeaderValue::from(reset));
    response
}

/// Middleware: applies the next [`Plan`] to the request.
pub async fn inject_faults(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if is_admin(request.uri().path()) {
        return next.run(request).await;
    }
    let plan = state.faults().plan();
    if plan.storm {
        return storm(&state);
    }
    if plan.drop {
        return dropped();
    }
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    if plan.error_500 {
        return ApiError::internal(&state).into_response();
    }
    let write = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::DELETE | Method::PATCH
    );
    let response = next.run(request).await;
    if write && response.status().is_success() {
        if plan.commit_then_fail {
            return ApiError::internal(&state).into_response();
        }
        if plan.commit_then_drop {
            return dropped();
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        let config: FaultConfig = "500=0.1, latency=200ms,drop=0.05,commit-then-fail=0.1,storm=0.2"
            .parse()
            .expect("spec");
        assert_eq!(
            config,
            FaultConfig {
                error_500: 0.1,
                latency_ms: 200,
                drop: 0.05,
                commit_then_fail: 0.1,
                commit_then_drop: 0.0,
                storm: 0.2,
            }
        );
        assert_eq!(config.to_string().parse::<FaultConfig>(), Ok(config));
        assert_eq!(
            "latency=2s".parse::<FaultConfig>().map(|c| c.latency_ms),
            Ok(2000)
        );
        assert_eq!(
            "latency=15".parse::<FaultConfig>().map(|c| c.latency_ms),
            Ok(15)
        );
        assert_eq!("none".parse::<FaultConfig>(), Ok(FaultConfig::default()));
        for bad in [
            "500=2",
            "drop=-0.1",
            "storm=x",
            "latency=fast",
            "boom=1",
            "500",
            "500=NaN",
        ] {
            assert!(bad.parse::<FaultConfig>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_stream_repeats_per_seed() {
        let config: FaultConfig = "500=0.5,storm=0.5".parse().expect("spec");
        let run = |seed| {
            let faults = Faults::new(config, seed);
            (0..64).map(|_| faults.plan()).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let plans = run(7);
        let errors = plans.iter().filter(|p| p.error_500).count();
        assert!((16..=48).contains(&errors), "{errors} of 64 at p=0.5");
        assert!(plans.iter().all(|p| !p.drop && !p.commit_then_fail));
        let always = Faults::new("drop=1".parse().expect("spec"), 1);
        assert!((0..16).all(|_| always.plan().drop));
    }

    #[test]
    fn json_uses_camel_case_and_defaults() {
        let config: FaultConfig =
            serde_json::from_str(r#"{"error500": 0.25, "latencyMs": 5}"#).expect("json");
        assert_eq!(
            (config.error_500, config.latency_ms, config.storm),
            (0.25, 5, 0.0)
        );
        assert!(serde_json::from_str::<FaultConfig>(r#"{"typo": 1}"#).is_err());
    }
}
