//! A share link from anyone: decoded leniently, and whatever it yields is evaluated.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|link: &str| {
    if let Ok((answers, _)) = portcheck_rules::share::decode(link) {
        let _ = portcheck_rules::evaluate(&answers);
    }
});
