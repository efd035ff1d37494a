//! A pairing link pasted by the user or found in the page's address: it must parse or be
//! refused, never panic, and an accepted one names a plain ws:// socket.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck_rules::pairing::parse;

fuzz_target!(|text: &str| {
    for page in [None, Some("http://127.0.0.1:8790")] {
        if let Ok(p) = parse(text, page) {
            assert!(p.socket_url.starts_with("ws://") && p.socket_url.ends_with("/v1/ws"));
            assert_eq!(p.token.len(), 43);
        }
    }
});
