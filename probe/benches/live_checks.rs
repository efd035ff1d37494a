//! The probe's figures from issue 4, measured against real sockets on loopback:
//!
//! - 200 TLS targets whose servers wait 100 ms before answering the ClientHello: the whole plan
//!   against one check's time (target: at most 1.3x);
//! - the same 200 targets as plain TCP checks against `nmap -sT` in the same run;
//! - peak RSS of the 200-target run (target: at most 15 MB), from `/usr/bin/time`;
//! - the binary's size (target: at most 6 MB stripped) and `portcheck serve`'s start to
//!   listening (target: under 50 ms).
//!
//! Run with `cargo bench -p portcheck --bench live_checks` (or `make bench`). Medians of runs.

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TARGETS: u8 = 200;
const PORT: u16 = 18443;
const DELAY: Duration = Duration::from_millis(100);
const RUNS: usize = 5;

fn main() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_portcheck"));
    let dir = std::env::temp_dir().join(format!("portcheck-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let addresses: Vec<Ipv4Addr> = (1..=TARGETS).map(|i| Ipv4Addr::new(127, 0, 1, i)).collect();
    let ca_file = start_delaying_servers(&addresses, &dir);

    let tls_one = plan(&dir, "tls-one", &addresses[..1], "tls");
    let tls_all = plan(&dir, "tls-all", &addresses, "tls");
    let tcp_all = plan(&dir, "tcp-all", &addresses, "tcp");
    let check = |plan: &Path| {
        let mut cmd = Command::new(&bin);
        cmd.args(["check", "--format", "json", "--parallel", "256"])
            .args(["--allow-port", &PORT.to_string(), "--ca"])
            .arg(&ca_file)
            .arg("--plan")
            .arg(plan);
        cmd
    };

    // Warm the page cache and prove every check passes before timing anything.
    let out = check(&tls_all).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let passed = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["verdict"] == "pass")
        .count();
    assert_eq!(
        passed, TARGETS as usize,
        "every target must pass: {report:#}"
    );

    let one = median(RUNS, || time(&mut check(&tls_one)));
    let all = median(RUNS, || time(&mut check(&tls_all)));
    println!(
        "200 TLS targets, {} ms added by each server: one check {:.0} ms, all 200 {:.0} ms = {:.2}x one check (target <= 1.3x)",
        DELAY.as_millis(),
        ms(one),
        ms(all),
        all.as_secs_f64() / one.as_secs_f64()
    );

    let tcp = median(RUNS, || time(&mut check(&tcp_all)));
    match nmap(&addresses) {
        Some(mut nmap) => {
            let peer = median(RUNS, || time(&mut nmap));
            println!(
                "200 TCP connects: portcheck {:.0} ms, nmap -sT {:.0} ms = {:.2}x nmap",
                ms(tcp),
                ms(peer),
                tcp.as_secs_f64() / peer.as_secs_f64()
            );
        }
        None => println!(
            "200 TCP connects: portcheck {:.0} ms; nmap not installed (scripts/setup installs it)",
            ms(tcp)
        ),
    }

    match peak_rss_kib(check(&tls_all)) {
        Some(kib) => println!(
            "peak RSS of the 200-target TLS run: {:.1} MB (target <= 15 MB)",
            kib as f64 / 1024.0
        ),
        None => println!("peak RSS: /usr/bin/time not installed (scripts/setup installs it)"),
    }

    let size = std::fs::metadata(&bin).unwrap().len();
    println!(
        "binary {}: {:.2} MB (target <= 6 MB stripped)",
        bin.display(),
        size as f64 / 1_000_000.0
    );

    let app = dir.join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("index.html"), "<p>bench</p>").unwrap();
    let start = median(20, || start_to_listening(&bin, &app));
    println!(
        "portcheck serve, start to listening (URL printed): {:.1} ms (target < 50 ms)",
        start.as_secs_f64() * 1000.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| f()).collect();
    times.sort();
    times[runs / 2]
}

fn time(cmd: &mut Command) -> Duration {
    let started = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(status.code().is_some(), "{cmd:?} was killed");
    elapsed
}

/// `nmap -sT` on the same addresses and port, without host discovery or DNS, as a connect scan.
fn nmap(addresses: &[Ipv4Addr]) -> Option<Command> {
    Command::new("nmap").arg("--version").output().ok()?;
    let mut cmd = Command::new("nmap");
    cmd.args([
        "-sT",
        "-Pn",
        "-n",
        "-p",
        &PORT.to_string(),
        "-oN",
        "/dev/null",
    ])
    .args(addresses.iter().map(ToString::to_string));
    Some(cmd)
}

fn peak_rss_kib(cmd: Command) -> Option<u64> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdout(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

fn start_to_listening(bin: &Path, app: &Path) -> Duration {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(["serve", "--port", "0", "--dir"])
        .arg(app)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let elapsed = started.elapsed();
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    let _ = child.kill();
    let _ = child.wait();
    elapsed
}

fn plan(dir: &Path, name: &str, addresses: &[Ipv4Addr], kind: &str) -> PathBuf {
    let checks: Vec<Value> = addresses
        .iter()
        .map(|a| {
            json!({"id": format!("bench@{a}:{PORT}"), "flow": "bench", "host": a.to_string(),
                   "port": PORT, "kind": kind, "via-proxy": false, "purpose": "benchmark"})
        })
        .collect();
    let path = dir.join(format!("{name}.json"));
    let plan =
        json!({"schema": 1, "from": "workload", "palette-version": "4.7.9", "checks": checks});
    std::fs::write(&path, plan.to_string()).unwrap();
    path
}

/// One TLS listener per address, each with a certificate for its address and holding back its
/// ServerHello for `DELAY`; returns the CA file that makes the certificates trusted.
fn start_delaying_servers(addresses: &[Ipv4Addr], dir: &Path) -> PathBuf {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "portcheck bench CA");
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let key = KeyPair::generate().unwrap();
    let servers: Vec<(std::net::TcpListener, tokio_rustls::TlsAcceptor)> = addresses
        .iter()
        .map(|a| {
            let mut leaf = CertificateParams::new(Vec::<String>::new()).unwrap();
            leaf.subject_alt_names = vec![rcgen::SanType::IpAddress(IpAddr::V4(*a))];
            let cert = leaf.signed_by(&key, &ca).unwrap();
            let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
            let key: PrivateKeyDer<'static> = PrivatePkcs8KeyDer::from(key.serialize_der()).into();
            let config = rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
            let listener = std::net::TcpListener::bind((*a, PORT)).unwrap();
            listener.set_nonblocking(true).unwrap();
            (listener, tokio_rustls::TlsAcceptor::from(Arc::new(config)))
        })
        .collect();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            for (listener, acceptor) in servers {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                tokio::spawn(async move {
                    while let Ok((stream, _)) = listener.accept().await {
                        let acceptor = acceptor.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(DELAY).await;
                            let _ = acceptor.accept(stream).await;
                        });
                    }
                });
            }
            std::future::pending::<()>().await;
        });
    });
    ca_file
}
