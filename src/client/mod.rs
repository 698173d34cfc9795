//! The Okta API client side: the [`Api`] trait every stage above takes, its
//! implementations (the HTTP client for a live org, the in-process local
//! org, the call-counting [`Metered`] wrapper), typed API errors, the
//! wire types — the tolerant Rust mirror of Okta's JSON — and OAuth 2.0
//! service-app credentials with the scopes they carry.

mod api;
mod error;
pub mod faulty;
pub mod http;
pub mod local;
mod metered;
pub mod oauth;
pub mod scopes;
pub mod wire;

pub use api::{Api, Lookup, Organization, Scope};
pub use error::{ApiError, ApiResult, TransportKind};
pub use faulty::{FaultCounts, FaultPlan, Faulty};
pub use http::{
    ApiToken, Credentials, HttpClient, HttpClientError, HttpConfig, OrgUrl, OrgUrlError,
    RetryPolicy, TokenScopes,
};
pub use local::LocalOrg;
pub use metered::{Metered, is_write};
