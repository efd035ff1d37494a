//! The app's state: the answers (the questionnaire), what the engine makes of them, and the
//! flows the user has ticked off. Everything else is derived.
//!
//! The engine arrives later than the rest (`crate::engine`): the questions are checked at once
//! by `rules::context::Context`, the checklist only once the engine has loaded.

mod storage;

pub use storage::{
    clear_fragment, forget, load_saved, load_ticket, read_link, save, share_url, Restored,
};

use crate::engine::{Engine, LoadError, Status};
use crate::live::verdicts::{Fresh, LiveRun};
use crate::live::Phase;
use leptos::prelude::*;
use rules::context::Context;
use rules::pairing::Pairing;
use rules::protocol::reply::LiveResult;
use rules::report::{Fleet, Report};
use rules::ticket::TicketInfo;
use rules::version::Era;
use rules::{Answers, Checklist, FieldError, Gateway};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy)]
pub struct AppState {
    pub answers: RwSignal<Answers>,
    /// Every field's error, or the era and gateway the answers imply: what the questions need.
    pub checked: Memo<Result<(Era, Gateway), Vec<FieldError>>>,
    /// The loaded half of the app, once something has needed it.
    pub engine: RwSignal<Status>,
    /// The checklist, or the errors that block it; `None` while the engine is not loaded.
    pub result: Memo<Option<Result<Checklist, Vec<FieldError>>>>,
    /// Flow ids the user marked as already open.
    pub ticked: RwSignal<BTreeSet<String>>,
    /// The ticket fields only the user knows (its `already-open` is filled from `ticked`).
    pub ticket: RwSignal<TicketInfo>,
    /// Leave flows marked as already open out of the ticket.
    pub omit_ticked: RwSignal<bool>,
    /// The probe to run live checks with, once known; kept in memory only (it holds a token).
    pub pairing: RwSignal<Option<Pairing>>,
    /// Live check results of the last run by check id, as they came.
    pub live: RwSignal<BTreeMap<String, LiveResult>>,
    /// The last run: its plan and when it started.
    pub live_run: RwSignal<Option<LiveRun>>,
    /// The results that still describe the answers (`verdicts::fresh`): all that is shown.
    pub live_fresh: Memo<Fresh>,
    /// Checks of the current run still waiting for a result: check id to flow id.
    pub checking: RwSignal<BTreeMap<String, String>>,
    /// Where the current live-check run stands. Here, not in the panel: a run goes on while the
    /// user looks at other steps.
    pub live_phase: RwSignal<Phase>,
    /// Check reports imported from many places (`crate::fleet`), as read; in memory only.
    pub fleet_reports: RwSignal<Vec<(String, Report)>>,
    /// Their merge (`rules::report::Fleet`), once there is one.
    pub fleet: RwSignal<Option<Fleet>>,
    /// Files and reports that could not be read, each named.
    pub fleet_problems: RwSignal<Vec<String>>,
}

impl AppState {
    pub fn new(answers: Answers, ticked: BTreeSet<String>) -> AppState {
        let answers = RwSignal::new(answers);
        let checked =
            Memo::new(move |_| answers.with(|a| Context::new(a).map(|cx| (cx.era, cx.gateway))));
        let engine = RwSignal::new(Status::Pending);
        let result = Memo::new(move |_| match engine.get() {
            Status::Ready(e) => Some(answers.with(e.evaluate)),
            Status::Pending | Status::Failed(_) => None,
        });
        let live = RwSignal::new(BTreeMap::new());
        let live_run = RwSignal::new(None::<LiveRun>);
        // Through the engine: the plan and the comparison live in its split module.
        let live_fresh = Memo::new(move |_| {
            let (Status::Ready(engine), Some(run)) = (engine.get(), live_run.get()) else {
                return Fresh::default();
            };
            answers.with(|a| {
                result.with(|r| {
                    let checklist = r.as_ref().and_then(|r| r.as_ref().ok());
                    live.with(|results| (engine.live_fresh)(checklist, a, &run, results))
                })
            })
        });
        AppState {
            answers,
            checked,
            engine,
            result,
            ticked: RwSignal::new(ticked),
            ticket: RwSignal::new(TicketInfo::default()),
            omit_ticked: RwSignal::new(true),
            pairing: RwSignal::new(None),
            live,
            live_run,
            live_fresh,
            checking: RwSignal::new(BTreeMap::new()),
            live_phase: RwSignal::new(Phase::Idle),
            fleet_reports: RwSignal::new(Vec::new()),
            fleet: RwSignal::new(None),
            fleet_problems: RwSignal::new(Vec::new()),
        }
    }

    /// The engine's message for one answer field. For list fields (`endpoints.admin`) the message
    /// of the first bad entry, prefixed with its line number.
    pub fn error(&self, field: &'static str) -> Signal<Option<String>> {
        let checked = self.checked;
        Signal::derive(move || {
            checked.with(|r| {
                let errors = r.as_ref().err()?;
                errors.iter().find_map(|e| field_message(e, field))
            })
        })
    }

    /// The engine, loaded first if this is the first need of it. Loading twice at once is
    /// harmless: the split module is fetched once.
    pub async fn engine(self) -> Result<Engine, &'static str> {
        if let Status::Ready(engine) = self.engine.get_untracked() {
            return Ok(engine);
        }
        self.engine.set(Status::Pending);
        match crate::engine::load().await {
            Ok(engine) => {
                self.engine.set(Status::Ready(engine));
                Ok(engine)
            }
            Err(LoadError) => {
                let message = "The checklist's part of the app could not be downloaded. Check the connection and try again; your answers are kept.";
                self.engine.set(Status::Failed(message));
                Err(message)
            }
        }
    }

    /// Starts loading the engine for views that follow `engine` or `result`.
    pub fn want_engine(self) {
        if !matches!(self.engine.get_untracked(), Status::Ready(_)) {
            leptos::task::spawn_local(async move {
                let _ = self.engine().await;
            });
        }
    }

    /// The ticket fields with the flows to leave out, as the engine takes them.
    pub fn ticket_info(&self) -> TicketInfo {
        let mut info = self.ticket.get();
        if self.omit_ticked.get() {
            info.already_open = self.ticked.get().into_iter().collect();
        }
        info
    }

    /// Changes the answers through a closure, e.g. `state.edit(|a| a.ssh_access = true)`.
    pub fn edit(&self, change: impl FnOnce(&mut Answers)) {
        self.answers.update(change);
    }
}

fn field_message(e: &FieldError, field: &str) -> Option<String> {
    if e.field == field {
        return Some(e.message.clone());
    }
    let index = e
        .field
        .strip_prefix(field)?
        .strip_prefix('[')?
        .strip_suffix(']')?;
    let line = index.parse::<usize>().ok()? + 1;
    Some(format!("Line {line}: {}", e.message))
}

#[cfg(test)]
mod tests {
    use super::field_message;
    use rules::FieldError;

    fn err(field: &str) -> FieldError {
        FieldError {
            field: field.into(),
            message: "bad".into(),
        }
    }

    #[test]
    fn list_errors_name_their_line() {
        assert_eq!(
            field_message(&err("endpoints.admin[1]"), "endpoints.admin").as_deref(),
            Some("Line 2: bad")
        );
        assert_eq!(
            field_message(&err("proxy.url"), "proxy.url").as_deref(),
            Some("bad")
        );
        assert_eq!(field_message(&err("proxy.url"), "proxy"), None);
        assert_eq!(
            field_message(&err("endpoints.admin-x[0]"), "endpoints.admin"),
            None
        );
    }
}
