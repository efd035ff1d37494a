use super::fields::{Choice, Toggle};
use crate::state::AppState;
use leptos::prelude::*;
use rules::answers::{RegistrySource, SelfHostedInstall};

#[component]
pub fn SelfHostedStep(state: AppState) -> impl IntoView {
    view! {
        <div class="space-y-4">
            <Toggle
                id="air-gapped"
                label="Air-gapped: no internet access at all"
                description="Packs and images then come from the air-gap support VM or your own registry."
                value=Signal::derive(move || state.answers.with(|a| a.air_gapped))
                on_change=Callback::new(move |v| state.edit(|a| a.set_air_gapped(v)))
                error=state.error("air-gapped")
            />
            <Choice
                name="install"
                legend="How is Palette installed?"
                why="The Management Appliance adds node-to-node, Local UI and registry ports."
                doc="https://docs.spectrocloud.com/enterprise-version/install-palette/"
                options=vec![
                    (SelfHostedInstall::PaletteCli, "palette-cli", "Palette CLI on VMware", "A three-node management cluster on vSphere."),
                    (SelfHostedInstall::Helm, "helm", "Helm chart on Kubernetes", "On an existing Kubernetes cluster."),
                    (SelfHostedInstall::ManagementAppliance, "management-appliance", "Management Appliance", "ISO on VMware, bare metal or MAAS."),
                ]
                value=Signal::derive(move || state.answers.with(|a| a.self_hosted_install))
                on_change=Callback::new(move |m| state.edit(|a| a.self_hosted_install = m))
            />
            <Choice
                name="registry"
                legend="Where do packs and images come from?"
                why="Decides which registries must be reachable."
                doc="https://docs.spectrocloud.com/clusters/pcg/deploy-pcg/vmware/"
                options=vec![
                    (RegistrySource::Public, "public", "Public registries", "Spectro Cloud's and third-party registries on the internet."),
                    (RegistrySource::AirgapSupportVm, "airgap-support-vm", "Air-gap support VM", "Harbor registries and the Spectro Cloud Artifact Repository."),
                    (RegistrySource::Own, "own", "Your own OCI registry", "Enter its address on the Addresses step."),
                ]
                value=Signal::derive(move || state.answers.with(|a| a.registry))
                on_change=Callback::new(move |r| state.edit(|a| a.registry = r))
                error=state.error("registry")
            />
        </div>
    }
}
