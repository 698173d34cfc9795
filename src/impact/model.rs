//! The impact section of a plan as data: which sign-in contexts get a
//! different outcome once the plan is applied, grouped into lines a
//! reviewer reads ("Contractors, off-network: MFA required → not
//! required"), each with the facets that change and whether that loosens
//! security. Serialized into `plan.json` and the JSON output; the text
//! renderers word it with [`Line::changes_text`] and [`Line::matched_text`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::evaluate::Facet;
use crate::manifest::kind::PolicyKind;

/// Who is affected by a plan, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Impact {
    /// Sign-in contexts in the matrix.
    pub contexts: usize,
    /// Contexts evaluated: all of them, unless there are more than `limit`.
    pub evaluated: usize,
    /// `--impact-limit`.
    pub limit: usize,
    /// What the matrix varies, each with its values in words.
    pub dimensions: Vec<Dimension>,
    /// One section per policy list whose policies change.
    pub sections: Vec<Section>,
}

impl Impact {
    /// Whether the matrix was cut at the limit.
    pub fn capped(&self) -> bool {
        self.evaluated < self.contexts
    }

    /// Every line, in section order.
    pub fn lines(&self) -> impl Iterator<Item = (&Section, &Line)> {
        self.sections
            .iter()
            .flat_map(|section| section.lines.iter().map(move |line| (section, line)))
    }

    /// "12 sign-in contexts evaluated", or, when capped, "showing the first
    /// 10000 of 23040 sign-in contexts; raise --impact-limit to see all".
    pub fn coverage_text(&self) -> String {
        if self.capped() {
            format!(
                "showing the first {} of {} sign-in contexts; raise --impact-limit to see all",
                self.evaluated, self.contexts
            )
        } else if self.evaluated == 1 {
            "1 sign-in context evaluated".to_owned()
        } else {
            format!("{} sign-in contexts evaluated", self.evaluated)
        }
    }
}

/// One thing the matrix varies (groups, network zone, app, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dimension {
    pub name: String,
    pub values: Vec<String>,
}

/// The lines of one policy list: a kind, or one authorization server's
/// policies; access policies are shown as app sign-ins (with the global
/// session policy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    pub kind: PolicyKind,
    /// The authorization server's name (or ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    pub title: String,
    /// Loosening lines first.
    pub lines: Vec<Line>,
}

/// Whether a line loosens or tightens security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Some facet loosens (fewer factors, DENY → ALLOW, longer sessions…).
    Loosens,
    /// Some facets loosen, others tighten.
    Mixed,
    Tightens,
    /// Neither is clear (or only the matching policy or rule changes).
    Neutral,
}

impl Direction {
    /// Of a set of facet changes.
    pub fn of(changes: &[FacetChange]) -> Direction {
        let loosens = changes.iter().any(|c| c.loosens == Some(true));
        let tightens = changes.iter().any(|c| c.loosens == Some(false));
        match (loosens, tightens) {
            (true, true) => Direction::Mixed,
            (true, false) => Direction::Loosens,
            (false, true) => Direction::Tightens,
            (false, false) => Direction::Neutral,
        }
    }

    /// Whether the line is flagged.
    pub fn flagged(self) -> bool {
        matches!(self, Direction::Loosens | Direction::Mixed)
    }

    /// "loosens", "loosens and tightens", "tightens", or nothing.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Direction::Loosens => Some("loosens"),
            Direction::Mixed => Some("loosens and tightens"),
            Direction::Tightens => Some("tightens"),
            Direction::Neutral => None,
        }
    }
}

/// Sign-in contexts whose outcome changes the same way, described by the
/// smallest description that covers them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// Who, in words: "Contractors, off-network, Workday", "Everyone".
    pub who: String,
    /// How many of the evaluated contexts it covers.
    pub contexts: usize,
    pub direction: Direction,
    /// The facets that change, in display order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FacetChange>,
    /// Which policy and rule apply, when that changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<MatchChange>,
}

impl Line {
    /// "MFA required → not required; session lifetime 12 h → 8 h", or
    /// "same outcome" when only the matching rule changes.
    pub fn changes_text(&self) -> String {
        if self.changes.is_empty() {
            return "same outcome".to_owned();
        }
        self.changes
            .iter()
            .map(FacetChange::text)
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// "now matched by Finance apps / Managed devices instead of Default
    /// Policy / Catch-all Rule", when the matching rule changes.
    pub fn matched_text(&self) -> Option<String> {
        let matched = self.matched.as_ref()?;
        Some(match (&matched.before, &matched.after) {
            (Some(before), Some(after)) => {
                format!(
                    "now matched by {} instead of {}",
                    after.text(),
                    before.text()
                )
            }
            (None, Some(after)) => {
                format!("now matched by {} (no rule applied before)", after.text())
            }
            (Some(before), None) => format!("no rule applies any more (was {})", before.text()),
            (None, None) => return None,
        })
    }

    /// The whole line: "Contractors, off-network: MFA required → not
    /// required".
    pub fn text(&self) -> String {
        format!("{}: {}", self.who, self.changes_text())
    }
}

/// One facet's value before and after (`None`: not part of the outcome).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FacetChange {
    pub facet: Facet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// `true`: loosens security; `false`: tightens it; absent: unclear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loosens: Option<bool>,
}

impl FacetChange {
    /// "MFA required → not required", "session lifetime 12 h → 8 h".
    pub fn text(&self) -> String {
        let describe = |value: &Option<Value>| match value {
            Some(value) => shortened(self.facet.describe(value)),
            None => "not set".to_owned(),
        };
        format!(
            "{} {} → {}",
            self.facet.label(),
            describe(&self.before),
            describe(&self.after)
        )
    }
}

/// Values longer than this many characters (authenticator constraints)
/// are cut in the line; JSON keeps them whole.
const MAX_VALUE_CHARS: usize = 80;

fn shortened(text: String) -> String {
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let kept: String = text.chars().take(MAX_VALUE_CHARS).collect();
    format!("{kept}…")
}

/// The policy and rule that apply before and after (`None`: none applies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<MatchedRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<MatchedRule>,
}

/// A policy and its rule, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchedRule {
    pub policy: String,
    pub rule: String,
}

impl MatchedRule {
    /// "Finance apps / Managed devices".
    pub fn text(&self) -> String {
        format!("{} / {}", self.policy, self.rule)
    }
}
