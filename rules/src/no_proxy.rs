//! NO_PROXY as Palette's agents read it. They are Go programs, so this follows Go's
//! `golang.org/x/net/http/httpproxy` rules: `*` matches everything; `corp.com` matches the name
//! and its subdomains; `.corp.com` and `*.corp.com` match subdomains only; IPs and CIDRs match
//! IP literals (names are never resolved); an entry with `:port` matches that port only.

use crate::endpoint::{net_contains, parse_host, parse_port, printable, Host};
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoProxy {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    All,
    /// Matches the name itself and its subdomains.
    Domain {
        name: String,
        port: Option<u16>,
    },
    /// Matches subdomains only (written with a leading `.` or `*.`).
    Subdomains {
        name: String,
        port: Option<u16>,
    },
    Ip {
        ip: IpAddr,
        port: Option<u16>,
    },
    Net {
        net: IpAddr,
        bits: u8,
    },
}

impl NoProxy {
    /// Parses the entries; errors come back with the index of the bad entry.
    pub fn parse(entries: &[String]) -> Result<NoProxy, Vec<(usize, String)>> {
        let mut parsed = Vec::new();
        let mut errors = Vec::new();
        for (i, raw) in entries.iter().enumerate() {
            match parse_entry(raw.trim()) {
                Ok(e) => parsed.push(e),
                Err(e) => errors.push((i, e)),
            }
        }
        if errors.is_empty() {
            Ok(NoProxy { entries: parsed })
        } else {
            Err(errors)
        }
    }

    /// Whether a connection to `host:port` skips the proxy.
    pub fn bypasses(&self, host: &Host, port: u16) -> bool {
        self.entries.iter().any(|e| e.matches(host, port))
    }
}

fn parse_entry(raw: &str) -> Result<Entry, String> {
    if raw == "*" {
        return Ok(Entry::All);
    }
    if raw.is_empty() {
        return Err("empty entry (two commas in a row?)".to_owned());
    }
    let (subdomains, rest) = if let Some(r) = raw.strip_prefix("*.") {
        (true, r)
    } else if let Some(r) = raw.strip_prefix('.') {
        (true, r)
    } else {
        (false, raw)
    };
    let (host_text, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.ends_with(']') => (
            h.trim_start_matches('[').trim_end_matches(']'),
            Some(parse_port(p)?),
        ),
        _ => (rest, None),
    };
    let host = parse_host(host_text)?;
    match host {
        Host::Name(name) if subdomains => Ok(Entry::Subdomains { name, port }),
        Host::Name(name) => Ok(Entry::Domain { name, port }),
        _ if subdomains => Err(format!(
            "NO_PROXY entry '{}': a leading '.' or '*.' only makes sense before a domain",
            printable(raw)
        )),
        Host::Ip(ip) => Ok(Entry::Ip { ip, port }),
        Host::Net(net, bits) if port.is_none() => Ok(Entry::Net { net, bits }),
        Host::Net(..) => Err(format!(
            "NO_PROXY entry '{}': a CIDR cannot have a port",
            printable(raw)
        )),
    }
}

impl Entry {
    fn matches(&self, host: &Host, port: u16) -> bool {
        let port_ok = |p: &Option<u16>| p.is_none_or(|p| p == port);
        match (self, host) {
            (Entry::All, _) => true,
            (Entry::Domain { name, port: p }, Host::Name(h)) => {
                port_ok(p) && (h == name || is_subdomain(h, name))
            }
            (Entry::Subdomains { name, port: p }, Host::Name(h)) => {
                port_ok(p) && is_subdomain(h, name)
            }
            (Entry::Ip { ip, port: p }, Host::Ip(h)) => port_ok(p) && ip == h,
            (Entry::Net { net, bits }, Host::Ip(h)) => net_contains(*net, *bits, *h),
            // A destination network bypasses when a NO_PROXY network covers all of it.
            (Entry::Net { net, bits }, Host::Net(n, b)) => {
                b >= bits && net_contains(*net, *bits, *n)
            }
            _ => false,
        }
    }
}

fn is_subdomain(host: &str, domain: &str) -> bool {
    host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn np(entries: &[&str]) -> NoProxy {
        NoProxy::parse(&entries.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn host(s: &str) -> Host {
        parse_host(s).unwrap()
    }

    #[test]
    fn domains_match_themselves_and_subdomains() {
        let n = np(&["corp.local"]);
        assert!(n.bypasses(&host("corp.local"), 443));
        assert!(n.bypasses(&host("vcenter.corp.local"), 443));
        assert!(!n.bypasses(&host("notcorp.local"), 443));
    }

    #[test]
    fn leading_dot_and_star_match_subdomains_only() {
        for entry in [".corp.local", "*.corp.local"] {
            let n = np(&[entry]);
            assert!(n.bypasses(&host("vcenter.corp.local"), 443), "{entry}");
            assert!(!n.bypasses(&host("corp.local"), 443), "{entry}");
        }
    }

    #[test]
    fn ips_cidrs_and_ports() {
        let n = np(&["10.0.0.0/8", "192.168.1.5", "registry.corp:5000"]);
        assert!(n.bypasses(&host("10.20.30.40"), 443));
        assert!(n.bypasses(&host("10.1.0.0/16"), 443));
        assert!(!n.bypasses(&host("0.0.0.0/0"), 443));
        assert!(n.bypasses(&host("192.168.1.5"), 6443));
        assert!(!n.bypasses(&host("192.168.1.6"), 6443));
        assert!(n.bypasses(&host("registry.corp"), 5000));
        assert!(!n.bypasses(&host("registry.corp"), 443));
        // Names are not resolved: a name never matches a CIDR.
        assert!(!n.bypasses(&host("vcenter.corp"), 443));
    }

    #[test]
    fn star_matches_everything() {
        assert!(np(&["*"]).bypasses(&host("api.spectrocloud.com"), 443));
    }

    #[test]
    fn bad_entries_are_reported_by_index() {
        let entries: Vec<String> = ["ok.corp", "10.0.0.0/33", ".10.0.0.1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let errors = NoProxy::parse(&entries).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].0, 1);
        assert!(errors[0].1.contains("prefix length 33"), "{}", errors[0].1);
        assert_eq!(errors[1].0, 2);
        assert!(
            errors[1].1.contains("only makes sense before a domain"),
            "{}",
            errors[1].1
        );
    }
}
