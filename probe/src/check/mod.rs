//! Live checks: run a plan's checks concurrently, each bounded by a timeout, and say for each
//! what passed, what failed, why, and what to do about it.

mod connect;
mod dns;
mod http;
mod proxy;
pub mod proxy_env;
pub mod report;
pub mod routing;
pub mod tls;
pub mod vantage;
mod websocket;

use rules::plan::{Check, CheckKind, Plan};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

#[derive(Clone)]
pub struct Options {
    /// Limit for each check as a whole.
    pub timeout: Duration,
    /// Checks in flight at once in this run.
    pub parallel: usize,
    /// Checks in flight at once across runs that share it (every session of `serve`). A check
    /// holds one connection at a time (Happy Eyeballs' racing attempts aside), so this caps
    /// the probe's outbound connections however many pages ask.
    pub shared_limit: Option<Arc<Semaphore>>,
    /// The trust stores certificates are judged by (system + `--ca`, and the public web PKI).
    pub trust: Arc<tls::Trust>,
    /// `Basic` credentials for the proxy, from the environment; never printed.
    pub proxy_auth: Option<String>,
}

pub use rules::protocol::reply::{LiveResult, Stage, Verdict};

/// A check's result: what the app shows (`LiveResult`, the wire type both ends share,
/// flattened into the same JSON object) and the evidence behind it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CheckResult {
    #[serde(flatten)]
    pub outcome: LiveResult,
    pub host: String,
    pub port: u16,
    /// Of an optional flow (`rules::report::Reported` reads it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    pub steps: Vec<Step>,
    pub millis: u64,
}

/// Reports read a result's verdict and texts as they read its steps.
impl std::ops::Deref for CheckResult {
    type Target = LiveResult;

    fn deref(&self) -> &LiveResult {
        &self.outcome
    }
}

/// One stage of a check: dns, proxy, tcp, tls.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Step {
    pub name: Stage,
    pub ok: bool,
    pub detail: String,
    pub millis: u64,
    /// The address a `tcp` step tried or connected to: what the socket really reached, whatever
    /// name or id the plan gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<std::net::SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<tls::TlsReport>,
}

/// What a failed stage tells the user.
pub(crate) struct Failure {
    pub summary: String,
    pub cause: String,
    pub remediation: String,
}

impl Step {
    fn timed(name: Stage, started: Instant, ok: bool, detail: String) -> Step {
        Step {
            name,
            ok,
            detail,
            millis: started.elapsed().as_millis() as u64,
            peer: None,
            tls: None,
        }
    }

    fn with_peer(self, peer: std::net::SocketAddr) -> Step {
        Step {
            peer: Some(peer),
            ..self
        }
    }
}

impl CheckResult {
    /// The address the check's connection reached (the proxy's, for a proxied check).
    pub fn connected_to(&self) -> Option<std::net::SocketAddr> {
        self.steps
            .iter()
            .rev()
            .find(|s| s.name == Stage::Tcp && s.ok)
            .and_then(|s| s.peer)
    }
}

/// Runs every check of the plan; `progress` sees each result as it completes.
pub async fn run(
    plan: &Plan,
    options: Options,
    mut progress: impl FnMut(&CheckResult),
) -> Vec<CheckResult> {
    let options = Arc::new(options);
    let limit = Arc::new(Semaphore::new(options.parallel.max(1)));
    let proxy = plan.proxy.clone();
    let mut tasks = JoinSet::new();
    for (index, check) in plan.checks.iter().cloned().enumerate() {
        let (options, limit, proxy) = (options.clone(), limit.clone(), proxy.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let _shared = match &options.shared_limit {
                Some(shared) => Some(shared.clone().acquire_owned().await),
                None => None,
            };
            let started = Instant::now();
            let mut steps = Vec::new();
            let outcome = tokio::time::timeout(
                options.timeout,
                run_one(&check, proxy.as_deref(), &options, &mut steps),
            )
            .await;
            let mut stalled_at = None;
            let outcome = outcome.unwrap_or_else(|_| {
                let tunnelled = proxy.as_deref().filter(|_| check.via_proxy);
                let stage = in_progress(&check, tunnelled, &steps);
                stalled_at = Some(stage);
                Err(timed_out(
                    options.timeout,
                    stage,
                    tunnelled.is_some(),
                    &steps,
                ))
            });
            (index, finish(&check, outcome, steps, started, stalled_at))
        });
    }
    let mut results: Vec<Option<CheckResult>> = vec![None; plan.checks.len()];
    while let Some(joined) = tasks.join_next().await {
        if let Ok((index, result)) = joined {
            progress(&result);
            results[index] = Some(result);
        }
    }
    results.into_iter().flatten().collect()
}

/// A timeout, told by how far the check got: a connection attempt nobody answers is a black
/// hole (a DROP rule, a missing route back); a connection that then goes quiet is a stalling
/// server or a middlebox holding the traffic.
/// The stage a check was in when its time ran out, from the stages it finished: a timeout
/// leaves no step of its own, and a slow name server must not read as a firewall DROP.
fn in_progress(check: &Check, proxy: Option<&str>, steps: &[Step]) -> Stage {
    let done = |stage| steps.iter().any(|s| s.name == stage && s.ok);
    // The first name looked up is the proxy's when the check goes through it.
    let first_host = match proxy {
        Some(proxy) => rules::endpoint::parse_endpoint(proxy).map(|e| e.host),
        None => rules::endpoint::parse_host(&check.host),
    };
    let looks_up = matches!(first_host, Ok(rules::endpoint::Host::Name(_)));
    if looks_up && !done(Stage::Dns) {
        Stage::Dns
    } else if !done(Stage::Tcp) {
        Stage::Tcp
    } else if proxy.is_some() && !done(Stage::Proxy) {
        Stage::Proxy
    } else {
        match check.kind {
            CheckKind::Tcp => Stage::Tcp,
            CheckKind::Tls | CheckKind::Grpc => Stage::Tls,
            CheckKind::Http => Stage::Http,
        }
    }
}

fn timed_out(limit: Duration, stage: Stage, tunnelled: bool, steps: &[Step]) -> Failure {
    let summary = format!("no answer within {} s", limit.as_secs_f32());
    if stage == Stage::Dns {
        return Failure {
            summary,
            cause: "the name server did not answer in time: the name was never looked up, so nothing was sent to the destination".into(),
            remediation: "check the DNS servers this machine uses and that they answer for this name (split DNS, conditional forwarders)".into(),
        };
    }
    let connected = steps.iter().any(|s| s.name == Stage::Tcp && s.ok);
    let proxied = steps.iter().any(|s| s.name == Stage::Proxy && s.ok);
    if connected && tunnelled && !proxied {
        Failure {
            summary,
            cause: "the proxy accepted the connection but never answered the request (CONNECT, or the forwarded HTTP request)"
                .into(),
            remediation: "check that the address is an HTTP proxy and that it is healthy".into(),
        }
    } else if !connected {
        Failure {
            summary,
            cause: "the connection attempt was never answered: packets are dropped on the way (a firewall DROP rule, a missing route back) or the host is down".into(),
            remediation: "open the flow in the firewall (a REJECT rule would at least fail fast), and check that the destination is up".into(),
        }
    } else if proxied {
        Failure {
            summary,
            cause: "the proxy opened the tunnel, but nothing came back through it: the destination drops the connection or stalls".into(),
            remediation: "check that the destination serves this port and that the proxy's egress may reach it".into(),
        }
    } else {
        Failure {
            summary,
            cause: "the connection was accepted, then nothing answered: the server stalls, or a middlebox holds the traffic".into(),
            remediation: "check that the service on this port speaks TLS and is healthy".into(),
        }
    }
}

fn finish(
    check: &Check,
    outcome: Result<(Verdict, String), Failure>,
    steps: Vec<Step>,
    started: Instant,
    stalled_at: Option<Stage>,
) -> CheckResult {
    let (verdict, summary, cause, remediation) = match outcome {
        Ok((verdict, summary)) => (verdict, summary, None, None),
        Err(f) => (Verdict::Fail, f.summary, Some(f.cause), Some(f.remediation)),
    };
    let warn = steps
        .iter()
        .find_map(|s| s.tls.as_ref().and_then(|t| t.warning.clone()));
    let (cause, remediation) = match (verdict, warn) {
        (Verdict::Warn, Some((c, r))) => (Some(c), Some(r)),
        _ => (cause, remediation),
    };
    // A timeout ended the check in the stage it was in; otherwise the last stage that failed.
    let failed_at = (verdict == Verdict::Fail)
        .then(|| stalled_at.or_else(|| steps.iter().rev().find(|s| !s.ok).map(|s| s.name)))
        .flatten();
    CheckResult {
        outcome: LiveResult {
            id: check.id.clone(),
            flow: check.flow.clone(),
            verdict,
            summary,
            cause,
            remediation,
            failed_at,
        },
        host: check.host.clone(),
        port: check.port,
        optional: check.optional,
        steps,
        millis: started.elapsed().as_millis() as u64,
    }
}

async fn run_one(
    check: &Check,
    proxy: Option<&str>,
    options: &Options,
    steps: &mut Vec<Step>,
) -> Result<(Verdict, String), Failure> {
    if check.kind == CheckKind::Http {
        if let Some(proxy) = proxy.filter(|_| check.via_proxy) {
            return http::via_proxy(check, proxy, options.proxy_auth.as_deref(), steps).await;
        }
    }
    let stream = open(check, proxy, options, steps).await?;
    let outcome = match check.kind {
        CheckKind::Tcp => return Ok((Verdict::Pass, "connection accepted".into())),
        CheckKind::Http => return http::direct(check, stream, steps).await,
        CheckKind::Tls | CheckKind::Grpc => {
            tls::handshake(check, stream, &options.trust, steps).await?
        }
    };
    if check.kind != CheckKind::Grpc {
        return Ok(outcome);
    }
    let report = steps.iter().rev().find_map(|s| s.tls.as_ref());
    if report.is_some_and(|r| r.alpn.as_deref() == Some("h2")) {
        // gRPC can run: the fallback would never be used, so it is not tried.
        return Ok(outcome);
    }
    let inspected = report.is_some_and(|r| r.public_ca == Some(false));
    // The second connection's own dns/tcp/proxy steps repeat the first's; only its outcome is news.
    let fallback = match open(check, proxy, options, &mut Vec::new()).await {
        Ok(stream) => websocket::upgrade(check, stream, &options.trust, inspected, steps).await,
        Err(f) => {
            steps.push(Step::timed(
                Stage::Websocket,
                Instant::now(),
                false,
                format!("a second connection failed: {}", f.summary),
            ));
            websocket::Fallback::Unproven
        }
    };
    match websocket::judge(fallback) {
        (Verdict::Fail, summary) => Err(Failure {
            summary: summary.into(),
            cause: format!(
                "HTTP/2 was not negotiated and {}",
                steps.last().map_or("", |s| s.detail.as_str())
            ),
            remediation: "let HTTP/2 through (no TLS inspection for this destination, or a proxy that supports it), or at least HTTP/1.1 WebSocket upgrades".into(),
        }),
        (verdict, summary) => Ok((verdict, summary.into())),
    }
}

/// A TCP stream to the target: through the proxy's CONNECT tunnel when the check goes that way.
async fn open(
    check: &Check,
    proxy: Option<&str>,
    options: &Options,
    steps: &mut Vec<Step>,
) -> Result<tokio::net::TcpStream, Failure> {
    match proxy.filter(|_| check.via_proxy) {
        Some(proxy) => proxy::tunnel(check, proxy, options.proxy_auth.as_deref(), steps).await,
        None => {
            let addresses = dns::resolve(&check.host, check.port, steps).await?;
            connect::tcp(&addresses, steps).await
        }
    }
}
