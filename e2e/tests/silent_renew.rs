//! Silent renewal (`"silent_renew": true`): the authorize request with `prompt=none` in a hidden
//! frame, before the token expires; and the fallback to the `expiring` event where the provider
//! refuses to be framed or asks for the person.

use e2e::{Env, Options};
use local_provider::profiles::Profile;
use serde_json::json;
use std::time::{Duration, Instant};

async fn env_with(
    lifetime: u64,
    lead: u64,
    tweak: fn(&mut local_provider::settings::Settings),
) -> Env {
    Env::with(Options {
        profile: Profile::Generic,
        token_lifetime: Duration::from_secs(lifetime),
        config: json!({ "silent_renew": true, "expiring_seconds": lead }),
        tweak,
        ..Options::default()
    })
    .await
}

async fn frames(env: &Env) -> u64 {
    env.js("return document.querySelectorAll('iframe').length")
        .await
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn silent_renewal_swaps_the_token_without_a_page_or_a_navigation() {
    // A 12 s token, renewed 8 s before it ends: at 4 s, 8 s, 12 s, …
    let env = env_with(12, 8, |_| {}).await;
    env.open("/").await;
    env.sign_in().await;
    env.wait_for("#user-name").await;
    let first = env.last_token();
    env.js("window.__sameDocument = true; return null").await;
    tokio::time::sleep(Duration::from_secs(14)).await;
    env.screen("signed-in").await;
    assert_eq!(
        env.js("return window.__sameDocument === true").await,
        json!(true)
    );
    // New tokens came through the frame, with no consent page shown.
    assert_ne!(env.last_token(), first);
    assert_eq!(env.provider.store.consents_opened(), 1);
    assert!(
        env.provider.store.live_grant(&first).is_none(),
        "the first token has expired"
    );
    // The page goes on with the current token.
    env.click("#refresh").await;
    env.wait_for("#user-name").await;
    assert_eq!(env.last_request("/api/me").status, 200);
    // Each renewal's frame goes once it has answered (the next comes 4 s later).
    env.poll(
        "return document.querySelectorAll('iframe').length === 0 || null",
        Duration::from_secs(3),
    )
    .await;
    assert!(!env
        .browser
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("state="));
    env.close().await;
}

#[tokio::test]
async fn where_the_provider_refuses_to_be_framed_the_host_hears_expiring_after_the_timeout() {
    // A 20 s token, renewal tried at 2 s; the frame never answers, so at 12 s: `expiring`.
    let env = env_with(20, 18, |s| s.forbid_framing = true).await;
    env.open_demo_host("/embed-demo.html").await;
    env.popup_sign_in("#login-a #sign-in").await;
    env.wait_for("#login-a [data-screen=\"signed-in\"]").await;
    let token = env.last_token();
    let heard = "return [...document.querySelectorAll('#events li')].some((li) => li.textContent === 'a: expiring') || null";
    env.poll(heard, Duration::from_secs(25)).await;
    assert_eq!(env.host_events().await, ["a: signedin", "a: expiring"]);
    // The provider showed its unframeable page to the frame, and the browser refused to
    // frame it; the session is as it was.
    assert_eq!(env.provider.store.consents_opened(), 2);
    let console = env.console().await;
    assert!(
        console.iter().any(|(_, m)| m.contains("frame-ancestors")),
        "{console:?}"
    );
    assert_eq!(env.last_token(), token);
    env.wait_for("#login-a [data-screen=\"signed-in\"]").await;
    assert_eq!(frames(&env).await, 0);
    env.close().await;
}

#[tokio::test]
async fn login_required_falls_back_to_expiring_at_once() {
    let env = env_with(30, 26, |_| {}).await;
    env.open_demo_host("/embed-demo.html").await;
    env.popup_sign_in("#login-a #sign-in").await;
    env.wait_for("#login-a [data-screen=\"signed-in\"]").await;
    let signed_in = Instant::now();
    // The person signed out at the provider: `prompt=none` gets `login_required`.
    env.provider.store.forget_consents();
    env.wait_for_text("a: expiring").await;
    assert!(
        signed_in.elapsed() < Duration::from_secs(4 + 8),
        "the refusal is taken at once, not after the frame's timeout"
    );
    assert_eq!(env.host_events().await, ["a: signedin", "a: expiring"]);
    assert!(env
        .provider
        .store
        .last_redirect()
        .unwrap()
        .contains("error=login_required"));
    assert_eq!(frames(&env).await, 0);
    env.close().await;
}
