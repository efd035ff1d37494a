//! Check results for people (text), programs (JSON) and CI systems (JUnit XML).

use super::routing::Routing;
use super::{CheckResult, Verdict};
use rules::endpoint::printable;
use rules::markup::xml;
use rules::plan::Plan;
use rules::report::{Head, Vantage};
use serde::Serialize;

pub fn exit_code(results: &[CheckResult]) -> u8 {
    u8::from(results.iter().any(|r| r.verdict == Verdict::Fail))
}

/// One line as a check completes, for the progress display.
pub fn progress_line(done: usize, total: usize, r: &CheckResult) -> String {
    format!(
        "[{done}/{total}] {} {} {}",
        r.verdict.mark(),
        r.id,
        r.summary
    )
}

pub fn text(plan: &Plan, vantage: &Vantage, results: &[CheckResult], routing: &Routing) -> String {
    let mut out = format!(
        "Checks from {} ({} in plan)\n{}\n",
        plan.from.label(),
        results.len(),
        vantage_line(vantage)
    );
    for r in results {
        out.push_str(&format!(
            "\n{} {}  ({} ms)\n    {}\n",
            r.verdict.mark(),
            r.id,
            r.millis,
            r.summary
        ));
        if let Some(cause) = &r.cause {
            out.push_str(&format!("    cause: {cause}\n"));
        }
        if let Some(fix) = &r.remediation {
            out.push_str(&format!("    fix:   {fix}\n"));
        }
        for s in &r.steps {
            out.push_str(&format!(
                "    - {:<5} {} {} ({} ms)\n",
                s.name.as_str(),
                if s.ok { "ok  " } else { "fail" },
                s.detail,
                s.millis
            ));
        }
    }
    for s in &plan.skipped {
        out.push_str(&format!("\nSKIP {}\n    {}\n", s.flow, s.reason));
    }
    out.push_str(&routing_text(plan, routing));
    let count = |v| results.iter().filter(|r| r.verdict == v).count();
    out.push_str(&format!(
        "\n{} passed, {} failed, {} warned, {} skipped\n",
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::Warn),
        plan.skipped.len()
    ));
    out
}

/// `Site dc1 · host jump01 (10.1.2.3) · portcheck 0.1.0 · plan sha256:0123456789ab · 2026-11-29T14:00:00Z to …`:
/// the machine's own texts (its name, a site label) escaped like any text from outside.
fn vantage_line(v: &Vantage) -> String {
    let site = v
        .site
        .as_deref()
        .map(|s| format!("Site {} · ", printable(s)))
        .unwrap_or_default();
    let addresses = if v.addresses.is_empty() {
        String::new()
    } else {
        format!(" ({})", printable(&v.addresses.join(", ")))
    };
    // Twelve hex digits tell plans apart at a glance; the JSON report has the whole digest.
    let digest: String = v.plan_digest.chars().take("sha256:".len() + 12).collect();
    format!(
        "{site}host {}{addresses} · portcheck {} · plan {digest} · {} to {}",
        printable(&v.host_name),
        v.probe_version,
        v.started,
        v.finished
    )
}

fn routing_text(plan: &Plan, routing: &Routing) -> String {
    if routing.is_empty() {
        return String::new();
    }
    let through = routing.routes.iter().filter(|r| r.via_proxy).count();
    let mut out = format!(
        "\nProxy routing under the plan's NO_PROXY ({}): {through} through {}, {} direct\n",
        if plan.no_proxy.is_empty() {
            "empty".to_owned()
        } else {
            plan.no_proxy.join(",")
        },
        plan.proxy.as_deref().unwrap_or("the proxy"),
        routing.routes.len() - through
    );
    for concern in routing.routes.iter().filter_map(|r| r.concern.as_ref()) {
        out.push_str(&format!("    ! {concern}\n"));
    }
    for difference in &routing.environment {
        out.push_str(&format!("    ~ {difference}\n"));
    }
    out
}

/// The JSON report: its head (`rules::report::Head`, what every reader shares), then the
/// results with their steps (probe/REPORT.md).
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct JsonReport<'a> {
    #[serde(flatten)]
    head: Head,
    results: &'a [CheckResult],
    skipped: &'a [rules::plan::Skipped],
    #[serde(skip_serializing_if = "Routing::is_empty")]
    routing: &'a Routing,
}

pub fn json(plan: &Plan, vantage: &Vantage, results: &[CheckResult], routing: &Routing) -> String {
    rules::json::to_string_pretty(&JsonReport {
        head: Head {
            schema: rules::report::SCHEMA,
            from: plan.from,
            vantage: Some(vantage.clone()),
        },
        results,
        skipped: &plan.skipped,
        routing,
    }) + "\n"
}

/// JUnit XML: one test case per check, grouped by flow; warnings pass with their text in
/// system-out, skipped flows are skipped cases.
pub fn junit(plan: &Plan, vantage: &Vantage, results: &[CheckResult]) -> String {
    let failures = results
        .iter()
        .filter(|r| r.verdict == Verdict::Fail)
        .count();
    let total_ms: u64 = results.iter().map(|r| r.millis).sum();
    // JUnit's `timestamp` is ISO 8601 without a zone (the report's is UTC); the rest of the
    // vantage goes into properties, which CI systems show with the suite.
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"portcheck {}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{}\" time=\"{:.3}\" hostname=\"{}\" timestamp=\"{}\">\n  <properties>\n",
        xml(plan.from.slug()),
        results.len() + plan.skipped.len(),
        plan.skipped.len(),
        total_ms as f64 / 1000.0,
        xml(&vantage.host_name),
        xml(vantage.started.trim_end_matches('Z')),
    );
    let properties = [
        ("site", vantage.site.clone().unwrap_or_default()),
        ("addresses", vantage.addresses.join(" ")),
        ("probe-version", vantage.probe_version.clone()),
        ("plan-digest", vantage.plan_digest.clone()),
        ("started", vantage.started.clone()),
        ("finished", vantage.finished.clone()),
    ];
    for (name, value) in properties {
        out.push_str(&format!(
            "    <property name=\"{name}\" value=\"{}\"/>\n",
            xml(&value)
        ));
    }
    out.push_str("  </properties>\n");
    for r in results {
        out.push_str(&format!(
            "  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">\n",
            xml(&r.flow),
            xml(&r.id),
            r.millis as f64 / 1000.0
        ));
        let details = r
            .steps
            .iter()
            .map(|s| format!("{}: {}", s.name.as_str(), s.detail))
            .collect::<Vec<_>>()
            .join("\n");
        match r.verdict {
            Verdict::Fail => out.push_str(&format!(
                "    <failure message=\"{}\">{}</failure>\n",
                xml(&r.summary),
                xml(&format!(
                    "{}\nfix: {}\n{details}",
                    r.cause.as_deref().unwrap_or(""),
                    r.remediation.as_deref().unwrap_or("")
                ))
            )),
            _ => out.push_str(&format!(
                "    <system-out>{}</system-out>\n",
                xml(&format!("{}\n{details}", r.summary))
            )),
        }
        out.push_str("  </testcase>\n");
    }
    for s in &plan.skipped {
        out.push_str(&format!(
            "  <testcase classname=\"{}\" name=\"{}\">\n    <skipped message=\"{}\"/>\n  </testcase>\n",
            xml(&s.flow),
            xml(&s.flow),
            xml(&s.reason)
        ));
    }
    out.push_str("</testsuite>\n");
    out
}
