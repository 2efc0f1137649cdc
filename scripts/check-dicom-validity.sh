#!/usr/bin/env bash
# Are caviar's DICOM outputs still valid DICOM? De-identification that leaves a file no viewer or
# archive accepts is of no use, and a removed Type 1 attribute or a mangled UID is easy to miss.
# This scrubs the real corpus with both profiles and checks every output:
#   - it parses with dcmdump (DCMTK) and with pydicom (dcmread, then every element's value read,
#     sequences included, since pydicom converts values lazily);
#   - dciodvfy (dicom3tools), the IOD validator, reports no error for it that it did not already
#     report for the corresponding input: the corpus holds plenty of invalid files on purpose, so
#     only errors caviar introduced count. Error lines are compared after normalising what
#     de-identification legitimately changes (UIDs, values, lengths).
# Prints a summary - files checked, parse failures, new dciodvfy errors grouped by message - and
# exits 1 if any output fails to parse (new dciodvfy errors are reported, not fatal).
#
#   scripts/check-dicom-validity.sh [CORPUS]     (default ../shared/corpus/dicom)
#
# Needs dcmtk and dicom3tools (Debian; installed when missing, as root; without dciodvfy that check
# is skipped and said so) and pydicom (PyPI; system python, else the virtualenv at
# $CAVIAR_TOOLS_VENV, default ~/.cache/caviar/dicom-tools-venv, shared with bench-dicom.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=${1:-../shared/corpus/dicom}
[ -d "$corpus" ] || {
  echo "no corpus at $corpus" >&2
  exit 2
}
corpus=$(cd "$corpus" && pwd)

apt_install() {
  # apt-get only works as root; an old or empty package list makes the first try fail, so update
  # once and retry rather than updating on every run.
  [ "$(id -u)" -eq 0 ] || return 1
  echo "installing $* (Debian packages)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; }
}
command -v dcmdump >/dev/null 2>&1 || apt_install dcmtk || {
  echo "dcmdump (dcmtk) is needed and could not be installed" >&2
  exit 2
}
dciodvfy=yes
command -v dciodvfy >/dev/null 2>&1 || apt_install dicom3tools || dciodvfy=no

py=python3
if ! "$py" -c 'import pydicom' >/dev/null 2>&1; then
  venv=${CAVIAR_TOOLS_VENV:-$HOME/.cache/caviar/dicom-tools-venv}
  py=$venv/bin/python
  if ! "$py" -c 'import pydicom' >/dev/null 2>&1; then
    echo "installing pydicom into $venv (PyPI)" >&2
    [ -x "$py" ] || python3 -m venv "$venv"
    "$py" -m pip install -q --disable-pip-version-check pydicom
  fi
fi

cargo build --release --quiet --bin caviar
caviar=$PWD/target/release/caviar

work=$(mktemp -d "${TMPDIR:-/tmp}/caviar-dicom-validity.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Exit 1 from caviar is expected: the corpus holds US/SC/OT images, which caviar reports not clean
# and does not write, and damaged files. Only a usage error (2) or a crash stops the check.
for profile in patient teaching; do
  rc=0
  "$caviar" scrub "$corpus" --out "$work/$profile" --profile "$profile" --key-file "$work/key" \
    --report "$work/$profile.json" 2>"$work/$profile.log" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "caviar scrub --profile $profile exited $rc:" >&2
    tail -5 "$work/$profile.log" >&2
    exit 2
  fi
done

"$py" - "$corpus" "$work" "$dciodvfy" <<'EOF'
import json, os, re, subprocess, sys, warnings
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pydicom

# pydicom warns about every odd value; the checks below only care about what raises. (Set once,
# for all threads: catch_warnings is not thread-safe.)
warnings.simplefilter("ignore")
corpus, work, have_dciodvfy = sys.argv[1], sys.argv[2], sys.argv[3] == "yes"
profiles = ["patient", "teaching"]
# caviar keeps relative paths, the input folder's own name included.
out_root = {p: os.path.join(work, p, os.path.basename(corpus)) for p in profiles}

def dcmdump(path):
    r = subprocess.run(["dcmdump", "-q", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       errors="replace")
    if r.returncode == 0:
        return None
    return (r.stderr.strip().splitlines() or [f"exit {r.returncode}"])[0]

def pydicom_read(path):
    try:
        ds = pydicom.dcmread(path)
        ds.walk(lambda _ds, elem: elem.value)  # force every raw element to convert
        return None
    except Exception as e:
        return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:200]

UID = re.compile(r"\b\d+(?:\.\d+)+\b")

def normalise(line):
    # What de-identification changes on purpose, and what dciodvfy quotes of it: UIDs (new ones),
    # values (emptied, shifted, pseudonymised), lengths. What stays: the message and the attribute.
    s = UID.sub("<uid>", line.strip())
    s = re.sub(r"= <[^>]*>", "= <value>", s)
    s = re.sub(r"\[\d+\]", "[n]", s)
    s = re.sub(r'"\d+"', '"n"', s)
    s = re.sub(r"\b\d+ dec\b", "n dec", s)
    s = re.sub(r"<<uid>>", "<uid>", s)
    s = re.sub(r"(UID) \d+\b", r"\1 <uid>", s)  # a bare "0" where a UID should be
    return s

def dciodvfy_errors(path):
    r = subprocess.run(["dciodvfy", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace")
    return {normalise(l): l.strip() for l in r.stdout.splitlines() if l.startswith("Error")}

def hidden_from_dciodvfy(path, errors):
    # An input dciodvfy could not fully check: it stops at tags out of order, and it does not look
    # inside public attributes stored with VR UN. caviar's output (re-encoded, UN resolved, garbage
    # dropped) is then checked for the first time, so an error "new" there may be an old one.
    if any("Tags out of order" in e for e in errors.values()):
        return "dciodvfy stopped early on the input (tags out of order)"
    # pydicom turns UN into the dictionary's VR by default; here the raw VR is what matters.
    pydicom.config.replace_un_with_known_vr = False
    try:
        ds = pydicom.dcmread(path, force=True)
        un = []
        ds.walk(lambda _ds, e: un.append(e.tag) if e.VR == "UN" and not e.tag.is_private else None)
        if un:
            return f"the input holds {len(un)} public attribute(s) as VR UN, which dciodvfy does not check"
    except Exception:
        pass
    finally:
        pydicom.config.replace_un_with_known_vr = True
    return None

# Pairs (profile, output, input): every file caviar wrote.
pairs = []
for p in profiles:
    for dirpath, _, names in os.walk(out_root[p]):
        for n in names:
            out = os.path.join(dirpath, n)
            pairs.append((p, out, os.path.join(corpus, os.path.relpath(out, out_root[p]))))
inputs = sorted({i for _, _, i in pairs})

with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    in_dcmdump = dict(zip(inputs, pool.map(dcmdump, inputs)))
    in_pydicom = dict(zip(inputs, pool.map(pydicom_read, inputs)))
    outs = [o for _, o, _ in pairs]
    out_dcmdump = dict(zip(outs, pool.map(dcmdump, outs)))
    out_pydicom = dict(zip(outs, pool.map(pydicom_read, outs)))
    if have_dciodvfy:
        in_errors = dict(zip(inputs, pool.map(dciodvfy_errors, inputs)))
        out_errors = dict(zip(outs, pool.map(dciodvfy_errors, outs)))

rel = lambda path: os.path.relpath(path, corpus)
print()
for p in profiles:
    r = json.load(open(os.path.join(work, p + ".json")))
    written = sum(1 for q, _, _ in pairs if q == p)
    print(f"caviar scrub --profile {p}: {r['files']} corpus files, {r['clean']} clean, {written} written, "
          f"{r['failed']} failed or not clean (not written)")

# Outputs whose input is not DICOM either (caviar also handles photos and the like) are not this
# check's business: say how many and leave them out.
non_dicom = [(p, o, i) for p, o, i in pairs if in_dcmdump[i] is not None and in_pydicom[i] is not None]
checked = [t for t in pairs if t not in non_dicom]
print(f"outputs checked: {len(checked)} ({', '.join(f'{p} {sum(1 for q, _, _ in checked if q == p)}' for p in profiles)})"
      + (f"; {len(non_dicom)} outputs of inputs that are not DICOM skipped" if non_dicom else ""))

failures = []
for p, o, i in checked:
    for tool, res, res_in in (("dcmdump", out_dcmdump[o], in_dcmdump[i]), ("pydicom", out_pydicom[o], in_pydicom[i])):
        if res is not None:
            failures.append((p, rel(i), tool, res, "input parses" if res_in is None else "input fails too"))
print(f"parse failures: {len(failures)}")
for p, r_, tool, msg, note in failures:
    print(f"  [{p}] {r_}: {tool}: {msg} ({note})")

if not have_dciodvfy:
    print("dciodvfy: not available (dicom3tools could not be installed), IOD check skipped")
else:
    groups = defaultdict(lambda: {"files": defaultdict(set), "example": None})
    bad = set()
    hidden = {}
    for p, o, i in checked:
        new = set(out_errors[o]) - set(in_errors[i])
        for msg in new:
            g = groups[msg]
            g["files"][p].add(rel(i))
            g["example"] = g["example"] or out_errors[o][msg]
            bad.add((p, o))
            if i not in hidden:
                hidden[i] = hidden_from_dciodvfy(i, in_errors[i])
    per = ", ".join(f"{p} {sum(1 for q, _ in bad if q == p)}" for p in profiles)
    print(f"outputs with new dciodvfy errors: {len(bad)} ({per}); distinct new messages: {len(groups)}")
    order = sorted(groups.items(), key=lambda kv: (-sum(len(v) for v in kv[1]["files"].values()), kv[0]))
    for msg, g in order:
        names = sorted(set().union(*g["files"].values()))
        counts = ", ".join(f"{p} {len(g['files'][p])}" for p in profiles if g["files"][p])
        print(f"  {len(names)} file(s) [{counts}]: {msg}")
        if g["example"] != msg:
            print(f"      e.g. {g['example']}")
        marked = [n + ("†" if hidden.get(os.path.join(corpus, n)) else "") for n in names]
        print("      " + ", ".join(marked[:6]) + (f" … (+{len(names) - 6})" if len(names) > 6 else ""))
    notes = sorted((rel(i), why) for i, why in hidden.items() if why)
    if notes:
        print("  † may be an old error dciodvfy could not see in the input (or caviar's own: check by hand):")
        for n, why in notes:
            print(f"      {n}: {why}")

sys.exit(1 if failures else 0)
EOF
