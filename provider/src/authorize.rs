//! `GET /oauth2/authorize` shows the consent page; `POST /oauth2/authorize` answers it.
//!
//! Like a real authorization server, a request whose `client_id` or `redirect_uri` is wrong gets
//! an error page and is never redirected (RFC 6749 §4.2.2.1): redirecting to an unverified URI
//! would make the provider an open redirector.

use crate::html::page;
use crate::profiles::Profile;
use crate::settings::CallbackPlacement;
use std::time::Duration;

/// The lifetime of tokens that "never expire" (App.net, AppHarbor): a century.
const NEVER: Duration = Duration::from_secs(100 * 365 * 86_400);
use crate::tokens::{CodeRequest, ConsentRequest};
use crate::Provider;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use maud::html;
use std::collections::HashMap;
use std::sync::Arc;
use url::Url;

/// Query parameters once each: a repeated parameter is an invalid request (RFC 6749 §3.1).
fn single_params(raw: Option<&str>) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if out.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(format!("The parameter `{k}` appears more than once."));
        }
    }
    Ok(out)
}

fn error_page(status: StatusCode, message: &str) -> Response {
    let body = html! {
        h1 { "Sign-in cannot continue" }
        p role="alert" { (message) }
    };
    (status, Html(page("Sign-in error", body).into_string())).into_response()
}

pub async fn show(State(p): State<Arc<Provider>>, RawQuery(raw): RawQuery) -> Response {
    let params = match single_params(raw.as_deref()) {
        Ok(params) => params,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    let get = |k: &str| params.get(k).map(String::as_str);
    if !get("client_id").is_some_and(|id| p.settings.knows_client(id)) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Unknown client_id: this application is not registered.",
        );
    }
    let redirect_uri = match get("redirect_uri") {
        Some(uri) if uri.starts_with(&p.settings.redirect_prefix) && Url::parse(uri).is_ok() => uri,
        _ => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "The redirect_uri does not match the one registered for this application.",
            )
        }
    };
    let state = get("state").map(str::to_owned);
    let client = get("client_id").unwrap_or_default().to_owned();
    let profile = p.settings.profile;
    let code = match get("response_type") {
        Some("token") => None,
        // The code grant, for the generic profile: PKCE (S256) is required of every client,
        // as RFC 9700 §2.1.1 asks of servers for public clients.
        Some("code") if profile.offers_code() => {
            match (get("code_challenge"), get("code_challenge_method")) {
                (Some(challenge), Some("S256")) if challenge.len() == 43 => Some(CodeRequest {
                    client_id: client.clone(),
                    code_challenge: challenge.to_owned(),
                }),
                _ => {
                    let params = [
                        ("error", "invalid_request"),
                        ("error_description", "PKCE with S256 is required."),
                    ];
                    return redirect(
                        &p,
                        Placement::Query,
                        redirect_uri,
                        &params,
                        state.as_deref(),
                    );
                }
            }
        }
        _ => {
            return redirect(
                &p,
                Placement::Configured,
                redirect_uri,
                &[("error", "unsupported_response_type")],
                state.as_deref(),
            )
        }
    };
    let requested: Vec<String> = get("scope")
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let request = ConsentRequest {
        client_id: client.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state,
        scopes: requested.clone(),
        code,
    };
    // `prompt=none` (OpenID Connect Core §3.1.2.1), the generic profile's: answered at once,
    // with no page, for a client the person already approved, else `login_required`. With
    // `forbid_framing` the provider shows its (unframeable) page instead, as providers do
    // that refuse silent sign-in inside a frame.
    if get("prompt") == Some("none") && profile.offers_code() && !p.settings.forbid_framing {
        if !p.store.has_consented(&client, &requested) {
            // Never approved: `login_required`; approved, but not every scope asked now:
            // `consent_required` (a silent request cannot widen a grant).
            let error = if p.store.has_consented(&client, &[]) {
                "consent_required"
            } else {
                "login_required"
            };
            let params = [("error", error)];
            let placement = match request.code {
                Some(_) => Placement::Query,
                None => Placement::Configured,
            };
            let state = request.state.clone();
            return redirect(&p, placement, redirect_uri, &params, state.as_deref());
        }
        let form: Vec<(String, String)> = requested
            .iter()
            .map(|s| ("scope".to_owned(), s.clone()))
            .collect();
        return answer(&p, request, &form);
    }
    let ticket = p.store.open_consent(request);
    let accounts = profile.scopes_are_accounts();
    let legend = if accounts {
        "Accounts to share"
    } else {
        "Permissions to grant"
    };
    let action = profile.authorize_path().unwrap_or_default();
    let body = html! {
        h1 { "Authorize application" }
        p {
            strong { (client) } " wants to access your data as " strong { (p.user.full_name()) }
            " (" (p.user.email) ")."
        }
        form method="post" action=(action) {
            input type="hidden" name="ticket" value=(ticket);
            fieldset {
                legend { (legend) }
                ul {
                    @if accounts {
                        @for a in &p.accounts {
                            li { label {
                                input type="checkbox" name="account" value=(a.id) checked;
                                " " (a.name) " " span.product { "(" (a.product) ")" }
                            } }
                        }
                    } @else {
                        // Scopes are permissions: each can be withheld, so the grant may be
                        // narrower than the request (RFC 6749 §3.3).
                        @for s in &requested {
                            li { label {
                                input type="checkbox" name="scope" value=(s) checked;
                                " " (s)
                            } }
                        }
                    }
                }
            }
            button type="submit" name="decision" value="allow" id="allow" { "Allow" }
            " "
            button type="submit" name="decision" value="deny" id="deny" { "Deny" }
        }
    };
    Html(page("Authorize application", body).into_string()).into_response()
}

pub async fn decide(
    State(p): State<Arc<Provider>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let value = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let Some(request) = value("ticket").and_then(|t| p.store.take_consent(t)) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "This consent page has expired or was already answered.",
        );
    };
    if value("decision") != Some("allow") {
        let params = [
            ("error", "access_denied"),
            ("error_description", "The user denied access."),
        ];
        let placement = match request.code {
            Some(_) => Placement::Query,
            None => Placement::Configured,
        };
        return redirect(
            &p,
            placement,
            &request.redirect_uri,
            &params,
            request.state.as_deref(),
        );
    }
    // What the person approved: the scopes ticked (or, where scopes name accounts, the
    // request's own).
    let ticked: Vec<String> = request
        .scopes
        .iter()
        .filter(|s| {
            p.settings.profile.scopes_are_accounts()
                || form.iter().any(|(k, v)| k == "scope" && v == *s)
        })
        .cloned()
        .collect();
    p.store.remember_consent(&request.client_id, &ticked);
    answer(&p, request, &form)
}

/// Grants an approved request what `form` chose (scopes, or accounts): a code, or a token.
fn answer(p: &Provider, request: ConsentRequest, form: &[(String, String)]) -> Response {
    let state = request.state.as_deref();
    // The code grant's response is always in the query (RFC 6749 §4.1.2).
    let placement = match request.code {
        Some(_) => Placement::Query,
        None => Placement::Configured,
    };
    let profile = p.settings.profile;
    let lifetime = if profile.tokens_expire() {
        p.settings.token_lifetime
    } else {
        NEVER
    };
    let expires_in = p.settings.token_lifetime.as_secs().to_string();
    let mut params: Vec<(&str, &str)> = Vec::new();
    if !profile.scopes_are_accounts() {
        // Only scopes that were asked for can be granted, however the form was edited.
        let granted: Vec<String> = request
            .scopes
            .iter()
            .filter(|s| form.iter().any(|(k, v)| k == "scope" && v == *s))
            .cloned()
            .collect();
        let scope = granted.join(" ");
        let all = p.accounts.iter().map(|a| a.id).collect();
        if let Some(code_request) = &request.code {
            let code = p
                .store
                .issue_code(code_request, &request.redirect_uri, all, granted);
            let params = [("code", code.as_str())];
            return redirect(p, placement, &request.redirect_uri, &params, state);
        }
        let token = p.store.issue_with_scopes(all, granted, lifetime);
        params.extend([("access_token", token.as_str()), ("token_type", "bearer")]);
        if profile.tokens_expire() {
            params.push(("expires_in", expires_in.as_str()));
        }
        // App.net reports the granted scopes in a response header, not in the callback.
        if profile != Profile::AppNet && !scope.is_empty() {
            params.push(("scope", scope.as_str()));
        }
        return redirect(p, placement, &request.redirect_uri, &params, state);
    }
    let chosen: Vec<u64> = form
        .iter()
        .filter(|(k, _)| k == "account")
        .filter_map(|(_, v)| v.parse().ok())
        .filter(|id| p.accounts.iter().any(|a| a.id == *id))
        .collect();
    if chosen.is_empty() {
        let params = [
            ("error", "access_denied"),
            ("error_description", "No account was chosen."),
        ];
        return redirect(p, placement, &request.redirect_uri, &params, state);
    }
    let scope: Vec<String> = p
        .accounts
        .iter()
        .filter(|a| chosen.contains(&a.id))
        .map(|a| a.scope())
        .collect();
    let scope = if p.settings.scope_all {
        "all".to_owned()
    } else {
        scope.join(" ")
    };
    let token = p.store.issue_with_scopes(
        chosen,
        scope.split(' ').map(str::to_owned).collect(),
        lifetime,
    );
    params.extend([
        ("access_token", token.as_str()),
        ("token_type", "bearer"),
        ("expires_in", expires_in.as_str()),
        ("scope", scope.as_str()),
    ]);
    redirect(p, placement, &request.redirect_uri, &params, state)
}

/// Where a redirect puts its parameters.
#[derive(Clone, Copy)]
enum Placement {
    /// The query: the code grant's place.
    Query,
    /// Where this provider's settings say (the implicit grant's, which varies by provider).
    Configured,
}

/// 303 to the (already verified) redirect URI with the response in the query or the fragment,
/// `state` echoed exactly as received.
fn redirect(
    p: &Provider,
    placement: Placement,
    redirect_uri: &str,
    params: &[(&str, &str)],
    state: Option<&str>,
) -> Response {
    let mut url = Url::parse(redirect_uri).expect("redirect_uri was parsed when verified");
    let encode = |pairs: &[(&str, &str)]| {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().copied())
            .finish()
    };
    let state = state.map(|s| encode(&[("state", s)]));
    let params = encode(params);
    let all = match &state {
        Some(state) if !params.is_empty() => format!("{params}&{state}"),
        Some(state) => state.clone(),
        None => params.clone(),
    };
    let append_query = |url: &mut Url, extra: &str| {
        let query = match url.query() {
            Some(q) if !q.is_empty() => format!("{q}&{extra}"),
            _ => extra.to_owned(),
        };
        url.set_query(Some(&query));
    };
    let placement = match placement {
        Placement::Query => CallbackPlacement::Query,
        Placement::Configured => p.settings.callback_placement,
    };
    match placement {
        CallbackPlacement::Query => append_query(&mut url, &all),
        CallbackPlacement::Fragment => url.set_fragment(Some(&all)),
        // App.net: `state` in the query, the rest in the fragment.
        CallbackPlacement::Split => {
            if let Some(state) = &state {
                append_query(&mut url, state);
            }
            url.set_fragment(Some(&params));
        }
    }
    p.store.record_redirect(url.as_str());
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, url.to_string()),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
    )
        .into_response()
}
