fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(portcheck_app::App);
    if let Some(loading) = leptos::prelude::document().get_element_by_id("app-loading") {
        loading.remove();
    }
    // The first question is on screen with its handlers attached: the moment the page-load
    // benchmark (scripts/bench/page-load.mjs) measures.
    if let Some(performance) = leptos::prelude::window().performance() {
        let _ = performance.mark("portcheck-interactive");
    }
}
