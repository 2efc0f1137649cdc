#!/usr/bin/env bash
# Side-by-side benchmark of photo scrubbing: caviar against what users would run instead
# (ExifTool in its fastest mode, one process over the folder; mat2) and against `cp -r`, the
# physical limit of copying the same bytes. One run, same files, warm page cache for everyone,
# files in memory (/dev/shm) when the machine has it so the disk does not hide the tools' own cost;
# each tool's best of three runs (mat2, which is slow, runs once).
#
#   scripts/bench-photos.sh [FILES]     (default 1000 phone-like 3-megapixel JPEGs)
#
# Needs exiftool and mat2 (Debian: libimage-exiftool-perl mat2); installs them when missing and
# the machine allows it.
set -euo pipefail
cd "$(dirname "$0")/.."

files=${1:-1000}

for tool in exiftool mat2; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "installing ExifTool and mat2 (Debian packages)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libimage-exiftool-perl mat2 >/dev/null
    break
  fi
done

cargo build --release --quiet --bin caviar --example make_fixtures
caviar=target/release/caviar

place=${BENCH_DIR:-/dev/shm}
[ -d "$place" ] && [ -w "$place" ] || place=${TMPDIR:-/tmp}
work=$(mktemp -d "$place/caviar-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

target/release/examples/make_fixtures --bench "$work/in" "$files"
mkdir -p "$work/mat2"
cp -r "$work/in" "$work/mat2/in"
# Read everything once so no tool pays for the first read from disk.
cat "$work"/in/* "$work"/mat2/in/* >/dev/null
megabytes=$(du -sm "$work/in" | cut -f1)

source scripts/timing.sh

cp_s=$(best_of "$work/cp" cp -r "$work/in" "$work/cp")
caviar_s=$(best_of "$work/caviar" "$caviar" scrub "$work/in" --out "$work/caviar")
exiftool_s=$(best_of "$work/exiftool" exiftool -q -q -all= -o "$work/exiftool/" -r "$work/in")
mat2_s=$(seconds mat2 "$work/mat2/in")

count() { find "$1" -type f -name "$2" | wc -l; }
written_cp=$(count "$work/cp" '*.jpg')
written_caviar=$(count "$work/caviar" '*.jpg')
written_exiftool=$(count "$work/exiftool" '*.jpg')
written_mat2=$(count "$work/mat2/in" '*.cleaned.jpg')

echo
echo "$files JPEGs, $megabytes MB, $(nproc) cores, files in $place"
printf '%-10s %9s %10s %8s %22s\n' tool seconds files/s written "caviar is N× faster"
row() {
  awk -v name="$1" -v secs="$2" -v written="$3" -v files="$files" -v caviar="$caviar_s" \
    'BEGIN { printf "%-10s %9.2f %10.1f %8d %22.2f\n", name, secs, files / secs, written, secs / caviar }'
}
row "cp -r" "$cp_s" "$written_cp"
row caviar "$caviar_s" "$written_caviar"
row exiftool "$exiftool_s" "$written_exiftool"
row mat2 "$mat2_s" "$written_mat2"

if [ "$written_caviar" -ne "$files" ]; then
  echo "caviar wrote $written_caviar of $files files" >&2
  exit 1
fi
# A check that the comparison is fair: caviar's output must carry none of the planted metadata.
leftover=$("$caviar" inspect --json "$work/caviar" | python3 -c '
import json, sys
kept = {"orientation", "colour_profile"}
print(sum(f["category"] not in kept for file in json.load(sys.stdin) for f in file["findings"]["items"]))')
if [ "$leftover" -ne 0 ]; then
  echo "caviar left metadata behind" >&2
  exit 1
fi
