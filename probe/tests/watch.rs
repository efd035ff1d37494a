//! `portcheck watch` as Prometheus sees it: a real Prometheus (Debian's) scrapes a real watch on
//! loopback, with the shipped alerting rules loaded, and is asked through its HTTP query API;
//! scrapes that never wait for a stalling check; the shipped rules through promtool; and the
//! listener's rules, the same as `serve`'s.

mod common;

use common::{http, refusing_port, stalling_server, temp_dir, tls_server, Ca};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("prometheus")
}

/// A running `portcheck watch` on a free loopback port; stopped when dropped.
struct Watched {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Watched {
    /// Watches these checks from `workload` (every check's port allowed) with these options.
    fn start(dir: &Path, checks: &[Value], extra: &[&str]) -> Watched {
        let plan =
            json!({"schema": 2, "from": "workload", "palette-version": "4.7.9", "checks": checks});
        let plan_file = dir.join("plan.json");
        std::fs::write(&plan_file, plan.to_string()).unwrap();
        let log = dir.join("watch.log");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_portcheck"));
        cmd.args(["watch", "--listen", "127.0.0.1:0", "--plan"])
            .arg(&plan_file)
            .args(extra);
        for c in checks {
            cmd.args(["--allow-port", &c["port"].to_string()]);
        }
        let mut child = cmd
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "no metrics URL in {line:?}: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            });
        Watched { child, port, log }
    }

    /// `GET /metrics` as a client naming this host (and its port) would send it.
    fn metrics_as(&self, host: &str) -> String {
        http(
            self.port,
            "GET",
            "/metrics",
            &format!("{host}:{}", self.port),
        )
    }

    fn scrape(&self) -> String {
        let response = self.metrics_as("127.0.0.1");
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        response
    }

    /// Scrapes until `done` holds for the exposition, or panics after `within`.
    fn scrape_until(&self, within: Duration, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let text = self.scrape();
            if done(&text) {
                return text;
            }
            assert!(
                started.elapsed() < within,
                "never happened; last scrape:\n{text}\nlog:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn check(id: &str, port: u16, kind: &str, optional: bool) -> Value {
    json!({"id": id, "flow": id.split('@').next().unwrap(), "host": "localhost", "port": port, "kind": kind,
           "via-proxy": false, "public": false, "purpose": "test", "optional": optional})
}

/// The value of the sample whose line has every one of these fragments.
fn sample(exposition: &str, name: &str, fragments: &[&str]) -> Option<f64> {
    exposition
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .find(|l| fragments.iter().all(|f| l.contains(f)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[test]
fn a_scrape_never_waits_for_a_stalling_check() {
    let dir = temp_dir("watch-stall");
    let healthy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let healthy_port = healthy.local_addr().unwrap().port();
    let stalling = stalling_server();
    let watch = Watched::start(
        &dir,
        &[
            check("healthy@localhost", healthy_port, "tcp", false),
            // Accepted, then silence: the TLS handshake waits for the whole timeout.
            check("stalled@localhost", stalling, "tls", false),
        ],
        &["--interval", "1h", "--timeout", "6"],
    );
    // The healthy check's result is served while the stalled one of the same run is still
    // waiting: the scrape that shows it came back before that check ended.
    let early = watch.scrape_until(Duration::from_secs(5), |t| {
        sample(
            t,
            "portcheck_check_success",
            &["check=\"healthy@localhost\""],
        )
        .is_some()
    });
    assert_eq!(
        sample(
            &early,
            "portcheck_check_success",
            &["check=\"healthy@localhost\""]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &early,
            "portcheck_check_success",
            &["check=\"stalled@localhost\""]
        ),
        None,
        "{early}"
    );
    assert!(early.contains("portcheck_cycles_total 0\n"), "{early}");
    // Scrapes go on while the check stalls.
    for _ in 0..10 {
        let text = watch.scrape();
        if sample(
            &text,
            "portcheck_check_success",
            &["check=\"stalled@localhost\""],
        )
        .is_some()
        {
            break;
        }
    }
    // When its time is up, it fails in the TLS stage, and the run ends.
    let late = watch.scrape_until(Duration::from_secs(15), |t| {
        t.contains("portcheck_cycles_total 1\n")
    });
    assert_eq!(
        sample(
            &late,
            "portcheck_check_success",
            &["check=\"stalled@localhost\""]
        ),
        Some(0.0)
    );
    assert!(
        late.lines()
            .any(|l| l.starts_with("portcheck_check_failure_info{")
                && l.contains("check=\"stalled@localhost\"")
                && l.contains("stage=\"tls\"")),
        "{late}"
    );
    assert_eq!(
        sample(
            &late,
            "portcheck_check_verdict",
            &["check=\"stalled@localhost\"", "verdict=\"fail\""]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &late,
            "portcheck_check_verdict",
            &["check=\"stalled@localhost\"", "verdict=\"pass\""]
        ),
        Some(0.0)
    );
    drop(healthy);
}

/// A Prometheus server from Debian's package on a free loopback port, scraping `targets` every
/// second with the shipped rules; stopped when dropped.
struct Prometheus {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Prometheus {
    fn start(dir: &Path, target_port: u16) -> Prometheus {
        let port = refusing_port();
        let config = dir.join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
                 rule_files: [{rules:?}]\n\
                 scrape_configs:\n  - job_name: portcheck\n    static_configs:\n      - targets: ['127.0.0.1:{target_port}']\n",
                rules = rules_dir().join("portcheck.rules.yml").display().to_string(),
            ),
        )
        .unwrap();
        let log = dir.join("prometheus.log");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("tsdb").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("prometheus is installed (scripts/setup)");
        let prometheus = Prometheus { child, port, log };
        prometheus.until(Duration::from_secs(30), "ready", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                && http(port, "GET", "/-/ready", "127.0.0.1").starts_with("HTTP/1.1 200")
        });
        prometheus
    }

    fn until(&self, within: Duration, what: &str, done: impl Fn() -> bool) {
        let started = Instant::now();
        while !done() {
            assert!(
                started.elapsed() < within,
                "Prometheus: never {what}; its log:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `data` of an API call's JSON answer.
    fn api(&self, path: &str) -> Value {
        let response = http(self.port, "GET", path, &format!("127.0.0.1:{}", self.port));
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or_default();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_owned()
        };
        let answer: Value =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {response}"));
        assert_eq!(answer["status"], "success", "{answer}");
        answer["data"].clone()
    }

    /// An instant query's result vector.
    fn query(&self, promql: &str) -> Vec<Value> {
        let encoded =
            percent_encoding::utf8_percent_encode(promql, percent_encoding::NON_ALPHANUMERIC);
        self.api(&format!("/api/v1/query?query={encoded}"))["result"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP/1.1 chunked body, put together (Prometheus chunks its larger answers).
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

fn value(series: &Value) -> f64 {
    series["value"][1].as_str().unwrap().parse().unwrap()
}

#[test]
fn prometheus_scrapes_the_watch_and_sees_what_failed_what_passed_and_why() {
    let dir = temp_dir("watch-prometheus");
    // A healthy TLS destination whose CA's name is hostile (a quote, a backslash, a newline, an
    // escape sequence and a bidi override): one unescaped character would make Prometheus
    // reject the whole scrape. Its certificate expires in ten days.
    let ca = Ca::new("Evil \"CA\" \\ line\nbreak \u{1b}[31m red \u{202e}gnp");
    let ca_file = ca.pem_file(&dir);
    let expiry = (time::OffsetDateTime::now_utc() + time::Duration::days(10))
        .replace_nanosecond(0)
        .unwrap();
    let mut params = common::leaf_params(&["localhost"], false);
    params.not_after = expiry;
    let (chain, key) = ca.leaf_from(params);
    let tls_port = tls_server(chain, key, &[b"h2", b"http/1.1"]);
    let refused = refusing_port();
    // The same server as an internet destination: a chain that verifies only through the
    // local CA is TLS inspection.
    let mut inspected = check("inspected@localhost", tls_port, "tls", true);
    inspected["public"] = json!(true);
    let checks = [
        check("healthy-tls@localhost", tls_port, "tls", false),
        check("refused@localhost", refused, "tcp", false),
        inspected,
    ];
    let watch = Watched::start(
        &dir,
        &checks,
        &[
            "--interval",
            "1s",
            "--site",
            "dc1-workload",
            "--ca",
            ca_file.to_str().unwrap(),
        ],
    );
    let prometheus = Prometheus::start(&dir, watch.port);

    prometheus.until(Duration::from_secs(30), "saw every check", || {
        prometheus.query("portcheck_check_success").len() == 3
    });
    // The target is up and its scrapes parse: no error on record.
    let targets = prometheus.api("/api/v1/targets");
    let target = &targets["activeTargets"][0];
    assert_eq!(target["health"], "up", "{target}");
    assert_eq!(target["lastError"], "", "{target}");

    let success = prometheus.query("portcheck_check_success");
    let by_check = |id: &str| {
        success
            .iter()
            .find(|s| s["metric"]["check"] == id)
            .unwrap_or_else(|| panic!("no {id} in {success:?}"))
            .clone()
    };
    let healthy = by_check("healthy-tls@localhost");
    let failed = by_check("refused@localhost");
    let warned = by_check("inspected@localhost");
    assert_eq!(value(&healthy), 1.0);
    assert_eq!(value(&failed), 0.0);
    // Inspection works (a warning), so the flow passes; its verdict and the inspection say more.
    assert_eq!(value(&warned), 1.0);
    let verdicts = prometheus.query("portcheck_check_verdict == 1");
    let verdict_of = |id: &str| {
        verdicts
            .iter()
            .find(|s| s["metric"]["check"] == id)
            .map(|s| s["metric"]["verdict"].as_str().unwrap().to_owned())
    };
    assert_eq!(verdict_of("healthy-tls@localhost").as_deref(), Some("pass"));
    assert_eq!(verdict_of("refused@localhost").as_deref(), Some("fail"));
    assert_eq!(verdict_of("inspected@localhost").as_deref(), Some("warn"));
    let inspection = prometheus.query("portcheck_check_tls_inspected");
    assert_eq!(
        inspection.len(),
        1,
        "only internet destinations are judged: {inspection:?}"
    );
    assert_eq!(inspection[0]["metric"]["check"], "inspected@localhost");
    assert_eq!(value(&inspection[0]), 1.0);
    for series in [&healthy, &failed] {
        let m = &series["metric"];
        assert_eq!(m["site"], "dc1-workload", "{m}");
        assert_eq!(m["role"], "workload", "{m}");
        assert_eq!(m["level"], "required", "{m}");
        assert_eq!(m["job"], "portcheck", "{m}");
    }
    assert_eq!(healthy["metric"]["flow"], "healthy-tls");
    assert_eq!(healthy["metric"]["target"], format!("localhost:{tls_port}"));

    // Why it failed: refused in the TCP stage.
    let failure = prometheus.query("portcheck_check_failure_info");
    assert_eq!(failure.len(), 1, "{failure:?}");
    assert_eq!(failure[0]["metric"]["check"], "refused@localhost");
    assert_eq!(failure[0]["metric"]["stage"], "tcp");
    assert!(
        failure[0]["metric"]["summary"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{failure:?}"
    );

    // The certificate's expiry, to the second, and days left by PromQL.
    let expiry_metric = prometheus.query(
        "portcheck_check_tls_cert_expiry_timestamp_seconds{check=\"healthy-tls@localhost\"}",
    );
    assert_eq!(expiry_metric.len(), 1, "{expiry_metric:?}");
    assert_eq!(value(&expiry_metric[0]), expiry.unix_timestamp() as f64);
    let days =
        prometheus.query("(portcheck_check_tls_cert_expiry_timestamp_seconds - time()) / 86400");
    assert!((9.9..=10.0).contains(&value(&days[0])), "{days:?}");

    // The hostile issuer arrives as one printable label value, the same text the JSON report
    // of `portcheck check` gives for that chain.
    let issuer =
        prometheus.query("portcheck_check_tls_issuer_info{check=\"healthy-tls@localhost\"}");
    let shown = issuer[0]["metric"]["issuer"].as_str().unwrap().to_owned();
    assert!(!shown.contains(['\n', '\u{1b}', '\u{202e}']), "{shown:?}");
    let (_, report, _) = common::run_plan(
        &dir.join("report"),
        None,
        vec![common::check(
            "healthy-tls@localhost",
            "localhost",
            tls_port,
            "tls",
            false,
        )],
        Some(&ca_file),
        &[],
    );
    let reported = &common::result(&report, "healthy-tls@localhost")["steps"];
    let reported_issuer = reported
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| s["tls"]["chain"][0]["issuer"].as_str())
        .unwrap();
    assert_eq!(shown, reported_issuer);

    // The shipped rules judge these very series: the refused required flow, the certificate
    // close to its end (seen by both TLS checks) and the inspection are pending (their `for`
    // has not run out), nothing else.
    prometheus.until(Duration::from_secs(20), "evaluated the alerts", || {
        prometheus.api("/api/v1/alerts")["alerts"]
            .as_array()
            .is_some_and(|a| a.len() >= 4)
    });
    let alerts = prometheus.api("/api/v1/alerts");
    let mut pending: Vec<(String, String)> = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            assert_eq!(a["state"], "pending", "{a}");
            (
                a["labels"]["alertname"].as_str().unwrap().to_owned(),
                a["labels"]["check"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    pending.sort();
    assert_eq!(
        pending,
        [
            (
                "PortcheckCertificateExpiresSoon".to_owned(),
                "healthy-tls@localhost".to_owned()
            ),
            (
                "PortcheckCertificateExpiresSoon".to_owned(),
                "inspected@localhost".to_owned()
            ),
            (
                "PortcheckRequiredFlowFailing".to_owned(),
                "refused@localhost".to_owned()
            ),
            (
                "PortcheckTlsInspected".to_owned(),
                "inspected@localhost".to_owned()
            ),
        ]
    );
    let groups = prometheus.api("/api/v1/rules");
    for rule in groups["groups"][0]["rules"].as_array().unwrap() {
        assert_eq!(rule["health"], "ok", "{rule}");
    }
}

#[test]
fn the_shipped_alerting_rules_pass_promtool() {
    let rules = rules_dir();
    for args in [
        vec!["check", "rules", "portcheck.rules.yml"],
        vec!["test", "rules", "portcheck.rules.test.yml"],
    ] {
        let out = Command::new("promtool")
            .args(&args)
            .current_dir(&rules)
            .output()
            .expect("promtool is installed (scripts/setup)");
        assert!(
            out.status.success(),
            "promtool {args:?}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_listener_keeps_serve_rules() {
    let dir = temp_dir("watch-listener");
    let open = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = open.local_addr().unwrap().port();
    let watch = Watched::start(
        &dir,
        &[check("up@localhost", port, "tcp", false)],
        &["--interval", "1h"],
    );
    // DNS rebinding: a page whose name now points at 127.0.0.1 cannot read the metrics.
    let rebound = watch.metrics_as("attacker.example");
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
    let localhost = watch.metrics_as("localhost");
    assert!(localhost.starts_with("HTTP/1.1 200"), "{localhost}");
    assert!(
        localhost
            .to_ascii_lowercase()
            .contains("content-type: application/openmetrics-text; version=1.0.0"),
        "{localhost}"
    );
    assert!(localhost.ends_with("# EOF\n"), "{localhost}");
    // Nothing to send it: no request makes it do anything.
    let host = format!("127.0.0.1:{}", watch.port);
    assert!(http(watch.port, "POST", "/metrics", &host).starts_with("HTTP/1.1 405"));
    assert!(http(watch.port, "GET", "/v1/ws", &host).starts_with("HTTP/1.1 404"));
    drop(open);

    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .arg("watch")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let plan = dir.join("plan.json");
    let plan = plan.to_str().unwrap();
    // Another machine's address needs --expose; every address needs --allow-host.
    let (code, err) = run(&[
        "--plan",
        plan,
        "--allow-port",
        &port.to_string(),
        "--listen",
        "192.0.2.1:9469",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--listen 192.0.2.1 is not a loopback address; add --expose"),
        "{err}"
    );
    let (code, err) = run(&[
        "--plan",
        plan,
        "--allow-port",
        &port.to_string(),
        "--listen",
        "0.0.0.0:9469",
        "--expose",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--allow-host"), "{err}");
    // A plan is checked like every plan: a port outside Palette's rule base is refused.
    let (code, err) = run(&["--plan", plan, "--listen", "127.0.0.1:0"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is not a usable plan"), "{err}");
    // A refused interval is named, never echoed raw.
    let (code, err) = run(&["--plan", plan, "--interval", "\u{1b}[2J5"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--interval") && !err.contains('\u{1b}'),
        "{err:?}"
    );
}
