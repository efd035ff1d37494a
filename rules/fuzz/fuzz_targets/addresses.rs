//! Addresses and NO_PROXY entries as users type them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck_rules::endpoint::{parse_endpoint, parse_host};
use portcheck_rules::no_proxy::NoProxy;

fuzz_target!(|text: &str| {
    let endpoint = parse_endpoint(text);
    if let Ok(e) = &endpoint {
        // What was accepted prints back as something that parses again.
        assert!(parse_host(&e.host.to_string()).is_ok(), "{text:?} -> {e}");
    }
    if let Ok(no_proxy) = NoProxy::parse(&[text.to_owned()]) {
        if let Ok(host) = parse_host("api.spectrocloud.com") {
            let _ = no_proxy.bypasses(&host, 443);
        }
    }
});
