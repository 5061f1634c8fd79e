//! The protocol core: pure Rust, no browser calls. Time and randomness come in as arguments,
//! so every rule here is a fast native test.

pub mod callback;
pub mod config;
pub mod pending;
pub(crate) mod preset;
pub mod revoke;
pub mod scope;
pub mod secret;
pub mod session;
mod stored;
pub mod token;

pub use callback::{Answer, CallbackError, Completed, ProviderError, Redemption};
pub use config::{Config, ConfigError, RateLimitConfig, Redirect, TokenStorage, TokenTransport};
pub use pending::PendingRequest;
pub use preset::{Grant, View};
pub use scope::{Product, Scope};
pub use secret::{AccessToken, AuthorizationCode, CodeVerifier, RefreshToken, State};
pub use session::Session;
