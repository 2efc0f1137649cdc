#!/usr/bin/env bash
# Side-by-side benchmark of DICOM de-identification: caviar against the tools people use instead
# (GDCM's gdcmanon, dicognito, pydicom deid, Kitware's dicom-anonymizer) and against `cp -r`, the
# physical limit of copying the same bytes. One run, the same files for everyone, warm page cache,
# files in memory (/dev/shm) when the machine has it so the disk does not hide the tools' own cost.
# The fast tools (cp, caviar, gdcmanon) get their best of three runs; the Python tools, which take
# minutes, run once.
#
#   scripts/bench-dicom.sh [MEGABYTES]     (default 500)
#
# The files are the real corpus in ../shared/corpus/dicom, only those that parse as DICOM
# (dcmdump), replicated into numbered folders until the requested size is reached. Names are
# flattened (pydicom/dicomdirtests/X -> pydicom__dicomdirtests__X) so each numbered folder is one
# flat folder: dicom-anonymizer does not recurse and deid writes every output into one folder by
# base name, so both are run once per numbered folder.
#
# Needs: dcmtk and libgdcm-tools (Debian), dicognito, deid, dicom-anonymizer (PyPI). Installs the
# Debian packages when missing (as root) and the Python ones into a virtualenv kept at
# $CAVIAR_TOOLS_VENV (default ~/.cache/caviar/dicom-tools-venv) so a second run does not refetch.
set -euo pipefail
cd "$(dirname "$0")/.."

megabytes=${1:-500}
case $megabytes in '' | *[!0-9]*)
  echo "usage: $0 [MEGABYTES]" >&2
  exit 2
  ;;
esac
corpus=../shared/corpus/dicom
[ -d "$corpus" ] || {
  echo "no corpus at $corpus" >&2
  exit 1
}

# --- tools -------------------------------------------------------------------------------------
apt_install() {
  # apt-get only works as root; an old or empty package list makes the first try fail, so update
  # once and retry rather than updating on every run.
  [ "$(id -u)" -eq 0 ] || {
    echo "need $* (Debian) and not root to install it" >&2
    return 1
  }
  echo "installing $* (Debian packages)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
}
command -v dcmdump >/dev/null 2>&1 || apt_install dcmtk
command -v gdcmanon >/dev/null 2>&1 || apt_install libgdcm-tools

venv=${CAVIAR_TOOLS_VENV:-$HOME/.cache/caviar/dicom-tools-venv}
py=$venv/bin/python
if ! "$py" -c 'import pydicom, dicognito, deid, dicomanonymizer' >/dev/null 2>&1; then
  echo "installing dicognito, deid, dicom-anonymizer into $venv (PyPI)" >&2
  [ -x "$py" ] || python3 -m venv "$venv"
  "$py" -m pip install -q --disable-pip-version-check pydicom dicognito deid dicom-anonymizer
fi

cargo build --release --quiet --bin caviar
caviar=$PWD/target/release/caviar

place=${BENCH_DIR:-/dev/shm}
[ -d "$place" ] && [ -w "$place" ] || place=${TMPDIR:-/tmp}
work=$(mktemp -d "$place/caviar-dicom-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/base" "$work/in" "$work/gin" "$work/logs"

# --- the working copy --------------------------------------------------------------------------
# Only files that parse as DICOM: the corpus also holds READMEs, JSON, dumps and deliberately
# truncated files, which would measure error paths rather than de-identification.
while IFS= read -r -d '' f; do
  rel=${f#"$corpus"/}
  if dcmdump -q "$f" >/dev/null 2>&1; then cp "$f" "$work/base/${rel//\//__}"; fi
done < <(find "$corpus" -type f -print0 | sort -z)
base_files=$(find "$work/base" -type f | wc -l)
base_bytes=$(du -sb "$work/base" | cut -f1)

# Replicate file by file (not folder by folder) so the total lands close to the requested size.
target=$((megabytes * 1000 * 1000))
total=0
copy=0
while [ "$total" -lt "$target" ]; do
  copy=$((copy + 1))
  dir=$(printf '%s/in/%03d' "$work" "$copy")
  mkdir -p "$dir"
  for f in "$work"/base/*; do
    cp "$f" "$dir/"
    total=$((total + $(stat -c %s "$f")))
    [ "$total" -lt "$target" ] || break
  done
done

# gdcmanon stops the whole run at the first file it cannot de-identify, --continue or not (that
# flag only skips files it cannot read), and one corpus file makes it abort. So find, untimed and
# one file at a time, the files it accepts, and time it in its directory mode on those only (hard
# links: same bytes, same page cache). caviar is timed on that same subset too, for a comparison
# on identical files.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 1 -subj /CN=bench >/dev/null 2>&1
gdcm_refused=()
mkdir -p "$work/probe"
for f in "$work"/base/*; do
  # In a subshell so that bash's "Aborted" notice, for the file that crashes it, goes quiet too.
  # (The trailing `exit` keeps bash from exec'ing gdcmanon in place of the subshell.)
  if ! (gdcmanon -e -c "$work/cert.pem" --continue -i "$f" -o "$work/probe/out.dcm"; exit $?) >/dev/null 2>&1; then
    gdcm_refused+=("$(basename "$f")")
  fi
done
rm -rf "$work/probe"
for dir in "$work"/in/*/; do
  sub=$work/gin/$(basename "$dir")
  mkdir -p "$sub"
  for f in "$dir"*; do
    name=$(basename "$f")
    case " ${gdcm_refused[*]} " in *" $name "*) continue ;; esac
    ln "$f" "$sub/$name"
  done
done

# dicognito only anonymizes in place: it gets its own copy, made now, outside the timing.
cp -r "$work/in" "$work/dicognito"

# Read everything once so no tool pays for the first read, and import the Python tools once so
# none pays for compiling its modules.
find "$work/in" "$work/dicognito" -type f -exec cat {} + >/dev/null
"$py" -c 'import pydicom, dicognito.anonymizer, deid.dicom, dicomanonymizer.anonymizer' >/dev/null 2>&1

# --- timing ------------------------------------------------------------------------------------
source scripts/timing.sh

# Untimed caviar run with a report, for honest accounting of what it skipped (and to create the
# key file, so the timed runs do not include that).
"$caviar" scrub "$work/in" --out "$work/caviar-report-out" --profile teaching \
  --key-file "$work/caviar.key" --report "$work/caviar.json" 2>"$work/logs/caviar.log" || true
rm -rf "$work/caviar-report-out"

run_caviar() {
  "$caviar" scrub "$1" --out "$2" --profile teaching --key-file "$work/caviar.key" 2>"$work/logs/caviar-$3.log"
}
run_gdcmanon() {
  gdcmanon -e -c "$work/cert.pem" --continue -r -i "$work/gin" -o "$work/out-gdcmanon" 2>"$work/logs/gdcmanon.log"
}
run_deid() {
  local dir
  for dir in "$work"/in/*/; do
    mkdir -p "$work/out-deid/$(basename "$dir")"
    "$venv/bin/deid" --quiet --outfolder "$work/out-deid/$(basename "$dir")" \
      identifiers --input "$dir" --action all >>"$work/logs/deid.log" 2>&1 || echo "deid failed on $dir" >>"$work/logs/deid.fail"
  done
}
run_dicom_anonymizer() {
  local dir out
  for dir in "$work"/in/*/; do
    out=$work/out-dicom-anonymizer/$(basename "$dir")
    mkdir -p "$out"
    "$venv/bin/dicom-anonymizer" "$dir" "$out" >>"$work/logs/dicom-anonymizer.log" 2>&1 ||
      echo "dicom-anonymizer failed on $dir" >>"$work/logs/dicom-anonymizer.fail"
  done
}
run_dicognito() {
  "$py" scripts/dicognito_driver.py "$work/dicognito" "$work/dicognito.written" 2>"$work/logs/dicognito.log"
}

cp_s=$(best_of "$work/out-cp" cp -r "$work/in" "$work/out-cp")
caviar_s=$(best_of "$work/out-caviar" run_caviar "$work/in" "$work/out-caviar" all)
caviar_g_s=$(best_of "$work/out-caviar-g" run_caviar "$work/gin" "$work/out-caviar-g" gdcm)
gdcmanon_s=$(best_of "$work/out-gdcmanon" run_gdcmanon)
dicognito_s=$(seconds run_dicognito)
deid_s=$(seconds run_deid)
da_s=$(seconds run_dicom_anonymizer)

# --- accounting --------------------------------------------------------------------------------
# For every tool: which inputs got an output (same relative path under its output folder), their
# count and bytes; for caviar, what its report says it skipped. Then the table. Throughput is on
# the input bytes each tool wrote an output for, so a tool that skips files gains nothing by it;
# the "faster" ratios are given both on wall time (same input files) and on that throughput.
"$py" - "$work" "$megabytes" "$base_files" "$base_bytes" "$(nproc)" "$place" \
  "$cp_s" "$caviar_s" "$caviar_g_s" "$gdcmanon_s" "$dicognito_s" "$deid_s" "$da_s" \
  "${#gdcm_refused[@]}" "${gdcm_refused[@]}" <<'EOF'
import json, os, re, sys
from collections import Counter

(work, megabytes, base_files, base_bytes, cores, place,
 cp_s, caviar_s, caviar_g_s, gdcm_s, dicognito_s, deid_s, da_s, n_refused) = sys.argv[1:15]
refused = sys.argv[15:15 + int(n_refused)]
secs = dict(cp=float(cp_s), caviar=float(caviar_s), caviar_g=float(caviar_g_s),
            gdcmanon=float(gdcm_s), dicognito=float(dicognito_s), deid=float(deid_s),
            da=float(da_s))

def inputs(root):
    out = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            out[os.path.relpath(p, root)] = os.path.getsize(p)
    return out

def written(root_in, root_out):
    ins = inputs(root_in)
    done = {r: b for r, b in ins.items()
            if os.path.isfile(os.path.join(root_out, r)) and os.path.getsize(os.path.join(root_out, r)) > 0}
    return ins, done

ins, _ = written(f"{work}/in", f"{work}/in")
gins = inputs(f"{work}/gin")
rows = {}
rows["cp"] = (ins, written(f"{work}/in", f"{work}/out-cp")[1])
rows["caviar"] = (ins, written(f"{work}/in", f"{work}/out-caviar/in")[1])
rows["caviar_g"] = (gins, written(f"{work}/gin", f"{work}/out-caviar-g/gin")[1])
rows["gdcmanon"] = (gins, written(f"{work}/gin", f"{work}/out-gdcmanon")[1])
rows["deid"] = (ins, written(f"{work}/in", f"{work}/out-deid")[1])
rows["da"] = (ins, written(f"{work}/in", f"{work}/out-dicom-anonymizer")[1])
dicognito_done = set()
if os.path.exists(f"{work}/dicognito.written"):
    dicognito_done = {os.path.relpath(l.strip(), f"{work}/dicognito")
                      for l in open(f"{work}/dicognito.written") if l.strip()}
rows["dicognito"] = (ins, {r: b for r, b in ins.items() if r in dicognito_done})

MB = 1e6
names = {"cp": "cp -r", "caviar": "caviar", "caviar_g": "caviar*", "gdcmanon": "gdcmanon*",
         "dicognito": "dicognito", "deid": "deid", "da": "dicom-anonymizer"}
runs = {"cp": "best of 3", "caviar": "best of 3", "caviar_g": "best of 3", "gdcmanon": "best of 3",
        "dicognito": "1 run", "deid": "1 run", "da": "1 run"}

def rate(k):
    i, w = rows[k]
    return sum(w.values()) / MB / secs[k]

print()
print(f"{len(ins)} DICOM files, {sum(ins.values()) / MB:.0f} MB ({base_files} corpus files that parse "
      f"as DICOM, {int(base_bytes) / MB:.1f} MB, replicated), {cores} cores, files in {place}")
print("MB in, MB/s and files/s count only the inputs a tool wrote an output for.")
print("caviar is N× faster: 'by time' = tool's seconds / caviar's on the same inputs;")
print("'by MB/s' = caviar's MB/s / tool's MB/s (fair when the tools wrote different files).")
hdr = (f"{'tool':<17} {'runs':>9} {'seconds':>8} {'inputs':>7} {'written':>8} {'MB in':>7} {'files/s':>8} "
       f"{'MB/s':>7} {'N× by time':>10} {'N× by MB/s':>10}")
print(hdr)
print("-" * len(hdr))
for k in ["cp", "caviar", "gdcmanon", "caviar_g", "dicognito", "deid", "da"]:
    i, w = rows[k]
    ref = "caviar_g" if k in ("gdcmanon", "caviar_g") else "caviar"
    t_ratio = secs[k] / secs[ref]
    r_ratio = rate(ref) / rate(k) if rate(k) > 0 else float("inf")
    print(f"{names[k]:<17} {runs[k]:>9} {secs[k]:8.2f} {len(i):7d} {len(w):8d} {sum(w.values()) / MB:7.1f} "
          f"{len(w) / secs[k]:8.1f} {rate(k):7.1f} {t_ratio:9.2f}× {r_ratio:9.2f}×")
print()
print("* gdcmanon stops at the first file it cannot de-identify even with --continue, so it and the")
print(f"  'caviar*' row run on the {len(gins)} inputs ({sum(gins.values()) / MB:.0f} MB) it accepts when given them one by one;")
print(f"  it refuses {len(refused)} of the {base_files} corpus files: " + ", ".join(refused))

# caviar's own account, from its report.
report = json.load(open(f"{work}/caviar.json"))
reasons = Counter()
for r in report["reports"]:
    rel = os.path.relpath(r["input"], f"{work}/in")
    if rel in rows["caviar"][1]:
        continue
    if r.get("clean") and any("DICOMDIR" in d.get("what", "") for d in r.get("done", [])):
        reasons["DICOMDIR, by design not copied"] += 1
    elif r.get("error") or not r.get("remaining"):
        reasons["failed (damaged or unreadable)"] += 1
    else:
        left = sorted({it["location"].get("path", "?") for it in r["remaining"]["items"]})
        reasons["not clean, not written (left: " + ", ".join(left) + ")"] += 1
i, w = rows["caviar"]
print(f"caviar wrote {len(w)} of {len(i)} inputs; not written: " +
      "; ".join(f"{n} {why}" for why, n in reasons.most_common()))
failed = Counter(r["error"] for r in report["reports"] if r.get("error"))
for msg, n in failed.most_common():
    print(f"  caviar failed: {n}× {msg}")

# Competitors' failures, from their logs.
def note(k, logname, pattern):
    i, w = rows[k]
    if len(w) < len(i):
        p = f"{work}/logs/{logname}"
        lines = open(p, errors="replace").read().splitlines() if os.path.exists(p) else []
        errs = Counter()
        for l in lines:
            if pattern in l:
                # One message per kind of failure: the numbered folder is no part of it.
                l = re.sub(re.escape(work) + r"/\w+/\d+/", "", l)
                errs[l[:140]] += 1
        top = "; ".join(f"{n}× {m}" for m, n in errs.most_common(4))
        print(f"{names[k]} wrote {len(w)} of {len(i)}" + (f" — {top}" if top else ""))
note("dicognito", "dicognito.log", "Error")
note("deid", "deid.log", "Error")
note("da", "dicom-anonymizer.log", "Error")
note("gdcmanon", "gdcmanon.log", "Could not")
for f in ("deid.fail", "dicom-anonymizer.fail"):
    if os.path.exists(f"{work}/logs/{f}"):
        print(open(f"{work}/logs/{f}").read().strip())

print()
g = secs["gdcmanon"] / secs["caviar_g"]
c = secs["caviar"] / secs["cp"]
print(f"targets (issue): caviar at least 1.5× faster than gdcmanon — {g:.2f}× on the same files: "
      f"{'met' if g >= 1.5 else 'NOT met'}; within 2× of cp -r — caviar takes {c:.2f}× cp's time: "
      f"{'met' if c <= 2 else 'NOT met'}")
EOF

# --- leftovers: do the outputs still carry the originals' identifiers? ---------------------------
# A cheap fairness check on the first numbered folder: the original Patient Name, Patient ID,
# Accession Number and Study/SOP Instance UIDs searched as raw bytes anywhere in each output
# (so a value left in a private or UN element counts too).
"$py" - "$work" <<'EOF'
import os, sys, warnings
import pydicom
from collections import Counter
warnings.simplefilter("ignore")
work = sys.argv[1]
first = sorted(os.listdir(f"{work}/in"))[0]
keys = ["PatientName", "PatientID", "AccessionNumber", "StudyInstanceUID", "SOPInstanceUID"]
originals = {}
for name in os.listdir(f"{work}/in/{first}"):
    try:
        ds = pydicom.dcmread(f"{work}/in/{first}/{name}", force=True)
    except Exception:
        continue
    vals = {}
    for k in keys:
        try:
            v = ds.get(k)
        except Exception:
            continue
        v = v.original_string if hasattr(v, "original_string") else v
        if v is None:
            continue
        b = v if isinstance(v, bytes) else str(v).encode("utf-8", "replace")
        b = b.strip(b" \x00")
        # Shorter values (a Patient ID "0010") turn up by chance in megabytes of pixel data.
        if len(b) >= 6 and b.strip(b"0^ -") and b.upper() not in (b"ANONYMOUS", b"ANON"):
            vals[k] = b
    originals[name] = vals
outs = {"caviar": f"{work}/out-caviar/in/{first}", "gdcmanon": f"{work}/out-gdcmanon/{first}",
        "dicognito": f"{work}/dicognito/{first}", "deid": f"{work}/out-deid/{first}",
        "dicom-anonymizer": f"{work}/out-dicom-anonymizer/{first}"}
dicognito_written = set()
if os.path.exists(f"{work}/dicognito.written"):
    dicognito_written = {l.strip() for l in open(f"{work}/dicognito.written")}
print()
print(f"identifiers of the original left in the outputs (folder {first}; raw byte search):")
for tool, d in outs.items():
    kept, files, checked = Counter(), set(), 0
    for name, vals in originals.items():
        p = os.path.join(d, name)
        # dicognito works in place: a file it failed on is the untouched original, not an output.
        if not os.path.isfile(p) or (tool == "dicognito" and p not in dicognito_written):
            continue
        checked += 1
        data = open(p, "rb").read()
        for k, b in vals.items():
            if b in data:
                kept[k] += 1
                files.add(name)
    detail = ", ".join(f"{k} {n}" for k, n in kept.most_common()) or "none"
    print(f"  {tool:<17} {len(files):4d} of {checked:4d} outputs keep one: {detail}")
    if files:
        print("      " + ", ".join(sorted(files)[:6]) + (" …" if len(files) > 6 else ""))
EOF
