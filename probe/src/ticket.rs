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
