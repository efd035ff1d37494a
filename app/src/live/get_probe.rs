//! "Get the probe": the binaries `make dist` publishes beside the hosted page (`probe/`), read
//! from their `SHA256SUMS`, the one for this system first, each with its digest and the command
//! that starts it for this page (`rules::download`). A page without them (the probe's own, a
//! file opened from disk, which cannot inline 18 MB of binaries) says where they are instead.

use super::client;
use leptos::prelude::*;
use rules::download::{self, Download};

/// Where the binaries are, relative to the page.
const FOLDER: &str = "probe/";

#[component]
pub fn GetProbe(from_a_file: bool) -> impl IntoView {
    let downloads = RwSignal::new(None::<Result<Vec<Download>, String>>);
    // Asked for when first opened: no request (nor a 404 in the console of a page without
    // downloads beside it) for people who never look.
    let asked = StoredValue::new(false);
    let on_toggle = move |ev: leptos::ev::Event| {
        let opened = event_target::<web_sys::HtmlElement>(&ev).has_attribute("open");
        if opened && !from_a_file && !asked.get_value() {
            asked.set_value(true);
            leptos::task::spawn_local(async move {
                let fetched = fetch_downloads().await;
                // Asked again at the next opening when it did not work out (a slow host).
                asked.set_value(fetched.is_ok());
                downloads.set(Some(fetched));
            });
        }
    };
    let origin = window()
        .location()
        .origin()
        .unwrap_or_else(|_| "null".into());
    let listing = move || {
        match downloads.get() {
        Some(Ok(list)) => {
            let items = list
                .into_iter()
                .enumerate()
                .map(|(i, d)| {
                    let file = d.platform.file();
                    let command = d.platform.start_command(&origin);
                    view! {
                        <li class="space-y-1" data-platform=file>
                            <a class="font-medium text-sky-800 underline dark:text-sky-300" href=format!("{FOLDER}{file}") download=file>
                                {d.platform.label()}
                            </a>
                            {(i == 0).then(|| view! { <span class="ml-1 text-xs">"(for this system)"</span> })}
                            <div class="break-all font-mono text-xs">"SHA-256 " {d.sha256}</div>
                            <code class="block break-all text-xs">{command}</code>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <ul id="get-probe-list" class="space-y-2">{items}</ul>
                <p class="text-xs">
                    "Check a download with " <code>"sha256sum -c SHA256SUMS"</code> " ("
                    <a class="underline" href=format!("{FOLDER}SHA256SUMS")>"SHA256SUMS"</a>
                    "; a CycloneDX SBOM of each binary is beside it)."
                </p>
            }
            .into_any()
        }
        Some(Err(why)) => view! { <p id="get-probe-missing" class="text-sm">{why}</p> }.into_any(),
        None if from_a_file => view! {
            <p id="get-probe-missing" class="text-sm">
                "This file cannot carry the probe (its binaries are too large to inline): take them from the "
                <code>"probe/"</code>
                " folder beside the hosted page, or from where you got this file; "
                <code>"make dist"</code>
                " builds them. Start it with "
                <code>"serve --allow-origin null"</code>
                " for this file."
            </p>
        }
        .into_any(),
        None => view! { <p class="text-sm">"Looking for the downloads…"</p> }.into_any(),
    }
    };
    view! {
        <details id="get-probe" class="rounded-md border border-slate-300 p-2 text-sm dark:border-slate-600" on:toggle=on_toggle>
            <summary class="cursor-pointer font-medium">"Get the probe"</summary>
            <div class="mt-2 space-y-2">
                <p class="text-xs">
                    "One file, nothing to install: Linux builds are static (any distribution, no libc needed). Run it on a machine where the connections start."
                </p>
                {listing}
            </div>
        </details>
    }
}

/// The downloads beside this page, or why there are none here.
async fn fetch_downloads() -> Result<Vec<Download>, String> {
    const NONE_HERE: &str = "This page has no probe downloads beside it (the probe's own page, or a build without make dist): take them from the probe/ folder beside the hosted page, or build them with make dist.";
    let text = match client::get(&format!("{FOLDER}SHA256SUMS"), web_sys::RequestMode::SameOrigin).await {
        client::Fetch::Answered { ok: true, text } => text,
        client::Fetch::TimedOut => return Err("The list of probe downloads beside this page did not arrive in time: close and open this section to try again.".into()),
        _ => return Err(NONE_HERE.into()),
    };
    let user_agent = window().navigator().user_agent().unwrap_or_default();
    download::from_sums(&text, &user_agent)
        .map_err(|e| format!("The probe downloads' SHA256SUMS beside this page is damaged ({e}): take the binaries from where they were published."))
}
