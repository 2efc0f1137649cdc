#!/usr/bin/env bash
# Proves with an independent OCR (tesseract 5, Debian's) that no identifier planted in the pixels
# of fixtures/burned-in is readable after `caviar scrub --profile patient`.
#
#   scripts/check-burned-in.sh
#
# Every input and every scrubbed output becomes pictures tesseract reads: photos as they are, DICOM
# through dcmtk's dcmj2pnm (every frame, min-max window so text at any stored value shows, PNG;
# JPEG-LS decompressed by dcmdjpls first).
# Each picture is read as it is and enlarged (x3, or x2 above 1300 px, with netpbm's pamscale:
# tesseract wants taller letters than the fixtures' 7-9 px ones), each with page segmentation
# modes 11 (sparse text) and 6 (one block), languages eng+fra. The identifier lines of
# fixtures/burned-in/gold.json give telltales (words of 4+ letters, numbers of 3+ digits, compared
# lowercase without accents or punctuation; scripts/check_burned_in.py says exactly how). The table
# shows, per file, how many telltales tesseract reads in the input (proof that it sees them) and
# in the output (must be 0). Exit 1 if any telltale is read in any output, or if tesseract reads
# fewer than half of them in the inputs (its silence would then prove nothing).
#
# Needs tesseract-ocr (+ -eng, -fra), dcmtk and netpbm (Debian); installs them when missing.
# Takes about two minutes on two cores. KEEP_WORK=1 keeps the pictures and TSV files.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
for lang in eng fra; do
  tesseract --list-langs 2>/dev/null | grep -x "$lang" >/dev/null || need+=("tesseract-ocr-$lang")
done
command -v dcmj2pnm >/dev/null 2>&1 || need+=(dcmtk)
command -v pamscale >/dev/null 2>&1 || need+=(netpbm)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || {
    echo "need ${need[*]} (Debian packages) and not root to install them" >&2
    exit 1
  }
  echo "installing ${need[*]} (Debian packages)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

echo "building caviar (cargo build --release)" >&2
cargo build --release --quiet --bin caviar
caviar=$PWD/target/release/caviar

work=$(mktemp -d "${TMPDIR:-/tmp}/caviar-check-burned-in.XXXXXX")
if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $work" >&2; else trap 'rm -rf "$work"' EXIT; fi

fixtures=fixtures/burned-in
mapfile -t files < <(cd "$fixtures" && ls | grep -Ev '\.json$' | sort)
echo "scrubbing ${#files[@]} files of $fixtures (patient profile)" >&2
status=0
"$caviar" scrub "${files[@]/#/$fixtures/}" --out "$work/scrubbed" --key-file "$work/key" \
  --profile patient --report "$work/report.json" >"$work/scrub.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  echo "caviar scrub exited with $status (not every output verified clean):" >&2
  tail -20 "$work/scrub.log" >&2
fi

# pictures SIDE DIR: every file of DIR as pictures $work/pic/SIDE/FILE.FRAME.EXT
pictures() {
  local side=$1 dir=$2 f
  mkdir -p "$work/pic/$side"
  for f in "${files[@]}"; do
    if [ ! -f "$dir/$f" ]; then
      echo "no $side file $dir/$f" >&2
      continue
    fi
    case $f in
      *.dcm)
        # dcmj2pnm reads JPEG but not JPEG-LS: such files are decompressed by dcmdjpls first.
        local plain=$dir/$f
        if dcmdjpls "$dir/$f" "$work/plain.dcm" 2>/dev/null; then plain=$work/plain.dcm; fi
        dcmj2pnm +on -il +Fa +Wm "$plain" "$work/pic/$side/$f" 2>"$work/dcmj2pnm.err" || {
          echo "dcmj2pnm could not convert $side $f:" >&2
          cat "$work/dcmj2pnm.err" >&2
        }
        ;;
      *) cp "$dir/$f" "$work/pic/$side/$f.0.${f##*.}" ;;
    esac
  done
}
pictures in "$fixtures"
pictures out "$work/scrubbed"

# Enlarged copies, then one tesseract job per picture and mode, on every core.
mkdir -p "$work/ocr/in" "$work/ocr/out"
jobs=$work/jobs.txt
: >"$jobs"
for pic in "$work"/pic/*/*; do
  side=$(basename "$(dirname "$pic")")
  name=$(basename "$pic")
  stem=${name%.*}
  case $pic in
    *.jpg | *.jpeg) anytopnm=jpegtopnm ;;
    *) anytopnm=pngtopnm ;;
  esac
  $anytopnm "$pic" >"$work/plain.pnm" 2>/dev/null
  width=$(pamfile "$work/plain.pnm" | sed -E 's/.* ([0-9]+) by ([0-9]+).*/\1/')
  factor=3
  [ "$width" -le 1300 ] || factor=2
  pamscale "$factor" "$work/plain.pnm" >"$work/pic/$side/$stem.x$factor.pnm"
  for mode in 11 6; do
    echo "$pic $work/ocr/$side/$stem.x1p$mode $mode" >>"$jobs"
    echo "$work/pic/$side/$stem.x$factor.pnm $work/ocr/$side/$stem.x${factor}p$mode $mode" >>"$jobs"
  done
done
echo "tesseract $(tesseract --version 2>/dev/null | head -1 | cut -d' ' -f2): $(wc -l <"$jobs") readings on $(nproc) cores" >&2
export OMP_THREAD_LIMIT=1
xargs -P "$(nproc)" -L 1 sh -c 'tesseract "$0" "$1" --psm "$2" -l eng+fra tsv >/dev/null 2>&1 || echo "tesseract failed on $0" >&2' <"$jobs"

echo
echo "Burned-in identifiers read by tesseract $(tesseract --version 2>/dev/null | head -1 | cut -d' ' -f2) (eng+fra, psm 11 and 6, x1 and enlarged)"
echo "before and after \`caviar scrub --profile patient\`:"
check=0
python3 scripts/check_burned_in.py "$fixtures/gold.json" "$work/ocr" || check=$?
if [ "$status" -ne 0 ]; then
  echo "FAIL: caviar scrub exited with $status"
  exit 1
fi
exit "$check"
