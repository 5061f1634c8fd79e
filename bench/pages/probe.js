// Loaded first by every page `make bench` measures. Records, in milliseconds since the page's
// navigation started (`performance.now()`), what a person would notice:
// - `clean`: the address bar no longer holds the authorization response;
// - `signedIn`: the signed-in screen (`[data-screen="signed-in"]`) is in the document;
// - `named`: the person's name from the API (`#user-name`) is shown;
// - `complete`: a time-entry load finished (`#entries-status[data-complete="true"]` appeared),
//   and `painted`: the frame after it.
// It also keeps the page's WebAssembly memory, if any, so the bench can read its size.
(() => {
  const probe = (window.__probe = { clean: null, signedIn: null, named: null, complete: null, painted: null, memory: null });
  performance.setResourceTimingBufferSize(100000);
  const now = () => performance.now();
  const dirty = () => /access_token=/.test(location.href);
  const arrivedDirty = dirty();
  const check = () => {
    if (arrivedDirty && probe.clean === null && !dirty()) probe.clean = now();
  };
  for (const method of ["replaceState", "pushState"]) {
    const original = History.prototype[method];
    History.prototype[method] = function (...args) {
      const result = original.apply(this, args);
      check();
      return result;
    };
  }
  addEventListener("hashchange", check);

  const watch = () => {
    if (probe.signedIn === null && document.querySelector('[data-screen="signed-in"]')) probe.signedIn = now();
    const name = document.getElementById("user-name");
    if (probe.named === null && name && name.textContent) probe.named = now();
    // A load finishes when a "complete" status appears where there was none.
    const complete = document.querySelector('#entries-status[data-complete="true"]') !== null;
    if (complete && !wasComplete) {
      probe.complete = now();
      probe.painted = null;
      window.__afterPaint().then((t) => (probe.painted = t));
    }
    wasComplete = complete;
  };
  let wasComplete = false;
  new MutationObserver(watch).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });

  for (const name of ["instantiateStreaming", "instantiate"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = async function (...args) {
      const result = await original.apply(this, args);
      if (result && result.instance) probe.memory = result.instance.exports.memory;
      return result;
    };
  }
  // After the next frame has been produced: what a person sees, not just the DOM.
  window.__afterPaint = () => new Promise((done) => requestAnimationFrame(() => setTimeout(() => done(now()), 0)));
  window.__memory = () => {
    if (window.gc) window.gc();
    return {
      jsHeap: performance.memory ? performance.memory.usedJSHeapSize : null,
      wasm: probe.memory ? probe.memory.buffer.byteLength : 0,
    };
  };
})();
