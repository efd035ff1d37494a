use serde::{Deserialize, Serialize};

/// How the Palette management plane is run: the first question, since it decides which
/// documentation tables apply at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_models_serialise_as_their_slug_and_back() {
        for model in DeploymentModel::ALL {
            let json = serde_json::to_string(&model).unwrap();
            assert_eq!(serde_json::from_str::<DeploymentModel>(&json).unwrap(), model);
            assert_eq!(json, format!("\"{}\"", model.slug()));
        }
        assert_eq!(
            serde_json::to_string(&DeploymentModel::SelfHostedVertex).unwrap(),
            "\"self-hosted-vertex\""
        );
    }

    #[test]
    fn only_the_two_self_hosted_models_are_self_hosted() {
        let self_hosted: Vec<_> = DeploymentModel::ALL
            .into_iter()
            .filter(|m| m.is_self_hosted())
            .collect();
        assert_eq!(
            self_hosted,
            vec![DeploymentModel::SelfHostedPalette, DeploymentModel::SelfHostedVertex]
        );
    }
}
