#!/usr/bin/env bash
# Reading every frame for text at about the cost of reading headers: caviar beside the tools that
# touch only the metadata, in one run, on the same files, as ratios.
#
#   1. ../shared/corpus/dicom/pydicom-data (real files), `caviar scrub --profile teaching`,
#      against dicognito over a copy of the same folder (scripts/dicognito_driver.py).
#   2. 100 small JPEGs (the pillow corpus's JPEGs, copied round until there are 100),
#      `caviar scrub`, against one `exiftool -all=` process over the same 100.
#   3. A generated 300-frame 800×600 RGB ultrasound cine under a static overlay
#      (`make_burned_in --bench`), `caviar scrub`; then `examples/every_frame` reads each of its
#      frames both ways and says whether the boxes are the same as reading every frame.
#
#   scripts/bench-frames.sh            (all three; the third takes minutes: it reads 300 frames
#                                       from scratch to compare, listing the frames whose boxes
#                                       differ in target/bench-frames-cine.txt)
#
# Caviar gets the best of three runs (scripts/timing.sh); dicognito and exiftool too. Needs dicognito (PyPI, in the
# virtualenv bench-dicom.sh uses) and exiftool (Debian: libimage-exiftool-perl).
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=../shared/corpus
[ -d "$corpus" ] || {
  echo "no corpus at $corpus" >&2
  exit 1
}
venv=${CAVIAR_TOOLS_VENV:-$HOME/.cache/caviar/dicom-tools-venv}
py=$venv/bin/python
if ! "$py" -c 'import pydicom, dicognito' >/dev/null 2>&1; then
  echo "installing dicognito into $venv (PyPI)" >&2
  [ -x "$py" ] || python3 -m venv "$venv"
  "$py" -m pip install -q --disable-pip-version-check pydicom dicognito
fi
command -v exiftool >/dev/null 2>&1 || {
  echo "installing exiftool (Debian: libimage-exiftool-perl)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libimage-exiftool-perl >/dev/null
}

cargo build --release --quiet --bin caviar --example make_burned_in --example every_frame
caviar=$PWD/target/release/caviar
work=$(mktemp -d "${TMPDIR:-/tmp}/caviar-bench-frames.XXXXXX")
trap 'rm -rf "$work"' EXIT

source scripts/timing.sh

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

# The key is created once, outside the timing.
"$caviar" scrub "$corpus/photos/pillow/hopper_orientation_2.jpg" --out "$work/key-warmup" \
  --key-file "$work/key" >/dev/null 2>&1 || true

# --- 1. pydicom-data ------------------------------------------------------------------------
dicom=$corpus/dicom/pydicom-data
files=$(find "$dicom" -type f | wc -l)
dicognito_s=$(best_of "$work/dicognito" --from "$dicom" \
  "$py" scripts/dicognito_driver.py "$work/dicognito" "$work/dicognito.written")
caviar_dicom_s=$(best_of "$work/out-dicom" "$caviar" scrub "$dicom" --out "$work/out-dicom" \
  --profile teaching --key-file "$work/key")
"$caviar" scrub "$dicom" --out "$work/out-dicom-report" --profile teaching --key-file "$work/key" \
  --report "$work/dicom.json" >/dev/null 2>&1 || true

# --- 2. 100 small JPEGs ---------------------------------------------------------------------
mkdir -p "$work/jpegs"
mapfile -t jpegs < <(find "$corpus/photos/pillow" -maxdepth 1 -type f -iname '*.jpg' | sort)
for i in $(seq 0 99); do
  cp "${jpegs[i % ${#jpegs[@]}]}" "$work/jpegs/$(printf %03d "$i")-$(basename "${jpegs[i % ${#jpegs[@]}]}")"
done
exiftool_s=$(best_of "$work/exiftool" --from "$work/jpegs" \
  exiftool -q -all= -overwrite_original "$work/exiftool")
caviar_jpegs_s=$(best_of "$work/out-jpegs" "$caviar" scrub "$work/jpegs" --out "$work/out-jpegs" \
  --key-file "$work/key")

# --- 3. a 300-frame cine --------------------------------------------------------------------
target/release/examples/make_burned_in --bench "$work/bench" >/dev/null
cine=$work/bench/bench_us_cine_300.dcm
caviar_cine_s=$(best_of "$work/out-cine" "$caviar" scrub "$cine" --out "$work/out-cine" \
  --key-file "$work/key")
# A refused output is written nowhere: a fast time that wrote nothing is no result.
if [ -f "$work/out-cine/$(basename "$cine")" ]; then cine_written=written; else cine_written="not written: refused as not clean"; fi
"$caviar" inspect "$cine" | grep 'frames looked' || true
# Every frame read both ways; the frames that differ are listed in target/bench-frames-cine.txt.
target/release/examples/every_frame "$cine" >target/bench-frames-cine.txt || true
same=$(tail -1 target/bench-frames-cine.txt)

echo
echo "pydicom-data, $files files, teaching profile:"
echo "  caviar scrub    ${caviar_dicom_s} s"
echo "  dicognito       ${dicognito_s} s"
echo "  ratio           $(ratio "$caviar_dicom_s" "$dicognito_s")x"
"$py" - "$work/dicom.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
totals = {"read": 0, "carried": 0, "screened": 0}
for r in report["reports"]:
    for k in totals:
        totals[k] += (r.get("findings", {}).get("frames") or {}).get(k, 0)
print(f"  frames          {totals['read']} read in full, {totals['carried']} carried over, "
      f"{totals['screened']} screened; {report['clean']} of {report['files']} files clean")
EOF
echo "100 small JPEGs of the pillow corpus:"
echo "  caviar scrub    ${caviar_jpegs_s} s"
echo "  exiftool -all=  ${exiftool_s} s"
echo "  ratio           $(ratio "$caviar_jpegs_s" "$exiftool_s")x"
echo "300-frame 800x600 RGB ultrasound cine:"
echo "  caviar scrub    ${caviar_cine_s} s (${cine_written})"
echo "  against reading every frame: $same"
