//! The Okta API client side: how oktapol talks to a live org (or to the
//! emulator, which serves the same API). For now this is only the wire types,
//! the tolerant Rust mirror of Okta's JSON that the client reads and writes.

pub mod wire;
