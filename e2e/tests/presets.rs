//! Every preset end to end: the app configured with the preset (only URLs pointed at loopback),
//! the local provider impersonating that service's quirks, one sign-in (or token paste) and one
//! API call with the preset's own transport.

use e2e::{Env, Options};
use local_provider::faults::Recorded;
use local_provider::profiles::Profile;
use std::time::Duration;

async fn env_for(profile: Profile) -> Env {
    Env::with(Options {
        profile,
        ..Options::default()
    })
    .await
}

/// The successful API calls to `path`.
fn calls(env: &Env, path: &str) -> Vec<Recorded> {
    env.provider
        .recorded()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == path && r.status == 200)
        .collect()
}

/// Signs in through the consent page from the signed-out screen, after the callback path.
async fn sign_in_with(env: &Env, title: &str) {
    env.open("/").await;
    env.screen("signed-out").await;
    assert_eq!(env.text("h1").await, format!("Sign in with {title}"));
    env.click("#sign-in").await;
    env.click("#allow").await;
    env.screen("signed-in").await;
}

#[tokio::test]
async fn forecast_signs_in_with_harvest_id_and_calls_whoami_with_its_account_header() {
    let env = env_for(Profile::Forecast).await;
    sign_in_with(&env, "Forecast").await;
    assert_eq!(env.text("#user-name").await, "ada@example.com");
    assert_eq!(
        env.text("[data-field=account_ids]").await,
        "5000000001",
        "the Forecast account id survives as a 64-bit number"
    );
    let whoami = calls(&env, "/whoami");
    assert_eq!(whoami.len(), 1);
    assert_eq!(whoami[0].auth_scheme.as_deref(), Some("Bearer"));
    assert_eq!(
        whoami[0].account_header.as_deref(),
        Some("forecast-account-id=5000000001")
    );
    assert!(!whoami[0].query.contains("access_token"));
    env.close().await;
}

#[tokio::test]
async fn aha_signs_in_with_a_fragment_callback_and_calls_me_with_a_bearer_header() {
    let env = env_for(Profile::Aha).await;
    sign_in_with(&env, "Aha!").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    assert!(env.text("#expires").await.contains("expires in 13 days"));
    let me = calls(&env, "/api/v1/me");
    assert_eq!(me.len(), 1);
    assert_eq!(me[0].auth_scheme.as_deref(), Some("Bearer"));
    assert_eq!(me[0].query, "");
    let redirect = url::Url::parse(&env.provider.store.last_redirect().unwrap()).unwrap();
    assert_eq!(redirect.path(), "/callback.html");
    assert!(redirect.query().is_none() && redirect.fragment().unwrap().contains("state="));
    // After the callback the app is back on the route the sign-in started from, URL clean.
    let url = env.browser.current_url().await.unwrap();
    assert_eq!(url.path(), "/");
    assert_eq!((url.query(), url.fragment()), (None, None), "{url}");
    env.close().await;
}

#[tokio::test]
async fn appnet_splits_the_callback_and_reports_narrowed_scopes_in_a_header() {
    let env = env_for(Profile::AppNet).await;
    env.open("/").await;
    env.click("#sign-in").await;
    // The person withholds one of the two requested permissions.
    env.click("input[name=scope][value=stream]").await;
    env.click("#allow").await;
    env.screen("signed-in").await;
    let redirect = env.provider.store.last_redirect().unwrap();
    let redirect = url::Url::parse(&redirect).unwrap();
    assert!(
        redirect.query().unwrap().starts_with("state="),
        "{redirect}"
    );
    assert!(redirect.fragment().unwrap().contains("access_token="));
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    assert_eq!(env.granted_scopes().await, "basic");
    assert!(env.text("#narrowed").await.contains("stream"));
    assert!(env.text("#expires").await.contains("does not expire"));
    let me = calls(&env, "/stream/0/users/me");
    assert_eq!(me[0].auth_scheme.as_deref(), Some("Bearer"));
    env.close().await;
}

#[tokio::test]
async fn appharbor_has_no_sign_in_button_says_why_and_takes_a_pasted_token() {
    let env = env_for(Profile::AppHarbor).await;
    env.open("/").await;
    env.screen("signed-out").await;
    assert_eq!(env.count("#sign-in").await, 0);
    let why = env.text("#no-sign-in").await;
    assert!(why.contains("client secret"), "{why}");
    let token = env.provider.store.issue_with_scopes(
        vec![],
        vec![],
        Duration::from_secs(100 * 365 * 86_400),
    );
    env.wait_for("#pat-token")
        .await
        .send_keys(&token)
        .await
        .unwrap();
    env.click("#pat-use").await;
    env.screen("signed-in").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    assert!(env.text("#expires").await.contains("does not expire"));
    let user = calls(&env, "/user");
    assert_eq!(user[0].auth_scheme.as_deref(), Some("BEARER"));
    // A 401 means "sign in again": the token is forgotten and the paste field offered again.
    env.provider.store.revoke_all();
    env.click("#refresh").await;
    env.screen("signed-out").await;
    assert!(env.text("#notice").await.contains("sign in again"));
    env.wait_for("#pat-token").await;
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

#[tokio::test]
async fn generic_provider_signs_in_and_shows_the_granted_scope() {
    let env = env_for(Profile::Generic).await;
    sign_in_with(&env, "your provider").await;
    assert_eq!(env.text("#user-name").await, "Ada Lovelace");
    assert_eq!(env.text("[data-field=scope]").await, "read write");
    assert!(env
        .browser
        .find_all(fantoccini::Locator::Css("#narrowed"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        calls(&env, "/api/me")[0].auth_scheme.as_deref(),
        Some("Bearer")
    );
    env.close().await;
}

#[tokio::test]
async fn a_callback_on_another_providers_path_cannot_complete_this_providers_sign_in() {
    // The app's request is for the generic provider (callback page /callback.html); the
    // response, with the right state, is delivered to another provider's callback path (the
    // app's folder, where Harvest's demo comes back) instead.
    let env = env_for(Profile::Generic).await;
    env.open("/").await;
    env.click("#sign-in").await;
    let state = env.consent_state().await;
    let token = env.provider.store.issue(vec![], Duration::from_secs(3600));
    env.open(&format!(
        "/#access_token={token}&token_type=bearer&state={state}"
    ))
    .await;
    env.screen("error").await;
    assert_eq!(env.text("#error-code").await, "wrong_callback_path");
    assert_eq!(
        env.all_storage().await,
        "[[],[]]",
        "the pending request is used up and nothing is stored"
    );
    assert!(!env
        .browser
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains(&token));
    assert!(calls(&env, "/api/me").is_empty(), "no API call was made");
    env.close().await;
}

#[tokio::test]
async fn sign_out_revokes_the_token_at_the_providers_revocation_endpoint() {
    let env = env_for(Profile::Generic).await;
    sign_in_with(&env, "your provider").await;
    let token = env.last_token();
    assert!(env.provider.store.live_grant(&token).is_some());
    env.click("#sign-out").await;
    env.screen("signed-out").await;
    env.wait_for_text("the provider revoked the access token")
        .await;
    let revocations = env.provider.requests_to("/oauth2/revoke");
    assert_eq!(revocations.len(), 1);
    assert_eq!(
        (revocations[0].method.as_str(), revocations[0].status),
        ("POST", 200)
    );
    // The token itself is dead at the provider: the next call with it is refused.
    assert!(env.provider.store.live_grant(&token).is_none());
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}

#[tokio::test]
async fn a_revocation_that_fails_still_signs_out_here_and_says_so() {
    let env = env_for(Profile::Generic).await;
    sign_in_with(&env, "your provider").await;
    let token = env.last_token();
    env.provider.set_faults(|f| f.server_errors = 1);
    env.click("#sign-out").await;
    env.screen("signed-out").await;
    env.wait_for_text("could not be told to revoke").await;
    assert!(
        env.provider.store.live_grant(&token).is_some(),
        "the provider did not revoke it"
    );
    assert_eq!(env.all_storage().await, "[[],[]]");
    env.close().await;
}
