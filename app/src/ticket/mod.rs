//! The ticket step: the fields only the requester knows, a format picker, a live preview, and
//! copy and download. The text is exactly what `portcheck ticket` writes for the same input.

use crate::download::{copy_text, download_text};
use crate::questionnaire::fields::{TextField, Toggle};
use crate::state::AppState;
use leptos::prelude::*;
use rules::ticket::{self, FirewallMode, Format, TicketInfo};

#[component]
pub fn TicketStep(state: AppState) -> impl IntoView {
    let format = RwSignal::new(Format::Markdown);
    let status = RwSignal::new(None::<String>);
    let output = Memo::new(move |_| {
        let info = state.ticket_info();
        let catalog = rules::catalog().ok()?;
        let format = format.get();
        state.answers.with(|answers| {
            state.result.with(|r| {
                let ticket = ticket::build(r.as_ref()?.as_ref().ok()?, answers, &info);
                Some(format.render(&ticket, &catalog.saas_ips))
            })
        })
    });
    let field = move |get: fn(&TicketInfo) -> &String, set: fn(&mut TicketInfo, String)| {
        (
            Signal::derive(move || state.ticket.with(|t| get(t).clone())),
            Callback::new(move |v| state.ticket.update(|t| set(t, v))),
        )
    };
    let fields = [
        (
            "ticket-title",
            "Title",
            "Leave empty for a title made from the answers.",
            field(|t| &t.title, |t, v| t.title = v),
        ),
        (
            "ticket-requester",
            "Requester",
            "Who asks for the change.",
            field(|t| &t.requester, |t, v| t.requester = v),
        ),
        (
            "ticket-team",
            "Team",
            "The team that owns the Palette deployment.",
            field(|t| &t.team, |t, v| t.team = v),
        ),
        (
            "ticket-contact",
            "Contact",
            "E-mail or phone for questions.",
            field(|t| &t.contact, |t, v| t.contact = v),
        ),
        (
            "ticket-window",
            "Change window",
            "When the rules may be applied.",
            field(|t| &t.change_window, |t, v| t.change_window = v),
        ),
        (
            "ticket-review",
            "Review or expiry date",
            "When the rules should be reviewed.",
            field(|t| &t.review_date, |t, v| t.review_date = v),
        ),
        (
            "ticket-risk",
            "Risk notes",
            "Leave empty for notes made from the rules.",
            field(|t| &t.risk_notes, |t, v| t.risk_notes = v),
        ),
        (
            "ticket-rollback",
            "Rollback",
            "Leave empty for the standard rollback.",
            field(|t| &t.rollback, |t, v| t.rollback = v),
        ),
    ];
    // An embedding portal hears about every ticket that leaves the page.
    let embed = StoredValue::new(use_context::<crate::embed::Embed>());
    let report = move |format: Format, text: &str| {
        embed.with_value(|embed| {
            if let Some(embed) = embed {
                embed.post_ticket(format, text);
            }
        })
    };
    let copy = move |_| {
        if let Some(text) = output.get_untracked() {
            report(format.get_untracked(), &text);
            leptos::task::spawn_local(async move {
                status.set(Some(match copy_text(&text).await {
                    Ok(()) => "Copied to the clipboard.".into(),
                    Err(by_hand) => by_hand,
                }));
            });
        }
    };
    let download = move |_| {
        let f = format.get_untracked();
        match output.get_untracked() {
            Some(text) => match download_text(f.file_name(), f.mime(), &text) {
                Ok(()) => {
                    report(f, &text);
                    status.set(Some(format!("Downloaded {}.", f.file_name())))
                }
                Err(e) => status.set(Some(format!("The download failed: {e}"))),
            },
            None => status.set(Some("Fix the answers marked in red first.".into())),
        }
    };
    let button = "rounded-md border border-slate-400 px-3 py-1.5 disabled:opacity-40 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";
    view! {
        <section aria-labelledby="ticket-heading" class="space-y-4">
            <h2 id="ticket-heading" class="text-xl font-semibold">"Firewall change ticket"</h2>
            {move || state.result.with(|r| match r {
                Some(Err(errors)) => Some(view! { <crate::checklist::Blocked errors=errors.clone() /> }),
                _ => None,
            })}
            <div class="grid gap-3 sm:grid-cols-2 print:hidden">
                {fields
                    .into_iter()
                    .map(|(id, label, hint, (value, on_input))| view! {
                        <TextField id label hint value on_input error=Signal::derive(|| None) />
                    })
                    .collect_view()}
            </div>
            <Toggle
                id="ticket-omit-ticked"
                label="Leave out flows marked as already open"
                description="Ticks on the checklist step decide which."
                value=Signal::derive(move || state.omit_ticked.get())
                on_change=Callback::new(move |v| state.omit_ticked.set(v))
            />
            <Toggle
                id="ticket-include-optional"
                label="Open the optional flows too"
                description="Off: the ticket lists them as not requested and no rule opens them."
                value=Signal::derive(move || state.ticket.with(|t| t.include_optional))
                on_change=Callback::new(move |v| state.ticket.update(|t| t.include_optional = v))
            />
            <div class="print:hidden">
                <label for="ticket-firewall-mode" class="block font-medium">"iptables and nftables rules apply on"</label>
                <select
                    id="ticket-firewall-mode"
                    class="rounded-md border border-slate-400 bg-white px-2 py-1.5 dark:bg-slate-800"
                    on:change=move |ev| {
                        if let Ok(mode) = event_target_value(&ev).parse() {
                            state.ticket.update(|t| t.firewall_mode = mode);
                        }
                    }
                >
                    {FirewallMode::ALL
                        .into_iter()
                        .map(|m| view! {
                            <option value=m.slug() selected=move || state.ticket.with(|t| t.firewall_mode == m)>{m.label()}</option>
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="flex flex-wrap items-end gap-2 print:hidden">
                <div>
                    <label for="ticket-format" class="block font-medium">"Format"</label>
                    <select
                        id="ticket-format"
                        class="rounded-md border border-slate-400 bg-white px-2 py-1.5 dark:bg-slate-800"
                        on:change=move |ev| {
                            if let Ok(f) = event_target_value(&ev).parse() {
                                format.set(f);
                            }
                        }
                    >
                        {Format::ALL
                            .into_iter()
                            .map(|f| view! { <option value=f.slug() selected=move || format.get() == f>{f.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <button id="ticket-copy" class=button disabled=move || output.with(Option::is_none) on:click=copy>"Copy"</button>
                <button id="ticket-download" class=button disabled=move || output.with(Option::is_none) on:click=download>
                    {move || format!("Download {}", format.get().file_name())}
                </button>
            </div>
            <p id="ticket-status" role="status" class="text-sm">{move || status.get()}</p>
            <label for="ticket-preview" class="block font-medium">"Preview"</label>
            <textarea
                id="ticket-preview"
                readonly
                rows="18"
                class="block w-full rounded-md border border-slate-400 bg-transparent p-2 font-mono text-xs"
                prop:value=move || output.get().unwrap_or_else(|| "Fix the answers marked in red first: there is no checklist yet.".into())
            ></textarea>
        </section>
    }
}
