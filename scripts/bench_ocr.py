#!/usr/bin/env python3
"""Times Caviar's analysis and tesseract on pictures with burned-in text and scores both against
a gold.json from examples/make_burned_in.rs. Called by scripts/bench-ocr.sh; standard library only.

    bench_ocr.py CAVIAR BASELINE_FILE PNG_DIR SET_DIR [SET_DIR...] --per-image SET_DIR

Each SET_DIR holds pictures and their gold.json. DICOM files must already be converted, every
frame, to PNG_DIR/<set name>/FILE.FRAME.png (dcmtk's naming with +Fa); photos are read as they are.

Timing (wall and CPU seconds of the child processes, best of 3 runs):
  caviar     `caviar inspect FILE --json`, the whole process (start, model loading, decoding, OCR);
             "- fixed" subtracts the best time of `caviar inspect BASELINE_FILE --json`, a small
             picture without text, as the cost every process pays.
  tesseract  `tesseract PICTURE out --psm 11 -l eng+fra tsv`, one process per frame, the DICOM to
             PNG conversion not counted.

Scoring, per gold line (one per line drawn, per frame):
  recall     found if the tool's boxes of that frame, each grown by max(2, height / 4) pixels on
             every side (as Caviar grows a region before redacting it), cover >= 90% of its pixels.
  false      tool boxes (as reported, not grown) that touch no gold box of their frame.
  accuracy   1 - edit distance / length, case-insensitive, runs of spaces as one, floored at 0,
             between the gold text and the text of the tool's box that overlaps the gold box most
             (0 when none does); averaged over the lines.
Caviar's boxes are the findings with "location": {"kind": "pixels"} of `inspect --json`, every
category. Tesseract's are its TSV words (level 5, non-blank text) merged per line (block, paragraph
and line numbers), the line's box being the union of its words' boxes and its text the words joined
by spaces; "tesseract conf>=50" is the same with words under confidence 50 dropped first.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile

RUNS = 3


def run_timed(argv, stdout=subprocess.DEVNULL):
    """Wall and CPU seconds of one run of argv (children's user + system)."""
    import time

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


def best_of(argvs):
    """Run the list of commands in sequence RUNS times; the fastest total (wall, cpu)."""
    best = None
    for _ in range(RUNS):
        wall = cpu = 0.0
        for argv in argvs:
            w, c, done = run_timed(argv)
            if done.returncode not in (0, 1):
                sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
            wall += w
            cpu += c
        if best is None or wall < best[0]:
            best = (wall, cpu)
    return best


# --- boxes -----------------------------------------------------------------------------------


def grow(box):
    x, y, w, h = box
    g = max(2, h // 4)
    return (x - g, y - g, w + 2 * g, h + 2 * g)


def intersection(a, b):
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0


def touches(a, b):
    return (a[0] <= b[0] + b[2] and b[0] <= a[0] + a[2] and a[1] <= b[1] + b[3] and b[1] <= a[1] + a[3])


def covered_share(gold, boxes):
    """Share of the gold box's pixels inside the union of boxes."""
    gx, gy, gw, gh = gold
    if gw <= 0 or gh <= 0:
        return 0.0
    rows = [bytearray(gw) for _ in range(gh)]
    for x, y, w, h in boxes:
        x0, x1 = max(x, gx) - gx, min(x + w, gx + gw) - gx
        y0, y1 = max(y, gy) - gy, min(y + h, gy + gh) - gy
        if x0 >= x1 or y0 >= y1:
            continue
        for r in range(y0, y1):
            rows[r][x0:x1] = b"\x01" * (x1 - x0)
    return sum(sum(r) for r in rows) / (gw * gh)


def edit_distance(a, b):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def accuracy(read, gold):
    read, gold = " ".join(read.lower().split()), " ".join(gold.lower().split())
    return max(0.0, 1.0 - edit_distance(read, gold) / max(1, len(gold)))


def score(entry, found):
    """found: {frame: [(box, text)]}. Returns (lines, found lines, identifier lines, identifier
    lines found, tool boxes, false boxes, accuracy sum)."""
    gold = [(b["frame"], (b["x"], b["y"], b["width"], b["height"]), b["text"], b["class"]) for b in entry["boxes"]]
    lines = hits = ids = id_hits = 0
    acc = 0.0
    for frame, box, text, cls in gold:
        tool = found.get(frame, [])
        lines += 1
        ids += cls == "identifier"
        if covered_share(box, [grow(b) for b, _ in tool]) >= 0.9:
            hits += 1
            id_hits += cls == "identifier"
        overlaps = [(intersection(box, b), t) for b, t in tool]
        overlaps = [o for o in overlaps if o[0] > 0]
        acc += accuracy(max(overlaps)[1], text) if overlaps else 0.0
    boxes = false = 0
    for frame, tool in found.items():
        mine = [b for f, b, _, _ in gold if f == frame]
        for b, _ in tool:
            boxes += 1
            false += not any(touches(b, g) for g in mine)
    return lines, hits, ids, id_hits, boxes, false, acc


# --- the tools --------------------------------------------------------------------------------


def caviar_boxes(caviar, path):
    done = subprocess.run([caviar, "inspect", path, "--json"], capture_output=True)
    if done.returncode not in (0, 1):
        sys.exit(f"caviar inspect {path} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    found = {}
    for item in json.loads(done.stdout)[0]["findings"]["items"]:
        where = item["location"]
        if where.get("kind") != "pixels":
            continue
        r = where["region"]
        found.setdefault(where.get("frame", 0), []).append(((r["x"], r["y"], r["width"], r["height"]), item.get("value", "")))
    return found


def tesseract_argv(picture, base):
    return ["tesseract", picture, base, "--psm", "11", "-l", "eng+fra", "tsv"]


def tesseract_boxes(tsv_path, min_conf=None):
    lines = {}
    with open(tsv_path, encoding="utf-8", errors="replace") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for row in handle:
            cells = row.rstrip("\n").split("\t")
            if len(cells) < len(header) or cells[col["level"]] != "5":
                continue
            text = cells[col["text"]].strip()
            if not text or (min_conf is not None and float(cells[col["conf"]]) < min_conf):
                continue
            x, y, w, h = (int(cells[col[k]]) for k in ("left", "top", "width", "height"))
            key = (cells[col["block_num"]], cells[col["par_num"]], cells[col["line_num"]])
            lines.setdefault(key, []).append((x, y, w, h, text))
    out = []
    for words in lines.values():
        x0 = min(w[0] for w in words)
        y0 = min(w[1] for w in words)
        x1 = max(w[0] + w[2] for w in words)
        y1 = max(w[1] + w[3] for w in words)
        out.append(((x0, y0, x1 - x0, y1 - y0), " ".join(w[4] for w in words)))
    return out


def pictures(entry, set_dir, png_dir):
    """(frame, picture path) tesseract reads for one gold entry."""
    name = entry["file"]
    if entry["format"] == "dicom":
        frames = []
        for frame in range(entry.get("frames", 1)):
            path = os.path.join(png_dir, f"{name}.{frame}.png")
            if not os.path.exists(path):
                sys.exit(f"missing {path}: the DICOM to PNG conversion failed")
            frames.append((frame, path))
        return frames
    return [(0, os.path.join(set_dir, name))]


# --- main -------------------------------------------------------------------------------------


def main():
    args = sys.argv[1:]
    per_image = None
    if "--per-image" in args:
        i = args.index("--per-image")
        per_image = args[i + 1]
        del args[i : i + 2]
    caviar, baseline, png_root, *sets = args
    with tempfile.TemporaryDirectory(prefix="bench-ocr-tsv.") as tmp:
        return measure(caviar, baseline, png_root, sets, per_image, tmp)


def measure(caviar, baseline, png_root, sets, per_image, tmp):
    tools = ["caviar", "tesseract", "tesseract conf>=50"]

    fixed = best_of([[caviar, "inspect", baseline, "--json"]])
    print(f"fixed cost of one caviar process (`caviar inspect {os.path.basename(baseline)} --json`, no text): "
          f"{fixed[0]:.2f} s wall, {fixed[1]:.2f} s CPU")

    for set_dir in sets:
        gold = json.load(open(os.path.join(set_dir, "gold.json"), encoding="utf-8"))
        png_dir = os.path.join(png_root, os.path.basename(os.path.normpath(set_dir)))
        timed = set_dir == per_image
        totals = {t: [0] * 7 for t in tools}
        time_total = {t: [0.0, 0.0] for t in ("caviar", "tesseract")}
        rows = []
        for entry in gold["files"]:
            path = os.path.join(set_dir, entry["file"])
            frames = pictures(entry, set_dir, png_dir)
            found = {"caviar": caviar_boxes(caviar, path), "tesseract": {}, "tesseract conf>=50": {}}
            argvs = []
            for frame, picture in frames:
                base = os.path.join(tmp, f"{entry['file']}.{frame}")
                argvs.append(tesseract_argv(picture, base))
                subprocess.run(argvs[-1], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                found["tesseract"][frame] = tesseract_boxes(base + ".tsv")
                found["tesseract conf>=50"][frame] = tesseract_boxes(base + ".tsv", 50)
            times = {}
            if timed:
                times["caviar"] = best_of([[caviar, "inspect", path, "--json"]])
                times["tesseract"] = best_of(argvs)
            for tool in tools:
                s = score(entry, found[tool])
                totals[tool] = [a + b for a, b in zip(totals[tool], s)]
                rows.append((entry, tool, s, times.get(tool.split()[0])))
            for t in times:
                time_total[t][0] += times[t][0]
                time_total[t][1] += times[t][1]

        lines = sum(len(e["boxes"]) for e in gold["files"])
        print()
        label = "make_burned_in --bench images" if timed else set_dir
        print(f"{label}: {len(gold['files'])} files, {lines} lines of text "
              f"({sum(b['class'] == 'identifier' for e in gold['files'] for b in e['boxes'])} identifier lines)")
        head = f"{'file':24} {'tool':19} {'recall':>8} {'id recall':>9} {'boxes':>5} {'false':>5} {'char acc':>8}"
        if timed:
            head += f" {'wall s':>7} {'CPU s':>6} {'- fixed':>7} {'tess/cav':>8} {'tess/(cav-fixed)':>16}"
        print(head)

        def row(name, tool, s, t, cav, processes=1):
            lines_, hits, ids, id_hits, boxes, false, acc = s
            text = (f"{name:24} {tool:19} {hits:>3}/{lines_:<4} {id_hits:>4}/{ids:<4} {boxes:5} {false:5} "
                    f"{acc / max(1, lines_):8.2f}")
            if timed and t is not None:
                if tool == "caviar":
                    text += f" {t[0]:7.2f} {t[1]:6.2f} {max(0.0, t[0] - processes * fixed[0]):7.2f}"
                else:
                    net = cav[0] - processes * fixed[0]
                    ratio2 = f"{t[0] / net:16.1f}" if net > 0.005 else f"{'-':>16}"
                    text += f" {t[0]:7.2f} {t[1]:6.2f} {'':7} {t[0] / cav[0]:8.2f} {ratio2}"
            print(text)

        if timed:
            cav_times = {}
            for entry, tool, s, t in rows:
                if tool == "caviar":
                    cav_times[entry["file"]] = t
            for entry, tool, s, t in rows:
                row(entry["file"], tool, s, t if tool != "tesseract conf>=50" else None, cav_times[entry["file"]])
        for tool in tools:
            t = tuple(time_total[tool.split()[0]]) if timed and tool != "tesseract conf>=50" else None
            row("all" if timed else "all files", tool, totals[tool], t, tuple(time_total["caviar"]), len(gold["files"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
