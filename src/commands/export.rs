//! `oktapol export`: read the org and write it as manifests, one file per
//! kind, into `--out DIR`. Existing files are never overwritten without
//! `--force`; each file is written atomically. What was skipped is noted
//! on stderr. Exit 0 when the files were written, 1 on any error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;

use super::plan::{ConnectArgs, runtime, spinner};
use crate::cli::Config;
use crate::connect;
use crate::emulator::server::persist::write_atomically;
use crate::error::Error;
use crate::export::{self, Export, ExportError};
use crate::manifest::kind::PolicyKind;

/// `oktapol export` flags.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The directory to write the manifests to (created when missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Export only these kinds, comma-separated. Default: every kind the org has.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KIND,…")]
    pub kinds: Vec<KindName>,
    /// Overwrite manifest files that already exist in DIR.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// A policy kind as `--kinds` spells it (the exported file's name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindName {
    SignOn,
    Password,
    MfaEnroll,
    IdpDiscovery,
    Access,
    ProfileEnrollment,
    EntityRisk,
    PostAuthSession,
    #[value(alias = "authorization-server")]
    AuthorizationServers,
}

impl From<KindName> for PolicyKind {
    fn from(name: KindName) -> Self {
        match name {
            KindName::SignOn => PolicyKind::SignOn,
            KindName::Password => PolicyKind::Password,
            KindName::MfaEnroll => PolicyKind::MfaEnroll,
            KindName::IdpDiscovery => PolicyKind::IdpDiscovery,
            KindName::Access => PolicyKind::Access,
            KindName::ProfileEnrollment => PolicyKind::ProfileEnrollment,
            KindName::EntityRisk => PolicyKind::EntityRisk,
            KindName::PostAuthSession => PolicyKind::PostAuthSession,
            KindName::AuthorizationServers => PolicyKind::AuthorizationServer,
        }
    }
}

/// Why the files were not written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
enum Refusal {
    #[error("{} already exists{}", first.display(), if *more > 0 { format!(" (and {more} more of the files to write)") } else { String::new() })]
    #[diagnostic(
        code(oktapol::export::exists),
        help("pass --force to overwrite, or choose another directory with --out")
    )]
    Exists { first: PathBuf, more: usize },
    #[error("cannot write {}: {source}", path.display())]
    #[diagnostic(code(oktapol::write), help("check that the directory is writable"))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Yaml(#[from] ExportError),
}

/// Runs `oktapol export`.
pub fn run(
    args: &ExportArgs,
    config: &Config,
    print: &dyn Fn(&str) -> Result<(), Error>,
) -> Result<ExitCode, Error> {
    let kinds: Vec<PolicyKind> = if args.kinds.is_empty() {
        PolicyKind::ALL.to_vec()
    } else {
        args.kinds.iter().map(|&k| k.into()).collect()
    };
    let settings = args.connect.settings(config);
    let connection = connect::connect(&settings)?;
    if let Some(notice) = connect::local_notice(&connection, &settings.local_file) {
        eprintln!("{notice}");
    }
    let org = connection.api.describe();
    let spinner = spinner(&org);
    let read = runtime()?.block_on(export::read(
        connection.api.as_ref(),
        &kinds,
        usize::from(args.connect.parallelism),
    ));
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    let written = export::export(&read?, &kinds)
        .map_err(Refusal::from)
        .and_then(|export| {
            write(&args.out, &export, args.force)?;
            Ok(export)
        });
    let export = match written {
        Ok(export) => export,
        Err(refusal) => {
            eprintln!("{:?}", miette::Report::new(refusal));
            return Ok(ExitCode::from(1));
        }
    };
    for note in &export.notes {
        eprintln!("note: {note}");
    }
    print(&summary(&org, &args.out, &export))?;
    Ok(ExitCode::SUCCESS)
}

/// Writes every file, or none when one of them exists (without `force`).
fn write(dir: &Path, export: &Export, force: bool) -> Result<(), Refusal> {
    let paths: Vec<PathBuf> = export.files.iter().map(|f| dir.join(f.name)).collect();
    if !force {
        let existing: Vec<&PathBuf> = paths.iter().filter(|p| p.exists()).collect();
        if let Some(first) = existing.first() {
            return Err(Refusal::Exists {
                first: (*first).clone(),
                more: existing.len() - 1,
            });
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| Refusal::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    for (file, path) in export.files.iter().zip(&paths) {
        write_atomically(path, file.text.as_bytes()).map_err(|source| Refusal::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}

/// What was written, for stdout: the org first.
fn summary(org: &str, dir: &Path, export: &Export) -> String {
    let mut out = format!("Exported {org} to {}\n", dir.display());
    for file in &export.files {
        let mut counts = counted(file.policies, "policy", "policies");
        if file.rules > 0 {
            counts.push_str(&format!(", {}", counted(file.rules, "rule", "rules")));
        }
        out.push_str(&format!("  {:<28}{counts}\n", file.name));
    }
    out.push_str(&format!(
        "Check it with `oktapol plan {}` against the same org: it shows no changes.\n",
        dir.display()
    ));
    out
}

fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
