#!/usr/bin/env bash
# Does a scrubbed DICOM stay the size it was? Every compressed DICOM of the corpus and of the
# fixtures is scrubbed (teaching profile, so burned-in text is redacted), and each output is put
# beside its input: transfer syntax before and after, pixel data size ratio (target: at most 1.1;
# the file's own ratio is shown too, header additions included), and, frame by frame, whether
# the frames without text are byte for byte the input's.
#
#   scripts/bench-sizes.sh [CORPUS]     (default ../shared/corpus/dicom)
#
# Needs pydicom (PyPI; system python, else the virtualenv at $CAVIAR_TOOLS_VENV, default
# ~/.cache/caviar/dicom-tools-venv, shared with the other DICOM scripts). Builds caviar in release
# mode when target/release/caviar is missing. Prints one line per file and a summary; exits 1 when
# an output's pixel data is over 1.1 times its input's or a frame without text changed.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=${1:-../shared/corpus/dicom}
[ -d "$corpus" ] || {
  echo "no corpus at $corpus" >&2
  exit 2
}
py=python3
if ! "$py" -c 'import pydicom' 2>/dev/null; then
  venv=${CAVIAR_TOOLS_VENV:-$HOME/.cache/caviar/dicom-tools-venv}
  py=$venv/bin/python
  if ! "$py" -c 'import pydicom' 2>/dev/null; then
    echo "installing pydicom into $venv (PyPI)" >&2
    [ -x "$py" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q pydicom
  fi
fi
[ -x target/release/caviar ] || cargo build --release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The compressed files: those whose transfer syntax is neither of the native ones.
"$py" - "$corpus" fixtures/burned-in >"$work/inputs" <<'PY'
import pathlib, sys, pydicom
NATIVE = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"}
for root in sys.argv[1:]:
    for path in sorted(pathlib.Path(root).rglob("*.dcm")):
        try:
            syntax = pydicom.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID
        except Exception:
            continue
        if syntax not in NATIVE:
            print(path)
PY
mapfile -t inputs <"$work/inputs"
echo "scrubbing ${#inputs[@]} compressed DICOM files (teaching profile)" >&2
start=$(date +%s.%N)
target/release/caviar scrub "${inputs[@]}" --out "$work/out" --profile teaching \
  --key-file "$work/key" --report "$work/report.json" >/dev/null 2>"$work/stderr" || true
end=$(date +%s.%N)
echo "caviar took $(echo "$end - $start" | bc) s" >&2

"$py" -W ignore - "$work/report.json" <<'PY'
import json, sys, pydicom
from pydicom.encaps import generate_frames

report = json.load(open(sys.argv[1]))
over, changed_frames, written, refused = [], 0, 0, []
print(f"{'file':46} {'syntax in':22} {'syntax out':22} {'pixels':>6} {'file':>6} frames")
for file in report["reports"]:
    name = "/".join(file["input"].split("/")[-2:])
    if not file.get("output"):
        refused.append((name, (file.get("error") or "not clean")[:90]))
        continue
    written += 1
    before, after = pydicom.dcmread(file["input"]), pydicom.dcmread(file["output"])
    if "PixelData" not in before or "PixelData" not in after:
        continue
    syntax_in, syntax_out = before.file_meta.TransferSyntaxUID, after.file_meta.TransferSyntaxUID
    # The pixel data alone: de-identification adds a few hundred bytes of header (the methods
    # applied, the patient-identity-removed flag), which weigh on a 5 kB file.
    ratio = len(after.PixelData) / len(before.PixelData)
    file_ratio = len(open(file["output"], "rb").read()) / len(open(file["input"], "rb").read())
    # The frames with text to redact (a kept annotation next to a removed line goes too, so
    # every frame with text in it counts).
    redacted = {f["location"]["frame"] for f in file["findings"]["items"]
                if f["location"]["kind"] == "pixels"}
    frames = int(getattr(before, "NumberOfFrames", 1) or 1)
    kept = ""
    if syntax_in == syntax_out and syntax_in.is_compressed:
        old = list(generate_frames(before.PixelData, number_of_frames=frames))
        new = list(generate_frames(after.PixelData, number_of_frames=frames))
        same = sum(a == b for a, b in zip(old, new))
        kept = f"{same}/{frames} kept, {len(redacted)} with text"
        changed_frames += sum(1 for i, (a, b) in enumerate(zip(old, new))
                              if a != b and i not in redacted)
    if ratio > 1.1:
        over.append(name)
    print(f"{name[:46]:46} {syntax_in.name[:22]:22} {syntax_out.name[:22]:22} {ratio:6.2f} "
          f"{file_ratio:6.2f} {kept}")
print()
print(f"written {written}; pixel data over 1.1 times the input's: {len(over)} {over}; "
      f"frames without text that changed: {changed_frames}")
for name, why in refused:
    print(f"not written: {name}: {why}")
sys.exit(1 if over or changed_frames else 0)
PY
