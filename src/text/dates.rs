//! Dates finer than a year, numeric or written out, in French and English. A year alone is kept:
//! it identifies nobody and tells the story. Two-part numbers (`15/09`) are dates only after a
//! word that announces one, since `7/10`, `3/4` and `120/80` are scores and pressures.

use std::sync::LazyLock;

use regex::Regex;

use super::lists::WEEKDAYS;
use super::{Kind, Span, rank};

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid built-in pattern")
}

static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?-u:\b)(\d{1,2})([/.\-])(\d{1,2})([/.\-])(\d{4}|\d{2})(?-u:\b)"));

static ISO: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?-u:\b)((?:19|20)\d{2})([/.\-])(\d{1,2})([/.\-])(\d{1,2})(?-u:\b)"));

static COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?-u:\b)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?-u:\b)")
});

static DAY_MONTH: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?-u:\b)(\d{1,2})[/.](\d{1,2})(?-u:\b)"));

const FRENCH_MONTHS: &str = r"janv(?:ier|\.)?|f[ée]v(?:rier|r?\.)?|mars|avr(?:il|\.)?|mai|juin|juil(?:let|\.)?|ao[uû]t|sept(?:embre|\.)?|oct(?:obre|\.)?|nov(?:embre|\.)?|d[ée]c(?:embre|\.)?";
const FRENCH_DAYS: &str = r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun\.|mar\.|mer\.|jeu\.|ven\.|sam\.|dim\.";
const ENGLISH_MONTHS: &str = r"jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?|sep(?:t(?:ember|\.)?|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?";
const ENGLISH_DAYS: &str = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun";

static FRENCH_WRITTEN: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)(?-u:\b)(?:(?:{FRENCH_DAYS})\s+)?(1er|premier|[12]\d|3[01]|0?[1-9])\s*(?:{FRENCH_MONTHS})(?:\s+(?:(?:19|20)\d{{2}}|\d{{2}})(?-u:\b))?"
    ))
});

static FRENCH_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre|janv\.|f[ée]vr?\.|avr\.|juil\.|sept\.|oct\.|nov\.|d[ée]c\.)\s*(?:19|20)\d{2}(?-u:\b)",
    )
});

static ENGLISH_DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)(?-u:\b)(?:(?:{ENGLISH_DAYS})\.?,?\s+)?(?:the\s+)?([12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{ENGLISH_MONTHS})(?:,?\s+(?:19|20)\d{{2}})?(?-u:\b)"
    ))
});

static ENGLISH_MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)(?-u:\b)(?:(?:{ENGLISH_DAYS})\.?,?\s+)?(?:{ENGLISH_MONTHS})\s+([12]\d|3[01]|0?[1-9])(st|nd|rd|th)?(?-u:\b)(?:,?\s+(?:19|20)\d{{2}}(?-u:\b))?"
    ))
});

static ENGLISH_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?,?\s+(?:19|20)\d{2}(?-u:\b)",
    )
});

/// `07-JUL-1948`, `12 MAR 2023`: how laboratory systems and films print dates.
static ABBREVIATED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?-u:\b)\d{1,2}[\- ](?:jan|feb|fev|fév|mar|apr|avr|may|mai|jun|jui|jul|aug|aou|aoû|sep|oct|nov|dec|déc)[\- ](?:\d{4}|\d{2})(?-u:\b)",
    )
});

/// Words after which `15/09` or `9/15` is a date rather than a score; days of the week too
/// ([`WEEKDAYS`]).
const DATE_CUES: &[&str] = &[
    "le",
    "du",
    "au",
    "depuis",
    "des",
    "avant",
    "apres",
    "jusqu'au",
    "on",
    "done",
    "scheduled",
    "booked",
    "prevu",
    "prevue",
    "fait",
    "faite",
    "opere",
    "operee",
    "born",
    "dob",
    "ddn",
    "ne",
    "nee",
    "since",
    "from",
    "until",
    "till",
    "dated",
    "date",
    "rdv",
    "appointment",
    "appt",
    "ce",
];

pub fn find(text: &str, spans: &mut Vec<Span>) {
    let mut add = |start, end, confidence| {
        spans.push(Span::new(start, end, Kind::Date, confidence, rank::DATE))
    };
    // Every date finer than a year has at least one digit.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    for captures in NUMERIC.captures_iter(text) {
        let whole = captures.get(0).expect("the match");
        let (a, b) = (number(&captures[1]), number(&captures[3]));
        if captures[2] == captures[4]
            && (is_day_month(a, b) || is_day_month(b, a))
            && !continues_number(text, whole.start(), whole.end())
        {
            add(whole.start(), whole.end(), 0.95);
        }
    }
    for captures in ISO.captures_iter(text) {
        let whole = captures.get(0).expect("the match");
        if captures[2] == captures[4]
            && is_day_month(number(&captures[5]), number(&captures[3]))
            && !continues_number(text, whole.start(), whole.end())
        {
            add(whole.start(), whole.end(), 0.95);
        }
    }
    for found in COMPACT.find_iter(text) {
        add(found.start(), found.end(), 0.7);
    }
    for captures in DAY_MONTH.captures_iter(text) {
        let whole = captures.get(0).expect("the match");
        let (a, b) = (number(&captures[1]), number(&captures[2]));
        if (is_day_month(a, b) || is_day_month(b, a))
            && !continues_number(text, whole.start(), whole.end())
            && announced(text, whole.start())
        {
            add(whole.start(), whole.end(), 0.8);
        }
    }
    for pattern in [&*FRENCH_WRITTEN, &*ENGLISH_DAY_MONTH] {
        for captures in pattern.captures_iter(text) {
            let whole = captures.get(0).expect("the match");
            if !continues_number(text, whole.start(), whole.end()) {
                add(
                    whole.start(),
                    trim_dot(text, whole.start(), whole.end()),
                    0.9,
                );
            }
        }
    }
    for captures in ENGLISH_MONTH_DAY.captures_iter(text) {
        let whole = captures.get(0).expect("the match");
        let month_start = whole
            .as_str()
            .find(|c: char| c.is_alphabetic())
            .map_or(0, |at| at);
        let capitalised = whole.as_str()[month_start..].starts_with(char::is_uppercase);
        let ordinal = captures.get(2).is_some();
        if (capitalised || ordinal) && !continues_number(text, whole.start(), whole.end()) {
            add(whole.start(), whole.end(), 0.85);
        }
    }
    for pattern in [&*FRENCH_MONTH_YEAR, &*ENGLISH_MONTH_YEAR, &*ABBREVIATED] {
        for found in pattern.find_iter(text) {
            add(found.start(), found.end(), 0.85);
        }
    }
}

fn number(digits: &str) -> u32 {
    digits.parse().unwrap_or(0)
}

fn is_day_month(day: u32, month: u32) -> bool {
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Part of a longer run of numbers (`1/2/3/4`, `12.5.3.1`), not a date.
fn continues_number(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    matches!(before, Some('/' | '.' | '-' | ',' | '+'))
        && text[..start]
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| c.is_ascii_digit())
        || matches!(after, Some('/' | '-' | '+' | '%' | ':'))
            && text[end..]
                .chars()
                .nth(1)
                .is_some_and(|c| c.is_ascii_digit())
        || before.is_some_and(|c| c.is_ascii_digit())
        || after.is_some_and(|c| c.is_ascii_digit())
}

/// Whether the word before `start` announces a date.
fn announced(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end();
    let word_start = before
        .rfind(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map_or(0, |at| {
            at + before[at..].chars().next().map_or(1, char::len_utf8)
        });
    let word = super::tokens::fold(&before[word_start..]);
    DATE_CUES.contains(&word.as_str()) || WEEKDAYS.contains(&word.as_str())
}

/// `janv.` keeps its dot; a sentence's full stop after a year does not belong to the date.
fn trim_dot(text: &str, start: usize, end: usize) -> usize {
    if text[start..end].ends_with('.')
        && text[start..end - 1].ends_with(|c: char| c.is_ascii_digit())
    {
        end - 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        find(text, &mut spans);
        let spans = super::super::merge(text, spans);
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(dates("IRM du 12/03/1985."), ["12/03/1985"]);
        assert_eq!(
            dates("CT 03/14/2024 and 2023-11-02"),
            ["03/14/2024", "2023-11-02"]
        );
        assert_eq!(dates("né le 12.03.85"), ["12.03.85"]);
        assert_eq!(dates("RDV le 15/09 à 14h"), ["15/09"]);
        // Every day of the week announces one, Saturday and Sunday included.
        assert_eq!(dates("scan Saturday 9/14"), ["9/14"]);
        assert_eq!(dates("contrôle samedi 14/09"), ["14/09"]);
        assert!(dates("EVA 7/10, TA 12/8, 120/80, L4/L5, 3/4 des cas").is_empty());
        assert!(dates("en 2019, depuis 2015").is_empty());
    }

    #[test]
    fn written_dates() {
        assert_eq!(dates("le 1er janvier"), ["1er janvier"]);
        assert_eq!(dates("lundi 3 juin 2024 !"), ["lundi 3 juin 2024"]);
        assert_eq!(dates("depuis mars 2023"), ["mars 2023"]);
        assert_eq!(
            dates("On March 3rd, 2023 and the 12th of May"),
            ["March 3rd, 2023", "the 12th of May"]
        );
        assert_eq!(dates("DOB 07-JUL-1948"), ["07-JUL-1948"]);
        assert!(dates("en mars, on verra").is_empty());
        assert!(dates("in March we may see").is_empty());
    }
}
