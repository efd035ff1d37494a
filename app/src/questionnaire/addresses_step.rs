use super::field_paths::{self as f, Field};
use super::fields::{ListField, TextField, Toggle};
use crate::state::AppState;
use leptos::prelude::*;
use rules::answers::{Address, Endpoints};

/// The addresses the user knows. Each list is optional: the checklist names a placeholder for
/// whatever is left empty. Only the lists that matter for the answers so far are shown, and any
/// that holds a value (`Answers::asks_address`): decided from the discrete answers, never from
/// the validated ones, so a half-typed address never takes a field away.
#[component]
pub fn AddressesStep(state: AppState) -> impl IntoView {
    let answers = state.answers;
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
            {address(state, Address::Palette, &f::PALETTE, "Your self-hosted or dedicated Palette address.", "palette.example.com", |e| &e.palette, |e, v| e.palette = v)}
            {addresses(state, Address::Admin, &f::ADMIN, ONE_PER_LINE, "10.1.0.0/24", |e| &e.admin, |e, v| e.admin = v)}
            {addresses(state, Address::WorkloadNodes, &f::WORKLOAD, ONE_PER_LINE, "10.20.0.0/16", |e| &e.workload_nodes, |e, v| e.workload_nodes = v)}
            {address(state, Address::InfrastructureApi, &f::INFRASTRUCTURE_API, "Host or URL with its port, e.g. https://vcenter.example.com or http://maas.example.com:5240/MAAS.", "vcenter.example.com", |e| &e.infrastructure_api, |e, v| e.infrastructure_api = v)}
            {addresses(state, Address::PcgNodes, &f::PCG_NODES, ONE_PER_LINE, "10.20.5.0/28", |e| &e.pcg_nodes, |e, v| e.pcg_nodes = v)}
            {addresses(state, Address::DnsServers, &f::DNS, ONE_PER_LINE, "10.1.0.53", |e| &e.dns_servers, |e, v| e.dns_servers = v)}
            {addresses(state, Address::NtpServers, &f::NTP, ONE_PER_LINE, "10.1.0.123", |e| &e.ntp_servers, |e, v| e.ntp_servers = v)}
            {address(state, Address::PaletteVcenter, &f::PALETTE_VCENTER, "The vCenter the Palette CLI installs Palette into, if it is not the one workload clusters use. Host or URL with its port.", "vcenter-mgmt.example.com", |e| &e.palette_vcenter, |e, v| e.palette_vcenter = v)}
            {addresses(state, Address::Installer, &f::INSTALLER, ONE_PER_LINE, "10.1.0.20", |e| &e.installer, |e, v| e.installer = v)}
            {address(state, Address::Grpc, &f::GRPC, "Only if Palette was installed with a load balancer dedicated to gRPC (Helm value grpc.external): its name and port, e.g. grpc.palette.example.com:443.", "grpc.palette.example.com:443", |e| &e.grpc, |e, v| e.grpc = v)}
            {addresses(state, Address::ManagementPlane, &f::MANAGEMENT, ONE_PER_LINE, "10.10.1.0/28", |e| &e.management_plane, |e, v| e.management_plane = v)}
            {addresses(state, Address::EdgeHosts, &f::EDGE_HOSTS, ONE_PER_LINE, "192.168.100.0/24", |e| &e.edge_hosts, |e, v| e.edge_hosts = v)}
            {addresses(state, Address::Registries, &f::REGISTRIES, "One per line; add :port if it is not 443.", "harbor.example.com", |e| &e.registries, |e, v| e.registries = v)}
        </div>
    }
}

/// One address answer: its id, label and error path from `field_paths`.
fn address(
    state: AppState,
    which: Address,
    field: &'static Field,
    hint: &'static str,
    placeholder: &'static str,
    get: fn(&Endpoints) -> &String,
    set: fn(&mut Endpoints, String),
) -> impl IntoView {
    view! {
        <Show when=move || state.answers.with(|a| a.asks_address(which))>
            <TextField id=field.id label=field.label hint placeholder
                value=Signal::derive(move || state.answers.with(|a| get(&a.endpoints).clone()))
                on_input=Callback::new(move |v| state.edit(|a| set(&mut a.endpoints, v)))
                error=state.error(field.path) />
        </Show>
    }
}

/// A one-per-line list of addresses, as `address`.
fn addresses(
    state: AppState,
    which: Address,
    field: &'static Field,
    hint: &'static str,
    placeholder: &'static str,
    get: fn(&Endpoints) -> &Vec<String>,
    set: fn(&mut Endpoints, Vec<String>),
) -> impl IntoView {
    view! {
        <Show when=move || state.answers.with(|a| a.asks_address(which))>
            <ListField id=field.id label=field.label hint placeholder
                value=Signal::derive(move || state.answers.with(|a| get(&a.endpoints).clone()))
                on_input=Callback::new(move |v| state.edit(|a| set(&mut a.endpoints, v)))
                error=state.error(field.path) />
        </Show>
    }
}
