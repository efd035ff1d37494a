use super::{header, plan};
use crate::rule::Transport;
use crate::ticket::Ticket;
use crate::SaasIps;

/// An `iptables-restore` file: a `PALETTE-PORTCHECK` chain of ACCEPT rules jumped to from
/// FORWARD. IPv4 only; IPv6 rules are listed for ip6tables.
pub fn iptables(ticket: &Ticket, saas: &SaasIps) -> String {
    let mut out = header(ticket, "#", "Check with: iptables-restore --test < FILE");
    out.push_str("*filter\n:PALETTE-PORTCHECK - [0:0]\n-A FORWARD -j PALETTE-PORTCHECK\n");
    for p in plan(ticket, saas) {
        out.push_str(&format!(
            "# [{}] {} ({})\n",
            p.rule.id,
            p.rule.purpose,
            p.rule.level.as_str()
        ));
        for note in p.notes() {
            out.push_str(&format!("#   note: {note}\n"));
        }
        if !p.src.v6.is_empty() || !p.dst.v6.is_empty() {
            out.push_str("#   note: IPv6 addresses need the same rule in ip6tables\n");
        }
        let matches = matches(p.flow);
        if p.src.v4.is_empty() || p.dst.v4.is_empty() {
            for m in &matches {
                out.push_str(&format!(
                    "# -A PALETTE-PORTCHECK -s <SOURCE> -d <DESTINATION> {m} -m comment --comment \"{}\" -j ACCEPT\n",
                    p.rule.id
                ));
            }
            continue;
        }
        for m in &matches {
            out.push_str(&format!(
                "-A PALETTE-PORTCHECK -s {} -d {} {m} -m comment --comment \"{}\" -j ACCEPT\n",
                p.src.v4.join(","),
                p.dst.v4.join(","),
                p.rule.id
            ));
        }
    }
    out.push_str("COMMIT\n");
    out
}

fn matches(flow: &crate::Flow) -> Vec<String> {
    let ports: Vec<String> = flow
        .ports
        .iter()
        .map(|p| {
            if p.first == p.last {
                p.first.to_string()
            } else {
                format!("{}:{}", p.first, p.last)
            }
        })
        .collect();
    match flow.transport {
        Transport::Tcp | Transport::Udp => {
            let proto = flow.transport.as_str();
            if ports.len() == 1 {
                vec![format!("-p {proto} -m {proto} --dport {}", ports[0])]
            } else {
                vec![format!(
                    "-p {proto} -m multiport --dports {}",
                    ports.join(",")
                )]
            }
        }
        Transport::Esp => vec!["-p esp".to_owned()],
        Transport::Icmp => vec![
            "-p icmp --icmp-type echo-request".to_owned(),
            "-p icmp --icmp-type echo-reply".to_owned(),
        ],
    }
}
