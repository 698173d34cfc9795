//! Okta's JSON as Rust types, kept apart from the manifest types: tolerant
//! where the manifest is strict. Unknown members are kept, unknown enum values
//! are kept (`Unknown(String)`), and `null` is told apart from absent
//! ([`Field`]), so an object read from the org and written back is unchanged
//! except for what oktapol means to change. Manifest types never go on the
//! wire, and these never come from a manifest.

mod directory;
mod enums;
mod error;
mod field;
mod policy;
mod rule;
mod simulate;

pub use directory::{
    Application, Authenticator, AuthorizationServer, Group, GroupProfile, IdentityProvider,
    InlineHook, NetworkZone, User, UserProfile, UserType,
};
pub use enums::{LifecycleStatus, PolicyRuleType, PolicyType, SimulateStatus};
pub use error::{ErrorCause, OktaError};
pub use field::Field;
pub use policy::Policy;
pub use rule::PolicyRule;
pub use simulate::{
    PolicyContext, SIMULATED_TYPES, SimulateCondition, SimulateDevice, SimulateEvaluation,
    SimulateExpand, SimulateIds, SimulatePolicies, SimulatePolicy, SimulateRequest,
    SimulateResponse, SimulateRisk, SimulateRule, SimulateUser,
};
