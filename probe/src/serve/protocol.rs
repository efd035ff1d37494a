//! The probe's replies on the WebSocket; the app's messages are parsed by `rules::protocol`.
//! Documented in probe/PROTOCOL.md.

use crate::check::CheckResult;
use rules::plan::{Check, Plan, Skipped};
use serde::Serialize;

pub use rules::protocol::{parse, Request, VERSION};

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Reply<'a> {
    Hello {
        v: u32,
        from: Option<rules::Role>,
        checks: &'a [Check],
        skipped: &'a [Skipped],
    },
    Result {
        v: u32,
        result: &'a CheckResult,
    },
    Done {
        v: u32,
        passed: usize,
        warned: usize,
        failed: usize,
    },
    Error {
        v: u32,
        message: String,
    },
}

impl Reply<'_> {
    pub fn hello(plan: Option<&Plan>) -> Reply<'_> {
        Reply::Hello {
            v: VERSION,
            from: plan.map(|p| p.from),
            checks: plan.map_or(&[], |p| p.checks.as_slice()),
            skipped: plan.map_or(&[], |p| p.skipped.as_slice()),
        }
    }

    pub fn error(message: impl Into<String>) -> Reply<'static> {
        Reply::Error {
            v: VERSION,
            message: message.into(),
        }
    }

    pub fn to_json(&self) -> String {
        rules::json::to_string(self)
    }
}
