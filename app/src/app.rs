use crate::engine::{Engine, Status};
use crate::questionnaire::*;
use crate::state::{self, AppState};
use crate::toolbar::Toolbar;
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let restored = state::load_saved();
    let state = AppState::new(restored.answers, restored.ticked);
    state.ticket.set(state::load_ticket());
    let notice = RwSignal::new(restored.notice);
    // A probe's pairing link in the address; true when there was one.
    let pair = move || match crate::live::read_pairing() {
        Some(Ok(pairing)) => {
            state.pairing.set(Some(pairing));
            true
        }
        Some(Err(problem)) => {
            notice.set(Some(format!(
                "The probe's pairing link could not be used: {problem}"
            )));
            true
        }
        None => false,
    };
    pair();
    // A shared link goes straight to its checklist; otherwise start at the first question.
    let step = RwSignal::new(if restored.from_link {
        Step::Checklist
    } else {
        Step::Deployment
    });

    provide_context(step);
    // A user past the first question is on the way to a checklist: the engine loads while they
    // answer the rest, and a shared link, which opens on the checklist, loads it at once.
    Effect::new(move |_| {
        if step.get() != Step::Deployment {
            state.want_engine();
        }
    });

    // A link pasted into the address bar of an open page only changes the fragment.
    let _listener = window_event_listener(leptos::ev::hashchange, move |_| {
        if pair() {
            return;
        }
        match state::read_link() {
            Some(Ok((answers, problem))) => {
                state.answers.set(answers);
                notice.set(problem);
                step.set(Step::Checklist);
            }
            Some(Err(problem)) => {
                notice.set(Some(format!("{problem} Your answers were not changed.")))
            }
            None => {}
        }
    });

    // Embedded in a portal: answers go out to it and it may set them (public/widget.js).
    if let Some(embed) = crate::embed::read() {
        embed.listen(state.answers);
        let reporter = embed.clone();
        Effect::new(move |_| state.answers.with(|a| reporter.post_answers(a)));
        provide_context(embed);
    }

    // Nothing typed is ever lost: every change is saved at once.
    Effect::new(move |_| {
        let ticked = state.ticked.get();
        let ticket = state.ticket.get();
        state.answers.with(|a| state::save(a, &ticked, &ticket));
    });

    view! {
        <header class="border-b border-slate-200 px-4 py-3 dark:border-slate-700 print:hidden">
            <div class="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-2">
                <div>
                    <h1 class="text-lg font-semibold">"Palette port check"</h1>
                    <p class="text-sm text-slate-600 dark:text-slate-300">
                        "Which network flows your Spectro Cloud Palette deployment needs."
                    </p>
                </div>
                <Toolbar state step notice />
            </div>
        </header>
        <main id="questionnaire" class="mx-auto max-w-4xl space-y-4 p-4" data-ready="true">
            {move || notice.get().map(|text| view! {
                <div id="notice" role="status" class="flex items-start justify-between gap-2 rounded-lg border border-amber-600 p-3 text-sm print:hidden">
                    <p>{text}</p>
                    <button class="underline" on:click=move |_| notice.set(None)>"Dismiss"</button>
                </div>
            })}
            <StepNav state step />
            <StepBody state step />
            <Pager state step />
        </main>
    }
}

#[component]
fn StepNav(state: AppState, step: RwSignal<Step>) -> impl IntoView {
    let steps = Memo::new(move |_| state.answers.with(Step::visible));
    view! {
        <nav aria-label="Questionnaire steps" class="print:hidden">
            <ol class="flex flex-wrap gap-1 text-sm">
                {move || {
                    steps
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let current = move || step.get() == s;
                            view! {
                                <li>
                                    <button
                                        id=format!("nav-{}", s.slug())
                                        class="rounded-full border px-3 py-1 border-slate-300 dark:border-slate-600 aria-[current=step]:border-sky-700 aria-[current=step]:bg-sky-700 aria-[current=step]:text-white focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
                                        aria-current=move || current().then_some("step")
                                        on:click=move |_| step.set(s)
                                    >
                                        {format!("{}. {}", i + 1, s.label())}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </nav>
    }
}

#[component]
fn StepBody(state: AppState, step: RwSignal<Step>) -> impl IntoView {
    let section = NodeRef::<html::Section>::new();
    // Moving focus to the new step tells keyboard and screen-reader users where they are.
    Effect::new(move |previous: Option<Step>| {
        let current = step.get();
        if previous.is_some_and(|p| p != current) {
            if let Some(el) = section.get() {
                let _ = el.focus();
            }
        }
        current
    });
    view! {
        <section
            node_ref=section
            tabindex="-1"
            aria-label=move || format!("Step: {}", step.get().label())
            id=move || format!("step-{}", step.get().slug())
            class="focus:outline-none"
        >
            {move || match step.get() {
                Step::Deployment => view! { <DeploymentStep state /> }.into_any(),
                Step::Version => view! { <VersionStep state /> }.into_any(),
                Step::Infrastructure => view! { <InfrastructureStep state /> }.into_any(),
                Step::Gateway => view! { <GatewayStep state /> }.into_any(),
                Step::SelfHosted => view! { <SelfHostedStep state /> }.into_any(),
                Step::Proxy => view! { <ProxyStep state /> }.into_any(),
                Step::Edge => view! { <EdgeStep state /> }.into_any(),
                Step::Addresses => view! { <AddressesStep state /> }.into_any(),
                Step::Checklist => engine_step(state, |e| e.checklist_step),
                Step::Ticket => engine_step(state, |e| e.ticket_step),
            }}
        </section>
    }
}

/// A step drawn by the engine's half of the app, once that has loaded.
fn engine_step(state: AppState, view_of: fn(&Engine) -> fn(AppState) -> AnyView) -> AnyView {
    match state.engine.get() {
        Status::Ready(engine) => view_of(&engine)(state),
        Status::Failed(problem) => view! {
            <div id="engine-failed" role="alert" class="space-y-2 rounded-lg border border-red-600 p-4">
                <p>{problem}</p>
                <button
                    class="rounded-md border border-slate-400 px-3 py-1.5 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
                    on:click=move |_| state.want_engine()
                >
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
        Status::Pending => view! {
            <p id="engine-loading" role="status" class="text-sm">"Loading the checklist…"</p>
        }
        .into_any(),
    }
}

#[component]
fn Pager(state: AppState, step: RwSignal<Step>) -> impl IntoView {
    let neighbour = move |offset: isize| {
        let steps = state.answers.with(Step::visible);
        let here = steps.iter().position(|s| *s == step.get()).unwrap_or(0) as isize;
        usize::try_from(here + offset)
            .ok()
            .and_then(|i| steps.get(i).copied())
    };
    let button = "rounded-md border px-4 py-2 font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";
    view! {
        <div class="flex flex-wrap justify-between gap-2 border-t border-slate-200 pt-4 dark:border-slate-700 print:hidden">
            <button
                id="back"
                class=format!("{button} border-slate-400")
                disabled=move || neighbour(-1).is_none()
                on:click=move |_| if let Some(s) = neighbour(-1) { step.set(s) }
            >
                "Back"
            </button>
            <div class="flex gap-2">
                <Show when=move || !matches!(step.get(), Step::Checklist | Step::Ticket)>
                    <button id="see-checklist" class=format!("{button} border-slate-400") on:click=move |_| step.set(Step::Checklist)>
                        "See checklist"
                    </button>
                </Show>
                <button
                    id="next"
                    class=format!("{button} border-sky-700 bg-sky-700 text-white disabled:opacity-40")
                    disabled=move || neighbour(1).is_none()
                    on:click=move |_| if let Some(s) = neighbour(1) { step.set(s) }
                >
                    "Next"
                </button>
            </div>
        </div>
    }
}
