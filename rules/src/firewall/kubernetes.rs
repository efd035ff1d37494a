use super::{header, plan};
use crate::rule::{Role, Transport};
use crate::ticket::Ticket;
use crate::SaasIps;

/// A NetworkPolicy allowing the Palette agent's egress from its namespace: DNS to the cluster's
/// resolver, then one rule per flow that starts at the workload cluster.
pub fn network_policy(ticket: &Ticket, saas: &SaasIps) -> String {
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
    for p in plan(ticket, saas)
        .into_iter()
        .filter(|p| p.flow.from.role == Role::Workload)
    {
        out.push_str(&format!(
            "    # [{}] {} ({})\n",
            p.rule.id,
            p.rule.purpose,
            p.rule.level.as_str()
        ));
        for note in p.notes() {
            out.push_str(&format!("    #   note: {note}\n"));
        }
        let protocol = match p.flow.transport {
            Transport::Tcp => "TCP",
            Transport::Udp => "UDP",
            other => {
                out.push_str(&format!(
                    "    #   note: NetworkPolicy cannot express {}\n",
                    other.as_str()
                ));
                continue;
            }
        };
        let cidrs: Vec<&String> = p.dst.v4.iter().chain(&p.dst.v6).collect();
        if cidrs.is_empty() {
            out.push_str("    #   (no destination addresses yet: rule left out)\n");
            continue;
        }
        out.push_str("    - to:\n");
        for cidr in cidrs {
            out.push_str(&format!("        - ipBlock:\n            cidr: {cidr}\n"));
        }
        out.push_str("      ports:\n");
        for r in &p.flow.ports {
            out.push_str(&format!(
                "        - protocol: {protocol}\n          port: {}\n",
                r.first
            ));
            if r.last != r.first {
                out.push_str(&format!("          endPort: {}\n", r.last));
            }
        }
    }
    out
}
