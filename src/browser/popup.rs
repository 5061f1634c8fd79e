//! Popup sign-in: the authorize page opens in a small window and the callback page hands the
//! result back, so a host page keeps its URL, scroll position and form state.
//!
//! The window must be opened synchronously inside the click (no `await` before `window.open`),
//! or browsers block it. A result is accepted only from this page's own origin and from the
//! window we opened, once. `BroadcastChannel` covers an opener lost to
//! `Cross-Origin-Opener-Policy`; since any same-origin page could post there, such a result is
//! still accepted only if its `state` is the one we are waiting for (checked by the caller).

use super::window;
use gloo_timers::callback::{Interval, Timeout};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent, Window};

/// The message type the callback page posts.
pub const MESSAGE_TYPE: &str = "implicit-oauth:callback";
/// The `BroadcastChannel` the callback page falls back to.
pub const CHANNEL: &str = "implicit-oauth:callback";

/// How long a closed sign-in window may still deliver its result, in ms.
const CLOSE_GRACE_MS: u32 = 750;

/// What came back from the sign-in window.
pub enum PopupResult {
    /// The callback URL's query and fragment, as the callback page read them.
    Callback {
        query: String,
        fragment: String,
        /// The callback page's path: where the provider delivered the response.
        path: String,
    },
    Closed,
}

/// Opens an empty sign-in window; `None` when the browser blocked it.
pub fn open_blank() -> Option<Window> {
    window()
        .ok()?
        .open_with_url_and_target_and_features(
            "",
            "implicit-oauth-sign-in",
            "popup=yes,width=520,height=680",
        )
        .ok()
        .flatten()
}

/// Watches a sign-in window until it answers or closes; dropping the watch removes every
/// listener and stops the polling.
pub struct PopupWatch {
    alive: Rc<Cell<bool>>,
    on_message: Closure<dyn Fn(MessageEvent)>,
    channel: Option<BroadcastChannel>,
    /// Kept alive for as long as the channel may call it.
    _on_broadcast: Closure<dyn Fn(MessageEvent)>,
    poll: Option<Interval>,
    grace: Rc<RefCell<Option<Timeout>>>,
}

fn read(data: &JsValue) -> Option<PopupResult> {
    let field = |k: &str| {
        js_sys::Reflect::get(data, &JsValue::from_str(k))
            .ok()?
            .as_string()
    };
    (field("type")? == MESSAGE_TYPE).then(|| PopupResult::Callback {
        query: field("query").unwrap_or_default(),
        fragment: field("fragment").unwrap_or_default(),
        path: field("path").unwrap_or_default(),
    })
}

impl PopupWatch {
    /// `on_result` is called at most once for a window message or a close; broadcast
    /// results go to `on_broadcast`, which must check `state` before believing them.
    pub fn start(
        popup: Window,
        on_result: Rc<dyn Fn(PopupResult)>,
        on_broadcast: Rc<dyn Fn(PopupResult) -> bool>,
    ) -> PopupWatch {
        let alive = Rc::new(Cell::new(true));
        let origin = window()
            .ok()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let on_message = {
            let (alive, popup, on_result) = (alive.clone(), popup.clone(), on_result.clone());
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
                let from_our_popup = event
                    .source()
                    .is_some_and(|s| js_sys::Object::is(&s, &popup));
                if !alive.get() || event.origin() != origin || !from_our_popup {
                    return;
                }
                if let Some(result) = read(&event.data()) {
                    alive.set(false);
                    let _ = popup.close();
                    on_result(result);
                }
            })
        };
        if let Ok(w) = window() {
            let _ =
                w.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
        }
        let channel = BroadcastChannel::new(CHANNEL).ok();
        let on_broadcast = {
            let alive = alive.clone();
            Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
                if let (true, Some(result)) = (alive.get(), read(&event.data())) {
                    if on_broadcast(result) {
                        alive.set(false);
                    }
                }
            })
        };
        if let Some(c) = &channel {
            c.set_onmessage(Some(on_broadcast.as_ref().unchecked_ref()));
        }
        // Poll for a window closed early; the grace timer gives a result already posted by
        // the closing callback page time to arrive first.
        let grace = Rc::new(RefCell::new(None::<Timeout>));
        let poll = {
            let (alive, grace) = (alive.clone(), grace.clone());
            Interval::new(300, move || {
                if alive.get() && grace.borrow().is_none() && popup.closed().unwrap_or(true) {
                    let (alive, on_result) = (alive.clone(), on_result.clone());
                    *grace.borrow_mut() = Some(Timeout::new(CLOSE_GRACE_MS, move || {
                        if alive.get() {
                            alive.set(false);
                            on_result(PopupResult::Closed);
                        }
                    }));
                }
            })
        };
        PopupWatch {
            alive,
            on_message,
            channel,
            _on_broadcast: on_broadcast,
            poll: Some(poll),
            grace,
        }
    }
}

impl Drop for PopupWatch {
    fn drop(&mut self) {
        self.alive.set(false);
        drop(self.poll.take());
        drop(self.grace.borrow_mut().take());
        if let Ok(w) = window() {
            let _ = w.remove_event_listener_with_callback(
                "message",
                self.on_message.as_ref().unchecked_ref(),
            );
        }
        if let Some(c) = self.channel.take() {
            c.set_onmessage(None);
            c.close();
        }
    }
}
