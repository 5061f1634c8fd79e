fn main() {
    #[cfg(target_arch = "wasm32")]
    implicit_oauth::ui::start();
}
