//! Yew components. No protocol logic: they dispatch [`crate::state::Action`]s and render
//! [`crate::state::Screen`]s.

mod app;
mod dashboard;
mod views;

pub use app::{App, AppProps, PendingCallback};

use crate::browser::location;

/// Entry point of the standalone app: reads (and wipes) any callback from the address bar
/// before the first render, then mounts [`App`] on `<body>`.
pub fn start() {
    let callback = PendingCallback::new(location::take_callback());
    yew::Renderer::<App>::with_props(AppProps { callback }).render();
}
