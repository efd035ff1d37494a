//! `portcheck ticket`: the change ticket or firewall rules for an answer file.

use crate::answers_file;
use crate::checklist::load;
use crate::cli::{IncludeLevel, TicketArgs};
use rules::ticket::{self, TicketInfo};
use std::process::ExitCode;

pub fn run(args: TicketArgs) -> ExitCode {
    let mut info: TicketInfo = match &args.info {
        Some(path) => match answers_file::read_json(path, "ticket info file") {
            Ok(info) => info,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        },
        None => TicketInfo::default(),
    };
    if args.include == Some(IncludeLevel::Optional) {
        info.include_optional = true;
    }
    if let Some(mode) = args.mode {
        info.firewall_mode = mode;
    }
    if !args.evidence.is_empty() {
        let mut reports = Vec::new();
        crate::merge::read_reports(&args.evidence, |source, report| {
            reports.push((source, report))
        });
        if reports.is_empty() {
            eprintln!("error: no report given with --evidence could be read (see above)");
            return ExitCode::from(2);
        }
        // Evidence from the info file first, then each place's from the reports.
        for (flow, line) in ticket::evidence::from_reports(&reports) {
            let entry = info.evidence.entry(flow).or_default();
            if !entry.trim().is_empty() {
                entry.push_str("; ");
            }
            entry.push_str(&line);
        }
    }
    let (answers, checklist) = match load(&args.answers) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let catalog = match rules::catalog() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ticket = ticket::build(&checklist, &answers, &info);
    crate::output::print(&args.format.render(&ticket, &catalog.saas_ips))
}
