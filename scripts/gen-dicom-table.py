#!/usr/bin/env python3
"""Generate src/dicom/table.rs from DICOM PS3.15 Annex E Table E.1-1.

Usage: scripts/gen-dicom-table.py [TABLE_JSON]

TABLE_JSON defaults to ../shared/standard/ps3.15-table-e1-1.json, relative to the repository root;
the table's file is named in the output relative to the root too.
The table is generated rather than typed so that a new edition of the standard is a re-run, and so
that no tag or action can be mistyped. Anything the script does not recognise (an action code, a
tag pattern, a duplicate tag) stops it: a silently dropped row would be an attribute left in.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = "../shared/standard/ps3.15-table-e1-1.json"
OUTPUT = ROOT / "src" / "dicom" / "table.rs"
EXPECTED_ROWS = 621
# Where the JSON comes from; change it together with the file.
ORIGIN = [
    "extracted by innolitics/dicom-standard (standard/confidentiality_profile_attributes.json,",
    "commit 7f4749d of 2025-01-28, MIT licence, (c) 2017 Innolitics, LLC).",
]

# Basic Profile codes, in the order the enum lists them, with the variant and its doc comment.
BASIC = [
    ("X", "Remove", "X: remove the attribute."),
    ("Z", "Empty", "Z: replace with a zero-length value (or a dummy value)."),
    ("D", "Dummy", "D: replace with a non-zero-length dummy value of the same VR."),
    ("K", "Keep", "K: keep the value."),
    ("C", "Clean", "C: keep the value once identifying information is taken out."),
    ("U", "Uid", "U: replace the UID by one that is consistent within the instances."),
    ("X/Z", "RemoveOrEmpty", "X/Z: X, unless Z is needed for the IOD (type 2)."),
    ("X/D", "RemoveOrDummy", "X/D: X, unless D is needed for the IOD (type 1)."),
    ("Z/D", "EmptyOrDummy", "Z/D: Z, unless D is needed for the IOD (type 1)."),
    ("X/Z/D", "RemoveEmptyOrDummy", "X/Z/D: X, unless Z or D is needed for the IOD."),
    (
        "X/Z/U*",
        "RemoveEmptyOrUid",
        "X/Z/U*: X, unless Z or replacing the contained UIDs (U) is needed for the IOD.",
    ),
]

# The option columns: JSON key, variant, doc comment.
COLUMNS = [
    ("rtnSafePrivOpt", "RtnSafePriv", "Retain Safe Private Option."),
    ("rtnUIDsOpt", "RtnUids", "Retain UIDs Option."),
    ("rtnDevIdOpt", "RtnDevId", "Retain Device Identity Option."),
    ("rtnInstIdOpt", "RtnInstId", "Retain Institution Identity Option."),
    ("rtnPatCharsOpt", "RtnPatChars", "Retain Patient Characteristics Option."),
    (
        "rtnLongFullDatesOpt",
        "RtnLongFullDates",
        "Retain Longitudinal Temporal Information with Full Dates Option.",
    ),
    (
        "rtnLongModifDatesOpt",
        "RtnLongModifDates",
        "Retain Longitudinal Temporal Information with Modified Dates Option.",
    ),
    ("cleanDescOpt", "CleanDesc", "Clean Descriptors Option."),
    ("cleanStructContOpt", "CleanStructCont", "Clean Structured Content Option."),
    ("cleanGraphOpt", "CleanGraph", "Clean Graphics Option."),
]

OPTION_ACTIONS = {"K": "Keep", "C": "Clean"}

KNOWN_KEYS = {"name", "tag", "id", "stdCompIOD", "basicProfile"} | {key for key, _, _ in COLUMNS}

PRIVATE = "(GGGG,EEEE) WHERE GGGG IS ODD"

# PS3.5 section 7.6: a repeating group ggxx is one of the even groups gg00-gg1E. Masking bits 1-4
# out of the low byte and requiring bit 0 clear matches exactly those sixteen groups.
REPEATING_GROUP_MASK = 0xFFE1


class TableError(Exception):
    pass


def hex_field(text, what, tag):
    """Value and mask of one 4-digit field; x digits match anything."""
    if not re.fullmatch(r"[0-9A-Fa-fXx]{4}", text):
        raise TableError(f"{tag}: {what} {text!r} is not four hex digits or x")
    value = mask = 0
    for digit in text:
        value <<= 4
        mask <<= 4
        if digit not in "xX":
            value |= int(digit, 16)
            mask |= 0xF
    return value, mask


def parse_tag(tag):
    """(group, element, group_mask, element_mask) of a tag as the table writes it."""
    if tag == PRIVATE:
        return 0x0001, 0x0000, 0x0001, 0x0000
    match = re.fullmatch(r"\(([^,]{4}),([^,]{4})\)", tag)
    if not match:
        raise TableError(f"unrecognised tag {tag!r}")
    group_text, element_text = match.groups()
    group, group_mask = hex_field(group_text, "group", tag)
    element, element_mask = hex_field(element_text, "element", tag)
    if group_mask == 0xFF00:
        group_mask = REPEATING_GROUP_MASK
    elif group_mask != 0xFFFF:
        raise TableError(f"{tag}: only the low byte of a group may repeat (ggxx)")
    if group_mask == 0xFFFF and group & 1:
        raise TableError(f"{tag}: an odd group is private, not a standard attribute")
    return group, element, group_mask, element_mask


def clean_name(name):
    """The attribute's name without the table's note references and line breaks."""
    name = re.sub(r"\s*\(see Note \d+\)\s*$", "", name)
    return " ".join(name.split())


def rust_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def load_rows(source):
    with open(source, encoding="utf-8") as f:
        entries = json.load(f)
    if len(entries) != EXPECTED_ROWS:
        raise TableError(f"{len(entries)} rows, expected {EXPECTED_ROWS}")
    basic_variants = {code: variant for code, variant, _ in BASIC}
    rows = []
    for entry in entries:
        tag = entry["tag"]
        unknown = set(entry) - KNOWN_KEYS
        if unknown:
            raise TableError(f"{tag}: unknown columns {sorted(unknown)}")
        code = entry["basicProfile"]
        if code not in basic_variants:
            raise TableError(f"{tag}: unknown basic profile action {code!r}")
        options = []
        for key, variant, _ in COLUMNS:
            if key in entry:
                action = entry[key]
                if action not in OPTION_ACTIONS:
                    raise TableError(f"{tag}: unknown {key} action {action!r}")
                options.append((variant, OPTION_ACTIONS[action]))
        group, element, group_mask, element_mask = parse_tag(tag)
        rows.append(
            {
                "tag": tag,
                "group": group,
                "element": element,
                "mask": (group_mask, element_mask),
                "name": clean_name(entry["name"]),
                "basic": basic_variants[code],
                "options": options,
            }
        )
    return rows


def split_rows(rows):
    exact = sorted(
        (r for r in rows if r["mask"] == (0xFFFF, 0xFFFF)), key=lambda r: (r["group"], r["element"])
    )
    wildcards = [r for r in rows if r["mask"] != (0xFFFF, 0xFFFF)]
    for before, after in zip(exact, exact[1:]):
        if (before["group"], before["element"]) == (after["group"], after["element"]):
            raise TableError(f"{after['tag']} is listed twice")
    for w in wildcards:
        for r in exact:
            if (r["group"] & w["mask"][0], r["element"] & w["mask"][1]) == (w["group"], w["element"]):
                raise TableError(f"{r['tag']} is also matched by {w['tag']}")
    for i, a in enumerate(wildcards):
        for b in wildcards[i + 1 :]:
            gm, em = a["mask"][0] & b["mask"][0], a["mask"][1] & b["mask"][1]
            if (a["group"] & gm, a["element"] & em) == (b["group"] & gm, b["element"] & em):
                raise TableError(f"{a['tag']} and {b['tag']} overlap")
    return exact, wildcards


def row_literal(row):
    options = ", ".join(f"(Column::{c}, OptionAction::{a})" for c, a in row["options"])
    return (
        f"Row {{ tag: (0x{row['group']:04X}, 0x{row['element']:04X}), "
        f"name: {rust_string(row['name'])}, basic: Basic::{row['basic']}, options: &[{options}] }}"
    )


def render(source_label, exact, wildcards):
    used = {row["basic"] for row in exact + wildcards}
    out = [
        "// DICOM PS3.15 Annex E, Table E.1-1 (Application Level Confidentiality Profile Attributes),",
        f"// read from {source_label}, as",
        *(f"// {line}" for line in ORIGIN),
        "// Generated by scripts/gen-dicom-table.py — do not edit.",
        "",
        "//! The attributes PS3.15 says identify someone, with the action of the Basic Profile and of",
        "//! each option, as the standard writes them. Choosing between them is `profile`'s job.",
        "",
        "/// An action of the Basic Profile column. Combined codes stay combined: which part applies",
        "/// depends on the attribute's type in the IOD, which the table does not know.",
        "#[derive(Debug, Clone, Copy, PartialEq, Eq)]",
        "pub(crate) enum Basic {",
    ]
    for _, variant, doc in BASIC:
        if variant in used:
            out += [f"    /// {doc}", f"    {variant},"]
    out += [
        "}",
        "",
        "/// An option column of the table.",
        "#[derive(Debug, Clone, Copy, PartialEq, Eq)]",
        "pub(crate) enum Column {",
    ]
    for _, variant, doc in COLUMNS:
        out += [f"    /// {doc}", f"    {variant},"]
    out += [
        "}",
        "",
        "/// What an option column says for an attribute when the option is applied.",
        "#[derive(Debug, Clone, Copy, PartialEq, Eq)]",
        "pub(crate) enum OptionAction {",
        "    /// K: keep the value.",
        "    Keep,",
        "    /// C: keep the value once identifying information is taken out (for the modified-dates",
        "    /// option: shift the date).",
        "    Clean,",
        "}",
        "",
        "#[derive(Debug)]",
        "pub(crate) struct Row {",
        "    pub(crate) tag: (u16, u16),",
        "    pub(crate) name: &'static str,",
        "    pub(crate) basic: Basic,",
        "    /// Only the columns that change the action; the others leave the Basic Profile's.",
        "    pub(crate) options: &'static [(Column, OptionAction)],",
        "}",
        "",
        "/// A row whose tag has `x` digits: a tag matches when `tag & mask == row.tag`, field by field.",
        "#[derive(Debug)]",
        "pub(crate) struct Wildcard {",
        "    pub(crate) mask: (u16, u16),",
        "    pub(crate) row: Row,",
        "}",
        "",
        "/// Sorted by tag, for binary search.",
        f"pub(crate) static EXACT: [Row; {len(exact)}] = [",
    ]
    out += [f"    {row_literal(r)}," for r in exact]
    out += [
        "];",
        "",
        "/// Repeating groups (50xx, 60xx: the even groups xx = 00 to 1E) and private attributes (odd",
        "/// groups). No exact row falls under any of them, and they do not overlap.",
        f"pub(crate) static WILDCARDS: [Wildcard; {len(wildcards)}] = [",
    ]
    for w in wildcards:
        out.append(
            f"    Wildcard {{ mask: (0x{w['mask'][0]:04X}, 0x{w['mask'][1]:04X}), row: {row_literal(w)} }},"
        )
    out += ["];", ""]
    return "\n".join(out)


def main(argv):
    if len(argv) > 2:
        sys.exit(f"usage: {argv[0]} [TABLE_JSON]")
    source = Path(argv[1]).resolve() if len(argv) == 2 else ROOT / DEFAULT_SOURCE
    source_label = os.path.relpath(source, ROOT)
    try:
        exact, wildcards = split_rows(load_rows(source))
    except (OSError, ValueError, KeyError, TableError) as e:
        sys.exit(f"{argv[0]}: {source}: {e}")
    OUTPUT.write_text(render(source_label, exact, wildcards), encoding="utf-8")
    subprocess.run(["rustfmt", "--edition", "2024", str(OUTPUT)], check=True)
    print(f"{OUTPUT.relative_to(ROOT)}: {len(exact)} exact rows, {len(wildcards)} wildcard rows")


if __name__ == "__main__":
    main(sys.argv)
