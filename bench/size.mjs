// Size benchmark: raw, gzip -9 and brotli (quality 11) bytes of every file the app and the
// embed demo load, beside the JavaScript peers' browser bundles from npm.
//
//   node bench/size.mjs DIST_DIR PEERS_DIR PACKAGE_DIR   → prints a Markdown table
//
// PACKAGE_DIR is the npm package (packages/implicit-oauth, built by scripts/build-npm.sh): what a
// page loads for the headless client, and for the element.
import { readFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const [dist, peers, pkg] = process.argv.slice(2);
const measure = (path) => {
  const bytes = readFileSync(path);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};

// What index.html makes the browser load: itself, its scripts, preloads, styles and icon
// (all relative: dist/ runs from any folder).
const index = readFileSync(join(dist, "index.html"), "utf8");
const referenced = [...index.matchAll(/(?:src|href)="(?:\.\/)?([^"/:]+)"/g)].map((m) => m[1]);
const app = ["index.html", ...new Set(referenced), "config.json"].filter((f) => existsSync(join(dist, f)));
const embed = ["embed-demo.html", "embed-demo.js", "embed-demo.css", "implicit-oauth.js", "callback.html", "callback.js"]
  .concat(referenced.filter((f) => f.endsWith(".js") && f !== "boot.js" || f.endsWith(".wasm")))
  .filter((f, i, all) => all.indexOf(f) === i && existsSync(join(dist, f)));

const peerFiles = [
  ["hellojs", "dist/hello.min.js"],
  ["jso", "dist/jso.js"],
  ["oidc-client-ts", "dist/browser/oidc-client-ts.min.js"],
];

const rows = [];
const group = (name, files, base) => {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) {
    const m = measure(join(base, f));
    for (const k of Object.keys(total)) total[k] += m[k];
    rows.push({ group: name, file: f, ...m });
  }
  rows.push({ group: name, file: "**total**", ...total });
  return total;
};
const client = ["implicit-oauth.js", "wasm/implicit_oauth.js", "wasm/implicit_oauth_bg.wasm"];
const totals = {
  app: group("app (index.html)", app, dist),
  embed: group("embed demo (the whole app in a host page)", embed, dist),
  package: group("npm package: headless client", client, pkg),
  element: group("npm package: element", ["element.js", ...client], pkg),
};
for (const [pkg, file] of peerFiles) {
  const version = JSON.parse(readFileSync(join(peers, "node_modules", pkg, "package.json"), "utf8")).version;
  totals[pkg] = group(`${pkg} ${version}`, [file], join(peers, "node_modules", pkg));
}

const kb = (n) => (n / 1024).toFixed(1);
console.log("| what | file | raw KB | gzip KB | brotli KB |\n|---|---|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.group} | ${r.file} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`);
const target = (name, total, kbTarget) => {
  const over = total.gzip - kbTarget * 1024;
  return `${name} ≤ ${kbTarget} KB gzip: ${kb(total.gzip)} KB (${over > 0 ? `${kb(over)} KB over` : "met"})`;
};
console.log(`\nTargets (issue #15): ${target("the npm package (wasm + JS glue)", totals.package, 45)}; ` +
  `${target("the app (everything index.html loads)", totals.app, 150)}.`);
