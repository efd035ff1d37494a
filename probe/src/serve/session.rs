//! One WebSocket session: bounded in message size (set at the upgrade), rate, errors, idle
//! time and the time a reply may take to be written (a client that stops reading loses its
//! slot like one that stops writing); it runs only checks of the plan the probe was started with, or of one the page proposed
//! and the person at the probe's terminal confirmed.

use super::terminal::RUNS_PER_CONFIRMATION;
use super::Shared;
use crate::check::{self, Options, Verdict};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use rules::plan::Plan;
use rules::protocol::reply::Reply;
use rules::protocol::{Request, VERSION};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MESSAGES_PER_MINUTE: usize = 60;
const MAX_ERRORS: usize = 3;

pub async fn run(mut socket: WebSocket, shared: Arc<Shared>, peer: String, origin: String) {
    // The plan the probe was started with, or one the page proposed and the terminal confirmed.
    let mut plan = shared.plan.clone();
    // Runs left of a plan the terminal allowed; unbounded for the probe's own `--plan`.
    let mut runs_left: Option<usize> = None;
    let mut errors = 0;
    let mut window = (Instant::now(), 0usize);
    loop {
        let message = match tokio::time::timeout(shared.idle, socket.recv()).await {
            Err(_) => return close(socket, shared.idle, 1000, "idle").await,
            Ok(None) => return,
            // Oversized or malformed frames end up here: tungstenite has already refused them.
            Ok(Some(Err(e))) => {
                let (code, reason) = violation(e);
                if let Some(not_logged) = shared.peer_log.admit() {
                    tracing::info!(target: "audit", event = "session-error", %peer, code, error = reason, not_logged);
                }
                return close(socket, shared.idle, code, reason).await;
            }
            Ok(Some(Ok(m))) => m,
        };
        if window.0.elapsed() > Duration::from_secs(60) {
            window = (Instant::now(), 0);
        }
        window.1 += 1;
        if window.1 > MESSAGES_PER_MINUTE {
            tracing::info!(target: "audit", event = "rate-limited", %peer);
            return close(socket, shared.idle, 1008, "too many messages").await;
        }
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => {
                return close(socket, shared.idle, 1003, "text frames only").await
            }
            Message::Close(_) => return,
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        let reply = match rules::protocol::parse(&text) {
            Ok(Request::Hello) => Reply::<()>::hello(plan.as_ref()).to_json(),
            Ok(Request::Propose(proposed)) => {
                match propose(&shared, *proposed, &origin, &peer).await {
                    Ok(confirmed) => {
                        let reply = Reply::<()>::hello(Some(&confirmed)).to_json();
                        plan = Some(confirmed);
                        runs_left = Some(RUNS_PER_CONFIRMATION);
                        reply
                    }
                    Err(message) => Reply::<()>::error(message).to_json(),
                }
            }
            Ok(Request::Run(_)) if runs_left == Some(0) => Reply::<()>::error(format!(
                "the page has run this plan the {RUNS_PER_CONFIRMATION} times the probe's terminal allowed: propose it again to ask there"
            ))
            .to_json(),
            Ok(Request::Run(ids)) => {
                match run_checks(&mut socket, &shared, plan.as_ref(), ids, &peer).await {
                    Ok(done) => {
                        runs_left = runs_left.map(|n| n - 1);
                        done
                    }
                    Err(NotRun::Refused(message)) => Reply::<()>::error(message).to_json(),
                    Err(NotRun::Stalled) => return,
                }
            }
            Err(message) => {
                errors += 1;
                Reply::<()>::error(message).to_json()
            }
        };
        if send_within(&mut socket, shared.idle, Message::Text(reply.into()))
            .await
            .is_err()
        {
            return;
        }
        if errors >= MAX_ERRORS {
            return close(socket, shared.idle, 1008, "too many bad messages").await;
        }
    }
}

/// A client that does not read lets the socket buffers fill and a send wait for ever: one that
/// cannot be written within `limit` ends the session.
async fn send_within(socket: &mut WebSocket, limit: Duration, message: Message) -> Result<(), ()> {
    match tokio::time::timeout(limit, socket.send(message)).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

async fn close(mut socket: WebSocket, limit: Duration, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = send_within(&mut socket, limit, Message::Close(Some(frame))).await;
}

/// The close code RFC 6455 (section 7.4.1) gives a violation the socket refused: a message or
/// frame over the limit, text that is not UTF-8, anything else against the protocol.
fn violation(error: axum::Error) -> (u16, &'static str) {
    use tokio_tungstenite::tungstenite::Error;
    match error.into_inner().downcast::<Error>().map(|e| *e) {
        Ok(Error::Capacity(_)) => (1009, "message too big"),
        Ok(Error::Utf8(_)) => (1007, "text is not UTF-8"),
        _ => (1002, "protocol error"),
    }
}

/// A plan from the page: refused when the probe has its own, checked like a plan file, then put
/// to the person at the terminal.
async fn propose(shared: &Shared, plan: Plan, origin: &str, peer: &str) -> Result<Plan, String> {
    if shared.plan.is_some() {
        return Err("this probe runs the plan it was started with (--plan); restart it without --plan to run the page's".into());
    }
    crate::check_command::validate(&plan, &shared.allowed_ports, shared.env_proxy.as_ref())
        .map_err(|problems| format!("the plan is not usable: {}", problems.join("; ")))?;
    let decision = shared
        .terminal
        .confirm(origin, &plan, shared.env_proxy.as_ref())
        .await;
    tracing::info!(target: "audit", event = "proposal", %peer, %origin, checks = plan.checks.len(), confirmed = decision.is_ok());
    decision.map(|()| plan)
}

enum NotRun {
    /// The request cannot run; the page is told why.
    Refused(String),
    /// The page stopped reading the results: the session ends.
    Stalled,
}

/// Runs the chosen checks of the plan, streaming each result; returns the closing summary.
async fn run_checks(
    socket: &mut WebSocket,
    shared: &Shared,
    plan: Option<&Plan>,
    ids: Option<Vec<String>>,
    peer: &str,
) -> Result<String, NotRun> {
    let plan = plan.ok_or(NotRun::Refused(
        "this probe has no plan yet: propose one from the page, or start the probe with --plan FILE (from `portcheck plan`)".into(),
    ))?;
    let mut chosen = plan.clone();
    if let Some(ids) = ids {
        if let Some(unknown) = ids
            .iter()
            .find(|id| !plan.checks.iter().any(|c| &c.id == *id))
        {
            return Err(NotRun::Refused(format!(
                "'{}' is not a check of this probe's plan",
                rules::endpoint::printable(unknown)
            )));
        }
        chosen.checks.retain(|c| ids.contains(&c.id));
    }
    let options = Options {
        timeout: shared.timeout,
        parallel: 32,
        shared_limit: Some(shared.outbound.clone()),
        trust: shared.trust.clone(),
        proxy_auth: crate::check::proxy_env::EnvProxy::credentials_for_plan(
            shared.env_proxy.as_ref(),
            &chosen,
        ),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let peer = peer.to_owned();
    let checks = check::run(&chosen, options, move |r| {
        // The id and host come from the page: escaped. `connected` is where the socket went.
        let connected = r
            .connected_to()
            .map_or_else(|| "-".to_owned(), |a| a.to_string());
        tracing::info!(target: "audit", event = "check", %peer, check = %rules::endpoint::printable(&r.id), target = %format!("{}:{}", rules::endpoint::printable(&r.host), r.port), %connected, verdict = ?r.verdict, millis = r.millis);
        let _ = tx.send(r.clone());
    });
    // A client that stops reading the results ends the run: its checks are cancelled.
    let forward = async {
        while let Some(result) = rx.recv().await {
            let json = Reply::Result {
                v: VERSION,
                result: &result,
            }
            .to_json();
            send_within(socket, shared.idle, Message::Text(json.into())).await?;
        }
        Ok(())
    };
    let (results, ()) =
        tokio::try_join!(async { Ok(checks.await) }, forward).map_err(|()| NotRun::Stalled)?;
    let count = |v| results.iter().filter(|r| r.verdict == v).count();
    Ok(Reply::<()>::Done {
        v: VERSION,
        passed: count(Verdict::Pass),
        warned: count(Verdict::Warn),
        failed: count(Verdict::Fail),
    }
    .to_json())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckResult, LiveResult};

    /// The probe's result (steps, host, millis and all) goes out in the shared wire type and
    /// the app's reader gets back exactly what the probe decided.
    #[test]
    fn the_app_reads_back_what_a_session_writes() {
        let result = CheckResult {
            outcome: LiveResult {
                id: "pcg-palette@api.example:443".into(),
                flow: "pcg-palette".into(),
                verdict: Verdict::Fail,
                summary: "no answer".into(),
                cause: Some("dropped".into()),
                remediation: Some("open it".into()),
                failed_at: Some(crate::check::Stage::Tcp),
            },
            host: "api.example".into(),
            port: 443,
            optional: false,
            steps: Vec::new(),
            millis: 12,
        };
        let json = Reply::Result {
            v: VERSION,
            result: &result,
        }
        .to_json();
        assert_eq!(
            rules::protocol::reply::parse(&json),
            Ok(Reply::Result {
                v: VERSION,
                result: result.outcome.clone()
            })
        );
        let hello = Reply::<()>::hello(None).to_json();
        assert_eq!(
            rules::protocol::reply::parse(&hello),
            Ok(Reply::hello(None))
        );
    }
}
