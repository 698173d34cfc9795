//! Placeholder: filled in by the priority planner.
