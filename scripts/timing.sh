# Timing for the benchmark scripts, which source this file.

# seconds COMMAND...: the wall time of one run, in seconds. The command's output is dropped and
# its failure ignored: the scripts check what it wrote themselves.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

# best_of OUTPUT [--from SOURCE] COMMAND...: three runs, each into a fresh OUTPUT - removed, or
# made a new copy of SOURCE for a tool that works in place - prepared untimed; the fastest time.
best_of() {
  local output=$1 source="" best="" t
  shift
  if [ "${1-}" = --from ]; then
    source=$2
    shift 2
  fi
  for _ in 1 2 3; do
    rm -rf "$output"
    [ -z "$source" ] || cp -r "$source" "$output"
    t=$(seconds "$@")
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  echo "$best"
}
