//! The single integration-test binary (ripgrep's layout): one module per
//! area, shared helpers in `util`.

mod util;

mod apply_cli;
mod apply_engine;
mod bad_input;
mod ci_examples;
mod code_examples;
mod commands;
mod config;
mod emulator_conformance;
mod emulator_http;
mod emulator_org;
mod evaluate;
mod examples;
mod export;
mod http_client;
mod loader_props;
mod mfa_checks;
mod mfa_report;
mod migrate;
mod oauth;
mod plan_behaviour;
mod plan_cli;
mod plan_examples;
mod plan_impact;
mod plan_render;
mod priority_plan;
mod reference_drift;
mod render;
mod rules;
mod schema_drift;
mod simulate;
mod test_cmd;
mod usage;
mod wire_roundtrip;
