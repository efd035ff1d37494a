use leptos::prelude::*;
use rules::DeploymentModel;

const DOCS_ARCHITECTURE: &str = "https://docs.spectrocloud.com/architecture/architecture-overview/";

/// First question: where the management plane runs. It decides which of the documentation's
/// port tables apply, so everything else follows from it.
#[component]
pub fn DeploymentStep(model: RwSignal<DeploymentModel>) -> impl IntoView {
    view! {
        <fieldset class="space-y-3">
            <legend class="text-xl font-semibold mb-1">"How is Palette deployed?"</legend>
            <p class="text-sm text-slate-600 dark:text-slate-300">
                "SaaS and self-hosted Palette need different flows. "
                <a class="underline" href=DOCS_ARCHITECTURE target="_blank" rel="noopener">
                    "Deployment models in the Palette docs"
                </a>
            </p>
            {DeploymentModel::ALL
                .into_iter()
                .map(|choice| view! { <DeploymentChoice choice model /> })
                .collect_view()}
        </fieldset>
        <p id="deployment-summary" class="mt-4 text-sm" aria-live="polite">
            "Selected: " {move || model.get().label()}
        </p>
    }
}

#[component]
fn DeploymentChoice(choice: DeploymentModel, model: RwSignal<DeploymentModel>) -> impl IntoView {
    let id = format!("deployment-{}", choice.slug());
    let label_for = id.clone();
    view! {
        <label
            for=label_for
            class="flex gap-3 rounded-lg border p-3 cursor-pointer border-slate-300 dark:border-slate-600 has-[:checked]:border-sky-600 has-[:checked]:bg-sky-50 dark:has-[:checked]:bg-sky-950 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-sky-500"
        >
            <input
                type="radio"
                name="deployment-model"
                id=id
                value=choice.slug()
                class="mt-1"
                prop:checked=move || model.get() == choice
                on:change=move |_| model.set(choice)
            />
            <span>
                <span class="block font-medium">{choice.label()}</span>
                <span class="block text-sm text-slate-600 dark:text-slate-300">
                    {choice.description()}
                </span>
            </span>
        </label>
    }
}
