//! Embedding: the demo host page mounts two instances (two client ids) and signs in through a
//! popup; the custom element; the hostile and unlucky cases around the popup.

use e2e::{Env, Options};
use serde_json::json;
use std::time::Duration;

async fn host(env: &Env, query: &str) {
    env.open_demo_host(&format!("/embed-demo.html{query}"))
        .await;
}

async fn events(env: &Env) -> Vec<String> {
    env.host_events().await
}

/// Clicks instance A's Sign in and approves in the popup; returns to the host window.
async fn popup_sign_in(env: &Env) {
    env.popup_sign_in("#login-a #sign-in").await;
}

#[tokio::test]
async fn popup_sign_in_keeps_the_host_pages_url_scroll_and_typed_text() {
    let env = Env::start().await;
    host(&env, "").await;
    env.wait_for("#typed")
        .await
        .send_keys("half-written note")
        .await
        .unwrap();
    env.js("window.scrollTo(0, 300)").await;
    let url_before = env.browser.current_url().await.unwrap();
    let title_before = env.js("return document.title").await;
    popup_sign_in(&env).await;
    env.wait_for("#login-a [data-screen=\"signed-in\"]").await;
    assert_eq!(env.text("#login-a #user-name").await, "Ada Lovelace");
    // The embedded app names no tab, moves no focus and writes nothing into the host's URL.
    env.wait_for("#login-a #entries-status").await;
    assert_eq!(env.browser.current_url().await.unwrap(), url_before);
    assert_eq!(env.js("return document.title").await, title_before);
    assert_eq!(
        env.js("return document.activeElement.closest('#login-a h1') === null")
            .await,
        json!(true)
    );
    assert_eq!(env.js("return window.scrollY").await, json!(300));
    assert_eq!(
        env.js("return document.getElementById('typed').value")
            .await,
        json!("half-written note")
    );
    env.wait_for("#login-b [data-screen=\"signed-out\"]").await;
    assert_eq!(events(&env).await, ["a: signedin"]);
    let session = env.js("return window.implicitOAuthDemo.a.session()").await;
    assert_eq!(session["signedIn"], json!(true));
    assert!(
        session.get("accessToken").is_none(),
        "the raw token is given only on request"
    );
    let with_token = env
        .js("return window.implicitOAuthDemo.a.session(true)")
        .await;
    assert_eq!(with_token["accessToken"], json!(env.last_token()));
    env.close().await;
}

#[tokio::test]
async fn events_fire_in_order_and_sign_out_and_destroy_leave_nothing_behind() {
    let env = Env::start().await;
    host(&env, "").await;
    popup_sign_in(&env).await;
    env.wait_for("#login-a #user-name").await;
    env.click("#host-sign-out-a").await;
    env.wait_for("#login-a [data-screen=\"signed-out\"]").await;
    assert_eq!(events(&env).await, ["a: signedin", "a: signedout"]);
    env.click("#destroy-a").await;
    assert_eq!(
        env.js("return document.getElementById('login-a').childElementCount")
            .await,
        json!(0)
    );
    assert_eq!(env.all_storage().await, "[[],[]]");
    // A destroyed instance answers no more commands and fires no more events.
    assert_eq!(
        env.js("return window.implicitOAuthDemo.a.signIn()").await,
        json!(false)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        env.browser.windows().await.unwrap().len(),
        1,
        "a destroyed instance opened a window"
    );
    assert_eq!(events(&env).await, ["a: signedin", "a: signedout"]);
    env.close().await;
}

#[tokio::test]
async fn the_host_can_start_sign_in_from_its_own_button() {
    let env = Env::start().await;
    host(&env, "").await;
    let main = env.browser.window().await.unwrap();
    env.click("#host-sign-in-a").await;
    env.switch_to_other_window(&main).await;
    env.click("#allow").await;
    env.back_to(&main).await;
    assert_eq!(env.text("#login-a #user-name").await, "Ada Lovelace");
    env.close().await;
}

#[tokio::test]
async fn a_result_posted_by_another_window_or_origin_is_ignored() {
    // No CSP, so the frame from the other origin loads and only the component's checks decide.
    let env = Env::with(Options {
        without_csp: true,
        ..Options::default()
    })
    .await;
    host(&env, "").await;
    let main = env.browser.window().await.unwrap();
    env.click("#login-a #sign-in").await;
    env.switch_to_other_window(&main).await;
    let state = env.consent_state().await;
    env.browser.switch_to_window(main.clone()).await.unwrap();
    let forged = format!("state={state}&access_token=FORGED&token_type=bearer");
    // Same origin, but not the window the component opened.
    env.js(&format!(
        "window.postMessage({{ type: 'implicit-oauth:callback', query: '{forged}', fragment: '' }}, location.origin)"
    ))
    .await;
    // Another origin, in a frame.
    env.js(&format!(
        "const f = document.createElement('iframe'); f.src = '{}__forged.html#{forged}'; document.body.append(f)",
        env.other_origin_url()
    ))
    .await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    env.wait_for("#login-a [data-screen=\"waiting-for-popup\"]")
        .await;
    // The real result still completes the sign-in, with the real token.
    env.switch_to_other_window(&main).await;
    env.click("#allow").await;
    env.back_to(&main).await;
    assert_eq!(env.text("#login-a #user-name").await, "Ada Lovelace");
    let token = env
        .js("return window.implicitOAuthDemo.a.session(true).accessToken")
        .await;
    assert_eq!(token, json!(env.last_token()));
    env.close().await;
}

#[tokio::test]
async fn closing_the_popup_early_reports_popup_closed() {
    let env = Env::start().await;
    host(&env, "").await;
    let main = env.browser.window().await.unwrap();
    env.click("#login-a #sign-in").await;
    env.switch_to_other_window(&main).await;
    env.wait_for("#allow").await;
    env.browser.close_window().await.unwrap();
    env.browser.switch_to_window(main).await.unwrap();
    env.wait_for("#login-a [data-screen=\"error\"]").await;
    assert_eq!(env.text("#login-a #error-code").await, "popup_closed");
    assert_eq!(events(&env).await, ["a: error (popup_closed)"]);
    assert_eq!(
        env.all_storage().await,
        "[[],[]]",
        "the abandoned pending request must be gone"
    );
    env.close().await;
}

#[tokio::test]
async fn a_blocked_popup_is_an_error_unless_the_host_allows_redirect() {
    let env = Env::start().await;
    host(&env, "").await;
    env.js("window.open = () => null").await;
    env.click("#login-a #sign-in").await;
    env.wait_for("#login-a [data-screen=\"error\"]").await;
    assert_eq!(env.text("#login-a #error-code").await, "popup_blocked");
    // The error offers to sign in on this page instead.
    env.click("#login-a #sign-in-redirect").await;
    env.click("#allow").await;
    env.wait_for("#login-a #user-name").await;
    assert_eq!(
        env.browser.current_url().await.unwrap().path(),
        "/embed-demo.html"
    );

    host(&env, "?popup_fallback=1").await;
    env.js("window.open = () => null").await;
    env.click("#login-a #sign-in").await;
    env.click("#allow").await;
    env.wait_for("#login-a #user-name").await;
    let url = env.browser.current_url().await.unwrap();
    assert_eq!(url.path(), "/embed-demo.html");
    assert_eq!(
        url.query(),
        Some("popup_fallback=1"),
        "back on the host page it left"
    );
    assert_eq!(
        url.fragment(),
        None,
        "the callback was wiped from the address bar"
    );
    env.wait_for("#login-b [data-screen=\"signed-out\"]").await;
    env.close().await;
}

#[tokio::test]
async fn storage_that_throws_still_signs_in_with_memory_only() {
    let env = Env::start().await;
    host(&env, "").await;
    env.js("for (const m of ['getItem', 'setItem', 'removeItem']) \
         Storage.prototype[m] = () => { throw new DOMException('blocked', 'SecurityError') }")
        .await;
    popup_sign_in(&env).await;
    assert_eq!(env.text("#login-a #user-name").await, "Ada Lovelace");
    env.close().await;
}

#[tokio::test]
async fn the_custom_element_signs_in_with_no_host_script() {
    let env = Env::with(Options {
        config: json!({ "client_id": "local-demo" }),
        ..Options::default()
    })
    .await;
    env.open("/__element.html").await;
    env.wait_for("implicit-oauth-login [data-screen=\"signed-out\"]")
        .await;
    let main = env.browser.window().await.unwrap();
    env.click("implicit-oauth-login #sign-in").await;
    env.switch_to_other_window(&main).await;
    env.click("#allow").await;
    env.back_to(&main).await;
    assert_eq!(
        env.text("implicit-oauth-login #user-name").await,
        "Ada Lovelace"
    );
    env.close().await;
}

#[tokio::test]
async fn sign_out_and_destroy_leave_no_timers_or_listeners_running() {
    let env = Env::start().await;
    env.open("/__counting.html").await;
    env.wait_for("#login-a [data-screen=\"signed-out\"]").await;
    env.wait_for("#login-b [data-screen=\"signed-out\"]").await;
    let baseline = env.js("return window.__counts()").await;
    popup_sign_in(&env).await;
    env.dashboard_settled().await;
    let signed_in = env.js("return window.__counts()").await;
    assert!(
        signed_in["timeouts"].as_u64() > baseline["timeouts"].as_u64(),
        "the expiry timer should be live: {signed_in}"
    );
    env.click("#host-sign-out-a").await;
    env.wait_for("#login-a [data-screen=\"signed-out\"]").await;
    assert_eq!(
        counts_settled(&env, &baseline).await,
        baseline,
        "after signOut()"
    );
    popup_sign_in(&env).await;
    env.wait_for("#login-a #user-name").await;
    env.click("#destroy-a").await;
    // Each component listens to its tabs' channel (a sign-out in another tab) for as long as
    // it lives: A's listener went with it, B's stays.
    let mut without_a = baseline.clone();
    without_a["channel"] = json!(baseline["channel"].as_u64().unwrap() - 1);
    assert_eq!(
        counts_settled(&env, &without_a).await,
        without_a,
        "after destroy()"
    );
    env.close().await;
}

/// The page's live timers and listeners once they equal `expected`, or as they are after 5 s.
/// A request that was under way when its component went keeps its timeout until it is
/// answered (a moment, here); what stays longer than that is a leak.
async fn counts_settled(env: &Env, expected: &serde_json::Value) -> serde_json::Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let counts = env.js("return window.__counts()").await;
        if &counts == expected || std::time::Instant::now() > deadline {
            return counts;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The host hears `expiring` the configured time before the token expires (here 5 s of an
/// 8 s token), once, then `expired`; and never `expiring` where the lead is 0.
#[tokio::test]
async fn the_host_hears_expiring_the_configured_time_before_expiry() {
    for (lead, expected) in [
        (5, vec!["a: signedin", "a: expiring", "a: expired"]),
        (0, vec!["a: signedin", "a: expired"]),
    ] {
        let env = Env::with(Options {
            token_lifetime: Duration::from_secs(8),
            config: json!({ "expiring_seconds": lead }),
            ..Options::default()
        })
        .await;
        host(&env, "").await;
        // How long the token had left when `expiring` fired, by the page's own clock.
        env.js("implicitOAuthDemo.a.on('expiring', (d) => { window.__left_ms = d.expiresAt - Date.now(); })")
            .await;
        popup_sign_in(&env).await;
        env.wait_for("#login-a [data-screen=\"expired\"]").await;
        env.wait_for_text("a: expired").await;
        assert_eq!(events(&env).await, expected, "lead {lead}");
        if lead > 0 {
            // Not at once (8 s left) but `lead` seconds before the end, give or take a timer's
            // lateness.
            let left_ms = env.js("return window.__left_ms").await.as_f64().unwrap();
            let lead_ms = (lead * 1000) as f64;
            assert!(
                (lead_ms - 1000.0..=lead_ms + 250.0).contains(&left_ms),
                "expiring with {left_ms} ms left, for a lead of {lead} s"
            );
        }
        env.close().await;
    }
}
