//! What the JavaScript faces share (the component's `mount()` handle and the headless
//! `Client`): reading a host's options, the host's event listeners, the session object they
//! answer with, and the redirect sign-in that came back to the host page.

use crate::browser::controller::{AuthEvent, SignInMode};
use crate::browser::location;
use crate::oauth::callback::Response;
use crate::oauth::{CallbackError, Config, Session};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Event names a host can listen to.
const EVENTS: [&str; 5] = ["signedin", "signedout", "expiring", "expired", "error"];

thread_local! {
    /// A callback in the host page's URL (a redirect sign-in came back), read and wiped by the
    /// first `mount()`, then handed to the instance whose pending request it answers.
    static PAGE_CALLBACK: RefCell<Option<Option<Result<Response, CallbackError>>>> = const { RefCell::new(None) };
}

/// A sign-in response handed on to this page by the callback page, for a component
/// embedded in a host page: only responses meant for `config` are taken.
pub fn page_callback_for(config: &Config) -> Option<Result<Response, CallbackError>> {
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
        if ours {
            found.take()
        } else {
            None
        }
    })
}

/// The host's event listeners, by event name.
#[derive(Clone, Default)]
pub struct Listeners(Rc<RefCell<Vec<(String, js_sys::Function)>>>);

impl Listeners {
    /// Adds `callback` for `event` (one of [`EVENTS`]).
    pub fn add(&self, event: String, callback: js_sys::Function) -> Result<(), JsError> {
        if !EVENTS.contains(&event.as_str()) {
            return Err(JsError::new(&format!(
                "unknown event \"{event}\": use one of {}",
                EVENTS.join(", ")
            )));
        }
        self.0.borrow_mut().push((event, callback));
        Ok(())
    }

    /// Calls every listener of `event`'s name with its detail object.
    pub fn emit(&self, event: &AuthEvent) {
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

    /// Removes every listener.
    pub fn clear(&self) {
        self.0.borrow_mut().clear();
    }
}

fn describe(event: &AuthEvent) -> (&'static str, JsValue) {
    let detail = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(k), &JsValue::from_str(v));
    };
    let name = match event {
        AuthEvent::SignedIn => "signedin",
        AuthEvent::SignedOut => "signedout",
        AuthEvent::Expiring { expires_at_ms } => {
            let _ = js_sys::Reflect::set(
                &detail,
                &JsValue::from_str("expiresAt"),
                &JsValue::from_f64(*expires_at_ms as f64),
            );
            "expiring"
        }
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

fn field(object: &JsValue, key: &str) -> Option<JsValue> {
    js_sys::Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// A copy of a host's options without the sign-in mode (`sign_in`, `popup_fallback`), which is
/// no field of `config.json`.
fn without_mode(options: &js_sys::Object) -> js_sys::Object {
    let fields = js_sys::Object::assign(&js_sys::Object::new(), options);
    for key in ["sign_in", "popup_fallback"] {
        let _ = js_sys::Reflect::delete_property(&fields, &JsValue::from_str(key));
    }
    fields
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
pub fn options_of(
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
    let config =
        config_of(&without_mode(&js_sys::Object::from(options))).map_err(|e| JsError::new(&e))?;
    if let Some(allowed) = allowed {
        // The same object may serve as both (`createClient(options, options)`).
        let allowed = config_of(&without_mode(&allowed))
            .map_err(|e| JsError::new(&format!("the allowed configuration: {e}")))?;
        config
            .check_within(&allowed)
            .map_err(|e| JsError::new(&e.to_string()))?;
    }
    Ok((mode, config))
}

/// What `session()` answers, for the component and the headless client alike.
pub fn session_object(session: Option<Rc<Session>>, include_token: bool) -> JsValue {
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
