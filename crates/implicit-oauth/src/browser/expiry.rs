//! The expiry watch: moves a session to "expired" when its instant passes.

use super::now_ms;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Calls `on_expired` once, when the wall clock passes `expires_at_ms`. Timers stall while a
/// laptop sleeps, so it wakes at least every 30 s and compares the wall clock, and checks
/// again whenever the tab becomes visible. Dropping it clears its timer and listener.
pub struct ExpiryWatch {
    _timer: Rc<RefCell<Option<Timeout>>>,
    _on_visible: Option<EventListener>,
}

impl ExpiryWatch {
    pub fn start(expires_at_ms: u64, on_expired: impl Fn() + 'static) -> Self {
        let timer = Rc::new(RefCell::new(None));
        let fired = Cell::new(false);
        let check: Rc<dyn Fn()> = Rc::new(move || {
            if !fired.get() && now_ms() >= expires_at_ms {
                fired.set(true);
                on_expired();
            }
        });
        schedule(expires_at_ms, check.clone(), timer.clone());
        let on_visible = web_sys::window()
            .and_then(|w| w.document())
            .map(|doc| EventListener::new(&doc, "visibilitychange", move |_| check()));
        ExpiryWatch {
            _timer: timer,
            _on_visible: on_visible,
        }
    }
}

/// Checks at the expiry instant, or in 30 s if that is later, then again.
fn schedule(expires_at_ms: u64, check: Rc<dyn Fn()>, slot: Rc<RefCell<Option<Timeout>>>) {
    let left = expires_at_ms.saturating_sub(now_ms()).clamp(50, 30_000) as u32;
    let next = Rc::downgrade(&slot);
    let timeout = Timeout::new(left, move || {
        check();
        // The slot is gone once the watch is dropped: nothing is scheduled again.
        if let Some(slot) = next.upgrade() {
            if now_ms() < expires_at_ms {
                schedule(expires_at_ms, check, slot);
            }
        }
    });
    *slot.borrow_mut() = Some(timeout);
}
