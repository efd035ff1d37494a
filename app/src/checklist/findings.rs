use leptos::prelude::*;
use rules::{Finding, Severity};

#[component]
pub fn Findings(findings: Vec<Finding>) -> impl IntoView {
    view! {
        <ul class="space-y-2" aria-label="Findings">
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
