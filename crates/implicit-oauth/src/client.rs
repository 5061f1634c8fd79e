//! The headless JavaScript client: the auth controller with no UI of its own, for pages that
//! draw their own sign-in button and screens.
//!
//! ```js
//! import init, { Client } from "./implicit-oauth.js";
//! await init();
//! const client = new Client({ preset: "harvest", client_id: "…",
//!   redirect_uri: new URL("callback.html", import.meta.url).href });
//! client.on("signedin", async () => console.log(await client.get("users/me", accountId)));
//! await client.ready();
//! button.onclick = () => client.signIn();
//! ```
//! Options are `mount()`'s (see `js.rs` and `embed.rs`), with the same optional allow-list
//! second argument.

use crate::browser::api_client::ApiClient;
use crate::browser::controller::{AuthController, ConfigSource};
use crate::js::{options_of, page_callback_for, session_object, Listeners};
use crate::oauth::Session;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// The API client of the session it was made for.
type SessionApi = Rc<RefCell<Option<(Rc<Session>, ApiClient)>>>;

/// A sign-in client without UI.
#[wasm_bindgen]
pub struct Client {
    controller: Option<AuthController>,
    listeners: Listeners,
    ready: js_sys::Promise,
    /// The API client of the current session: one limiter paces every call of a session.
    api: SessionApi,
}

#[wasm_bindgen]
impl Client {
    /// Validates `options` (throwing with the bad field named) and starts: a sign-in that came
    /// back to this page is finished, or a kept session restored; [`Client::ready`] says when.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, allowed: Option<js_sys::Object>) -> Result<Client, JsError> {
        let (mode, config) = options_of(options, allowed)?;
        if config.redirect().is_none() {
            return Err(JsError::new(
                "option `grant`: this provider has no browser sign-in (its tokens are pasted), \
                 which the client cannot do",
            ));
        }
        let listeners = Listeners::default();
        let controller = {
            let listeners = listeners.clone();
            AuthController::new(mode, |_| {}, move |event| listeners.emit(&event))
        };
        let config = Rc::new(config);
        let callback = page_callback_for(&config);
        let starting = controller.clone();
        let ready = future_to_promise(async move {
            starting.start(ConfigSource::Given(config), callback).await;
            Ok(JsValue::UNDEFINED)
        });
        Ok(Client {
            controller: Some(controller),
            listeners,
            ready,
            api: Rc::default(),
        })
    }

    /// Resolves once the start is done (a returning sign-in finished, or a kept session
    /// restored); events for it have fired by then.
    pub fn ready(&self) -> js_sys::Promise {
        self.ready.clone()
    }

    /// Starts a sign-in. Call it from a click handler: the sign-in window must open
    /// synchronously or the browser blocks it. `false` after `destroy()`.
    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&self) -> bool {
        self.controller
            .as_ref()
            .map(AuthController::sign_in)
            .is_some()
    }

    /// Signs in again through a sign-in window without leaving the page, while signed in or
    /// once the session has expired; `signedin` fires with the new session. Call it from a
    /// click handler. `false` after `destroy()`.
    pub fn renew(&self) -> bool {
        self.controller
            .as_ref()
            .map(AuthController::renew)
            .is_some()
    }

    /// Forgets the session, the chosen account and any pending request.
    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self) -> bool {
        self.controller
            .as_ref()
            .map(AuthController::sign_out)
            .is_some()
    }

    /// `{signedIn, provider, scope, expiresAt}`; the raw token only with `session(true)`.
    pub fn session(&self, include_token: Option<bool>) -> JsValue {
        let session = self.controller.as_ref().and_then(AuthController::session);
        session_object(session, include_token == Some(true))
    }

    /// The provider's name as the person knows it ("Harvest"), once the options are read.
    #[wasm_bindgen(getter)]
    pub fn title(&self) -> Option<String> {
        let config = self.controller.as_ref()?.config()?;
        Some(config.title.clone())
    }

    /// Calls `callback(detail)` on `signedin`, `signedout`, `expired` or `error`.
    pub fn on(&self, event: String, callback: js_sys::Function) -> Result<(), JsError> {
        self.listeners.add(event, callback)
    }

    /// GETs `path` under the configured API base with the session's token (the configured
    /// transport; `account_id` where the provider needs one, as Harvest does), paced by the
    /// session's rate limiter; resolves to the parsed JSON. A 401 ends the session.
    pub fn get(&self, path: String, account_id: Option<f64>) -> js_sys::Promise {
        let controller = self.controller.clone();
        let api = self.api.clone();
        future_to_promise(async move {
            let controller = controller.ok_or_else(|| JsError::new("this client was destroyed"))?;
            let session = controller
                .session()
                .ok_or_else(|| JsError::new("not signed in"))?;
            let client = {
                let mut slot = api.borrow_mut();
                match &*slot {
                    Some((for_session, client)) if Rc::ptr_eq(for_session, &session) => {
                        client.clone()
                    }
                    _ => {
                        let client = controller
                            .client()
                            .ok_or_else(|| JsError::new("not signed in"))?;
                        *slot = Some((session.clone(), client.clone()));
                        client
                    }
                }
            };
            let client = match account_id {
                Some(id) if id.fract() == 0.0 && id >= 0.0 => client.for_account(id as u64),
                _ => client,
            };
            // Parsed by the browser's own JSON: no JSON parser of ours in the package.
            match client.get_text(&path, None).await {
                Ok((body, _)) => js_sys::JSON::parse(&body)
                    .map_err(|_| JsError::new(&crate::api::ApiError::Malformed.to_string()).into()),
                Err(crate::api::ApiError::Unauthorized) => {
                    // Only for the session the request was sent with: a late 401 for a token
                    // that a renewal or refresh has replaced ends nothing.
                    if controller
                        .session()
                        .is_some_and(|s| Rc::ptr_eq(&s, &session))
                    {
                        controller.unauthorized();
                    }
                    Err(JsError::new(&crate::api::ApiError::Unauthorized.to_string()).into())
                }
                Err(e) => Err(JsError::new(&e.to_string()).into()),
            }
        })
    }

    /// Stops the client: its listeners, timers and sign-in window watch. The session kept in
    /// memory goes with it; a stored one stays until sign-out.
    pub fn destroy(&mut self) {
        self.listeners.clear();
        drop(self.api.borrow_mut().take());
        if let Some(controller) = self.controller.take() {
            controller.shut_down();
        }
    }
}
