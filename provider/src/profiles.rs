//! The local provider's impersonations: one per preset of the app, each with the quirks the real
//! service has (where the callback puts its parameters, what scopes look like, whether tokens
//! expire, how the "who am I" call is made and answered). Selected with `--profile`.

use crate::api::{credentials, Refusal};
use crate::settings::CallbackPlacement;
use crate::tokens::Grant;
use crate::Provider;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Harvest ID + Harvest v2: callback in the query, account scopes, 14-day tokens.
    Harvest,
    /// Harvest ID + Forecast: the same sign-in, `GET /whoami` with `Forecast-Account-ID`.
    Forecast,
    /// Aha!: `/oauth/authorize`, callback in the fragment, `GET /api/v1/me` with a bearer header.
    Aha,
    /// App.net: `/oauth/authenticate`, `state` in the query and the token in the fragment,
    /// tokens that do not expire, granted scopes in `X-OAuth-Scopes`.
    AppNet,
    /// AppHarbor: no browser grant at all; pasted tokens that never expire, `GET /user`.
    AppHarbor,
    /// A plain RFC 6749 server: `/oauth2/authorize`, fragment, requested scopes, `GET /api/me`.
    Generic,
}

pub const ALL: [Profile; 6] = [
    Profile::Harvest,
    Profile::Forecast,
    Profile::Aha,
    Profile::AppNet,
    Profile::AppHarbor,
    Profile::Generic,
];

impl Profile {
    pub fn id(self) -> &'static str {
        match self {
            Profile::Harvest => "harvest",
            Profile::Forecast => "forecast",
            Profile::Aha => "aha",
            Profile::AppNet => "appnet",
            Profile::AppHarbor => "appharbor",
            Profile::Generic => "generic",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        ALL.into_iter().find(|p| p.id() == id)
    }

    /// The authorize page's path (`None`: the service has no browser grant).
    pub fn authorize_path(self) -> Option<&'static str> {
        match self {
            Profile::Harvest | Profile::Forecast | Profile::Generic => Some("/oauth2/authorize"),
            Profile::Aha => Some("/oauth/authorize"),
            Profile::AppNet => Some("/oauth/authenticate"),
            Profile::AppHarbor => None,
        }
    }

    /// The API base path, below the provider's origin.
    pub fn api_base_path(self) -> &'static str {
        match self {
            Profile::Harvest => "/v2",
            Profile::Forecast | Profile::AppHarbor => "",
            Profile::Aha => "/api/v1",
            Profile::AppNet => "/stream/0",
            Profile::Generic => "/api",
        }
    }

    pub fn placement(self) -> CallbackPlacement {
        match self {
            Profile::Harvest | Profile::Forecast => CallbackPlacement::Query,
            Profile::AppNet => CallbackPlacement::Split,
            _ => CallbackPlacement::Fragment,
        }
    }

    /// Scopes name accounts (`harvest:1`) chosen on the consent page, rather than permissions.
    pub fn scopes_are_accounts(self) -> bool {
        matches!(self, Profile::Harvest | Profile::Forecast)
    }

    /// Whether issued tokens expire (and the callback says when).
    pub fn tokens_expire(self) -> bool {
        !matches!(self, Profile::AppNet | Profile::AppHarbor)
    }

    /// The app's `config.json` for the matching preset, pointed at this provider: the
    /// preset's defaults with only the URLs (and the demo client id) replaced. Harvest's demo
    /// comes back to the app's folder itself; the others to `callback.html` beside it, which
    /// hands the response back to the page that left (both are real files, so any static host
    /// serves them).
    /// `app_url` ends with `/`.
    pub fn app_config(self, provider_url: &str, app_url: &str) -> serde_json::Value {
        let id = self.id();
        let mut config = json!({
            "preset": id,
            "api_base": format!("{provider_url}{}", self.api_base_path()),
        });
        if let Some(path) = self.authorize_path() {
            config["client_id"] = "local-demo".into();
            config["authorize_url"] = format!("{provider_url}{path}").into();
            config["redirect_uri"] = format!("{app_url}callback.html").into();
        }
        match self {
            Profile::Harvest => {
                config["redirect_uri"] = app_url.into();
                config["accounts_url"] = format!("{provider_url}/api/v2/accounts").into();
            }
            Profile::Forecast => {
                config["accounts_url"] = format!("{provider_url}/api/v2/accounts").into();
            }
            Profile::AppNet => config["scopes"] = json!(["basic", "stream"]),
            Profile::Generic => config["scopes"] = json!(["read", "write"]),
            Profile::Aha | Profile::AppHarbor => {}
        }
        config
    }
}

/// The live grant behind a request's token (either transport), or why there is none.
fn grant(p: &Provider, headers: &HeaderMap, query: Option<&str>) -> Result<Grant, Refusal> {
    let creds = credentials(headers, query)?;
    p.store
        .live_grant(&creds.token)
        .ok_or(Refusal::InvalidToken)
}

/// Forecast: `GET /whoami`, with the account in `Forecast-Account-ID`.
pub async fn forecast_whoami(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let grant = match grant(&p, &headers, q.as_deref()) {
        Ok(g) => g,
        Err(r) => return r.into_response(),
    };
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
pub async fn aha_me(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Err(r) = grant(&p, &headers, q.as_deref()) {
        return r.into_response();
    }
    let u = &p.user;
    Json(json!({ "user": {
        "id": u.id.to_string(), "name": u.full_name(),
        "email": u.email, "created_at": "2019-01-01T00:00:00.000Z",
    }}))
    .into_response()
}

/// App.net: `GET /stream/0/users/me`, the granted scopes in `X-OAuth-Scopes` (comma-separated).
pub async fn appnet_me(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let grant = match grant(&p, &headers, q.as_deref()) {
        Ok(g) => g,
        Err(r) => return r.into_response(),
    };
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
pub async fn appharbor_user(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Err(r) = grant(&p, &headers, q.as_deref()) {
        return r.into_response();
    }
    let u = &p.user;
    Json(json!({
        "username": u.first_name.to_lowercase(), "name": u.full_name(),
        "email": u.email,
    }))
    .into_response()
}

/// A plain RFC 6749 server's resource: `GET /api/me`.
pub async fn generic_me(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let grant = match grant(&p, &headers, q.as_deref()) {
        Ok(g) => g,
        Err(r) => return r.into_response(),
    };
    let u = &p.user;
    Json(json!({
        "sub": u.id.to_string(), "name": u.full_name(),
        "email": u.email, "scope": grant.scopes.join(" "),
    }))
    .into_response()
}
