//! `evaluate`: answers in, checklist out.

use crate::advice;
use crate::answers::{Answers, DeploymentModel};
use crate::catalog::{catalog, Catalog};
use crate::checklist::{Checklist, Finding, Flow, ProxyHop, Side, CHECKLIST_SCHEMA};
use crate::condition::Condition;
use crate::context::{Context, FieldError};
use crate::end::End;
use crate::endpoint::Endpoint;
use crate::rule::{Level, PortRange, Role, Rule};

/// Evaluates the rule base against the answers. Bad answers give one error per bad field and no
/// checklist; a malformed built-in rule base is reported as an error on the `rules` field.
pub fn evaluate(answers: &Answers) -> Result<Checklist, Vec<FieldError>> {
    let catalog = catalog().map_err(|e| {
        vec![FieldError {
            field: "rules".to_owned(),
            message: e.to_string(),
        }]
    })?;
    let cx = Context::new(answers)?;
    Ok(evaluate_in(catalog, &cx))
}

fn evaluate_in(catalog: &Catalog, cx: &Context) -> Checklist {
    let flows: Vec<Flow> = catalog
        .rules
        .iter()
        .filter_map(|rule| Some(flow(catalog, cx, rule, applies(rule.when.as_ref(), cx)?)))
        .collect();

    let mut findings: Vec<Finding> = catalog
        .findings
        .iter()
        .filter_map(|f| {
            let reasons = applies(f.when.as_ref(), cx)?;
            Some(Finding {
                id: f.id.clone(),
                severity: f.severity,
                title: f.title.clone(),
                text: f.text.clone(),
                reasons,
                sources: f.resolved_sources.clone(),
                decisions: f.decisions.clone(),
            })
        })
        .collect();
    findings.extend(advice::derived_findings(
        cx,
        &flows,
        &catalog.releases.releases,
    ));
    findings.sort_by_key(|f| f.severity);

    Checklist {
        schema: CHECKLIST_SCHEMA,
        palette_version: cx.version.to_string(),
        era: cx.era,
        gateway: cx.gateway,
        proxy: cx.proxy_endpoint.as_ref().and_then(|e| {
            Some(ProxyHop {
                host: End::from(e.host.clone()),
                // The questionnaire refuses a proxy URL without a port.
                port: e.port?,
            })
        }),
        flows,
        findings,
        documentation: catalog.snapshot.clone(),
    }
}

/// The reasons a rule or finding applies, or `None` when it does not. No condition: always.
fn applies(when: Option<&Condition>, cx: &Context) -> Option<Vec<String>> {
    when.map_or(Some(Vec::new()), |condition| condition.eval(cx))
}

fn flow(catalog: &Catalog, cx: &Context, rule: &Rule, reasons: Vec<String>) -> Flow {
    // Connections Palette SaaS opens come from its documented addresses.
    let (from_saas, to_saas): (&[End], &[End]) = if rule.from == Role::Palette {
        (&catalog.saas_ips.addresses, &rule.saas_hosts)
    } else {
        (&[], &rule.saas_hosts)
    };
    let from = side(cx, rule.from, &[], from_saas);
    let to = side(cx, rule.to, &rule.hosts, to_saas);
    let level = match &rule.deprecated_from {
        Some(v) if semver::Version::parse(v).is_ok_and(|from| cx.version >= from) => {
            Level::Deprecated
        }
        _ => rule.level,
    };
    let ports = if rule.port_from_endpoint {
        endpoint_port(cx, rule.to)
            .map_or_else(|| rule.ports.clone(), |p| vec![PortRange::single(p)])
    } else {
        rule.ports.clone()
    };
    let scheme = endpoint_scheme(cx, rule.to);
    let protocol = match (&rule.protocol_over_http, scheme) {
        (Some(plain), Some("http")) => plain.clone(),
        _ => rule.protocol.clone(),
    };
    let via_proxy = rule.proxiable && advice::goes_through_proxy(cx, rule.from, &to, &ports);
    Flow {
        id: rule.id.clone(),
        from,
        to,
        ports,
        transport: rule.transport,
        protocol,
        check: rule.check_for(scheme, cx.era),
        proxiable: rule.proxiable,
        level,
        purpose: rule.purpose.clone(),
        reasons,
        sources: rule.resolved_sources.clone(),
        decisions: rule.decisions.clone(),
        via_proxy,
        note: rule.note.clone(),
    }
}

/// The answer a role's addresses come from, where it has none of its own (as `role_endpoints`
/// reads them): what to fill in to replace its placeholder.
pub(crate) fn answered_as(role: Role) -> Role {
    match role {
        Role::WorkloadApi => Role::Workload,
        Role::EdgePeers => Role::EdgeHost,
        Role::AirgapVm => Role::Registry,
        other => other,
    }
}

/// The user's endpoints for a role. Some roles share addresses: a workload cluster's API server
/// runs on its nodes, Edge peers are Edge hosts, the air-gap VM is the registry.
pub(crate) fn role_endpoints(cx: &Context, role: Role) -> Vec<&Endpoint> {
    match role {
        Role::Workload => cx
            .endpoints(Role::Workload)
            .iter()
            .chain(cx.endpoints(Role::EdgeHost))
            .collect(),
        Role::WorkloadApi | Role::EdgePeers | Role::AirgapVm => {
            cx.endpoints(answered_as(role)).iter().collect()
        }
        Role::Proxy => cx.proxy_endpoint.iter().collect(),
        // Without a named endpoint, self-hosted Palette is reached on its management nodes.
        Role::Palette
            if cx.deployment.is_self_hosted() && cx.endpoints(Role::Palette).is_empty() =>
        {
            cx.endpoints(Role::ManagementPlane).iter().collect()
        }
        other => cx.endpoints(other).iter().collect(),
    }
}

fn side(cx: &Context, role: Role, fixed: &[End], saas: &[End]) -> Side {
    let given: Vec<End> = role_endpoints(cx, role)
        .into_iter()
        .map(|e| End::from(e.host.clone()))
        .collect();
    let hosts = if !fixed.is_empty() {
        fixed.to_vec()
    } else if !given.is_empty() {
        dedup(given)
    } else if !saas.is_empty() && cx.deployment == DeploymentModel::MultiTenantSaas {
        saas.to_vec()
    } else {
        vec![End::Placeholder(role.label().to_owned())]
    };
    Side {
        role,
        label: role.label().to_owned(),
        hosts,
    }
}

fn dedup(mut hosts: Vec<End>) -> Vec<End> {
    let mut seen = std::collections::HashSet::new();
    hosts.retain(|h| seen.insert(h.clone()));
    hosts
}

/// The scheme the user wrote in the role's endpoint, if they wrote a URL.
fn endpoint_scheme(cx: &Context, role: Role) -> Option<&str> {
    role_endpoints(cx, role)
        .into_iter()
        .find_map(|e| e.scheme.as_deref())
}

/// The port the user wrote in the role's endpoint, if they wrote one.
fn endpoint_port(cx: &Context, role: Role) -> Option<u16> {
    role_endpoints(cx, role).into_iter().find_map(|e| {
        e.port.or(match e.scheme.as_deref() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        })
    })
}
