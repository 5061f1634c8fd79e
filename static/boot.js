// Loads the app and starts it. An external module, not trunk's inline loader, so the page runs
// under `script-src 'self' 'wasm-unsafe-eval'` with no inline script.
//
// Every URL here is relative to this file, so dist/ works wherever it is copied (a host's root
// or any sub-folder). The hashed file names are written in at build time
// (scripts/embed-entry.sh): nothing about how the app starts is read from the page's DOM, which
// content on the page could spoof.
const here = import.meta.url;

// A sign-in window (or a silent renewal's hidden frame) that the provider sent back here (the
// app's own URL is the redirect URI) is not a second app: with the note its opener (or the
// page that framed it) left for this sign-in's `state` (see callback.js), it hands the response
// back exactly as callback.html does, and starts nothing.
function isSignInWindow() {
  try {
    const params = new URLSearchParams(location.search.slice(1) + "&" + location.hash.slice(1));
    const noted = (key) => {
      const note = JSON.parse(sessionStorage.getItem(key));
      return note !== null && typeof note === "object" && note.state === params.get("state");
    };
    const framed = window.parent !== window;
    return params.has("state") && (noted("implicit-oauth:popup") || (framed && noted("implicit-oauth:silent")));
  } catch {
    return false;
  }
}

if (isSignInWindow()) {
  try {
    await import(new URL("callback.js", here).href);
  } catch {
    // callback.js did not load: the response must not stay in the address bar.
    history.replaceState(null, "", location.pathname);
    const box = document.getElementById("app-loading");
    if (box) box.textContent = "This sign-in could not be finished here. Close this window and sign in again.";
  }
} else {
  await startApp();
}

async function startApp() {
  const config = new URL("config.json", here).href;
  // Start fetching config.json now, beside the wasm, instead of after it has started; the app
  // takes this response (hand_over_config_fetch in crates/implicit-oauth/src/browser/controller.rs). The same settings
  // as the app's own requests: not cached, no cookies, no Referer.
  const early = fetch(config, { cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" });
  early.catch(() => {}); // a failure is reported by the app, not as an unhandled rejection

  try {
    const app = await import(new URL("@APP_JS@", here).href);
    await app.default({ module_or_path: new URL("@APP_WASM@", here) });
    app.start(config, early);
  } catch (error) {
    // The page says what went wrong instead of staying blank. Never the page URL: on a callback
    // it still holds the response.
    const box = document.getElementById("app-loading");
    if (box) {
      box.setAttribute("role", "alert");
      box.className = "app-loading failed";
      box.replaceChildren(
        Object.assign(document.createElement("h1"), { textContent: "The app could not start" }),
        Object.assign(document.createElement("p"), {
          textContent: "Its files did not load in this browser. The site may be missing files: " +
            "every file of dist/ must be copied into the same folder as index.html.",
        }),
        Object.assign(document.createElement("p"), { className: "detail", textContent: String(error && error.message || error) }),
      );
    }
  }
}
