//! One run of live checks over the probe's WebSocket: hello, a proposal when the probe has no
//! plan yet (confirmed at its terminal), then the checks of this page's plan that the probe
//! holds, with results streaming into the page as they finish.

use super::verdicts::LiveRun;
use futures_util::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message};
use leptos::prelude::*;
use rules::pairing::Pairing;
use rules::plan::Plan;
use rules::protocol::reply::{self, LiveResult, Reply};
use rules::protocol::{encode, Request};
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;

/// Where a run stands, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Connecting,
    /// The probe has no plan: it is asking the person at its terminal about ours.
    Confirming,
    Running {
        done: usize,
        total: usize,
    },
    Finished {
        total: usize,
        not_in_probe: usize,
    },
    /// The connection ended mid-run; results so far are kept.
    Lost {
        done: usize,
        total: usize,
    },
    Failed(String),
}

/// The page's live-check signals a run writes to.
#[derive(Clone, Copy)]
pub struct Sink {
    pub phase: RwSignal<Phase>,
    pub results: RwSignal<BTreeMap<String, LiveResult>>,
    /// Checks sent and not yet answered: check id to flow id.
    pub checking: RwSignal<BTreeMap<String, String>>,
    pub run: RwSignal<Option<LiveRun>>,
}

/// Now, as evidence shows dates (`rules::ticket::evidence::date`).
fn now_utc() -> String {
    let iso = js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    rules::ticket::evidence::date(&iso).unwrap_or(iso)
}

pub fn start(pairing: Pairing, plan: Plan, sink: Sink) {
    sink.phase.set(Phase::Connecting);
    // A run replaces the last one's results: each result is read against the plan it ran.
    sink.results.set(BTreeMap::new());
    sink.run.set(Some(LiveRun {
        plan: plan.clone(),
        at: now_utc(),
    }));
    leptos::task::spawn_local(async move {
        let end = session(&pairing, &plan, sink).await;
        sink.checking.set(BTreeMap::new());
        sink.phase.set(end);
    });
}

async fn session(pairing: &Pairing, plan: &Plan, sink: Sink) -> Phase {
    let Sink {
        phase,
        results,
        checking,
        ..
    } = sink;
    let token = format!("portcheck.token.{}", pairing.token);
    let Ok(socket) = WebSocket::open_with_protocols(&pairing.socket_url, &["portcheck.v1", &token])
    else {
        return Phase::Failed(refused(pairing).await);
    };
    let (mut send, mut receive) = socket.split();
    // The handshake has a deadline of its own: a port that accepts and never speaks (another
    // program, a proxy holding the connection, a host dropping packets) would otherwise leave
    // the page connecting for as long as the browser cares to wait. What follows has none:
    // the person at the probe's terminal may take their time, and each check has its own.
    let opened = std::cell::Cell::new(false);
    let handshake = async {
        send.send(Message::Text(encode(&Request::Hello)))
            .await
            .ok()?;
        // The send waits while the socket is connecting.
        opened.set(true);
        receive.next().await
    };
    let first = match within(HANDSHAKE_MS, handshake).await {
        Some(Some(Ok(message))) => message,
        // Refused or closed before a word: the browser does not say why, the diagnosis does.
        Some(_) => return Phase::Failed(refused(pairing).await),
        // Still waiting: `opened` tells a connection never completed from a silent one (a
        // refused socket ends well before the deadline, so it is not counted as opened here).
        None => return Phase::Failed(silent(pairing, opened.get())),
    };
    let (mut total, mut done, mut not_in_probe) = (0, 0, 0);
    let mut pending = Some(first);
    loop {
        let message = match pending.take() {
            Some(message) => message,
            None => match receive.next().await {
                Some(Ok(message)) => message,
                _ => break,
            },
        };
        let Message::Text(text) = message else {
            continue;
        };
        let request = match reply::parse(&text) {
            Err(e) => return Phase::Failed(e),
            Ok(Reply::Hello { from: None, .. }) => {
                phase.set(Phase::Confirming);
                encode(&Request::Propose(Box::new(plan.clone())))
            }
            Ok(Reply::Hello {
                from: Some(role), ..
            }) if role != plan.from => {
                return Phase::Failed(format!(
                    "The probe runs a plan for {}, not for {}: choose that place here, or restart the probe without --plan.",
                    role.label(),
                    plan.from.label()
                ))
            }
            Ok(Reply::Hello { checks, .. }) => {
                // This page's checks the probe holds: check id to flow id.
                let sent: BTreeMap<String, String> = plan
                    .checks
                    .iter()
                    .filter(|c| checks.iter().any(|held| held.id == c.id))
                    .map(|c| (c.id.clone(), c.flow.clone()))
                    .collect();
                if sent.is_empty() {
                    return Phase::Failed("The probe's plan holds none of this page's checks: restart it with the plan this page downloads, or without --plan.".into());
                }
                (total, not_in_probe) = (sent.len(), plan.checks.len() - sent.len());
                let ids = sent.keys().cloned().collect();
                checking.set(sent);
                phase.set(Phase::Running { done, total });
                encode(&Request::Run(Some(ids)))
            }
            Ok(Reply::Result { result: mut r, .. }) => {
                // Only answers to checks this run sent count, under the flow this page's plan
                // gives them: whatever listens on that port cannot grow or rewrite the page.
                let Some(flow) = checking.with_untracked(|c| c.get(&r.id).cloned()) else {
                    continue;
                };
                r.flow = flow;
                done += 1;
                checking.update(|c| {
                    c.remove(&r.id);
                });
                results.update(|all| {
                    all.insert(r.id.clone(), r);
                });
                phase.set(Phase::Running { done, total });
                continue;
            }
            Ok(Reply::Done { .. }) => return Phase::Finished { total, not_in_probe },
            Ok(Reply::Error { message, .. }) => return Phase::Failed(format!("The probe said: {message}")),
        };
        if send.send(Message::Text(request)).await.is_err() {
            break;
        }
    }
    match phase.get_untracked() {
        Phase::Running { .. } => Phase::Lost { done, total },
        _ => Phase::Failed("The probe closed the connection before the checks ran.".into()),
    }
}

/// How long the probe has to open the connection and say hello, and a diagnosis request to
/// answer: a probe on loopback or a jump host does either in well under a second.
const HANDSHAKE_MS: i32 = 10_000;
const DIAGNOSIS_MS: i32 = 5_000;

/// The output of `task`, or `None` when `ms` milliseconds pass first (the task is dropped).
async fn within<T>(ms: i32, task: impl std::future::Future<Output = T>) -> Option<T> {
    let timer = std::pin::pin!(sleep(ms));
    let task = std::pin::pin!(task);
    match futures_util::future::select(task, timer).await {
        futures_util::future::Either::Left((output, _)) => Some(output),
        futures_util::future::Either::Right(_) => None,
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The handshake's deadline passed: what is known, and what to check.
fn silent(pairing: &Pairing, opened: bool) -> String {
    let origin = &pairing.origin;
    let seconds = HANDSHAKE_MS / 1000;
    if opened {
        format!(
            "Something at {origin} accepted the connection but did not answer as a probe within {seconds} s: check that the link is the one portcheck serve printed at its latest launch (another program may listen on that port)."
        )
    } else {
        format!(
            "No answer from {origin} within {seconds} s: the connection was not completed. If the browser asked whether this site may reach devices on your local network, allow it and press Run again. Otherwise check that portcheck serve runs there and that the link's port is the one it printed (another program may listen on it); if the probe runs on another machine, a firewall or proxy on the way may be holding the connection."
        )
    }
}

/// Browsers do not say why a WebSocket failed: a stopped probe, an old token, an origin the
/// probe does not accept, a full probe and the browser's own rules look alike. A plain request
/// to the probe's page tells a probe that is not there from one that refused; its admission
/// answer (`rules::protocol::admission`), readable only by pages it accepts, tells a refused
/// origin from an old token or a full probe. Each cause comes with its fix.
async fn refused(pairing: &Pairing) -> String {
    let origin = &pairing.origin;
    let page = window().location().origin().unwrap_or_default();
    if page == "null" {
        // A file opened from disk may open sockets and nothing else (its policy): the causes
        // cannot be told apart, so all are named.
        return format!(
            "The probe at {origin} did not accept this page. Start it with --allow-origin null (the origin of a file opened from disk) and paste the link it printed at its latest launch (each launch prints a new one); if it runs like that already, it may serve as many pages as it allows (--max-connections: close its other tabs), or it is not running."
        );
    }
    if !answers(origin).await {
        return format!(
            "No probe answers at {origin}: start portcheck serve there (or check the address in the link). A page from another site may also be blocked by the browser: Safari does not let https pages reach http://127.0.0.1, and Chrome asks before a site may reach devices on your local network; opening {origin}/ (the page the probe serves) avoids that."
        );
    }
    let own = &page == origin;
    match admission(origin).await {
        None => format!(
            "The probe at {origin} is running but does not accept pages from {page}: restart it with --allow-origin {page} and paste the link it prints."
        ),
        Some(a) if a.busy => format!(
            "The probe at {origin} already serves as many pages as it allows (--max-connections): close its other tabs, or restart it with a higher limit."
        ),
        Some(_) => format!(
            "The probe at {origin} is running but refused this page's link: it is from an earlier launch (each launch prints a new token): paste the newest{}.",
            if own { ", or reload the page the probe printed" } else { "" }
        ),
    }
}

/// The probe's admission answer: `None` when it cannot be read (this page's origin is refused).
async fn admission(origin: &str) -> Option<rules::protocol::admission::Admission> {
    let url = format!("{origin}{}", rules::protocol::admission::PATH);
    match get(&url, web_sys::RequestMode::Cors).await {
        Fetch::Answered { ok: true, text } => serde_json::from_str(&text).ok(),
        _ => None,
    }
}

/// Whether anything answers HTTP at `origin`. The response is opaque (the probe sends no CORS
/// headers, by design): only that it came back is read.
async fn answers(origin: &str) -> bool {
    matches!(
        get(&format!("{origin}/"), web_sys::RequestMode::NoCors).await,
        Fetch::Answered { .. }
    )
}

/// What a GET brought back.
pub(crate) enum Fetch {
    /// A response, whole: whether its status was a success, and its body (empty when opaque).
    Answered { ok: bool, text: String },
    /// Refused, unreachable, or not allowed to this page.
    Failed,
    /// Nothing whole within `DIAGNOSIS_MS`: the request was aborted.
    TimedOut,
}

/// A GET the diagnosis (and "Get the probe") makes, never from the cache: what is there now.
/// The deadline covers the body too, so a server that sends its headers and stalls cannot
/// hold the page; the request is aborted rather than left open.
pub(crate) async fn get(url: &str, mode: web_sys::RequestMode) -> Fetch {
    let init = web_sys::RequestInit::new();
    init.set_mode(mode);
    init.set_cache(web_sys::RequestCache::NoStore);
    let Ok(abort) = web_sys::AbortController::new() else {
        return Fetch::Failed;
    };
    init.set_signal(Some(&abort.signal()));
    let whole = async {
        let response: web_sys::Response =
            wasm_bindgen_futures::JsFuture::from(window().fetch_with_str_and_init(url, &init))
                .await
                .ok()?
                .dyn_into()
                .ok()?;
        let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()
            .unwrap_or_default();
        Some(Fetch::Answered {
            ok: response.ok(),
            text,
        })
    };
    match within(DIAGNOSIS_MS, whole).await {
        Some(fetched) => fetched.unwrap_or(Fetch::Failed),
        None => {
            abort.abort();
            Fetch::TimedOut
        }
    }
}
