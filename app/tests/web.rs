//! App code exercised in a real browser (wasm-bindgen-test, run by wasm-pack in headless Chrome).
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use portcheck_app::questionnaire::{DeploymentStep, VersionStep};
use portcheck_app::state::AppState;
use rules::{Answers, DeploymentModel};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn host() -> web_sys::HtmlElement {
    let host = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    host.unchecked_into()
}

fn input(host: &web_sys::HtmlElement, selector: &str) -> web_sys::HtmlInputElement {
    host.query_selector(selector)
        .unwrap()
        .unwrap()
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn choosing_a_deployment_model_updates_the_answers() {
    let host = host();
    let state = AppState::new(Answers::default(), Default::default());
    let _mounted = mount_to(host.clone(), move || view! { <DeploymentStep state /> });

    assert_eq!(
        host.query_selector_all("input[type=radio]")
            .unwrap()
            .length(),
        4
    );
    assert!(input(&host, "#deployment-multi-tenant-saas").checked());

    let vertex = input(&host, "#deployment-self-hosted-vertex");
    vertex.click();
    tick().await;

    assert_eq!(
        state.answers.with_untracked(|a| a.deployment),
        DeploymentModel::SelfHostedVertex
    );
    assert!(vertex.checked());
    assert!(!input(&host, "#deployment-multi-tenant-saas").checked());
}

#[wasm_bindgen_test]
async fn a_bad_version_shows_the_engine_error_beside_the_field() {
    let host = host();
    let state = AppState::new(Answers::default(), Default::default());
    let _mounted = mount_to(host.clone(), move || view! { <VersionStep state /> });
    let error = host
        .query_selector("#palette-version-error")
        .unwrap()
        .unwrap();
    assert_eq!(error.text_content().unwrap(), "");

    let field = input(&host, "#palette-version");
    field.set_value("4.5");
    field
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    tick().await;

    assert!(error
        .text_content()
        .unwrap()
        .contains("is not a semantic version"));
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        state.answers.with_untracked(|a| a.palette_version.clone()),
        "4.5"
    );
}
