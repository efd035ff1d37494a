use super::{header, internal, plan};
use crate::rule::Transport;
use crate::ticket::Ticket;
use crate::SaasIps;
use std::collections::BTreeMap;

/// A shell script of `az network nsg rule create` commands, one NSG per Palette role.
pub fn azure(ticket: &Ticket, saas: &SaasIps) -> String {
    let mut out = String::from("#!/bin/sh\n");
    out.push_str(&header(
        ticket,
        "#",
        "Check with: sh -n FILE. Set RESOURCE_GROUP and each NSG_ variable first.",
    ));
    out.push_str("set -eu\n: \"${RESOURCE_GROUP:?set RESOURCE_GROUP}\"\n");
    let mut body = String::new();
    let mut nsgs: BTreeMap<String, String> = BTreeMap::new();
    let mut priority: BTreeMap<String, u32> = BTreeMap::new();
    for p in plan(ticket, saas) {
        body.push_str(&format!(
            "\n# [{}] {} ({})\n",
            p.rule.id,
            p.rule.purpose,
            p.rule.level.as_str()
        ));
        for note in p.notes() {
            body.push_str(&format!("#   note: {note}\n"));
        }
        let protocol = match p.flow.transport {
            Transport::Tcp => "Tcp",
            Transport::Udp => "Udp",
            Transport::Esp => "Esp",
            Transport::Icmp => "Icmp",
        };
        let ports = if p.flow.ports.is_empty() {
            "'*'".to_owned()
        } else {
            p.flow
                .ports
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        for (direction, role) in [("Outbound", p.flow.from.role), ("Inbound", p.flow.to.role)] {
            if !internal(role) {
                continue;
            }
            let var = format!("NSG_{}", role.slug().to_uppercase().replace('-', "_"));
            nsgs.insert(var.clone(), role.label().to_owned());
            let prio = priority.entry(var.clone()).or_insert(1000);
            let src = prefixes(&p.src.v4, &p.src.v6);
            let dst = prefixes(&p.dst.v4, &p.dst.v6);
            let command = format!(
                "az network nsg rule create --resource-group \"$RESOURCE_GROUP\" --nsg-name \"${var}\" --name {}-{} --priority {prio} --direction {direction} --access Allow --protocol {protocol} --source-address-prefixes {} --source-port-ranges '*' --destination-address-prefixes {} --destination-port-ranges {ports} --description '{}'\n",
                p.rule.id,
                direction.to_lowercase(),
                src.as_deref().unwrap_or("<SOURCE>"),
                dst.as_deref().unwrap_or("<DESTINATION>"),
                quote(&p.rule.purpose)
            );
            if src.is_some() && dst.is_some() {
                body.push_str(&command);
                *prio += 10;
            } else {
                body.push_str(&format!("# {command}"));
            }
        }
    }
    for (var, label) in &nsgs {
        out.push_str(&format!(
            ": \"${{{var}:?set {var} to the NSG of {label}}}\"\n"
        ));
    }
    out.push_str(&body);
    out
}

fn prefixes(v4: &[String], v6: &[String]) -> Option<String> {
    let all: Vec<&String> = v4.iter().chain(v6).collect();
    (!all.is_empty()).then(|| all.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "))
}

/// Inside single quotes only the quote itself needs care.
fn quote(text: &str) -> String {
    text.replace('\'', "'\\''").replace(['\n', '\r'], " ")
}
