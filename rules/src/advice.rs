//! Findings computed from the flows rather than written as data: NO_PROXY advice, addresses
//! still to fill in, versions newer than the rule base.

use crate::checklist::{Finding, Flow, Severity, Side};
use crate::context::Context;
use crate::rule::{PortRange, Role};
use std::sync::Arc;

/// Roles whose Palette software honours HTTP(S)_PROXY and NO_PROXY (agents, PCG, management
/// plane). Browsers on admin workstations have their own proxy settings.
fn proxied_source(role: Role) -> bool {
    matches!(
        role,
        Role::Workload | Role::Pcg | Role::ManagementPlane | Role::EdgeHost
    )
}

/// Destinations on the user's own network that should bypass an internet proxy: the user's
/// side of a flow, except the proxy itself and services that never go through one.
fn internal(cx: &Context, to: &Side) -> bool {
    !matches!(to.role, Role::Proxy | Role::Dns | Role::Ntp | Role::Admin)
        && !to.role.outside(cx.deployment, cx.registry)
}

/// Whether a proxiable flow leaves through the proxy under the user's NO_PROXY.
pub(crate) fn goes_through_proxy(cx: &Context, from: Role, to: &Side, ports: &[PortRange]) -> bool {
    if cx.proxy_endpoint.is_none()
        || !proxied_source(from)
        || matches!(to.role, Role::Proxy | Role::Dns | Role::Ntp)
    {
        return false;
    }
    if to.is_placeholder() {
        // Unknown addresses: assume internal ones will be exempted, as the advice says.
        return !internal(cx, to);
    }
    let port = ports.first().map_or(443, |p| p.first);
    // A wildcard stands for names NO_PROXY may or may not list: only the proxy reaches them all.
    to.hosts.iter().any(|end| match end.host() {
        Some(host) => !cx.no_proxy.bypasses(&host, port),
        None => true,
    })
}

pub(crate) fn derived_findings(
    cx: &Context,
    flows: &[Flow],
    releases: &[crate::catalog::Release],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if cx.proxy_endpoint.is_some() {
        findings.extend(no_proxy_missing(cx, flows));
        findings.extend(no_proxy_skips_proxy(cx, flows));
    }
    findings.extend(placeholders(flows));
    findings.extend(newer_than_documented(cx, releases));
    findings
}

fn no_proxy_missing(cx: &Context, flows: &[Flow]) -> Option<Finding> {
    let mut missing: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for f in flows
        .iter()
        .filter(|f| proxied_source(f.from.role) && f.proxiable)
    {
        if !internal(cx, &f.to) {
            continue;
        }
        if f.to.is_placeholder() {
            push_unique(&mut unknown, f.to.label.clone());
        } else if f.via_proxy {
            for h in &f.to.hosts {
                push_unique(&mut missing, h.to_string());
            }
        }
    }
    if missing.is_empty() && unknown.is_empty() {
        return None;
    }
    let mut text = String::from(
        "Palette's agents and gateways send every HTTP(S) connection to the proxy unless NO_PROXY exempts it, including connections to your own vCenter, registries and cluster API servers, which an internet proxy cannot reach.",
    );
    if !missing.is_empty() {
        text.push_str(&format!(" Add to NO_PROXY: {}.", missing.join(", ")));
    }
    if !unknown.is_empty() {
        text.push_str(&format!(
            " Also add the addresses of: {} (not entered yet).",
            unknown.join("; ")
        ));
    }
    text.push_str(" Keep localhost, 127.0.0.1, .svc and .cluster.local and your pod and service CIDRs in it too.");
    Some(Finding {
        id: "no-proxy-missing".to_owned(),
        severity: Severity::Action,
        title: "Exempt internal destinations from the proxy".to_owned(),
        text,
        reasons: vec!["an outbound proxy is configured".to_owned()],
        sources: Arc::default(),
        decisions: Arc::default(),
    })
}

fn no_proxy_skips_proxy(cx: &Context, flows: &[Flow]) -> Option<Finding> {
    let mut direct: Vec<String> = Vec::new();
    for f in flows
        .iter()
        .filter(|f| proxied_source(f.from.role) && f.proxiable)
    {
        if !internal(cx, &f.to)
            && f.to.role != Role::Proxy
            && !f.to.is_placeholder()
            && !f.via_proxy
        {
            for h in &f.to.hosts {
                push_unique(&mut direct, h.to_string());
            }
        }
    }
    (!direct.is_empty()).then(|| Finding {
        id: "no-proxy-skips-proxy".to_owned(),
        severity: Severity::Warning,
        title: "NO_PROXY sends internet destinations around the proxy".to_owned(),
        text: format!(
            "These internet destinations match NO_PROXY, so they are reached directly rather than through the proxy: {}. Either open them in the firewall directly (the checklist shows them without 'via proxy') or remove them from NO_PROXY.",
            direct.join(", ")
        ),
        reasons: vec!["an outbound proxy is configured".to_owned()],
        sources: Arc::default(),
        decisions: Arc::default(),
    })
}

fn placeholders(flows: &[Flow]) -> Option<Finding> {
    let mut roles: Vec<String> = Vec::new();
    for side in flows.iter().flat_map(|f| [&f.from, &f.to]) {
        if side.is_placeholder() {
            // A role without a field of its own names the answer that fills it in.
            let label = match crate::engine::answered_as(side.role) {
                same if same == side.role => side.label.clone(),
                answer => format!("{} (the {} addresses)", side.label, answer.label()),
            };
            push_unique(&mut roles, label);
        }
    }
    (!roles.is_empty()).then(|| Finding {
        id: "addresses-missing".to_owned(),
        severity: Severity::Info,
        title: "Addresses still to fill in".to_owned(),
        text: format!(
            "The checklist uses named placeholders where you have not given addresses: {}. Enter them to make the ticket and the live checks concrete.",
            roles.join(", ")
        ),
        reasons: Vec::new(),
        sources: Arc::default(),
        decisions: Arc::default(),
    })
}

/// A version past the newest release the release notes document (`data/releases.json`).
fn newer_than_documented(cx: &Context, releases: &[crate::catalog::Release]) -> Option<Finding> {
    let newest = releases.last()?;
    let latest = semver::Version::parse(&newest.version).ok()?;
    let newer = (cx.version.major, cx.version.minor) > (latest.major, latest.minor);
    newer.then(|| Finding {
        id: "version-newer-than-rules".to_owned(),
        severity: Severity::Info,
        title: "Newer than the documentation this tool was built from".to_owned(),
        text: format!(
            "Palette {} is newer than {latest} (released {}), the newest release the rule base's documentation covers. The rules of that release are applied; check Palette's release notes for network changes.",
            cx.version, newest.date
        ),
        reasons: vec![format!("Palette version {}", cx.version)],
        sources: Arc::default(),
        decisions: Arc::default(),
    })
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}
