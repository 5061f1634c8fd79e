// <implicit-oauth-login>: the component as a custom element, for pages that write no script.
//
//   <script type="module" src="implicit-oauth-element.js"></script>
//   <implicit-oauth-login provider="harvest" client-id="…" authorize-url="…"
//       redirect-uri="https://example.com/callback.html" api-base="…"></implicit-oauth-login>
//
// Attributes are config.json's fields with dashes (client-id, token-transport, …), plus
// sign-in="popup|redirect" and popup-fallback. Events bubble as implicit-oauth:signedin,
// implicit-oauth:signedout, implicit-oauth:expiring, implicit-oauth:expired and
// implicit-oauth:error.
//
// Attributes are page content, and pages render markup they did not write (sanitizers keep
// custom elements and their attributes). So the providers an element may use are fixed by the
// deployer: the config.json beside this file, read once when the element is defined. An element
// whose attributes name any other provider origin shows an error and sends nothing anywhere.
import init, { mount } from "./implicit-oauth.js";

const ready = init();
const allowed = fetch(new URL("config.json", import.meta.url), {
  cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
}).then((r) => (r.ok ? r.json() : null)).catch(() => null);

const STRING_FIELDS = ["preset", "provider", "title", "subdomain", "grant", "client-id", "authorize-url",
  "redirect-uri", "api-base", "accounts-url", "token-transport", "auth-scheme", "token-param", "account-param",
  "account-header", "granted-scopes-header", "profile-path", "view", "token-storage", "sign-in"];
const FLAGS = ["personal-access-token", "popup-fallback"];

class ImplicitOAuthLogin extends HTMLElement {
  async connectedCallback() {
    const [, deployer] = await Promise.all([ready, allowed]);
    if (!this.isConnected || this.handle) return;
    const options = {};
    for (const name of STRING_FIELDS) {
      if (this.hasAttribute(name)) options[name.replaceAll("-", "_")] = this.getAttribute(name);
    }
    for (const name of FLAGS) {
      if (this.hasAttribute(name)) options[name.replaceAll("-", "_")] = this.getAttribute(name) !== "false";
    }
    if (this.hasAttribute("scopes")) options.scopes = this.getAttribute("scopes").split(" ").filter(Boolean);
    try {
      if (!deployer) {
        throw new Error("implicit-oauth-login needs the site's config.json beside implicit-oauth-element.js: it lists the providers this page may use.");
      }
      this.handle = mount(this, options, deployer);
    } catch (error) {
      this.textContent = String(error.message || error);
      this.setAttribute("role", "alert");
      return;
    }
    for (const type of ["signedin", "signedout", "expiring", "expired", "error"]) {
      this.handle.on(type, (detail) =>
        this.dispatchEvent(new CustomEvent(`implicit-oauth:${type}`, { detail, bubbles: true })));
    }
  }

  disconnectedCallback() {
    this.handle?.destroy();
    this.handle = null;
  }

  /** The same handle as mount() returns: signIn(), signOut(), session(). */
  get login() {
    return this.handle;
  }
}

customElements.define("implicit-oauth-login", ImplicitOAuthLogin);
