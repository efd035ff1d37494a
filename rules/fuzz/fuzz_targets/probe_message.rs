//! A WebSocket message from a page: any text must parse or be refused, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(portcheck_rules::protocol::Request::Run(Some(ids))) =
        portcheck_rules::protocol::parse(text)
    {
        assert!(ids.len() <= portcheck_rules::plan::MAX_CHECKS);
    }
});
