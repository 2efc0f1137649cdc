#!/bin/sh
# cargo-packager's beforePackagingCommand (see [package.metadata.packager] in Cargo.toml).
#
# Copies the release binary that is already built, <target-dir>/release/caviar, to
# <target-dir>/release/packager/caviar without its symbols and debug line tables
# (profile.release keeps line tables: about 230 MB, against about 58 MB stripped), so the
# .deb carries the small one. It does not build: run `cargo build --release --bin caviar`
# first (scripts/package-deb.sh does, unless given --no-build). Needs strip (binutils).
set -eu

# The same target directory cargo-packager uses (CARGO_TARGET_DIR and .cargo/config count).
target_dir=$(cargo metadata --no-deps --format-version 1 \
  | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
[ -n "$target_dir" ] || { echo "stage-binary: cannot find cargo's target directory" >&2; exit 1; }

bin="$target_dir/release/caviar"
out="$target_dir/release/packager/caviar"
if [ ! -x "$bin" ]; then
  echo "stage-binary: $bin is missing: run cargo build --release --bin caviar first" >&2
  exit 1
fi
command -v strip >/dev/null || { echo "stage-binary: strip is missing (apt-get install binutils)" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
rm -f "$out"
strip --strip-all --remove-section=.comment -o "$out" "$bin"
chmod 0755 "$out"
echo "stage-binary: $bin ($(wc -c <"$bin") bytes) -> $out ($(wc -c <"$out") bytes)"
