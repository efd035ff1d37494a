//! `portcheck watch`: a plan run on a schedule, its latest results served to Prometheus.
//!
//! The checks run on their own task and write each result onto the `Board` as it ends; the
//! HTTP side only reads the board, so a check that hangs until its timeout never holds up a
//! scrape. The server keeps `serve`'s rules: loopback unless `--expose`, only requests whose
//! Host names it (`listen::exposure`), and the same bounded accept loop; it has nothing to
//! receive, so no request can make it contact anything: only the plan's targets, checked like
//! every plan, are ever contacted.

mod board;
mod openmetrics;

use crate::check::{self, Options};
use crate::cli::WatchArgs;
use crate::listen::exposure::{self, HostCheck};
use crate::listen::peer_log::PeerLog;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use board::Board;
use rules::plan::Plan;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// The shortest `--interval`: ten runs a second is for benchmarks and tests; every target sees
/// one connection per check per run.
const MIN_INTERVAL: Duration = Duration::from_millis(100);
/// Below this, `watch` says how often the targets will be contacted.
const BUSY_INTERVAL: Duration = Duration::from_secs(10);

pub fn run(args: WatchArgs) -> ExitCode {
    let prepared = interval(&args.interval).and_then(|interval| {
        exposure::check("--listen", args.listen, args.expose, &args.allow_hosts)?;
        let (plan, options, site) = crate::check_command::prepare_run(
            &args.plan,
            args.site.as_deref(),
            &args.checks,
            args.parallel,
        )?;
        Ok((interval, plan, options, site))
    });
    let (interval, plan, options, site) = match prepared {
        Ok(prepared) => prepared,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if interval < BUSY_INTERVAL {
        eprintln!(
            "warning: --interval {}: every target of the plan is contacted that often",
            humantime::format_duration(interval)
        );
    }
    let runtime = match crate::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    // The site label of every metric: the one given, else this machine's name (as reports
    // name a place).
    let site = site.unwrap_or_else(crate::check::vantage::host_name);
    let digest = crate::check::vantage::digest(&plan);
    let board = Arc::new(Mutex::new(Board::new(&plan, &site, interval, &digest)));
    match runtime.block_on(watch(args, plan, options, interval, board)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `--interval`, read after clap so a refused value is never echoed raw.
fn interval(text: &str) -> Result<Duration, String> {
    let printable = rules::endpoint::printable(text);
    let interval = humantime::parse_duration(text).map_err(|e| {
        format!(
            "--interval '{printable}': {}; write a number and a unit, e.g. 60s, 5m, 1h",
            rules::endpoint::printable(&e.to_string())
        )
    })?;
    if interval < MIN_INTERVAL {
        return Err(format!(
            "--interval '{printable}' is shorter than {}",
            humantime::format_duration(MIN_INTERVAL)
        ));
    }
    Ok(interval)
}

async fn watch(
    args: WatchArgs,
    plan: Plan,
    options: Options,
    interval: Duration,
    board: Arc<Mutex<Board>>,
) -> Result<(), String> {
    let exposure::Bound {
        listener,
        local,
        hosts,
    } = exposure::bind(args.listen, &args.allow_hosts).await?;
    if args.expose {
        eprintln!(
            "warning: --expose: the metrics cross the network in plain HTTP and describe this network's flows, addresses and certificates"
        );
    }
    let peer_log = Arc::new(PeerLog::new());
    let app = Router::new()
        .route("/metrics", get(metrics).with_state(board.clone()))
        .route("/", get(index))
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "not found: the metrics are at /metrics\n",
            )
        })
        .layer(axum::middleware::map_response(no_store))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(HostCheck {
                allowed: hosts.clone(),
                peer_log: peer_log.clone(),
            }),
            exposure::check_host,
        ));
    let shown = match hosts.first() {
        Some(host) if local.ip().is_unspecified() => host.clone(),
        _ => local.to_string(),
    };
    let _ = crate::output::print(&format!(
        "portcheck is watching {} checks from {} every {}. Metrics: http://{shown}/metrics\n",
        plan.checks.len(),
        plan.from.slug(),
        humantime::format_duration(interval),
    ));
    tracing::info!(address = %local, checks = plan.checks.len(), "listening");
    let schedule = tokio::spawn(cycles(plan, options, interval, board));
    let served = crate::listen::serve(listener, app, peer_log, crate::serve::stop_signal()).await;
    schedule.abort();
    served.map_err(|e| format!("server stopped: {e}"))
}

/// Runs the plan every `interval`, back to back when a run takes longer, each result onto the
/// board as its check ends.
async fn cycles(plan: Plan, options: Options, interval: Duration, board: Arc<Mutex<Board>>) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let started = Instant::now();
        let results = check::run(&plan, options.clone(), |result| {
            lock(&board).record(result, SystemTime::now());
        })
        .await;
        let failed = results
            .iter()
            .filter(|r| r.verdict == check::Verdict::Fail)
            .count();
        let cycle = {
            let mut board = lock(&board);
            board.end_cycle(started.elapsed(), SystemTime::now());
            board.cycles()
        };
        tracing::info!(
            cycle,
            passed = results.len() - failed,
            failed,
            millis = started.elapsed().as_millis() as u64,
            "run of the plan ended"
        );
    }
}

/// The board, even after a panic elsewhere left its lock poisoned: every write to it is a
/// whole result, so what it holds is still true.
fn lock(board: &Mutex<Board>) -> std::sync::MutexGuard<'_, Board> {
    board.lock().unwrap_or_else(|p| p.into_inner())
}

async fn metrics(State(board): State<Arc<Mutex<Board>>>) -> Response {
    let text = lock(&board).render();
    ([(header::CONTENT_TYPE, openmetrics::CONTENT_TYPE)], text).into_response()
}

async fn index() -> &'static str {
    "portcheck watch: the metrics are at /metrics\n"
}

/// Results change every run: nothing is cached; no response is read as another type.
async fn no_store(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_read_with_units_and_bounded() {
        assert_eq!(interval("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(interval("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(interval("100ms"), Ok(Duration::from_millis(100)));
        assert!(interval("10ms").unwrap_err().contains("shorter than 100ms"));
        assert!(interval("60").unwrap_err().contains("e.g. 60s"));
        let hostile = interval("\u{1b}]0;pwned\u{7}5s").unwrap_err();
        assert!(!hostile.contains(['\u{1b}', '\u{7}']), "{hostile}");
    }
}
