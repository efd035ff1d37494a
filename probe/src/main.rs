//! `portcheck`: the companion probe and command-line tool of palette-portcheck.

mod answers_file;
mod check;
mod check_command;
mod checklist;
mod cli;
mod docs_drift;
mod kube;
mod listen;
mod merge;
mod output;
mod plan;
mod serve;
mod ticket;
mod watch;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse_with_provenance();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colour codes only for people: a log file or a pipe gets plain lines.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_max_level(cli.log_level())
        .init();
    match cli.command {
        cli::Command::Serve(args) => serve::run(args),
        cli::Command::Checklist(args) => checklist::run(args),
        cli::Command::Ticket(args) => ticket::run(args),
        cli::Command::Plan(args) => plan::run(args),
        cli::Command::Check(args) => check_command::run(args),
        cli::Command::Kube(args) => kube::run(args),
        cli::Command::Merge(args) => merge::run(args),
        cli::Command::Watch(args) => watch::run(args),
        cli::Command::DocsDrift(args) => docs_drift::run(args),
    }
}

/// The runtime the network commands run on: one worker per core, because a plan of hundreds
/// of TLS checks is bounded by the handshakes' CPU once the waiting overlaps (BENCHMARKS.md).
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        })
}
