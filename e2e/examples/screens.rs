//! Saves a PNG of each screen a person meets, to look at them: `cargo run -p e2e --example
//! screens` (after `make dist`). Writes `target/screens/*.png`.

use e2e::{Env, Options};
use local_provider::profiles::Profile;
use serde_json::json;
use std::path::PathBuf;

async fn shot(env: &Env, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screens");
    std::fs::create_dir_all(&dir).unwrap();
    let png = env.browser.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    println!("target/screens/{name}.png");
}

/// A PNG of one element (the whole of it, not just what the window shows).
async fn shot_of(env: &Env, css: &str, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screens");
    let png = env.wait_for(css).await.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    println!("target/screens/{name}.png");
}

#[tokio::main]
async fn main() {
    let env = Env::start().await;
    env.browser.set_window_size(900, 650).await.unwrap();
    env.open("/").await;
    env.screen("signed-out").await;
    shot(&env, "1-signed-out").await;
    env.click("#sign-in").await;
    env.wait_for("#allow").await;
    shot(&env, "2-consent").await;
    env.provider
        .set_faults(|f| f.delay = std::time::Duration::from_millis(150));
    env.click("#allow").await;
    env.wait_for("#entries-progress").await;
    shot_of(&env, "section.entries", "3-loading-entries").await;
    env.provider
        .set_faults(|f| f.delay = std::time::Duration::ZERO);
    env.dashboard_settled().await;
    shot(&env, "3-dashboard").await;
    shot_of(&env, "section.entries", "3-entries").await;
    env.browser.set_window_size(390, 844).await.unwrap();
    shot(&env, "3-dashboard-phone").await;
    env.browser.set_window_size(900, 650).await.unwrap();
    env.click("#sign-out").await;
    env.screen("signed-out").await;
    shot(&env, "4-signed-out-notice").await;
    env.click("#sign-in").await;
    env.click("#deny").await;
    env.screen("error").await;
    shot(&env, "5-denied").await;
    env.close().await;

    let env = Env::with(Options {
        config: json!({ "client_id": "" }),
        ..Options::default()
    })
    .await;
    env.browser.set_window_size(900, 650).await.unwrap();
    env.open("/").await;
    env.screen("config-error").await;
    shot(&env, "6-config-error").await;
    env.close().await;

    // A profile-view preset (App.net: a narrowed grant) and the paste-only preset (AppHarbor).
    let env = Env::with(Options {
        profile: Profile::AppNet,
        ..Options::default()
    })
    .await;
    env.browser.set_window_size(900, 650).await.unwrap();
    env.open("/").await;
    env.click("#sign-in").await;
    env.click("input[name=scope][value=stream]").await;
    shot(&env, "7-appnet-consent").await;
    env.click("#allow").await;
    env.wait_for("#granted-scopes").await;
    shot(&env, "7-appnet-profile").await;
    env.close().await;
    let env = Env::with(Options {
        profile: Profile::AppHarbor,
        ..Options::default()
    })
    .await;
    env.browser.set_window_size(900, 650).await.unwrap();
    env.open("/").await;
    env.wait_for("#no-sign-in").await;
    shot(&env, "8-appharbor-signed-out").await;
    env.close().await;
}
