use super::fields::Why;
use crate::state::AppState;
use leptos::prelude::*;
use rules::Infrastructure;

#[component]
pub fn InfrastructureStep(state: AppState) -> impl IntoView {
    let error = state.error("infrastructure");
    view! {
        <fieldset class="space-y-2">
            <legend class="text-lg font-semibold">"Where do workload clusters run?"</legend>
            <Why
                id="infrastructure-why".to_owned()
                why="Data-centre targets need a gateway; vSphere adds vCenter flows; Edge has its own ports. Choose all that apply."
                doc="https://docs.spectrocloud.com/architecture/architecture-overview/"
            />
            <div class="grid gap-2 sm:grid-cols-2">
                {Infrastructure::ALL
                    .into_iter()
                    .map(|infra| {
                        let id = format!("infrastructure-{}", infra.slug());
                        let for_id = id.clone();
                        view! {
                            <label for=for_id class="flex items-center gap-2 rounded-md border border-slate-300 p-2 dark:border-slate-600 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-sky-500">
                                <input
                                    type="checkbox"
                                    id=id
                                    prop:checked=move || state.answers.with(|a| a.infrastructure.contains(&infra))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        state.edit(|a| a.set_infrastructure(infra, on))
                                    }
                                />
                                {infra.label()}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="text-sm font-medium text-red-700 dark:text-red-400" role="alert">{move || error.get()}</p>
        </fieldset>
    }
}
