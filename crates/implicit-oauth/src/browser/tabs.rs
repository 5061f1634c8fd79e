//! Tabs in step: signing out in one tab signs out every other tab (and component) of the same
//! app and provider; and, where the configuration opts in (`"share_session": true`), a new tab
//! asks the open ones for their live session instead of sending the person to the provider.
//!
//! A `BroadcastChannel` reaches only pages of this origin. It is named after the
//! configuration's storage namespace (provider and client id), so another provider's or
//! another client's tabs do not hear it. Without `share_session` it carries one fixed message,
//! never a token: a same-origin script that posts it can only sign this origin's tabs out,
//! which it could do anyway. With `share_session` a signed-in tab answers an ask with its
//! access token (never a refresh token): any script of this origin can then have it, which is
//! why sharing is opt-in (see SECURITY.md).

use crate::oauth::Config;
use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

/// "Signed out".
const SIGNED_OUT: &str = "implicit-oauth:signedout";
/// "Has any tab a live session?"
const ASK: &str = "implicit-oauth:session?";
/// The answer: this prefix, then the session's stored form.
const SESSION: &str = "implicit-oauth:session=";

/// What another tab said.
pub(crate) enum Heard {
    /// It signed out.
    SignedOut,
    /// A new tab asks for a live session.
    Asked,
    /// A tab answered an ask with its session (stored form, not yet checked).
    Session(String),
}

/// This tab's end of the channel; closed when dropped.
pub(crate) struct Tabs {
    channel: BroadcastChannel,
    _listener: EventListener,
}

impl Tabs {
    /// Listens for the other tabs of `config`'s app and provider. `None` where the browser has
    /// no `BroadcastChannel` (each tab then goes its own way, as before).
    pub(crate) fn open(config: &Config, on_heard: impl Fn(Heard) + 'static) -> Option<Tabs> {
        let channel = BroadcastChannel::new(&channel_name(config)).ok()?;
        let listener = EventListener::new(&channel, "message", move |event| {
            let Some(said) = event
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
            else {
                return;
            };
            match said.as_str() {
                SIGNED_OUT => on_heard(Heard::SignedOut),
                ASK => on_heard(Heard::Asked),
                _ => {
                    if let Some(stored) = said.strip_prefix(SESSION) {
                        on_heard(Heard::Session(stored.to_owned()));
                    }
                }
            }
        });
        Some(Tabs {
            channel,
            _listener: listener,
        })
    }

    /// Tells the other tabs that this one signed out.
    pub(crate) fn signed_out(&self) {
        self.post(SIGNED_OUT.to_owned());
    }

    /// Asks the other tabs for a live session.
    pub(crate) fn ask(&self) {
        self.post(ASK.to_owned());
    }

    /// Answers an ask with this tab's session, in its stored form.
    pub(crate) fn share(&self, stored: &str) {
        self.post(format!("{SESSION}{stored}"));
    }

    fn post(&self, message: String) {
        let _ = self.channel.post_message(&JsValue::from_str(&message));
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
