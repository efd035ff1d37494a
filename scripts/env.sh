# Sourced by scripts/setup, the Makefile and the tests: puts the project's tools on PATH and selects
# the toolchain that builds wasm32-unknown-unknown on this machine. Cheap: it only reads state.
# shellcheck shell=bash

PORTCHECK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Tools live outside the clone so every clone on a machine shares one install.
PORTCHECK_TOOLS=${PORTCHECK_TOOLS:-${XDG_DATA_HOME:-$HOME/.local/share}/palette-portcheck/tools}
export PORTCHECK_ROOT PORTCHECK_TOOLS
# The Python that has the output validators (tests/validate/requirements.txt).
PORTCHECK_PYTHON=${PORTCHECK_PYTHON:-$PORTCHECK_TOOLS/venv/bin/python}
export PORTCHECK_PYTHON
case ":$PATH:" in
  *":$PORTCHECK_TOOLS/bin:"*) ;;
  *) PATH="$PORTCHECK_TOOLS/bin:$PATH" ;;
esac
case ":$PATH:" in
  *":$PORTCHECK_ROOT/node_modules/.bin:"*) ;;
  *) PATH="$PORTCHECK_ROOT/node_modules/.bin:$PATH" ;;
esac
export PATH

# A rustup toolchain that has the wasm32 standard library is the normal route; without one, the
# Debian route (rustc-web, linked into rustup as `debian-web`) compiles std from source.
portcheck_rustup_has_wasm32() {
  command -v rustup >/dev/null 2>&1 &&
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

# The release app is split in two wasm modules (app/src/engine.rs, scripts/split-app.mjs): the
# split point is compiled in by a cfg, and wasm-split-cli needs the linker's relocations.
# RUSTFLAGS replace .cargo/config.toml's, so they repeat them.
PORTCHECK_SPLIT_FLAGS="--cfg erase_components --cfg portcheck_split -Clink-arg=--emit-relocs"

if portcheck_rustup_has_wasm32; then
  PORTCHECK_WASM_ROUTE=rustup
  PORTCHECK_WASM_ENV=()
  PORTCHECK_WASM_RELEASE_ENV=("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=$PORTCHECK_SPLIT_FLAGS")
else
  PORTCHECK_WASM_ROUTE=debian-web
  PORTCHECK_WASM_ENV=(RUSTUP_TOOLCHAIN=debian-web RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort)
  # std is compiled here anyway, so the release app can drop what a browser user never sees:
  # Debug formatting, panic locations and panic messages (a panic is a trap either way), and
  # take std's smaller implementations (optimize_for_size). -22 KB gzip (BENCHMARKS.md).
  PORTCHECK_WASM_RELEASE_ENV=(
    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=$PORTCHECK_SPLIT_FLAGS -Zfmt-debug=none -Zlocation-detail=none -Zunstable-options -Cpanic=immediate-abort"
    CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
  )
fi
export PORTCHECK_WASM_ROUTE

# Runs a command with the wasm toolchain selected; native cargo commands keep the default one.
portcheck_wasm() {
  env "${PORTCHECK_WASM_ENV[@]}" "$@"
}

# The same, with the size flags of the release app (tests keep panic messages).
portcheck_wasm_release() {
  env "${PORTCHECK_WASM_ENV[@]}" "${PORTCHECK_WASM_RELEASE_ENV[@]}" "$@"
}
