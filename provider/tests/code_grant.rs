//! The generic profile's authorization code grant with PKCE, token endpoint and rotation.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::{get, send, ticket_of, ORIGIN};
use local_provider::profiles::Profile;
use local_provider::settings::Settings;
use local_provider::tokens::s256;
use local_provider::{router, Provider};
use serde_json::Value;
use std::sync::Arc;

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const REDIRECT: &str = "http://127.0.0.1:8080/callback.html";

fn provider(refresh_tokens: bool) -> (Arc<Provider>, Router) {
    let p = Provider::new(Settings {
        profile: Profile::Generic,
        callback_placement: Profile::Generic.placement(),
        refresh_tokens,
        ..Settings::demo()
    });
    (p.clone(), router(p))
}

fn authorize_uri(extra: &str) -> String {
    let redirect: String = url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect();
    format!("/oauth2/authorize?client_id=local-demo&response_type=code&redirect_uri={redirect}&state=S1&scope=read+write{extra}")
}

fn pkce() -> String {
    format!(
        "&code_challenge={}&code_challenge_method=S256",
        s256(VERIFIER)
    )
}

fn query_of(location: &str) -> Vec<(String, String)> {
    let url = url::Url::parse(location).unwrap();
    assert_eq!(url.fragment(), None, "a code comes back in the query");
    url.query_pairs().into_owned().collect()
}

/// Consents to a PKCE request; returns the code.
async fn code(app: &Router) -> String {
    let (status, _, page) = send(app, get(&authorize_uri(&pkce()))).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let form = format!(
        "ticket={}&scope=read&scope=write&decision=allow",
        ticket_of(&page)
    );
    let post = Request::post("/oauth2/authorize")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (status, headers, _) = send(app, post).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let pairs = query_of(headers[header::LOCATION].to_str().unwrap());
    assert!(pairs.iter().all(|(k, _)| k != "access_token"));
    assert!(pairs.contains(&("state".into(), "S1".into())));
    pairs
        .into_iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v)
        .expect("a code")
}

async fn token(app: &Router, form: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, Value) {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let post = Request::post("/oauth2/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(body))
        .unwrap();
    let (status, headers, body) = send(app, post).await;
    (status, headers, serde_json::from_str(&body).unwrap())
}

async fn redeem(app: &Router, code: &str, verifier: &str) -> (StatusCode, Value) {
    let (status, headers, body) = token(
        app,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("client_id", "local-demo"),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(
        headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        ORIGIN,
        "the browser may read the answer"
    );
    assert!(headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("no-store"));
    (status, body)
}

#[tokio::test]
async fn a_code_is_redeemed_once_with_its_verifier() {
    let (p, app) = provider(false);
    let code = code(&app).await;
    let (status, body) = redeem(&app, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read write");
    assert!(body.get("refresh_token").is_none());
    let access = body["access_token"].as_str().unwrap().to_owned();
    assert!(p.store.live_grant(&access).is_some());
    // A replayed code is refused, and what it gave is revoked (RFC 6749 §4.1.2).
    let (status, body) = redeem(&app, &code, VERIFIER).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert!(p.store.live_grant(&access).is_none());
}

#[tokio::test]
async fn a_code_needs_the_verifier_of_its_challenge() {
    let (_, app) = provider(false);
    let code = code(&app).await;
    let other = "x".repeat(43);
    let (status, body) = redeem(&app, &code, &other).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn a_code_request_without_pkce_is_refused_at_the_client() {
    let (_, app) = provider(false);
    for extra in ["", "&code_challenge=abc&code_challenge_method=plain"] {
        let (status, headers, _) = send(&app, get(&authorize_uri(extra))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let pairs = query_of(headers[header::LOCATION].to_str().unwrap());
        assert!(
            pairs.contains(&("error".into(), "invalid_request".into())),
            "{extra}"
        );
    }
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_used_or_revoked_one_is_refused() {
    let (p, app) = provider(true);
    let code = code(&app).await;
    let (_, body) = redeem(&app, &code, VERIFIER).await;
    let first = body["refresh_token"].as_str().unwrap().to_owned();
    let refresh = |t: String| {
        let app = app.clone();
        async move {
            token(
                &app,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &t),
                    ("client_id", "local-demo"),
                ],
            )
            .await
        }
    };
    let (status, _, body) = refresh(first.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = body["refresh_token"].as_str().unwrap().to_owned();
    let latest_access = body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(body["scope"], "read write");
    assert!(p.store.refresh_token_is_live(&second));
    // The old one died with the trade; presented again, it is a replay, and the whole grant
    // is revoked (RFC 9700 §4.14.2).
    let (status, _, body) = refresh(first).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert!(!p.store.refresh_token_is_live(&second));
    assert!(p.store.live_grant(&latest_access).is_none());
    let (_, _, body) = refresh(second).await;
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn revoking_a_refresh_token_revokes_the_access_tokens_of_its_grant() {
    let (p, app) = provider(true);
    let code = code(&app).await;
    let (_, body) = redeem(&app, &code, VERIFIER).await;
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert!(p.store.revoke(&refresh));
    assert!(p.store.live_grant(&access).is_none());
    assert!(!p.store.refresh_token_is_live(&refresh));
}

#[tokio::test]
async fn the_token_endpoint_knows_its_client_and_wants_no_secret() {
    let (_, app) = provider(true);
    let (status, _, body) = token(
        &app,
        &[("grant_type", "refresh_token"), ("client_id", "someone")],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let (_, _, body) = token(
        &app,
        &[("grant_type", "password"), ("client_id", "local-demo")],
    )
    .await;
    assert_eq!(body["error"], "unsupported_grant_type");
    let (_, _, body) = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "local-demo"),
            ("client_secret", "s"),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn prompt_none_answers_an_approved_client_at_once_and_others_with_login_required() {
    let (p, app) = provider(false);
    let silent = authorize_uri(&format!("{}&prompt=none", pkce()));
    let (status, headers, _) = send(&app, get(&silent)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let pairs = query_of(headers[header::LOCATION].to_str().unwrap());
    assert!(pairs.contains(&("error".into(), "login_required".into())));
    // Once approved, no page: a code at once.
    code(&app).await;
    let (status, headers, _) = send(&app, get(&silent)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let pairs = query_of(headers[header::LOCATION].to_str().unwrap());
    assert!(pairs.iter().any(|(k, _)| k == "code"), "{pairs:?}");
    p.store.forget_consents();
    let (_, headers, _) = send(&app, get(&silent)).await;
    assert!(headers[header::LOCATION]
        .to_str()
        .unwrap()
        .contains("error=login_required"));
}

#[tokio::test]
async fn with_forbid_framing_prompt_none_gets_the_unframeable_page() {
    let p = Provider::new(Settings {
        profile: Profile::Generic,
        callback_placement: Profile::Generic.placement(),
        forbid_framing: true,
        ..Settings::demo()
    });
    let app = router(p.clone());
    code(&app).await;
    let silent = authorize_uri(&format!("{}&prompt=none", pkce()));
    let (status, headers, _) = send(&app, get(&silent)).await;
    assert_eq!(status, StatusCode::OK);
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
}

#[tokio::test]
async fn prompt_none_cannot_widen_what_the_person_approved() {
    let (_, app) = provider(false);
    code(&app).await; // approves read and write
    let wider = authorize_uri(&format!("{}&prompt=none", pkce()))
        .replace("scope=read+write", "scope=read+write+admin");
    let (_, headers, _) = send(&app, get(&wider)).await;
    let location = headers[header::LOCATION].to_str().unwrap();
    assert!(location.contains("error=consent_required"), "{location}");
}
