//! `portcheck check` against real servers on loopback: TLS servers with generated certificates
//! (valid, self-signed, expired, wrong host, HTTP/1.1 only, signed by a "corporate" CA), a port
//! that refuses and a server that stalls.

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        Ca {
            issuer: CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap(),
        }
    }

    fn leaf(
        &self,
        names: &[&str],
        expired: bool,
    ) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate().unwrap();
        let cert = leaf_params(names, expired)
            .signed_by(&key, &self.issuer)
            .unwrap();
        (
            vec![cert.der().clone()],
            PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        )
    }

    fn pem_file(&self, dir: &std::path::Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, self.issuer.pem()).unwrap();
        path
    }
}

fn leaf_params(names: &[&str], expired: bool) -> CertificateParams {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    params
}

fn self_signed(names: &[&str]) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let key = KeyPair::generate().unwrap();
    let cert = leaf_params(names, false).self_signed(&key).unwrap();
    (
        vec![cert.der().clone()],
        PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
    )
}

/// A TLS server on a free loopback port, in its own thread, for the life of the test process.
fn tls_server(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    alpn: &[&[u8]],
) -> u16 {
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .unwrap();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // The handshake is all a check does; errors are the client's business.
                    let _ = acceptor.accept(stream).await;
                });
            }
        });
    });
    port
}

/// Accepts connections and never says a word.
fn stalling_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    port
}

fn refusing_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}

fn check(id: &str, host: &str, port: u16, kind: &str, public: bool) -> Value {
    json!({"id": id, "flow": id, "host": host, "port": port, "kind": kind, "via-proxy": false, "public": public, "purpose": "test"})
}

fn run(checks: Vec<Value>, ca: Option<&PathBuf>, dir: &std::path::Path) -> (Option<i32>, Value) {
    let plan =
        json!({"schema": 1, "from": "workload", "palette-version": "4.7.9", "checks": checks});
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portcheck"));
    cmd.args(["check", "--format", "json", "--timeout", "3", "--plan"])
        .arg(&path);
    for c in plan["checks"].as_array().unwrap() {
        cmd.args(["--allow-port", &c["port"].to_string()]);
    }
    if let Some(ca) = ca {
        cmd.arg("--ca").arg(ca);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (out.status.code(), report)
}

fn result<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result {id}"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("portcheck-check-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn tls_verdicts_against_real_servers() {
    let dir = temp_dir("tls");
    let ca = Ca::new("palette-portcheck test CA");
    let ca_file = ca.pem_file(&dir);
    let (chain, key) = ca.leaf(&["localhost"], false);
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
    assert!(leaf["sans"].to_string().contains("localhost"));
    assert_eq!(leaf["sha256"].as_str().unwrap().len(), 95);

    let h1 = result(&report, "http1-only");
    assert_eq!(h1["verdict"], "warn", "{h1:#}");
    assert!(h1["cause"]
        .as_str()
        .unwrap()
        .contains("WebSocket over HTTP/1.1"));
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
    let s = result(&report, "stalled");
    assert_eq!(s["verdict"], "fail");
    assert!(
        s["summary"]
            .as_str()
            .unwrap()
            .contains("no answer within 3 s"),
        "{s:#}"
    );
    assert_eq!(result(&report, "listening")["verdict"], "pass");
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

    let (code, err) = run_plan(&json!({"schema": 1, "from": "workload", "palette-version": "4.7.9", "checks": [], "extra": 1}).to_string(), &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown field `extra`"), "{err}");

    let plan = json!({"schema": 1, "from": "workload", "palette-version": "4.7.9",
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
}

#[test]
fn junit_and_text_reports() {
    let dir = temp_dir("formats");
    let port = stalling_server();
    let plan = json!({"schema": 1, "from": "pcg", "palette-version": "4.7.9",
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
