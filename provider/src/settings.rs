//! What the local provider is told at start: the one registered client and how to behave.

use crate::data::Account;
pub use crate::profiles::CallbackPlacement;
use crate::profiles::Profile;
use std::time::Duration;

/// How list endpoints paginate: Harvest uses page numbers on most endpoints and opaque cursors
/// (with `page: null`) on the large ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pagination {
    Pages,
    Cursor,
}

/// Requests allowed per rolling window, per token. Harvest: 100 per 15 s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: usize,
    pub window: Duration,
}

/// The registered client and the provider's behaviour.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Which real service to impersonate.
    pub profile: Profile,
    pub client_id: String,
    /// More registered client ids sharing the same redirect prefix and origin (the embed demo
    /// mounts two instances with different client ids).
    pub other_client_ids: Vec<String>,
    /// A `redirect_uri` is accepted when it starts with this (Harvest's rule). Register it with
    /// a trailing `/` so `http://127.0.0.1:8080.evil.example` cannot pass as a prefix match.
    pub redirect_prefix: String,
    /// The one browser origin that may call the API with CORS (the app's origin).
    pub allowed_origin: String,
    pub token_lifetime: Duration,
    pub callback_placement: CallbackPlacement,
    /// The person's accounts (Harvest and Forecast products).
    pub accounts: Vec<Account>,
    pub pagination: Pagination,
    /// Page size when the client asks for none. Harvest's is 2000; the demo uses 100 so that a
    /// month of entries spans several pages.
    pub per_page: u32,
    pub rate_limit: RateLimit,
    /// Whether `Retry-After` is listed in `Access-Control-Expose-Headers`. Without it a browser
    /// cannot read the header, as with some real APIs.
    pub expose_retry_after: bool,
    /// Generated time entries per weekday and account.
    pub entries_per_weekday: u64,
    /// Grant the scope `all` instead of naming the accounts, so the client must ask the
    /// accounts endpoint which accounts it may use.
    pub scope_all: bool,
    /// The code grant's token endpoint issues refresh tokens (rotated on each use).
    pub refresh_tokens: bool,
    /// `prompt=none` gets the (unframeable) consent page instead of an answer: a provider that
    /// refuses silent sign-in inside a frame.
    pub forbid_framing: bool,
}

impl Settings {
    /// Whether `id` is one of the registered client ids.
    pub fn knows_client(&self, id: &str) -> bool {
        id == self.client_id || self.other_client_ids.iter().any(|o| o == id)
    }

    /// The demo client: the app served by `make run` on 127.0.0.1:8080.
    pub fn demo() -> Self {
        Settings {
            profile: Profile::Harvest,
            client_id: "local-demo".into(),
            other_client_ids: vec!["local-demo-2".into()],
            redirect_prefix: "http://127.0.0.1:8080/".into(),
            allowed_origin: "http://127.0.0.1:8080".into(),
            // Harvest's observed lifetime: 14 days less one second.
            token_lifetime: Duration::from_secs(1_209_599),
            callback_placement: CallbackPlacement::Query,
            accounts: crate::data::demo_accounts(),
            pagination: Pagination::Pages,
            per_page: 100,
            rate_limit: RateLimit {
                requests: 100,
                window: Duration::from_secs(15),
            },
            expose_retry_after: true,
            entries_per_weekday: 10,
            scope_all: false,
            refresh_tokens: false,
            forbid_framing: false,
        }
    }
}
