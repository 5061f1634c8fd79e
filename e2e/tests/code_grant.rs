//! The authorization code grant with PKCE, end to end: the built app in headless Chromium, the
//! local provider's generic profile on another origin, the code redeemed over CORS.

use e2e::{Env, Options};
use local_provider::faults::Recorded;
use local_provider::profiles::Profile;
use serde_json::json;
use std::time::Duration;

/// Signed in at the app's root on the code grant, the person's name on screen.
async fn signed_in_with(token_lifetime: Duration, refresh_tokens: bool) -> Env {
    let env = env_with(token_lifetime, refresh_tokens).await;
    env.open("/").await;
    env.sign_in().await;
    env.wait_for("#user-name").await;
    env
}

async fn env_with(token_lifetime: Duration, refresh_tokens: bool) -> Env {
    Env::with(Options {
        profile: Profile::Generic,
        token_lifetime,
        config: json!({
            "grant": "code",
            "token_url": "{provider_url}/oauth2/token",
            "token_storage": "session",
        }),
        tweak: if refresh_tokens {
            |s| s.refresh_tokens = true
        } else {
            |_| {}
        },
        ..Options::default()
    })
    .await
}

async fn code_env() -> Env {
    env_with(Duration::from_secs(3600), false).await
}

/// The token endpoint's requests so far.
fn token_requests(env: &Env) -> Vec<Recorded> {
    env.provider
        .requests_to("/oauth2/token")
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

/// Waits (polling) until `done()`, failing with `what` after `limit`.
async fn until(limit: Duration, what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The access token of the session this tab keeps (`token_storage: "session"`).
async fn kept_access_token(env: &Env) -> String {
    env.js(
        "const kept = Object.entries(sessionStorage).find(([k]) => k.endsWith(':session'));
            return new URLSearchParams(kept[1]).get('access_token');",
    )
    .await
    .as_str()
    .expect("a kept session")
    .to_owned()
}

/// The code of the provider's last redirect.
fn last_code(env: &Env) -> String {
    let redirect = env.provider.store.last_redirect().expect("a redirect");
    let url = url::Url::parse(&redirect).unwrap();
    assert_eq!(url.fragment(), None);
    url.query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("the last redirect carried a code")
}

#[tokio::test]
async fn code_with_pkce_signs_in_by_redirect_and_leaves_no_code_or_verifier_behind() {
    let env = code_env().await;
    env.open("/").await;
    env.screen("signed-out").await;
    env.sign_in().await;
    let code = last_code(&env);
    assert!(env
        .provider
        .store
        .last_redirect()
        .unwrap()
        .contains("code="));
    // The profile was fetched with the redeemed token.
    env.wait_for("#user-name").await;
    let redeemed = token_requests(&env);
    assert_eq!(redeemed.len(), 1);
    assert_eq!(redeemed[0].status, 200);
    // Neither the address bar nor storage keeps the code or the verifier.
    let url = env.browser.current_url().await.unwrap();
    assert!(!url.as_str().contains(&code), "{url}");
    assert!(!url.as_str().contains("code="), "{url}");
    let storage = env.all_storage().await;
    assert!(
        !storage.contains(&code) && !storage.contains("code_verifier"),
        "{storage}"
    );
    env.close().await;
}

#[tokio::test]
async fn code_with_pkce_signs_in_by_popup_on_a_host_page() {
    let env = code_env().await;
    env.open_demo_host("/embed-demo.html").await;
    env.popup_sign_in("#login-a #sign-in").await;
    env.wait_for("#login-a [data-screen=\"signed-in\"]").await;
    assert_eq!(token_requests(&env).len(), 1);
    assert!(env.host_events().await.contains(&"a: signedin".to_owned()));
    env.close().await;
}

#[tokio::test]
async fn a_replayed_code_callback_does_not_redeem_again() {
    let env = code_env().await;
    env.open("/").await;
    env.sign_in().await;
    env.wait_for("#user-name").await;
    let callback = env.provider.store.last_redirect().unwrap();
    // The callback page again (from history, say): its note was used, so it hands nothing on.
    env.browser.goto(&callback).await.unwrap();
    env.wait_for_text("cannot be finished here").await;
    // The response as the callback page hands it to the app: the pending request is gone.
    let response = url::Url::parse(&callback)
        .unwrap()
        .query()
        .unwrap()
        .to_owned();
    env.browser
        .goto(&format!("{}#{response}", env.app_url))
        .await
        .unwrap();
    env.screen("error").await;
    env.wait_for_text("already used").await;
    assert_eq!(token_requests(&env).len(), 1, "the code was redeemed once");
    env.close().await;
}

#[tokio::test]
async fn a_forged_state_is_refused_and_its_code_never_redeemed() {
    let env = code_env().await;
    env.open("/").await;
    env.screen("signed-out").await;
    env.click("#sign-in").await;
    // At the consent page: an attacker's callback, with a code of their own, arrives instead.
    env.wait_for("#allow").await;
    env.browser
        .goto(&format!(
            "{}callback.html?code=attackers-code&state=forged",
            env.app_url
        ))
        .await
        .unwrap();
    env.wait_for_text("cannot be finished here").await;
    // Delivered to the app itself, it meets the pending request, and does not match it.
    env.browser
        .goto(&format!("{}?code=attackers-code&state=forged", env.app_url))
        .await
        .unwrap();
    env.screen("error").await;
    env.wait_for_text("does not match").await;
    assert!(token_requests(&env).is_empty());
    env.close().await;
}

#[tokio::test]
async fn an_access_token_in_a_code_callback_is_refused() {
    let env = code_env().await;
    env.open("/").await;
    env.screen("signed-out").await;
    env.click("#sign-in").await;
    env.wait_for("#allow").await;
    // The real state, read from this tab's pending request, with an injected token.
    env.browser.back().await.unwrap();
    env.screen("signed-out").await;
    let state = env
        .js("const k = Object.keys(sessionStorage).find(k => k.endsWith(':pending')); return new URLSearchParams(sessionStorage.getItem(k)).get('state')")
        .await;
    let state = state.as_str().unwrap().to_owned();
    env.browser
        .goto(&format!(
            "{}callback.html?state={state}&access_token=injected&token_type=bearer",
            env.app_url
        ))
        .await
        .unwrap();
    env.screen("error").await;
    env.wait_for_text("only a code was asked for").await;
    assert!(token_requests(&env).is_empty());
    env.close().await;
}

#[tokio::test]
async fn refresh_keeps_the_person_signed_in_past_the_first_tokens_life_without_navigating() {
    let env = signed_in_with(Duration::from_secs(8), true).await;
    let first = {
        let redeemed = token_requests(&env);
        assert_eq!(redeemed.len(), 1);
        env.provider.store.live_refresh_tokens()
    };
    env.js("window.__sameDocument = true; return null").await;
    // Two refreshes (at 6 s and about 12 s): past the first token's 8 s, and the second uses
    // the rotated refresh token.
    until(Duration::from_secs(25), "two refreshes within 25 s", || {
        token_requests(&env).len() >= 3
    })
    .await;
    env.screen("signed-in").await;
    let refreshes: Vec<Recorded> = token_requests(&env).into_iter().skip(1).collect();
    assert!(refreshes.len() >= 2, "{refreshes:?}");
    assert!(refreshes.iter().all(|r| r.status == 200), "{refreshes:?}");
    assert!(
        !env.provider.store.refresh_token_is_live(&first[0]),
        "rotated away"
    );
    // Still the same document, and the API answers it with the current token.
    assert_eq!(
        env.js("return window.__sameDocument === true").await,
        json!(true)
    );
    env.click("#refresh").await;
    env.wait_for("#user-name").await;
    let me = env.last_request("/api/me");
    assert_eq!(me.status, 200);
    // The refresh token never reached storage.
    let storage = env.all_storage().await;
    for token in env.provider.store.live_refresh_tokens() {
        assert!(!storage.contains(&token));
    }
    env.close().await;
}

#[tokio::test]
async fn a_revoked_refresh_token_ends_in_sign_in_again() {
    let env = env_with(Duration::from_secs(8), true).await;
    env.open("/").await;
    env.sign_in().await;
    let signed_in = std::time::Instant::now();
    env.wait_for("#user-name").await;
    // The grant is revoked at the provider (the person revoked the app there, say).
    for token in env.provider.store.live_refresh_tokens() {
        env.provider.store.revoke(&token);
    }
    // The refresh at 6 s is refused: the person is asked to sign in again then, before the
    // access token's own expiry at 8 s would have said so.
    env.screen("expired").await;
    assert!(
        signed_in.elapsed() < Duration::from_millis(7_500),
        "ended by the refused refresh, not by expiry: {:?}",
        signed_in.elapsed()
    );
    env.wait_for_text("Sign in again").await;
    let refused = token_requests(&env)
        .into_iter()
        .nth(1)
        .expect("a refresh was tried");
    assert_eq!(refused.status, 400);
    env.close().await;
}

#[tokio::test]
async fn sign_out_revokes_the_refresh_token_and_the_access_token() {
    let env = signed_in_with(Duration::from_secs(3600), true).await;
    let refresh = env.provider.store.live_refresh_tokens();
    assert_eq!(refresh.len(), 1);
    // The access token, from the session this tab keeps, to call the API with afterwards.
    let token = kept_access_token(&env).await;
    let me = format!(
        "const done = arguments[arguments.length - 1];
         fetch('{}/api/me', {{ headers: {{ Authorization: 'Bearer {token}' }} }})
             .then((r) => done(r.status), () => done(0));",
        env.provider_url
    );
    assert_eq!(env.browser.execute_async(&me, vec![]).await.unwrap(), 200);
    env.click("#sign-out").await;
    env.screen("signed-out").await;
    env.wait_for_text("the provider revoked the access token")
        .await;
    assert_eq!(
        env.browser.execute_async(&me, vec![]).await.unwrap(),
        401,
        "the revoked token is refused"
    );
    let revocations = env
        .provider
        .requests_to("/oauth2/revoke")
        .iter()
        .filter(|r| r.status == 200)
        .count();
    assert_eq!(revocations, 2);
    assert!(!env.provider.store.refresh_token_is_live(&refresh[0]));
    env.close().await;
}

#[tokio::test]
async fn token_endpoint_errors_are_shown_like_authorization_errors() {
    let env = code_env().await;
    env.provider.set_faults(|f| f.refuse_tokens = 1);
    env.open("/").await;
    env.screen("signed-out").await;
    env.click("#sign-in").await;
    env.click("#allow").await;
    env.screen("error").await;
    env.wait_for_text("invalid_grant").await;
    env.wait_for_text("The authorization code has expired.")
        .await;
    // Not an OAuth answer: said as such.
    env.provider.set_faults(|f| f.server_errors = 1);
    env.click("#sign-in").await;
    env.click("#allow").await;
    env.screen("error").await;
    env.wait_for_text("did not give a token (HTTP 500)").await;
    assert_eq!(token_requests(&env).len(), 2);
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

/// A sign-out while the code is being redeemed wins: the answer that arrives afterwards signs
/// nobody in, and the tokens it gave are revoked at the provider.
#[tokio::test]
async fn a_sign_out_during_redemption_is_not_undone_by_the_late_answer() {
    let env = code_env().await;
    env.open_demo_host("/embed-demo.html").await;
    // Every provider answer now takes two seconds, the token endpoint's included.
    env.provider
        .set_faults(|f| f.delay = Duration::from_secs(2));
    env.popup_sign_in("#login-a #sign-in").await;
    env.click("#host-sign-out-a").await;
    env.wait_for("#login-a [data-screen=\"signed-out\"]").await;
    let revoked = || {
        env.provider
            .requests_to("/oauth2/revoke")
            .iter()
            .filter(|r| r.status == 200)
            .count()
    };
    until(
        Duration::from_secs(15),
        "the late tokens were revoked",
        || revoked() > 0,
    )
    .await;
    assert_eq!(token_requests(&env).len(), 1);
    assert!(env.count("#login-a [data-screen=\"signed-in\"]").await == 0);
    assert!(!env.host_events().await.contains(&"a: signedin".to_owned()));
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

/// A refresh that failed (or a laptop asleep past the refresh instant) is tried once more when
/// the access token expires, before the session is given up.
#[tokio::test]
async fn a_refresh_that_failed_is_tried_again_at_expiry_before_the_session_ends() {
    let env = signed_in_with(Duration::from_secs(8), true).await;
    // The refresh at 6 s meets a server error; a retry 10 s on would come after the expiry.
    env.provider.set_faults(|f| f.server_errors = 1);
    until(
        Duration::from_secs(20),
        "a second refresh, at the expiry",
        || token_requests(&env).len() >= 3,
    )
    .await;
    let statuses: Vec<u16> = token_requests(&env).iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 500, 200]);
    env.click("#refresh").await;
    env.wait_for("#user-name").await;
    env.screen("signed-in").await;
    assert_eq!(env.last_request("/api/me").status, 200);
    env.close().await;
}

/// A 401 for an access token while a refresh token is in hand tries the refresh first: the
/// person stays signed in with a new token instead of being sent to sign in again.
#[tokio::test]
async fn a_401_with_a_refresh_token_in_hand_refreshes_instead_of_ending_the_session() {
    let env = signed_in_with(Duration::from_secs(3600), true).await;
    let token = kept_access_token(&env).await;
    // The access token alone is revoked at the provider.
    assert!(env.provider.store.revoke(&token));
    env.click("#refresh").await;
    until(Duration::from_secs(15), "a refresh after the 401", || {
        token_requests(&env).len() >= 2
    })
    .await;
    env.screen("signed-in").await;
    env.click("#refresh").await;
    env.wait_for("#user-name").await;
    let me = env.last_request("/api/me");
    assert_eq!(me.status, 200);
    assert_eq!(env.count("[data-screen=\"signed-out\"]").await, 0);
    env.close().await;
}
