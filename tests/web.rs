//! The app inside headless Chromium (`wasm-bindgen-test`); the crate's own browser tests are in
//! `crates/implicit-oauth/tests/web.rs`.
#![cfg(target_arch = "wasm32")]

use harvest_app::app::{App, AppProps};
use implicit_oauth::ui::{Commands, ConfigSource, PendingCallback, SignInMode};
use std::time::Duration;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn new_root() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

async fn render_app() -> web_sys::Element {
    let root = new_root();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            config: ConfigSource::Url("config.json".into()),
            callback: PendingCallback::default(),
            mode: SignInMode::Redirect,
            on_event: yew::Callback::noop(),
            commands: Commands::default(),
            owns_page: false,
        },
    )
    .render();
    root
}

async fn wait_for_text(root: &web_sys::Element, needle: &str) -> String {
    for _ in 0..100 {
        let text = root.text_content().unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        yew::platform::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never showed {needle:?}; shows {:?}", root.text_content());
}

#[wasm_bindgen_test]
async fn without_a_config_json_the_app_explains_what_to_fix() {
    // The test runner serves no config.json: the app must say so, not show a blank page.
    let root = render_app().await;
    let text = wait_for_text(&root, "not configured correctly").await;
    assert!(text.contains("config.json"), "{text}");
    assert!(root
        .query_selector("[data-screen=config-error] [role=alert]")
        .unwrap()
        .is_some());
}
