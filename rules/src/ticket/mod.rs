//! The firewall change ticket: what a network team approves, built from the checklist with
//! nothing typed twice, and rendered in the formats change systems and firewalls take.

mod csv;
mod document;
pub mod evidence;
mod jira;
pub(crate) mod markdown;
mod text;

use crate::answers::{Answers, ProxyKind};
use crate::checklist::{Checklist, Flow, ProxyHop};
use crate::context::Gateway;
use crate::firewall;
use crate::rule::Level;
use crate::SaasIps;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What only the requester knows. Every field is optional; empty ones print as "to be filled".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct TicketInfo {
    pub title: String,
    pub requester: String,
    pub team: String,
    pub contact: String,
    pub change_window: String,
    pub review_date: String,
    pub risk_notes: String,
    pub rollback: String,
    /// Flow ids already open in the firewall: left out of the requested rules.
    pub already_open: Vec<String>,
    /// Flow id to what a live check from inside the network found (e.g. a refused connection):
    /// the network team's evidence that the rule is missing.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub evidence: BTreeMap<String, String>,
    /// Request the optional flows too. Off by default: a firewall team opens what it is given,
    /// so openings nobody asked for stay out unless the requester chooses them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub include_optional: bool,
    /// Where the Linux firewall outputs hook in: a router between the networks or the node itself.
    #[serde(skip_serializing_if = "FirewallMode::is_router")]
    pub firewall_mode: FirewallMode,
}

/// Where the iptables and nftables outputs take effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FirewallMode {
    /// A Linux router or firewall between the networks: the FORWARD path.
    #[default]
    Router,
    /// The node itself (a PCG VM, an Edge host): its INPUT and OUTPUT paths.
    Host,
}

impl FirewallMode {
    pub const ALL: [FirewallMode; 2] = [FirewallMode::Router, FirewallMode::Host];

    fn is_router(&self) -> bool {
        *self == FirewallMode::Router
    }

    pub fn slug(self) -> &'static str {
        match self {
            FirewallMode::Router => "router",
            FirewallMode::Host => "host",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FirewallMode::Router => "Router between the networks (forwarded traffic)",
            FirewallMode::Host => "On the node itself (its own traffic in and out)",
        }
    }
}

impl std::str::FromStr for FirewallMode {
    type Err = String;

    fn from_str(s: &str) -> Result<FirewallMode, String> {
        FirewallMode::ALL
            .into_iter()
            .find(|m| m.slug() == s)
            .ok_or_else(|| {
                format!(
                    "unknown firewall mode '{}'; choose router or host",
                    crate::endpoint::printable(s)
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Ticket {
    pub title: String,
    pub requester: String,
    pub team: String,
    pub contact: String,
    pub change_window: String,
    pub review_date: String,
    pub justification: String,
    pub risk_notes: String,
    pub rollback: String,
    /// The rules to open: required flows, and optional ones when requested, not already open.
    pub rules: Vec<TicketRule>,
    /// Optional flows the requester did not ask for: listed, never opened.
    pub optional_not_requested: Vec<TicketRule>,
    /// Flows left out because the requester marked them as already open.
    pub already_open: Vec<String>,
    /// Flows only older Palette versions used: candidates for removal.
    pub closable: Vec<TicketRule>,
    /// The outbound proxy, when flows go through one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<ProxyHop>,
    pub firewall_mode: FirewallMode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TicketRule {
    pub id: String,
    pub source: String,
    pub destination: String,
    /// `443/tcp`, `30000-32767/tcp`, `esp`.
    pub ports: String,
    pub protocol: String,
    pub direction: Direction,
    pub purpose: String,
    pub level: Level,
    /// Document › section of the first source.
    pub documentation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub via_proxy: bool,
    /// What a live check found, when one failed for this flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// The flow itself, for renderers that need addresses and ports rather than text.
    #[serde(skip)]
    pub flow: Option<Flow>,
}

/// Direction as a firewall sees it: leaving your networks, entering them, or between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Outbound,
    Inbound,
    Internal,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outbound => "outbound",
            Direction::Inbound => "inbound",
            Direction::Internal => "internal",
        }
    }

    /// The boundary the flow crosses, as a network team reads it.
    pub fn crossing(self, via_proxy: bool) -> &'static str {
        match (self, via_proxy) {
            (Direction::Outbound, true) => "out through the proxy",
            (Direction::Outbound, false) => "out of your network",
            (Direction::Inbound, _) => "into your network",
            (Direction::Internal, _) => "inside your network",
        }
    }

    /// Which way `flow` crosses the edge of the user's networks: from the one definition of
    /// whose side an end is on (`Role::outside`). The ticket, its rules and the checklist's
    /// summary all take it from here.
    pub fn of(flow: &Flow, answers: &Answers) -> Direction {
        match (
            flow.from.role.outside(answers.deployment, answers.registry),
            flow.to.role.outside(answers.deployment, answers.registry),
        ) {
            (true, _) => Direction::Inbound,
            (_, true) => Direction::Outbound,
            _ => Direction::Internal,
        }
    }
}

pub fn build(checklist: &Checklist, answers: &Answers, info: &TicketInfo) -> Ticket {
    let to_rule = |flow: &Flow| {
        let direction = Direction::of(flow, answers);
        let source = flow.sources.first();
        TicketRule {
            id: flow.id.clone(),
            source: flow.from.hosts_text(),
            destination: flow.to.hosts_text(),
            ports: flow.ports_text(),
            protocol: flow.protocol.clone(),
            direction,
            purpose: flow.purpose.clone(),
            level: flow.level,
            documentation: source
                .map(|s| format!("{} › {}", s.doc, s.section))
                .unwrap_or_default(),
            url: source.and_then(|s| s.url()),
            via_proxy: flow.via_proxy,
            evidence: info.evidence.get(&flow.id).map(|e| e.trim().to_owned()),
            flow: Some(flow.clone()),
        }
    };
    let (mut rules, mut closable, mut already_open) = (Vec::new(), Vec::new(), Vec::new());
    let mut optional_not_requested = Vec::new();
    for flow in &checklist.flows {
        if flow.level == Level::Deprecated {
            closable.push(to_rule(flow));
        } else if info.already_open.contains(&flow.id) {
            already_open.push(flow.id.clone());
        } else if flow.level == Level::Optional && !info.include_optional {
            optional_not_requested.push(to_rule(flow));
        } else {
            rules.push(to_rule(flow));
        }
    }
    let or_fill = |s: &str| {
        if s.trim().is_empty() {
            String::new()
        } else {
            s.trim().to_owned()
        }
    };
    Ticket {
        title: if info.title.trim().is_empty() {
            format!(
                "Network access for Spectro Cloud Palette ({}, {})",
                answers.deployment.label(),
                checklist.palette_version
            )
        } else {
            info.title.trim().to_owned()
        },
        requester: or_fill(&info.requester),
        team: or_fill(&info.team),
        contact: or_fill(&info.contact),
        change_window: or_fill(&info.change_window),
        review_date: or_fill(&info.review_date),
        justification: justification(checklist, answers),
        risk_notes: if info.risk_notes.trim().is_empty() {
            risk(&rules)
        } else {
            info.risk_notes.trim().to_owned()
        },
        rollback: if info.rollback.trim().is_empty() {
            "Remove the rules added by this change. Palette then loses contact with the affected clusters and gateways until they are restored; running workloads keep running.".to_owned()
        } else {
            info.rollback.trim().to_owned()
        },
        rules,
        optional_not_requested,
        already_open,
        closable,
        proxy: checklist.proxy.clone(),
        firewall_mode: info.firewall_mode,
    }
}

/// Why the change is needed, written from the answers.
fn justification(checklist: &Checklist, answers: &Answers) -> String {
    let infra: Vec<&str> = answers.infrastructure.iter().map(|i| i.label()).collect();
    let mut text = format!(
        "Spectro Cloud Palette ({}, version {}, {}) manages Kubernetes clusters on {}.",
        answers.deployment.label(),
        checklist.palette_version,
        checklist.era.label(),
        infra.join(", ")
    );
    match checklist.gateway {
        Gateway::Pcg => text.push_str(" A Private Cloud Gateway in the data centre connects out to Palette and drives the infrastructure API."),
        Gateway::SystemPrivateGateway => text.push_str(" Self-hosted Palette reaches the infrastructure through its built-in System Private Gateway."),
        Gateway::None => {}
    }
    match answers.proxy.kind {
        ProxyKind::None => {}
        ProxyKind::Connect => text.push_str(" Internet-bound traffic leaves through the outbound proxy (HTTP CONNECT)."),
        ProxyKind::SslBump => text.push_str(" Internet-bound traffic leaves through a TLS-inspecting proxy; the Palette endpoints must be exempt from inspection for gRPC to work."),
    }
    text.push_str(" Each rule below is a flow Palette's documentation requires for this set-up and cites its source.");
    text
}

fn risk(rules: &[TicketRule]) -> String {
    let inbound = rules
        .iter()
        .filter(|r| r.direction == Direction::Inbound)
        .count();
    let optional = rules.iter().filter(|r| r.level == Level::Optional).count();
    let mut text = String::from(
        "Connections go to documented Palette endpoints and your own infrastructure only.",
    );
    if inbound > 0 {
        text.push_str(&format!(" {inbound} rule(s) allow connections into your networks from outside; review them first."));
    } else {
        text.push_str(" No rule allows connections into your networks from outside.");
    }
    if optional > 0 {
        text.push_str(&format!(
            " {optional} rule(s) are optional, requested by choice, and may be declined."
        ));
    }
    text
}

/// Every output the ticket comes in: change-request documents and firewall configurations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Markdown,
    Text,
    Jira,
    Csv,
    Json,
    Iptables,
    Nftables,
    AwsCli,
    Terraform,
    Azure,
    Gcp,
    NetworkPolicy,
    Squid,
    AwsNetworkFirewall,
    Cilium,
}

impl Format {
    pub const ALL: [Format; 15] = [
        Format::Markdown,
        Format::Text,
        Format::Jira,
        Format::Csv,
        Format::Json,
        Format::Iptables,
        Format::Nftables,
        Format::AwsCli,
        Format::Terraform,
        Format::Azure,
        Format::Gcp,
        Format::NetworkPolicy,
        Format::Squid,
        Format::AwsNetworkFirewall,
        Format::Cilium,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Jira => "jira",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Iptables => "iptables",
            Format::Nftables => "nftables",
            Format::AwsCli => "aws-cli",
            Format::Terraform => "terraform",
            Format::Azure => "azure",
            Format::Gcp => "gcp",
            Format::NetworkPolicy => "network-policy",
            Format::Squid => "squid",
            Format::AwsNetworkFirewall => "aws-network-firewall",
            Format::Cilium => "cilium",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown",
            Format::Text => "Plain text (e-mail)",
            Format::Jira => "Jira wiki markup",
            Format::Csv => "CSV (one row per rule)",
            Format::Json => "JSON",
            Format::Iptables => "iptables (script, own chain)",
            Format::Nftables => "nftables (own chain in your table)",
            Format::AwsCli => "AWS security group (AWS CLI JSON)",
            Format::Terraform => "AWS security group (Terraform)",
            Format::Azure => "Azure NSG (az CLI)",
            Format::Gcp => "GCP firewall (gcloud)",
            Format::NetworkPolicy => "Kubernetes NetworkPolicy",
            Format::Squid => "Squid proxy allowlist (by name)",
            Format::AwsNetworkFirewall => "AWS Network Firewall domain list (by name)",
            Format::Cilium => "Cilium network policy (by name)",
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Markdown => "palette-firewall-ticket.md",
            Format::Text => "palette-firewall-ticket.txt",
            Format::Jira => "palette-firewall-ticket.jira.txt",
            Format::Csv => "palette-firewall-rules.csv",
            Format::Json => "palette-firewall-ticket.json",
            Format::Iptables => "palette-firewall-iptables.sh",
            Format::Nftables => "palette-firewall.nft",
            Format::AwsCli => "palette-security-group-rules.json",
            Format::Terraform => "palette-security-group-rules.tf",
            Format::Azure => "palette-nsg-rules.sh",
            Format::Gcp => "palette-gcp-firewall.sh",
            Format::NetworkPolicy => "palette-agent-networkpolicy.yaml",
            Format::Squid => "palette-squid-allowlist.conf",
            Format::AwsNetworkFirewall => "palette-network-firewall-rule-group.json",
            Format::Cilium => "palette-agent-ciliumnetworkpolicy.yaml",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown",
            Format::Csv => "text/csv",
            Format::Json | Format::AwsCli | Format::AwsNetworkFirewall => "application/json",
            Format::Azure | Format::Gcp | Format::Iptables => "text/x-shellscript",
            Format::NetworkPolicy | Format::Cilium => "application/yaml",
            _ => "text/plain",
        }
    }

    pub fn render(self, ticket: &Ticket, saas: &SaasIps) -> String {
        match self {
            Format::Markdown => markdown::render(ticket),
            Format::Text => text::render(ticket),
            Format::Jira => jira::render(ticket),
            Format::Csv => csv::render(ticket),
            Format::Json => crate::json::to_string_pretty(ticket) + "\n",
            Format::Iptables => firewall::iptables(ticket, saas),
            Format::Nftables => firewall::nftables(ticket, saas),
            Format::AwsCli => firewall::aws_cli(ticket, saas),
            Format::Terraform => firewall::terraform(ticket, saas),
            Format::Azure => firewall::azure(ticket, saas),
            Format::Gcp => firewall::gcp(ticket, saas),
            Format::NetworkPolicy => firewall::network_policy(ticket, saas),
            Format::Squid => firewall::squid(ticket),
            Format::AwsNetworkFirewall => firewall::network_firewall(ticket),
            Format::Cilium => firewall::cilium(ticket),
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.slug() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = Format::ALL.iter().map(|f| f.slug()).collect();
                format!(
                    "unknown format '{}'; choose one of {}",
                    crate::endpoint::printable(s),
                    all.join(", ")
                )
            })
    }
}

impl Ticket {
    /// The requester's fields in display order, "(to be filled)" where left empty.
    pub fn fields(&self) -> [(&'static str, &str); 5] {
        fn filled(v: &str) -> &str {
            if v.is_empty() {
                "(to be filled)"
            } else {
                v
            }
        }
        [
            ("Requester", filled(&self.requester)),
            ("Team", filled(&self.team)),
            ("Contact", filled(&self.contact)),
            ("Change window", filled(&self.change_window)),
            ("Review / expiry date", filled(&self.review_date)),
        ]
    }
}
