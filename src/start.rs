//! What `boot.js` calls to start the standalone app.

use crate::app::{App, AppProps};
use implicit_oauth::ui::{Commands, ConfigSource, PendingCallback, SignInMode};

/// Starts the standalone app on `<body>`. `boot.js` calls it with the `config.json` beside the
/// app's own files (and the fetch of it already under way); nothing about the start is read
/// from the page's DOM, so markup on a page cannot start the app or choose its configuration.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn start(config_url: String, config_fetch: Option<js_sys::Promise>) {
    use implicit_oauth::browser::location;
    if let Some(fetch) = config_fetch {
        implicit_oauth::browser::controller::hand_over_config_fetch(&config_url, fetch);
    }
    let callback = PendingCallback::new(location::take_callback(location::Arrival::Direct));
    // index.html's loading state (see there) makes way for the app.
    if let Some(loading) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app-loading"))
    {
        loading.remove();
    }
    yew::Renderer::<App>::with_props(AppProps {
        config: ConfigSource::Url(config_url),
        callback,
        mode: SignInMode::Redirect,
        on_event: yew::Callback::noop(),
        commands: Commands::default(),
        owns_page: true,
    })
    .render();
}
