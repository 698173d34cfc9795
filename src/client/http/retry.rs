//! When a failed request is sent again, and after how long. A request that
//! is idempotent (GET, PUT, DELETE, the lifecycle POSTs) is retried on a
//! server error (500, 502, 503, 504), a failed connection or a timeout, with
//! capped exponential backoff and jitter (`backon`'s builder computes the
//! delays; the client sleeps them on its clock). A create is retried only
//! when it certainly did not happen — no connection was made — because a
//! second POST after a lost answer could create the object twice; the error
//! goes back to the caller, whose `outcome_unknown()` says to look the
//! object up by name first. A 429 was not executed either, so every request
//! waits for the rate limit's reset and goes again (see
//! [`rate_limit`](super::rate_limit)); these waits have their own cap.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

use crate::client::{ApiError, TransportKind};

/// Whether a request may be sent twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Sending it twice does what sending it once does.
    Idempotent,
    /// A create: sent again only if it was certainly not executed.
    OnlyIfNotExecuted,
}

/// How persistent the client is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after server errors and transport failures (not 429s).
    pub max_retries: u32,
    /// The first backoff delay; each next one doubles, plus jitter.
    pub min_delay: Duration,
    /// No backoff delay is longer.
    pub max_delay: Duration,
    /// How many 429s in a row one request waits out before giving up.
    pub max_rate_limit_waits: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            // Okta's windows are a minute long: a bulk apply may well meet
            // several resets, and waiting beats failing half-way.
            max_rate_limit_waits: 10,
        }
    }
}

impl RetryPolicy {
    /// The delays before each retry of one request, at most `max_retries`.
    pub fn backoff(&self) -> impl Iterator<Item = Duration> + Send + use<> {
        ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .with_max_times(usize::try_from(self.max_retries).unwrap_or(usize::MAX))
            .with_jitter()
            .build()
    }

    /// How long to wait after the `waits`-th 429 (from 0) that named no
    /// reset: one second, doubling, up to Okta's one-minute window.
    pub fn rate_limit_fallback(&self, waits: u32) -> Duration {
        Duration::from_secs(1u64 << waits.min(6)).min(Duration::from_secs(60))
    }
}

/// Whether a request of kind `replay` that failed with `error` may be sent
/// again (429s aside, which are always waited out).
pub fn may_retry(replay: Replay, error: &ApiError) -> bool {
    match error {
        ApiError::Okta { status, .. } => {
            replay == Replay::Idempotent && matches!(status, 500 | 502 | 503 | 504)
        }
        // Nothing was sent: any request may go again.
        ApiError::Transport {
            kind: TransportKind::Connect,
            ..
        } => true,
        ApiError::Transport { .. } => replay == Replay::Idempotent,
        ApiError::Decode { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::wire::OktaError;

    fn okta(status: u16) -> ApiError {
        ApiError::okta("GET /x", status, OktaError::new("E0000009", "x", "oae"))
    }

    fn transport(kind: TransportKind) -> ApiError {
        ApiError::Transport {
            request: "GET /x".into(),
            kind,
            reason: "x".into(),
        }
    }

    #[test]
    fn only_what_is_safe_is_sent_again() {
        use Replay::{Idempotent, OnlyIfNotExecuted};
        let decode = ApiError::Decode {
            request: "GET /x".into(),
            reason: "x".into(),
        };
        let cases = [
            (okta(500), true, false),
            (okta(502), true, false),
            (okta(503), true, false),
            (okta(504), true, false),
            (okta(501), false, false),
            (okta(400), false, false),
            (okta(401), false, false),
            (okta(404), false, false),
            (transport(TransportKind::Connect), true, true),
            (transport(TransportKind::Timeout), true, false),
            (transport(TransportKind::Interrupted), true, false),
            (decode, false, false),
        ];
        for (error, idempotent, create) in cases {
            assert_eq!(may_retry(Idempotent, &error), idempotent, "{error}");
            assert_eq!(may_retry(OnlyIfNotExecuted, &error), create, "{error}");
        }
    }

    #[test]
    fn backoff_is_capped_and_grows() {
        let policy = RetryPolicy::default();
        let delays: Vec<Duration> = policy.backoff().collect();
        assert_eq!(delays.len(), 4);
        for (delay, base) in delays.iter().zip([500u64, 1000, 2000, 4000]) {
            // Jitter adds up to one more base delay.
            let base = Duration::from_millis(base);
            assert!(
                *delay >= base && *delay <= base * 2,
                "{delay:?} vs {base:?}"
            );
        }
        let capped = RetryPolicy {
            max_retries: 8,
            max_delay: Duration::from_secs(2),
            ..RetryPolicy::default()
        };
        assert!(capped.backoff().all(|d| d <= Duration::from_secs(4)));
        let none = RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        };
        assert_eq!(none.backoff().count(), 0);
    }

    #[test]
    fn a_429_without_reset_waits_longer_each_time() {
        let policy = RetryPolicy::default();
        let waits: Vec<u64> = (0..9)
            .map(|n| policy.rate_limit_fallback(n).as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }
}
