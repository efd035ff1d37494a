//! A plan's name that resolves to a cloud metadata service (DNS rebinding: the page names a
//! harmless-looking host, its DNS points it at 169.254.169.254) is never connected to: the
//! check fails at DNS, says why, and no connection is attempted. In a network namespace whose
//! hosts file gives the answers (`ip netns exec` reads /etc/netns/NAME/hosts). Needs root.

mod common;

use common::netns::Netns;

#[test]
fn names_that_resolve_to_metadata_services_are_not_connected_to() {
    let ns = Netns::new("rb");
    let _hosts = ns.hosts(
        "169.254.169.254 imds.rebind.test\n100.100.100.200 alibaba.rebind.test\nfd00:ec2::254 imds6.rebind.test\n",
    );
    let dir = common::temp_dir("dns-rebinding");
    let checks: Vec<serde_json::Value> = ["imds", "alibaba", "imds6"]
        .iter()
        .map(|n| common::check(n, &format!("{n}.rebind.test"), 443, "tls", true))
        .collect();
    let plan = serde_json::json!({"schema": 2, "from": "workload", "palette-version": "4.10.0",
        "checks": checks});
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let out = ns
        .command(env!("CARGO_BIN_EXE_portcheck"))
        .args(["check", "--format", "json", "--timeout", "5", "--plan"])
        .arg(&path)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    for name in ["imds", "alibaba", "imds6"] {
        let result = common::result(&report, name);
        assert_eq!(result["verdict"], "fail", "{result:#}");
        assert_eq!(result["failed-at"], "dns", "{result:#}");
        assert!(
            result["summary"]
                .as_str()
                .unwrap()
                .contains("resolves only to addresses no Palette flow uses"),
            "{result:#}"
        );
        let steps = result["steps"].as_array().unwrap();
        assert!(
            steps.iter().all(|s| s["name"] != "tcp"),
            "no connection was attempted: {result:#}"
        );
    }
}
