//! `oktapol plan`: validate the manifests, read the org, show the changes
//! `apply` would make, optionally save them (`--out plan.json`). Exit 0
//! when nothing would change; with `--detailed-exitcode`, 2 when something
//! would; 1 on any error.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::Config;
use crate::connect::{self, OrgSettings};
use crate::emulator::server::persist::write_atomically;
use crate::error::Error;
use crate::finding::Severity;
use crate::live::LiveOrg;
use crate::plan::render::render;
use crate::plan::render::{PlanFormat, PlanStyle};
use crate::plan::{Options, Plan, PlanError, make_plan_and_live};
use crate::report::{self, Format, position_of};

/// `oktapol plan` flags.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// A manifest file, or a directory searched recursively for *.yaml / *.yml.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
    /// Also save the plan as JSON, for `oktapol apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 2 when there are changes (0: none, 1: error), like Terraform.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Also show who is affected: outcomes before and after over generated sign-in contexts (groups, zones, apps, devices, …).
    #[arg(long)]
    pub impact: bool,
    /// With --impact: evaluate at most N sign-in contexts (the output says when the matrix is larger).
    #[arg(long, value_name = "N", default_value_t = crate::impact::DEFAULT_LIMIT, requires = "impact")]
    pub impact_limit: usize,
    #[command(flatten)]
    pub org: OrgArgs,
}

/// Flags that select the org and how hard to drive it (every command that
/// reads an org: plan, apply, export, simulate).
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectArgs {
    /// The org URL (https://example.okta.com), or `local` for the embedded local org. Default: OKTA_ORG_URL; with neither, the local org (outside CI).
    #[arg(long, value_name = "URL|local")]
    pub org: Option<String>,
    /// Directory objects (groups, users, zones, apps, …) for a fresh local org, e.g. examples/org-seed.yaml.
    #[arg(long, value_name = "FILE")]
    pub local_seed: Option<PathBuf>,
    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub parallelism: u16,
}

impl ConnectArgs {
    /// The org settings from these flags, the environment and the config
    /// file's environment.
    pub fn settings(&self, config: &Config) -> OrgSettings {
        config.org_settings(
            self.org.clone(),
            self.local_seed.clone(),
            usize::from(self.parallelism),
        )
    }
}

/// The org flags of commands that plan (plan, apply): [`ConnectArgs`]
/// and `--prune`.
#[derive(Debug, Clone, clap::Args)]
pub struct OrgArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Also delete live objects the manifests do not mention (never Okta's own).
    #[arg(long)]
    pub prune: bool,
}

impl OrgArgs {
    /// The org settings from these flags, the environment and the config
    /// file's environment.
    pub fn settings(&self, config: &Config) -> OrgSettings {
        self.connect.settings(config)
    }

    /// Planning options.
    pub fn options(&self) -> Options {
        Options {
            prune: self.prune,
            parallelism: usize::from(self.connect.parallelism),
            impact: None,
        }
    }
}

/// The validate format that shows findings in the plan's format.
fn findings_format(format: PlanFormat) -> Format {
    match format {
        PlanFormat::Human => Format::Human,
        PlanFormat::Json => Format::Json,
        PlanFormat::Markdown => Format::Markdown,
        PlanFormat::Github => Format::Github,
    }
}

/// What a plan run produced.
pub enum Planned {
    /// A plan, and the org as it was read.
    Plan(Box<Plan>, Box<LiveOrg>),
    /// Findings were printed; exit 1.
    Invalid,
}

/// Validates, connects and plans; prints findings when the manifests do
/// not fit. Invalid manifests stop before the org is touched, so there is
/// no connection then. Shared by `plan` and `apply`.
pub fn plan_for(
    path: &std::path::Path,
    org: &OrgArgs,
    format: PlanFormat,
    config: &Config,
    print: &dyn Fn(&str) -> Result<(), Error>,
) -> Result<(Planned, Option<connect::Connection>), Error> {
    plan_with(path, org, org.options(), format, config, print)
}

/// [`plan_for`] with planning options of its own (`plan --impact`).
pub fn plan_with(
    path: &std::path::Path,
    org: &OrgArgs,
    options: Options,
    format: PlanFormat,
    config: &Config,
    print: &dyn Fn(&str) -> Result<(), Error>,
) -> Result<(Planned, Option<connect::Connection>), Error> {
    let mut validation = config.validate(path);
    if validation.has(Severity::Error) {
        print(&report::render(
            findings_format(format),
            &validation,
            config.style,
        ))?;
        return Ok((Planned::Invalid, None));
    }
    let mut settings = org.settings(config);
    settings.scopes = Some(crate::scopes::for_manifests(&validation.set, &options));
    let connection = connect::connect(&settings)?;
    if let Some(notice) = connect::local_notice(&connection, &settings.local_file) {
        eprintln!("{notice}");
    }
    let runtime = runtime()?;
    let spinner = spinner(&connection.api.describe());
    let sources = &validation.sources;
    let locate = |origin: &crate::desired::Origin| {
        let location = crate::finding::Location::node(origin.file, origin.pointer.clone());
        let position = position_of(sources, &location)?;
        Some(format!(
            "{}:{}:{}",
            sources.get(origin.file).display_path(),
            position.line,
            position.column
        ))
    };
    let made = runtime.block_on(make_plan_and_live(
        connection.api.as_ref(),
        &validation.set,
        options,
        &locate,
    ));
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    match made {
        Ok((plan, live)) => Ok((
            Planned::Plan(Box::new(plan), Box::new(live)),
            Some(connection),
        )),
        Err(PlanError::Api(error)) => Err(Error::Api(error)),
        Err(PlanError::Findings(findings)) => {
            validation.findings = findings;
            print(&report::render(
                findings_format(format),
                &validation,
                config.style,
            ))?;
            Ok((Planned::Invalid, Some(connection)))
        }
    }
}

/// Runs `oktapol plan`.
pub fn run(
    args: &PlanArgs,
    config: &Config,
    print: &dyn Fn(&str) -> Result<(), Error>,
) -> Result<ExitCode, Error> {
    let options = Options {
        impact: args.impact.then_some(args.impact_limit),
        ..args.org.options()
    };
    let (planned, _connection) =
        plan_with(&args.path, &args.org, options, args.format, config, print)?;
    let Planned::Plan(plan, _) = planned else {
        return Ok(ExitCode::from(1));
    };
    if let Some(out) = &args.out {
        save(&plan, out)?;
    }
    let style = PlanStyle {
        color: config.style.color,
    };
    print(&render(&plan, args.format, style))?;
    Ok(if args.detailed_exitcode && plan.has_changes() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes the plan file: atomically, readable by its owner only.
pub fn save(plan: &Plan, path: &std::path::Path) -> Result<(), Error> {
    let mut bytes = serde_json::to_vec_pretty(plan).unwrap_or_default();
    bytes.push(b'\n');
    write_atomically(path, &bytes).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// A runtime for the command's API calls.
pub fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)
}

/// A spinner on stderr while the org is read, on a terminal only.
pub fn spinner(org: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(format!("Reading {org}…"));
    spinner.enable_steady_tick(Duration::from_millis(120));
    Some(spinner)
}
