//! Where the topology's boxes and arrows go. Pure geometry, tested natively.

use rules::{Checklist, Role};
use std::collections::BTreeSet;

pub const NODE_W: f64 = 190.0;
pub const NODE_H: f64 = 40.0;
const COLUMN_X: [f64; 3] = [20.0, 300.0, 580.0];
const ROW_GAP: f64 = 76.0;
const TOP: f64 = 20.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub role: Role,
    pub label: &'static str,
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: Role,
    pub to: Role,
    /// SVG path data.
    pub path: String,
    pub label: String,
    pub label_x: f64,
    pub label_y: f64,
    pub status: EdgeStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeStatus {
    Unknown,
    /// Every flow of the arrow is marked open.
    Ticked,
}

impl EdgeStatus {
    pub fn slug(self) -> &'static str {
        match self {
            EdgeStatus::Unknown => "unknown",
            EdgeStatus::Ticked => "ticked",
        }
    }

    pub fn colour(self) -> &'static str {
        match self {
            EdgeStatus::Unknown => "#94a3b8",
            EdgeStatus::Ticked => "#0284c7",
        }
    }
}

/// People and Edge sites on the left, your data centre in the middle, what lies beyond your
/// egress on the right: arrows then mostly run left to right, as connections are opened.
fn column(role: Role) -> usize {
    match role {
        Role::Admin | Role::EdgePeers | Role::EdgeHost => 0,
        Role::Proxy | Role::Palette | Role::Registry | Role::Internet => 2,
        _ => 1,
    }
}

fn short_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "Admin workstations",
        Role::Palette => "Palette",
        Role::ManagementPlane => "Management cluster",
        Role::Workload => "Workload nodes",
        Role::WorkloadApi => "Workload K8s API",
        Role::Pcg => "PCG",
        Role::InfraApi => "Infrastructure API",
        Role::Registry => "Registries",
        Role::AirgapVm => "Air-gap support VM",
        Role::EdgeHost => "Edge hosts",
        Role::EdgePeers => "Edge cluster peers",
        Role::Proxy => "Proxy",
        Role::Dns => "DNS",
        Role::Ntp => "NTP",
        Role::Internet => "Internet services",
    }
}

pub fn layout(checklist: &Checklist, ticked: &BTreeSet<String>) -> Layout {
    let present: BTreeSet<Role> = checklist
        .flows
        .iter()
        .flat_map(|f| [f.from.role, f.to.role])
        .collect();
    let mut rows = [0usize; 3];
    let mut nodes = Vec::new();
    for role in Role::ALL.into_iter().filter(|r| present.contains(r)) {
        let c = column(role);
        nodes.push(Node {
            role,
            label: short_label(role),
            x: COLUMN_X[c],
            y: TOP + rows[c] as f64 * ROW_GAP,
        });
        rows[c] += 1;
    }
    let rows_max = rows.into_iter().max().unwrap_or(1).max(1) as f64;

    // One arrow per ordered pair of roles, labelled with the union of its ports.
    let mut pairs: Vec<(Role, Role, Vec<String>, bool)> = Vec::new();
    for f in &checklist.flows {
        let ports = f.ports_text();
        let done = ticked.contains(&f.id);
        match pairs
            .iter_mut()
            .find(|(a, b, ..)| *a == f.from.role && *b == f.to.role)
        {
            Some((_, _, labels, all_done)) => {
                if !labels.contains(&ports) {
                    labels.push(ports);
                }
                *all_done &= done;
            }
            None => pairs.push((f.from.role, f.to.role, vec![ports], done)),
        }
    }
    let at = |role: Role| nodes.iter().find(|n| n.role == role).map(|n| (n.x, n.y));
    let edges = pairs
        .into_iter()
        .filter_map(|(from, to, labels, done)| {
            let (fx, fy) = at(from)?;
            let (tx, ty) = at(to)?;
            let (path, lx, ly) = route(fx, fy, tx, ty);
            Some(Edge {
                from,
                to,
                path,
                label: abbreviate(&labels),
                label_x: lx,
                label_y: ly,
                status: if done {
                    EdgeStatus::Ticked
                } else {
                    EdgeStatus::Unknown
                },
            })
        })
        .collect();
    Layout {
        width: COLUMN_X[2] + NODE_W + 20.0,
        height: TOP * 2.0 + (rows_max - 1.0) * ROW_GAP + NODE_H,
        nodes,
        edges,
    }
}

/// A path between two boxes: a straight line across columns, a bulge to the right within a
/// column, a loop for flows between nodes of one role.
fn route(fx: f64, fy: f64, tx: f64, ty: f64) -> (String, f64, f64) {
    let (fcy, tcy) = (fy + NODE_H / 2.0, ty + NODE_H / 2.0);
    if (fx - tx).abs() < 1.0 {
        let x = fx + NODE_W;
        if (fy - ty).abs() < 1.0 {
            let path = format!(
                "M {x} {} C {} {}, {} {}, {x} {}",
                fcy - 8.0,
                x + 50.0,
                fcy - 30.0,
                x + 50.0,
                fcy + 30.0,
                fcy + 8.0
            );
            return (path, x + 40.0, fcy + 4.0);
        }
        let bulge = x + 40.0 + (fcy - tcy).abs() / 6.0;
        let path = format!("M {x} {fcy} C {bulge} {fcy}, {bulge} {tcy}, {x} {tcy}");
        return (path, bulge - 10.0, (fcy + tcy) / 2.0);
    }
    let (x1, x2) = if tx > fx {
        (fx + NODE_W, tx)
    } else {
        (fx, tx + NODE_W)
    };
    let path = format!("M {x1} {fcy} L {x2} {tcy}");
    (path, (x1 + x2) / 2.0, (fcy + tcy) / 2.0 - 4.0)
}

/// Port lists can be long (the firewalld list); keep the picture readable.
fn abbreviate(labels: &[String]) -> String {
    match labels.len() {
        0 => String::new(),
        1..=3 => labels.join(", "),
        n => format!("{}, … ({n} ports)", labels[..2].join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::{evaluate, Answers, Infrastructure};

    fn vsphere() -> Checklist {
        let mut a = Answers::default();
        a.infrastructure = vec![Infrastructure::Vsphere];
        evaluate(&a).unwrap()
    }

    #[test]
    fn every_flow_has_an_arrow_between_two_placed_boxes() {
        let c = vsphere();
        let l = layout(&c, &BTreeSet::new());
        for f in &c.flows {
            assert!(
                l.edges
                    .iter()
                    .any(|e| e.from == f.from.role && e.to == f.to.role),
                "no arrow for {}",
                f.id
            );
        }
        let roles: BTreeSet<Role> = l.nodes.iter().map(|n| n.role).collect();
        assert!(roles.contains(&Role::Pcg) && roles.contains(&Role::InfraApi));
        for n in &l.nodes {
            assert!(
                n.x + NODE_W <= l.width && n.y + NODE_H <= l.height,
                "{n:?} outside"
            );
        }
    }

    #[test]
    fn an_arrow_is_ticked_only_when_all_its_flows_are() {
        let c = vsphere();
        let pcg: Vec<String> = c
            .flows
            .iter()
            .filter(|f| f.from.role == Role::Pcg && f.to.role == Role::Registry)
            .map(|f| f.id.clone())
            .collect();
        assert!(!pcg.is_empty());
        let ticked: BTreeSet<String> = pcg.into_iter().collect();
        let l = layout(&c, &ticked);
        let edge = l
            .edges
            .iter()
            .find(|e| e.from == Role::Pcg && e.to == Role::Registry)
            .unwrap();
        assert_eq!(edge.status, EdgeStatus::Ticked);
        let other = l
            .edges
            .iter()
            .find(|e| e.from == Role::Pcg && e.to == Role::Palette)
            .unwrap();
        assert_eq!(other.status, EdgeStatus::Unknown);
    }

    #[test]
    fn long_port_lists_are_abbreviated() {
        let labels: Vec<String> = ["1", "2", "3", "4", "5"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(abbreviate(&labels), "1, 2, … (5 ports)");
    }
}
