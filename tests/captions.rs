//! Caption redaction measured on the labelled captions in `fixtures/captions/` (written for this
//! project, French, English and mixed), per kind of identifier: recall (a labelled span is caught
//! when every letter and digit of it is covered by what Caviar finds) and precision (a found
//! span is right when it overlaps a labelled one). Prints the table; fails below the targets.

use std::collections::BTreeMap;
use std::path::Path;

use caviar::text::{self, Kind, Known};

struct Caption {
    text: String,
    /// Character offsets and label.
    gold: Vec<(usize, usize, Kind)>,
}

/// One caption per line; `{{exact text|label}}` marks an identifier; lines starting with `# `
/// are comments.
fn parse(file: &Path) -> Vec<Caption> {
    let source = std::fs::read_to_string(file).expect("caption fixtures are readable");
    let mut captions = Vec::new();
    for (number, line) in source.lines().enumerate() {
        if line.trim().is_empty() || line == "#" || line.starts_with("# ") {
            continue;
        }
        let mut text = String::new();
        let mut gold = Vec::new();
        let mut rest = line;
        while let Some(open) = rest.find("{{") {
            text.push_str(&rest[..open]);
            let close = rest[open..]
                .find("}}")
                .unwrap_or_else(|| panic!("line {}: unclosed {{{{", number + 1));
            let inner = &rest[open + 2..open + close];
            let (value, label) = inner
                .rsplit_once('|')
                .unwrap_or_else(|| panic!("line {}: no label", number + 1));
            let kind = Kind::from_label(label)
                .unwrap_or_else(|| panic!("line {}: unknown label {label}", number + 1));
            let start = text.chars().count();
            text.push_str(value);
            gold.push((start, text.chars().count(), kind));
            rest = &rest[open + close + 2..];
        }
        text.push_str(rest);
        captions.push(Caption { text, gold });
    }
    captions
}

#[derive(Default, Clone, Copy)]
struct Score {
    gold: usize,
    caught: usize,
    found: usize,
    right: usize,
}

fn measure(captions: &[Caption], scores: &mut BTreeMap<Kind, Score>, misses: &mut Vec<String>) {
    for caption in captions {
        let chars: Vec<char> = caption.text.chars().collect();
        let found: Vec<(usize, usize, Kind)> = text::find(&caption.text, &Known::default())
            .iter()
            .map(|span| {
                let (start, end) = span.chars(&caption.text);
                (start, end, span.kind)
            })
            .collect();
        let mut covered = vec![false; chars.len()];
        for &(start, end, _) in &found {
            covered[start..end].iter_mut().for_each(|c| *c = true);
        }
        for &(start, end, kind) in &caption.gold {
            let score = scores.entry(kind).or_default();
            score.gold += 1;
            let caught = (start..end).all(|at| covered[at] || !chars[at].is_alphanumeric());
            if caught {
                score.caught += 1;
            } else {
                let value: String = chars[start..end].iter().collect();
                misses.push(format!(
                    "missed {}: {value:?} in {:?}",
                    kind.label(),
                    caption.text
                ));
            }
        }
        for &(start, end, kind) in &found {
            let score = scores.entry(kind).or_default();
            score.found += 1;
            if caption.gold.iter().any(|&(s, e, _)| s < end && start < e) {
                score.right += 1;
            } else {
                let value: String = chars[start..end].iter().collect();
                misses.push(format!(
                    "wrong {}: {value:?} in {:?}",
                    kind.label(),
                    caption.text
                ));
            }
        }
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

#[test]
fn recall_and_precision_per_kind_meet_the_targets() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/captions");
    let sets = ["fr.txt", "en.txt", "mixed.txt"];
    let mut scores = BTreeMap::new();
    let mut misses = Vec::new();
    let mut total = 0;
    for file in sets {
        let captions = parse(&folder.join(file));
        total += captions.len();
        measure(&captions, &mut scores, &mut misses);
    }
    assert!(
        total >= 400,
        "the labelled set has {total} captions, fewer than 400"
    );

    for miss in &misses {
        println!("{miss}");
    }
    println!(
        "\n{total} captions\n| kind | labelled | caught | recall | found | right | precision |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut failures = Vec::new();
    let (mut all_gold, mut all_caught, mut all_found, mut all_right) = (0, 0, 0, 0);
    for (kind, score) in &scores {
        let recall = ratio(score.caught, score.gold);
        let precision = ratio(score.right, score.found);
        println!(
            "| {} | {} | {} | {recall:.3} | {} | {} | {precision:.3} |",
            kind.label(),
            score.gold,
            score.caught,
            score.found,
            score.right
        );
        all_gold += score.gold;
        all_caught += score.caught;
        all_found += score.found;
        all_right += score.right;
        let recall_target = match kind {
            Kind::Name | Kind::Date | Kind::Place => 0.95,
            _ => 0.99,
        };
        if recall < recall_target {
            failures.push(format!(
                "{} recall {recall:.3} < {recall_target}",
                kind.label()
            ));
        }
        if precision < 0.95 {
            failures.push(format!("{} precision {precision:.3} < 0.95", kind.label()));
        }
    }
    println!(
        "| all | {all_gold} | {all_caught} | {:.3} | {all_found} | {all_right} | {:.3} |",
        ratio(all_caught, all_gold),
        ratio(all_right, all_found)
    );
    assert!(failures.is_empty(), "below target: {}", failures.join("; "));
}

#[test]
fn captions_without_identifiers_come_back_unchanged() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/captions");
    let mut untouched = 0;
    let mut changed = Vec::new();
    for file in ["fr.txt", "en.txt", "mixed.txt"] {
        for caption in parse(&folder.join(file))
            .into_iter()
            .filter(|c| c.gold.is_empty())
        {
            let redacted = text::redact_caption(
                &caption.text,
                None,
                &Known::default(),
                text::Replacement::Tag,
            );
            if redacted.text == caption.text {
                untouched += 1;
            } else {
                changed.push(redacted.text);
            }
        }
    }
    let share = ratio(untouched, untouched + changed.len());
    println!(
        "{untouched} of {} identifier-free captions unchanged",
        untouched + changed.len()
    );
    assert!(
        share >= 0.95,
        "{} identifier-free captions were changed: {changed:#?}",
        changed.len()
    );
}

/// What `scrub --caption` relies on before it writes: the redacted caption, checked again, shows
/// nothing identifying — Caviar's own tags, blocks and pseudonyms included.
#[test]
fn every_redacted_caption_checks_clean_in_every_replacement_mode() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/captions");
    let modes = [
        text::Replacement::Tag,
        text::Replacement::Block,
        text::Replacement::Pseudonym,
    ];
    let mut unclean = Vec::new();
    for file in ["fr.txt", "en.txt", "mixed.txt"] {
        for caption in parse(&folder.join(file)) {
            for mode in modes {
                let redacted = text::redact_caption(&caption.text, None, &Known::default(), mode);
                if !redacted.is_clean() {
                    unclean.push(format!("{mode:?}: {}", redacted.text));
                }
            }
        }
    }
    assert!(unclean.is_empty(), "{unclean:#?}");
}
