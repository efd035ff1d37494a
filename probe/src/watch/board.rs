//! The latest result of every check of the plan, as `watch` serves it: replaced in place as
//! each check ends, so a scrape reads what is known now and never waits for a check, and the
//! memory it takes is fixed by the plan, however many runs go by.

use super::openmetrics::{Exposition, Labels, Type};
use crate::check::{CheckResult, Stage, Verdict};
use rules::plan::Plan;
use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub struct Board {
    /// `portcheck_watch_info`'s labels.
    info: Labels,
    interval: Duration,
    checks: Vec<Tracked>,
    by_id: HashMap<String, usize>,
    cycles: u64,
    last_cycle: Option<Cycle>,
    /// The size of the last exposition, so the next is written without growing its buffer.
    last_size: usize,
}

struct Tracked {
    /// site, role, flow, check, target, level: written once.
    labels: Labels,
    /// `labels` with each verdict of `VERDICTS`, for `portcheck_check_verdict`: written once.
    by_verdict: [Labels; 3],
    latest: Option<Latest>,
    last_success: Option<f64>,
}

/// What a run of one check said, reduced to what the metrics need.
struct Latest {
    verdict: Verdict,
    /// For a failure: the check's labels with the stage it stopped at and its summary (the cause
    /// is long prose), written when the result comes in, not at every scrape.
    failure: Option<Labels>,
    seconds: f64,
    tls: Option<TlsSeen>,
}

struct TlsSeen {
    /// The earliest `notAfter` of the chain as sent.
    expiry: Option<i64>,
    /// The check's labels with `issuer="..."`, the leaf's issuer.
    issuer: Labels,
    /// For an internet destination: whether its chain failed the public web PKI.
    inspected: Option<bool>,
}

struct Cycle {
    seconds: f64,
    ended: f64,
}

impl Board {
    pub fn new(plan: &Plan, site: &str, interval: Duration, plan_digest: &str) -> Board {
        let role = plan.from.slug();
        let checks = plan
            .checks
            .iter()
            .map(|c| {
                let labels = Labels::default()
                    .with("site", site)
                    .with("role", role)
                    .with("flow", &c.flow)
                    .with("check", &c.id)
                    .with("target", &rules::target::shown_authority(&c.host, c.port))
                    .with("level", level(c.optional).as_str());
                Tracked {
                    by_verdict: VERDICTS.map(|v| {
                        labels
                            .clone()
                            .with("verdict", &v.mark().to_ascii_lowercase())
                    }),
                    labels,
                    latest: None,
                    last_success: None,
                }
            })
            .collect();
        let by_id = plan
            .checks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        Board {
            info: Labels::default()
                .with("site", site)
                .with("role", role)
                .with("version", env!("CARGO_PKG_VERSION"))
                .with("plan_digest", plan_digest),
            interval,
            checks,
            by_id,
            cycles: 0,
            last_cycle: None,
            last_size: 4096,
        }
    }

    /// Takes a check's result in place of its last one. A result of a check the plan does not
    /// have cannot happen (the plan is the board's) and is ignored.
    pub fn record(&mut self, result: &CheckResult, now: SystemTime) {
        let Some(&index) = self.by_id.get(&result.id) else {
            return;
        };
        let tracked = &mut self.checks[index];
        let passed = result.verdict != Verdict::Fail;
        if passed {
            tracked.last_success = Some(seconds_since_epoch(now));
        }
        let failure = (!passed).then(|| {
            tracked
                .labels
                .clone()
                .with("stage", result.failed_at.map_or("unknown", Stage::as_str))
                .with("summary", &result.summary)
        });
        let tls = result.steps.iter().rev().find_map(|s| s.tls.as_ref());
        tracked.latest = Some(Latest {
            verdict: result.verdict,
            failure,
            seconds: result.millis as f64 / 1000.0,
            tls: tls.map(|t| TlsSeen {
                expiry: t.chain.iter().map(|c| c.not_after_unix).min(),
                issuer: tracked.labels.clone().with(
                    "issuer",
                    t.chain
                        .first()
                        .map_or("(no certificate)", |c| c.issuer.as_str()),
                ),
                inspected: t.public_ca.map(|public| !public),
            }),
        });
    }

    /// A run of the whole plan ended.
    pub fn end_cycle(&mut self, took: Duration, now: SystemTime) {
        self.cycles += 1;
        self.last_cycle = Some(Cycle {
            seconds: took.as_secs_f64(),
            ended: seconds_since_epoch(now),
        });
    }

    pub fn cycles(&self) -> u64 {
        self.cycles
    }

    /// The exposition of everything known now.
    pub fn render(&mut self) -> String {
        let mut e = Exposition::with_capacity(self.last_size + self.last_size / 8);
        self.per_check(
            &mut e,
            "portcheck_check_success",
            Type::Gauge,
            "1 when the check's last run passed (warnings included), 0 when it failed.",
            |l| Some(if l.verdict == Verdict::Fail { 0.0 } else { 1.0 }),
        );
        e.family(
            "portcheck_check_verdict",
            Type::Gauge,
            "1 for the verdict of the check's last run (pass, warn, fail), 0 for the others.",
        );
        for t in &self.checks {
            let Some(latest) = &t.latest else { continue };
            for (verdict, labels) in VERDICTS.iter().zip(&t.by_verdict) {
                let value = if latest.verdict == *verdict { 1.0 } else { 0.0 };
                e.sample("portcheck_check_verdict", "", labels.as_str(), value);
            }
        }
        e.family(
            "portcheck_check_failure",
            Type::Info,
            "Where a failing check stopped (dns, proxy, tcp, tls, http, websocket) and what it said.",
        );
        for t in &self.checks {
            if let Some(failure) = t.latest.as_ref().and_then(|l| l.failure.as_ref()) {
                e.sample("portcheck_check_failure", "_info", failure.as_str(), 1.0);
            }
        }
        self.per_check(
            &mut e,
            "portcheck_check_duration_seconds",
            Type::Gauge,
            "How long the check's last run took.",
            |l| Some(l.seconds),
        );
        e.family(
            "portcheck_check_last_success_timestamp_seconds",
            Type::Gauge,
            "When the check last passed (warnings included), in seconds since the epoch.",
        );
        for t in &self.checks {
            if let Some(at) = t.last_success {
                e.sample(
                    "portcheck_check_last_success_timestamp_seconds",
                    "",
                    t.labels.as_str(),
                    at,
                );
            }
        }
        self.per_check(
            &mut e,
            "portcheck_check_tls_cert_expiry_timestamp_seconds",
            Type::Gauge,
            "The earliest notAfter of the certificate chain the server sent, in seconds since the epoch.",
            |l| l.tls.as_ref().and_then(|t| t.expiry).map(|s| s as f64),
        );
        e.family(
            "portcheck_check_tls_issuer",
            Type::Info,
            "The issuer of the certificate the server sent.",
        );
        for t in &self.checks {
            if let Some(tls) = t.latest.as_ref().and_then(|l| l.tls.as_ref()) {
                e.sample(
                    "portcheck_check_tls_issuer",
                    "_info",
                    tls.issuer.as_str(),
                    1.0,
                );
            }
        }
        self.per_check(
            &mut e,
            "portcheck_check_tls_inspected",
            Type::Gauge,
            "For an internet destination: 1 when its chain does not verify against the public web PKI (TLS inspection by a local CA, or a broken chain).",
            |l| {
                l.tls
                    .as_ref()
                    .and_then(|t| t.inspected)
                    .map(|i| if i { 1.0 } else { 0.0 })
            },
        );
        e.family(
            "portcheck_cycles",
            Type::Counter,
            "Runs of the whole plan that ended.",
        );
        e.sample("portcheck_cycles", "_total", "", self.cycles as f64);
        if let Some(cycle) = &self.last_cycle {
            e.family(
                "portcheck_cycle_duration_seconds",
                Type::Gauge,
                "How long the last run of the whole plan took.",
            );
            e.sample("portcheck_cycle_duration_seconds", "", "", cycle.seconds);
            e.family(
                "portcheck_last_cycle_end_timestamp_seconds",
                Type::Gauge,
                "When the last run of the whole plan ended, in seconds since the epoch.",
            );
            e.sample(
                "portcheck_last_cycle_end_timestamp_seconds",
                "",
                "",
                cycle.ended,
            );
        }
        e.family(
            "portcheck_watch_interval_seconds",
            Type::Gauge,
            "Time from the start of one run of the plan to the start of the next (--interval).",
        );
        e.sample(
            "portcheck_watch_interval_seconds",
            "",
            "",
            self.interval.as_secs_f64(),
        );
        e.family(
            "portcheck_watch",
            Type::Info,
            "This probe: its site, role, version and the digest of its plan.",
        );
        e.sample("portcheck_watch", "_info", self.info.as_str(), 1.0);
        let text = e.finish();
        self.last_size = text.len();
        text
    }

    /// A family with one sample per check whose latest result gives `value` one.
    fn per_check(
        &self,
        e: &mut Exposition,
        name: &str,
        kind: Type,
        help: &str,
        value: impl Fn(&Latest) -> Option<f64>,
    ) {
        e.family(name, kind, help);
        for t in &self.checks {
            if let Some(v) = t.latest.as_ref().and_then(&value) {
                e.sample(name, "", t.labels.as_str(), v);
            }
        }
    }
}

/// The verdicts `portcheck_check_verdict` has a series for, in its order.
const VERDICTS: [Verdict; 3] = [Verdict::Pass, Verdict::Warn, Verdict::Fail];

/// The level label of a check: deprecated flows are never in a plan.
fn level(optional: bool) -> rules::Level {
    if optional {
        rules::Level::Optional
    } else {
        rules::Level::Required
    }
}

fn seconds_since_epoch(t: SystemTime) -> f64 {
    // Milliseconds are all a scrape every few seconds can tell apart.
    t.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckResult, LiveResult};

    fn plan() -> Plan {
        serde_json::from_value(serde_json::json!({
            "schema": 2, "from": "workload", "palette-version": "4.7.9", "checks": [
                {"id": "a@h:443", "flow": "a", "host": "h", "port": 443, "kind": "tcp", "via-proxy": false, "purpose": "t"},
                {"id": "b@h:22", "flow": "b", "host": "h", "port": 22, "kind": "tcp", "via-proxy": false, "purpose": "t", "optional": true}
            ]
        }))
        .unwrap()
    }

    fn result(id: &str, verdict: Verdict) -> CheckResult {
        CheckResult {
            outcome: LiveResult {
                id: id.into(),
                flow: id.split('@').next().unwrap().into(),
                verdict,
                summary: "refused".into(),
                cause: None,
                remediation: None,
                failed_at: (verdict == Verdict::Fail).then_some(Stage::Tcp),
            },
            host: "h".into(),
            port: 443,
            optional: false,
            steps: Vec::new(),
            millis: 12,
        }
    }

    /// The board holds one result per check of its plan, whatever the number of runs: the
    /// exposition after ten thousand runs is the exposition after one.
    #[test]
    fn the_board_is_as_large_after_many_runs_as_after_one() {
        let mut board = Board::new(&plan(), "dc1", Duration::from_secs(60), "sha256:0");
        let at = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let run = |board: &mut Board| {
            board.record(&result("a@h:443", Verdict::Pass), at);
            board.record(&result("b@h:22", Verdict::Fail), at);
            // Not in the plan: never a new series.
            board.record(&result("injected@evil:1", Verdict::Pass), at);
            board.end_cycle(Duration::from_millis(5), at);
        };
        run(&mut board);
        let first = board.render().replace("portcheck_cycles_total 1\n", "");
        for _ in 1..10_000 {
            run(&mut board);
        }
        let last = board.render();
        assert!(last.contains("portcheck_cycles_total 10000\n"), "{last}");
        assert_eq!(last.replace("portcheck_cycles_total 10000\n", ""), first);
        assert!(!last.contains("injected"));
        assert!(last.contains(
            "portcheck_check_failure_info{site=\"dc1\",role=\"workload\",flow=\"b\",check=\"b@h:22\",target=\"h:22\",level=\"optional\",stage=\"tcp\",summary=\"refused\"} 1\n"
        ), "{last}");
    }
}
