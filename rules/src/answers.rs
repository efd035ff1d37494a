//! The questionnaire state. Its serde form is the wire format of answer files, saved state and
//! share links, so every change here is a schema change: bump [`SCHEMA`] and keep old files
//! readable.

use crate::context::Gateway;
use serde::{Deserialize, Serialize};

/// Current answer-file schema version. 2 added `pcg-install`, the `cloudstack` and `nutanix`
/// infrastructures and the `palette-vcenter`, `installer` and `grpc` endpoints; a schema 1 file is read
/// as it is (its answers mean the same), so old files and share links still open.
pub const SCHEMA: u32 = 2;

/// The oldest answer-file schema this version reads.
pub const OLDEST_SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Answers {
    pub schema: u32,
    pub deployment: DeploymentModel,
    /// Palette management-plane version, semver. Decides the NATS era (< 4.0.0) or gRPC era.
    pub palette_version: String,
    /// Where workload clusters run; several targets can be managed at once.
    pub infrastructure: Vec<Infrastructure>,
    /// Whether a firewall or NAT separates the infrastructure from Palette (the PCG page's
    /// scenario table decides between a PCG and the System Private Gateway from this).
    pub firewall_between: bool,
    pub gateway: GatewayChoice,
    /// How the PCG is installed, when there is one.
    pub pcg_install: PcgInstall,
    pub proxy: Proxy,
    /// Self-hosted only: no internet access at all.
    pub air_gapped: bool,
    pub self_hosted_install: SelfHostedInstall,
    pub registry: RegistrySource,
    pub edge: EdgeOptions,
    /// Optional SSH access to cluster nodes for troubleshooting.
    pub ssh_access: bool,
    pub endpoints: Endpoints,
}

impl Default for Answers {
    /// Multi-tenant SaaS on the latest documented Palette, and no infrastructure: which clouds
    /// and data centres are used is the user's to say (a pre-ticked one would put its flows in
    /// every checklist, and a hand-written answer file without the field would get them
    /// silently).
    fn default() -> Self {
        Answers {
            schema: SCHEMA,
            deployment: DeploymentModel::MultiTenantSaas,
            palette_version: crate::version::LATEST_DOCUMENTED.to_owned(),
            infrastructure: Vec::new(),
            firewall_between: false,
            gateway: GatewayChoice::Auto,
            pcg_install: PcgInstall::Auto,
            proxy: Proxy::default(),
            air_gapped: false,
            self_hosted_install: SelfHostedInstall::PaletteCli,
            registry: RegistrySource::Public,
            edge: EdgeOptions::default(),
            ssh_access: false,
            endpoints: Endpoints::default(),
        }
    }
}

/// How the Palette management plane is run: the first question, since it decides which
/// documentation tables apply at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeploymentModel {
    MultiTenantSaas,
    DedicatedSaas,
    SelfHostedPalette,
    SelfHostedVertex,
}

impl DeploymentModel {
    pub const ALL: [DeploymentModel; 4] = [
        DeploymentModel::MultiTenantSaas,
        DeploymentModel::DedicatedSaas,
        DeploymentModel::SelfHostedPalette,
        DeploymentModel::SelfHostedVertex,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DeploymentModel::MultiTenantSaas => "Multi-tenant SaaS",
            DeploymentModel::DedicatedSaas => "Dedicated SaaS",
            DeploymentModel::SelfHostedPalette => "Self-hosted Palette",
            DeploymentModel::SelfHostedVertex => "Self-hosted Palette VerteX",
        }
    }

    /// One line a user can recognise their own setup in.
    pub fn description(self) -> &'static str {
        match self {
            DeploymentModel::MultiTenantSaas => {
                "Spectro Cloud runs Palette for you at console.spectrocloud.com, shared with other tenants."
            }
            DeploymentModel::DedicatedSaas => {
                "Spectro Cloud runs a Palette instance for your organisation alone."
            }
            DeploymentModel::SelfHostedPalette => {
                "You install and run Palette's management plane in your own data centre or cloud."
            }
            DeploymentModel::SelfHostedVertex => {
                "You run VerteX, the FIPS-validated edition of Palette, yourself."
            }
        }
    }

    /// The wire spelling (as serialised); also used for DOM ids and the share link.
    pub fn slug(self) -> &'static str {
        match self {
            DeploymentModel::MultiTenantSaas => "multi-tenant-saas",
            DeploymentModel::DedicatedSaas => "dedicated-saas",
            DeploymentModel::SelfHostedPalette => "self-hosted-palette",
            DeploymentModel::SelfHostedVertex => "self-hosted-vertex",
        }
    }

    pub fn is_self_hosted(self) -> bool {
        matches!(
            self,
            DeploymentModel::SelfHostedPalette | DeploymentModel::SelfHostedVertex
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Infrastructure {
    Aws,
    Azure,
    Gcp,
    Eks,
    Aks,
    Gke,
    Vsphere,
    Openstack,
    Maas,
    BareMetal,
    Cloudstack,
    Nutanix,
    Edge,
    ExistingKubernetes,
}

impl Infrastructure {
    pub const ALL: [Infrastructure; 14] = [
        Infrastructure::Aws,
        Infrastructure::Azure,
        Infrastructure::Gcp,
        Infrastructure::Eks,
        Infrastructure::Aks,
        Infrastructure::Gke,
        Infrastructure::Vsphere,
        Infrastructure::Openstack,
        Infrastructure::Maas,
        Infrastructure::BareMetal,
        Infrastructure::Cloudstack,
        Infrastructure::Nutanix,
        Infrastructure::Edge,
        Infrastructure::ExistingKubernetes,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Infrastructure::Aws => "AWS (IaaS)",
            Infrastructure::Azure => "Azure (IaaS)",
            Infrastructure::Gcp => "Google Cloud (IaaS)",
            Infrastructure::Eks => "Amazon EKS",
            Infrastructure::Aks => "Azure AKS",
            Infrastructure::Gke => "Google GKE",
            Infrastructure::Vsphere => "VMware vSphere",
            Infrastructure::Openstack => "OpenStack",
            Infrastructure::Maas => "Canonical MAAS",
            Infrastructure::BareMetal => "Bare metal (through MAAS)",
            Infrastructure::Cloudstack => "Apache CloudStack",
            Infrastructure::Nutanix => "Nutanix",
            Infrastructure::Edge => "Edge hosts",
            Infrastructure::ExistingKubernetes => "Existing Kubernetes clusters (imported)",
        }
    }

    /// The wire spelling (as serialised); also used for DOM ids.
    pub fn slug(self) -> &'static str {
        match self {
            Infrastructure::Aws => "aws",
            Infrastructure::Azure => "azure",
            Infrastructure::Gcp => "gcp",
            Infrastructure::Eks => "eks",
            Infrastructure::Aks => "aks",
            Infrastructure::Gke => "gke",
            Infrastructure::Vsphere => "vsphere",
            Infrastructure::Openstack => "openstack",
            Infrastructure::Maas => "maas",
            Infrastructure::BareMetal => "bare-metal",
            Infrastructure::Cloudstack => "cloudstack",
            Infrastructure::Nutanix => "nutanix",
            Infrastructure::Edge => "edge",
            Infrastructure::ExistingKubernetes => "existing-kubernetes",
        }
    }

    /// Data-centre targets Palette cannot reach through a cloud API: they need a gateway that
    /// orchestrates locally (the architecture overview's "SaaS to private clouds" section).
    pub fn needs_gateway(self) -> bool {
        matches!(
            self,
            Infrastructure::Vsphere
                | Infrastructure::Openstack
                | Infrastructure::Maas
                | Infrastructure::BareMetal
                | Infrastructure::Cloudstack
                | Infrastructure::Nutanix
        )
    }
}

/// How the PCG is installed: the Palette CLI builds gateway VMs from an installer host, or the
/// PCG's agent is applied to an existing Kubernetes cluster (the only way for Nutanix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PcgInstall {
    /// The Palette CLI, except for Nutanix, whose PCG runs on an existing Kubernetes cluster.
    #[default]
    Auto,
    PaletteCli,
    ExistingKubernetes,
}

impl PcgInstall {
    pub fn label(self) -> &'static str {
        match self {
            PcgInstall::Auto => "decide for me",
            PcgInstall::PaletteCli => "Palette CLI (gateway VMs)",
            PcgInstall::ExistingKubernetes => "an existing Kubernetes cluster",
        }
    }
}

impl Answers {
    /// Ticks or unticks one target infrastructure. The list stays in one order (`Infrastructure`'s)
    /// without repeats, so the same choices always give the same answers, share link and file.
    pub fn set_infrastructure(&mut self, infrastructure: Infrastructure, on: bool) {
        self.infrastructure.retain(|i| *i != infrastructure);
        if on {
            self.infrastructure.push(infrastructure);
            self.infrastructure.sort();
        }
    }

    /// Air-gapped or not. Air-gapped sites cannot pull from public registries, so a public
    /// registry answer becomes the air-gap support VM (which the questionnaire then shows).
    pub fn set_air_gapped(&mut self, on: bool) {
        self.air_gapped = on;
        if on && self.registry == RegistrySource::Public {
            self.registry = RegistrySource::AirgapSupportVm;
        }
    }

    /// How Edge hosts are managed. Remote shell runs through Palette: it cannot stay on for
    /// locally managed hosts.
    pub fn set_edge_management(&mut self, management: EdgeManagement) {
        self.edge.management = management;
        if management == EdgeManagement::Local {
            self.edge.remote_shell = false;
        }
    }

    /// Whether the proxy question applies: an air-gapped site has no internet to proxy to. A
    /// proxy already answered stays reachable, so it can be changed.
    pub fn asks_proxy(&self) -> bool {
        !self.air_gapped || self.proxy.kind != ProxyKind::None
    }

    /// Whether the questionnaire asks for an address: where these answers use it, and wherever
    /// one is already there. A value left from earlier answers (or brought by a link) must stay
    /// reachable: the engine validates every address, so an invalid one blocks the checklist
    /// until it is fixed or cleared.
    pub fn asks_address(&self, address: Address) -> bool {
        self.uses_address(address) || self.endpoints.is_answered(address)
    }

    /// Whether the checklist of these answers has flows for an address.
    fn uses_address(&self, address: Address) -> bool {
        match address {
            // Multi-tenant SaaS uses the documented names.
            Address::Palette => self.deployment != DeploymentModel::MultiTenantSaas,
            Address::InfrastructureApi => self.gateway() != Gateway::None,
            Address::PcgNodes | Address::DnsServers | Address::NtpServers => {
                self.gateway() == Gateway::Pcg
            }
            Address::PaletteVcenter => self.palette_in_vcenter(),
            Address::Installer => self.has_installer(),
            Address::Grpc | Address::ManagementPlane => self.deployment.is_self_hosted(),
            Address::EdgeHosts => self.infrastructure.contains(&Infrastructure::Edge),
            Address::Registries => self.registry != RegistrySource::Public,
            Address::Admin | Address::WorkloadNodes => true,
        }
    }

    /// The answers with any `user:password@` taken out of every address. Credentials are
    /// refused as answers, but what was typed on the way must not be saved or put in a share
    /// link (both go through here).
    pub fn without_credentials(&self) -> Answers {
        let mut clean = self.clone();
        clean.for_each_address(|text| {
            if let Some(stripped) = crate::endpoint::without_userinfo(text) {
                *text = stripped;
            }
        });
        clean
    }

    /// Every answer that is an address or a list of them.
    fn for_each_address(&mut self, mut visit: impl FnMut(&mut String)) {
        visit(&mut self.proxy.url);
        self.proxy.no_proxy.iter_mut().for_each(&mut visit);
        let e = &mut self.endpoints;
        for one in [
            &mut e.palette,
            &mut e.infrastructure_api,
            &mut e.palette_vcenter,
            &mut e.grpc,
        ] {
            visit(one);
        }
        for list in [
            &mut e.installer,
            &mut e.admin,
            &mut e.workload_nodes,
            &mut e.pcg_nodes,
            &mut e.management_plane,
            &mut e.edge_hosts,
            &mut e.registries,
            &mut e.dns_servers,
            &mut e.ntp_servers,
        ] {
            list.iter_mut().for_each(&mut visit);
        }
    }

    /// The gateway these answers lead to, decided from the discrete answers alone so the
    /// questionnaire can show the gateway's questions while an address is still being typed.
    /// The PCG page's scenario table: SaaS always needs a PCG; self-hosted Palette uses its
    /// System Private Gateway unless a firewall or NAT is in the way. A System Private Gateway
    /// asked for where it cannot work counts as a PCG (and `Context` names the field).
    pub fn gateway(&self) -> Gateway {
        if !self.infrastructure.iter().any(|i| i.needs_gateway()) {
            return Gateway::None;
        }
        let possible = self.deployment.is_self_hosted() && !self.firewall_between;
        match self.gateway {
            GatewayChoice::Pcg => Gateway::Pcg,
            // Self-hosted Palette ships the System Private Gateway; without a firewall in the
            // way it saves deploying and opening flows for separate gateway VMs.
            GatewayChoice::Auto | GatewayChoice::SystemPrivateGateway if possible => {
                Gateway::SystemPrivateGateway
            }
            GatewayChoice::Auto | GatewayChoice::SystemPrivateGateway => Gateway::Pcg,
        }
    }

    /// Whether there is a PCG that the Palette CLI builds from an installer host.
    pub fn pcg_from_installer(&self) -> bool {
        self.gateway() == Gateway::Pcg && self.pcg_install() == PcgInstall::PaletteCli
    }

    /// Whether self-hosted Palette is installed into a vCenter of its own (the Palette CLI
    /// route), whose address the questionnaire asks apart from the workload infrastructure's.
    pub fn palette_in_vcenter(&self) -> bool {
        self.deployment.is_self_hosted()
            && self.self_hosted_install == SelfHostedInstall::PaletteCli
    }

    /// Whether some machine runs a Palette CLI install the checklist has flows for.
    pub fn has_installer(&self) -> bool {
        self.palette_in_vcenter() || self.pcg_from_installer()
    }

    /// How the PCG is installed once `Auto` is decided: on an existing Kubernetes cluster for
    /// Nutanix (its PCG pages offer no other way), with the Palette CLI otherwise.
    pub fn pcg_install(&self) -> PcgInstall {
        match self.pcg_install {
            PcgInstall::Auto if self.infrastructure.contains(&Infrastructure::Nutanix) => {
                PcgInstall::ExistingKubernetes
            }
            PcgInstall::Auto => PcgInstall::PaletteCli,
            chosen => chosen,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GatewayChoice {
    /// Let the rules pick: a PCG unless the System Private Gateway is possible and simpler.
    #[default]
    Auto,
    Pcg,
    SystemPrivateGateway,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Proxy {
    pub kind: ProxyKind,
    /// `http://host:port` or `https://host:port`, without credentials.
    pub url: String,
    /// Entries as they will be written into NO_PROXY.
    pub no_proxy: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProxyKind {
    #[default]
    None,
    /// Forwards TLS untouched through HTTP CONNECT.
    Connect,
    /// Terminates and re-signs TLS ("SSL bump"): breaks gRPC over HTTP/2 on many products.
    SslBump,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SelfHostedInstall {
    /// Palette CLI on VMware vSphere.
    #[default]
    PaletteCli,
    /// Helm chart on an existing Kubernetes cluster.
    Helm,
    /// Management Appliance ISO (VMware, bare metal, MAAS).
    ManagementAppliance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegistrySource {
    /// Spectro Cloud's and third-party public registries.
    #[default]
    Public,
    /// The air-gap support VM (Harbor registries and the Spectro Cloud Artifact Repository).
    AirgapSupportVm,
    /// The user's own OCI registry (`endpoints.registries`).
    Own,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct EdgeOptions {
    pub management: EdgeManagement,
    pub local_ui: bool,
    pub remote_shell: bool,
    pub local_registry: bool,
    /// Agent mode on a host with firewalld enabled (the documented Rocky Linux FIPS + Cilium
    /// set-up), which needs the host firewall opened for cluster traffic.
    pub agent_mode_firewalld: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeManagement {
    /// Hosts register with Palette and are managed from it.
    #[default]
    Central,
    /// No connection to Palette; managed through Local UI.
    Local,
}

/// One address answer of `Endpoints`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    Palette,
    InfrastructureApi,
    PaletteVcenter,
    Installer,
    Grpc,
    Admin,
    WorkloadNodes,
    PcgNodes,
    ManagementPlane,
    EdgeHosts,
    Registries,
    DnsServers,
    NtpServers,
}

impl Address {
    pub const ALL: [Address; 13] = [
        Address::Palette,
        Address::InfrastructureApi,
        Address::PaletteVcenter,
        Address::Installer,
        Address::Grpc,
        Address::Admin,
        Address::WorkloadNodes,
        Address::PcgNodes,
        Address::ManagementPlane,
        Address::EdgeHosts,
        Address::Registries,
        Address::DnsServers,
        Address::NtpServers,
    ];
}

impl Endpoints {
    /// Whether anything is written in an address answer.
    pub fn is_answered(&self, address: Address) -> bool {
        let one = |s: &String| !s.trim().is_empty();
        let list = |l: &Vec<String>| l.iter().any(one);
        match address {
            Address::Palette => one(&self.palette),
            Address::InfrastructureApi => one(&self.infrastructure_api),
            Address::PaletteVcenter => one(&self.palette_vcenter),
            Address::Grpc => one(&self.grpc),
            Address::Installer => list(&self.installer),
            Address::Admin => list(&self.admin),
            Address::WorkloadNodes => list(&self.workload_nodes),
            Address::PcgNodes => list(&self.pcg_nodes),
            Address::ManagementPlane => list(&self.management_plane),
            Address::EdgeHosts => list(&self.edge_hosts),
            Address::Registries => list(&self.registries),
            Address::DnsServers => list(&self.dns_servers),
            Address::NtpServers => list(&self.ntp_servers),
        }
    }
}

/// Addresses the user knows. Each entry is a hostname, an IP address, a CIDR, `host:port` or a
/// URL; empty lists fall back to named placeholders in the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Endpoints {
    /// The Palette endpoint (self-hosted or dedicated SaaS FQDN or URL).
    pub palette: String,
    pub infrastructure_api: String,
    /// Self-hosted Palette installed with the Palette CLI: the vCenter it runs in.
    pub palette_vcenter: String,
    /// Machines that run the Palette CLI installs.
    pub installer: Vec<String>,
    /// Self-hosted only: the external gRPC endpoint clusters reach instead of Palette's address.
    pub grpc: String,
    pub admin: Vec<String>,
    pub workload_nodes: Vec<String>,
    pub pcg_nodes: Vec<String>,
    pub management_plane: Vec<String>,
    pub edge_hosts: Vec<String>,
    pub registries: Vec<String>,
    pub dns_servers: Vec<String>,
    pub ntp_servers: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_rules_hold_wherever_answers_change() {
        let mut a = Answers::default();
        a.set_air_gapped(true);
        assert_eq!(a.registry, RegistrySource::AirgapSupportVm);
        assert!(!a.asks_proxy());
        a.registry = RegistrySource::Own;
        a.set_air_gapped(true);
        assert_eq!(a.registry, RegistrySource::Own, "an own registry is kept");
        a.proxy.kind = ProxyKind::Connect;
        assert!(a.asks_proxy(), "a proxy answered before stays reachable");

        a.edge.remote_shell = true;
        a.set_edge_management(EdgeManagement::Local);
        assert!(!a.edge.remote_shell);

        let mut saas = Answers::default();
        assert!(!saas.asks_address(Address::Palette));
        saas.endpoints.palette = "x".into();
        assert!(saas.asks_address(Address::Palette));
        saas.deployment = DeploymentModel::DedicatedSaas;
        saas.endpoints.palette.clear();
        assert!(saas.asks_address(Address::Palette));
    }

    /// An address the answers no longer use stays asked while it holds a value (the engine
    /// validates it, so an invalid one must be fixable), and is not asked once cleared.
    #[test]
    fn every_address_with_a_value_is_asked() {
        for address in Address::ALL {
            let mut a = Answers::default();
            let mut endpoints = serde_json::to_value(&a.endpoints).unwrap();
            for value in endpoints.as_object_mut().unwrap().values_mut() {
                *value = match value {
                    serde_json::Value::Array(_) => serde_json::json!(["x"]),
                    _ => serde_json::json!("x"),
                };
            }
            a.endpoints = serde_json::from_value(endpoints).unwrap();
            assert!(a.endpoints.is_answered(address), "{address:?}");
            assert!(a.asks_address(address), "{address:?}");
            a.endpoints = Endpoints::default();
            let used = matches!(address, Address::Admin | Address::WorkloadNodes);
            assert_eq!(
                a.asks_address(address),
                used,
                "{address:?} on SaaS without a gateway"
            );
        }
    }

    #[test]
    fn ticking_keeps_one_order_and_no_repeats() {
        let mut a = Answers::default();
        a.set_infrastructure(Infrastructure::Vsphere, true);
        a.set_infrastructure(Infrastructure::Aws, true);
        a.set_infrastructure(Infrastructure::Vsphere, true);
        assert_eq!(
            a.infrastructure,
            [Infrastructure::Aws, Infrastructure::Vsphere]
        );
        a.set_infrastructure(Infrastructure::Aws, false);
        assert_eq!(a.infrastructure, [Infrastructure::Vsphere]);
    }

    /// Every address answer (the proxy's and every endpoint, single or list) filled with
    /// credentials: none survives `without_credentials`. An endpoint added later and not visited
    /// fails here, since the endpoints are filled by walking their serialized form.
    #[test]
    fn no_credentials_survive_in_any_address() {
        fn fill(value: &mut serde_json::Value) {
            match value {
                serde_json::Value::String(s) => *s = "http://user:hunter2@host.corp:3128".into(),
                serde_json::Value::Array(items) => {
                    items.push(serde_json::Value::String(String::new()));
                    items.iter_mut().for_each(fill);
                }
                serde_json::Value::Object(fields) => fields
                    .iter_mut()
                    .filter(|(k, _)| *k != "palette-version")
                    .for_each(|(_, v)| fill(v)),
                _ => {}
            }
        }
        let mut value = serde_json::to_value(Answers {
            endpoints: Endpoints::default(),
            ..Answers::default()
        })
        .unwrap();
        // Lists of enums (infrastructure) keep their values; only address lists are filled.
        value["infrastructure"] = serde_json::json!(["vsphere"]);
        fill(&mut value["proxy"]["url"]);
        fill(&mut value["proxy"]["no-proxy"]);
        fill(&mut value["endpoints"]);
        let typed: Answers = serde_json::from_value(value).unwrap();
        assert!(serde_json::to_string(&typed).unwrap().contains("hunter2"));
        let clean = serde_json::to_string(&typed.without_credentials()).unwrap();
        assert!(
            !clean.contains("hunter2") && !clean.contains("user:"),
            "{clean}"
        );
        assert!(clean.contains("http://host.corp:3128"), "{clean}");
        let link = crate::share::encode(&typed);
        let (decoded, _) = crate::share::decode(&link).unwrap();
        assert_eq!(decoded, typed.without_credentials());
    }

    #[test]
    fn deployment_models_serialise_as_their_slug_and_back() {
        for model in DeploymentModel::ALL {
            let json = serde_json::to_string(&model).unwrap();
            assert_eq!(
                serde_json::from_str::<DeploymentModel>(&json).unwrap(),
                model
            );
            assert_eq!(json, format!("\"{}\"", model.slug()));
        }
    }

    /// The gateway is decided from the discrete answers alone: a half-typed address elsewhere
    /// does not change which questions apply.
    #[test]
    fn the_gateway_follows_the_scenario_table_whatever_the_addresses() {
        let mut a = Answers {
            infrastructure: vec![Infrastructure::Vsphere],
            ..Answers::default()
        };
        a.endpoints.pcg_nodes = vec!["1".into()];
        assert_eq!(a.gateway(), Gateway::Pcg);
        assert!(a.pcg_from_installer() && a.has_installer() && !a.palette_in_vcenter());
        a.deployment = DeploymentModel::SelfHostedPalette;
        assert_eq!(a.gateway(), Gateway::SystemPrivateGateway);
        assert!(a.palette_in_vcenter() && a.has_installer() && !a.pcg_from_installer());
        a.firewall_between = true;
        a.gateway = GatewayChoice::SystemPrivateGateway;
        assert_eq!(
            a.gateway(),
            Gateway::Pcg,
            "refused by Context, a PCG meanwhile"
        );
        a.infrastructure = vec![Infrastructure::Nutanix];
        assert_eq!(a.pcg_install(), PcgInstall::ExistingKubernetes);
        assert!(!a.pcg_from_installer());
        a.self_hosted_install = SelfHostedInstall::Helm;
        assert!(!a.has_installer());
        a.infrastructure = vec![Infrastructure::Aws];
        assert_eq!(a.gateway(), Gateway::None);
    }

    #[test]
    fn infrastructure_slugs_are_the_wire_spelling() {
        for infra in Infrastructure::ALL {
            let json = serde_json::to_string(&infra).unwrap();
            assert_eq!(json, format!("\"{}\"", infra.slug()));
        }
    }

    #[test]
    fn only_the_two_self_hosted_models_are_self_hosted() {
        let self_hosted: Vec<_> = DeploymentModel::ALL
            .into_iter()
            .filter(|m| m.is_self_hosted())
            .collect();
        assert_eq!(
            self_hosted,
            vec![
                DeploymentModel::SelfHostedPalette,
                DeploymentModel::SelfHostedVertex
            ]
        );
    }

    #[test]
    fn an_empty_object_is_the_default_answers() {
        let parsed: Answers = serde_json::from_str("{}").unwrap();
        assert_eq!(parsed, Answers::default());
    }

    #[test]
    fn unknown_fields_are_rejected_with_their_name() {
        let err = serde_json::from_str::<Answers>(r#"{"deploymnet": "dedicated-saas"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("deploymnet"), "{err}");
    }

    #[test]
    fn answers_round_trip_through_json() {
        let mut answers = Answers::default();
        answers.infrastructure = vec![Infrastructure::Vsphere, Infrastructure::Edge];
        answers.proxy.kind = ProxyKind::SslBump;
        answers.endpoints.admin = vec!["10.1.0.0/24".into()];
        let json = serde_json::to_string(&answers).unwrap();
        assert_eq!(serde_json::from_str::<Answers>(&json).unwrap(), answers);
    }
}
