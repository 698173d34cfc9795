//! `oktapol apply [PATH | plan.json]`: plan (or load a saved plan and check
//! that what it addresses did not change since), show the plan, check the
//! safety guards, ask (or require `--auto-approve` when not on a terminal),
//! then execute it and report every change. Exit 0 when everything was
//! applied (or nothing needed to be), 1 on errors and refusals, 3 when the
//! apply finished partially.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::plan::{OrgArgs, Planned, plan_for, runtime};
use crate::apply::guard::{self, Limits};
use crate::apply::{ApplyOptions, Observer, Outcome, Report, apply_with};
use crate::cli::Config;
use crate::connect::{self, Connection};
use crate::error::Error;
use crate::live::{self, LiveOrg, Needs};
use crate::plan::render::{PlanFormat, PlanStyle, render};
use crate::plan::{Change, Plan, Target, fingerprint};

/// `oktapol apply` flags.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// A manifest file or directory (planned now), or a plan saved with `plan --out`.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Apply without asking (required when not on a terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// Refuse a plan deleting more than N objects (unless --force).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_deletes: usize,
    /// Refuse a plan updating or deleting more than P% of the managed objects (unless --force).
    #[arg(long, value_name = "P", default_value_t = 30)]
    pub max_change_percent: u32,
    /// Apply even when --max-deletes or --max-change-percent would refuse.
    #[arg(long)]
    pub force: bool,
    /// Apply even when the plan could lock everyone out (Admin Console or global session policy denying all).
    #[arg(long)]
    pub allow_lockout: bool,
    /// Write one JSON line per API write (method, path, status, duration; never a secret).
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    #[command(flatten)]
    pub org: OrgArgs,
}

/// Whether `path` holds a saved plan rather than manifests.
fn saved_plan(path: &Path) -> Option<Result<Plan, String>> {
    if !path.is_file() || path.extension().and_then(|e| e.to_str()) != Some("json") {
        return None;
    }
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => return Some(Err(format!("cannot read {}: {error}", path.display()))),
    };
    Some(serde_json::from_str::<Plan>(&text).map_err(|error| {
        format!(
            "{} is not a plan saved by `oktapol plan --out` (format {}): {error}",
            path.display(),
            crate::plan::PLAN_FORMAT
        )
    }))
}

/// Runs `oktapol apply`.
pub fn run(
    args: &ApplyArgs,
    config: &Config,
    print: &dyn Fn(&str) -> Result<(), Error>,
) -> Result<ExitCode, Error> {
    let (plan, live, connection) = match saved_plan(&args.path) {
        Some(Err(message)) => {
            eprintln!("oktapol apply: {message}");
            return Ok(ExitCode::from(1));
        }
        Some(Ok(plan)) => {
            let mut settings = args.org.settings(config);
            settings.scopes = Some(crate::scopes::for_saved_plan(&plan));
            let connection = connect::connect(&settings)?;
            if let Some(notice) = connect::local_notice(&connection, &settings.local_file) {
                eprintln!("{notice}");
            }
            if plan.org != connection.api.describe() {
                eprintln!(
                    "oktapol apply: the plan was made for {}, not {}; plan again against this org",
                    plan.org,
                    connection.api.describe()
                );
                return Ok(ExitCode::from(1));
            }
            let live = reread(&plan, &connection)?;
            let stale = fingerprint::stale(&plan, &live);
            if !stale.is_empty() {
                eprintln!("oktapol apply: the org changed since the plan was made:");
                for line in &stale {
                    eprintln!("  - {line}");
                }
                eprintln!("Run `oktapol plan --out` again and review the new plan.");
                return Ok(ExitCode::from(1));
            }
            (Box::new(plan), Box::new(live), connection)
        }
        None => {
            let (planned, connection) =
                plan_for(&args.path, &args.org, PlanFormat::Human, config, print)?;
            match (planned, connection) {
                (Planned::Plan(plan, live), Some(connection)) => (plan, live, connection),
                _ => return Ok(ExitCode::from(1)),
            }
        }
    };
    let style = PlanStyle {
        color: config.style.color,
    };
    print(&render(&plan, PlanFormat::Human, style))?;
    if !plan.has_changes() {
        return Ok(ExitCode::SUCCESS);
    }
    let limits = Limits {
        max_deletes: args.max_deletes,
        max_change_percent: args.max_change_percent,
        force: args.force,
        allow_lockout: args.allow_lockout,
        ..Limits::default()
    };
    let refusals = guard::check(&plan, &live, &limits);
    if !refusals.is_empty() {
        for refusal in &refusals {
            eprintln!("oktapol apply: refused: {refusal}");
        }
        return Ok(ExitCode::from(1));
    }
    if !approved(
        args.auto_approve,
        plan.changes.len(),
        &connection.api.describe(),
    )? {
        return Ok(ExitCode::from(1));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let options = ApplyOptions {
        parallelism: usize::from(args.org.connect.parallelism),
        stop: Arc::clone(&stop),
    };
    let log = match &args.log_file {
        Some(path) => Some(Mutex::new(std::fs::File::create(path).map_err(
            |source| Error::Write {
                path: path.clone(),
                source,
            },
        )?)),
        None => None,
    };
    let observer = Progress::new(plan.changes.len(), log);
    let runtime = runtime()?;
    // Only now, with the plan approved, do its writes' `manage` scopes join
    // the service app's token; a refusal stops before the first write.
    runtime.block_on(connection.request_scopes(&crate::scopes::for_changes(&plan)))?;
    let report = runtime.block_on(async {
        let stopper = Arc::clone(&stop);
        let signal = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("oktapol apply: stopping — in-flight changes finish, nothing new starts");
                stopper.store(true, Ordering::SeqCst);
            }
        });
        let report = apply_with(connection.api.as_ref(), &plan, &options, &observer).await;
        signal.abort();
        report
    });
    observer.finish();
    let report = match report {
        Ok(report) => report,
        Err(cycles) => {
            eprintln!("oktapol apply: {cycles}");
            return Ok(ExitCode::from(1));
        }
    };
    print(&summary(&plan, &report))?;
    Ok(if report.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// Reads the lists a saved plan's changes live in.
fn reread(plan: &Plan, connection: &Connection) -> Result<LiveOrg, Error> {
    let runtime = runtime()?;
    let api = connection.api.as_ref();
    let organization = runtime.block_on(api.organization())?;
    let needs = Needs {
        kinds: plan
            .managed_kinds
            .iter()
            .copied()
            .filter(|k| *k != crate::manifest::PolicyKind::AuthorizationServer)
            .collect(),
        servers: fingerprint::scopes(plan)
            .into_iter()
            .filter_map(|scope| match scope {
                crate::client::Scope::Server(id) => Some(id),
                crate::client::Scope::Org => None,
            })
            .collect(),
        ..Needs::default()
    };
    Ok(runtime.block_on(live::read(api, organization, &needs, None, 4))?)
}

/// Asks on a terminal; elsewhere `--auto-approve` is required.
fn approved(auto: bool, changes: usize, org: &str) -> Result<bool, Error> {
    if auto {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "oktapol apply: not running on a terminal, so nobody can confirm; pass --auto-approve to apply"
        );
        return Ok(false);
    }
    eprint!("Apply {changes} changes to {org}? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(Error::Output)?;
    let yes = matches!(answer.trim().to_lowercase().as_str(), "y" | "yes");
    if !yes {
        eprintln!("Nothing applied.");
    }
    Ok(yes)
}

/// The end report: every change done, failed (with Okta's code) or skipped
/// (with the failure that caused it).
pub fn summary(plan: &Plan, report: &Report) -> String {
    let mut out = String::new();
    if report.complete() {
        out.push_str(&format!(
            "Apply complete: {} changes made.\n",
            report.done()
        ));
        return out;
    }
    out.push_str("\nApply finished partially:\n");
    for (index, outcome) in report.outcomes.iter().enumerate() {
        let change = &plan.changes[index];
        let line = match outcome {
            Outcome::Done => format!("  done     {} {}", change.action.verb(), change.address),
            Outcome::Failed { error, .. } => {
                format!(
                    "  FAILED   {} {}: {}",
                    change.action.verb(),
                    change.address,
                    error.replace('\n', " ")
                )
            }
            Outcome::Skipped { because } => format!(
                "  skipped  {} {} (because {} failed)",
                change.action.verb(),
                change.address,
                plan.changes[*because].address
            ),
            Outcome::NotStarted => format!(
                "  stopped  {} {} (not started)",
                change.action.verb(),
                change.address
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "{} done, {} failed, {} skipped, {} not started. Run apply again to converge.\n",
        report.done(),
        report.failed(),
        report.skipped(),
        report.not_started()
    ));
    out
}

/// A progress bar on a terminal, one line per change elsewhere, and the
/// JSON-lines write log.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    log: Option<Mutex<std::fs::File>>,
    /// The policy ID each started change works on, for the write log.
    policies: Mutex<std::collections::HashMap<usize, String>>,
}

impl Progress {
    fn new(total: usize, log: Option<Mutex<std::fs::File>>) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            log,
            policies: Mutex::new(std::collections::HashMap::new()),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn policy_of(&self, index: usize, policy: Option<&str>) {
        if let (Some(policy), Ok(mut policies)) = (policy, self.policies.lock()) {
            policies.insert(index, policy.to_owned());
        }
    }

    fn started(&self, _index: usize, change: &Change) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{} {}", change.action.verb(), change.address));
        }
    }

    fn finished(&self, index: usize, change: &Change, outcome: &Outcome, elapsed: Duration) {
        let status = match outcome {
            Outcome::Done => "done",
            Outcome::Failed { .. } => "failed",
            Outcome::Skipped { .. } => "skipped",
            Outcome::NotStarted => "stopped",
        };
        match &self.bar {
            Some(bar) => bar.inc(1),
            None => eprintln!(
                "{status:<7} {} {} ({} ms)",
                change.action.verb(),
                change.address,
                elapsed.as_millis()
            ),
        }
        if let Some(log) = &self.log {
            let policy = self
                .policies
                .lock()
                .ok()
                .and_then(|policies| policies.get(&index).cloned());
            let (method, path) = request_of(change, policy.as_deref());
            let line = serde_json::json!({
                "change": change.address,
                "action": change.action.verb(),
                "method": method,
                "path": path,
                "status": match outcome {
                    Outcome::Done => serde_json::Value::from("ok"),
                    Outcome::Failed { error_code, .. } => serde_json::Value::from(error_code.clone().unwrap_or_else(|| "error".to_owned())),
                    _ => serde_json::Value::from(status),
                },
                "durationMs": elapsed.as_millis() as u64,
            });
            if let Ok(mut file) = log.lock() {
                let _ = writeln!(file, "{line}");
            }
        }
    }
}

/// The API request a change makes, for the write log. `policy` is the
/// policy ID the change worked on (known once it ran, even when the policy
/// was created earlier in the run).
fn request_of(change: &Change, policy: Option<&str>) -> (&'static str, String) {
    const NEW: &str = "{new}";
    let or_new = |id: &Option<String>| id.clone().unwrap_or_else(|| NEW.to_owned());
    let policy_id = |id: &Option<String>| {
        id.clone()
            .or_else(|| policy.map(str::to_owned))
            .unwrap_or_else(|| NEW.to_owned())
    };
    match &change.target {
        Target::Policy { scope, id, .. } => {
            object_request(change.action, scope.policies_path(), policy_id(id))
        }
        Target::Rule {
            scope,
            policy_id: parent,
            id,
            ..
        } => object_request(
            change.action,
            format!("{}/{}/rules", scope.policies_path(), policy_id(parent)),
            or_new(id),
        ),
        Target::AppMapping {
            app_id,
            policy_id: mapped,
            ..
        } => (
            "PUT",
            format!("/api/v1/apps/{app_id}/policies/{}", policy_id(mapped)),
        ),
    }
}

/// The request an action makes on object `id` of a collection.
fn object_request(
    action: crate::plan::Action,
    collection: String,
    id: String,
) -> (&'static str, String) {
    use crate::plan::Action;
    match action {
        Action::Create => ("POST", collection),
        Action::Delete => ("DELETE", format!("{collection}/{id}")),
        Action::Activate => ("POST", format!("{collection}/{id}/lifecycle/activate")),
        Action::Deactivate => ("POST", format!("{collection}/{id}/lifecycle/deactivate")),
        _ => ("PUT", format!("{collection}/{id}")),
    }
}
