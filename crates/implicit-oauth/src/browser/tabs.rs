//! Tabs in step: signing out in one tab signs out every other tab (and component) of the same
//! app and provider.
//!
//! A `BroadcastChannel` reaches only pages of this origin. It is named after the
//! configuration's storage namespace (provider and client id), so another provider's or
//! another client's tabs do not hear it, and it carries one fixed message, never a token:
//! a same-origin script that posts it can only sign this origin's tabs out, which it could do
//! anyway.

use crate::oauth::Config;
use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

/// The one message: "signed out".
const SIGNED_OUT: &str = "implicit-oauth:signedout";

/// This tab's end of the channel; closed when dropped.
pub(crate) struct Tabs {
    channel: BroadcastChannel,
    _listener: EventListener,
}

impl Tabs {
    /// Listens for the other tabs of `config`'s app and provider: `on_signed_out` runs when
    /// one of them signs out. `None` where the browser has no `BroadcastChannel` (each tab
    /// then goes its own way, as before).
    pub(crate) fn open(config: &Config, on_signed_out: impl Fn() + 'static) -> Option<Tabs> {
        let channel = BroadcastChannel::new(&channel_name(config)).ok()?;
        let listener = EventListener::new(&channel, "message", move |event| {
            let said = event
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string());
            if said.as_deref() == Some(SIGNED_OUT) {
                on_signed_out();
            }
        });
        Some(Tabs {
            channel,
            _listener: listener,
        })
    }

    /// Tells the other tabs that this one signed out.
    pub(crate) fn signed_out(&self) {
        let _ = self.channel.post_message(&JsValue::from_str(SIGNED_OUT));
    }
}

impl Drop for Tabs {
    fn drop(&mut self) {
        self.channel.close();
    }
}

/// The channel of one app (client id) and provider.
fn channel_name(config: &Config) -> String {
    format!("{}:tabs", config.storage_namespace())
}
