// The redirect_uri page for popup sign-in, and for redirect sign-in through a page of its own.
// It loads nothing else: it reads the authorization response, wipes it from the address bar,
// and hands it on -- only to this origin, and only to the sign-in that is waiting for it.
//
// A popup or a full-page redirect? Not `window.opener` alone: a host page that sends
// `Cross-Origin-Opener-Policy: same-origin` cuts the popup off from its opener as soon as it
// leaves for the provider, and that also clears `window.name`. What survives (checked in
// Chromium) is this tab's sessionStorage, copied from the opener when the popup was opened. So
// each sign-in notes, before it leaves, how it will come back -- keyed by its `state` -- and
// this page follows that note first: a popup never takes the redirect branch, and a redirect
// sign-in in a tab that some other page opened is not handed to that page.
const POPUP_KEY = "implicit-oauth:popup";
const RETURN_KEY = "implicit-oauth:return-to";
const ARRIVED_KEY = "implicit-oauth:arrived-at";
// A silent renewal: this page is in a hidden frame of the page that asked (same origin).
const SILENT_KEY = "implicit-oauth:silent";
const CHANNEL = "implicit-oauth:callback";

const query = location.search.slice(1);
const fragment = location.hash.slice(1);
history.replaceState(null, "", location.pathname);

const params = new URLSearchParams([query, fragment].filter(Boolean).join("&"));
const state = params.get("state");
const message = {
  type: "implicit-oauth:callback",
  query,
  fragment,
  // Where the provider delivered the response: it is accepted only on the callback path of
  // the sign-in that asked for it.
  path: location.pathname,
  // Echoed by the sign-in that accepts this response over the channel.
  id: Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join(""),
};

// Storage may be blocked (a sandboxed frame, site data disabled): then nothing is noted.
const storage = {
  // A note is taken only by the response it was left for: another sign-in's note stays for
  // that sign-in (a silent renewal's frame must not take a popup's, nor the reverse).
  take(key) {
    try {
      const note = JSON.parse(sessionStorage.getItem(key));
      if (!(note && typeof note === "object" && note.state === state)) return null;
      sessionStorage.removeItem(key);
      return note;
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      sessionStorage.setItem(key, value);
      return true;
    } catch {
      return false;
    }
  },
};

// callback.html has its line for this; the app's own page (a sign-in window the provider sent
// back to the app's URL, see boot.js) gets one.
const say = (text) => {
  let line = document.getElementById("status");
  if (!line) {
    line = Object.assign(document.createElement("p"), { id: "status" });
    line.setAttribute("role", "status");
    document.body.replaceChildren(line);
  }
  line.textContent = text;
};

let opener = null;
try {
  opener = window.opener && !window.opener.closed ? window.opener : null;
} catch {
  opener = null;
}

// Posts the response on the channel; same-origin pages listen, and only the sign-in whose
// pending `state` matches accepts it and answers. Resolves true on that answer.
function broadcast(waitMs) {
  return new Promise((resolve) => {
    let channel;
    try {
      channel = new BroadcastChannel(CHANNEL);
    } catch {
      resolve(false);
      return;
    }
    const done = (accepted) => {
      clearTimeout(timer);
      channel.close();
      resolve(accepted);
    };
    const timer = setTimeout(() => done(false), waitMs);
    channel.onmessage = (event) => {
      if (event.data && event.data.type === "implicit-oauth:accepted" && event.data.id === message.id) done(true);
    };
    channel.postMessage(message);
  });
}

const isResponse = params.has("state") || params.has("access_token") || params.has("error") || params.has("code");
let framedBy = null;
try {
  framedBy = window.parent !== window && window.parent.location.origin === location.origin ? window.parent : null;
} catch {
  framedBy = null;
}
const silent = isResponse && framedBy && storage.take(SILENT_KEY);
const popup = isResponse && !silent && storage.take(POPUP_KEY);
const back = isResponse && !silent && !popup && storage.take(RETURN_KEY);

if (!isResponse) {
  // Visited without a response: nothing to hand on, and no mark left behind.
  say("There is no sign-in to finish here. You can close this page.");
} else if (silent) {
  // The hidden frame of a silent renewal: the page that framed it takes the response.
  framedBy.postMessage(message, location.origin);
} else if (popup && opener) {
  opener.postMessage(message, location.origin);
  window.close();
} else if (popup) {
  // A sign-in window cut off from its opener.
  if (await broadcast(10_000)) {
    window.close();
  } else {
    say("The page that opened this window is no longer waiting for it. Close this window and sign in again.");
  }
} else if (back && typeof back.to === "string" && /^\/(?![\/\\])/.test(back.to)) {
  // A full-page redirect sign-in: back to the page it left (an in-app route saved before
  // leaving, never anything from this URL), which reads and wipes the response at once. The
  // route's own query stays its own: the response travels in the fragment only.
  storage.set(ARRIVED_KEY, location.pathname);
  location.replace(back.to.split("#")[0] + "#" + [query, fragment].filter(Boolean).join("&"));
} else if (opener) {
  // No note (storage blocked): a window opened by a page of this origin hands it back there.
  opener.postMessage(message, location.origin);
  window.close();
} else if (await broadcast(2_000)) {
  // No note (storage blocked), but a waiting sign-in took it.
  window.close();
} else {
  say("This sign-in cannot be finished here: the page that started it is gone, or this browser " +
    "blocks this site's storage. Go back to the app and sign in again.");
}
