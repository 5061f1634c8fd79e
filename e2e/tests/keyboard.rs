//! The dashboard with a keyboard alone: every step by Tab and Enter, focus on each new
//! screen's heading.

use e2e::{Env, Options};
use local_provider::data::demo_accounts;
use std::time::Duration;

const ENTER: &str = "\u{E007}";

/// Tab to `css`, then Enter.
async fn activate(env: &Env, css: &str) {
    env.tab_to(css).await;
    env.press(ENTER).await;
}

#[tokio::test]
async fn sign_in_choose_load_cancel_export_and_sign_out_with_tab_and_enter() {
    let env = Env::with(Options {
        accounts: demo_accounts(),
        // Small, slow pages: a month's load lasts long enough to cancel, whatever the date.
        tweak: |s| s.per_page = 5,
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.expect_screen("Sign in · Harvest · implicit-oauth", "Sign in with Harvest")
        .await;
    activate(&env, "#sign-in").await;
    // The provider's consent page, by keyboard too.
    env.wait_for("#allow").await;
    activate(&env, "#allow").await;
    env.expect_screen("Dashboard · Harvest · implicit-oauth", "You are signed in")
        .await;
    activate(&env, "[data-account-id=\"123456\"]").await;
    env.wait_for("#entries-status[data-complete=\"true\"]")
        .await;

    // A quick range, loaded; then a slow one, cancelled.
    activate(&env, "#range-this-month").await;
    env.wait_for("#range-this-month[aria-pressed=\"true\"]")
        .await;
    env.wait_for("#entries-status[data-complete=\"true\"]")
        .await;
    env.provider
        .set_faults(|f| f.delay = Duration::from_millis(150));
    activate(&env, "#range-last-month").await;
    activate(&env, "#cancel-entries").await;
    env.wait_for("#entries-status[data-complete=\"false\"]")
        .await;
    env.provider.set_faults(|f| f.delay = Duration::ZERO);

    // Export what arrived: the file is offered, named as incomplete.
    env.js("window.__offered = [];
         HTMLAnchorElement.prototype.click = function () { window.__offered.push(this.download); };")
        .await;
    activate(&env, "#export-entries").await;
    let offered = env
        .poll("return window.__offered[0] || null", e2e::PATIENCE)
        .await;
    assert!(
        offered
            .as_str()
            .unwrap()
            .ends_with("-entries-incomplete.csv"),
        "{offered}"
    );

    activate(&env, "#sign-out").await;
    env.expect_screen("Sign in · Harvest · implicit-oauth", "Sign in with Harvest")
        .await;
    env.close().await;
}
