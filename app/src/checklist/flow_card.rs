use crate::state::AppState;
use leptos::prelude::*;
use rules::protocol::reply::Verdict;
use rules::{Flow, Level};

/// One flow: source -> destination, port and protocol, level, purpose, why it was selected and
/// where it is documented; a box to mark it as already open.
#[component]
pub fn FlowCard(state: AppState, flow: Flow) -> impl IntoView {
    let id = flow.id.clone();
    let card_id = id.clone();
    let tick_id = format!("tick-{id}");
    let ticked = {
        let id = id.clone();
        move || state.ticked.with(|t| t.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |ev| {
            let on = event_target_checked(&ev);
            state.ticked.update(|t| {
                if on {
                    t.insert(id.clone());
                } else {
                    t.remove(&id);
                }
            })
        }
    };
    let level = match flow.level {
        Level::Required => "required",
        Level::Optional => "optional",
        Level::Deprecated => "deprecated",
    };
    let proxy = flow.via_proxy.then_some(" via proxy");
    let decisions = flow.decisions.clone();
    let inconsistent = !decisions.is_empty();
    view! {
        <li id=format!("flow-{card_id}") data-flow-id=card_id.clone() class="rounded-lg border border-slate-300 p-3 dark:border-slate-600 break-words">
            <div class="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <input type="checkbox" id=tick_id.clone() prop:checked=ticked on:change=toggle />
                <label for=tick_id class="font-medium">{flow.purpose.clone()}</label>
                <span class="flow-level rounded bg-slate-200 px-1.5 text-xs dark:bg-slate-700">{level}</span>
                {inconsistent.then(|| view! {
                    // Information, not a warning: the flow is needed either way; the note in its
                    // details says where the pages disagree and what the checklist follows.
                    <span class="flow-inconsistent rounded bg-slate-200 px-1.5 text-xs dark:bg-slate-700">"docs disagree: see details"</span>
                })}
            </div>
            <p class="mt-1 font-mono text-sm">
                <span class="flow-from">{flow.from.hosts_text()}</span>
                " → "
                <span class="flow-to">{flow.to.hosts_text()}</span>
                {proxy}
            </p>
            <p class="text-sm">
                <span class="flow-ports font-mono">{flow.ports_text()}</span>
                " · " {flow.protocol.clone()} " · "
                <code class="text-xs">{id}</code>
            </p>
            <LiveVerdict state flow=flow.id.clone() />
            <details class="mt-1 text-sm">
                <summary class="cursor-pointer">"Why and where documented"</summary>
                <ul class="list-disc pl-5">
                    {flow.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                </ul>
                {flow.note.clone().map(|n| view! { <p class="mt-1">{n}</p> })}
                <ul class="mt-1 list-disc pl-5">
                    {rules::checklist::documented_in(&flow.sources)
                        .into_iter()
                        .map(|page| {
                            let text = format!("Documented in: {}", page.text());
                            match page.url {
                                Some(url) => view! { <li><a class="underline" href=url target="_blank" rel="noopener">{text}</a></li> }.into_any(),
                                None => view! { <li>{text}</li> }.into_any(),
                            }
                        })
                        .collect_view()}
                </ul>
                {decisions
                    .iter()
                    .map(|d| view! {
                        <p class="mt-1"><strong>"Where the documentation disagrees: "</strong>{d.decision.clone()} " " {d.why.clone()}</p>
                    })
                    .collect_view()}
            </details>
        </li>
    }
}

/// What the live checks of this flow found, once they ran: the verdict, and for a failure or
/// warning each check's cause and what to do.
#[component]
fn LiveVerdict(state: AppState, flow: String) -> impl IntoView {
    let waiting = {
        let flow = flow.clone();
        Memo::new(move |_| state.checking.with(|c| c.values().any(|f| *f == flow)))
    };
    let stale = {
        let flow = flow.clone();
        Memo::new(move |_| state.live_fresh.with(|f| f.stale_flows.contains(&flow)))
    };
    let checks = Memo::new(move |_| {
        state.live_fresh.with(|fresh| {
            fresh
                .results
                .values()
                .filter(|r| r.flow == flow)
                .cloned()
                .collect::<Vec<_>>()
        })
    });

    move || {
        let checks = checks.get();
        if stale.get() && checks.is_empty() && !waiting.get() {
            return Some(view! {
                <div class="live-verdict mt-1 border-l-4 border-slate-400 pl-2 text-sm" data-verdict="stale">
                    <p class="font-medium">"Live check: answers changed since this check: run again."</p>
                </div>
            }
            .into_any());
        }
        if waiting.get() && checks.is_empty() {
            return Some(view! {
                <div class="live-verdict mt-1 border-l-4 border-slate-400 pl-2 text-sm" data-verdict="checking">
                    <p class="font-medium">"Live check: running…"</p>
                </div>
            }
            .into_any());
        }
        let verdict = checks.iter().map(|r| r.verdict).max()?;
        let class = match verdict {
            Verdict::Pass => "border-green-700",
            Verdict::Warn => "border-amber-600",
            Verdict::Fail => "border-red-700",
        };
        Some(view! {
            <div class=format!("live-verdict mt-1 border-l-4 pl-2 text-sm {class}") data-verdict=verdict.label()>
                <p class="font-medium">{format!("Live check: {}", verdict.label())}</p>
                <ul>
                    {checks
                        .into_iter()
                        .map(|r| view! {
                            <li>
                                <code class="text-xs">{r.id}</code> " " {r.summary}
                                {r.cause.map(|c| view! { <span class="block">"Cause: " {c}</span> })}
                                {r.remediation.map(|f| view! { <span class="block">"Fix: " {f}</span> })}
                            </li>
                        })
                        .collect_view()}
                </ul>
            </div>
        }
        .into_any())
    }
}
