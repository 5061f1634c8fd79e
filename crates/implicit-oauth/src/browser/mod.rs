//! The only layer that touches `web_sys`/`js_sys`: location and history, storage, randomness,
//! the clock, and fetch. Everything above it is plain Rust.

pub mod api_client;
pub(crate) mod auth;
pub mod controller;
pub(crate) mod expiry;
pub(crate) mod http;
pub mod location;
pub(crate) mod popup;
pub(crate) mod random;
pub(crate) mod silent;
pub(crate) mod storage;
pub(crate) mod tabs;

pub use auth::{remember_account, remembered_account};
use thiserror::Error;

/// A browser facility was missing or refused. Carries no page data.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum BrowserError {
    #[error("This page is not running in a browser window.")]
    /// No `window`: not running in a browser page.
    NoWindow,
    #[error("The browser refused {0}.")]
    /// The browser refused a facility (storage, crypto, history).
    Refused(&'static str),
    #[error("This provider has no sign-in for browser apps: paste an access token instead.")]
    /// The provider has no browser grant.
    NoSignIn,
}

pub(crate) fn window() -> Result<web_sys::Window, BrowserError> {
    web_sys::window().ok_or(BrowserError::NoWindow)
}

/// Wall-clock milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
