//! `oktapol simulate`: the case file of `oktapol test`, put to Okta's own
//! policy simulation on a live org (or the local org) and compared with
//! the offline evaluation of the manifests. The manifests and the case
//! file are checked first; then the org is read once (its engine, the apps,
//! and the groups, zones and users the cases name), each case is one
//! `POST /api/v1/policies/simulate?expand=EVALUATED&expand=RULE` (plus,
//! once per policy, a read of the policy and rules Okta picked when the
//! case expects outcome facets of them), and the comparison is printed. Exit 0 when Okta agrees everywhere it was asked,
//! 1 on any mismatch or error (or invalid manifests or cases).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cases::render::{TestFormat, render_errors};
use crate::cases::{self, CaseFile};
use crate::cli::Config;
use crate::client::wire::SimulateExpand;
use crate::client::{Api, ApiError, Scope};
use crate::commands::plan::ConnectArgs;
use crate::connect;
use crate::desired::Desired;
use crate::emulator::Engine;
use crate::error::Error;
use crate::evaluate::PolicySet;
use crate::finding::Severity;
use crate::manifest::source::display_path;
use crate::report::{self, Format};
use crate::simulate::render::{SimulateFormat, render};
use crate::simulate::{
    Answer, CaseReport, CaseStatus, LivePolicies, OrgNames, Prepared, SimulateReport, compare,
    not_simulatable_case, policies_to_read, prepare, simulated_kinds,
};

/// `oktapol simulate` flags.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// A manifest file, or a directory searched recursively for *.yaml / *.yml.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The case file (the format of `oktapol test`).
    #[arg(long, value_name = "FILE")]
    pub cases: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = SimulateFormat::Human)]
    pub format: SimulateFormat,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Why a simulation run stopped before comparing anything.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
enum Refusal {
    #[error("{org} is a Classic Engine org: Okta's policy simulation needs Identity Engine")]
    #[diagnostic(
        code(oktapol::simulate::classic),
        help("`oktapol test` evaluates the cases offline, on any engine")
    )]
    Classic { org: String },
}

/// Runs `oktapol simulate`.
pub fn run(
    args: &SimulateArgs,
    config: &Config,
    print: &dyn Fn(&str) -> Result<(), Error>,
) -> Result<ExitCode, Error> {
    let validation = config.validate(&args.path);
    let invalid = validation.has(Severity::Error);
    let format = match args.format {
        SimulateFormat::Human => (Format::Human, TestFormat::Human),
        SimulateFormat::Json => (Format::Json, TestFormat::Json),
    };
    if invalid {
        print(&report::render(format.0, &validation, config.style))?;
    }
    let file: Option<CaseFile> = match cases::load(&args.cases) {
        Ok(file) => Some(file),
        Err(error) => {
            print(&render_errors(&error, format.1))?;
            None
        }
    };
    let Some(file) = file.filter(|_| !invalid) else {
        return Ok(ExitCode::from(1));
    };
    let manifests = display_path(&args.path);
    let set = PolicySet::from_desired(&Desired::from_set(&validation.set));

    let settings = args.connect.settings(config);
    let connection = connect::connect(&settings)?;
    if let Some(notice) = connect::local_notice(&connection, &settings.local_file) {
        eprintln!("{notice}");
    }
    let api = connection.api.as_ref();
    let runtime = crate::commands::plan::runtime()?;
    let cases = match runtime.block_on(simulate_all(api, &file, &set, &manifests)) {
        Ok(cases) => cases,
        Err(Stop::Api(error)) => return Err(Error::Api(error)),
        Err(Stop::Refused(refusal)) => {
            eprintln!("{:?}", miette::Report::new(refusal));
            return Ok(ExitCode::from(1));
        }
    };
    let report = SimulateReport {
        org: api.describe(),
        manifests,
        cases_file: display_path(&args.cases),
        cases,
    };
    print(&render(&report, args.format, config.style))?;
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

enum Stop {
    Api(ApiError),
    Refused(Refusal),
}

impl From<ApiError> for Stop {
    fn from(error: ApiError) -> Self {
        Stop::Api(error)
    }
}

/// Reads what the cases name, then simulates each case in turn.
async fn simulate_all(
    api: &dyn Api,
    file: &CaseFile,
    set: &PolicySet,
    manifests: &str,
) -> Result<Vec<CaseReport>, Stop> {
    if api.organization().await?.engine == Engine::Classic {
        return Err(Stop::Refused(Refusal::Classic {
            org: api.describe(),
        }));
    }
    let contexts = file.cases.iter().map(|c| &c.context);
    let needs_groups = contexts
        .clone()
        .any(|c| c.user.is_none() && c.app.is_some());
    let needs_zones = contexts.clone().any(|c| !c.zones.is_empty());
    let apps = api.list_apps().await?;
    let groups = if needs_groups {
        api.list_groups().await?
    } else {
        Vec::new()
    };
    let zones = if needs_zones {
        api.list_zones().await?
    } else {
        Vec::new()
    };
    let names = OrgNames::new(&apps, &groups, &zones);
    let mut users = BTreeMap::new();
    for login in contexts.filter_map(|c| c.user.as_deref()) {
        if users.contains_key(login) {
            continue;
        }
        let lookup = login.strip_prefix("id:").unwrap_or(login);
        let user = api.find_user(lookup).await?;
        users.insert(login.to_owned(), user.and_then(|u| u.id));
    }

    let mut reports = Vec::new();
    let mut live = LivePolicies::new();
    for case in &file.cases {
        let kinds = simulated_kinds(case, set);
        if kinds.is_empty() {
            reports.push(compare(
                case,
                set,
                manifests,
                &kinds,
                Answer::default(),
                Vec::new(),
            ));
            continue;
        }
        let report = match prepare(case, &kinds, &names, &users) {
            Prepared::Send { request, notes } => {
                match api.simulate(&request, SimulateExpand::ALL).await {
                    Ok(response) => {
                        for id in policies_to_read(case, &response) {
                            if let std::collections::btree_map::Entry::Vacant(slot) = live.entry(id)
                            {
                                let id = slot.key();
                                let policy = api.get_policy(&Scope::Org, id).await?;
                                let rules = api.list_rules(&Scope::Org, id).await?;
                                slot.insert((policy, rules));
                            }
                        }
                        let answer = Answer {
                            response: Some(&response),
                            live: Some(&live),
                        };
                        compare(case, set, manifests, &kinds, answer, notes)
                    }
                    Err(error) if error.transient() => return Err(Stop::Api(error)),
                    Err(error) => CaseReport::stopped(
                        case,
                        CaseStatus::Error,
                        format!("Okta refused the simulation: {error}"),
                    ),
                }
            }
            Prepared::NotSimulatable(reason) => not_simulatable_case(case, reason),
            Prepared::Unresolved(missing) => CaseReport::stopped(
                case,
                CaseStatus::Error,
                format!(
                    "cannot name the case's objects in the org: {}",
                    missing.join("; ")
                ),
            ),
        };
        reports.push(report);
    }
    Ok(reports)
}
