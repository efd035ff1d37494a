//! The topology picture: zones, the firewall line at the edge of your networks, the components
//! present and one arrow per pair of components, labelled with its ports and coloured by status.
//! Drawn from the checklist, so it never disagrees with it; downloadable as SVG and PNG.

mod layout;
mod svg;

use crate::state::AppState;
use layout::{layout, Layout};
use leptos::prelude::*;
use svg::{svg, Use};

#[component]
pub fn TopologyView(state: AppState) -> impl IntoView {
    let picture = Memo::new(move |_| {
        let ticked = state.ticked.get();
        let mut live = state
            .live_fresh
            .with(|f| crate::live::verdicts::by_flow(&f.results));
        // Imported reports colour a flow by its worst place.
        // Read in place: a fleet of thousands of places is not cloned for its verdicts.
        let fleet = state
            .fleet
            .with(|f| f.as_ref().map(crate::fleet::worst_by_flow));
        for (flow, worst) in fleet.unwrap_or_default() {
            live.entry(flow)
                .and_modify(|v| *v = (*v).max(worst))
                .or_insert(worst);
        }
        let answers = state.answers.get();
        state.result.with(|r| {
            r.as_ref()?
                .as_ref()
                .ok()
                .map(|c| layout(c, &answers, &ticked, &live))
        })
    });
    move || picture.get().map(|l| view! { <Picture layout=l /> })
}

#[component]
fn Picture(layout: Layout) -> impl IntoView {
    let drawn = svg(&layout, Use::Page);
    // The standalone copy is written when a download asks for it, not with every redraw.
    let layout = StoredValue::new(layout);
    let status = RwSignal::new(String::new());
    let save_svg = move |_| {
        let text = layout.with_value(|l| svg(l, Use::Standalone));
        let outcome =
            crate::download::download_text("palette-topology.svg", "image/svg+xml", &text);
        status.set(outcome.err().unwrap_or_default());
    };
    let save_png = move |_| {
        let (text, width, height) =
            layout.with_value(|l| (svg(l, Use::Standalone), l.width, l.height));
        leptos::task::spawn_local(async move {
            let outcome =
                crate::download::download_svg_as_png("palette-topology.png", &text, width, height)
                    .await;
            status.set(outcome.err().unwrap_or_default());
        });
    };
    view! {
        <figure class="space-y-2">
            <figcaption class="text-lg font-semibold" id="topology-title">"Topology"</figcaption>
            <p class="text-sm text-slate-600 dark:text-slate-300">
                "Dashed boxes are zones; the red dashed line is the firewall at the edge of your networks, and the arrows that cross it carry their ports in bold. Arrows point from the side that opens the connection; dashed arrows are optional flows. Grey: not yet marked open · blue: every flow of the arrow marked open · green: passed its live checks · amber: passed with a warning · red: a live check failed."
            </p>
            // On a narrow screen the picture scrolls sideways: the scroll box takes the focus so
            // the keyboard can scroll it too.
            <div id="topology-scroll" class="overflow-x-auto focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
                tabindex="0" role="region" aria-label="Topology picture (scrolls sideways on narrow screens)"
                inner_html=drawn>
            </div>
            <div class="flex flex-wrap items-center gap-2 print:hidden">
                <button id="topology-svg" class="rounded-md border border-slate-400 px-3 py-1 text-sm" on:click=save_svg>
                    "Download SVG"
                </button>
                <button id="topology-png" class="rounded-md border border-slate-400 px-3 py-1 text-sm" on:click=save_png>
                    "Download PNG"
                </button>
                <span id="topology-export-status" role="status" class="text-sm text-red-700 dark:text-red-300">{status}</span>
            </div>
        </figure>
    }
}
