//! The half of the app a user needs only once the questions are answered: the rules engine with
//! its rule base, and the checklist, topology, ticket and live-check views drawn from its output.
//!
//! The release build (`--cfg portcheck_split`, see `scripts/env.sh`) makes `entry_points` a split
//! point: `scripts/split-app.mjs` moves everything only it reaches into a second wasm module
//! that the page fetches the first time a checklist is wanted, so the questionnaire loads
//! without it. Other builds (tests, `trunk serve`) keep one module and the same async API.

use crate::checklist::ChecklistView;
use crate::live::verdicts::{Fresh, LiveRun};
use crate::state::AppState;
use crate::ticket::TicketStep;
use crate::topology::TopologyView;
use leptos::prelude::*;
use rules::protocol::reply::LiveResult;
use rules::{Answers, Checklist, FieldError};
use std::collections::BTreeMap;

/// Entry points into the loaded half. Plain function pointers: they are `Copy`, `Send` and
/// `'static`, so the main module can keep them in a signal and call across the split.
#[derive(Clone, Copy)]
pub struct Engine {
    pub evaluate: fn(&Answers) -> Result<Checklist, Vec<FieldError>>,
    pub markdown: fn(&Checklist) -> String,
    /// Which live results still describe the answers (`live::verdicts::fresh_for`).
    pub live_fresh:
        fn(Option<&Checklist>, &Answers, &LiveRun, &BTreeMap<String, LiveResult>) -> Fresh,
    pub checklist_step: fn(AppState) -> AnyView,
    pub ticket_step: fn(AppState) -> AnyView,
}

/// Where the engine stands in this page.
#[derive(Clone, Copy)]
pub enum Status {
    /// Not asked for yet, or on its way.
    Pending,
    /// The last attempt failed, with what to tell the user; asking again retries.
    Failed(&'static str),
    Ready(Engine),
}

/// The split module could not be fetched or instantiated (offline, a deploy mid-session).
/// Nothing is cached on failure, so asking again retries.
pub struct LoadError;

impl From<leptos::wasm_split::SplitLoaderError> for LoadError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> LoadError {
        LoadError
    }
}

/// The engine's entry points, fetching its module first if this is the first need of it.
pub async fn load() -> Result<Engine, LoadError> {
    #[cfg(portcheck_split)]
    return entry_points().await;
    #[cfg(not(portcheck_split))]
    entry_points()
}

// `fallible`: a module that fails to load is an error to show, not a panic that stops the app.
#[cfg_attr(
    portcheck_split,
    leptos::wasm_split::wasm_split(engine, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn entry_points() -> Result<Engine, LoadError> {
    Ok(Engine {
        evaluate: rules::evaluate,
        markdown: rules::render::markdown,
        live_fresh: crate::live::verdicts::fresh_for,
        checklist_step: |state| {
            view! {
                <div class="space-y-8">
                    <ChecklistView state />
                    <TopologyView state />
                </div>
            }
            .into_any()
        },
        ticket_step: |state| view! { <TicketStep state /> }.into_any(),
    })
}
