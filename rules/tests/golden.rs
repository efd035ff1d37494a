//! Golden tests: every example answer file against its recorded checklist (JSON and Markdown),
//! every invalid example against its recorded field errors. `UPDATE_GOLDEN=1 cargo test`
//! rewrites the recordings; review the diff before committing it.

mod common;

use common::check;
use portcheck_rules::{evaluate, render, Answers};
use std::path::{Path, PathBuf};

fn examples(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> Answers {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

#[test]
fn examples_match_their_recorded_checklists() {
    let files = examples("examples");
    assert!(
        files.len() >= 12,
        "at least 12 environments, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in files {
        let checklist = evaluate(&load(&path))
            .unwrap_or_else(|e| panic!("{} should be valid: {e:?}", path.display()));
        let json = serde_json::to_string_pretty(&checklist).unwrap() + "\n";
        failures.extend(check(&format!("{}.checklist.json", stem(&path)), &json));
        failures.extend(check(
            &format!("{}.checklist.md", stem(&path)),
            &render::markdown(&checklist),
        ));
    }
    assert!(
        failures.is_empty(),
        "{failures:#?}\n(UPDATE_GOLDEN=1 rewrites after review)"
    );
}

#[test]
fn invalid_examples_match_their_recorded_errors() {
    let files = examples("examples/invalid");
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for path in files {
        let errors = evaluate(&load(&path)).expect_err(&path.display().to_string());
        let text: String = errors.iter().map(|e| format!("{e}\n")).collect();
        failures.extend(check(&format!("invalid-{}.errors.txt", stem(&path)), &text));
    }
    assert!(
        failures.is_empty(),
        "{failures:#?}\n(UPDATE_GOLDEN=1 rewrites after review)"
    );
}
