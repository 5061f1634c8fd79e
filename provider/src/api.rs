//! The API slice: `GET /api/v2/accounts` (Harvest ID) and Harvest v2's `users/me`, `company`,
//! project assignments and time entries, with Harvest's pagination. Who may call is decided
//! by the extractors in `bearer.rs`.

use crate::bearer::{Bearer, HarvestAccount};
use crate::settings::Pagination;
use crate::Provider;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

pub async fn accounts(State(p): State<Arc<Provider>>, Bearer { grant, .. }: Bearer) -> Response {
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

pub async fn users_me(State(p): State<Arc<Provider>>, _: HarvestAccount) -> Response {
    Json(&p.user).into_response()
}

pub async fn company(
    State(p): State<Arc<Provider>>,
    HarvestAccount(account): HarvestAccount,
) -> Response {
    Json(&p.data[&account].company).into_response()
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
    HarvestAccount(account): HarvestAccount,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    paginate(
        &p,
        &headers,
        "/v2/users/me/project_assignments",
        &params(q.as_deref()),
        "project_assignments",
        &p.data[&account].assignments,
    )
}

/// `GET /v2/time_entries?user_id=&from=&to=`: newest first, filtered by user and date range.
pub async fn time_entries(
    State(p): State<Arc<Provider>>,
    HarvestAccount(account): HarvestAccount,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
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

/// The value of `key` in a form (its first).
fn form_value<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter()
        .find(|(name, _)| name == key)
        .map(|(_, v)| v.as_str())
}

/// `POST /oauth2/revoke` (RFC 7009), form-encoded `token` (and `token_type_hint`) from a public
/// client that names itself with `client_id`: 200 whether or not the token was live (§2.2: an
/// unknown token is no error), 400 `invalid_request` without a token, 401 `invalid_client` for
/// a client this provider does not know.
pub async fn revoke(
    State(p): State<Arc<Provider>>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| form_value(&form, k);
    let known = |id: &str| p.settings.knows_client(id);
    match (get("token"), get("client_id")) {
        (_, id) if !id.is_some_and(known) => (
            StatusCode::UNAUTHORIZED,
            axum::Json(serde_json::json!({ "error": "invalid_client" })),
        )
            .into_response(),
        (None, _) => (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({ "error": "invalid_request" })),
        )
            .into_response(),
        (Some(token), _) => {
            p.store.revoke(token);
            StatusCode::OK.into_response()
        }
    }
}

/// `POST /oauth2/token` (the generic profile's): redeems a code with its PKCE verifier, or
/// trades a refresh token (rotating it), for the registered public client, which sends its
/// `client_id` and no secret. Answers are JSON and never cached (RFC 6749 §5.1).
pub async fn token(
    State(p): State<Arc<Provider>>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    use crate::tokens::Refusal;
    let mut seen = std::collections::HashSet::new();
    if form.iter().any(|(k, _)| !seen.insert(k.as_str())) {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "A parameter is repeated.",
        );
    }
    let get = |k: &str| form_value(&form, k);
    let known = |id: &str| p.settings.knows_client(id);
    let Some(client_id) = get("client_id").filter(|id| known(id)) else {
        return token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unknown client.",
        );
    };
    if get("client_secret").is_some() {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "A public client has no secret to send.",
        );
    }
    let refused = {
        let mut faults = p.faults.lock().unwrap();
        let refused = faults.refuse_tokens > 0;
        faults.refuse_tokens = faults.refuse_tokens.saturating_sub(1);
        refused
    };
    if refused {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The authorization code has expired.",
        );
    }
    let lifetime = p.settings.token_lifetime;
    let issued = match get("grant_type") {
        Some("authorization_code") => {
            match (get("code"), get("redirect_uri"), get("code_verifier")) {
                (Some(code), Some(redirect_uri), Some(verifier)) => p.store.redeem_code(
                    code,
                    client_id,
                    redirect_uri,
                    verifier,
                    lifetime,
                    p.settings.refresh_tokens,
                ),
                _ => {
                    return token_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_request",
                        "code, redirect_uri and code_verifier are required.",
                    )
                }
            }
        }
        Some("refresh_token") if p.settings.refresh_tokens => match get("refresh_token") {
            Some(token) => p.store.refresh(token, client_id, lifetime),
            None => {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "refresh_token is required.",
                )
            }
        },
        _ => {
            return token_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "This grant type is not offered.",
            )
        }
    };
    match issued {
        Ok(issued) => {
            let mut body = serde_json::json!({
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": lifetime.as_secs(),
                "scope": issued.scopes.join(" "),
            });
            if let Some(refresh) = issued.refresh_token {
                body["refresh_token"] = refresh.into();
            }
            (
                [(header::PRAGMA, HeaderValue::from_static("no-cache"))],
                axum::Json(body),
            )
                .into_response()
        }
        Err(refusal) => {
            let description = match refusal {
                Refusal::UnknownCode => "Unknown authorization code.",
                Refusal::CodeReplayed => "The authorization code was already used.",
                Refusal::CodeExpired => "The authorization code has expired.",
                Refusal::WrongClientOrRedirect => {
                    "The code was issued to another client or redirect_uri."
                }
                Refusal::VerifierMismatch => "The code_verifier does not match the code_challenge.",
                Refusal::DeadRefreshToken => {
                    "The refresh token is invalid, revoked or already used."
                }
            };
            token_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
        }
    }
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": error, "error_description": description })),
    )
        .into_response()
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
