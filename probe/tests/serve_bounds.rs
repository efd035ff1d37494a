//! The probe's bounds under a hostile peer (issue 15, points 13 and 14): clients that stop
//! reading, many sessions at once, floods of refused requests, origins that are not origins,
//! WebSocket protocol violations, and files changed under the running server.

mod common;

use common::ws::{close_code, connect, frame, next, raw_handshake, rt};
use common::{app_dir, check, stalling_server, temp_dir, Served};
use futures_util::SinkExt;
use serde_json::json;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// A probe started with a plan of `checks` on `port`.
fn probe_with_plan(
    name: &str,
    checks: Vec<serde_json::Value>,
    port: u16,
    extra: &[&str],
) -> Served {
    let dir = temp_dir(&format!("bounds-{name}"));
    let plan =
        json!({"schema": 2, "from": "workload", "palette-version": "4.7.9", "checks": checks});
    let plan_file = dir.join("plan.json");
    std::fs::write(&plan_file, plan.to_string()).unwrap();
    let port = port.to_string();
    let mut args = vec!["--plan", plan_file.to_str().unwrap(), "--allow-port", &port];
    args.extend_from_slice(extra);
    Served::start(&app_dir(&format!("bounds-{name}")), &args)
}

/// A session that stops reading its replies cannot keep its connection slot: a reply that cannot
/// be written within the idle timeout ends the session (it kept the slot for 155 s).
#[test]
fn a_session_that_stops_reading_loses_its_slot_at_the_idle_timeout() {
    let target = stalling_server();
    // A hello this large (under the 1 MiB a plan file may have) fills the socket buffers after
    // a few replies.
    let checks = (0..800)
        .map(|i| {
            let mut c = check(&format!("c{i}"), "127.0.0.1", target, "tcp", false);
            c["purpose"] = json!("p".repeat(1000));
            c
        })
        .collect();
    let probe = probe_with_plan(
        "stalled-reader",
        checks,
        target,
        &["--idle-timeout", "5", "--max-connections", "1"],
    );
    let protocols = probe.protocols();
    let (status, mut stalled) = raw_handshake(
        probe.port,
        &[("Sec-WebSocket-Protocol", protocols.as_bytes())],
    );
    assert_eq!(status, 101);
    let hello = frame(
        0x81,
        json!({"v": 1, "type": "hello"}).to_string().as_bytes(),
        true,
    );
    for _ in 0..40 {
        stalled.write_all(&hello).unwrap();
    }
    // Never read from `stalled` again; it stays open until the end of the test.
    let started = Instant::now();
    rt().block_on(async {
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        loop {
            match connect(probe.port, "/v1/ws", &headers).await {
                Ok(_) => break,
                Err(503) => {}
                Err(other) => panic!("unexpected refusal {other}"),
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the stalled session still holds the only slot"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "the slot came free before the idle timeout: {:?}",
        started.elapsed()
    );
    drop(stalled);
}

/// Counts the connections open at once; the most ever seen.
fn counting_server() -> (u16, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (open, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let seen = most.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (open, most) = (open.clone(), most.clone());
            std::thread::spawn(move || {
                let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                // Held until the probe gives up on it.
                let mut stream = stream;
                let _ = stream.read(&mut [0u8; 1]);
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    (port, seen)
}

/// However many sessions run checks, the probe has at most 32 outbound connections open at
/// once (four sessions had 128).
#[test]
fn checks_of_every_session_share_one_cap_on_outbound_connections() {
    let (target, most) = counting_server();
    let checks = (0..40)
        .map(|i| check(&format!("c{i}"), "127.0.0.1", target, "tls", false))
        .collect();
    let probe = probe_with_plan(
        "outbound-cap",
        checks,
        target,
        &["--timeout", "2", "--max-connections", "4"],
    );
    rt().block_on(async {
        let protocols = probe.protocols();
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        let mut sessions = Vec::new();
        for _ in 0..4 {
            let mut s = connect(probe.port, "/v1/ws", &headers).await.unwrap();
            s.send(Message::text(json!({"v": 1, "type": "run"}).to_string()))
                .await
                .unwrap();
            sessions.push(s);
        }
        for s in &mut sessions {
            while next(s).await["type"] != "done" {}
        }
    });
    let most = most.load(Ordering::SeqCst);
    assert!(
        (2..=32).contains(&most),
        "{most} connections were open at once"
    );
}

/// Refused requests from a local process cannot flood the terminal: about 2,000 of them in a
/// second wrote 2,000 lines. Past a burst, lines are counted, and the next line says how many.
#[test]
fn a_flood_of_refused_requests_writes_a_bounded_log() {
    let probe = Served::start(&app_dir("bounds-log-flood"), &[]);
    for _ in 0..1000 {
        let response = probe.get("/", "evil.example");
        assert!(response.starts_with("HTTP/1.1 421"));
        let (status, _) = raw_handshake(probe.port, &[("Sec-WebSocket-Protocol", b"portcheck.v1")]);
        assert_eq!(status, 401);
    }
    std::thread::sleep(Duration::from_millis(1100));
    assert!(probe.get("/", "evil.example").starts_with("HTTP/1.1 421"));
    std::thread::sleep(Duration::from_millis(200));
    let log = probe.log();
    let lines = log.lines().count();
    assert!(lines < 60, "{lines} log lines for 2,001 refused requests");
    let last = log.lines().last().unwrap_or_default();
    assert!(
        last.contains("not_logged="),
        "the next line counts what was left out: {last}"
    );
}

/// Only a valid serialized origin that matches is accepted: no path, no second port, no byte
/// outside ASCII (an unreadable Origin was treated as absent, and the token let it in).
#[test]
fn origins_that_are_not_serialized_origins_are_refused() {
    let probe = Served::start(&app_dir("bounds-origins"), &[]);
    let protocols = probe.protocols();
    let own = probe.origin();
    let handshake = |origins: &[&[u8]]| {
        let mut headers: Vec<(&str, &[u8])> =
            vec![("Sec-WebSocket-Protocol", protocols.as_bytes())];
        headers.extend(origins.iter().map(|o| ("Origin", *o)));
        raw_handshake(probe.port, &headers).0
    };
    assert_eq!(handshake(&[own.as_bytes()]), 101);
    let non_ascii = [own.as_bytes(), b"\xff"].concat();
    for bad in [
        format!("{own}//").into_bytes(),
        format!("{own}/").into_bytes(),
        format!("{own}:80").into_bytes(),
        own.to_uppercase().into_bytes(),
        non_ascii,
        b"\xff".to_vec(),
    ] {
        assert_eq!(handshake(&[&bad]), 403, "{}", String::from_utf8_lossy(&bad));
    }
    assert_eq!(
        handshake(&[own.as_bytes(), own.as_bytes()]),
        403,
        "two Origin headers"
    );
}

/// WebSocket protocol violations are answered with their close code (RFC 6455, 7.4.1) before
/// the connection ends; they ended with no close frame at all.
#[test]
fn protocol_violations_are_closed_with_their_code() {
    let probe = Served::start(&app_dir("bounds-violations"), &[]);
    let protocols = probe.protocols();
    let too_big = vec![b'x'; 64 * 1024 + 1];
    let half = vec![b' '; 40 * 1024];
    let cases: [(&str, Vec<u8>, u16); 5] = [
        (
            "invalid UTF-8 in a text frame",
            frame(0x81, &[0xff, 0xfe], true),
            1007,
        ),
        ("an oversized frame", frame(0x81, &too_big, true), 1009),
        (
            "an oversized message in fragments",
            [frame(0x01, &half, true), frame(0x80, &half, true)].concat(),
            1009,
        ),
        ("an unmasked client frame", frame(0x81, b"{}", false), 1002),
        ("reserved bits set", frame(0xc1, b"{}", true), 1002),
    ];
    for (what, bytes, code) in cases {
        let (status, mut stream) = raw_handshake(
            probe.port,
            &[("Sec-WebSocket-Protocol", protocols.as_bytes())],
        );
        assert_eq!(status, 101);
        stream.write_all(&bytes).unwrap();
        assert_eq!(close_code(&mut stream), Some(code), "{what}");
    }
}

/// The app's files are read at start: one swapped for a link afterwards (to /etc/passwd in the
/// red-team run) is still served as it was, and what the link points to never is.
#[test]
fn a_file_swapped_for_a_link_after_start_is_served_as_it_was() {
    let dir = app_dir("bounds-swapped");
    std::fs::write(dir.join("app.js"), "console.log('app')").unwrap();
    let secret = temp_dir("bounds-swapped-outside").join("secret.txt");
    std::fs::write(&secret, "outside the app").unwrap();
    let probe = Served::start(&dir, &[]);
    std::fs::remove_file(dir.join("app.js")).unwrap();
    std::os::unix::fs::symlink(&secret, dir.join("app.js")).unwrap();
    std::fs::write(dir.join("index.html"), "changed after start").unwrap();
    let host = format!("127.0.0.1:{}", probe.port);
    let script = probe.get("/app.js", &host);
    assert!(script.starts_with("HTTP/1.1 200"), "{script}");
    assert!(script.ends_with("console.log('app')"), "{script}");
    assert!(script.contains("content-type: text/javascript"), "{script}");
    let index = probe.get("/", &host);
    assert!(index.ends_with("<p>portcheck test page</p>"), "{index}");
}

/// #15 point 5: after one confirmation the page may run the plan three times, not 20 times in
/// 20 s; then it must propose it again, and the person is asked again.
#[test]
fn a_confirmed_plan_runs_a_bounded_number_of_times() {
    let target = stalling_server();
    let port = target.to_string();
    let mut asker = Served::start(
        &app_dir("bounds-reruns"),
        &["--allow-port", &port, "--timeout", "2"],
    );
    let proposal = json!({"v": 1, "type": "propose", "plan": {"schema": 2, "from": "pcg",
        "palette-version": "4.7.9",
        "checks": [check("loopback", "127.0.0.1", target, "tcp", false)]}});
    rt().block_on(async {
        let protocols = asker.protocols();
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        let mut s = connect(asker.port, "/v1/ws", &headers).await.unwrap();
        let run = Message::text(json!({"v": 1, "type": "run"}).to_string());
        for round in 0..2 {
            s.send(Message::text(proposal.to_string())).await.unwrap();
            let (question, code) = asker.question();
            assert!(
                question.contains("may run them 3 times in this session"),
                "{question}"
            );
            asker.answer(&code);
            assert_eq!(next(&mut s).await["type"], "hello");
            for _ in 0..3 {
                s.send(run.clone()).await.unwrap();
                assert_eq!(next(&mut s).await["type"], "result", "round {round}");
                assert_eq!(next(&mut s).await["type"], "done");
            }
            s.send(run.clone()).await.unwrap();
            let refused = next(&mut s).await;
            assert!(
                refused["message"]
                    .as_str()
                    .unwrap()
                    .contains("propose it again"),
                "{refused}"
            );
        }
    });
}

/// #15 point 5: a page's plan of hundreds of checks, with a private address hidden in the
/// middle, a 212-character name and a look-alike international name, is put to the person one
/// line per destination, marked lines first, every name shown so it can be judged.
#[test]
fn a_large_proposal_is_put_by_destination_with_its_marks_first() {
    let mut asker = Served::start(&app_dir("bounds-large-question"), &[]);
    let long = format!(
        "{}.{}.{}.abcdefg.evil.example",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63)
    );
    assert_eq!(long.len(), 212);
    let mut checks: Vec<serde_json::Value> = (0..300)
        .map(|i| {
            let mut c = check(
                &format!("c{i}"),
                &format!("h{}.example.com", i % 7),
                443,
                "tls",
                true,
            );
            c["flow"] = json!("workload-palette-api");
            c
        })
        .collect();
    let mut private = check("private", "10.20.30.40", 443, "tls", false);
    private["flow"] = json!("workload-vcenter");
    checks.insert(150, private);
    for (id, host) in [("long", long.as_str()), ("idn", "xn--80ak6aa92e.com")] {
        let mut c = check(id, host, 443, "tls", true);
        c["flow"] = json!("workload-palette-api");
        checks.push(c);
    }
    let proposal = json!({"v": 1, "type": "propose", "plan": {"schema": 2, "from": "workload",
        "palette-version": "4.7.9", "checks": checks}});
    assert!(proposal.to_string().len() < 64 * 1024);
    rt().block_on(async {
        let protocols = asker.protocols();
        let headers = [("Sec-WebSocket-Protocol", protocols.as_str())];
        let mut s = connect(asker.port, "/v1/ws", &headers).await.unwrap();
        s.send(Message::text(proposal.to_string())).await.unwrap();
        let (question, _) = asker.question();
        let lines: Vec<&str> = question.lines().collect();
        assert!(lines.len() < 20, "{question}");
        assert!(
            question.contains("asks this probe to run 303 checks from Workload cluster nodes:\n  10 destinations:\n  10.20.30.40 [PRIVATE NETWORK]: 443 tls (1 check)\n"),
            "{question}"
        );
        assert!(question.contains("  h0.example.com: 443 tls (43 checks)\n"), "{question}");
        let long_line = lines
            .iter()
            .find(|l| l.contains("evil.example"))
            .expect("the long name is listed");
        assert!(
            long_line.contains("….evil.example: 443 tls"),
            "cut in the middle, the registrable domain whole: {long_line}"
        );
        assert!(long_line.chars().count() < 120, "{long_line}");
        assert!(
            question.contains("  аррӏе.com (xn--80ak6aa92e.com): 443 tls (1 check)\n"),
            "{question}"
        );
        asker.answer("n");
        assert_eq!(next(&mut s).await["type"], "error");
    });
}
