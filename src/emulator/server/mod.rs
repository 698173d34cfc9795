//! The emulator's HTTP server: Okta's Management API paths over the pure
//! [`Org`] state machine, on axum and tokio. [`serve`] binds (port 0 picks
//! a free port), loads or creates the org, and returns a [`Server`] handle
//! that knows its URL and shuts down gracefully when told to — by a test,
//! or by the CLI on SIGINT/SIGTERM ([`ShutdownSignals`]).
//!
//! Every request passes, outermost first: the `Date` stamp (from the
//! injected clock), Okta-shaped error bodies, request counting, rate
//! limits, fault injection, authentication, then the route. The org sits
//! behind one mutex held only for each synchronous state-machine call, so
//! concurrent writers are serialized and never lose an update.

pub mod admin;
pub mod auth;
pub mod body;
pub mod connection;
pub mod directory_routes;
pub mod dpop;
pub mod errors;
pub mod faults;
pub mod oauth;
pub mod pagination;
pub mod persist;
pub mod rate_limit;
pub mod routes;
pub mod simulate;
pub mod stats;

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use self::auth::{Authenticators, SswsToken};
use self::errors::ApiError;
use self::faults::{FaultConfig, Faults};
use self::oauth::{OAuthServer, ServiceAppTokens};
use self::persist::{PersistError, Persister};
use self::rate_limit::{RateLimiter, RateLimits};
use self::stats::Stats;
use super::Engine;
use super::ids::IdGenerator;
use super::org::{Org, Outcome};
use super::seed::{Seed, SeedError};
use crate::client::wire::OktaError;
use crate::clock::{Clock, SystemClock};

/// Everything the server needs to start ("high args" of `oktapol emulator`).
#[derive(Clone)]
pub struct Config {
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// YAML of directory objects (groups, users, zones, apps, IdPs,
    /// authenticators, user types, hooks, authorization servers) for a
    /// fresh org. Reading and applying it belongs to the directory module;
    /// the server checks that the file exists.
    pub seed: Option<PathBuf>,
    /// Where the org persists; loaded at start when it exists.
    pub state: Option<PathBuf>,
    /// The API token clients send as `Authorization: SSWS <token>`.
    pub token: String,
    /// The engine of a fresh org; `None`: Identity Engine, or whatever the
    /// state file holds.
    pub engine: Option<Engine>,
    pub rate_limits: RateLimits,
    pub faults: FaultConfig,
    /// Seeds object IDs and the fault stream.
    pub rng_seed: u64,
    pub clock: Arc<dyn Clock>,
}

impl Config {
    /// Defaults: 127.0.0.1 on a free port, in memory, Identity Engine,
    /// Okta-like rate limits, no faults, the system clock.
    pub fn new(token: impl Into<String>) -> Self {
        Config {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            seed: None,
            state: None,
            token: token.into(),
            engine: None,
            rate_limits: RateLimits::default(),
            faults: FaultConfig::default(),
            rng_seed: 0,
            clock: Arc::new(SystemClock),
        }
    }
}

/// The token never appears in debug output.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("seed", &self.seed)
            .field("state", &self.state)
            .field("token", &"[redacted]")
            .field("engine", &self.engine)
            .field("rate_limits", &self.rate_limits)
            .field("faults", &self.faults)
            .field("rng_seed", &self.rng_seed)
            .finish_non_exhaustive()
    }
}

/// Why the server could not start or run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    #[diagnostic(
        code(oktapol::emulator::bind),
        help("choose another --port (0 picks a free one) or --bind address")
    )]
    Bind { addr: SocketAddr, source: io::Error },
    #[error(transparent)]
    #[diagnostic(
        code(oktapol::emulator::state),
        help("move the file away to start from a fresh org")
    )]
    State(#[from] PersistError),
    #[error("{} holds a {found} org, but --engine {wanted} was given", path.display())]
    #[diagnostic(
        code(oktapol::emulator::engine),
        help("leave out --engine to keep the saved org, or use another --state file")
    )]
    EngineMismatch {
        path: PathBuf,
        found: &'static str,
        wanted: &'static str,
    },
    #[error(transparent)]
    #[diagnostic(
        code(oktapol::emulator::seed),
        help("see examples/org-seed.yaml for the seed file's format")
    )]
    Seed(#[from] SeedError),
    #[error("cannot listen for shutdown signals: {0}")]
    #[diagnostic(code(oktapol::emulator::signal))]
    Signal(#[source] io::Error),
}

fn engine_name(engine: Engine) -> &'static str {
    match engine {
        Engine::Oie => "oie",
        Engine::Classic => "classic",
    }
}

/// A new org with Okta's defaults.
/// A fresh org with Okta's defaults plus the seed's directory objects (at
/// start and on `/__emulator/reset`).
fn fresh_org(
    engine: Engine,
    rng_seed: u64,
    clock: Arc<dyn Clock>,
    base_url: &str,
    seed: Option<&Seed>,
) -> Org {
    let mut org = Org::new(engine, rng_seed, clock);
    org.set_base_url(base_url);
    if let Some(seed) = seed {
        org.add_seed(seed);
    }
    org
}

/// The state every handler and middleware shares.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    org: Mutex<Org>,
    engine: Engine,
    rng_seed: u64,
    base_url: String,
    org_id: String,
    clock: Arc<dyn Clock>,
    authenticators: Authenticators,
    oauth: Arc<OAuthServer>,
    rate_limiter: RateLimiter,
    faults: Faults,
    stats: Stats,
    persister: Option<Persister>,
    error_ids: Mutex<IdGenerator>,
    seed: Option<Seed>,
}

impl AppState {
    fn org(&self) -> MutexGuard<'_, Org> {
        self.0.org.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the org under its lock; for reads (Okta's read calls
    /// still take `&mut Org`: an error draws an `errorId`).
    pub fn read<T>(&self, f: impl FnOnce(&mut Org) -> T) -> T {
        f(&mut self.org())
    }

    /// Runs a write on the org under its lock and, when it succeeded and
    /// the org persists, saves the state before answering.
    pub async fn write<T>(&self, f: impl FnOnce(&mut Org) -> Outcome<T>) -> Result<T, ApiError> {
        let (value, snapshot) = {
            let mut org = self.org();
            let value = f(&mut org)?;
            let snapshot = self.0.persister.as_ref().map(|p| p.snapshot(&org));
            (value, snapshot)
        };
        self.save(snapshot).await?;
        Ok(value)
    }

    async fn save(
        &self,
        snapshot: Option<Result<persist::Snapshot, PersistError>>,
    ) -> Result<(), ApiError> {
        let (Some(persister), Some(snapshot)) = (&self.0.persister, snapshot) else {
            return Ok(());
        };
        let saved = match snapshot {
            Ok(snapshot) => persister.save(snapshot).await,
            Err(error) => Err(error),
        };
        saved.map_err(|error| {
            // The write happened in memory but not on disk: say so where
            // the operator looks, and fail the request like Okta's 500.
            eprintln!("oktapol emulator: {error}");
            ApiError::internal(self)
        })
    }

    /// Replaces the org with a fresh one and clears counts and windows.
    pub async fn reset(&self) -> Result<(), ApiError> {
        let snapshot = {
            let mut org = self.org();
            *org = fresh_org(
                self.0.engine,
                self.0.rng_seed,
                Arc::clone(&self.0.clock),
                &self.0.base_url,
                self.0.seed.as_ref(),
            );
            self.0.persister.as_ref().map(|p| p.snapshot(&org))
        };
        self.0.stats.clear();
        self.0.rate_limiter.reset();
        self.0.faults.reseed();
        self.save(snapshot).await
    }

    /// A fresh Okta-style `errorId`.
    pub fn error_id(&self) -> String {
        self.0
            .error_ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next("oae")
    }

    /// The URL clients reach the server at, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.0.base_url
    }

    /// The organization's id (`/.well-known/okta-organization`).
    pub fn org_id(&self) -> &str {
        &self.0.org_id
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.0.clock
    }

    pub fn authenticators(&self) -> &Authenticators {
        &self.0.authenticators
    }

    /// The OAuth 2.0 authorization server of the seed's service apps.
    pub fn oauth(&self) -> &OAuthServer {
        &self.0.oauth
    }

    pub fn rate_limiter(&self) -> &RateLimiter {
        &self.0.rate_limiter
    }

    pub fn faults(&self) -> &Faults {
        &self.0.faults
    }

    pub fn stats(&self) -> &Stats {
        &self.0.stats
    }
}

/// The emulator's own paths, exempt from rate limits, faults and counting.
pub fn is_admin(path: &str) -> bool {
    path == "/__emulator" || path.starts_with("/__emulator/")
}

/// An emulator ready to serve: its org loaded, its router built.
pub struct Emulator {
    state: AppState,
}

impl Emulator {
    /// Loads the org from `config.state` (or creates it, saving it there),
    /// with `_links` pointing at `base_url`.
    pub fn new(config: Config, base_url: &str) -> Result<Self, ServeError> {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let seed = config.seed.as_deref().map(Seed::read).transpose()?;
        let persister = config.state.as_ref().map(Persister::new);
        let saved = match &persister {
            Some(persister) => persister.load()?,
            None => None,
        };
        let fresh = saved.is_none();
        let mut org = match saved {
            Some(state) => {
                if let Some(wanted) = config.engine
                    && wanted != state.engine
                {
                    return Err(ServeError::EngineMismatch {
                        path: config.state.clone().unwrap_or_default(),
                        found: engine_name(state.engine),
                        wanted: engine_name(wanted),
                    });
                }
                Org::from_state(state, Arc::clone(&config.clock))
            }
            None => fresh_org(
                config.engine.unwrap_or_default(),
                config.rng_seed,
                Arc::clone(&config.clock),
                &base_url,
                seed.as_ref(),
            ),
        };
        org.set_base_url(&base_url);
        if let (Some(persister), true) = (&persister, fresh) {
            let bytes = serde_json::to_vec(org.state()).map_err(PersistError::Serialise)?;
            persist::write_atomically(persister.path(), &bytes).map_err(|source| {
                PersistError::Write {
                    path: persister.path().to_path_buf(),
                    source,
                }
            })?;
        }
        let engine = org.engine();
        let org_id = org.org_id().to_owned();
        let oauth = Arc::new(OAuthServer::new(
            seed.as_ref().map_or(&[][..], |seed| &seed.service_apps),
            config.seed.as_deref().unwrap_or(std::path::Path::new("")),
            &base_url,
            Arc::clone(&config.clock),
        )?);
        let shared = Shared {
            org: Mutex::new(org),
            engine,
            rng_seed: config.rng_seed,
            // Its own stream: the org's first object must not share the org's id.
            org_id,
            base_url,
            clock: Arc::clone(&config.clock),
            authenticators: Authenticators::new()
                .with(SswsToken::new(config.token))
                .with(ServiceAppTokens(Arc::clone(&oauth))),
            oauth,
            rate_limiter: RateLimiter::new(config.rate_limits, Arc::clone(&config.clock)),
            faults: Faults::new(config.faults, config.rng_seed),
            stats: Stats::default(),
            persister,
            error_ids: Mutex::new(IdGenerator::new(config.rng_seed ^ 0x6f61_6500)),
            seed,
        };
        Ok(Emulator {
            state: AppState(Arc::new(shared)),
        })
    }

    /// The shared state (for routes added beside these).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The whole application: Okta's routes, the admin routes, and the
    /// middleware stack.
    pub fn router(&self) -> Router {
        let state = self.state.clone();
        Router::new()
            .merge(routes::policies(state.clone()))
            .merge(routes::well_known())
            .merge(oauth::routes())
            .merge(simulate::routes())
            // Directory objects, app↔policy mappings and authorization-server
            // policies: the same auth, rate limits, faults and counting.
            .merge(directory_routes::directory())
            .merge(admin::routes())
            .fallback(not_found)
            .layer(from_fn_with_state(state.clone(), auth::require_auth))
            .layer(from_fn_with_state(state.clone(), faults::inject_faults))
            .layer(from_fn_with_state(state.clone(), rate_limit::rate_limit))
            .layer(from_fn_with_state(state.clone(), stats::count_requests))
            .layer(from_fn_with_state(state.clone(), errors::json_errors))
            .layer(from_fn_with_state(state.clone(), stamp_date))
            .with_state(state)
    }
}

/// 404 `E0000007` for a path no route serves.
async fn not_found(State(app): State<AppState>, request: Request) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        OktaError::not_found(request.uri().path(), "Resource", app.error_id()),
    )
    .into_response()
}

/// Middleware: `Date` from the injected clock, so it agrees with
/// `X-Rate-Limit-Reset` (hyper would otherwise stamp the wall clock).
async fn stamp_date(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(app.clock().now())) {
        response.headers_mut().insert(header::DATE, date);
    }
    response
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    url: String,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Server {
    /// `http://host:port`, no trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets requests in flight finish, and returns when
    /// the server is down.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully.
    pub async fn run_until(self, mut signals: ShutdownSignals) {
        signals.recv().await;
        self.shutdown().await;
    }
}

/// The URL for a bound address: an unspecified address (`0.0.0.0`, `::`)
/// is reached through loopback.
fn url_for(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// Binds, loads the org, and starts serving in the background.
pub async fn serve(config: Config) -> Result<Server, ServeError> {
    let addr = SocketAddr::new(config.bind, config.port);
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr, source })?;
    let url = url_for(addr);
    let router = Emulator::new(config, &url)?.router();
    let (shutdown, receiver) = oneshot::channel();
    let task = tokio::spawn(connection::accept_loop(listener, router, receiver));
    Ok(Server {
        url,
        addr,
        shutdown: Some(shutdown),
        task,
    })
}

/// SIGINT and SIGTERM, listened for from creation on (so a signal that
/// arrives while the server starts is not lost to the default handler).
pub struct ShutdownSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    /// Starts listening; needs a tokio runtime.
    pub fn install() -> Result<Self, ServeError> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(ShutdownSignals {
                interrupt: signal(SignalKind::interrupt()).map_err(ServeError::Signal)?,
                terminate: signal(SignalKind::terminate()).map_err(ServeError::Signal)?,
            })
        }
        #[cfg(not(unix))]
        Ok(ShutdownSignals {})
    }

    /// Waits for either signal.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
