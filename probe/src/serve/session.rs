//! One WebSocket session: bounded in message size (set at the upgrade), rate, errors and idle
//! time; it can only run checks of the plan the probe was started with.

use super::protocol::{self, Reply, Request};
use super::Shared;
use crate::check::{self, Options, Verdict};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

const IDLE: Duration = Duration::from_secs(300);
const MESSAGES_PER_MINUTE: usize = 60;
const MAX_ERRORS: usize = 3;

pub async fn run(mut socket: WebSocket, shared: Arc<Shared>, peer: String) {
    let mut errors = 0;
    let mut window = (Instant::now(), 0usize);
    loop {
        let message = match tokio::time::timeout(IDLE, socket.recv()).await {
            Err(_) => return close(socket, 1000, "idle").await,
            Ok(None) => return,
            // Oversized or malformed frames end up here: tungstenite has already refused them.
            Ok(Some(Err(e))) => {
                tracing::info!(target: "audit", event = "session-error", %peer, error = %e);
                return;
            }
            Ok(Some(Ok(m))) => m,
        };
        if window.0.elapsed() > Duration::from_secs(60) {
            window = (Instant::now(), 0);
        }
        window.1 += 1;
        if window.1 > MESSAGES_PER_MINUTE {
            tracing::info!(target: "audit", event = "rate-limited", %peer);
            return close(socket, 1008, "too many messages").await;
        }
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => return close(socket, 1003, "text frames only").await,
            Message::Close(_) => return,
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        let reply = match protocol::parse(&text) {
            Ok(Request::Hello) => Reply::hello(shared.plan.as_ref()).to_json(),
            Ok(Request::Run(ids)) => match run_checks(&mut socket, &shared, ids, &peer).await {
                Ok(done) => done,
                Err(message) => Reply::error(message).to_json(),
            },
            Err(message) => {
                errors += 1;
                Reply::error(message).to_json()
            }
        };
        if socket.send(Message::Text(reply.into())).await.is_err() {
            return;
        }
        if errors >= MAX_ERRORS {
            return close(socket, 1008, "too many bad messages").await;
        }
    }
}

async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

/// Runs the chosen checks of the plan, streaming each result; returns the closing summary.
async fn run_checks(
    socket: &mut WebSocket,
    shared: &Shared,
    ids: Option<Vec<String>>,
    peer: &str,
) -> Result<String, String> {
    let plan = shared.plan.as_ref().ok_or(
        "this probe was started without a plan: start it with --plan FILE (from `portcheck plan`)",
    )?;
    let mut chosen = plan.clone();
    if let Some(ids) = ids {
        if let Some(unknown) = ids
            .iter()
            .find(|id| !plan.checks.iter().any(|c| &c.id == *id))
        {
            return Err(format!(
                "'{}' is not a check of this probe's plan",
                rules::endpoint::printable(unknown)
            ));
        }
        chosen.checks.retain(|c| ids.contains(&c.id));
    }
    let options = Options {
        timeout: Duration::from_secs(10),
        parallel: 32,
        trust: shared.trust.clone(),
        proxy_auth: shared.proxy_auth.clone(),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let peer = peer.to_owned();
    let checks = check::run(&chosen, options, move |r| {
        tracing::info!(target: "audit", event = "check", %peer, check = %r.id, verdict = ?r.verdict, millis = r.millis);
        let _ = tx.send(r.clone());
    });
    let forward = async {
        while let Some(result) = rx.recv().await {
            let json = Reply::Result {
                v: protocol::VERSION,
                result: &result,
            }
            .to_json();
            if socket.send(Message::Text(json.into())).await.is_err() {
                break;
            }
        }
    };
    let (results, ()) = tokio::join!(checks, forward);
    let count = |v| results.iter().filter(|r| r.verdict == v).count();
    Ok(Reply::Done {
        v: protocol::VERSION,
        passed: count(Verdict::Pass),
        warned: count(Verdict::Warn),
        failed: count(Verdict::Fail),
    }
    .to_json())
}
