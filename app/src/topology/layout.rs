//! Where the topology's zones, boxes and arrows go. Pure geometry, tested natively: every example
//! environment is laid out and checked for arrows through boxes, labels on labels, boxes outside
//! their zone and arrows that cross the firewall line without saying so.
//!
//! Columns run left to right the way connections are opened: people and Edge sites, your data
//! centre, the middle zones (a self-hosted Palette's management network, the DMZ with the
//! proxy), and what lies outside your networks. Every column shares one row grid, so the gaps
//! between rows line up across columns: an arrow that skips a column runs along such a gap
//! ("lane") and never through a box.

use rules::protocol::reply::Verdict;
use rules::{Answers, Checklist, Flow, Role};
use std::collections::{BTreeMap, BTreeSet};

pub const NODE_W: f64 = 170.0;
pub const NODE_H: f64 = 40.0;
const MARGIN: f64 = 20.0;
/// Between two columns: room for labels, arrows that bend into it, and the firewall line.
const GAP: f64 = 100.0;
const ROW_GAP: f64 = 76.0;
/// Above the first row: a zone's padding and title.
const TOP: f64 = 46.0;
/// A zone's padding around its boxes.
const PAD: f64 = 14.0;
const TITLE_H: f64 = 18.0;
/// Right of the last column: arrows between boxes of that column bend into it.
const RIGHT_MARGIN: f64 = 80.0;
/// Below the last row: the lowest lane and the firewall line's caption.
const BOTTOM: f64 = 44.0;
pub const LABEL_H: f64 = 14.0;
/// Arrows between boxes of one column bend right, never beyond this: the firewall line sits
/// in the middle of the gap.
const BEND_MAX: f64 = GAP / 2.0 - 10.0;

/// The areas of the picture a network team draws firewalls between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Zone {
    Site,
    Management,
    Dmz,
    Outside,
}

impl Zone {
    /// Outside your networks exactly when `Role::outside` says so (the one definition of whose
    /// side an end is on, which the ticket and every firewall format follow); the proxy in the
    /// DMZ; Palette's own components, when they run in your networks, in their management
    /// network; everything else at your site.
    pub fn of(role: Role, answers: &Answers) -> Zone {
        if role.outside(answers.deployment, answers.registry) {
            return Zone::Outside;
        }
        match role {
            Role::Proxy => Zone::Dmz,
            Role::Palette | Role::ManagementPlane | Role::PaletteVcenter | Role::PaletteGrpc => {
                Zone::Management
            }
            _ => Zone::Site,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Zone::Site => "site",
            Zone::Management => "management",
            Zone::Dmz => "dmz",
            Zone::Outside => "outside",
        }
    }

    fn title(self, answers: &Answers, roles: &BTreeSet<Role>) -> &'static str {
        match self {
            Zone::Site => "Your site",
            Zone::Management if answers.deployment.is_self_hosted() => "Self-hosted Palette",
            Zone::Management => "Palette management network",
            Zone::Dmz => "DMZ: outbound proxy",
            Zone::Outside if roles.contains(&Role::Palette) => "Internet: Palette SaaS",
            Zone::Outside => "Internet",
        }
    }
}

/// People and Edge sites; your data centre; the middle zones; outside.
fn column_of(role: Role, zone: Zone) -> usize {
    match zone {
        Zone::Site => match role {
            Role::Admin | Role::Installer | Role::EdgeHost | Role::EdgePeers => 0,
            _ => 1,
        },
        Zone::Management | Zone::Dmz => 2,
        Zone::Outside => 3,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// Strictly inside, `inset` away from every edge.
    pub fn holds(&self, (x, y): (f64, f64), inset: f64) -> bool {
        x > self.x + inset
            && x < self.x + self.w - inset
            && y > self.y + inset
            && y < self.y + self.h - inset
    }
}

/// The room an arrow's label takes, centred on `x` with its baseline at `y` (11 px text).
pub fn label_rect(label: &str, x: f64, y: f64) -> Rect {
    let w = label.chars().count() as f64 * 6.2 + 6.0;
    Rect::new(x - w / 2.0, y - LABEL_H + 3.0, w, LABEL_H)
}

/// The room a zone's title takes (12 px bold, left-aligned at the zone's corner).
pub fn title_rect(zone: &ZoneBox) -> Rect {
    let (x, y) = zone.title_at();
    Rect::new(
        x - 2.0,
        y - 12.0,
        zone.title.chars().count() as f64 * 7.4 + 4.0,
        16.0,
    )
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub zones: Vec<ZoneBox>,
    /// The edge of your networks, where one end of a flow is outside them: absent when no flow
    /// leaves (an air-gapped self-hosted Palette).
    pub boundary: Option<Boundary>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ZoneBox {
    pub zone: Zone,
    pub title: &'static str,
    pub rect: Rect,
}

impl ZoneBox {
    /// Where the title's baseline starts.
    pub fn title_at(&self) -> (f64, f64) {
        (self.rect.x + 8.0, self.rect.y + 14.0)
    }
}

/// The firewall line: a vertical line between the last zone of your networks and outside.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    pub x: f64,
    pub top: f64,
    pub bottom: f64,
    pub caption: &'static str,
    /// The caption's centre and baseline, under the picture.
    pub caption_at: (f64, f64),
}

impl Boundary {
    pub fn caption_rect(&self) -> Rect {
        let w = self.caption.chars().count() as f64 * 6.4 + 6.0;
        let (x, y) = self.caption_at;
        Rect::new(x - w / 2.0, y - 11.0, w, 15.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub role: Role,
    pub zone: Zone,
    pub label: &'static str,
    pub x: f64,
    pub y: f64,
}

impl Node {
    pub fn rect(&self) -> Rect {
        Rect::new(self.x, self.y, NODE_W, NODE_H)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: Role,
    pub to: Role,
    pub shape: Shape,
    pub label: String,
    pub label_x: f64,
    pub label_y: f64,
    pub status: EdgeStatus,
    /// One end inside your networks, the other outside: the arrow crosses the firewall line.
    pub crosses: bool,
    /// Every flow of the arrow is optional: drawn dashed.
    pub optional: bool,
    /// The flows the arrow stands for.
    pub flows: Vec<String>,
}

/// An arrow's course: straight segments, or one cubic curve (between boxes of one column).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Lines(Vec<(f64, f64)>),
    Curve([(f64, f64); 4]),
}

impl Shape {
    /// SVG path data.
    pub fn d(&self) -> String {
        let p = |(x, y): (f64, f64)| format!("{x:.1} {y:.1}");
        match self {
            Shape::Lines(points) => {
                let mut d = String::new();
                for (i, point) in points.iter().enumerate() {
                    d.push_str(if i == 0 { "M " } else { " L " });
                    d.push_str(&p(*point));
                }
                d
            }
            Shape::Curve([a, b, c, e]) => {
                format!("M {} C {}, {}, {}", p(*a), p(*b), p(*c), p(*e))
            }
        }
    }

    /// The point at `t` in 0..=1: by length along straight segments, by parameter on a curve.
    pub fn at(&self, t: f64) -> (f64, f64) {
        match self {
            Shape::Lines(points) => {
                let length = |a: (f64, f64), b: (f64, f64)| (b.0 - a.0).hypot(b.1 - a.1);
                let total: f64 = points.windows(2).map(|w| length(w[0], w[1])).sum();
                let mut left = total * t;
                for w in points.windows(2) {
                    let l = length(w[0], w[1]);
                    if left <= l && l > 0.0 {
                        let k = left / l;
                        return (
                            w[0].0 + (w[1].0 - w[0].0) * k,
                            w[0].1 + (w[1].1 - w[0].1) * k,
                        );
                    }
                    left -= l;
                }
                points.last().copied().unwrap_or_default()
            }
            Shape::Curve([a, b, c, e]) => {
                let u = 1.0 - t;
                let mix = |a: f64, b: f64, c: f64, e: f64| {
                    u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * e
                };
                (mix(a.0, b.0, c.0, e.0), mix(a.1, b.1, c.1, e.1))
            }
        }
    }
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

/// One arrow before it is placed: the flows between an ordered pair of boxes.
struct Pair {
    from: Role,
    to: Role,
    ports: Vec<String>,
    status: EdgeStatus,
    optional: bool,
    flows: Vec<String>,
}

/// The arrows of a checklist. Deprecated flows are to be closed, not opened: they get no
/// arrow. A flow through the proxy is drawn as it travels: its source to the proxy (the flow
/// the checklist lists for that), the proxy on to the destination.
fn pairs(
    checklist: &Checklist,
    ticked: &BTreeSet<String>,
    live: &BTreeMap<String, Verdict>,
) -> Vec<Pair> {
    let proxy_drawn = checklist
        .flows
        .iter()
        .any(|f| f.level != rules::Level::Deprecated && f.to.role == Role::Proxy);
    let mut pairs: Vec<Pair> = Vec::new();
    let mut add = |from: Role, to: Role, ports: String, flow: &Flow| {
        let status = EdgeStatus::of_flow(&flow.id, ticked, live);
        let optional = flow.level == rules::Level::Optional;
        match pairs.iter_mut().find(|p| p.from == from && p.to == to) {
            Some(p) => {
                if !p.ports.contains(&ports) {
                    p.ports.push(ports);
                }
                p.status = p.status.max(status);
                p.optional &= optional;
                p.flows.push(flow.id.clone());
            }
            None => pairs.push(Pair {
                from,
                to,
                ports: vec![ports],
                status,
                optional,
                flows: vec![flow.id.clone()],
            }),
        }
    };
    for f in checklist
        .flows
        .iter()
        .filter(|f| f.level != rules::Level::Deprecated)
    {
        if f.via_proxy && proxy_drawn {
            add(Role::Proxy, f.to.role, compact_ports(f), f);
        } else {
            add(f.from.role, f.to.role, compact_ports(f), f);
        }
    }
    pairs
}

/// The picture for a checklist; an arrow's colour is the worst status of its flows (a failure
/// shows even when the other flows passed).
pub fn layout(
    checklist: &Checklist,
    answers: &Answers,
    ticked: &BTreeSet<String>,
    live: &BTreeMap<String, Verdict>,
) -> Layout {
    let pairs = pairs(checklist, ticked, live);
    let present: BTreeSet<Role> = pairs.iter().flat_map(|p| [p.from, p.to]).collect();

    // Columns that hold a box, left to right, and each box's row. In the middle column the
    // DMZ comes below the management network, one empty row apart for its title.
    let zone_of = |role: Role| Zone::of(role, answers);
    let mut by_column: [Vec<Role>; 4] = Default::default();
    for role in Role::ALL.into_iter().filter(|r| present.contains(r)) {
        by_column[column_of(role, zone_of(role))].push(role);
    }
    by_column[2].sort_by_key(|r| zone_of(*r));
    let columns: Vec<usize> = (0..4).filter(|c| !by_column[*c].is_empty()).collect();
    let column_x = |c: usize| {
        let i = columns.iter().position(|k| *k == c).unwrap_or(0) as f64;
        MARGIN + i * (NODE_W + GAP)
    };
    let row_y = |row: usize| TOP + row as f64 * ROW_GAP;
    let mut nodes = Vec::new();
    let mut rows = 0usize;
    for &c in &columns {
        let mut row = 0;
        let mut previous: Option<Zone> = None;
        for &role in &by_column[c] {
            let zone = zone_of(role);
            if previous.is_some_and(|p| p != zone) {
                row += 1;
            }
            previous = Some(zone);
            nodes.push(Node {
                role,
                zone,
                label: short_label(role),
                x: column_x(c),
                y: row_y(row),
            });
            row += 1;
        }
        rows = rows.max(row);
    }
    let rows = rows.max(1);
    let last_x = column_x(*columns.last().unwrap_or(&1));
    let width = last_x + NODE_W + RIGHT_MARGIN;
    let height = row_y(rows) - ROW_GAP + NODE_H + BOTTOM;

    // Zones: the padded hull of their boxes (your site spans its two columns).
    let mut zones: Vec<ZoneBox> = Vec::new();
    for zone in [Zone::Site, Zone::Management, Zone::Dmz, Zone::Outside] {
        let members: Vec<Rect> = nodes
            .iter()
            .filter(|n| n.zone == zone)
            .map(Node::rect)
            .collect();
        if members.is_empty() {
            continue;
        }
        let x0 = members.iter().map(|r| r.x).fold(f64::MAX, f64::min) - PAD;
        let y0 = members.iter().map(|r| r.y).fold(f64::MAX, f64::min) - PAD - TITLE_H;
        let x1 = members.iter().map(|r| r.x + r.w).fold(f64::MIN, f64::max) + PAD;
        let y1 = members.iter().map(|r| r.y + r.h).fold(f64::MIN, f64::max) + PAD;
        zones.push(ZoneBox {
            zone,
            title: zone.title(answers, &present),
            rect: Rect::new(x0, y0, x1 - x0, y1 - y0),
        });
    }
    let boundary = (!by_column[3].is_empty() && columns.len() > 1).then(|| {
        let x = column_x(3) - GAP / 2.0;
        Boundary {
            x,
            top: 4.0,
            bottom: height - 22.0,
            caption: "Firewall: the edge of your networks",
            caption_at: (x, height - 8.0),
        }
    });

    // What labels must not cover: boxes, zone titles, the firewall caption.
    let mut taken: Vec<Rect> = nodes.iter().map(Node::rect).collect();
    taken.extend(zones.iter().map(title_rect));
    taken.extend(boundary.iter().map(Boundary::caption_rect));
    let titles: Vec<Rect> = zones.iter().map(title_rect).collect();

    let at = |role: Role| nodes.iter().find(|n| n.role == role);
    let column_index = |n: &Node| {
        columns
            .iter()
            .position(|c| column_x(*c) == n.x)
            .unwrap_or(0)
    };
    let anchors = anchors(&pairs, &nodes, &column_index);
    let mut lanes_used: BTreeMap<usize, usize> = BTreeMap::new();
    let mut edges = Vec::new();
    for (i, p) in pairs.into_iter().enumerate() {
        let (Some(from), Some(to)) = (at(p.from), at(p.to)) else {
            continue;
        };
        let (a, b) = anchors[i];
        let (cf, ct) = (column_index(from), column_index(to));
        let shape = if cf == ct {
            bend(from, a, b)
        } else if cf.abs_diff(ct) == 1 {
            Shape::Lines(vec![a, b])
        } else {
            // Along the free lane nearest the middle, through the columns in between.
            let (lo, hi) = (cf.min(ct), cf.max(ct));
            let between_left = column_x(columns[lo + 1]) - 16.0;
            let between_right = column_x(columns[hi - 1]) + NODE_W + 16.0;
            let middle = (a.1 + b.1) / 2.0;
            let lane = (1..=rows)
                .filter(|k| {
                    let y = row_y(*k) - (ROW_GAP - NODE_H) / 2.0;
                    let run = Rect::new(between_left, y - 9.0, between_right - between_left, 18.0);
                    !titles.iter().any(|t| t.overlaps(&run))
                })
                .min_by(|x, y| {
                    let cost = |k: &usize| {
                        let ly = row_y(*k) - (ROW_GAP - NODE_H) / 2.0;
                        (ly - middle).abs() + 40.0 * *lanes_used.get(k).unwrap_or(&0) as f64
                    };
                    cost(x).total_cmp(&cost(y))
                })
                .unwrap_or(rows);
            let used = lanes_used.entry(lane).or_insert(0);
            let offset = [0.0, -7.0, 7.0, -12.0, 12.0][(*used).min(4)];
            *used += 1;
            let y = row_y(lane) - (ROW_GAP - NODE_H) / 2.0 + offset;
            let (near, far) = if cf < ct {
                (between_left, between_right)
            } else {
                (between_right, between_left)
            };
            Shape::Lines(vec![a, (near, y), (far, y), b])
        };
        let label = abbreviate(&p.ports);
        let (label_x, label_y) = place_label(&label, &shape, &mut taken);
        edges.push(Edge {
            from: p.from,
            to: p.to,
            crosses: (from.zone == Zone::Outside) != (to.zone == Zone::Outside),
            optional: p.optional,
            shape,
            label,
            label_x,
            label_y,
            status: p.status,
            flows: p.flows,
        });
    }
    Layout {
        width,
        height,
        zones,
        boundary,
        nodes,
        edges,
    }
}

/// Where each arrow leaves its source and meets its target: on the side facing the other box
/// (the right side for boxes of one column), arrows sharing a side spread along it in the order
/// of their other ends, so they do not meet in one point.
fn anchors(
    pairs: &[Pair],
    nodes: &[Node],
    column_index: &dyn Fn(&Node) -> usize,
) -> Vec<((f64, f64), (f64, f64))> {
    /// One arrow's end on a side of a box.
    struct End {
        /// The other end's height, the order along the side.
        other_y: f64,
        arrow: usize,
        is_source: bool,
    }
    let at = |role: Role| nodes.iter().find(|n| n.role == role);
    // (role, right side?) -> the arrows ending there
    let mut sides: BTreeMap<(Role, bool), Vec<End>> = BTreeMap::new();
    for (i, p) in pairs.iter().enumerate() {
        let (Some(from), Some(to)) = (at(p.from), at(p.to)) else {
            continue;
        };
        let (cf, ct) = (column_index(from), column_index(to));
        let (from_right, to_right) = match cf.cmp(&ct) {
            std::cmp::Ordering::Less => (true, false),
            std::cmp::Ordering::Greater => (false, true),
            std::cmp::Ordering::Equal => (true, true),
        };
        // A box's arrow to itself leaves above where it comes back.
        let own = if p.from == p.to { -0.5 } else { 0.0 };
        sides.entry((p.from, from_right)).or_default().push(End {
            other_y: to.y + own,
            arrow: i,
            is_source: true,
        });
        sides.entry((p.to, to_right)).or_default().push(End {
            other_y: from.y - own,
            arrow: i,
            is_source: false,
        });
    }
    let mut out = vec![((0.0, 0.0), (0.0, 0.0)); pairs.len()];
    for ((role, right), mut ends) in sides {
        let Some(node) = at(role) else { continue };
        ends.sort_by(|a, b| a.other_y.total_cmp(&b.other_y).then(a.arrow.cmp(&b.arrow)));
        let x = if right { node.x + NODE_W } else { node.x };
        let n = ends.len() as f64;
        for (k, end) in ends.into_iter().enumerate() {
            let y = node.y + 6.0 + (NODE_H - 12.0) * (k as f64 + 1.0) / (n + 1.0);
            if end.is_source {
                out[end.arrow].0 = (x, y);
            } else {
                out[end.arrow].1 = (x, y);
            }
        }
    }
    out
}

/// An arrow between two boxes of one column (or a box and itself) bends out to the right, the
/// further the boxes are apart, never as far as the firewall line.
fn bend(from: &Node, a: (f64, f64), b: (f64, f64)) -> Shape {
    let x = from.x + NODE_W;
    // The curve reaches 3/4 of the way to its control points.
    let reach = (16.0 + (a.1 - b.1).abs() / 8.0).min(BEND_MAX) / 0.75;
    Shape::Curve([a, (x + reach, a.1), (x + reach, b.1), b])
}

/// Label centres along the arrow, middle first; the first that covers nothing already placed
/// wins.
fn place_label(label: &str, shape: &Shape, taken: &mut Vec<Rect>) -> (f64, f64) {
    let ts = [
        0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8, 0.14, 0.86,
    ];
    let candidates = ts.iter().flat_map(|t| {
        let (x, y) = shape.at(*t);
        // The baseline sits 4 px under the line, so the text is centred on it.
        [0.0, -13.0, 13.0, -24.0, 24.0].map(move |dy| (x, y + 4.0 + dy))
    });
    let chosen = candidates
        .clone()
        .find(|(x, y)| {
            let r = label_rect(label, *x, *y);
            !taken.iter().any(|t| t.overlaps(&r))
        })
        .or_else(|| candidates.clone().next())
        .unwrap_or_default();
    taken.push(label_rect(label, chosen.0, chosen.1));
    chosen
}

/// `443`, `53/udp`, `esp`: TCP is the common case, so only other transports are named.
fn compact_ports(flow: &Flow) -> String {
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
    use rules::answers::ProxyKind;
    use rules::{evaluate, Infrastructure, Level};

    fn vsphere() -> (Checklist, Answers) {
        let a = Answers {
            infrastructure: vec![Infrastructure::Vsphere],
            ..Answers::default()
        };
        (evaluate(&a).unwrap(), a)
    }

    fn example(name: &str) -> (Checklist, Answers) {
        let path = format!("{}/../rules/examples/{name}", env!("CARGO_MANIFEST_DIR"));
        let answers: Answers =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        (evaluate(&answers).unwrap(), answers)
    }

    fn plain((c, a): &(Checklist, Answers)) -> Layout {
        layout(c, a, &BTreeSet::new(), &BTreeMap::new())
    }

    /// Every example environment, and every deployment model with each infrastructure alone,
    /// with and without a proxy.
    fn environments() -> Vec<(String, Checklist, Answers)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/examples");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let (c, a) = example(&name);
                out.push((name, c, a));
            }
        }
        assert!(out.len() >= 15, "the examples are found");
        for deployment in rules::DeploymentModel::ALL {
            for infrastructure in Infrastructure::ALL {
                for proxied in [false, true] {
                    let mut a = Answers {
                        deployment,
                        infrastructure: vec![infrastructure],
                        ssh_access: true,
                        ..Answers::default()
                    };
                    if proxied {
                        a.proxy.kind = ProxyKind::Connect;
                        a.proxy.url = "http://proxy.corp.example:3128".to_owned();
                    }
                    if let Ok(c) = evaluate(&a) {
                        out.push((
                            format!("{deployment:?} {infrastructure:?} proxy={proxied}"),
                            c,
                            a,
                        ));
                    }
                }
            }
        }
        out
    }

    /// The roles an arrow for `flow` joins: through the proxy when the flow goes through it.
    fn drawn_as(l: &Layout, flow: &Flow) -> (Role, Role) {
        let proxied = flow.via_proxy && l.nodes.iter().any(|n| n.role == Role::Proxy);
        let from = if proxied { Role::Proxy } else { flow.from.role };
        (from, flow.to.role)
    }

    #[test]
    fn every_flow_to_open_has_an_arrow_and_deprecated_flows_have_none() {
        for (name, c, a) in environments() {
            let l = layout(&c, &a, &BTreeSet::new(), &BTreeMap::new());
            for f in &c.flows {
                let on_arrow = l.edges.iter().find(|e| e.flows.contains(&f.id));
                if f.level == Level::Deprecated {
                    assert!(on_arrow.is_none(), "{name}: deprecated {} drawn", f.id);
                    continue;
                }
                let e = on_arrow.unwrap_or_else(|| panic!("{name}: no arrow for {}", f.id));
                assert_eq!((e.from, e.to), drawn_as(&l, f), "{name}: {}", f.id);
            }
        }
    }

    #[test]
    fn proxied_flows_are_drawn_through_the_proxy_in_the_dmz() {
        let l = plain(&example("saas-vsphere-proxy-connect.json"));
        let zone = |r: Role| l.nodes.iter().find(|n| n.role == r).unwrap().zone;
        assert_eq!(zone(Role::Proxy), Zone::Dmz);
        assert_eq!(zone(Role::Palette), Zone::Outside);
        // The nodes' flows to Palette SaaS go through the proxy (an admin's browser does not).
        for e in &l.edges {
            assert!(
                !(matches!(e.from, Role::Workload | Role::Pcg) && e.to == Role::Palette),
                "a proxied flow drawn direct: {e:?}"
            );
        }
        assert!(l
            .edges
            .iter()
            .any(|e| e.from == Role::Proxy && e.to == Role::Palette));
        let crossing: BTreeSet<Role> = l
            .edges
            .iter()
            .filter(|e| e.crosses)
            .map(|e| e.from)
            .collect();
        // Installers and admins are not behind the proxy in this environment's answers.
        assert!(crossing.contains(&Role::Proxy), "{crossing:?}");
        assert!(
            !crossing.contains(&Role::Workload) && !crossing.contains(&Role::Pcg),
            "{crossing:?}"
        );
        let to_proxy = l
            .edges
            .iter()
            .find(|e| e.from == Role::Pcg && e.to == Role::Proxy)
            .unwrap();
        assert_eq!(to_proxy.label, "3128");
        assert!(!to_proxy.crosses);
    }

    #[test]
    fn zones_follow_the_one_definition_of_whose_side() {
        for (name, c, a) in environments() {
            let l = layout(&c, &a, &BTreeSet::new(), &BTreeMap::new());
            for n in &l.nodes {
                assert_eq!(
                    n.zone == Zone::Outside,
                    n.role.outside(a.deployment, a.registry),
                    "{name}: {:?}",
                    n.role
                );
            }
            for e in &l.edges {
                let outside = |r: Role| r.outside(a.deployment, a.registry);
                assert_eq!(e.crosses, outside(e.from) != outside(e.to), "{name}: {e:?}");
            }
            let any_outside = l.nodes.iter().any(|n| n.zone == Zone::Outside);
            assert_eq!(l.boundary.is_some(), any_outside, "{name}: firewall line");
        }
        let airgap = plain(&example("self-hosted-airgap.json"));
        assert!(
            airgap.boundary.is_none(),
            "nothing leaves an air-gapped install"
        );
        assert!(airgap
            .zones
            .iter()
            .any(|z| z.zone == Zone::Management && z.title == "Self-hosted Palette"));
    }

    /// The geometric promises, for every environment: boxes inside their zone, zones apart, no
    /// arrow through a box, no label on a box, a title or another label, and the firewall line
    /// crossed by exactly the arrows with one end outside, each labelled with its ports.
    #[test]
    fn the_picture_is_clear_for_every_environment() {
        for (name, c, a) in environments() {
            let l = layout(&c, &a, &BTreeSet::new(), &BTreeMap::new());
            assert_clear(&l, &name);
        }
    }

    fn contains(outer: &Rect, inner: &Rect) -> bool {
        inner.x >= outer.x
            && inner.y >= outer.y
            && inner.x + inner.w <= outer.x + outer.w
            && inner.y + inner.h <= outer.y + outer.h
    }

    fn assert_clear(l: &Layout, name: &str) {
        let picture = Rect::new(0.0, 0.0, l.width, l.height);
        let boxes: Vec<Rect> = l.nodes.iter().map(Node::rect).collect();
        for n in &l.nodes {
            let zone = l.zones.iter().find(|z| z.zone == n.zone).unwrap();
            assert!(
                contains(&zone.rect, &n.rect()),
                "{name}: {:?} outside its zone",
                n.role
            );
        }
        for (i, z) in l.zones.iter().enumerate() {
            assert!(
                contains(&picture, &z.rect),
                "{name}: zone {:?} off the picture",
                z.zone
            );
            assert!(
                contains(&z.rect, &title_rect(z)),
                "{name}: title of {:?} leaves its zone",
                z.zone
            );
            for other in &l.zones[..i] {
                assert!(
                    !z.rect.overlaps(&other.rect),
                    "{name}: zones {:?} and {:?} overlap",
                    z.zone,
                    other.zone
                );
            }
            assert!(
                !boxes.iter().any(|b| b.overlaps(&title_rect(z))),
                "{name}: a box on a title"
            );
        }
        let mut labels: Vec<(Rect, &str)> = Vec::new();
        let mut fixed: Vec<Rect> = l.zones.iter().map(title_rect).collect();
        if let Some(b) = &l.boundary {
            fixed.push(b.caption_rect());
            assert!(
                contains(&picture, &b.caption_rect()),
                "{name}: firewall caption off the picture"
            );
        }
        for e in &l.edges {
            let what = format!("{name}: {:?} -> {:?} ({})", e.from, e.to, e.label);
            let samples: Vec<(f64, f64)> = (2..=98).map(|k| e.shape.at(k as f64 / 100.0)).collect();
            for p in &samples {
                assert!(
                    !boxes.iter().any(|b| b.holds(*p, 1.0)),
                    "{what}: through a box at {p:?}"
                );
                assert!(picture.holds(*p, 0.0), "{what}: off the picture at {p:?}");
            }
            let r = label_rect(&e.label, e.label_x, e.label_y);
            assert!(contains(&picture, &r), "{what}: label off the picture");
            assert!(
                !boxes.iter().any(|b| b.overlaps(&r)),
                "{what}: label on a box"
            );
            assert!(
                !fixed.iter().any(|b| b.overlaps(&r)),
                "{what}: label on a title"
            );
            if let Some((_, other)) = labels.iter().find(|(o, _)| o.overlaps(&r)) {
                panic!("{what}: label on the label {other}");
            }
            labels.push((r, &e.label));
            if let Some(b) = &l.boundary {
                let left = samples.iter().any(|p| p.0 < b.x);
                let right = samples.iter().any(|p| p.0 > b.x);
                assert_eq!(
                    left && right,
                    e.crosses,
                    "{what}: crossing the firewall line"
                );
                assert!(!e.label.is_empty(), "{what}: no ports");
            }
        }
        if let Some(b) = &l.boundary {
            for n in &l.nodes {
                let right = n.x > b.x;
                assert_eq!(
                    right,
                    n.zone == Zone::Outside,
                    "{name}: {:?} on the wrong side",
                    n.role
                );
                assert!(
                    !n.rect().holds((b.x, n.y + 1.0), 0.0),
                    "{name}: the line through {:?}",
                    n.role
                );
            }
        }
    }

    #[test]
    fn an_arrow_is_ticked_only_when_all_its_flows_are() {
        let (c, a) = vsphere();
        let pcg: BTreeSet<String> = c
            .flows
            .iter()
            .filter(|f| f.from.role == Role::Pcg && f.to.role == Role::Registry)
            .map(|f| f.id.clone())
            .collect();
        assert!(!pcg.is_empty());
        let l = layout(&c, &a, &pcg, &BTreeMap::new());
        let status = |from: Role, to: Role| {
            l.edges
                .iter()
                .find(|e| e.from == from && e.to == to)
                .unwrap()
                .status
        };
        assert_eq!(status(Role::Pcg, Role::Registry), EdgeStatus::Ticked);
        assert_eq!(status(Role::Pcg, Role::Palette), EdgeStatus::Unknown);
    }

    #[test]
    fn live_verdicts_outrank_ticks_and_the_worst_flow_colours_the_arrow() {
        let (c, a) = vsphere();
        let pcg_palette: Vec<String> = c
            .flows
            .iter()
            .filter(|f| f.from.role == Role::Pcg && f.to.role == Role::Palette)
            .map(|f| f.id.clone())
            .collect();
        let edge = |ticked: &BTreeSet<String>, live: &BTreeMap<String, Verdict>| {
            layout(&c, &a, ticked, live)
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
    fn arrows_of_optional_flows_only_are_marked_optional() {
        let (c, a) = example("saas-vsphere-pcg.json");
        let l = plain(&(c.clone(), a));
        for e in &l.edges {
            let all_optional = e
                .flows
                .iter()
                .all(|id| c.flows.iter().find(|f| &f.id == id).unwrap().level == Level::Optional);
            assert_eq!(e.optional, all_optional, "{e:?}");
        }
        assert!(
            l.edges.iter().any(|e| e.optional),
            "the example has an optional arrow"
        );
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
