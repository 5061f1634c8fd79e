#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already present at the right
# version. Safe to run again and again; `make run` and `make test` start with it.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
VITE_VERSION=7.3.8
AXE_VERSION=4.14.1
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

export PATH="$HOME/.cargo/bin:$PWD/.tools/node_modules/.bin:$PATH"

# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    step "Adding rustup component $component"
    rustup component add "$component"
  fi
done

if ! (have trunk && trunk --version | grep -q " $TRUNK_VERSION"); then
  step "Installing trunk $TRUNK_VERSION (a few minutes on 2 cores)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if ! (have wasm-bindgen && wasm-bindgen --version | grep -q " $WASM_BINDGEN_VERSION\$" \
      && have wasm-bindgen-test-runner); then
  step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (matches Cargo.lock; a few minutes)"
  # Not --locked: one of its locked dependency versions is not served by the registry.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi

if ! (have wasm-opt && wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"); then
  step "Installing wasm-opt from npm binaryen@$BINARYEN_VERSION into .tools/"
  mkdir -p .tools
  npm install --prefix .tools --no-save --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
fi

# Vite, for the end-to-end test that builds a host page with it: installed once here (which puts
# it in npm's cache), then into each test's fresh folder with `npm install --offline`.
if [ ! -f ".tools/vite/node_modules/vite/package.json" ] \
    || ! grep -q "\"version\": \"$VITE_VERSION\"" .tools/vite/node_modules/vite/package.json; then
  step "Installing vite@$VITE_VERSION into .tools/vite/ (and npm's cache)"
  mkdir -p .tools/vite
  npm install --prefix .tools/vite --no-save --no-audit --no-fund --loglevel=error "vite@$VITE_VERSION"
fi

# axe-core, which the layout tests inject into every screen to look for accessibility faults.
if [ ! -f ".tools/axe/node_modules/axe-core/package.json" ] \
    || ! grep -q "\"version\": \"$AXE_VERSION\"" .tools/axe/node_modules/axe-core/package.json; then
  step "Installing axe-core@$AXE_VERSION into .tools/axe/"
  mkdir -p .tools/axe
  npm install --prefix .tools/axe --no-save --no-audit --no-fund --loglevel=error "axe-core@$AXE_VERSION"
fi

if ! (have chromium && have chromedriver); then
  step "Installing Debian's chromium and chromium-driver"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver
fi

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  step "Installing Debian's nginx (the end-to-end suite runs once behind it)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx
  # The package may start a default server on port 80; the tests start their own on loopback.
  $SUDO service nginx stop >/dev/null 2>&1 || true
fi

# The third-party authorization server for the interoperability tests (django-oauth-toolkit),
# at the versions pinned in interop/dot/requirements.txt, in a git-ignored virtualenv.
VENV=.tools/interop-venv
if ! ( [ -x "$VENV/bin/python" ] && [ -f "$VENV/.installed" ] \
       && cmp -s interop/dot/requirements.txt "$VENV/.installed" ); then
  step "Installing django-oauth-toolkit into $VENV (interop/dot/requirements.txt)"
  mkdir -p .tools
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r interop/dot/requirements.txt
  cp interop/dot/requirements.txt "$VENV/.installed"
fi

step "Toolchain ready"
printf '  %s\n' "$(trunk --version)" "$(wasm-bindgen --version)" "$(wasm-opt --version)" \
  "$(chromedriver --version | cut -d' ' -f1-2)" \
  "django-oauth-toolkit $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("django-oauth-toolkit"))')"
