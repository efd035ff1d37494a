//! NO_PROXY evaluation for a report: how the plan's TLS and gRPC checks are routed under the
//! plan's NO_PROXY (what Palette's components are configured with), which of those routes look
//! wrong, and where this machine's own NO_PROXY would route a target differently: the probe
//! follows the plan, so such a difference means the probe proves a path the cluster won't take.

use rules::no_proxy::NoProxy;
use rules::plan::{routes, Plan, Route};
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Routing {
    pub routes: Vec<Route>,
    /// Where this machine's NO_PROXY disagrees with the plan's, or why it could not be read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub environment: Vec<String>,
}

impl Routing {
    /// `environment` is this machine's NO_PROXY (or no_proxy) value, if set.
    pub fn of(plan: &Plan, environment: Option<&str>) -> Routing {
        let planned = match NoProxy::parse(&plan.no_proxy) {
            Ok(n) => n,
            // validate() has already refused such a plan; routing it anyway would mislead.
            Err(_) => return Routing::default(),
        };
        let routes = routes(plan, &planned);
        let environment = match environment {
            Some(value) if !routes.is_empty() => differences(&routes, plan, value),
            _ => Vec::new(),
        };
        Routing {
            routes,
            environment,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }
}

fn differences(routes: &[Route], plan: &Plan, value: &str) -> Vec<String> {
    let entries: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect();
    let local = match NoProxy::parse(&entries) {
        Ok(n) => n,
        Err(errors) => {
            return errors
                .into_iter()
                .map(|(i, e)| format!("this machine's NO_PROXY entry {}: {e}", i + 1))
                .collect()
        }
    };
    let here = rules::plan::routes(plan, &local);
    routes
        .iter()
        .zip(&here)
        .filter(|(planned, local)| planned.via_proxy != local.via_proxy)
        .map(|(planned, _)| {
            format!(
                "{}: the plan's NO_PROXY sends it {}, this machine's {}",
                planned.id,
                way(planned.via_proxy),
                way(!planned.via_proxy)
            )
        })
        .collect()
}

fn way(via_proxy: bool) -> &'static str {
    if via_proxy {
        "through the proxy"
    } else {
        "directly"
    }
}

/// This machine's NO_PROXY, as Go programs read it (upper case first).
pub fn environment() -> Option<String> {
    std::env::var("NO_PROXY")
        .or_else(|_| std::env::var("no_proxy"))
        .ok()
}
