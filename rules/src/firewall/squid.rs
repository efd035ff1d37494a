use super::{clean, header, heading, left_out};
use crate::end::End;
use crate::ticket::{Direction, Ticket};

/// A Squid allowlist by name: per flow through the proxy, its destinations as `dstdomain` (or
/// `dst` for addresses) and its ports, allowed for CONNECT and plain requests. Without a proxy
/// in the answers it lists the flows that leave the network, for the proxy a site puts in.
pub fn squid(ticket: &Ticket) -> String {
    let proxied = ticket.proxy.is_some();
    let mut out = header(
        ticket,
        "#",
        "Check with: squid -k parse -f squid.conf (with this file included).",
    );
    out.push_str(
        "#
# Include it from squid.conf before the final `http_access deny all` (Debian's squid.conf
# includes /etc/squid/conf.d/*.conf at the right place), then `squid -k reconfigure`.
# It only allows: each flow's names on each flow's ports, to that flow's own clients (its
# source addresses), so no other client of the proxy gains a destination by it. Which
# clients may use the proxy for anything else stays with your own http_access rules.
",
    );
    if !proxied {
        out.push_str("# The answers name no outbound proxy: these are the flows that leave your network, for a\n# proxy you put in front of them.\n");
    }
    let mut extra_ssl_ports: Vec<String> = Vec::new();
    let mut source_files: Vec<(String, String)> = Vec::new();
    let mut body = String::new();
    let mut elsewhere = Vec::new();
    for rule in &ticket.rules {
        let Some(flow) = rule.flow.as_ref() else {
            continue;
        };
        let through_proxy = if proxied {
            flow.via_proxy
        } else {
            rule.direction == Direction::Outbound
        };
        if !through_proxy {
            elsewhere.push(rule);
            continue;
        }
        let acl = format!("palette_{}", rule.id.replace('-', "_"));
        let Destinations {
            domains,
            regexes,
            addresses,
            unknown,
        } = destinations(&flow.to.hosts);
        body.push('\n');
        body.push_str(&heading("", &rule.id, rule, &[]));
        if !unknown.is_empty() {
            body.push_str(&format!(
                "#   note: {} not in the answers yet: add its names to {acl}_dst\n",
                unknown.join(", ")
            ));
        }
        if domains.is_empty() && regexes.is_empty() && addresses.is_empty() {
            body.push_str("#   not written: no destination names or addresses yet\n");
            continue;
        }
        // The flow's clients: their addresses, or a file of them for the user to fill in (an
        // empty file allows nothing).
        let (known, file) = sources(&flow.from.hosts, flow.from.role.slug());
        if !known.is_empty() {
            body.push_str(&format!("acl {acl}_src src {}\n", known.join(" ")));
        }
        if let Some(file) = file {
            if !source_files.iter().any(|(f, _)| *f == file) {
                source_files.push((file.clone(), flow.from.label.clone()));
            }
            body.push_str(&format!("acl {acl}_src src \"{file}\"\n"));
        }
        let ports: Vec<String> = flow.ports.iter().map(|p| p.to_string()).collect();
        for port in flow.ports.iter().map(|p| p.to_string()) {
            if port != "443" && !extra_ssl_ports.contains(&port) {
                extra_ssl_ports.push(port);
            }
        }
        body.push_str(&format!("acl {acl}_port port {}\n", ports.join(" ")));
        if !domains.is_empty() {
            body.push_str(&format!("acl {acl}_dst dstdomain {}\n", domains.join(" ")));
            body.push_str(&format!(
                "http_access allow {acl}_src {acl}_dst {acl}_port\n"
            ));
        }
        if !regexes.is_empty() {
            body.push_str(&format!(
                "acl {acl}_pattern dstdom_regex -i {}\n",
                regexes.join(" ")
            ));
            body.push_str(&format!(
                "http_access allow {acl}_src {acl}_pattern {acl}_port\n"
            ));
        }
        if !addresses.is_empty() {
            body.push_str(&format!("acl {acl}_ip dst {}\n", addresses.join(" ")));
            body.push_str(&format!(
                "http_access allow {acl}_src {acl}_ip {acl}_port\n"
            ));
        }
    }
    if !extra_ssl_ports.is_empty() {
        out.push_str(&format!(
            "\n# Squid's default configuration refuses CONNECT to any port but 443 (`http_access deny\n# CONNECT !SSL_ports`); these flows need more, and an acl line adds to the acl of that name.\nacl SSL_ports port {}\n",
            extra_ssl_ports.join(" ")
        ));
    }
    if !source_files.is_empty() {
        out.push_str("\n# Clients not in the answers yet: create each file below (or change its path), one address or\n# CIDR per line, before loading this file. Until a file lists addresses, its flows allow no one.\n");
        for (file, label) in &source_files {
            out.push_str(&format!("#   {file}: addresses of {}\n", clean(label)));
        }
    }
    out.push_str(&body);
    if !elsewhere.is_empty() {
        out.push_str(&format!(
            "#\n# {}:\n",
            if proxied {
                "Not through the proxy (the address-based formats open them)"
            } else {
                "Inside your networks (the address-based formats open them)"
            }
        ));
        for rule in elsewhere {
            out.push_str(&format!("#   [{}] {}\n", rule.id, clean(&rule.purpose)));
        }
    }
    out.push_str(&left_out(ticket, "#", &[]));
    out
}

/// A flow's clients for a `src` acl: the addresses the answers give, and the file to fill in
/// when some are not known (placeholders, or names, which `src` cannot take).
fn sources(hosts: &[End], role: &str) -> (Vec<String>, Option<String>) {
    let known: Vec<String> = hosts
        .iter()
        .filter(|e| matches!(e, End::Ip(_) | End::Net(..)))
        .map(End::to_string)
        .collect();
    let unknown = hosts.is_empty() || known.len() < hosts.len();
    (
        known,
        unknown.then(|| format!("/etc/squid/palette-clients-{role}.txt")),
    )
}

/// Squid's forms of a flow's destinations: (dstdomain entries, dstdom_regex entries, dst
/// entries, placeholder labels). `*.d` is `.d` in dstdomain, which also covers the names under
/// it, so those are left out of the same list (Squid warns about a name inside a listed
/// domain); a `*` inside a name is one label, which only a regular expression can say.
fn destinations(hosts: &[End]) -> Destinations {
    let suffixes: Vec<&str> = hosts
        .iter()
        .filter_map(|e| match e {
            End::Wildcard(pattern) => pattern.strip_prefix("*."),
            _ => None,
        })
        .collect();
    let covered = |name: &str| {
        suffixes
            .iter()
            .any(|d| name == *d || name.ends_with(&format!(".{d}")))
    };
    let mut out = Destinations::default();
    for end in hosts {
        match end {
            End::Wildcard(pattern) => match pattern.strip_prefix("*.") {
                Some(domain) if !domain.contains('*') => out.domains.push(format!(".{domain}")),
                _ => {
                    let labels: Vec<&str> = pattern
                        .split('.')
                        .map(|l| if l == "*" { "[^.]+" } else { l })
                        .collect();
                    out.regexes.push(format!("^{}$", labels.join("\\.")));
                }
            },
            End::Name(name) if !covered(name) => out.domains.push(name.clone()),
            End::Name(_) => {}
            End::Ip(_) | End::Net(..) => out.addresses.push(end.to_string()),
            End::Placeholder(label) => out.unknown.push(label.clone()),
        }
    }
    out
}

#[derive(Default)]
struct Destinations {
    domains: Vec<String>,
    regexes: Vec<String>,
    addresses: Vec<String>,
    unknown: Vec<String>,
}
