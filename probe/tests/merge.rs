//! `portcheck merge` on real reports: `portcheck check --format json` run as two sites against
//! loopback servers (one port answers, one refuses), then merged from files and from one stream
//! with damage in it; exit status by required failures; hostile text from reports escaped.

mod common;

use common::{check, refusing_port, stalling_server, temp_dir};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn portcheck() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portcheck"))
}

/// A real report: `portcheck check --format json --site SITE` of these checks, into a file.
fn report(dir: &Path, site: &str, checks: Vec<Value>) -> PathBuf {
    let plan = json!({"schema": 2, "from": "pcg", "palette-version": "4.7.9", "checks": checks});
    let plan_path = dir.join(format!("plan-{site}.json"));
    std::fs::write(&plan_path, plan.to_string()).unwrap();
    let mut cmd = portcheck();
    cmd.args([
        "check",
        "--format",
        "json",
        "--timeout",
        "3",
        "--site",
        site,
        "--plan",
    ])
    .arg(&plan_path);
    for c in &checks {
        cmd.args(["--allow-port", &c["port"].to_string()]);
    }
    let out = cmd.output().unwrap();
    let path = dir.join(format!("{site}.json"));
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn merge(args: &[&Path], format: &str, stdin: Option<&[u8]>) -> Output {
    let mut cmd = portcheck();
    cmd.args(["merge", "--format", format]).args(args);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn optional(mut c: Value) -> Value {
    c["optional"] = json!(true);
    c
}

#[test]
fn reports_of_two_sites_merge_into_where_each_flow_fails() {
    let dir = temp_dir("merge");
    let (open, closed) = (stalling_server(), refusing_port());
    let dc1 = report(
        &dir,
        "dc1",
        vec![
            check("pcg-palette", "127.0.0.1", open, "tcp", false),
            check("pcg-registry", "127.0.0.1", open, "tcp", false),
        ],
    );
    let dc2 = report(
        &dir,
        "dc2",
        vec![
            check("pcg-palette", "127.0.0.1", closed, "tcp", false),
            check("pcg-registry", "127.0.0.1", open, "tcp", false),
        ],
    );
    let out = merge(&[&dc1, &dc2], "text", None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a required flow fails at dc2: {text}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("Fleet report: 2 reports, 2 flows, 1 of them failing somewhere"),
        "{text}"
    );
    // The plans differ (dc2 checks another port): said, and merged by flow id all the same.
    assert!(text.contains("Reports of 2 different plans"), "{text}");
    let failing = text
        .find("FAIL pcg-palette (required): checked at 2 of 2 places: 1 failed, 0 warned, 1 passed")
        .unwrap();
    let passing = text.find("PASS pcg-registry (required)").unwrap();
    assert!(failing < passing, "failures first: {text}");
    assert!(text.contains("    FAIL dc2: "), "{text}");
    assert!(text.contains("refused"), "the cause is kept: {text}");

    let md = String::from_utf8(merge(&[&dc1, &dc2], "markdown", None).stdout).unwrap();
    assert!(md.contains("| flow | needed | dc1 | dc2 |"), "{md}");
    assert!(
        md.contains("| pcg-palette | required | PASS | FAIL |"),
        "{md}"
    );
    assert!(md.contains("## Why\n\n- FAIL pcg-palette at dc2: "), "{md}");

    let html = String::from_utf8(merge(&[&dc1, &dc2], "html", None).stdout).unwrap();
    assert_balanced(&html);
    assert!(html.contains("<th scope=\"col\">dc2</th>"), "{html}");
    assert!(html.contains("<tr><th scope=\"row\"><code>pcg-palette</code></th><td>required</td><td class=\"pass\">PASS</td><td class=\"fail\">FAIL</td></tr>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains(" src="),
        "self-contained: {html}"
    );

    let json: Value = serde_json::from_slice(&merge(&[&dc1, &dc2], "json", None).stdout).unwrap();
    assert_eq!(json["places"][1]["name"], "dc2");
    assert_eq!(json["rows"][0]["flow"], "pcg-palette");
    assert_eq!(json["rows"][0]["cells"][1]["verdict"], "fail");
    assert_eq!(json["plans"].as_array().unwrap().len(), 2);
}

#[test]
fn a_stream_with_damage_merges_what_it_can_and_names_the_rest() {
    let dir = temp_dir("merge-stream");
    let (open, closed) = (stalling_server(), refusing_port());
    let a = std::fs::read(report(
        &dir,
        "edge-1",
        vec![check("edge-palette", "127.0.0.1", open, "tcp", false)],
    ))
    .unwrap();
    // Only an optional flow fails here: no required failure anywhere.
    let b = std::fs::read(report(
        &dir,
        "edge-2",
        vec![optional(check(
            "edge-ssh",
            "127.0.0.1",
            closed,
            "tcp",
            false,
        ))],
    ))
    .unwrap();
    let mut stream = a.clone();
    stream.extend_from_slice(b"{\"schema\": 2, this is not json\n");
    stream.extend_from_slice(&b);
    stream.extend_from_slice(b"{\"schema\": 99, \"from\": \"pcg\", \"results\": []}\n");
    let out = merge(&[Path::new("-")], "text", Some(&stream));
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "only an optional flow failed: {text}{err}"
    );
    assert!(text.starts_with("Fleet report: 2 reports, 2 flows, 1 of them failing somewhere; 2 damaged report(s) skipped"), "{text}");
    assert!(text.contains("FAIL edge-ssh (optional)"), "{text}");
    assert!(
        err.contains("warning: -: line ") && err.contains("not JSON"),
        "{err}"
    );
    assert!(
        err.contains("warning: -#3: report schema 99 is not one this portcheck reads"),
        "{err}"
    );

    // Nothing readable at all: exit 2, and a missing file is named.
    let out = merge(&[&dir.join("missing.json")], "text", None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
}

#[test]
fn hostile_text_in_a_report_is_escaped_in_every_format() {
    let dir = temp_dir("merge-hostile");
    let forged = json!({"schema": 2, "from": "pcg",
        "vantage": {"site": "dc1\u{1b}[2J|<script>", "host-name": "h\u{202e}x", "addresses": [],
            "probe-version": "0", "plan-digest": "sha256:0", "started": "", "finished": ""},
        "results": [{"id": "x", "flow": "pcg-palette|`", "verdict": "fail",
            "summary": "no\u{1b}]0;pwned\u{7}", "cause": "<img src=x onerror=alert(1)>|"}]});
    let path = dir.join("forged.json");
    std::fs::write(&path, forged.to_string()).unwrap();
    for format in ["text", "markdown", "html"] {
        let out = merge(&[&path], format, None);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
            "{format}: {text:?}"
        );
        if format == "html" {
            assert_balanced(&text);
            assert!(
                !text.contains("<script") && !text.contains("<img"),
                "{text}"
            );
        }
        if format == "markdown" {
            assert!(
                !text.contains("<script>") && !text.contains("<img"),
                "{text}"
            );
            // Every table row has exactly as many cells as the header.
            let pipes = |l: &str| l.replace("\\|", "").matches('|').count();
            let rows: Vec<&str> = text.lines().filter(|l| l.starts_with('|')).collect();
            assert!(rows.iter().all(|l| pipes(l) == pipes(rows[0])), "{text}");
        }
    }
}

/// Parsed by Python's HTML parser: every element that is opened is closed, in order.
fn assert_balanced(html: &str) {
    let script = r#"
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "hr", "img", "input", "link"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID: self.stack.append(tag)
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()
p = P(); p.feed(sys.stdin.read()); p.close()
assert p.stack == [], p.stack
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(html.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{html}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `portcheck ticket --evidence`: each place's failures of the ticket's flows, from real
/// reports; a name that did not resolve is not firewall evidence.
#[test]
fn the_ticket_takes_every_places_failures_as_evidence() {
    let dir = temp_dir("merge-evidence");
    let (open, closed) = (stalling_server(), refusing_port());
    let dc1 = report(
        &dir,
        "dc1",
        vec![check("pcg-infra-api", "127.0.0.1", open, "tcp", false)],
    );
    let dc2 = report(
        &dir,
        "dc2",
        vec![
            check("pcg-infra-api", "127.0.0.1", closed, "tcp", false),
            check(
                "pcg-saas-registries",
                "no-such-registry.invalid",
                open,
                "tcp",
                false,
            ),
        ],
    );
    let answers = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rules/examples/saas-vsphere-pcg.json"
    );
    let out = portcheck()
        .args([
            "ticket",
            "--format",
            "markdown",
            "--answers",
            answers,
            "--evidence",
        ])
        .arg(&dc1)
        .arg(&dc2)
        .output()
        .unwrap();
    let ticket = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{ticket}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let evidence = &ticket[ticket
        .find("Evidence from live checks")
        .expect("an evidence section")..];
    let infra = evidence
        .lines()
        .find(|l| l.contains("pcg-infra-api"))
        .expect("pcg-infra-api has evidence");
    assert!(
        infra.contains("live check from Private Cloud Gateway nodes at dc2 ("),
        "{infra}"
    );
    assert!(infra.contains("refused"), "{infra}");
    assert!(!infra.contains("at dc1"), "dc1 passed: {infra}");
    // The registry check did fail, at DNS: that is no firewall evidence.
    let dc2_report: Value = serde_json::from_slice(&std::fs::read(&dc2).unwrap()).unwrap();
    let registry = dc2_report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["flow"] == "pcg-saas-registries")
        .unwrap();
    assert_eq!(
        (&registry["verdict"], &registry["failed-at"]),
        (&json!("fail"), &json!("dns"))
    );
    assert!(
        !evidence.contains("no-such-registry"),
        "a DNS failure is no firewall evidence: {evidence}"
    );

    let out = portcheck()
        .args(["ticket", "--answers", answers, "--evidence"])
        .arg(dir.join("missing.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
}
