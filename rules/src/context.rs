//! Answers checked field by field and resolved into what the rules ask about: the era, the
//! gateway, parsed endpoints. Building a [`Context`] is the only way into the engine, so no rule
//! ever sees an unchecked answer.

use crate::answers::{
    Answers, DeploymentModel, EdgeOptions, GatewayChoice, Infrastructure, PcgInstall, ProxyKind,
    RegistrySource, SelfHostedInstall, OLDEST_SCHEMA, SCHEMA,
};
use crate::endpoint::{parse_endpoint, Endpoint, Host};
use crate::no_proxy::NoProxy;
use crate::rule::Role;
use crate::version::{self, Era};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One problem with one answer. `field` is the answer's path in the answer file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The gateway that connects Palette to data-centre infrastructure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Gateway {
    /// No target infrastructure needs one.
    None,
    Pcg,
    SystemPrivateGateway,
}

impl Gateway {
    pub fn label(self) -> &'static str {
        match self {
            Gateway::None => "none needed",
            Gateway::Pcg => "Private Cloud Gateway (PCG)",
            Gateway::SystemPrivateGateway => "System Private Gateway",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Context {
    pub deployment: DeploymentModel,
    pub version: semver::Version,
    pub era: Era,
    pub infrastructure: Vec<Infrastructure>,
    pub gateway: Gateway,
    /// How the PCG is installed (decided; meaningful when `gateway` is a PCG).
    pub pcg_install: PcgInstall,
    pub firewall_between: bool,
    pub proxy: ProxyKind,
    pub proxy_endpoint: Option<Endpoint>,
    pub no_proxy: NoProxy,
    pub air_gapped: bool,
    pub install: SelfHostedInstall,
    pub registry: RegistrySource,
    pub edge: EdgeOptions,
    pub ssh_access: bool,
    endpoints: Vec<(Role, Vec<Endpoint>)>,
}

impl Context {
    /// Checks every answer; returns all problems at once, one per bad field.
    pub fn new(answers: &Answers) -> Result<Context, Vec<FieldError>> {
        let mut errors = Vec::new();

        if !(OLDEST_SCHEMA..=SCHEMA).contains(&answers.schema) {
            errors.push(FieldError::new(
                "schema",
                format!(
                    "answer schema {} is not supported; this version reads schemas {OLDEST_SCHEMA} to {SCHEMA}",
                    answers.schema
                ),
            ));
        }
        let version = match version::parse(&answers.palette_version) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(FieldError::new("palette-version", e));
                None
            }
        };
        if answers.infrastructure.is_empty() {
            errors.push(FieldError::new(
                "infrastructure",
                "choose at least one target infrastructure",
            ));
        }

        let self_hosted = answers.deployment.is_self_hosted();
        let gateway = answers.gateway();
        if answers.gateway == GatewayChoice::SystemPrivateGateway && gateway == Gateway::Pcg {
            errors.push(FieldError::new(
                "gateway",
                if self_hosted {
                    "the System Private Gateway needs direct connectivity to the infrastructure; with a firewall or NAT in between, use a PCG"
                } else {
                    "the System Private Gateway exists only in self-hosted Palette and VerteX; Palette SaaS reaches data-centre infrastructure through a PCG"
                },
            ));
        }

        if !self_hosted && !answers.endpoints.grpc.trim().is_empty() {
            errors.push(FieldError::new(
                "endpoints.grpc",
                "an external gRPC endpoint is an option of self-hosted Palette and VerteX; Palette SaaS clusters use the documented names",
            ));
        }
        let pcg_install = answers.pcg_install();
        if gateway == Gateway::Pcg
            && pcg_install == PcgInstall::PaletteCli
            && answers.infrastructure.contains(&Infrastructure::Nutanix)
        {
            errors.push(FieldError::new(
                "pcg-install",
                "a Nutanix PCG is installed on an existing Kubernetes cluster that reaches Prism Central; the Palette CLI does not build one",
            ));
        }

        if answers.air_gapped && !self_hosted {
            errors.push(FieldError::new(
                "air-gapped",
                "only self-hosted Palette or VerteX can run air-gapped; Palette SaaS needs a connection to Spectro Cloud",
            ));
        }
        if answers.air_gapped && answers.registry == RegistrySource::Public {
            errors.push(FieldError::new(
                "registry",
                "an air-gapped install cannot pull from public registries; choose the air-gap support VM or your own registry",
            ));
        }

        let (proxy_endpoint, no_proxy) = check_proxy(answers, &mut errors);
        check_edge(answers, version.as_ref(), &mut errors);
        let endpoints = check_endpoints(answers, &mut errors);

        match version {
            Some(version) if errors.is_empty() => Ok(Context {
                deployment: answers.deployment,
                era: Era::of(&version),
                version,
                infrastructure: answers.infrastructure.clone(),
                gateway,
                pcg_install,
                firewall_between: answers.firewall_between,
                proxy: answers.proxy.kind,
                proxy_endpoint,
                no_proxy,
                air_gapped: answers.air_gapped,
                install: answers.self_hosted_install,
                registry: answers.registry,
                edge: answers.edge.clone(),
                ssh_access: answers.ssh_access,
                endpoints,
            }),
            _ => Err(errors),
        }
    }

    pub fn has_infrastructure(&self, infra: Infrastructure) -> bool {
        self.infrastructure.contains(&infra)
    }

    pub fn has_managed_clusters(&self) -> bool {
        self.infrastructure
            .iter()
            .any(|i| *i != Infrastructure::Edge)
            || self.edge.management == crate::answers::EdgeManagement::Central
    }

    /// The user's endpoints for a role (empty when they gave none).
    pub fn endpoints(&self, role: Role) -> &[Endpoint] {
        self.endpoints
            .iter()
            .find(|(r, _)| *r == role)
            .map_or(&[], |(_, e)| e.as_slice())
    }
}

fn check_proxy(answers: &Answers, errors: &mut Vec<FieldError>) -> (Option<Endpoint>, NoProxy) {
    let no_proxy = NoProxy::parse(&answers.proxy.no_proxy).unwrap_or_else(|bad| {
        for (i, message) in bad {
            errors.push(FieldError::new(format!("proxy.no-proxy[{i}]"), message));
        }
        NoProxy::default()
    });
    if answers.proxy.kind == ProxyKind::None {
        return (None, no_proxy);
    }
    let url = answers.proxy.url.trim();
    if url.is_empty() {
        errors.push(FieldError::new(
            "proxy.url",
            "enter the proxy's address, e.g. http://proxy.corp.example:3128",
        ));
        return (None, no_proxy);
    }
    match parse_endpoint(url) {
        Ok(e) if e.scheme.is_none() => errors.push(FieldError::new(
            "proxy.url",
            "write the proxy as a URL with its scheme, e.g. http://proxy.corp.example:3128",
        )),
        Ok(e) if e.port.is_none() => errors.push(FieldError::new(
            "proxy.url",
            "add the proxy's port, e.g. http://proxy.corp.example:3128",
        )),
        Ok(e) => return (Some(e), no_proxy),
        Err(message) => errors.push(FieldError::new("proxy.url", message)),
    }
    (None, no_proxy)
}

/// Remote shell for Edge hosts needs Palette 4.6.12 or later ("Remote Shell", prerequisites).
const REMOTE_SHELL_SINCE: semver::Version = semver::Version::new(4, 6, 12);

fn check_edge(answers: &Answers, version: Option<&semver::Version>, errors: &mut Vec<FieldError>) {
    if !answers.infrastructure.contains(&Infrastructure::Edge) || !answers.edge.remote_shell {
        return;
    }
    if answers.edge.management == crate::answers::EdgeManagement::Local {
        errors.push(FieldError::new(
            "edge.remote-shell",
            "remote shell runs through Palette, so it needs centrally managed Edge hosts",
        ));
    } else if version.is_some_and(|v| *v < REMOTE_SHELL_SINCE) {
        errors.push(FieldError::new(
            "edge.remote-shell",
            format!("remote shell needs Palette {REMOTE_SHELL_SINCE} or later (and Edge agent 4.6.9 or later)"),
        ));
    }
}

fn check_endpoints(answers: &Answers, errors: &mut Vec<FieldError>) -> Vec<(Role, Vec<Endpoint>)> {
    let e = &answers.endpoints;
    let single = |s: &String| -> Vec<String> {
        if s.trim().is_empty() {
            Vec::new()
        } else {
            vec![s.clone()]
        }
    };
    let lists: [(Role, &str, Vec<String>, bool); 13] = [
        (Role::Palette, "endpoints.palette", single(&e.palette), true),
        (
            Role::InfraApi,
            "endpoints.infrastructure-api",
            single(&e.infrastructure_api),
            true,
        ),
        (
            Role::PaletteVcenter,
            "endpoints.palette-vcenter",
            single(&e.palette_vcenter),
            true,
        ),
        (
            Role::Installer,
            "endpoints.installer",
            e.installer.clone(),
            false,
        ),
        (Role::PaletteGrpc, "endpoints.grpc", single(&e.grpc), true),
        (Role::Admin, "endpoints.admin", e.admin.clone(), false),
        (
            Role::Workload,
            "endpoints.workload-nodes",
            e.workload_nodes.clone(),
            false,
        ),
        (Role::Pcg, "endpoints.pcg-nodes", e.pcg_nodes.clone(), false),
        (
            Role::ManagementPlane,
            "endpoints.management-plane",
            e.management_plane.clone(),
            false,
        ),
        (
            Role::EdgeHost,
            "endpoints.edge-hosts",
            e.edge_hosts.clone(),
            false,
        ),
        (
            Role::Registry,
            "endpoints.registries",
            e.registries.clone(),
            false,
        ),
        (
            Role::Dns,
            "endpoints.dns-servers",
            e.dns_servers.clone(),
            false,
        ),
        (
            Role::Ntp,
            "endpoints.ntp-servers",
            e.ntp_servers.clone(),
            false,
        ),
    ];
    let mut resolved = Vec::new();
    for (role, field, entries, single_entry) in lists {
        let mut parsed = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let name = if single_entry {
                field.to_owned()
            } else {
                format!("{field}[{i}]")
            };
            match parse_endpoint(entry) {
                Ok(ep) if single_entry && matches!(ep.host, Host::Net(..)) => errors.push(
                    FieldError::new(name, "enter one host name or address here, not a network"),
                ),
                Ok(ep) => parsed.push(ep),
                Err(message) => errors.push(FieldError::new(name, message)),
            }
        }
        resolved.push((role, parsed));
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Multi-tenant SaaS managing AWS: valid answers to vary.
    fn on_aws() -> Answers {
        Answers {
            infrastructure: vec![Infrastructure::Aws],
            ..Answers::default()
        }
    }

    fn errors(answers: &Answers) -> Vec<FieldError> {
        Context::new(answers).expect_err("answers should be refused")
    }

    #[test]
    fn nothing_is_pre_ticked_the_infrastructure_is_asked_for() {
        let fields: Vec<String> = errors(&Answers::default())
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["infrastructure"]);
    }

    #[test]
    fn defaults_are_valid_once_an_infrastructure_is_chosen() {
        let cx = Context::new(&on_aws()).unwrap();
        assert_eq!(cx.era, Era::Grpc);
        assert_eq!(cx.gateway, Gateway::None);
    }

    #[test]
    fn one_error_per_bad_field() {
        let mut a = on_aws();
        a.palette_version = "4.5".into();
        a.endpoints.admin = vec!["10.0.0.0/24".into(), "10.0.0.0/33".into()];
        a.endpoints.workload_nodes = vec!["node_1.corp".into()];
        a.proxy.kind = ProxyKind::Connect;
        a.proxy.url = "http://proxy.corp:99999".into();
        let errs = errors(&a);
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "palette-version",
                "proxy.url",
                "endpoints.admin[1]",
                "endpoints.workload-nodes[0]"
            ]
        );
        assert!(errs[1].message.contains("over 65535"));
        assert!(errs[2].message.contains("prefix length 33"));
    }

    #[test]
    fn system_private_gateway_is_refused_for_saas() {
        let mut a = on_aws();
        a.infrastructure = vec![Infrastructure::Vsphere];
        a.gateway = GatewayChoice::SystemPrivateGateway;
        let errs = errors(&a);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "gateway");
        assert!(errs[0].message.contains("only in self-hosted"));
    }

    #[test]
    fn system_private_gateway_is_refused_across_a_firewall() {
        let mut a = on_aws();
        a.deployment = DeploymentModel::SelfHostedPalette;
        a.infrastructure = vec![Infrastructure::Openstack];
        a.firewall_between = true;
        a.gateway = GatewayChoice::SystemPrivateGateway;
        assert!(errors(&a)[0].message.contains("direct connectivity"));
    }

    #[test]
    fn auto_gateway_follows_the_scenario_table() {
        let mut a = on_aws();
        a.infrastructure = vec![Infrastructure::Vsphere];
        assert_eq!(Context::new(&a).unwrap().gateway, Gateway::Pcg);
        a.deployment = DeploymentModel::SelfHostedVertex;
        assert_eq!(
            Context::new(&a).unwrap().gateway,
            Gateway::SystemPrivateGateway
        );
        a.firewall_between = true;
        assert_eq!(Context::new(&a).unwrap().gateway, Gateway::Pcg);
    }

    #[test]
    fn air_gap_needs_self_hosted_and_a_private_registry() {
        let mut a = on_aws();
        a.air_gapped = true;
        let fields: Vec<String> = errors(&a).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["air-gapped", "registry"]);
    }

    #[test]
    fn proxy_needs_a_url_with_scheme_and_port() {
        let mut a = on_aws();
        a.proxy.kind = ProxyKind::SslBump;
        assert!(errors(&a)[0].message.contains("enter the proxy's address"));
        a.proxy.url = "proxy.corp:3128".into();
        assert!(errors(&a)[0].message.contains("with its scheme"));
        a.proxy.url = "http://proxy.corp".into();
        assert!(errors(&a)[0].message.contains("add the proxy's port"));
        a.proxy.url = "http://proxy.corp:3128".into();
        assert!(Context::new(&a).is_ok());
    }

    #[test]
    fn remote_shell_needs_a_recent_palette_and_central_management() {
        let mut a = on_aws();
        a.infrastructure = vec![Infrastructure::Edge];
        a.edge.remote_shell = true;
        a.palette_version = "4.6.11".into();
        assert!(errors(&a)[0].message.contains("4.6.12"));
        a.palette_version = "4.6.12".into();
        assert!(Context::new(&a).is_ok());
        a.edge.management = crate::answers::EdgeManagement::Local;
        assert!(errors(&a)[0].message.contains("centrally managed"));
    }

    #[test]
    fn single_endpoints_refuse_networks() {
        let mut a = on_aws();
        a.endpoints.palette = "10.0.0.0/24".into();
        assert_eq!(errors(&a)[0].field, "endpoints.palette");
    }

    #[test]
    fn unsupported_schema_is_named() {
        let mut a = on_aws();
        a.schema = 7;
        assert!(errors(&a)[0].message.contains("schema 7"));
    }
}
