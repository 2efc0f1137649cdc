//! Addresses, institutions and cities. Institutions are found by the word that says what they
//! are (`CHU de …`, `Hôpital …`, `… Hospital`, `… Clinic`) or by a short list of hospitals known
//! by name alone; cities from the shipped list, and only after `à`, `in` and the like when the
//! name is also a common word or a first name (`Nice`, `Florence`).

use std::sync::LazyLock;

use regex::Regex;

use super::lists::{LISTS, StaticWords, static_words};
use super::tokens::{Shape, Token, phrase, same_phrase};
use super::{Kind, Span, rank};

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid built-in pattern")
}

const CITY_WORD: &str = r"[\p{Lu}][\p{L}'’\-]+(?:[ \-](?:(?:sur|en|de|du|des|la|le|les|lès|lez|aux|d'|l')[ \-])?[\p{Lu}][\p{L}'’\-]+)*";
/// A town in an English address: capitalised words whose second letter is lower case, so that a
/// state or postcode in capitals after it is left to its own pattern.
const TOWN: &str = r"[\p{Lu}][\p{Ll}'’\-][\p{L}'’\-]*(?:\s+[\p{Lu}][\p{Ll}'’\-][\p{L}'’\-]*)*";
const STREET_NAME: &str = r"[\p{Lu}\d][\p{L}'’\-\d]*(?:\s+(?:(?:de|du|des|la|le|les|d'|l'|y|of|the)\s+)?[\p{Lu}][\p{L}'’\-]*)*";
const FRENCH_STREET_TYPE: &str = r"(?i:rue|avenue|av\.|bd|boulevard|impasse|all[ée]e|chemin|place|quai|route|cours|square|faubourg|passage|r[ée]sidence|cit[ée]|villa|sentier|parvis|rond-point|lotissement|hameau|lieu-dit|esplanade|promenade|voie)";
const FRENCH_POSTCODE: &str = r"(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\s?\d{3}";
const US_STATES: &str = "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY";
const CANADIAN_PROVINCES: &str = "ON|QC|BC|AB|MB|NS|NB|NL|PE|SK";
const UK_POSTCODE: &str = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}";
/// Always with its space: without it, `T2N0M0` (a tumour stage) would read as one.
const CANADIAN_POSTCODE: &str = r"[A-Z]\d[A-Z]\s\d[A-Z]\d";
const AUSTRALIAN_POSTCODE: &str = r"(?:VIC|NSW|QLD|SA|WA|TAS|ACT|NT)\s+\d{4}";

/// What closes an English-speaking address: a state and ZIP code, a province and postcode, a
/// UK or Australian postcode.
fn postcode_elsewhere() -> String {
    format!(
        r"(?:(?:{US_STATES})\s+\d{{5}}(?:-\d{{4}})?|(?:(?:{CANADIAN_PROVINCES}),?\s+)?{CANADIAN_POSTCODE}|{AUSTRALIAN_POSTCODE}|{UK_POSTCODE})"
    )
}

static FRENCH_STREET: LazyLock<Regex> = LazyLock::new(|| {
    let elsewhere = postcode_elsewhere();
    regex(&format!(
        r"(?x)(?:(?i:r[ée]sidence|b[âa]timent|immeuble|appartement|appt|chez)\s+[^,\d\n]{{1,40}},\s*)?
        (?-u:\b)\d{{1,4}}(?:\s?(?:bis|ter|quater|[a-dA-D])(?-u:\b))?,?\s+{FRENCH_STREET_TYPE}
        (?:\s+(?:de\s+la|de\s+l'|de\s+l’|du|des|de|d'|d’|la|le|les|l'|l’))*\s*{STREET_NAME}
        (?:,?\s+{FRENCH_POSTCODE}(?:\s+{CITY_WORD}(?:\s+CEDEX(?:\s+\d{{1,2}})?)?)?
          |,\s*{TOWN},?\s+{elsewhere})?"
    ))
});

/// A street without a number is an address only when a postcode follows: `place Bellecour,
/// 69002 Lyon`, `lieu-dit Kerbras, 29810 Plouarzel`.
static FRENCH_STREET_WITHOUT_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?x)(?-u:\b){FRENCH_STREET_TYPE}(?:\s+(?:de\s+la|de\s+l'|du|des|de|d'|la|le|les|l'))*\s*{STREET_NAME},?\s+{FRENCH_POSTCODE}\s+{CITY_WORD}"
    ))
});

static FRENCH_POSTCODE_CITY: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?-u:\b)(?:0[1-9]|[1-8]\d|9[0-8])\s?\d{{3}}\s+{CITY_WORD}(?:\s+CEDEX(?:\s+\d{{1,2}})?)?"
    ))
});

static ENGLISH_STREET: LazyLock<Regex> = LazyLock::new(|| {
    let elsewhere = postcode_elsewhere();
    regex(&format!(
        r"(?x)(?:(?-u:\b)(?:Flat|Apt|Apartment|Unit|Suite)\.?\s*\#?\w+,?\s+)?
        (?-u:\b)\d{{1,5}}[A-Za-z]?,?\s+(?:[\p{{Lu}}][\p{{L}}'’\-]*\.?\s+){{1,4}}
        (?:{STREET_SUFFIX})(?-u:\b)\.?
        (?:,?\s+{UNIT})?
        (?:,\s*{TOWN})?
        (?:,?\s+(?:{elsewhere}|(?:{US_STATES})(?-u:\b)))?"
    ))
});

/// The word that ends a street's name in English: the common USPS suffixes (Publication 28,
/// appendix C1) and British ones. `View` and `Vista` are left out: `4 Chamber View` is an
/// echocardiogram's, not a street; nor `Pt`, a patient in clinical notes.
const STREET_SUFFIX: &str = "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Way|Terrace|Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Row|Gardens|Grove|Mews|Walk|Circle|Cir|Trail|Trl|Park|Alley|Aly|Bend|Bluff|Brook|Canyon|Causeway|Cove|Creek|Crossing|Xing|Dale|Estates|Expressway|Expy|Falls|Ferry|Fields|Flats|Ford|Forest|Fork|Freeway|Fwy|Glen|Green|Harbor|Harbour|Haven|Heights|Hts|Hill|Hills|Hollow|Junction|Jct|Knoll|Landing|Loop|Manor|Meadow|Meadows|Mill|Orchard|Pass|Path|Pike|Pines|Plaza|Plz|Point|Ranch|Ridge|Rdg|Rise|Run|Shore|Shores|Springs|Summit|Trace|Turnpike|Tpke|Vale|Valley|Village|Woods|Wynd|Chase";
/// A flat or suite within a building: `Apt. 12`, `Suite 300`, `Unit 4B`, `#7`.
const UNIT: &str = r"(?:(?:Apt|Apartment|Unit|Suite|Ste|Flat)\.?\s*\#?|\#)\w+";

/// `88 Willow Bend Suite 300`: a number, capitalised words and a flat or suite number make an
/// address even when the street's last word is no known suffix.
static ENGLISH_STREET_WITH_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    let elsewhere = postcode_elsewhere();
    regex(&format!(
        r"(?x)(?-u:\b)\d{{1,5}}[A-Za-z]?\s+(?:[\p{{Lu}}][\p{{L}}'’\-]*\.?\s+){{1,4}}(?:Apt|Apartment|Unit|Suite|Ste|Flat)\.?\s*\#?\d+[A-Za-z]?(?-u:\b)
        (?:,\s*{TOWN})?
        (?:,?\s+(?:{elsewhere}|(?:{US_STATES})(?-u:\b)))?"
    ))
});

/// `42 Heol y Coed, Cardiff CF14 6HQ`: a number and a name, closed by a postcode, even without
/// a word such as Street.
static NUMBERED_BEFORE_POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    let elsewhere = postcode_elsewhere();
    regex(&format!(
        r"(?-u:\b)\d{{1,5}}[A-Za-z]?\s+{STREET_NAME},\s*(?:{TOWN},?\s+)?{elsewhere}(?-u:\b)"
    ))
});

static US_CITY_STATE_ZIP: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"{TOWN},\s*(?:{US_STATES})\s+\d{{5}}(?:-\d{{4}})?(?-u:\b)"
    ))
});

static POSTCODE_ALONE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?:{TOWN},?\s+)?(?-u:\b)(?:{UK_POSTCODE}|{CANADIAN_POSTCODE}|(?:VIC|NSW|QLD|TAS|ACT)\s+\d{{4}})(?-u:\b)"
    ))
});

static FRENCH_INSTITUTION_SET: LazyLock<StaticWords> =
    LazyLock::new(|| static_words(FRENCH_INSTITUTIONS));
static ENGLISH_INSTITUTION_SET: LazyLock<StaticWords> =
    LazyLock::new(|| static_words(ENGLISH_INSTITUTIONS));
static FILLER_SET: LazyLock<StaticWords> = LazyLock::new(|| static_words(INSTITUTION_FILLERS));

/// Words that open an institution's name in French: `CHU de Rennes`, `Hôpital Necker`.
const FRENCH_INSTITUTIONS: &[&str] = &[
    "residence",
    "crcm",
    "clcc",
    "chu",
    "chr",
    "chru",
    "chi",
    "ch",
    "chs",
    "cht",
    "chic",
    "hopital",
    "hopitaux",
    "clinique",
    "polyclinique",
    "institut",
    "centre",
    "maternite",
    "ehpad",
    "hospices",
    "fondation",
    "gh",
    "ghu",
    "cabinet",
    "ssr",
    "cmp",
    "ime",
    "hia",
];

/// Lower-case words that may sit inside an institution's name before the proper name.
const INSTITUTION_FILLERS: &[&str] = &[
    "hospitalier",
    "hospitaliere",
    "universitaire",
    "universitaires",
    "regional",
    "regionale",
    "intercommunal",
    "intercommunale",
    "prive",
    "privee",
    "mutualiste",
    "general",
    "generale",
    "militaire",
    "d'instruction",
    "des",
    "armees",
    "pediatrique",
    "psychiatrique",
    "de",
    "d'",
    "du",
    "la",
    "le",
    "les",
    "l'",
    "sainte",
    "saint",
    "hospitaliers",
    "cancerologie",
    "lutte",
    "contre",
    "cancer",
    "radiologie",
    "imagerie",
    "medicale",
    "medical",
    "d'imagerie",
    "sante",
    "hospitalo-universitaire",
    "enfants",
    "malades",
    "et",
    "europeen",
];

/// Words that close an institution's name in English: `Mayo Clinic`, `St Thomas' Hospital`.
const ENGLISH_INSTITUTIONS: &[&str] = &[
    "college",
    "methodist",
    "presbyterian",
    "university",
    "hospital",
    "hospitals",
    "clinic",
    "infirmary",
    "hospice",
    "institute",
    "trust",
    "imaging",
    "radiology",
    "memorial",
    "healthcare",
    "health",
    "centre",
    "center",
    "general",
];

/// Words after which a capitalised name is a place even when it is also a common word.
const PLACE_CUES: &[&str] = &[
    "a", "au", "aux", "in", "at", "near", "from", "to", "vers", "sur", "en", "de", "d'", "du",
    "pres", "outside", "around", "visiting", "hometown",
];

pub fn find(text: &str, words: &[Token], caps: bool, spans: &mut Vec<Span>) {
    // Every address pattern holds a street number or a postcode.
    if text.bytes().filter(u8::is_ascii_digit).count() >= 2 {
        addresses(text, spans);
    }
    institutions_and_cities(text, words, caps, spans);
}

fn addresses(text: &str, spans: &mut Vec<Span>) {
    let patterns = [
        &*FRENCH_STREET,
        &*FRENCH_STREET_WITHOUT_NUMBER,
        &*ENGLISH_STREET,
        &*ENGLISH_STREET_WITH_UNIT,
        &*NUMBERED_BEFORE_POSTCODE,
        &*FRENCH_POSTCODE_CITY,
        &*US_CITY_STATE_ZIP,
    ];
    for pattern in patterns {
        for found in pattern.find_iter(text) {
            spans.push(Span::new(
                found.start(),
                found.end(),
                Kind::Address,
                0.9,
                rank::ADDRESS,
            ));
        }
    }
    for found in POSTCODE_ALONE.find_iter(text) {
        spans.push(Span::new(
            found.start(),
            found.end(),
            Kind::Address,
            0.85,
            rank::ADDRESS,
        ));
    }
}

fn institutions_and_cities(text: &str, words: &[Token], caps: bool, spans: &mut Vec<Span>) {
    // Spans added below lie after `index`, so the words free now are all this loop needs.
    let free = super::uncovered(words, spans);
    let mut index = 0;
    while index < words.len() {
        if !free[index] || words[index].has_digit {
            index += 1;
            continue;
        }
        let institution = french_institution(text, words, index)
            .or_else(|| english_institution(text, words, index))
            .or_else(|| {
                words[index]
                    .is_capitalised()
                    .then(|| phrase(text, words, index, &LISTS.institutions))
                    .flatten()
            });
        let found = match institution {
            Some(end) => Some((end, 0.9, rank::INSTITUTION)),
            None => city(text, words, index, caps)
                .map(|end| (end, 0.8, rank::CITY))
                .or_else(|| {
                    after_place_word(text, words, index, caps).map(|end| (end, 0.6, rank::CITY - 1))
                }),
        };
        if let Some((end, confidence, rank)) = found {
            // `at The Royal Marsden`: a capitalised article belongs to the name.
            let start = match index.checked_sub(1).map(|p| &words[p]) {
                Some(the)
                    if rank == rank::INSTITUTION
                        && the.folded == "the"
                        && the.shape == Shape::Capitalised
                        && !the.sentence_start =>
                {
                    the.start
                }
                _ => words[index].start,
            };
            spans.push(Span::new(
                start,
                words[end].end,
                Kind::Place,
                confidence,
                rank,
            ));
            index = end + 1;
            continue;
        }
        index += 1;
    }
}

/// `at Wrightington`, `in Chermside`, `at UCSF`: a capitalised word that is in no list, right
/// after `in`, `at` or `à`, names a place more often than not (towns and hospitals too small for
/// the city list). Months, eponyms, brands and first names are left alone.
fn after_place_word(text: &str, words: &[Token], index: usize, caps: bool) -> Option<usize> {
    const PLACE_WORDS: &[&str] = &[
        "in", "at", "near", "from", "a", "au", "aux", "pres", "outside", "vers", "depuis",
    ];
    /// Places whose name follows `de` or `of`: `aux urgences de Villemarcq`, `the town of …`.
    const PLACE_NOUNS: &[&str] = &[
        "urgences",
        "ville",
        "village",
        "commune",
        "mairie",
        "quartier",
        "region",
        "departement",
        "canton",
        "maternite",
        "pharmacie",
        "gare",
        "prefecture",
        "town",
        "city",
        "county",
        "borough",
        "township",
        "parish",
    ];
    /// Words that begin a town's name and are common words alone: `North Ashby`, `Port Elenville`.
    const TOWN_OPENERS: &[&str] = &[
        "north", "south", "east", "west", "upper", "lower", "great", "little", "new", "old",
        "port", "fort", "mount", "saint", "sainte", "st", "ste", "san", "santa",
    ];
    let word = &words[index];
    let cue = index.checked_sub(1).map(|p| &words[p])?;
    let named_after_place_noun = matches!(cue.folded.as_str(), "de" | "d'" | "du" | "of")
        && index >= 2
        && PLACE_NOUNS.contains(&words[index - 2].folded.as_str())
        && same_phrase(text, &words[index - 2], cue);
    if !(PLACE_WORDS.contains(&cue.folded.as_str()) || named_after_place_noun)
        || !same_phrase(text, cue, word)
        || cue.shape == Shape::Upper
    {
        return None;
    }
    let candidate = |w: &Token| {
        w.is_capitalised()
            && w.shape != Shape::Initial
            && !w.tagged
            && !w.has_digit
            && !LISTS.common.contains(w.folded.as_str())
            && !LISTS.first_names.contains(w.folded.as_str())
            && !LISTS.not_names.contains(w.folded.as_str())
            && !super::lists::is_calendar_or_title(&w.folded)
    };
    // In a text in capitals, a capital says nothing.
    let shouted = word.shape == Shape::Upper
        && (caps
            || words
                .get(index + 1)
                .is_some_and(|w| w.shape == Shape::Upper));
    // After such a word a first name is a town's too: `North Adams`, `Port Arthur`.
    let opens_a_name = TOWN_OPENERS.contains(&word.folded.as_str())
        && word.is_capitalised()
        && words.get(index + 1).is_some_and(|next| {
            next.shape == Shape::Capitalised
                && !next.tagged
                && !next.has_digit
                && !LISTS.common.contains(next.folded.as_str())
                && !LISTS.not_names.contains(next.folded.as_str())
                && same_phrase(text, word, next)
        });
    if !(candidate(word) || opens_a_name) || word.sentence_start || shouted {
        return None;
    }
    // After the cues added for captions (`from Brackwood`, `vers Pontcarrel`), clinical
    // notes put units and lines (`from CCU`, `from A-line`): there a place is a proper name,
    // a capital then small letters.
    let spelt = &text[word.start..word.end];
    let proper_name = word.shape == Shape::Capitalised
        && spelt.chars().count() >= 3
        && (!spelt.contains('-') || word.folded.contains("-les-"));
    if matches!(cue.folded.as_str(), "from" | "vers" | "depuis" | "aux")
        && !(proper_name || opens_a_name)
    {
        return None;
    }
    let mut end = index;
    while end + 1 < words.len()
        && words[end + 1].is_capitalised()
        && !words[end + 1].has_digit
        && same_phrase(text, &words[end], &words[end + 1])
    {
        end += 1;
    }
    Some(end)
}

/// `CHU de Rennes`, `hôpital de la Timone`, `Centre Hospitalier Universitaire de Nantes`: the
/// opening word, fillers, then at least one capitalised word; the span ends on the last one.
fn french_institution(text: &str, words: &[Token], index: usize) -> Option<usize> {
    let opener = &words[index];
    if !FRENCH_INSTITUTION_SET.contains(opener.folded.as_str()) || opener.tagged {
        return None;
    }
    if opener.folded.len() <= 3 && opener.shape != Shape::Upper {
        return None;
    }
    let mut last_name = None;
    let mut at = index + 1;
    while at < words.len() && same_phrase(text, &words[at - 1], &words[at]) && !words[at].has_digit
    {
        let word = &words[at];
        if word.is_capitalised() && !FRENCH_INSTITUTION_SET.contains(word.folded.as_str())
            || word.shape == Shape::Upper
        {
            last_name = Some(at);
        } else if !FILLER_SET.contains(word.folded.as_str()) && !word.is_capitalised() {
            break;
        }
        at += 1;
    }
    last_name
}

/// `Mayo Clinic`, `St Thomas' Hospital`, `Royal Brisbane and Women's Hospital`, `Hospital for
/// Special Surgery`, `Children's Hospital of Philadelphia`: capitalised words around a word that
/// says what the place is.
fn english_institution(text: &str, words: &[Token], index: usize) -> Option<usize> {
    let opener = &words[index];
    if opener.sentence_start
        && LISTS.common.contains(opener.folded.as_str())
        && opener.folded != "royal"
    {
        return None;
    }
    let joins = |at: usize| {
        at + 1 < words.len()
            && matches!(
                words[at].folded.as_str(),
                "and" | "of" | "for" | "the" | "on"
            )
            && words[at + 1].is_capitalised()
            && same_phrase(text, &words[at - 1], &words[at])
            && same_phrase(text, &words[at], &words[at + 1])
    };
    let mut at = index;
    while at < words.len()
        && (words[at].is_capitalised() || at > index && joins(at))
        && !words[at].has_digit
    {
        if at > index && !same_phrase(text, &words[at - 1], &words[at]) {
            return None;
        }
        if ENGLISH_INSTITUTION_SET.contains(words[at].folded.as_str()) && words[at].is_capitalised()
        {
            let named_before = at > index;
            let mut end = at;
            // Closing words and `of Philadelphia`, `for Women`, `for Special Surgery`.
            loop {
                if end + 1 < words.len()
                    && words[end + 1].is_capitalised()
                    && ENGLISH_INSTITUTION_SET.contains(words[end + 1].folded.as_str())
                    && same_phrase(text, &words[end], &words[end + 1])
                {
                    end += 1;
                } else if end + 2 < words.len()
                    && matches!(words[end + 1].folded.as_str(), "of" | "for")
                    && joins(end + 1)
                {
                    end += 2;
                    while end + 1 < words.len()
                        && words[end + 1].is_capitalised()
                        && same_phrase(text, &words[end], &words[end + 1])
                    {
                        end += 1;
                    }
                } else {
                    break;
                }
            }
            return (named_before || end > at).then_some(end);
        }
        at += 1;
    }
    None
}

fn city(text: &str, words: &[Token], index: usize, caps: bool) -> Option<usize> {
    let first = &words[index];
    if !first.is_capitalised() || first.tagged || first.shape == Shape::Initial {
        return None;
    }
    let end = phrase(text, words, index, &LISTS.cities)?;
    let name: Vec<&str> = words[index..=end]
        .iter()
        .map(|w| w.folded.as_str())
        .collect();
    let name = name.join(" ");
    let cued = index > 0
        && PLACE_CUES.contains(&words[index - 1].folded.as_str())
        && same_phrase(text, &words[index - 1], first);
    let strongly_cued =
        cued && !matches!(words[index - 1].folded.as_str(), "de" | "d'" | "du" | "en");
    // A capital in mid-sentence says a common word is a name here (`à Vannes`, `Bordeaux`);
    // at the start of a sentence or in a caption in capitals it says nothing.
    let capital_means_little = caps || first.sentence_start || first.shape == Shape::Upper;
    let ambiguous = LISTS.common.contains(name.as_str()) && capital_means_little
        || LISTS.first_names.contains(name.as_str())
        || capital_means_little && end == index;
    let medical = LISTS.not_names.contains(name.as_str());
    if medical && !strongly_cued || ambiguous && !cued {
        return None;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn places(text: &str) -> Vec<(Kind, &str)> {
        let mut spans = Vec::new();
        find(text, &tokenize(text), false, &mut spans);
        let spans = super::super::merge(text, spans);
        spans
            .iter()
            .map(|s| (s.kind, &text[s.start..s.end]))
            .collect()
    }

    #[test]
    fn addresses() {
        assert_eq!(
            places("au 12 rue des Lilas, 35000 Rennes !"),
            [(Kind::Address, "12 rue des Lilas, 35000 Rennes")]
        );
        assert_eq!(
            places("écrire au 75013 Paris"),
            [(Kind::Address, "75013 Paris")]
        );
        assert_eq!(
            places("at 221 Baker Street, London NW1 6XE."),
            [(Kind::Address, "221 Baker Street, London NW1 6XE")]
        );
        assert_eq!(
            places("14 Elm St, Springfield, IL 62704"),
            [(Kind::Address, "14 Elm St, Springfield, IL 62704")]
        );
    }

    #[test]
    fn us_addresses_with_a_unit_and_streets_of_every_suffix() {
        assert_eq!(
            places("Home: 4410 Granite Ridge Apt. 12, Port Elenville, OR 97034"),
            [(
                Kind::Address,
                "4410 Granite Ridge Apt. 12, Port Elenville, OR 97034"
            )]
        );
        assert_eq!(
            places("Office at 88 Willow Bend Suite 300"),
            [(Kind::Address, "88 Willow Bend Suite 300")]
        );
        // A view of the heart and a patient's rate are no streets.
        assert!(places("4 Chamber View, rate 32 BPM. Pt stable").is_empty());
    }

    #[test]
    fn towns_in_no_list_after_a_place_cue() {
        for (caption, town) in [
            ("I drove from Brackwood yesterday", "Brackwood"),
            (
                "Je suis allée aux urgences de Villemarcq hier",
                "Villemarcq",
            ),
            ("Elle habite à Pontcarrel.", "Pontcarrel"),
            ("We moved to a farm near North Ashby", "North Ashby"),
            ("Opéré à Saint-Ferréol la semaine dernière", "Saint-Ferréol"),
            ("Cure à Vernay-les-Bains en mai", "Vernay-les-Bains"),
        ] {
            assert_eq!(places(caption), [(Kind::Place, town)], "{caption}");
        }
        // Units and lines of a clinical note come from somewhere too.
        for note in ["d/c'd from CCU", "drawn from A-line", "flow from HD today"] {
            assert!(places(note).is_empty(), "{note}");
        }
    }

    #[test]
    fn institutions_and_cities() {
        assert_eq!(
            places("au CHU de Rennes, merci"),
            [(Kind::Place, "CHU de Rennes")]
        );
        assert_eq!(
            places("à l'hôpital de la Timone"),
            [(Kind::Place, "hôpital de la Timone")]
        );
        assert_eq!(
            places("Thanks Mayo Clinic and St Thomas' Hospital"),
            [
                (Kind::Place, "Mayo Clinic"),
                (Kind::Place, "St Thomas' Hospital")
            ]
        );
        assert_eq!(places("on habite à Brest"), [(Kind::Place, "Brest")]);
        assert!(places("l'hôpital et la clinique, score de Glasgow").is_empty());
    }
}
