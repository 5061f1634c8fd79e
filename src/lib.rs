//! implicit-oauth: sign in with the OAuth 2.0 implicit grant from a Yew/WebAssembly app, then call
//! the provider's API from the browser over CORS.
//!
//! Layers, arrows pointing down only: `ui` → `browser` → `oauth` (pure, native-tested).

pub mod api;
pub mod dashboard;
pub mod oauth;
pub mod state;
pub mod weburl;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(all(target_arch = "wasm32", feature = "app"))]
pub mod embed;
#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(all(target_arch = "wasm32", feature = "yew"))]
pub mod ui;
