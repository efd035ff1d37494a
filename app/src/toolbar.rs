//! Share, download and start-over: actions on the whole state.

use crate::download::{copy_text, download_text};
use crate::questionnaire::Step;
use crate::state::{self, AppState};
use leptos::prelude::*;
use rules::Answers;

#[component]
pub fn Toolbar(
    state: AppState,
    step: RwSignal<Step>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    // The link field follows the answers: once shown it always holds the current link, and
    // says whether that is what was copied (an old link would share old answers).
    let shown = RwSignal::new(false);
    let copied = RwSignal::new(None::<Result<String, String>>);
    // Encoded on every change only once the field is shown.
    let current = Memo::new(move |_| {
        shown
            .get()
            .then(|| state.answers.with(state::share_url))
            .unwrap_or_default()
    });
    let share = move |_| {
        let url = state.answers.with_untracked(state::share_url);
        shown.set(true);
        leptos::task::spawn_local(async move {
            copied.set(Some(copy_text(&url).await.map(|()| url)));
        });
    };
    let link_status = move || match copied.get() {
        Some(Ok(url)) if url == current.get() => "Share link (copied):".to_owned(),
        Some(Ok(_)) => {
            "Share link (the answers changed since you copied it; this is the new one):".to_owned()
        }
        Some(Err(by_hand)) => format!("Share link ({by_hand})"),
        None => "Share link:".to_owned(),
    };
    // The engine may not be loaded yet (the user is still on the questions): load, then save.
    let download = move |_| {
        leptos::task::spawn_local(async move {
            let engine = match state.engine().await {
                Ok(engine) => engine,
                Err(problem) => return notice.set(Some(problem.into())),
            };
            // The engine is ready, so the state's result is the checklist (or its errors).
            let markdown = state.result.with_untracked(|r| match r {
                Some(Ok(checklist)) => Some((engine.markdown)(checklist)),
                _ => None,
            });
            match markdown {
                Some(text) => {
                    if let Err(e) = download_text("palette-checklist.md", "text/markdown", &text) {
                        notice.set(Some(format!("The download failed: {e}")));
                    }
                }
                None => notice.set(Some(
                    "Fix the answers marked in red first: there is no checklist to download yet."
                        .into(),
                )),
            }
        })
    };
    let start_over = move |_| {
        let sure = window()
            .confirm_with_message("Start over? Every answer and tick will be cleared.")
            .unwrap_or(false);
        if sure {
            state.answers.set(Answers::default());
            state.ticked.set(Default::default());
            state.ticket.set(Default::default());
            state::forget();
            shown.set(false);
            copied.set(None);
            step.set(Step::Deployment);
        }
    };
    let button = "rounded-md border border-slate-400 px-3 py-1.5 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";
    view! {
        <div class="flex flex-wrap items-center gap-2">
            <button id="share" class=button on:click=share>"Copy share link"</button>
            <button id="download-checklist" class=button on:click=download>"Download checklist"</button>
            <button id="start-over" class=button on:click=start_over>"Start over"</button>
            {move || shown.get().then(|| view! {
                <label class="flex w-full flex-wrap items-center gap-2 text-sm">
                    <span id="share-link-status">{link_status}</span>
                    <input id="share-link" type="text" readonly class="min-w-0 flex-1 rounded border border-slate-400 bg-transparent px-2 py-1 font-mono text-xs" prop:value=move || current.get() />
                </label>
            })}
        </div>
    }
}
