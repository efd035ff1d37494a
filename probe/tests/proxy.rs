//! `portcheck check` through a real HTTP proxy: Squid from Debian, started per test with its own
//! configuration on a free loopback port (CONNECT allowed, denied, with authentication), and a
//! proxy that stalls, one whose reply never ends, and one that redirects.

mod common;

use common::{check_with_proxy, run_plan, stalling_server, temp_dir, tls_target};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `user` / `s3cret`, hashed with `openssl passwd -apr1 -salt abcdefgh s3cret`.
const PASSWD: &str = "user:$apr1$abcdefgh$M2T3erDstkD7SsE2QQnfH0\n";

struct Squid {
    child: Child,
    port: u16,
}

impl Squid {
    fn start(dir: &Path, allowed_port: u16, auth: bool) -> Squid {
        Squid::start_with(dir, allowed_port, auth, "")
    }

    /// `rules` go before the access rules (e.g. an ACL that denies one destination port).
    fn start_with(dir: &Path, allowed_port: u16, auth: bool, rules: &str) -> Squid {
        let port = free_port();
        std::fs::create_dir_all(dir).unwrap();
        // Squid drops to the `proxy` user: it must be able to write its logs here.
        std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
        let d = dir.display();
        let mut conf = format!(
            "http_port 127.0.0.1:{port}\npid_filename {d}/squid.pid\ncache_log {d}/cache.log\naccess_log none\ncache deny all\ncoredump_dir {d}\nshutdown_lifetime 0 seconds\npinger_enable off\nacl SSL_ports port {allowed_port}\nacl CONNECT method CONNECT\nhttp_access deny CONNECT !SSL_ports\n{rules}"
        );
        if auth {
            std::fs::write(dir.join("passwd"), PASSWD).unwrap();
            conf.push_str(&format!(
                "auth_param basic program /usr/lib/squid/basic_ncsa_auth {d}/passwd\nacl authed proxy_auth REQUIRED\nhttp_access allow authed\n"
            ));
        } else {
            conf.push_str("acl local src 127.0.0.1\nhttp_access allow local\n");
        }
        conf.push_str("http_access deny all\n");
        std::fs::write(dir.join("squid.conf"), conf).unwrap();
        let child = Command::new("squid")
            .args(["-N", "-f"])
            .arg(dir.join("squid.conf"))
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("squid is not installed (scripts/setup installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "squid did not start: {}",
                log(dir)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Squid { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Squid {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("cache.log")).unwrap_or_default()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn dir(name: &str) -> PathBuf {
    temp_dir(&format!("proxy-{name}"))
}

#[test]
fn connect_through_squid_then_tls_with_alpn() {
    let target = tls_target();
    let squid = Squid::start(&dir("allow").join("squid"), target.port, false);
    let (code, report, stderr) = run_plan(
        &dir("allow"),
        Some(&squid.url()),
        vec![check_with_proxy(
            "via-squid",
            "localhost",
            target.port,
            "grpc",
        )],
        Some(&target.ca_file),
        &[],
    );
    assert_eq!(code, Some(0), "{report:#} {stderr}");
    let r = &report["results"][0];
    assert_eq!(r["verdict"], "pass", "{r:#}");
    let proxy = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "proxy")
        .unwrap();
    assert!(
        proxy["detail"].as_str().unwrap().contains("200"),
        "{proxy:#}"
    );
    let tls = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "tls")
        .unwrap();
    assert_eq!(tls["tls"]["alpn"], "h2", "HTTP/2 survives a CONNECT tunnel");
}

#[test]
fn squid_denying_connect_is_reported_with_the_fix() {
    let target = tls_target();
    let squid = Squid::start(&dir("deny").join("squid"), 1, false);
    let (code, report, _) = run_plan(
        &dir("deny"),
        Some(&squid.url()),
        vec![check_with_proxy("denied", "localhost", target.port, "tls")],
        Some(&target.ca_file),
        &[],
    );
    assert_eq!(code, Some(1));
    let r = &report["results"][0];
    assert_eq!(r["verdict"], "fail");
    assert!(
        r["summary"].as_str().unwrap().contains("refuses CONNECT"),
        "{r:#}"
    );
    assert!(
        r["remediation"].as_str().unwrap().contains("SSL_ports"),
        "{r:#}"
    );
}

#[test]
fn proxy_authentication_comes_from_the_environment_and_is_never_printed() {
    let target = tls_target();
    let squid = Squid::start(&dir("auth").join("squid"), target.port, true);
    let checks = || vec![check_with_proxy("authed", "localhost", target.port, "tls")];

    let (code, report, _) = run_plan(
        &dir("auth"),
        Some(&squid.url()),
        checks(),
        Some(&target.ca_file),
        &[],
    );
    assert_eq!(code, Some(1));
    let r = &report["results"][0];
    assert!(
        r["summary"]
            .as_str()
            .unwrap()
            .contains("asks for credentials"),
        "{r:#}"
    );
    assert!(
        r["remediation"].as_str().unwrap().contains("HTTPS_PROXY"),
        "{r:#}"
    );

    let env = [(
        "HTTPS_PROXY",
        format!("http://user:s3cret@127.0.0.1:{}", squid.port),
    )];
    let (code, report, stderr) = run_plan(
        &dir("auth"),
        Some(&squid.url()),
        checks(),
        Some(&target.ca_file),
        &env,
    );
    assert_eq!(code, Some(0), "{report:#}");
    let everything = format!("{report}{stderr}");
    assert!(
        !everything.contains("s3cret"),
        "the password leaked: {everything}"
    );
    assert!(
        !everything.contains("dXNlcjpzM2NyZXQ"),
        "the encoded credentials leaked"
    );
}

#[test]
fn a_stalling_proxy_times_out() {
    let port = stalling_server();
    let (code, report, _) = run_plan(
        &dir("stall"),
        Some(&format!("http://127.0.0.1:{port}")),
        vec![check_with_proxy("stalled", "localhost", 443, "tls")],
        None,
        &[],
    );
    assert_eq!(code, Some(1));
    let r = &report["results"][0];
    assert!(
        r["summary"].as_str().unwrap().contains("no answer within"),
        "{report:#}"
    );
    assert!(
        r["cause"]
            .as_str()
            .unwrap()
            .contains("never answered the request (CONNECT"),
        "{report:#}"
    );
}

/// Which targets NO_PROXY sends around the proxy, which of those routes look wrong, and where
/// this machine's own NO_PROXY disagrees with the plan's.
#[test]
fn no_proxy_routing_is_evaluated_and_questioned() {
    let dir = dir("routing");
    let proxy = format!("http://127.0.0.1:{}", common::refusing_port());
    let mut saas = check_with_proxy("saas", "api.spectrocloud.com", 443, "grpc");
    saas["public"] = serde_json::json!(true);
    let plan = serde_json::json!({
        "schema": 2, "from": "pcg", "palette-version": "4.7.9", "proxy": proxy,
        "no-proxy": [".spectrocloud.com", "10.0.0.0/8"],
        "checks": [
            check_with_proxy("vcenter", "vcenter.corp.internal", 443, "tls"),
            check_with_proxy("registry", "10.1.2.3", 443, "tls"),
            common::check("ssh", "10.1.2.4", 22, "tcp", false),
            saas,
        ],
    });
    let env = [("NO_PROXY", "corp.internal,10.0.0.0/8".to_owned())];
    let (_, stdout, stderr) = common::check_plan(&dir, &plan, "json", None, &env);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect(&stderr);
    let routing = &report["routing"];
    let route = |id: &str| {
        routing["routes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
    };
    assert_eq!(route("vcenter").unwrap()["via-proxy"], true);
    assert!(route("vcenter").unwrap()["concern"]
        .as_str()
        .unwrap()
        .contains("add it to NO_PROXY"));
    assert_eq!(route("registry").unwrap()["via-proxy"], false);
    assert!(route("registry").unwrap().get("concern").is_none());
    assert!(route("ssh").is_none(), "plain TCP is never proxied");
    assert!(route("saas").unwrap()["concern"]
        .as_str()
        .unwrap()
        .contains("direct egress"));
    let differences: Vec<&str> = routing["environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(
        differences,
        [
            "vcenter: the plan's NO_PROXY sends it through the proxy, this machine's directly",
            "saas: the plan's NO_PROXY sends it directly, this machine's through the proxy"
        ]
    );

    let (_, text, _) = common::check_plan(&dir, &plan, "text", None, &env);
    assert!(
        text.contains(&format!("Proxy routing under the plan's NO_PROXY (.spectrocloud.com,10.0.0.0/8): 1 through {proxy}, 2 direct")),
        "{text}"
    );
    assert!(
        text.contains("    ! vcenter.corp.internal is in your network"),
        "{text}"
    );
    assert!(
        text.contains("    ~ vcenter: the plan's NO_PROXY"),
        "{text}"
    );

    let bad_env = [("NO_PROXY", "corp.internal,10.0.0.0/99".to_owned())];
    let (_, stdout, _) = common::check_plan(&dir, &plan, "json", None, &bad_env);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let said = report["routing"]["environment"][0].as_str().unwrap();
    assert!(
        said.starts_with("this machine's NO_PROXY entry 2: "),
        "{said}"
    );
}

/// 20: a "proxy" whose reply head never ends is read no further than 8 KiB, and its 200 is not
/// believed.
#[test]
fn an_endless_proxy_reply_is_cut_off() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nX-Padding: ");
                let chunk = [b'a'; 4096];
                // Up to 100 MB, until the probe hangs up.
                for _ in 0..25_600 {
                    if stream.write_all(&chunk).is_err() {
                        break;
                    }
                }
            });
        }
    });
    let (code, report, _) = run_plan(
        &dir("endless"),
        Some(&format!("http://127.0.0.1:{port}")),
        vec![check_with_proxy("endless", "localhost", 443, "tls")],
        None,
        &[],
    );
    assert_eq!(code, Some(1));
    let r = &report["results"][0];
    assert_eq!(r["summary"], "the proxy did not open a tunnel", "{r:#}");
    assert!(
        r["cause"].as_str().unwrap().contains("longer than 8 KiB"),
        "{r:#}"
    );
}

/// 20: a proxy that answers CONNECT with a redirect gets no second request: the redirect's
/// target sees no connection, and the check fails with the proxy's status line.
#[test]
fn a_redirecting_proxy_is_not_followed() {
    let elsewhere = TcpListener::bind("127.0.0.1:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let location = format!(
        "http://127.0.0.1:{}/",
        elsewhere.local_addr().unwrap().port()
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let reply =
                format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n");
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    let (code, report, _) = run_plan(
        &dir("redirect"),
        Some(&format!("http://127.0.0.1:{port}")),
        vec![check_with_proxy("redirect", "localhost", 443, "tls")],
        None,
        &[],
    );
    assert_eq!(code, Some(1));
    let r = &report["results"][0];
    assert_eq!(r["verdict"], "fail", "{r:#}");
    assert!(r["cause"].as_str().unwrap().contains("302 Found"), "{r:#}");
    assert!(
        elsewhere.accept().is_err(),
        "the probe followed the redirect"
    );
}

/// A plain HTTP server on loopback: answers every request head with `reply`, and records the
/// request lines it was sent.
fn http_server(reply: &'static str) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let record = record.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                record.lock().unwrap().push(first.trim_end().to_owned());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let _ = (&stream).write_all(reply.as_bytes());
            });
        }
    });
    (port, seen)
}

/// #15 point 7: a plain-HTTP flow through the proxy is a forwarded request, not a CONNECT
/// tunnel. Squid's SSL_ports here does not hold the port (as Squid's default holds no port 80
/// or 5240): a CONNECT is refused, the forwarded HEAD passes and reaches the server.
#[test]
fn plain_http_goes_through_squid_as_a_forwarded_request() {
    let (port, seen) = http_server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    let squid = Squid::start(&dir("http").join("squid"), 1, false);
    let (code, report, stderr) = run_plan(
        &dir("http"),
        Some(&squid.url()),
        vec![check_with_proxy("maas", "127.0.0.1", port, "http")],
        None,
        &[],
    );
    assert_eq!(code, Some(0), "{report:#} {stderr}");
    let r = &report["results"][0];
    assert_eq!(r["verdict"], "pass", "{r:#}");
    assert_eq!(r["summary"], "HTTP answered 200 through the proxy");
    let proxy = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "proxy")
        .unwrap();
    assert!(
        proxy["detail"]
            .as_str()
            .unwrap()
            .starts_with(&format!("HEAD http://127.0.0.1:{port}/ via 127.0.0.1:")),
        "{proxy:#}"
    );
    assert_eq!(
        *seen.lock().unwrap(),
        ["HEAD / HTTP/1.1"],
        "Squid forwarded the request"
    );

    // The same target as a TLS check needs CONNECT, which this Squid refuses: the proof that the
    // pass above did not tunnel.
    let (code, report, _) = run_plan(
        &dir("http"),
        Some(&squid.url()),
        vec![check_with_proxy("tunnel", "127.0.0.1", port, "tls")],
        None,
        &[],
    );
    assert_eq!(code, Some(1));
    assert!(report["results"][0]["summary"]
        .as_str()
        .unwrap()
        .contains("refuses CONNECT"));
}

/// Squid's own answers (access denied, destination down) fail the check and say why; the
/// destination's own error statuses pass it, since the flow works.
#[test]
fn the_proxys_own_errors_fail_a_forwarded_check() {
    let (open, _) = http_server("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    let (denied, seen) = http_server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    let down = common::refusing_port();
    let squid = Squid::start_with(
        &dir("http-deny").join("squid"),
        1,
        false,
        &format!("acl blocked port {denied}\nhttp_access deny blocked\n"),
    );
    let (code, report, stderr) = run_plan(
        &dir("http-deny"),
        Some(&squid.url()),
        vec![
            check_with_proxy("open", "127.0.0.1", open, "http"),
            check_with_proxy("denied", "127.0.0.1", denied, "http"),
            check_with_proxy("down", "127.0.0.1", down, "http"),
        ],
        None,
        &[],
    );
    assert_eq!(code, Some(1), "{stderr}");
    let open = common::result(&report, "open");
    assert_eq!(
        (open["verdict"].as_str(), open["summary"].as_str()),
        (Some("pass"), Some("HTTP answered 404 through the proxy")),
        "{open:#}"
    );
    for id in ["denied", "down"] {
        let r = common::result(&report, id);
        assert_eq!(r["verdict"], "fail", "{r:#}");
        assert!(
            r["summary"]
                .as_str()
                .unwrap()
                .starts_with("the proxy did not fetch http://127.0.0.1:"),
            "{r:#}"
        );
        assert!(
            r["cause"]
                .as_str()
                .unwrap()
                .starts_with("the proxy answered "),
            "{r:#}"
        );
    }
    assert!(common::result(&report, "denied")["cause"]
        .as_str()
        .unwrap()
        .contains("403"));
    assert!(
        seen.lock().unwrap().is_empty(),
        "Squid denied it: nothing reached the server"
    );
}

/// A direct HTTP check passes on any HTTP answer and fails, naming what came back, when the
/// port speaks something else; the hostile text of that answer is escaped.
#[test]
fn a_direct_http_check_needs_an_http_answer() {
    let (http, _) = http_server("HTTP/1.0 301 Moved\r\nLocation: /MAAS/\r\n\r\n");
    let (ssh, _) = http_server("SSH-2.0-OpenSSH_9.6\x1b]0;owned\x07\r\n\r\n");
    let (code, report, _) = run_plan(
        &dir("http-direct"),
        None,
        vec![
            common::check("http", "127.0.0.1", http, "http", false),
            common::check("ssh", "127.0.0.1", ssh, "http", false),
        ],
        None,
        &[],
    );
    assert_eq!(code, Some(1));
    let ok = common::result(&report, "http");
    assert_eq!(
        (ok["verdict"].as_str(), ok["summary"].as_str()),
        (Some("pass"), Some("HTTP answered 301"))
    );
    let bad = common::result(&report, "ssh");
    assert_eq!(bad["verdict"], "fail");
    assert_eq!(
        bad["summary"],
        "the connection was accepted, but the answer is not HTTP"
    );
    let cause = bad["cause"].as_str().unwrap();
    assert!(cause.contains("SSH-2.0-OpenSSH_9.6"), "{cause}");
    assert!(
        !cause.contains('\x1b') && !cause.contains('\x07'),
        "{cause:?}"
    );
}

/// A proxy that records each request head it receives and answers 407.
fn recording_proxy() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                head.push_str(&line);
                line.clear();
            }
            record.lock().unwrap().push(head);
            let _ = (&stream).write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n",
            );
        }
    });
    (port, seen)
}

/// #15 points 1 and 2: HTTPS_PROXY's credentials go to that proxy only, percent-decoded; a plan
/// naming another proxy (a page can name any) runs without them.
#[test]
fn proxy_credentials_go_only_to_the_proxy_they_belong_to() {
    let (port, seen) = recording_proxy();
    let (elsewhere, _) = recording_proxy();
    let proxy = format!("http://127.0.0.1:{port}");
    let checks = || vec![check_with_proxy("c", "localhost", 443, "tls")];
    let env = [(
        "HTTPS_PROXY",
        format!("http://user:p%40ss@127.0.0.1:{elsewhere}"),
    )];
    let (code, report, stderr) = run_plan(&dir("creds-other"), Some(&proxy), checks(), None, &env);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        report["results"][0]["summary"],
        "the proxy asks for credentials"
    );
    let heads = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        !heads[0]
            .to_ascii_lowercase()
            .contains("proxy-authorization"),
        "{}",
        heads[0]
    );

    let env = [(
        "HTTPS_PROXY",
        format!("http://user:p%40ss@127.0.0.1:{port}"),
    )];
    let (code, _, stderr) = run_plan(&dir("creds-own"), Some(&proxy), checks(), None, &env);
    assert_eq!(code, Some(1), "{stderr}");
    let heads = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 2, "{heads:?}");
    // user:p@ss, decoded before it is encoded for Basic.
    assert!(
        heads[1].contains("Proxy-Authorization: Basic dXNlcjpwQHNz\r\n"),
        "{}",
        heads[1]
    );
    assert!(!stderr.contains("p@ss") && !stderr.contains("p%40ss"));
}

/// #15 points 2 and 12: an https:// proxy, one without a port, and one on a port nobody allowed
/// are refused before anything connects; the probe's own HTTPS_PROXY is allowed as it is.
#[test]
fn a_plans_proxy_must_be_plain_http_with_an_allowed_port() {
    let (port, seen) = recording_proxy();
    let plan = |proxy: String| {
        serde_json::json!({"schema": 2, "from": "workload", "palette-version": "4.10.0",
            "proxy": proxy, "checks": [check_with_proxy("c", "localhost", 443, "tls")]})
    };
    let refused = |proxy: String, env: &[(&str, String)], says: &str| {
        let dir = dir("proxy-refused");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("plan.json");
        std::fs::write(&path, plan(proxy).to_string()).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
            .args(["check", "--allow-port", "443", "--plan"])
            .arg(&path)
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .envs(env.iter().map(|(k, v)| (*k, v)))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    };
    refused(
        format!("https://127.0.0.1:{port}"),
        &[],
        "https:// proxy is not supported",
    );
    refused("http://127.0.0.1".into(), &[], "has no port");
    refused(
        format!("http://127.0.0.1:{port}"),
        &[],
        &format!("proxy: port {port} is not allowed: start the probe with --allow-port {port}"),
    );
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing connected to a refused proxy"
    );

    // The same plan runs when the proxy is the probe's own HTTPS_PROXY.
    let dir = dir("proxy-own");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("plan.json");
    std::fs::write(&path, plan(format!("http://127.0.0.1:{port}")).to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args(["check", "--allow-port", "443", "--timeout", "3", "--plan"])
        .arg(&path)
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{port}"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
}
