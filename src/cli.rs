//! The command line: clap structures for every subcommand ("low args"),
//! turned into resolved settings ("high args") and run. Exit codes follow
//! DESIGN.md: 0 success, 1 errors or invalid input, 2 changes present,
//! 3 partial apply.

use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use crate::clock::SystemClock;
use crate::emulator::Engine;
use crate::emulator::server::faults::FaultConfig;
use crate::emulator::server::rate_limit::RateLimits;
use crate::emulator::server::{self as emulator_server, ServeError, ShutdownSignals};
use crate::error::Error;
use crate::finding::Severity;
use crate::report::{self, Format, Style};
use crate::validate;

/// Declarative policy-as-code for Okta: keep sign-on, password, MFA
/// enrollment, IdP discovery, access, profile enrollment, entity risk,
/// post-auth session and authorization-server policies as YAML in git.
#[derive(Debug, Parser)]
#[command(name = "oktapol", version, about, long_about = None, propagate_version = true)]
pub struct Args {
    /// When to colour output: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

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
    /// Print the manifest JSON Schema (draft 2020-12).
    Schema,
    /// Print the list of finding codes (Markdown).
    Codes,
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
    let args = match Args::try_parse() {
        Ok(args) => args,
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
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(1)
        }
    }
}

/// Settings resolved from the command line and the environment ("high
/// args"): what the commands actually consult.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// How human output is styled.
    pub style: Style,
}

impl Config {
    /// Resolves the global flags against the environment.
    pub fn from_args(args: &Args) -> Self {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
            }
        };
        Config {
            style: Style { color },
        }
    }
}

/// Runs a parsed command.
pub fn run(args: &Args) -> Result<ExitCode, Error> {
    let config = Config::from_args(args);
    match &args.command {
        Command::Validate {
            path,
            format,
            strict,
        } => {
            let validation = validate::validate_path(path);
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
        Command::Plan(plan) => crate::commands::plan::run(plan, &config, &print),
        Command::Apply(apply) => crate::commands::apply::run(apply, &config, &print),
        Command::Emulator(emulator) => Ok(run_emulator(emulator)),
    }
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
