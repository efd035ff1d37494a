//! Live results merged back into the checklist by flow id: a flow's verdict is the worst of its
//! checks (a flow to three registry hosts fails if one of them does).

use rules::protocol::reply::{LiveResult, Verdict};
use std::collections::BTreeMap;

pub fn by_flow(results: &BTreeMap<String, LiveResult>) -> BTreeMap<String, Verdict> {
    let mut flows: BTreeMap<String, Verdict> = BTreeMap::new();
    for r in results.values() {
        flows
            .entry(r.flow.clone())
            .and_modify(|v| *v = (*v).max(r.verdict))
            .or_insert(r.verdict);
    }
    flows
}

/// The failed checks of each failed flow, for the ticket's evidence.
pub fn failures(results: &BTreeMap<String, LiveResult>) -> BTreeMap<String, Vec<&LiveResult>> {
    let mut flows: BTreeMap<String, Vec<&LiveResult>> = BTreeMap::new();
    for r in results.values().filter(|r| r.verdict == Verdict::Fail) {
        flows.entry(r.flow.clone()).or_default().push(r);
    }
    flows
}

/// One line for the network team: what failed, from where, and why.
pub fn evidence(from: &str, date: &str, failed: &[&LiveResult]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str, flow: &str, verdict: Verdict) -> (String, LiveResult) {
        (
            id.to_owned(),
            LiveResult {
                id: id.into(),
                flow: flow.into(),
                verdict,
                summary: format!("{} summary", verdict.label()),
                cause: (verdict == Verdict::Fail).then(|| "refused".to_owned()),
                remediation: None,
            },
        )
    }

    #[test]
    fn the_worst_check_decides_the_flow() {
        let results: BTreeMap<_, _> = [
            result("reg@a:443", "reg", Verdict::Pass),
            result("reg@b:443", "reg", Verdict::Fail),
            result("api@c:443", "api", Verdict::Warn),
            result("api@d:443", "api", Verdict::Pass),
            result("ui@e:443", "ui", Verdict::Pass),
        ]
        .into();
        let flows = by_flow(&results);
        assert_eq!(flows["reg"], Verdict::Fail);
        assert_eq!(flows["api"], Verdict::Warn);
        assert_eq!(flows["ui"], Verdict::Pass);
        let failed = failures(&results);
        assert_eq!(failed.keys().collect::<Vec<_>>(), ["reg"]);
        assert_eq!(
            evidence("Private Cloud Gateway nodes", "2026-11-21", &failed["reg"]),
            "live check from Private Cloud Gateway nodes on 2026-11-21 failed: b:443: failed summary (refused)"
        );
    }
}
