//! The generic preset against an authorization server this project did not write:
//! django-oauth-toolkit (Django), started on loopback with a registered public client that may
//! use the implicit grant, and a protected resource answering CORS requests from the app.
//!
//! Each test: the app (generic preset, only URLs and client id configured), the server on its
//! own origin, real login and consent pages, real redirects, real CORS.

use e2e::interop::{Dot, CLIENT_ID, CODE_CLIENT_ID, PASSWORD, USERNAME};
use e2e::{free_port, Env, Options};
use local_provider::profiles::Profile;
use serde_json::json;
use std::time::Duration;

/// The app configured for the server (on `port`), plus `extra` config fields, and the server.
async fn start(extra: serde_json::Value, token_lifetime: Duration) -> (Env, Dot) {
    let port = free_port();
    let server = format!("http://127.0.0.1:{port}");
    let mut config = json!({
        "preset": "generic",
        "title": "the Django server",
        "client_id": CLIENT_ID,
        "authorize_url": format!("{server}/o/authorize/"),
        "api_base": format!("{server}/api"),
        "scopes": ["read", "write"],
    });
    // `{server}` in a string stands for the server's URL.
    for (k, v) in extra.as_object().unwrap() {
        config[k] = match v.as_str() {
            Some(text) => text.replace("{server}", &server).into(),
            None => v.clone(),
        };
    }
    let env = Env::with(Options {
        profile: Profile::Generic,
        config,
        ..Options::default()
    })
    .await;
    let origin = env.app_url.trim_end_matches('/');
    let redirect_uri = format!("{}callback.html", env.app_url);
    let dot = Dot::start(port, origin, &redirect_uri, token_lifetime);
    (env, dot)
}

/// The status of the protected API's answer to `token`, called from the page (the app's
/// config.json says where the API is).
async fn me_status(env: &Env, token: &str) -> serde_json::Value {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         fetch('config.json').then((r) => r.json())
             .then((c) => fetch(c.api_base + '/me', {{ headers: {{ Authorization: 'Bearer {token}' }} }}))
             .then((r) => done(r.status), () => done(0));"
    );
    env.browser.execute_async(&script, vec![]).await.unwrap()
}

/// From the signed-out screen to the server's consent page, logging in on the way.
async fn to_consent(env: &Env) {
    env.open("/").await;
    env.screen("signed-out").await;
    env.click("#sign-in").await;
    env.wait_for("#id_username")
        .await
        .send_keys(USERNAME)
        .await
        .unwrap();
    env.wait_for("#id_password")
        .await
        .send_keys(PASSWORD)
        .await
        .unwrap();
    env.click("#login-submit").await;
    env.wait_for("#authorize").await;
}

#[tokio::test]
async fn sign_in_and_a_protected_call_with_the_token_in_the_header() {
    let (env, _dot) = start(json!({}), Duration::from_secs(3600)).await;
    to_consent(&env).await;
    env.click("#authorize").await;
    env.screen("signed-in").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    assert_eq!(env.text("[data-field=username]").await, "ada");
    assert_eq!(env.text("[data-field=scope]").await, "read write");
    assert_eq!(env.text("[data-field=token_in]").await, "header");
    assert!(env.text("#expires").await.contains("expires in 59 minutes"));
    let url = env.browser.current_url().await.unwrap();
    assert_eq!((url.path(), url.query(), url.fragment()), ("/", None, None));
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

#[tokio::test]
async fn a_protected_call_with_the_token_in_the_query() {
    let (env, _dot) = start(
        json!({"token_transport": "query"}),
        Duration::from_secs(3600),
    )
    .await;
    to_consent(&env).await;
    env.click("#authorize").await;
    env.screen("signed-in").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    assert_eq!(env.text("[data-field=scope]").await, "read write");
    assert_eq!(env.text("[data-field=token_in]").await, "query");
    env.close().await;
}

#[tokio::test]
async fn deny_shows_the_servers_error_and_stores_nothing() {
    let (env, _dot) = start(json!({}), Duration::from_secs(3600)).await;
    to_consent(&env).await;
    env.click("#cancel").await;
    env.screen("error").await;
    assert_eq!(env.text("#error-code").await, "access_denied");
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

#[tokio::test]
async fn a_narrower_grant_than_requested_is_shown_as_such() {
    let (env, _dot) = start(json!({}), Duration::from_secs(3600)).await;
    to_consent(&env).await;
    env.click("#grant-scope option[value=read]").await;
    env.click("#authorize").await;
    env.screen("signed-in").await;
    assert_eq!(env.text("[data-field=scope]").await, "read");
    assert_eq!(env.granted_scopes().await, "read");
    assert!(env.text("#narrowed").await.contains("write"));
    env.close().await;
}

#[tokio::test]
async fn the_servers_token_lifetime_ends_the_session() {
    let (env, _dot) = start(json!({}), Duration::from_secs(8)).await;
    to_consent(&env).await;
    env.click("#authorize").await;
    env.screen("signed-in").await;
    let seen = env
        .poll(
            "const n = document.getElementById('user-name'), e = document.getElementById('expires');
             return n && e ? [n.textContent, e.textContent] : null",
            e2e::PATIENCE,
        )
        .await;
    let (name, expires): (String, String) = serde_json::from_value(seen).unwrap();
    assert_eq!(name, "Ada Lovelace");
    assert!(
        expires.contains(" second") && !expires.contains("minute"),
        "an 8-second token counts down in seconds: {expires}"
    );
    env.screen("expired").await;
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

#[tokio::test]
async fn sign_out_revokes_the_token_at_the_server_as_a_public_client() {
    let (env, _dot) = start(
        json!({ "token_storage": "session", "revocation_url": "{server}/o/revoke_token/" }),
        Duration::from_secs(3600),
    )
    .await;
    to_consent(&env).await;
    env.click("#authorize").await;
    env.screen("signed-in").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    // The token, from the session this tab keeps (opted in above), to try it again after.
    let token = env
        .js(
            "const kept = Object.entries(sessionStorage).find(([k]) => k.endsWith(':session'));
             return new URLSearchParams(kept[1]).get('access_token');",
        )
        .await
        .as_str()
        .unwrap()
        .to_owned();
    // The protected API, called from the page with that token.
    assert_eq!(me_status(&env, &token).await, 200);
    env.click("#sign-out").await;
    env.screen("signed-out").await;
    env.wait_for_text("the provider revoked the access token")
        .await;
    assert_eq!(
        me_status(&env, &token).await,
        401,
        "the revoked token is refused"
    );
    env.close().await;
}

/// The authorization code grant with PKCE, as a public client (no secret): sign-in, a protected
/// call with the redeemed token, the refresh token kept out of storage, and revocation of both.
#[tokio::test]
async fn code_with_pkce_signs_in_calls_the_api_and_revokes_as_a_public_client() {
    let (env, dot) = start(
        json!({
            "grant": "code",
            "client_id": CODE_CLIENT_ID,
            "token_url": "{server}/o/token/",
            "revocation_url": "{server}/o/revoke_token/",
            "token_storage": "session",
        }),
        Duration::from_secs(3600),
    )
    .await;
    to_consent(&env).await;
    env.click("#authorize").await;
    env.screen("signed-in").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    assert_eq!(env.text("[data-field=scope]").await, "read write");
    assert_eq!(env.text("[data-field=token_in]").await, "header");
    let url = env.browser.current_url().await.unwrap();
    assert_eq!((url.path(), url.query(), url.fragment()), ("/", None, None));
    let kept = env
        .js("return Object.entries(sessionStorage).find(([k]) => k.endsWith(':session'))[1]")
        .await;
    let kept = kept.as_str().unwrap().to_owned();
    // DOT issued a refresh token with the access token; the browser kept it out of storage.
    let refresh = dot.refresh_tokens();
    assert_eq!(refresh.len(), 1, "{refresh:?}");
    assert!(!refresh[0].1, "live");
    assert!(!env.all_storage().await.contains(&refresh[0].0));
    let token = url::form_urlencoded::parse(kept.as_bytes())
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(me_status(&env, &token).await, 200);
    env.click("#sign-out").await;
    env.screen("signed-out").await;
    env.wait_for_text("the provider revoked the access token")
        .await;
    assert_eq!(me_status(&env, &token).await, 401);
    assert_eq!(
        dot.refresh_tokens(),
        [(refresh[0].0.clone(), true)],
        "the refresh token is revoked too"
    );
    env.close().await;
}
