//! A documentation page read by `portcheck docs-drift`: any text, as each mapped page, is
//! parsed into table rows and compared with the rule base without panicking, and every report
//! renders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck_rules::drift;

fuzz_target!(|text: &str| {
    let Ok(catalog) = portcheck_rules::catalog() else {
        return;
    };
    for page in ["networking-ports.md", "_required-domains.mdx", "palette-public-ips.md"] {
        if let Ok(report) = drift::check(catalog, &[(page.to_owned(), text.to_owned())]) {
            let _ = (drift::text(&report), drift::markdown(&report));
        }
    }
});
