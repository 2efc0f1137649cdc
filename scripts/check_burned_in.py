#!/usr/bin/env python3
"""Compare what tesseract read on the burned-in fixtures, before and after scrubbing, with the
planted identifiers of gold.json. Called by scripts/check-burned-in.sh; standard library only.

    check_burned_in.py GOLD.json OCR_DIR

OCR_DIR/in and OCR_DIR/out hold tesseract TSV files named FILE.FRAME.VARIANT.tsv (FILE as in
gold.json, FRAME from 0, VARIANT any label: a scale and a page segmentation mode). A telltale of
an identifier line is one of its words of at least 4 letters or a number of at least 3 digits
(short digit groups that follow each other, as in a phone number, are joined first), lowercased,
accents and everything but letters and digits removed. It counts as read in a frame when, in any
variant, it equals a word tesseract read there, or, when it has at least 5 characters, appears
inside one of tesseract's lines with its spaces and punctuation removed.

Prints one row per file and one line per telltale still read after scrubbing; exits 1 if any
telltale is read in an output, or if tesseract read fewer than half of the telltales in the inputs.
"""
import collections
import json
import os
import re
import sys
import unicodedata


def fold(text):
    """Lowercase, accents removed, letters and digits only."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", text.lower())


def telltales(text):
    tokens = [fold(t) for t in text.split()]
    tokens = [t for t in tokens if t]
    merged = []
    for token in tokens:
        # "06 12 34 56 78" is one number; "14/02/1956 10:05" stays two.
        if token.isdigit() and merged and merged[-1].isdigit() and (len(token) < 3 or len(merged[-1]) < 3):
            merged[-1] += token
        else:
            merged.append(token)
    out = []
    for token in merged:
        letters = sum(c.isalpha() for c in token)
        digits = sum(c.isdigit() for c in token)
        if (letters >= 4 or digits >= 3) and token not in out:
            out.append(token)
    return out


def read_tsv(path):
    """Words and lines (words joined) that tesseract read, folded."""
    words, lines = set(), collections.defaultdict(list)
    with open(path, encoding="utf-8", errors="replace") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for row in handle:
            cells = row.rstrip("\n").split("\t")
            if len(cells) < len(header) or cells[col["level"]] != "5":
                continue
            word = fold(cells[col["text"]])
            if not word:
                continue
            words.add(word)
            key = (cells[col["block_num"]], cells[col["par_num"]], cells[col["line_num"]])
            lines[key].append(word)
    return words, ["".join(line) for line in lines.values()]


def load_side(directory):
    """(file, frame) -> (words, lines) over every variant."""
    seen = collections.defaultdict(lambda: (set(), []))
    for name in sorted(os.listdir(directory)):
        match = re.fullmatch(r"(.+)\.(\d+)\.[^.]+\.tsv", name)
        if not match:
            continue
        words, lines = read_tsv(os.path.join(directory, name))
        entry = seen[(match.group(1), int(match.group(2)))]
        entry[0].update(words)
        entry[1].extend(lines)
    return seen


def is_read(tell, ocr):
    words, lines = ocr
    return tell in words or (len(tell) >= 5 and any(tell in line for line in lines))


def main():
    gold_path, ocr_dir = sys.argv[1:3]
    gold = json.load(open(gold_path, encoding="utf-8"))
    sides = {side: load_side(os.path.join(ocr_dir, side)) for side in ("in", "out")}
    empty = (set(), [])
    rows, leaks, missing = [], [], []
    totals = collections.Counter()
    for entry in gold["files"]:
        name = entry["file"]
        count = collections.Counter()
        frames = entry.get("frames", 1)
        for frame in range(frames):
            for side in ("in", "out"):
                if (name, frame) not in sides[side]:
                    missing.append(f"{side}put {name} frame {frame}")
        for box in entry["boxes"]:
            if box["class"] != "identifier":
                continue
            count["lines"] += 1
            key = (name, box["frame"])
            for tell in telltales(box["text"]):
                count["telltales"] += 1
                count["in"] += is_read(tell, sides["in"].get(key, empty))
                if is_read(tell, sides["out"].get(key, empty)):
                    count["out"] += 1
                    leaks.append(
                        f"  LEAK {name} frame {box['frame']} box x={box['x']} y={box['y']} "
                        f"w={box['width']} h={box['height']} {box['text']!r}: tesseract reads {tell!r}"
                    )
        totals.update(count)
        rows.append((name, frames, count))

    print(f"{'file':24} {'frames':>6} {'id lines':>8} {'telltales':>9} {'read in input':>14} {'read in output':>15}")
    for name, frames, count in rows + [("all", sum(r[1] for r in rows), totals)]:
        if name == "all":
            print("-" * 81)
        t = count["telltales"]
        share = f"{count['in']} ({100 * count['in'] / t:.0f}%)" if t else "-"
        print(f"{name:24} {frames:6} {count['lines']:8} {t:9} {share:>14} {count['out']:15}")

    failed = False
    if missing:
        print("no OCR output for: " + ", ".join(missing))
        failed = True
    if leaks:
        print(f"\n{len(leaks)} telltale(s) still readable after scrubbing:")
        print("\n".join(leaks))
        failed = True
    if totals["telltales"] and 2 * totals["in"] < totals["telltales"]:
        print(f"\ntesseract read only {totals['in']} of {totals['telltales']} telltales in the inputs: "
              "too few for its silence on the outputs to mean anything")
        failed = True
    if failed:
        print("\nFAIL")
        return 1
    print(f"\nOK: tesseract reads {totals['in']} of {totals['telltales']} telltales of "
          f"{totals['lines']} identifier lines in the inputs and none in the scrubbed outputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
