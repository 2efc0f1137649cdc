//! The word lists shipped in `assets/text/` (origins and licences in `assets/README.md`). They
//! are folded, sorted and stripped of duplicates when Caviar is built (`build.rs`) and compiled
//! into the binary: nothing is read or downloaded at run time, and nothing is folded or hashed
//! when a process starts.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// FNV-1a. The rules' own small lists are looked up for every word of every caption; SipHash's
/// defence against hash flooding buys nothing here, since captions only look up and never insert.
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

pub type StaticWords = HashSet<&'static str, BuildHasherDefault<Fnv>>;

/// A set of the rules' own small word lists, for lookups in constant time.
pub fn static_words(words: &[&'static str]) -> StaticWords {
    words.iter().copied().collect()
}

/// Folded entries in sorted order, borrowed from the binary: a lookup is a binary search.
pub struct WordList(Vec<&'static str>);

impl WordList {
    /// A list `build.rs` folded and sorted: one entry per line.
    fn folded(text: &'static str) -> WordList {
        WordList(text.split('\n').filter(|entry| !entry.is_empty()).collect())
    }

    pub fn contains(&self, word: &str) -> bool {
        self.0.binary_search(&word).is_ok()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }
}

macro_rules! folded_list {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/", $name, ".txt"))
    };
}

pub struct Lists {
    pub first_names: WordList,
    pub surnames: WordList,
    /// Cities and towns, folded, several words joined by one space (`le mans`, `saint-etienne`).
    pub cities: WordList,
    /// Lower-case words of English and French: a capitalised word that is also one of these says
    /// little on its own at the start of a sentence.
    pub common: Common,
    /// Capitalised words of medicine and daily life that are not people: eponyms (`Parkinson`),
    /// drugs, brands, regions. Folded; may be several words.
    pub not_names: WordList,
    /// Hospitals known by a name without a word such as `Hôpital` (`Necker`, `Mayo Clinic`).
    pub institutions: WordList,
    /// Words of the annotations viewers and scanners burn into pictures (settings, probes,
    /// vendors, anatomy, views), English and French, written by hand.
    pub technical_words: WordList,
    /// Words of the DICOM code sets for anatomy, ultrasound and modalities (PS3.16), made by
    /// `scripts/gen-technical-words.py`.
    pub technical_dicom: WordList,
    /// The most words any entry of `cities`, `not_names` or `institutions` has.
    pub longest_phrase: usize,
    /// First words of the entries of several words: a phrase is only looked for from these.
    pub phrase_starts: StaticWords,
}

/// Common words of English and French, and the small words the dictionaries may leave out.
pub struct Common {
    english: WordList,
    french: WordList,
    function_words: StaticWords,
}

impl Common {
    pub fn contains(&self, word: &str) -> bool {
        self.function_words.contains(word)
            || self.english.contains(word)
            || self.french.contains(word)
    }
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

// Words of the person-name rules that other rules need too: here, so that names, places and
// tokens do not reach into one another.

/// Titles: what follows is a name, even in lower case (`dr lefebvre`).
const TITLES: &[&str] = &[
    "sr",
    "dr",
    "dre",
    "drs",
    "docteur",
    "doctor",
    "doc",
    "pr",
    "prof",
    "professeur",
    "professor",
    "mme",
    "mmes",
    "mlle",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mister",
    "monsieur",
    "madame",
    "mademoiselle",
    "sir",
    "dame",
    "nurse",
    "infirmiere",
    "infirmier",
    "maitre",
    "m",
];

/// Titles that keep their meaning in capitals (`DR. PRICE`); `MR` and `MS` in capitals are
/// mitral regurgitation and multiple sclerosis far more often than Mister and Miz.
pub const SHOUTED_TITLES: &[&str] = &[
    "dr", "drs", "mrs", "mme", "mlle", "pr", "prof", "docteur", "madame", "monsieur",
];

/// Months, which are capitalised in English and sometimes first names (`April`).
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
];

/// Days of the week, capitalised in English; before `15/09` they make it a date.
pub const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
];

/// Capitals that are almost never a person in a caption about a scan.
const ACRONYMS: &[&str] = &[
    "irm", "mri", "ct", "tdm", "pet", "tep", "chu", "usa", "uk", "nhs", "ap", "hp", "ok", "rdv",
    "ecg", "eeg", "avc", "sep", "ivg", "fiv", "pma", "orl", "ia", "ai", "er", "icu", "or",
];

pub static TITLE_SET: LazyLock<StaticWords> = LazyLock::new(|| static_words(TITLES));
pub static CALENDAR_SET: LazyLock<StaticWords> =
    LazyLock::new(|| MONTHS.iter().chain(WEEKDAYS).copied().collect());
pub static ACRONYM_SET: LazyLock<StaticWords> = LazyLock::new(|| static_words(ACRONYMS));

/// Months, days and titles: capitalised, and never a place or a person on their own.
pub fn is_calendar_or_title(folded: &str) -> bool {
    CALENDAR_SET.contains(folded) || TITLE_SET.contains(folded) || ACRONYM_SET.contains(folded)
}

pub static LISTS: LazyLock<Lists> = LazyLock::new(|| {
    let cities = WordList::folded(folded_list!("cities"));
    let not_names = WordList::folded(folded_list!("not-names"));
    let institutions = WordList::folded(folded_list!("institutions"));
    let longest_phrase = [&cities, &not_names, &institutions]
        .iter()
        .flat_map(|list| list.iter())
        .map(|entry| entry.split(' ').count())
        .max()
        .unwrap_or(1);
    let phrase_starts = [&cities, &not_names, &institutions]
        .iter()
        .flat_map(|list| list.iter())
        .filter_map(|entry| entry.split_once(' ').map(|(first, _)| first))
        .collect();
    Lists {
        first_names: WordList::folded(folded_list!("first-names")),
        surnames: WordList::folded(folded_list!("surnames")),
        cities,
        common: Common {
            english: WordList::folded(folded_list!("common-words-en")),
            french: WordList::folded(folded_list!("common-words-fr")),
            function_words: static_words(FUNCTION_WORDS),
        },
        not_names,
        institutions,
        technical_words: WordList::folded(folded_list!("technical-words")),
        technical_dicom: WordList::folded(folded_list!("technical-dicom")),
        longest_phrase,
        phrase_starts,
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_folded_sorted_and_whole() {
        let lists = &*LISTS;
        for list in [&lists.first_names, &lists.surnames, &lists.cities] {
            assert!(list.0.len() > 10_000);
            assert!(list.0.windows(2).all(|pair| pair[0] < pair[1]));
            assert!(
                list.iter()
                    .all(|entry| entry == super::super::fold::fold(entry)
                        && !entry.contains("  ")
                        && !entry.ends_with("'s"))
            );
        }
        // `Saint-Étienne` and `Addenbrooke's` are found in their folded forms.
        assert!(lists.cities.contains("saint-etienne"));
        assert!(!lists.cities.contains("Saint-Étienne"));
    }

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
