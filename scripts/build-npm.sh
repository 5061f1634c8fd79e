#!/usr/bin/env bash
# Builds the npm package in packages/implicit-oauth/ and packs it into target/npm/:
# the crate without Yew, with its headless `Client` (feature `js`), as wasm-bindgen's `--target web`
# output, shrunk by wasm-opt; beside it the hand-written entry, element, type declarations and
# README, and the app's callback page (one source: static/callback.*).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
pkg=packages/implicit-oauth
wasm=target/wasm32-unknown-unknown/release/implicit_oauth.wasm

cargo rustc -p implicit-oauth --lib --release --target wasm32-unknown-unknown --features js \
  --crate-type cdylib
rm -rf "$pkg/wasm"
wasm-bindgen --target web --no-typescript --out-dir "$pkg/wasm" --out-name implicit_oauth "$wasm"
# The post-MVP features every browser that runs the app has (the same flags as index.html's).
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  -o "$pkg/wasm/implicit_oauth_bg.wasm" "$pkg/wasm/implicit_oauth_bg.wasm"
cp static/callback.html static/callback.js "$pkg/"

mkdir -p target/npm
rm -f target/npm/implicit-oauth-*.tgz
(cd "$pkg" && npm pack --silent --pack-destination ../../target/npm >/dev/null)
ls target/npm/implicit-oauth-*.tgz
