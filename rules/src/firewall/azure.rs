use super::{clean, header, heading, Model};
use crate::rule::Transport;
use crate::ticket::Ticket;
use crate::SaasIps;
use std::collections::BTreeMap;

/// A shell script of `az network nsg rule create` commands, one NSG per Palette role: outbound
/// on the NSG of the flow's source and inbound on its destination's, for the user's own ends.
/// Azure refuses a rule whose addresses mix IPv4 and IPv6
/// (ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies), so each family has its own
/// rule, made when both ends have addresses of it.
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
    // One sequence for the whole script, not one per NSG variable: two roles often share an
    // NSG (one subnet), and Azure refuses two rules of one NSG and direction at one priority.
    let mut priority: u32 = 1000;
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
        for (direction, role) in [("Outbound", o.egress), ("Inbound", o.ingress)] {
            let Some(role) = role else { continue };
            let var = format!("NSG_{}", role.slug().to_uppercase().replace('-', "_"));
            nsgs.insert(var.clone(), role.label().to_owned());
            for (family, suffix) in [("v4", "V4"), ("v6", "V6")] {
                // Each end in this family: its known prefixes, and the lists to fill in.
                let mut only_lists = Vec::new();
                let mut sides = Vec::new();
                for ends in [&o.src, &o.dst] {
                    let known = if family == "v4" { &ends.v4 } else { &ends.v6 };
                    let lists: Vec<String> = ends
                        .fills
                        .iter()
                        .map(|key| {
                            let fill = model.fill_of(key);
                            if !used_fills.contains(&fill.key) {
                                used_fills.push(fill.key.clone());
                            }
                            fill.family_var(suffix)
                        })
                        .collect();
                    if known.is_empty() && lists.is_empty() {
                        break;
                    }
                    let words = known
                        .iter()
                        .cloned()
                        .chain(lists.iter().map(|l| format!("${l}")));
                    sides.push(words.collect::<Vec<_>>().join(" "));
                    if known.is_empty() {
                        // Only lists: the rule is made once one of them is set.
                        only_lists.push(lists);
                    }
                }
                let [src, dst] = sides.as_slice() else {
                    continue;
                };
                let prio = priority;
                let rule = format!("{}-{}-{family}", o.slug(), direction.to_lowercase());
                let command = format!(
                    "az network nsg rule create --resource-group \"$RESOURCE_GROUP\" --nsg-name \"${var}\" --name {rule} --priority {prio} --direction {direction} --access Allow --protocol {protocol} --source-address-prefixes {src} --source-port-ranges '*' --destination-address-prefixes {dst} --destination-port-ranges {ports} --description '{}'\n",
                    quote(&o.rule.purpose)
                );
                priority += 10;
                if only_lists.is_empty() {
                    body.push_str(&command);
                } else {
                    body.push_str(&super::when_filled(&only_lists, &rule, &command));
                }
            }
        }
    }
    for (var, label) in &nsgs {
        out.push_str(&format!(
            ": \"${{{var}:?set {var} to the NSG of {label}}}\"\n"
        ));
    }
    for key in &used_fills {
        out.push_str(
            &model
                .fill_of(key)
                .family_declarations("space-separated {version} addresses or CIDRs"),
        );
    }
    out.push_str(&body);
    out.push_str(&model.left_out("#"));
    out
}

/// Inside single quotes only the quote itself needs care.
fn quote(text: &str) -> String {
    clean(text).replace('\'', "'\\''")
}
