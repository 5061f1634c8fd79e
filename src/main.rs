//! The standalone app's binary. wasm-bindgen runs `main` when the module is initialised: on the
//! app's own page it starts the app; on a host page that embeds the component (no boot script)
//! it does nothing and the host calls `mount()`.
fn main() {
    #[cfg(target_arch = "wasm32")]
    implicit_oauth::ui::start_if_standalone();
}
