#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh SECONDS [TARGET...]
#
# Runs each target (default: dicom photo caption pipeline) for SECONDS, then prints for each its
# executions per second, total executions and whether it found anything. Exits non-zero when any
# target found a crash, a hang (timeout) or an out-of-memory; the input that did it is saved under
# fuzz/artifacts/<target>/, and the command to reproduce it is in fuzz/logs/<target>.log.
#
# Environment:
#   FUZZ_JOBS=N         targets run N at a time (default 1; this machine has 2 cores)
#   FUZZ_SANITIZER=S    address (default) or none. none ran about 3x faster here, but libFuzzer's
#                       limit on a single allocation needs a sanitizer's allocator: without it a
#                       huge block is only caught once touched, by -rss_limit_mb
#   FUZZ_ARGS="..."     more libFuzzer options, e.g. "-seed=1"
#   CAVIAR_FUZZ_STRICT=1  also fail when apply succeeds but verify rejects its output (unreadable
#                       or still identifying); meant for the photo-only pipeline target, since a
#                       DICOM whose pixels may show text is rightly reported as not clean
#
# Only the stable toolchain is needed: cargo-fuzz passes nightly-only flags to rustc, which
# RUSTC_BOOTSTRAP=1 allows. The corpora are seeded from fixtures/ and ../shared/corpus/ into
# fuzz/corpus/<target>/ (not committed); a run adds what it found there, and the next run starts
# from it.
set -euo pipefail

usage() {
  echo "usage: $0 SECONDS [dicom|photo|caption|pipeline ...]" >&2
  exit 2
}
[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
seconds=$1
shift
all_targets=(dicom photo caption pipeline)
if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=("${all_targets[@]}")
fi
for target in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $target "* ]] || usage
done

root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/fuzz"
shared="$root/../shared/corpus"
jobs=${FUZZ_JOBS:-1}
sanitizer=${FUZZ_SANITIZER:-address}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

max_len() {
  case $1 in
    dicom | photo) echo 65536 ;;
    caption) echo 4096 ;;
    pipeline) echo 1024 ;;
  esac
}

# Copies a seed under its content hash (libFuzzer's own naming), so seeding twice adds nothing.
seed() {
  local dir=$1 file=$2
  local hash
  hash=$(sha1sum "$file" | cut -d' ' -f1)
  [[ -e $dir/$hash ]] || cp "$file" "$dir/$hash"
}

# Files of a folder tree no larger than 1 MB (larger ones would only be cut to max_len).
small_files() {
  [[ -d $1 ]] || return 0
  find "$1" -type f -size -1025k -print0
}

seed_corpus() {
  local target=$1
  local dir="$fuzz/corpus/$target"
  mkdir -p "$dir"
  case $target in
    dicom)
      while IFS= read -r -d '' file; do seed "$dir" "$file"; done < <(small_files "$shared/dicom")
      ;;
    photo)
      while IFS= read -r -d '' file; do seed "$dir" "$file"; done < <(
        small_files "$root/fixtures/photos"
        small_files "$shared/photos"
      )
      ;;
    caption)
      # One caption a line, one file a caption.
      local lines
      lines=$(mktemp -d)
      local n=0
      for file in "$root"/fixtures/captions/*.txt; do
        [[ -e $file ]] || continue
        while IFS= read -r line || [[ -n $line ]]; do
          [[ -n $line ]] || continue
          n=$((n + 1))
          printf '%s' "$line" >"$lines/$n"
        done <"$file"
      done
      for file in "$lines"/*; do [[ -e $file ]] && seed "$dir" "$file"; done
      rm -rf "$lines"
      ;;
    pipeline)
      # The first byte picks the fixture; with nothing after it, the fixture as it is.
      local pick
      for pick in 0 1 2 3 4 5 6 7 8; do
        printf "\\x$(printf %02x "$pick")" >"$dir/fixture-$pick"
      done
      ;;
  esac
}

echo "building the fuzz targets (sanitizer: $sanitizer)" >&2
(cd "$fuzz" && cargo fuzz build --release --debug-assertions --sanitizer "$sanitizer")

mkdir -p "$fuzz/logs"
run_target() {
  local target=$1
  local log="$fuzz/logs/$target.log"
  seed_corpus "$target"
  mkdir -p "$fuzz/artifacts/$target"
  local status=0
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
  (cd "$fuzz" && cargo fuzz run --release --debug-assertions --sanitizer "$sanitizer" \
    "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$target")" \
    -print_final_stats=1 ${FUZZ_ARGS:-}) >"$log" 2>&1 || status=$?
  echo "$status" >"$fuzz/logs/$target.status"
}

running=0
for target in "${targets[@]}"; do
  echo "fuzzing $target for ${seconds}s (log: fuzz/logs/$target.log)" >&2
  run_target "$target" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=0
printf '\n%-9s %10s %14s %9s  %s\n' target "execs/s" "total execs" "new units" result
for target in "${targets[@]}"; do
  log="$fuzz/logs/$target.log"
  status=$(cat "$fuzz/logs/$target.status" 2>/dev/null || echo 1)
  stat() { grep -ao "stat::$1: *[0-9]*" "$log" | tail -1 | grep -o '[0-9]*$' || echo '?'; }
  result=clean
  if [[ $status != 0 ]]; then
    failed=1
    result="FAILED (exit $status)"
    kind=$(grep -aoE 'ERROR: libFuzzer: [a-z-]+|panicked at [^ ]+|deadly signal' "$log" | head -1 || true)
    artifact=$(grep -aoE 'Test unit written to [^ ]+' "$log" | head -1 | sed 's/Test unit written to //' || true)
    [[ -n $kind ]] && result+=": $kind"
    [[ -n $artifact ]] && result+=" -> ${artifact#"$fuzz/"}"
  fi
  printf '%-9s %10s %14s %9s  %s\n' "$target" "$(stat average_exec_per_sec)" \
    "$(stat number_of_executed_units)" "$(stat new_units_added)" "$result"
done
exit "$failed"
