//! `portcheck plan`: the checks a probe at one place in the network should run.

use crate::answers_file;
use crate::checklist::evaluate;
use crate::cli::PlanArgs;
use std::process::ExitCode;

pub fn run(args: PlanArgs) -> ExitCode {
    let answers = match answers_file::read(&args.answers) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let checklist = match evaluate(&args.answers, &answers) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let sources = rules::plan::sources(&checklist);
    if !sources.contains(&args.from) {
        let known: Vec<&str> = sources.iter().map(|r| r.slug()).collect();
        eprintln!(
            "error: no flow starts at '{}' for these answers; choose one of: {}",
            args.from.slug(),
            known.join(", ")
        );
        return ExitCode::from(2);
    }
    let plan = rules::plan::plan(&checklist, &answers, args.from);
    match serde_json::to_string_pretty(&plan) {
        Ok(json) => crate::output::print(&(json + "\n")),
        Err(e) => {
            eprintln!("error: cannot encode the plan: {e}");
            ExitCode::FAILURE
        }
    }
}
