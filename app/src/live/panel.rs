//! The live-check panel of the checklist step: where the probe runs, pairing with it, running
//! the checks with progress, and turning failures into ticket rules.

use super::client::{self, Phase};
use super::verdicts;
use crate::download::download_text;
use crate::questionnaire::Step;
use crate::state::AppState;
use leptos::prelude::*;
use rules::pairing;
use rules::{Checklist, Role};

#[component]
pub fn LivePanel(state: AppState, checklist: Checklist) -> impl IntoView {
    let roles = rules::plan::sources(&checklist);
    let preferred = [Role::Pcg, Role::Workload, Role::ManagementPlane]
        .into_iter()
        .find(|r| roles.contains(r))
        .or(roles.first().copied());
    let role = RwSignal::new(preferred);
    let phase = state.live_phase;
    let plan = move || {
        let from = role.get()?;
        state.answers.with(|a| {
            state
                .result
                .with(|r| Some(rules::plan::plan(r.as_ref()?.as_ref().ok()?, a, from)))
        })
    };
    let busy = move || {
        matches!(
            phase.get(),
            Phase::Connecting | Phase::Confirming | Phase::Running { .. }
        )
    };
    let run = move |_| {
        if let (Some(pairing), Some(plan)) = (state.pairing.get_untracked(), plan()) {
            let sink = client::Sink {
                phase,
                results: state.live,
                checking: state.checking,
                run: state.live_run,
            };
            client::start(pairing, plan, sink);
        }
    };
    let download_plan = move |_| {
        if let Some(plan) = plan() {
            let name = format!("portcheck-plan-{}.json", plan.from.slug());
            let _ = download_text(
                &name,
                "application/json",
                &rules::json::to_string_pretty(&plan),
            );
        }
    };
    // A probe started for this page: its origin allowed (a downloaded probe serves no app).
    let page_origin = window()
        .location()
        .origin()
        .unwrap_or_else(|_| "null".into());
    let command = move || {
        role.get().map(|r| {
            format!(
                "portcheck serve --plan portcheck-plan-{}.json --allow-origin {page_origin}",
                r.slug()
            )
        })
    };
    let options = roles
        .iter()
        .map(|r| {
            let r = *r;
            view! { <option value=r.slug() prop:selected=move || role.get() == Some(r)>{r.label()}</option> }
        })
        .collect_view();
    view! {
        <section id="live" aria-labelledby="live-title" class="space-y-2 rounded-lg border border-slate-300 p-3 dark:border-slate-600 print:hidden">
            <h3 id="live-title" class="text-lg font-semibold">"Live checks"</h3>
            <p class="text-sm">
                "Prove the flows from inside your network: run the companion probe ("
                <code>"portcheck serve"</code>
                ") on a machine where the connections start, pair this page with it, and run the checks. Nothing connects until you press Run."
            </p>
            {from_a_file().then(|| view! {
                <p id="live-file-origin" class="text-sm">
                    "This page is a file on your disk, so it has no web origin: start the probe with "
                    <code>"portcheck serve --allow-origin null"</code>
                    " to let it connect, then paste the link the probe prints."
                </p>
            })}
            <super::get_probe::GetProbe from_a_file=from_a_file() />
            <label for="live-role" class="block text-sm font-medium">"Where the probe runs"</label>
            <select
                id="live-role"
                class="rounded-md border border-slate-400 bg-transparent px-2 py-1"
                on:change=move |ev| role.set(event_target_value(&ev).parse().ok())
            >
                {options}
            </select>
            <Pairing state />
            <div class="flex flex-wrap gap-2">
                <button
                    id="live-run"
                    class="rounded-md border border-sky-700 bg-sky-700 px-3 py-1 font-medium text-white disabled:opacity-40"
                    disabled=move || state.pairing.with(Option::is_none) || busy()
                    on:click=run
                >
                    "Run live checks"
                </button>
                <button id="live-plan" class="rounded-md border border-slate-400 px-3 py-1" on:click=download_plan>
                    "Download plan"
                </button>
            </div>
            <p class="text-xs text-slate-600 dark:text-slate-300">
                "Or start the probe with the plan, and it runs nothing else: "
                <code>{command}</code>
            </p>
            <Status phase />
            <Stale state />
            <SharedCauses state />
            {move || plan().map(|p| view! { <NotChecked skipped=p.skipped /> })}
            <RequestRules state />
        </section>
    }
}

/// The offline bundle opened from disk: its WebSocket handshake carries `Origin: null`, which
/// the probe accepts only when told to.
fn from_a_file() -> bool {
    window().location().protocol().is_ok_and(|p| p == "file:")
}

/// Pairing by link: the probe's page pairs itself; any other page takes the printed link.
#[component]
fn Pairing(state: AppState) -> impl IntoView {
    let link = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pair = move |_| match pairing::parse(&link.get_untracked(), None) {
        Ok(p) => {
            state.pairing.set(Some(p));
            link.set(String::new());
            error.set(None);
        }
        Err(e) => error.set(Some(e)),
    };
    move || {
        match state.pairing.get() {
        Some(p) => view! {
            // Only a link is kept: nothing has reached the probe yet, and a probe restarted since
            // refuses it (the run says so, with the fix).
            <p id="live-paired" class="text-sm">
                "Probe link for " <code>{p.origin}</code>
                " (the probe is contacted when you run the checks; a restarted probe prints a new link) "
                <button class="underline" on:click=move |_| state.pairing.set(None)>"Unpair"</button>
            </p>
        }
        .into_any(),
        None => view! {
            <div class="space-y-1">
                <label for="live-link" class="block text-sm font-medium">
                    "Pairing link (the line the probe printed: http://127.0.0.1:PORT/#t=…)"
                </label>
                <div class="flex flex-wrap gap-2">
                    <input
                        id="live-link"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        class="min-w-0 flex-1 rounded-md border border-slate-400 bg-transparent px-2 py-1 font-mono text-sm"
                        aria-describedby="live-link-error"
                        prop:value=move || link.get()
                        on:input=move |ev| link.set(event_target_value(&ev))
                    />
                    <button id="live-pair" class="rounded-md border border-slate-400 px-3 py-1" on:click=pair>"Pair"</button>
                </div>
                <p id="live-link-error" class="text-sm text-red-700 dark:text-red-400">{move || error.get()}</p>
            </div>
        }
        .into_any(),
    }
    }
}

/// Flows that start here but no connection can prove (UDP, networks, port ranges), and why.
#[component]
fn NotChecked(skipped: Vec<rules::plan::Skipped>) -> impl IntoView {
    (!skipped.is_empty()).then(|| {
        view! {
            <details id="live-skipped" class="text-sm">
                <summary class="cursor-pointer">
                    {format!("{} flows from here cannot be checked by connecting", skipped.len())}
                </summary>
                <ul class="list-disc pl-5">
                    {skipped
                        .into_iter()
                        .map(|s| view! { <li><code class="text-xs">{s.flow}</code> ": " {s.reason}</li> })
                        .collect_view()}
                </ul>
            </details>
        }
    })
}

#[component]
fn Status(phase: RwSignal<Phase>) -> impl IntoView {
    let text = move || {
        match phase.get() {
        Phase::Idle => String::new(),
        Phase::Connecting => "Connecting to the probe…".into(),
        Phase::Confirming => "The probe has no plan yet: confirm this page's plan at the probe's terminal (type the code it shows there and Enter).".into(),
        Phase::Running { done, total } => format!("Running: {done} of {total} checks done."),
        Phase::Finished { total, not_in_probe: 0 } => format!("Done: {total} checks ran. Results are on the flows below and in the topology."),
        Phase::Finished { total, not_in_probe } => format!("Done: {total} checks ran; {not_in_probe} of this page's checks are not in the probe's plan and did not run."),
        Phase::Lost { done, total } => format!("The connection to the probe was lost after {done} of {total} checks; the results so far are kept. Run again to finish."),
        Phase::Failed(reason) => reason,
    }
    };
    let progress = move || match phase.get() {
        Phase::Running { done, total } => Some(view! {
            <progress id="live-progress" class="block w-full" max=total value=done aria-label="Live checks done"></progress>
        }),
        _ => None,
    };
    view! {
        <p id="live-status" role="status" aria-live="polite" class="text-sm">{text}</p>
        {progress}
    }
}

/// Failures several checks share, said once with their fix; names that did not resolve are
/// called a DNS problem, and are not offered as firewall evidence.
#[component]
fn SharedCauses(state: AppState) -> impl IntoView {
    let causes = Memo::new(move |_| {
        state
            .live_fresh
            .with(|f| verdicts::shared_causes(&f.results))
    });
    move || {
        let causes = causes.get();
        (!causes.is_empty()).then(|| view! {
            <ul id="live-causes" class="list-disc pl-5 text-sm">
                {causes
                    .into_iter()
                    .map(|c| {
                        let dns = c.failed_at == Some(rules::protocol::reply::Stage::Dns);
                        let what = if dns {
                            let names = if c.checks == 1 { "1 name".to_owned() } else { format!("{} names", c.checks) };
                            format!("{names} did not resolve from the probe: {}. A DNS problem, not a firewall rule: not offered as ticket evidence.", c.cause)
                        } else {
                            format!("{} checks failed the same way: {}.", c.checks, c.cause)
                        };
                        view! {
                            <li data-shared-cause=c.failed_at.map_or("other", |s| s.as_str())>
                                {what}
                                {c.remediation.map(|fix| view! { " Fix: " {fix} })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        })
    }
}

/// Results the answers have left behind: the flows they were for, and what to do.
#[component]
fn Stale(state: AppState) -> impl IntoView {
    move || {
        let stale = state.live_fresh.with(|f| f.stale_flows.len());
        (stale > 0).then(|| view! {
            <p id="live-stale" role="status" class="text-sm text-amber-800 dark:text-amber-300">
                {format!("Answers changed since this check: {stale} flows' results no longer match their targets and are not shown. Run again.")}
            </p>
        })
    }
}

/// One click from failed checks to ticket rules: the flows are requested (no longer marked as
/// open) with what the probe found as evidence: from where the run was, and when.
#[component]
fn RequestRules(state: AppState) -> impl IntoView {
    let failed = Memo::new(move |_| {
        state
            .live_fresh
            .with(|f| rules::ticket::evidence::failures(f.results.values()).len())
    });
    let step = use_context::<RwSignal<Step>>();
    let request = move |_| {
        let Some(run) = state.live_run.get_untracked() else {
            return;
        };
        let from = run.plan.from.label();
        let date = run.at;
        state.live_fresh.with_untracked(|fresh| {
            let failures = rules::ticket::evidence::failures(fresh.results.values());
            state
                .ticked
                .update(|t| t.retain(|id| !failures.contains_key(id)));
            state.ticket.update(|info| {
                for (flow, checks) in &failures {
                    info.evidence.insert(
                        flow.clone(),
                        rules::ticket::evidence::line(from, &date, checks),
                    );
                }
            });
        });
        if let Some(step) = step {
            step.set(Step::Ticket);
        }
    };
    move || {
        (failed.get() > 0).then(|| view! {
            <button id="live-request" class="rounded-md border border-red-700 px-3 py-1 font-medium" on:click=request>
                {format!("Request these rules: add the {} failed flows to the ticket", failed.get())}
            </button>
        })
    }
}
