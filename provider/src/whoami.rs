//! The "who am I" call of each impersonated service, as that service answers it.

use crate::bearer::{Bearer, Refusal};
use crate::Provider;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::sync::Arc;

/// Forecast: `GET /whoami`, with the account in `Forecast-Account-ID`.
pub async fn forecast_whoami(
    State(p): State<Arc<Provider>>,
    Bearer { grant, .. }: Bearer,
    headers: HeaderMap,
) -> Response {
    let account = headers
        .get("forecast-account-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let forecast: Vec<u64> = p
        .accounts
        .iter()
        .filter(|a| a.product == "forecast" && grant.account_ids.contains(&a.id))
        .map(|a| a.id)
        .collect();
    match account {
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"reason": "Forecast-Account-ID header missing"})),
        )
            .into_response(),
        Some(id) if !forecast.contains(&id) => Refusal::WrongAccount.into_response(),
        Some(_) => {
            let u = &p.user;
            Json(json!({ "current_user": {
                "id": u.id, "email": u.email, "first_name": u.first_name, "last_name": u.last_name,
                "account_ids": forecast,
            }}))
            .into_response()
        }
    }
}

/// Aha!: `GET /api/v1/me`.
pub async fn aha_me(State(p): State<Arc<Provider>>, _: Bearer) -> Response {
    let u = &p.user;
    Json(json!({ "user": {
        "id": u.id.to_string(), "name": u.full_name(),
        "email": u.email, "created_at": "2019-01-01T00:00:00.000Z",
    }}))
    .into_response()
}

/// App.net: `GET /stream/0/users/me`, the granted scopes in `X-OAuth-Scopes` (comma-separated).
pub async fn appnet_me(State(p): State<Arc<Provider>>, Bearer { grant, .. }: Bearer) -> Response {
    let u = &p.user;
    let mut response = Json(json!({
        "data": { "id": u.id.to_string(), "username": u.first_name.to_lowercase(),
                  "name": u.full_name(), "type": "human" },
        "meta": { "code": 200 },
    }))
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&grant.scopes.join(",")) {
        response.headers_mut().insert("x-oauth-scopes", v);
    }
    response
}

/// AppHarbor: `GET /user`.
pub async fn appharbor_user(State(p): State<Arc<Provider>>, _: Bearer) -> Response {
    let u = &p.user;
    Json(json!({
        "username": u.first_name.to_lowercase(), "name": u.full_name(),
        "email": u.email,
    }))
    .into_response()
}

/// A plain RFC 6749 server's resource: `GET /api/me`.
pub async fn generic_me(State(p): State<Arc<Provider>>, Bearer { grant, .. }: Bearer) -> Response {
    let u = &p.user;
    Json(json!({
        "sub": u.id.to_string(), "name": u.full_name(),
        "email": u.email, "scope": grant.scopes.join(" "),
    }))
    .into_response()
}
