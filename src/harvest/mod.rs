//! The Harvest dashboard: [`api`] (Harvest v2's response models), [`model`] (what the dashboard
//! shows, as pure functions tested natively), [`export`] (CSV files) and `dashboard` (the screen).

pub mod api;
pub mod chart;
pub mod export;
pub mod model;
pub mod ranges;
pub mod totals;

#[cfg(target_arch = "wasm32")]
pub mod dashboard;
