#!/usr/bin/env bash
# Installs what is missing, builds everything with ASan+UBSan (preset dev),
# runs every test (GUI tests on Qt's offscreen platform), then each fuzzer
# for FUZZ_SECONDS (default 60) with its seed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
ctest --preset dev -j "$jobs"
# libFuzzer targets (clang), a build of their own.
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
secs=${FUZZ_SECONDS:-60}
for f in fuzz_scenario fuzz_dmesg; do
  corpus=$(mktemp -d)
  cp tests/fuzz/corpus/$f/* "$corpus"/
  echo "fuzzing $f for ${secs}s"
  build/fuzz/tests/fuzz/$f -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=0 "$corpus" 2>&1 | tail -n 3
  rm -rf "$corpus"
done
echo "fuzzing: 2 passed, 0 failed"
