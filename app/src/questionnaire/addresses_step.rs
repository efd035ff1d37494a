use super::fields::{ListField, TextField, Toggle};
use crate::state::AppState;
use leptos::prelude::*;
use rules::answers::{Endpoints, RegistrySource};
use rules::{Gateway, Infrastructure};

/// The addresses the user knows. Each list is optional: the checklist names a placeholder for
/// whatever is left empty. Only the lists that matter for the answers so far are shown.
#[component]
pub fn AddressesStep(state: AppState) -> impl IntoView {
    let answers = state.answers;
    // From the discrete answers, never from the validated ones: a half-typed address must not
    // take the fields away (`Answers::gateway`).
    let gateway = move || answers.with(|a| a.gateway());
    let palette_in_vcenter = move || answers.with(|a| a.palette_in_vcenter());
    let has_installer = move || answers.with(|a| a.has_installer());
    let self_hosted = move || answers.with(|a| a.deployment.is_self_hosted());
    let edge = move || answers.with(|a| a.infrastructure.contains(&Infrastructure::Edge));
    let private_registry = move || answers.with(|a| a.registry != RegistrySource::Public);
    let list = move |get: fn(&Endpoints) -> &Vec<String>, set: fn(&mut Endpoints, Vec<String>)| {
        (
            Signal::derive(move || answers.with(|a| get(&a.endpoints).clone())),
            Callback::new(move |v| state.edit(|a| set(&mut a.endpoints, v))),
        )
    };
    let (admin, set_admin) = list(|e| &e.admin, |e, v| e.admin = v);
    let (workload, set_workload) = list(|e| &e.workload_nodes, |e, v| e.workload_nodes = v);
    let (pcg, set_pcg) = list(|e| &e.pcg_nodes, |e, v| e.pcg_nodes = v);
    let (mgmt, set_mgmt) = list(|e| &e.management_plane, |e, v| e.management_plane = v);
    let (edge_hosts, set_edge_hosts) = list(|e| &e.edge_hosts, |e, v| e.edge_hosts = v);
    let (registries, set_registries) = list(|e| &e.registries, |e, v| e.registries = v);
    let (dns, set_dns) = list(|e| &e.dns_servers, |e, v| e.dns_servers = v);
    let (ntp, set_ntp) = list(|e| &e.ntp_servers, |e, v| e.ntp_servers = v);
    let (installer, set_installer) = list(|e| &e.installer, |e, v| e.installer = v);
    const ONE_PER_LINE: &str = "One per line: host name, IP address or CIDR network.";
    view! {
        <div class="space-y-4">
            <p class="text-sm text-slate-600 dark:text-slate-300">
                "Every field is optional: the checklist and ticket name a placeholder for anything left empty."
            </p>
            <Toggle
                id="ssh-access"
                label="SSH access to cluster nodes for troubleshooting"
                description="Optional; Palette itself does not need it."
                value=Signal::derive(move || answers.with(|a| a.ssh_access))
                on_change=Callback::new(move |v| state.edit(|a| a.ssh_access = v))
            />
            <Show when=move || answers.with(|a| a.asks_palette_endpoint())>
                <TextField
                    id="endpoint-palette"
                    label="Palette endpoint"
                    hint="Your self-hosted or dedicated Palette address."
                    placeholder="palette.example.com"
                    value=Signal::derive(move || answers.with(|a| a.endpoints.palette.clone()))
                    on_input=Callback::new(move |v| state.edit(|a| a.endpoints.palette = v))
                    error=state.error("endpoints.palette")
                />
            </Show>
            <ListField id="endpoint-admin" label="Admin workstations" hint=ONE_PER_LINE placeholder="10.1.0.0/24"
                value=admin on_input=set_admin error=state.error("endpoints.admin") />
            <ListField id="endpoint-workload" label="Workload cluster nodes" hint=ONE_PER_LINE placeholder="10.20.0.0/16"
                value=workload on_input=set_workload error=state.error("endpoints.workload-nodes") />
            <Show when=move || gateway() != Gateway::None>
                <TextField
                    id="endpoint-infrastructure"
                    label="Infrastructure API (vCenter, MAAS, OpenStack)"
                    hint="Host or URL with its port, e.g. https://vcenter.example.com or http://maas.example.com:5240/MAAS."
                    placeholder="vcenter.example.com"
                    value=Signal::derive(move || answers.with(|a| a.endpoints.infrastructure_api.clone()))
                    on_input=Callback::new(move |v| state.edit(|a| a.endpoints.infrastructure_api = v))
                    error=state.error("endpoints.infrastructure-api")
                />
            </Show>
            <Show when=move || gateway() == Gateway::Pcg>
                <ListField id="endpoint-pcg" label="PCG nodes" hint=ONE_PER_LINE placeholder="10.20.5.0/28"
                    value=pcg on_input=set_pcg error=state.error("endpoints.pcg-nodes") />
                <ListField id="endpoint-dns" label="DNS servers used by the PCG" hint=ONE_PER_LINE placeholder="10.1.0.53"
                    value=dns on_input=set_dns error=state.error("endpoints.dns-servers") />
                <ListField id="endpoint-ntp" label="NTP servers used by the PCG" hint=ONE_PER_LINE placeholder="10.1.0.123"
                    value=ntp on_input=set_ntp error=state.error("endpoints.ntp-servers") />
            </Show>
            <Show when=palette_in_vcenter>
                <TextField
                    id="endpoint-palette-vcenter"
                    label="vCenter that hosts Palette"
                    hint="The vCenter the Palette CLI installs Palette into, if it is not the one workload clusters use. Host or URL with its port."
                    placeholder="vcenter-mgmt.example.com"
                    value=Signal::derive(move || answers.with(|a| a.endpoints.palette_vcenter.clone()))
                    on_input=Callback::new(move |v| state.edit(|a| a.endpoints.palette_vcenter = v))
                    error=state.error("endpoints.palette-vcenter")
                />
            </Show>
            <Show when=has_installer>
                <ListField id="endpoint-installer" label="Installer host (runs the Palette CLI)" hint=ONE_PER_LINE placeholder="10.1.0.20"
                    value=installer on_input=set_installer error=state.error("endpoints.installer") />
            </Show>
            <Show when=self_hosted>
                <TextField
                    id="endpoint-grpc"
                    label="External gRPC endpoint (optional)"
                    hint="Only if Palette was installed with a load balancer dedicated to gRPC (Helm value grpc.external): its name and port, e.g. grpc.palette.example.com:443."
                    placeholder="grpc.palette.example.com:443"
                    value=Signal::derive(move || answers.with(|a| a.endpoints.grpc.clone()))
                    on_input=Callback::new(move |v| state.edit(|a| a.endpoints.grpc = v))
                    error=state.error("endpoints.grpc")
                />
            </Show>
            <Show when=self_hosted>
                <ListField id="endpoint-management" label="Self-hosted management cluster nodes" hint=ONE_PER_LINE placeholder="10.10.1.0/28"
                    value=mgmt on_input=set_mgmt error=state.error("endpoints.management-plane") />
            </Show>
            <Show when=edge>
                <ListField id="endpoint-edge" label="Edge hosts" hint=ONE_PER_LINE placeholder="192.168.100.0/24"
                    value=edge_hosts on_input=set_edge_hosts error=state.error("endpoints.edge-hosts") />
            </Show>
            <Show when=private_registry>
                <ListField id="endpoint-registries" label="Registries" hint="One per line; add :port if it is not 443." placeholder="harbor.example.com"
                    value=registries on_input=set_registries error=state.error("endpoints.registries") />
            </Show>
        </div>
    }
}
