//! Vendor-ready firewall rules from the ticket. Every format reads one [`Model`]: which flows
//! become openings and on which leg (direct, or from the outbound proxy), which ends are the
//! user's own, which addresses the user still has to give, and a note for every flow no rule of
//! the format carries. Nothing is dropped silently: a flow is a rule or a note that names it.

mod aws;
mod azure;
mod cilium;
mod gcp;
mod iptables;
mod kubernetes;
mod network_firewall;
mod nftables;
mod squid;

pub use aws::{aws_cli, terraform};
pub use azure::azure;
pub use cilium::cilium;
pub use gcp::gcp;
pub use iptables::iptables;
pub use kubernetes::network_policy;
pub use network_firewall::network_firewall;
pub use nftables::nftables;
pub use squid::squid;

use crate::checklist::{Flow, ProxyHop, Side};
use crate::end::End;
use crate::rule::Role;
use crate::ticket::{Direction, Ticket, TicketRule};
use crate::SaasIps;
use std::net::IpAddr;

/// Addresses the user has to give before a rule can match: a DNS name (the firewall should not
/// resolve it for them: names resolve differently inside and outside a network) or a role whose
/// addresses are not in the answers yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fill {
    /// `[a-z0-9_]`, unique in the model: each format spells its variable from it.
    pub key: String,
    /// What belongs in it, in words.
    pub what: String,
}

impl Fill {
    /// A shell variable name.
    pub fn var(&self) -> String {
        self.key.to_ascii_uppercase()
    }

    /// The shell variable of its addresses of one family (`suffix`: `V4` or `V6`), for the
    /// scripts whose rules take one family at a time (Azure, GCP).
    pub fn family_var(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.var())
    }

    /// The script lines that declare both family variables, empty unless the user set them;
    /// `list` says how the addresses are written, `{version}` standing for IPv4 or IPv6.
    pub fn family_declarations(&self, list: &str) -> String {
        [("V4", "IPv4"), ("V6", "IPv6")]
            .map(|(suffix, version)| {
                format!(
                    "{var}=\"${{{var}-}}\"  # {}: {}\n",
                    list.replace("{version}", version),
                    clean(&self.what),
                    var = self.family_var(suffix)
                )
            })
            .concat()
    }
}

/// A command of a shell format that needs address lists the user fills in (`groups`: for each
/// end that has only lists, their variable names): made once each such end has one set;
/// otherwise the script says on standard error which rule it left out and what to set, rather
/// than passing over it in silence.
pub(crate) fn when_filled(groups: &[Vec<String>], rule: &str, command: &str) -> String {
    let tests: Vec<String> = groups
        .iter()
        .map(|vars| {
            let values: String = vars.iter().map(|v| format!("${v}")).collect();
            format!("[ -n \"{values}\" ]")
        })
        .collect();
    let wanted: Vec<String> = groups.iter().map(|vars| vars.join(" or ")).collect();
    format!(
        "if {}; then\n  {command}else\n  echo 'skipped {rule}: set {}' >&2\nfi\n",
        tests.join(" && "),
        wanted.join(" and ")
    )
}

/// One end of an opening, split into what each syntax can use.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Ends {
    pub v4: Vec<String>,
    pub v6: Vec<String>,
    /// Keys of the [`Fill`]s whose addresses belong here.
    pub fills: Vec<String>,
    /// `*.domain` names: no address stands for them.
    pub wildcards: Vec<String>,
    /// Palette SaaS names were replaced by the documented SaaS addresses.
    pub saas: bool,
}

impl Ends {
    /// Nothing an address-based rule could match, now or once filled in.
    pub fn is_unaddressable(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty() && self.fills.is_empty()
    }
}

/// Which connection of a flow an opening allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leg {
    /// From the flow's source straight to its destination.
    Direct,
    /// From the outbound proxy to the flow's destination, on the source's behalf.
    FromProxy,
}

/// One connection to allow.
pub(crate) struct Opening<'a> {
    pub rule: &'a TicketRule,
    pub flow: &'a Flow,
    pub leg: Leg,
    /// The role that opens the connection (the proxy on the proxy's leg).
    pub from: Role,
    pub src: Ends,
    pub dst: Ends,
    /// The role whose security group takes the rule as egress, when that end is the user's.
    pub egress: Option<Role>,
    /// The role whose security group takes the rule as ingress, when that end is the user's.
    pub ingress: Option<Role>,
    /// What the reader must know about this opening, independent of the syntax.
    pub notes: Vec<String>,
}

impl Opening<'_> {
    /// `id`, or `id (from the proxy)` on the proxy's leg: every rule of every format names its
    /// flow this way.
    pub fn label(&self) -> String {
        match self.leg {
            Leg::Direct => self.rule.id.clone(),
            Leg::FromProxy => format!("{} (from the proxy)", self.rule.id),
        }
    }

    /// A name part for resource identifiers: the id, `-proxy` on the proxy's leg.
    pub fn slug(&self) -> String {
        match self.leg {
            Leg::Direct => self.rule.id.clone(),
            Leg::FromProxy => format!("{}-proxy", self.rule.id),
        }
    }
}

/// The ticket as the firewall formats see it.
pub(crate) struct Model<'a> {
    pub ticket: &'a Ticket,
    pub openings: Vec<Opening<'a>>,
    /// Requested flows no address-based rule can carry, with the reason.
    pub unwritten: Vec<(&'a TicketRule, String)>,
    /// Addresses to fill in, in order of first use.
    pub fills: Vec<Fill>,
}

impl<'a> Model<'a> {
    pub fn new(ticket: &'a Ticket, saas: &SaasIps) -> Model<'a> {
        let mut model = Model {
            ticket,
            openings: Vec::new(),
            unwritten: Vec::new(),
            fills: Vec::new(),
        };
        for rule in &ticket.rules {
            let Some(flow) = rule.flow.as_ref() else {
                continue;
            };
            let (leg, from, src, mut notes) = match (&ticket.proxy, flow.via_proxy) {
                (Some(proxy), true) => {
                    let src = model.ends_of_proxy(proxy);
                    (
                        Leg::FromProxy,
                        Role::Proxy,
                        src,
                        vec![proxy_note(ticket, flow, proxy)],
                    )
                }
                _ => (
                    Leg::Direct,
                    flow.from.role,
                    model.ends(&flow.from, Some(saas)),
                    Vec::new(),
                ),
            };
            let dst = model.ends(&flow.to, Some(saas));
            if dst.is_unaddressable() {
                model.unwritten.push((
                    rule,
                    format!(
                        "its destination {} is only names under a domain: no address covers them; the name-based formats (squid, aws-network-firewall, cilium) carry it",
                        dst.wildcards.join(", ")
                    ),
                ));
                continue;
            }
            for (end, ends) in [("source", &src), ("destination", &dst)] {
                if ends.saas {
                    notes.push(format!(
                        "{end}: *.spectrocloud.com names replaced by Palette SaaS's documented addresses"
                    ));
                }
                if !ends.wildcards.is_empty() {
                    notes.push(format!(
                        "{end} {} left out: names under a domain have no addresses; the name-based formats (squid, aws-network-firewall, cilium) carry them",
                        ends.wildcards.join(", ")
                    ));
                }
            }
            if rule.level == crate::rule::Level::Optional {
                notes.push("optional: requested by choice".to_owned());
            }
            let (source_yours, destination_yours) = match rule.direction {
                Direction::Inbound => (false, true),
                Direction::Outbound => (true, false),
                Direction::Internal => (true, true),
            };
            model.openings.push(Opening {
                rule,
                flow,
                leg,
                from,
                // The proxy is always the user's own; its leg leaves their network exactly when
                // the flow does.
                egress: (source_yours || leg == Leg::FromProxy).then_some(from),
                ingress: destination_yours.then_some(flow.to.role),
                src,
                dst,
                notes,
            });
        }
        model
    }

    fn ends_of_proxy(&mut self, proxy: &ProxyHop) -> Ends {
        let side = Side {
            role: Role::Proxy,
            label: Role::Proxy.label().to_owned(),
            hosts: vec![proxy.host.clone()],
        };
        self.ends(&side, None)
    }

    fn ends(&mut self, side: &Side, saas: Option<&SaasIps>) -> Ends {
        let mut ends = Ends::default();
        fn push(list: &mut Vec<String>, item: String) {
            if !list.contains(&item) {
                list.push(item);
            }
        }
        let push_cidr = |ends: &mut Ends, end: &End| match end.cidr() {
            Some((cidr, true)) => push(&mut ends.v6, cidr),
            Some((cidr, false)) => push(&mut ends.v4, cidr),
            None => {}
        };
        for end in &side.hosts {
            match end {
                End::Ip(_) | End::Net(..) => push_cidr(&mut ends, end),
                End::Name(name) if saas.is_some_and(|s| s.serves(name)) => {
                    ends.saas = true;
                    for address in saas.iter().flat_map(|s| &s.addresses) {
                        push_cidr(&mut ends, address);
                    }
                }
                End::Name(name) => {
                    let key = self.fill(
                        name,
                        format!("addresses of {name} (as the firewall's clients resolve it)"),
                    );
                    push(&mut ends.fills, key);
                }
                End::Placeholder(label) => {
                    let key = self.fill(
                        &format!("{}-addresses", side.role.slug()),
                        format!("addresses of {label} (not in the answers yet)"),
                    );
                    push(&mut ends.fills, key);
                }
                End::Wildcard(_) => push(&mut ends.wildcards, end.to_string()),
            }
        }
        ends
    }

    /// The key of the fill for `what`, added on first use; spelled from `text`, made unique.
    fn fill(&mut self, text: &str, what: String) -> String {
        if let Some(existing) = self.fills.iter().find(|f| f.what == what) {
            return existing.key.clone();
        }
        let base: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let base = if base.starts_with(|c: char| c.is_ascii_digit()) {
            format!("n{base}")
        } else {
            base
        };
        let mut key = base.clone();
        let mut n = 1;
        while self.fills.iter().any(|f| f.key == key) {
            n += 1;
            key = format!("{base}_{n}");
        }
        self.fills.push(Fill {
            key: key.clone(),
            what,
        });
        key
    }

    pub fn fill_of(&self, key: &str) -> &Fill {
        self.fills
            .iter()
            .find(|f| f.key == key)
            .expect("every key in an Ends was made by Model::fill")
    }

    /// Comment lines for what the rules of an address-based format do not open.
    pub fn left_out(&self, comment: &str) -> String {
        left_out(self.ticket, comment, &self.unwritten)
    }
}

/// Comment lines for what the rules above do not open: requested flows the syntax cannot
/// carry, optional flows nobody requested, flows already open, and flows to remove.
pub(crate) fn left_out(
    ticket: &Ticket,
    comment: &str,
    unwritten: &[(&TicketRule, String)],
) -> String {
    let mut out = String::new();
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push_str(&format!("{comment}\n{comment} {title}\n"));
            for line in lines {
                out.push_str(&format!("{comment}   {line}\n"));
            }
        }
    };
    section(
        "Requested but not written as an address rule:",
        unwritten
            .iter()
            .map(|(r, why)| format!("[{}] {}: {}", r.id, clean(&r.purpose), why))
            .collect(),
    );
    section(
        "Optional flows not requested (not opened; request them with the ticket's optional-flows choice, or portcheck ticket --include optional):",
        ticket.optional_not_requested.iter().map(describe).collect(),
    );
    section(
        "Already open, so not written here:",
        ticket
            .already_open
            .iter()
            .map(|id| format!("[{id}]"))
            .collect(),
    );
    section(
        "To remove: only older Palette versions used these flows; close them if your firewall still opens them:",
        ticket.closable.iter().map(describe).collect(),
    );
    out
}

fn describe(r: &TicketRule) -> String {
    format!(
        "[{}] {} -> {} {}: {}",
        r.id,
        clean(&r.source),
        clean(&r.destination),
        r.ports,
        clean(&r.purpose)
    )
}

/// The note on a proxied flow: which rule takes the source to the proxy, and that this one is
/// the proxy's own connection.
fn proxy_note(ticket: &Ticket, flow: &Flow, proxy: &ProxyHop) -> String {
    let to_proxy = ticket
        .rules
        .iter()
        .filter_map(|r| r.flow.as_ref())
        .find(|f| f.to.role == Role::Proxy && f.from.role == flow.from.role)
        .map_or_else(
            || format!("the rule from {} to the proxy", flow.from.label),
            |f| format!("[{}]", f.id),
        );
    let host = match &proxy.host {
        End::Ip(IpAddr::V6(ip)) => format!("[{ip}]"),
        other => other.to_string(),
    };
    format!(
        "goes through the outbound proxy {host}:{}: {} reach it by {to_proxy}; this rule is the proxy's own connection to the destination (no direct opening from the source)",
        proxy.port, flow.from.label
    )
}

/// The comment that opens every rule of every format: `[label] purpose (level)`, then the
/// notes the reader must see beside it.
pub(crate) fn heading(indent: &str, label: &str, rule: &TicketRule, notes: &[String]) -> String {
    let mut out = format!(
        "{indent}# [{label}] {} ({})\n",
        clean(&rule.purpose),
        rule.level.as_str()
    );
    for note in notes {
        out.push_str(&format!("{indent}#   note: {}\n", clean(note)));
    }
    out
}

/// A header comment common to every configuration output.
pub(crate) fn header(ticket: &Ticket, comment: &str, validate: &str) -> String {
    format!(
        "{comment} {}\n{comment} Generated by palette-portcheck from the Palette documentation's port rules.\n{comment} Review before applying. {validate}\n",
        clean(&ticket.title)
    )
}

/// Text from the rule base or the requester on one comment line: no line breaks or controls.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if breaks_or_reorders(c) { ' ' } else { c })
        .collect()
}

/// Characters that may not reach a comment or a quoted value: control characters, the line and
/// paragraph separators (a line break to YAML 1.1 readers such as libyaml and PyYAML, and to
/// JavaScript), and the bidi controls that make a line read otherwise than it parses.
fn breaks_or_reorders(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}
