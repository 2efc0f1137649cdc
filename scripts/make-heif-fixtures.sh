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
ls -l "$out"
