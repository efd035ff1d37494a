use super::{header, heading, Ends, Model, Opening};
use crate::rule::Transport;
use crate::ticket::{FirewallMode, Ticket};
use crate::SaasIps;

/// The table the chain and sets go into: Debian's and Red Hat's default `nftables.conf` table.
const TABLE: &str = "inet filter";
const CHAIN: &str = "palette_portcheck";

/// An `nft -f` file that defines the chain `palette_portcheck` and its address sets inside the
/// firewall's own table, empties them and fills them again, so loading it twice gives the same
/// ruleset and nothing else is touched. Its own table would not do: nftables runs the chains of
/// every table, and an accept in one does not override a drop in another.
pub fn nftables(ticket: &Ticket, saas: &SaasIps) -> String {
    let model = Model::new(ticket, saas);
    let mut out = String::from("#!/usr/sbin/nft -f\n");
    out.push_str(&header(
        ticket,
        "#",
        "Check with: nft -c -f FILE (changes nothing).",
    ));
    // Host mode opens flows in both directions of the host: both its chains need the jump.
    let hooks: &[&str] = match ticket.firewall_mode {
        FirewallMode::Router => &["forward"],
        FirewallMode::Host => &["input", "output"],
    };
    let jumps: String = hooks
        .iter()
        .map(|hook| format!("#     nft insert rule {TABLE} {hook} jump {CHAIN}\n"))
        .collect();
    out.push_str(&format!(
        "#
# What it changes: the chain {CHAIN} and the sets palette_* in table {TABLE}, replaced
# on every load; nothing else. Load it with `nft -f FILE` (again after any change: same result),
# or include it at the top of /etc/nftables.conf, right after `flush ruleset`.
# It opens nothing until your {hooks} chain{s} jump{verb} to it, once, ahead of its drop rules:
{jumps}# (or `jump {CHAIN}` as the first rule of {that} in /etc/nftables.conf). Its own table
# would not do: nftables runs the chains of every table, and an accept in one table does not
# override a drop in another. If your firewall's table is not `{TABLE}`, replace that name
# throughout (the table must be of family inet).
",
        hooks = hooks.join(" and "),
        s = if hooks.len() > 1 { "s" } else { "" },
        verb = if hooks.len() > 1 { "" } else { "s" },
        that = if hooks.len() > 1 {
            "each of those chains"
        } else {
            "that chain"
        },
    ));
    if !model.fills.is_empty() {
        out.push_str("#\n# Addresses to fill in: each set below whose elements line is a comment. Put the addresses\n# or CIDRs in and remove the '#'. Until then the rules that use the set match nothing.\n");
    }
    // Declared empty, then flushed, then defined: the first load creates them, later loads
    // replace their contents.
    out.push_str(&format!("table {TABLE} {{\n"));
    for (set, family, _) in sets(&model) {
        out.push_str(&format!(
            "\tset {set} {{ type {family}_addr; flags interval; }}\n"
        ));
    }
    out.push_str(&format!("\tchain {CHAIN} {{\n\t}}\n}}\n"));
    out.push_str(&format!("flush chain {TABLE} {CHAIN}\n"));
    for (set, _, _) in sets(&model) {
        out.push_str(&format!("flush set {TABLE} {set}\n"));
    }
    out.push_str(&format!("table {TABLE} {{\n"));
    for (set, family, what) in sets(&model) {
        out.push_str(&format!(
            "\tset {set} {{\n\t\ttype {family}_addr; flags interval;\n\t\t# {what}\n\t\t# elements = {{ }}\n\t}}\n"
        ));
    }
    out.push_str(&format!(
        "\tchain {CHAIN} {{\n\t\t# Replies of the connections below.\n\t\tct state established,related accept\n"
    ));
    for opening in &model.openings {
        out.push_str(&heading(
            "\t\t",
            &opening.label(),
            opening.rule,
            &opening.notes,
        ));
        let mut written = false;
        for v6 in [false, true] {
            let ip = if v6 { "ip6" } else { "ip" };
            for src in forms(&model, &opening.src, v6) {
                for dst in forms(&model, &opening.dst, v6) {
                    written = true;
                    out.push_str(&format!(
                        "\t\t{ip} saddr {src} {ip} daddr {dst} {} accept comment \"{}\"\n",
                        matches(opening, v6),
                        opening.label()
                    ));
                }
            }
        }
        if !written {
            out.push_str("\t\t#   not written: its two ends have no IP version in common\n");
        }
    }
    out.push_str("\t}\n}\n");
    out.push_str(&model.left_out("#"));
    out
}

/// The named sets to fill in: (name, ip or ipv6, what belongs in it), one per IP version.
fn sets(model: &Model) -> Vec<(String, &'static str, String)> {
    model
        .fills
        .iter()
        .flat_map(|fill| {
            [("v4", "ipv4", "IPv4"), ("v6", "ipv6", "IPv6")].map(|(suffix, family, name)| {
                (
                    format!("palette_{}_{suffix}", fill.key),
                    family,
                    format!("{name} {}", super::clean(&fill.what)),
                )
            })
        })
        .collect()
}

/// One end in one IP version: an anonymous set of its known addresses and a named set per list
/// to fill in. A rule line takes one of each end, so an end with several becomes several lines.
fn forms(model: &Model, ends: &Ends, v6: bool) -> Vec<String> {
    let (known, suffix) = if v6 {
        (&ends.v6, "v6")
    } else {
        (&ends.v4, "v4")
    };
    let mut forms = Vec::new();
    if !known.is_empty() {
        forms.push(format!("{{ {} }}", known.join(", ")));
    }
    for key in &ends.fills {
        forms.push(format!("@palette_{}_{suffix}", model.fill_of(key).key));
    }
    forms
}

fn matches(opening: &Opening, v6: bool) -> String {
    let flow = opening.flow;
    match flow.transport {
        Transport::Tcp | Transport::Udp => {
            let ports: Vec<String> = flow.ports.iter().map(|p| p.to_string()).collect();
            format!(
                "{} dport {{ {} }}",
                flow.transport.as_str(),
                ports.join(", ")
            )
        }
        Transport::Esp => "meta l4proto esp".to_owned(),
        Transport::Icmp if v6 => "icmpv6 type echo-request".to_owned(),
        Transport::Icmp => "icmp type echo-request".to_owned(),
    }
}
