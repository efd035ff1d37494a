//! `portcheck docs-drift`: documentation pages against the rule base (`rules::drift`).

use crate::cli::{DocsDriftArgs, DriftFormat};
use std::process::ExitCode;

pub fn run(args: DocsDriftArgs) -> ExitCode {
    let unusable = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    let catalog = match rules::catalog() {
        Ok(c) => c,
        Err(e) => return unusable(e.to_string()),
    };
    let mut files = Vec::new();
    for path in &args.files {
        let shown = rules::endpoint::printable(&path.display().to_string());
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push((path.display().to_string(), text)),
                Err(_) => return unusable(format!("{shown}: not UTF-8 text")),
            },
            Err(e) => return unusable(format!("{shown}: {e}")),
        }
    }
    let report = match rules::drift::check(catalog, &files) {
        Ok(report) => report,
        Err(e) => return unusable(e.0),
    };
    let out = match args.format {
        DriftFormat::Text => rules::drift::text(&report),
        DriftFormat::Markdown => rules::drift::markdown(&report),
        DriftFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => json + "\n",
            Err(e) => return unusable(format!("cannot encode the report: {e}")),
        },
    };
    print!("{out}");
    if report.drift.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
