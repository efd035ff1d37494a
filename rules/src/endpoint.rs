//! Addresses as users type them: hostnames, IP addresses, CIDRs, `host:port` and URLs.
//! Every parser here returns an error sentence a user can act on; none of them panics.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    Name(String),
    Ip(IpAddr),
    /// A network in CIDR notation, host bits zero.
    Net(IpAddr, u8),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(n) => f.write_str(n),
            Host::Ip(ip) => write!(f, "{ip}"),
            Host::Net(ip, prefix) => write!(f, "{ip}/{prefix}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub host: Host,
    pub port: Option<u16>,
    /// `http` or `https` when typed as a URL.
    pub scheme: Option<String>,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.host, self.port) {
            (Host::Ip(IpAddr::V6(ip)), Some(port)) => write!(f, "[{ip}]:{port}"),
            (host, Some(port)) => write!(f, "{host}:{port}"),
            (host, None) => write!(f, "{host}"),
        }
    }
}

/// Parses one endpoint entry.
pub fn parse_endpoint(text: &str) -> Result<Endpoint, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty entry".to_owned());
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "'{}' contains spaces or control characters; put one address per entry",
            printable(text)
        ));
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((s, rest)) => {
            let s = s.to_ascii_lowercase();
            if s != "http" && s != "https" {
                return Err(format!(
                    "'{text}': only http:// and https:// addresses are understood"
                ));
            }
            // A URL may carry a path (e.g. MAAS's http://host:5240/MAAS); only the authority matters.
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            if authority.contains('@') {
                return Err(format!(
                    "'{}': leave credentials out of addresses; they would end up in tickets and share links",
                    redact_userinfo(text)
                ));
            }
            (Some(s), authority)
        }
        None => (None, text),
    };
    if rest.is_empty() {
        return Err(format!("'{text}' has no host"));
    }
    let (host, port) = split_host_port(rest)?;
    let host = parse_host(host)?;
    if matches!(host, Host::Net(..)) && (port.is_some() || scheme.is_some()) {
        return Err(format!(
            "'{text}': a network (CIDR) cannot have a port or a scheme"
        ));
    }
    Ok(Endpoint { host, port, scheme })
}

fn split_host_port(text: &str) -> Result<(&str, Option<u16>), String> {
    if let Some(inner) = text.strip_prefix('[') {
        let (addr, after) = inner
            .split_once(']')
            .ok_or_else(|| format!("'{text}': missing ']' after the IPv6 address"))?;
        return match after {
            "" => Ok((addr, None)),
            _ => match after.strip_prefix(':') {
                Some(p) => Ok((addr, Some(parse_port(p)?))),
                None => Err(format!("'{text}': expected ':port' after ']'")),
            },
        };
    }
    match text.matches(':').count() {
        0 => Ok((text, None)),
        1 => {
            let (host, port) = text.split_once(':').unwrap_or((text, ""));
            Ok((host, Some(parse_port(port)?)))
        }
        // Bare IPv6 (with or without a prefix length): no port possible without brackets.
        _ => Ok((text, None)),
    }
}

pub fn parse_port(text: &str) -> Result<u16, String> {
    if text.is_empty() {
        return Err("the port after ':' is missing".to_owned());
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("port '{}' is not a number", printable(text)));
    }
    match text.parse::<u64>() {
        Ok(0) => Err("port 0 is not a usable port".to_owned()),
        Ok(n) if n <= 65535 => Ok(n as u16),
        _ => Err(format!("port {} is over 65535", printable(text))),
    }
}

/// A host name, an IP address or a CIDR network.
pub fn parse_host(text: &str) -> Result<Host, String> {
    if let Some((addr, prefix)) = text.split_once('/') {
        return parse_cidr(text, addr, prefix);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(Host::Ip(ip));
    }
    if text.contains(':') {
        return Err(format!("'{}' is not a valid IPv6 address", printable(text)));
    }
    let name = text.strip_suffix('.').unwrap_or(text);
    // A name whose last label is a number (`127.1`, `0x7f.1`, `0x7f000001`) is an IPv4 address
    // in one of the forms resolvers still accept: it would reach an address nobody sees written.
    // No top-level domain is numeric (RFC 3696, section 2).
    let numeric = |l: &str| {
        let hex = l.strip_prefix("0x").or_else(|| l.strip_prefix("0X"));
        !l.is_empty()
            && match hex {
                Some(digits) => digits.bytes().all(|b| b.is_ascii_hexdigit()),
                None => l.bytes().all(|b| b.is_ascii_digit()),
            }
    };
    if name.rsplit('.').next().is_some_and(numeric) {
        return Err(format!(
            "'{}' looks like an IPv4 address but is not one (four numbers 0-255)",
            printable(text)
        ));
    }
    validate_hostname(name)?;
    Ok(Host::Name(name.to_ascii_lowercase()))
}

fn parse_cidr(text: &str, addr: &str, prefix: &str) -> Result<Host, String> {
    let ip: IpAddr = addr.parse().map_err(|_| {
        format!(
            "'{}': '{}' before the '/' is not an IP address",
            printable(text),
            printable(addr)
        )
    })?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits: u8 = match prefix.parse::<u16>() {
        Ok(n) if n <= max => n as u8,
        Ok(n) => {
            return Err(format!(
                "'{text}': prefix length {n} is over {max} for an IPv{} network",
                if ip.is_ipv4() { 4 } else { 6 }
            ))
        }
        Err(_) => {
            return Err(format!(
                "'{}': prefix length '{}' is not a number",
                printable(text),
                printable(prefix)
            ))
        }
    };
    let network = mask(ip, bits);
    if network != ip {
        return Err(format!(
            "'{text}' has host bits set; the network is {network}/{bits}"
        ));
    }
    Ok(Host::Net(ip, bits))
}

fn mask(ip: IpAddr, bits: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let m = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(v4) & m))
        }
        IpAddr::V6(v6) => {
            let m = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & m))
        }
    }
}

/// Whether `ip` lies in `net/bits`.
pub fn net_contains(net: IpAddr, bits: u8, ip: IpAddr) -> bool {
    match (net, ip) {
        (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => mask(ip, bits) == net,
        _ => false,
    }
}

/// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
fn validate_hostname(name: &str) -> Result<(), String> {
    let shown = printable(name);
    if name.is_empty() {
        return Err("empty host name".to_owned());
    }
    if name.len() > 253 {
        let start: String = shown.chars().take(40).collect();
        return Err(format!(
            "host name '{start}…' is longer than 253 characters"
        ));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(format!(
                "'{shown}' has an empty label (two dots in a row, or a leading dot)"
            ));
        }
        if label.len() > 63 {
            return Err(format!("'{shown}' has a label longer than 63 characters"));
        }
        if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!(
                "'{shown}' is not a valid host name: '{}' is not allowed (letters, digits, '-' and '.' only)",
                bad.escape_default()
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "'{shown}' is not a valid host name: a label starts or ends with '-'"
            ));
        }
    }
    Ok(())
}

/// User text echoed in an error, with control characters escaped so a hostile string cannot
/// rewrite a terminal or a log line, and bidi controls and invisible characters escaped so it
/// cannot reorder or hide what is shown.
pub fn printable(text: &str) -> String {
    // `escape_debug` escapes every character Unicode does not call printable: controls, and
    // the bidi and zero-width format characters too (tested).
    // Per string, not per character: a combining mark is escaped only where it has nothing to
    // combine with (the start), so names in Devanagari or Thai read as written.
    let head: String = text.chars().take(200).collect();
    let mut out = head.escape_debug().to_string();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// `text` without anything that could be a `user:password@` (`http://u:p@host/path`,
/// `u:p@host`), or `None` when it has no `@` after its scheme. A password may hold `/`, `?`,
/// `#` or `://` unencoded, so everything up to the last `@` goes: an address answer is a host,
/// not a path that needs one, and a mangled address is fixed in a second where a leaked
/// password is not.
pub fn without_userinfo(text: &str) -> Option<String> {
    let scheme_end = text.find("://").filter(|&i| {
        i > 0
            && text[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
    });
    let (scheme, rest) = match scheme_end {
        Some(i) => text.split_at(i + 3),
        None => ("", text),
    };
    let at = rest.rfind('@')?;
    Some(format!("{scheme}{}", &rest[at + 1..]))
}

/// An address with credentials, for an error message: the credentials replaced by `***`.
fn redact_userinfo(url: &str) -> String {
    match without_userinfo(url) {
        Some(clean) => match clean.split_once("://") {
            Some((scheme, host)) => format!("{scheme}://***@{}", printable(host)),
            None => format!("***@{}", printable(&clean)),
        },
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Endpoint {
        parse_endpoint(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn err(text: &str) -> String {
        parse_endpoint(text).expect_err(text)
    }

    #[test]
    fn accepts_the_forms_users_type() {
        assert_eq!(
            ok("vcenter.corp.local").host,
            Host::Name("vcenter.corp.local".into())
        );
        assert_eq!(ok("VCenter.Corp.Local.").to_string(), "vcenter.corp.local");
        assert_eq!(ok("10.0.0.5").host, Host::Ip("10.0.0.5".parse().unwrap()));
        assert_eq!(ok("10.1.0.0/16").to_string(), "10.1.0.0/16");
        assert_eq!(ok("palette.corp:8443").port, Some(8443));
        assert_eq!(ok("[fd00::1]:443").to_string(), "[fd00::1]:443");
        assert_eq!(ok("fd00::/64").to_string(), "fd00::/64");
        let maas = ok("http://10.1.1.1:5240/MAAS");
        assert_eq!(
            (maas.scheme.as_deref(), maas.port),
            (Some("http"), Some(5240))
        );
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(
            err("10.0.0.0/33"),
            "'10.0.0.0/33': prefix length 33 is over 32 for an IPv4 network"
        );
        assert_eq!(
            err("fd00::/129"),
            "'fd00::/129': prefix length 129 is over 128 for an IPv6 network"
        );
        assert_eq!(
            err("10.0.0.5/24"),
            "'10.0.0.5/24' has host bits set; the network is 10.0.0.0/24"
        );
        assert_eq!(err("palette.corp:70000"), "port 70000 is over 65535");
        assert_eq!(err("palette.corp:0"), "port 0 is not a usable port");
        assert_eq!(err("palette.corp:https"), "port 'https' is not a number");
        assert!(err("10.0.0.256").contains("looks like an IPv4 address"));
        assert!(err("bad_host.corp").contains("'_' is not allowed"));
        assert!(err("-bad.corp").contains("starts or ends with '-'"));
        assert!(err("a..b").contains("empty label"));
        assert!(err("ftp://files.corp").contains("only http:// and https://"));
        assert!(err("10.0.0.0/8:443").contains("cannot have a port"));
        assert!(err("two words").contains("one address per entry"));
        assert_eq!(err("  "), "empty entry");
    }

    #[test]
    fn credentials_are_refused_and_not_echoed() {
        let e = err("http://alice:s3cret@proxy.corp:3128");
        assert!(e.contains("leave credentials out"), "{e}");
        assert!(!e.contains("s3cret") && !e.contains("alice"), "{e}");
    }

    #[test]
    fn long_names_with_multibyte_characters_are_refused_not_a_panic() {
        // Found by the `addresses` fuzz target: the error sliced the name inside a character.
        let name = format!("{}{}", "Ù.".repeat(20), "w".repeat(250));
        assert!(err(&name).contains("longer than 253 characters"));
    }

    #[test]
    fn userinfo_is_taken_out_of_addresses() {
        for (typed, kept) in [
            (
                "http://user:p%40ss@proxy.corp:3128",
                "http://proxy.corp:3128",
            ),
            ("admin:secret@10.0.0.1", "10.0.0.1"),
            ("http://u:pw@", "http://"),
            // Passwords with characters that end an authority, found in review.
            ("http://user:p#ss@proxy:3128", "http://proxy:3128"),
            ("http://u:pa/ss@h", "http://h"),
            ("http://u:123/x@h:3128", "http://h:3128"),
            ("admin:pw@10.0.0.1/?u=http://x", "10.0.0.1/?u=http://x"),
            ("//u:p@h", "h"),
            ("https://a@b@10.0.0.1:8443", "https://10.0.0.1:8443"),
        ] {
            assert_eq!(without_userinfo(typed).as_deref(), Some(kept), "{typed}");
            assert!(!redact_userinfo(typed).contains("ss"), "{typed}");
        }
        for clean in [
            "http://proxy.corp:3128",
            "10.0.0.0/8",
            "http://10.1.1.1:5240/MAAS",
            "",
        ] {
            assert_eq!(without_userinfo(clean), None, "{clean}");
        }
    }

    #[test]
    fn control_characters_are_escaped_in_errors() {
        let e = err("evil\u{1b}[2J.corp");
        assert!(!e.contains('\u{1b}'), "{e}");
    }

    /// Bidi overrides and isolates reorder what a terminal shows ("PASSED" painted over
    /// "FAILED"); zero-width characters hide text. None survives `printable`.
    #[test]
    fn bidi_and_invisible_characters_are_escaped() {
        let hostile =
            "ok\u{202e}DELIAF\u{202c} \u{2066}x\u{2069}\u{200f}\u{200b}\u{feff}\u{7f}\u{85}";
        let shown = printable(hostile);
        assert!(shown.is_ascii(), "{shown:?}");
        assert!(!shown.chars().any(|c| c.is_ascii_control()), "{shown:?}");
    }

    #[test]
    fn cidr_membership() {
        let net: IpAddr = "10.1.0.0".parse().unwrap();
        assert!(net_contains(net, 16, "10.1.200.3".parse().unwrap()));
        assert!(!net_contains(net, 16, "10.2.0.1".parse().unwrap()));
        assert!(!net_contains(net, 16, "::1".parse().unwrap()));
        assert!(net_contains(
            "0.0.0.0".parse().unwrap(),
            0,
            "8.8.8.8".parse().unwrap()
        ));
    }
}
