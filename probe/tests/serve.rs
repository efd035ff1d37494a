//! The probe's WebSocket endpoint under attack: the handshake gate (token, Origin, Host,
//! connection limit), message limits and protocol abuse, plan containment, and the audit log.
//! Cases follow ../shared/design/probe-security.md, section 7.

mod common;

use common::ws::{connect, next, rt, send};
use common::{app_dir, check, stalling_server, temp_dir, Served};
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use tokio_tungstenite::tungstenite::Message;

/// `portcheck serve` for one test, with a stand-in app.
fn probe(name: &str, extra: &[&str]) -> Served {
    Served::start(&app_dir(&format!("serve-{name}")), extra)
}

#[test]
fn the_handshake_needs_the_token_the_origin_and_the_host() {
    let probe = probe("gate", &["--allow-origin", "https://docs.example.com"]);
    rt().block_on(async {
        let origin = probe.origin();
        let good = probe.protocols();
        let p = probe.port;
        // 1-2: no token, wrong token, a token changed by one character, the token in the query.
        assert_eq!(
            connect(
                p,
                "/v1/ws",
                &[
                    ("Origin", &origin),
                    ("Sec-WebSocket-Protocol", "portcheck.v1")
                ]
            )
            .await
            .err(),
            Some(401)
        );
        let mut wrong = probe.token.clone();
        let last = wrong.pop().unwrap();
        wrong.push(if last == 'A' { 'B' } else { 'A' });
        let wrong = format!("portcheck.v1, portcheck.token.{wrong}");
        assert_eq!(
            connect(
                p,
                "/v1/ws",
                &[("Origin", &origin), ("Sec-WebSocket-Protocol", &wrong)]
            )
            .await
            .err(),
            Some(401)
        );
        let query = format!("/v1/ws?token={}", probe.token);
        assert_eq!(
            connect(
                p,
                &query,
                &[
                    ("Origin", &origin),
                    ("Sec-WebSocket-Protocol", "portcheck.v1")
                ]
            )
            .await
            .err(),
            Some(401)
        );
        // 3-4: foreign, look-alike and downgraded origins; null without --allow-origin null.
        for bad in [
            "https://evil.example",
            "https://docs.example.com.evil.net",
            "http://docs.example.com",
            "null",
        ] {
            assert_eq!(
                connect(
                    p,
                    "/v1/ws",
                    &[("Origin", bad), ("Sec-WebSocket-Protocol", &good)]
                )
                .await
                .err(),
                Some(403),
                "{bad}"
            );
        }
        // 6: DNS rebinding shapes are refused by the Host check before anything else.
        for host in [
            format!("evil.example:{p}"),
            format!("0.0.0.0:{p}"),
            "127.0.0.1:1".to_owned(),
        ] {
            let status = connect(
                p,
                "/v1/ws",
                &[
                    ("Host", &host),
                    ("Origin", &origin),
                    ("Sec-WebSocket-Protocol", &good),
                ],
            )
            .await
            .err();
            assert_eq!(status, Some(421), "{host}");
        }
        // The page's own origin, an allowed docs origin and a command-line client get in.
        assert!(connect(
            p,
            "/v1/ws",
            &[("Origin", &origin), ("Sec-WebSocket-Protocol", &good)]
        )
        .await
        .is_ok());
        assert!(connect(
            p,
            "/v1/ws",
            &[
                ("Origin", "https://docs.example.com"),
                ("Sec-WebSocket-Protocol", &good)
            ]
        )
        .await
        .is_ok());
        assert!(connect(p, "/v1/ws", &[("Sec-WebSocket-Protocol", &good)])
            .await
            .is_ok());
    });
    // 27: the audit log records handshakes but never the token.
    let log = probe.log();
    assert!(
        log.contains("handshake")
            && log.contains("origin not allowed")
            && log.contains("missing or wrong token"),
        "{log}"
    );
    assert!(!log.contains(&probe.token), "the token leaked into the log");
}

/// A downloaded probe has no app to serve: it serves live checks to the pages it is told of,
/// and a page that says so where the app would be.
#[test]
fn without_an_app_folder_the_probe_serves_live_checks_to_the_pages_named() {
    let refused = Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args(["serve", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("without --dir") && err.contains("--allow-origin"),
        "{err}"
    );

    let page = "https://portcheck.example.com";
    let probe = Served::without_app(&temp_dir("serve-no-app"), &["--allow-origin", page]);
    let host = format!("127.0.0.1:{}", probe.port);
    let index = probe.get("/", &host);
    assert!(index.starts_with("HTTP/1.1 200"), "{index}");
    assert!(index.contains("serves no app of its own"), "{index}");
    assert!(!index.contains("<script"), "{index}");
    assert!(probe.get("/index.js", &host).starts_with("HTTP/1.1 404"));
    rt().block_on(async {
        let mut socket = connect(
            probe.port,
            "/v1/ws",
            &[
                ("Origin", page),
                ("Sec-WebSocket-Protocol", &probe.protocols()),
            ],
        )
        .await
        .expect("the named page pairs");
        let hello = send(&mut socket, json!({"v": 1, "type": "hello"})).await;
        assert_eq!(hello["type"], "hello", "{hello}");
        assert_eq!(
            connect(
                probe.port,
                "/v1/ws",
                &[
                    ("Origin", "https://other.example"),
                    ("Sec-WebSocket-Protocol", &probe.protocols())
                ]
            )
            .await
            .err(),
            Some(403)
        );
    });
}

#[test]
fn the_file_bundle_origin_is_accepted_only_when_asked_for() {
    let probe = probe("null", &["--allow-origin", "null"]);
    rt().block_on(async {
        assert!(connect(
            probe.port,
            "/v1/ws",
            &[
                ("Origin", "null"),
                ("Sec-WebSocket-Protocol", &probe.protocols())
            ]
        )
        .await
        .is_ok());
        assert_eq!(
            connect(
                probe.port,
                "/v1/ws",
                &[
                    ("Origin", "null"),
                    ("Sec-WebSocket-Protocol", "portcheck.v1")
                ]
            )
            .await
            .err(),
            Some(401)
        );
    });
}

#[test]
fn connections_beyond_the_limit_are_refused_and_slots_come_back() {
    let probe = probe("limit", &["--max-connections", "1"]);
    rt().block_on(async {
        let headers = [("Sec-WebSocket-Protocol", probe.protocols())];
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut first = connect(probe.port, "/v1/ws", &headers).await.unwrap();
        assert_eq!(
            connect(probe.port, "/v1/ws", &headers).await.err(),
            Some(503)
        );
        first.close(None).await.unwrap();
        while first.next().await.is_some() {}
        let mut tries = 0;
        while connect(probe.port, "/v1/ws", &headers).await.is_err() {
            tries += 1;
            assert!(tries < 50, "the slot was never released");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    });
}

#[test]
fn abusive_messages_are_answered_or_closed_without_harm() {
    let probe = probe("abuse", &[]);
    rt().block_on(async {
        let protocols = probe.protocols();
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        // 9: an oversized message ends the session.
        let mut s = connect(probe.port, "/v1/ws", &headers).await.unwrap();
        s.send(Message::text("x".repeat(64 * 1024 + 1)))
            .await
            .unwrap();
        assert!(
            !matches!(s.next().await, Some(Ok(Message::Text(_)))),
            "no answer to an oversized message"
        );
        // 10: binary frames are refused with 1003.
        let mut s = connect(probe.port, "/v1/ws", &headers).await.unwrap();
        s.send(Message::binary(vec![1, 2, 3])).await.unwrap();
        match s.next().await {
            Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1003),
            other => panic!("{other:?}"),
        }
        // 16: malformed, deeply nested, unknown fields, wrong types: structured errors, then close.
        let mut s = connect(probe.port, "/v1/ws", &headers).await.unwrap();
        for bad in [
            "{not json",
            &"[".repeat(5000),
            r#"{"v":1,"type":"run","host":"127.0.0.1","port":22}"#,
        ] {
            s.send(Message::text(bad.to_owned())).await.unwrap();
            let reply = next(&mut s).await;
            assert_eq!(reply["type"], "error", "{bad}: {reply}");
        }
        match s.next().await {
            Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 1008),
            other => panic!("expected a close after three bad messages: {other:?}"),
        }
    });
}

#[test]
fn only_checks_of_the_plan_run_and_results_stream_back() {
    let target = stalling_server();
    let dir = temp_dir("serve-plan");
    // #15 point 4: an id written to look like a SaaS check (with an escape sequence in it).
    let id = "pcg-palette@api.spectrocloud.com:443\u{1b}[2J";
    let plan = json!({"schema": 2, "from": "workload", "palette-version": "4.7.9",
        "checks": [check(id, "127.0.0.1", target, "tcp", false)]});
    let plan_file = dir.join("plan.json");
    std::fs::write(&plan_file, plan.to_string()).unwrap();
    let port_arg = target.to_string();
    let probe = probe(
        "plan",
        &[
            "--plan",
            plan_file.to_str().unwrap(),
            "--allow-port",
            &port_arg,
        ],
    );
    rt().block_on(async {
        let protocols = probe.protocols();
        let mut s = connect(
            probe.port,
            "/v1/ws",
            &[("Sec-WebSocket-Protocol", protocols.as_str())],
        )
        .await
        .unwrap();
        let hello = send(&mut s, json!({"v": 1, "type": "hello"})).await;
        assert_eq!(hello["type"], "hello");
        assert_eq!(hello["checks"][0]["id"], id);
        // 17: an id that is not in the plan runs nothing.
        let refused = send(
            &mut s,
            json!({"v": 1, "type": "run", "ids": ["ssh@127.0.0.1:22"]}),
        )
        .await;
        assert_eq!(refused["type"], "error");
        assert!(refused["message"]
            .as_str()
            .unwrap()
            .contains("not a check of this probe's plan"));
        let result = send(&mut s, json!({"v": 1, "type": "run"})).await;
        assert_eq!(result["type"], "result", "{result}");
        assert_eq!(result["result"]["verdict"], "pass");
        let done = next(&mut s).await;
        assert_eq!(
            (done["type"].as_str(), done["passed"].as_u64()),
            (Some("done"), Some(1))
        );
    });
    let log = probe.log();
    let line = log
        .lines()
        .find(|l| l.contains("event=\"check\""))
        .unwrap_or_else(|| panic!("an audit line per check: {log}"));
    assert!(
        line.contains("check=pcg-palette@api.spectrocloud.com:443\\u{1b}[2J"),
        "the page's id, escaped: {line}"
    );
    assert!(
        line.contains(&format!(
            "target=127.0.0.1:{target} connected=127.0.0.1:{target}"
        )),
        "where the socket really went: {line}"
    );
    assert!(!log.contains('\u{1b}'), "{log}");
    assert!(!log.contains(&probe.token));
}

#[test]
fn a_plan_with_ports_outside_the_rule_base_is_refused_at_start() {
    let dir = temp_dir("serve-badplan");
    std::fs::write(dir.join("index.html"), "x").unwrap();
    let plan = json!({"schema": 2, "from": "workload", "palette-version": "4.7.9", "checks": [check("smtp", "127.0.0.1", 25, "tcp", false)]});
    std::fs::write(dir.join("plan.json"), plan.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args(["serve", "--port", "0", "--dir"])
        .arg(&dir)
        .arg("--plan")
        .arg(dir.join("plan.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("port 25 is not a port of Palette's rule base"));
}

#[test]
fn no_cors_or_private_network_headers_are_sent_to_other_origins() {
    let probe = probe("cors", &[]);
    for request in [
        format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n", probe.port),
        format!("OPTIONS /v1/ws HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Private-Network: true\r\nConnection: close\r\n\r\n", probe.port),
        format!("OPTIONS /v1/admission HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Private-Network: true\r\nConnection: close\r\n\r\n", probe.port),
        format!("GET /v1/admission HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n", probe.port),
    ] {
        let mut stream = TcpStream::connect(("127.0.0.1", probe.port)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let lower = response.to_ascii_lowercase();
        assert!(!lower.contains("access-control-allow"), "{response}");
        assert!(lower.contains("x-content-type-options: nosniff"), "{response}");
    }
}

/// `GET /v1/admission` (`rules::protocol::admission`): readable by a page of an accepted
/// origin only, saying whether every session slot is taken; a refused origin gets no CORS
/// header and learns nothing.
#[test]
fn admission_is_readable_by_accepted_origins_only_and_says_when_the_probe_is_full() {
    let probe = probe(
        "admission",
        &[
            "--max-connections",
            "1",
            "--allow-origin",
            "https://docs.example.com",
            "--allow-origin",
            "null",
        ],
    );
    let get = |origin: &str| {
        let mut stream = TcpStream::connect(("127.0.0.1", probe.port)).unwrap();
        let request = format!(
            "GET /v1/admission HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n",
            probe.port
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    for origin in [
        "https://docs.example.com",
        "null",
        &format!("http://127.0.0.1:{}", probe.port),
    ] {
        let response = get(origin);
        let lower = response.to_ascii_lowercase();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(
            lower.contains(&format!("access-control-allow-origin: {origin}")),
            "{response}"
        );
        assert!(lower.contains("vary: origin"), "{response}");
        assert!(response.ends_with(r#"{"v":1,"busy":false}"#), "{response}");
    }
    for origin in [
        "https://evil.example",
        "https://docs.example.com.evil.example",
        "HTTPS://DOCS.EXAMPLE.COM",
    ] {
        let response = get(origin);
        assert!(response.starts_with("HTTP/1.1 403"), "{origin}: {response}");
        assert!(
            !response
                .to_ascii_lowercase()
                .contains("access-control-allow"),
            "{origin}: {response}"
        );
        assert!(!response.contains("busy"), "{origin}: {response}");
    }
    // With the one slot taken, an accepted page learns the probe is full.
    rt().block_on(async {
        let headers = [("Sec-WebSocket-Protocol", probe.protocols())];
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let _session = connect(probe.port, "/v1/ws", &headers).await.unwrap();
        let response = get("https://docs.example.com");
        assert!(response.ends_with(r#"{"v":1,"busy":true}"#), "{response}");
    });
}

#[test]
fn served_pages_run_only_their_own_scripts_and_cannot_be_framed() {
    let probe = probe("csp", &[]);
    let response = probe.get("/", &format!("127.0.0.1:{}", probe.port));
    let policy = response
        .lines()
        .find_map(|l| l.strip_prefix("content-security-policy: "))
        .unwrap_or_else(|| panic!("no CSP: {response}"));
    assert!(policy.starts_with("default-src 'none';"), "{policy}");
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "the test page has no inline script to allow: {policy}"
    );
    assert!(
        policy.contains(&format!(
            "connect-src 'self' ws://127.0.0.1:{0}/v1/ws ws://localhost:{0}/v1/ws",
            probe.port
        )),
        "{policy}"
    );
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
}

#[test]
fn only_the_files_of_the_built_app_are_served() {
    let dir = app_dir("serve-assets");
    std::fs::create_dir_all(dir.join("public")).unwrap();
    std::fs::write(dir.join("public/favicon.svg"), "<svg/>").unwrap();
    let secret = temp_dir("serve-assets-outside").join("secret.txt");
    std::fs::write(&secret, "outside the app").unwrap();
    std::os::unix::fs::symlink(&secret, dir.join("linked.txt")).unwrap();
    std::fs::write(dir.join(".hidden"), "dotfile").unwrap();
    // make dist's downloads beside the hosted app: not the app, never read into memory.
    std::fs::create_dir_all(dir.join("probe")).unwrap();
    std::fs::write(dir.join("probe/SHA256SUMS"), "downloads").unwrap();
    let probe = Served::start(&dir, &[]);
    std::fs::write(dir.join("later.txt"), "written after start").unwrap();
    let host = format!("127.0.0.1:{}", probe.port);

    assert!(probe.get("/", &host).starts_with("HTTP/1.1 200"));
    assert!(probe
        .get("/public/favicon.svg", &host)
        .starts_with("HTTP/1.1 200"));
    for path in [
        "/linked.txt",
        "/.hidden",
        "/later.txt",
        "/public/",
        "/probe/SHA256SUMS",
    ] {
        let response = probe.get(path, &host);
        assert!(response.starts_with("HTTP/1.1 404"), "{path}: {response}");
        assert!(!response.contains("outside the app") && !response.contains("dotfile"));
        assert!(!response.contains("downloads"), "{path}: {response}");
    }
}

/// 12: a huge request head is refused without being buffered.
#[test]
fn oversized_request_heads_are_refused() {
    let probe = probe("huge-head", &[]);
    let host = format!("127.0.0.1:{}", probe.port);

    // 12: a 20 MB header line (the CVE-2023-43669 shape) gets 431 after the first 16 KiB.
    let mut stream = TcpStream::connect(("127.0.0.1", probe.port)).unwrap();
    let started = std::time::Instant::now();
    let _ = write!(stream, "GET / HTTP/1.1\r\nHost: {host}\r\nX-Padding: ");
    let chunk = vec![b'a'; 64 * 1024];
    // The server stops reading early; the writes that follow fail, as they should.
    for _ in 0..320 {
        if stream.write_all(&chunk).is_err() {
            break;
        }
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.is_empty() || response.starts_with("HTTP/1.1 431"),
        "{:?}",
        &response[..response.len().min(200)]
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // 17 KiB, small enough to go out in one write before the probe answers, gets 431. (Several
    // writes would race the probe's close; bytes read before a reset are kept.)
    let mut stream = TcpStream::connect(("127.0.0.1", probe.port)).unwrap();
    let padding = "a".repeat(17 * 1024);
    let request = format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-Padding: {padding}\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 431"), "{response:?}");
}

/// 11: request heads dripped a byte at a time must not hold connections for ever, and holding
/// every connection slot must not take the server down for good. A probe of its own: a
/// connection of another test still closing would free a slot at a moment no test controls.
#[test]
fn slow_request_heads_cannot_hold_the_server() {
    let probe = probe("slowloris", &[]);
    let host = format!("127.0.0.1:{}", probe.port);

    // Every slot taken by clients that never finish their request head.
    let started = std::time::Instant::now();
    let mut slow: Vec<TcpStream> = (0..64)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", probe.port)).unwrap();
            let _ = write!(s, "GET / HTTP/1.1\r\nHost: {host}\r\n");
            s
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // One more is closed at once, without an answer.
    let mut extra = TcpStream::connect(("127.0.0.1", probe.port)).unwrap();
    extra
        .set_read_timeout(Some(std::time::Duration::from_secs(2)))
        .unwrap();
    let _ = write!(extra, "GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let mut buf = Vec::new();
    let closed = extra.read_to_end(&mut buf).map_err(|e| e.kind());
    assert!(
        matches!(closed, Ok(0) | Err(std::io::ErrorKind::ConnectionReset)),
        "{closed:?}"
    );

    // Dripping a byte a second does not keep a connection: the head has 10 s to arrive.
    for _ in 0..14 {
        std::thread::sleep(std::time::Duration::from_secs(1));
        for s in &mut slow {
            let _ = s.write_all(b"X");
        }
    }
    for s in &mut slow {
        s.set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .unwrap();
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        let text = String::from_utf8_lossy(&rest);
        assert!(
            text.is_empty() || text.starts_with("HTTP/1.1 408"),
            "{text:?}"
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(25));
    // The slots came back: the page is served again.
    assert!(probe.get("/", &host).starts_with("HTTP/1.1 200"));
    assert!(
        probe.log().contains("too many open connections"),
        "{}",
        probe.log()
    );
}

/// 18: targets from the page. A probe started without a plan asks at its terminal before it
/// runs a plan the page proposes; no, silence or a closed terminal run nothing, and a probe
/// started with a plan never takes one from the page.
#[test]
fn a_plan_from_the_page_runs_only_after_the_terminal_says_yes() {
    let target = stalling_server();
    let port_arg = target.to_string();
    let proposal = |host: &str, port: u16| {
        json!({"v": 1, "type": "propose", "plan": {"schema": 2, "from": "pcg",
            "palette-version": "4.7.9", "checks": [check("vcenter", host, port, "tcp", false)]}})
    };
    let mut asker = probe("propose", &["--allow-port", &port_arg]);
    rt().block_on(async {
        let protocols = asker.protocols();
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        let mut s = connect(asker.port, "/v1/ws", &headers).await.unwrap();
        let nothing = send(&mut s, json!({"v": 1, "type": "run"})).await;
        assert!(nothing["message"].as_str().unwrap().contains("no plan yet"));

        // A port outside the rule base is refused before anyone is asked.
        let bad = send(&mut s, proposal("127.0.0.1", 6379)).await;
        assert!(
            bad["message"].as_str().unwrap().contains("port 6379"),
            "{bad}"
        );

        s.send(Message::text(proposal("127.0.0.1", target).to_string()))
            .await
            .unwrap();
        let (question, _) = asker.question();
        assert!(
            question.contains("A client without an Origin (not a web page) asks this probe to run 1 check from Private Cloud Gateway nodes")
                && question.contains(&format!("127.0.0.1:{target} tcp")),
            "{question}"
        );
        asker.answer("n");
        let declined = next(&mut s).await;
        assert_eq!(
            declined["message"],
            "the plan was declined at the probe's terminal"
        );
        let still_nothing = send(&mut s, json!({"v": 1, "type": "run"})).await;
        assert_eq!(still_nothing["type"], "error");

        s.send(Message::text(proposal("127.0.0.1", target).to_string()))
            .await
            .unwrap();
        // A plain y no longer confirms: the question's code does.
        let (_, code) = asker.question();
        asker.answer("y");
        let declined = next(&mut s).await;
        assert_eq!(declined["message"], "the plan was declined at the probe's terminal");
        assert_ne!(code, "y");
        s.send(Message::text(proposal("127.0.0.1", target).to_string()))
            .await
            .unwrap();
        asker.confirm();
        let hello = next(&mut s).await;
        assert_eq!(
            (hello["type"].as_str(), hello["from"].as_str()),
            (Some("hello"), Some("pcg"))
        );
        assert_eq!(hello["checks"][0]["id"], "vcenter");
        let result = send(&mut s, json!({"v": 1, "type": "run"})).await;
        assert_eq!(result["result"]["verdict"], "pass", "{result}");
        assert_eq!(next(&mut s).await["type"], "done");

        // Nobody at the terminal any more.
        drop(asker.stdin.take());
        let closed = send(&mut s, proposal("127.0.0.1", target)).await;
        assert!(
            closed["message"]
                .as_str()
                .unwrap()
                .contains("standard input is closed"),
            "{closed}"
        );
    });
    let log = asker.log();
    assert!(
        log.contains("event=\"proposal\"") && log.contains("confirmed=true"),
        "{log}"
    );

    // A probe with its own plan does not take the page's.
    let dir = temp_dir("serve-own-plan");
    let plan = json!({"schema": 2, "from": "workload", "palette-version": "4.7.9",
        "checks": [check("loopback", "127.0.0.1", target, "tcp", false)]});
    let plan_file = dir.join("plan.json");
    std::fs::write(&plan_file, plan.to_string()).unwrap();
    let planned = probe(
        "own-plan",
        &[
            "--plan",
            plan_file.to_str().unwrap(),
            "--allow-port",
            &port_arg,
        ],
    );
    rt().block_on(async {
        let protocols = planned.protocols();
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        let mut s = connect(planned.port, "/v1/ws", &headers).await.unwrap();
        let refused = send(&mut s, proposal("127.0.0.1", target)).await;
        assert!(
            refused["message"]
                .as_str()
                .unwrap()
                .contains("runs the plan it was started with"),
            "{refused}"
        );
    });
}

/// 14-15: a flood of messages or pings on one socket is answered up to the rate limit of 60 a
/// minute; the 61st closes the session with 1008; a new session still works. (Exactly 61 are
/// sent: more would sit unread when the probe closes, and the reset would race the close frame.)
/// #15 point 3: a `y` typed before any question (or left over from one that timed out) does
/// not confirm the next proposal, which the person never saw; only the question's code does.
#[test]
fn a_line_typed_before_the_question_confirms_nothing() {
    let target = stalling_server();
    let port_arg = target.to_string();
    let mut asker = probe("typed-ahead", &["--allow-port", &port_arg]);
    asker.answer("y");
    rt().block_on(async {
        let protocols = asker.protocols();
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        let mut s = connect(asker.port, "/v1/ws", &headers).await.unwrap();
        let proposal = json!({"v": 1, "type": "propose", "plan": {"schema": 2, "from": "pcg",
            "palette-version": "4.7.9", "checks": [check("vcenter", "127.0.0.1", target, "tcp", false)]}});
        s.send(Message::text(proposal.to_string())).await.unwrap();
        let (question, code) = asker.question();
        assert!(
            question.contains("(ignored 1 line(s) typed before this question)"),
            "{question}"
        );
        assert!(
            question.ends_with(&format!("Type {code} and Enter to allow; anything else declines [{code}/N]: ")),
            "{question}"
        );
        asker.answer(&code.to_uppercase());
        assert_eq!(next(&mut s).await["type"], "hello", "the code confirms, in either case");
    });
}

/// #15 point 11: Ctrl-C (or SIGTERM) while the terminal question waits ends the probe at once;
/// the standard-input reader it waits on does not hold it until a line is typed.
#[test]
fn a_signal_during_the_question_ends_the_probe_at_once() {
    for signal in ["INT", "TERM"] {
        let target = stalling_server();
        let port_arg = target.to_string();
        let mut asker = probe(&format!("signal-{signal}"), &["--allow-port", &port_arg]);
        let runtime = rt();
        let _socket = runtime.block_on(async {
            let protocols = asker.protocols();
            let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
            let mut s = connect(asker.port, "/v1/ws", &headers).await.unwrap();
            let proposal = json!({"v": 1, "type": "propose", "plan": {"schema": 2, "from": "pcg",
                "palette-version": "4.7.9", "checks": [check("v", "127.0.0.1", target, "tcp", false)]}});
            s.send(Message::text(proposal.to_string())).await.unwrap();
            s
        });
        asker.question();
        let status = asker.signal_and_wait(signal, std::time::Duration::from_secs(3));
        assert!(
            status.is_some(),
            "SIG{signal} left the probe running while it waited for a line"
        );
    }
}

/// #15 point 10: `--bind 0.0.0.0 --expose` needs the Host names clients use (`--allow-host`); a
/// forged `Host: 0.0.0.0:PORT` and duplicate Host headers are refused; the plain-HTTP exposure
/// is warned about.
#[test]
fn an_exposed_probe_accepts_only_the_hosts_it_was_given() {
    let dir = app_dir("exposed");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let serve = |extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_portcheck"));
        command
            .args([
                "serve",
                "--bind",
                "0.0.0.0",
                "--expose",
                "--port",
                &port.to_string(),
                "--dir",
            ])
            .arg(&dir)
            .args(extra);
        command
    };
    let out = serve(&[]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("name the ones they use with --allow-host")
    );

    let host = format!("probe.test:{port}");
    let mut child = serve(&["--allow-host", &host])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut first,
    )
    .unwrap();
    assert!(
        first.contains(&format!("Open http://{host}/#t=")),
        "{first}"
    );
    let get = |headers: &str| {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        std::io::Write::write_all(
            &mut stream,
            format!("GET / HTTP/1.1\r\n{headers}Connection: close\r\n\r\n").as_bytes(),
        )
        .unwrap();
        let mut response = String::new();
        std::io::Read::read_to_string(&mut stream, &mut response).unwrap();
        response
    };
    let status = |r: String| r.lines().next().unwrap_or_default().to_owned();
    assert_eq!(status(get(&format!("Host: {host}\r\n"))), "HTTP/1.1 200 OK");
    assert_eq!(
        status(get(&format!("Host: 0.0.0.0:{port}\r\n"))),
        "HTTP/1.1 421 Misdirected Request"
    );
    assert_eq!(
        status(get(&format!("Host: {host}\r\nHost: {host}\r\n"))),
        "HTTP/1.1 421 Misdirected Request"
    );
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cross the network in plain HTTP"),
        "the exposure is warned about"
    );
}

#[test]
fn a_message_flood_is_cut_off_at_the_rate_limit() {
    let probe = probe("flood", &[]);
    rt().block_on(async {
        let protocols = probe.protocols();
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        let hello = Message::text(json!({"v": 1, "type": "hello"}).to_string());
        let ping = Message::Ping(vec![0; 8].into());
        for (flood, answer) in [(hello, "text"), (ping, "pong")] {
            let mut s = connect(probe.port, "/v1/ws", &headers).await.unwrap();
            for _ in 0..61 {
                s.send(flood.clone()).await.unwrap();
            }
            let mut answered = 0;
            let close = loop {
                match s.next().await {
                    Some(Ok(Message::Text(_) | Message::Pong(_))) => answered += 1,
                    Some(Ok(Message::Close(frame))) => break frame,
                    other => panic!("expected {answer} answers, then a close: {other:?}"),
                }
            };
            assert_eq!(answered, 60, "{answer} answers up to the limit");
            let frame = close.expect("a close frame with a code");
            assert_eq!(u16::from(frame.code), 1008);
            assert_eq!(frame.reason.as_str(), "too many messages");
        }
        let mut fresh = connect(probe.port, "/v1/ws", &headers).await.unwrap();
        assert_eq!(
            send(&mut fresh, json!({"v": 1, "type": "hello"})).await["type"],
            "hello"
        );
    });
    assert!(probe.log().contains("event=\"rate-limited\""));
}

/// 15: a session that says nothing is closed after `--idle-timeout` (1000, "idle"), and a
/// ping counts as something said.
#[test]
fn a_silent_session_is_closed_after_the_idle_timeout() {
    let probe = probe("idle", &["--idle-timeout", "5"]);
    rt().block_on(async {
        let protocols = probe.protocols();
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        let mut s = connect(probe.port, "/v1/ws", &headers).await.unwrap();
        let opened = std::time::Instant::now();
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        s.send(Message::Ping(vec![1].into())).await.unwrap();
        let close = loop {
            match s.next().await {
                Some(Ok(Message::Pong(_))) => continue,
                Some(Ok(Message::Close(frame))) => break frame,
                other => panic!("expected a pong, then a close: {other:?}"),
            }
        };
        let silent_for = opened.elapsed();
        let frame = close.expect("a close frame with a code");
        assert_eq!(u16::from(frame.code), 1000);
        assert_eq!(frame.reason.as_str(), "idle");
        assert!(
            silent_for >= std::time::Duration::from_secs(8),
            "the ping at 3 s restarted the clock: closed after {silent_for:?}"
        );
    });
}

#[test]
fn an_idle_timeout_out_of_range_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_portcheck"))
        .args(["serve", "--idle-timeout", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--idle-timeout"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// 22: what a page writes (ids, flow names, purposes of the plan it proposes) never reaches a
/// target: a server that records every byte it receives sees only the checks' own traffic.
#[test]
fn page_supplied_text_never_reaches_a_target() {
    const MARKER: &str = "PAGE-MARKER-7f3a";
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target = listener.local_addr().unwrap().port();
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let recorder = received.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let recorder = recorder.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = stream.read(&mut buf) {
                    recorder.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            });
        }
    });
    let planned = |kind: &str| {
        let mut c = check(
            &format!("{kind}-{MARKER}"),
            "127.0.0.1",
            target,
            kind,
            false,
        );
        c["purpose"] = json!(MARKER);
        c
    };
    let port_arg = target.to_string();
    let mut asker = probe(
        "no-page-bytes",
        &["--allow-port", &port_arg, "--timeout", "3"],
    );
    rt().block_on(async {
        let protocols = asker.protocols();
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        let mut s = connect(asker.port, "/v1/ws", &headers).await.unwrap();
        let proposal = json!({"v": 1, "type": "propose", "plan": {"schema": 2, "from": "pcg",
            "palette-version": "4.7.9", "checks": [planned("tcp"), planned("tls")]}});
        s.send(Message::text(proposal.to_string())).await.unwrap();
        asker.confirm();
        assert_eq!(next(&mut s).await["type"], "hello");
        s.send(Message::text(json!({"v": 1, "type": "run"}).to_string()))
            .await
            .unwrap();
        loop {
            if next(&mut s).await["type"] == "done" {
                break;
            }
        }
    });
    let received = received.lock().unwrap().clone();
    assert!(
        received.starts_with(&[0x16, 0x03]),
        "the TLS check's ClientHello arrived"
    );
    assert!(
        !received
            .windows(MARKER.len())
            .any(|w| w == MARKER.as_bytes()),
        "page text reached the target"
    );
}
