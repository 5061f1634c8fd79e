// Loads the app's wasm; initialising it starts the standalone app. An external module, not
// trunk's inline loader, so the page runs under `script-src 'self' 'wasm-unsafe-eval'` with no
// inline script.
const boot = document.getElementById("implicit-oauth-boot");
// Start fetching config.json now, beside the wasm, instead of after it has started; the app
// takes this response if it is for the config it wants (src/ui/mod.rs), else fetches again.
// The same settings as the app's own requests: not cached, no cookies, no Referer.
boot.config = fetch(new URL("config.json", boot.src), {
  cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
});
boot.config.catch(() => {}); // a failure is reported by the app, not as an unhandled rejection
const app = await import(boot.dataset.js);
await app.default({ module_or_path: boot.dataset.wasm });
