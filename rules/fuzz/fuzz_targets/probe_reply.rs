//! A WebSocket message as the app reads it from whatever listens on the probe's port: it must
//! parse or be refused, never panic, and what it keeps stays bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck_rules::protocol::reply::{parse, Reply};

fuzz_target!(|text: &str| {
    let bounded = |s: &str| s.chars().count() <= 2000;
    match parse(text) {
        Ok(Reply::Result { result: r, .. }) => {
            assert!(bounded(&r.id) && bounded(&r.flow) && bounded(&r.summary));
            assert!(r.cause.as_deref().map_or(true, bounded));
            assert!(r.remediation.as_deref().map_or(true, bounded));
        }
        Ok(Reply::Error { message, .. }) => assert!(bounded(&message)),
        Ok(Reply::Hello { checks, skipped, .. }) => {
            assert!(checks.len() <= 1000 && skipped.len() <= 1000);
        }
        _ => {}
    }
});
