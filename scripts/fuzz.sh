#!/usr/bin/env bash
# Fuzzes every parser that reads input from outside Lamina (the targets are in
# tests/fuzz/targets.rs, the fuzzer in examples/fuzz.rs) and prints the report that
# RELIABILITY.md keeps. Not part of scripts/test.sh: tests/fuzz.rs replays every finding and
# a short mutation run there.
#   scripts/fuzz.sh                       1,000,000 executions of every target, two at a time
#   scripts/fuzz.sh --target stl --seconds 60
# Options are the fuzzer's (scripts/fuzz.sh --help). Findings go to target/fuzz/findings.
set -euo pipefail
cd "$(dirname "$0")/.."
# SanitizerCoverage's counters, which the fuzzer reads to keep inputs that reach new code
# (stable rustc emits them); debug assertions and overflow checks make silent arithmetic
# mistakes on hostile input show as panics. Built apart from the normal build.
export CARGO_TARGET_DIR=${LAMINA_FUZZ_BUILD:-target/fuzz-build}
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=3 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cdebug-assertions=on -Coverflow-checks=on"
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
# With --target given, RUSTFLAGS leave build scripts and proc macros alone (they would need
# the fuzzer's counter functions to link).
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --example fuzz --target "$host"
jobs=$(nproc 2>/dev/null || echo 2)
exec "$CARGO_TARGET_DIR/$host/release/examples/fuzz" --jobs "$jobs" --out target/fuzz "$@"
