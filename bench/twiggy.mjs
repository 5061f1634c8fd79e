// Where the wasm's bytes go, by crate and by function: reads `twiggy top -f csv` of the release
// wasm as cargo wrote it (before wasm-bindgen and wasm-opt, so with names), on stdin.
// Shares are of code and data only (custom sections, the names table and wasm-bindgen's
// descriptors, which never ship, are left out); wasm-opt then shrinks the rest.
import { readFileSync } from "node:fs";

const rows = readFileSync(0, "utf8").trim().split("\n").slice(1).map((line) => {
  const m = line.match(/^("(?:[^"]|"")*"|[^,]*),(\d+),/);
  return m && { name: m[1].replace(/^"|"$/g, "").replaceAll('""', '"'), bytes: Number(m[2]) };
}).filter((r) => r && !r.name.startsWith("custom section") && !r.name.includes("subsection")
  // wasm-bindgen's type descriptors (functions and their exports) are removed by wasm-bindgen.
  && !r.name.includes("__wbindgen_describe") && !r.name.includes("WasmDescribe>::describe"));

// The crate an item belongs to: the first path segment of its (self) type or function.
const crateOf = (name) => {
  if (name.startsWith("data segment")) return "(data: strings, tables)";
  const m = name.replace(/^(<|&|mut |dyn |\()+/, "").match(/^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/);
  return m ? m[1] : "(other: glue, intrinsics)";
};
const total = rows.reduce((n, r) => n + r.bytes, 0);
const byCrate = new Map();
for (const r of rows) byCrate.set(crateOf(r.name), (byCrate.get(crateOf(r.name)) || 0) + r.bytes);
const pct = (n) => ((100 * n) / total).toFixed(1);
console.log("| crate | bytes | share |\n|---|---:|---:|");
for (const [crate, bytes] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  console.log(`| ${crate} | ${bytes} | ${pct(bytes)} % |`);
}
console.log(`| **all code and data** | ${total} | 100 % |\n`);
console.log("| largest items | bytes | share |\n|---|---:|---:|");
for (const r of [...rows].sort((a, b) => b.bytes - a.bytes).slice(0, 15)) {
  const name = r.name.replace(/::h[0-9a-f]{16}$/, "").replaceAll("|", "\\|");
  console.log(`| \`${name.length > 110 ? name.slice(0, 107) + "…" : name}\` | ${r.bytes} | ${pct(r.bytes)} % |`);
}
