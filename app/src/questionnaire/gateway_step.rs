use super::fields::{Choice, Toggle};
use crate::state::AppState;
use leptos::prelude::*;
use rules::answers::GatewayChoice;

const PCG_DOC: &str = "https://docs.spectrocloud.com/clusters/pcg/architecture/";

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
        </div>
    }
}
