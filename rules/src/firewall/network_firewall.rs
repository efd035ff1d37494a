use super::{clean, left_out};
use crate::check_kind::CheckKind;
use crate::end::End;
use crate::ticket::{Direction, Ticket, TicketRule};
use serde_json::json;

/// The flows leaving the network from one source: one rule group, since a domain list allows
/// its names to the whole of its HOME_NET.
struct Group {
    /// Rule-group name part: the source role, or `proxy`.
    slug: String,
    label: String,
    home_net: Vec<String>,
    targets: Vec<String>,
    flows: Vec<String>,
    /// A flow of plain HTTP: the list must match the Host header too, not only TLS SNI.
    http: bool,
    /// Sources the group cannot write, said only if the group is written at all.
    source_notes: Vec<String>,
}

/// Input for `aws network-firewall create-rule-group --cli-input-json`, one per source of the
/// flows leaving the network (each role, or the proxy for the flows through it): a stateful
/// domain-list allowlist of that source's names, matched on TLS SNI (and the HTTP Host header
/// where a flow is plain HTTP). One list for all sources would give each source every other
/// one's names; the description of each names the flows it carries.
pub fn network_firewall(ticket: &Ticket) -> String {
    let mut groups: Vec<Group> = Vec::new();
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
        let (slug, label, sources) = match (&ticket.proxy, flow.via_proxy) {
            (Some(proxy), true) => (
                "proxy".to_owned(),
                "the outbound proxy".to_owned(),
                vec![proxy.host.clone()],
            ),
            _ => (
                flow.from.role.slug().to_owned(),
                flow.from.label.clone(),
                flow.from.hosts.clone(),
            ),
        };
        let index = match groups.iter().position(|g| g.slug == slug) {
            Some(index) => index,
            None => {
                groups.push(Group {
                    slug,
                    label,
                    home_net: Vec::new(),
                    targets: Vec::new(),
                    flows: Vec::new(),
                    http: false,
                    source_notes: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[index];
        for source in &sources {
            match source {
                End::Ip(_) | End::Net(..) => {
                    if let Some((cidr, _)) = source.cidr() {
                        push(&mut group.home_net, cidr);
                    }
                }
                other => group.source_notes.push(format!(
                    "[{}] source {other}: add its CIDRs to HOME_NET of palette-egress-{} (names and addresses not given yet cannot be written)",
                    rule.id, group.slug
                )),
            }
        }
        let mut written = false;
        for end in &flow.to.hosts {
            match end {
                End::Name(name) => {
                    push(&mut group.targets, name.clone());
                    written = true;
                }
                End::Wildcard(pattern) => match pattern.strip_prefix("*.") {
                    Some(domain) if !domain.contains('*') => {
                        push(&mut group.targets, format!(".{domain}"));
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
        if written {
            push(&mut group.flows, rule.id.clone());
            group.http |= flow.check == Some(CheckKind::Http);
            if flow.ports.iter().any(|p| p.first != 443 || p.last != 443) {
                notes.push(format!(
                    "[{}] ports {}: a domain list does not match ports; connections to these names pass on any port",
                    rule.id,
                    flow.ports_text()
                ));
            }
        }
    }
    groups.retain(|g| !g.targets.is_empty());
    notes.extend(groups.iter().flat_map(|g| g.source_notes.iter().cloned()));
    if groups.is_empty() {
        notes.push(
            "no flow leaves the network to a name: there is no rule group to create".to_owned(),
        );
    }
    let inputs: Vec<serde_json::Value> = groups
        .iter_mut()
        .map(|group| {
            // A domain included by `.domain` needs no entry of its own.
            let domains: Vec<String> = group
                .targets
                .iter()
                .filter(|t| t.starts_with('.'))
                .cloned()
                .collect();
            group
                .targets
                .retain(|t| t.starts_with('.') || !domains.iter().any(|d| t.ends_with(d.as_str())));
            let types: &[&str] = if group.http {
                &["TLS_SNI", "HTTP_HOST"]
            } else {
                &["TLS_SNI"]
            };
            let mut rule_group = json!({
                "RulesSource": {
                    "RulesSourceList": {
                        "Targets": group.targets,
                        "TargetTypes": types,
                        "GeneratedRulesType": "ALLOWLIST"
                    }
                }
            });
            if group.home_net.is_empty() {
                notes.push(format!(
                    "palette-egress-{}: HOME_NET is not set, so its sources default to the firewall's VPC CIDR: set it to the addresses of {}",
                    group.slug,
                    clean(&group.label)
                ));
            } else {
                rule_group["RuleVariables"] =
                    json!({ "IPSets": { "HOME_NET": { "Definition": group.home_net } } });
            }
            let description = format!(
                "{} from {}: {}",
                clean(&ticket.title),
                clean(&group.label),
                group.flows.join(", ")
            );
            json!({
                "RuleGroupName": format!("palette-egress-{}", group.slug),
                "Type": "STATEFUL",
                // A domain list takes a stateful rule per name and traffic type.
                "Capacity": (group.targets.len() * types.len()).max(10),
                "Description": description.chars().take(512).collect::<String>(),
                "RuleGroup": rule_group,
            })
        })
        .collect();
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
    // `aws --cli-input-json` refuses keys it does not know, so the notes travel beside the inputs.
    let doc = json!({
        "_usage": "for each N: jq '.inputs[N]' FILE > rule-group.json && aws network-firewall create-rule-group --cli-input-json file://rule-group.json (one rule group per source; reference each from your firewall policy)",
        "inputs": inputs,
        "flows": groups.iter().map(|g| json!({ "rule-group": format!("palette-egress-{}", g.slug), "flows": g.flows })).collect::<Vec<_>>(),
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
