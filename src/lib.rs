//! oktapol: a declarative policy-as-code reconciler for Okta. Policies,
//! rules and priorities live as YAML in git; `validate` checks them offline
//! against a JSON Schema generated from these types plus Okta's semantic
//! rules. Data flows one way: load → validate → (resolve → diff → plan → apply).

pub mod apply;
pub mod cases;
pub mod cli;
pub mod client;
pub mod clock;
pub mod commands;
pub mod config;
pub mod connect;
pub mod desired;
pub mod diff;
pub mod emulator;
pub mod error;
pub mod evaluate;
pub mod export;
pub mod finding;
pub mod impact;
pub mod live;
pub mod logging;
pub mod manifest;
pub mod mfa;
pub mod migrate;
pub mod plan;
pub mod report;
pub mod resolve;
pub mod schema;
pub mod scopes;
pub mod simulate;
pub mod spelling;
pub mod validate;
