//! The word lists shipped in `assets/text/` (origins and licences in `assets/README.md`), folded
//! once on first use. They are compiled into the binary: nothing is read or downloaded at run
//! time.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::tokens::fold;

pub struct Lists {
    pub first_names: HashSet<String>,
    pub surnames: HashSet<String>,
    /// Cities and towns, folded, several words joined by one space (`le mans`, `saint-etienne`).
    pub cities: HashSet<String>,
    /// Lower-case words of English and French: a capitalised word that is also one of these says
    /// little on its own at the start of a sentence.
    pub common: HashSet<String>,
    /// Capitalised words of medicine and daily life that are not people: eponyms (`Parkinson`),
    /// drugs, brands, regions. Folded; may be several words.
    pub not_names: HashSet<String>,
    /// Hospitals known by a name without a word such as `Hôpital` (`Necker`, `Mayo Clinic`).
    pub institutions: HashSet<String>,
    /// The most words any entry of `cities`, `not_names` or `institutions` has.
    pub longest_phrase: usize,
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
    Lists {
        first_names,
        surnames,
        cities,
        common,
        not_names,
        institutions,
        longest_phrase,
    }
});

/// One entry per line; `#` starts a comment line. Entries are folded, their spaces normalised
/// and possessives dropped (`Addenbrooke's`), so that they compare with the folded words of a
/// caption joined by single spaces.
fn set(list: &str) -> HashSet<String> {
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
