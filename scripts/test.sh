#!/usr/bin/env bash
# Every check, in order; stops at the first failure. Ends with a count of the tests of each kind
# that ran, and fails if any kind ran none.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export CARGO_TERM_COLOR=never
logs=target/test-logs
mkdir -p "$logs"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# "test result: ok. 12 passed; 0 failed; ..." lines, summed.
count() { awk '/test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { printf "%d %d\n", p, f }' "$1"; }

step "Formatting (cargo fmt --check)"
cargo fmt --all --check

step "Clippy, native"
cargo clippy --workspace --all-targets -- -D warnings

step "Clippy, wasm32: the app, the Yew example (only the features a user picks), the crate's faces"
cargo clippy -p implicit-oauth-app --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy -p yew-app-example --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p implicit-oauth --target wasm32-unknown-unknown --all-targets --features yew -- -D warnings
cargo clippy -p implicit-oauth --target wasm32-unknown-unknown --lib --features js -- -D warnings
cargo clippy -p implicit-oauth --target wasm32-unknown-unknown --lib -- -D warnings

step "The crate as crates.io would get it (cargo package: the packed files alone build, without Yew)"
cargo package -p implicit-oauth --offline --allow-dirty

step "Native tests (the crate among them: its cores, without the yew feature, which is wasm-only)"
cargo test --workspace --exclude e2e 2>&1 | tee "$logs/native.log"

step "Fuzzing the parsers of untrusted input (3 x 20 s; longer: cargo run --release -p fuzz -- 600)"
cargo run --release -q -p fuzz -- "${FUZZ_SECONDS:-20}" 2>&1 | tee "$logs/fuzz.log"

step "wasm tests in headless Chromium"
{
  cargo test -p implicit-oauth --target wasm32-unknown-unknown --features yew --lib
  cargo test -p implicit-oauth-app --target wasm32-unknown-unknown --test web
} 2>&1 | tee "$logs/wasm.log"

step "Release build of the static site (trunk)"
trunk build --release

step "The npm package, packed (scripts/build-npm.sh → target/npm/implicit-oauth-*.tgz)"
scripts/build-npm.sh

step "End-to-end tests in headless Chromium"
cargo test -p e2e -- --test-threads=2 2>&1 | tee "$logs/e2e.log"

step "End-to-end tests again, behind Debian's nginx with deploy/nginx.conf"
E2E_SERVER=nginx cargo test -p e2e -- --test-threads=2 2>&1 | tee "$logs/e2e-nginx.log"

step "Summary"
total_p=0; total_f=0; empty=""
for kind in native wasm e2e e2e-nginx; do
  read -r p f < <(count "$logs/$kind.log")
  printf '  %-10s %4d passed, %d failed\n' "$kind" "$p" "$f"
  total_p=$((total_p + p)); total_f=$((total_f + f))
  [ "$p" -gt 0 ] || empty="$empty $kind"
done
if [ -n "$empty" ]; then
  echo "no tests ran for:$empty" >&2
  exit 1
fi
printf '  %-10s %s\n' fuzz "$(tail -n 1 "$logs/fuzz.log" | sed 's/^fuzz: //')"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
