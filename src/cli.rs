//! The command line: clap structures for every subcommand ("low args"),
//! turned into resolved settings ("high args") and run. Exit codes follow
//! DESIGN.md: 0 success, 1 errors or invalid input, 2 changes present,
//! 3 partial apply.

use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::clock::SystemClock;
use crate::config::{CONFIG_VAR, ENV_VAR, Project};
use crate::connect::OrgSettings;
use crate::emulator::Engine;
use crate::emulator::server::faults::FaultConfig;
use crate::emulator::server::rate_limit::RateLimits;
use crate::emulator::server::{self as emulator_server, ServeError, ShutdownSignals};
use crate::error::Error;
use crate::finding::Severity;
use crate::report::{self, Format, Style};
use crate::validate::{self, Validation};

/// Declarative policy-as-code for Okta: keep sign-on, password, MFA
/// enrollment, IdP discovery, access, profile enrollment, entity risk,
/// post-auth session and authorization-server policies as YAML in git.
#[derive(Debug, Parser)]
#[command(
    name = "oktapol",
    version = VERSION,
    about,
    long_about = None,
    propagate_version = true,
    after_help = "Examples:\n  oktapol validate policies/\n  oktapol plan policies/ --env prod --out plan.json\n  oktapol apply plan.json --env prod\n  oktapol apply examples/quickstart --org local --local-seed examples/org-seed.yaml --auto-approve\n\nDocs: README.md and docs/ (guides, oktapol.yaml, finding codes, manifest reference)."
)]
pub struct Args {
    /// When to colour output: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// The config file [default: oktapol.yaml in the working directory or a parent, up to the repository root].
    #[arg(long, value_name = "FILE", env = CONFIG_VAR, global = true)]
    pub config: Option<PathBuf>,
    /// The environment of the config file to use: its org, authentication and variables.
    #[arg(long = "env", value_name = "NAME", env = ENV_VAR, global = true)]
    pub environment: Option<String>,
    /// Trace what oktapol does to stderr: -v the steps, -vv also every API request (never a secret).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// The version `--version` shows: the package's, and the commit it was
/// built from (`build.rs`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("OKTAPOL_GIT_COMMIT"),
    ")"
);

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check manifests against the schema and Okta's rules, offline.
    #[command(
        after_help = "Examples:\n  oktapol validate policies/\n  oktapol validate --format github policies/\n  oktapol validate --format sarif policies/ > oktapol.sarif"
    )]
    Validate {
        /// A manifest file, or a directory searched recursively for *.yaml / *.yml (hidden directories are skipped).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Show the changes `apply` would make to the org.
    #[command(
        after_help = "Examples:\n  oktapol plan examples/quickstart --org local --local-seed examples/org-seed.yaml\n  OKTA_ORG_URL=https://acme.okta.com OKTA_API_TOKEN=… oktapol plan policies/ --out plan.json\n  oktapol plan policies/ --format markdown --detailed-exitcode"
    )]
    Plan(crate::commands::plan::PlanArgs),
    /// Make the org match the manifests (or execute a saved plan).
    #[command(
        after_help = "Examples:\n  oktapol apply examples/quickstart --org local --local-seed examples/org-seed.yaml --auto-approve\n  oktapol plan policies/ --out plan.json && oktapol apply plan.json --auto-approve\n\nExit codes: 0 applied (or nothing to do), 1 error or refusal, 3 partially applied."
    )]
    Apply(crate::commands::apply::ApplyArgs),
    /// Write the org's policies as manifests, one file per kind (`plan` on them shows no changes).
    #[command(
        after_help = "Examples:\n  oktapol export --out policies/\n  oktapol export --org local --local-seed examples/org-seed.yaml --out /tmp/org\n  oktapol export --kinds sign-on,access --out policies/ --force"
    )]
    Export(crate::commands::export::ExportArgs),
    /// Evaluate sign-in cases against the manifests, offline: which policy and rule apply, and what they do.
    #[command(
        after_help = "Examples:\n  oktapol test examples/quickstart --cases examples/cases/quickstart.yaml\n  oktapol test policies/ --cases cases.yaml --format junit > oktapol-test.xml\n\nExit codes: 0 every case passed, 1 a case failed or the manifests or cases are invalid."
    )]
    Test(crate::commands::test::TestArgs),
    /// Put the same cases to Okta's policy simulation on the org and compare its answer with the manifests.
    #[command(
        after_help = "Examples:\n  oktapol simulate examples/quickstart --cases examples/cases/quickstart.yaml --org local\n  OKTA_ORG_URL=https://acme.okta.com OKTA_API_TOKEN=… oktapol simulate policies/ --cases cases.yaml --format json\n\nOkta simulates sign-on, MFA enrollment, access and profile enrollment policies (Identity Engine only); expectations on other kinds are reported as not simulatable.\n\nExit codes: 0 Okta agrees with the manifests and the cases, 1 a mismatch, an error, or invalid manifests or cases."
    )]
    Simulate(crate::commands::simulate::SimulateArgs),
    /// Convert MFA enrollment policies from classic `factors` to `authenticators`, or back.
    #[command(
        after_help = "Examples:\n  oktapol migrate authenticators policies/\n  oktapol migrate authenticators policies/ --write\n  oktapol migrate factors policies/mfa.yaml\n\nWithout --write a unified diff is printed. Exit codes: 0 nothing to migrate (or written), 1 invalid manifests or a policy that cannot be converted, 2 changes present."
    )]
    Migrate(crate::commands::migrate::MigrateArgs),
    /// Show, per group, which MFA enrollment policy applies, what users must enroll and when, and which rules ask for MFA (offline).
    #[command(
        name = "mfa-report",
        after_help = "Examples:\n  oktapol mfa-report examples/quickstart\n  oktapol mfa-report policies/ --format markdown > mfa.md"
    )]
    MfaReport(crate::commands::mfa_report::MfaReportArgs),
    /// Print the manifest JSON Schema (draft 2020-12).
    #[command(
        after_help = "Examples:\n  oktapol schema > schema/oktapol.schema.json\n  oktapol schema | jq '.properties | keys'"
    )]
    Schema,
    /// Print the list of finding codes (Markdown).
    #[command(
        after_help = "Examples:\n  oktapol codes > docs/codes.md\n  oktapol codes | grep OKP130"
    )]
    Codes,
    /// Print the man page (roff), or write one per command into a directory.
    #[command(
        after_help = "Examples:\n  oktapol man | man -l -\n  oktapol man --out ~/.local/share/man/man1 && man oktapol-plan"
    )]
    Man {
        /// Write oktapol.1 and a page per subcommand (oktapol-plan.1, …) into DIR instead of printing oktapol.1.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        after_help = "Examples:\n  oktapol completions bash > ~/.local/share/bash-completion/completions/oktapol\n  oktapol completions zsh > \"${fpath[1]}/_oktapol\"\n  oktapol completions fish > ~/.config/fish/completions/oktapol.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Run the local Okta-compatible policy API server.
    #[command(
        after_help = "Prints `oktapol emulator listening on URL` and serves until SIGINT or SIGTERM.\n\nExamples:\n  oktapol emulator --port 8080 --token dev\n  oktapol emulator --state org.json --engine classic\n  oktapol emulator --rate-limit 20 --faults 500=0.1,latency=200ms --seed-rng 7"
    )]
    Emulator(EmulatorArgs),
}

/// `oktapol emulator` flags.
#[derive(Debug, clap::Args)]
pub struct EmulatorArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// YAML of directory objects (groups, users, zones, apps, IdPs, authenticators, user types, hooks, authorization servers) to add to a fresh org.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Keep the org in FILE: loaded at start, saved atomically after every write.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// API token clients send as `Authorization: SSWS TOKEN`. Without one, a fixed development token is used and printed.
    #[arg(long, env = "OKTAPOL_EMULATOR_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Engine of a fresh org [default: oie]. A --state file keeps its own.
    #[arg(long, value_enum)]
    pub engine: Option<EngineChoice>,
    /// Requests a minute: N for the /api/v1/policies bucket, BUCKET=N|off items (policies, apps, groups, users, authorizationServers, default), or off.
    #[arg(long, value_name = "SPEC", value_parser = parse_rate_limits)]
    pub rate_limit: Option<RateLimits>,
    /// Requests in flight at once before 429s [default: 75], or off.
    #[arg(long, value_name = "N", value_parser = parse_concurrency)]
    pub concurrency: Option<Concurrency>,
    /// Faults to inject, e.g. 500=0.1,latency=200ms,drop=0.05,commit-then-fail=0.1,commit-then-drop=0.05,storm=0.2
    #[arg(long, value_name = "SPEC", value_parser = parse_faults)]
    pub faults: Option<FaultConfig>,
    /// Seed of object IDs and of fault injection: the same seed and requests give the same run.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed_rng: u64,
}

/// `--engine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineChoice {
    /// Okta Identity Engine.
    Oie,
    /// Classic Engine.
    Classic,
}

fn parse_rate_limits(spec: &str) -> Result<RateLimits, String> {
    let mut limits = RateLimits::default();
    limits.apply(spec)?;
    Ok(limits)
}

/// `--concurrency`: a limit, or `None` for off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concurrency(pub Option<usize>);

fn parse_concurrency(spec: &str) -> Result<Concurrency, String> {
    RateLimits::parse_concurrency(spec).map(Concurrency)
}

fn parse_faults(spec: &str) -> Result<FaultConfig, String> {
    spec.parse()
}

/// The token clients use when none is configured; printed at start-up.
pub const DEV_TOKEN: &str = "oktapol-dev-token";

impl EmulatorArgs {
    /// The server configuration, and whether the token is the printed
    /// development token.
    pub fn config(&self) -> (emulator_server::Config, bool) {
        let given = self.token.as_deref().filter(|t| !t.trim().is_empty());
        let mut config = emulator_server::Config::new(given.unwrap_or(DEV_TOKEN));
        config.bind = self.bind;
        config.port = self.port;
        config.seed.clone_from(&self.seed);
        config.state.clone_from(&self.state);
        config.engine = self.engine.map(|engine| match engine {
            EngineChoice::Oie => Engine::Oie,
            EngineChoice::Classic => Engine::Classic,
        });
        if let Some(limits) = &self.rate_limit {
            config.rate_limits = limits.clone();
        }
        if let Some(Concurrency(concurrency)) = self.concurrency {
            config.rate_limits.concurrency = concurrency;
        }
        if let Some(faults) = self.faults {
            config.faults = faults;
        }
        config.rng_seed = self.seed_rng;
        config.clock = Arc::new(SystemClock);
        (config, given.is_none())
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let parsed = Args::command()
        .try_get_matches()
        .and_then(|matches| Ok((Args::from_arg_matches(&matches)?, matches)));
    let (mut args, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            let _ = error.print();
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(1),
            };
        }
    };
    let stderr_color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
        }
    };
    crate::logging::init(args.verbose, stderr_color);
    let ran = Config::from_args(&args).and_then(|config| {
        if path_defaulted(&matches)
            && let Some(manifests) = config.project.manifests()
        {
            tracing::info!("manifests: {} (from the config file)", manifests.display());
            args.command.set_path(manifests.to_path_buf());
        }
        run_with(&args, &config)
    });
    match ran {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(1)
        }
    }
}

/// Whether the subcommand's manifest path (`export`: its `--out`) is the
/// default rather than given, so the config file's `manifests:` replaces it.
fn path_defaulted(matches: &clap::ArgMatches) -> bool {
    let Some((name, sub)) = matches.subcommand() else {
        return false;
    };
    let id = if name == "export" { "out" } else { "path" };
    // `try_get_raw` first: `value_source` panics on an id the command lacks.
    matches!(sub.try_get_raw(id), Ok(Some(_)))
        && sub.value_source(id) == Some(ValueSource::DefaultValue)
}

impl Command {
    /// Replaces the manifest path (`export`: the output directory).
    fn set_path(&mut self, manifests: PathBuf) {
        match self {
            Command::Validate { path, .. } => *path = manifests,
            Command::Plan(args) => args.path = manifests,
            Command::Apply(args) => args.path = manifests,
            Command::Test(args) => args.path = manifests,
            Command::Simulate(args) => args.path = manifests,
            Command::MfaReport(args) => args.path = manifests,
            Command::Migrate(args) => args.path = manifests,
            Command::Export(args) => args.out = manifests,
            Command::Schema
            | Command::Codes
            | Command::Man { .. }
            | Command::Completions { .. }
            | Command::Emulator(_) => {}
        }
    }

    /// Whether the command reads manifests or an org, and so the config file.
    fn uses_config(&self) -> bool {
        matches!(
            self,
            Command::Validate { .. }
                | Command::Plan(_)
                | Command::Apply(_)
                | Command::Test(_)
                | Command::Simulate(_)
                | Command::MfaReport(_)
                | Command::Migrate(_)
                | Command::Export(_)
        )
    }
}

/// Settings resolved from the command line, the environment and the config
/// file ("high args"): what the commands actually consult.
#[derive(Debug, Clone)]
pub struct Config {
    /// How human output is styled.
    pub style: Style,
    /// `oktapol.yaml` and the environment `--env` selected; empty for the
    /// commands that read neither manifests nor an org.
    pub project: Project,
}

impl Config {
    /// Resolves the global flags against the environment, and reads the
    /// config file when the command uses it.
    pub fn from_args(args: &Args) -> Result<Self, Error> {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
            }
        };
        let project = if args.command.uses_config() {
            let cwd = std::env::current_dir().unwrap_or_default();
            let environment = args.environment.as_deref().filter(|e| !e.trim().is_empty());
            let project = Project::load(args.config.as_deref(), environment, &cwd)?;
            if let Some(file) = &project.file {
                tracing::info!("config: {}", file.path.display());
            }
            if let Some(environment) = &project.environment {
                tracing::info!("environment: {}", environment.name);
            }
            project
        } else {
            Project::default()
        };
        Ok(Config {
            style: Style { color },
            project,
        })
    }

    /// Validates the manifests at `path` with the config file's variables.
    pub fn validate(&self, path: &Path) -> Validation {
        validate::validate_path_with(path, &self.project.variables())
    }

    /// The org settings of `--org`, `--local-seed` and `--parallelism`, the
    /// environment variables, and then the selected environment of the
    /// config file: flags win over environment variables, which win over
    /// the config file.
    pub fn org_settings(
        &self,
        org: Option<String>,
        local_seed: Option<PathBuf>,
        parallelism: usize,
    ) -> OrgSettings {
        let flag = org.as_deref().is_some_and(|org| !org.trim().is_empty());
        let mut settings = OrgSettings::from_env(org, local_seed, parallelism);
        if let Some(note) = self.project.complete(&mut settings, flag) {
            eprintln!("{note}");
        }
        tracing::info!(
            "org: {}",
            settings.org.as_deref().unwrap_or("none configured")
        );
        settings
    }
}

/// Runs a parsed command, with the paths as given.
pub fn run(args: &Args) -> Result<ExitCode, Error> {
    run_with(args, &Config::from_args(args)?)
}

/// Runs a parsed command with its resolved settings.
fn run_with(args: &Args, config: &Config) -> Result<ExitCode, Error> {
    match &args.command {
        Command::Validate {
            path,
            format,
            strict,
        } => {
            let validation = config.validate(path);
            print(&report::render(*format, &validation, config.style))?;
            let failed =
                validation.has(Severity::Error) || (*strict && validation.has(Severity::Warning));
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Schema => {
            print(&crate::schema::render())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Codes => {
            print(&crate::finding::codes_markdown())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { out } => man(out.as_deref()),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(
                *shell,
                &mut <Args as clap::CommandFactory>::command(),
                "oktapol",
                &mut script,
            );
            print(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan(plan) => crate::commands::plan::run(plan, config, &print),
        Command::Apply(apply) => crate::commands::apply::run(apply, config, &print),
        Command::Test(test) => crate::commands::test::run(test, config, &print),
        Command::Simulate(simulate) => crate::commands::simulate::run(simulate, config, &print),
        Command::MfaReport(mfa) => crate::commands::mfa_report::run(mfa, config, &print),
        Command::Migrate(migrate) => crate::commands::migrate::run(migrate, config, &print),
        Command::Export(export) => crate::commands::export::run(export, config, &print),
        Command::Emulator(emulator) => Ok(run_emulator(emulator)),
    }
}

/// `oktapol man`: the page of `oktapol` on stdout, or every page in `out`.
fn man(out: Option<&Path>) -> Result<ExitCode, Error> {
    let command = Args::command();
    match out {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(Error::Output)?;
            print(&String::from_utf8_lossy(&page))?;
        }
        Some(dir) => {
            let written =
                std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir));
            written.map_err(|source| Error::Write {
                path: dir.to_path_buf(),
                source,
            })?;
            print(&format!("Wrote the man pages to {}\n", dir.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Serves until SIGINT/SIGTERM; exit code 1 when the server cannot start.
fn run_emulator(args: &EmulatorArgs) -> ExitCode {
    let (config, dev_token) = args.config();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("oktapol emulator: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    let served = runtime.block_on(async {
        // Listen for signals before announcing the URL: whoever reads it may
        // signal at once.
        let signals = ShutdownSignals::install()?;
        let server = emulator_server::serve(config).await?;
        // Nothing useful to do if stdout is gone; the server still runs.
        let _ = print(&format!(
            "oktapol emulator listening on {}\n",
            server.url()
        ));
        if dev_token {
            eprintln!(
                "oktapol emulator: no --token or OKTAPOL_EMULATOR_TOKEN given; clients authenticate with `Authorization: SSWS {DEV_TOKEN}`"
            );
        }
        server.run_until(signals).await;
        Ok::<(), ServeError>(())
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(1)
        }
    }
}

fn print(text: &str) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // A closed pipe (`oktapol validate | head`) is not an error worth reporting.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Error::Output(error)),
    }
}
