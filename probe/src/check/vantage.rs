//! Where a report is taken: the machine's name and addresses, this probe's version, the plan's
//! digest and the run's times (`rules::report::Vantage`), so reports from many machines can be
//! told apart and merged.

use rules::plan::Plan;
use rules::report::Vantage;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A run's start, taken before the first check.
pub struct Clock(OffsetDateTime);

impl Clock {
    pub fn start() -> Clock {
        Clock(now())
    }

    /// The vantage of a run that started at this clock and ends now.
    pub fn finish(self, site: Option<String>, plan: &Plan) -> Vantage {
        Vantage {
            site,
            host_name: host_name(),
            addresses: addresses(),
            probe_version: env!("CARGO_PKG_VERSION").to_owned(),
            plan_digest: digest(plan),
            started: rfc3339(self.0),
            finished: rfc3339(now()),
        }
    }
}

/// This machine's name, as the system gives it (escaped where it is shown).
pub fn host_name() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

fn now() -> OffsetDateTime {
    // Whole seconds: a report says when, not how long (each check carries its milliseconds).
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// The machine's addresses but loopback, in the order the system lists them; none when the
/// system will not say (the report still names the host).
fn addresses() -> Vec<String> {
    let mut out: Vec<String> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback())
        .map(|i| i.ip().to_string())
        .collect();
    out.dedup();
    out
}

/// `sha256:` and the hex digest of the plan as the probe read it, re-serialized, so the same
/// plan gives the same digest whatever its file's whitespace.
pub fn digest(plan: &Plan) -> String {
    let bytes = serde_json::to_vec(plan).unwrap_or_default();
    let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vantage_names_this_machine_and_the_plan() {
        let plan: Plan = serde_json::from_str(
            r#"{"schema":1,"from":"pcg","palette-version":"4.7.9","checks":[]}"#,
        )
        .unwrap();
        let v = Clock::start().finish(Some("dc1".into()), &plan);
        assert_eq!(v.site.as_deref(), Some("dc1"));
        assert!(!v.host_name.is_empty());
        assert!(v.addresses.iter().all(|a| a
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| !ip.is_loopback())));
        assert_eq!(v.probe_version, env!("CARGO_PKG_VERSION"));
        assert_eq!(v.plan_digest, digest(&plan));
        assert_eq!(v.plan_digest.len(), "sha256:".len() + 64);
        assert!(v.started <= v.finished);
        assert!(
            OffsetDateTime::parse(&v.started, &Rfc3339).is_ok(),
            "{}",
            v.started
        );
        assert!(v.started.ends_with('Z'), "{}", v.started);
    }
}
