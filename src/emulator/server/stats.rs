//! Request counting, so benchmarks and tests can count API calls exactly:
//! per `METHOD /route/{template}` (the route as declared, with Okta's
//! parameter names), per status, and per route and status. A connection
//! dropped by fault injection counts under `dropped`; a path no route
//! matches under `METHOD (unmatched)`. The `/__emulator` admin endpoints
//! are not counted.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

use super::faults::DropConnection;
use super::{AppState, is_admin};

/// The counts, as `/__emulator/stats` returns them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsSnapshot {
    pub total: u64,
    pub by_route: BTreeMap<String, u64>,
    pub by_status: BTreeMap<String, u64>,
    pub by_route_and_status: BTreeMap<String, BTreeMap<String, u64>>,
}

/// Thread-safe counters.
#[derive(Debug, Default)]
pub struct Stats {
    counts: Mutex<StatsSnapshot>,
}

impl Stats {
    /// Counts one answered (or dropped) request.
    pub fn record(&self, route: String, status: String) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.total += 1;
        *counts.by_status.entry(status.clone()).or_default() += 1;
        *counts.by_route.entry(route.clone()).or_default() += 1;
        *counts
            .by_route_and_status
            .entry(route)
            .or_default()
            .entry(status)
            .or_default() += 1;
    }

    /// The counts so far.
    pub fn snapshot(&self) -> StatsSnapshot {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Back to zero.
    pub fn clear(&self) {
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner) = StatsSnapshot::default();
    }
}

/// Middleware: counts every request but the admin endpoints'.
pub async fn count_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if is_admin(request.uri().path()) {
        return next.run(request).await;
    }
    let route = match request.extensions().get::<MatchedPath>() {
        Some(path) => format!("{} {}", request.method(), path.as_str()),
        None => format!("{} (unmatched)", request.method()),
    };
    let response = next.run(request).await;
    let status = if response.extensions().get::<DropConnection>().is_some() {
        "dropped".to_owned()
    } else {
        response.status().as_u16().to_string()
    };
    state.stats().record(route, status);
    response
}
