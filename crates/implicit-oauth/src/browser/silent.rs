//! Silent renewal: the authorize request, with `prompt=none`, in a hidden frame. A provider
//! that still knows the person answers at once, with no page, to the callback page, which
//! hands the response to this page; one that does not answers `login_required` (or the like),
//! and one that refuses to be framed answers nothing. The frame goes when the answer comes,
//! or after [`TIMEOUT_MS`], or when this watch is dropped.

use super::popup::{self, PopupResult};
use super::window;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlIFrameElement, MessageEvent};

/// How long the frame may take to answer: a provider that refuses to be framed never does.
pub const TIMEOUT_MS: u32 = 10_000;

/// The frame and what listens to it.
pub(crate) struct SilentFrame {
    frame: HtmlIFrameElement,
    _on_message: EventListener,
    _timeout: Timeout,
}

/// What the frame brought: the callback page's response (query, fragment, path), or `None` (no
/// answer in time).
pub(crate) type Answer = Option<(String, String, String)>;

/// The caller's `on_answer`, until it is called (once).
type Once = Rc<RefCell<Option<Box<dyn FnOnce(Answer)>>>>;

impl SilentFrame {
    /// Loads `url` in a hidden frame; `on_answer` is called at most once, with the response
    /// the callback page posted from that frame (same origin only), or `None` after
    /// [`TIMEOUT_MS`]. `None` when no frame could be made.
    pub(crate) fn start(url: &str, on_answer: impl FnOnce(Answer) + 'static) -> Option<Self> {
        let window = window().ok()?;
        let document = window.document()?;
        let frame: HtmlIFrameElement = document.create_element("iframe").ok()?.dyn_into().ok()?;
        frame.set_attribute("aria-hidden", "true").ok()?;
        frame.set_attribute("tabindex", "-1").ok()?;
        frame.set_title("Renewing the sign-in");
        frame
            .set_attribute(
                "style",
                "position:absolute;width:0;height:0;border:0;visibility:hidden",
            )
            .ok()?;
        let answer: Once = Rc::new(RefCell::new(Some(Box::new(on_answer))));
        let origin = window.location().origin().ok()?;
        let on_message = {
            let (answer, frame) = (answer.clone(), frame.clone());
            EventListener::new(&window, "message", move |event| {
                let Some(event) = event.dyn_ref::<MessageEvent>() else {
                    return;
                };
                let from_our_frame = match (event.source(), frame.content_window()) {
                    (Some(source), Some(ours)) => js_sys::Object::is(&source, &ours),
                    _ => false,
                };
                if event.origin() != origin || !from_our_frame {
                    return;
                }
                if let Some(PopupResult::Callback {
                    query,
                    fragment,
                    path,
                }) = popup::read(&event.data())
                {
                    if let Some(f) = answer.borrow_mut().take() {
                        f(Some((query, fragment, path)));
                    }
                }
            })
        };
        let timeout = {
            let answer = answer.clone();
            Timeout::new(TIMEOUT_MS, move || {
                if let Some(f) = answer.borrow_mut().take() {
                    f(None);
                }
            })
        };
        frame.set_src(url);
        document.body()?.append_child(&frame).ok()?;
        Some(SilentFrame {
            frame,
            _on_message: on_message,
            _timeout: timeout,
        })
    }
}

impl Drop for SilentFrame {
    fn drop(&mut self) {
        self.frame.remove();
    }
}
