#!/usr/bin/env bash
# Side-by-side benchmark of finding text burned into pictures: Caviar's analysis (`caviar inspect
# FILE --json`, a whole process: start, model loading, decoding, OCR) against tesseract 5 from
# Debian (`--psm 11 -l eng+fra`, TSV output for word boxes), one run, same pictures.
#
#   scripts/bench-ocr.sh
#
# Pictures: the four `make_burned_in --bench` images (512x512 16-bit CT, 1024x768 RGB ultrasound
# and 2048x2500 16-bit radiograph DICOM, 12 MP JPEG photo), generated into a temporary folder with
# their gold.json, timed and scored one by one; then fixtures/burned-in as a whole (13 files,
# 161 lines), scored only. Tesseract reads PNG: each DICOM frame is converted first by dcmtk's
# dcmj2pnm (min-max window; JPEG-LS decompressed by dcmdjpls before), and that conversion is NOT
# counted in its time; photos are read as they are. Times are the best of 3 runs, wall and CPU
# seconds; Caviar's second figure subtracts
# the time of `caviar inspect fixtures/burned-in/ct_clean.dcm --json` (256x256, no text), the
# fixed cost of one process. Recall, false boxes and character accuracy are defined in
# scripts/bench_ocr.py. No taskset: each tool may use every core; the CPU column shows what it used.
#
# Needs tesseract-ocr (+ -eng, -fra) and dcmtk (Debian); installs them when missing.
# Takes about two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
for lang in eng fra; do
  tesseract --list-langs 2>/dev/null | grep -x "$lang" >/dev/null || need+=("tesseract-ocr-$lang")
done
command -v dcmj2pnm >/dev/null 2>&1 || need+=(dcmtk)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || {
    echo "need ${need[*]} (Debian packages) and not root to install them" >&2
    exit 1
  }
  echo "installing ${need[*]} (Debian packages)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

echo "building caviar and make_burned_in (cargo build --release)" >&2
cargo build --release --quiet --bin caviar --example make_burned_in
caviar=$PWD/target/release/caviar

work=$(mktemp -d "${TMPDIR:-/tmp}/caviar-bench-ocr.XXXXXX")
if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $work" >&2; else trap 'rm -rf "$work"' EXIT; fi

echo "generating the benchmark images" >&2
target/release/examples/make_burned_in --bench "$work/bench" >/dev/null
mkdir -p "$work/png/bench" "$work/png/burned-in"
convert_dicom() { # DIR SET: every frame of every DICOM of DIR as $work/png/SET/FILE.FRAME.png
  local f
  for f in "$1"/*.dcm; do
    # dcmj2pnm reads JPEG but not JPEG-LS: such files are decompressed by dcmdjpls first.
    if dcmdjpls "$f" "$work/plain.dcm" 2>/dev/null; then f_plain=$work/plain.dcm; else f_plain=$f; fi
    dcmj2pnm +on -il +Fa +Wm "$f_plain" "$work/png/$2/$(basename "$f")" 2>"$work/dcmj2pnm.err" || {
      echo "dcmj2pnm could not convert $f:" >&2
      cat "$work/dcmj2pnm.err" >&2
      exit 1
    }
  done
}
echo "converting DICOM frames to PNG for tesseract (dcmj2pnm +Wm; not timed)" >&2
convert_dicom "$work/bench" bench
convert_dicom fixtures/burned-in burned-in
cat "$work"/bench/* fixtures/burned-in/* >/dev/null

export TMPDIR=$work
echo
echo "Text burned into pictures: caviar $("$caviar" --version 2>/dev/null | awk '{print $2}') (\`caviar inspect FILE --json\`)" \
  "against tesseract $(tesseract --version 2>/dev/null | head -1 | cut -d' ' -f2) (--psm 11 -l eng+fra tsv)"
echo "$(nproc) cores, no taskset: each tool may use all $(nproc) (tesseract: OpenMP; caviar: rayon);" \
  "load before the run:$(uptime | sed 's/.*load average://')"
echo "times: best of 3, whole processes; DICOM to PNG conversion for tesseract not counted"
python3 scripts/bench_ocr.py "$caviar" fixtures/burned-in/ct_clean.dcm "$work/png" \
  "$work/bench" fixtures/burned-in --per-image "$work/bench"
