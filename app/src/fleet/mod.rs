//! Reports from many places imported into the checklist (`portcheck check --format json` from
//! each site, or the logs of `portcheck kube`'s pods): the fleet matrix, the topology coloured
//! by the worst place, and their failures as ticket evidence. Files are read in the page and
//! sent nowhere; one that cannot be read is named and nothing else is lost.

use crate::questionnaire::Step;
use crate::state::AppState;
use leptos::prelude::*;
use rules::endpoint::printable;
use rules::protocol::reply::Verdict;
use rules::report::{Fleet, Merger};
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;

/// The worst verdict of each flow over every imported place: the topology's colours.
pub fn worst_by_flow(fleet: &Fleet) -> BTreeMap<String, Verdict> {
    fleet
        .rows
        .iter()
        .filter_map(|r| Some((r.flow.clone(), r.worst()?)))
        .collect()
}

/// Reads the files, adds their reports to those imported before, and merges them anew.
async fn import(state: AppState, files: Vec<web_sys::File>) {
    for file in files {
        let name = file.name();
        if file.size() > rules::report::MAX_STREAM_BYTES as f64 {
            state.fleet_problems.update(|p| {
                p.push(format!(
                    "{}: larger than 256 MiB; not read",
                    printable(&name)
                ))
            });
            continue;
        }
        let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(text) => text.as_string().unwrap_or_default(),
            Err(_) => {
                state.fleet_problems.update(|p| {
                    p.push(format!(
                        "{}: the browser could not read it",
                        printable(&name)
                    ))
                });
                continue;
            }
        };
        let (mut added, mut problems) = (Vec::new(), Vec::new());
        rules::report::read_stream(&text, &name, |item| match item {
            Ok(report) => added.push(report),
            Err(problem) => problems.push(format!("{problem}; skipped")),
        });
        if added.is_empty() && problems.is_empty() {
            problems.push(format!("{}: holds no report", printable(&name)));
        }
        state.fleet_reports.update(|r| r.extend(added));
        state.fleet_problems.update(|p| p.extend(problems));
    }
    let fleet = state.fleet_reports.with_untracked(|reports| {
        let mut merger = Merger::default();
        for (source, report) in reports {
            merger.add(source, report);
        }
        (!reports.is_empty()).then(|| merger.finish())
    });
    state.fleet.set(fleet);
}

fn files(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
pub fn FleetImport(state: AppState) -> impl IntoView {
    let chosen = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let list = files(input.files());
        // The same file can be chosen again after it changed.
        input.set_value("");
        leptos::task::spawn_local(import(state, list));
    };
    let dropped = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        let list = files(ev.data_transfer().and_then(|d| d.files()));
        leptos::task::spawn_local(import(state, list));
    };
    let clear = move |_| {
        state.fleet_reports.set(Vec::new());
        state.fleet.set(None);
        state.fleet_problems.set(Vec::new());
    };
    view! {
        <section id="fleet" aria-labelledby="fleet-title" class="space-y-3 rounded-lg border border-slate-300 p-4 dark:border-slate-600">
            <h3 id="fleet-title" class="text-lg font-semibold">"Reports from many places"</h3>
            <p class="text-sm text-slate-600 dark:text-slate-300">
                "Import the reports of " <code>"portcheck check --format json --site NAME"</code>
                " from each place, or the logs of " <code>"portcheck kube"</code>
                "'s pods: where each flow fails, and why. The files are read in this page and sent nowhere."
            </p>
            <div id="fleet-drop"
                class="rounded-md border-2 border-dashed border-slate-400 p-4 text-sm print:hidden"
                on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=dropped>
                <label for="fleet-files" class="block font-medium">"Choose report files, or drop them here"</label>
                <input id="fleet-files" type="file" multiple accept=".json,.jsonl,.log,.txt,application/json,text/plain"
                    class="mt-1 text-sm" on:change=chosen />
            </div>
            // A live region around the list: a list itself may not take the status role.
            <div id="fleet-problems" role="status">
                <ul class="list-disc pl-5 text-sm text-red-700 dark:text-red-300">
                    {move || state.fleet_problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul>
            </div>
            {move || state.fleet.get().map(|fleet| view! {
                <Matrix fleet=fleet.clone() />
                <div class="flex flex-wrap gap-2 print:hidden">
                    <RequestFleetRules state />
                    <button id="fleet-clear" class="rounded-md border border-slate-400 px-3 py-1 text-sm" on:click=clear>
                        "Forget the imported reports"
                    </button>
                </div>
            })}
        </section>
    }
}

fn colour(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "text-green-700 dark:text-green-300",
        Verdict::Warn => "text-amber-700 dark:text-amber-300",
        Verdict::Fail => "font-semibold text-red-700 dark:text-red-300",
    }
}

/// Flows by place, failing first; a summary per flow beyond a dozen places; then why.
#[component]
fn Matrix(fleet: Fleet) -> impl IntoView {
    let failing = fleet
        .rows
        .iter()
        .filter(|r| r.worst() == Some(Verdict::Fail))
        .count();
    let caption = format!(
        "{} reports, {} flows, {failing} failing somewhere{}",
        fleet.places.len(),
        fleet.rows.len(),
        if fleet.plans.len() > 1 {
            format!("; {} different plans, merged by flow id", fleet.plans.len())
        } else {
            String::new()
        }
    );
    let matrix = fleet.places.len() <= Fleet::MATRIX_MAX;
    let head = if matrix {
        fleet
            .places
            .iter()
            .map(|p| view! { <th scope="col" class="px-2">{printable(&p.name)}</th> }.into_any())
            .collect_view()
            .into_any()
    } else {
        view! {
            <th scope="col" class="px-2">"Failed"</th>
            <th scope="col" class="px-2">"Warned"</th>
            <th scope="col" class="px-2">"Passed"</th>
        }
        .into_any()
    };
    let why: Vec<(Verdict, String, String, String)> = fleet
        .not_passed()
        .map(|(row, place, c)| {
            (
                c.verdict,
                row.flow.clone(),
                place.name.clone(),
                c.why.clone().unwrap_or_default(),
            )
        })
        .collect();
    let rows = fleet
        .rows
        .into_iter()
        .map(|row| {
            let needed = if row.optional { "optional" } else { "required" };
            let cells = if matrix {
                row.cells
                    .iter()
                    .map(|c| match c {
                        Some(c) => view! {
                            <td class=format!("px-2 {}", colour(c.verdict)) data-verdict=c.verdict.mark().to_lowercase()>{c.verdict.mark()}</td>
                        }
                        .into_any(),
                        None => view! { <td class="px-2" data-verdict="none">"–"</td> }.into_any(),
                    })
                    .collect_view()
                    .into_any()
            } else {
                [Verdict::Fail, Verdict::Warn, Verdict::Pass]
                    .into_iter()
                    .map(|v| view! { <td class="px-2">{row.count(v)}</td> })
                    .collect_view()
                    .into_any()
            };
            view! {
                <tr data-fleet-flow=row.flow.clone() class="border-t border-slate-300 dark:border-slate-600">
                    <th scope="row" class="pr-2 text-left font-mono font-normal">{printable(&row.flow)}</th>
                    <td class="px-2">{needed}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="overflow-x-auto" tabindex="0" role="region" aria-labelledby="fleet-caption">
            <table id="fleet-matrix" class="text-left text-sm">
                <caption id="fleet-caption" class="pb-1 text-left font-medium">{caption}</caption>
                <thead><tr><th scope="col" class="pr-2">"Flow"</th><th scope="col" class="px-2">"Needed"</th>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <ul id="fleet-why" class="space-y-1 text-sm">
            {why.into_iter().map(|(v, flow, place, text)| view! {
                <li><span class=colour(v)>{v.mark()}</span> " " <code>{printable(&flow)}</code> " at " {printable(&place)} ": " {printable(&text)}</li>
            }).collect_view()}
        </ul>
    }
}

/// One click from the places' failures to ticket rules, with each place's evidence (a name that
/// did not resolve is no firewall evidence: `rules::ticket::evidence`).
#[component]
fn RequestFleetRules(state: AppState) -> impl IntoView {
    let evidence = Memo::new(move |_| {
        state
            .fleet_reports
            .with(|reports| rules::ticket::evidence::from_reports(reports))
    });
    let step = use_context::<RwSignal<Step>>();
    let request = move |_| {
        let evidence = evidence.get_untracked();
        state
            .ticked
            .update(|t| t.retain(|id| !evidence.contains_key(id)));
        state.ticket.update(|info| info.evidence.extend(evidence));
        if let Some(step) = step {
            step.set(Step::Ticket);
        }
    };
    move || {
        let n = evidence.with(BTreeMap::len);
        (n > 0).then(|| view! {
            <button id="fleet-request" class="rounded-md border border-red-700 px-3 py-1 text-sm font-medium" on:click=request>
                {format!("Request these rules: add the {n} flows that failed somewhere to the ticket")}
            </button>
        })
    }
}
