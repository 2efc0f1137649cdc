#!/usr/bin/env python3
"""Caption recognizers on text nobody here wrote: the English JSONL sets in ../shared/corpus/text
(PhysioNet deid nursing notes, presidio-research synthetic sentences). Runs `caviar text --json`
on each record and prints, per gold label, full-span recall (every letter and digit covered)
and, over all found spans, precision (overlaps a gold span). These sets are out of domain for
Caviar (long clinical notes, US-centric, labels that differ from Caviar's); the numbers say how
the rules carry over, they are not a target.

    python3 scripts/measure-text-corpus.py [target/release/caviar]
"""
import collections
import json
import pathlib
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
binary = sys.argv[1] if len(sys.argv) > 1 else str(root / "target/release/caviar")
corpus = root.parent / "shared/corpus/text"
if not corpus.is_dir():
    sys.exit(f"skipped: {corpus} is absent")

for path in sorted(corpus.glob("*.jsonl")):
    gold_total, caught = collections.Counter(), collections.Counter()
    found_total = right = 0
    for line in path.open(encoding="utf-8"):
        record = json.loads(line)
        text = record["text"]
        run = subprocess.run([binary, "text", "--json", "--lang", "en"], input=text.encode(), capture_output=True)
        spans = json.loads(run.stdout)["spans"]
        covered = [False] * len(text)
        for span in spans:
            for at in range(span["start"], span["end"]):
                covered[at] = True
        gold = [(s["start"], s["end"], s["label"]) for s in record["spans"]]
        for start, end, label in gold:
            gold_total[label] += 1
            if all(covered[at] or not text[at].isalnum() for at in range(start, end)):
                caught[label] += 1
        for span in spans:
            found_total += 1
            right += any(s < span["end"] and span["start"] < e for s, e, _ in gold)
    print(f"\n{path.name}")
    print("| label | gold | caught | recall |")
    print("|---|---|---|---|")
    for label, total in gold_total.most_common():
        print(f"| {label} | {total} | {caught[label]} | {caught[label] / total:.3f} |")
    all_gold, all_caught = sum(gold_total.values()), sum(caught.values())
    print(f"| all | {all_gold} | {all_caught} | {all_caught / all_gold:.3f} |")
    print(f"precision: {right}/{found_total} = {right / max(found_total, 1):.3f}")
