use super::field_paths::{self as f, Field};
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
                {address(state, &f::PALETTE, "Your self-hosted or dedicated Palette address.", "palette.example.com", |e| &e.palette, |e, v| e.palette = v)}
            </Show>
            {addresses(state, &f::ADMIN, ONE_PER_LINE, "10.1.0.0/24", |e| &e.admin, |e, v| e.admin = v)}
            {addresses(state, &f::WORKLOAD, ONE_PER_LINE, "10.20.0.0/16", |e| &e.workload_nodes, |e, v| e.workload_nodes = v)}
            <Show when=move || gateway() != Gateway::None>
                {address(state, &f::INFRASTRUCTURE_API, "Host or URL with its port, e.g. https://vcenter.example.com or http://maas.example.com:5240/MAAS.", "vcenter.example.com", |e| &e.infrastructure_api, |e, v| e.infrastructure_api = v)}
            </Show>
            <Show when=move || gateway() == Gateway::Pcg>
                {addresses(state, &f::PCG_NODES, ONE_PER_LINE, "10.20.5.0/28", |e| &e.pcg_nodes, |e, v| e.pcg_nodes = v)}
                {addresses(state, &f::DNS, ONE_PER_LINE, "10.1.0.53", |e| &e.dns_servers, |e, v| e.dns_servers = v)}
                {addresses(state, &f::NTP, ONE_PER_LINE, "10.1.0.123", |e| &e.ntp_servers, |e, v| e.ntp_servers = v)}
            </Show>
            <Show when=palette_in_vcenter>
                {address(state, &f::PALETTE_VCENTER, "The vCenter the Palette CLI installs Palette into, if it is not the one workload clusters use. Host or URL with its port.", "vcenter-mgmt.example.com", |e| &e.palette_vcenter, |e, v| e.palette_vcenter = v)}
            </Show>
            <Show when=has_installer>
                {addresses(state, &f::INSTALLER, ONE_PER_LINE, "10.1.0.20", |e| &e.installer, |e, v| e.installer = v)}
            </Show>
            <Show when=self_hosted>
                {address(state, &f::GRPC, "Only if Palette was installed with a load balancer dedicated to gRPC (Helm value grpc.external): its name and port, e.g. grpc.palette.example.com:443.", "grpc.palette.example.com:443", |e| &e.grpc, |e, v| e.grpc = v)}
            </Show>
            <Show when=self_hosted>
                {addresses(state, &f::MANAGEMENT, ONE_PER_LINE, "10.10.1.0/28", |e| &e.management_plane, |e, v| e.management_plane = v)}
            </Show>
            <Show when=edge>
                {addresses(state, &f::EDGE_HOSTS, ONE_PER_LINE, "192.168.100.0/24", |e| &e.edge_hosts, |e, v| e.edge_hosts = v)}
            </Show>
            <Show when=private_registry>
                {addresses(state, &f::REGISTRIES, "One per line; add :port if it is not 443.", "harbor.example.com", |e| &e.registries, |e, v| e.registries = v)}
            </Show>
        </div>
    }
}

/// One address answer: its id, label and error path from `field_paths`.
fn address(
    state: AppState,
    field: &'static Field,
    hint: &'static str,
    placeholder: &'static str,
    get: fn(&Endpoints) -> &String,
    set: fn(&mut Endpoints, String),
) -> impl IntoView {
    view! {
        <TextField id=field.id label=field.label hint placeholder
            value=Signal::derive(move || state.answers.with(|a| get(&a.endpoints).clone()))
            on_input=Callback::new(move |v| state.edit(|a| set(&mut a.endpoints, v)))
            error=state.error(field.path) />
    }
}

/// A one-per-line list of addresses, as `address`.
fn addresses(
    state: AppState,
    field: &'static Field,
    hint: &'static str,
    placeholder: &'static str,
    get: fn(&Endpoints) -> &Vec<String>,
    set: fn(&mut Endpoints, Vec<String>),
) -> impl IntoView {
    view! {
        <ListField id=field.id label=field.label hint placeholder
            value=Signal::derive(move || state.answers.with(|a| get(&a.endpoints).clone()))
            on_input=Callback::new(move |v| state.edit(|a| set(&mut a.endpoints, v)))
            error=state.error(field.path) />
    }
}
