#!/usr/bin/env bash
# Benchmarks Lamina against PrusaSlicer 2.5 and CuraEngine 4.13 on the same machine in the
# same run, at the settings ../shared/tools/peer_slice.sh matches to Lamina's defaults, and
# the engine compiled to wasm32 under Node against native. Prints the tables for
# BENCHMARKS.md.
#   scripts/bench.sh [MODEL...]     (default: every model in ../shared/models)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${LAMINA_SHARED:-../shared}
models=("$@")
[ ${#models[@]} -gt 0 ] || models=("$shared"/models/*.3mf "$shared"/models/*.stl "$shared"/models/*.obj)
runs=${RUNS:-3}
out=$(mktemp -d)

cargo build --release --quiet
rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || rustup target add wasm32-unknown-unknown
cargo build --quiet --release --example wasm_bench --target wasm32-unknown-unknown
wasm=target/wasm32-unknown-unknown/release/examples/wasm_bench.wasm

# median wall seconds and peak MB of a command over $runs runs
measure() {
  local best=() mb=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -v "$@" >"$out/log" 2>&1 || { echo "failed: $*" >&2; tail -3 "$out/log" >&2; return 1; }
    best+=("$(grep 'Elapsed' "$out/log" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')")
    local m; m=$(grep 'Maximum resident' "$out/log" | awk '{print int($NF/1024)}')
    [ "$m" -gt "$mb" ] && mb=$m
  done
  printf '%s %s\n' "$(printf '%s\n' "${best[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p")" "$mb"
}

defs=${CURA_DEFS:-/tmp/cura-defs/usr/share/cura/resources/definitions}
bash "$shared/tools/peer_slice.sh" "${models[0]}" "$out/warmup" >/dev/null 2>&1 || true

echo "| model | Lamina s | MB | Lamina 1 thread s | PrusaSlicer s | MB | CuraEngine s | MB | Cura ÷ Lamina | Prusa ÷ Lamina | wasm s | wasm MB | wasm ÷ native 1 thread |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for m in "${models[@]}"; do
  name=$(basename "$m")
  read -r ls lmb < <(measure target/release/lamina slice "$m" -o "$out/lamina.gcode")
  read -r l1 _ < <(RAYON_NUM_THREADS=1 measure target/release/lamina slice "$m" -o "$out/lamina1.gcode")
  read -r ps pmb < <(measure prusa-slicer -g --layer-height 0.2 --first-layer-height 0.2 --perimeters 2 \
    --top-solid-layers 3 --bottom-solid-layers 3 --fill-density 20% --fill-pattern rectilinear \
    --skirts 1 --nozzle-diameter 0.4 --filament-diameter 1.75 --gcode-flavor marlin2 \
    --bed-shape 0x0,220x0,220x220,0x220 --center 110,110 --temperature 200 --bed-temperature 60 \
    "$m" -o "$out/prusa.gcode")
  stl=$m
  case "$m" in *.3mf|*.obj) stl=$out/model.stl; prusa-slicer --export-stl "$m" -o "$stl" >/dev/null 2>&1 ;; esac
  read -r cs cmb < <(CURA_ENGINE_SEARCH_PATH=$defs measure CuraEngine slice -j "$defs/fdmprinter.def.json" \
    -s layer_height=0.2 -s layer_height_0=0.2 -s wall_line_count=2 -s top_layers=3 -s bottom_layers=3 \
    -s infill_sparse_density=20 -s infill_pattern=lines -s adhesion_type=skirt -s skirt_line_count=1 \
    -s machine_width=220 -s machine_depth=220 -s machine_height=250 -s machine_center_is_zero=false \
    -s material_print_temperature=200 -s material_bed_temperature=60 -s support_enable=false \
    -e0 -s machine_nozzle_size=0.4 -s material_diameter=1.75 -l "$stl" -o "$out/cura.gcode")
  read -r _ ws wmb < <(node scripts/wasm-bench.mjs "$wasm" "$runs" "$m")
  awk -v n="$name" -v ls="$ls" -v lmb="$lmb" -v l1="$l1" -v ps="$ps" -v pmb="$pmb" -v cs="$cs" -v cmb="$cmb" -v ws="$ws" -v wmb="$wmb" \
    'function r(a, b, f) { return b > 0 ? sprintf(f "×", a / b) : "–" }
     BEGIN { printf "| %s | %.2f | %d | %.2f | %.2f | %d | %.2f | %d | %s | %s | %.2f | %d | %s |\n", n, ls, lmb, l1, ps, pmb, cs, cmb, r(cs, ls, "%.1f"), r(ps, ls, "%.1f"), ws, wmb, r(ws, l1, "%.2f") }'
done
echo
echo "Per stage (lamina bench, median of $runs runs, seconds):"
echo
target/release/lamina bench --runs "$runs" "${models[@]}"
rm -rf "$out"

echo
echo "Web app in headless Chromium (3DBenchy, median of $runs):"
echo
source scripts/tools.sh
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
trunk build --release >/dev/null 2>&1
wasm_file=$(ls dist/*_bg.wasm)
printf 'app module: %.2f MB, %.2f MB gzipped\n' "$(stat -c %s "$wasm_file" | awk '{print $1/1e6}')" \
  "$(gzip -9c "$wasm_file" | wc -c | awk '{print $1/1e6}')"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory dist >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
python3 scripts/wait-url.py "http://127.0.0.1:$port/"
node scripts/app-bench.mjs "http://127.0.0.1:$port/" "$shared/models/3DBenchy.3mf" "$runs"
