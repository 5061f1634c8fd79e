//! Helpers shared by the provider's integration tests.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use local_provider::settings::{CallbackPlacement, Settings};
use local_provider::{router, Provider};
use std::sync::Arc;
use tower::ServiceExt;

pub const ORIGIN: &str = "http://127.0.0.1:8080";

pub fn provider(placement: CallbackPlacement) -> (Arc<Provider>, Router) {
    let p = Provider::new(Settings {
        callback_placement: placement,
        ..Settings::demo()
    });
    (p.clone(), router(p))
}

pub async fn send(
    app: &Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

pub const GOOD: &str = "/oauth2/authorize?client_id=local-demo&response_type=token&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F&state=S%2B1";

/// The consent ticket in a consent page's form.
pub fn ticket_of(page: &str) -> String {
    let after = page
        .split("name=\"ticket\" value=\"")
        .nth(1)
        .expect("a consent form");
    after.split('"').next().unwrap().to_owned()
}

/// Opens the consent page and answers it; returns the redirect's Location.
pub async fn consent(app: &Router, decision: &str) -> String {
    let (status, _, page) = send(app, get(GOOD)).await;
    assert_eq!(status, StatusCode::OK);
    let ticket = ticket_of(&page);
    let form = format!("ticket={ticket}&account=123456&account=5000000001&decision={decision}");
    let post = Request::post("/oauth2/authorize")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (status, headers, _) = send(app, post).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    headers[header::LOCATION].to_str().unwrap().to_owned()
}

pub fn param(location: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(location).unwrap();
    let part = url.fragment().or(url.query()).unwrap_or("").to_owned();
    url::form_urlencoded::parse(part.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub async fn token(app: &Router) -> String {
    param(&consent(app, "allow").await, "access_token").unwrap()
}

pub fn api(uri: &str) -> axum::http::request::Builder {
    Request::get(uri).header(header::ORIGIN, ORIGIN)
}
