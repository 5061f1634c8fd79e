// Trunk post-build hook: writes `name.br` (brotli, quality 11) and `name.gz` (gzip -9) beside
// each hashed build output (the app's wasm, its JS and its CSS), so a host that serves
// precompressed files sends them at the best level without compressing on every request:
// nginx's `gzip_static` (deploy/nginx.conf) and our own server (provider/src/site.rs).
//
// Only files named by their content hash: they never change after the build. Files a deployer
// edits (config.json) or that are small and revalidated are left to the host's own
// compression: a stale compressed copy beside an edited file would be served instead of it.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) throw new Error("precompress.mjs: run by trunk (TRUNK_STAGING_DIR) or given a folder");
// The same names deploy/nginx.conf and site.rs treat as immutable.
const hashed = /-[0-9a-f]{12,16}(_bg)?\.(js|wasm|css)$/;
for (const name of readdirSync(dir).filter((n) => hashed.test(n))) {
  const bytes = readFileSync(join(dir, name));
  const mode = name.endsWith(".wasm") ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT;
  writeFileSync(join(dir, `${name}.br`), brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: mode,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }));
  writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
}
