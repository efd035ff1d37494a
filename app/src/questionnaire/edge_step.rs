use super::fields::{Choice, Toggle};
use crate::state::AppState;
use leptos::prelude::*;
use rules::answers::EdgeManagement;

#[component]
pub fn EdgeStep(state: AppState) -> impl IntoView {
    let central = move || {
        state
            .answers
            .with(|a| a.edge.management == EdgeManagement::Central)
    };
    view! {
        <div class="space-y-4">
            <Choice
                name="edge-management"
                legend="How are Edge hosts managed?"
                why="Centrally managed hosts connect to Palette; locally managed ones never do."
                doc="https://docs.spectrocloud.com/clusters/edge/architecture/"
                options=vec![
                    (EdgeManagement::Central, "central", "Centrally, from Palette", "Hosts register with Palette."),
                    (EdgeManagement::Local, "local", "Locally, through Local UI", "No connection to Palette."),
                ]
                value=Signal::derive(move || state.answers.with(|a| a.edge.management))
                on_change=Callback::new(move |m| state.edit(|a| a.set_edge_management(m)))
            />
            <Toggle
                id="edge-local-ui"
                label="Local UI"
                description="Manage hosts in a browser on port 5080 (Edge Installer 4.3 or later)."
                value=Signal::derive(move || state.answers.with(|a| a.edge.local_ui))
                on_change=Callback::new(move |v| state.edit(|a| a.edge.local_ui = v))
            />
            <Show when=central>
                <Toggle
                    id="edge-remote-shell"
                    label="Remote shell from Palette"
                    description="SSH sessions to hosts from Palette (Palette 4.6.12 and agent 4.6.9 or later)."
                    value=Signal::derive(move || state.answers.with(|a| a.edge.remote_shell))
                    on_change=Callback::new(move |v| state.edit(|a| a.edge.remote_shell = v))
                    error=state.error("edge.remote-shell")
                />
            </Show>
            <Toggle
                id="edge-local-registry"
                label="Local (primary) registry"
                description="An in-cluster registry on NodePort 30003."
                value=Signal::derive(move || state.answers.with(|a| a.edge.local_registry))
                on_change=Callback::new(move |v| state.edit(|a| a.edge.local_registry = v))
            />
            <Toggle
                id="edge-agent-mode-firewalld"
                label="Agent mode with firewalld on the host"
                description="Rocky Linux (FIPS) with Cilium: the host firewall must open cluster ports."
                value=Signal::derive(move || state.answers.with(|a| a.edge.agent_mode_firewalld))
                on_change=Callback::new(move |v| state.edit(|a| a.edge.agent_mode_firewalld = v))
            />
        </div>
    }
}
