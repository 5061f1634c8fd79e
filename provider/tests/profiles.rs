//! The local provider's impersonations of each preset's service.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::{api, send, ticket_of};
use local_provider::profiles::{Profile, ALL};
use local_provider::settings::Settings;
use local_provider::{router, Provider};
use std::sync::Arc;

fn provider(profile: Profile) -> (Arc<Provider>, Router) {
    let p = Provider::new(Settings {
        profile,
        callback_placement: profile.placement(),
        ..Settings::demo()
    });
    (p.clone(), router(p))
}

/// Asks for `scope` on the profile's authorize page and answers with the form `extra`.
async fn authorize(app: &Router, profile: Profile, scope: &str, extra: &str) -> url::Url {
    let path = profile.authorize_path().unwrap();
    let uri = format!(
        "{path}?client_id=local-demo&response_type=token&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback&state=S1&scope={scope}"
    );
    let (status, _, page) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let form = format!("ticket={}&decision=allow{extra}", ticket_of(&page));
    let post = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (status, headers, _) = send(app, post).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    url::Url::parse(headers[header::LOCATION].to_str().unwrap()).unwrap()
}

fn pairs(part: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(part.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

#[tokio::test]
async fn appnet_puts_state_in_the_query_the_token_in_the_fragment_and_scopes_in_a_header() {
    let (_, app) = provider(Profile::AppNet);
    let location = authorize(&app, Profile::AppNet, "basic+stream", "&scope=basic").await;
    assert_eq!(pairs(location.query()), [("state".into(), "S1".into())]);
    let fragment = pairs(location.fragment());
    let token = &fragment
        .iter()
        .find(|(k, _)| k == "access_token")
        .unwrap()
        .1;
    assert!(fragment
        .iter()
        .all(|(k, _)| k != "expires_in" && k != "state" && k != "scope"));
    let (status, headers, body) = send(
        &app,
        api("/stream/0/users/me")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers["x-oauth-scopes"], "basic");
    assert!(headers[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap()
        .contains("X-OAuth-Scopes"));
}

#[tokio::test]
async fn a_consent_form_cannot_grant_a_scope_that_was_not_requested() {
    let (_, app) = provider(Profile::Generic);
    let location = authorize(&app, Profile::Generic, "read", "&scope=read&scope=admin").await;
    let fragment = pairs(location.fragment());
    assert!(
        fragment.contains(&("scope".into(), "read".into())),
        "{fragment:?}"
    );
    assert!(fragment.iter().any(|(k, _)| k == "expires_in"));
}

#[tokio::test]
async fn each_profile_serves_its_own_authorize_path_only() {
    for profile in ALL {
        let (_, app) = provider(profile);
        for path in [
            "/oauth2/authorize",
            "/oauth/authorize",
            "/oauth/authenticate",
        ] {
            let (status, _, _) = send(&app, Request::get(path).body(Body::empty()).unwrap()).await;
            let ours = profile.authorize_path() == Some(path);
            assert_eq!(status != StatusCode::NOT_FOUND, ours, "{profile:?} {path}");
        }
    }
}

#[tokio::test]
async fn forecast_whoami_needs_a_granted_forecast_account_header() {
    let (p, app) = provider(Profile::Forecast);
    let token = p
        .store
        .issue(vec![5_000_000_001], std::time::Duration::from_secs(60));
    let call = |account: Option<&str>| {
        let mut r = api("/whoami").header(header::AUTHORIZATION, format!("Bearer {token}"));
        if let Some(a) = account {
            r = r.header("Forecast-Account-ID", a);
        }
        r.body(Body::empty()).unwrap()
    };
    assert_eq!(send(&app, call(None)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        send(&app, call(Some("123456"))).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _, body) = send(&app, call(Some("5000000001"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("\"account_ids\":[5000000001]"), "{body}");
}

#[tokio::test]
async fn appharbor_accepts_its_upper_case_bearer_scheme_and_the_query_parameter() {
    let (p, app) = provider(Profile::AppHarbor);
    let token = p.store.issue(vec![], std::time::Duration::from_secs(60));
    for request in [
        api("/user").header(header::AUTHORIZATION, format!("BEARER {token}")),
        api(&format!("/user?access_token={token}")),
    ] {
        let (status, _, body) = send(&app, request.body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("\"username\":\"ada\""));
    }
    p.store.revoke_all();
    let (status, _, _) = send(
        &app,
        api("/user")
            .header(header::AUTHORIZATION, format!("BEARER {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
