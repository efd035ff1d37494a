//! The probe plan: the checks a probe running at one place (a role: the workload subnet, the PCG
//! subnet, an admin workstation) should run, derived from the checklist. It is the contract
//! between the app or CLI that writes it and the probe that runs it, and the probe's allowlist:
//! a probe only ever connects to targets its plan names.

use crate::answers::{Answers, ProxyKind};
pub use crate::check_kind::CheckKind;
use crate::checklist::{Checklist, Flow};
use crate::end::End;
use crate::endpoint::{parse_host, Host};
use crate::rule::Role;
use crate::target::never_a_palette_target;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Plan schema version. 2: the `http` check kind.
pub const PLAN_SCHEMA: u32 = 2;

/// Plans beyond this many checks are refused: a real deployment has a few dozen.
pub const MAX_CHECKS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Plan {
    pub schema: u32,
    /// Where the probe runs.
    pub from: Role,
    pub palette_version: String,
    /// The outbound proxy, without credentials (the probe takes those from its environment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_proxy: Vec<String>,
    pub checks: Vec<Check>,
    /// Flows that start here but cannot be checked by connecting, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Check {
    /// `flow@host:port`: unique within the plan; results are reported under it.
    pub id: String,
    /// The checklist flow this check proves; results merge back into the checklist by it.
    pub flow: String,
    pub host: String,
    pub port: u16,
    pub kind: CheckKind,
    /// Whether the connection must go through the proxy (NO_PROXY does not exempt it).
    pub via_proxy: bool,
    /// The destination is on the internet: its certificate must chain to a public CA, so one
    /// signed by a local CA means the connection is being inspected.
    #[serde(default)]
    pub public: bool,
    pub purpose: String,
    /// The check proves an optional flow: a fleet report never counts its failure as a
    /// required one. Absent: required (plans written before it were of required flows too).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Skipped {
    pub flow: String,
    pub reason: String,
}

/// Checks a plan read from outside (a file, a WebSocket message) before anything connects:
/// schema, size, well-formed unique targets, and ports the rule base knows or the user allowed.
/// Returns every problem at once.
pub fn validate(plan: &Plan, allowed_ports: &[u16]) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    if plan.schema != PLAN_SCHEMA {
        problems.push(format!(
            "plan schema {} is not supported; this probe reads schema {PLAN_SCHEMA}",
            plan.schema
        ));
    }
    if plan.checks.len() > MAX_CHECKS {
        problems.push(format!(
            "{} checks is more than the {MAX_CHECKS} a plan may hold",
            plan.checks.len()
        ));
    }
    if let Some(proxy) = &plan.proxy {
        problems.extend(proxy_problems(proxy, allowed_ports));
    }
    let known = rule_base_ports();
    let mut ids = std::collections::HashSet::new();
    for (i, check) in plan.checks.iter().enumerate().take(MAX_CHECKS) {
        let at = format!("checks[{i}]");
        if !ids.insert(check.id.as_str()) {
            problems.push(format!(
                "{at}: id '{}' is used twice",
                crate::endpoint::printable(&check.id)
            ));
        }
        match parse_host(&check.host) {
            Ok(host @ (Host::Name(_) | Host::Ip(_))) => {
                if let Some(why) = never_a_palette_target(&host) {
                    problems.push(format!("{at}: host {}: {why}", check.host));
                }
            }
            Ok(Host::Net(..)) => problems.push(format!(
                "{at}: host {} is a network, not a host",
                check.host
            )),
            Err(e) => problems.push(format!("{at}: host: {e}")),
        }
        if check.via_proxy && !check.kind.proxiable() {
            problems.push(format!(
                "{at}: a {} check cannot go through a proxy",
                check.kind.as_str()
            ));
        }
        if check.port == 0 {
            problems.push(format!("{at}: port 0 is not a usable port"));
        } else if !known.contains(&check.port) && !allowed_ports.contains(&check.port) {
            problems.push(format!(
                "{at}: port {} is not a port of Palette's rule base; allow it with --allow-port {} if it is yours (e.g. a vCenter on a custom port)",
                check.port, check.port
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The plan's proxy is a target like any other: an `http://` address (the probe speaks plain
/// HTTP to a proxy; what it tunnels stays TLS) with its port written out, on a port the person
/// running the probe allowed (`--allow-port`, or the proxy of its own `HTTPS_PROXY`). No rule
/// names a proxy's port, so a page cannot point the probe at any host and port it likes.
fn proxy_problems(proxy: &str, allowed_ports: &[u16]) -> Vec<String> {
    let endpoint = match crate::endpoint::parse_endpoint(proxy) {
        Ok(e) => e,
        Err(e) => return vec![format!("proxy: {e}")],
    };
    let mut problems = Vec::new();
    if let Some(why) = never_a_palette_target(&endpoint.host) {
        problems.push(format!("proxy: {why}"));
    }
    match endpoint.scheme.as_deref() {
        None | Some("http") => {}
        Some("https") => problems.push("proxy: an https:// proxy is not supported (the probe speaks to proxies in plain HTTP; what it tunnels stays TLS): give the proxy's http:// address".to_owned()),
        Some(other) => problems.push(format!("proxy: the scheme {other} is not an HTTP proxy's")),
    }
    match endpoint.port {
        None => problems.push(format!(
            "proxy: {} has no port: write it out, e.g. http://{}:3128",
            crate::endpoint::printable(proxy),
            endpoint.host
        )),
        Some(port) if !allowed_ports.contains(&port) => problems.push(format!(
            "proxy: port {port} is not allowed: start the probe with --allow-port {port}, or with HTTPS_PROXY set to this proxy"
        )),
        Some(_) => {}
    }
    problems
}

/// Every single port named by a rule (ranges are not probed).
fn rule_base_ports() -> Vec<u16> {
    let mut ports: Vec<u16> = crate::catalog()
        .map(|c| {
            c.rules
                .iter()
                .flat_map(|r| {
                    r.ports
                        .iter()
                        .filter(|p| p.first == p.last)
                        .map(|p| p.first)
                })
                .collect()
        })
        .unwrap_or_default();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// How one planned HTTP(S) connection is routed under a NO_PROXY list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Route {
    pub id: String,
    pub via_proxy: bool,
    /// Why this routing looks wrong, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concern: Option<String>,
}

/// Which of the plan's checks a proxy can carry (TLS, gRPC, HTTP) go through it under
/// `no_proxy` (Go's rules, as Palette's agents apply them), and which of those look wrong: an
/// internal destination sent to the proxy, or an internet one sent around it. Plain TCP checks
/// are never proxied (`validate` refuses one marked so). Empty when the plan has no proxy.
pub fn routes(plan: &Plan, no_proxy: &crate::no_proxy::NoProxy) -> Vec<Route> {
    if plan.proxy.is_none() {
        return Vec::new();
    }
    plan.checks
        .iter()
        .filter(|c| c.kind.proxiable())
        .map(|c| {
            let via_proxy = parse_host(&c.host).map_or(true, |h| !no_proxy.bypasses(&h, c.port));
            let concern = match (via_proxy, c.public) {
                (true, false) => Some(format!(
                    "{} is in your network, but goes to the proxy, which usually cannot reach it: add it to NO_PROXY",
                    c.host
                )),
                (false, true) => Some(format!(
                    "{} is on the internet, but NO_PROXY sends it around the proxy: it needs direct egress",
                    c.host
                )),
                _ => None,
            };
            Route {
                id: c.id.clone(),
                via_proxy,
                concern,
            }
        })
        .collect()
}

/// The roles that open connections in this checklist: where a probe can usefully run.
pub fn sources(checklist: &Checklist) -> Vec<Role> {
    let mut roles: Vec<Role> = Vec::new();
    for f in &checklist.flows {
        if !roles.contains(&f.from.role) {
            roles.push(f.from.role);
        }
    }
    roles
}

/// The plan for a probe running at `from`. Deprecated flows are not checked: nothing needs them.
pub fn plan(checklist: &Checklist, answers: &Answers, from: Role) -> Plan {
    let proxy = (answers.proxy.kind != ProxyKind::None).then_some(answers.proxy.url.as_str());
    let no_proxy = &answers.proxy.no_proxy;
    let mut checks = Vec::new();
    let mut skipped = Vec::new();
    let flows = checklist
        .flows
        .iter()
        .filter(|f| f.from.role == from && f.level != crate::Level::Deprecated);
    for flow in flows {
        match targets(flow) {
            Ok((kind, targets)) => {
                for (host, port) in targets {
                    checks.push(Check {
                        id: format!("{}@{}", flow.id, authority(&host, port)),
                        flow: flow.id.clone(),
                        host,
                        port,
                        kind,
                        via_proxy: flow.via_proxy,
                        public: flow.to.role.outside(answers.deployment, answers.registry),
                        purpose: flow.purpose.clone(),
                        optional: flow.level == crate::Level::Optional,
                    });
                }
            }
            Err(reason) => skipped.push(Skipped {
                flow: flow.id.clone(),
                reason,
            }),
        }
    }
    checks.truncate(MAX_CHECKS);
    Plan {
        schema: PLAN_SCHEMA,
        from,
        palette_version: checklist.palette_version.clone(),
        proxy: proxy.map(str::to_owned),
        no_proxy: no_proxy.to_vec(),
        checks,
        skipped,
    }
}

/// `host:port`, with an IPv6 host in brackets: the form of check ids, CONNECT lines and URLs.
fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

impl Check {
    /// The target as `host:port` (`[v6]:port`).
    pub fn authority(&self) -> String {
        authority(&self.host, self.port)
    }
}

/// How and where a probe can connect, or why the flow cannot be checked that way.
fn targets(flow: &Flow) -> Result<(CheckKind, Vec<(String, u16)>), String> {
    let Some(kind) = flow.check else {
        return Err(format!(
            "{} cannot be checked by opening a connection",
            flow.transport.as_str().to_uppercase()
        ));
    };
    if flow.to.is_placeholder() {
        return Err(format!("no addresses entered for {}", flow.to.label));
    }
    let ports: Vec<u16> = flow
        .ports
        .iter()
        .filter(|p| p.first == p.last)
        .map(|p| p.first)
        .collect();
    if ports.is_empty() {
        return Err("a port range: check single ports of it by hand".to_owned());
    }
    let mut out = Vec::new();
    let mut unusable = Vec::new();
    for end in &flow.to.hosts {
        match end {
            End::Name(name) => out.extend(ports.iter().map(|p| (name.clone(), *p))),
            End::Ip(ip) => out.extend(ports.iter().map(|p| (ip.to_string(), *p))),
            End::Net(IpAddr::V4(ip), 32) => out.extend(ports.iter().map(|p| (ip.to_string(), *p))),
            End::Net(IpAddr::V6(ip), 128) => out.extend(ports.iter().map(|p| (ip.to_string(), *p))),
            _ => unusable.push(end.to_string()),
        }
    }
    if out.is_empty() {
        return Err(format!(
            "the destination is a network or a wildcard ({}); enter a host of it to check",
            unusable.join(", ")
        ));
    }
    Ok((kind, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::{Answers, Infrastructure, ProxyKind};
    use crate::evaluate;

    fn vsphere_answers() -> Answers {
        let mut a = Answers::default();
        a.infrastructure = vec![Infrastructure::Vsphere];
        a.endpoints.infrastructure_api = "https://vcenter.example.com:9443".into();
        a.endpoints.workload_nodes = vec!["10.20.0.0/16".into()];
        a
    }

    fn vsphere() -> Checklist {
        evaluate(&vsphere_answers()).unwrap()
    }

    /// Checks carry their flow's level, so a fleet report counts only required failures as
    /// required; plans written before the field read as required.
    #[test]
    fn checks_of_optional_flows_say_so() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/self-hosted-airgap.json"
        );
        let answers: Answers =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let c = evaluate(&answers).unwrap();
        let p = plan(&c, &answers, Role::ManagementPlane);
        assert!(p.checks.iter().any(|ch| ch.optional));
        for ch in &p.checks {
            let level = c.flow(&ch.flow).unwrap().level;
            assert_eq!(ch.optional, level == crate::Level::Optional, "{}", ch.id);
        }
        let old: Check = serde_json::from_value(serde_json::json!({"id": "a@h:443", "flow": "a",
            "host": "h", "port": 443, "kind": "tls", "via-proxy": false, "purpose": "p"}))
        .unwrap();
        assert!(!old.optional);
        assert!(!serde_json::to_string(&old).unwrap().contains("optional"));
    }

    #[test]
    fn a_plan_checks_the_flows_that_start_where_the_probe_runs() {
        let c = vsphere();
        let p = plan(&c, &vsphere_answers(), Role::Pcg);
        assert!(p
            .checks
            .iter()
            .all(|ch| c.flow(&ch.flow).unwrap().from.role == Role::Pcg));
        let palette = p
            .checks
            .iter()
            .find(|ch| ch.id == "pcg-palette@api.spectrocloud.com:443")
            .unwrap();
        assert_eq!(palette.kind, CheckKind::Grpc);
        assert!(palette.public, "Palette SaaS is on the internet");
        let vcenter = p
            .checks
            .iter()
            .find(|ch| ch.flow == "pcg-infra-api")
            .unwrap();
        assert!(!vcenter.public, "vCenter is in the user's network");
        assert_eq!(
            (vcenter.host.as_str(), vcenter.port, vcenter.kind),
            ("vcenter.example.com", 9443, CheckKind::Tls)
        );
        // DNS and NTP are UDP; the workload API is a network: both are explained, not dropped.
        let skipped: Vec<&str> = p.skipped.iter().map(|s| s.flow.as_str()).collect();
        assert!(
            skipped.contains(&"pcg-dns") && skipped.contains(&"pcg-workload-api"),
            "{skipped:?}"
        );
        assert!(p
            .skipped
            .iter()
            .find(|s| s.flow == "pcg-workload-api")
            .unwrap()
            .reason
            .contains("network"));
    }

    #[test]
    fn ids_are_unique_and_deprecated_flows_are_left_out() {
        let c = vsphere();
        for role in sources(&c) {
            let p = plan(&c, &vsphere_answers(), role);
            let mut ids = std::collections::HashSet::new();
            for ch in &p.checks {
                assert!(ids.insert(ch.id.clone()), "{}", ch.id);
                assert_ne!(ch.flow, "workload-palette-nats");
            }
        }
    }

    #[test]
    fn check_kinds_print_as_plan_files_spell_them() {
        for kind in [
            CheckKind::Tcp,
            CheckKind::Tls,
            CheckKind::Grpc,
            CheckKind::Http,
        ] {
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
    }

    #[test]
    fn validation_names_every_problem() {
        let c = vsphere();
        let mut p = plan(&c, &vsphere_answers(), Role::Pcg);
        let at = p.checks.iter().position(|ch| ch.port == 9443).unwrap();
        assert_eq!(
            validate(&p, &[]).unwrap_err(),
            vec![format!("checks[{at}]: port 9443 is not a port of Palette's rule base; allow it with --allow-port 9443 if it is yours (e.g. a vCenter on a custom port)")]
        );
        assert!(validate(&p, &[9443]).is_ok());
        p.schema = 9;
        p.checks[0].host = "10.0.0.0/8".into();
        p.checks[1].port = 0;
        p.checks[2].id = p.checks[3].id.clone();
        p.checks[3].host = "bad_host".into();
        p.checks[4].kind = CheckKind::Tcp;
        p.checks[4].via_proxy = true;
        let problems = validate(&p, &[9443]).unwrap_err();
        assert_eq!(problems.len(), 6, "{problems:#?}");
        assert!(
            problems[5].ends_with("a tcp check cannot go through a proxy"),
            "{problems:#?}"
        );
        assert!(problems[0].contains("schema 9"));
    }

    /// #15 points 2 and 12: the plan's proxy is validated, needs its port and an allowed one,
    /// and is never an https:// proxy spoken to in the clear.
    #[test]
    fn the_plans_proxy_is_a_target_like_any_other() {
        let with_proxy = |proxy: &str| Plan {
            schema: PLAN_SCHEMA,
            from: Role::Pcg,
            palette_version: "4.10.0".into(),
            proxy: Some(proxy.into()),
            no_proxy: Vec::new(),
            checks: Vec::new(),
            skipped: Vec::new(),
        };
        assert!(validate(&with_proxy("http://proxy.corp:3128"), &[3128]).is_ok());
        assert!(validate(&with_proxy("proxy.corp:3128"), &[3128]).is_ok());
        let cases = [
            ("http://proxy.corp:3128", "proxy: port 3128 is not allowed: start the probe with --allow-port 3128, or with HTTPS_PROXY set to this proxy"),
            ("http://proxy.corp", "proxy: http://proxy.corp has no port: write it out, e.g. http://proxy.corp:3128"),
        ];
        for (proxy, problem) in cases {
            assert_eq!(
                validate(&with_proxy(proxy), &[]).unwrap_err(),
                vec![problem],
                "{proxy}"
            );
        }
        let https = validate(&with_proxy("https://proxy.corp:3128"), &[3128]).unwrap_err();
        assert!(
            https[0].contains("https:// proxy is not supported"),
            "{https:?}"
        );
    }

    /// #15 point 5: targets no Palette flow needs are refused before anyone is asked, whatever
    /// spelling hides them.
    #[test]
    fn hosts_no_palette_flow_needs_are_refused() {
        let c = vsphere();
        let mut p = plan(&c, &vsphere_answers(), Role::Pcg);
        p.checks.truncate(1);
        for host in [
            "169.254.169.254",
            "::ffff:169.254.169.254",
            "metadata.google.internal",
            "Metadata.Google.Internal.",
            "0.0.0.0",
            "::",
            "255.255.255.255",
            "224.0.0.1",
            "ff02::1",
            "fe80::1",
        ] {
            p.checks[0].host = host.into();
            let problems = validate(&p, &[]).unwrap_err();
            assert_eq!(problems.len(), 1, "{host}: {problems:?}");
            assert!(
                problems[0].starts_with(&format!("checks[0]: host {host}: ")),
                "{problems:?}"
            );
        }
        for host in ["0x7f.1", "0x7f000001", "2130706433", "127.1"] {
            p.checks[0].host = host.into();
            let problems = validate(&p, &[]).unwrap_err();
            assert!(problems[0].contains("host: "), "{host}: {problems:?}");
        }
        for host in ["127.0.0.1", "10.0.0.1", "vcenter.corp.example", "fd00::1"] {
            p.checks[0].host = host.into();
            assert!(validate(&p, &[]).is_ok(), "{host}");
        }
    }

    #[test]
    fn proxied_checks_are_marked_and_the_plan_round_trips() {
        let mut a = Answers::default();
        a.infrastructure = vec![Infrastructure::Aws];
        a.proxy.kind = ProxyKind::Connect;
        a.proxy.url = "http://proxy.example.com:3128".into();
        a.endpoints.workload_nodes = vec!["10.0.0.0/8".into()];
        let c = evaluate(&a).unwrap();
        let p = plan(&c, &a, Role::Workload);
        assert_eq!(p.proxy.as_deref(), Some("http://proxy.example.com:3128"));
        assert!(p.checks.iter().any(|ch| ch.via_proxy));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), p);
    }

    #[test]
    fn routes_follow_no_proxy_and_flag_what_looks_wrong() {
        let mut a = vsphere_answers();
        a.proxy.kind = ProxyKind::Connect;
        a.proxy.url = "http://proxy.example.com:3128".into();
        let c = evaluate(&a).unwrap();
        let p = plan(&c, &a, Role::Pcg);
        let parse = |entries: &[&str]| {
            crate::no_proxy::NoProxy::parse(
                &entries.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            )
            .unwrap()
        };
        let route =
            |routes: &[Route], id: &str| routes.iter().find(|r| r.id == id).cloned().unwrap();
        let vcenter = "pcg-infra-api@vcenter.example.com:9443";
        let saas = "pcg-palette@api.spectrocloud.com:443";

        // Nothing exempted: vCenter would be sent to an internet proxy.
        let none = routes(&p, &parse(&[]));
        assert!(route(&none, vcenter).via_proxy);
        assert!(route(&none, vcenter)
            .concern
            .unwrap()
            .contains("add it to NO_PROXY"));
        assert_eq!(route(&none, saas).concern, None);

        // Too wide: the whole of spectrocloud.com goes around the proxy.
        let wide = routes(&p, &parse(&["example.com", ".spectrocloud.com"]));
        assert_eq!(
            route(&wide, vcenter),
            Route {
                id: vcenter.into(),
                via_proxy: false,
                concern: None
            }
        );
        assert!(route(&wide, saas)
            .concern
            .unwrap()
            .contains("direct egress"));

        // No proxy, nothing to route.
        let mut direct = p.clone();
        direct.proxy = None;
        assert!(routes(&direct, &parse(&[])).is_empty());
    }
}
