//! The signed-in screen for every provider but Harvest: [`summary`] (the "who am I" answer as a
//! list of fields, and the granted scopes; tested natively) and `screen` (the component).

pub mod summary;

#[cfg(target_arch = "wasm32")]
mod screen;
#[cfg(target_arch = "wasm32")]
pub use screen::{ProfileProps, ProfileView};
