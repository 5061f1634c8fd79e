//! The API slice: `GET /api/v2/accounts` (Harvest ID) and `GET /v2/users/me` (Harvest API).
//!
//! Authentication follows Harvest: the token in the query (`access_token`, with `account_id`)
//! or in headers (`Authorization: Bearer`, `Harvest-Account-Id`), never both (RFC 6750 §2).
//! A missing account id on the API answers 401 `invalid_token`, as Harvest really does.

use crate::Provider;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::sync::Arc;

pub const ACCOUNT_HEADER: &str = "harvest-account-id";

/// Credentials found on a request.
struct Credentials {
    token: String,
    account_id: Option<String>,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let challenge = format!("Bearer error=\"{error}\"");
    let mut response = (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_str(&challenge).unwrap(),
        );
    }
    response
}

/// Why a request's credentials were refused, before any token lookup.
enum Refusal {
    BothTransports,
    NoToken,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::BothTransports => oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Send the access token in the query or in the Authorization header, not both.",
            ),
            Refusal::NoToken => oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "No access token was sent.",
            ),
        }
    }
}

fn credentials(headers: &HeaderMap, raw_query: Option<&str>) -> Result<Credentials, Refusal> {
    let query: Vec<(String, String)> = form_urlencoded::parse(raw_query.unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let from_query = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let header_account = headers
        .get(ACCOUNT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match (from_query("access_token"), bearer) {
        (Some(_), Some(_)) => Err(Refusal::BothTransports),
        (Some(token), None) => Ok(Credentials {
            token,
            account_id: from_query("account_id").or(header_account),
        }),
        (None, Some(token)) => Ok(Credentials {
            token,
            account_id: header_account.or(from_query("account_id")),
        }),
        (None, None) => Err(Refusal::NoToken),
    }
}

fn invalid_token() -> Response {
    oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_token",
        "The access token provided is expired, revoked, malformed or invalid for other reasons.",
    )
}

pub async fn accounts(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let creds = match credentials(&headers, q.as_deref()) {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    let Some(grant) = p.store.live_grant(&creds.token) else {
        return invalid_token();
    };
    let accounts: Vec<_> = p
        .accounts
        .iter()
        .filter(|a| grant.account_ids.contains(&a.id))
        .collect();
    let user = &p.user;
    Json(json!({
        "user": { "id": user.id, "first_name": user.first_name, "last_name": user.last_name, "email": user.email },
        "accounts": accounts,
    }))
    .into_response()
}

pub async fn users_me(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let creds = match credentials(&headers, q.as_deref()) {
        Ok(c) => c,
        Err(r) => return r.into_response(),
    };
    let Some(grant) = p.store.live_grant(&creds.token) else {
        return invalid_token();
    };
    let Some(account) = creds.account_id.and_then(|a| a.parse::<u64>().ok()) else {
        // Harvest's quirk: no account id reads as a bad token.
        return invalid_token();
    };
    if !grant.account_ids.contains(&account) {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({ "error": "forbidden", "error_description": "This token does not grant that account." })),
        )
            .into_response();
    }
    Json(&p.user).into_response()
}

/// CORS for the registered origin only: other origins get no `Access-Control-Allow-Origin`, so
/// the browser withholds the response from them. Preflights allow the header transport.
pub async fn cors(
    State(p): State<Arc<Provider>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let allowed = origin
        .as_ref()
        .is_some_and(|o| o.as_bytes() == p.settings.allowed_origin.as_bytes());
    let preflight = request.method() == Method::OPTIONS;
    let mut response = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let h = response.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let (true, Some(origin)) = (allowed, origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if preflight {
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("authorization, harvest-account-id"),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
        }
    }
    response
}
