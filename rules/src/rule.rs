//! The rule base's vocabulary: what one documented flow says.

use crate::check_kind::CheckKind;
use crate::checklist::Source;
use crate::condition::Condition;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// One documented network flow. Several rows of Palette's tables (and several versions of one
/// page) can describe the same flow; they all become sources of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rule {
    /// Stable identifier: checklists, tickets and probe results refer to flows by it.
    pub id: String,
    /// Role that opens the connection.
    pub from: Role,
    /// Role that accepts the connection.
    pub to: Role,
    /// Fixed, documented destination names (e.g. the SaaS domains). When absent, the user's
    /// endpoints for `to` (or a placeholder) are the destination.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        with = "crate::end::text_list"
    )]
    pub hosts: Vec<crate::End>,
    /// The documented multi-tenant SaaS names for `to`, used for multi-tenant SaaS when the user
    /// has not named the endpoint themselves.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        with = "crate::end::text_list"
    )]
    pub saas_hosts: Vec<crate::End>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortRange>,
    /// Use the port written in the user's endpoint for `to` instead of `ports`, when there is one
    /// (infrastructure APIs and proxies listen where their owners put them).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub port_from_endpoint: bool,
    pub transport: Transport,
    /// Application protocol spoken over the port, as the documentation names it.
    pub protocol: String,
    /// The protocol to name instead when the user's endpoint for `to` is an `http://` URL (a
    /// MAAS API is often plain HTTP on 5240): what the checklist says and the live check does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_over_http: Option<String>,
    /// How a probe proves the flow by connecting: present exactly when the transport is TCP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckKind>,
    /// Whether Palette's software sends this flow through the outbound proxy when one is set
    /// (HTTP and what tunnels through CONNECT); stated for every rule, never guessed.
    pub proxiable: bool,
    pub purpose: String,
    pub level: Level,
    /// From this Palette version on the flow is no longer needed (shown as deprecated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated_from: Option<String>,
    /// When the flow applies; absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// Where the documentation states this flow; never empty.
    pub sources: Vec<SourceRef>,
    /// `sources` resolved against the source register when the catalog loads, shared by every
    /// checklist so an evaluation does not copy them.
    #[serde(skip)]
    pub resolved_sources: Arc<[Source]>,
    /// How documented inconsistencies about this flow were decided.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub decisions: Arc<[Decision]>,
    /// Anything a network engineer should know that is not the purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Rule {
    /// What the data must say consistently, checked when the rule base loads: a check kind for
    /// exactly the TCP flows, proxiable flows only where a proxy can carry the check, the
    /// plain-HTTP protocol only for TLS checks (it replaces them), and at least one source.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match (self.transport, self.check) {
            (Transport::Tcp, None) => problems.push("a TCP flow needs a check kind".to_owned()),
            (other, Some(kind)) if other != Transport::Tcp => problems.push(format!(
                "a {} flow cannot be checked by a {} connection",
                other.as_str(),
                kind.as_str()
            )),
            _ => {}
        }
        if self.proxiable && !self.check.is_some_and(CheckKind::proxiable) {
            problems.push(format!(
                "proxiable, but a proxy cannot carry a {} check",
                self.check
                    .map_or(self.transport.as_str(), CheckKind::as_str)
            ));
        }
        if self.protocol_over_http.is_some() && self.check != Some(CheckKind::Tls) {
            problems.push("protocol-over-http replaces a TLS check; this rule has none".to_owned());
        }
        if self.sources.is_empty() {
            problems.push("no source".to_owned());
        }
        problems
    }

    /// The check kind for the user's endpoint scheme and the Palette era: a TLS check becomes
    /// plain HTTP where the rule allows it and the user wrote `http://`, and gRPC is spoken only
    /// from 4.0.0 (before, the same port carries HTTPS).
    pub fn check_for(&self, scheme: Option<&str>, era: crate::version::Era) -> Option<CheckKind> {
        match self.check? {
            CheckKind::Tls if self.protocol_over_http.is_some() && scheme == Some("http") => {
                Some(CheckKind::Http)
            }
            CheckKind::Grpc if era == crate::version::Era::Nats => Some(CheckKind::Tls),
            kind => Some(kind),
        }
    }
}

/// Advice that is not a flow, as data: shown when its condition holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FindingRule {
    pub id: String,
    pub severity: crate::checklist::Severity,
    pub title: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    pub sources: Vec<SourceRef>,
    #[serde(skip)]
    pub resolved_sources: Arc<[Source]>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub decisions: Arc<[Decision]>,
}

pub(crate) fn is_empty<T>(items: &Arc<[T]>) -> bool {
    items.is_empty()
}

/// The parts of a Palette deployment that open or accept connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Admin,
    Palette,
    ManagementPlane,
    Workload,
    WorkloadApi,
    Pcg,
    InfraApi,
    /// The vCenter that hosts self-hosted Palette, apart from the one workload clusters use.
    PaletteVcenter,
    /// The machine that runs the Palette CLI to install self-hosted Palette or a PCG.
    Installer,
    /// Self-hosted Palette's optional external gRPC endpoint (a load balancer of its own).
    PaletteGrpc,
    Registry,
    AirgapVm,
    EdgeHost,
    EdgePeers,
    Proxy,
    Dns,
    Ntp,
    Internet,
}

impl Role {
    pub const ALL: [Role; 18] = [
        Role::Admin,
        Role::Palette,
        Role::ManagementPlane,
        Role::Workload,
        Role::WorkloadApi,
        Role::Pcg,
        Role::InfraApi,
        Role::PaletteVcenter,
        Role::Installer,
        Role::PaletteGrpc,
        Role::Registry,
        Role::AirgapVm,
        Role::EdgeHost,
        Role::EdgePeers,
        Role::Proxy,
        Role::Dns,
        Role::Ntp,
        Role::Internet,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin workstations",
            Role::Palette => "Palette management platform",
            Role::ManagementPlane => "Self-hosted management cluster nodes",
            Role::Workload => "Workload cluster nodes",
            Role::WorkloadApi => "Workload cluster Kubernetes API",
            Role::Pcg => "Private Cloud Gateway nodes",
            Role::InfraApi => "Infrastructure API (vCenter, MAAS, OpenStack)",
            Role::PaletteVcenter => "vCenter hosting self-hosted Palette",
            Role::Installer => "Installer host (Palette CLI)",
            Role::PaletteGrpc => "Palette external gRPC endpoint",
            Role::Registry => "Registries",
            Role::AirgapVm => "Air-gap support VM",
            Role::EdgeHost => "Edge hosts",
            Role::EdgePeers => "Other Edge cluster nodes",
            Role::Proxy => "Outbound proxy",
            Role::Dns => "DNS servers",
            Role::Ntp => "NTP servers",
            Role::Internet => "Internet services",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Palette => "palette",
            Role::ManagementPlane => "management-plane",
            Role::Workload => "workload",
            Role::WorkloadApi => "workload-api",
            Role::Pcg => "pcg",
            Role::InfraApi => "infra-api",
            Role::PaletteVcenter => "palette-vcenter",
            Role::Installer => "installer",
            Role::PaletteGrpc => "palette-grpc",
            Role::Registry => "registry",
            Role::AirgapVm => "airgap-vm",
            Role::EdgeHost => "edge-host",
            Role::EdgePeers => "edge-peers",
            Role::Proxy => "proxy",
            Role::Dns => "dns",
            Role::Ntp => "ntp",
            Role::Internet => "internet",
        }
    }
}

impl Role {
    /// Whether this end of a flow lies outside the user's networks: Palette SaaS, public
    /// registries, the internet. The one definition of "whose side": the ticket's direction,
    /// every firewall format's egress and ingress, the live-check plan and the NO_PROXY advice
    /// all follow it.
    pub fn outside(
        self,
        deployment: crate::answers::DeploymentModel,
        registry: crate::answers::RegistrySource,
    ) -> bool {
        match self {
            Role::Internet => true,
            Role::Palette => !deployment.is_self_hosted(),
            Role::Registry => registry == crate::answers::RegistrySource::Public,
            _ => false,
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.slug() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Role::ALL.iter().map(|r| r.slug()).collect();
                format!(
                    "unknown role '{}'; roles are {}",
                    crate::endpoint::printable(s),
                    all.join(", ")
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    Tcp,
    Udp,
    /// IPsec ESP (IP protocol 50): no ports.
    Esp,
    /// ICMP echo request and reply: no ports.
    Icmp,
}

impl Transport {
    pub fn has_ports(self) -> bool {
        matches!(self, Transport::Tcp | Transport::Udp)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
            Transport::Esp => "esp",
            Transport::Icmp => "icmp",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Required,
    Optional,
    /// Documented for older versions only: close it if it was opened for them.
    Deprecated,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Required => "required",
            Level::Optional => "optional",
            Level::Deprecated => "deprecated",
        }
    }
}

/// A port or an inclusive port range, written `443` or `30000-32767` in the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    pub const fn single(port: u16) -> PortRange {
        PortRange {
            first: port,
            last: port,
        }
    }

    pub fn contains(&self, port: u16) -> bool {
        (self.first..=self.last).contains(&port)
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

impl std::str::FromStr for PortRange {
    type Err = String;

    fn from_str(text: &str) -> Result<PortRange, String> {
        let port = |s: &str| -> Result<u16, String> {
            let n: u32 = s
                .trim()
                .parse()
                .map_err(|_| format!("'{s}' is not a port number"))?;
            match n {
                0 => Err("port 0 is not a usable port".to_owned()),
                1..=65535 => Ok(n as u16),
                _ => Err(format!("port {n} is over 65535")),
            }
        };
        match text.split_once('-') {
            None => port(text).map(PortRange::single),
            Some((a, b)) => {
                let (first, last) = (port(a)?, port(b)?);
                if first > last {
                    return Err(format!("port range {text} runs backwards"));
                }
                Ok(PortRange { first, last })
            }
        }
    }
}

impl Serialize for PortRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PortRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PortRange, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A pointer into the source register (`data/sources.json`) plus where in that document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SourceRef {
    /// Key in the source register, e.g. `NP-F2`.
    #[serde(rename = "ref")]
    pub key: String,
    pub section: String,
    /// Palette versions for which the cited text is in force, in words.
    pub versions: String,
    /// Id of the matching entry in the curated fact base (`shared/facts`).
    pub fact: String,
}

/// One documented document version, from the source register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Document {
    pub title: String,
    /// Path in Palette's documentation repository, or the docs-site address.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// What distinguishes this version of the document.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub era: String,
}

/// How one documented inconsistency was settled, and why. Shown to users beside the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Decision {
    /// Contradiction id in the fact base (`C01`..).
    pub contradiction: String,
    pub decision: String,
    pub why: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(fields: serde_json::Value) -> Rule {
        let mut base = serde_json::json!({
            "id": "r", "from": "workload", "to": "infra-api", "ports": ["443"],
            "transport": "tcp", "protocol": "HTTPS", "check": "tls", "proxiable": true,
            "purpose": "p", "level": "required",
            "sources": [{"ref": "NP-F2", "section": "s", "versions": "v", "fact": "f"}]
        });
        for (k, v) in fields.as_object().unwrap() {
            if v.is_null() {
                base.as_object_mut().unwrap().remove(k);
            } else {
                base[k] = v.clone();
            }
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn inconsistent_rule_data_is_named() {
        use serde_json::json;
        assert!(rule(json!({})).problems().is_empty());
        let cases = [
            (
                json!({"check": null, "proxiable": false}),
                "a TCP flow needs a check kind",
            ),
            (
                json!({"transport": "udp", "proxiable": false}),
                "a udp flow cannot be checked by a tls connection",
            ),
            (
                json!({"check": "tcp"}),
                "proxiable, but a proxy cannot carry a tcp check",
            ),
            (
                json!({"check": "grpc", "protocol-over-http": "HTTP"}),
                "protocol-over-http replaces a TLS check; this rule has none",
            ),
            (json!({"sources": []}), "no source"),
        ];
        for (fields, problem) in cases {
            assert_eq!(rule(fields.clone()).problems(), vec![problem], "{fields}");
        }
        // Every rule must state whether it may be proxied: no default is guessed.
        let mut missing = serde_json::to_value(rule(json!({}))).unwrap();
        missing.as_object_mut().unwrap().remove("proxiable");
        let err = serde_json::from_value::<Rule>(missing).unwrap_err();
        assert!(err.to_string().contains("proxiable"), "{err}");
    }

    #[test]
    fn the_check_follows_the_endpoint_scheme_and_the_era() {
        use crate::version::Era;
        use serde_json::json;
        let tls = rule(json!({"protocol-over-http": "HTTP"}));
        assert_eq!(
            tls.check_for(Some("http"), Era::Grpc),
            Some(CheckKind::Http)
        );
        assert_eq!(
            tls.check_for(Some("https"), Era::Grpc),
            Some(CheckKind::Tls)
        );
        assert_eq!(tls.check_for(None, Era::Grpc), Some(CheckKind::Tls));
        // Without protocol-over-http an http:// endpoint does not change what is documented.
        assert_eq!(
            rule(json!({})).check_for(Some("http"), Era::Grpc),
            Some(CheckKind::Tls)
        );
        let grpc = rule(json!({"check": "grpc"}));
        assert_eq!(grpc.check_for(None, Era::Grpc), Some(CheckKind::Grpc));
        assert_eq!(grpc.check_for(None, Era::Nats), Some(CheckKind::Tls));
        let udp = rule(json!({"transport": "udp", "check": null, "proxiable": false}));
        assert_eq!(udp.check_for(None, Era::Grpc), None);
    }

    #[test]
    fn port_ranges_parse_and_print() {
        assert_eq!("443".parse::<PortRange>().unwrap(), PortRange::single(443));
        let r: PortRange = "30000-32767".parse().unwrap();
        assert_eq!((r.first, r.last), (30000, 32767));
        assert_eq!(r.to_string(), "30000-32767");
        assert!(r.contains(30001) && !r.contains(443));
    }

    #[test]
    fn bad_ports_are_explained() {
        assert_eq!(
            "70000".parse::<PortRange>().unwrap_err(),
            "port 70000 is over 65535"
        );
        assert_eq!(
            "0".parse::<PortRange>().unwrap_err(),
            "port 0 is not a usable port"
        );
        assert!("10-5"
            .parse::<PortRange>()
            .unwrap_err()
            .contains("backwards"));
        assert!("https"
            .parse::<PortRange>()
            .unwrap_err()
            .contains("not a port number"));
    }
}
