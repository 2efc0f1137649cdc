//! The word lists shipped in `assets/text/` (origins and licences in `assets/README.md`), folded
//! once on first use. They are compiled into the binary: nothing is read or downloaded at run
//! time.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::tokens::fold;

/// FNV-1a. The lists are looked up for every word of every caption; SipHash's defence against
/// hash flooding buys nothing here, since captions only look up and never insert.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

pub type WordSet = HashSet<String, BuildHasherDefault<Fnv>>;
pub type StaticWords = HashSet<&'static str, BuildHasherDefault<Fnv>>;

/// A set of the rules' own small word lists, for lookups in constant time.
pub fn static_words(words: &[&'static str]) -> StaticWords {
    words.iter().copied().collect()
}

pub struct Lists {
    pub first_names: WordSet,
    pub surnames: WordSet,
    /// Cities and towns, folded, several words joined by one space (`le mans`, `saint-etienne`).
    pub cities: WordSet,
    /// Lower-case words of English and French: a capitalised word that is also one of these says
    /// little on its own at the start of a sentence.
    pub common: WordSet,
    /// Capitalised words of medicine and daily life that are not people: eponyms (`Parkinson`),
    /// drugs, brands, regions. Folded; may be several words.
    pub not_names: WordSet,
    /// Hospitals known by a name without a word such as `Hôpital` (`Necker`, `Mayo Clinic`).
    pub institutions: WordSet,
    /// The most words any entry of `cities`, `not_names` or `institutions` has.
    pub longest_phrase: usize,
    /// First words of the entries of several words: a phrase is only looked for from these.
    pub phrase_starts: WordSet,
}

/// Small words the dictionaries may leave out, which are never names in a caption.
const FUNCTION_WORDS: &[&str] = &[
    "le", "la", "les", "de", "du", "des", "un", "une", "et", "ou", "mon", "ma", "mes", "ton", "ta",
    "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur", "leurs", "ce", "cet",
    "cette", "ces", "je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "au", "aux",
    "en", "par", "pour", "sur", "sous", "avec", "sans", "chez", "the", "a", "an", "and", "or",
    "my", "your", "his", "her", "its", "our", "their", "is", "are", "was", "were", "be", "so",
    "to", "of", "in", "on", "at", "by", "for", "with", "from", "as", "if", "but", "not", "no",
    "yes", "oui", "non", "merci", "thanks", "bonjour", "hello", "salut",
];

pub static LISTS: LazyLock<Lists> = LazyLock::new(|| {
    let first_names = set(include_str!("../../assets/text/first-names.txt"));
    let surnames = set(include_str!("../../assets/text/surnames.txt"));
    let cities = set(include_str!("../../assets/text/cities.txt"));
    let mut common = set(include_str!("../../assets/text/common-words-en.txt"));
    common.extend(set(include_str!("../../assets/text/common-words-fr.txt")));
    common.extend(FUNCTION_WORDS.iter().map(|word| word.to_string()));
    let not_names = set(include_str!("../../assets/text/not-names.txt"));
    let institutions = set(include_str!("../../assets/text/institutions.txt"));
    let longest_phrase = [&cities, &not_names, &institutions]
        .iter()
        .flat_map(|list| list.iter())
        .map(|entry| entry.split(' ').count())
        .max()
        .unwrap_or(1);
    let phrase_starts = [&cities, &not_names, &institutions]
        .iter()
        .flat_map(|list| list.iter())
        .filter_map(|entry| entry.split_once(' ').map(|(first, _)| first.to_string()))
        .collect();
    Lists {
        first_names,
        surnames,
        cities,
        common,
        not_names,
        institutions,
        longest_phrase,
        phrase_starts,
    }
});

/// One entry per line; `#` starts a comment line. Entries are folded, their spaces normalised
/// and possessives dropped (`Addenbrooke's`), so that they compare with the folded words of a
/// caption joined by single spaces.
fn set(list: &str) -> WordSet {
    list.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            fold(line)
                .split_whitespace()
                .map(|word| word.trim_end_matches("'s").trim_end_matches('\''))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_hold_what_the_rules_expect() {
        let lists = &*LISTS;
        for name in ["jean", "marie", "emma", "mohamed", "john"] {
            assert!(lists.first_names.contains(name), "{name}");
        }
        for name in ["dupont", "martin", "smith", "nguyen"] {
            assert!(lists.surnames.contains(name), "{name}");
        }
        for city in ["rennes", "saint-etienne", "le mans", "london"] {
            assert!(lists.cities.contains(city), "{city}");
        }
        for word in ["rose", "will", "pierre", "merci"] {
            assert!(lists.common.contains(word), "{word}");
        }
        for word in ["parkinson", "crohn", "gilles de la tourette"] {
            assert!(lists.not_names.contains(word), "{word}");
        }
    }
}
