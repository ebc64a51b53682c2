#!/usr/bin/env bash
# CLI tests: golden output against real kernel logs, exit codes, and bad
# input (exit 2, a file:line:col message, nothing written).
# Usage: test_cli.sh MMSIM_CLI SOURCE_DIR
set -u
cli=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok()   { pass=$((pass+1)); }
bad()  { fail=$((fail+1)); echo "FAIL: $*"; }

# Golden: the boot lines of a real 6.12 boot, taken from the log with sed
# (timestamps dropped), against what the simulator prints for its import.
for log in qemu-6.12-n2-2G qemu-6.1-n2-2G qemu-6.12-n4-asym-4G; do
  f=$src/tests/fixtures/kernel/$log.log
  "$cli" import-dmesg "$f" -o "$tmp/$log.json" || { bad "import $log"; continue; }
  sed -n '1,/=====DMESG/p' "$f" | tr -d '\r' | sed -e 's/^.*\[ *[0-9]*\.[0-9]*\] //' |
    sed -n '/^Zone ranges:/,/^Policy zone:/p' |
    grep -E '^(Zone ranges:|  [A-Za-z0-9]+ +(\[mem|empty)|Movable zone|  Node [0-9]+: 0x|Early memory|  node +[0-9]+: \[mem|Initmem setup|On node .* unavailable ranges|Fallback order|Built [0-9]+ zonelists|Policy zone)' \
    > "$tmp/$log.want"
  "$cli" run "$tmp/$log.json" --print boot > "$tmp/$log.got" || bad "run $log"
  if diff -u "$tmp/$log.want" "$tmp/$log.got" > "$tmp/$log.diff"; then ok; else bad "boot lines $log"; head -20 "$tmp/$log.diff"; fi
  # check: every memblock allocation lands where the kernel put it
  if "$cli" check "$tmp/$log.json" > /dev/null; then ok; else bad "check $log"; fi
done

# Golden slabinfo: the kmalloc caches the simulator creates at boot list in
# the captured kernel's order with its geometry and tunables columns (the
# object counts of a real boot are not modelled).
for log in qemu-6.12-n2-2G qemu-6.1-n2-2G; do
  f=$src/tests/fixtures/kernel/$log.log
  [ -e "$tmp/$log.json" ] || "$cli" import-dmesg "$f" -o "$tmp/$log.json" || { bad "import $log"; continue; }
  kmalloc='^(dma-)?kmalloc-(cg-|rcl-)?[0-9]+k? '
  sed -n '/^=====slabinfo/,/^=====/p' "$f" | tr -d '\r' | grep -E "$kmalloc" |
    awk '{print $1, $4, $5, $6, $9, $10, $11, $16}' > "$tmp/$log.slab.want"
  "$cli" run "$tmp/$log.json" --print slabinfo > "$tmp/$log.slabinfo" || bad "slabinfo $log"
  grep -E "$kmalloc" "$tmp/$log.slabinfo" | awk '{print $1, $4, $5, $6, $9, $10, $11, $16}' > "$tmp/$log.slab.got"
  if [ -s "$tmp/$log.slab.want" ] && diff -u "$tmp/$log.slab.want" "$tmp/$log.slab.got" > "$tmp/$log.slab.diff"; then ok; else bad "slabinfo kmalloc rows $log"; head -20 "$tmp/$log.slab.diff"; fi
  # the header lines are the kernel's, byte for byte
  if [ "$(sed -n '/^=====slabinfo/,/^=====/p' "$f" | tr -d '\r' | sed -n '2,3p')" = "$(head -2 "$tmp/$log.slabinfo")" ]; then ok; else bad "slabinfo header $log"; fi
done

# Bad input: each file must be refused with exit 2, a message naming the
# file with line:col, and no output file written.
for f in "$src"/tests/fixtures/bad/*.json; do
  out="$tmp/out.txt"
  "$cli" run "$f" --print zoneinfo --trace "$tmp/trace.txt" > "$out" 2> "$tmp/err.txt"
  rc=$?
  name=$(basename "$f")
  if [ $rc -ne 2 ]; then bad "$name: exit $rc, want 2"; continue; fi
  if ! grep -qE "$name:[0-9]+:[0-9]+: error: " "$tmp/err.txt"; then bad "$name: message: $(cat "$tmp/err.txt")"; continue; fi
  if [ -s "$out" ] || [ -e "$tmp/trace.txt" ]; then bad "$name: wrote output"; continue; fi
  ok
done
for f in "$src"/tests/fixtures/dmesg/bad-*.log; do
  [ -e "$f" ] || continue
  rm -f "$tmp/imp.json"
  "$cli" import-dmesg "$f" -o "$tmp/imp.json" 2> "$tmp/err.txt"; rc=$?
  name=$(basename "$f")
  if [ $rc -ne 2 ]; then bad "$name: exit $rc, want 2"; continue; fi
  if ! grep -qE "$name:[0-9]+:[0-9]+: error: " "$tmp/err.txt"; then bad "$name: message: $(cat "$tmp/err.txt")"; continue; fi
  if [ -e "$tmp/imp.json" ]; then bad "$name: wrote a scenario"; continue; fi
  ok
done
# An existing output file survives a failed import untouched.
echo keep > "$tmp/existing.json"
"$cli" import-dmesg "$src/tests/fixtures/bad/not-a-log.txt" -o "$tmp/existing.json" 2>/dev/null
if [ "$(cat "$tmp/existing.json")" = keep ]; then ok; else bad "failed import replaced an existing file"; fi
# Unknown view / subcommand: usage error, exit 2.
"$cli" run "$src/scenarios/default.json" --print nosuchview >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown view exit code"
printf '{"format": "mmsim-scenario/1", "machine": {"e820": []}, "boot": [{"op": "memblock_add", "base": 0, "size": "1G"}]}' > "$tmp/mb.json"
"$cli" run "$tmp/mb.json" --print memblock > /dev/null && ok || bad "memblock-only scenario"
"$cli" run "$tmp/mb.json" --print zoneinfo > /dev/null 2>&1; [ $? -eq 2 ] && ok || bad "zoneinfo in the memblock phase: exit code"
"$cli" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown subcommand exit code"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
