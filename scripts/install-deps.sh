#!/usr/bin/env bash
# Installs the Debian 12 packages mmsim needs to build, test and run, if any
# are missing. Needs root (or sudo).
set -euo pipefail
pkgs=(cmake ninja-build g++ pkg-config
      qt6-base-dev qt6-svg-dev libqcustomplot-dev libgl-dev
      nlohmann-json3-dev libcli11-dev
      googletest libgtest-dev libbenchmark-dev
      xvfb xauth clang-14 libclang-rt-14-dev
      python3 python3-jsonschema)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
