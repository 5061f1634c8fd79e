//! Popup sign-in: the authorize page opens in a small window and the callback page hands the
//! result back, so a host page keeps its URL, scroll position and form state.
//!
//! The window must be opened synchronously inside the click (no `await` before `window.open`),
//! or browsers block it; the pending request is stored before it opens (the window's copy of
//! `sessionStorage` is taken then, and the callback page reads how to answer from it).
//!
//! A result is accepted from the window we opened, from this page's own origin, once. When the
//! host page sends `Cross-Origin-Opener-Policy: same-origin`, the browser cuts the window off
//! from this page as soon as it leaves for the provider: from here it then looks closed, and
//! the callback page answers over a `BroadcastChannel` instead. Any same-origin page could
//! post there, so such a result is accepted only if its `state` is the one we are waiting for
//! (checked by the caller), and the accepting page says so on the channel so that the window
//! can close itself.

use super::{http, random, window};
use gloo_events::EventListener;
use gloo_timers::callback::{Interval, Timeout};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent, Window};

/// The message type the callback page posts.
pub const MESSAGE_TYPE: &str = "implicit-oauth:callback";
/// What the accepting page answers on the channel.
pub const ACCEPTED_TYPE: &str = "implicit-oauth:accepted";
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

/// Opens an empty sign-in window under a name of its own (two sign-ins, in two instances or
/// two tabs, never share a window); `None` when the browser blocked it.
pub fn open_blank() -> Option<Window> {
    let name = random::random_bytes::<8>().ok()?.iter().fold(
        String::from("implicit-oauth-"),
        |mut name, b| {
            name.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
            name.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
            name
        },
    );
    window()
        .ok()?
        .open_with_url_and_target_and_features("", &name, "popup=yes,width=520,height=680")
        .ok()
        .flatten()
}

/// Watches a sign-in window until it answers or closes; dropping the watch removes every
/// listener, closes the channel and stops the polling.
pub struct PopupWatch {
    popup: Window,
    alive: Rc<Cell<bool>>,
    _on_message: EventListener,
    _on_broadcast: Option<(BroadcastChannel, EventListener)>,
    _poll: Interval,
    _grace: Rc<RefCell<Option<Timeout>>>,
}

fn field(data: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(data, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

pub(crate) fn read(data: &JsValue) -> Option<PopupResult> {
    (field(data, "type")? == MESSAGE_TYPE).then(|| PopupResult::Callback {
        query: field(data, "query").unwrap_or_default(),
        fragment: field(data, "fragment").unwrap_or_default(),
        path: field(data, "path").unwrap_or_default(),
    })
}

impl PopupWatch {
    /// `on_result` is called at most once, for a window message or a close; broadcast results
    /// go to `on_broadcast`, which must check `state` before believing them and returns
    /// whether it did.
    pub fn start(
        popup: Window,
        on_result: Rc<dyn Fn(PopupResult)>,
        on_broadcast: Rc<dyn Fn(PopupResult) -> bool>,
    ) -> PopupWatch {
        let alive = Rc::new(Cell::new(true));
        let popup_handle = popup.clone();
        let origin = window()
            .ok()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let target: web_sys::EventTarget = match window() {
            Ok(w) => w.into(),
            Err(_) => web_sys::EventTarget::new().expect("an EventTarget"),
        };
        let on_message = {
            let (alive, popup, on_result) = (alive.clone(), popup.clone(), on_result.clone());
            EventListener::new(&target, "message", move |event| {
                let Some(event) = event.dyn_ref::<MessageEvent>() else {
                    return;
                };
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
        let on_broadcast = BroadcastChannel::new(CHANNEL).ok().map(|channel| {
            let (alive, answer) = (alive.clone(), channel.clone());
            let listener = EventListener::new(&channel, "message", move |event| {
                let Some(data) = event.dyn_ref::<MessageEvent>().map(MessageEvent::data) else {
                    return;
                };
                if let (true, Some(result)) = (alive.get(), read(&data)) {
                    if on_broadcast(result) {
                        alive.set(false);
                        // Lets the cut-off window know it was heard, so it closes itself.
                        let accepted = js_sys::Object::new();
                        let set = |k: &str, v: JsValue| {
                            let _ = js_sys::Reflect::set(&accepted, &JsValue::from_str(k), &v);
                        };
                        set("type", JsValue::from_str(ACCEPTED_TYPE));
                        set("id", JsValue::from(field(&data, "id").unwrap_or_default()));
                        let _ = answer.post_message(&accepted);
                    }
                }
            });
            (channel, listener)
        });
        // Polls for a window closed early. Behind a host page whose Cross-Origin-Opener-Policy
        // cuts windows off, a window looks closed from here as soon as it reaches the
        // provider, and from then on a real close cannot be told from that. (Guessing from
        // whether it was first seen open on the provider's origin failed once in a loaded
        // test run.) So the first time it looks closed, this page's policy is asked (once):
        // if it cuts windows off, the sign-in goes on and its result comes over the channel
        // (Cancel ends the wait); if not, the window was closed. The grace timer gives a
        // result already posted by the closing callback page time to arrive.
        let grace = Rc::new(RefCell::new(None::<Timeout>));
        let cut_off = Rc::new(Cell::new(None::<bool>));
        let asked = Cell::new(false);
        let poll = {
            let (alive, grace) = (alive.clone(), grace.clone());
            Interval::new(100, move || {
                if !alive.get() || grace.borrow().is_some() || !popup.closed().unwrap_or(true) {
                    return;
                }
                if !asked.replace(true) {
                    let cut_off = cut_off.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        // No answer: the window is taken as closed, as without COOP.
                        let answer = http::page_cuts_off_popups().await;
                        cut_off.set(Some(answer.unwrap_or(false)));
                    });
                }
                // Until the answer is in, or for good when the window was cut off.
                if cut_off.get() != Some(false) {
                    return;
                }
                let (alive, on_result) = (alive.clone(), on_result.clone());
                *grace.borrow_mut() = Some(Timeout::new(CLOSE_GRACE_MS, move || {
                    if alive.get() {
                        alive.set(false);
                        on_result(PopupResult::Closed);
                    }
                }));
            })
        };
        PopupWatch {
            popup: popup_handle,
            alive,
            _on_message: on_message,
            _on_broadcast: on_broadcast,
            _poll: poll,
            _grace: grace,
        }
    }
}

impl PopupWatch {
    /// Closes the sign-in window, where this page can still reach it (a window cut off by
    /// Cross-Origin-Opener-Policy cannot be closed from here).
    pub fn close_window(&self) {
        let _ = self.popup.close();
    }
}

impl Drop for PopupWatch {
    fn drop(&mut self) {
        self.alive.set(false);
        if let Some((channel, _)) = &self._on_broadcast {
            channel.close();
        }
    }
}
