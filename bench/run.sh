#!/usr/bin/env bash
# `make bench`: measurements, not tests. Prints a table and writes BENCHMARKS.md with the date,
# the machine and the command: bundle size beside the JavaScript peers and where the wasm's
# bytes go; then, in headless Chromium against the local provider (e2e/examples/bench.rs),
# callback latency beside a jso page, API throughput under a scaled-down rate limit,
# rendering 10 000 time entries beside a plain DOM table, with memory, and Lighthouse on the
# dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."

PEERS=bench/.peers   # git-ignored
if [ ! -f "$PEERS/.installed" ]; then
  echo "==> Installing the JavaScript peers into $PEERS (hellojs, jso, oidc-client-ts)"
  mkdir -p "$PEERS"
  npm install --prefix "$PEERS" --no-save --no-audit --no-fund --loglevel=error \
    hellojs@1.21.4 jso@4.1.1 oidc-client-ts@3.5.0
  touch "$PEERS/.installed"
fi

# Lighthouse (and puppeteer-core, to reach the bench's own Chromium), pinned; Lighthouse 12
# runs on the Node 20 that Debian ships (13 needs 22).
LIGHTHOUSE=12.8.2
PUPPETEER=24.43.1
if ! grep -qs "\"version\": \"$LIGHTHOUSE\"" "$PEERS/lighthouse/node_modules/lighthouse/package.json"; then
  echo "==> Installing lighthouse@$LIGHTHOUSE into $PEERS/lighthouse"
  mkdir -p "$PEERS/lighthouse"
  npm install --prefix "$PEERS/lighthouse" --no-save --no-audit --no-fund --loglevel=error \
    "lighthouse@$LIGHTHOUSE" "puppeteer-core@$PUPPETEER"
fi

if ! (command -v twiggy >/dev/null && twiggy --version | grep -q " 0.8.0"); then
  echo "==> Installing twiggy 0.8.0 (the wasm size profiler; a few minutes)"
  cargo install --locked twiggy --version 0.8.0
fi

size=$(node bench/size.mjs dist "$PEERS" packages/implicit-oauth)
echo "$size"
# trunk's release build leaves cargo's own output, with function names, in the target dir.
WASM=target/wasm32-unknown-unknown/release/implicit-oauth-app.wasm
PACKAGE_WASM=target/wasm32-unknown-unknown/release/implicit_oauth.wasm
breakdown=$(twiggy top -n 1000000 -f csv "$WASM" | node bench/twiggy.mjs)
echo "$breakdown"
package_breakdown=$(twiggy top -n 1000000 -f csv "$PACKAGE_WASM" | node bench/twiggy.mjs)
echo "$package_breakdown"

# Timings on a small machine move with whatever else runs. The builds above leave it busy for
# a while: wait (up to 2 minutes) for the 1-minute load average to fall below the core count,
# then record how busy it was.
for _ in $(seq 24); do
  awk -v cores="$(nproc)" '{ exit !($1 < cores) }' /proc/loadavg && break
  [ -n "${waited:-}" ] || echo "==> Waiting for the machine to settle (load average $(cut -d' ' -f1 /proc/loadavg))"
  waited=1
  sleep 5
done
load_before="$(cut -d' ' -f1 /proc/loadavg)"
echo "==> Browser measurements (e2e/examples/bench.rs; a few minutes)"
browser=$(cargo run --quiet -p e2e --example bench)
echo "$browser"

machine="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sm)"
{
  echo "# Benchmarks"
  echo
  echo "Measured by \`make bench\` (\`bench/run.sh\`) on $(date -u +%Y-%m-%d), $machine;"
  echo "$(rustc --version), trunk release build with wasm-opt -Oz, commit $(git rev-parse --short HEAD)."
  echo "Figures are measurements, not test assertions; run \`make bench\` to regenerate this file."
  echo "The 1-minute load average was $load_before when the browser measurements began; timings"
  echo "vary by 10–20 % from run to run on this machine, more when it is busy."
  echo
  echo "## Bundle size"
  echo
  echo "Every file the app (\`index.html\`), the embed demo and the npm package load, beside the browser bundles of"
  echo "the JavaScript peers from npm (installed by the bench into the git-ignored \`bench/.peers\`)."
  echo "Brotli at quality 11 and gzip -9, both from Node's zlib."
  echo
  echo "$size"
  echo
  echo "## Where the wasm's bytes go"
  echo
  echo "\`twiggy top\` of \`$WASM\` (cargo's release output, before wasm-bindgen and wasm-opt, so"
  echo "with names), grouped by crate by \`bench/twiggy.mjs\`. Serde code generated for this crate's"
  echo "types counts as \`implicit_oauth\` (\`Config::from_json\` alone is one of the largest items)."
  echo
  echo "$breakdown"
  echo
  echo "The npm package's wasm (\`$PACKAGE_WASM\`, the crate with feature \`js\` and no Yew):"
  echo
  echo "$package_breakdown"
  echo
  echo "$browser"
} > BENCHMARKS.md
echo "==> wrote BENCHMARKS.md"
