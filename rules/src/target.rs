//! A plan's targets as the person who must allow them sees them: which classes no Palette flow
//! ever needs (refused before anyone is asked), which deserve a second look (this machine, a
//! private network, a port the flow's rule does not name), and each host written so it can be
//! judged: numeric and mapped forms as the address they are, international names in Unicode
//! beside the punycode that is really resolved, long names cut in the middle so the registrable
//! domain at the end always shows. The probe's terminal question, its reports and the fuzz
//! target `target_display` all use these; nothing else decides them.

use crate::endpoint::{parse_host, printable, Host};
use std::net::IpAddr;

/// Why no Palette flow ever goes to this host, if none does: addresses that are not one host
/// (unspecified, multicast, broadcast), link-local addresses and the cloud metadata services
/// (credentials of the machine the probe runs on), IPv4-mapped IPv6 judged as the IPv4 it is.
/// A plan that names one was not made from Palette's rules; the probe refuses it before anyone
/// is asked.
pub fn never_a_palette_target(host: &Host) -> Option<&'static str> {
    const METADATA_NAMES: [&str; 4] = [
        "metadata.google.internal",
        "metadata",
        "instance-data",
        "metadata.azure.internal",
    ];
    // Metadata services outside link-local space: Alibaba Cloud's, and AWS's IPv6 one.
    const METADATA_ADDRESSES: [IpAddr; 2] = [
        IpAddr::V4(std::net::Ipv4Addr::new(100, 100, 100, 200)),
        IpAddr::V6(std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
    ];
    match host {
        Host::Name(name) => METADATA_NAMES
            .contains(&name.as_str())
            .then_some("a cloud metadata service is never a Palette destination"),
        Host::Ip(ip) if METADATA_ADDRESSES.contains(&ip.to_canonical()) => {
            Some("a cloud metadata service is never a Palette destination")
        }
        Host::Ip(ip) => match ip.to_canonical() {
            IpAddr::V4(v4) if v4.is_unspecified() => Some("the unspecified address is not a host"),
            IpAddr::V4(v4) if v4.is_broadcast() => Some("a broadcast address is not a host"),
            IpAddr::V4(v4) if v4.is_multicast() => Some("a multicast address is not a host"),
            IpAddr::V4(v4) if v4.is_link_local() => Some(
                "link-local addresses (169.254.0.0/16, where cloud metadata services answer) are never Palette destinations",
            ),
            IpAddr::V6(v6) if v6.is_unspecified() => Some("the unspecified address is not a host"),
            IpAddr::V6(v6) if v6.is_multicast() => Some("a multicast address is not a host"),
            IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80 => {
                Some("link-local addresses (fe80::/10) are never Palette destinations")
            }
            _ => None,
        },
        Host::Net(..) => None,
    }
}

/// Targets a Palette flow may need but a person should see for what they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A public address or any name not below: judged by the flow it serves.
    Ordinary,
    /// Loopback: services of the machine the probe runs on, which no flow reaches from there.
    ThisMachine,
    /// RFC 1918, shared address space (100.64.0.0/10) or IPv6 unique local: inside a network.
    Private,
}

impl Class {
    /// The mark the terminal question puts beside such a target.
    pub fn mark(self) -> Option<&'static str> {
        match self {
            Class::Ordinary => None,
            Class::ThisMachine => Some("THIS MACHINE"),
            Class::Private => Some("PRIVATE NETWORK"),
        }
    }
}

pub fn class(host: &Host) -> Class {
    match host {
        Host::Name(name) if name == "localhost" || name.ends_with(".localhost") => {
            Class::ThisMachine
        }
        Host::Ip(ip) => match ip.to_canonical() {
            IpAddr::V4(v4) if v4.is_loopback() => Class::ThisMachine,
            IpAddr::V4(v4) if v4.is_private() => Class::Private,
            IpAddr::V4(v4) if v4.octets()[0] == 100 && v4.octets()[1] & 0xc0 == 64 => {
                Class::Private
            }
            IpAddr::V6(v6) if v6.is_loopback() => Class::ThisMachine,
            IpAddr::V6(v6) if v6.segments()[0] & 0xfe00 == 0xfc00 => Class::Private,
            _ => Class::Ordinary,
        },
        _ => Class::Ordinary,
    }
}

/// Names longer than this are cut in the middle when shown.
pub const MAX_SHOWN: usize = 80;

/// The host as the person should judge it, one line of plain text with nothing a terminal
/// interprets: an IPv4-mapped IPv6 address as its IPv4 (with what was written), a name with
/// international labels in Unicode and punycode, a long name cut in the middle with its last
/// two labels (the registrable domain, for all but multi-part suffixes) always whole.
pub fn shown(host: &str) -> String {
    match parse_host(host) {
        Ok(Host::Ip(ip)) if ip.to_canonical() != ip => {
            format!("{} (written {ip})", ip.to_canonical())
        }
        Ok(Host::Ip(ip)) => ip.to_string(),
        Ok(Host::Name(name)) => {
            let ascii = cut_middle(&name);
            let has_idn = name.split('.').any(|l| l.starts_with("xn--"));
            match idna::domain_to_unicode(&name) {
                // Characters a terminal would not show as themselves (found by the fuzz target:
                // unassigned code points) make no readable name: the punycode alone is honest.
                (unicode, Ok(())) if has_idn && printable(&unicode) != unicode => {
                    format!("{ascii} (an international name with unprintable characters)")
                }
                (unicode, Ok(())) if has_idn && unicode != name => {
                    format!("{} ({ascii})", cut_middle(&unicode))
                }
                _ => ascii,
            }
        }
        _ => printable(host),
    }
}

/// `name` cut to about `MAX_SHOWN` characters by dropping characters from its middle, never
/// from its last two labels.
fn cut_middle(name: &str) -> String {
    let chars = name.chars().count();
    if chars <= MAX_SHOWN {
        return name.to_owned();
    }
    // Where the last two labels start, or three when the second-last is a short second-level
    // suffix (`example.co.uk`): the registrable domain stays whole (the whole name when it has
    // fewer labels).
    let dots: Vec<usize> = name
        .char_indices()
        .filter(|(_, c)| *c == '.')
        .map(|(i, _)| i)
        .rev()
        .collect();
    let second_last = match dots.as_slice() {
        [last, before, ..] => &name[before + 1..*last],
        [last] => &name[..*last],
        [] => name,
    };
    let labels = if second_last.len() <= 3 { 2 } else { 1 };
    let tail_start = dots.get(labels).map_or(0, |&i| i);
    let tail = &name[tail_start..];
    let head_chars = MAX_SHOWN.saturating_sub(tail.chars().count() + 1).max(8);
    if head_chars >= name[..tail_start].chars().count() {
        return name.to_owned();
    }
    let head: String = name.chars().take(head_chars).collect();
    format!("{head}…{tail}")
}

/// `host:port` as shown (`shown`), an IPv6 address in brackets; a mapped address as the IPv4
/// it is, with what was written after it.
pub fn shown_authority(host: &str, port: u16) -> String {
    match parse_host(host) {
        Ok(Host::Ip(ip)) if ip.to_canonical() != ip => {
            format!("{}:{port} (written [{ip}]:{port})", ip.to_canonical())
        }
        Ok(Host::Ip(std::net::IpAddr::V6(v6))) => format!("[{v6}]:{port}"),
        _ => format!("{}:{port}", shown(host)),
    }
}

/// How a check's port relates to the rule of the flow it claims to prove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortFit {
    InRule,
    /// The rule names other ports (shown as the rule writes them).
    OutsideRule(String),
    /// No rule of this rule base has that id: the plan was not made from it.
    UnknownFlow,
}

pub fn port_fit(flow: &str, port: u16) -> PortFit {
    let Some(rule) = crate::catalog().ok().and_then(|c| c.rule(flow)) else {
        return PortFit::UnknownFlow;
    };
    if rule.ports.iter().any(|p| p.contains(port)) {
        PortFit::InRule
    } else {
        let ports: Vec<String> = rule.ports.iter().map(ToString::to_string).collect();
        PortFit::OutsideRule(ports.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(text: &str) -> Host {
        parse_host(text).unwrap()
    }

    #[test]
    fn classes_follow_the_address_not_its_spelling() {
        for (text, expected) in [
            ("127.0.0.1", Class::ThisMachine),
            ("127.3.4.5", Class::ThisMachine),
            ("::1", Class::ThisMachine),
            ("::ffff:127.0.0.1", Class::ThisMachine),
            ("localhost", Class::ThisMachine),
            ("db.localhost", Class::ThisMachine),
            ("10.0.0.1", Class::Private),
            ("172.31.255.1", Class::Private),
            ("192.168.1.1", Class::Private),
            ("::ffff:192.168.1.1", Class::Private),
            ("100.64.0.1", Class::Private),
            ("fd00::1", Class::Private),
            ("100.128.0.1", Class::Ordinary),
            ("172.32.0.1", Class::Ordinary),
            ("8.8.8.8", Class::Ordinary),
            ("2001:db8::1", Class::Ordinary),
            ("vcenter.corp", Class::Ordinary),
        ] {
            assert_eq!(class(&host(text)), expected, "{text}");
        }
    }

    #[test]
    fn classes_no_flow_needs_are_refused() {
        for text in [
            "0.0.0.0",
            "::",
            "::ffff:0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "ff02::1",
            "169.254.169.254",
            "::ffff:169.254.169.254",
            "fe80::1",
            "metadata.google.internal",
            "metadata",
            "100.100.100.200",
            "fd00:ec2::254",
        ] {
            assert!(never_a_palette_target(&host(text)).is_some(), "{text}");
        }
        for text in ["10.0.0.1", "127.0.0.1", "api.spectrocloud.com"] {
            assert!(never_a_palette_target(&host(text)).is_none(), "{text}");
        }
    }

    #[test]
    fn hosts_are_shown_as_what_they_reach() {
        assert_eq!(
            shown("::ffff:127.0.0.1"),
            "127.0.0.1 (written ::ffff:127.0.0.1)"
        );
        assert_eq!(shown("10.0.0.5"), "10.0.0.5");
        assert_eq!(shown("VCenter.Corp."), "vcenter.corp");
        assert_eq!(
            shown("xn--bcher-kva.example"),
            "bücher.example (xn--bcher-kva.example)"
        );
        // A Cyrillic look-alike of "apple.com": the punycode says it is not.
        assert_eq!(
            shown("xn--80ak6aa92e.com"),
            "аррӏе.com (xn--80ak6aa92e.com)"
        );
        // Unassigned code points (the fuzz target's find): not shown as a name.
        assert_eq!(
            shown("xn--n-4g6n36xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaagafffi"),
            "xn--n-4g6n36xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaagafffi (an international name with unprintable characters)"
        );
        // A punycode label that does not decode is shown as written.
        assert_eq!(shown("xn--zz.example"), "xn--zz.example");
    }

    #[test]
    fn long_names_keep_their_registrable_domain() {
        let long = format!(
            "{}.evil.example",
            "a".repeat(60) + "." + &"b".repeat(60) + "." + &"c".repeat(60)
        );
        let s = shown(&long);
        assert!(s.ends_with(".evil.example"), "{s}");
        assert!(s.contains('…'), "{s}");
        assert!(s.chars().count() <= MAX_SHOWN + 1, "{s}");
        // Two labels of 63 are shown whole, however long.
        let tail = format!("{}.{}", "d".repeat(63), "e".repeat(63));
        let s = shown(&format!("{}.{tail}", "f".repeat(63)));
        assert!(s.ends_with(&format!(".{tail}")), "{s}");
        assert_eq!(shown("short.example"), "short.example");
        // A short second-level suffix keeps the label before it whole too.
        let uk = format!("{}.{}.attacker.co.uk", "a".repeat(60), "b".repeat(60));
        assert!(shown(&uk).ends_with("….attacker.co.uk"), "{}", shown(&uk));
    }

    #[test]
    fn authorities_read_as_what_they_reach() {
        assert_eq!(
            shown_authority("::ffff:127.0.0.1", 443),
            "127.0.0.1:443 (written [::ffff:127.0.0.1]:443)"
        );
        assert_eq!(shown_authority("fd00::1", 443), "[fd00::1]:443");
        assert_eq!(shown_authority("VCenter.corp", 443), "vcenter.corp:443");
        // Devanagari with its combining vowel signs is a readable name, not an unprintable one.
        let hindi = idna::domain_to_ascii("भारत.example").unwrap();
        assert_eq!(shown(&hindi), format!("भारत.example ({hindi})"));
    }

    #[test]
    fn ports_are_judged_against_the_flows_rule() {
        let catalog = crate::catalog().unwrap();
        let rule = &catalog.rules[0];
        let port = rule.ports[0].first;
        assert_eq!(port_fit(&rule.id, port), PortFit::InRule);
        let outside = (1..=u16::MAX)
            .find(|p| !rule.ports.iter().any(|r| r.contains(*p)))
            .unwrap();
        assert!(matches!(
            port_fit(&rule.id, outside),
            PortFit::OutsideRule(_)
        ));
        assert_eq!(port_fit("no-such-flow", 443), PortFit::UnknownFlow);
    }
}
