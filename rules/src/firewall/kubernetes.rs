use super::{clean, header, heading, Model};
use crate::rule::{Role, Transport};
use crate::ticket::Ticket;
use crate::SaasIps;

/// A NetworkPolicy allowing the Palette agent's egress from its namespace: DNS to the cluster's
/// resolver, then one rule per flow that starts at the workload cluster.
pub fn network_policy(ticket: &Ticket, saas: &SaasIps) -> String {
    let model = Model::new(ticket, saas);
    let mut out = header(
        ticket,
        "#",
        "Check with: kubectl apply --dry-run=server -f FILE.",
    );
    out.push_str(
        "# Replace the namespace with the one the Palette agent runs in (cluster-<cluster uid>).\n",
    );
    out.push_str(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: palette-agent-egress\n  namespace: cluster-change-me\nspec:\n  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    # Name resolution through the cluster DNS.\n    - to:\n        - namespaceSelector: {}\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - protocol: UDP\n          port: 53\n        - protocol: TCP\n          port: 53\n",
    );
    let mut elsewhere = Vec::new();
    for o in &model.openings {
        if o.from != Role::Workload {
            elsewhere.push(o.label());
            continue;
        }
        out.push_str(&heading("    ", &o.label(), o.rule, &o.notes));
        for key in &o.dst.fills {
            out.push_str(&format!(
                "    #   note: {}: add them as ipBlock entries of this rule\n",
                clean(&model.fill_of(key).what)
            ));
        }
        let protocol = match o.flow.transport {
            Transport::Tcp => "TCP",
            Transport::Udp => "UDP",
            other => {
                out.push_str(&format!(
                    "    #   not written: NetworkPolicy cannot express {}\n",
                    other.as_str()
                ));
                continue;
            }
        };
        let cidrs: Vec<&String> = o.dst.v4.iter().chain(&o.dst.v6).collect();
        if cidrs.is_empty() {
            out.push_str("    #   not written until the destination's addresses are known\n");
            continue;
        }
        out.push_str("    - to:\n");
        for cidr in cidrs {
            out.push_str(&format!("        - ipBlock:\n            cidr: {cidr}\n"));
        }
        out.push_str("      ports:\n");
        for r in &o.flow.ports {
            out.push_str(&format!(
                "        - protocol: {protocol}\n          port: {}\n",
                r.first
            ));
            if r.last != r.first {
                out.push_str(&format!("          endPort: {}\n", r.last));
            }
        }
    }
    if !elsewhere.is_empty() {
        out.push_str(
            "#\n# Not egress of the workload cluster's pods (the other formats open them):\n",
        );
        for label in elsewhere {
            out.push_str(&format!("#   [{label}]\n"));
        }
    }
    out.push_str(&model.left_out("#"));
    out
}
