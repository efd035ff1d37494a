use super::{clean, left_out};
use crate::end::End;
use crate::ticket::{Direction, Ticket, TicketRule};
use serde_json::json;

/// A domain list takes a stateful rule per name and traffic type (TLS SNI, HTTP Host): the rule
/// group's capacity follows the names.
const RULES_PER_NAME: usize = 2;

/// Input for `aws network-firewall create-rule-group --cli-input-json`: a stateful domain-list
/// allowlist of the names the flows leaving the network go to (through the proxy when there is
/// one, then from the proxy), matched on TLS SNI and the HTTP Host header.
pub fn network_firewall(ticket: &Ticket) -> String {
    let mut targets: Vec<String> = Vec::new();
    let mut home_net: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut elsewhere: Vec<&TicketRule> = Vec::new();
    for rule in &ticket.rules {
        let Some(flow) = rule.flow.as_ref() else {
            continue;
        };
        if rule.direction != Direction::Outbound {
            elsewhere.push(rule);
            continue;
        }
        // The firewall sees the proxy as the source of a proxied flow.
        let sources = match (&ticket.proxy, flow.via_proxy) {
            (Some(proxy), true) => vec![proxy.host.clone()],
            _ => flow.from.hosts.clone(),
        };
        for source in &sources {
            match source {
                End::Ip(_) | End::Net(..) => {
                    if let Some((cidr, _)) = source.cidr() {
                        push(&mut home_net, cidr);
                    }
                }
                other => notes.push(format!(
                    "[{}] source {other}: add its CIDRs to HOME_NET (names and addresses not given yet cannot be written)",
                    rule.id
                )),
            }
        }
        let mut written = false;
        for end in &flow.to.hosts {
            match end {
                End::Name(name) => {
                    push(&mut targets, name.clone());
                    written = true;
                }
                End::Wildcard(pattern) => match pattern.strip_prefix("*.") {
                    Some(domain) if !domain.contains('*') => {
                        push(&mut targets, format!(".{domain}"));
                        written = true;
                    }
                    _ => notes.push(format!(
                        "[{}] {pattern}: a domain list matches a name or everything under a domain, not a pattern inside a name; list the names it stands for",
                        rule.id
                    )),
                },
                End::Ip(_) | End::Net(..) => notes.push(format!(
                    "[{}] destination {end} is an address: a domain list matches names; open it with an address rule (the security group formats)",
                    rule.id
                )),
                End::Placeholder(label) => notes.push(format!(
                    "[{}] destination {label}: not in the answers yet",
                    rule.id
                )),
            }
        }
        if written && flow.ports.iter().any(|p| p.first != 443 || p.last != 443) {
            notes.push(format!(
                "[{}] ports {}: a domain list does not match ports; TLS and HTTP to these names pass on any port",
                rule.id,
                flow.ports_text()
            ));
        }
    }
    // A domain included by `.domain` needs no entry of its own.
    let domains: Vec<String> = targets
        .iter()
        .filter(|t| t.starts_with('.'))
        .cloned()
        .collect();
    targets.retain(|t| t.starts_with('.') || !domains.iter().any(|d| t.ends_with(d.as_str())));
    if targets.is_empty() {
        notes
            .push("no flow leaves the network to a name: the rule group allows nothing".to_owned());
    }
    let mut rule_group = json!({
        "RulesSource": {
            "RulesSourceList": {
                "Targets": targets,
                "TargetTypes": ["TLS_SNI", "HTTP_HOST"],
                "GeneratedRulesType": "ALLOWLIST"
            }
        }
    });
    if !home_net.is_empty() {
        rule_group["RuleVariables"] =
            json!({ "IPSets": { "HOME_NET": { "Definition": home_net } } });
    } else {
        notes.push(
            "HOME_NET is not set: the rule group's sources default to the firewall's VPC CIDR"
                .to_owned(),
        );
    }
    let left: Vec<String> = left_out(ticket, "", &[])
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .chain(elsewhere.iter().map(|r| {
            format!(
                "[{}] stays inside your networks: not for an egress firewall",
                r.id
            )
        }))
        .collect();
    let input = json!({
        "RuleGroupName": "palette-egress",
        "Type": "STATEFUL",
        "Capacity": (targets.len() * RULES_PER_NAME).max(10),
        "Description": clean(&ticket.title).chars().take(512).collect::<String>(),
        "RuleGroup": rule_group,
    });
    // `aws --cli-input-json` refuses keys it does not know, so the notes travel beside the input.
    let doc = json!({
        "_usage": "jq '.input' FILE > rule-group.json && aws network-firewall create-rule-group --cli-input-json file://rule-group.json",
        "input": input,
        "notes": notes,
        "left-out": left,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn push(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}
