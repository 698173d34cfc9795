//! References from a manifest to objects oktapol does not manage: groups,
//! users, zones, apps, identity providers, user types, hooks, workflows,
//! authorization servers. A reference is written by name (or login, label,
//! key) and resolved against the live org later; `id:<okta id>` bypasses
//! resolution for objects without a usable name.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// Prefix that marks a reference as a raw Okta ID rather than a name.
pub const ID_PREFIX: &str = "id:";

/// A reference to an Okta object: its name, or `id:<okta id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ref(String);

/// How a [`Ref`] identifies its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefTarget<'a> {
    /// A raw Okta ID, written `id:00g…`.
    Id(&'a str),
    /// A name (group name, user login, app label, …) resolved against the org.
    Name(&'a str),
}

impl Ref {
    /// Wraps a raw reference string as written in a manifest.
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// The reference exactly as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this reference names an object or carries its raw ID.
    pub fn target(&self) -> RefTarget<'_> {
        match self.0.strip_prefix(ID_PREFIX) {
            Some(id) => RefTarget::Id(id.trim()),
            None => RefTarget::Name(&self.0),
        }
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl JsonSchema for Ref {
    fn schema_name() -> Cow<'static, str> {
        "Ref".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "minLength": 1,
            "pattern": "^(id:[A-Za-z0-9_-]+|(?!id:).+)$",
            "description": "A reference to an Okta object by name (group name, user login, app label, zone name, …) or by raw ID written `id:<okta id>`. Names are resolved against the live org by `plan`."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_prefix_selects_raw_id() {
        assert_eq!(Ref::new("id:00g1abc").target(), RefTarget::Id("00g1abc"));
        assert_eq!(
            Ref::new("Contractors").target(),
            RefTarget::Name("Contractors")
        );
        assert_eq!(
            Ref::new("identity team").target(),
            RefTarget::Name("identity team")
        );
    }
}
