// jso 4 does the grant; this page adds only what the app also does: it reads the same
// config.json, removes the response from the address bar, and shows the person's name.
const config = await (await fetch("/config.json")).json();
const client = new jso.JSO({
  providerID: "bench",
  client_id: config.client_id,
  redirect_uri: new URL("/__bench/peer.html", location.href).href,
  authorization: config.authorize_url,
  scopes: { request: config.scopes },
  response_type: "token",
});
const app = document.getElementById("app");

if (/access_token=/.test(location.hash)) {
  const token = client.callback();
  // jso leaves an empty "#" behind.
  history.replaceState(null, "", location.pathname);
  app.innerHTML = '<section data-screen="signed-in"><p class="who">Signed in as <strong id="user-name"></strong></p></section>';
  const response = await fetch(`${config.api_base}/me`, {
    headers: { Authorization: `Bearer ${token.access_token}` },
  });
  const me = await response.json();
  document.getElementById("user-name").textContent = me.name;
} else {
  const button = document.createElement("button");
  button.id = "sign-in";
  button.textContent = "Sign in";
  button.onclick = () => client.getToken();
  app.append(button);
}
