//! Person names without a statistical model: the words that announce a person (`Dr`, `Mme`,
//! `mon fils`, `my name is`), first-name and surname lists, and the shape of the words. A
//! capital letter means little at the start of a sentence or in a caption written in capitals,
//! so there a word must be a listed name and not also a common word. Eponyms, drugs and brands
//! (`maladie de Parkinson`, `Crohn's`, `Keytruda`) are not people unless a title stands
//! directly before them (`Mme Alzheimer` is a person).

use std::sync::LazyLock;

use super::lists::{
    ACRONYM_SET, CALENDAR_SET, LISTS, SHOUTED_TITLES, StaticWords, TITLE_SET, static_words,
};
use super::tokens::{Shape, Token, phrase, same_phrase};
use super::{Kind, Span, rank};

/// Words and phrases after which a capitalised word, or a listed first name in lower case, is
/// someone's name.
const CUES: &[&[&str]] = &[
    &["je", "m'", "appelle"],
    &["m'", "appelle"],
    &["mon", "nom", "est"],
    &["moi", "c'", "est"],
    &["my", "name", "is"],
    &["name", "is"],
    &["i'm"],
    &["i", "am"],
    &["im"],
    &["nee"],
    &["epouse"],
    &["veuve"],
    &["patient"],
    &["patiente"],
    &["pt"],
    &["mon", "fils"],
    &["ma", "fille"],
    &["mon", "mari"],
    &["ma", "femme"],
    &["mon", "frere"],
    &["ma", "soeur"],
    &["mon", "pere"],
    &["ma", "mere"],
    &["mon", "papa"],
    &["ma", "maman"],
    &["mamie"],
    &["mamy"],
    &["papi"],
    &["papy"],
    &["mon", "bebe"],
    &["notre", "bebe"],
    &["notre", "fils"],
    &["notre", "fille"],
    &["mon", "neveu"],
    &["ma", "niece"],
    &["mon", "cousin"],
    &["ma", "cousine"],
    &["mon", "compagnon"],
    &["ma", "compagne"],
    &["mon", "conjoint"],
    &["ma", "conjointe"],
    &["mon", "ami"],
    &["mon", "amie"],
    &["ma", "copine"],
    &["mon", "copain"],
    &["mon", "petit-fils"],
    &["ma", "petite-fille"],
    &["ma", "grand-mere"],
    &["mon", "grand-pere"],
    &["my", "son"],
    &["my", "daughter"],
    &["my", "husband"],
    &["my", "wife"],
    &["my", "mum"],
    &["my", "mom"],
    &["my", "mother"],
    &["my", "dad"],
    &["my", "father"],
    &["my", "brother"],
    &["my", "sister"],
    &["my", "baby"],
    &["my", "boy"],
    &["my", "girl"],
    &["my", "partner"],
    &["my", "grandma"],
    &["my", "grandmother"],
    &["my", "grandpa"],
    &["my", "grandfather"],
    &["my", "nan"],
    &["my", "friend"],
    &["my", "niece"],
    &["my", "nephew"],
    &["my", "fiance"],
    &["my", "fiancee"],
    &["our", "son"],
    &["our", "daughter"],
    &["our", "baby"],
    &["little"],
    &["je", "suis"],
    &["ma", "petite"],
    &["mon", "petit"],
    &["notre", "petite"],
    &["notre", "petit"],
    &["my", "little"],
    &["je", "vous", "presente"],
    &["voici"],
    &["meet"],
    &["this", "is"],
    &["enfant"],
    &["initials"],
    &["initiales"],
    &["maman", "de"],
    &["papa", "de"],
    &["mother", "of"],
    &["father", "of"],
];

/// Small words inside names: `de La Fontaine`, `van der Berg`, `Ben Ali`.
const PARTICLES: &[&str] = &[
    "de", "du", "des", "d'", "la", "le", "van", "von", "der", "den", "ter", "di", "da", "del",
    "della", "dos", "das", "al", "el", "bin", "ben", "ibn", "y", "st", "ni", "o", "nic", "mac",
    "ua", "bint", "abu",
];

/// Words naming a disease, sign or score that an eponym follows (`maladie de Parkinson`) or
/// precedes (`Parkinson's disease`): then the eponym is not a person.
const BEFORE_EPONYM: &[&str] = &[
    "doigts",
    "abces",
    "tendon",
    "harnais",
    "attelle",
    "anneau",
    "anneaux",
    "ligament",
    "muscle",
    "nerf",
    "artere",
    "veine",
    "glande",
    "bourse",
    "nodule",
    "nodules",
    "classe",
    "type",
    "coupe",
    "lesion",
    "lesions",
    "triade",
    "manoeuvre",
    "maladie",
    "syndrome",
    "signe",
    "score",
    "echelle",
    "classification",
    "fracture",
    "thyroidite",
    "lymphome",
    "sarcome",
    "tumeur",
    "kyste",
    "nevrome",
    "manoeuvre",
    "test",
    "criteres",
    "stade",
    "corps",
    "cellules",
    "ligne",
    "triangle",
    "angle",
    "technique",
    "intervention",
    "operation",
    "methode",
    "procedure",
    "sonde",
    "catheter",
    "incidence",
    "index",
    "indice",
    "loi",
    "reflexe",
    "phenomene",
    "point",
    "canal",
    "espace",
    "anomalie",
    "malformation",
    "diverticule",
    "ulcere",
    "paralysie",
    "dystrophie",
    "ataxie",
    "chorée",
    "choree",
    "encephalopathie",
    "neuropathie",
    "myopathie",
    "osteochondrose",
    "hernie",
    "protocole",
    "position",
    "cote",
    "sequence",
];
const AFTER_EPONYM: &[&str] = &[
    "harness",
    "ring",
    "rings",
    "splint",
    "cast",
    "lesion",
    "lesions",
    "nodule",
    "nodules",
    "tendon",
    "ligament",
    "joint",
    "class",
    "negatif",
    "positif",
    "negative",
    "positive",
    "dissection",
    "disease",
    "syndrome",
    "sign",
    "palsy",
    "score",
    "scale",
    "fracture",
    "cyst",
    "neuroma",
    "esophagus",
    "oesophagus",
    "diverticulum",
    "tumor",
    "tumour",
    "sarcoma",
    "lymphoma",
    "classification",
    "criteria",
    "test",
    "maneuver",
    "manoeuvre",
    "procedure",
    "surgery",
    "operation",
    "catheter",
    "view",
    "line",
    "grade",
    "type",
    "index",
    "effect",
    "phenomenon",
    "reflex",
    "body",
    "bodies",
    "cell",
    "cells",
    "node",
    "nodes",
    "ulcer",
    "anomaly",
    "malformation",
    "disorder",
    "dystrophy",
    "ataxia",
    "chorea",
    "encephalopathy",
    "thyroiditis",
    "contracture",
    "stage",
    "staging",
    "position",
    "method",
    "technique",
    "protocol",
    "law",
    "triad",
    "space",
    "canal",
    "angle",
    "point",
    "shunt",
    "repair",
    "sequence",
    "rule",
];

static PARTICLE_SET: LazyLock<StaticWords> = LazyLock::new(|| static_words(PARTICLES));
static BEFORE_EPONYM_SET: LazyLock<StaticWords> = LazyLock::new(|| static_words(BEFORE_EPONYM));
static AFTER_EPONYM_SET: LazyLock<StaticWords> = LazyLock::new(|| static_words(AFTER_EPONYM));
/// The last word of each cue: only a word in here can end one.
static CUE_ENDS: LazyLock<StaticWords> =
    LazyLock::new(|| CUES.iter().filter_map(|cue| cue.last().copied()).collect());

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    /// A listed first name or surname in a position where that counts.
    Name,
    /// Shaped like a name part (capitalised, not a common word) but not listed.
    Compatible,
    Particle,
    Other,
}

/// A caption written mostly in capitals, where shape says nothing.
pub fn is_caps_mode(text: &str) -> bool {
    let (mut upper, mut letters) = (0, 0);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        upper += usize::from(c.is_uppercase());
    }
    letters >= 8 && upper * 10 >= letters * 7
}

pub fn find(text: &str, words: &[Token], caps: bool, spans: &mut Vec<Span>) {
    let free = super::uncovered(words, spans);
    let not_names = not_name_words(text, words);
    let classes: Vec<Class> = (0..words.len())
        .map(|at| classify(words, at, caps, not_names[at]))
        .collect();
    let mut found: Vec<(usize, usize, f32)> = Vec::new();
    let mut at = 0;
    while at < words.len() {
        if !free[at] {
            at += 1;
            continue;
        }
        let label = is_label_form(text, words, at);
        let cued = label || cue_before(words, at);
        let titled = is_titled(words, at);
        // `de La Fontaine`, `Van den Berghe`: particles open a name when one follows them.
        let next_is_name = {
            let mut next = at + 1;
            while next < words.len()
                && classes[next] == Class::Particle
                && same_phrase(text, &words[next - 1], &words[next])
            {
                next += 1;
            }
            next < words.len()
                && same_phrase(text, &words[next - 1], &words[next])
                && matches!(classes[next], Class::Name | Class::Compatible)
        };
        let opens = match classes[at] {
            Class::Name | Class::Compatible => true,
            Class::Particle => next_is_name && (cued || words[at].is_capitalised()),
            Class::Other => label || cued && acceptable_after_cue(&words[at], titled),
        };
        if !opens {
            at += 1;
            continue;
        }
        // In the label form the first name after the comma belongs to the name whatever it is.
        let mut end = if label && free[at + 1] { at + 1 } else { at };
        while end + 1 < words.len()
            && free[end + 1]
            && same_phrase(text, &words[end], &words[end + 1])
            && continues(words, &classes, end + 1)
        {
            end += 1;
        }
        while end > at && classes[end] == Class::Particle {
            end -= 1;
        }
        let listed = classes[at..=end]
            .iter()
            .filter(|&&c| c == Class::Name)
            .count();
        let first_name = words[at..=end].iter().any(|w| is_first_name(&w.folded));
        let accept =
            cued || listed > 0 && (end > at || accepted_alone(words, at, caps, not_names[at]));
        if accept {
            let start = first_name_before(text, words, &classes, &free, &not_names, at);
            let confidence = match (cued, end > start, first_name) {
                (true, _, _) => 0.95,
                (false, true, true) => 0.9,
                (false, false, true) => 0.8,
                _ => 0.6,
            };
            found.push((start, end, confidence));
        }
        at = end + 1;
    }
    add_coordinated(text, words, &free, &not_names, &mut found);
    for (start, end, confidence) in found {
        let end_byte = if words[end].shape == Shape::Initial && words[end].dot_after {
            words[end].end + 1
        } else {
            words[end].end
        };
        spans.push(Span::new(
            words[start].start,
            end_byte,
            Kind::Name,
            confidence,
            rank::NAME,
        ));
    }
}

/// `Robert Kowalski`, `Jean de La Fontaine` at the start of a sentence: a first name too common
/// to count alone belongs to the surname after it, particles included.
fn first_name_before(
    text: &str,
    words: &[Token],
    classes: &[Class],
    free: &[bool],
    not_names: &[bool],
    at: usize,
) -> usize {
    let mut start = at;
    let mut probe = at;
    while probe > 0 && free[probe - 1] && same_phrase(text, &words[probe - 1], &words[probe]) {
        probe -= 1;
        if classes[probe] == Class::Particle {
            continue;
        }
        let word = &words[probe];
        if word.is_capitalised() && is_first_name(&word.folded) && !not_names[probe] {
            start = probe;
            continue;
        }
        break;
    }
    start
}

/// `Clément et Aïcha`, `Laurent and Sébastien`: a listed first name joined by `et` or `and` to
/// a name already found is a name too, even where it is also a common word.
fn add_coordinated(
    text: &str,
    words: &[Token],
    free: &[bool],
    not_names: &[bool],
    found: &mut Vec<(usize, usize, f32)>,
) {
    let taken = |at: usize, found: &[(usize, usize, f32)]| {
        found.iter().any(|&(s, e, _)| (s..=e).contains(&at))
    };
    let mut extra = Vec::new();
    for &(start, end, _) in found.iter() {
        let neighbours = [
            start.checked_sub(2).map(|w| (w, w + 1)),
            Some((end + 2, end + 1)),
        ];
        for (candidate, joiner) in neighbours.into_iter().flatten() {
            let (Some(word), Some(and)) = (words.get(candidate), words.get(joiner)) else {
                continue;
            };
            let joins = matches!(and.folded.as_str(), "et" | "and" | "ou" | "or");
            let gaps_ok = !text
                [words[candidate.min(joiner)].end..words[candidate.max(joiner)].start]
                .contains(['.', '!', '?', ':', '\n']);
            if joins
                && gaps_ok
                && free[candidate]
                && !not_names[candidate]
                && word.is_capitalised()
                && is_first_name(&word.folded)
                && !taken(candidate, found)
            {
                extra.push((candidate, candidate, 0.7));
            }
        }
    }
    found.extend(extra);
}

fn is_first_name(folded: &str) -> bool {
    LISTS.first_names.contains(folded)
        || folded.contains('-')
            && folded
                .split('-')
                .all(|part| LISTS.first_names.contains(part))
}

fn is_listed(folded: &str) -> bool {
    is_first_name(folded)
        || LISTS.surnames.contains(folded)
        || folded.contains('-')
            && folded
                .split('-')
                .all(|part| LISTS.surnames.contains(part) || LISTS.first_names.contains(part))
}

fn is_common(folded: &str) -> bool {
    LISTS.common.contains(folded)
}

/// `I've`, `you'll`, `they're`: English contractions are never names.
fn is_contraction(folded: &str) -> bool {
    folded
        .split_once('\'')
        .is_some_and(|(_, tail)| matches!(tail, "ve" | "ll" | "re" | "d" | "m" | "t" | "s"))
}

/// A word in capitals among other words in capitals (`MON FILS LUCAS A ENFIN`): its capitals
/// say nothing about it.
fn in_capitals(words: &[Token], at: usize) -> bool {
    let upper = |w: Option<&Token>| w.is_some_and(|w| w.shape == Shape::Upper && !w.has_digit);
    words[at].shape == Shape::Upper
        && (upper(at.checked_sub(1).and_then(|p| words.get(p))) || upper(words.get(at + 1)))
}

/// After `Dr`, `Mme`, `M.`: `m.` in lower case is metres and `MS` multiple sclerosis, so the
/// title must look like one.
fn is_titled(words: &[Token], at: usize) -> bool {
    at > 0 && {
        let title = &words[at - 1];
        let adjacent = words[at].start - title.end <= 2;
        let shaped = title.shape != Shape::Upper || SHOUTED_TITLES.contains(&title.folded.as_str());
        TITLE_SET.contains(title.folded.as_str())
            && shaped
            && adjacent
            && (title.folded != "m" || title.shape == Shape::Initial && title.dot_after)
    }
}

fn classify(words: &[Token], at: usize, caps: bool, not_name: bool) -> Class {
    let word = &words[at];
    let folded = word.folded.as_str();
    if word.has_digit || not_name || is_contraction(folded) {
        return Class::Other;
    }
    // `M.` is Monsieur; `S'`, `L'` are elisions.
    if word.shape == Shape::Initial && folded == "m" && word.dot_after || folded.ends_with('\'') {
        return Class::Other;
    }
    if word.shape == Shape::Initial {
        return if word.dot_after || words.get(at + 1).is_none_or(|next| next.sentence_start) {
            Class::Compatible
        } else {
            Class::Other
        };
    }
    if TITLE_SET.contains(folded) && word.shape != Shape::Upper {
        return Class::Other;
    }
    if PARTICLE_SET.contains(folded) {
        return Class::Particle;
    }
    if word.shape == Shape::Lower || ACRONYM_SET.contains(folded) || CALENDAR_SET.contains(folded) {
        return Class::Other;
    }
    let common = is_common(folded);
    let capital_means_little = word.sentence_start || caps || word.tagged || in_capitals(words, at);
    // `Ward 7`, `Bed 4`: a common word followed by a number is a label, not a name.
    let numbered = words.get(at + 1).is_some_and(|next| next.has_digit);
    if is_listed(folded) {
        if common && (capital_means_little || numbered) {
            return Class::Other;
        }
        if word.shape == Shape::Upper && folded.chars().count() < 3 {
            return Class::Other;
        }
        return Class::Name;
    }
    if common || capital_means_little || word.shape == Shape::Upper && folded.chars().count() < 4 {
        return Class::Other;
    }
    Class::Compatible
}

/// Whether the word at `at` may continue a name already started.
fn continues(words: &[Token], classes: &[Class], at: usize) -> bool {
    match classes[at] {
        Class::Name | Class::Compatible => true,
        Class::Particle => {
            at + 1 < words.len()
                && matches!(
                    classes[at + 1],
                    Class::Name | Class::Compatible | Class::Particle
                )
        }
        Class::Other => {
            let word = &words[at];
            // A listed name that is also a common word continues a name (`Pierre Rose`), and so
            // does a middle initial without its full stop (`ROSA M`).
            !word.sentence_start
                && !word.has_digit
                && (word.is_capitalised() && is_listed(&word.folded)
                    || word.shape == Shape::Initial)
        }
    }
}

/// A single listed word, with no cue and no neighbour: a first name that is not a common word,
/// or a surname in the middle of a sentence. A lone word in capitals in ordinary text is more
/// often an acronym (`IBAN`, `NED`) than a name.
fn accepted_alone(words: &[Token], at: usize, caps: bool, not_name: bool) -> bool {
    let word = &words[at];
    if not_name || word.shape == Shape::Initial {
        return false;
    }
    let folded = word.folded.as_str();
    if word.shape == Shape::Upper
        && (!caps && !in_capitals(words, at) || folded.chars().count() < 4)
    {
        return false;
    }
    if is_first_name(folded) {
        return !is_common(folded) || !word.sentence_start && !caps && !word.tagged;
    }
    !word.sentence_start
        && !caps
        && !word.tagged
        && !is_common(folded)
        && word.shape != Shape::Upper
}

/// After a title or a cue a name may be written in lower case or be a common word: after a
/// title, any listed or uncommon word; after other cues, a capitalised word that is listed or
/// uncommon, or a listed first name in lower case.
fn acceptable_after_cue(word: &Token, titled: bool) -> bool {
    let folded = word.folded.as_str();
    if folded.ends_with('\'') {
        return false;
    }
    if word.has_digit
        || word.tagged
        || is_contraction(folded)
        || CALENDAR_SET.contains(folded)
        || TITLE_SET.contains(folded)
    {
        return false;
    }
    if titled {
        return word.is_capitalised() || is_listed(folded) || !is_common(folded);
    }
    if word.shape == Shape::Upper {
        is_first_name(folded) && !is_common(folded)
    } else if word.is_capitalised() {
        is_listed(folded) || !is_common(folded)
    } else {
        is_first_name(folded) && !is_common(folded)
    }
}

/// `DUPONT, Jean`, `JOHNSON, MARY A.`, `ADEBAYO, FOLAKE`: a surname in capitals, a comma, a
/// first name, as forms and films write them. A listed surname and a listed first name are
/// enough; otherwise neither may be a common word and one must be listed.
fn is_label_form(text: &str, words: &[Token], at: usize) -> bool {
    let (surname, Some(first)) = (&words[at], words.get(at + 1)) else {
        return false;
    };
    let uncommon = |w: &Token| !is_common(&w.folded) && w.folded.chars().count() >= 3;
    let shaped = surname.shape == Shape::Upper
        && !surname.has_digit
        && !first.has_digit
        && first.is_capitalised()
        && text[surname.end..first.start].trim() == ",";
    let listed_pair =
        LISTS.surnames.contains(surname.folded.as_str()) && is_first_name(&first.folded);
    let uncommon_pair = uncommon(surname)
        && uncommon(first)
        && (LISTS.surnames.contains(surname.folded.as_str()) || is_first_name(&first.folded));
    shaped && (listed_pair || uncommon_pair)
}

fn cue_before(words: &[Token], at: usize) -> bool {
    if at == 0 {
        return false;
    }
    if is_titled(words, at) {
        return true;
    }
    // A cue ends at a full stop (`une autre patiente. Vérifiez`), and `the patient's SSN` is
    // not `patient Smith`.
    if words[at].sentence_start || words[at - 1].possessive {
        return false;
    }
    // The cue must stand right before the name: `ma mère, Élisabeth`, not across a gap.
    if words[at].start - words[at - 1].end > 3 {
        return false;
    }
    if !CUE_ENDS.contains(words[at - 1].folded.as_str()) {
        return false;
    }
    CUES.iter().any(|cue| {
        at >= cue.len()
            && words[at - cue.len()..at]
                .iter()
                .zip(cue.iter())
                .all(|(w, c)| w.folded == *c)
    })
}

/// Which words are eponyms, drugs, brands or regions here: listed ones, and any word that a
/// disease word introduces (`maladie de X`, `X's disease`), unless a title stands before it.
fn not_name_words(text: &str, words: &[Token]) -> Vec<bool> {
    let mut marks = vec![false; words.len()];
    let mut at = 0;
    while at < words.len() {
        if let Some(end) = phrase(text, words, at, &LISTS.not_names) {
            let titled = at > 0 && TITLE_SET.contains(words[at - 1].folded.as_str());
            if !titled {
                marks[at..=end].iter_mut().for_each(|m| *m = true);
            }
            at = end + 1;
            continue;
        }
        let word = &words[at];
        let parts_listed = word.folded.contains('-')
            && word
                .folded
                .split('-')
                .any(|part| LISTS.not_names.contains(part));
        let after_disease = at >= 2
            && matches!(words[at - 1].folded.as_str(), "de" | "d'" | "du")
            && BEFORE_EPONYM_SET.contains(words[at - 2].folded.as_str());
        let before_disease = words.get(at + 1).is_some_and(|next| {
            AFTER_EPONYM_SET.contains(next.folded.as_str()) && word.is_capitalised()
        });
        if parts_listed || after_disease || before_disease {
            marks[at] = true;
        }
        at += 1;
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        find(text, &tokenize(text), is_caps_mode(text), &mut spans);
        let spans = super::super::merge(text, spans);
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn cued_and_listed_names() {
        assert_eq!(
            names("merci au Dr Lefèvre et à dr martin"),
            ["Lefèvre", "martin"]
        );
        assert_eq!(
            names("Mon fils Lucas et Jean-Marc DUPONT"),
            ["Lucas", "Jean-Marc DUPONT"]
        );
        assert_eq!(names("je m'appelle sophie"), ["sophie"]);
        assert_eq!(names("Mme B., 54 ans, et J. Dupont"), ["B.", "J. Dupont"]);
        assert_eq!(
            names("Jean de La Fontaine et O'Connor"),
            ["Jean de La Fontaine", "O'Connor"]
        );
        assert_eq!(names("JOHNSON, MARY A. seen today"), ["JOHNSON, MARY A."]);
    }

    #[test]
    fn eponyms_and_common_words_are_not_names() {
        assert!(
            names("maladie de Parkinson, Crohn's disease, syndrome de Down, signe de Lasègue")
                .is_empty()
        );
        assert!(names("Grâce à vous. Will it heal? Une rose pour l'équipe").is_empty());
        assert!(names("IRM en mars, MRI in March, Keytruda, Doliprane").is_empty());
        assert_eq!(names("Mme Alzheimer est venue"), ["Alzheimer"]);
    }
}
