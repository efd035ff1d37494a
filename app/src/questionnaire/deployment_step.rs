use super::fields::Choice;
use crate::state::AppState;
use leptos::prelude::*;
use rules::DeploymentModel;

/// First question: where the management plane runs. It decides which of the documentation's
/// port tables apply, so everything else follows from it.
#[component]
pub fn DeploymentStep(state: AppState) -> impl IntoView {
    let options = DeploymentModel::ALL
        .into_iter()
        .map(|m| (m, m.slug(), m.label(), m.description()))
        .collect();
    view! {
        <Choice
            name="deployment"
            legend="How is Palette deployed?"
            why="SaaS and self-hosted Palette need different flows."
            doc="https://docs.spectrocloud.com/architecture/architecture-overview/"
            options
            value=Signal::derive(move || state.answers.with(|a| a.deployment))
            on_change=Callback::new(move |m| state.edit(|a| a.deployment = m))
            error=state.error("deployment")
        />
    }
}
