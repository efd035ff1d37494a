//! Live checks: the app pairs with a running probe (`portcheck serve`), sends it the plan for the
//! place it runs, and merges the verdicts that stream back into the checklist, the topology and
//! the ticket. Connecting happens only when the user asks.

mod client;
mod get_probe;
mod panel;
pub mod verdicts;

pub use client::{Phase, Sink};
pub use panel::LivePanel;

use leptos::prelude::*;
use rules::pairing::{self, Pairing};

/// A pairing link in this page's own address (`#t=TOKEN` or `#probe=ADDRESS&t=TOKEN`, as the
/// probe prints them), removed from the address bar at once so the token is not bookmarked,
/// shared or left in the history.
pub fn read_pairing() -> Option<Result<Pairing, String>> {
    let location = window().location();
    let fragment = location.hash().ok()?;
    if !(fragment.starts_with("#t=") || fragment.starts_with("#probe=")) {
        return None;
    }
    crate::state::clear_fragment();
    let origin = location.origin().ok();
    Some(pairing::parse(&fragment, origin.as_deref()))
}
