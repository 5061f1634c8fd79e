// The redirect_uri page for embedded (popup) sign-in. It loads nothing else: it reads the
// authorization response, wipes it from the address bar, and hands it to the page that opened
// this window -- only to this exact origin. The opener checks that the message comes from the
// window it opened and carries its pending `state`.
const message = {
  type: "implicit-oauth:callback",
  query: location.search.slice(1),
  fragment: location.hash.slice(1),
  // Where the provider delivered the response: the app accepts it only on the callback path
  // of the provider it asked.
  path: location.pathname,
};
history.replaceState(null, "", location.pathname);

let opener = null;
try {
  opener = window.opener && !window.opener.closed ? window.opener : null;
} catch {
  opener = null;
}

if (opener) {
  opener.postMessage(message, location.origin);
  window.close();
} else if (window.name === "implicit-oauth-sign-in") {
  // A sign-in window whose opener was cut off (Cross-Origin-Opener-Policy): same-origin pages
  // listen on this channel, and only the one whose pending state matches accepts it.
  const channel = new BroadcastChannel("implicit-oauth:callback");
  channel.postMessage(message);
  channel.close();
  window.close();
} else {
  // A full-page redirect sign-in from an embedded component: go back to the host page, which
  // reads and wipes the response at once, as the standalone app does.
  let back = sessionStorage.getItem("implicit-oauth:return-to") || "/";
  if (!back.startsWith("/") || back.startsWith("//") || back.startsWith("/\\")) back = "/";
  sessionStorage.removeItem("implicit-oauth:return-to");
  sessionStorage.setItem("implicit-oauth:arrived-at", location.pathname);
  const path = back.split("#")[0];
  const params = [message.query, message.fragment].filter(Boolean).join("&");
  location.replace(path + "#" + params);
}
