use super::{header, plan};
use crate::rule::Transport;
use crate::ticket::Ticket;
use crate::SaasIps;

/// An `nft -f` file: table `inet palette_portcheck` with a forward chain of accept rules.
pub fn nftables(ticket: &Ticket, saas: &SaasIps) -> String {
    let mut out = String::from("#!/usr/sbin/nft -f\n");
    out.push_str(&header(ticket, "#", "Check with: nft -c -f FILE. Merge the rules into your forward chain ahead of its drop rule."));
    out.push_str("table inet palette_portcheck {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n");
    for p in plan(ticket, saas) {
        out.push_str(&format!(
            "\t\t# [{}] {} ({})\n",
            p.rule.id,
            p.rule.purpose,
            p.rule.level.as_str()
        ));
        for note in p.notes() {
            out.push_str(&format!("\t\t#   note: {note}\n"));
        }
        let families = p.families();
        if families.is_empty() {
            for m in matches(p.flow, false) {
                out.push_str(&format!(
                    "\t\t# ip saddr <SOURCE> ip daddr <DESTINATION> {m} accept comment \"{}\"\n",
                    p.rule.id
                ));
            }
            continue;
        }
        for (src, dst, v6) in families {
            let ip = if v6 { "ip6" } else { "ip" };
            for m in matches(p.flow, v6) {
                out.push_str(&format!(
                    "\t\t{ip} saddr {{ {} }} {ip} daddr {{ {} }} {m} accept comment \"{}\"\n",
                    src.join(", "),
                    dst.join(", "),
                    p.rule.id
                ));
            }
        }
    }
    out.push_str("\t}\n}\n");
    out
}

fn matches(flow: &crate::Flow, v6: bool) -> Vec<String> {
    match flow.transport {
        Transport::Tcp | Transport::Udp => {
            let ports: Vec<String> = flow.ports.iter().map(|p| p.to_string()).collect();
            vec![format!(
                "{} dport {{ {} }}",
                flow.transport.as_str(),
                ports.join(", ")
            )]
        }
        Transport::Esp => vec!["meta l4proto esp".to_owned()],
        Transport::Icmp if v6 => vec!["icmpv6 type { echo-request, echo-reply }".to_owned()],
        Transport::Icmp => vec!["icmp type { echo-request, echo-reply }".to_owned()],
    }
}
