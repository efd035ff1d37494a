//! #15 point 6: a name with a black-holed IPv6 address and a working IPv4 one, in a network
//! namespace of its own (`ip netns exec` reads /etc/netns/NAME/hosts, where the name is ::1 and
//! 127.0.0.1; ip6tables drops the SYNs to ::1). Palette's Go agents fall back to IPv4 after 300 ms, so the flow works: the probe must
//! say so well within its timeout, and show both attempts.
//!
//! Needs root (network namespaces), as CI has.

mod common;

use common::netns::{Netns, Servers};
use std::time::{Duration, Instant};

#[test]
fn a_black_holed_ipv6_address_does_not_hide_a_working_ipv4_path() {
    let ns = Netns::new("ds");
    let _hosts = ns.hosts("::1 dual.test\n127.0.0.1 dual.test\n");
    let port = 18443;
    // One dual-stack listener; SYNs to ::1 vanish, as behind a DROP rule.
    let _server = Servers(vec![ns.spawn(&format!(
        "socat TCP6-LISTEN:{port},ipv6only=0,reuseaddr,fork SYSTEM:'cat >/dev/null'"
    ))]);
    ns.run(&format!(
        "ip6tables -A INPUT -p tcp -d ::1 --dport {port} -j DROP"
    ));
    let started = Instant::now();
    while !ns.connects("127.0.0.1", "127.0.0.1", port) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the listener did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !ns.connects_within("::1", "::1", port, 1),
        "::1 must be black-holed for this test to mean anything"
    );

    let dir = common::temp_dir("dual-stack");
    let plan = serde_json::json!({"schema": 2, "from": "workload", "palette-version": "4.10.0",
        "checks": [common::check("dual", "dual.test", port, "tcp", false)]});
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let started = Instant::now();
    let out = ns
        .command(env!("CARGO_BIN_EXE_portcheck"))
        .args([
            "check",
            "--format",
            "json",
            "--timeout",
            "10",
            "--allow-port",
        ])
        .arg(port.to_string())
        .arg("--plan")
        .arg(&path)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let result = &report["results"][0];
    let steps: Vec<String> = result["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {} {}", s["name"], s["ok"], s["detail"]))
        .collect();
    // The resolver puts ::1 first (RFC 6724): the case the fallback is for.
    assert!(
        steps[0].contains("dual.test -> ::1, 127.0.0.1"),
        "{steps:#?}"
    );
    assert_eq!(result["verdict"], "pass", "{steps:#?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?} {steps:#?}");
    assert!(
        steps.iter().any(|s| s.contains(&format!(
            "[::1]:{port}: no answer yet; 127.0.0.1:{port} answered first"
        ))),
        "{steps:#?}"
    );
}
