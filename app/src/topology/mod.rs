//! The topology picture: the components present and one arrow per pair of components, labelled
//! with its ports and coloured by status. Drawn from the checklist, so it never disagrees with it.

mod layout;

use crate::state::AppState;
use layout::{layout, EdgeStatus, Layout, NODE_H, NODE_W};
use leptos::prelude::*;

#[component]
pub fn TopologyView(state: AppState) -> impl IntoView {
    let picture = Memo::new(move |_| {
        let ticked = state.ticked.get();
        let live = state
            .live_fresh
            .with(|f| crate::live::verdicts::by_flow(&f.results));
        state
            .result
            .with(|r| r.as_ref()?.as_ref().ok().map(|c| layout(c, &ticked, &live)))
    });
    move || picture.get().map(|l| view! { <Picture layout=l /> })
}

#[component]
fn Picture(layout: Layout) -> impl IntoView {
    let description = format!(
        "{} components and {} connections; arrows point from the side that opens the connection.",
        layout.nodes.len(),
        layout.edges.len()
    );
    view! {
        <figure class="space-y-2">
            <figcaption class="text-lg font-semibold" id="topology-title">"Topology"</figcaption>
            <p class="text-sm text-slate-600 dark:text-slate-300">
                "Grey: not yet marked open · blue: every flow of the arrow marked open · green: passed its live checks · amber: passed with a warning · red: a live check failed."
            </p>
            // On a narrow screen the picture scrolls sideways: the scroll box takes the focus so
            // the keyboard can scroll it too.
            <div id="topology-scroll" class="overflow-x-auto focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
                tabindex="0" role="region" aria-label="Topology picture (scrolls sideways on narrow screens)">
                <svg
                    id="topology"
                    role="img"
                    aria-labelledby="topology-title topology-desc"
                    viewBox=format!("0 0 {} {}", layout.width, layout.height)
                    class="w-full min-w-[36rem] text-slate-900 dark:text-slate-100"
                >
                    <desc id="topology-desc">{description}</desc>
                    <defs>
                        {EdgeStatus::ALL
                            .into_iter()
                            .map(|status| view! {
                                <marker id=format!("arrow-{}", status.slug()) viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                                    <path d="M 0 0 L 10 5 L 0 10 z" fill=status.colour() />
                                </marker>
                            })
                            .collect_view()}
                    </defs>
                    {layout
                        .edges
                        .into_iter()
                        .map(|e| view! {
                            <g class="topology-edge" data-from=e.from.slug() data-to=e.to.slug() data-status=e.status.slug()>
                                <path d=e.path fill="none" stroke=e.status.colour() stroke-width="2"
                                    marker-end=format!("url(#arrow-{})", e.status.slug()) />
                                <text x=e.label_x y=e.label_y font-size="11" text-anchor="middle" fill="currentColor"
                                    class="stroke-white dark:stroke-slate-900"
                                    paint-order="stroke" stroke-width="3">{e.label}</text>
                            </g>
                        })
                        .collect_view()}
                    {layout
                        .nodes
                        .into_iter()
                        .map(|n| view! {
                            <g class="topology-node" data-role=n.role.slug()>
                                // Light labels on dark boxes in dark mode, dark on light otherwise.
                                <rect x=n.x y=n.y width=NODE_W height=NODE_H rx="6"
                                    class="fill-slate-100 dark:fill-slate-800" stroke="#64748b" />
                                <text x=n.x + NODE_W / 2.0 y=n.y + NODE_H / 2.0 + 4.0 font-size="12"
                                    text-anchor="middle" fill="currentColor">{n.label}</text>
                            </g>
                        })
                        .collect_view()}
                </svg>
            </div>
        </figure>
    }
}
