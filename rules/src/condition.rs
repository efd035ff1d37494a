//! When a rule or finding applies: a small condition language over the (validated) answers.
//! Each leaf names an answer, so an unknown answer in the data fails to parse.

use crate::answers::{
    DeploymentModel, EdgeManagement, Infrastructure, PcgInstall, ProxyKind, RegistrySource,
    SelfHostedInstall,
};
use crate::context::{Context, Gateway};
use crate::version::Era;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// The deployment model is one of these.
    Deployment(Vec<DeploymentModel>),
    SelfHosted(bool),
    Era(Era),
    /// The Palette version is at least this (semver).
    VersionAtLeast(String),
    /// At least one of these is a target infrastructure.
    Infrastructure(Vec<Infrastructure>),
    /// The gateway the engine settled on.
    Gateway(Vec<Gateway>),
    /// There is a PCG, installed one of these ways (`auto` never appears: it is decided).
    PcgInstall(Vec<PcgInstall>),
    Proxy(Vec<ProxyKind>),
    AirGapped(bool),
    FirewallBetween(bool),
    Install(Vec<SelfHostedInstall>),
    Registry(Vec<RegistrySource>),
    SshAccess(bool),
    /// Self-hosted Palette with an external gRPC endpoint given.
    ExternalGrpc(bool),
    /// Some workload clusters are managed from Palette: any non-Edge infrastructure, or Edge
    /// hosts under central management. Locally managed Edge hosts never talk to Palette.
    ManagedClusters(bool),
    /// Edge options only count when Edge is a target infrastructure.
    EdgeManagement(EdgeManagement),
    EdgeLocalUi(bool),
    EdgeRemoteShell(bool),
    EdgeLocalRegistry(bool),
    EdgeAgentModeFirewalld(bool),
}

impl Condition {
    /// Whether the condition holds; if it does, the answers that made it hold, in words.
    pub fn eval(&self, cx: &Context) -> Option<Vec<String>> {
        match self {
            Condition::All(parts) => {
                let mut reasons = Vec::new();
                for part in parts {
                    reasons.extend(part.eval(cx)?);
                }
                Some(reasons)
            }
            Condition::Any(parts) => parts.iter().find_map(|p| p.eval(cx)),
            Condition::Not(inner) => match inner.eval(cx) {
                Some(_) => None,
                None => Some(vec![format!("not ({})", inner.describe())]),
            },
            leaf => leaf.holds(cx).then(|| vec![leaf.reason(cx)]),
        }
    }

    fn holds(&self, cx: &Context) -> bool {
        let edge = cx.has_infrastructure(Infrastructure::Edge);
        match self {
            Condition::All(_) | Condition::Any(_) | Condition::Not(_) => self.eval(cx).is_some(),
            Condition::Deployment(models) => models.contains(&cx.deployment),
            Condition::SelfHosted(want) => cx.deployment.is_self_hosted() == *want,
            Condition::Era(era) => cx.era == *era,
            Condition::VersionAtLeast(v) => {
                semver::Version::parse(v).is_ok_and(|min| cx.version >= min)
            }
            Condition::Infrastructure(any) => any.iter().any(|i| cx.has_infrastructure(*i)),
            Condition::Gateway(gateways) => gateways.contains(&cx.gateway),
            Condition::PcgInstall(ways) => {
                cx.gateway == Gateway::Pcg && ways.contains(&cx.pcg_install)
            }
            Condition::Proxy(kinds) => kinds.contains(&cx.proxy),
            Condition::AirGapped(want) => cx.air_gapped == *want,
            Condition::FirewallBetween(want) => cx.firewall_between == *want,
            Condition::Install(methods) => {
                cx.deployment.is_self_hosted() && methods.contains(&cx.install)
            }
            Condition::Registry(sources) => sources.contains(&cx.registry),
            Condition::SshAccess(want) => cx.ssh_access == *want,
            Condition::ExternalGrpc(want) => {
                (cx.deployment.is_self_hosted()
                    && !cx.endpoints(crate::rule::Role::PaletteGrpc).is_empty())
                    == *want
            }
            Condition::ManagedClusters(want) => cx.has_managed_clusters() == *want,
            Condition::EdgeManagement(m) => edge && cx.edge.management == *m,
            Condition::EdgeLocalUi(want) => edge && cx.edge.local_ui == *want,
            Condition::EdgeRemoteShell(want) => edge && cx.edge.remote_shell == *want,
            Condition::EdgeLocalRegistry(want) => edge && cx.edge.local_registry == *want,
            Condition::EdgeAgentModeFirewalld(want) => {
                edge && cx.edge.agent_mode_firewalld == *want
            }
        }
    }

    /// The answer that satisfied a leaf, with the user's own value where it adds something.
    fn reason(&self, cx: &Context) -> String {
        match self {
            Condition::Deployment(_) | Condition::SelfHosted(_) => {
                format!("deployment: {}", cx.deployment.label())
            }
            Condition::Era(_) => format!("Palette {}: {}", cx.version, cx.era.label()),
            Condition::VersionAtLeast(min) => format!("Palette {} is {min} or later", cx.version),
            Condition::Infrastructure(any) => {
                let matched: Vec<&str> = any
                    .iter()
                    .filter(|i| cx.has_infrastructure(**i))
                    .map(|i| i.label())
                    .collect();
                format!("infrastructure: {}", matched.join(", "))
            }
            Condition::Gateway(_) => format!("gateway: {}", cx.gateway.label()),
            Condition::PcgInstall(_) => format!("PCG installed with {}", cx.pcg_install.label()),
            Condition::Proxy(_) => format!("proxy: {}", proxy_label(cx.proxy)),
            _ => self.describe(),
        }
    }

    /// The condition in words, for reasons and for documentation.
    pub fn describe(&self) -> String {
        let list = |items: Vec<&str>| items.join(" or ");
        match self {
            Condition::All(parts) => parts
                .iter()
                .map(Condition::describe)
                .collect::<Vec<_>>()
                .join(" and "),
            Condition::Any(parts) => parts
                .iter()
                .map(Condition::describe)
                .collect::<Vec<_>>()
                .join(" or "),
            Condition::Not(inner) => format!("not ({})", inner.describe()),
            Condition::Deployment(m) => {
                format!(
                    "deployment is {}",
                    list(m.iter().map(|d| d.label()).collect())
                )
            }
            Condition::SelfHosted(true) => "self-hosted Palette or VerteX".to_owned(),
            Condition::SelfHosted(false) => "Palette SaaS".to_owned(),
            Condition::Era(era) => era.label().to_owned(),
            Condition::VersionAtLeast(v) => format!("Palette {v} or later"),
            Condition::Infrastructure(i) => format!(
                "infrastructure includes {}",
                list(i.iter().map(|x| x.label()).collect())
            ),
            Condition::Gateway(g) => {
                format!("gateway is {}", list(g.iter().map(|x| x.label()).collect()))
            }
            Condition::PcgInstall(w) => format!(
                "PCG installed with {}",
                list(w.iter().map(|x| x.label()).collect())
            ),
            Condition::Proxy(p) => {
                format!(
                    "proxy: {}",
                    list(p.iter().map(|x| proxy_label(*x)).collect())
                )
            }
            Condition::AirGapped(true) => "air-gapped".to_owned(),
            Condition::AirGapped(false) => "connected to the internet".to_owned(),
            Condition::FirewallBetween(true) => {
                "a firewall or NAT separates the infrastructure from Palette".to_owned()
            }
            Condition::FirewallBetween(false) => {
                "direct connectivity between the infrastructure and Palette".to_owned()
            }
            Condition::Install(m) => format!(
                "self-hosted install: {}",
                list(m.iter().map(|x| install_label(*x)).collect())
            ),
            Condition::Registry(r) => format!(
                "registry: {}",
                list(r.iter().map(|x| registry_label(*x)).collect())
            ),
            Condition::SshAccess(true) => "SSH troubleshooting access wanted".to_owned(),
            Condition::SshAccess(false) => "no SSH troubleshooting access".to_owned(),
            Condition::ExternalGrpc(true) => "an external gRPC endpoint".to_owned(),
            Condition::ExternalGrpc(false) => "gRPC on Palette's own address".to_owned(),
            Condition::ManagedClusters(true) => "workload clusters managed from Palette".to_owned(),
            Condition::ManagedClusters(false) => {
                "no workload clusters managed from Palette".to_owned()
            }
            Condition::EdgeManagement(EdgeManagement::Central) => {
                "Edge hosts managed centrally from Palette".to_owned()
            }
            Condition::EdgeManagement(EdgeManagement::Local) => {
                "Edge hosts managed locally".to_owned()
            }
            Condition::EdgeLocalUi(b) => on_off("Edge Local UI", *b),
            Condition::EdgeRemoteShell(b) => on_off("Edge remote shell", *b),
            Condition::EdgeLocalRegistry(b) => on_off("Edge local registry", *b),
            Condition::EdgeAgentModeFirewalld(b) => on_off("Edge agent mode with firewalld", *b),
        }
    }

    /// Every `version-at-least` literal, so data validation can check they parse.
    pub fn versions(&self) -> Vec<&str> {
        match self {
            Condition::All(parts) | Condition::Any(parts) => {
                parts.iter().flat_map(Condition::versions).collect()
            }
            Condition::Not(inner) => inner.versions(),
            Condition::VersionAtLeast(v) => vec![v.as_str()],
            _ => Vec::new(),
        }
    }
}

fn on_off(what: &str, on: bool) -> String {
    format!("{what} {}", if on { "on" } else { "off" })
}

pub fn proxy_label(kind: ProxyKind) -> &'static str {
    match kind {
        ProxyKind::None => "none",
        ProxyKind::Connect => "HTTP CONNECT (no TLS inspection)",
        ProxyKind::SslBump => "TLS-inspecting (SSL bump)",
    }
}

pub fn install_label(method: SelfHostedInstall) -> &'static str {
    match method {
        SelfHostedInstall::PaletteCli => "Palette CLI on VMware",
        SelfHostedInstall::Helm => "Helm chart on Kubernetes",
        SelfHostedInstall::ManagementAppliance => "Management Appliance",
    }
}

pub fn registry_label(source: RegistrySource) -> &'static str {
    match source {
        RegistrySource::Public => "public registries",
        RegistrySource::AirgapSupportVm => "air-gap support VM",
        RegistrySource::Own => "own OCI registry",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Answers;

    fn cx(answers: &Answers) -> Context {
        Context::new(answers).expect("valid answers")
    }

    #[test]
    fn conditions_parse_from_kebab_case_json() {
        let c: Condition = serde_json::from_str(
            r#"{"all": [{"deployment": ["multi-tenant-saas"]}, {"era": "grpc"}, {"not": {"air-gapped": true}}]}"#,
        )
        .unwrap();
        assert_eq!(
            c.describe(),
            "deployment is Multi-tenant SaaS and gRPC era (4.0.0 and later) and not (air-gapped)"
        );
    }

    #[test]
    fn unknown_answers_in_conditions_are_rejected() {
        let err = serde_json::from_str::<Condition>(r#"{"colour": "blue"}"#).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn reasons_name_the_answers_that_matched() {
        let answers = Answers {
            infrastructure: vec![crate::Infrastructure::Aws],
            ..Answers::default()
        };
        let c = Condition::All(vec![
            Condition::Deployment(vec![DeploymentModel::MultiTenantSaas]),
            Condition::Era(Era::Grpc),
        ]);
        let reasons = c.eval(&cx(&answers)).unwrap();
        assert_eq!(
            reasons,
            vec![
                "deployment: Multi-tenant SaaS".to_owned(),
                "Palette 4.10.0: gRPC era (4.0.0 and later)".to_owned()
            ]
        );
    }

    #[test]
    fn edge_options_need_edge_infrastructure() {
        let mut answers = Answers {
            infrastructure: vec![crate::Infrastructure::Aws],
            ..Answers::default()
        };
        answers.edge.local_ui = true;
        assert!(Condition::EdgeLocalUi(true).eval(&cx(&answers)).is_none());
        answers.infrastructure.push(Infrastructure::Edge);
        assert!(Condition::EdgeLocalUi(true).eval(&cx(&answers)).is_some());
    }

    #[test]
    fn version_at_least_compares_semver() {
        let mut answers = Answers {
            infrastructure: vec![crate::Infrastructure::Aws],
            ..Answers::default()
        };
        answers.palette_version = "4.6.11".into();
        let c = Condition::VersionAtLeast("4.6.12".into());
        assert!(c.eval(&cx(&answers)).is_none());
        answers.palette_version = "4.6.12".into();
        assert_eq!(
            c.eval(&cx(&answers)).unwrap(),
            vec!["Palette 4.6.12 is 4.6.12 or later".to_owned()]
        );
    }
}
