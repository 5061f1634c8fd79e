//! The browser layer and the Yew face, inside headless Chromium (`wasm-bindgen-test`).

use crate::browser::auth::Via;
use crate::browser::{auth, location, now_ms, random, storage};
use crate::oauth::callback;
use crate::oauth::pending::MAX_AGE_MS;
use crate::oauth::{CallbackError, Config, PendingRequest};
use crate::ui::{
    use_auth, AuthProvider, Authenticated, Command, Commands, ConfigSource, NotAuthenticated,
    PendingCallback,
};
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn config(storage: &str) -> Config {
    Config::from_json(&format!(
        r#"{{"provider":"harvest","client_id":"web-test-{storage}","authorize_url":"http://127.0.0.1:9/oauth2/authorize",
            "redirect_uri":"http://127.0.0.1:9/","api_base":"http://127.0.0.1:9/v2","token_storage":"{storage}"}}"#
    ))
    .unwrap()
}

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

/// Puts `suffix` (`?…` and/or `#…`) on the current URL without navigating.
fn set_url(suffix: &str) {
    let path = window().location().pathname().unwrap();
    window()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{suffix}")))
        .unwrap();
}

/// Takes the callback from this page's URL, as `arrival` allows, and finishes the sign-in.
fn finish(
    config: &Config,
    arrival: location::Arrival,
) -> Result<crate::oauth::Completed, CallbackError> {
    let response = location::take_callback(arrival).expect("a callback in the URL")?;
    match auth::finish_sign_in(config, response)? {
        crate::oauth::Answer::Session(done) => Ok(done),
        crate::oauth::Answer::Code(_) => panic!("an implicit sign-in was answered with a code"),
    }
}

fn state_of(authorize_url: &crate::weburl::Url) -> String {
    authorize_url
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
}

fn all_storage() -> String {
    let dump = |s: web_sys::Storage| {
        (0..s.length().unwrap())
            .filter_map(|i| s.key(i).unwrap())
            .map(|k| format!("{k}={}", s.get_item(&k).unwrap().unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(";")
    };
    format!(
        "local[{}] session[{}]",
        dump(window().local_storage().unwrap().unwrap()),
        dump(window().session_storage().unwrap().unwrap())
    )
}

#[wasm_bindgen_test]
fn random_bytes_come_from_the_platform_and_differ_each_call() {
    let a = random::random_bytes::<32>().unwrap();
    let b = random::random_bytes::<32>().unwrap();
    assert_ne!(a, b);
    assert_ne!(a, [0u8; 32]);
}

#[wasm_bindgen_test]
fn storage_round_trips_and_take_deletes() {
    storage::set("web-test:k", "v");
    assert_eq!(storage::get("web-test:k").as_deref(), Some("v"));
    assert_eq!(storage::take("web-test:k").as_deref(), Some("v"));
    assert_eq!(storage::get("web-test:k"), None);
}

#[wasm_bindgen_test]
fn a_url_without_callback_parameters_is_left_alone() {
    set_url("?page=2#section");
    assert!(location::take_callback(location::Arrival::Direct).is_none());
    assert_eq!(window().location().search().unwrap(), "?page=2");
    set_url("");
}

#[wasm_bindgen_test]
fn taking_the_callback_cleans_the_url_without_adding_history() {
    let before = window().history().unwrap().length().unwrap();
    set_url("?state=abc#access_token=SECRET&token_type=bearer");
    let taken = location::take_callback(location::Arrival::Direct);
    assert!(matches!(taken, Some(Ok(_))));
    assert_eq!(window().location().search().unwrap(), "");
    assert_eq!(window().location().hash().unwrap(), "");
    assert_eq!(window().history().unwrap().length().unwrap(), before);
}

#[wasm_bindgen_test]
fn a_duplicated_parameter_is_rejected_and_still_cleaned() {
    set_url("?access_token=a#access_token=b&state=x");
    let taken = location::take_callback(location::Arrival::Direct);
    assert_eq!(
        taken.map(|r| r.err()),
        Some(Some(CallbackError::DuplicateParameter("access_token")))
    );
    assert!(!window().location().href().unwrap().contains("access_token"));
}

#[wasm_bindgen_test]
fn full_callback_signs_in_once_and_a_replay_is_rejected() {
    let config = config("memory");
    let url = auth::prepare_sign_in(&config, "/after", Via::Redirect).unwrap();
    let callback = format!(
        "?state={}&access_token=SECRET-1&token_type=bearer&expires_in=60",
        state_of(&url)
    );
    set_url(&callback);
    let done = finish(&config, location::Arrival::Direct).unwrap();
    assert_eq!(done.session.access_token.secret(), "SECRET-1");
    assert_eq!(done.return_to, "/after");
    assert!(
        !all_storage().contains("SECRET-1"),
        "token stored by default: {}",
        all_storage()
    );

    set_url(&callback);
    let replay = finish(&config, location::Arrival::Direct);
    assert_eq!(replay.unwrap_err(), CallbackError::NoPendingRequest);
}

#[wasm_bindgen_test]
fn app_net_style_state_in_query_and_token_in_fragment_signs_in() {
    let config = config("memory");
    let url = auth::prepare_sign_in(&config, "/", Via::Redirect).unwrap();
    set_url(&format!(
        "?state={}#access_token=SPLIT&token_type=bearer",
        state_of(&url)
    ));
    let done = finish(&config, location::Arrival::Direct).unwrap();
    assert_eq!(done.session.access_token.secret(), "SPLIT");
    assert_eq!(window().location().hash().unwrap(), "");
}

/// A configuration whose callback page is `/callback/elsewhere` (not the test page's path).
fn config_with_callback_path() -> Config {
    Config::from_json(
        r#"{"provider":"elsewhere","client_id":"web-test-path","authorize_url":"http://127.0.0.1:9/oauth2/authorize",
            "redirect_uri":"http://127.0.0.1:9/callback/elsewhere","api_base":"http://127.0.0.1:9/v2"}"#,
    )
    .unwrap()
}

#[wasm_bindgen_test]
fn a_response_that_did_not_arrive_on_the_callback_path_is_rejected() {
    // Delivered straight to this page: the callback page never saw it.
    let config = config_with_callback_path();
    let url = auth::prepare_sign_in(&config, "/", Via::Redirect).unwrap();
    set_url(&format!(
        "#state={}&access_token=PATH&token_type=bearer",
        state_of(&url)
    ));
    let result = finish(&config, location::Arrival::Direct);
    assert_eq!(result.unwrap_err(), CallbackError::WrongCallbackPath);
    assert!(
        !all_storage().contains("web-test-path"),
        "{}",
        all_storage()
    );
}

#[wasm_bindgen_test]
fn a_response_handed_on_by_the_callback_page_counts_as_arriving_there() {
    // What static/callback.js does before moving a redirect response to the host page.
    let config = config_with_callback_path();
    let url = auth::prepare_sign_in(&config, "/", Via::Redirect).unwrap();
    storage::set(location::ARRIVED_KEY, "/callback/elsewhere");
    set_url(&format!(
        "#state={}&access_token=PATH&token_type=bearer",
        state_of(&url)
    ));
    let done = finish(&config, location::Arrival::Direct).unwrap();
    assert_eq!(done.session.access_token.secret(), "PATH");
    assert_eq!(
        storage::get(location::ARRIVED_KEY),
        None,
        "the mark is used once"
    );
}

#[wasm_bindgen_test]
fn a_callback_page_mark_left_without_a_response_vouches_for_nothing_later() {
    // The callback page was visited with no response (or its response was never read here):
    // its mark must not make a later response, delivered straight to this page, look as if
    // it had arrived on the callback path.
    let config = config_with_callback_path();
    storage::set(location::ARRIVED_KEY, "/callback/elsewhere");
    set_url("");
    assert!(location::take_callback(location::Arrival::Direct).is_none());
    let url = auth::prepare_sign_in(&config, "/", Via::Redirect).unwrap();
    set_url(&format!(
        "#state={}&access_token=PATH&token_type=bearer",
        state_of(&url)
    ));
    let result = finish(&config, location::Arrival::Direct);
    assert_eq!(result.unwrap_err(), CallbackError::WrongCallbackPath);
}

#[wasm_bindgen_test]
fn a_stale_mark_does_not_hide_a_response_in_the_query_which_is_still_wiped() {
    // A mark left for a response this page never read, then Harvest's response in the query
    // delivered straight here: it is read (as arriving here, not on the callback path) and
    // wiped from the address bar.
    let config = config_with_callback_path();
    let url = auth::prepare_sign_in(&config, "/", Via::Redirect).unwrap();
    storage::set(location::ARRIVED_KEY, "/callback/elsewhere");
    set_url(&format!(
        "?state={}&access_token=QUERY&token_type=bearer",
        state_of(&url)
    ));
    let result = finish(&config, location::Arrival::Direct);
    assert_eq!(result.unwrap_err(), CallbackError::WrongCallbackPath);
    assert_eq!(window().location().search().unwrap(), "");
}

#[wasm_bindgen_test]
fn a_handed_on_response_is_read_from_the_fragment_only() {
    // The route the person left has a query of its own (`?scope=…&state=…`): it is the
    // route's, not part of the response, and it stays in the address bar.
    let config = config_with_callback_path();
    let url = auth::prepare_sign_in(&config, "/", Via::Redirect).unwrap();
    storage::set(location::ARRIVED_KEY, "/callback/elsewhere");
    set_url(&format!(
        "?scope=route&state=route#state={}&access_token=HANDED&token_type=bearer&scope=granted",
        state_of(&url)
    ));
    let done = finish(&config, location::Arrival::HandedOn).unwrap();
    assert_eq!(done.session.access_token.secret(), "HANDED");
    assert_eq!(done.session.scope.to_string(), "granted");
    assert_eq!(
        window().location().search().unwrap(),
        "?scope=route&state=route"
    );
    assert_eq!(window().location().hash().unwrap(), "");
    set_url("");
}

#[wasm_bindgen_test]
fn a_host_pages_own_url_is_not_a_callback_for_an_embedded_component() {
    // A host route that happens to use `state`, `error` or `access_token` for itself.
    set_url("?state=open&error=none#access_token=not-ours");
    assert!(location::take_callback(location::Arrival::HandedOn).is_none());
    assert_eq!(
        window().location().search().unwrap(),
        "?state=open&error=none"
    );
    assert_eq!(
        window().location().hash().unwrap(),
        "#access_token=not-ours"
    );
    set_url("");
}

#[wasm_bindgen_test]
fn sign_in_notes_how_its_response_comes_back_keyed_by_its_state() {
    // static/callback.js follows these notes: a popup never takes the redirect branch.
    let config = config("memory");
    let url = auth::prepare_sign_in(&config, "/here?x=1", Via::Popup).unwrap();
    let state = state_of(&url);
    let note: serde_json::Value =
        serde_json::from_str(&storage::get(auth::POPUP_KEY).unwrap()).unwrap();
    assert_eq!(note["state"], state.as_str());
    assert_eq!(storage::get(auth::RETURN_KEY), None);
    let url = auth::prepare_sign_in(&config, "/here?x=1", Via::Redirect).unwrap();
    let note: serde_json::Value =
        serde_json::from_str(&storage::get(auth::RETURN_KEY).unwrap()).unwrap();
    assert_eq!(note["state"], state_of(&url).as_str());
    assert_eq!(note["to"], "/here?x=1");
    assert_eq!(storage::get(auth::POPUP_KEY), None);
    auth::discard_pending(&config);
    assert_eq!(storage::get(auth::RETURN_KEY), None);
}

#[wasm_bindgen_test]
fn a_silent_renewal_asks_for_no_page_and_notes_its_frame_by_its_state() {
    let config = config("memory");
    let url = auth::prepare_sign_in(&config, "/", Via::Silent).unwrap();
    let pairs = url.query_pairs();
    assert!(pairs.contains(&("prompt".to_owned(), "none".to_owned())));
    let note: serde_json::Value =
        serde_json::from_str(&storage::get(auth::SILENT_KEY).unwrap()).unwrap();
    assert_eq!(note["state"], state_of(&url).as_str());
    assert_eq!(storage::get(auth::POPUP_KEY), None);
    assert_eq!(storage::get(auth::RETURN_KEY), None);
    // A sign-in of the person's own replaces it, note and all.
    auth::prepare_sign_in(&config, "/", Via::Popup).unwrap();
    assert_eq!(storage::get(auth::SILENT_KEY), None);
    auth::discard_pending(&config);
}

#[wasm_bindgen_test]
fn a_pending_request_older_than_ten_minutes_is_rejected() {
    let config = config("memory");
    let old = PendingRequest::new(
        &config,
        config.redirect.as_ref().unwrap(),
        [3; 32],
        [4; 32],
        "/",
        now_ms() - MAX_AGE_MS - 1_000,
    );
    storage::set(
        &format!("{}:pending", config.storage_namespace()),
        &old.to_stored(),
    );
    set_url(&format!(
        "?state={}&access_token=t&token_type=bearer",
        old.state.secret()
    ));
    let result = finish(&config, location::Arrival::Direct);
    assert_eq!(result.unwrap_err(), CallbackError::PendingExpired);
    assert!(
        !all_storage().contains(config.storage_namespace().as_str()),
        "pending request not consumed"
    );
}

#[wasm_bindgen_test]
fn session_storage_opt_in_keeps_the_session_for_this_tab_only_and_sign_out_clears_it() {
    let config = config("session");
    let url = auth::prepare_sign_in(&config, "/", Via::Redirect).unwrap();
    set_url(&format!(
        "?state={}&access_token=SECRET-2&token_type=bearer&expires_in=60",
        state_of(&url)
    ));
    finish(&config, location::Arrival::Direct).unwrap();
    assert_eq!(
        auth::restore_session(&config)
            .unwrap()
            .access_token
            .secret(),
        "SECRET-2"
    );
    assert!(window()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item(&format!("{}:session", config.storage_namespace()))
        .unwrap()
        .is_none());
    auth::sign_out(&config);
    assert!(auth::restore_session(&config).is_none());
    assert!(!all_storage().contains("SECRET-2"));
}

#[wasm_bindgen_test]
fn memory_storage_never_restores_a_session() {
    assert!(auth::restore_session(&config("memory")).is_none());
}

fn new_root() -> web_sys::Element {
    let document = window().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
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

#[component]
fn Probe() -> Html {
    let auth = use_auth();
    let text = match auth.session() {
        Some(s) => format!("scope={}", s.scope),
        None => "no-session".to_owned(),
    };
    html! { <p class="probe">{ text }</p> }
}

#[derive(Properties, PartialEq)]
struct GatesProps {
    config: Rc<Config>,
    callback: PendingCallback,
    commands: Commands,
}

#[component]
fn Gates(props: &GatesProps) -> Html {
    html! {
        <AuthProvider config={ConfigSource::Given(props.config.clone())} callback={props.callback.clone()} commands={props.commands.clone()}>
            <Authenticated><p class="in">{ "inside" }</p></Authenticated>
            <NotAuthenticated><p class="out">{ "outside" }</p></NotAuthenticated>
            <Probe />
        </AuthProvider>
    }
}

fn mount_gates(config: Config, callback: PendingCallback, commands: Commands) -> web_sys::Element {
    let root = new_root();
    yew::Renderer::<Gates>::with_root_and_props(
        root.clone(),
        GatesProps {
            config: Rc::new(config),
            callback,
            commands,
        },
    )
    .render();
    root
}

#[wasm_bindgen_test]
async fn gates_show_only_the_not_authenticated_side_without_a_session() {
    let root = mount_gates(
        config("memory"),
        PendingCallback::default(),
        Commands::default(),
    );
    let text = wait_for_text(&root, "no-session").await;
    assert!(
        text.contains("outside") && !text.contains("inside"),
        "{text}"
    );
}

#[wasm_bindgen_test]
async fn gates_and_hook_follow_a_completed_sign_in_and_a_host_sign_out() {
    let config = config("memory");
    let url = auth::prepare_sign_in(&config, "/", Via::Redirect).unwrap();
    let query = format!(
        "state={}&access_token=T&token_type=bearer&scope=harvest%3A42",
        state_of(&url)
    );
    // Delivered at the configured callback path, as `take_callback` would record it.
    let response = callback::parse(&query, "").unwrap().unwrap().at("/");
    let commands = Commands::default();
    let root = mount_gates(
        config,
        PendingCallback::new(Some(Ok(response))),
        commands.clone(),
    );
    let text = wait_for_text(&root, "scope=harvest:42").await;
    assert!(
        text.contains("inside") && !text.contains("outside"),
        "{text}"
    );
    assert!(commands.send(Command::SignOut));
    let text = wait_for_text(&root, "no-session").await;
    assert!(text.contains("outside"), "{text}");
}

mod url_conformance {
    //! The URL cases the native tests also run, here against the browser's own parser.
    use crate::weburl::Url;
    use wasm_bindgen_test::wasm_bindgen_test;
    include!("weburl/cases.rs");

    #[wasm_bindgen_test]
    fn the_shared_url_cases_hold_in_the_browser() {
        url_cases();
    }
}
