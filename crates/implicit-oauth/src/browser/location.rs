//! Reading the callback from the address bar and wiping it.
//!
//! The callback URL holds the token (and `state`); left in the address bar it would reach
//! history, bookmarks, screenshots, and the `Referer` of the next request. So it is replaced
//! (`history.replaceState`, no new history entry) the moment it has been read, before the first
//! render and before any network request.

use super::{storage, window, BrowserError};
use crate::oauth::callback::{self, Response};
use crate::oauth::CallbackError;
use wasm_bindgen::JsValue;

/// Where `static/callback.js` notes the path the provider delivered a response to, before it
/// moves the response on to the embedding page (a full-page redirect sign-in).
pub const ARRIVED_KEY: &str = "implicit-oauth:arrived-at";

/// Which URLs may hold a response for this page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// This page is a redirect URI itself (the standalone app): a response delivered straight
    /// to it, or handed on by the callback page.
    Direct,
    /// Only a response the callback page handed on (an embedding host page, whose own URLs
    /// may carry `state` or `error` parameters of its own: those are not touched).
    HandedOn,
}

/// The callback in the current URL, if there is one; the URL is cleaned as a side effect.
/// The response is marked with the path it arrived at: this page's, or the callback page's that
/// handed it on (recorded only by that page, so a link straight to this page cannot claim it).
pub fn take_callback(arrival: Arrival) -> Option<Result<Response, CallbackError>> {
    let location = window().ok()?.location();
    // The callback page's mark is taken whatever follows, so a mark it left for a response that
    // never got read cannot vouch for a later one.
    let handed_on_from = storage::take(ARRIVED_KEY);
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let fragment = hash.trim_start_matches('#');
    let direct = || callback::parse(search.trim_start_matches('?'), fragment);
    let (parsed, handed_on_from) = match (handed_on_from, arrival) {
        // The callback page puts the whole response in the fragment; this page's own query
        // is the route's, not the provider's.
        (Some(from), arrival) => match (callback::parse("", fragment), arrival) {
            (Ok(None), Arrival::Direct) => (direct(), None),
            (handed_on, _) => (handed_on, Some(from)),
        },
        (None, Arrival::Direct) => (direct(), None),
        (None, Arrival::HandedOn) => return None,
    };
    let parsed = parsed.transpose()?;
    // Cleaning cannot fail in a way we could recover from; if it did, the person still sees
    // an error or the session, and the token dies with the page.
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    let keep = match handed_on_from {
        Some(_) => format!("{path}{search}"),
        None => path.clone(),
    };
    let _ = replace_url(&keep);
    let arrived_at = handed_on_from.unwrap_or(path);
    Some(parsed.map(|r| r.at(&arrived_at)))
}

/// Replaces the current history entry's URL with `route` (same origin), adding no entry.
pub fn replace_url(route: &str) -> Result<(), BrowserError> {
    window()?
        .history()
        .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(route)))
        .map_err(|_| BrowserError::Refused("to change the address bar"))
}

/// Leaves the page for `url` (the provider's authorize page).
pub fn navigate(url: &str) -> Result<(), BrowserError> {
    window()?
        .location()
        .assign(url)
        .map_err(|_| BrowserError::Refused("to navigate"))
}
