//! `POST /api/v1/policies/simulate` over HTTP: `expand=EVALUATED` and
//! `expand=RULE` (repeatable, or comma-separated) and the JSON body in,
//! the [`Org`](crate::emulator::org::Org)'s simulation out.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::post;

use super::AppState;
use super::body::OktaJson;
use super::errors::ApiError;
use super::routes::ok;
use crate::client::wire::{SimulateExpand, SimulateRequest};

/// The simulation route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/policies/simulate", post(simulate))
}

async fn simulate(
    State(app): State<AppState>,
    RawQuery(raw): RawQuery,
    OktaJson(body): OktaJson<SimulateRequest>,
) -> Result<Response, ApiError> {
    let expand = expand(&app, raw.as_deref())?;
    let answer = app.read(|org| org.simulate(&body, expand))?;
    Ok(ok(&answer))
}

/// Every `expand` value; anything but EVALUATED or RULE is refused.
fn expand(app: &AppState, raw: Option<&str>) -> Result<SimulateExpand, ApiError> {
    let mut expand = SimulateExpand::default();
    let values = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .filter(|(name, _)| name == "expand")
        .map(|(_, value)| value.into_owned())
        .collect::<Vec<_>>();
    for value in values.iter().flat_map(|v| v.split(',')) {
        match value.trim().to_ascii_uppercase().as_str() {
            "EVALUATED" => expand.evaluated = true,
            "RULE" => expand.rule = true,
            "" => {}
            _ => {
                return Err(ApiError::invalid_parameter(
                    app,
                    "expand",
                    &format!("{value} is not EVALUATED or RULE"),
                ));
            }
        }
    }
    Ok(expand)
}
