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

use crate::browser::location;
use crate::oauth::callback::Response;
use crate::oauth::{CallbackError, Config};
use crate::ui::{
    App, AppProps, AuthEvent, Command, Commands, ConfigSource, PendingCallback, SignInMode,
};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::{AppHandle, Callback};

/// Event names a host can listen to.
const EVENTS: [&str; 4] = ["signedin", "signedout", "expired", "error"];

thread_local! {
    /// A callback in the host page's URL (a redirect sign-in came back), read and wiped by the
    /// first `mount()`, then handed to the instance whose pending request it answers.
    static PAGE_CALLBACK: RefCell<Option<Option<Result<Response, CallbackError>>>> = const { RefCell::new(None) };
}

pub(crate) fn page_callback_for(config: &Config) -> PendingCallback {
    PAGE_CALLBACK.with(|slot| {
        let mut slot = slot.borrow_mut();
        // Only what the callback page handed on: the host's own URLs are the host's.
        let found =
            slot.get_or_insert_with(|| location::take_callback(location::Arrival::HandedOn));
        let ours = match found {
            Some(Ok(response)) => crate::browser::auth::is_ours(config, response),
            Some(Err(_)) => true,
            None => false,
        };
        PendingCallback::new(if ours { found.take() } else { None })
    })
}

/// The host's event listeners, by event name.
#[derive(Clone, Default)]
pub(crate) struct Listeners(Rc<RefCell<Vec<(String, js_sys::Function)>>>);

impl Listeners {
    /// Adds `callback` for `event` (one of [`EVENTS`]).
    pub(crate) fn add(&self, event: String, callback: js_sys::Function) -> Result<(), JsError> {
        if !EVENTS.contains(&event.as_str()) {
            return Err(JsError::new(&format!(
                "unknown event {event:?}: use one of {EVENTS:?}"
            )));
        }
        self.0.borrow_mut().push((event, callback));
        Ok(())
    }

    pub(crate) fn emit(&self, event: &AuthEvent) {
        let (name, detail) = describe(event);
        // Listeners are copied out first: one may call back into the handle.
        let targets: Vec<js_sys::Function> = self
            .0
            .borrow()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, f)| f.clone())
            .collect();
        for f in targets {
            let _ = f.call1(&JsValue::NULL, &detail);
        }
    }

    pub(crate) fn clear(&self) {
        self.0.borrow_mut().clear();
    }
}

/// A mounted component.
#[wasm_bindgen]
pub struct Handle {
    app: Option<AppHandle<App>>,
    commands: Commands,
    listeners: Listeners,
}

fn field(object: &JsValue, key: &str) -> Option<JsValue> {
    js_sys::Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// Reads a JavaScript object as a configuration, with the same rules as `config.json`.
fn config_of(object: &js_sys::Object) -> Result<Config, String> {
    let json: String = js_sys::JSON::stringify(object)
        .map_err(|_| "options must be a plain object".to_owned())?
        .into();
    Config::from_json(&json).map_err(|e| e.to_string())
}

/// The sign-in mode and the validated configuration in a host's options (see the module
/// docs), checked against `allowed` when given.
pub(crate) fn options_of(
    options: JsValue,
    allowed: Option<js_sys::Object>,
) -> Result<(SignInMode, Config), JsError> {
    let mode = match field(&options, "sign_in")
        .and_then(|v| v.as_string())
        .as_deref()
    {
        None | Some("popup") => SignInMode::Popup {
            fallback_to_redirect: field(&options, "popup_fallback")
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
        },
        Some("redirect") => SignInMode::Redirect,
        Some(other) => {
            return Err(JsError::new(&format!(
                "option `sign_in`: \"{other}\" is not \"popup\" or \"redirect\""
            )))
        }
    };
    // The rest are config.json's fields, validated by the same rules.
    let config_fields =
        js_sys::Object::assign(&js_sys::Object::new(), &js_sys::Object::from(options));
    for key in ["sign_in", "popup_fallback"] {
        let _ = js_sys::Reflect::delete_property(&config_fields, &JsValue::from_str(key));
    }
    let config = config_of(&config_fields).map_err(|e| JsError::new(&e))?;
    if let Some(allowed) = allowed {
        let allowed = config_of(&allowed)
            .map_err(|e| JsError::new(&format!("the allowed configuration: {e}")))?;
        config
            .check_within(&allowed)
            .map_err(|e| JsError::new(&e.to_string()))?;
    }
    Ok((mode, config))
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
        callback: page_callback_for(&config),
        config: ConfigSource::Given(config),
        mode,
        on_event,
        commands: commands.clone(),
    };
    let app = yew::Renderer::<App>::with_root_and_props(element, props).render();
    Ok(Handle {
        app: Some(app),
        commands,
        listeners,
    })
}

fn describe(event: &AuthEvent) -> (&'static str, JsValue) {
    let detail = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(k), &JsValue::from_str(v));
    };
    let name = match event {
        AuthEvent::SignedIn => "signedin",
        AuthEvent::SignedOut => "signedout",
        AuthEvent::Expired => "expired",
        AuthEvent::Error { code, message } => {
            set("code", code);
            set("message", message);
            "error"
        }
    };
    set("type", name);
    (name, detail.into())
}

#[wasm_bindgen]
impl Handle {
    /// Starts a sign-in. Call it from a click handler: the sign-in window must open
    /// synchronously or the browser blocks it.
    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&self) -> bool {
        self.commands.send(Command::SignIn)
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
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// What `session()` answers, for the component and the headless client alike.
pub(crate) fn session_object(
    session: Option<Rc<crate::oauth::Session>>,
    include_token: bool,
) -> JsValue {
    let out = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str(k), &v);
    };
    {
        set("signedIn", JsValue::from_bool(session.is_some()));
        if let Some(s) = session {
            set("provider", JsValue::from_str(&s.provider));
            set("scope", JsValue::from_str(&s.scope.to_string()));
            set(
                "expiresAt",
                s.expires_at_ms
                    .map_or(JsValue::NULL, |at| JsValue::from_f64(at as f64)),
            );
            if include_token {
                set("accessToken", JsValue::from_str(s.access_token.secret()));
            }
        }
    }
    out.into()
}
