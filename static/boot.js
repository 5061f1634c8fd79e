// Loads the app's wasm; initialising it starts the standalone app. An external module, not
// trunk's inline loader, so the page runs under `script-src 'self' 'wasm-unsafe-eval'` with no
// inline script.
const boot = document.getElementById("implicit-oauth-boot");
const app = await import(boot.dataset.js);
await app.default({ module_or_path: boot.dataset.wasm });
