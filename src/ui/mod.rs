//! Yew components. No protocol logic: they dispatch [`crate::state::Action`]s and render
//! [`crate::state::Screen`]s.
//!
//! For Rust apps: [`AuthProvider`], [`use_auth`], [`Authenticated`], [`NotAuthenticated`], and
//! [`Auth::client`] for API calls; or the whole [`App`].

mod app;
mod auth;
mod dashboard;
mod views;

pub use app::{App, AppProps};
pub use auth::{
    use_auth, Auth, AuthEvent, AuthProvider, AuthProviderProps, Authenticated, Command, Commands,
    ConfigSource, GateProps, NotAuthenticated, PendingCallback, SignInMode,
};
pub use dashboard::{Dashboard, DashboardProps};

use crate::browser::location;
use yew::Callback;

/// Starts the standalone app when this page is the app's own `index.html` (it carries the
/// `implicit-oauth-boot` script); on a host page it does nothing.
pub fn start_if_standalone() {
    let standalone = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("implicit-oauth-boot"))
        .is_some();
    if standalone {
        start();
    }
}

/// Entry point of the standalone app: reads (and wipes) any callback from the address bar
/// before the first render, then mounts [`App`] on `<body>`.
pub fn start() {
    let callback = PendingCallback::new(location::take_callback());
    yew::Renderer::<App>::with_props(AppProps {
        config: ConfigSource::Url("config.json".into()),
        callback,
        mode: SignInMode::Redirect,
        on_event: Callback::noop(),
        commands: Commands::default(),
    })
    .render();
}
