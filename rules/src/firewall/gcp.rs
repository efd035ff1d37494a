use super::{header, internal, plan};
use crate::rule::Transport;
use crate::ticket::Ticket;
use crate::SaasIps;

/// A shell script of `gcloud compute firewall-rules create` commands. Rules target the network
/// tag of the Palette role they protect (`palette-workload`, `palette-pcg`, ...).
pub fn gcp(ticket: &Ticket, saas: &SaasIps) -> String {
    let mut out = String::from("#!/bin/sh\n");
    out.push_str(&header(
        ticket,
        "#",
        "Check with: sh -n FILE. Set NETWORK and tag your instances with palette-ROLE first.",
    ));
    out.push_str("set -eu\n: \"${NETWORK:?set NETWORK to the VPC network name}\"\n");
    let mut priority = 1000;
    for p in plan(ticket, saas) {
        out.push_str(&format!(
            "\n# [{}] {} ({})\n",
            p.rule.id,
            p.rule.purpose,
            p.rule.level.as_str()
        ));
        for note in p.notes() {
            out.push_str(&format!("#   note: {note}\n"));
        }
        let rules = match p.flow.transport {
            Transport::Tcp | Transport::Udp => {
                let ports: Vec<String> = p.flow.ports.iter().map(|r| r.to_string()).collect();
                format!("{}:{}", p.flow.transport.as_str(), ports.join(","))
            }
            Transport::Esp => "esp".to_owned(),
            Transport::Icmp => "icmp".to_owned(),
        };
        for (direction, role, peer, flag) in [
            ("EGRESS", p.flow.from.role, &p.dst, "--destination-ranges"),
            ("INGRESS", p.flow.to.role, &p.src, "--source-ranges"),
        ] {
            if !internal(role) {
                continue;
            }
            let ranges: Vec<&String> = peer.v4.iter().chain(&peer.v6).collect();
            let command = format!(
                "gcloud compute firewall-rules create {} --network=\"$NETWORK\" --direction={direction} --action=ALLOW --rules={rules} {flag}={} --target-tags=palette-{} --priority={priority} --description='{}'\n",
                name(&p.rule.id, direction),
                if ranges.is_empty() { "<RANGES>".to_owned() } else { ranges.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",") },
                role.slug(),
                p.rule.id
            );
            if ranges.is_empty() {
                out.push_str(&format!("# {command}"));
            } else {
                out.push_str(&command);
                priority += 10;
            }
        }
    }
    out
}

/// GCP rule names: lowercase letters, digits and hyphens, starting with a letter, 63 at most.
pub(crate) fn name(id: &str, direction: &str) -> String {
    let mut n = format!("pp-{id}-{}", direction.to_lowercase());
    n.truncate(63);
    n.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::name;

    #[test]
    fn names_follow_gcp_rules() {
        let n = name(
            "edge-fw-cilium-wireguard-with-a-very-long-name-indeed-yes",
            "EGRESS",
        );
        assert!(n.len() <= 63);
        assert!(n.starts_with("pp-") && !n.ends_with('-'));
        assert!(n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
    }
}
