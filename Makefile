# The two commands of the README: `make run` and `make test`. Both set up the machine first.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
ENV := . scripts/env.sh &&
PORT ?= 8790

.PHONY: run test setup setup-run app offline dist test-dist test-native test-wasm test-e2e test-fuzz bench

run: setup-run app
	$(ENV) cargo build --release -p portcheck
	$(ENV) exec target/release/portcheck serve --dir dist --port $(PORT)

test: setup test-native test-fuzz app offline dist test-dist test-wasm test-e2e

# `make run` installs only what building and running need; `make test` everything.
setup-run:
	@scripts/setup run

setup:
	@scripts/setup test

# The release app in dist/, built by Trunk with the wasm toolchain scripts/env.sh selects.
app:
	$(ENV) portcheck_wasm_release trunk build --release

# The offline bundle for air-gapped sites: one HTML file that works from file://.
offline: app
	node scripts/offline-bundle.mjs dist dist-offline/palette-portcheck.html

# The probe for people who will not build it, in dist/probe/ beside the hosted app: static
# Linux (x86_64, aarch64) and Windows binaries, their SBOMs, an OCI image, SHA256SUMS.
dist: setup app
	scripts/dist/build

# The binaries of dist/probe/ where they run: empty chroots, qemu-user, wine; the image read
# back by skopeo and umoci; the SBOMs against CycloneDX's schema.
test-dist: dist
	scripts/dist/test

test-native:
	$(ENV) cargo test --workspace

# App code in headless Chrome through wasm-bindgen-test (chromedriver flags: app/webdriver.json).
# Chromium's profile (about 100 MB) outlives the run in TMPDIR: a folder of the run's own
# holds it and is removed after.
test-wasm:
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(ENV) TMPDIR=$$tmp portcheck_wasm wasm-pack --log-level warn test --headless --chrome \
		--chromedriver /usr/bin/chromedriver --mode no-install app

# The built app served by the real probe binary, driven in headless Chromium.
test-e2e:
	$(ENV) cargo build -p portcheck
	$(ENV) PORTCHECK_BIN=target/debug/portcheck node --test --test-concurrency=2 tests/e2e/

# A short cargo-fuzz run of every parser that reads hostile input (rules/fuzz). A crash makes
# cargo fuzz fail, and pipefail fails the recipe; the libFuzzer summary lines are kept.
FUZZ_SECONDS ?= 15
test-fuzz:
	$(ENV) cd rules/fuzz && for target in probe_message probe_reply pairing_link plan_file share_link addresses docs_page target_display; do \
		cargo +nightly fuzz run $$target -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 2>&1 \
			| grep -E '^(Done|==|SUMMARY|thread|Failing input)'; \
	done

# Every benchmark of BENCHMARKS.md: the rule engine (criterion), the probe against 200 delaying
# TLS servers and nmap, the app's bundle size and page load, merging a fleet's reports against
# jq, and the memory of `portcheck watch` over thousands of runs.
bench: setup
	$(ENV) cargo bench -p portcheck-rules --bench evaluate
	$(ENV) cargo bench -p portcheck --bench live_checks
	$(ENV) scripts/bench/app
	$(ENV) scripts/bench/merge-fleet
	$(ENV) scripts/bench/watch-memory
