//! The commands that work on an org (`plan`, …), one file each. Each takes
//! its parsed arguments and the resolved [`Config`](crate::cli::Config) and
//! returns the exit code; `cli` only dispatches.

pub mod apply;
pub mod export;
pub mod mfa_report;
pub mod migrate;
pub mod plan;
pub mod simulate;
pub mod test;
