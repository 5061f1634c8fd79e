//! Faults: each ends in a clear message, a working retry, no lost session unless the token is
//! really dead, and no token leaked.

use e2e::{Env, Options};
use serde_json::json;
use std::time::Duration;

/// Waits (up to `limit`) for the time-entry load to end; returns whether it is complete.
async fn load_ended(env: &Env, limit: Duration) -> bool {
    let script =
        "const s = document.getElementById('entries-status'); return s && s.dataset.complete";
    env.poll(script, limit).await == "true"
}

async fn settled(env: &Env) {
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    env.dashboard_settled().await;
}

#[tokio::test]
async fn a_slow_provider_times_out_with_a_clear_message_and_retry_recovers() {
    let env = Env::with(Options {
        config: json!({ "request_timeout_seconds": 1 }),
        ..Options::default()
    })
    .await;
    settled(&env).await;
    env.provider
        .set_faults(|f| f.delay = Duration::from_millis(2500));
    env.click("#load-entries").await;
    assert!(!load_ended(&env, Duration::from_secs(10)).await);
    assert!(env
        .text("#entries-status")
        .await
        .contains("took longer than 1 s"));
    env.provider.set_faults(|f| f.delay = Duration::ZERO);
    env.click("#retry-entries").await;
    assert!(load_ended(&env, Duration::from_secs(15)).await);
    env.close().await;
}

#[tokio::test]
async fn the_api_going_down_mid_pagination_leaves_a_table_marked_incomplete() {
    let env = Env::start().await;
    env.provider
        .set_faults(|f| f.delay = Duration::from_millis(250));
    env.open(e2e::YEAR_2026).await;
    env.sign_in().await;
    env.wait_for("#entries-table").await;
    env.set_provider_online(false).await;
    assert!(
        !load_ended(&env, Duration::from_secs(15)).await,
        "a cut-off load must not claim to be complete"
    );
    assert!(env
        .text("#entries-status")
        .await
        .contains("could not be reached"));
    assert!(env
        .text("#entries-table tfoot")
        .await
        .contains("incomplete"));
    env.screen("signed-in").await;
    env.set_provider_online(true).await;
    env.provider.set_faults(|f| f.delay = Duration::ZERO);
    env.click("#retry-entries").await;
    assert!(load_ended(&env, Duration::from_secs(15)).await);
    env.close().await;
}

#[tokio::test]
async fn a_storm_of_500s_keeps_the_session_and_recovers_when_it_ends() {
    let env = Env::start().await;
    settled(&env).await;
    env.provider.set_faults(|f| f.server_errors = 1000);
    for _ in 0..3 {
        env.click(
            if env
                .js("return !!document.getElementById('retry-entries')")
                .await
                == json!(true)
            {
                "#retry-entries"
            } else {
                "#load-entries"
            },
        )
        .await;
        assert!(!load_ended(&env, Duration::from_secs(10)).await);
        assert!(env.text("#entries-status").await.contains("HTTP 500"));
        assert_eq!(
            env.text("#user-name").await,
            "Ada Lovelace",
            "the session must survive server errors"
        );
    }
    env.provider.set_faults(|f| f.server_errors = 0);
    env.click("#retry-entries").await;
    assert!(load_ended(&env, Duration::from_secs(15)).await);
    env.close().await;
}

#[tokio::test]
async fn a_429_without_a_readable_retry_after_waits_the_15_s_default_then_recovers() {
    let env = Env::with(Options {
        tweak: |s| s.expose_retry_after = false,
        ..Options::default()
    })
    .await;
    settled(&env).await;
    env.provider.set_faults(|f| f.too_many = 1);
    env.click("#load-entries").await;
    assert!(env.text("#rate-wait").await.contains("continuing in 15 s"));
    assert!(load_ended(&env, Duration::from_secs(40)).await);
    env.close().await;
}

#[tokio::test]
async fn a_provider_unreachable_at_sign_in_leaves_the_app_usable() {
    let env = Env::start().await;
    env.open(e2e::YEAR_2026).await;
    env.screen("signed-out").await;
    env.set_provider_online(false).await;
    env.click("#sign-in").await;
    // The browser shows its own error page for the provider; coming back, the app still works.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    env.browser.back().await.unwrap();
    env.screen("signed-out").await;
    env.set_provider_online(true).await;
    env.sign_in().await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    env.close().await;
}

#[tokio::test]
async fn a_tab_waking_after_sleeping_past_expiry_shows_the_expired_screen() {
    let env = Env::start().await;
    settled(&env).await;
    // Asleep, no timer fires; on waking the wall clock has jumped and the tab becomes visible.
    env.js(
        "const real = Date.now.bind(Date); Date.now = () => real() + 15 * 86400 * 1000; \
         document.dispatchEvent(new Event('visibilitychange'))",
    )
    .await;
    env.screen("expired").await;
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

#[tokio::test]
async fn an_api_redirect_is_not_followed_so_the_token_goes_nowhere_else() {
    let elsewhere = e2e::Elsewhere::start().await;
    let env = Env::start().await;
    settled(&env).await;
    let origin = elsewhere.origin.clone();
    env.provider
        .set_faults(move |f| f.redirect_to = Some(origin));
    env.click("#load-entries").await;
    assert!(!load_ended(&env, Duration::from_secs(10)).await);
    let status = env.text("#entries-status").await;
    assert!(status.contains("redirect"), "{status}");
    assert_eq!(elsewhere.requests(), Vec::<String>::new());
    env.close().await;
}

#[tokio::test]
async fn a_retry_after_of_days_is_said_at_once_not_waited_out() {
    let env = Env::start().await;
    settled(&env).await;
    env.provider.set_faults(|f| {
        f.too_many = 1;
        f.retry_after_secs = Some(999_999);
    });
    let before = env.provider.recorded().len();
    env.click("#load-entries").await;
    assert!(!load_ended(&env, Duration::from_secs(10)).await);
    let status = env.text("#entries-status").await;
    assert!(status.contains("pause of 16667 minutes"), "{status}");
    let limited = env.provider.recorded()[before..]
        .iter()
        .filter(|r| r.status == 429)
        .count();
    assert_eq!(limited, 1, "asked once, not retried");
    env.close().await;
}
