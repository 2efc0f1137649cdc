#!/usr/bin/env bash
# HEIC and AVIF fixtures made from the project's own photo fixtures with libheif's heif-enc
# (Debian: libheif-examples, with its x265 and aom plugins). heif-enc copies the JPEG's EXIF and
# XMP into items of their own and, with -t, adds a thumbnail item: the three places a phone's
# HEIC carries what identifies someone. The planted values are those of
# fixtures/photos/phone_everything.jpg (fixtures/planted.json).
#
#   scripts/make-heif-fixtures.sh     rewrites fixtures/heif/
#
# The outputs depend on the encoders' versions, so the files are committed and tests read them;
# this script says how they were made and makes them again.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v heif-enc >/dev/null || {
  echo "heif-enc is missing (Debian: apt-get install libheif-examples)" >&2
  exit 1
}
out=fixtures/heif
mkdir -p "$out"
# The phone photo: EXIF (GPS, owner, serial numbers, an uncropped thumbnail), XMP, and a HEIF
# thumbnail of its own.
heif-enc -q 50 -t 64 -o "$out/phone.heic" fixtures/photos/phone_everything.jpg
heif-enc -A -q 50 -t 64 -o "$out/phone.avif" fixtures/photos/phone_everything.jpg
# A screenshot with a patient's name and birth date written in its pixels.
heif-enc -q 90 -o "$out/screenshot.heic" fixtures/burned-in/screenshot.png
heif-enc -A -q 90 -o "$out/screenshot.avif" fixtures/burned-in/screenshot.png
# As phones store big pictures: a grid of tiles, turned and mirrored by the container, so that
# it shows the screenshot upright (the tiles hold it upside down, then turned a quarter
# clockwise; imir 0 mirrors top to bottom, as libheif, libavif and iPhones read it).
# And a picture with transparency, whose alpha plane is a picture of its own.
python=${PYTHON:-python3}
"$python" -c 'import PIL' 2>/dev/null || {
  echo "Pillow is missing for $python (set PYTHON to a Python that has it)" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" - "$work" <<'PY'
import sys
from PIL import Image, ImageOps
work = sys.argv[1]
screen = Image.open("fixtures/burned-in/screenshot.png").convert("RGB")
ImageOps.flip(screen).rotate(-90, expand=True).save(f"{work}/stored.png")
label = screen.crop((220, 44, 540, 124)).convert("RGBA")
label.putalpha(Image.linear_gradient("L").rotate(90).resize(label.size))
label.save(f"{work}/label.png")
PY
for kind in heic avif; do
  "$python" scripts/make-heif-grid.py "$work/stored.png" "$out/turned-grid.$kind" \
    --tile 256 --turn 1 --mirror 0 --quality 70
done
heif-enc -A -q 90 -o "$out/transparent.avif" "$work/label.png"
ls -l "$out"
