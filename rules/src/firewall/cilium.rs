use super::{header, heading, left_out};
use crate::end::End;
use crate::rule::{Role, Transport};
use crate::ticket::Ticket;

/// A CiliumNetworkPolicy for the Palette agent's egress by name: `toFQDNs` for names and name
/// patterns, with the DNS rule through which Cilium learns their addresses, and `toCIDRSet` for
/// addresses. Only flows that start at the workload cluster's pods; a proxied flow leaves
/// through the cluster's rule to the proxy.
pub fn cilium(ticket: &Ticket) -> String {
    let mut out = header(
        ticket,
        "#",
        "Check with: kubectl apply --dry-run=server -f FILE (Cilium's CRDs installed).",
    );
    out.push_str(
        "# Replace the namespace with the one the Palette agent runs in (cluster-<cluster uid>).\n\
         # toFQDNs allows the addresses Cilium saw the names resolve to, so DNS must go through\n\
         # Cilium's DNS proxy: the first rule allows it and makes it visible. In a matchPattern, *\n\
         # stands for the characters of one label: names deeper under a domain need their own entry.\n",
    );
    out.push_str(
        "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: palette-agent-egress\n  namespace: cluster-change-me\nspec:\n  endpointSelector: {}\n  egress:\n    # Name resolution through the cluster DNS, seen by Cilium's DNS proxy.\n    - toEndpoints:\n        - matchLabels:\n            k8s:io.kubernetes.pod.namespace: kube-system\n            k8s:k8s-app: kube-dns\n      toPorts:\n        - ports:\n            - port: \"53\"\n              protocol: ANY\n          rules:\n            dns:\n              - matchPattern: \"*\"\n",
    );
    let mut elsewhere = Vec::new();
    for rule in &ticket.rules {
        let Some(flow) = rule.flow.as_ref() else {
            continue;
        };
        if flow.from.role != Role::Workload {
            elsewhere.push(format!("[{}]", rule.id));
            continue;
        }
        if flow.via_proxy && ticket.proxy.is_some() {
            elsewhere.push(format!(
                "[{}] goes through the outbound proxy: the rule to the proxy opens it",
                rule.id
            ));
            continue;
        }
        out.push_str(&heading("    ", &rule.id, rule, &[]));
        let protocol = match flow.transport {
            Transport::Tcp => "TCP",
            Transport::Udp => "UDP",
            other => {
                out.push_str(&format!(
                    "    #   not written: this policy opens TCP and UDP, not {}\n",
                    other.as_str()
                ));
                continue;
            }
        };
        let (mut names, mut cidrs) = (Vec::new(), Vec::new());
        for end in &flow.to.hosts {
            match end {
                End::Name(name) => names.push(format!("matchName: \"{name}\"")),
                End::Wildcard(pattern) => names.push(format!("matchPattern: \"{pattern}\"")),
                End::Ip(_) | End::Net(..) => cidrs.extend(end.cidr().map(|(cidr, _)| cidr)),
                End::Placeholder(label) => out.push_str(&format!(
                    "    #   note: {label}: not in the answers yet; add them to this rule\n"
                )),
            }
        }
        let mut ports = String::from("      toPorts:\n        - ports:\n");
        for r in &flow.ports {
            ports.push_str(&format!(
                "            - port: \"{}\"\n              protocol: {protocol}\n",
                r.first
            ));
            if r.last != r.first {
                ports.push_str(&format!("              endPort: {}\n", r.last));
            }
        }
        if !names.is_empty() {
            out.push_str("    - toFQDNs:\n");
            for name in &names {
                out.push_str(&format!("        - {name}\n"));
            }
            out.push_str(&ports);
        }
        if !cidrs.is_empty() {
            out.push_str("    - toCIDRSet:\n");
            for cidr in &cidrs {
                out.push_str(&format!("        - cidr: {cidr}\n"));
            }
            out.push_str(&ports);
        }
        if names.is_empty() && cidrs.is_empty() {
            out.push_str("    #   not written until the destination is known\n");
        }
    }
    if !elsewhere.is_empty() {
        out.push_str("#\n# Not written here (not egress of the workload cluster's pods, or through the proxy):\n");
        for line in elsewhere {
            out.push_str(&format!("#   {line}\n"));
        }
    }
    out.push_str(&left_out(ticket, "#", &[]));
    out
}
