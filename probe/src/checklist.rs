//! `portcheck checklist`: the engine's output for an answer file.

use crate::answers_file;
use crate::cli::{ChecklistArgs, ChecklistFormat};
use std::process::ExitCode;

/// The engine's checklist, or the invalid answers listed on stderr and exit status 2.
pub fn evaluate(
    path: &std::path::Path,
    answers: &rules::Answers,
) -> Result<rules::Checklist, ExitCode> {
    rules::evaluate(answers).map_err(|errors| {
        eprintln!(
            "error: {} has {} invalid answer(s):",
            path.display(),
            errors.len()
        );
        for e in errors {
            eprintln!("  {}: {}", e.field, e.message);
        }
        ExitCode::from(2)
    })
}

pub fn run(args: ChecklistArgs) -> ExitCode {
    let answers = match answers_file::read(&args.answers) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let checklist = match rules::evaluate(&answers) {
        Ok(c) => c,
        Err(errors) => {
            eprintln!(
                "error: {} has {} invalid answer(s):",
                args.answers.display(),
                errors.len()
            );
            for e in errors {
                eprintln!("  {}: {}", e.field, e.message);
            }
            return ExitCode::from(2);
        }
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
