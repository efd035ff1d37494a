//! `portcheck check` against real servers on loopback: TLS servers with generated certificates
//! (valid, self-signed, expired, wrong host, HTTP/1.1 only, signed by a "corporate" CA, with
//! and without a WebSocket fallback), a port
//! that refuses and a server that stalls.

mod common;

use common::{
    check, refusing_port, result, run, self_signed, stalling_server, temp_dir, tls_server,
    tls_server_with, Ca, OnHttp1,
};
use serde_json::{json, Value};
use std::process::Command;
use std::time::Duration;

#[test]
fn tls_verdicts_against_real_servers() {
    let dir = temp_dir("tls");
    let ca = Ca::new("palette-portcheck test CA");
    let ca_file = ca.pem_file(&dir);
    let (chain, key) = ca.leaf(&["localhost", "127.0.0.1"], false);
    let valid = tls_server(chain.clone(), key.clone_key(), &[b"h2", b"http/1.1"]);
    let http1 = tls_server(chain, key, &[b"http/1.1"]);
    let (chain, key) = self_signed(&["localhost"]);
    let selfsigned = tls_server(chain, key, &[b"h2"]);
    let (chain, key) = ca.leaf(&["localhost"], true);
    let expired = tls_server(chain, key, &[b"h2"]);
    let (chain, key) = ca.leaf(&["other.example"], false);
    let wrong_host = tls_server(chain, key, &[b"h2"]);

    let (code, report) = run(
        vec![
            check("valid", "localhost", valid, "grpc", false),
            // An IP literal: no SNI is sent, and the certificate's IP address SAN must match.
            check("ip-literal", "127.0.0.1", valid, "tls", false),
            check("http1-only", "localhost", http1, "grpc", false),
            check("http1-tls", "localhost", http1, "tls", false),
            check("self-signed", "localhost", selfsigned, "tls", false),
            check("expired", "localhost", expired, "tls", false),
            check("wrong-host", "localhost", wrong_host, "tls", false),
            check("inspected", "localhost", valid, "tls", true),
        ],
        Some(&ca_file),
        &dir,
    );
    assert_eq!(code, Some(1), "some checks fail: {report:#}");

    let ok = result(&report, "valid");
    assert_eq!(ok["verdict"], "pass", "{ok:#}");
    let tls = ok["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "tls")
        .unwrap();
    assert_eq!(tls["tls"]["alpn"], "h2");
    assert_eq!(tls["tls"]["trusted"], true);
    let leaf = &tls["tls"]["chain"][0];
    assert!(
        leaf["issuer"]
            .as_str()
            .unwrap()
            .contains("palette-portcheck test CA"),
        "{leaf:#}"
    );
    // As `openssl x509 -text` and `-fingerprint` print them, for comparing with a network
    // team's own tools.
    assert_eq!(
        leaf["sans"],
        serde_json::json!(["DNS:localhost", "IP Address:127.0.0.1"])
    );
    let fingerprint = leaf["sha256"].as_str().unwrap();
    assert_eq!(fingerprint.len(), 95, "{fingerprint}");
    assert!(
        fingerprint.split(':').all(|b| b.len() == 2
            && b.chars()
                .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))),
        "{fingerprint}"
    );

    let ip = result(&report, "ip-literal");
    assert_eq!(ip["verdict"], "pass", "{ip:#}");

    let h1 = result(&report, "http1-only");
    assert_eq!(h1["verdict"], "warn", "{h1:#}");
    assert!(h1["cause"]
        .as_str()
        .unwrap()
        .contains("WebSocket over HTTP/1.1"));
    assert_eq!(
        h1["summary"],
        "no HTTP/2; the WebSocket fallback over HTTP/1.1 passes"
    );
    assert_eq!(result(&report, "http1-tls")["verdict"], "pass");

    let ss = result(&report, "self-signed");
    assert_eq!(ss["verdict"], "fail");
    assert!(
        ss["cause"].as_str().unwrap().contains("does not trust"),
        "{ss:#}"
    );

    let exp = result(&report, "expired");
    assert_eq!(exp["verdict"], "fail");
    assert!(
        exp["cause"].as_str().unwrap().contains("expired"),
        "{exp:#}"
    );

    let wh = result(&report, "wrong-host");
    assert_eq!(wh["verdict"], "fail");
    assert!(
        wh["cause"].as_str().unwrap().contains("other.example"),
        "{wh:#}"
    );

    // A public destination whose chain only verifies through a local CA: SSL bump.
    let insp = result(&report, "inspected");
    assert_eq!(insp["verdict"], "warn", "{insp:#}");
    assert!(
        insp["cause"].as_str().unwrap().contains("SSL bump"),
        "{insp:#}"
    );
}

#[test]
fn intermediates_and_alpn_variants() {
    let dir = temp_dir("chain");
    let root = Ca::new("palette-portcheck test root");
    let ca_file = root.pem_file(&dir);
    let intermediate = root.intermediate("palette-portcheck test intermediate");
    let (leaf, key) = intermediate.leaf(&["localhost"], false);
    let mut full_chain = leaf.clone();
    full_chain.push(intermediate.der());
    let full = tls_server(full_chain, key.clone_key(), &[b"h2"]);
    let missing = tls_server(leaf.clone(), key.clone_key(), &[b"h2"]);
    let no_alpn = tls_server(
        leaf.into_iter().chain([intermediate.der()]).collect(),
        key,
        &[],
    );

    let (_, report) = run(
        vec![
            check("full-chain-h2-only", "localhost", full, "grpc", false),
            check("missing-intermediate", "localhost", missing, "tls", false),
            check("no-alpn", "localhost", no_alpn, "grpc", false),
        ],
        Some(&ca_file),
        &dir,
    );
    let full = result(&report, "full-chain-h2-only");
    assert_eq!(full["verdict"], "pass", "{full:#}");
    let tls = full["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "tls")
        .unwrap();
    assert_eq!(
        tls["tls"]["chain"].as_array().unwrap().len(),
        2,
        "the chain as sent"
    );

    let missing = result(&report, "missing-intermediate");
    assert_eq!(missing["verdict"], "fail");
    assert!(
        missing["cause"]
            .as_str()
            .unwrap()
            .contains("missing intermediate"),
        "{missing:#}"
    );

    let no_alpn = result(&report, "no-alpn");
    assert_eq!(no_alpn["verdict"], "warn", "{no_alpn:#}");
    assert!(no_alpn["summary"].as_str().unwrap().contains("no HTTP/2"));
}

#[test]
fn refused_and_stalled_ports_are_told_apart() {
    let dir = temp_dir("tcp");
    let refused = refusing_port();
    let stalled = stalling_server();
    let started = std::time::Instant::now();
    let (code, report) = run(
        vec![
            check("refused", "127.0.0.1", refused, "tcp", false),
            check("stalled", "127.0.0.1", stalled, "tls", false),
            check("listening", "127.0.0.1", stalled, "tcp", false),
        ],
        None,
        &dir,
    );
    assert_eq!(code, Some(1));
    let r = result(&report, "refused");
    assert_eq!(r["verdict"], "fail");
    assert!(r["summary"].as_str().unwrap().contains("refused"), "{r:#}");
    // The stage that failed is typed: the app tells DNS problems from firewall ones by it.
    assert_eq!(r["failed-at"], "tcp", "{r:#}");
    let s = result(&report, "stalled");
    assert_eq!(s["verdict"], "fail");
    assert_eq!(
        s["failed-at"], "tls",
        "a timeout names the stage it was in: {s:#}"
    );
    assert!(
        s["summary"]
            .as_str()
            .unwrap()
            .contains("no answer within 3 s"),
        "{s:#}"
    );
    assert!(
        s["cause"]
            .as_str()
            .unwrap()
            .contains("the connection was accepted, then nothing answered"),
        "{s:#}"
    );
    assert_eq!(result(&report, "listening")["verdict"], "pass");
    assert!(result(&report, "listening").get("failed-at").is_none());
    // Checks run concurrently: the stall does not hold the others up.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn bad_plans_are_refused_before_any_connection() {
    let dir = temp_dir("bad");
    let path = dir.join("plan.json");
    let run_plan = |plan: &str, extra: &[&str]| {
        std::fs::write(&path, plan).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .args(["check", "--plan"])
            .arg(&path)
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run_plan("{not json", &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not a valid plan file"), "{err}");

    let (code, err) = run_plan(&json!({"schema": 2, "from": "workload", "palette-version": "4.7.9", "checks": [], "extra": 1}).to_string(), &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown field `extra`"), "{err}");

    let plan = json!({"schema": 2, "from": "workload", "palette-version": "4.7.9",
        "checks": [check("a", "127.0.0.1", 1, "tcp", false), check("b", "10.0.0.0/8", 443, "tcp", false)]});
    let (code, err) = run_plan(&plan.to_string(), &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("port 1 is not a port of Palette's rule base"),
        "{err}"
    );
    assert!(err.contains("is a network, not a host"), "{err}");

    let (code, err) = run_plan(&plan.to_string(), &["--ca", "/nonexistent/ca.pem"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("port 1"), "plan problems come first: {err}");

    // #15 point 5: the metadata service and addresses in hiding are refused before any socket.
    let hidden = json!({"schema": 2, "from": "workload", "palette-version": "4.7.9",
        "checks": [check("m", "169.254.169.254", 443, "tcp", false),
                   check("g", "metadata.google.internal", 443, "tcp", false),
                   check("x", "0x7f.1", 443, "tcp", false)]});
    let (code, err) = run_plan(&hidden.to_string(), &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("checks[0]: host 169.254.169.254: link-local addresses"),
        "{err}"
    );
    assert!(
        err.contains("checks[1]: host metadata.google.internal: a cloud metadata service"),
        "{err}"
    );
    assert!(
        err.contains("checks[2]: host: '0x7f.1' looks like an IPv4 address but is not one"),
        "{err}"
    );

    let good = json!({"schema": 2, "from": "workload", "palette-version": "4.7.9",
        "checks": [check("a", "127.0.0.1", 443, "tcp", false)]})
    .to_string();
    let (code, err) = run_plan(&good, &["--ca", "/nonexistent/ca.pem"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("cannot read --ca /nonexistent/ca.pem"),
        "{err}"
    );
    let not_pem = dir.join("not-pem.txt");
    std::fs::write(&not_pem, "hello").unwrap();
    let (code, err) = run_plan(&good, &["--ca", not_pem.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("holds no CERTIFICATE block"), "{err}");
}

#[test]
fn junit_and_text_reports() {
    let dir = temp_dir("formats");
    let port = stalling_server();
    let plan = json!({"schema": 2, "from": "pcg", "palette-version": "4.7.9",
        "checks": [check("ok<&>", "127.0.0.1", port, "tcp", false)],
        "skipped": [{"flow": "pcg-dns", "reason": "UDP cannot be checked by opening a connection"}]});
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let out = |format: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .args([
                "check",
                "--format",
                format,
                "--allow-port",
                &port.to_string(),
                "--plan",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8(o.stdout).unwrap()
    };
    let junit = out("junit");
    assert!(junit.starts_with("<?xml"));
    assert!(junit.contains("name=\"ok&lt;&amp;&gt;\""), "{junit}");
    assert!(
        junit.contains("<skipped message=\"UDP cannot be checked"),
        "{junit}"
    );
    assert!(
        junit.contains("tests=\"2\" failures=\"0\" skipped=\"1\""),
        "{junit}"
    );
    let text = out("text");
    assert!(text.contains("PASS ok<&>"), "{text}");
    assert!(
        text.ends_with("1 passed, 0 failed, 0 warned, 1 skipped\n"),
        "{text}"
    );
}

/// Every report says where and when it was taken (#17 point 1): the `--site` label, the host's
/// name and addresses, the probe's version, the plan's digest, start and end; text and JUnit
/// carry the same head as the JSON (probe/REPORT.md).
#[test]
fn reports_say_where_they_came_from() {
    let dir = temp_dir("vantage");
    let port = stalling_server();
    let checks = json!([check("here", "127.0.0.1", port, "tcp", false)]);
    let plan = json!({"schema": 2, "from": "pcg", "palette-version": "4.7.9", "checks": checks});
    let run = |plan_text: String, format: &str, site: Option<&str>| {
        let name: String = site
            .unwrap_or("none")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let path = dir.join(format!("plan-{format}-{name}.json"));
        std::fs::write(&path, plan_text).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_portcheck"));
        cmd.args([
            "check",
            "--format",
            format,
            "--allow-port",
            &port.to_string(),
            "--plan",
        ])
        .arg(&path);
        if let Some(site) = site {
            cmd.args(["--site", site]);
        }
        let o = cmd.output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let report: Value =
        serde_json::from_str(&run(plan.to_string(), "json", Some("dc1 / rack 4"))).unwrap();
    assert_eq!(report["schema"], 2);
    let v = &report["vantage"];
    assert_eq!(v["site"], "dc1 / rack 4");
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(v["host-name"], host.trim());
    for a in v["addresses"].as_array().unwrap() {
        let ip: std::net::IpAddr = a.as_str().unwrap().parse().unwrap();
        assert!(!ip.is_loopback(), "{ip}");
    }
    assert_eq!(v["probe-version"], env!("CARGO_PKG_VERSION"));
    let started = v["started"].as_str().unwrap();
    let finished = v["finished"].as_str().unwrap();
    assert!(
        started.len() == 20 && started.ends_with('Z') && started <= finished,
        "{v}"
    );
    // One plan, one digest, whatever the file's whitespace; another plan, another digest.
    let digest = v["plan-digest"].as_str().unwrap().to_owned();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest}"
    );
    let pretty: Value = serde_json::from_str(&run(
        serde_json::to_string_pretty(&plan).unwrap(),
        "json",
        None,
    ))
    .unwrap();
    assert_eq!(pretty["vantage"]["plan-digest"], digest.as_str());
    assert!(
        pretty["vantage"].get("site").is_none(),
        "no --site, no site"
    );
    let mut other = plan.clone();
    other["palette-version"] = json!("4.6.20");
    let other: Value = serde_json::from_str(&run(other.to_string(), "json", None)).unwrap();
    assert_ne!(other["vantage"]["plan-digest"], digest.as_str());

    let text = run(plan.to_string(), "text", Some("dc1"));
    let head = text.lines().nth(1).unwrap();
    assert!(
        head.starts_with(&format!("Site dc1 · host {}", host.trim()))
            && head.contains(&format!("portcheck {}", env!("CARGO_PKG_VERSION")))
            && head.contains(&digest[..19])
            && head.contains(" to "),
        "{text}"
    );
    let junit = run(plan.to_string(), "junit", Some("dc1"));
    assert!(
        junit.contains(&format!("hostname=\"{}\"", host.trim())),
        "{junit}"
    );
    assert!(
        junit.contains("<property name=\"site\" value=\"dc1\"/>"),
        "{junit}"
    );
    assert!(
        junit.contains(&format!(
            "<property name=\"plan-digest\" value=\"{digest}\"/>"
        )),
        "{junit}"
    );
}

/// A site label that would not print as itself is refused; a host name that would not is
/// escaped wherever a terminal shows it (its own UTS namespace: needs root, as CI has).
#[test]
fn hostile_site_labels_are_refused_and_hostile_host_names_escaped() {
    let (path, port) = one_check_plan("vantage-hostile");
    for site in ["dc1\u{1b}[2J", "dc1\u{202e}1cd", "", &"x".repeat(101)] {
        let o = Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .args(["check", "--site", site, "--plan"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{site:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--site"), "{err}");
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{202e}'),
            "{err:?}"
        );
    }
    let o = Command::new("unshare")
        // Debian's `hostname` refuses such a name; the kernel takes it.
        .args([
            "--uts",
            "sh",
            "-c",
            "printf %s \"$H\" > /proc/sys/kernel/hostname && exec \"$@\"",
            "sh",
        ])
        .arg(env!("CARGO_BIN_EXE_portcheck"))
        .args([
            "check",
            "--format",
            "text",
            "--allow-port",
            &port.to_string(),
            "--plan",
        ])
        .arg(&path)
        .env("H", "evil\u{1b}[2J\u{202e}x")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("host evil\\u{1b}[2J\\u{202e}x"), "{text:?}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
}

/// gRPC needs HTTP/2; without it Palette's agent falls back to a WebSocket over HTTP/1.1, so a
/// gRPC check also tries that upgrade and lets it decide between a warning and a failure.
#[test]
fn the_websocket_fallback_decides_when_http2_is_missing() {
    let dir = temp_dir("websocket");
    let ca = Ca::new("palette-portcheck test CA");
    let ca_file = ca.pem_file(&dir);
    let (chain, key) = ca.leaf(&["localhost"], false);
    let server =
        |alpn: &[&[u8]], on_http1| tls_server_with(chain.clone(), key.clone_key(), alpn, on_http1);
    let upgrades = server(&[b"http/1.1"], OnHttp1::WebSocket);
    let answers = server(&[b"http/1.1"], OnHttp1::NotFound);
    let hangs_up = server(&[b"http/1.1"], OnHttp1::HangUp);
    let h2_only = server(&[b"h2"], OnHttp1::HangUp);
    let (code, report) = run(
        vec![
            check("upgrades", "localhost", upgrades, "grpc", false),
            check("answers", "localhost", answers, "grpc", false),
            check("hangs-up", "localhost", hangs_up, "grpc", false),
            check("h2-only", "localhost", h2_only, "grpc", false),
        ],
        Some(&ca_file),
        &dir,
    );
    assert_eq!(code, Some(1), "{report:#}");
    let websocket = |id: &str| {
        let r = result(&report, id);
        let step = r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "websocket")
            .cloned()
            .unwrap_or_else(|| panic!("{id} has no websocket step: {r:#}"));
        (r, step)
    };

    let (r, step) = websocket("upgrades");
    assert_eq!(r["verdict"], "warn", "{r:#}");
    assert_eq!(step["ok"], true);
    assert!(step["detail"].as_str().unwrap().contains("101"), "{step:#}");

    let (r, step) = websocket("answers");
    assert_eq!(r["verdict"], "warn", "{r:#}");
    assert!(step["detail"].as_str().unwrap().contains("404"), "{step:#}");

    let (r, step) = websocket("hangs-up");
    assert_eq!(r["verdict"], "fail", "{r:#}");
    assert_eq!(step["ok"], false);
    assert_eq!(
        r["summary"],
        "neither HTTP/2 nor the WebSocket fallback passes"
    );
    assert!(
        r["cause"].as_str().unwrap().contains("no HTTP/1.1 answer"),
        "{r:#}"
    );

    // HTTP/2 works: the fallback would never be used, so it is not tried.
    let r = result(&report, "h2-only");
    assert_eq!(r["verdict"], "pass", "{r:#}");
    assert!(
        r["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["name"] != "websocket"),
        "{r:#}"
    );
}

/// A host behind a DROP rule and one without a route, in a network namespace of their own (the
/// test needs root, as CI has): the first times out as a black hole, the second fails at once.
#[test]
fn a_black_holed_host_and_an_unreachable_one_are_told_apart() {
    let dir = temp_dir("blackhole");
    let plan = json!({"schema": 2, "from": "workload", "palette-version": "4.7.9", "checks": [
        check("black-holed", "127.0.0.1", 443, "tls", false),
        check("no-route", "10.9.9.9", 443, "tcp", false),
    ]});
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let script = "ip link set lo up \
        && iptables -A INPUT -p tcp --dport 443 -j DROP \
        && ip route add unreachable 10.9.9.9 \
        && exec \"$0\" check --format json --timeout 2 --plan \"$1\"";
    let started = std::time::Instant::now();
    let out = Command::new("unshare")
        .args(["--net", "sh", "-c", script, env!("CARGO_BIN_EXE_portcheck")])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "needs root for a network namespace: {stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let hole = result(&report, "black-holed");
    assert_eq!(hole["verdict"], "fail");
    assert_eq!(hole["summary"], "no answer within 2 s", "{hole:#}");
    assert!(
        hole["cause"]
            .as_str()
            .unwrap()
            .contains("the connection attempt was never answered"),
        "{hole:#}"
    );

    let unreachable = result(&report, "no-route");
    assert_eq!(
        unreachable["summary"], "10.9.9.9:443 is unreachable",
        "{unreachable:#}"
    );
    assert!(
        unreachable["millis"].as_u64().unwrap() < 1000,
        "no route fails at once: {unreachable:#}"
    );
    assert!(started.elapsed() < Duration::from_secs(6));
}

/// #15 point 9: a trust store that cannot be read, or is empty, is said at start rather than
/// showing up later as "TLS inspection" on every public destination.
#[test]
fn an_unreadable_or_empty_trust_store_is_reported() {
    let dir = temp_dir("trust-store");
    let port = stalling_server();
    let plan = json!({"schema": 2, "from": "workload", "palette-version": "4.7.9",
        "checks": [check("a", "127.0.0.1", port, "tcp", false)]});
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args([
            "check",
            "--timeout",
            "1",
            "--allow-port",
            &port.to_string(),
            "--plan",
        ])
        .arg(&path)
        .env("SSL_CERT_FILE", dir.join("no-such-bundle.pem"))
        .env("SSL_CERT_DIR", dir.join("no-such-dir"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: the system trust store could not be read fully"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: the system trust store holds no certificates"),
        "{stderr}"
    );
}

/// #15 point 8: names in a certificate (a hostile issuer with an escape sequence and a bidi
/// override) are escaped wherever the check's result shows them: JSON and text reports.
#[test]
fn certificate_names_are_escaped_in_reports() {
    let dir = temp_dir("hostile-cert");
    let ca = common::Ca::new("Evil\u{1b}[2J\u{202e}CA");
    let (chain, key) = ca.leaf(&["localhost"], false);
    let port = common::tls_server(chain, key, &[b"http/1.1"]);
    let plan = json!({"schema": 2, "from": "workload", "palette-version": "4.7.9",
        "checks": [check("t", "localhost", port, "tls", false)]});
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    for format in ["json", "text"] {
        let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .args([
                "check",
                "--format",
                format,
                "--timeout",
                "3",
                "--allow-port",
                &port.to_string(),
                "--plan",
            ])
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(
            stdout.contains("Evil\\\\u{1b}[2J\\\\u{202e}CA")
                || stdout.contains("Evil\\u{1b}[2J\\u{202e}CA"),
            "{format}: {stdout}"
        );
        assert!(
            !stdout.contains('\u{1b}') && !stdout.contains('\u{202e}'),
            "{format}: {stdout}"
        );
    }
}

/// `--hold` (a DaemonSet's pods must not exit): the report is printed, then the probe waits
/// until it is stopped, and exits with the checks' status.
#[test]
fn hold_waits_after_the_report_until_stopped() {
    use std::io::Read;
    let (path, port) = one_check_plan("hold");
    let mut child = Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args([
            "check",
            "--hold",
            "--format",
            "json",
            "--allow-port",
            &port.to_string(),
            "--plan",
        ])
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut report = Vec::new();
    let mut buf = [0u8; 4096];
    while serde_json::from_slice::<Value>(&report).is_err() {
        let n = stdout.read(&mut buf).unwrap();
        assert!(
            n > 0,
            "the report ended early: {}",
            String::from_utf8_lossy(&report)
        );
        report.extend_from_slice(&buf[..n]);
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "it holds after the report"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "the checks passed");
}

/// A plan file of one tcp check to a port that answers (and never speaks), and that port.
fn one_check_plan(name: &str) -> (std::path::PathBuf, u16) {
    let dir = temp_dir(name);
    let port = stalling_server();
    let plan = json!({"schema": 2, "from": "pcg", "palette-version": "4.7.9",
        "checks": [check("here", "127.0.0.1", port, "tcp", false)]});
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    (path, port)
}
