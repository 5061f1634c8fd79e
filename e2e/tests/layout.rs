//! Every screen at a laptop's width and a phone's (390×844): axe-core (from npm, injected by
//! the test) finds no serious or critical violation, the page never scrolls sideways, and no
//! box cuts its content off or hides it behind a scroll bar.

use e2e::{Env, Options};
use local_provider::data::demo_accounts;
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

/// axe-core, installed by `scripts/setup.sh`.
fn axe_source() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../.tools/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (scripts/setup.sh installs it)", path.display()))
}

/// The serious and critical violations axe finds on the page as it is, one line each.
async fn axe(env: &Env) -> Vec<String> {
    let script = format!(
        "{}
         const done = arguments[arguments.length - 1];
         axe.run(document, {{ resultTypes: ['violations'] }}).then(
             (r) => done(r.violations
                 .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                 .map((v) => `${{v.id}} (${{v.impact}}): ${{v.help}} at ${{v.nodes.map((n) => n.target.join(' ')).join(', ')}}`)),
             (e) => done([`axe failed: ${{e}}`]));",
        axe_source()
    );
    let found = env.browser.execute_async(&script, vec![]).await.unwrap();
    serde_json::from_value(found).unwrap()
}

/// What does not fit: the page wider than the window, or any element whose content is wider
/// than its box where the box clips or scrolls it.
async fn overflow(env: &Env) -> Vec<String> {
    let found = env
        .js("const out = [];
             const root = document.documentElement;
             if (root.scrollWidth > window.innerWidth) out.push(`the page is ${root.scrollWidth} px wide in ${window.innerWidth}`);
             for (const el of document.body.querySelectorAll('*')) {
               const s = getComputedStyle(el);
               if (s.display === 'none' || el.closest('[hidden], details:not([open]) > :not(summary)')) continue;
               const clips = ['hidden', 'clip', 'auto', 'scroll'].includes(s.overflowX);
               // The visually hidden header row is meant to be 1 px.
               if (clips && el.scrollWidth > el.clientWidth + 1 && s.position !== 'absolute') {
                 const inner = el.firstElementChild && el.firstElementChild.id ? ` (around #${el.firstElementChild.id})` : '';
                 out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}${inner} shows ${el.clientWidth} of ${el.scrollWidth} px`);
               }
             }
             return out;")
        .await;
    serde_json::from_value(found).unwrap()
}

/// Checks the screen shown now at both widths.
async fn check(env: &Env, screen: &str) {
    for (width, height) in [(1280, 900), (390, 844)] {
        env.browser.set_window_size(width, height).await.unwrap();
        // Headless Chromium's window is its viewport; wait until the layout has it.
        env.poll(
            &format!("return window.innerWidth === {width} || null"),
            e2e::PATIENCE,
        )
        .await;
        let problems = [overflow(env).await, axe(env).await].concat();
        assert!(
            problems.is_empty(),
            "{screen} at {width} px:\n{}",
            problems.join("\n")
        );
    }
}

#[tokio::test]
async fn every_screen_fits_a_phone_and_passes_axe() {
    let env = Env::with(Options {
        accounts: demo_accounts(),
        config: json!({ "personal_access_token": true }),
        ..Options::default()
    })
    .await;
    env.open("/?from=2026-03-02&to=2026-04-30").await;
    env.screen("signed-out").await;
    check(&env, "signed out").await;
    // The personal-token form, opened.
    env.js("document.querySelector('details.pat').open = true")
        .await;
    check(&env, "signed out, token form open").await;

    env.click("#sign-in").await;
    env.click("#allow").await;
    env.wait_for("#account-picker").await;
    check(&env, "account picker").await;

    env.click("[data-account-id=\"123456\"]").await;
    env.wait_for("#entries-status[data-complete=\"true\"]")
        .await;
    check(&env, "dashboard").await;
    env.js("document.querySelector('.chart details').open = true")
        .await;
    check(&env, "dashboard, chart as a table").await;

    env.click("#sign-out").await;
    env.screen("signed-out").await;
    env.click("#sign-in").await;
    env.click("#deny").await;
    env.screen("error").await;
    check(&env, "consent declined").await;
    env.close().await;
}

#[tokio::test]
async fn the_expired_screen_fits_a_phone_and_passes_axe() {
    // The dashboard that stays after expiry, its entries loaded first.
    let env = Env::with(Options {
        token_lifetime: Duration::from_secs(12),
        ..Options::default()
    })
    .await;
    env.open("/?from=2026-03-02&to=2026-03-06").await;
    env.sign_in().await;
    env.wait_for("#entries-status[data-complete=\"true\"]")
        .await;
    env.screen("expired").await;
    env.wait_for("#stale-notice").await;
    check(&env, "expired").await;
    env.close().await;
}

#[tokio::test]
async fn the_error_screens_fit_a_phone_and_pass_axe() {
    // A callback nobody asked for: refused, and said so.
    let env = Env::start().await;
    env.open("/?access_token=forged&state=forged").await;
    env.screen("error").await;
    check(&env, "sign-in refused").await;
    env.close().await;
    // A configuration that names a bad field.
    let env = Env::with(Options {
        config: json!({ "authorize_url": "not a URL" }),
        ..Options::default()
    })
    .await;
    env.open("/").await;
    env.screen("config-error").await;
    check(&env, "configuration error").await;
    env.close().await;
}

/// The checks themselves can fail: a page made too wide, and an image without a name.
#[tokio::test]
async fn the_checks_see_what_they_look_for() {
    let env = Env::start().await;
    env.open("/").await;
    env.screen("signed-out").await;
    env.browser.set_window_size(390, 844).await.unwrap();
    env.poll("return window.innerWidth === 390 || null", e2e::PATIENCE)
        .await;
    env.js("const wide = document.createElement('div');
         wide.style.width = '600px'; wide.textContent = 'wide';
         document.body.append(wide);
         const img = document.createElement('img');
         img.src = 'favicon.svg';
         document.querySelector('main').append(img);")
        .await;
    let found = [overflow(&env).await, axe(&env).await].concat();
    assert!(
        found.iter().any(|p| p.starts_with("the page is")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.starts_with("image-alt")),
        "{found:?}"
    );
    env.close().await;
}
