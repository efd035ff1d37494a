use crate::questionnaire::DeploymentStep;
use leptos::prelude::*;
use rules::DeploymentModel;

#[component]
pub fn App() -> impl IntoView {
    // SaaS is the default: it is the most common deployment and lets a user see a checklist at once.
    let model = RwSignal::new(DeploymentModel::MultiTenantSaas);
    view! {
        <header class="border-b border-slate-200 dark:border-slate-700 px-4 py-3">
            <p class="text-lg font-semibold">"Palette port check"</p>
            <p class="text-sm text-slate-600 dark:text-slate-300">
                "Which network flows your Spectro Cloud Palette deployment needs."
            </p>
        </header>
        <main id="questionnaire" class="mx-auto max-w-2xl p-4" data-ready="true">
            <DeploymentStep model=model />
        </main>
    }
}
