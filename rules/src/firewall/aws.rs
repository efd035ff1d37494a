use super::{header, internal, plan, Planned};
use crate::rule::{PortRange, Role, Transport};
use crate::ticket::Ticket;
use crate::SaasIps;
use serde_json::{json, Map, Value};

/// Where a flow becomes a security-group rule: egress on the group of its source and ingress on
/// the group of its destination, for the ends that are your own.
fn sides(p: &Planned) -> Vec<(&'static str, Role)> {
    let mut out = Vec::new();
    if internal(p.flow.from.role) {
        out.push(("egress", p.flow.from.role));
    }
    if internal(p.flow.to.role) {
        out.push(("ingress", p.flow.to.role));
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
    let mut groups: Map<String, Value> = Map::new();
    let mut not_expressible = Vec::new();
    for p in plan(ticket, saas) {
        let notes = p.notes();
        if !notes.is_empty() {
            not_expressible.push(json!({ "flow": p.rule.id, "notes": notes }));
        }
        for (direction, role) in sides(&p) {
            let peer = if direction == "egress" {
                &p.dst
            } else {
                &p.src
            };
            if peer.is_empty() {
                continue;
            }
            for (proto, range) in protocols(p.flow.transport, &p.flow.ports) {
                let mut perm = Map::new();
                perm.insert("IpProtocol".into(), json!(proto));
                if let Some((from, to)) = range {
                    perm.insert("FromPort".into(), json!(from));
                    perm.insert("ToPort".into(), json!(to));
                }
                let describe = |cidr_key: &str, cidr: &String| json!({ cidr_key: cidr, "Description": p.rule.id });
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
    }
    let doc = json!({
        "_about": header(ticket, "", "").lines().map(str::trim).collect::<Vec<_>>(),
        "_usage": "aws ec2 authorize-security-group-egress --group-id SG_ID --ip-permissions \"$(jq -c '.groups.ROLE.egress' FILE)\" (and -ingress with .ingress), with the security group of each role",
        "groups": groups,
        "not-expressible": not_expressible,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// Terraform `aws_vpc_security_group_egress_rule` / `_ingress_rule` resources, one per CIDR.
pub fn terraform(ticket: &Ticket, saas: &SaasIps) -> String {
    let mut out = header(ticket, "#", "Check with: terraform validate.");
    out.push_str(
        "\nvariable \"security_group_ids\" {\n  description = \"Security group ID of each Palette role (keys: the role names used below)\"\n  type        = map(string)\n}\n",
    );
    for p in plan(ticket, saas) {
        out.push_str(&format!(
            "\n# [{}] {} ({})\n",
            p.rule.id,
            hcl(&p.rule.purpose),
            p.rule.level.as_str()
        ));
        for note in p.notes() {
            out.push_str(&format!("#   note: {}\n", hcl(&note)));
        }
        for (direction, role) in sides(&p) {
            let peer = if direction == "egress" {
                &p.dst
            } else {
                &p.src
            };
            let cidrs = peer
                .v4
                .iter()
                .map(|c| ("cidr_ipv4", c))
                .chain(peer.v6.iter().map(|c| ("cidr_ipv6", c)));
            for (n, (key, cidr)) in cidrs.enumerate() {
                for (k, (proto, range)) in protocols(p.flow.transport, &p.flow.ports)
                    .into_iter()
                    .enumerate()
                {
                    let name = format!(
                        "{}_{direction}_{}_{}",
                        p.rule.id.replace('-', "_"),
                        n + 1,
                        k + 1
                    );
                    out.push_str(&format!(
                        "resource \"aws_vpc_security_group_{direction}_rule\" \"{name}\" {{\n  security_group_id = var.security_group_ids[\"{}\"]\n  description       = \"{}\"\n  {key:<17} = \"{cidr}\"\n  ip_protocol       = \"{proto}\"\n",
                        role.slug(),
                        p.rule.id
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
    out
}

/// Comment text in HCL: no line breaks, no interpolation.
fn hcl(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
        .replace("${", "$${")
        .replace("%{", "%%{")
}
