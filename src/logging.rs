//! `-v` / `-vv`: what oktapol does, traced to standard error so standard
//! output keeps only the command's result. `-v` shows the steps (the config
//! file and environment, the org, what was read and planned); `-vv` adds
//! every API request with its status and duration. Only oktapol's own
//! events are shown, and none of them carries a secret: requests are
//! logged by method and path, never with headers, bodies or query strings.

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The level of a `-v` count: warnings only without it.
pub fn level(verbose: u8) -> LevelFilter {
    match verbose {
        0 => LevelFilter::WARN,
        1 => LevelFilter::INFO,
        2 => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

/// Sends oktapol's events at the level of `verbose` to standard error.
/// Calling it twice keeps the first set-up.
pub fn init(verbose: u8, color: bool) {
    let format = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(verbose >= 2)
        .without_time();
    let filter = Targets::new().with_target("oktapol", level(verbose));
    // Already set (a second call in one process): the first one stays.
    let _ = tracing_subscriber::registry()
        .with(format)
        .with(filter)
        .try_init();
}
