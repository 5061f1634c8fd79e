//! The browser half of a sign-in (implicit, or code with PKCE): start it, check its callback,
//! keep or drop the session. Protocol rules live in `oauth`; this module only stores and
//! fetches.

use super::{now_ms, random, storage, BrowserError};
use crate::oauth::callback::{self, Response};
use crate::oauth::secret::{STATE_BYTES, VERIFIER_BYTES};
use crate::oauth::{Answer, CallbackError, Config, PendingRequest, Session, TokenStorage};
use crate::weburl::Url;

/// Where `static/callback.js` finds the route to return to after a full-page redirect: a note
/// `{"state", "to"}`, followed only by the callback carrying that `state`.
pub const RETURN_KEY: &str = "implicit-oauth:return-to";
/// Where `static/callback.js` finds that a sign-in went out through a popup: a note `{"state"}`,
/// written before the popup opens, so the popup's copy of this tab's `sessionStorage` has it
/// even when `Cross-Origin-Opener-Policy` has cut the popup off from its opener.
pub const POPUP_KEY: &str = "implicit-oauth:popup";
/// Where `static/callback.js`, loaded in a hidden frame, finds that a silent renewal asked
/// for it: a note `{"state"}`. It then hands the response to the frame's parent.
pub const SILENT_KEY: &str = "implicit-oauth:silent";

/// How a sign-in reaches the provider and comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// This page goes to the provider; the response comes back in this page's URL (or through
    /// the callback page, which brings it back here).
    Redirect,
    /// A sign-in window goes; the callback page hands the response to this page.
    Popup,
    /// A hidden frame goes, with `prompt=none`; the callback page in it hands the response to
    /// this page.
    Silent,
}

fn pending_key(config: &Config) -> String {
    format!("{}:pending", config.storage_namespace())
}

fn session_key(config: &Config) -> String {
    format!("{}:session", config.storage_namespace())
}

fn account_key(config: &Config) -> String {
    format!("{}:account", config.storage_namespace())
}

/// Records a fresh pending request, and how its response will come back, and returns the
/// authorize URL to visit. For a popup, call it before opening the window (the window's copy
/// of `sessionStorage` is taken when it opens).
pub fn prepare_sign_in(config: &Config, return_to: &str, via: Via) -> Result<Url, BrowserError> {
    let redirect = config.redirect.as_ref().ok_or(BrowserError::NoSignIn)?;
    let pending = PendingRequest::new(
        config,
        redirect,
        random::random_bytes::<STATE_BYTES>()?,
        random::random_bytes::<VERIFIER_BYTES>()?,
        return_to,
        now_ms(),
    );
    storage::set(&pending_key(config), &pending.to_stored());
    let state = pending.state.secret();
    match via {
        // static/callback.js reads this to return to the page that left (an in-app route,
        // never anything from the callback URL).
        Via::Redirect => {
            storage::remove(POPUP_KEY);
            storage::remove(SILENT_KEY);
            storage::set(
                RETURN_KEY,
                &note(&[("state", state), ("to", &pending.return_to)]),
            );
        }
        Via::Popup => {
            storage::remove(RETURN_KEY);
            storage::remove(SILENT_KEY);
            storage::set(POPUP_KEY, &note(&[("state", state)]));
        }
        Via::Silent => {
            storage::remove(RETURN_KEY);
            storage::remove(POPUP_KEY);
            storage::set(SILENT_KEY, &note(&[("state", state)]));
        }
    }
    let mut url = pending.authorize_url(redirect);
    if via == Via::Silent {
        // OpenID Connect Core §3.1.2.1, which OAuth servers share: answer without any page.
        url.append_pair("prompt", "none");
    }
    Ok(url)
}

/// A note for `static/callback.js`, as the JSON it reads (built by the browser's own JSON).
fn note(fields: &[(&str, &str)]) -> String {
    let object = js_sys::Object::new();
    for (k, v) in fields {
        let _ = js_sys::Reflect::set(&object, &(*k).into(), &(*v).into());
    }
    js_sys::JSON::stringify(&object).map_or_else(|_| String::new(), String::from)
}

/// Whether `response` answers this configuration's pending request (nothing is consumed).
pub fn is_ours(config: &Config, response: &Response) -> bool {
    storage::get(&pending_key(config))
        .and_then(|t| PendingRequest::from_stored(&t))
        .is_some_and(|p| response.answers(&p))
}

/// Checks a callback against this tab's pending request, which is deleted first whatever the
/// outcome (its PKCE verifier with it), so the same callback can never be accepted twice. An
/// implicit session is kept at once; a code is for the caller to redeem.
pub fn finish_sign_in(config: &Config, response: Response) -> Result<Answer, CallbackError> {
    let pending = storage::take(&pending_key(config)).and_then(|t| PendingRequest::from_stored(&t));
    forget_notes();
    let answer = callback::complete(response, pending, &config.provider, now_ms())?;
    if let Answer::Session(done) = &answer {
        keep_session(config, &done.session);
    }
    Ok(answer)
}

/// Keeps a new session in `sessionStorage`, when the configuration opted in (the access
/// token and what came with it; a refresh token never).
pub fn keep_session(config: &Config, session: &Session) {
    if config.token_storage == TokenStorage::Session {
        storage::set(&session_key(config), &session.to_stored());
    }
}

/// The session kept in `sessionStorage`, when the configuration opted in and it is still alive.
pub fn restore_session(config: &Config) -> Option<Session> {
    if config.token_storage != TokenStorage::Session {
        return None;
    }
    let text = storage::get(&session_key(config))?;
    let session = Session::restore(&text, &config.provider, now_ms());
    if session.is_none() {
        storage::remove(&session_key(config));
    }
    session
}

/// Forgets the kept session only (its token has expired): a renewal's pending request stays.
pub fn forget_session(config: &Config) {
    storage::remove(&session_key(config));
}

/// Forgets the session, the chosen account and any pending request.
pub fn sign_out(config: &Config) {
    forget_session(config);
    storage::remove(&account_key(config));
    storage::remove(&pending_key(config));
    forget_notes();
}

fn forget_notes() {
    storage::remove(RETURN_KEY);
    storage::remove(POPUP_KEY);
    storage::remove(SILENT_KEY);
}

/// Starts a session from a pasted token: Harvest's personal access tokens (with the account
/// id shown beside them), or the only way in for providers without a browser grant. It is held
/// like an OAuth token: in memory unless the configuration opts into `sessionStorage`. Pasted
/// tokens carry no expiry the app can know.
pub fn personal_session(config: &Config, token: &str, account_id: Option<u64>) -> Session {
    let scope = match (&config.account_product, account_id) {
        (Some(product), Some(id)) => format!("{}:{id}", product.id()),
        _ => String::new(),
    };
    let session = Session {
        provider: config.provider.clone(),
        access_token: crate::oauth::AccessToken::new(token.trim()),
        expires_at_ms: None,
        scope: crate::oauth::Scope::parse(&scope),
    };
    if config.token_storage == TokenStorage::Session {
        storage::set(&session_key(config), &session.to_stored());
    }
    session
}

/// Remembers the account the person chose, for this session (kept across reloads only when
/// the session itself is).
pub fn remember_account(config: &Config, account_id: u64) {
    if config.token_storage == TokenStorage::Session {
        storage::set(&account_key(config), &account_id.to_string());
    }
}

/// The account this person chose last time with this configuration, if kept.
pub fn remembered_account(config: &Config) -> Option<u64> {
    storage::get(&account_key(config))?.parse().ok()
}

/// Deletes the pending request without using it: a callback that could not even be parsed
/// still consumes it.
pub fn discard_pending(config: &Config) {
    storage::remove(&pending_key(config));
    forget_notes();
}
