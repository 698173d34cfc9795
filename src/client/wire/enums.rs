//! Okta's string enums on the read side. Each has an `Unknown(String)` arm
//! that keeps a value this version of oktapol does not know, because Okta adds
//! values without notice and a value read from the org must be written back
//! unchanged. They serialise as their wire strings.
//!
//! Build them from strings with `From<&str>` / `From<String>`, which map known
//! strings to their named arm; `Unknown` then only ever holds unknown strings.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a tolerant string enum: named arms with their wire spelling, an
/// `Unknown(String)` arm, `KNOWN`, `as_str`, `is_known`, the `From`
/// conversions, `Display` and serde as a string.
macro_rules! tolerant_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this version of oktapol does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every named value, in the spec's order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as Okta spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Whether the value is one of the named arms.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match $name::from(value.as_str()) {
                    $name::Unknown(_) => $name::Unknown(value),
                    known => known,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map($name::from)
            }
        }
    };
}

tolerant_enum! {
    /// A policy's `type`: the spec's twelve `PolicyType` values plus
    /// `OAUTH_AUTHORIZATION_POLICY`, which the spec declares only on
    /// `AuthorizationServerPolicy` (policies under `/authorizationServers/{id}`).
    pub enum PolicyType {
        AccessPolicy => "ACCESS_POLICY",
        EntityRisk => "ENTITY_RISK",
        IdpDiscovery => "IDP_DISCOVERY",
        MfaEnroll => "MFA_ENROLL",
        OktaSignOn => "OKTA_SIGN_ON",
        Password => "PASSWORD",
        PostAuthSession => "POST_AUTH_SESSION",
        ProfileEnrollment => "PROFILE_ENROLLMENT",
        DeviceSignalCollection => "DEVICE_SIGNAL_COLLECTION",
        SessionViolationDetection => "SESSION_VIOLATION_DETECTION",
        ClientUpdate => "CLIENT_UPDATE",
        IdentityClaimSourcing => "IDENTITY_CLAIM_SOURCING",
        OauthAuthorizationPolicy => "OAUTH_AUTHORIZATION_POLICY",
    }
}

tolerant_enum! {
    /// A rule's `type`: the spec's twelve `PolicyRuleType` values plus
    /// `RESOURCE_ACCESS` (authorization-server policy rules). It equals the
    /// policy's type except `SIGN_ON` (under `OKTA_SIGN_ON`) and
    /// `RESOURCE_ACCESS` (under `OAUTH_AUTHORIZATION_POLICY`).
    pub enum PolicyRuleType {
        AccessPolicy => "ACCESS_POLICY",
        DeviceSignalCollection => "DEVICE_SIGNAL_COLLECTION",
        EntityRisk => "ENTITY_RISK",
        IdpDiscovery => "IDP_DISCOVERY",
        MfaEnroll => "MFA_ENROLL",
        Password => "PASSWORD",
        PostAuthSession => "POST_AUTH_SESSION",
        ProfileEnrollment => "PROFILE_ENROLLMENT",
        SignOn => "SIGN_ON",
        SessionViolationDetection => "SESSION_VIOLATION_DETECTION",
        ClientUpdate => "CLIENT_UPDATE",
        IdentityClaimSourcing => "IDENTITY_CLAIM_SOURCING",
        ResourceAccess => "RESOURCE_ACCESS",
    }
}

tolerant_enum! {
    /// The result of evaluating a policy, a rule or one condition in a
    /// policy simulation (`SimulateResultStatus`).
    pub enum SimulateStatus {
        Match => "MATCH",
        NotMatch => "NOT_MATCH",
        Undefined => "UNDEFINED",
    }
}

tolerant_enum! {
    /// `status` of policies, rules and most directory objects.
    pub enum LifecycleStatus {
        Active => "ACTIVE",
        Inactive => "INACTIVE",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn known_values_parse_to_named_arms() {
        let parsed: PolicyType = serde_json::from_value(json!("OAUTH_AUTHORIZATION_POLICY"))
            .expect("a string is a PolicyType");
        assert_eq!(parsed, PolicyType::OauthAuthorizationPolicy);
        assert_eq!(PolicyRuleType::from("SIGN_ON"), PolicyRuleType::SignOn);
        assert_eq!(
            PolicyRuleType::from("RESOURCE_ACCESS".to_owned()),
            PolicyRuleType::ResourceAccess
        );
        assert_eq!(LifecycleStatus::from("INACTIVE"), LifecycleStatus::Inactive);
    }

    #[test]
    fn unknown_values_round_trip() {
        let parsed: PolicyType =
            serde_json::from_value(json!("FUTURE_POLICY")).expect("any string is a PolicyType");
        assert_eq!(parsed, PolicyType::Unknown("FUTURE_POLICY".to_owned()));
        assert!(!parsed.is_known());
        assert_eq!(
            serde_json::to_value(&parsed).expect("serialise"),
            json!("FUTURE_POLICY")
        );

        let status: LifecycleStatus =
            serde_json::from_value(json!("DELETED")).expect("any string is a status");
        assert_eq!(status.to_string(), "DELETED");
        assert_eq!(
            serde_json::to_value(&status).expect("serialise"),
            json!("DELETED")
        );

        // Casing is not normalised: Okta's values are case-sensitive.
        assert_eq!(
            PolicyRuleType::from("sign_on"),
            PolicyRuleType::Unknown("sign_on".to_owned())
        );
    }

    #[test]
    fn every_known_value_round_trips_through_its_wire_string() {
        assert_eq!(PolicyType::KNOWN.len(), 13);
        assert_eq!(PolicyRuleType::KNOWN.len(), 13);
        for value in PolicyType::KNOWN {
            assert!(value.is_known());
            assert_eq!(&PolicyType::from(value.as_str()), value);
            let json = serde_json::to_value(value).expect("serialise");
            assert_eq!(json, json!(value.to_string()));
        }
        for value in PolicyRuleType::KNOWN {
            assert_eq!(&PolicyRuleType::from(value.as_str()), value);
        }
        for value in LifecycleStatus::KNOWN {
            assert_eq!(&LifecycleStatus::from(value.as_str()), value);
        }
    }

    #[test]
    fn non_strings_are_rejected() {
        assert!(serde_json::from_value::<PolicyType>(json!(1)).is_err());
        assert!(serde_json::from_value::<LifecycleStatus>(json!(null)).is_err());
    }
}
