#!/usr/bin/env bash
# Prints raw and gzip -9 bytes of what the browser downloads from dist/.
set -euo pipefail
cd "$(dirname "$0")/../dist"
printf '%-48s %10s %10s\n' file raw gzip
total_raw=0; total_gz=0
for f in *.wasm *.js *.css index.html; do
  [ -f "$f" ] || continue
  raw=$(wc -c < "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '%-48s %10d %10d\n' "$f" "$raw" "$gz"
done
printf '%-48s %10d %10d\n' total "$total_raw" "$total_gz"
