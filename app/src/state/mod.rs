//! The app's state: the answers (the questionnaire), what the engine makes of them, and the
//! flows the user has ticked off. Everything else is derived.

mod storage;

pub use storage::{
    clear_fragment, forget, load_saved, load_ticket, read_link, save, share_url, Restored,
};

use crate::live::Phase;
use leptos::prelude::*;
use rules::pairing::Pairing;
use rules::protocol::reply::LiveResult;
use rules::ticket::TicketInfo;
use rules::{Answers, Checklist, FieldError};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy)]
pub struct AppState {
    pub answers: RwSignal<Answers>,
    pub result: Memo<Result<Checklist, Vec<FieldError>>>,
    /// Flow ids the user marked as already open.
    pub ticked: RwSignal<BTreeSet<String>>,
    /// The ticket fields only the user knows (its `already-open` is filled from `ticked`).
    pub ticket: RwSignal<TicketInfo>,
    /// Leave flows marked as already open out of the ticket.
    pub omit_ticked: RwSignal<bool>,
    /// The probe to run live checks with, once known; kept in memory only (it holds a token).
    pub pairing: RwSignal<Option<Pairing>>,
    /// Live check results by check id.
    pub live: RwSignal<BTreeMap<String, LiveResult>>,
    /// Checks of the current run still waiting for a result: check id to flow id.
    pub checking: RwSignal<BTreeMap<String, String>>,
    /// Where the current live-check run stands. Here, not in the panel: a run goes on while the
    /// user looks at other steps.
    pub live_phase: RwSignal<Phase>,
}

impl AppState {
    pub fn new(answers: Answers, ticked: BTreeSet<String>) -> AppState {
        let answers = RwSignal::new(answers);
        let result = Memo::new(move |_| answers.with(rules::evaluate));
        AppState {
            answers,
            result,
            ticked: RwSignal::new(ticked),
            ticket: RwSignal::new(TicketInfo::default()),
            omit_ticked: RwSignal::new(true),
            pairing: RwSignal::new(None),
            live: RwSignal::new(BTreeMap::new()),
            checking: RwSignal::new(BTreeMap::new()),
            live_phase: RwSignal::new(Phase::Idle),
        }
    }

    /// The engine's message for one answer field. For list fields (`endpoints.admin`) the message
    /// of the first bad entry, prefixed with its line number.
    pub fn error(&self, field: &'static str) -> Signal<Option<String>> {
        let result = self.result;
        Signal::derive(move || {
            result.with(|r| {
                let errors = r.as_ref().err()?;
                errors.iter().find_map(|e| field_message(e, field))
            })
        })
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
