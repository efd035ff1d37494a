use super::field_paths::PALETTE_VERSION;
use super::fields::{TextField, Why};
use crate::state::AppState;
use leptos::prelude::*;

#[component]
pub fn VersionStep(state: AppState) -> impl IntoView {
    let era = move || {
        state.checked.with(|r| match r {
            Ok((era, _)) => era.label().to_owned(),
            Err(_) => String::new(),
        })
    };
    view! {
        <fieldset class="space-y-3">
            <legend class="text-lg font-semibold">"Which Palette version?"</legend>
            <Why
                id="version-why".to_owned()
                why="Before 4.0.0 agents talk to Palette over NATS on tcp/4222; from 4.0.0 over gRPC on 443."
                doc="https://docs.spectrocloud.com/architecture/networking-ports/"
            />
            <TextField
                id=PALETTE_VERSION.id
                label=PALETTE_VERSION.label
                hint="As shown in Palette's About page, e.g. 4.10.0."
                placeholder="4.10.0"
                value=Signal::derive(move || state.answers.with(|a| a.palette_version.clone()))
                on_input=Callback::new(move |v| state.edit(|a| a.palette_version = v))
                error=state.error(PALETTE_VERSION.path)
            />
            <p id="era" class="text-sm" aria-live="polite">{era}</p>
        </fieldset>
    }
}
