//! The API slice: `GET /api/v2/accounts` (Harvest ID) and `GET /v2/users/me` (Harvest API).
//!
//! Authentication follows Harvest: the token in the query (`access_token`, with `account_id`)
//! or in headers (`Authorization: Bearer`, `Harvest-Account-Id`), never both (RFC 6750 §2).
//! A missing account id on the API answers 401 `invalid_token`, as Harvest really does.

use crate::settings::Pagination;
use crate::Provider;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

pub const ACCOUNT_HEADER: &str = "harvest-account-id";

/// Credentials found on a request.
pub(crate) struct Credentials {
    pub token: String,
    pub account_id: Option<String>,
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
pub(crate) enum Refusal {
    BothTransports,
    NoToken,
    /// Unknown, expired or revoked token, or (Harvest's quirk) no account id.
    InvalidToken,
    /// The token does not grant the account asked for.
    WrongAccount,
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
            Refusal::InvalidToken => invalid_token(),
            Refusal::WrongAccount => {
                let body = json!({ "error": "forbidden", "error_description": "This token does not grant that account." });
                (StatusCode::FORBIDDEN, Json(body)).into_response()
            }
        }
    }
}

pub(crate) fn credentials(
    headers: &HeaderMap,
    raw_query: Option<&str>,
) -> Result<Credentials, Refusal> {
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

/// A Harvest API request's live grant and the account it acts on. No account id answers 401
/// `invalid_token`, as Harvest really does; an account the token does not grant answers 403.
fn harvest_account(p: &Provider, headers: &HeaderMap, query: Option<&str>) -> Result<u64, Refusal> {
    let creds = credentials(headers, query)?;
    p.store
        .live_grant(&creds.token)
        .ok_or(Refusal::InvalidToken)
        .and_then(|grant| {
            let account = creds
                .account_id
                .and_then(|a| a.parse::<u64>().ok())
                .ok_or(Refusal::InvalidToken)?;
            if grant.account_ids.contains(&account) {
                Ok(account)
            } else {
                Err(Refusal::WrongAccount)
            }
        })
}

pub async fn users_me(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    match harvest_account(&p, &headers, q.as_deref()) {
        Ok(_) => Json(&p.user).into_response(),
        Err(r) => r.into_response(),
    }
}

pub async fn company(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    match harvest_account(&p, &headers, q.as_deref()) {
        Ok(account) => Json(&p.data[&account].company).into_response(),
        Err(r) => r.into_response(),
    }
}

fn params(query: Option<&str>) -> HashMap<String, String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// The origin links point to: the request's own (Host), or the fault's foreign origin.
fn link_origin(p: &Provider, headers: &HeaderMap) -> String {
    if let Some(foreign) = p.faults.lock().unwrap().foreign_next.clone() {
        return foreign;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// One page of `items` under `key`, with Harvest's pagination fields. Page-number style sets
/// `page`, `total_pages`, `next_page`; cursor style leaves them `null` and links carry an opaque
/// `cursor`. Links never carry credentials: clients attach their own.
fn paginate<T: serde::Serialize>(
    p: &Provider,
    headers: &HeaderMap,
    path: &str,
    query: &HashMap<String, String>,
    key: &str,
    items: &[T],
) -> Response {
    let per_page = query
        .get("per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| (1..=2000).contains(n))
        .unwrap_or(p.settings.per_page as usize);
    let total = items.len();
    let total_pages = total.div_ceil(per_page).max(1);
    let cursor_style = p.settings.pagination == Pagination::Cursor;
    let offset = if cursor_style {
        query
            .get("cursor")
            .and_then(|c| c.strip_prefix('c'))
            .and_then(|c| usize::from_str_radix(c, 16).ok())
            .unwrap_or(0)
    } else {
        query
            .get("page")
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n >= 1)
            .map_or(0, |n| (n - 1) * per_page)
    };
    let slice = items
        .get(offset..total.min(offset + per_page))
        .unwrap_or(&[]);
    let has_next = offset + per_page < total;
    let mut kept: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !["access_token", "account_id", "page", "cursor"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    kept.sort();
    let link = |extra: (&str, String)| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.extend_pairs(kept.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        q.append_pair(extra.0, &extra.1);
        format!("{}{path}?{}", link_origin(p, headers), q.finish())
    };
    let page = offset / per_page + 1;
    let next = has_next.then(|| {
        if cursor_style {
            link(("cursor", format!("c{:x}", offset + per_page)))
        } else {
            link(("page", (page + 1).to_string()))
        }
    });
    let mut body = json!({
        key: slice,
        "per_page": per_page,
        "total_pages": total_pages,
        "total_entries": total,
        "next_page": has_next.then_some(page + 1),
        "previous_page": (page > 1).then_some(page - 1),
        "page": page,
        "links": { "first": link(("page", "1".into())), "next": next, "previous": null, "last": link(("page", total_pages.to_string())) },
    });
    if cursor_style {
        for k in [
            "total_pages",
            "total_entries",
            "next_page",
            "previous_page",
            "page",
        ] {
            body[k] = Value::Null;
        }
    }
    Json(body).into_response()
}

pub async fn assignments(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    match harvest_account(&p, &headers, q.as_deref()) {
        Ok(account) => paginate(
            &p,
            &headers,
            "/v2/users/me/project_assignments",
            &params(q.as_deref()),
            "project_assignments",
            &p.data[&account].assignments,
        ),
        Err(r) => r.into_response(),
    }
}

/// `GET /v2/time_entries?user_id=&from=&to=`: newest first, filtered by user and date range.
pub async fn time_entries(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let account = match harvest_account(&p, &headers, q.as_deref()) {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    let query = params(q.as_deref());
    let from = query
        .get("from")
        .map(String::as_str)
        .unwrap_or("0000-00-00");
    let to = query.get("to").map(String::as_str).unwrap_or("9999-99-99");
    let user = query.get("user_id").and_then(|u| u.parse::<u64>().ok());
    let entries: Vec<_> = p.data[&account]
        .entries
        .iter()
        .filter(|e| e.spent_date.as_str() >= from && e.spent_date.as_str() <= to)
        .filter(|e| user.is_none_or(|u| e.user.id == u))
        .collect();
    paginate(
        &p,
        &headers,
        "/v2/time_entries",
        &query,
        "time_entries",
        &entries,
    )
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
                HeaderValue::from_static("authorization, harvest-account-id, forecast-account-id"),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
        }
        // App.net exposes the granted scopes; `Retry-After` only when the setting says so.
        let exposed = if p.settings.expose_retry_after {
            "X-OAuth-Scopes, Retry-After"
        } else {
            "X-OAuth-Scopes"
        };
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(exposed),
        );
    }
    response
}
