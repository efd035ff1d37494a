//! The firewall outputs of `portcheck ticket` applied for real, the way a network team would:
//! the iptables script and the nftables file loaded on the kernel of a router between a client
//! and a server network namespace that already has a firewall, and the Squid allowlist loaded
//! into a real Squid. Connections are made with socat from the client's addresses; every test
//! checks that required flows connect, that other ports and optional flows do not, that the
//! rules that were there before are still there, and that applying twice equals applying once.
//!
//! Needs root (network namespaces), as CI has; `scripts/setup` installs iptables, nftables,
//! squid and socat.

mod common;

use common::netns::{ok, Netns, Servers};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn portcheck() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portcheck"))
}

fn example(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/examples")).join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("portcheck-fw-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The saas-vsphere-pcg example with IPv6 networks added to the PCG and the workload clusters,
/// so both address families are applied.
fn dual_stack_answers(dir: &Path) -> PathBuf {
    let mut answers: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example("saas-vsphere-pcg.json")).unwrap())
            .unwrap();
    let endpoints = &mut answers["endpoints"];
    endpoints["pcg-nodes"]
        .as_array_mut()
        .unwrap()
        .push("fd00:20::/64".into());
    endpoints["workload-nodes"]
        .as_array_mut()
        .unwrap()
        .push("fd00:20::/64".into());
    let path = dir.join("answers.json");
    std::fs::write(&path, answers.to_string()).unwrap();
    path
}

fn ticket(answers: &Path, args: &[&str]) -> String {
    let out = portcheck()
        .args(["ticket", "--answers"])
        .arg(answers)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Client (the PCG and workload networks) - router - server (Palette SaaS, vCenter), with a
/// firewall on the router that already holds rules of its own.
struct Lab {
    client: Netns,
    router: Netns,
    server: Netns,
    _servers: Servers,
}

const PCG: &str = "10.20.5.2";
const PCG6: &str = "fd00:20::2";
const SAAS: &str = "44.232.106.120";
const VCENTER: &str = "10.99.0.10";
const VCENTER6: &str = "fd00:99::10";

impl Lab {
    fn new() -> Lab {
        let (client, router, server) = (Netns::new("c"), Netns::new("r"), Netns::new("s"));
        let n = common::netns::unique();
        let (c, rc, rs, s) = (
            format!("ppc{n}"),
            format!("pprc{n}"),
            format!("pprs{n}"),
            format!("pps{n}"),
        );
        ok(
            Command::new("ip")
                .args([
                    "link", "add", &c, "netns", &client.0, "type", "veth", "peer", &rc, "netns",
                    &router.0,
                ])
                .output()
                .unwrap(),
            "veth client-router",
        );
        ok(
            Command::new("ip")
                .args([
                    "link", "add", &s, "netns", &server.0, "type", "veth", "peer", &rs, "netns",
                    &router.0,
                ])
                .output()
                .unwrap(),
            "veth router-server",
        );
        client.run(&format!(
            "ip link set {c} up && ip addr add {PCG}/16 dev {c} && ip addr add {PCG6}/64 dev {c} nodad \
             && ip route add default via 10.20.0.1 && ip -6 route add default via fd00:20::1"
        ));
        router.run(&format!(
            "ip link set {rc} up && ip link set {rs} up \
             && ip addr add 10.20.0.1/16 dev {rc} && ip addr add fd00:20::1/64 dev {rc} nodad \
             && ip addr add 10.255.0.1/30 dev {rs} && ip addr add fd00:ff::1/64 dev {rs} nodad \
             && ip route add {SAAS}/32 via 10.255.0.2 && ip route add {VCENTER}/32 via 10.255.0.2 \
             && ip -6 route add {VCENTER6}/128 via fd00:ff::2 \
             && sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1"
        ));
        server.run(&format!(
            "ip link set {s} up && ip addr add 10.255.0.2/30 dev {s} && ip addr add fd00:ff::2/64 dev {s} nodad \
             && ip addr add {SAAS}/32 dev lo && ip addr add {VCENTER}/32 dev lo && ip addr add {VCENTER6}/128 dev lo \
             && ip route add default via 10.255.0.1 && ip -6 route add default via fd00:ff::1"
        ));
        let mut children = Vec::new();
        for port in [443, 8443] {
            children.push(server.spawn(&format!(
                "socat TCP6-LISTEN:{port},fork,reuseaddr,ipv6only=0 OPEN:/dev/null"
            )));
        }
        // Palette SaaS reaching into the workload network (an optional flow): its API port.
        children
            .push(client.spawn("socat TCP6-LISTEN:6443,fork,reuseaddr,ipv6only=0 OPEN:/dev/null"));
        let lab = Lab {
            client,
            router,
            server,
            _servers: Servers(children),
        };
        let started = Instant::now();
        // Listeners up and neighbours discovered (IPv6's first connection waits for it): every
        // path connects while there is no firewall yet.
        while !(lab.client.connects(PCG, SAAS, 443)
            && lab.client.connects(PCG6, VCENTER6, 443)
            && lab.server.connects(SAAS, PCG, 6443))
        {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "listeners did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        lab
    }

    /// Every path the ticket decides about: (what, from, source, target, port).
    fn paths(&self) -> [(&'static str, &Netns, &'static str, &'static str, u16); 6] {
        [
            ("PCG to Palette SaaS on 443", &self.client, PCG, SAAS, 443),
            ("PCG to vCenter on 443", &self.client, PCG, VCENTER, 443),
            (
                "PCG to vCenter on 443 over IPv6",
                &self.client,
                PCG6,
                VCENTER6,
                443,
            ),
            (
                "PCG to Palette SaaS on 8443 (not in the ticket)",
                &self.client,
                PCG,
                SAAS,
                8443,
            ),
            (
                "PCG to vCenter on 8443 over IPv6 (not in the ticket)",
                &self.client,
                PCG6,
                VCENTER6,
                8443,
            ),
            (
                "Palette SaaS to the workload API on 6443 (optional)",
                &self.server,
                SAAS,
                PCG,
                6443,
            ),
        ]
    }
}

fn assert_reachability(lab: &Lab, optional: bool) {
    let expected = [true, true, true, false, false, optional];
    for ((what, ns, source, target, port), expected) in lab.paths().into_iter().zip(expected) {
        let mut connected = ns.connects(source, target, port);
        if expected && !connected {
            // A busy machine can miss the first second; a dropped SYN never answers at all.
            connected = ns.connects_within(source, target, port, 5);
        }
        assert_eq!(connected, expected, "{what}: connected = {connected}");
    }
}

/// `iptables-save` without counters and the generator's header, for comparing rulesets.
fn saved(ns: &Netns, command: &str) -> String {
    ns.run(&format!("{command}-save"))
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| match l.rfind(" [") {
            Some(i) if l.starts_with(':') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_iptables_script_opens_the_ticket_and_nothing_else_and_keeps_the_existing_firewall() {
    let dir = scratch("iptables");
    let answers = dual_stack_answers(&dir);
    let lab = Lab::new();
    // The router's own firewall: SSH to it allowed, everything forwarded dropped.
    for command in ["iptables", "ip6tables"] {
        lab.router.run(&format!(
            "{command} -A INPUT -p tcp --dport 22 -j ACCEPT && {command} -A FORWARD -j DROP"
        ));
    }
    assert!(
        !lab.client.connects(PCG, SAAS, 443),
        "the lab's firewall drops"
    );

    let script = dir.join("palette.sh");
    std::fs::write(&script, ticket(&answers, &["--format", "iptables"])).unwrap();
    // Addresses the ticket could not know are given the documented way: in the environment.
    let apply = format!(
        "VCENTER_DC1_EXAMPLE_COM={VCENTER},{VCENTER6} sh {}",
        script.display()
    );
    lab.router.run(&format!("{apply} --test"));
    let stderr = ok(
        lab.router
            .command("sh")
            .args(["-c", &format!("{apply} 2>&1 >/dev/null")])
            .output()
            .unwrap(),
        "apply",
    );
    assert!(
        stderr.contains("not written"),
        "the run names what it could not write: {stderr}"
    );
    assert_reachability(&lab, false);

    let (v4, v6) = (
        saved(&lab.router, "iptables"),
        saved(&lab.router, "ip6tables"),
    );
    for ruleset in [&v4, &v6] {
        assert!(
            ruleset.contains("-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT"),
            "{ruleset}"
        );
        assert!(ruleset.contains("-A FORWARD -j DROP"), "{ruleset}");
        let forward: Vec<&str> = ruleset
            .lines()
            .filter(|l| l.starts_with("-A FORWARD"))
            .collect();
        assert_eq!(
            forward,
            ["-A FORWARD -j PALETTE-PORTCHECK", "-A FORWARD -j DROP"],
            "the jump comes first, once"
        );
    }
    assert!(v6.contains("-s fd00:20::/64 -d fd00:99::10/128"), "{v6}");

    lab.router.run(&apply);
    assert_eq!(
        saved(&lab.router, "iptables"),
        v4,
        "applying twice equals applying once"
    );
    assert_eq!(saved(&lab.router, "ip6tables"), v6);

    // The optional flow only when asked for; the chain's old rules are replaced, not kept.
    std::fs::write(
        &script,
        ticket(&answers, &["--format", "iptables", "--include", "optional"]),
    )
    .unwrap();
    lab.router.run(&apply);
    assert_reachability(&lab, true);
}

#[test]
fn the_iptables_script_in_host_mode_guards_the_node_itself() {
    let dir = scratch("iptables-host");
    let answers = dual_stack_answers(&dir);
    let lab = Lab::new();
    // The server namespace plays the vCenter node: it drops what it was not told to accept.
    lab.server
        .run("iptables -A INPUT -p tcp --dport 22 -j ACCEPT && iptables -A INPUT -j DROP");
    let script = dir.join("palette.sh");
    std::fs::write(
        &script,
        ticket(&answers, &["--format", "iptables", "--mode", "host"]),
    )
    .unwrap();
    lab.server.run(&format!(
        "VCENTER_DC1_EXAMPLE_COM={VCENTER},{VCENTER6} sh {}",
        script.display()
    ));
    assert!(lab.client.connects_within(PCG, VCENTER, 443, 5));
    assert!(!lab.client.connects(PCG, VCENTER, 8443));
    let saved = saved(&lab.server, "iptables");
    assert!(saved.contains("-A INPUT -j PALETTE-PORTCHECK\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -j DROP"), "{saved}");
    assert!(saved.contains("-A OUTPUT -j PALETTE-PORTCHECK"), "{saved}");
    assert!(
        !saved.contains("-A FORWARD -j PALETTE-PORTCHECK"),
        "{saved}"
    );
}

#[test]
fn the_iptables_script_refuses_names_where_addresses_belong_and_changes_nothing() {
    let dir = scratch("iptables-bad");
    let lab = Lab::new();
    let script = dir.join("palette.sh");
    std::fs::write(
        &script,
        ticket(&example("saas-vsphere-pcg.json"), &["--format", "iptables"]),
    )
    .unwrap();
    for value in ["vcenter.dc1.example.com", "10.99.0.10 -j DROP", "$(reboot)"] {
        let out = lab
            .router
            .command("sh")
            .arg(&script)
            .env("VCENTER_DC1_EXAMPLE_COM", value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("address or CIDR in its plain form"),
            "{value}: {err}"
        );
        assert!(
            !saved(&lab.router, "iptables").contains("PALETTE-PORTCHECK"),
            "{value}"
        );
    }
}

/// Fills a named set the way the file's comment says: put the addresses in, remove the '#'.
fn fill_set(file: &str, set: &str, elements: &str) -> String {
    let start = file
        .rfind(&format!("set {set} {{\n"))
        .unwrap_or_else(|| panic!("no set {set}"));
    let at = start + file[start..].find("# elements = { }").unwrap();
    format!(
        "{}elements = {{ {elements} }}{}",
        &file[..at],
        &file[at + "# elements = { }".len()..]
    )
}

#[test]
fn the_nftables_file_loads_into_the_firewalls_table_and_reloads_to_the_same_ruleset() {
    let dir = scratch("nftables");
    let answers = dual_stack_answers(&dir);
    let lab = Lab::new();
    let firewall = dir.join("firewall.nft");
    std::fs::write(
        &firewall,
        "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp dport 22 accept\n\t}\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n}\n",
    )
    .unwrap();
    lab.router.run(&format!("nft -f {}", firewall.display()));
    assert!(
        !lab.client.connects(PCG, SAAS, 443),
        "the lab's firewall drops"
    );

    let text = ticket(&answers, &["--format", "nftables"]);
    let text = fill_set(&text, "palette_vcenter_dc1_example_com_v4", VCENTER);
    let text = fill_set(&text, "palette_vcenter_dc1_example_com_v6", VCENTER6);
    let file = dir.join("palette.nft");
    std::fs::write(&file, &text).unwrap();
    lab.router.run(&format!("nft -c -f {}", file.display()));
    lab.router.run(&format!("nft -f {}", file.display()));
    // Nothing opens before the firewall's chain jumps to the new one: the file says so.
    assert!(!lab.client.connects(PCG, SAAS, 443));
    lab.router
        .run("nft insert rule inet filter forward jump palette_portcheck");
    assert_reachability(&lab, false);

    let once = lab.router.run("nft list ruleset");
    assert!(once.contains("tcp dport 22 accept"), "{once}");
    assert!(once.contains("policy drop"), "{once}");
    lab.router.run(&format!("nft -f {}", file.display()));
    assert_eq!(
        lab.router.run("nft list ruleset"),
        once,
        "loading twice equals loading once"
    );

    std::fs::write(
        &file,
        fill_set(
            &fill_set(
                &ticket(&answers, &["--format", "nftables", "--include", "optional"]),
                "palette_vcenter_dc1_example_com_v4",
                VCENTER,
            ),
            "palette_vcenter_dc1_example_com_v6",
            VCENTER6,
        ),
    )
    .unwrap();
    lab.router.run(&format!("nft -f {}", file.display()));
    assert_reachability(&lab, true);
}

/// Host mode on the node itself, with the jumps the file's own header tells the reader to add:
/// a firewall that drops in both directions (as a hardened host does) lets the ticket's flows
/// through once both its input and output chains jump to the new chain, and nothing else.
#[test]
fn the_nftables_file_in_host_mode_guards_the_node_with_the_jumps_it_names() {
    let dir = scratch("nftables-host");
    let answers = dual_stack_answers(&dir);
    let lab = Lab::new();
    let firewall = dir.join("firewall.nft");
    std::fs::write(
        &firewall,
        "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport 22 accept\n\t}\n\tchain output {\n\t\ttype filter hook output priority filter; policy drop;\n\t}\n}\n",
    )
    .unwrap();
    lab.server.run(&format!("nft -f {}", firewall.display()));
    let text = ticket(&answers, &["--format", "nftables", "--mode", "host"]);
    let text = fill_set(&text, "palette_vcenter_dc1_example_com_v4", VCENTER);
    let text = fill_set(&text, "palette_vcenter_dc1_example_com_v6", VCENTER6);
    let file = dir.join("palette.nft");
    std::fs::write(&file, &text).unwrap();
    lab.server.run(&format!("nft -f {}", file.display()));
    assert!(
        !lab.client.connects(PCG, VCENTER, 443),
        "nothing opens before the jumps"
    );
    let jumps: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("#     "))
        .filter(|l| l.starts_with("nft insert rule"))
        .collect();
    assert_eq!(jumps.len(), 2, "{text}");
    for jump in jumps {
        lab.server.run(jump);
    }
    assert!(lab.client.connects_within(PCG, VCENTER, 443, 5));
    assert!(!lab.client.connects(PCG, VCENTER, 8443));
    let ruleset = lab.server.run("nft list ruleset");
    assert!(ruleset.contains("tcp dport 22 accept"), "{ruleset}");
}

#[test]
fn the_squid_allowlist_lets_the_proxied_names_through_and_refuses_the_rest() {
    let dir = scratch("squid");
    let ns = Netns::new("q");
    let allowlist = dir.join("palette.conf");
    // The PCG's addresses are not in these answers: the file names a list of its clients to
    // fill in, here with one address of the namespace.
    let pcg_clients = dir.join("pcg-clients.txt");
    std::fs::write(&pcg_clients, "10.30.0.5\n").unwrap();
    let text = ticket(
        &example("saas-eks-vsphere-ssl-bump.json"),
        &["--format", "squid"],
    );
    assert!(text.contains(
        "#   /etc/squid/palette-clients-pcg.txt: addresses of Private Cloud Gateway nodes\n"
    ));
    std::fs::write(
        &allowlist,
        text.replace(
            "/etc/squid/palette-clients-pcg.txt",
            pcg_clients.to_str().unwrap(),
        ),
    )
    .unwrap();
    // Clients: a workload node (10.20.0.0/16 in the answers), a PCG node, and a host that is
    // neither, each an address of the namespace; Squid listens on a fourth.
    const WORKLOAD: &str = "10.20.0.5";
    const PCG_NODE: &str = "10.30.0.5";
    const OTHER: &str = "192.0.2.9";
    ns.run("ip addr add 10.20.0.5/32 dev lo && ip addr add 10.30.0.5/32 dev lo && ip addr add 192.0.2.9/32 dev lo && ip addr add 10.99.0.1/32 dev lo");
    let names = [
        "registry.spectrocloud.com",
        "vmwaregoldenimage-console.s3.amazonaws.com",
        "api.spectrocloud.com",
        "evil.example",
    ];
    std::fs::write(
        dir.join("hosts"),
        names.map(|n| format!("127.0.0.1 {n}\n")).concat(),
    )
    .unwrap();
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let d = dir.display();
    // Debian's defaults around the include: only 443 for CONNECT, then the allowlist, then deny.
    std::fs::write(
        dir.join("squid.conf"),
        format!(
            "http_port 10.99.0.1:3128\npid_filename {d}/squid.pid\ncache_log {d}/cache.log\naccess_log none\ncache deny all\ncoredump_dir {d}\nshutdown_lifetime 0 seconds\npinger_enable off\nhosts_file {d}/hosts\ndns_nameservers 127.0.0.1\nacl SSL_ports port 443\nacl CONNECT method CONNECT\nhttp_access deny CONNECT !SSL_ports\ninclude {}\nhttp_access deny all\n",
            allowlist.display()
        ),
    )
    .unwrap();
    ns.run(&format!("squid -k parse -f {d}/squid.conf 2>&1"));
    let _servers = Servers(vec![
        ns.spawn("socat TCP-LISTEN:443,fork,reuseaddr OPEN:/dev/null"),
        ns.spawn(&format!("squid -N -f {d}/squid.conf")),
    ]);
    let connect = |from: &str, target: &str| -> String {
        let started = Instant::now();
        loop {
            let reply = ns
                .command("sh")
                .args([
                    "-c",
                    &format!("printf 'CONNECT {target} HTTP/1.1\\r\\nHost: {target}\\r\\n\\r\\n' | socat -t1 - TCP:10.99.0.1:3128,bind={from}"),
                ])
                .output()
                .unwrap();
            let status = String::from_utf8_lossy(&reply.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned();
            if !status.is_empty() || started.elapsed() > Duration::from_secs(20) {
                return status;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    };
    for (from, target, expected) in [
        (WORKLOAD, "registry.spectrocloud.com:443", "200"),
        (
            PCG_NODE,
            "vmwaregoldenimage-console.s3.amazonaws.com:443",
            "200",
        ),
        (PCG_NODE, "registry.spectrocloud.com:443", "200"),
        // Each flow's names for its own clients only: the golden images are the PCG's.
        (
            WORKLOAD,
            "vmwaregoldenimage-console.s3.amazonaws.com:443",
            "403",
        ),
        (OTHER, "registry.spectrocloud.com:443", "403"),
        // Not through the proxy in this set-up (NO_PROXY exempts it), so not in the allowlist.
        (WORKLOAD, "api.spectrocloud.com:443", "403"),
        (WORKLOAD, "evil.example:443", "403"),
        (WORKLOAD, "registry.spectrocloud.com:8443", "403"),
    ] {
        let status = connect(from, target);
        assert!(
            status.contains(&format!(" {expected} ")),
            "CONNECT {target} from {from}: {status}\n{}",
            std::fs::read_to_string(dir.join("cache.log")).unwrap_or_default()
        );
    }
}
