//! The single integration-test binary (ripgrep's layout): one module per
//! area, shared helpers in `util`.

mod util;

mod apply_cli;
mod apply_engine;
mod bad_input;
mod commands;
mod emulator_conformance;
mod emulator_http;
mod emulator_org;
mod examples;
mod http_client;
mod loader_props;
mod plan_behaviour;
mod plan_cli;
mod plan_examples;
mod plan_render;
mod priority_plan;
mod reference_drift;
mod render;
mod rules;
mod schema_drift;
mod wire_roundtrip;
