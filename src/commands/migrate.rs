//! `oktapol migrate authenticators|factors [PATH] [--write]`: convert MFA
//! enrollment policies between classic `factors` and `authenticators`.
//! The manifests are validated first; each policy is converted by
//! [`crate::migrate`]; the rewritten files are validated again before
//! anything is shown or written. Without `--write` a unified diff per file
//! is printed (exit 2 when something would change, 0 when nothing); with
//! it the files are replaced atomically. A policy that cannot be converted
//! is left as it is and makes the exit code 1.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use similar::TextDiff;

use crate::cli::Config;
use crate::emulator::server::persist::write_atomically;
use crate::error::Error;
use crate::finding::Severity;
use crate::manifest::load::load_bytes;
use crate::manifest::source::FileId;
use crate::migrate::rewrite::{self, Replacement};
use crate::migrate::{self, Direction, Options, Outcome};
use crate::report::{self, Format};
use crate::validate;

/// The form to convert MFA enrollment policies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// `factors` → `authenticators` (`settings.type: AUTHENTICATORS`).
    Authenticators,
    /// `authenticators` → `factors` (for tools that cannot read authenticators).
    Factors,
}

/// `oktapol migrate` flags.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// What to convert the MFA enrollment policies to.
    #[arg(value_enum)]
    pub target: Target,
    /// A manifest file, or a directory searched recursively for *.yaml / *.yml.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Rewrite the files in place instead of printing a diff.
    #[arg(long)]
    pub write: bool,
    /// Convert rsa_token, symantec_vip and yubikey_token to the same-named authenticators (seed 001's table has no mapping for them).
    #[arg(long)]
    pub map_hardware_tokens: bool,
}

/// The conversions of one file.
struct FilePlan {
    file: FileId,
    replacements: Vec<Replacement>,
}

/// Runs `oktapol migrate`.
pub fn run(
    args: &MigrateArgs,
    config: &Config,
    print: &dyn Fn(&str) -> Result<(), Error>,
) -> Result<ExitCode, Error> {
    let validation = config.validate(&args.path);
    if validation.has(Severity::Error) {
        print(&report::render(Format::Human, &validation, config.style))?;
        return Ok(ExitCode::from(1));
    }
    let direction = match args.target {
        Target::Authenticators => Direction::ToAuthenticators,
        Target::Factors => Direction::ToFactors,
    };
    let options = Options {
        map_hardware_tokens: args.map_hardware_tokens,
    };
    let mut notes = String::new();
    let mut refused = false;
    let mut plans: Vec<FilePlan> = Vec::new();
    for document in &validation.set.documents {
        let path = validation.sources.get(document.file).display_path();
        let policies = document
            .manifest
            .mfa_enroll_policies
            .as_deref()
            .unwrap_or(&[]);
        let mut replacements = Vec::new();
        for (index, policy) in policies.iter().enumerate() {
            let conversion = migrate::convert(policy.settings.as_ref(), direction, options);
            let at = format!("{path}: mfaEnrollPolicies[{index}] {:?}", policy.name);
            match conversion.outcome {
                Outcome::Unchanged => continue,
                Outcome::Converted(settings) => {
                    let _ = writeln!(notes, "{at}: converted");
                    replacements.push(Replacement {
                        index,
                        settings: *settings,
                    });
                }
                Outcome::Refused(reasons) => {
                    refused = true;
                    let _ = writeln!(notes, "{at}: not converted");
                    for reason in reasons {
                        let _ = writeln!(notes, "  error: {reason}");
                    }
                }
            }
            for note in conversion.notes {
                let label = if note.starts_with("warning: ") {
                    ""
                } else {
                    "note: "
                };
                let _ = writeln!(notes, "  {label}{note}");
            }
        }
        if !replacements.is_empty() {
            plans.push(FilePlan {
                file: document.file,
                replacements,
            });
        }
    }

    // The new text of every changed file.
    let mut rewritten: Vec<(FileId, String)> = Vec::new();
    for plan in &plans {
        let source = validation.sources.get(plan.file);
        match rewrite::apply(source, &plan.replacements) {
            Ok(text) => rewritten.push((plan.file, text)),
            Err(reason) => {
                refused = true;
                let _ = writeln!(
                    notes,
                    "{}: not rewritten\n  error: {reason}",
                    source.display_path()
                );
            }
        }
    }

    // The migrated manifests must still validate, as a whole set.
    if !rewritten.is_empty() {
        let files = validation
            .sources
            .iter()
            .map(|(id, source)| {
                let text = rewritten
                    .iter()
                    .find(|(file, _)| *file == id)
                    .map_or(source.text.as_str(), |(_, text)| text.as_str());
                (source.path.clone(), text.as_bytes().to_vec())
            })
            .collect();
        let after = validate::validate_loaded_with(load_bytes(files), &config.project.variables());
        if after.has(Severity::Error) {
            print("the migrated manifests would not validate; nothing was changed:\n")?;
            print(&report::render(Format::Human, &after, config.style))?;
            return Ok(ExitCode::from(1));
        }
    }

    let mut out = String::new();
    for (file, text) in &rewritten {
        let source = validation.sources.get(*file);
        if args.write {
            write_atomically(&source.path, text.as_bytes()).map_err(|error| Error::Write {
                path: source.path.clone(),
                source: error,
            })?;
            let _ = writeln!(out, "wrote {}", source.display_path());
        } else {
            let path = source.display_path();
            // Git's `a/` and `b/` prefixes, for `git apply -p1`, on relative paths only.
            let (old, new) = if source.path.is_absolute() {
                (path.clone(), path)
            } else {
                (format!("a/{path}"), format!("b/{path}"))
            };
            let diff = TextDiff::from_lines(source.text.as_str(), text.as_str());
            let _ = write!(
                out,
                "{}",
                diff.unified_diff().context_radius(3).header(&old, &new)
            );
        }
    }
    if rewritten.is_empty() && !refused {
        out.push_str("nothing to migrate\n");
    }
    out.push_str(&notes);
    print(&out)?;
    Ok(if refused {
        ExitCode::from(1)
    } else if !rewritten.is_empty() && !args.write {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
