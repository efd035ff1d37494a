use super::{clean, header, heading, Model};
use crate::rule::Transport;
use crate::ticket::Ticket;
use crate::SaasIps;
use std::collections::BTreeMap;

/// A shell script of `az network nsg rule create` commands, one NSG per Palette role: outbound
/// on the NSG of the flow's source and inbound on its destination's, for the user's own ends.
pub fn azure(ticket: &Ticket, saas: &SaasIps) -> String {
    let model = Model::new(ticket, saas);
    let mut out = String::from("#!/bin/sh\n");
    out.push_str(&header(
        ticket,
        "#",
        "Check with: sh -n FILE. Set RESOURCE_GROUP, each NSG_ variable and each address list first.",
    ));
    // Address lists are split into words on purpose: no file name expansion.
    out.push_str("set -euf\n: \"${RESOURCE_GROUP:?set RESOURCE_GROUP}\"\n");
    let mut body = String::new();
    let mut nsgs: BTreeMap<String, String> = BTreeMap::new();
    let mut priority: BTreeMap<String, u32> = BTreeMap::new();
    let mut used_fills = Vec::new();
    for o in &model.openings {
        body.push('\n');
        body.push_str(&heading("", &o.label(), o.rule, &o.notes));
        let protocol = match o.flow.transport {
            Transport::Tcp => "Tcp",
            Transport::Udp => "Udp",
            Transport::Esp => "Esp",
            Transport::Icmp => "Icmp",
        };
        let ports = if o.flow.ports.is_empty() {
            "'*'".to_owned()
        } else {
            o.flow
                .ports
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut prefixes = |ends: &super::Ends| {
            let mut all: Vec<String> = ends.v4.iter().chain(&ends.v6).cloned().collect();
            for key in &ends.fills {
                let fill = model.fill_of(key);
                if !used_fills.contains(&fill.key) {
                    used_fills.push(fill.key.clone());
                }
                all.push(format!("${}", fill.var()));
            }
            all.join(" ")
        };
        let (src, dst) = (prefixes(&o.src), prefixes(&o.dst));
        for (direction, role) in [("Outbound", o.egress), ("Inbound", o.ingress)] {
            let Some(role) = role else { continue };
            let var = format!("NSG_{}", role.slug().to_uppercase().replace('-', "_"));
            nsgs.insert(var.clone(), role.label().to_owned());
            let prio = priority.entry(var.clone()).or_insert(1000);
            body.push_str(&format!(
                "az network nsg rule create --resource-group \"$RESOURCE_GROUP\" --nsg-name \"${var}\" --name {}-{} --priority {prio} --direction {direction} --access Allow --protocol {protocol} --source-address-prefixes {src} --source-port-ranges '*' --destination-address-prefixes {dst} --destination-port-ranges {ports} --description '{}'\n",
                o.slug(),
                direction.to_lowercase(),
                quote(&o.rule.purpose)
            ));
            *prio += 10;
        }
    }
    for (var, label) in &nsgs {
        out.push_str(&format!(
            ": \"${{{var}:?set {var} to the NSG of {label}}}\"\n"
        ));
    }
    for key in &used_fills {
        let fill = model.fill_of(key);
        let var = fill.var();
        out.push_str(&format!(
            ": \"${{{var}:?set {var} to space-separated addresses or CIDRs: {}}}\"\n",
            clean(&fill.what).replace(['"', '`', '$', '\\', '}'], "")
        ));
    }
    out.push_str(&body);
    out.push_str(&model.left_out("#"));
    out
}

/// Inside single quotes only the quote itself needs care.
fn quote(text: &str) -> String {
    clean(text).replace('\'', "'\\''")
}
