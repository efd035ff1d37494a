//! The WebSocket protocol between the app and the probe (probe/PROTOCOL.md). Both ends speak it,
//! and both read hostile input with it (a page can be anyone's; anything can listen on the
//! probe's port), so it lives here, beside the engine, and is fuzzed (rules/fuzz).

pub mod admission;
pub mod reply;
mod request;

pub use request::{encode, parse, Request, VERSION};
