//! A plan file or message: read, then validated before any connection.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck_rules::plan::{validate, Plan};

fuzz_target!(|text: &str| {
    if let Ok(plan) = portcheck_rules::json::parse::<Plan>(text) {
        let _ = validate(&plan, &[8443, 9443]);
    }
});
