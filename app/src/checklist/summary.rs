//! The checklist at a glance: one table row per flow to open (from, to, port, required or
//! optional, which boundary it crosses), the two-table overview a firewall team reads before
//! any detail. Each row links to its card below.

use leptos::prelude::*;
use rules::ticket::Direction;
use rules::{Answers, Checklist, Level};

#[component]
pub fn Summary(checklist: Checklist, answers: Answers) -> impl IntoView {
    let mut flows: Vec<_> = checklist
        .flows
        .iter()
        .filter(|f| f.level != Level::Deprecated)
        .collect();
    // Required first; within each, the checklist's own order.
    flows.sort_by_key(|f| f.level != Level::Required);
    let required = flows.iter().filter(|f| f.level == Level::Required).count();
    let caption = format!(
        "At a glance: {} flows to open, {required} required, {} optional",
        flows.len(),
        flows.len() - required
    );
    let rows = flows
        .into_iter()
        .map(|flow| {
            let crossing = Direction::of(flow, &answers).crossing(flow.via_proxy);
            let level = if flow.level == Level::Required {
                "required"
            } else {
                "optional"
            };
            view! {
                <tr data-summary-flow=flow.id.clone() class="border-t border-slate-300 align-top dark:border-slate-600">
                    <td class="py-1 pr-2">
                        <a class="underline" href=format!("#flow-{}", flow.id)>{flow.from.label.clone()}</a>
                    </td>
                    <td class="py-1 pr-2">{flow.to.label.clone()}</td>
                    <td class="py-1 pr-2 font-mono whitespace-nowrap">{flow.ports_text()}</td>
                    <td class="py-1 pr-2">{level}</td>
                    <td class="py-1">{crossing}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="overflow-x-auto" tabindex="0" role="region" aria-labelledby="summary-caption">
            <table id="checklist-summary" class="w-full text-left text-sm">
                <caption id="summary-caption" class="pb-1 text-left font-medium">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="pr-2">"From"</th>
                        <th scope="col" class="pr-2">"To"</th>
                        <th scope="col" class="pr-2">"Port"</th>
                        <th scope="col" class="pr-2">"Needed"</th>
                        <th scope="col">"Crosses"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
