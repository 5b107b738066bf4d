#!/usr/bin/env bash
# Serves the Lamina web app on http://127.0.0.1:8080.
#   scripts/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
echo "The app arrives with the web-app issue; until then use the command line:"
echo "  cargo run --release -- slice MODEL.stl -o MODEL.gcode"
