#!/usr/bin/env bash
# The main job: install what is missing, build (release), and open the GUI on
# the default scenario; without a display, run the CLI on it and write its
# report to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec build/release/app/mmsim scenarios/default.json
fi
mkdir -p out
cli=build/release/app/mmsim-cli
for v in e820 memblock boot iomem zoneinfo buddyinfo pagetypeinfo unusable_index extfrag_index \
         slabinfo cycles; do
  echo "===== $v"
  "$cli" run scenarios/default.json --print "$v"
done > out/report.txt
"$cli" run scenarios/default.json --print dmesg --trace out/trace.txt > out/dmesg.txt
"$cli" export-charts scenarios/default.json --out out/charts > /dev/null
echo "no display: wrote out/report.txt (kernel views), out/dmesg.txt (kernel log),"
echo "out/trace.txt (ftrace-style events with cycle stamps) and out/charts/ (PNG, PDF, SVG, CSV, JSON)"
