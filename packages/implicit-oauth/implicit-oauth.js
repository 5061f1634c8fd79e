// implicit-oauth: the headless client. See README.md and implicit-oauth.d.ts.
//
//   import { createClient } from "implicit-oauth";
//   const client = await createClient({ preset: "harvest", client_id: "…",
//     redirect_uri: new URL("callback.html", location.href).href });
//   client.on("signedin", () => …);
//   button.onclick = () => client.signIn();
import init, { Client } from "./wasm/implicit_oauth.js";

let loading;

/** Fetches and instantiates the WebAssembly module, once; later calls share the first. */
export function load(wasm) {
  loading ??= init({ module_or_path: wasm ?? new URL("./wasm/implicit_oauth_bg.wasm", import.meta.url) });
  return loading;
}

/**
 * A started client: the options are validated (a bad field throws, named), a sign-in that came
 * back to this page is finished or a kept session restored, and the events for it have fired.
 */
export async function createClient(options, allowed) {
  await load();
  const client = new Client(options, allowed);
  await client.ready();
  return client;
}

export { Client };
