// The demo host page's script: mounts two instances from the site's config.json, with
// popup sign-in and the callback page on this origin.
import init, { mount } from "./implicit-oauth.js";

await init();
// Every URL relative to this file: the demo works from whatever folder dist/ was copied to.
const config = await (await fetch(new URL("config.json", import.meta.url), { cache: "no-store" })).json();
const base = { ...config, redirect_uri: new URL("callback.html", import.meta.url).href, sign_in: "popup" };
const params = new URLSearchParams(location.search);
if (params.has("popup_fallback")) base.popup_fallback = true;

const log = (instance, detail) => {
  const item = document.createElement("li");
  item.textContent = `${instance}: ${detail.type}${detail.code ? ` (${detail.code})` : ""}`;
  document.getElementById("events").append(item);
};

const handles = {};
for (const [name, clientId] of [["a", config.client_id], ["b", `${config.client_id}-2`]]) {
  const handle = mount(document.getElementById(`login-${name}`), { ...base, client_id: clientId });
  for (const type of ["signedin", "signedout", "expiring", "expired", "error"]) handle.on(type, (d) => log(name, d));
  handles[name] = handle;
}
window.implicitOAuthDemo = handles;

document.getElementById("host-sign-in-a").addEventListener("click", () => handles.a.signIn());
document.getElementById("host-sign-out-a").addEventListener("click", () => handles.a.signOut());
document.getElementById("destroy-a").addEventListener("click", () => handles.a.destroy());
