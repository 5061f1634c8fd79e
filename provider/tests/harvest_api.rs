//! The Harvest API slice: generated data, both pagination styles, the rate limit and faults.

mod common;

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::Router;
use common::*;
use local_provider::harvest_data::total_hours;
use local_provider::settings::{Pagination, RateLimit, Settings};
use local_provider::{router, Provider};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

fn with(settings: Settings) -> (Arc<Provider>, Router) {
    let p = Provider::new(settings);
    (p.clone(), router(p))
}

async fn get_json(app: &Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, Value) {
    let (status, headers, body) = send(app, api(uri).body(Body::empty()).unwrap()).await;
    (
        status,
        headers,
        serde_json::from_str(&body).unwrap_or(Value::Null),
    )
}

/// Follows `links.next` (path and query only) to the end; returns entry count and hours.
async fn walk(app: &Router, token: &str, first: &str) -> (usize, f64, usize) {
    let (mut count, mut hours, mut pages) = (0, 0.0, 0);
    let mut uri = format!("{first}&access_token={token}&account_id=123456");
    loop {
        let (status, _, page) = get_json(app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        for e in page["time_entries"].as_array().unwrap() {
            count += 1;
            hours += e["hours"].as_f64().unwrap();
        }
        let Some(next) = page["links"]["next"].as_str() else {
            break;
        };
        assert!(
            !next.contains("access_token"),
            "links must not carry credentials: {next}"
        );
        let next = url::Url::parse(next).unwrap();
        uri = format!(
            "{}?{}&access_token={token}&account_id=123456",
            next.path(),
            next.query().unwrap()
        );
    }
    (count, hours, pages)
}

#[tokio::test]
async fn time_entries_page_by_number_through_a_whole_range() {
    let (p, app) = with(Settings::demo());
    let t = token(&app).await;
    let (count, hours, pages) = walk(
        &app,
        &t,
        "/v2/time_entries?user_id=1782959&from=2026-01-01&to=2026-03-31",
    )
    .await;
    assert_eq!(count, 640);
    assert_eq!(pages, 7);
    let expected = total_hours(&p.data[&123_456], "2026-01-01", "2026-03-31");
    assert!((hours - expected).abs() < 1e-9);
}

#[tokio::test]
async fn cursor_pages_have_null_page_numbers_and_reach_every_entry() {
    let (_, app) = with(Settings {
        pagination: Pagination::Cursor,
        ..Settings::demo()
    });
    let t = token(&app).await;
    let (_, _, first) = get_json(
        &app,
        &format!(
            "/v2/time_entries?from=2026-01-01&to=2026-01-31&access_token={t}&account_id=123456"
        ),
    )
    .await;
    assert!(first["page"].is_null() && first["total_pages"].is_null());
    assert!(first["links"]["next"].as_str().unwrap().contains("cursor="));
    let (count, _, _) = walk(&app, &t, "/v2/time_entries?from=2026-01-01&to=2026-01-31").await;
    assert_eq!(count, 220);
}

#[tokio::test]
async fn company_and_assignments_answer_for_the_chosen_account() {
    let (_, app) = with(Settings::demo());
    let t = token(&app).await;
    let (status, _, company) = get_json(
        &app,
        &format!("/v2/company?access_token={t}&account_id=123456"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(company["name"], "Analytical Engines Ltd");
    let (_, _, list) = get_json(
        &app,
        &format!("/v2/users/me/project_assignments?access_token={t}&account_id=123456"),
    )
    .await;
    assert_eq!(list["project_assignments"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn exceeding_the_rate_limit_answers_429_with_retry_after_exposed_to_cors() {
    let limit = RateLimit {
        requests: 3,
        window: Duration::from_secs(2),
    };
    let (_, app) = with(Settings {
        rate_limit: limit,
        ..Settings::demo()
    });
    let t = token(&app).await;
    let uri = format!("/v2/company?access_token={t}&account_id=123456");
    for _ in 0..3 {
        assert_eq!(get_json(&app, &uri).await.0, StatusCode::OK);
    }
    let (status, headers, _) = get_json(&app, &uri).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers[header::RETRY_AFTER], "2");
    let exposed = headers[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap();
    assert!(exposed.split(", ").any(|h| h == "Retry-After"), "{exposed}");
}

#[tokio::test]
async fn retry_after_can_be_hidden_from_cors_like_some_real_apis() {
    let (p, app) = with(Settings {
        expose_retry_after: false,
        ..Settings::demo()
    });
    let t = token(&app).await;
    p.set_faults(|f| f.too_many = 1);
    let (status, headers, _) = get_json(
        &app,
        &format!("/v2/company?access_token={t}&account_id=123456"),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Other headers may be exposed (App.net's X-OAuth-Scopes), but not Retry-After.
    let exposed = headers[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap();
    assert!(
        !exposed.to_ascii_lowercase().contains("retry-after"),
        "{exposed}"
    );
}

#[tokio::test]
async fn fault_switches_answer_once_each_then_recover() {
    let (p, app) = with(Settings::demo());
    let t = token(&app).await;
    let uri = format!("/v2/company?access_token={t}&account_id=123456");
    p.set_faults(|f| {
        f.server_errors = 1;
        f.html_errors = 1;
        f.malformed = 1;
    });
    assert_eq!(
        get_json(&app, &uri).await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let (status, _, body) = send(&app, api(&uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert!(body.starts_with("<html>"));
    let (status, _, body) = send(&app, api(&uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(serde_json::from_str::<Value>(&body).is_err());
    assert_eq!(get_json(&app, &uri).await.0, StatusCode::OK);
    p.set_faults(|f| f.forbidden = true);
    assert_eq!(get_json(&app, &uri).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn foreign_next_fault_points_links_elsewhere() {
    let (p, app) = with(Settings::demo());
    let t = token(&app).await;
    p.set_faults(|f| f.foreign_next = Some("http://127.0.0.2:9".into()));
    let (_, _, page) = get_json(
        &app,
        &format!(
            "/v2/time_entries?from=2026-01-01&to=2026-12-31&access_token={t}&account_id=123456"
        ),
    )
    .await;
    assert!(page["links"]["next"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.2:9/v2/time_entries?"));
}

#[tokio::test]
async fn every_api_request_is_recorded_with_how_it_authenticated() {
    let (p, app) = with(Settings::demo());
    let t = token(&app).await;
    get_json(
        &app,
        &format!("/v2/users/me?access_token={t}&account_id=123456"),
    )
    .await;
    let seen = p.recorded();
    let last = seen.last().unwrap();
    assert_eq!(last.path, "/v2/users/me");
    assert!(last.query.contains("access_token=") && !last.authorization);
    assert_eq!(last.status, 200);
}
