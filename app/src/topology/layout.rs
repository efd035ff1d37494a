//! Where the topology's boxes and arrows go. Pure geometry, tested natively.

use rules::protocol::reply::Verdict;
use rules::{Checklist, Role};
use std::collections::{BTreeMap, BTreeSet};

pub const NODE_W: f64 = 170.0;
pub const NODE_H: f64 = 40.0;
const COLUMN_X: [f64; 3] = [20.0, 310.0, 600.0];
const ROW_GAP: f64 = 76.0;
const TOP: f64 = 30.0;
/// Room right of the last column for arrows between boxes of that column.
const RIGHT_MARGIN: f64 = 90.0;
const LABEL_H: f64 = 14.0;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeStatus {
    /// Every flow of the arrow passed its live checks.
    Passed,
    /// Every flow of the arrow is marked open (or passed).
    Ticked,
    Unknown,
    /// A flow of the arrow passed with a warning (no HTTP/2, TLS inspection).
    Warned,
    /// A flow of the arrow failed its live check.
    Failed,
}

impl EdgeStatus {
    pub const ALL: [EdgeStatus; 5] = [
        EdgeStatus::Passed,
        EdgeStatus::Ticked,
        EdgeStatus::Unknown,
        EdgeStatus::Warned,
        EdgeStatus::Failed,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            EdgeStatus::Passed => "passed",
            EdgeStatus::Ticked => "ticked",
            EdgeStatus::Unknown => "unknown",
            EdgeStatus::Warned => "warned",
            EdgeStatus::Failed => "failed",
        }
    }

    pub fn colour(self) -> &'static str {
        match self {
            EdgeStatus::Passed => "#15803d",
            EdgeStatus::Ticked => "#0284c7",
            EdgeStatus::Unknown => "#94a3b8",
            EdgeStatus::Warned => "#b45309",
            EdgeStatus::Failed => "#b91c1c",
        }
    }

    /// One flow's status: a live verdict outranks a tick.
    fn of_flow(
        id: &str,
        ticked: &BTreeSet<String>,
        live: &BTreeMap<String, Verdict>,
    ) -> EdgeStatus {
        match live.get(id) {
            Some(Verdict::Pass) => EdgeStatus::Passed,
            Some(Verdict::Warn) => EdgeStatus::Warned,
            Some(Verdict::Fail) => EdgeStatus::Failed,
            None if ticked.contains(id) => EdgeStatus::Ticked,
            None => EdgeStatus::Unknown,
        }
    }
}

/// People and Edge sites on the left, your data centre in the middle, what lies beyond your
/// egress on the right: arrows then mostly run left to right, as connections are opened.
fn column(role: Role) -> usize {
    match role {
        Role::Admin | Role::Installer | Role::EdgePeers | Role::EdgeHost => 0,
        Role::Proxy | Role::Palette | Role::PaletteGrpc | Role::Registry | Role::Internet => 2,
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
        Role::PaletteVcenter => "Palette's vCenter",
        Role::Installer => "Installer host",
        Role::PaletteGrpc => "Palette gRPC endpoint",
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

/// The picture for a checklist; an arrow's colour is the worst status of its flows (a failure
/// shows even when the other flows passed).
pub fn layout(
    checklist: &Checklist,
    ticked: &BTreeSet<String>,
    live: &BTreeMap<String, Verdict>,
) -> Layout {
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
    let mut pairs: Vec<(Role, Role, Vec<String>, EdgeStatus)> = Vec::new();
    for f in &checklist.flows {
        let ports = compact_ports(f);
        let status = EdgeStatus::of_flow(&f.id, ticked, live);
        match pairs
            .iter_mut()
            .find(|(a, b, ..)| *a == f.from.role && *b == f.to.role)
        {
            Some((_, _, labels, worst)) => {
                if !labels.contains(&ports) {
                    labels.push(ports);
                }
                *worst = (*worst).max(status);
            }
            None => pairs.push((f.from.role, f.to.role, vec![ports], status)),
        }
    }
    let at = |role: Role| nodes.iter().find(|n| n.role == role).map(|n| (n.x, n.y));
    let middle_rows = rows[1];
    let mut placed: Vec<Rect> = nodes
        .iter()
        .map(|n| Rect::new(n.x, n.y, NODE_W, NODE_H))
        .collect();
    let edges = pairs
        .into_iter()
        .filter_map(|(from, to, labels, status)| {
            let (fx, fy) = at(from)?;
            let (tx, ty) = at(to)?;
            let (path, candidates) = route((fx, fy), (tx, ty), middle_rows);
            let label = abbreviate(&labels);
            let (label_x, label_y) = place_label(&label, &candidates, &mut placed);
            Some(Edge {
                from,
                to,
                path,
                label,
                label_x,
                label_y,
                status,
            })
        })
        .collect();
    Layout {
        width: COLUMN_X[2] + NODE_W + RIGHT_MARGIN,
        height: TOP * 2.0 + (rows_max - 1.0) * ROW_GAP + NODE_H,
        nodes,
        edges,
    }
}

#[derive(Debug, Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// Label centres are tried in order; the first that overlaps no box and no earlier label wins.
fn place_label(label: &str, candidates: &[(f64, f64)], placed: &mut Vec<Rect>) -> (f64, f64) {
    let w = label.chars().count() as f64 * 6.2 + 6.0;
    let rect = |(x, y): (f64, f64)| Rect::new(x - w / 2.0, y - LABEL_H + 3.0, w, LABEL_H);
    let chosen = candidates
        .iter()
        .copied()
        .find(|c| !placed.iter().any(|p| p.overlaps(&rect(*c))))
        .or_else(|| candidates.first().copied())
        .unwrap_or_default();
    placed.push(rect(chosen));
    chosen
}

/// A path between two boxes and candidate label positions along it. Arrows between the outer
/// columns run through the gap between rows of the middle column, so they never cross a box.
fn route(from: (f64, f64), to: (f64, f64), middle_rows: usize) -> (String, Vec<(f64, f64)>) {
    let ((fx, fy), (tx, ty)) = (from, to);
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
            return (path, vec![(x + 45.0, fcy + 4.0), (x + 45.0, fcy - 14.0)]);
        }
        let bulge = x + 30.0 + (fcy - tcy).abs() / 8.0;
        let path = format!("M {x} {fcy} C {bulge} {fcy}, {bulge} {tcy}, {x} {tcy}");
        let mid = (fcy + tcy) / 2.0;
        let candidates = [0.0, -16.0, 16.0, -32.0, 32.0]
            .iter()
            .map(|d| (bulge - 8.0, mid + d))
            .collect();
        return (path, candidates);
    }
    let (x1, x2) = if tx > fx {
        (fx + NODE_W, tx)
    } else {
        (fx, tx + NODE_W)
    };
    if (fx - tx).abs() > COLUMN_X[2] - COLUMN_X[0] - 1.0 {
        let mid = (fcy + tcy) / 2.0;
        let gy = (0..=middle_rows)
            .map(|k| TOP + k as f64 * ROW_GAP - (ROW_GAP - NODE_H) / 2.0)
            .min_by(|a, b| (a - mid).abs().total_cmp(&(b - mid).abs()))
            .unwrap_or(TOP / 2.0);
        let (left, right) = (COLUMN_X[1] - 10.0, COLUMN_X[1] + NODE_W + 10.0);
        let (a, b) = if x1 < x2 {
            (left, right)
        } else {
            (right, left)
        };
        let path = format!("M {x1} {fcy} L {a} {gy} L {b} {gy} L {x2} {tcy}");
        let centre = (left + right) / 2.0;
        let candidates = [0.0, -55.0, 55.0]
            .iter()
            .map(|d| (centre + d, gy + 13.0))
            .collect();
        return (path, candidates);
    }
    let path = format!("M {x1} {fcy} L {x2} {tcy}");
    let candidates = [0.5, 0.35, 0.65, 0.2, 0.8]
        .iter()
        .map(|t| (x1 + (x2 - x1) * t, fcy + (tcy - fcy) * t - 4.0))
        .collect();
    (path, candidates)
}

/// `443`, `53/udp`, `esp`: TCP is the common case, so only other transports are named.
fn compact_ports(flow: &rules::Flow) -> String {
    if flow.ports.is_empty() {
        return flow.transport.as_str().to_owned();
    }
    let ports: Vec<String> = flow.ports.iter().map(|p| p.to_string()).collect();
    match flow.transport {
        rules::Transport::Tcp => ports.join(", "),
        other => format!("{}/{}", ports.join(", "), other.as_str()),
    }
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
        let a = Answers {
            infrastructure: vec![Infrastructure::Vsphere],
            ..Answers::default()
        };
        evaluate(&a).unwrap()
    }

    #[test]
    fn every_flow_has_an_arrow_between_two_placed_boxes() {
        let c = vsphere();
        let l = layout(&c, &BTreeSet::new(), &BTreeMap::new());
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
        let l = layout(&c, &ticked, &BTreeMap::new());
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
    fn live_verdicts_outrank_ticks_and_the_worst_flow_colours_the_arrow() {
        let c = vsphere();
        let pcg_palette: Vec<String> = c
            .flows
            .iter()
            .filter(|f| f.from.role == Role::Pcg && f.to.role == Role::Palette)
            .map(|f| f.id.clone())
            .collect();
        let edge = |ticked: &BTreeSet<String>, live: &BTreeMap<String, Verdict>| {
            layout(&c, ticked, live)
                .edges
                .into_iter()
                .find(|e| e.from == Role::Pcg && e.to == Role::Palette)
                .unwrap()
                .status
        };
        let all_ticked: BTreeSet<String> = pcg_palette.iter().cloned().collect();
        let mut live: BTreeMap<String, Verdict> = pcg_palette
            .iter()
            .map(|id| (id.clone(), Verdict::Pass))
            .collect();
        assert_eq!(edge(&BTreeSet::new(), &live), EdgeStatus::Passed);
        assert_eq!(edge(&all_ticked, &live), EdgeStatus::Passed);
        live.insert(pcg_palette[0].clone(), Verdict::Fail);
        assert_eq!(
            edge(&all_ticked, &live),
            EdgeStatus::Failed,
            "a ticked flow that fails is red"
        );
        live.insert(pcg_palette[0].clone(), Verdict::Warn);
        assert_eq!(edge(&BTreeSet::new(), &live), EdgeStatus::Warned);
    }

    #[test]
    fn labels_overlap_neither_boxes_nor_each_other_for_the_example_environments() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/examples");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let answers: Answers =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                assert_labels_are_clear(
                    &layout(
                        &evaluate(&answers).unwrap(),
                        &BTreeSet::new(),
                        &BTreeMap::new(),
                    ),
                    &path,
                );
            }
        }
        assert_labels_are_clear(
            &layout(&vsphere(), &BTreeSet::new(), &BTreeMap::new()),
            std::path::Path::new("vsphere"),
        );
    }

    fn assert_labels_are_clear(l: &Layout, name: &std::path::Path) {
        let boxes: Vec<Rect> = l
            .nodes
            .iter()
            .map(|n| Rect::new(n.x, n.y, NODE_W, NODE_H))
            .collect();
        let labels: Vec<Rect> = l
            .edges
            .iter()
            .map(|e| {
                let w = e.label.chars().count() as f64 * 6.2 + 6.0;
                Rect::new(e.label_x - w / 2.0, e.label_y - LABEL_H + 3.0, w, LABEL_H)
            })
            .collect();
        for (i, a) in labels.iter().enumerate() {
            let what = (name.display(), &l.edges[i].label);
            assert!(
                !boxes.iter().any(|b| b.overlaps(a)),
                "{what:?}: label on a box"
            );
            assert!(
                !labels[..i].iter().any(|b| b.overlaps(a)),
                "{what:?}: label on a label"
            );
        }
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
