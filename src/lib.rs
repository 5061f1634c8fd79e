//! The Harvest app: the static site `make run` serves, built on the `implicit-oauth` crate like
//! any other Yew app.
//!
//! - [`harvest`]: the dashboard — its API models, the pure model of what it shows, the screen;
//! - [`profile`]: the signed-in screen for the other providers (who am I, granted scopes);
//! - `app`, `views`: the app's root and its status screens; `start`: what `boot.js` calls;
//!   `embed`: `mount()` and the `<implicit-oauth-app>` element for pages that embed the whole app.

pub mod harvest;
pub mod profile;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
mod start;
#[cfg(target_arch = "wasm32")]
pub mod views;
