//! The local provider over real HTTP semantics (in-process, through the router).

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use local_provider::settings::{CallbackPlacement, Settings};
use local_provider::{router, Provider};
use std::time::Duration;

#[tokio::test]
async fn unknown_client_gets_an_error_page_and_no_redirect() {
    let (_, app) = provider(CallbackPlacement::Query);
    let (status, headers, body) = send(&app, get(&GOOD.replace("local-demo", "evil"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(headers.get(header::LOCATION).is_none());
    assert!(body.contains("not registered"));
}

#[tokio::test]
async fn unregistered_redirect_uri_gets_an_error_page_and_no_redirect() {
    let (_, app) = provider(CallbackPlacement::Query);
    for evil in [
        "http%3A%2F%2F127.0.0.1%3A8080.evil.example%2F",
        "https%3A%2F%2Fevil.example%2F",
    ] {
        let uri = GOOD.replace("http%3A%2F%2F127.0.0.1%3A8080%2F", evil);
        let (status, headers, _) = send(&app, get(&uri)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{evil}");
        assert!(headers.get(header::LOCATION).is_none());
    }
}

#[tokio::test]
async fn consent_page_cannot_be_framed_and_escapes_its_text() {
    let (_, app) = provider(CallbackPlacement::Query);
    let (_, headers, body) = send(&app, get(GOOD)).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(body.contains("id=\"allow\"") && body.contains("id=\"deny\""));
}

#[tokio::test]
async fn allow_redirects_with_token_type_expiry_scope_and_the_echoed_state_in_the_query() {
    let (p, app) = provider(CallbackPlacement::Query);
    let location = consent(&app, "allow").await;
    assert!(
        location.starts_with("http://127.0.0.1:8080/?access_token="),
        "{location}"
    );
    assert_eq!(param(&location, "state").as_deref(), Some("S+1"));
    assert_eq!(param(&location, "token_type").as_deref(), Some("bearer"));
    assert_eq!(param(&location, "expires_in").as_deref(), Some("1209599"));
    assert_eq!(
        param(&location, "scope").as_deref(),
        Some("harvest:123456 forecast:5000000001")
    );
    assert!(p
        .store
        .live_grant(&param(&location, "access_token").unwrap())
        .is_some());
}

#[tokio::test]
async fn fragment_placement_puts_the_response_in_the_fragment() {
    let (_, app) = provider(CallbackPlacement::Fragment);
    let location = consent(&app, "allow").await;
    assert!(
        location.starts_with("http://127.0.0.1:8080/#access_token="),
        "{location}"
    );
}

#[tokio::test]
async fn deny_redirects_with_access_denied() {
    let (_, app) = provider(CallbackPlacement::Query);
    let location = consent(&app, "deny").await;
    assert_eq!(param(&location, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&location, "access_token"), None);
    assert_eq!(param(&location, "state").as_deref(), Some("S+1"));
}

#[tokio::test]
async fn wrong_response_type_is_reported_to_the_client() {
    let (_, app) = provider(CallbackPlacement::Query);
    let (status, headers, _) = send(
        &app,
        get(&GOOD.replace("response_type=token", "response_type=code")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap();
    assert_eq!(
        param(location, "error").as_deref(),
        Some("unsupported_response_type")
    );
}

#[tokio::test]
async fn users_me_answers_with_query_credentials_and_cors_for_the_registered_origin() {
    let (_, app) = provider(CallbackPlacement::Query);
    let t = token(&app).await;
    let (status, headers, body) = send(
        &app,
        api(&format!("/v2/users/me?access_token={t}&account_id=123456"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], ORIGIN);
    assert!(body.contains("\"first_name\":\"Ada\""));
    let other = Request::get(format!("/v2/users/me?access_token={t}&account_id=123456"))
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = send(&app, other).await;
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

#[tokio::test]
async fn users_me_answers_with_header_credentials_after_a_preflight() {
    let (_, app) = provider(CallbackPlacement::Query);
    let t = token(&app).await;
    let preflight = Request::options("/v2/users/me")
        .header(header::ORIGIN, ORIGIN)
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization,harvest-account-id",
        )
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send(&app, preflight).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(headers[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .contains("authorization"));
    let request = api("/v2/users/me")
        .header(header::AUTHORIZATION, format!("Bearer {t}"))
        .header("Harvest-Account-Id", "123456")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, request).await.0, StatusCode::OK);
}

#[tokio::test]
async fn token_in_both_query_and_header_is_an_invalid_request() {
    let (_, app) = provider(CallbackPlacement::Query);
    let t = token(&app).await;
    let request = api(&format!("/v2/users/me?access_token={t}&account_id=123456"))
        .header(header::AUTHORIZATION, format!("Bearer {t}"))
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("invalid_request"));
}

#[tokio::test]
async fn missing_account_id_answers_401_invalid_token_like_harvest() {
    let (_, app) = provider(CallbackPlacement::Query);
    let t = token(&app).await;
    let (status, headers, body) = send(
        &app,
        api(&format!("/v2/users/me?access_token={t}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("invalid_token"));
    assert!(headers[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
}

#[tokio::test]
async fn revoked_unknown_and_expired_tokens_answer_401() {
    let p = Provider::new(Settings {
        token_lifetime: Duration::from_millis(300),
        ..Settings::demo()
    });
    let app = router(p.clone());
    let t = token(&app).await;
    let me = |t: &str| {
        api(&format!("/v2/users/me?access_token={t}&account_id=123456"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(send(&app, me(&t)).await.0, StatusCode::OK);
    assert_eq!(send(&app, me("unknown")).await.0, StatusCode::UNAUTHORIZED);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(send(&app, me(&t)).await.0, StatusCode::UNAUTHORIZED);
    let t2 = token(&app).await;
    p.store.revoke_all();
    assert_eq!(send(&app, me(&t2)).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn accounts_lists_the_granted_accounts_with_the_user() {
    let (_, app) = provider(CallbackPlacement::Query);
    let t = token(&app).await;
    let (status, _, body) = send(
        &app,
        api(&format!("/api/v2/accounts?access_token={t}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["accounts"][1]["id"], 5_000_000_001u64);
    assert_eq!(json["accounts"][1]["product"], "forecast");
    assert_eq!(json["user"]["first_name"], "Ada");
}

#[tokio::test]
async fn a_consent_ticket_answers_once() {
    let (_, app) = provider(CallbackPlacement::Query);
    let (_, _, page) = send(&app, get(GOOD)).await;
    let ticket = ticket_of(&page);
    let post = || {
        Request::post("/oauth2/authorize")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "ticket={ticket}&account=123456&decision=allow"
            )))
            .unwrap()
    };
    assert_eq!(send(&app, post()).await.0, StatusCode::SEE_OTHER);
    assert_eq!(send(&app, post()).await.0, StatusCode::BAD_REQUEST);
}
