use super::{clean, header, heading, Ends, Model, Opening};
use crate::rule::{PortRange, Role, Transport};
use crate::ticket::Ticket;
use crate::SaasIps;
use serde_json::{json, Map, Value};

/// Where an opening becomes security-group rules: egress on the group of its source and ingress
/// on the group of its destination, for the ends that are the user's (the model decides), each
/// with the other end as its peer.
fn sides<'o>(o: &'o Opening) -> Vec<(&'static str, Role, &'o Ends)> {
    let mut out = Vec::new();
    if let Some(role) = o.egress {
        out.push(("egress", role, &o.dst));
    }
    if let Some(role) = o.ingress {
        out.push(("ingress", role, &o.src));
    }
    out
}

/// (protocol, from, to) triples: AWS writes ICMP type/code in the port fields. Echo over IPv6
/// is ICMPv6 (its own protocol, types 128 and 129): an `icmp` rule never matches it.
fn protocols(
    transport: Transport,
    ports: &[PortRange],
    ipv6: bool,
) -> Vec<(&'static str, Option<(i32, i32)>)> {
    match transport {
        Transport::Tcp | Transport::Udp => ports
            .iter()
            .map(|p| {
                (
                    transport.as_str(),
                    Some((i32::from(p.first), i32::from(p.last))),
                )
            })
            .collect(),
        Transport::Esp => vec![("50", None)],
        Transport::Icmp if ipv6 => vec![("icmpv6", Some((128, -1))), ("icmpv6", Some((129, -1)))],
        Transport::Icmp => vec![("icmp", Some((8, -1))), ("icmp", Some((0, -1)))],
    }
}

/// Where a security-group rule's peer addresses come from.
#[derive(Clone, PartialEq, Eq)]
enum Peer {
    V4(String),
    V6(String),
    /// A Terraform list variable the user fills (`var.KEY_ipv4` or `_ipv6`): one rule per element.
    List {
        key: String,
        version: &'static str,
    },
}

/// One security-group rule as EC2 holds it: a group, a direction, a protocol and port range, a
/// peer. EC2 refuses the same one twice ("The same permission must not appear multiple times" in
/// one request, InvalidPermission.Duplicate once it exists), and flows often share one (three
/// flows to the same Palette address on 443): each is written once, where its first flow is,
/// and its description names every flow it carries.
struct SgRule {
    role: Role,
    direction: &'static str,
    proto: &'static str,
    range: Option<(i32, i32)>,
    peer: Peer,
    /// The openings it carries (indexes into the model's), the first where it is written.
    openings: Vec<usize>,
    /// Its Terraform resource name, from the first opening.
    name: String,
}

/// Every security-group rule of the model, each once; with `lists`, the address lists the user
/// fills become rules too (Terraform's `for_each`), otherwise they are left to notes.
fn sg_rules(model: &Model, lists: bool) -> Vec<SgRule> {
    let mut rules: Vec<SgRule> = Vec::new();
    for (i, o) in model.openings.iter().enumerate() {
        for (direction, role, ends) in sides(o) {
            let peers = ends
                .v4
                .iter()
                .map(|c| Peer::V4(c.clone()))
                .chain(ends.v6.iter().map(|c| Peer::V6(c.clone())))
                .chain(ends.fills.iter().filter(|_| lists).flat_map(|key| {
                    ["ipv4", "ipv6"].map(|version| Peer::List {
                        key: key.clone(),
                        version,
                    })
                }));
            for (n, peer) in peers.enumerate() {
                let ipv6 = matches!(
                    peer,
                    Peer::V6(_)
                        | Peer::List {
                            version: "ipv6",
                            ..
                        }
                );
                for (k, (proto, range)) in protocols(o.flow.transport, &o.flow.ports, ipv6)
                    .into_iter()
                    .enumerate()
                {
                    let same = rules.iter_mut().find(|r| {
                        r.role == role
                            && r.direction == direction
                            && r.proto == proto
                            && r.range == range
                            && r.peer == peer
                    });
                    match same {
                        Some(rule) => rule.openings.push(i),
                        None => rules.push(SgRule {
                            role,
                            direction,
                            proto,
                            range,
                            peer: peer.clone(),
                            openings: vec![i],
                            name: format!(
                                "{}_{direction}_{}_{}",
                                o.slug().replace('-', "_"),
                                n + 1,
                                k + 1
                            ),
                        }),
                    }
                }
            }
        }
    }
    rules
}

/// A rule's description: the flows it carries, within EC2's 255 characters.
fn description(model: &Model, rule: &SgRule) -> String {
    const LIMIT: usize = 255;
    let labels: Vec<String> = rule
        .openings
        .iter()
        .map(|&i| model.openings[i].label())
        .collect();
    let mut out = String::new();
    for (i, label) in labels.iter().enumerate() {
        let separator = if i == 0 { "" } else { ", " };
        let rest = labels.len() - i - 1;
        let tail = if rest == 0 {
            0
        } else {
            format!(" and {rest} more").len()
        };
        if out.len() + separator.len() + label.len() + tail > LIMIT {
            out.push_str(&format!(" and {} more", labels.len() - i));
            break;
        }
        out.push_str(separator);
        out.push_str(label);
    }
    out
}

/// JSON for `aws ec2 authorize-security-group-egress|ingress --ip-permissions`, grouped by the
/// Palette role whose security group receives the rules.
pub fn aws_cli(ticket: &Ticket, saas: &SaasIps) -> String {
    let model = Model::new(ticket, saas);
    let mut groups: Map<String, Value> = Map::new();
    for rule in sg_rules(&model, false) {
        let (ranges, mut item) = match &rule.peer {
            Peer::V4(cidr) => ("IpRanges", json!({ "CidrIp": cidr })),
            Peer::V6(cidr) => ("Ipv6Ranges", json!({ "CidrIpv6": cidr })),
            Peer::List { .. } => unreachable!("sg_rules(_, false) writes no lists"),
        };
        item["Description"] = json!(description(&model, &rule));
        let group = groups
            .entry(rule.role.slug().to_owned())
            .or_insert_with(|| json!({ "role": rule.role.label(), "egress": [], "ingress": [] }));
        let Some(list) = group[rule.direction].as_array_mut() else {
            continue;
        };
        let port = |p: &Value| {
            p["IpProtocol"] == rule.proto
                && rule
                    .range
                    .is_none_or(|(from, to)| p["FromPort"] == from && p["ToPort"] == to)
        };
        let index = match list.iter().position(port) {
            Some(index) => index,
            None => {
                let mut perm = json!({ "IpProtocol": rule.proto });
                if let Some((from, to)) = rule.range {
                    perm["FromPort"] = json!(from);
                    perm["ToPort"] = json!(to);
                }
                list.push(perm);
                list.len() - 1
            }
        };
        let perm = &mut list[index];
        if perm[ranges].is_null() {
            perm[ranges] = json!([]);
        }
        if let Some(items) = perm[ranges].as_array_mut() {
            items.push(item);
        }
    }
    let mut notes = Vec::new();
    for o in &model.openings {
        let mut flow_notes = o.notes.clone();
        for (direction, role, peer) in sides(o) {
            for key in &peer.fills {
                flow_notes.push(format!(
                    "{direction} rule of group {} not written: it needs the {} as CIDRs",
                    role.slug(),
                    model.fill_of(key).what
                ));
            }
        }
        if !flow_notes.is_empty() {
            notes.push(json!({ "flow": o.label(), "notes": flow_notes }));
        }
    }
    let left_out: Vec<String> = model
        .left_out("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let doc = json!({
        "_about": header(ticket, "", "").lines().map(str::trim).collect::<Vec<_>>(),
        "_usage": "aws ec2 authorize-security-group-egress --group-id SG_ID --ip-permissions \"$(jq -c '.groups.ROLE.egress' FILE)\" (and -ingress with .ingress), with the security group of each role; each role needs a group of its own (rules are written once per role, and EC2 refuses the same rule twice in one group)",
        "groups": groups,
        "notes": notes,
        "left-out": left_out,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// Terraform `aws_vpc_security_group_egress_rule` / `_ingress_rule` resources, one per
/// security-group rule, under the heading of the first flow it carries.
pub fn terraform(ticket: &Ticket, saas: &SaasIps) -> String {
    let model = Model::new(ticket, saas);
    let rules = sg_rules(&model, true);
    let mut out = header(ticket, "#", "Check with: terraform validate.");
    out.push_str(
        "\nvariable \"security_group_ids\" {\n  description = \"Security group ID of each Palette role (keys: the role names used below)\"\n  type        = map(string)\n  # Rules are written once per role: two roles in one group would repeat a rule, which EC2 refuses.\n  validation {\n    condition     = length(distinct(values(var.security_group_ids))) == length(var.security_group_ids)\n    error_message = \"Each role needs a security group of its own: rules two roles share are written once per role, and EC2 refuses the same rule twice in one group.\"\n  }\n}\n",
    );
    for fill in &model.fills {
        for (version, family) in [("ipv4", "IPv4"), ("ipv6", "IPv6")] {
            out.push_str(&format!(
                "\nvariable \"{}_{version}\" {{\n  description = \"{family} CIDRs: {}\"\n  type        = list(string)\n}}\n",
                fill.key,
                hcl(&fill.what).replace('\\', "\\\\").replace('"', "\\\"")
            ));
        }
    }
    for (i, o) in model.openings.iter().enumerate() {
        // HCL reads nothing inside a comment: the heading needs no escaping of its own.
        out.push('\n');
        out.push_str(&heading("", &o.label(), o.rule, &o.notes));
        for rule in rules.iter().filter(|r| r.openings.contains(&i)) {
            if rule.openings[0] != i {
                out.push_str(&format!(
                    "#   also carried by {}.{} above (the same group, port and address)\n",
                    resource_type(rule),
                    rule.name
                ));
                continue;
            }
            out.push_str(&format!(
                "resource \"{}\" \"{}\" {{\n",
                resource_type(rule),
                rule.name
            ));
            let (attribute, cidr) = match &rule.peer {
                Peer::V4(cidr) => ("cidr_ipv4", format!("\"{cidr}\"")),
                Peer::V6(cidr) => ("cidr_ipv6", format!("\"{cidr}\"")),
                Peer::List { key, version } => {
                    out.push_str(&format!(
                        "  for_each          = toset(var.{key}_{version})\n"
                    ));
                    (
                        if *version == "ipv4" {
                            "cidr_ipv4"
                        } else {
                            "cidr_ipv6"
                        },
                        "each.value".to_owned(),
                    )
                }
            };
            out.push_str(&format!(
                "  security_group_id = var.security_group_ids[\"{}\"]\n  description       = \"{}\"\n  {attribute:<17} = {cidr}\n  ip_protocol       = \"{}\"\n",
                rule.role.slug(),
                description(&model, rule),
                rule.proto
            ));
            if let Some((from, to)) = rule.range {
                out.push_str(&format!(
                    "  from_port         = {from}\n  to_port           = {to}\n"
                ));
            }
            out.push_str("}\n");
        }
    }
    out.push_str(&model.left_out("#"));
    out
}

fn resource_type(rule: &SgRule) -> String {
    format!("aws_vpc_security_group_{}_rule", rule.direction)
}

/// Comment text in HCL: no line breaks, no interpolation.
fn hcl(text: &str) -> String {
    clean(text).replace("${", "$${").replace("%{", "%%{")
}
