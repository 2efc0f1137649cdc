//! Folds the word lists of `assets/text/` once, at build time, into sorted lists without
//! duplicates: the program then looks words up by binary search in text compiled into it, and
//! no process spends a tenth of a second folding and hashing a third of a million words.

#[path = "src/text/fold.rs"]
mod fold;

use std::path::Path;

const LISTS: [&str; 9] = [
    "first-names",
    "surnames",
    "cities",
    "common-words-en",
    "common-words-fr",
    "not-names",
    "institutions",
    "technical-words",
    "technical-dicom",
];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=src/text/fold.rs");
    for name in LISTS {
        let source = format!("assets/text/{name}.txt");
        println!("cargo:rerun-if-changed={source}");
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("cannot read {source}: {e}"));
        let mut entries: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(list_entry)
            .filter(|entry| !entry.is_empty())
            .collect();
        entries.sort_unstable();
        entries.dedup();
        std::fs::write(
            Path::new(&out).join(format!("{name}.txt")),
            entries.join("\n"),
        )
        .unwrap_or_else(|e| panic!("cannot write the folded {name}: {e}"));
    }
}

/// A line of a word list as the rules look it up: folded, its spaces normalised and
/// possessives dropped (`Addenbrooke's`), so that it compares with the folded words of a caption
/// joined by single spaces.
fn list_entry(line: &str) -> String {
    fold::fold(line)
        .split_whitespace()
        .map(|word| word.trim_end_matches("'s").trim_end_matches('\''))
        .collect::<Vec<_>>()
        .join(" ")
}
