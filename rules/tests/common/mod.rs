//! Shared access to `../shared` (seeds and the fact base), which CI places beside the project.
#![allow(dead_code)] // each test binary uses part of these helpers

use std::path::PathBuf;

pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("PORTCHECK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")));
    assert!(
        dir.join("facts").is_dir() && dir.join("seeds").is_dir(),
        "{} must hold facts/ and seeds/ (set PORTCHECK_SHARED to point elsewhere)",
        dir.display()
    );
    dir
}

pub fn facts() -> serde_json::Value {
    let path = shared_dir().join("facts/palette_network_facts.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("fact base is JSON")
}

/// Compares output with its recording in `tests/golden/`, or rewrites the recording when
/// `UPDATE_GOLDEN` is set; returns a description of the first difference.
pub fn check(name: &str, actual: &str) -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    (expected != actual).then(|| {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| "length".to_owned(), |n| format!("line {}", n + 1));
        format!("{name} differs from its recording at {line}")
    })
}

/// `rules/data/docs-update-2026-11.json`: what the rule base did about each item of the audit.
pub fn docs_update_register() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/docs-update-2026-11.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).expect("the register is JSON")
}

/// Decision ids beyond the fact base's C01-C22: those the register gives its changed items.
pub fn registered_decisions() -> Vec<String> {
    register_entries()
        .iter()
        .filter_map(|i| i["decision"].as_str().map(str::to_owned))
        .collect()
}

/// The audit's items and the new answers its section 5 led to: every entry of the register.
pub fn register_entries() -> Vec<serde_json::Value> {
    let register = docs_update_register();
    ["items", "answers"]
        .iter()
        .flat_map(|list| register[list].as_array().cloned().unwrap_or_default())
        .collect()
}

/// Fact ids for sources that rest on an audit item: `DU-A1` for item A1.
pub fn registered_facts() -> Vec<String> {
    register_entries()
        .iter()
        .map(|i| format!("DU-{}", i["item"].as_str().unwrap()))
        .collect()
}
