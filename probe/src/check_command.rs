//! `portcheck check`: runs a plan from this machine and reports.

use crate::answers_file;
use crate::check::proxy_env::EnvProxy;
use crate::check::routing::{self, Routing};
use crate::check::{self, report, tls::Trust, vantage, Options};
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
        Ok((plan, options, site)) => execute(&args, &plan, options, site),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The plan, how to run it, and the site label to report it under.
fn prepare(args: &CheckArgs) -> Result<(Plan, Options, Option<String>), String> {
    prepare_run(
        &args.plan,
        args.site.as_deref(),
        &args.checks,
        args.parallel,
    )
}

/// What `check` and `watch` read before their first check: the site label, the plan (checked
/// like every plan), and the options its checks run with.
pub fn prepare_run(
    plan: &Path,
    site: Option<&str>,
    checks: &LiveCheckArgs,
    parallel: u64,
) -> Result<(Plan, Options, Option<String>), String> {
    let site = site.map(rules::report::site_label).transpose()?;
    let env_proxy = env_proxy();
    let plan = read_plan(plan, &checks.allow_ports, env_proxy.as_ref())?;
    let proxy_auth = EnvProxy::credentials_for_plan(env_proxy.as_ref(), &plan);
    Ok((
        plan,
        Options {
            timeout: Duration::from_secs(checks.timeout),
            parallel: parallel as usize,
            shared_limit: None,
            trust: trust(checks)?,
            proxy_auth,
        },
        site,
    ))
}

/// The probe's own proxy from `HTTPS_PROXY`; an unusable value is said once and ignored (no
/// credentials go anywhere), since plans without a proxy do not need it.
pub fn env_proxy() -> Option<EnvProxy> {
    EnvProxy::from_env().unwrap_or_else(|message| {
        eprintln!("warning: {message}; no proxy credentials will be sent");
        None
    })
}

/// Checks a plan from outside like every plan: ports of the rule base or `--allow-port`, and a
/// proxy on an allowed port or the one `HTTPS_PROXY` names.
pub fn validate(
    plan: &Plan,
    allowed_ports: &[u16],
    env: Option<&EnvProxy>,
) -> Result<(), Vec<String>> {
    let mut allowed = allowed_ports.to_vec();
    if let (Some(env), Some(proxy)) = (env, &plan.proxy) {
        if env.is(proxy) {
            allowed.push(env.port());
        }
    }
    rules::plan::validate(plan, &allowed)
}

/// A plan file, checked like every plan (`validate`).
pub fn read_plan(
    path: &Path,
    allowed_ports: &[u16],
    env: Option<&EnvProxy>,
) -> Result<Plan, String> {
    let plan: Plan = answers_file::read_json(path, "plan file")?;
    validate(&plan, allowed_ports, env).map_err(|problems| {
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
    let (trust, warnings) = Trust::new(&extra)?;
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
    Ok(Arc::new(trust))
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

fn execute(args: &CheckArgs, plan: &Plan, options: Options, site: Option<String>) -> ExitCode {
    let runtime = match crate::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let total = plan.checks.len();
    let show_progress = std::io::stderr().is_terminal();
    let mut done = 0;
    let clock = vantage::Clock::start();
    let results = runtime.block_on(check::run(plan, options, |r| {
        done += 1;
        tracing::debug!(check = %r.id, verdict = ?r.verdict, millis = r.millis, "check finished");
        if show_progress {
            eprintln!("{}", report::progress_line(done, total, r));
        }
    }));
    let vantage = clock.finish(site, plan);
    let routing = Routing::of(plan, routing::environment().as_deref());
    let out = match args.format {
        CheckFormat::Text => report::text(plan, &vantage, &results, &routing),
        CheckFormat::Json => report::json(plan, &vantage, &results, &routing),
        CheckFormat::Junit => report::junit(plan, &vantage, &results),
    };
    let printed = crate::output::print(&out);
    if args.hold {
        runtime.block_on(crate::serve::stop_signal());
    }
    match printed {
        code if code == ExitCode::SUCCESS => ExitCode::from(report::exit_code(&results)),
        failed => failed,
    }
}
