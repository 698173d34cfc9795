//! Planning: the desired state against the live org, as data ([`Plan`]).
//! Priority moves are computed in [`priority`]; renderers live in
//! [`render`] and only read a plan.

pub mod fingerprint;
pub mod make;
pub mod model;
pub mod priority;
pub mod render;

pub use make::{Options, PlanError, make_plan, make_plan_and_live};
pub use model::{
    Action, Change, FieldChange, Fingerprint, PLAN_FORMAT, Plan, PriorityChange, Renumbered,
    Summary, Target, Unmanaged,
};
