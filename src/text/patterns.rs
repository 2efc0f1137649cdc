//! Identifiers with a shape: e-mails, links, handles, phone numbers, numbers with check digits,
//! hospital numbers after their cue word, ages over 89. Rust's `regex` has no look-around, so
//! the neighbours of a match and its check digits are checked in code.

use std::sync::LazyLock;

use regex::Regex;

use super::tokens::compact;
use super::{Kind, Span, checks, rank};

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid built-in pattern")
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)[\p{L}\p{N}._%+\-]+ ?@ ?[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.[a-z]{2,}(?-u:\b)")
});

static URL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)(?:https?://|www\.)[^\s<>\x22'()\[\]{}]+|(?-u:\b)(?:[a-z0-9\-]+\.)+(?:com|fr|org|net|io|me|be|ch|ca|uk|us|eu|info|ly|gl|gg|tv|app|co)(?-u:\b)(?:/[^\s<>\x22'()\[\]{}]*)?",
    )
});

static HANDLE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"@[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,38}[A-Za-z0-9_])?"));

static PHONE_FR: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:(?:\+|(?-u:\b)00)33[ .\-]?(?:\(0\)[ .\-]?)?|(?-u:\b)0)[1-9](?:[ .\-]?\d{2}){4}(?-u:\b)",
    )
});

static PHONE_INTERNATIONAL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\+|(?-u:\b)00)[1-9]\d{0,2}[ .\-]?(?:\(0?\d{1,4}\)[ .\-]?)?\d{1,4}(?:[ .\-]?\d{2,4}){1,5}(?-u:\b)",
    )
});

static PHONE_NORTH_AMERICA: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?:(?-u:\b)1[ .\-]?)?(?:\(\d{3}\)\s?|(?-u:\b)\d{3}[ .\-])\d{3}[ .\-]\d{4}(?-u:\b)")
});

/// National numbers elsewhere (UK, Ireland, Australia…): 9 to 11 digits starting with 0,
/// grouped 5-6, 3-4-4, 4-3-3 or 3-3-3.
static PHONE_NATIONAL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?-u:\b)0\d{2,4}[ \-]?\d{3,4}[ \-]?\d{3,4}(?-u:\b)"));

static NIR: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?-u:\b)[1-478][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2[ABab])[ .]?\d{3}[ .]?\d{3}[ .]?\d{2}(?-u:\b)",
    )
});

static SSN: LazyLock<Regex> = LazyLock::new(|| regex(r"(?-u:\b)\d{3}[- .]\d{2}[- .]\d{4}(?-u:\b)"));

static SSN_CUED: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)(?-u:\b)(?:ssn|social security(?: number| no\.?| #)?)\s*[:#]?\s*(\d{9})(?-u:\b)")
});

static NHS: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?-u:\b)\d{3}[ \-]?\d{3}[ \-]?\d{4}(?-u:\b)"));

static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?-u:\b)[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?-u:\b)")
});

static CARD: LazyLock<Regex> = LazyLock::new(|| regex(r"(?-u:\b)(?:\d[ \-]?){12,18}\d(?-u:\b)"));

/// A hospital number after the word that announces it: `IPP : 8001234567`, `MRN 4587123`,
/// `dossier n° 23-456789`, `accession # A12345`.
static CUED_ID: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?ix)
        (?-u:\b)(?:
            ipp | nip | nda | mrn | mr\s?\# | umrn | ehr | emr | nhi | chi
          | med(?:ical)?\s+rec(?:ord)?s?(?:\s+(?:no\.?|number|\#))?
          | (?:hospital|hosp|case|record|chart|patient|unit|exam|examen|study|accession|acc|visit|encounter|admission|dossier|séjour|sejour|réf(?:érence)?|ref(?:erence)?)\.?\s*(?:id|no\.?|number|num|nr|n°|\#)
          | accession | acc\.?\s?\# | patient\s+id | id\s+patient | identifiant(?:\s+patient)?
          | n°\s*(?:de\s+|d')?(?:dossier|patient|examen|séjour|sejour|venue|demande|admission|accession)
          | num[ée]ro\s+(?:de\s+|d')?(?:dossier|patient|examen|séjour|sejour|venue|demande|admission)
          | dossier | séjour | sejour
        )
        \s{0,3}(?:[:=\#.]\s{0,3})?(?:n°\s{0,2}|no\.?\s{0,2}|\#\s{0,2})?(?:(?:c'est|c’est|est|is|was)\s{1,2})?
        ((?:[a-z]{1,4}-?)?\d[a-z0-9]*(?:[\-/.][a-z0-9]+)*(?:\s\d{2,})*)(?-u:\b)",
    )
});

/// A number announced only by `n°` or `#`, which also precede counts and hashtags: five digits
/// at least.
static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)(?:n°|(?-u:\b)no\.|#)\s*([a-z]{0,3}\d{5,}[a-z]?)(?-u:\b)"));

/// Long runs of digits with nothing to say what they are: in a caption, a record number more
/// often than anything else.
static LONE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?-u:\b)[A-Za-z]{0,3}\d{7,}(?-u:\b)"));

static AGE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?ix)
        (?-u:\b)(?:9\d|1[01]\d)\s*(?:ans|an|printemps|years?[\s\-]*old|years?|yrs?|y\.?\s?o\.?|y/o|-year-old|-years-old|yo)(?-u:\b)
      | (?-u:\b)(?:9\d|1[01]\d)(?:M|F|H)(?-u:\b)
      | (?:âgée?|(?-u:\b)(?:agee?|aged?|age))\s+(?:de\s+|of\s+)?(?:9\d|1[01]\d)(?:\s+(?:and|et)\s+(?:9\d|1[01]\d))?(?-u:\b)
      | (?-u:\b)(?:is|he's|she's|he’s|she’s|hes|shes|turned|turns|turning|at|aura|fête\s+ses|fete\s+ses)\s+(?:9\d|1[01]\d)(?:\s*(?:ans|years?(?:[\s\-]*old)?|yo))?(?-u:\b)
      | (?-u:\b)(?:grand-?m[èe]re|grand-?p[èe]re|arri[èe]re-grand-?m[èe]re|arri[èe]re-grand-?p[èe]re|mamie|mamy|mémé|meme|papi|papy|pépé|pepe|m[èe]re|p[èe]re|tante|oncle|voisine?|grandma|grandmother|grandpa|grandfather|granny|gran|nan|nana|mother|father|mom|mum|aunt|uncle|neighbou?r|patiente?|patient)\s*\((?:9\d|1[01]\d)\)
      | (?-u:\b)(?:centenaire|nonagénaire|nonagenaire|centenarian|nonagenarian)(?-u:\b)",
    )
});

/// `Lúcia Monteiro (90)`, `Smith, 94,`: an age in brackets or commas right after a name.
pub static AGE_AFTER_NAME: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^(?:\s*\(|,\s*)(9\d|1[01]\d)(?:\)|,)"));

pub fn find(text: &str, spans: &mut Vec<Span>) {
    let mut add = |start, end, kind, confidence, rank| {
        spans.push(Span::new(start, end, kind, confidence, rank));
    };
    // Most captions hold few digits and no `@`: the patterns that cannot match are not run.
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let (at_sign, dot) = (text.contains('@'), text.contains('.'));
    let emails = if at_sign {
        EMAIL.find_iter(text).collect()
    } else {
        Vec::new()
    };
    for found in emails {
        add(
            found.start(),
            found.end(),
            Kind::Email,
            0.99,
            rank::CONTACT + 5,
        );
    }
    let links = if dot {
        URL.find_iter(text).collect()
    } else {
        Vec::new()
    };
    for found in links {
        let end = found.start() + trim_trailing_punctuation(found.as_str()).len();
        if text[..found.start()].ends_with('@') || is_inside_email(text, found.start()) {
            continue;
        }
        add(found.start(), end, Kind::Url, 0.95, rank::CONTACT + 4);
    }
    let handles = if at_sign {
        HANDLE.find_iter(text).collect()
    } else {
        Vec::new()
    };
    for found in handles {
        let before = text[..found.start()].chars().next_back();
        let has_letter = found.as_str().chars().any(char::is_alphabetic);
        if !has_letter
            || before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '@' || c == '/')
        {
            continue;
        }
        add(
            found.start(),
            found.end(),
            Kind::Handle,
            0.95,
            rank::CONTACT + 3,
        );
    }
    if digits >= 8 {
        find_phones(text, &mut add);
        find_checked_numbers(text, &mut add);
    }
    if digits < 3 {
        find_ages(text, &mut add);
        return;
    }
    for captures in CUED_ID.captures_iter(text) {
        let value = captures.get(1).expect("the value group");
        if value.as_str().bytes().filter(u8::is_ascii_digit).count() >= 3
            && !after_digit(text, value.start())
        {
            add(value.start(), value.end(), Kind::Id, 0.9, rank::CUED_ID);
        }
    }
    for captures in NUMBERED.captures_iter(text) {
        let value = captures.get(1).expect("the value group");
        add(value.start(), value.end(), Kind::Id, 0.8, rank::CUED_ID);
    }
    for found in LONE_NUMBER.find_iter(text) {
        if !after_digit(text, found.start()) && !before_digit(text, found.end()) {
            add(found.start(), found.end(), Kind::Id, 0.6, rank::LONE_NUMBER);
        }
    }
    find_ages(text, &mut add);
}

fn find_ages(text: &str, add: &mut impl FnMut(usize, usize, Kind, f32, u8)) {
    for found in AGE.find_iter(text) {
        // `is 94%` and `was 96 bpm` are measurements, not ages.
        let bare_number = found.as_str().ends_with(|c: char| c.is_ascii_digit());
        let measured = bare_number && is_measurement(&text[found.end()..]);
        // `grand-mère (91)`: the age in brackets goes, the person it is said of stays.
        let start = found.start() + found.as_str().find('(').unwrap_or(0);
        if !measured && !before_digit(text, found.end()) {
            add(start, found.end(), Kind::Age, 0.9, rank::AGE);
        }
    }
}

fn find_phones(text: &str, add: &mut impl FnMut(usize, usize, Kind, f32, u8)) {
    for found in PHONE_FR.find_iter(text) {
        if !after_digit(text, found.start()) {
            add(found.start(), found.end(), Kind::Phone, 0.95, rank::CONTACT);
        }
    }
    for found in PHONE_INTERNATIONAL.find_iter(text) {
        let digits = found.as_str().bytes().filter(u8::is_ascii_digit).count();
        if (8..=15).contains(&digits) {
            add(found.start(), found.end(), Kind::Phone, 0.9, rank::CONTACT);
        }
    }
    for found in PHONE_NORTH_AMERICA.find_iter(text) {
        if !after_digit(text, found.start()) && !before_digit(text, found.end()) {
            add(found.start(), found.end(), Kind::Phone, 0.85, rank::CONTACT);
        }
    }
    for found in PHONE_NATIONAL.find_iter(text) {
        let digits = found.as_str().bytes().filter(u8::is_ascii_digit).count();
        let grouped = found.as_str().contains([' ', '-']);
        if (digits == 11 || grouped && (9..=11).contains(&digits))
            && !after_digit(text, found.start())
        {
            add(found.start(), found.end(), Kind::Phone, 0.85, rank::CONTACT);
        }
    }
}

fn find_checked_numbers(text: &str, add: &mut impl FnMut(usize, usize, Kind, f32, u8)) {
    for found in NIR.find_iter(text) {
        if checks::nir(&compact(found.as_str())) && !after_digit(text, found.start()) {
            add(found.start(), found.end(), Kind::Nir, 1.0, rank::CHECKED);
        }
    }
    for found in SSN.find_iter(text) {
        let separators: Vec<char> = found
            .as_str()
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect();
        if separators[0] == separators[1]
            && checks::ssn(&compact(found.as_str()))
            && !after_digit(text, found.start())
            && !before_digit(text, found.end())
        {
            add(found.start(), found.end(), Kind::Ssn, 0.9, rank::CHECKED);
        }
    }
    for captures in SSN_CUED.captures_iter(text) {
        let value = captures.get(1).expect("the value group");
        if checks::ssn(value.as_str()) {
            add(value.start(), value.end(), Kind::Ssn, 0.95, rank::CHECKED);
        }
    }
    for found in NHS.find_iter(text) {
        let value = found.as_str();
        let mut window = found.start().saturating_sub(30);
        while !text.is_char_boundary(window) {
            window += 1;
        }
        let cued = text[window..found.start()]
            .to_ascii_lowercase()
            .contains("nhs");
        let spaced =
            value.len() == 12 && value.as_bytes()[3] == b' ' && value.as_bytes()[7] == b' ';
        if checks::nhs(&compact(value))
            && (cued || spaced)
            && !after_digit(text, found.start())
            && !before_digit(text, found.end())
        {
            add(found.start(), found.end(), Kind::Nhs, 0.95, rank::CHECKED);
        }
    }
    for found in IBAN.find_iter(text) {
        if let Some(end) = longest_valid_iban(found.as_str()) {
            add(
                found.start(),
                found.start() + end,
                Kind::Iban,
                1.0,
                rank::CHECKED,
            );
        }
    }
    for found in CARD.find_iter(text) {
        let digits = compact(found.as_str());
        let issuer = digits.as_bytes()[0];
        if (13..=19).contains(&digits.len())
            && matches!(issuer, b'2'..=b'6')
            && checks::luhn(&digits)
            && !after_digit(text, found.start())
        {
            add(found.start(), found.end(), Kind::Card, 0.95, rank::CHECKED);
        }
    }
}

/// The IBAN pattern is greedy and can swallow the next word in capitals; the longest prefix,
/// cut at a group boundary, that checks out is the IBAN.
fn longest_valid_iban(found: &str) -> Option<usize> {
    let mut ends: Vec<usize> = found.match_indices(' ').map(|(at, _)| at).collect();
    ends.push(found.len());
    if !found.contains(' ') {
        ends.extend((15..found.len()).rev());
    }
    ends.sort_unstable_by(|a, b| b.cmp(a));
    ends.into_iter()
        .find(|&end| checks::iban(&compact(&found[..end])))
}

/// Whether a number is followed by a unit (`is 94%`, `was 96 bpm`): then it is not an age.
fn is_measurement(rest: &str) -> bool {
    const UNITS: &[&str] = &[
        "mm", "cm", "m", "kg", "g", "mg", "ml", "l", "bpm", "mmhg", "pts", "points", "sec", "s",
        "min", "kv", "mas", "ms", "mn", "h", "hu", "ua", "ui", "iu", "cc", "lbs", "lb", "degrees",
        "deg", "mph", "kmh", "km", "miles", "mi", "kph", "fps", "hz", "khz", "mhz",
    ];
    let rest = rest.trim_start();
    if rest.starts_with(['%', '°', '/']) {
        return true;
    }
    let unit: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    UNITS.contains(&unit.to_lowercase().as_str())
}

fn trim_trailing_punctuation(url: &str) -> &str {
    url.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '»'])
}

fn is_inside_email(text: &str, start: usize) -> bool {
    let word_start = text[..start]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(at, c)| at + c.len_utf8());
    text[word_start..]
        .split_whitespace()
        .next()
        .is_some_and(|word| word.contains('@'))
}

/// Whether a number continues before `start` (`12.4587123`, `3/4587123`): then the match is a
/// piece of something else.
fn after_digit(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    match before.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('.' | ',' | '/') => before.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

fn before_digit(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    match after.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('.' | ',' | '/') => after.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Kind, &str)> {
        let mut spans = Vec::new();
        find(text, &mut spans);
        let mut spans = super::super::merge(text, spans);
        spans.sort_by_key(|s| s.start);
        spans
            .iter()
            .map(|s| (s.kind, &text[s.start..s.end]))
            .collect()
    }

    #[test]
    fn a_link_after_a_wide_space_is_not_cut_inside_it() {
        // U+2004 is three bytes wide; found by fuzzing.
        assert_eq!(found("a\u{2004}tps://x.com/y"), [(Kind::Url, "x.com/y")]);
    }

    #[test]
    fn contacts() {
        assert_eq!(
            found("écrivez à marie.d@gmail.com"),
            [(Kind::Email, "marie.d@gmail.com")]
        );
        assert_eq!(
            found("suivez @marie_dupont_ !"),
            [(Kind::Handle, "@marie_dupont_")]
        );
        assert_eq!(
            found("leetchi.com/c/sauvons-lucas."),
            [(Kind::Url, "leetchi.com/c/sauvons-lucas")]
        );
        assert_eq!(
            found("appelez le 06 12 34 56 78"),
            [(Kind::Phone, "06 12 34 56 78")]
        );
        assert_eq!(
            found("+33 (0)1 42 34 56 78"),
            [(Kind::Phone, "+33 (0)1 42 34 56 78")]
        );
        assert_eq!(
            found("call (555) 201-3344"),
            [(Kind::Phone, "(555) 201-3344")]
        );
        assert_eq!(found("mob 07700 900123"), [(Kind::Phone, "07700 900123")]);
    }

    #[test]
    fn checked_numbers() {
        assert_eq!(
            found("sécu 1 85 03 75 056 123 56"),
            [(Kind::Nir, "1 85 03 75 056 123 56")]
        );
        assert_eq!(found("NHS 943 476 5919"), [(Kind::Nhs, "943 476 5919")]);
        assert_eq!(
            found("IBAN FR14 2004 1010 0505 0001 3M02 606 MERCI"),
            [(Kind::Iban, "FR14 2004 1010 0505 0001 3M02 606")]
        );
        assert_eq!(found("SSN 123-45-6789"), [(Kind::Ssn, "123-45-6789")]);
        assert_eq!(
            found("carte 4111 1111 1111 1111"),
            [(Kind::Card, "4111 1111 1111 1111")]
        );
        assert!(
            found("carte 4111 1111 1111 1112")
                .iter()
                .all(|(kind, _)| *kind != Kind::Card)
        );
    }

    #[test]
    fn hospital_numbers_and_ages() {
        assert_eq!(found("IPP : 8001234567"), [(Kind::Id, "8001234567")]);
        assert_eq!(found("MRN: 4587123, 72M"), [(Kind::Id, "4587123")]);
        assert_eq!(found("dossier n° 23-456789"), [(Kind::Id, "23-456789")]);
        assert_eq!(found("Mamie, 92 ans"), [(Kind::Age, "92 ans")]);
        assert_eq!(found("a 101-year-old man"), [(Kind::Age, "101-year-old")]);
        assert_eq!(found("She had surgery at 94 and"), [(Kind::Age, "at 94")]);
        assert_eq!(
            found("Grandpa turned 96 last week"),
            [(Kind::Age, "turned 96")]
        );
        assert_eq!(found("Ma grand-mère (91) a passé"), [(Kind::Age, "(91)")]);
        assert_eq!(found("my grandmother (93) had"), [(Kind::Age, "(93)")]);
        assert!(found("saturation at 94% and heart rate at 96 bpm, at 90 degrees").is_empty());
        assert!(found("patiente de 67 ans, EVA 7/10, 120 kV, 250 mAs, L4/L5, 500 mg").is_empty());
    }
}
