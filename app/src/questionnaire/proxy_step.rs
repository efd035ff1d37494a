use super::field_paths::{NO_PROXY, PROXY_URL};
use super::fields::{Choice, ListField, TextField};
use crate::state::AppState;
use leptos::prelude::*;
use rules::answers::ProxyKind;

#[component]
pub fn ProxyStep(state: AppState) -> impl IntoView {
    let has_proxy = move || state.answers.with(|a| a.proxy.kind != ProxyKind::None);
    view! {
        <div class="space-y-4">
            <Choice
                name="proxy"
                legend="Does traffic leave through a proxy?"
                why="A proxy adds its own flows; one that inspects TLS (SSL bump) breaks gRPC over HTTP/2."
                doc="https://docs.spectrocloud.com/architecture/grps-proxy/"
                options=vec![
                    (ProxyKind::None, "none", "No proxy", "Clusters reach the internet directly or through NAT."),
                    (ProxyKind::Connect, "connect", "HTTP proxy (CONNECT)", "TLS passes through the proxy untouched."),
                    (ProxyKind::SslBump, "ssl-bump", "TLS-inspecting proxy (SSL bump)", "The proxy decrypts and re-signs TLS."),
                ]
                value=Signal::derive(move || state.answers.with(|a| a.proxy.kind))
                on_change=Callback::new(move |k| state.edit(|a| a.proxy.kind = k))
            />
            <Show when=has_proxy>
                <TextField
                    id=PROXY_URL.id
                    label=PROXY_URL.label
                    hint="A URL with scheme and port; leave credentials out (the probe reads them from its environment)."
                    placeholder="http://proxy.example.com:3128"
                    value=Signal::derive(move || state.answers.with(|a| a.proxy.url.clone()))
                    on_input=Callback::new(move |v| state.edit(|a| a.proxy.url = v))
                    error=state.error(PROXY_URL.path)
                />
                <ListField
                    id=NO_PROXY.id
                    label=NO_PROXY.label
                    hint="One per line: host, .domain, IP or CIDR. The checklist shows which flows bypass the proxy."
                    placeholder=".svc\n.cluster.local\n10.0.0.0/8"
                    value=Signal::derive(move || state.answers.with(|a| a.proxy.no_proxy.clone()))
                    on_input=Callback::new(move |v| state.edit(|a| a.proxy.no_proxy = v))
                    error=state.error(NO_PROXY.path)
                />
            </Show>
        </div>
    }
}
