//! One address at an end of a flow, typed once where the rule base is read or the engine builds
//! the flow, so renderers match on what it is instead of guessing from its spelling.

use crate::endpoint::{parse_host, Host};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum End {
    /// A DNS name: `api.spectrocloud.com`.
    Name(String),
    /// A name pattern: `*.amazonaws.com` (every name under the domain) or `ecr.*.amazonaws.com`
    /// (`*` stands for one label), held as written. Only name-aware syntaxes (proxy allowlists,
    /// FQDN policies) can express it.
    Wildcard(String),
    Ip(IpAddr),
    /// A network in CIDR notation, host bits zero.
    Net(IpAddr, u8),
    /// Addresses the user has not given yet; holds what they stand for ("Workload cluster nodes").
    Placeholder(String),
}

impl End {
    /// Reads an address the way the rule base writes it: a name, `*.` and a domain, an address
    /// or a CIDR.
    pub fn parse(text: &str) -> Result<End, String> {
        if text.split('.').any(|label| label == "*") {
            // Valid when it is a host name with each `*` label taken as an ordinary one.
            let sample: Vec<&str> = text
                .split('.')
                .map(|label| if label == "*" { "x" } else { label })
                .collect();
            return match parse_host(&sample.join("."))? {
                // A domain ends in a label with a letter: `*.10.0.0` is no domain.
                Host::Name(name)
                    if name.rsplit('.').next().is_some_and(|tld| {
                        tld != "x" && tld.bytes().any(|b| b.is_ascii_alphabetic())
                    }) =>
                {
                    Ok(End::Wildcard(text.to_ascii_lowercase()))
                }
                _ => Err(format!(
                    "'{}': a wildcard stands for labels of a domain name, as in *.example.com",
                    crate::endpoint::printable(text)
                )),
            };
        }
        parse_host(text).map(End::from)
    }

    /// The host this end names, for NO_PROXY matching and live checks; `None` for wildcards and
    /// placeholders.
    pub fn host(&self) -> Option<Host> {
        match self {
            End::Name(name) => Some(Host::Name(name.clone())),
            End::Ip(ip) => Some(Host::Ip(*ip)),
            End::Net(ip, bits) => Some(Host::Net(*ip, *bits)),
            End::Wildcard(_) | End::Placeholder(_) => None,
        }
    }

    /// An address or network in CIDR form (`/32` or `/128` for a single address), with whether
    /// it is IPv6; `None` for names, patterns and placeholders. Every address-based firewall
    /// syntax takes ends in this form.
    pub fn cidr(&self) -> Option<(String, bool)> {
        match self {
            End::Ip(IpAddr::V4(ip)) => Some((format!("{ip}/32"), false)),
            End::Ip(IpAddr::V6(ip)) => Some((format!("{ip}/128"), true)),
            End::Net(net, bits) => Some((format!("{net}/{bits}"), net.is_ipv6())),
            _ => None,
        }
    }

    pub fn is_placeholder(&self) -> bool {
        matches!(self, End::Placeholder(_))
    }

    /// The wire name of the variant (`kind` in the checklist JSON).
    pub fn kind(&self) -> &'static str {
        match self {
            End::Name(_) => "name",
            End::Wildcard(_) => "wildcard",
            End::Ip(_) => "ip",
            End::Net(..) => "net",
            End::Placeholder(_) => "placeholder",
        }
    }
}

impl From<Host> for End {
    fn from(host: Host) -> End {
        match host {
            Host::Name(name) => End::Name(name),
            Host::Ip(ip) => End::Ip(ip),
            Host::Net(ip, bits) => End::Net(ip, bits),
        }
    }
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            End::Name(name) => f.write_str(name),
            End::Wildcard(pattern) => f.write_str(pattern),
            End::Ip(ip) => write!(f, "{ip}"),
            End::Net(ip, bits) => write!(f, "{ip}/{bits}"),
            End::Placeholder(label) => write!(f, "<{label}>"),
        }
    }
}

/// The checklist's JSON form: `{"kind": "name", "value": "api.spectrocloud.com"}`; `value` is
/// the address as written (a wildcard with its `*.`), or a placeholder's label.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tagged {
    kind: String,
    value: String,
}

impl Serialize for End {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = match self {
            End::Placeholder(label) => label.clone(),
            other => other.to_string(),
        };
        Tagged {
            kind: self.kind().to_owned(),
            value,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for End {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<End, D::Error> {
        let Tagged { kind, value } = Tagged::deserialize(deserializer)?;
        let end = match kind.as_str() {
            "placeholder" => End::Placeholder(value.clone()),
            _ => End::parse(&value).map_err(serde::de::Error::custom)?,
        };
        if end.kind() != kind {
            return Err(serde::de::Error::custom(format!(
                "'{}' is of kind {}, not {}",
                crate::endpoint::printable(&value),
                end.kind(),
                crate::endpoint::printable(&kind)
            )));
        }
        Ok(end)
    }
}

/// The rule base's form: a list of addresses as plain strings, parsed when the catalog loads.
pub(crate) mod text_list {
    use super::End;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ends: &[End], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(ends.iter().map(End::to_string))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<End>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|text| End::parse(text).map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_json_form() {
        for (end, json) in [
            (
                End::Name("api.spectrocloud.com".into()),
                r#"{"kind":"name","value":"api.spectrocloud.com"}"#,
            ),
            (
                End::Wildcard("*.amazonaws.com".into()),
                r#"{"kind":"wildcard","value":"*.amazonaws.com"}"#,
            ),
            (
                End::Ip("fd00::1".parse().unwrap()),
                r#"{"kind":"ip","value":"fd00::1"}"#,
            ),
            (
                End::Net("10.20.0.0".parse().unwrap(), 16),
                r#"{"kind":"net","value":"10.20.0.0/16"}"#,
            ),
            (
                End::Placeholder("Workload cluster nodes".into()),
                r#"{"kind":"placeholder","value":"Workload cluster nodes"}"#,
            ),
        ] {
            assert_eq!(serde_json::to_string(&end).unwrap(), json);
            assert_eq!(serde_json::from_str::<End>(json).unwrap(), end);
        }
    }

    #[test]
    fn a_kind_that_disagrees_with_the_value_is_refused() {
        let e = serde_json::from_str::<End>(r#"{"kind":"name","value":"10.0.0.1"}"#).unwrap_err();
        assert!(
            e.to_string().contains("'10.0.0.1' is of kind ip, not name"),
            "{e}"
        );
        assert!(
            serde_json::from_str::<End>(r#"{"kind":"wildcard","value":"*.10.0.0.1"}"#).is_err()
        );
    }

    #[test]
    fn addresses_and_networks_are_cidrs_of_their_family_and_names_are_not() {
        let cidr = |text: &str| End::parse(text).unwrap().cidr();
        assert_eq!(cidr("10.0.0.5"), Some(("10.0.0.5/32".into(), false)));
        assert_eq!(cidr("fd00::1"), Some(("fd00::1/128".into(), true)));
        assert_eq!(cidr("fd00::/64"), Some(("fd00::/64".into(), true)));
        assert_eq!(cidr("10.20.0.0/16"), Some(("10.20.0.0/16".into(), false)));
        assert_eq!(cidr("api.spectrocloud.com"), None);
        assert_eq!(cidr("*.amazonaws.com"), None);
        assert_eq!(End::Placeholder("PCG nodes".into()).cidr(), None);
    }

    #[test]
    fn the_rule_base_spelling_parses_to_each_kind() {
        assert_eq!(
            End::parse("*.amazonaws.com"),
            Ok(End::Wildcard("*.amazonaws.com".into()))
        );
        assert_eq!(
            End::parse("ecr.*.amazonaws.com"),
            Ok(End::Wildcard("ecr.*.amazonaws.com".into()))
        );
        assert!(End::parse("amazonaws.*").is_err());
        assert!(End::parse("*.10.0.0").is_err());
        assert_eq!(End::parse("us-docker.pkg.dev").unwrap().kind(), "name");
        assert_eq!(End::parse("44.232.106.120").unwrap().kind(), "ip");
        assert!(End::parse("*.").is_err());
        assert!(End::parse("bad host").is_err());
    }
}
