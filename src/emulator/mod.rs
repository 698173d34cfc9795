//! The Okta-compatible emulator: Okta's policy API with Okta's semantics
//! (default and system policies, v1/v2 priorities, lifecycle, read-only
//! objects, Okta's error format). The state machine in [`org`] is pure —
//! every operation is a method returning the Okta response or an Okta
//! error — so the planner and the apply engine can use it in-process, and
//! an HTTP layer can serve it.

pub mod apps;
pub mod defaults;
pub mod directory;
pub mod ids;
pub mod kinds;
pub mod org;
pub mod priority;
pub mod references;
pub mod seed;
pub mod server;
pub mod simulate;

use serde::{Deserialize, Serialize};

/// Which Okta engine the org runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Okta Identity Engine: every policy kind; default rules mostly editable.
    #[default]
    Oie,
    /// Classic Engine: no access, profile enrollment, entity risk or
    /// post-auth session policies; every default rule is read-only.
    Classic,
}
