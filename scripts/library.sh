#!/usr/bin/env bash
# Rebuilds web/library, the model library served beside the app (library/catalog.json), from
# Lamina's own shapes and web/library.toml. tests/cli.rs checks that it is up to date.
#   scripts/library.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin lamina
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
target/release/lamina generate cube -o "$src/calibration-cube.stl"
target/release/lamina generate temp-tower -o "$src/temperature-tower.stl"
target/release/lamina generate overhang-test -o "$src/overhang-test.stl"
cp web/library.toml "$src/catalog.toml"
rm -rf web/library
target/release/lamina catalog build "$src" -o web/library
