# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/.tools/node_modules/.bin:$(PATH)

.PHONY: run test setup dist npm size bench

## run: build the app (release) and serve it with the local provider; prints the URL to open.
# PROFILE picks the service the local provider impersonates and the app's preset:
# harvest (default), forecast, aha, appnet, appharbor or generic.
# PROVIDER_FLAGS passes more of the local provider's flags, e.g. for the code grant with PKCE and
# rotating refresh tokens: make run PROFILE=generic PROVIDER_FLAGS="--code --refresh-tokens"
PROFILE ?= harvest
PROVIDER_FLAGS ?=
run: dist
	cargo run -p local-provider -- --profile $(PROFILE) --port 9090 --app-dir dist --app-port 8080 $(PROVIDER_FLAGS)

## test: every check — fmt, clippy (native and wasm32), native tests, wasm tests in Chromium, end-to-end.
test:
	scripts/test.sh

setup:
	scripts/setup.sh

## dist: the release build of the static site (dist/ plus config.json).
dist: setup
	trunk build --release

## npm: the npm package (packages/implicit-oauth/), packed into target/npm/implicit-oauth-*.tgz.
npm: setup
	scripts/build-npm.sh

## size: raw and gzip bytes of the wasm and JS in dist/ (a measurement, not a test).
size: dist
	scripts/size.sh

## bench: measurements (not part of make test): sizes beside the JavaScript peers, browser timings, Lighthouse; writes BENCHMARKS.md.
bench: dist npm
	bench/run.sh
