//! The questionnaire: one component per step. Steps appear only when their questions matter for
//! the answers so far (no gateway questions for public clouds, no Edge options without Edge).

mod addresses_step;
mod deployment_step;
mod edge_step;
pub mod field_paths;
pub mod fields;
mod gateway_step;
mod infrastructure_step;
mod proxy_step;
mod self_hosted_step;
mod version_step;

pub use addresses_step::AddressesStep;
pub use deployment_step::DeploymentStep;
pub use edge_step::EdgeStep;
pub use gateway_step::GatewayStep;
pub use infrastructure_step::InfrastructureStep;
pub use proxy_step::ProxyStep;
pub use self_hosted_step::SelfHostedStep;
pub use version_step::VersionStep;

use rules::{Answers, Infrastructure};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Deployment,
    Version,
    Infrastructure,
    Gateway,
    SelfHosted,
    Proxy,
    Edge,
    Addresses,
    Checklist,
    Ticket,
}

impl Step {
    const ORDER: [Step; 10] = [
        Step::Deployment,
        Step::Version,
        Step::Infrastructure,
        Step::Gateway,
        Step::SelfHosted,
        Step::Proxy,
        Step::Edge,
        Step::Addresses,
        Step::Checklist,
        Step::Ticket,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Step::Deployment => "Deployment",
            Step::Version => "Version",
            Step::Infrastructure => "Infrastructure",
            Step::Gateway => "Gateway",
            Step::SelfHosted => "Self-hosted",
            Step::Proxy => "Proxy",
            Step::Edge => "Edge",
            Step::Addresses => "Addresses",
            Step::Checklist => "Checklist",
            Step::Ticket => "Ticket",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Step::Deployment => "deployment",
            Step::Version => "version",
            Step::Infrastructure => "infrastructure",
            Step::Gateway => "gateway",
            Step::SelfHosted => "self-hosted",
            Step::Proxy => "proxy",
            Step::Edge => "edge",
            Step::Addresses => "addresses",
            Step::Checklist => "checklist",
            Step::Ticket => "ticket",
        }
    }

    fn applies(self, a: &Answers) -> bool {
        match self {
            Step::Gateway => a.infrastructure.iter().any(|i| i.needs_gateway()),
            Step::SelfHosted => a.deployment.is_self_hosted(),
            Step::Edge => a.infrastructure.contains(&Infrastructure::Edge),
            Step::Proxy => a.asks_proxy(),
            _ => true,
        }
    }

    /// The steps that apply to these answers, in order.
    pub fn visible(a: &Answers) -> Vec<Step> {
        Step::ORDER.into_iter().filter(|s| s.applies(a)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::DeploymentModel;

    #[test]
    fn defaults_skip_gateway_self_hosted_and_edge() {
        let steps = Step::visible(&Answers::default());
        assert!(!steps.contains(&Step::Gateway));
        assert!(!steps.contains(&Step::SelfHosted));
        assert!(!steps.contains(&Step::Edge));
        assert_eq!(steps.last(), Some(&Step::Ticket));
    }

    #[test]
    fn dependent_steps_appear_with_their_answers() {
        let a = Answers {
            deployment: DeploymentModel::SelfHostedVertex,
            infrastructure: vec![Infrastructure::Maas, Infrastructure::Edge],
            ..Answers::default()
        };
        let steps = Step::visible(&a);
        for s in [Step::Gateway, Step::SelfHosted, Step::Edge] {
            assert!(steps.contains(&s), "{s:?}");
        }
    }
}
