//! The implicit grant, end to end: the built app in headless Chromium, the local provider on
//! another loopback origin, real redirects, real CORS.

use e2e::{Env, Options};
use local_provider::settings::CallbackPlacement;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn first_screen_is_signed_out_with_a_sign_in_button() {
    let env = Env::start().await;
    env.open("/").await;
    let screen = env.screen("signed-out").await;
    assert!(screen.text().await.unwrap().contains("Sign in"));
    assert_eq!(env.text("#sign-in").await, "Sign in");
    env.close().await;
}

/// boot.js starts fetching config.json beside the wasm; the app takes that answer instead of
/// asking again once it runs (a second request would mean the head start was wasted), and
/// takes it only once.
#[tokio::test]
async fn config_json_is_fetched_once_starting_before_the_app_runs() {
    let env = Env::start().await;
    env.open("/").await;
    env.screen("signed-out").await;
    let seen = env
        .js("return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/config.json')).length")
        .await;
    assert_eq!(
        seen,
        json!(1),
        "config.json requests: a second means the app did not take boot.js's fetch"
    );
    env.close().await;
}

#[tokio::test]
async fn sign_in_round_trip_through_the_consent_page_shows_the_users_name() {
    let env = Env::start().await;
    env.open("/").await;
    env.screen("signed-out").await;
    env.click("#sign-in").await;
    let consent = env.text("main").await;
    assert!(
        consent.contains("local-demo wants to access your data"),
        "{consent}"
    );
    env.click("#allow").await;
    env.screen("signed-in").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    assert!(env.text("#expires").await.contains("expires in 13 days"));
    env.close().await;
}

#[tokio::test]
async fn deny_reads_as_the_persons_choice_and_stays_signed_out() {
    let env = Env::start().await;
    env.open("/").await;
    env.click("#sign-in").await;
    env.click("#deny").await;
    env.screen("error").await;
    assert_eq!(env.text("h1").await, "You did not allow access");
    assert_eq!(
        env.count("[data-screen=error] [role=alert]").await,
        0,
        "a choice, not an alarm"
    );
    assert_eq!(env.count("[data-screen=error] [role=status]").await, 1);
    assert_eq!(
        env.visible_text().await.matches("access_denied").count(),
        1,
        "the code once"
    );
    assert_eq!(env.text("#error-code").await, "access_denied");
    assert_eq!(
        env.text("#error-description").await,
        "The user denied access."
    );
    assert_eq!(
        env.all_storage().await,
        "[[],[]]",
        "the pending request must be gone"
    );
    env.close().await;
}

#[tokio::test]
async fn after_the_callback_the_address_bar_is_clean_and_history_did_not_grow() {
    let env = Env::start().await;
    env.open("/").await;
    env.click("#sign-in").await;
    env.wait_for("#allow").await;
    let on_consent = env.js("return history.length").await.as_u64().unwrap();
    env.click("#allow").await;
    env.screen("signed-in").await;
    let url = env.browser.current_url().await.unwrap();
    assert_eq!(
        url.as_str(),
        env.app_url,
        "the address bar still holds the callback"
    );
    assert_eq!(
        env.js("return location.hash + location.search").await,
        json!("")
    );
    // The redirect back to the app adds one entry; cleaning the URL must add none.
    assert_eq!(
        env.js("return history.length").await.as_u64().unwrap(),
        on_consent + 1
    );
    env.close().await;
}

#[tokio::test]
async fn the_address_bar_is_clean_at_the_first_render_before_any_request_completes() {
    // config.json (the app's first request) is held back, so the app's first screen is
    // "loading": by then the callback must already be gone from the address bar.
    let env = Env::with(Options {
        config_delay: Duration::from_millis(1500),
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.click("#sign-in").await;
    env.click("#allow").await;
    env.screen("loading").await;
    assert_eq!(
        env.js("return location.search + location.hash").await,
        json!("")
    );
    env.screen("signed-in").await;
    env.close().await;
}

#[tokio::test]
async fn the_token_is_in_neither_local_nor_session_storage_by_default() {
    let env = Env::start().await;
    env.open("/").await;
    env.sign_in().await;
    let token = env.last_token();
    let storage = env.all_storage().await;
    assert!(
        !storage.contains(&token),
        "token found in storage: {storage}"
    );
    assert_eq!(
        storage, "[[],[]]",
        "nothing should be left in storage after sign-in"
    );
    env.close().await;
}

#[tokio::test]
async fn replaying_a_used_callback_url_is_rejected() {
    let env = Env::start().await;
    env.open("/").await;
    env.sign_in().await;
    let callback = env.provider.store.last_redirect().unwrap();
    env.browser.goto(&callback).await.unwrap();
    env.screen("error").await;
    assert_eq!(env.text("#error-code").await, "no_pending_request");
    assert_eq!(
        env.js("return location.search + location.hash").await,
        json!("")
    );
    env.close().await;
}

#[tokio::test]
async fn a_forged_state_is_rejected_and_consumes_the_pending_request() {
    let env = Env::start().await;
    env.open("/").await;
    env.click("#sign-in").await;
    env.wait_for("#allow").await;
    env.open("/?access_token=attacker&token_type=bearer&state=forged")
        .await;
    env.screen("error").await;
    assert_eq!(env.text("#error-code").await, "state_mismatch");
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

#[tokio::test]
async fn a_callback_without_state_is_rejected() {
    let env = Env::start().await;
    env.open("/#access_token=attacker&token_type=bearer").await;
    env.screen("error").await;
    assert_eq!(env.text("#error-code").await, "missing_state");
    env.close().await;
}

#[tokio::test]
async fn reload_signs_out_by_default() {
    let env = Env::start().await;
    env.open("/").await;
    env.sign_in().await;
    env.browser.refresh().await.unwrap();
    env.screen("signed-out").await;
    env.close().await;
}

#[tokio::test]
async fn reload_stays_signed_in_when_session_storage_is_opted_in() {
    let env = Env::with(Options {
        config: json!({ "token_storage": "session" }),
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.sign_in().await;
    env.browser.refresh().await.unwrap();
    env.screen("signed-in").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    let storage = env.all_storage().await;
    assert!(
        storage.starts_with("[[],"),
        "localStorage must stay empty: {storage}"
    );
    env.click("#sign-out").await;
    env.screen("signed-out").await;
    assert_eq!(
        env.all_storage().await,
        "[[],[]]",
        "sign-out must clear the stored session"
    );
    env.close().await;
}

#[tokio::test]
async fn an_expired_token_leaves_the_dashboard_marked_stale_until_signing_in_again() {
    // Long enough for sign-in and a one-page load on a busy machine.
    let env = Env::with(Options {
        token_lifetime: Duration::from_secs(12),
        ..Options::default()
    })
    .await;
    env.open("/?from=2026-03-02&to=2026-03-03").await;
    env.sign_in().await;
    env.wait_for("#entries-status[data-complete=\"true\"]")
        .await;
    let rows = env.count("#entries-table tbody tr:not(.day)").await;
    assert!(rows > 0);
    env.js("window.__same_page = true").await;
    // Expired: the data stays, said to be from before, and nothing more can be loaded.
    env.screen("expired").await;
    env.expect_screen(
        "Session expired · Harvest · implicit-oauth",
        "Your sign-in has expired",
    )
    .await;
    assert!(env.text("#stale-notice").await.contains("from before"));
    assert_eq!(env.count("#entries-table tbody tr:not(.day)").await, rows);
    assert_eq!(
        env.wait_for("#load-entries")
            .await
            .attr("disabled")
            .await
            .unwrap(),
        Some("true".into())
    );
    assert_eq!(
        env.all_storage().await,
        "[[],[]]",
        "the dead token is not kept"
    );
    // Signing in again through a window brings the dashboard back to life, same page.
    let expired_token = env.last_token();
    env.popup_sign_in("#renew").await;
    env.expect_screen("Dashboard · Harvest · implicit-oauth", "You are signed in")
        .await;
    assert_eq!(env.js("return window.__same_page === true").await, true);
    assert_eq!(env.count("#entries-table tbody tr:not(.day)").await, rows);
    let token = env.last_token();
    assert_ne!(token, expired_token);
    env.click("#load-entries").await;
    env.wait_for("#entries-status[data-complete=\"true\"]")
        .await;
    let last = env.last_request("/v2/time_entries");
    assert!(last.query.contains(&format!("access_token={token}")));
    assert_eq!(last.status, 200);
    env.close().await;
}

#[tokio::test]
async fn signing_out_in_one_tab_signs_out_the_others() {
    let env = Env::start().await;
    env.open("/").await;
    env.sign_in().await;
    let first = env.browser.window().await.unwrap();
    // A second tab of the same app signs in on its own (the token lives in each tab's memory).
    let second = env.browser.new_window(true).await.unwrap().handle;
    env.browser.switch_to_window(second).await.unwrap();
    env.open("/").await;
    env.sign_in().await;
    env.click("#sign-out").await;
    env.screen("signed-out").await;
    env.browser.switch_to_window(first).await.unwrap();
    env.screen("signed-out").await;
    assert!(env
        .text("[data-screen=signed-out]")
        .await
        .contains("You signed out in another tab"));
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

#[tokio::test]
async fn with_share_session_a_new_tab_starts_signed_in_without_visiting_the_provider() {
    let env = Env::with(Options {
        config: json!({ "share_session": true }),
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.sign_in().await;
    env.dashboard_settled().await;
    let authorize_visits = env.provider.store.consents_opened();
    let first = env.browser.window().await.unwrap();
    let second = env.browser.new_window(true).await.unwrap().handle;
    env.browser.switch_to_window(second).await.unwrap();
    env.open("/").await;
    env.screen("signed-in").await;
    env.dashboard_settled().await;
    assert_eq!(env.provider.store.consents_opened(), authorize_visits);
    // The shared token is the first tab's, held in this tab's memory only.
    assert_eq!(env.all_storage().await, "[[],[]]");
    // Signing out here signs the first tab out as well.
    env.click("#sign-out").await;
    env.browser.switch_to_window(first).await.unwrap();
    env.screen("signed-out").await;
    env.close().await;
}

#[tokio::test]
async fn without_share_session_a_new_tab_signs_in_on_its_own() {
    let env = Env::start().await;
    env.open("/").await;
    env.sign_in().await;
    let second = env.browser.new_window(true).await.unwrap().handle;
    env.browser.switch_to_window(second).await.unwrap();
    env.open("/").await;
    env.screen("signed-out").await;
    env.close().await;
}

#[tokio::test]
async fn a_401_from_the_api_ends_the_session() {
    let env = Env::start().await;
    env.open("/").await;
    env.sign_in().await;
    env.dashboard_settled().await;
    env.provider.store.revoke_all();
    env.click("#refresh").await;
    env.screen("signed-out").await;
    assert!(env.text("#notice").await.contains("no longer accepts"));
    env.close().await;
}

#[tokio::test]
async fn parameters_in_the_fragment_work_like_the_rfc_says() {
    let env = Env::with(Options {
        placement: CallbackPlacement::Fragment,
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.sign_in().await;
    assert!(env
        .provider
        .store
        .last_redirect()
        .unwrap()
        .contains("#access_token="));
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    env.close().await;
}

#[tokio::test]
async fn header_transport_signs_in_and_reads_the_profile_over_cors_preflight() {
    let env = Env::with(Options {
        config: json!({ "token_transport": "header" }),
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.sign_in().await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    env.close().await;
}

#[tokio::test]
async fn an_invalid_config_shows_a_page_that_names_the_field() {
    let env = Env::with(Options {
        config: json!({ "redirect_uri": "http://app.example/" }),
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.screen("config-error").await;
    assert!(env.text("#config-problem").await.contains("redirect_uri"));
    env.close().await;
}

/// Signs in, loads the dashboard, has the token revoked (a 401), and returns the console with
/// the secrets that must not be in it.
async fn console_over_a_session(env: &Env) -> (Vec<(String, String)>, String, String) {
    env.open("/").await;
    env.click("#sign-in").await;
    let state = env.consent_state().await;
    env.click("#allow").await;
    env.screen("signed-in").await;
    env.dashboard_settled().await;
    env.provider.store.revoke_all();
    env.click("#refresh").await;
    env.screen("signed-out").await;
    // A canary proves the capture works, so an empty log cannot pass by accident.
    env.js("console.error('canary-7f3a')").await;
    let console = env.console().await;
    assert!(
        console.iter().any(|(_, m)| m.contains("canary-7f3a")),
        "console capture is not working: {console:?}"
    );
    (console, env.last_token(), state)
}

#[tokio::test]
async fn with_header_transport_nothing_in_the_console_carries_the_token_or_state() {
    let env = Env::with(Options {
        config: json!({ "token_transport": "header" }),
        ..Options::default()
    })
    .await;
    let (console, token, state) = console_over_a_session(&env).await;
    for (source, message) in &console {
        for secret in [token.as_str(), state.as_str(), "access_token="] {
            assert!(
                !message.contains(secret),
                "{source} console entry leaked {secret:?}: {message}"
            );
        }
    }
    env.close().await;
}

#[tokio::test]
async fn with_query_transport_only_the_browsers_failed_request_report_shows_the_token() {
    // Chromium reports a failed request's URL in the console; with the token in the query
    // (Harvest's documented browser mode) that URL holds it. The app itself and every other
    // entry must not: no state, no callback URL, no token.
    let env = Env::start().await;
    let (console, token, state) = console_over_a_session(&env).await;
    for (source, message) in &console {
        assert!(
            !message.contains(&state),
            "{source} console entry leaked the state: {message}"
        );
        let failed_api_request = source == "network" && message.starts_with(&env.provider_url);
        if !failed_api_request {
            assert!(
                !message.contains(&token),
                "{source} console entry leaked the token: {message}"
            );
            assert!(
                !message.contains("access_token="),
                "{source} console entry shows a token URL: {message}"
            );
        }
    }
    env.close().await;
}

#[tokio::test]
async fn each_screen_names_the_tab_and_takes_focus_to_its_heading() {
    let env = Env::start().await;
    env.open("/").await;
    env.screen("signed-out").await;
    env.expect_screen("Sign in · Harvest · implicit-oauth", "Sign in with Harvest")
        .await;
    env.sign_in().await;
    env.expect_screen("Dashboard · Harvest · implicit-oauth", "You are signed in")
        .await;
    env.click("#sign-out").await;
    env.expect_screen("Sign in · Harvest · implicit-oauth", "Sign in with Harvest")
        .await;
    env.click("#sign-in").await;
    env.click("#deny").await;
    env.expect_screen(
        "Access not allowed · Harvest · implicit-oauth",
        "You did not allow access",
    )
    .await;
    env.close().await;
}
