// Type declarations for `implicit-oauth/element`: the <implicit-oauth-login> custom element.
import type { Client, EventMap } from "./implicit-oauth.js";

/**
 * `<implicit-oauth-login heading-level="3" heading="Harvest">`. Provider settings come only
 * from `implicit-oauth.json` beside `element.js` (placed by the deployer); attributes choose the
 * presentation.
 */
export class ImplicitOAuthLogin extends HTMLElement {
  /** Resolves with the element's client once it has started; rejects when it cannot. */
  readonly ready: Promise<Client>;
  /** The element's client, once `ready` resolves. */
  readonly client: Client | null;
}

type ElementEvents = {
  [K in keyof EventMap as `implicit-oauth:${K}`]: CustomEvent<EventMap[K]>;
};

declare global {
  interface HTMLElementTagNameMap {
    "implicit-oauth-login": ImplicitOAuthLogin;
  }
  interface HTMLElementEventMap extends ElementEvents {}
}
