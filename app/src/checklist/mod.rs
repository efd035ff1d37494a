//! The checklist step: findings first, then the flows grouped by where they must be opened, each
//! with a tick-off box. Ticks are kept with the answers.

mod findings;
mod flow_card;
mod summary;

use crate::live::LivePanel;
use crate::questionnaire::{field_paths, Step};
use crate::state::AppState;
use findings::Findings;
use flow_card::FlowCard;
use leptos::prelude::*;
use rules::{render, Checklist, FieldError, Level};
use summary::Summary;
use wasm_bindgen::JsCast;

#[component]
pub fn ChecklistView(state: AppState) -> impl IntoView {
    move || match state.result.get()? {
        Ok(checklist) => Some(view! { <Ready state checklist /> }.into_any()),
        Err(errors) => Some(view! { <Blocked errors /> }.into_any()),
    }
}

#[component]
fn Ready(state: AppState, checklist: Checklist) -> impl IntoView {
    let required: Vec<String> = checklist
        .flows
        .iter()
        .filter(|f| f.level == Level::Required)
        .map(|f| f.id.clone())
        .collect();
    let total = required.len();
    let done = Signal::derive(move || {
        state
            .ticked
            .with(|t| required.iter().filter(|id| t.contains(*id)).count())
    });
    let summary = format!(
        "Palette {} · {} · gateway: {}",
        checklist.palette_version,
        checklist.era.label(),
        checklist.gateway.label()
    );
    let provenance = checklist.provenance();
    let answers = state.answers.get_untracked();
    // Table and cards, or the table alone: the cards hold each flow's detail and live verdict.
    // Print gives the table (with the notes and the picture): the handout a change board reads.
    let cards = RwSignal::new(true);
    let groups: Vec<_> = render::groups(&checklist)
        .into_iter()
        .map(|(role, flows)| (role, flows.into_iter().cloned().collect::<Vec<_>>()))
        .collect();
    view! {
        <section aria-labelledby="checklist-title" class="space-y-4">
            <h2 id="checklist-title" class="text-xl font-semibold">"Network checklist"</h2>
            <p class="text-sm text-slate-600 dark:text-slate-300">{summary}</p>
            <div>
                <label for="progress" class="text-sm font-medium">
                    {move || format!("{} of {total} required flows marked open", done.get())}
                </label>
                <progress id="progress" class="block w-full" max=total value=done></progress>
            </div>
            <Summary checklist=checklist.clone() answers />
            <Findings findings=checklist.findings.clone() />
            <LivePanel state checklist=checklist.clone() />
            <crate::fleet::FleetImport state />
            <button id="toggle-cards" class="rounded-md border border-slate-400 px-3 py-1 text-sm print:hidden"
                aria-controls="flow-cards" aria-expanded=move || cards.get().to_string()
                on:click=move |_| cards.update(|c| *c = !*c)>
                {move || if cards.get() { "Table only: hide the flow cards" } else { "Show the flow cards" }}
            </button>
            <div id="flow-cards" class="space-y-4 print:hidden" class:hidden=move || !cards.get()>
            {groups
                .into_iter()
                .map(|(role, flows)| {
                    let heading_id = format!("group-{}", role.slug());
                    let labelled_by = heading_id.clone();
                    view! {
                        <section aria-labelledby=labelled_by class="space-y-2">
                            <h3 id=heading_id class="text-lg font-semibold">{render::group_title(role)}</h3>
                            <ul class="space-y-2">
                                {flows.into_iter().map(|flow| view! { <FlowCard state flow /> }).collect_view()}
                            </ul>
                        </section>
                    }
                })
                .collect_view()}
            </div>
            <p id="checklist-provenance" class="text-xs text-slate-600 dark:text-slate-300">{provenance}</p>
        </section>
    }
}

/// Shown instead of a checklist while answers are invalid: never a partial result. Each error
/// names its question as the questionnaire does, and a click (or Enter) goes to it.
#[component]
pub fn Blocked(errors: Vec<FieldError>) -> impl IntoView {
    let step = use_context::<RwSignal<Step>>();
    view! {
        <section id="checklist-blocked" role="alert" class="rounded-lg border border-red-600 p-4 space-y-2">
            <h2 class="text-lg font-semibold">"Some answers need fixing first"</h2>
            <ul class="list-disc pl-5 text-sm">
                {errors
                    .into_iter()
                    .map(|e| match field_paths::locate(&e.field) {
                        Some((field, line)) => {
                            let go = move |ev: leptos::ev::MouseEvent| {
                                ev.prevent_default();
                                if let Some(step) = step {
                                    step.set(field.step);
                                }
                                // The step renders first; then its control takes the focus.
                                request_animation_frame(move || {
                                    if let Some(control) = document()
                                        .get_element_by_id(field.id)
                                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                                    {
                                        let _ = control.focus();
                                    }
                                });
                            };
                            let name = match line {
                                Some(line) => format!("{}, line {line}", field.label),
                                None => field.label.to_owned(),
                            };
                            view! {
                                <li>
                                    <a href=format!("#{}", field.id) class="font-medium underline" on:click=go>{name}</a>
                                    " (" {field.step.label()} " step): " {e.message}
                                </li>
                            }
                            .into_any()
                        }
                        None => view! { <li>{e.message}</li> }.into_any(),
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
