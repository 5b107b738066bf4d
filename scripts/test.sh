#!/usr/bin/env bash
# Runs every test Lamina has. Installs what is missing first (as root, from Debian and the
# Rust toolchain's own server); on a machine where it cannot, it says what to install.
#   scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }
need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  if [ "$(id -u)" = 0 ] && need apt-get; then
    say "installing $*"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "missing: $* (install with: sudo apt-get install $*)" >&2
    exit 1
  fi
}

say "tools"
rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
need python3 || apt_install python3
# PrusaSlicer 2.5 is the reference the model tests compare against.
need prusa-slicer || apt_install prusa-slicer
# The shared test models and G-code checker: $LAMINA_SHARED, or a shared/ folder beside the
# checkout (or beside one of its parents), or the workplace's /work/shared.
shared=""
for d in "${LAMINA_SHARED:-}" ../shared ../../shared /work/shared; do
  if [ -n "$d" ] && [ -f "$d/tools/gcode_check.py" ]; then shared=$d; break; fi
done
if [ -z "$shared" ]; then
  echo "the shared test models and tools were not found (set LAMINA_SHARED to the folder)" >&2
  exit 1
fi
export LAMINA_SHARED=$(cd "$shared" && pwd)

say "format and lints"
cargo fmt --check
cargo clippy --all-targets --release -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --bins -- -D warnings

say "the engine stays pure"
# No browser, UI or GPU crate may be used by the engine, nor linked into the native build.
if grep -rnE '\b(web_sys|js_sys|wasm_bindgen|leptos|wgpu|gloo_net|rexie)\b' src/engine; then
  echo "the engine (src/engine) must not use web, UI or GPU crates" >&2
  exit 1
fi
if cargo tree -e normal --prefix none --target "$(rustc -vV | sed -n 's/^host: //p')" \
    | grep -E '^(web-sys|js-sys|wasm-bindgen|leptos|wgpu) '; then
  echo "a web, UI or GPU crate is linked into the native build" >&2
  exit 1
fi

say "the engine builds for wasm32-unknown-unknown"
cargo build --lib --release --target wasm32-unknown-unknown

say "printer emulator: OctoPrint 1.11 from PyPI in target/octoprint (once)"
octo=$PWD/target/octoprint
if ! "$octo/venv/bin/python" -c 'import octoprint' 2>/dev/null; then
  python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv
  rm -rf "$octo/venv"
  python3 -m venv "$octo/venv"
  "$octo/venv/bin/pip" install -q "octoprint==1.11.*"
fi
export OCTO_HOME=$octo

say "network printer server: Moonraker 0.11 from PyPI in target/moonraker (once)"
moon=$PWD/target/moonraker
if ! "$moon/venv/bin/python" -c 'import moonraker' 2>/dev/null; then
  rm -rf "$moon/venv"
  python3 -m venv "$moon/venv"
  "$moon/venv/bin/pip" install -q "moonraker==0.11.*"
fi
export MOONRAKER_HOME=$moon

say "WebDAV server for model publishing: WsgiDAV 4 from PyPI in target/wsgidav (once)"
dav=$PWD/target/wsgidav
if ! "$dav/venv/bin/python" -c 'import wsgidav, cheroot' 2>/dev/null; then
  rm -rf "$dav/venv"
  python3 -m venv "$dav/venv"
  "$dav/venv/bin/pip" install -q "wsgidav==4.*" "cheroot==11.*"
fi
export WEBDAV_HOME=$dav

say "unit, integration and property tests"
cargo test --release

say "web app in Chromium"
source scripts/tools.sh
need chromium || apt_install chromium
need node || apt_install nodejs
need npm || apt_install npm
need openssl || apt_install openssl
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
trunk build --release
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory dist >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
python3 scripts/wait-url.py "http://127.0.0.1:$port/"
export ARTIFACTS=$PWD/target/browser-artifacts
rm -rf "$ARTIFACTS"
LAMINA_URL="http://127.0.0.1:$port/" LAMINA_DIST=$PWD/dist node --test --test-concurrency=1 tests/browser/
echo "screenshots: $ARTIFACTS"

say "all tests passed"
