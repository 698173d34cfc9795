//! Okta-like rate limits: per-endpoint buckets, each allowing so many
//! requests per one-minute window, plus a limit on requests in flight at
//! once. Every response of a limited bucket carries `X-Rate-Limit-Limit`,
//! `X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset` (epoch seconds when
//! the window ends); a request over either limit gets 429 `E0000047`.
//! Windows read the injected [`Clock`], so tests exhaust a bucket and move
//! past its reset without sleeping.
//!
//! The default bucket sizes are close to a Workforce org's defaults
//! (`/api/v1/policies` 100 a minute), not a promise about any real org.
//! The `/__emulator` admin endpoints are never limited.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::errors::ApiError;
use super::{AppState, is_admin};
use crate::client::wire::OktaError;
use crate::clock::Clock;

/// How long a bucket's window lasts.
pub const WINDOW: Duration = Duration::from_secs(60);

/// `X-Rate-Limit-Limit`.
pub const LIMIT: HeaderName = HeaderName::from_static("x-rate-limit-limit");
/// `X-Rate-Limit-Remaining`.
pub const REMAINING: HeaderName = HeaderName::from_static("x-rate-limit-remaining");
/// `X-Rate-Limit-Reset`.
pub const RESET: HeaderName = HeaderName::from_static("x-rate-limit-reset");

/// One bucket: the requests whose path starts with `prefix` (the longest
/// matching prefix wins; `""` catches the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub name: &'static str,
    pub prefix: &'static str,
    /// Requests per window; `None`: unlimited, and no headers.
    pub per_minute: Option<u32>,
}

/// The rate-limit settings of an emulated org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    pub buckets: Vec<Bucket>,
    /// Requests in flight at once; `None`: unlimited.
    pub concurrency: Option<usize>,
}

impl Default for RateLimits {
    fn default() -> Self {
        let bucket = |name, prefix, per_minute| Bucket {
            name,
            prefix,
            per_minute: Some(per_minute),
        };
        RateLimits {
            buckets: vec![
                bucket("policies", "/api/v1/policies", 100),
                bucket("apps", "/api/v1/apps", 100),
                bucket("groups", "/api/v1/groups", 500),
                bucket("users", "/api/v1/users", 600),
                bucket("authorizationServers", "/api/v1/authorizationServers", 100),
                bucket("default", "", 600),
            ],
            concurrency: Some(75),
        }
    }
}

impl RateLimits {
    /// No limits at all.
    pub fn off() -> Self {
        let mut limits = Self::default();
        limits.buckets.iter_mut().for_each(|b| b.per_minute = None);
        limits.concurrency = None;
        limits
    }

    /// Applies a `--rate-limit` spec: `off` (no bucket limits), `N` (the
    /// policies bucket allows N a minute), or comma-separated `BUCKET=N`
    /// / `BUCKET=off` items, mixed freely (`200,users=50`).
    pub fn apply(&mut self, spec: &str) -> Result<(), String> {
        for item in spec.split(',').map(str::trim) {
            let (name, value) = item.split_once('=').unwrap_or(("", item));
            let limit = match value.trim() {
                "off" => None,
                n => match n.parse::<u32>() {
                    Ok(n) if n > 0 => Some(n),
                    _ => {
                        return Err(format!(
                            "`{item}`: a limit is a positive number of requests a minute, or `off`"
                        ));
                    }
                },
            };
            match name.trim() {
                "" if value.trim() == "off" => {
                    self.buckets.iter_mut().for_each(|b| b.per_minute = None);
                }
                "" => self.set("policies", limit)?,
                name => self.set(name, limit)?,
            }
        }
        Ok(())
    }

    fn set(&mut self, name: &str, limit: Option<u32>) -> Result<(), String> {
        match self.buckets.iter_mut().find(|b| b.name == name) {
            Some(bucket) => {
                bucket.per_minute = limit;
                Ok(())
            }
            None => Err(format!(
                "unknown bucket `{name}`; the buckets are {}",
                self.buckets
                    .iter()
                    .map(|b| b.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// Parses `--concurrency`: a positive number, or `off`.
    pub fn parse_concurrency(spec: &str) -> Result<Option<usize>, String> {
        match spec.trim() {
            "off" => Ok(None),
            n => match n.parse::<usize>() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => Err(format!(
                    "`{spec}`: the concurrency limit is a positive number, or `off`"
                )),
            },
        }
    }

    fn bucket_for(&self, path: &str) -> Option<&Bucket> {
        self.buckets
            .iter()
            .filter(|b| path.starts_with(b.prefix))
            .max_by_key(|b| b.prefix.len())
    }
}

/// The window of one bucket.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: SystemTime,
    used: u32,
}

/// What a bucket says about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub limit: u32,
    pub remaining: u32,
    /// Epoch seconds at which the window ends.
    pub reset: u64,
    pub allowed: bool,
}

impl Ticket {
    fn headers(&self) -> [(HeaderName, HeaderValue); 3] {
        [
            (LIMIT, HeaderValue::from(self.limit)),
            (REMAINING, HeaderValue::from(self.remaining)),
            (RESET, HeaderValue::from(self.reset)),
        ]
    }
}

/// The requests in flight are at the concurrency limit.
#[derive(Debug)]
pub struct Busy;

/// Counts requests against the buckets and the concurrency limit.
pub struct RateLimiter {
    limits: RateLimits,
    windows: Mutex<HashMap<&'static str, Window>>,
    in_flight: Option<Arc<Semaphore>>,
    clock: Arc<dyn Clock>,
}

impl RateLimiter {
    /// A limiter with fresh windows.
    pub fn new(limits: RateLimits, clock: Arc<dyn Clock>) -> Self {
        let in_flight = limits.concurrency.map(|n| Arc::new(Semaphore::new(n)));
        RateLimiter {
            limits,
            windows: Mutex::new(HashMap::new()),
            in_flight,
            clock,
        }
    }

    /// Counts a request to `path`; `None` when its bucket is unlimited.
    pub fn take(&self, path: &str) -> Option<Ticket> {
        let bucket = self.limits.bucket_for(path)?;
        let limit = bucket.per_minute?;
        let now = self.clock.now();
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let window = windows.entry(bucket.name).or_insert(Window {
            start: now,
            used: 0,
        });
        if now >= window.start + WINDOW {
            *window = Window {
                start: now,
                used: 0,
            };
        }
        let allowed = window.used < limit;
        if allowed {
            window.used += 1;
        }
        Some(Ticket {
            limit,
            remaining: limit - window.used,
            reset: epoch_seconds_ceil(window.start + WINDOW),
            allowed,
        })
    }

    /// A place among the requests in flight, held until the response is
    /// ready; `Err(Busy)` at the concurrency limit.
    pub fn enter(&self) -> Result<Option<OwnedSemaphorePermit>, Busy> {
        match &self.in_flight {
            None => Ok(None),
            Some(semaphore) => Arc::clone(semaphore)
                .try_acquire_owned()
                .map(Some)
                .map_err(|_| Busy),
        }
    }

    /// Starts every window afresh.
    pub fn reset(&self) {
        self.windows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Seconds since the epoch, rounded up: a client that waits until then is
/// past the reset.
pub fn epoch_seconds_ceil(time: SystemTime) -> u64 {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    since.as_secs() + u64::from(since.subsec_nanos() > 0)
}

/// The 429 Okta sends at a limit.
fn too_many_requests(state: &AppState) -> Response {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        OktaError::rate_limited(state.error_id()),
    )
    .into_response()
}

/// Middleware: counts the request, answers 429 over a limit, and adds the
/// bucket's headers to whatever response goes out (keeping any a fault
/// already set).
pub async fn rate_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if is_admin(&path) {
        return next.run(request).await;
    }
    let limiter = state.rate_limiter();
    let ticket = limiter.take(&path);
    let mut response = if ticket.is_some_and(|t| !t.allowed) {
        too_many_requests(&state)
    } else {
        match limiter.enter() {
            Ok(permit) => {
                let response = next.run(request).await;
                drop(permit);
                response
            }
            Err(Busy) => too_many_requests(&state),
        }
    };
    if let Some(ticket) = ticket {
        for (name, value) in ticket.headers() {
            response.headers_mut().entry(name).or_insert(value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use crate::clock::ManualClock;

    use super::*;

    fn limiter(spec: &str) -> (Arc<ManualClock>, RateLimiter) {
        let clock = Arc::new(ManualClock::fixed());
        let mut limits = RateLimits::default();
        limits.apply(spec).expect("spec");
        (clock.clone(), RateLimiter::new(limits, clock))
    }

    #[test]
    fn a_bucket_empties_and_refills_with_the_window() {
        let (clock, limiter) = limiter("2");
        let start = epoch_seconds_ceil(clock.now());
        let first = limiter.take("/api/v1/policies").expect("limited");
        assert_eq!(
            first,
            Ticket {
                limit: 2,
                remaining: 1,
                reset: start + 60,
                allowed: true
            }
        );
        clock.advance(Duration::from_secs(30));
        assert_eq!(
            limiter
                .take("/api/v1/policies/x/rules")
                .map(|t| t.remaining),
            Some(0)
        );
        let refused = limiter.take("/api/v1/policies").expect("limited");
        assert!(!refused.allowed);
        assert_eq!((refused.remaining, refused.reset), (0, start + 60));
        // Other buckets are counted apart.
        assert!(limiter.take("/api/v1/groups").is_some_and(|t| t.allowed));
        clock.advance(Duration::from_secs(30));
        let fresh = limiter.take("/api/v1/policies").expect("limited");
        assert_eq!(
            (fresh.allowed, fresh.remaining, fresh.reset),
            (true, 1, start + 120)
        );
    }

    #[test]
    fn specs_set_buckets() {
        let mut limits = RateLimits::default();
        limits.apply("50,users=7,default=off").expect("spec");
        let of = |l: &RateLimits, n: &str| {
            l.buckets
                .iter()
                .find(|b| b.name == n)
                .and_then(|b| b.per_minute)
        };
        assert_eq!(of(&limits, "policies"), Some(50));
        assert_eq!(of(&limits, "users"), Some(7));
        assert_eq!(of(&limits, "default"), None);
        assert_eq!(
            limits.bucket_for("/api/v1/users/me").map(|b| b.name),
            Some("users")
        );
        assert_eq!(
            limits.bucket_for("/api/v1/zones").map(|b| b.name),
            Some("default")
        );
        limits.apply("off").expect("spec");
        assert!(limits.buckets.iter().all(|b| b.per_minute.is_none()));
        for bad in ["0", "-3", "x", "nope=3", "policies=1.5"] {
            assert!(RateLimits::default().apply(bad).is_err(), "{bad}");
        }
        assert_eq!(RateLimits::parse_concurrency("off"), Ok(None));
        assert_eq!(RateLimits::parse_concurrency("8"), Ok(Some(8)));
        assert!(RateLimits::parse_concurrency("0").is_err());
    }

    #[test]
    fn concurrency_is_bounded() {
        let mut limits = RateLimits::off();
        limits.concurrency = Some(1);
        let limiter = RateLimiter::new(limits, Arc::new(ManualClock::fixed()));
        let held = limiter.enter().expect("first");
        assert!(limiter.enter().is_err());
        drop(held);
        assert!(limiter.enter().is_ok());
    }
}
