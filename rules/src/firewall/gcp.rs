use super::{header, heading, Model};
use crate::rule::Transport;
use crate::ticket::Ticket;
use crate::SaasIps;

/// A shell script of `gcloud compute firewall-rules create` commands. Rules target the network
/// tag of the Palette role they protect (`palette-workload`, `palette-pcg`, ...): egress on the
/// source's tag and ingress on the destination's, for the user's own ends. A GCP rule holds
/// ranges of one IP version, so each version gets its own rule.
pub fn gcp(ticket: &Ticket, saas: &SaasIps) -> String {
    let model = Model::new(ticket, saas);
    let mut out = String::from("#!/bin/sh\n");
    out.push_str(&header(
        ticket,
        "#",
        "Check with: sh -n FILE. Set NETWORK, each address list, and tag your instances with palette-ROLE first.",
    ));
    out.push_str("set -eu\n: \"${NETWORK:?set NETWORK to the VPC network name}\"\n");
    out.push_str("# joined RANGE...: the ranges that are not empty, comma-separated.\njoined() { list=''; for r in \"$@\"; do [ -z \"$r\" ] || list=\"$list${list:+,}$r\"; done; printf '%s' \"$list\"; }\n");
    for fill in &model.fills {
        out.push_str(&fill.family_declarations("comma-separated {version} ranges"));
    }
    let mut body = String::new();
    let mut priority = 1000;
    for o in &model.openings {
        body.push('\n');
        body.push_str(&heading("", &o.label(), o.rule, &o.notes));
        let rules = match o.flow.transport {
            Transport::Tcp | Transport::Udp => {
                let ports: Vec<String> = o.flow.ports.iter().map(|r| r.to_string()).collect();
                format!("{}:{}", o.flow.transport.as_str(), ports.join(","))
            }
            Transport::Esp => "esp".to_owned(),
            Transport::Icmp => "icmp".to_owned(),
        };
        // Over IPv6, ICMP is ICMPv6, protocol 58: GCP's `icmp` is ICMPv4 only.
        let rules_of = |suffix: &str| {
            if o.flow.transport == Transport::Icmp && suffix == "V6" {
                "58".to_owned()
            } else {
                rules.clone()
            }
        };
        for (direction, role, peer, flag) in [
            ("EGRESS", o.egress, &o.dst, "--destination-ranges"),
            ("INGRESS", o.ingress, &o.src, "--source-ranges"),
        ] {
            let Some(role) = role else { continue };
            for (known, suffix) in [(&peer.v4, "V4"), (&peer.v6, "V6")] {
                let mut ranges: Vec<String> = known.clone();
                ranges.extend(
                    peer.fills
                        .iter()
                        .map(|key| format!("\"${}\"", model.fill_of(key).family_var(suffix))),
                );
                if ranges.is_empty() {
                    continue;
                }
                let rule = name(&o.slug(), &format!("{direction}-{suffix}"));
                let command = format!(
                    "gcloud compute firewall-rules create {rule} --network=\"$NETWORK\" --direction={direction} --action=ALLOW --rules={} {flag}=\"$(joined {})\" --target-tags=palette-{} --priority={priority} --description='{}'\n",
                    rules_of(suffix),
                    ranges.join(" "),
                    role.slug(),
                    o.label()
                );
                if known.is_empty() {
                    // Only lists to fill in: the rule is made once one of them is set.
                    let lists = peer
                        .fills
                        .iter()
                        .map(|key| model.fill_of(key).family_var(suffix))
                        .collect();
                    body.push_str(&super::when_filled(&[lists], &rule, &command));
                } else {
                    body.push_str(&command);
                }
                priority += 10;
            }
        }
    }
    out.push_str(&body);
    out.push_str(&model.left_out("#"));
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
