//! Saving the state in localStorage on every change, and restoring it (or a share link) on load.

use leptos::prelude::*;
use rules::share;
use rules::ticket::TicketInfo;
use rules::{Answers, FieldError};
use std::collections::BTreeSet;

const ANSWERS_KEY: &str = "palette-portcheck.answers.v1";
const TICKED_KEY: &str = "palette-portcheck.ticked.v1";
const TICKET_KEY: &str = "palette-portcheck.ticket.v1";

/// What the page starts from, and what the user should be told about it.
pub struct Restored {
    pub answers: Answers,
    pub ticked: BTreeSet<String>,
    /// A message when part of a link or of the saved state could not be read.
    pub notice: Option<String>,
    pub from_link: bool,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// A share link in the URL fragment wins over saved state; a damaged link keeps what it can.
pub fn load_saved() -> Restored {
    let ticked = storage()
        .and_then(|s| s.get_item(TICKED_KEY).ok().flatten())
        .and_then(|t| rules::json::parse(&t).ok())
        .unwrap_or_default();
    match read_link() {
        Some(Ok((answers, notice))) => Restored {
            answers,
            ticked,
            notice,
            from_link: true,
        },
        Some(Err(problem)) => Restored {
            notice: Some(format!("{problem} Your saved answers are shown instead.")),
            ..from_storage(ticked)
        },
        None => from_storage(ticked),
    }
}

/// The share link in the address bar, if there is one: its answers and a notice about any part
/// that could not be read, or why the link could not be read at all. The link is removed from
/// the address bar once read.
pub fn read_link() -> Option<Result<(Answers, Option<String>), String>> {
    let fragment = window().location().hash().unwrap_or_default();
    let link = fragment.strip_prefix("#a=")?;
    let decoded = share::decode(link);
    clear_fragment();
    Some(match decoded {
        Ok((answers, errors)) => Ok((answers, partial_notice("This link", &errors))),
        Err(e) => Err(format!("The link could not be opened: {}", e.0)),
    })
}

fn from_storage(ticked: BTreeSet<String>) -> Restored {
    let saved = storage().and_then(|s| s.get_item(ANSWERS_KEY).ok().flatten());
    let (answers, notice) = match saved.map(|text| rules::json::parse_value(&text)) {
        None => (Answers::default(), None),
        Some(Ok(value)) => {
            let (answers, errors) = share::from_value_lenient(value);
            (answers, partial_notice("Your saved answers", &errors))
        }
        Some(Err(_)) => (
            Answers::default(),
            Some("Your saved answers were damaged and could not be read; starting from the defaults.".to_owned()),
        ),
    };
    Restored {
        answers,
        ticked,
        notice,
        from_link: false,
    }
}

fn partial_notice(what: &str, errors: &[FieldError]) -> Option<String> {
    (!errors.is_empty()).then(|| {
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        format!(
            "{what} had answers this version cannot read ({}); those were reset to their defaults and everything else was kept.",
            fields.join(", ")
        )
    })
}

/// The link stays in the address bar only until it is read: later edits would make it stale.
pub fn clear_fragment() {
    let location = window().location();
    let clean = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&clean));
    }
}

pub fn save(answers: &Answers, ticked: &BTreeSet<String>, ticket: &TicketInfo) {
    let Some(s) = storage() else { return };
    // Credentials typed into an address are refused, and never written down.
    let _ = s.set_item(
        ANSWERS_KEY,
        &rules::json::to_string(&answers.without_credentials()),
    );
    let _ = s.set_item(TICKED_KEY, &rules::json::to_string(ticked));
    let _ = s.set_item(TICKET_KEY, &rules::json::to_string(ticket));
}

/// The saved ticket fields; damaged ones are dropped rather than blocking the page.
pub fn load_ticket() -> TicketInfo {
    storage()
        .and_then(|s| s.get_item(TICKET_KEY).ok().flatten())
        .and_then(|t| rules::json::parse(&t).ok())
        .unwrap_or_default()
}

/// The shareable address of the current answers.
pub fn share_url(answers: &Answers) -> String {
    let location = window().location();
    format!(
        "{}{}#a={}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        share::encode(answers)
    )
}

pub fn forget() {
    if let Some(s) = storage() {
        let _ = s.remove_item(ANSWERS_KEY);
        let _ = s.remove_item(TICKED_KEY);
        let _ = s.remove_item(TICKET_KEY);
    }
}
