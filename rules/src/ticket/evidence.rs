//! What a failed live check says to a network team, one line per flow: what failed, from where,
//! when and why. The app's "Request these rules" and `portcheck ticket --evidence` write it the
//! same way. A name that did not resolve says nothing about a firewall: it is never evidence.

use crate::protocol::reply::{LiveResult, Stage, Verdict};
use std::collections::BTreeMap;

/// The failed checks of each failed flow that are firewall evidence (not DNS failures).
pub fn failures<'r>(
    results: impl IntoIterator<Item = &'r LiveResult>,
) -> BTreeMap<String, Vec<&'r LiveResult>> {
    let mut flows: BTreeMap<String, Vec<&LiveResult>> = BTreeMap::new();
    for r in results
        .into_iter()
        .filter(|r| r.verdict == Verdict::Fail && r.failed_at != Some(Stage::Dns))
    {
        flows.entry(r.flow.clone()).or_default().push(r);
    }
    flows
}

/// One line for the network team: what failed, from where (a role, and a place when known),
/// and why.
pub fn line(from: &str, date: &str, failed: &[&LiveResult]) -> String {
    let what: Vec<String> = failed
        .iter()
        .map(|r| {
            let target = r.id.rsplit_once('@').map_or(r.id.as_str(), |(_, t)| t);
            match &r.cause {
                Some(cause) => format!("{target}: {} ({cause})", r.summary),
                None => format!("{target}: {}", r.summary),
            }
        })
        .collect();
    format!(
        "live check from {from} on {date} failed: {}",
        what.join("; ")
    )
}

/// `2026-11-29T14:00:05Z` (RFC 3339 or ISO 8601 in UTC, as reports and browsers write times)
/// as evidence shows it: `2026-11-29 14:00 UTC`; `None` for anything else.
pub fn date(utc: &str) -> Option<String> {
    let (day, time) = (utc.get(..10)?, utc.get(11..16)?);
    let shaped = utc.as_bytes().get(10) == Some(&b'T')
        && day.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
        && time.bytes().enumerate().all(|(i, b)| {
            if i == 2 {
                b == b':'
            } else {
                b.is_ascii_digit()
            }
        });
    shaped.then(|| format!("{day} {time} UTC"))
}

/// Evidence for each flow that failed somewhere in these reports, every place that saw it
/// fail in turn: `portcheck ticket --evidence`.
pub fn from_reports(reports: &[(String, crate::report::Report)]) -> BTreeMap<String, String> {
    let mut by_flow: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (source, report) in reports {
        let vantage = report.head.vantage.as_ref();
        let place = match vantage {
            Some(v) => match &v.site {
                Some(site) => format!("{site} ({})", v.host_name),
                None => v.host_name.clone(),
            },
            None => source.clone(),
        };
        let from = format!(
            "{} at {}",
            report.head.from.label(),
            crate::endpoint::printable(&place)
        );
        let date = vantage
            .map(|v| date(&v.finished).unwrap_or_else(|| crate::endpoint::printable(&v.finished)))
            .unwrap_or_else(|| "an unknown date".into());
        for (flow, failed) in failures(report.results.iter().map(|r| &r.outcome)) {
            by_flow
                .entry(flow)
                .or_default()
                .push(line(&from, &date, &failed));
        }
    }
    by_flow
        .into_iter()
        .map(|(flow, lines)| (flow, lines.join("; ")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str, flow: &str, verdict: Verdict, failed_at: Option<Stage>) -> LiveResult {
        LiveResult {
            id: id.into(),
            flow: flow.into(),
            verdict,
            summary: format!("{verdict:?} summary").to_lowercase(),
            cause: (verdict == Verdict::Fail).then(|| "refused".into()),
            remediation: None,
            failed_at,
        }
    }

    #[test]
    fn only_firewall_failures_are_evidence() {
        let results = [
            result("reg@a:443", "reg", Verdict::Pass, None),
            result("reg@b:443", "reg", Verdict::Fail, Some(Stage::Tcp)),
            result("api@c:443", "api", Verdict::Fail, Some(Stage::Dns)),
            result("ui@d:443", "ui", Verdict::Warn, None),
        ];
        let failed = failures(&results);
        assert_eq!(failed.keys().collect::<Vec<_>>(), ["reg"]);
        assert_eq!(
            line("Private Cloud Gateway nodes", "2026-11-21", &failed["reg"]),
            "live check from Private Cloud Gateway nodes on 2026-11-21 failed: b:443: fail summary (refused)"
        );
    }

    #[test]
    fn dates_read_as_the_ticket_writes_them() {
        assert_eq!(
            date("2026-11-29T14:00:05Z").as_deref(),
            Some("2026-11-29 14:00 UTC")
        );
        assert_eq!(
            date("2026-11-29T14:00:05.123Z").as_deref(),
            Some("2026-11-29 14:00 UTC")
        );
        for bad in [
            "",
            "yesterday",
            "2026-11-29 14:00",
            "2026-11-29T1x:00:00Z",
            "ab\u{1b}",
        ] {
            assert_eq!(date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn reports_give_evidence_per_place() {
        let report = |site: &str, verdict: &str| {
            crate::report::Report::from_value(serde_json::json!({"schema": 2, "from": "pcg",
                "vantage": {"site": site, "host-name": format!("{site}-jump"), "addresses": [],
                    "probe-version": "0", "plan-digest": "sha256:0",
                    "started": "2026-11-29T14:00:00Z", "finished": "2026-11-29T14:00:05Z"},
                "results": [{"id": "reg@h:443", "flow": "reg", "verdict": verdict,
                    "summary": "no answer", "cause": "refused", "failed-at": "tcp"}]}))
            .unwrap()
        };
        let reports = vec![
            ("a".to_owned(), report("dc1", "pass")),
            ("b".to_owned(), report("dc2", "fail")),
            ("c".to_owned(), report("dc3\u{1b}[2J", "fail")),
        ];
        let evidence = from_reports(&reports);
        assert_eq!(
            evidence["reg"],
            "live check from Private Cloud Gateway nodes at dc2 (dc2-jump) on 2026-11-29 14:00 UTC failed: h:443: no answer (refused); \
             live check from Private Cloud Gateway nodes at dc3\\u{1b}[2J (dc3\\u{1b}[2J-jump) on 2026-11-29 14:00 UTC failed: h:443: no answer (refused)"
        );
    }
}
