//! The standalone app's binary. It starts nothing by itself: `boot.js`, served with the app's
//! files, calls the exported `start` with the `config.json` beside them. A host page that embeds
//! the component calls `mount()` instead; markup on a page can start neither.

// Links the library, whose `#[wasm_bindgen]` exports (`start`, `mount`) are this binary's;
// without a reference to it, the binary would have none and wasm-bindgen would fail.
#[cfg(target_arch = "wasm32")]
extern crate harvest_app;

fn main() {}
