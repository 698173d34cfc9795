//! Case files: sign-in scenarios with the outcome each policy kind should
//! produce, for proving a policy change offline before it is merged
//! (`oktapol test`) and for comparing with Okta's own answer (`oktapol
//! simulate`).
//!
//! ```yaml
//! cases:
//!   - name: Contractors off-network need MFA
//!     context:                      # the sign-in; every key optional
//!       user: ann@example.com
//!       groups: [Contractors]       # Everyone is implied
//!       zones: []                   # zones the IP is in; none: off-network
//!       app: Workday
//!       platform: { type: DESKTOP, os: WINDOWS }
//!       device: { registered: true, managed: false }
//!     expect:                       # per policy kind; every key optional
//!       signOn: { policy: Contractors, rule: Anywhere else, mfaRequired: true }
//!       access: { policy: Finance apps, access: DENY }
//!       appSignIn: { access: DENY }
//!       password: { applies: false }
//! ```
//!
//! - [`load`] reads and checks a file, reporting every problem at its
//!   `file:line:col` ([`CaseFileError`]); a loaded [`CaseFile`] is valid.
//! - Context keys: `user`, `groups`, `userType`, `zones`, `app`,
//!   `platform` (`type`, `os`), `device` (`registered`, `managed`,
//!   `assurances`), `risk`, `entityRisk`, `authType`, `idp`,
//!   `authProvider`, `client`, `grantType`, `scopes`. Names are written as
//!   in the manifests.
//! - Expectation keys ([`Target`]): `signOn`, `password`, `mfaEnroll`,
//!   `idpDiscovery`, `access`, `profileEnrollment`, `entityRisk`,
//!   `postAuthSession`, `authorizationServer` (with `server:` when the
//!   manifests have several), and `appSignIn` (the union of the global
//!   session policy and the app's access policy). Each takes `policy`,
//!   `rule`, `applies` and the outcome facets of its kind
//!   ([`Facet`](crate::evaluate::Facet) keys; how values compare is in
//!   [`expected`]).
//! - [`run`] / [`run_case`] evaluate cases against a
//!   [`PolicySet`](crate::evaluate::PolicySet); [`check_evaluation`]
//!   compares one expectation with any [`Evaluation`](crate::evaluate::Evaluation).
//! - [`render`](mod@render) writes a run as text, JSON, JUnit XML, Markdown
//!   or GitHub annotations.

pub mod check;
pub mod error;
pub mod expected;
pub mod load;
pub mod model;
pub mod render;

pub use check::{
    CaseResult, ExpectationResult, ValueCheck, check_evaluation, check_outcome, run, run_case,
};
pub use error::{CaseError, CaseFileError, SourceLocation};
pub use expected::Expected;
pub use load::{load, parse};
pub use model::{Case, CaseFile, EVERYONE_GROUP, Expectation, Target};
