//! `portcheck plan`: the checks a probe at one place in the network should run.

use crate::checklist::load;
use crate::cli::PlanArgs;
use std::process::ExitCode;

pub fn run(args: PlanArgs) -> ExitCode {
    let (answers, checklist) = match load(&args.answers) {
        Ok(loaded) => loaded,
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
