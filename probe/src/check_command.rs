//! `portcheck check`: runs a plan from this machine and reports.

use crate::answers_file;
use crate::check::routing::{self, Routing};
use crate::check::{self, report, tls::Trust, Options};
use crate::cli::{CheckArgs, CheckFormat, LiveCheckArgs};
use rules::plan::Plan;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

pub fn run(args: CheckArgs) -> ExitCode {
    match prepare(&args) {
        Ok((plan, options)) => execute(&args, &plan, options),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn prepare(args: &CheckArgs) -> Result<(Plan, Options), String> {
    let plan = read_plan(&args.plan, &args.checks.allow_ports)?;
    Ok((
        plan,
        Options {
            timeout: Duration::from_secs(args.checks.timeout),
            parallel: args.parallel as usize,
            trust: trust(&args.checks)?,
            proxy_auth: proxy_credentials(),
        },
    ))
}

/// A plan file, checked like every plan: ports of the rule base or `--allow-port` only.
pub fn read_plan(path: &Path, allowed_ports: &[u16]) -> Result<Plan, String> {
    let plan: Plan = answers_file::read_json(path, "plan file")?;
    rules::plan::validate(&plan, allowed_ports).map_err(|problems| {
        format!(
            "{} is not a usable plan:\n  {}",
            path.display(),
            problems.join("\n  ")
        )
    })?;
    Ok(plan)
}

/// The trust stores checks judge certificates by: the system's, plus `--ca`.
pub fn trust(args: &LiveCheckArgs) -> Result<Arc<Trust>, String> {
    let extra = match &args.ca {
        Some(path) => read_ca(path)?,
        None => Vec::new(),
    };
    Ok(Arc::new(Trust::new(&extra)?))
}

fn read_ca(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read --ca {}: {e}", path.display()))?
        .collect();
    let certs = certs.map_err(|e| format!("--ca {} is not valid PEM: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "--ca {} holds no CERTIFICATE block",
            path.display()
        ));
    }
    Ok(certs)
}

/// `user:password` from HTTPS_PROXY (or https_proxy), base64-encoded for Basic auth. The value
/// never reaches a log or a report.
pub fn proxy_credentials() -> Option<String> {
    use base64::Engine;
    let url = std::env::var("HTTPS_PROXY")
        .or_else(|_| std::env::var("https_proxy"))
        .ok()?;
    let authority = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    let (userinfo, _) = authority.rsplit_once('@')?;
    Some(base64::engine::general_purpose::STANDARD.encode(userinfo))
}

fn execute(args: &CheckArgs, plan: &Plan, options: Options) -> ExitCode {
    let runtime = match crate::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let total = plan.checks.len();
    let show_progress = std::io::stderr().is_terminal();
    let mut done = 0;
    let results = runtime.block_on(check::run(plan, options, |r| {
        done += 1;
        tracing::debug!(check = %r.id, verdict = ?r.verdict, millis = r.millis, "check finished");
        if show_progress {
            eprintln!("{}", report::progress_line(done, total, r));
        }
    }));
    let routing = Routing::of(plan, routing::environment().as_deref());
    let out = match args.format {
        CheckFormat::Text => report::text(plan, &results, &routing),
        CheckFormat::Json => report::json(plan, &results, &routing),
        CheckFormat::Junit => report::junit(plan, &results),
    };
    match crate::output::print(&out) {
        code if code == ExitCode::SUCCESS => ExitCode::from(report::exit_code(&results)),
        failed => failed,
    }
}
