//! Diff: desired against live, in one canonical form ([`normalize`]).

pub mod normalize;
