// Type declarations for the implicit-oauth npm package. Options are config.json's fields
// (docs/providers/ in the repository has each preset's), validated by the same rules.

/** The presets: each fills in every field below but `client_id` and `redirect_uri`. */
export type Preset = "generic" | "harvest" | "forecast" | "aha" | "appnet" | "appharbor";

/** Options for a client: `config.json`'s fields, plus how sign-in opens. */
export interface Options {
  /** The preset to start from (default `"generic"`); any field below overrides it. */
  preset?: Preset;
  /** Short id (`[a-z0-9-]`, ≤ 40) that namespaces storage keys and binds callbacks to this provider. */
  provider?: string;
  /** The provider's name as the person knows it ("Harvest"). */
  title?: string;
  /** Aha!'s account subdomain (`{subdomain}` in its URLs). */
  subdomain?: string;
  /** `"implicit"` (a browser sign-in), `"code"` (the authorization code grant with PKCE, where the provider offers it to public clients; needs `token_url`) or `"paste"` (the person pastes a token). */
  grant?: "implicit" | "code" | "paste";
  /** The OAuth client id registered with the provider. */
  client_id?: string;
  /** The provider's authorization endpoint (HTTPS, or loopback while developing). */
  authorize_url?: string;
  /** Where the provider sends the person back: a page serving this package's `callback.html`, or the page itself. */
  redirect_uri?: string;
  /** Scopes to ask for. */
  scopes?: string[];
  /** Base of the provider's API; the token is sent to this origin (and the accounts URL's) only. */
  api_base?: string;
  /** With `grant: "code"`: the token endpoint, where the callback's code is redeemed with its PKCE verifier (CORS, no client secret). */
  token_url?: string;
  /** An endpoint listing the accounts a token grants (Harvest ID's `/api/v2/accounts`). */
  accounts_url?: string;
  /** A token revocation endpoint (RFC 7009): `signOut()` posts the token (and a refresh token) there (with `client_id`, no secret). */
  revocation_url?: string;
  /** How the token travels: `"query"` (`?access_token=…`, Harvest's CORS mode) or `"header"` (`Authorization`). */
  token_transport?: "query" | "header";
  /** The `Authorization` scheme with the header transport (default `"Bearer"`). */
  auth_scheme?: string;
  /** The query parameter carrying the token with the query transport. */
  token_param?: string;
  /** The query parameter carrying the account id with the query transport. */
  account_param?: string;
  /** The header carrying the account id with the header transport (`Harvest-Account-Id`). */
  account_header?: string;
  /** A response header that says which scopes the token really has (exposed over CORS). */
  granted_scopes_header?: string;
  /** The API path that answers "who am I" (the element and the app call it). */
  profile_path?: string;
  /** What the Harvest app shows once signed in (`"harvest"` or `"profile"`); ignored by the client. */
  view?: "harvest" | "profile";
  /** Where the session is kept: `"memory"` (default: a reload signs out) or `"session"` (this tab). */
  token_storage?: "memory" | "session";
  /** Requests this client allows itself per rolling window (Harvest: 100 per 15 s). */
  rate_limit?: { requests: number; per_seconds: number };
  /** Offer pasting a personal access token (the app's screen only). */
  personal_access_token?: boolean;
  /** An API request unanswered after this many seconds fails with a clear message (default 30). */
  request_timeout_seconds?: number;
  /** Seconds before expiry that `expiring` fires (default 300; 0: never). Not fired while a refresh token renews the session by itself. */
  expiring_seconds?: number;
  /** Before `expiring` fires, try to renew in a hidden frame with `prompt=none` (the provider must allow it); a refusal, a frame the provider will not allow, or no answer in 10 s falls back to `expiring`. Needs `frame-src` for the authorize origin. */
  silent_renew?: boolean;
  /** A new tab asks this app's open tabs (same origin) for their live session instead of signing in again. Opt-in: any script of this origin can then have the access token. */
  share_session?: boolean;
  /** `"popup"` (default) or `"redirect"`: how `signIn()` opens the provider's page. */
  sign_in?: "popup" | "redirect";
  /** With `"popup"`: a blocked popup turns into a redirect instead of an error. */
  popup_fallback?: boolean;
}

/**
 * Where options may point, for options that page content can influence: every provider URL in
 * the options must be on an origin this configuration uses, with its client id and redirect
 * origin, or the constructor throws.
 */
export type Allowed = Options;

/** What `session()` answers. */
export interface SessionInfo {
  signedIn: boolean;
  /** The configuration's `provider` id. */
  provider?: string;
  /** The granted scope, space-separated (Harvest: `harvest:123 forecast:456`). */
  scope?: string;
  /** When the token expires (milliseconds since the epoch), `null` when the provider did not say. */
  expiresAt?: number | null;
  /** The raw access token: only with `session(true)`. Keep it out of logs, URLs and storage. */
  accessToken?: string;
}

/** Event names and their details. */
export interface EventMap {
  signedin: { type: "signedin" };
  signedout: { type: "signedout" };
  /** The token expires within the configured `expiring_seconds` (default 300) and no refresh token will renew it: offer `renew()`. */
  expiring: { type: "expiring"; expiresAt: number };
  expired: { type: "expired" };
  /** `code` is stable (`access_denied`, `popup_blocked`, `popup_closed`, `state_mismatch`, …); `message` is for people. */
  error: { type: "error"; code: string; message: string };
}

/** A sign-in client without UI. */
export class Client {
  /** Validates `options` (throws with the bad field named) and starts. Call `load()` first, or use `createClient`. */
  constructor(options: Options, allowed?: Allowed);
  /** Resolves once the start is done; events for it have fired by then. */
  ready(): Promise<void>;
  /** Starts a sign-in; call it inside a click handler (a popup opened later is blocked). `false` after `destroy()`. */
  signIn(): boolean;
  /**
   * Signs in again through a sign-in window without leaving the page, while signed in or once
   * the session has expired; `signedin` fires with the new session. A window closed or
   * blocked leaves things as they were, with no event. Call it inside a click handler.
   * `false` only after `destroy()` (not whether a window opened).
   */
  renew(): boolean;
  /** Forgets the session, the chosen account and any pending request. */
  signOut(): boolean;
  /** The session now; the raw token only with `includeToken`. */
  session(includeToken?: boolean): SessionInfo;
  /** Calls `callback(detail)` on each `event`. Throws for an unknown event name. */
  on<K extends keyof EventMap>(event: K, callback: (detail: EventMap[K]) => void): void;
  /**
   * GETs `path` under `api_base` with the session's token (the configured transport, with
   * `accountId` where the provider needs one, as Harvest does), paced by the session's rate
   * limiter, and resolves to the parsed JSON. Rejects with a readable message; a 401 ends the
   * session (`expired` or `signedout` fires).
   */
  get(path: string, accountId?: number): Promise<unknown>;
  /** The provider's name ("Harvest"), once `ready()` resolves. */
  readonly title: string | undefined;
  /** Stops the client: listeners, timers and any sign-in window watch. */
  destroy(): void;
  /** Frees the WebAssembly memory of a destroyed client. */
  free(): void;
}

/** Fetches and instantiates the WebAssembly module once (by default the `.wasm` beside this file). */
export function load(wasm?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<unknown>;

/** `load()`, then a client whose `ready()` has resolved. */
export function createClient(options: Options, allowed?: Allowed): Promise<Client>;
