#!/usr/bin/env bash
# Builds the Lamina web app and serves it on http://127.0.0.1:8080, installing what is
# missing first (see scripts/tools.sh), and opens it in the browser when there is a display.
# It starts with the default printer (Creality Ender-3 V3 SE) and a calibration cube on the
# bed. Ctrl+C stops it.
#   scripts/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
open=()
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ "$(uname)" = Darwin ]; then open=(--open); fi
echo "building and serving Lamina at http://127.0.0.1:8080/ (the first build takes a few minutes)"
# No autoreload script: the page's Content-Security-Policy allows only its own loader inline.
exec trunk serve --release --no-autoreload "${open[@]}"
