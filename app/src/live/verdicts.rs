//! Live results merged back into the checklist by flow id: a flow's verdict is the worst of its
//! checks (a flow to three registry hosts fails if one of them does).

use rules::plan::Plan;
use rules::protocol::reply::{LiveResult, Stage, Verdict};
use rules::{Answers, Checklist};
use std::collections::{BTreeMap, BTreeSet};

/// A run of live checks: the plan it ran (where from, which targets, which proxy) and when it
/// started, shown as `YYYY-MM-DD HH:MM UTC`.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRun {
    pub plan: Plan,
    pub at: String,
}

/// The results that still describe the answers, and the flows whose results no longer do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fresh {
    pub results: BTreeMap<String, LiveResult>,
    pub stale_flows: BTreeSet<String>,
}

/// `fresh` against the plan the answers make now for the place the run came from (none while
/// the answers are invalid).
pub fn fresh_for(
    checklist: Option<&Checklist>,
    answers: &Answers,
    run: &LiveRun,
    results: &BTreeMap<String, LiveResult>,
) -> Fresh {
    let now = checklist.map(|c| rules::plan::plan(c, answers, run.plan.from));
    fresh(results, &run.plan, now.as_ref())
}

/// A result counts only while the plan the answers make now, for the place the run came from,
/// holds the very check it answered (same target, kind and routing) and the same proxy: edit
/// the vCenter's address, the subnet or the proxy, and its verdict stops being shown as current.
pub fn fresh(results: &BTreeMap<String, LiveResult>, ran: &Plan, now: Option<&Plan>) -> Fresh {
    let mut fresh = Fresh::default();
    let same_route = now.is_some_and(|now| now.from == ran.from && now.proxy == ran.proxy);
    for (id, result) in results {
        let then = ran.checks.iter().find(|c| &c.id == id);
        let still = now.and_then(|now| now.checks.iter().find(|c| &c.id == id));
        if same_route && then.is_some() && then == still {
            fresh.results.insert(id.clone(), result.clone());
        } else {
            fresh.stale_flows.insert(result.flow.clone());
        }
    }
    // A flow's verdict speaks for all its targets: one the run never checked (a registry added
    // since) makes the flow's results stale too, not a pass for part of it.
    if let Some(now) = now {
        let unchecked: BTreeSet<&str> = now
            .checks
            .iter()
            .filter(|c| !fresh.results.contains_key(&c.id))
            .map(|c| c.flow.as_str())
            .collect();
        fresh.results.retain(|_, r| {
            let keep = !unchecked.contains(r.flow.as_str());
            if !keep {
                fresh.stale_flows.insert(r.flow.clone());
            }
            keep
        });
    }
    fresh
}

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

/// One failure shared by several checks: where they failed, why, what to do, and how many.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedCause {
    pub failed_at: Option<Stage>,
    pub cause: String,
    pub remediation: Option<String>,
    pub checks: usize,
}

/// Failures with the same stage and cause, said once: ten names that do not resolve are one
/// DNS problem, not ten.
pub fn shared_causes(results: &BTreeMap<String, LiveResult>) -> Vec<SharedCause> {
    let mut causes: Vec<SharedCause> = Vec::new();
    for r in results.values().filter(|r| r.verdict == Verdict::Fail) {
        let Some(cause) = &r.cause else { continue };
        match causes
            .iter_mut()
            .find(|c| c.failed_at == r.failed_at && &c.cause == cause)
        {
            Some(shared) => shared.checks += 1,
            None => causes.push(SharedCause {
                failed_at: r.failed_at,
                cause: cause.clone(),
                remediation: r.remediation.clone(),
                checks: 1,
            }),
        }
    }
    causes.retain(|c| c.checks > 1 || c.failed_at == Some(Stage::Dns));
    causes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(proxy: Option<&str>, checks: &[(&str, &str, bool)]) -> Plan {
        let checks: Vec<serde_json::Value> = checks
            .iter()
            .map(|(flow, host, via_proxy)| {
                serde_json::json!({"id": format!("{flow}@{host}:443"),
                "flow": flow, "host": host, "port": 443, "kind": "tls", "via-proxy": via_proxy,
                "purpose": "p"})
            })
            .collect();
        serde_json::from_value(serde_json::json!({"schema": 2, "from": "pcg",
            "palette-version": "4.7.9", "proxy": proxy, "checks": checks}))
        .unwrap()
    }

    /// #16 point 10: a name that does not resolve is a DNS problem, said once for every check
    /// it hit, and never firewall evidence.
    #[test]
    fn dns_failures_are_one_cause_and_no_evidence() {
        let mut results: BTreeMap<_, _> = [
            result("reg@a:443", "reg", Verdict::Fail),
            result("reg@b:443", "reg", Verdict::Fail),
            result("api@c:443", "api", Verdict::Fail),
            result("ui@d:443", "ui", Verdict::Fail),
        ]
        .into();
        for id in ["api@c:443", "ui@d:443"] {
            let r = results.get_mut(id).unwrap();
            r.failed_at = Some(Stage::Dns);
            r.cause = Some("the name does not resolve".into());
        }
        assert_eq!(
            rules::ticket::evidence::failures(results.values())
                .keys()
                .collect::<Vec<_>>(),
            ["reg"]
        );
        let causes = shared_causes(&results);
        assert_eq!(
            causes
                .iter()
                .map(|c| (c.failed_at, c.checks))
                .collect::<Vec<_>>(),
            [(Some(Stage::Dns), 2), (Some(Stage::Tcp), 2)]
        );
    }

    /// #16 point 3: results describe the answers they ran for, not the answers now.
    #[test]
    fn results_stop_counting_when_the_answers_change_their_check() {
        let ran = plan(
            None,
            &[("vc", "vcenter.corp", false), ("api", "api.example", false)],
        );
        let results: BTreeMap<_, _> = [
            result("vc@vcenter.corp:443", "vc", Verdict::Fail),
            result("api@api.example:443", "api", Verdict::Pass),
        ]
        .into();
        let same = fresh(&results, &ran, Some(&ran));
        assert_eq!(same.results.len(), 2);
        assert!(same.stale_flows.is_empty());
        // The vCenter moved: its result is stale, the other still counts.
        let moved = plan(
            None,
            &[
                ("vc", "vcenter2.corp", false),
                ("api", "api.example", false),
            ],
        );
        let after = fresh(&results, &ran, Some(&moved));
        assert_eq!(
            after.results.keys().collect::<Vec<_>>(),
            ["api@api.example:443"]
        );
        assert_eq!(after.stale_flows, ["vc".to_owned()].into());
        // A registry added since: the flow's one fresh result no longer speaks for it.
        let grown = plan(
            None,
            &[
                ("vc", "vcenter.corp", false),
                ("api", "api.example", false),
                ("api", "api2.example", false),
            ],
        );
        let after = fresh(&results, &ran, Some(&grown));
        assert_eq!(
            after.results.keys().collect::<Vec<_>>(),
            ["vc@vcenter.corp:443"]
        );
        assert_eq!(after.stale_flows, ["api".to_owned()].into());
        // A proxy now sits in the way: every result was taken without it.
        let proxied = plan(
            Some("http://proxy.corp:3128"),
            &[("vc", "vcenter.corp", true), ("api", "api.example", true)],
        );
        assert!(fresh(&results, &ran, Some(&proxied)).results.is_empty());
        // No checklist now (an answer is invalid): nothing is current.
        assert_eq!(fresh(&results, &ran, None).stale_flows.len(), 2);
    }

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
                failed_at: (verdict == Verdict::Fail).then_some(Stage::Tcp),
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
    }
}
