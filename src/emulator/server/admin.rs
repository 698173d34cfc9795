//! The emulator's own endpoints under `/__emulator` (not Okta's): request
//! counts (`GET /stats`, `DELETE /stats` to zero them), the org state as
//! JSON (`GET /state`), a fresh org (`POST /reset`: defaults again, counts
//! and rate-limit windows cleared, the fault stream restarted; the fault
//! settings stay), and fault settings (`GET`/`PUT /faults`). They need the
//! API token like every other path, and are never rate limited, faulted or
//! counted, so a test can always turn a storm off.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::AppState;
use super::body::OktaJson;
use super::errors::{ApiError, json_response};
use super::faults::FaultConfig;

/// The admin routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/__emulator/stats", get(stats).delete(clear_stats))
        .route("/__emulator/state", get(state))
        .route("/__emulator/reset", post(reset))
        .route("/__emulator/faults", get(faults).put(set_faults))
}

async fn stats(State(app): State<AppState>) -> Response {
    json_response(StatusCode::OK, &app.stats().snapshot())
}

async fn clear_stats(State(app): State<AppState>) -> Response {
    app.stats().clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn state(State(app): State<AppState>) -> Response {
    app.read(|org| json_response(StatusCode::OK, org.state()))
}

async fn reset(State(app): State<AppState>) -> Result<Response, ApiError> {
    app.reset().await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn faults(State(app): State<AppState>) -> Response {
    json_response(StatusCode::OK, &app.faults().config())
}

async fn set_faults(
    State(app): State<AppState>,
    OktaJson(config): OktaJson<FaultConfig>,
) -> Result<Response, ApiError> {
    if let Err(why) = config.check() {
        return Err(ApiError::invalid_parameter(&app, "faults", &why));
    }
    app.faults().set(config);
    Ok(json_response(StatusCode::OK, &config))
}
