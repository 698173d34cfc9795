//! Rewriting a manifest's text in place: each converted policy's `settings`
//! block is found by the position of its key (the loader's spans) and that
//! text range alone is replaced by freshly emitted YAML at the same
//! indentation. Everything outside the block (comments, key order, other
//! policies) stays byte for byte; comments inside the block are lost.

use std::collections::BTreeMap;

use crate::finding::Anchor;
use crate::manifest::mfa_enroll::MfaEnrollSettings;
use crate::manifest::source::SourceFile;

/// New settings for the policy at `index` of `mfaEnrollPolicies`.
#[derive(Debug, Clone)]
pub struct Replacement {
    pub index: usize,
    pub settings: MfaEnrollSettings,
}

/// The file's text with every replacement applied, or why not.
pub fn apply(file: &SourceFile, replacements: &[Replacement]) -> Result<String, String> {
    let mut ranges = Vec::new();
    for replacement in replacements {
        let pointer = format!("/mfaEnrollPolicies/{}/settings", replacement.index);
        let (start, end, indent) = settings_range(file, &pointer)?;
        let mut text = emit(&replacement.settings, indent)?;
        // Keep Windows line endings where the file has them.
        if file.text.contains("\r\n") {
            text = text.replace('\n', "\r\n");
        }
        ranges.push((start, end, text));
    }
    // From the end of the file backwards, so earlier offsets stay valid.
    ranges.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut text = file.text.clone();
    for (start, end, replacement) in ranges {
        text.replace_range(start..end, &replacement);
    }
    Ok(text)
}

/// The byte range of `settings:` and its value, and the key's column
/// (0-based). The value ends before the first non-blank line indented no
/// deeper than the key; trailing blank lines stay outside.
fn settings_range(file: &SourceFile, pointer: &str) -> Result<(usize, usize, usize), String> {
    let position = file.locate(pointer, Anchor::Key);
    let start = file.byte_offset(position);
    if !file.text[start..].starts_with("settings") {
        return Err(format!(
            "cannot find the `settings` key of {pointer} at {position} (written in flow style or quoted?); convert this policy by hand"
        ));
    }
    let indent = position.column.saturating_sub(1) as usize;
    let line_end = file.text[start..]
        .find('\n')
        .map_or(file.text.len(), |at| start + at + 1);
    let mut end = line_end;
    let mut cursor = line_end;
    for line in file.text[line_end..].split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let depth = content.len() - content.trim_start_matches(' ').len();
        if content.trim().is_empty() {
            cursor += line.len();
            continue;
        }
        if depth <= indent {
            break;
        }
        cursor += line.len();
        end = cursor;
    }
    Ok((start, end, indent))
}

/// `settings:` and its value, every line after the first indented by
/// `indent` spaces, ending in a newline.
fn emit(settings: &MfaEnrollSettings, indent: usize) -> Result<String, String> {
    let value = serde_json::to_value(settings).map_err(|error| error.to_string())?;
    let mut document = serde_json::Map::new();
    document.insert("settings".to_owned(), value);
    let yaml = crate::export::yaml::render(
        "",
        &serde_json::Value::Object(document),
        &BTreeMap::new(),
        &|_| false,
    )
    .map_err(|error| error.to_string())?;
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (number, line) in yaml.lines().enumerate() {
        if number > 0 {
            out.push_str(&pad);
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::manifest::mfa_enroll::{
        AuthenticatorEnroll, AuthenticatorKey, AuthenticatorSetting, EnrollmentRequirement,
        MfaEnrollSettingsType,
    };

    #[test]
    fn replaces_only_the_settings_block() -> Result<(), String> {
        let text = "\
mfaEnrollPolicies:
  - name: A # keep
    settings:
      # lost: inside the block
      factors:
        okta_sms: { enroll: { self: REQUIRED } }

    # kept: at the policy's indentation
    rules: []
";
        let file = SourceFile::new(PathBuf::from("t.yaml"), text.to_owned());
        let settings = MfaEnrollSettings {
            kind: Some(MfaEnrollSettingsType::Authenticators),
            factors: None,
            authenticators: Some(vec![AuthenticatorSetting {
                key: AuthenticatorKey::PhoneNumber,
                id: None,
                enroll: Some(AuthenticatorEnroll {
                    self_enroll: Some(EnrollmentRequirement::Required),
                    auto_enroll: None,
                    grace_period: None,
                }),
                constraints: None,
            }]),
        };
        let out = apply(&file, &[Replacement { index: 0, settings }])?;
        assert_eq!(
            out,
            "\
mfaEnrollPolicies:
  - name: A # keep
    settings:
      type: AUTHENTICATORS
      authenticators:
        - key: phone_number
          enroll:
            self: REQUIRED

    # kept: at the policy's indentation
    rules: []
"
        );
        Ok(())
    }

    #[test]
    fn keeps_windows_line_endings_and_refuses_a_quoted_key() -> Result<(), String> {
        let settings = MfaEnrollSettings {
            kind: Some(MfaEnrollSettingsType::Factors),
            factors: None,
            authenticators: None,
        };
        let text = "mfaEnrollPolicies:\r\n  - name: A\r\n    settings:\r\n      factors: {}\r\n";
        let file = SourceFile::new(PathBuf::from("t.yaml"), text.to_owned());
        let out = apply(
            &file,
            &[Replacement {
                index: 0,
                settings: settings.clone(),
            }],
        )?;
        assert_eq!(
            out,
            "mfaEnrollPolicies:\r\n  - name: A\r\n    settings:\r\n      type: FACTORS\r\n"
        );

        let quoted = "mfaEnrollPolicies:\n  - name: A\n    \"settings\": { factors: {} }\n";
        let file = SourceFile::new(PathBuf::from("t.yaml"), quoted.to_owned());
        let refused = apply(&file, &[Replacement { index: 0, settings }]);
        assert!(refused.is_err(), "{refused:?}");
        Ok(())
    }
}
