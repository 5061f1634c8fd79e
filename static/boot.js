// Loads the app's wasm. An external module, not trunk's inline loader, so the page runs under
// `script-src 'self' 'wasm-unsafe-eval'` with no inline script allowed.
const boot = document.getElementById("implicit-oauth-boot");
const app = await import(boot.dataset.js);
await app.default({ module_or_path: boot.dataset.wasm });
