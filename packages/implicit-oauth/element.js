// <implicit-oauth-login>: a sign-in/out box of its own, for pages that write no script.
//
//   <script type="module" src="/node_modules/implicit-oauth/element.js"></script>
//   <implicit-oauth-login heading-level="3"></implicit-oauth-login>
//
// Attributes are page content: pages render markup they did not write, and sanitizers keep
// custom elements and their attributes. So no attribute names a provider, a client id, an API
// or even where the settings are: they come only from `implicit-oauth.json` beside this script
// (config.json's fields, plus `sign_in` and `popup_fallback`), a file the deployer places, read
// once. Attributes choose only the presentation: `heading-level` (1–6, default 2) and `heading`.
//
// Events bubble out of the element (composed) as implicit-oauth:signedin, implicit-oauth:signedout,
// implicit-oauth:expiring ({expiresAt}), implicit-oauth:expired and implicit-oauth:error
// ({code, message} in `detail`). The element's
// client is `element.client` once `element.ready` resolves.
import { load, Client } from "./implicit-oauth.js";

const STYLE = `
:host { display: block; font: inherit; color: inherit; }
.box { border: 1px solid color-mix(in srgb, currentColor 25%, transparent); border-radius: 0.5rem;
  padding: 0.75rem 1rem; max-width: 28rem; }
.heading { margin: 0 0 0.5rem; font-size: 1.125rem; line-height: 1.3; }
.status { margin: 0 0 0.75rem; }
.status[data-kind="error"] { color: #b3261e; }
button { font: inherit; min-height: 2.5rem; min-width: 2.5rem; padding: 0.4rem 1rem;
  border-radius: 0.375rem; border: 1px solid #1f5fbf; background: #1f5fbf; color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: inherit; border-color: currentColor; }
button:focus-visible { outline: 3px solid #f4b400; outline-offset: 2px; }
button[hidden] { display: none; }
`;

// The deployer's settings, beside this script: read once for every element on the page.
const SETTINGS = new URL("implicit-oauth.json", import.meta.url);
let settings;
const readSettings = () => {
  settings ??= fetch(SETTINGS, {
    credentials: "same-origin", redirect: "error", cache: "no-store", referrerPolicy: "no-referrer",
  }).then(
    (r) => (r.ok ? r.json().catch(() => null) : null),
    () => null,
  );
  return settings;
};

export class ImplicitOAuthLogin extends HTMLElement {
  #client = null;
  #parts = null;
  #started = false;
  #resolveReady;
  /** Resolves with the element's client once it has started (rejects if it cannot). */
  ready = new Promise((resolve, reject) => { this.#resolveReady = { resolve, reject }; });

  /** The element's headless client, once `ready` resolves. */
  get client() { return this.#client; }

  connectedCallback() {
    if (this.#started) return;
    this.#started = true;
    this.#draw();
    this.#start().then(
      () => this.#resolveReady.resolve(this.#client),
      (error) => {
        this.#show("error", String(error?.message ?? error));
        this.#resolveReady.reject(error);
      },
    );
  }

  disconnectedCallback() {
    // Moved within the page: connectedCallback runs again at once and nothing stops.
    queueMicrotask(() => {
      if (!this.isConnected) this.#stop();
    });
  }

  // Removed from the page: stop the client; put back later, the element starts afresh.
  #stop() {
    this.#client?.destroy();
    this.#client = null;
    this.#started = false;
  }

  #draw() {
    const root = this.shadowRoot ?? this.attachShadow({ mode: "open" });
    const level = Math.min(6, Math.max(1, Number.parseInt(this.getAttribute("heading-level"), 10) || 2));
    const style = document.createElement("style");
    style.textContent = STYLE;
    const box = document.createElement("section");
    box.className = "box";
    box.setAttribute("part", "box");
    const heading = document.createElement(`h${level}`);
    heading.className = "heading";
    heading.setAttribute("part", "heading");
    heading.id = "heading";
    heading.textContent = this.getAttribute("heading") ?? "Sign in";
    box.setAttribute("aria-labelledby", "heading");
    const status = document.createElement("p");
    status.className = "status";
    status.setAttribute("part", "status");
    status.setAttribute("role", "status");
    status.textContent = "Loading…";
    const signIn = document.createElement("button");
    signIn.type = "button";
    signIn.setAttribute("part", "button sign-in");
    signIn.hidden = true;
    const signOut = document.createElement("button");
    signOut.type = "button";
    signOut.className = "secondary";
    signOut.setAttribute("part", "button sign-out");
    signOut.textContent = "Sign out";
    signOut.hidden = true;
    // Opened synchronously inside the click: a sign-in window opened later is blocked.
    signIn.addEventListener("click", () => this.#client?.signIn());
    signOut.addEventListener("click", () => this.#client?.signOut());
    box.append(heading, status, signIn, signOut);
    root.replaceChildren(style, box);
    this.#parts = { status, signIn, signOut };
  }

  async #start() {
    const options = await readSettings();
    if (!options || typeof options !== "object") {
      throw new Error(`could not read the sign-in settings (${SETTINGS.pathname})`);
    }
    await load();
    if (!this.isConnected) return; // removed while loading: start nothing
    const client = new Client(options);
    this.#client = client;
    for (const type of ["signedin", "signedout", "expiring", "expired", "error"]) {
      client.on(type, (detail) => {
        this.#render(type === "error" ? detail : null);
        this.dispatchEvent(new CustomEvent(`implicit-oauth:${type}`, { detail, bubbles: true, composed: true }));
      });
    }
    await client.ready();
    this.#render(null);
  }

  #render(error) {
    const client = this.#client;
    if (!client || !this.#parts) return;
    const { signIn, signOut } = this.#parts;
    const title = client.title ?? "the provider";
    const signedIn = client.session().signedIn;
    signIn.textContent = `Sign in with ${title}`;
    signIn.hidden = signedIn;
    signOut.hidden = !signedIn;
    if (error) this.#show("error", error.message ?? "Sign-in failed.");
    else this.#show("info", signedIn ? `Signed in with ${title}.` : "Signed out.");
  }

  #show(kind, text) {
    const { status } = this.#parts;
    status.dataset.kind = kind;
    status.setAttribute("role", kind === "error" ? "alert" : "status");
    status.textContent = text;
  }
}

if (!customElements.get("implicit-oauth-login")) {
  customElements.define("implicit-oauth-login", ImplicitOAuthLogin);
}
