//! Sign in with the OAuth 2.0 implicit grant from a browser WebAssembly app, then call the
//! provider's API over CORS.
//!
//! Layers, arrows pointing down only; each rule lives in the file named for it:
//!
//! | layer | where | what |
//! |---|---|---|
//! | Yew face (feature `yew`) | [`ui`] | `AuthProvider`, `use_auth`, the gates |
//! | JS faces | `js` (helpers), `client` (feature `js`: the headless `Client`) | for pages in JavaScript |
//! | browser | `browser` (wasm32 only) | the [`AuthController`](browser::controller::AuthController) and every side effect: location, storage, popups, fetch, timers |
//! | reducer | [`state`] | what the sign-in shows, as a pure state machine |
//! | cores | [`oauth`], [`api`], [`weburl`] | the protocol and the API rules, pure Rust, tested natively |
//!
//! ```toml
//! [dependencies]
//! implicit-oauth = { version = "0.1", features = ["yew"] }
//! yew = { version = "0.23", features = ["csr"] }
//! ```
//! The [`prelude`] has what an app uses; `examples/yew-app` in the repository is a complete,
//! compiled example.
#![warn(missing_docs)]

pub mod api;
pub mod oauth;
pub mod state;
pub mod weburl;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(all(target_arch = "wasm32", feature = "yew"))]
pub mod ui;

#[cfg(all(test, target_arch = "wasm32", feature = "yew"))]
mod web_tests;

/// What an app built on the crate uses.
pub mod prelude {
    pub use crate::api::ApiError;
    #[cfg(target_arch = "wasm32")]
    pub use crate::browser::api_client::ApiClient;
    #[cfg(target_arch = "wasm32")]
    pub use crate::browser::controller::{AuthController, AuthEvent, ConfigSource, SignInMode};
    pub use crate::oauth::{Config, ConfigError, Product, Scope, Session};
    pub use crate::state::Screen;
    #[cfg(all(target_arch = "wasm32", feature = "yew"))]
    pub use crate::ui::{use_auth, Auth, AuthProvider, Authenticated, NotAuthenticated};
}
