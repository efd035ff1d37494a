//! What a documentation row states about a flow, read from its cells (or, for whole-row
//! formats, its text): ports, direction, the names and addresses it lists.

use super::tables::DocRow;
use crate::rule::Role;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub ports: Vec<u16>,
    pub direction: Option<Direction>,
    /// A domain or name pattern, as written (`api.spectrocloud.com`, `ecr.*.amazonaws.com`).
    pub name: Option<String>,
    pub ip: Option<String>,
    /// From the Source and Destination columns: the roles each may stand for.
    pub source: Option<Vec<Role>>,
    pub destination: Option<Vec<Role>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "INBOUND",
            Direction::Outbound => "OUTBOUND",
        }
    }
}

impl Facts {
    pub fn of(row: &DocRow) -> Facts {
        if row.columns.is_empty() {
            return Facts::of_text(&row.text());
        }
        Facts {
            ports: row.cell(&["port", "ports"]).map(ports).unwrap_or_default(),
            direction: row.cell(&["direction"]).and_then(direction),
            name: row
                .cell(&["domain", "top-level domain"])
                .map(str::to_owned)
                .filter(|n| !n.is_empty()),
            ip: row.cell(&["ip address"]).map(str::to_owned),
            source: row.cell(&["source"]).map(roles),
            destination: row.cell(&["destination"]).map(roles),
        }
    }

    /// A whole row such as `HTTPS (tcp/443) INBOUND Browser access` (or run together, as the
    /// plain-text copy has it: `NATS (tcp/4222)OUTBOUNDAgent`), or `443 HTTPS PCG Palette ...`.
    fn of_text(text: &str) -> Facts {
        let ports = match text.split_once("(tcp/") {
            Some((_, rest)) => rest
                .split(')')
                .next()
                .and_then(|p| p.parse().ok())
                .into_iter()
                .collect(),
            None => text
                .split_whitespace()
                .next()
                .and_then(|p| p.parse().ok())
                .into_iter()
                .collect(),
        };
        let direction = if text.contains("INBOUND") {
            Some(Direction::Inbound)
        } else if text.contains("OUTBOUND") {
            Some(Direction::Outbound)
        } else {
            None
        };
        Facts {
            ports,
            direction,
            ..Facts::default()
        }
    }
}

/// `HTTPS (tcp/443)`, `443`, `443, 4222`.
fn ports(cell: &str) -> Vec<u16> {
    let inner = cell
        .split_once("(tcp/")
        .map_or(cell, |(_, rest)| rest.split(')').next().unwrap_or(rest));
    inner
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect()
}

fn direction(cell: &str) -> Option<Direction> {
    match cell.trim().to_ascii_uppercase().as_str() {
        "INBOUND" => Some(Direction::Inbound),
        "OUTBOUND" => Some(Direction::Outbound),
        _ => None,
    }
}

/// The roles a Source or Destination cell can mean; empty when the words are unknown.
fn roles(cell: &str) -> Vec<Role> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "pcg" => vec![Role::Pcg],
        "palette" => vec![Role::Palette, Role::ManagementPlane],
        "local network" => vec![
            Role::InfraApi,
            Role::WorkloadApi,
            Role::Workload,
            Role::Registry,
        ],
        _ => Vec::new(),
    }
}

/// The part of the deployment a table's heading is about, for its rows' INBOUND and OUTBOUND.
pub fn subject(heading: &str) -> Vec<Role> {
    let last = heading.rsplit(" > ").next().unwrap_or(heading);
    if last.contains("Management Platform") {
        vec![Role::Palette, Role::ManagementPlane]
    } else if last.contains("Workload Cluster") {
        vec![Role::Workload]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_directions_are_read_from_every_spelling() {
        assert_eq!(ports("HTTPS (tcp/6443)"), [6443]);
        assert_eq!(ports("443, 4222"), [443, 4222]);
        assert_eq!(ports("443"), [443]);
        let plain = Facts::of_text("NATS (tcp/4222)OUTBOUNDAgent communication");
        assert_eq!(
            (plain.ports, plain.direction),
            (vec![4222], Some(Direction::Outbound))
        );
        let pcg = Facts::of_text("6443 HTTPS PCG Local Network Secure channel");
        assert_eq!((pcg.ports, pcg.direction), (vec![6443], None));
        assert_eq!(subject("Self-Hosted > Workload Cluster"), [Role::Workload]);
    }
}
