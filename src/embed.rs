//! What a host page calls: `mount(element, options)` returns a handle with `signIn()`,
//! `signOut()`, `session()`, `on(event, callback)` and `destroy()`.
//!
//! ```js
//! import init, { mount } from "/implicit-oauth.js";
//! await init();
//! const login = mount(document.getElementById("login"), { provider: "harvest", client_id: "…",
//!   authorize_url: "…", redirect_uri: location.origin + "/callback.html", api_base: "…" });
//! login.on("signedin", () => console.log(login.session()));
//! ```
//! Options are the fields of `config.json`, plus `sign_in` (`"popup"`, the default, or
//! `"redirect"`) and `popup_fallback` (`true`: a blocked popup turns into a redirect).
//!
//! `mount` trusts its caller: options written by the host's own script. Options that page
//! content can influence (the custom element's attributes, anything read from the DOM or the
//! URL) go with a third argument, the deployer's own configuration: then every provider URL in
//! the options must be on an origin that configuration uses, or `mount` throws.

use crate::app::{App, AppProps};
use implicit_oauth::js::{options_of, page_callback_for, session_object, Listeners};
use implicit_oauth::ui::{AuthEvent, Command, Commands, ConfigSource, PendingCallback};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::{AppHandle, Callback};

/// A mounted component.
#[wasm_bindgen]
pub struct Handle {
    app: Option<AppHandle<App>>,
    commands: Commands,
    listeners: Listeners,
}

/// Mounts the component into `element`. Throws with the bad field named when the options are
/// invalid, or, given `allowed` (the deployer's configuration), when they name a provider
/// origin it does not.
#[wasm_bindgen]
pub fn mount(
    element: web_sys::Element,
    options: JsValue,
    allowed: Option<js_sys::Object>,
) -> Result<Handle, JsError> {
    let (mode, config) = options_of(options, allowed)?;
    let config = Rc::new(config);
    let listeners = Listeners::default();
    let on_event = {
        let listeners = listeners.clone();
        Callback::from(move |event: AuthEvent| listeners.emit(&event))
    };
    let commands = Commands::default();
    let props = AppProps {
        callback: PendingCallback::new(page_callback_for(&config)),
        config: ConfigSource::Given(config),
        mode,
        on_event,
        commands: commands.clone(),
        owns_page: false,
    };
    let app = yew::Renderer::<App>::with_root_and_props(element, props).render();
    Ok(Handle {
        app: Some(app),
        commands,
        listeners,
    })
}

#[wasm_bindgen]
impl Handle {
    /// Starts a sign-in. Call it from a click handler: the sign-in window must open
    /// synchronously or the browser blocks it.
    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&self) -> bool {
        self.commands.send(Command::SignIn)
    }

    /// Signs in again through a sign-in window without leaving the page (signed in, or just
    /// expired). Call it from a click handler.
    pub fn renew(&self) -> bool {
        self.commands.send(Command::Renew)
    }

    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self) -> bool {
        self.commands.send(Command::SignOut)
    }

    /// `{signedIn, provider, scope, expiresAt}`; the raw token only with `session(true)`.
    pub fn session(&self, include_token: Option<bool>) -> JsValue {
        session_object(self.commands.session(), include_token == Some(true))
    }

    /// Calls `callback(detail)` on `signedin`, `signedout`, `expired` or `error`.
    pub fn on(&self, event: String, callback: js_sys::Function) -> Result<(), JsError> {
        self.listeners.add(event, callback)
    }

    /// Removes the component: its DOM, listeners, timers and sign-in window watch. The session
    /// kept in memory goes with it; a stored one stays until sign-out.
    pub fn destroy(&mut self) {
        self.listeners.clear();
        self.commands.shut_down();
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}
