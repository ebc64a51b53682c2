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
  if [ $f = fuzz_dmesg ]; then cp tests/fixtures/kernel/*.log tests/fixtures/dmesg/*.log "$corpus"/; fi
  if [ $f = fuzz_scenario ]; then cp scenarios/*.json tests/fixtures/bad/*.json "$corpus"/; fi
  echo "fuzzing $f for ${secs}s"
  if ! build/fuzz/tests/fuzz/$f -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=0 -artifact_prefix="build/fuzz/$f-" "$corpus" > "build/fuzz/$f.log" 2>&1; then
    tail -n 40 "build/fuzz/$f.log"
    echo "fuzzing: $f found a crash (input saved as build/fuzz/$f-*)"
    exit 1
  fi
  tail -n 2 "build/fuzz/$f.log"
  rm -rf "$corpus"
done
echo "fuzzing: 2 passed, 0 failed"
