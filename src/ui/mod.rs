//! Yew components. No protocol logic: they dispatch [`crate::state::Action`]s and render
//! [`crate::state::Screen`]s.
//!
//! For Rust apps: [`AuthProvider`], [`use_auth`], [`Authenticated`], [`NotAuthenticated`], and
//! [`Auth::client`] for API calls; or the whole [`App`].

mod app;
mod auth;
mod dashboard;
mod profile;
mod views;

pub use app::{App, AppProps};
pub use auth::{
    use_auth, Auth, AuthEvent, AuthProvider, AuthProviderProps, Authenticated, Command, Commands,
    ConfigSource, GateProps, NotAuthenticated, PendingCallback, SignInMode,
};
pub use dashboard::{Dashboard, DashboardProps};
pub use profile::{ProfileProps, ProfileView};

/// Starts the standalone app on `<body>`. `boot.js` calls it with the `config.json` beside the
/// app's own files (and the fetch of it already under way); nothing about the start is read
/// from the page's DOM, so markup on a page cannot start the app or choose its configuration.
#[cfg(feature = "app")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn start(config_url: String, config_fetch: Option<js_sys::Promise>) {
    use crate::browser::location;
    if let Some(fetch) = config_fetch {
        crate::browser::controller::hand_over_config_fetch(&config_url, fetch);
    }
    let callback = PendingCallback::new(location::take_callback(location::Arrival::Direct));
    // index.html's loading state (see there) makes way for the app.
    if let Some(loading) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app-loading"))
    {
        loading.remove();
    }
    yew::Renderer::<App>::with_props(AppProps {
        config: ConfigSource::Url(config_url),
        callback,
        mode: SignInMode::Redirect,
        on_event: yew::Callback::noop(),
        commands: Commands::default(),
    })
    .render();
}
