//! `oktapol mfa-report`: per group, which enrollment policy and rule
//! apply, what each factor or authenticator must be, when enrollment is
//! prompted (seed 000), and which sign-on and access rules actually ask
//! for a second factor. The report is data; the renderers only read it.

use serde::Serialize;

use super::{EVERYONE_GROUP, Enrollment, MfaView, RuleView};
use crate::manifest::kind::PolicyKind;
use crate::manifest::set::ManifestSet;

/// Output format of `mfa-report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Human,
    /// For a pull-request comment or a wiki page.
    Markdown,
    Json,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaReport {
    /// The manifest path, as given.
    pub manifests: String,
    /// Kinds the report needs that the manifests do not manage.
    pub unmanaged: Vec<String>,
    pub groups: Vec<GroupReport>,
}

/// One group's row.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupReport {
    pub group: String,
    pub enrollment: Vec<EnrollmentReport>,
    /// Rules that ask these users for a second factor.
    pub challenged_by: Vec<String>,
    /// Rules that let these users in with one factor.
    pub not_challenged_by: Vec<String>,
}

/// The enrollment policy that applies (from one network location).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentReport {
    pub policy: String,
    pub rule: String,
    /// The zone the answer holds for; `None`: from anywhere else.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// CHALLENGE (first MFA challenge), LOGIN (first sign-in) or NEVER.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// The settings are Okta's defaults, not written in the manifests.
    pub assumed_settings: bool,
    pub required: Vec<String>,
    pub optional: Vec<String>,
    pub not_allowed: Vec<String>,
}

impl EnrollmentReport {
    fn of(enrollment: &Enrollment) -> Self {
        let keys = |status: super::EnrollStatus| -> Vec<String> {
            enrollment
                .statuses
                .iter()
                .filter(|(_, s)| **s == status)
                .map(|(k, _)| k.clone())
                .collect()
        };
        EnrollmentReport {
            policy: enrollment.policy.clone(),
            rule: enrollment.rule.clone(),
            zone: enrollment.zone.clone(),
            prompt: enrollment.prompt.clone(),
            assumed_settings: !enrollment.settings_written,
            required: keys(super::EnrollStatus::Required),
            optional: keys(super::EnrollStatus::Optional),
            not_allowed: keys(super::EnrollStatus::NotAllowed),
        }
    }

    /// When enrollment is prompted, in words (seed 000).
    pub fn prompt_words(&self) -> &'static str {
        match self.prompt.as_deref() {
            Some("CHALLENGE") => "the first time the user is challenged for MFA",
            Some("LOGIN") => "the first time the user signs in",
            Some("NEVER") | Some("NEVER_INCLUDING_RECOVERY") => "never",
            _ => "not set",
        }
    }
}

/// Builds the report from validated manifests.
pub fn build(set: &ManifestSet, manifests: &str) -> MfaReport {
    let view = MfaView::new(set);
    let unmanaged = [
        PolicyKind::MfaEnroll,
        PolicyKind::SignOn,
        PolicyKind::Access,
    ]
    .into_iter()
    .filter(|kind| !view.manages(*kind))
    .map(|kind| kind.manifest_key().to_owned())
    .collect();
    let groups = view
        .groups()
        .into_iter()
        .map(|group| {
            let covering: Vec<RuleView<'_>> = view.rules_for(&group);
            GroupReport {
                enrollment: view
                    .enrollments(&group)
                    .iter()
                    .map(EnrollmentReport::of)
                    .collect(),
                challenged_by: covering
                    .iter()
                    .filter(|r| r.challenges())
                    .map(|r| r.address())
                    .collect(),
                not_challenged_by: covering
                    .iter()
                    .filter(|r| r.allows_without_mfa())
                    .map(|r| r.address())
                    .collect(),
                group,
            }
        })
        .collect();
    MfaReport {
        manifests: manifests.to_owned(),
        unmanaged,
        groups,
    }
}

/// Renders the report.
pub fn render(report: &MfaReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::Human => human(report),
        ReportFormat::Markdown => markdown(report),
        ReportFormat::Json => {
            let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
            text.push('\n');
            text
        }
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

fn zone_words(zone: Option<&str>) -> String {
    match zone {
        Some(zone) => format!("from zone {zone}"),
        None => "from anywhere".to_owned(),
    }
}

fn group_title(group: &str) -> String {
    if group == EVERYONE_GROUP {
        "Everyone (users in none of the groups above)".to_owned()
    } else {
        format!("Group {group}")
    }
}

fn unmanaged_note(report: &MfaReport) -> Option<String> {
    (!report.unmanaged.is_empty()).then(|| {
        format!(
            "The manifests do not manage {}; the report shows only what they say.",
            report.unmanaged.join(", ")
        )
    })
}

fn human(report: &MfaReport) -> String {
    let mut out = format!("MFA report for {}\n", report.manifests);
    if let Some(note) = unmanaged_note(report) {
        out.push_str(&format!("{note}\n"));
    }
    for group in &report.groups {
        out.push_str(&format!("\n{}\n", group_title(&group.group)));
        if group.enrollment.is_empty() {
            out.push_str("  enrollment:      no managed enrollment policy applies\n");
        }
        for e in &group.enrollment {
            out.push_str(&format!(
                "  enrollment:      policy {:?}, rule {:?} ({})\n",
                e.policy,
                e.rule,
                zone_words(e.zone.as_deref())
            ));
            if e.assumed_settings {
                out.push_str("    settings:      Okta's defaults (not written in the manifests)\n");
            }
            out.push_str(&format!("    required:      {}\n", list(&e.required)));
            out.push_str(&format!("    optional:      {}\n", list(&e.optional)));
            out.push_str(&format!("    not allowed:   {}\n", list(&e.not_allowed)));
            out.push_str(&format!("    prompted:      {}\n", e.prompt_words()));
        }
        out.push_str(&format!(
            "  MFA asked by:    {}\n",
            list(&group.challenged_by)
        ));
        out.push_str(&format!(
            "  one factor by:   {}\n",
            list(&group.not_challenged_by)
        ));
    }
    out
}

fn markdown(report: &MfaReport) -> String {
    let mut out = format!("## MFA report for `{}`\n", report.manifests);
    if let Some(note) = unmanaged_note(report) {
        out.push_str(&format!("\n> {note}\n"));
    }
    let code = |items: &[String]| -> String {
        if items.is_empty() {
            "none".to_owned()
        } else {
            items
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    for group in &report.groups {
        out.push_str(&format!("\n### {}\n\n", group_title(&group.group)));
        if group.enrollment.is_empty() {
            out.push_str("No managed enrollment policy applies.\n\n");
        } else {
            out.push_str(
                "| Enrollment policy | Rule | Where | Required | Optional | Not allowed | Prompted |\n|---|---|---|---|---|---|---|\n",
            );
            for e in &group.enrollment {
                let policy = if e.assumed_settings {
                    format!("{} (Okta's default settings)", e.policy)
                } else {
                    e.policy.clone()
                };
                out.push_str(&format!(
                    "| {policy} | {} | {} | {} | {} | {} | {} |\n",
                    e.rule,
                    zone_words(e.zone.as_deref()),
                    code(&e.required),
                    code(&e.optional),
                    code(&e.not_allowed),
                    e.prompt_words()
                ));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "- **MFA asked by:** {}\n- **One factor by:** {}\n",
            code(&group.challenged_by),
            code(&group.not_challenged_by)
        ));
    }
    out
}
