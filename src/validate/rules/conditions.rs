//! Checks of condition objects that several kinds share: network zones,
//! devices, platforms, identity providers.

use serde::Serialize;

use super::At;
use crate::finding::{Code, Finding};
use crate::manifest::common::{
    DeviceCondition, IdentityProviderChoice, IdentityProviderCondition, NetworkCondition,
    NetworkConnection, PlatformCondition,
};

/// Okta's literal for "every network zone".
const ALL_ZONES: &str = "ALL_ZONES";

pub fn network(at: &At, network: &NetworkCondition, out: &mut Vec<Finding>) {
    let include = network.include.as_deref().unwrap_or_default();
    let exclude = network.exclude.as_deref().unwrap_or_default();
    match network.connection {
        Some(NetworkConnection::Zone) if include.is_empty() && exclude.is_empty() => out.push(
            Finding::new(
                Code::NetworkZoneMissing,
                at.join("connection").node(),
                format!("{} has `connection: ZONE` but lists no zones", at.address),
            )
            .hint("add zones under `include` or `exclude`, or use `connection: ANYWHERE`"),
        ),
        Some(NetworkConnection::Anywhere) if !include.is_empty() || !exclude.is_empty() => out
            .push(
                Finding::new(
                    Code::NetworkZoneMissing,
                    at.join("connection").node(),
                    format!(
                        "{} has `connection: ANYWHERE` but also lists zones",
                        at.address
                    ),
                )
                .hint("use `connection: ZONE` to restrict by zone, or remove `include`/`exclude`"),
            ),
        None if !include.is_empty() || !exclude.is_empty() => out.push(
            Finding::new(
                Code::NetworkZoneMissing,
                at.node(),
                format!("{} lists zones but has no `connection`", at.address),
            )
            .hint("add `connection: ZONE`"),
        ),
        _ => {}
    }
    for (list, name) in [(include, "include"), (exclude, "exclude")] {
        if list.len() > 1 && list.iter().any(|zone| zone.as_str() == ALL_ZONES) {
            out.push(
                Finding::new(
                    Code::NetworkZoneMissing,
                    at.join(name).node(),
                    format!(
                        "{}.{name} combines `ALL_ZONES` with other zones",
                        at.address
                    ),
                )
                .hint("`ALL_ZONES` must be the only entry of its list"),
            );
        }
    }
}

pub fn device(at: &At, device: &DeviceCondition, out: &mut Vec<Finding>) {
    if device.managed.is_some() && device.registered != Some(true) {
        out.push(
            Finding::new(
                Code::ManagedDeviceNotRegistered,
                at.join("managed").key(),
                format!(
                    "{} tests `managed`, which Okta only accepts with `registered: true`",
                    at.address
                ),
            )
            .hint("add `registered: true` to the device condition"),
        );
    }
}

pub fn platform<O: Serialize>(at: &At, platform: &PlatformCondition<O>, out: &mut Vec<Finding>) {
    for (list, name) in [
        (&platform.include, "include"),
        (&platform.exclude, "exclude"),
    ] {
        for (index, entry) in list.iter().flatten().enumerate() {
            let Some(os) = &entry.os else { continue };
            let is_other = serde_json::to_value(&os.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                == Some("OTHER".to_owned());
            let os_at = at.join(name).item(index).join("os");
            if is_other && os.expression.is_none() {
                out.push(
                    Finding::new(
                        Code::OsExpressionMissing,
                        os_at.node(),
                        format!("{} is `type: OTHER` without an `expression`", os_at.address),
                    )
                    .hint("add `expression:` describing the operating system, or pick a named one"),
                );
            }
            if !is_other && os.expression.is_some() {
                out.push(
                    Finding::new(
                        Code::OsExpressionMissing,
                        os_at.join("expression").key(),
                        format!(
                            "{} has an `expression`, which only `type: OTHER` takes",
                            os_at.address
                        ),
                    )
                    .hint("remove `expression`, or use `version` to constrain a named system"),
                );
            }
        }
    }
}

pub fn identity_provider(at: &At, condition: &IdentityProviderCondition, out: &mut Vec<Finding>) {
    let ids = condition.idp_ids.as_deref().unwrap_or_default();
    match condition.provider {
        IdentityProviderChoice::SpecificIdp if ids.is_empty() => out.push(
            Finding::new(
                Code::IdpConditionIds,
                at.join("provider").node(),
                format!("{} is `SPECIFIC_IDP` but lists no `idpIds`", at.address),
            )
            .hint("list the identity providers under `idpIds`, or use `provider: ANY`"),
        ),
        IdentityProviderChoice::Any | IdentityProviderChoice::Okta if !ids.is_empty() => out.push(
            Finding::new(
                Code::IdpConditionIds,
                at.join("idpIds").key(),
                format!(
                    "{} lists `idpIds`, which only `provider: SPECIFIC_IDP` takes",
                    at.address
                ),
            )
            .hint("use `provider: SPECIFIC_IDP`, or remove `idpIds`"),
        ),
        _ => {}
    }
}
