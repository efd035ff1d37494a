use leptos::prelude::*;
use rules::{Finding, Severity};

/// Actions and warnings in full; notes folded below them (the engine orders findings by
/// severity, so the page keeps its order).
#[component]
pub fn Findings(findings: Vec<Finding>) -> impl IntoView {
    let (notes, actions): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| f.severity == Severity::Info);
    let count = notes.len();
    view! {
        <FindingList findings=actions label="Actions and warnings" />
        {(count > 0).then(|| view! {
            <details id="checklist-notes" class="text-sm">
                <summary class="cursor-pointer font-medium">{format!("{count} notes")}</summary>
                <FindingList findings=notes label="Notes" />
            </details>
        })}
    }
}

#[component]
fn FindingList(findings: Vec<Finding>, label: &'static str) -> impl IntoView {
    view! {
        <ul class="space-y-2" aria-label=label>
            {findings
                .into_iter()
                .map(|f| {
                    let (badge, class) = match f.severity {
                        Severity::Action => ("Action", "border-amber-600"),
                        Severity::Warning => ("Warning", "border-red-600"),
                        Severity::Info => ("Note", "border-slate-300 dark:border-slate-600"),
                    };
                    let source = f.sources.first().cloned();
                    view! {
                        <li data-finding-id=f.id.clone() class=format!("rounded-lg border-l-4 border p-3 {class}")>
                            <p class="font-medium">
                                <span class="mr-2 rounded bg-slate-200 px-1.5 text-xs uppercase dark:bg-slate-700">{badge}</span>
                                {f.title}
                            </p>
                            <p class="text-sm break-words">{f.text}</p>
                            {source.and_then(|s| {
                                let url = s.url()?;
                                Some(view! {
                                    <a class="text-sm underline" href=url target="_blank" rel="noopener">
                                        {format!("{} › {}", s.doc, s.section)}
                                    </a>
                                })
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
