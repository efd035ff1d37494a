//! App code exercised in a real browser (wasm-bindgen-test, run by wasm-pack in headless Chrome).
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use portcheck_app::questionnaire::DeploymentStep;
use rules::DeploymentModel;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn choosing_a_deployment_model_updates_the_signal_and_the_summary() {
    let host = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let model = RwSignal::new(DeploymentModel::MultiTenantSaas);
    let _mounted = mount_to(host.clone().unchecked_into(), move || {
        view! { <DeploymentStep model /> }
    });

    let summary = host.query_selector("#deployment-summary").unwrap().unwrap();
    assert_eq!(
        summary.text_content().unwrap(),
        "Selected: Multi-tenant SaaS"
    );
    assert_eq!(
        host.query_selector_all("input[type=radio]")
            .unwrap()
            .length(),
        4
    );

    let vertex: web_sys::HtmlInputElement = host
        .query_selector("#deployment-self-hosted-vertex")
        .unwrap()
        .unwrap()
        .unchecked_into();
    vertex.click();
    tick().await;

    assert_eq!(model.get_untracked(), DeploymentModel::SelfHostedVertex);
    assert_eq!(
        summary.text_content().unwrap(),
        "Selected: Self-hosted Palette VerteX"
    );
    assert!(vertex.checked());
}
