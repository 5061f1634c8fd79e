//! `sessionStorage`, degrading to memory when the browser blocks or throws (sandboxed iframes,
//! storage disabled, quota exceeded). `localStorage` is never used: it outlives the tab and is
//! shared by every tab of the origin, which is the wrong life for tokens and pending requests.

use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    static MEMORY: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn get(key: &str) -> Option<String> {
    if let Some(value) = session_storage().and_then(|s| s.get_item(key).ok().flatten()) {
        return Some(value);
    }
    MEMORY.with(|m| m.borrow().get(key).cloned())
}

/// Stores `value`; falls back to memory (this page only) when `sessionStorage` refuses.
pub fn set(key: &str, value: &str) {
    let stored = session_storage().is_some_and(|s| s.set_item(key, value).is_ok());
    MEMORY.with(|m| {
        let mut m = m.borrow_mut();
        if stored {
            m.remove(key);
        } else {
            m.insert(key.to_owned(), value.to_owned());
        }
    });
}

pub fn remove(key: &str) {
    if let Some(s) = session_storage() {
        let _ = s.remove_item(key);
    }
    MEMORY.with(|m| m.borrow_mut().remove(key));
}

/// Reads and deletes in one step: for records that must be used at most once.
pub fn take(key: &str) -> Option<String> {
    let value = get(key);
    remove(key);
    value
}
