//! Targets as the probe's terminal shows them (`rules::target`) and page text as it escapes it
//! (`endpoint::printable`): whatever a page writes, what reaches the person's terminal holds no
//! control, bidi or zero-width character, stays bounded, and keeps a name's last two labels.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcheck_rules::endpoint::{parse_host, printable, Host};
use portcheck_rules::target::{class, never_a_palette_target, shown, MAX_SHOWN};

/// What a terminal would act on or hide: controls, bidi embeddings, overrides, isolates and
/// marks, zero-width characters, the byte order mark.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

fuzz_target!(|text: &str| {
    let escaped = printable(text);
    assert!(!escaped.chars().any(hidden), "{text:?} -> {escaped:?}");
    assert!(escaped.chars().count() <= 200 * 10 + 1, "{text:?}");
    let Ok(host) = parse_host(text) else { return };
    let _ = (class(&host), never_a_palette_target(&host));
    let seen = shown(text);
    assert!(!seen.chars().any(hidden), "{text:?} -> {seen:?}");
    if let Host::Name(name) = &host {
        let labels: Vec<&str> = name.rsplitn(3, '.').take(2).collect();
        let tail = labels.into_iter().rev().collect::<Vec<_>>().join(".");
        assert!(seen.contains(&tail), "{text:?} -> {seen:?} lost {tail:?}");
        // The ASCII form, cut, and its Unicode form beside it: each about MAX_SHOWN.
        assert!(seen.chars().count() <= 2 * (MAX_SHOWN + 130) + 3, "{text:?} -> {seen:?}");
    }
});
