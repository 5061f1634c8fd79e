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

use crate::browser::location;
use yew::Callback;

/// Starts the standalone app when this page is the app's own `index.html` (it carries the
/// `implicit-oauth-boot` script); on a host page it does nothing.
pub fn start_if_standalone() {
    if boot_script().is_some() {
        start();
    }
}

fn boot_script() -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .get_element_by_id("implicit-oauth-boot")
}

/// `config.json` beside the app's own files (where the boot script lives), so that the app
/// also finds it when opened on a deeper path, e.g. a provider's callback `/callback/aha`.
fn config_url() -> String {
    let beside_boot = || {
        let page = crate::weburl::Url::parse(&web_sys::window()?.location().href().ok()?).ok()?;
        let boot = page.join(&boot_script()?.get_attribute("src")?).ok()?;
        Some(boot.join("config.json").ok()?.to_string())
    };
    beside_boot().unwrap_or_else(|| "config.json".into())
}

/// The `config.json` fetch `boot.js` started while the wasm was loading, taken once (a later
/// load, e.g. after a retry, fetches afresh).
pub(crate) fn started_config_fetch() -> Option<js_sys::Promise> {
    use wasm_bindgen::JsCast;
    let boot = boot_script()?;
    let key = wasm_bindgen::JsValue::from_str("config");
    let fetch = js_sys::Reflect::get(&boot, &key).ok()?;
    let _ = js_sys::Reflect::delete_property(&boot, &key);
    fetch.dyn_into().ok()
}

/// Entry point of the standalone app: reads (and wipes) any callback from the address bar
/// before the first render, then mounts [`App`] on `<body>`.
pub fn start() {
    let callback = PendingCallback::new(location::take_callback());
    yew::Renderer::<App>::with_props(AppProps {
        config: ConfigSource::Url(config_url()),
        callback,
        mode: SignInMode::Redirect,
        on_event: Callback::noop(),
        commands: Commands::default(),
    })
    .render();
}
