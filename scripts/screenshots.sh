#!/usr/bin/env bash
# Remakes docs/screenshots/: every view of the GUI in both themes at two
# window sizes (1280x800, and 1024x768 as on a classroom projector), each
# made by the GUI's own --screenshot option under Xvfb.
#   scripts/screenshots.sh [path/to/mmsim]   (default: build/release/app/mmsim)
set -euo pipefail
cd "$(dirname "$0")/.."
mmsim=${1:-build/release/app/mmsim}
out=docs/screenshots
mkdir -p "$out"

# view name -> the scenario and step that show it at work
shot() { # view scenario step
  local view=$1 scenario=$2 step=$3
  for theme in light dark; do
    for size in 1280x800 1024x768; do
      xvfb-run -a -s "-screen 0 1920x1200x24" "$mmsim" --scenario "$scenario" --step "$step" \
        --view "$view" --theme "$theme" --size "$size" --screenshot "$out/$view-$theme-$size.png"
    done
  done
}

shot machine scenarios/default.json 1
shot memblock scenarios/default.json 1
shot zones scenarios/default.json 1
shot proc scenarios/default.json 1
shot trace tests/gui/demo_buddy.json 9
shot buddy tests/gui/demo_buddy.json 2
shot pagemap tests/gui/demo_buddy.json 9
shot slab scenarios/12-slub-percpu-partial.json 8
shot charts scenarios/08-migratetypes-fragmentation.json 45
echo "wrote $(ls "$out"/*-*x*.png | wc -l) screenshots to $out"
