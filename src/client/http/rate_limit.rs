//! Staying inside Okta's rate limits instead of running into them. Every
//! response carries `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and
//! `X-Rate-Limit-Reset` (epoch seconds) for the endpoint's bucket; the
//! [`RateLimiter`] keeps the latest view per [`Bucket`] (grouped by path
//! prefix, as the emulator groups them) and counts the requests in flight to
//! each. A request may go when the remaining budget exceeds the requests
//! already in flight (whose cost the last answer may not show yet);
//! otherwise it waits for the window to reset. A 429 — another client
//! spending the same budget, or a concurrency limit — pauses the bucket
//! until the reset it names.
//!
//! The reset is converted to local time through the response's `Date`
//! (`now + reset − Date`), as Okta's SDKs do, so a skewed local clock
//! neither waits too long nor retries too early. All times come from the
//! injected clock; this module never sleeps itself.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{DATE, HeaderMap, HeaderName, RETRY_AFTER};

/// `X-Rate-Limit-Limit`.
pub const LIMIT: HeaderName = HeaderName::from_static("x-rate-limit-limit");
/// `X-Rate-Limit-Remaining`.
pub const REMAINING: HeaderName = HeaderName::from_static("x-rate-limit-remaining");
/// `X-Rate-Limit-Reset`.
pub const RESET: HeaderName = HeaderName::from_static("x-rate-limit-reset");

/// A group of endpoints sharing one budget, by path prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// `/api/v1/policies…` (policies, rules, lifecycle, mappings).
    Policies,
    /// `/api/v1/apps…`.
    Apps,
    /// `/api/v1/groups…`.
    Groups,
    /// `/api/v1/users…`.
    Users,
    /// `/api/v1/authorizationServers…`.
    AuthorizationServers,
    /// Everything else.
    Default,
}

impl Bucket {
    /// The bucket of a request path.
    pub fn for_path(path: &str) -> Bucket {
        const PREFIXES: [(&str, Bucket); 5] = [
            ("/api/v1/policies", Bucket::Policies),
            ("/api/v1/apps", Bucket::Apps),
            ("/api/v1/groups", Bucket::Groups),
            ("/api/v1/users", Bucket::Users),
            ("/api/v1/authorizationServers", Bucket::AuthorizationServers),
        ];
        PREFIXES
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix))
            .map_or(Bucket::Default, |(_, bucket)| *bucket)
    }
}

/// The rate-limit headers of one response; each is `None` when absent or
/// not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimitHeaders {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    /// Epoch seconds at which the window resets, by the server's clock.
    pub reset: Option<u64>,
    /// The server's clock when it answered.
    pub date: Option<SystemTime>,
    /// `Retry-After` in seconds, which Okta does not send but proxies may.
    pub retry_after: Option<Duration>,
}

impl RateLimitHeaders {
    /// Reads the headers.
    pub fn parse(headers: &HeaderMap) -> Self {
        let text = |name: &HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        RateLimitHeaders {
            limit: text(&LIMIT).and_then(|v| v.parse().ok()),
            remaining: text(&REMAINING).and_then(|v| v.parse().ok()),
            reset: text(&RESET).and_then(|v| v.parse().ok()),
            date: text(&DATE).and_then(|v| httpdate::parse_http_date(v).ok()),
            retry_after: text(&RETRY_AFTER)
                .and_then(|v| v.parse().ok())
                .map(Duration::from_secs),
        }
    }

    /// When the window resets, on the local clock that reads `now` (the
    /// moment the response arrived).
    pub fn reset_at(&self, now: SystemTime) -> Option<SystemTime> {
        let reset = UNIX_EPOCH + Duration::from_secs(self.reset?);
        Some(match self.date {
            Some(date) => now + reset.duration_since(date).unwrap_or_default(),
            None => reset,
        })
    }
}

/// What the last answers said about one bucket's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    /// The server's reset (epoch seconds), which tells windows apart;
    /// `None` for a pause after a 429 that named no reset.
    reset_epoch: Option<u64>,
    remaining: u32,
    /// The reset on the local clock.
    reset_at: SystemTime,
}

#[derive(Debug, Default)]
struct BucketState {
    window: Option<Window>,
    in_flight: u32,
}

/// The client's view of the org's rate limits.
#[derive(Debug)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<Bucket, BucketState>>,
    jitter: Jitter,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter {
            buckets: Mutex::new(HashMap::new()),
            jitter: Jitter::new(),
        }
    }
}

/// A request counted as in flight to its bucket until dropped.
#[derive(Debug)]
pub struct Reservation<'a> {
    limiter: &'a RateLimiter,
    bucket: Bucket,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut buckets = self.limiter.lock();
        if let Some(state) = buckets.get_mut(&self.bucket) {
            state.in_flight = state.in_flight.saturating_sub(1);
        }
    }
}

impl RateLimiter {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Bucket, BucketState>> {
        self.buckets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a request to `bucket` as in flight, or says until when the
    /// bucket has no budget left for it.
    pub fn try_reserve(
        &self,
        bucket: Bucket,
        now: SystemTime,
    ) -> Result<Reservation<'_>, SystemTime> {
        let mut buckets = self.lock();
        let state = buckets.entry(bucket).or_default();
        if let Some(window) = state.window {
            if window.reset_at <= now {
                state.window = None;
            } else if window.remaining <= state.in_flight {
                return Err(window.reset_at);
            }
        }
        state.in_flight += 1;
        Ok(Reservation {
            limiter: self,
            bucket,
        })
    }

    /// Takes in what a response to `bucket`, received at `now`, says.
    pub fn observe(&self, bucket: Bucket, headers: &RateLimitHeaders, now: SystemTime) {
        let (Some(remaining), Some(reset), Some(reset_at)) =
            (headers.remaining, headers.reset, headers.reset_at(now))
        else {
            return;
        };
        let fresh = Window {
            reset_epoch: Some(reset),
            remaining,
            reset_at,
        };
        let mut buckets = self.lock();
        let state = buckets.entry(bucket).or_default();
        match &mut state.window {
            Some(window) if window.reset_at > now => match window.reset_epoch {
                // Answers arrive out of order; within a window the budget
                // only shrinks, so the smallest figure is the truest.
                Some(known) if known == reset => window.remaining = window.remaining.min(remaining),
                Some(known) if known < reset => *window = fresh,
                // A late answer from the previous window, or a pause after
                // a 429 without headers: keep what we have.
                _ => {}
            },
            _ => state.window = Some(fresh),
        }
    }

    /// After a 429: no request goes to `bucket` before `until`.
    pub fn pause(&self, bucket: Bucket, headers: &RateLimitHeaders, until: SystemTime) {
        let mut buckets = self.lock();
        let state = buckets.entry(bucket).or_default();
        state.window = Some(Window {
            reset_epoch: headers.reset,
            remaining: 0,
            reset_at: until,
        });
    }

    /// A little extra wait after a reset (100 ms to 1 s), so clients paused
    /// on the same reset do not all return in the same instant.
    pub fn jitter(&self) -> Duration {
        Duration::from_millis(100) + self.jitter.below(Duration::from_millis(900))
    }
}

/// A small random stream for jitter; seeded by the standard library's
/// per-process random hash keys, so no extra dependency is needed.
#[derive(Debug)]
struct Jitter {
    state: Mutex<u64>,
}

impl Jitter {
    fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(0x6f6b_7461);
        Jitter {
            state: Mutex::new(hasher.finish()),
        }
    }

    /// Uniform in `[0, max)`.
    fn below(&self, max: Duration) -> Duration {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        // splitmix64.
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let max_nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX).max(1);
        Duration::from_nanos(z % max_nanos)
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    const T0: u64 = 1_767_225_600;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        headers
    }

    #[test]
    fn buckets_group_paths_like_the_emulator() {
        for (path, bucket) in [
            ("/api/v1/policies", Bucket::Policies),
            (
                "/api/v1/policies/00p1/rules/0pr1/lifecycle/activate",
                Bucket::Policies,
            ),
            ("/api/v1/apps/0oa1/policies/00p1", Bucket::Apps),
            ("/api/v1/groups", Bucket::Groups),
            ("/api/v1/users/ada@acme.com", Bucket::Users),
            (
                "/api/v1/authorizationServers/aus1/policies",
                Bucket::AuthorizationServers,
            ),
            ("/api/v1/zones", Bucket::Default),
            ("/.well-known/okta-organization", Bucket::Default),
        ] {
            assert_eq!(Bucket::for_path(path), bucket, "{path}");
        }
    }

    #[test]
    fn headers_parse_and_reset_follows_the_servers_date() {
        let date = httpdate::fmt_http_date(at(T0));
        let parsed = RateLimitHeaders::parse(&headers(&[
            ("x-rate-limit-limit", "100"),
            ("x-rate-limit-remaining", " 7 "),
            ("x-rate-limit-reset", &(T0 + 42).to_string()),
            ("date", &date),
            ("retry-after", "3"),
        ]));
        assert_eq!(
            parsed,
            RateLimitHeaders {
                limit: Some(100),
                remaining: Some(7),
                reset: Some(T0 + 42),
                date: Some(at(T0)),
                retry_after: Some(Duration::from_secs(3)),
            }
        );
        // The local clock is 10 minutes behind the server: still 42 s to wait.
        assert_eq!(parsed.reset_at(at(T0 - 600)), Some(at(T0 - 600 + 42)));
        // Without a Date, the reset is taken as an absolute time.
        let no_date = RateLimitHeaders {
            date: None,
            ..parsed
        };
        assert_eq!(no_date.reset_at(at(T0 - 600)), Some(at(T0 + 42)));
        // A reset already past by the server's clock: no wait.
        let past = RateLimitHeaders {
            reset: Some(T0 - 5),
            ..parsed
        };
        assert_eq!(past.reset_at(at(T0)), Some(at(T0)));

        let junk = RateLimitHeaders::parse(&headers(&[
            ("x-rate-limit-limit", "lots"),
            ("x-rate-limit-remaining", "-1"),
            ("x-rate-limit-reset", "1.5"),
            ("date", "yesterday"),
        ]));
        assert_eq!(junk, RateLimitHeaders::default());
        assert_eq!(junk.reset_at(at(T0)), None);
    }

    fn seen(remaining: u32, reset: u64) -> RateLimitHeaders {
        RateLimitHeaders {
            limit: Some(10),
            remaining: Some(remaining),
            reset: Some(reset),
            date: None,
            retry_after: None,
        }
    }

    #[test]
    fn requests_wait_when_the_budget_is_spoken_for() {
        let limiter = RateLimiter::default();
        let now = at(T0);
        // Nothing known yet: go.
        let first = limiter
            .try_reserve(Bucket::Policies, now)
            .expect("unknown budget");
        limiter.observe(Bucket::Policies, &seen(2, T0 + 60), now);
        // Two left, one in flight: one more may go, then the bucket is full.
        let second = limiter
            .try_reserve(Bucket::Policies, now)
            .expect("budget left");
        assert_eq!(
            limiter.try_reserve(Bucket::Policies, now).map(|_| ()),
            Err(at(T0 + 60))
        );
        // Other buckets are apart.
        assert!(limiter.try_reserve(Bucket::Groups, now).is_ok());
        drop((first, second));
        // Out-of-order answers: the smallest remaining of a window wins.
        limiter.observe(Bucket::Policies, &seen(0, T0 + 60), now);
        limiter.observe(Bucket::Policies, &seen(1, T0 + 60), now);
        assert_eq!(
            limiter.try_reserve(Bucket::Policies, now).map(|_| ()),
            Err(at(T0 + 60))
        );
        // A late answer from an older window changes nothing.
        limiter.observe(Bucket::Policies, &seen(9, T0), now);
        assert!(limiter.try_reserve(Bucket::Policies, now).is_err());
        // The reset passes: go again; a newer window replaces the old.
        let later = at(T0 + 60);
        let third = limiter.try_reserve(Bucket::Policies, later).expect("reset");
        limiter.observe(Bucket::Policies, &seen(1, T0 + 120), later);
        assert!(limiter.try_reserve(Bucket::Policies, later).is_err());
        drop(third);
        assert!(limiter.try_reserve(Bucket::Policies, later).is_ok());
    }

    #[test]
    fn a_pause_holds_until_its_end() {
        let limiter = RateLimiter::default();
        let now = at(T0);
        limiter.pause(Bucket::Apps, &RateLimitHeaders::default(), at(T0 + 5));
        // Answers with other resets do not lift a pause without one.
        limiter.observe(Bucket::Apps, &seen(50, T0 + 60), now);
        assert_eq!(
            limiter.try_reserve(Bucket::Apps, now).map(|_| ()),
            Err(at(T0 + 5))
        );
        assert!(limiter.try_reserve(Bucket::Apps, at(T0 + 5)).is_ok());
    }

    #[test]
    fn jitter_is_small_and_varies() {
        let limiter = RateLimiter::default();
        let draws: Vec<Duration> = (0..32).map(|_| limiter.jitter()).collect();
        assert!(
            draws
                .iter()
                .all(|d| (Duration::from_millis(100)..Duration::from_secs(1)).contains(d))
        );
        assert!(draws.windows(2).any(|w| w[0] != w[1]));
    }
}
