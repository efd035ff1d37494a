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

/// (protocol, from, to) triples: AWS writes ICMP type/code in the port fields.
fn protocols(transport: Transport, ports: &[PortRange]) -> Vec<(&'static str, Option<(i32, i32)>)> {
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
        Transport::Icmp => vec![("icmp", Some((8, -1))), ("icmp", Some((0, -1)))],
    }
}

/// JSON for `aws ec2 authorize-security-group-egress|ingress --ip-permissions`, grouped by the
/// Palette role whose security group receives the rules.
pub fn aws_cli(ticket: &Ticket, saas: &SaasIps) -> String {
    let model = Model::new(ticket, saas);
    let mut groups: Map<String, Value> = Map::new();
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
            if peer.v4.is_empty() && peer.v6.is_empty() {
                continue;
            }
            for (proto, range) in protocols(o.flow.transport, &o.flow.ports) {
                let mut perm = Map::new();
                perm.insert("IpProtocol".into(), json!(proto));
                if let Some((from, to)) = range {
                    perm.insert("FromPort".into(), json!(from));
                    perm.insert("ToPort".into(), json!(to));
                }
                let describe = |cidr_key: &str, cidr: &String| json!({ cidr_key: cidr, "Description": o.label() });
                if !peer.v4.is_empty() {
                    perm.insert(
                        "IpRanges".into(),
                        peer.v4.iter().map(|c| describe("CidrIp", c)).collect(),
                    );
                }
                if !peer.v6.is_empty() {
                    perm.insert(
                        "Ipv6Ranges".into(),
                        peer.v6.iter().map(|c| describe("CidrIpv6", c)).collect(),
                    );
                }
                let group = groups.entry(role.slug().to_owned()).or_insert_with(
                    || json!({ "role": role.label(), "egress": [], "ingress": [] }),
                );
                if let Some(list) = group[direction].as_array_mut() {
                    list.push(Value::Object(perm));
                }
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
        "_usage": "aws ec2 authorize-security-group-egress --group-id SG_ID --ip-permissions \"$(jq -c '.groups.ROLE.egress' FILE)\" (and -ingress with .ingress), with the security group of each role",
        "groups": groups,
        "notes": notes,
        "left-out": left_out,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// Terraform `aws_vpc_security_group_egress_rule` / `_ingress_rule` resources, one per CIDR.
pub fn terraform(ticket: &Ticket, saas: &SaasIps) -> String {
    let model = Model::new(ticket, saas);
    let mut out = header(ticket, "#", "Check with: terraform validate.");
    out.push_str(
        "\nvariable \"security_group_ids\" {\n  description = \"Security group ID of each Palette role (keys: the role names used below)\"\n  type        = map(string)\n}\n",
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
    for o in &model.openings {
        // HCL reads nothing inside a comment: the heading needs no escaping of its own.
        out.push('\n');
        out.push_str(&heading("", &o.label(), o.rule, &o.notes));
        for (direction, role, peer) in sides(o) {
            let cidrs = peer
                .v4
                .iter()
                .map(|c| ("cidr_ipv4", format!("\"{c}\""), None))
                .chain(
                    peer.v6
                        .iter()
                        .map(|c| ("cidr_ipv6", format!("\"{c}\""), None)),
                )
                .chain(peer.fills.iter().flat_map(|key| {
                    [("cidr_ipv4", "ipv4"), ("cidr_ipv6", "ipv6")].map(|(attr, version)| {
                        (
                            attr,
                            "each.value".to_owned(),
                            Some(format!("var.{key}_{version}")),
                        )
                    })
                }));
            for (n, (key, cidr, each)) in cidrs.enumerate() {
                for (k, (proto, range)) in protocols(o.flow.transport, &o.flow.ports)
                    .into_iter()
                    .enumerate()
                {
                    let name = format!(
                        "{}_{direction}_{}_{}",
                        o.slug().replace('-', "_"),
                        n + 1,
                        k + 1
                    );
                    out.push_str(&format!(
                        "resource \"aws_vpc_security_group_{direction}_rule\" \"{name}\" {{\n"
                    ));
                    if let Some(list) = &each {
                        out.push_str(&format!("  for_each          = toset({list})\n"));
                    }
                    out.push_str(&format!(
                        "  security_group_id = var.security_group_ids[\"{}\"]\n  description       = \"{}\"\n  {key:<17} = {cidr}\n  ip_protocol       = \"{proto}\"\n",
                        role.slug(),
                        o.label()
                    ));
                    if let Some((from, to)) = range {
                        out.push_str(&format!(
                            "  from_port         = {from}\n  to_port           = {to}\n"
                        ));
                    }
                    out.push_str("}\n");
                }
            }
        }
    }
    out.push_str(&model.left_out("#"));
    out
}

/// Comment text in HCL: no line breaks, no interpolation.
fn hcl(text: &str) -> String {
    clean(text).replace("${", "$${").replace("%{", "%%{")
}
