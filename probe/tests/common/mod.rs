//! Shared harness for the probe's network tests: certificates, loopback servers, plans, and
//! running `portcheck check` on them.
#![allow(dead_code)] // each test binary uses part of these helpers

pub mod netns;
pub mod validators;
pub mod ws;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

pub struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    pub fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        Ca {
            issuer: CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap(),
        }
    }

    pub fn leaf(
        &self,
        names: &[&str],
        expired: bool,
    ) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        self.leaf_from(leaf_params(names, expired))
    }

    /// A leaf certificate of these parameters, signed by this CA.
    pub fn leaf_from(
        &self,
        params: CertificateParams,
    ) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (
            vec![cert.der().clone()],
            PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        )
    }

    /// An intermediate CA signed by this one.
    pub fn intermediate(&self, name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        Ca {
            issuer: CertifiedIssuer::signed_by(params, KeyPair::generate().unwrap(), &self.issuer)
                .unwrap(),
        }
    }

    pub fn der(&self) -> CertificateDer<'static> {
        self.issuer.der().clone()
    }

    pub fn pem_file(&self, dir: &std::path::Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, self.issuer.pem()).unwrap();
        path
    }
}

pub fn leaf_params(names: &[&str], expired: bool) -> CertificateParams {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    params
}

pub fn self_signed(names: &[&str]) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let key = KeyPair::generate().unwrap();
    let cert = leaf_params(names, false).self_signed(&key).unwrap();
    (
        vec![cert.der().clone()],
        PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
    )
}

/// What a test TLS server does with a connection that did not negotiate HTTP/2.
#[derive(Clone, Copy)]
pub enum OnHttp1 {
    /// Accepts a WebSocket upgrade, as Palette's fallback endpoint does.
    WebSocket,
    /// Answers every request 404, as a server without a WebSocket at `/`.
    NotFound,
    /// Closes the connection after the handshake.
    HangUp,
}

/// A TLS server on a free loopback port, in its own thread, for the life of the test process.
pub fn tls_server(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    alpn: &[&[u8]],
) -> u16 {
    tls_server_with(chain, key, alpn, OnHttp1::WebSocket)
}

pub fn tls_server_with(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    alpn: &[&[u8]],
    on_http1: OnHttp1,
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
                    // Errors are the client's business: the checks report them.
                    let Ok(mut tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    if tls.get_ref().1.alpn_protocol() == Some(b"h2") {
                        return;
                    }
                    match on_http1 {
                        OnHttp1::WebSocket => {
                            let _ = tokio_tungstenite::accept_async(tls).await;
                        }
                        OnHttp1::NotFound => {
                            use tokio::io::{AsyncReadExt, AsyncWriteExt};
                            let mut head = [0u8; 4096];
                            if tls.read(&mut head).await.is_ok_and(|n| n > 0) {
                                let _ = tls
                                    .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                                    .await;
                                let _ = tls.shutdown().await;
                            }
                        }
                        OnHttp1::HangUp => {}
                    }
                });
            }
        });
    });
    port
}

/// Accepts connections and never says a word.
pub fn stalling_server() -> u16 {
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

pub fn refusing_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}

pub fn check(id: &str, host: &str, port: u16, kind: &str, public: bool) -> Value {
    json!({"id": id, "flow": id, "host": host, "port": port, "kind": kind, "via-proxy": false, "public": public, "purpose": "test"})
}

pub fn check_with_proxy(id: &str, host: &str, port: u16, kind: &str) -> Value {
    let mut c = check(id, host, port, kind, false);
    c["via-proxy"] = json!(true);
    c
}

/// Runs `portcheck check --format json` on a plan of these checks; every check's port is
/// allowed. Proxy variables of the test's own environment are removed so only `env` counts.
pub fn run_plan(
    dir: &Path,
    proxy: Option<&str>,
    checks: Vec<Value>,
    ca: Option<&PathBuf>,
    env: &[(&str, String)],
) -> (Option<i32>, Value, String) {
    let mut plan =
        json!({"schema": 2, "from": "workload", "palette-version": "4.7.9", "checks": checks});
    if let Some(proxy) = proxy {
        plan["proxy"] = json!(proxy);
    }
    let (code, stdout, stderr) = check_plan(dir, &plan, "json", ca, env);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (code, report, stderr)
}

/// Runs `portcheck check --format FORMAT` on `plan`: exit code, stdout, stderr.
pub fn check_plan(
    dir: &Path,
    plan: &Value,
    format: &str,
    ca: Option<&PathBuf>,
    env: &[(&str, String)],
) -> (Option<i32>, String, String) {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portcheck"));
    cmd.args(["check", "--format", format, "--timeout", "3", "--plan"])
        .arg(&path);
    for c in plan["checks"].as_array().unwrap() {
        cmd.args(["--allow-port", &c["port"].to_string()]);
    }
    // The plan's proxy is allowed like its targets (tests of the refusal write their own plan).
    if let Some(port) = plan["proxy"]
        .as_str()
        .and_then(|p| p.rsplit_once(':'))
        .and_then(|(_, port)| port.trim_end_matches('/').parse::<u16>().ok())
    {
        cmd.args(["--allow-port", &port.to_string()]);
    }
    if let Some(ca) = ca {
        cmd.arg("--ca").arg(ca);
    }
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().map(|(k, v)| (*k, v)));
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn run(checks: Vec<Value>, ca: Option<&PathBuf>, dir: &Path) -> (Option<i32>, Value) {
    let (code, report, _) = run_plan(dir, None, checks, ca, &[]);
    (code, report)
}

/// A TLS server for `localhost` with HTTP/2, signed by a fresh test CA written to a PEM file.
pub struct TlsTarget {
    pub port: u16,
    pub ca_file: PathBuf,
}

pub fn tls_target() -> TlsTarget {
    let ca = Ca::new("palette-portcheck test CA");
    let dir = temp_dir(&format!("target-{}", rand_suffix()));
    let ca_file = ca.pem_file(&dir);
    let (chain, key) = ca.leaf(&["localhost"], false);
    TlsTarget {
        port: tls_server(chain, key, &[b"h2", b"http/1.1"]),
        ca_file,
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

pub fn result<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result {id}"))
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("portcheck-check-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running `portcheck serve` on a free loopback port, serving `dir`, with its per-launch token
/// read from the URL it prints and its stderr (the audit log) in a file. Stopped when dropped,
/// even after a failed assertion.
pub struct Served {
    child: Child,
    pub port: u16,
    pub token: String,
    log: PathBuf,
    /// What the probe prints after its first line (questions for the terminal).
    stdout: BufReader<std::process::ChildStdout>,
    /// Its terminal: tests answer questions here, or close it.
    pub stdin: Option<std::process::ChildStdin>,
}

impl Served {
    pub fn start(dir: &Path, extra: &[&str]) -> Served {
        Served::spawn(dir, Some(dir), extra)
    }

    /// A probe started without `--dir`: live checks only, its log in `log_dir`.
    pub fn without_app(log_dir: &Path, extra: &[&str]) -> Served {
        Served::spawn(log_dir, None, extra)
    }

    fn spawn(log_dir: &Path, app: Option<&Path>, extra: &[&str]) -> Served {
        let log = log_dir.join("stderr.log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_portcheck"));
        command.args(["serve", "--port", "0"]);
        if let Some(app) = app {
            command.arg("--dir").arg(app);
        }
        let mut child = command
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        let (authority, token) = url["http://".len()..].split_once("/#t=").unwrap();
        Served {
            port: authority.rsplit_once(':').unwrap().1.parse().unwrap(),
            token: token.to_owned(),
            log,
            stdout,
            stdin: child.stdin.take(),
            child,
        }
    }

    /// Reads what the probe printed up to and including `marker` (blocking).
    pub fn read_until(&mut self, marker: &str) -> String {
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while !seen.ends_with(marker.as_bytes()) {
            match self.stdout.read(&mut byte) {
                Ok(1) => seen.push(byte[0]),
                _ => panic!(
                    "the probe's output ended before {marker:?}: {}",
                    String::from_utf8_lossy(&seen)
                ),
            }
        }
        String::from_utf8(seen).expect("the probe prints UTF-8")
    }

    /// Waits for the terminal question; returns it and the code that confirms it.
    pub fn question(&mut self) -> (String, String) {
        let question = self.read_until("/N]: ");
        let code = question
            .rsplit("Run them? Type ")
            .next()
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no code in {question}"))
            .to_owned();
        (question, code)
    }

    /// Answers the terminal question with its code.
    pub fn confirm(&mut self) {
        let (_, code) = self.question();
        self.answer(&code);
    }

    /// Types a line at the probe's terminal.
    pub fn answer(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The WebSocket subprotocols that carry the token.
    pub fn protocols(&self) -> String {
        format!("portcheck.v1, portcheck.token.{}", self.token)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// A raw HTTP GET with this Host header; the whole response as text.
    pub fn get(&self, path: &str, host: &str) -> String {
        http(self.port, "GET", path, host)
    }
}

/// A raw HTTP/1.1 request to a loopback port with this Host header; the whole response as text.
pub fn http(port: u16, method: &str, path: &str, host: &str) -> String {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

impl Served {
    /// Sends a signal (`INT`, `TERM`) and waits up to `within` for the probe to exit; its exit
    /// status, or `None` if it is still running.
    pub fn signal_and_wait(
        &mut self,
        signal: &str,
        within: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        let started = std::time::Instant::now();
        while started.elapsed() < within {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder holding a stand-in for the built app.
pub fn app_dir(name: &str) -> PathBuf {
    let dir = temp_dir(&format!("app-{name}"));
    std::fs::write(dir.join("index.html"), "<p>portcheck test page</p>").unwrap();
    dir
}
