//! What tests (and demos) switch on to see the app cope: slow answers, server errors,
//! malformed JSON, HTML error pages, forced 429s, a `links.next` to a foreign origin; plus the
//! real per-token rate limit and a log of every API request received.

use crate::Provider;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Switches read by every API request. Counters count down one per request.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Added before every API answer.
    pub delay: Duration,
    /// The next N requests answer 500 with a JSON message.
    pub server_errors: u32,
    /// The next N requests answer 200 with a truncated JSON body.
    pub malformed: u32,
    /// The next N requests answer 502 with an HTML page, as a proxy in front of an API does.
    pub html_errors: u32,
    /// The next N requests answer 429 with `Retry-After: 1` (or `retry_after_secs`).
    pub too_many: u32,
    /// The `Retry-After` of the injected 429s, when not 1.
    pub retry_after_secs: Option<u64>,
    /// Every request answers `302 Found` to the same path and query on this origin: a
    /// compromised or misconfigured API trying to move the token elsewhere.
    pub redirect_to: Option<String>,
    /// Every request answers 403 (a token without permission).
    pub forbidden: bool,
    /// `links.next` points to this origin instead of the provider's own.
    pub foreign_next: Option<String>,
    /// The next request for this page of a list (`page=N`; no `page` is page 1) answers 500,
    /// once: a load that fails part-way.
    pub fail_page: Option<u32>,
    /// The next N token-endpoint requests answer 400 `invalid_grant`, as for a code that
    /// expired or was already used.
    pub refuse_tokens: u32,
}

/// One API request as the provider saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub authorization: bool,
    /// The `Authorization` header's scheme word only (never the token).
    pub auth_scheme: Option<String>,
    /// The account header sent (`Harvest-Account-Id` or `Forecast-Account-ID`), as `name=value`.
    pub account_header: Option<String>,
    pub referer: Option<String>,
    /// The request's own `Cache-Control` (browsers send `no-cache` for `cache: "no-store"`).
    pub cache_control: Option<String>,
    pub status: u16,
}

/// Per-token send instants for the rolling rate limit.
#[derive(Default)]
pub struct Windows(HashMap<String, VecDeque<Instant>>);

/// Records each API request and its answer's status.
pub async fn record(State(p): State<Arc<Provider>>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let authorization = request.headers().contains_key(header::AUTHORIZATION);
    let auth_scheme = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(' ').next())
        .map(str::to_owned);
    let account_header = ["harvest-account-id", "forecast-account-id"]
        .iter()
        .find_map(|name| {
            let value = request.headers().get(*name)?.to_str().ok()?;
            Some(format!("{name}={value}"))
        });
    let referer = request
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let cache_control = request
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status().as_u16();
    p.requests.lock().unwrap().push(Recorded {
        method,
        path,
        query,
        authorization,
        auth_scheme,
        account_header,
        referer,
        cache_control,
        status,
    });
    response
}

fn token_of(request: &Request) -> Option<String> {
    let query = request.uri().query().unwrap_or("");
    let from_query = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned());
    from_query.or_else(|| {
        let auth = request
            .headers()
            .get(header::AUTHORIZATION)?
            .to_str()
            .ok()?;
        auth.split_once(' ').map(|(_, t)| t.trim().to_owned())
    })
}

fn too_many(retry_after_secs: u64) -> Response {
    let mut r = (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><body><h1>Too Many Requests</h1></body></html>",
    )
        .into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    r
}

/// Faults first, then the rate limit, then the real handler.
pub async fn apply(State(p): State<Arc<Provider>>, request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let faults = p.faults.lock().unwrap().clone();
    if !faults.delay.is_zero() {
        tokio::time::sleep(faults.delay).await;
    }
    let take = |pick: fn(&mut Faults) -> &mut u32| {
        let mut f = p.faults.lock().unwrap();
        let n = pick(&mut f);
        if *n > 0 {
            *n -= 1;
            true
        } else {
            false
        }
    };
    if take(|f| &mut f.too_many) {
        return too_many(faults.retry_after_secs.unwrap_or(1));
    }
    if let Some(origin) = &faults.redirect_to {
        let target = format!(
            "{origin}{}",
            request.uri().path_and_query().map_or("/", |p| p.as_str())
        );
        let mut r = StatusCode::FOUND.into_response();
        if let Ok(location) = HeaderValue::from_str(&target) {
            r.headers_mut().insert(header::LOCATION, location);
        }
        return r;
    }
    let page = request
        .uri()
        .query()
        .and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .map(|n| n.parse().unwrap_or(0))
        })
        .unwrap_or(1);
    let fail_page = {
        let mut f = p.faults.lock().unwrap();
        let hit = f.fail_page == Some(page) && request.uri().path().ends_with("/time_entries");
        if hit {
            f.fail_page = None;
        }
        hit
    };
    if take(|f| &mut f.server_errors) || fail_page {
        let body = serde_json::json!({ "message": "Internal server error (injected)" });
        return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
    }
    if take(|f| &mut f.html_errors) {
        let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
        return (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html")],
            page,
        )
            .into_response();
    }
    if take(|f| &mut f.malformed) {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"time_entries\": [{\"id\": 1,",
        )
            .into_response();
    }
    if faults.forbidden {
        let body = serde_json::json!({ "error": "forbidden", "error_description": "You do not have permission to view this." });
        return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
    }
    if let Some(token) = token_of(&request) {
        let limit = p.settings.rate_limit;
        let now = Instant::now();
        let wait = {
            let mut windows = p.windows.lock().unwrap();
            let sent = windows.0.entry(token).or_default();
            while sent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= limit.window)
            {
                sent.pop_front();
            }
            if sent.len() >= limit.requests {
                Some(limit.window - now.duration_since(sent[0]))
            } else {
                sent.push_back(now);
                None
            }
        };
        if let Some(wait) = wait {
            return too_many(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
    }
    next.run(request).await
}
