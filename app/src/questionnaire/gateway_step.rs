use super::fields::{Choice, Toggle};
use crate::state::AppState;
use leptos::prelude::*;
use rules::answers::{GatewayChoice, PcgInstall};
use rules::Gateway;

const PCG_DOC: &str = "https://docs.spectrocloud.com/clusters/pcg/architecture/";
const PCG_DEPLOY_DOC: &str = "https://docs.spectrocloud.com/clusters/pcg/deploy-pcg/";

/// Asked only for data-centre infrastructure. The PCG page's scenario table decides: SaaS always
/// needs a PCG; self-hosted can use its built-in System Private Gateway unless a firewall or NAT
/// is in the way.
#[component]
pub fn GatewayStep(state: AppState) -> impl IntoView {
    let self_hosted = move || state.answers.with(|a| a.deployment.is_self_hosted());
    let options = move || {
        let mut options = vec![
            (
                GatewayChoice::Auto,
                "auto",
                "Decide for me",
                "Follow the documentation's scenario table.",
            ),
            (
                GatewayChoice::Pcg,
                "pcg",
                "Private Cloud Gateway (PCG)",
                "Gateway VMs in your data centre that connect out to Palette.",
            ),
        ];
        if self_hosted() {
            options.push((
                GatewayChoice::SystemPrivateGateway,
                "system-private-gateway",
                "System Private Gateway",
                "Built into self-hosted Palette; needs direct connectivity to the infrastructure.",
            ));
        }
        options
    };
    view! {
        <div class="space-y-4">
            <Toggle
                id="firewall-between"
                label="A firewall or NAT sits between the infrastructure and Palette"
                description="Decides between a PCG and the System Private Gateway."
                value=Signal::derive(move || state.answers.with(|a| a.firewall_between))
                on_change=Callback::new(move |v| state.edit(|a| a.firewall_between = v))
            />
            {move || {
                view! {
                    <Choice
                        name="gateway"
                        legend="Which gateway reaches the infrastructure?"
                        why="Palette needs a gateway to reach vCenter, MAAS or OpenStack from outside the data centre."
                        doc=PCG_DOC
                        options=options()
                        value=Signal::derive(move || state.answers.with(|a| a.gateway))
                        on_change=Callback::new(move |g| state.edit(|a| a.gateway = g))
                        error=state.error("gateway")
                    />
                }
            }}
            <p class="text-sm" hidden=self_hosted>
                "The System Private Gateway exists only in self-hosted Palette, so it is not offered for SaaS."
            </p>
            <Show when=move || state.answers.with(|a| a.gateway() == Gateway::Pcg)>
                <Choice
                    name="pcg-install"
                    legend="How is the PCG installed?"
                    why="The Palette CLI builds gateway VMs from an installer host; a PCG on a Kubernetes cluster you run has no installer host and inherits that cluster's proxy."
                    doc=PCG_DEPLOY_DOC
                    options=vec![
                        (PcgInstall::Auto, "auto", "Decide for me", "The Palette CLI, or an existing Kubernetes cluster for Nutanix."),
                        (PcgInstall::PaletteCli, "palette-cli", "Palette CLI", "Gateway VMs in vSphere, MAAS, OpenStack or CloudStack."),
                        (PcgInstall::ExistingKubernetes, "existing-kubernetes", "An existing Kubernetes cluster", "The PCG's agent applied with kubectl (the way for Nutanix)."),
                    ]
                    value=Signal::derive(move || state.answers.with(|a| a.pcg_install))
                    on_change=Callback::new(move |p| state.edit(|a| a.pcg_install = p))
                    error=state.error("pcg-install")
                />
            </Show>
        </div>
    }
}
