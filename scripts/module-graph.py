#!/usr/bin/env python3
"""Print which module of src/ uses which, and fail when some use each other in a circle.

A module is a file of src/ (`src/photo/exif.rs` is `photo::exif`, `src/photo/mod.rs` is
`photo`). A module uses another when its code names it: `crate::photo::tiff::...`, `super::tiff`,
`self::tiff` or `use crate::{photo::tiff, ...}`, tests excluded (after `#[cfg(test)]`). A
parent's uses of its own children are not counted: it declares them and routes to them, and a
child using what its parent shares is how Rust lays out a module's parts. A circle
of modules (`photo::exif` -> `photo::tiff` -> `photo::exif`) is printed with its members, and
the exit code is then 1.

    scripts/module-graph.py           the graph, then the circles
    scripts/module-graph.py --cycles  the circles only
"""

import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"


def module_of(path):
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return "::".join(parts) or "crate"


def code_of(path):
    text = path.read_text(encoding="utf-8")
    cut = text.find("#[cfg(test)]")
    text = text if cut < 0 else text[:cut]
    return re.sub(r"//[^\n]*", "", text)


def resolve(path_words, here, modules):
    """The longest known module a path of words names, from module `here`."""
    words = list(path_words)
    base = here.split("::") if here != "crate" else []
    if words and words[0] == "crate":
        base, words = [], words[1:]
    elif words and words[0] == "self":
        words = words[1:]
    while words and words[0] == "super":
        base, words = base[:-1], words[1:]
    full = base + words
    for end in range(len(full), 0, -1):
        name = "::".join(full[:end])
        if name in modules:
            return name
    return None


def uses(path, here, modules):
    code = code_of(path)
    found = set()
    for match in re.finditer(r"\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)", code):
        target = resolve(match.group(1).split("::"), here, modules)
        if target:
            found.add(target)
    # use crate::{a::b, c}; and use super::{x, y};
    for match in re.finditer(r"use\s+(crate|super|self)::\{([^;]*)\};", code, re.S):
        head = match.group(1)
        for item in re.split(r"[,\s{}]+", match.group(2)):
            if item:
                words = [head] + [w for w in item.split("::") if w and w != "self"]
                target = resolve(words, here, modules)
                if target:
                    found.add(target)
    found.discard(here)
    if here == "crate":
        return found
    return {target for target in found if not target.startswith(here + "::")}


def cycles(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def main():
    files = sorted(SRC.rglob("*.rs"))
    modules = {module_of(f) for f in files}
    graph = {module_of(f): uses(f, module_of(f), modules) for f in files}
    if sys.argv[1:] not in ([], ["--cycles"]):
        sys.exit(__doc__)
    if not sys.argv[1:]:
        for module in sorted(graph):
            print(f"{module} -> {', '.join(sorted(graph[module])) or '-'}")
    circles = cycles(graph)
    for circle in circles:
        print(f"circle: {' <-> '.join(circle)}")
    sys.exit(1 if circles else 0)


if __name__ == "__main__":
    main()
