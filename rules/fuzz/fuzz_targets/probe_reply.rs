//! A WebSocket message as the app reads it from whatever listens on the probe's port: it must
//! parse or be refused, never panic, and what it keeps stays bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck_rules::protocol::reply::{parse, Reply};

fuzz_target!(|text: &str| {
    if let Ok(Reply::Result { result: r, .. }) = parse(text) {
        assert!(r.summary.chars().count() <= 2000);
        assert!(r.cause.map_or(0, |c| c.chars().count()) <= 2000);
    }
});
