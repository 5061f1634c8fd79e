//! What the local provider is told at start: the one registered client and how to behave.

use std::time::Duration;

/// Where the authorization response puts its parameters. Real providers differ: the RFC says
/// the fragment, Harvest in practice uses the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackPlacement {
    Query,
    Fragment,
}

/// The registered client and the provider's behaviour.
#[derive(Clone, Debug)]
pub struct Settings {
    pub client_id: String,
    /// A `redirect_uri` is accepted when it starts with this (Harvest's rule). Register it with
    /// a trailing `/` so `http://127.0.0.1:8080.evil.example` cannot pass as a prefix match.
    pub redirect_prefix: String,
    /// The one browser origin that may call the API with CORS (the app's origin).
    pub allowed_origin: String,
    pub token_lifetime: Duration,
    pub callback_placement: CallbackPlacement,
}

impl Settings {
    /// The demo client: the app served by `make run` on 127.0.0.1:8080.
    pub fn demo() -> Self {
        Settings {
            client_id: "local-demo".into(),
            redirect_prefix: "http://127.0.0.1:8080/".into(),
            allowed_origin: "http://127.0.0.1:8080".into(),
            // Harvest's observed lifetime: 14 days less one second.
            token_lifetime: Duration::from_secs(1_209_599),
            callback_placement: CallbackPlacement::Query,
        }
    }
}
