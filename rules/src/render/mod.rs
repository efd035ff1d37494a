//! Human-readable forms of a checklist. Pure string building, shared by the CLI and the app.

mod markdown;
mod text;

pub use markdown::markdown;
pub use text::text;

use crate::checklist::{Checklist, Flow};
use crate::rule::Role;

/// Flows grouped by where they must be opened: by the role that opens the connection, in the
/// order roles first appear in the checklist.
pub fn groups(checklist: &Checklist) -> Vec<(Role, Vec<&Flow>)> {
    let mut groups: Vec<(Role, Vec<&Flow>)> = Vec::new();
    for flow in &checklist.flows {
        match groups.iter_mut().find(|(r, _)| *r == flow.from.role) {
            Some((_, flows)) => flows.push(flow),
            None => groups.push((flow.from.role, vec![flow])),
        }
    }
    groups
}

/// The heading of a group: where the firewall change is made.
pub fn group_title(role: Role) -> String {
    format!("From {}", role.label().to_lowercase())
}

fn level_text(flow: &Flow) -> String {
    let mut level = flow.level.as_str().to_owned();
    if flow.is_documented_inconsistency() {
        level.push_str(", documented inconsistency");
    }
    level
}
