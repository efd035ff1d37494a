//! Form controls shared by the questionnaire steps. Each is labelled, keyboard-usable, and shows
//! the engine's error for its field beside it.

use leptos::prelude::*;

/// A placeholder reads as an example, never as a value already filled in.
fn example(placeholder: &'static str) -> String {
    if placeholder.is_empty() {
        String::new()
    } else {
        format!("e.g. {placeholder}")
    }
}

/// The error text for one field path, if the engine reported one.
pub type FieldErrorSignal = Signal<Option<String>>;

/// A radio group: one choice out of a few, each with a line of explanation.
#[component]
pub fn Choice<T>(
    /// Group name; also the prefix of each option's DOM id.
    name: &'static str,
    legend: &'static str,
    /// Why the question is asked, in one line.
    why: &'static str,
    /// Documentation page the question comes from.
    doc: &'static str,
    options: Vec<(T, &'static str, &'static str, &'static str)>,
    value: Signal<T>,
    on_change: Callback<T>,
    #[prop(optional)] error: Option<FieldErrorSignal>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let error = error.unwrap_or_default();
    view! {
        <fieldset class="space-y-2" aria-describedby=format!("{name}-why")>
            <legend class="text-lg font-semibold">{legend}</legend>
            <Why id=format!("{name}-why") why doc />
            {options
                .into_iter()
                .map(|(option, slug, label, description)| {
                    let id = format!("{name}-{slug}");
                    let for_id = id.clone();
                    view! {
                        <label for=for_id class=OPTION_CLASS>
                            <input
                                type="radio"
                                name=name
                                id=id
                                value=slug
                                class="mt-1"
                                prop:checked=move || value.get() == option
                                on:change=move |_| on_change.run(option)
                            />
                            <span>
                                <span class="block font-medium">{label}</span>
                                <span class="block text-sm text-slate-600 dark:text-slate-300">
                                    {description}
                                </span>
                            </span>
                        </label>
                    }
                })
                .collect_view()}
            <ErrorText id=format!("{name}-error") error />
        </fieldset>
    }
}

const OPTION_CLASS: &str = "flex gap-3 rounded-lg border p-3 cursor-pointer border-slate-300 dark:border-slate-600 has-[:checked]:border-sky-600 has-[:checked]:bg-sky-50 dark:has-[:checked]:bg-sky-950 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-sky-500";

/// A yes/no question as a checkbox with an explanation.
#[component]
pub fn Toggle(
    id: &'static str,
    label: &'static str,
    description: &'static str,
    value: Signal<bool>,
    on_change: Callback<bool>,
    #[prop(optional)] error: Option<FieldErrorSignal>,
) -> impl IntoView {
    let error = error.unwrap_or_default();
    view! {
        <div>
            <label for=id class=OPTION_CLASS>
                <input
                    type="checkbox"
                    id=id
                    class="mt-1"
                    prop:checked=move || value.get()
                    on:change=move |ev| on_change.run(event_target_checked(&ev))
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-errormessage=format!("{id}-error")
                />
                <span>
                    <span class="block font-medium">{label}</span>
                    <span class="block text-sm text-slate-600 dark:text-slate-300">{description}</span>
                </span>
            </label>
            <ErrorText id=format!("{id}-error") error />
        </div>
    }
}

/// One line of text (a version, a URL, one address).
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    #[prop(optional)] placeholder: &'static str,
    value: Signal<String>,
    on_input: Callback<String>,
    error: FieldErrorSignal,
) -> impl IntoView {
    view! {
        <div class="space-y-1">
            <label for=id class="block font-medium">{label}</label>
            <p id=format!("{id}-hint") class="text-sm text-slate-600 dark:text-slate-300">{hint}</p>
            <input
                type="text"
                id=id
                placeholder=example(placeholder)
                autocomplete="off"
                spellcheck="false"
                class=INPUT_CLASS
                aria-describedby=format!("{id}-hint")
                aria-invalid=move || error.get().is_some().to_string()
                aria-errormessage=format!("{id}-error")
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
            <ErrorText id=format!("{id}-error") error />
        </div>
    }
}

/// Several entries, one per line (addresses, NO_PROXY entries). Errors name the bad line.
#[component]
pub fn ListField(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    #[prop(optional)] placeholder: &'static str,
    value: Signal<Vec<String>>,
    on_input: Callback<Vec<String>>,
    error: FieldErrorSignal,
) -> impl IntoView {
    // The text as typed, trailing newline included: the answers keep entries only, so writing
    // them back would swallow the Enter that starts the next entry. The answers replace the text
    // only when they changed from elsewhere (a share link, Start over).
    let text = RwSignal::new(value.get_untracked().join("\n"));
    Effect::new(move |_| {
        let entries = value.get();
        if lines(&text.get_untracked()) != entries {
            text.set(entries.join("\n"));
        }
    });
    view! {
        <div class="space-y-1">
            <label for=id class="block font-medium">{label}</label>
            <p id=format!("{id}-hint") class="text-sm text-slate-600 dark:text-slate-300">{hint}</p>
            <textarea
                id=id
                rows="3"
                placeholder=example(placeholder)
                spellcheck="false"
                class=INPUT_CLASS
                aria-describedby=format!("{id}-hint")
                aria-invalid=move || error.get().is_some().to_string()
                aria-errormessage=format!("{id}-error")
                prop:value=move || text.get()
                on:input=move |ev| {
                    let typed = one_per_line(&event_target_value(&ev));
                    let entries = lines(&typed);
                    text.set(typed);
                    on_input.run(entries);
                }
            ></textarea>
            <ErrorText id=format!("{id}-error") error />
        </div>
    }
}

const INPUT_CLASS: &str = "block w-full rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-sm dark:border-slate-500 dark:bg-slate-800 aria-[invalid=true]:border-red-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";

/// A comma starts the next entry, as Enter does: a typed `a, b` or a pasted list becomes one
/// entry per line, so each line's error still names its line.
pub fn one_per_line(typed: &str) -> String {
    if !typed.contains(',') {
        return typed.to_owned();
    }
    typed
        .split(',')
        .map(str::trim_start)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Splits a textarea into entries, each trimmed. Trailing empty lines are dropped so typing a newline does not
/// produce an "empty entry" error while the user is still typing; inner empty lines are kept so
/// the error points at them.
pub fn lines(text: &str) -> Vec<String> {
    let mut entries: Vec<String> = text.split('\n').map(|l| l.trim().to_owned()).collect();
    while entries.last().is_some_and(|l| l.trim().is_empty()) {
        entries.pop();
    }
    entries
}

#[component]
fn ErrorText(id: String, error: FieldErrorSignal) -> impl IntoView {
    view! {
        <p id=id class="text-sm font-medium text-red-700 dark:text-red-400" role="alert">
            {move || error.get()}
        </p>
    }
}

#[component]
pub fn Why(id: String, why: &'static str, doc: &'static str) -> impl IntoView {
    view! {
        <p id=id class="text-sm text-slate-600 dark:text-slate-300">
            {why} " "
            <a class="underline" href=doc target="_blank" rel="noopener">
                "Source"
                <span class="sr-only">" (Palette documentation, opens in a new tab)"</span>
            </a>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::{lines, one_per_line};

    #[test]
    fn commas_start_the_next_entry_and_entries_are_trimmed() {
        assert_eq!(
            one_per_line("10.0.0.0/8, 192.168.0.0/16"),
            "10.0.0.0/8\n192.168.0.0/16"
        );
        assert_eq!(one_per_line(".corp.example,"), ".corp.example\n");
        assert_eq!(one_per_line("a\nb"), "a\nb");
        assert_eq!(
            lines(" 10.0.0.1 \n\t10.0.0.2"),
            vec!["10.0.0.1", "10.0.0.2"]
        );
    }

    #[test]
    fn trailing_blank_lines_are_not_entries_but_inner_ones_are() {
        assert_eq!(lines("a\nb\n\n"), vec!["a", "b"]);
        assert_eq!(lines("a\r\n\r\nb"), vec!["a", "", "b"]);
        assert!(lines("").is_empty());
    }
}
