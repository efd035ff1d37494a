//! `portcheck checklist`: the engine's output for an answer file.

use crate::answers_file;
use crate::cli::{ChecklistArgs, ChecklistFormat};
use std::process::ExitCode;

/// Reads an answer file and evaluates it; on bad input the errors go to stderr (one line per
/// field) and the exit status is 2. Every command that takes `--answers` starts here.
pub fn load(path: &std::path::Path) -> Result<(rules::Answers, rules::Checklist), ExitCode> {
    let answers = answers_file::read(path).map_err(|message| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })?;
    let checklist = rules::evaluate(&answers).map_err(|errors| {
        eprintln!(
            "error: {} has {} invalid answer(s):",
            path.display(),
            errors.len()
        );
        for e in errors {
            eprintln!("  {}: {}", e.field, e.message);
        }
        ExitCode::from(2)
    })?;
    Ok((answers, checklist))
}

pub fn run(args: ChecklistArgs) -> ExitCode {
    let (_, checklist) = match load(&args.answers) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let out = match args.format {
        ChecklistFormat::Text => rules::render::text(&checklist),
        ChecklistFormat::Markdown => rules::render::markdown(&checklist),
        ChecklistFormat::Json => match serde_json::to_string_pretty(&checklist) {
            Ok(json) => json + "\n",
            Err(e) => {
                eprintln!("error: cannot encode the checklist: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    crate::output::print(&out)
}
