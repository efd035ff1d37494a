//! `portcheck serve`: the built app and the WebSocket endpoint for live checks, on loopback.

mod assets;
mod csp;
mod gate;
mod session;
mod terminal;

use crate::check::tls::Trust;
use crate::cli::ServeArgs;
use crate::listen::exposure::{self, HostCheck};
use crate::listen::peer_log::PeerLog;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gate::Gate;
use rules::plan::Plan;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

/// Frames and messages from the page are small JSON; anything bigger is refused by the socket.
const MAX_MESSAGE: usize = 64 * 1024;
/// Checks in flight at once across all sessions: one session's own parallelism. Four sessions
/// had 128 connections open at once.
const MAX_OUTBOUND: usize = 32;

/// What every session shares.
pub struct Shared {
    gate: Gate,
    plan: Option<Plan>,
    /// Ports beyond the rule base's that plans may use (`--allow-port`).
    allowed_ports: Vec<u16>,
    terminal: terminal::Terminal,
    trust: Arc<Trust>,
    /// The proxy of `HTTPS_PROXY`: its credentials go to it and nowhere else.
    env_proxy: Option<crate::check::proxy_env::EnvProxy>,
    /// Limit for each check (`--timeout`).
    timeout: std::time::Duration,
    /// How long a session may stay silent, or take to read a reply (`--idle-timeout`).
    idle: std::time::Duration,
    /// Shared by every session's checks (`MAX_OUTBOUND`).
    outbound: Arc<tokio::sync::Semaphore>,
    peer_log: Arc<PeerLog>,
}

pub fn run(args: ServeArgs) -> ExitCode {
    if let Err(message) = check_args(&args) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let runtime = match crate::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let outcome = runtime.block_on(serve(args));
    // Standard input is read on a blocking thread, which a waiting terminal question leaves
    // waiting for a line: the runtime must not wait for it on the way out.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn check_args(args: &ServeArgs) -> Result<(), String> {
    exposure::check(
        "--bind",
        std::net::SocketAddr::new(args.bind, args.port),
        args.expose,
        &args.allow_hosts,
    )?;
    match &args.dir {
        Some(dir) if !dir.join("index.html").is_file() => {
            return Err(format!(
                "{} has no index.html: build the app first (`make run` does), or point --dir at the built app",
                dir.display()
            ));
        }
        // No app here, so only pages elsewhere can use this probe: they must be named.
        None if args.allow_origins.is_empty() => {
            return Err("without --dir this probe serves no app, so only a page elsewhere can use it: name that page's origin with --allow-origin (e.g. --allow-origin https://portcheck.example.com, or --allow-origin null for the offline file), or serve the built app with --dir".into());
        }
        _ => {}
    }
    Ok(())
}

fn load_plan(
    args: &ServeArgs,
    env_proxy: Option<&crate::check::proxy_env::EnvProxy>,
) -> Result<Option<Plan>, String> {
    args.plan
        .as_deref()
        .map(|path| crate::check_command::read_plan(path, &args.checks.allow_ports, env_proxy))
        .transpose()
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let env_proxy = crate::check_command::env_proxy();
    let plan = load_plan(&args, env_proxy.as_ref())?;
    let trust = crate::check_command::trust(&args.checks)?;
    let exposure::Bound {
        listener,
        local,
        hosts,
    } = exposure::bind(SocketAddr::new(args.bind, args.port), &args.allow_hosts).await?;
    if args.expose {
        eprintln!(
            "warning: --expose: the app, the pairing token in its link and the live results cross the network in plain HTTP; anyone who can watch that traffic can pair with this probe. Prefer the loopback default with an SSH tunnel."
        );
    }
    let own_origins = hosts.iter().map(|h| format!("http://{h}")).collect();
    let token = gate::new_token()?;
    let peer_log = Arc::new(PeerLog::new());
    let shared = Arc::new(Shared {
        gate: Gate::new(
            token.clone(),
            own_origins,
            &args.allow_origins,
            args.max_connections as usize,
        )?,
        plan,
        allowed_ports: args.checks.allow_ports.clone(),
        terminal: terminal::Terminal::new(),
        trust,
        env_proxy,
        timeout: std::time::Duration::from_secs(args.checks.timeout),
        idle: std::time::Duration::from_secs(args.idle_timeout),
        outbound: Arc::new(tokio::sync::Semaphore::new(MAX_OUTBOUND)),
        peer_log: peer_log.clone(),
    });
    let assets = Arc::new(match &args.dir {
        Some(dir) => assets::Assets::scan(dir)?,
        None => assets::Assets::probe_only(),
    });
    // The policy hashes the very index.html that is served: both come from the one read.
    let index = assets
        .get("/")
        .map(|page| String::from_utf8_lossy(&page.bytes).into_owned())
        .ok_or_else(|| "the app folder has no index.html".to_owned())?;
    let policy = HeaderValue::try_from(csp::policy(&index, &hosts))
        .map_err(|e| format!("cannot build the Content-Security-Policy: {e}"))?;
    let app = Router::new()
        .route("/v1/ws", get(websocket).with_state(shared.clone()))
        .route(
            rules::protocol::admission::PATH,
            get(admission).with_state(shared.clone()),
        )
        .fallback(asset)
        .with_state(assets)
        .layer(middleware::from_fn_with_state(policy, security_headers))
        .layer(middleware::from_fn_with_state(
            Arc::new(HostCheck {
                allowed: hosts.clone(),
                peer_log: peer_log.clone(),
            }),
            exposure::check_host,
        ));

    // The link must carry a Host this server accepts: on 0.0.0.0 or ::, the first --allow-host.
    let url = match (local, hosts.first()) {
        (_, Some(host)) if local.ip().is_unspecified() => format!("http://{host}/"),
        (SocketAddr::V4(a), _) => format!("http://{a}/"),
        (SocketAddr::V6(a), _) => format!("http://[{}]:{}/", a.ip(), a.port()),
    };
    let origins: Vec<&str> = shared.gate.origins().collect();
    let dir = args.dir.as_deref().map(|d| d.display().to_string());
    tracing::info!(address = %local, dir = ?dir, origins = ?origins, "listening");
    // The token goes to the terminal only, in the URL fragment (never sent to a server); logs
    // never carry it.
    // Printed, not logged, and a closed stdout must not stop the server.
    let opening = match &args.dir {
        Some(_) => format!("portcheck is serving the app. Open {url}#t={token}"),
        None => format!("portcheck is serving live checks (no app: --dir not given). Pairing link: {url}#t={token}"),
    };
    let _ = crate::output::print(&format!(
        "{opening}\nLive checks: ws://{}/v1/ws, from pages of {}\nTo pair another allowed page (the hosted checker, the offline file), add #probe={}&t={token} to its address, or paste the link above into its Live checks panel.\n",
        &url["http://".len()..url.len() - 1],
        origins.join(", "),
        &url[..url.len() - 1]
    ));

    crate::listen::serve(listener, app, peer_log, stop_signal())
        .await
        .map_err(|e| format!("server stopped: {e}"))
}

/// Ctrl-C or SIGTERM (a service manager, `kill`): either stops the server.
pub(crate) async fn stop_signal() {
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

async fn websocket(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let origin = match headers.get(header::ORIGIN) {
        None => "(none)".to_owned(),
        Some(o) => String::from_utf8_lossy(o.as_bytes()).into_owned(),
    };
    let slot = match shared.gate.admit(&headers) {
        Ok(slot) => slot,
        Err(refusal) => {
            if let Some(not_logged) = shared.peer_log.admit() {
                tracing::info!(target: "audit", event = "handshake", accepted = false, reason = refusal.reason(), origin = %rules::endpoint::printable(&origin), %peer, not_logged);
            }
            return (refusal.status(), refusal.reason()).into_response();
        }
    };
    tracing::info!(target: "audit", event = "handshake", accepted = true, origin = %rules::endpoint::printable(&origin), %peer);
    upgrade
        .protocols([gate::PROTOCOL])
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| async move {
            // The slot is held for the life of the session, released when it ends.
            let _slot = slot;
            session::run(socket, shared, peer.to_string(), origin).await;
        })
}

/// Whether the page's origin is accepted, readable only by pages of accepted origins (CORS):
/// the app tells a stale token, a refused origin and a full probe apart with it
/// (`rules::protocol::admission`). Never logged: it carries no request to act on.
async fn admission(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let origin = match shared.gate.origin(&headers) {
        Ok(origin) => origin.cloned(),
        Err(refusal) => return (refusal.status(), refusal.reason()).into_response(),
    };
    let body = rules::protocol::admission::Admission {
        v: rules::protocol::VERSION,
        busy: shared.gate.busy(),
    };
    let mut response = (
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&body).unwrap_or_default(),
    )
        .into_response();
    let h = response.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}

/// No page of another origin may read our responses (but `admission`'s, for accepted origins)
/// or frame them; nothing is cached; the page
/// runs only its own scripts (`csp`). The policy is computed from `index.html` at start: a
/// rebuilt app needs a restarted probe.
async fn security_headers(
    State(policy): State<HeaderValue>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, policy);
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Only the files of the built app, as they were at start (`assets`).
async fn asset(State(assets): State<Arc<assets::Assets>>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "only GET\n",
        )
            .into_response();
    }
    match assets.get(request.uri().path()) {
        Some(file) => (
            [(header::CONTENT_TYPE, file.content_type.clone())],
            file.bytes.clone(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}
