//! Planning: the desired state against the live org, as data. Priority
//! moves are computed in [`priority`].

pub mod priority;
