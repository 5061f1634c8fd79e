//! Who is calling: the bearer token of an API request, in the query (`access_token`, with
//! `account_id`) or in headers (`Authorization: Bearer`, `Harvest-Account-Id`), never both
//! (RFC 6750 §2). Handlers take [`Bearer`] (any live token) or [`HarvestAccount`] (a live
//! token and the account it acts on) as extractors; a refusal is the provider's answer.

use crate::tokens::Grant;
use crate::Provider;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use std::sync::Arc;

pub const ACCOUNT_HEADER: &str = "harvest-account-id";

/// Credentials found on a request.
struct Credentials {
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
pub enum Refusal {
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

pub(crate) fn invalid_token() -> Response {
    oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_token",
        "The access token provided is expired, revoked, malformed or invalid for other reasons.",
    )
}

/// A request's live grant, and the account id it names, if any.
pub struct Bearer {
    pub grant: Grant,
    pub account_id: Option<String>,
}

impl FromRequestParts<Arc<Provider>> for Bearer {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, p: &Arc<Provider>) -> Result<Self, Refusal> {
        let creds = credentials(&parts.headers, parts.uri.query())?;
        let grant = p
            .store
            .live_grant(&creds.token)
            .ok_or(Refusal::InvalidToken)?;
        Ok(Bearer {
            grant,
            account_id: creds.account_id,
        })
    }
}

/// The Harvest account a Harvest API request acts on. No account id answers 401
/// `invalid_token`, as Harvest really does; an account the token does not grant answers 403.
pub struct HarvestAccount(pub u64);

impl FromRequestParts<Arc<Provider>> for HarvestAccount {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, p: &Arc<Provider>) -> Result<Self, Refusal> {
        let Bearer { grant, account_id } = Bearer::from_request_parts(parts, p).await?;
        let account = account_id
            .and_then(|a| a.parse::<u64>().ok())
            .ok_or(Refusal::InvalidToken)?;
        if grant.account_ids.contains(&account) {
            Ok(HarvestAccount(account))
        } else {
            Err(Refusal::WrongAccount)
        }
    }
}
