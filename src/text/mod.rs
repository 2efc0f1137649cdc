//! Caption redaction: what in a piece of free text identifies someone — names, dates, ages over
//! 89, phone numbers, e-mails, links, handles, ID numbers with their check digits, addresses,
//! places — and the caption rewritten without it.
//!
//! It works on strings only: it never reads a file and never decides what the user keeps (the
//! caller passes the spans it wants replaced). The same recognizers serve the CLI, `scrub
//! --caption`, the GUI's live highlighting and, later, the words read in pixels.
//!
//! Offsets inside this module are byte offsets into the caption; [`Span::chars`] turns them into
//! the character offsets the command line and the findings report.

mod checks;
mod dates;
mod fold;
mod known;
mod lists;
mod names;
mod patterns;
mod places;
mod readings;
mod tokens;

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;

use crate::document::{
    Action, Category, Document, Done, Error, Finding, Findings, Format, KnownIdentifier, Location,
    Output, Plan,
};

pub use fold::fold;
pub use known::{
    Known, close_to_a_name, date_spellings, in_a_row, name_spellings, plain_words, typed,
};
use lists::{StaticWords, static_words};
pub use readings::{Verdict, judge_reading, reads_as_texture};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(name: &str) -> Result<Lang, String> {
        match name {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            _ => Err(format!("unknown language {name:?}: use fr or en")),
        }
    }
}

/// Whether a folded word is one of the annotations medical images carry (a setting, a probe, a
/// vendor, an anatomy word, a view), from the lists of `assets/text/`.
pub fn is_technical_word(folded: &str) -> bool {
    lists::LISTS.technical_words.contains(folded) || lists::LISTS.technical_dicom.contains(folded)
}

/// What a stretch of caption is. Finer than [`Category`]: the command line labels spans with it
/// and the measurements are made per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Name,
    Date,
    /// An age over 89, which HIPAA's Safe Harbor counts as identifying.
    Age,
    Phone,
    Email,
    Url,
    Handle,
    /// French social security number, key checked.
    Nir,
    /// US social security number.
    Ssn,
    /// UK NHS number, mod 11 checked.
    Nhs,
    Iban,
    /// Payment card number, Luhn checked.
    Card,
    /// Hospital patient, stay or record number, found by its cue word.
    Id,
    Address,
    Place,
}

impl Kind {
    pub const ALL: [Kind; 15] = [
        Kind::Name,
        Kind::Date,
        Kind::Age,
        Kind::Phone,
        Kind::Email,
        Kind::Url,
        Kind::Handle,
        Kind::Nir,
        Kind::Ssn,
        Kind::Nhs,
        Kind::Iban,
        Kind::Card,
        Kind::Id,
        Kind::Address,
        Kind::Place,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Name => "name",
            Kind::Date => "date",
            Kind::Age => "age",
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::Url => "url",
            Kind::Handle => "handle",
            Kind::Nir => "nir",
            Kind::Ssn => "ssn",
            Kind::Nhs => "nhs",
            Kind::Iban => "iban",
            Kind::Card => "card",
            Kind::Id => "id",
            Kind::Address => "address",
            Kind::Place => "place",
        }
    }

    pub fn from_label(label: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.label() == label)
    }

    pub fn category(self) -> Category {
        match self {
            Kind::Name | Kind::Age => Category::Person,
            Kind::Date => Category::Date,
            Kind::Phone | Kind::Email | Kind::Url | Kind::Handle => Category::Contact,
            Kind::Nir | Kind::Ssn | Kind::Nhs | Kind::Iban | Kind::Card | Kind::Id => {
                Category::Identifier
            }
            Kind::Address => Category::Location,
            Kind::Place => Category::Place,
        }
    }

    /// The stand-in written in place of the span, in the caption's language.
    pub fn tag(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Fr, Kind::Name) => "[nom]",
            (Lang::Fr, Kind::Age) => "[âge]",
            (Lang::Fr, Kind::Phone) => "[téléphone]",
            (Lang::Fr, Kind::Email) => "[e-mail]",
            (Lang::Fr, Kind::Url) => "[lien]",
            (Lang::Fr, Kind::Handle) => "[compte]",
            (Lang::Fr, Kind::Nir) => "[n° de sécurité sociale]",
            (Lang::Fr, Kind::Card) => "[carte]",
            (Lang::Fr, Kind::Ssn | Kind::Nhs | Kind::Id) => "[numéro]",
            (Lang::Fr, Kind::Address) => "[adresse]",
            (Lang::Fr, Kind::Place) => "[lieu]",
            (Lang::En, Kind::Name) => "[name]",
            (Lang::En, Kind::Age) => "[age]",
            (Lang::En, Kind::Phone) => "[phone]",
            (Lang::En, Kind::Email) => "[email]",
            (Lang::En, Kind::Url) => "[link]",
            (Lang::En, Kind::Handle) => "[handle]",
            (Lang::En, Kind::Nir) => "[French social security number]",
            (Lang::En, Kind::Card) => "[card]",
            (Lang::En, Kind::Ssn | Kind::Nhs | Kind::Id) => "[number]",
            (Lang::En, Kind::Address) => "[address]",
            (Lang::En, Kind::Place) => "[place]",
            (_, Kind::Date) => "[date]",
            (_, Kind::Iban) => "[IBAN]",
        }
    }

    /// Why it matters, for the findings list.
    pub fn explanation(self) -> &'static str {
        match self {
            Kind::Name => "a person's name",
            Kind::Date => "a date, which can be matched to a visit or a birthday",
            Kind::Age => "an age over 89, rare enough to single someone out",
            Kind::Phone => "a phone number",
            Kind::Email => "an e-mail address",
            Kind::Url => "a link that can lead to a person",
            Kind::Handle => "a social-media account",
            Kind::Nir => "a French social security number (its key checks out)",
            Kind::Ssn => "a US social security number",
            Kind::Nhs => "an NHS number (its check digit checks out)",
            Kind::Iban => "a bank account number (IBAN, its check digits check out)",
            Kind::Card => "a payment card number (its check digit checks out)",
            Kind::Id => "a hospital or record number",
            Kind::Address => "a postal address",
            Kind::Place => "a city or an institution, which narrows down who this is",
        }
    }
}

/// One identifying stretch of a caption.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    /// Byte offsets in the caption.
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    pub confidence: f32,
    /// When spans overlap, the one with the higher rank names the merged span: a checked number
    /// beats a pattern, an institution beats the person it is named after.
    #[serde(skip)]
    rank: u8,
}

impl Span {
    fn new(start: usize, end: usize, kind: Kind, confidence: f32, rank: u8) -> Span {
        Span {
            start,
            end,
            kind,
            confidence,
            rank,
        }
    }

    /// Character (Unicode scalar value) offsets of the span in `text`.
    pub fn chars(&self, text: &str) -> (usize, usize) {
        let start = text[..self.start].chars().count();
        (start, start + text[self.start..self.end].chars().count())
    }
}

/// Ranks: what decides the label when recognizers disagree about the same characters.
mod rank {
    pub const KNOWN: u8 = 100;
    pub const CHECKED: u8 = 90;
    pub const CONTACT: u8 = 80;
    pub const ADDRESS: u8 = 70;
    pub const INSTITUTION: u8 = 60;
    pub const DATE: u8 = 55;
    pub const AGE: u8 = 50;
    pub const CUED_ID: u8 = 45;
    pub const NAME: u8 = 40;
    pub const CITY: u8 = 35;
    pub const LONE_NUMBER: u8 = 30;
}

/// Guesses the caption's language from its small words; French when it cannot tell, since most
/// users write French.
pub fn detect_lang(text: &str) -> Lang {
    lang_of(&tokens::tokenize(text))
}

fn lang_of(words: &[tokens::Token]) -> Lang {
    const FRENCH: &[&str] = &[
        "le", "la", "les", "de", "des", "du", "et", "est", "un", "une", "mon", "ma", "mes", "je",
        "j'", "d'", "l'", "au", "aux", "pour", "avec", "sur", "dans", "merci", "qui", "que", "pas",
        "ce", "cette", "ans", "chez", "mais", "très", "tres", "c'est", "il", "elle", "nous",
        "vous", "ou",
    ];
    const ENGLISH: &[&str] = &[
        "the", "a", "an", "and", "is", "of", "my", "to", "in", "on", "for", "with", "at", "was",
        "this", "that", "i", "me", "it", "are", "be", "from", "by", "thanks", "thank", "you",
        "her", "his", "she", "he", "we", "our", "after", "year", "old", "not", "but", "have",
        "had", "female", "male",
    ];
    static FRENCH_SET: LazyLock<StaticWords> = LazyLock::new(|| static_words(FRENCH));
    static ENGLISH_SET: LazyLock<StaticWords> = LazyLock::new(|| static_words(ENGLISH));
    let (mut french, mut english) = (0, 0);
    for token in words {
        french += usize::from(FRENCH_SET.contains(token.folded.as_str()));
        english += usize::from(ENGLISH_SET.contains(token.folded.as_str()));
    }
    if english > french { Lang::En } else { Lang::Fr }
}

/// Every identifying stretch of `text`, merged where recognizers overlap, in order.
pub fn find(text: &str, known: &Known) -> Vec<Span> {
    find_in(text, &tokens::tokenize(text), known)
}

fn find_in(text: &str, words: &[tokens::Token], known: &Known) -> Vec<Span> {
    let mut spans = known.find(text);
    patterns::find(text, &mut spans);
    dates::find(text, &mut spans);
    let caps = names::is_caps_mode(text);
    places::find(text, words, caps, &mut spans);
    names::find(text, words, caps, &mut spans);
    ages_after_names(text, &mut spans);
    merge(text, spans)
}

/// `Lúcia Monteiro (90)`: a bare number over 89 in brackets right after a name is her age.
fn ages_after_names(text: &str, spans: &mut Vec<Span>) {
    let names: Vec<usize> = spans
        .iter()
        .filter(|s| s.kind == Kind::Name)
        .map(|s| s.end)
        .collect();
    for end in names {
        if let Some(captures) = patterns::AGE_AFTER_NAME.captures(&text[end..]) {
            let age = captures.get(1).expect("the age group");
            spans.push(Span::new(
                end + age.start(),
                end + age.end(),
                Kind::Age,
                0.8,
                rank::AGE,
            ));
        }
    }
}

/// For each word, whether no span covers any of it; one sweep over sorted spans, so a long text
/// with many spans stays linear.
fn uncovered(words: &[tokens::Token], spans: &[Span]) -> Vec<bool> {
    let mut ranges: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
    ranges.sort_unstable();
    let mut free = Vec::with_capacity(words.len());
    let (mut next, mut reach) = (0, 0);
    for word in words {
        while next < ranges.len() && ranges[next].0 < word.end {
            reach = reach.max(ranges[next].1);
            next += 1;
        }
        // The span reaching furthest among those that start before the word ends covers the
        // word exactly when it reaches past the word's start.
        let covered = reach > word.start;
        free.push(!covered);
    }
    free
}

/// Overlapping spans become one, labelled by the strongest; spans of the same kind separated
/// only by spaces or a hyphen join (`Jean` + `DUPONT`), so the caption does not read
/// `[nom] [nom]`.
fn merge(text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        if let Some(last) = merged.last_mut() {
            let gap = text.get(last.end..span.start).unwrap_or("");
            let joins = span.kind == last.kind
                && span.start >= last.end
                && !gap.is_empty()
                && gap.chars().all(|c| c == ' ' || c == '-');
            if span.start < last.end || joins {
                last.end = last.end.max(span.end);
                if span.rank > last.rank {
                    last.kind = span.kind;
                    last.rank = span.rank;
                }
                last.confidence = last.confidence.max(span.confidence);
                continue;
            }
        }
        merged.push(span);
    }
    merged
}

/// How a redacted span is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Replacement {
    /// `[nom]`, `[date]`: says what was there without saying what it was.
    #[default]
    Tag,
    /// `█████`, one block per character.
    Block,
    /// `Personne A`, the same letter each time the same name comes back; other kinds get tags.
    Pseudonym,
}

impl Replacement {
    pub const NAMES: [&'static str; 3] = ["tag", "block", "pseudonym"];
}

impl std::str::FromStr for Replacement {
    type Err = String;

    fn from_str(name: &str) -> Result<Replacement, String> {
        match name {
            "tag" => Ok(Replacement::Tag),
            "block" => Ok(Replacement::Block),
            "pseudonym" => Ok(Replacement::Pseudonym),
            _ => Err(format!("unknown replacement {name:?}")),
        }
    }
}

/// `text` with each of `spans` (sorted, not overlapping, as [`find`] returns them) replaced.
pub fn redact(text: &str, spans: &[Span], lang: Lang, replacement: Replacement) -> String {
    replace(text, spans, lang, replacement).0
}

/// The redacted text and where in it each replacement was written, so that verification does
/// not mistake Caviar's own `[IBAN]` for what it replaced.
fn replace(
    text: &str,
    spans: &[Span],
    lang: Lang,
    replacement: Replacement,
) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut written = Vec::with_capacity(spans.len());
    let mut pseudonyms: HashMap<String, String> = HashMap::new();
    let mut at = 0;
    for span in spans {
        out.push_str(&text[at..span.start]);
        let original = &text[span.start..span.end];
        let start = out.len();
        match replacement {
            Replacement::Block => {
                out.extend(original.chars().map(|c| if c == ' ' { ' ' } else { '█' }))
            }
            Replacement::Pseudonym if span.kind == Kind::Name => {
                let next = pseudonyms.len();
                let pseudonym = pseudonyms.entry(tokens::fold(original)).or_insert_with(|| {
                    let letter = letters(next);
                    match lang {
                        Lang::Fr => format!("Personne {letter}"),
                        Lang::En => format!("Person {letter}"),
                    }
                });
                out.push_str(pseudonym);
            }
            _ => out.push_str(span.kind.tag(lang)),
        }
        written.push((start, out.len()));
        at = span.end;
    }
    out.push_str(&text[at..]);
    (out, written)
}

/// A, B, … Z, AA, AB…
fn letters(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

/// A caption with its identifiers replaced, and the proof: `remaining` is what the recognizers
/// still find in the result, which must be nothing before it is called clean.
#[derive(Debug, Clone)]
pub struct Redacted {
    pub lang: Lang,
    pub spans: Vec<Span>,
    pub text: String,
    /// Where in `text` each replacement was written.
    pub written: Vec<(usize, usize)>,
    pub remaining: Vec<Span>,
}

impl Redacted {
    pub fn is_clean(&self) -> bool {
        self.remaining.is_empty()
    }
}

/// Finds, replaces and checks, in the given language or the one the caption seems written in.
pub fn redact_caption(
    text: &str,
    lang: Option<Lang>,
    known: &Known,
    replacement: Replacement,
) -> Redacted {
    redact_caption_keeping(text, lang, known, replacement, &[])
}

/// As [`redact_caption`], but what the user chose to keep (spans whose text is in `kept`) stays,
/// and is not counted as left over by the check.
pub fn redact_caption_keeping(
    text: &str,
    lang: Option<Lang>,
    known: &Known,
    replacement: Replacement,
    kept: &[String],
) -> Redacted {
    let words = tokens::tokenize(text);
    let lang = lang.unwrap_or_else(|| lang_of(&words));
    let mut spans = find_in(text, &words, known);
    spans.retain(|span| !is_kept(span, text, kept));
    if spans.is_empty() {
        // Nothing replaced: the text is the one just searched, and the search is deterministic.
        return Redacted {
            lang,
            spans,
            text: text.to_string(),
            written: Vec::new(),
            remaining: Vec::new(),
        };
    }
    let (redacted, written) = replace(text, &spans, lang, replacement);
    let remaining = left_in(&redacted, &written, known, kept);
    Redacted {
        lang,
        spans,
        text: redacted,
        written,
        remaining,
    }
}

fn is_kept(span: &Span, within: &str, kept: &[String]) -> bool {
    kept.iter().any(|k| *k == within[span.start..span.end])
}

/// What the recognizers still find in a redacted caption, read with Caviar's own replacements
/// (`written`) blanked out, so that `[IBAN]` or `Personne A` is not taken for what it replaced,
/// nor changes how its neighbours read; what the user kept does not count.
fn left_in(
    redacted: &str,
    written: &[(usize, usize)],
    known: &Known,
    kept: &[String],
) -> Vec<Span> {
    let mut blanked = redacted.to_string();
    for &(start, end) in written.iter().rev() {
        if blanked.is_char_boundary(start) && blanked.is_char_boundary(end) && start <= end {
            blanked.replace_range(start..end, &" ".repeat(end - start));
        }
    }
    let mut remaining = find(&blanked, known);
    remaining.retain(|span| !is_kept(span, &blanked, kept));
    remaining
}

/// A span of `text` as a finding, for reports and the GUI's list; each is to be removed.
fn finding(text: &str, span: &Span) -> Finding {
    let (start, end) = span.chars(text);
    Finding {
        category: span.kind.category(),
        location: Location::Caption { start, end },
        value: text[span.start..span.end].to_string(),
        explanation: span.kind.explanation().to_string(),
        confidence: span.confidence,
        action: Action::Remove,
    }
}

fn caption_text(bytes: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(bytes).map_err(|_| {
        Error::malformed(
            Format::Caption,
            "not UTF-8 text; save it as UTF-8 and try again",
        )
    })
}

/// The caption as a medium of the pipeline: what in it identifies someone, searched with what
/// the files beside it revealed.
pub fn analyze(document: &Document) -> Result<Findings, Error> {
    let text = caption_text(&document.bytes)?;
    let known = known_from(&document.known);
    Ok(Findings::new(
        find(text, &known)
            .iter()
            .map(|span| finding(text, span))
            .collect(),
    ))
}

/// The caption with every identifier replaced by a tag in its language (`[nom]`, `[date]`),
/// except what the plan keeps. What the plan does not list is replaced all the same: a plan
/// can only keep what was shown to the user.
pub fn apply(document: &Document, plan: &Plan) -> Result<Output, Error> {
    let text = caption_text(&document.bytes)?;
    let kept: Vec<String> = (plan.findings.items.iter())
        .filter(|f| f.action == Action::Keep && matches!(f.location, Location::Caption { .. }))
        .map(|f| f.value.clone())
        .collect();
    let known = known_from(&document.known);
    let redacted = redact_caption_keeping(text, None, &known, Replacement::Tag, &kept);
    let done = (redacted.spans.iter())
        .map(|span| {
            Done::removed(format!(
                "{} replaced by {}",
                span.kind.explanation(),
                span.kind.tag(redacted.lang)
            ))
        })
        .collect();
    Ok(Output {
        format: Format::Caption,
        bytes: redacted.text.into_bytes(),
        done,
        must_not_contain: Vec::new(),
        read_in_pixels: Vec::new(),
        before_redaction: None,
        known: document.known.clone(),
        kept,
        written: redacted.written,
        faces_kept: Vec::new(),
    })
}

/// The redacted caption read again by every recognizer, with the same known identifiers.
pub fn verify(output: &Output) -> Result<Findings, Error> {
    let text = caption_text(&output.bytes)?;
    let known = known_from(&output.known);
    let left = left_in(text, &output.written, &known, &output.kept);
    Ok(Findings::new(
        left.iter().map(|span| finding(text, span)).collect(),
    ))
}

/// The identifiers in text read from pixels, as known identifiers for the other media. Only
/// what the recognizers find in it counts: `Patiente : Zoé Bénard` gives the name, not the word
/// `Patiente`, which would then be taken for a name everywhere.
pub fn identifiers_read(findings: &[Finding]) -> Vec<KnownIdentifier> {
    findings
        .iter()
        .filter(|f| {
            matches!(f.location, Location::Pixels { .. })
                && f.action == Action::Remove
                && f.category.identifies()
        })
        .flat_map(|f| {
            find(&f.value, &Known::default())
                .into_iter()
                .map(|span| KnownIdentifier {
                    category: span.kind.category(),
                    value: f.value[span.start..span.end].to_string(),
                })
        })
        .collect()
}

/// Known identifiers gathered from files, ready to search captions with.
pub fn known_from(identifiers: &[KnownIdentifier]) -> Known {
    let mut known = Known::default();
    for identifier in identifiers {
        known.add(identifier.category, &identifier.value);
    }
    known
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(text: &str) -> String {
        let lang = detect_lang(text);
        redact(text, &find(text, &Known::default()), lang, Replacement::Tag)
    }

    #[test]
    fn the_issue_examples() {
        assert_eq!(
            redacted("Mon IRM du 12 mars au CHU de Rennes, merci au Dr Lefèvre !"),
            "Mon IRM du [date] au [lieu], merci au Dr [nom] !"
        );
        assert_eq!(
            redacted("MRN 4587123 — 67 y/o female, CT 03/14/2024"),
            "MRN [number] — 67 y/o female, CT [date]"
        );
    }

    #[test]
    fn languages_are_told_apart() {
        assert_eq!(detect_lang("Merci à toute l'équipe pour mon IRM"), Lang::Fr);
        assert_eq!(detect_lang("Thanks to the team for my MRI"), Lang::En);
        assert_eq!(detect_lang("IRM"), Lang::Fr);
    }

    #[test]
    fn overlapping_and_adjacent_spans_merge() {
        let text = "Jean DUPONT et 12 rue Victor Hugo";
        let spans = vec![
            Span::new(0, 4, Kind::Name, 0.9, rank::NAME),
            Span::new(5, 11, Kind::Name, 0.9, rank::NAME),
            Span::new(15, 33, Kind::Address, 0.9, rank::ADDRESS),
            Span::new(22, 33, Kind::Name, 0.9, rank::NAME),
        ];
        let merged = merge(text, spans);
        assert_eq!(merged.len(), 2);
        assert_eq!(
            (merged[0].start, merged[0].end, merged[0].kind),
            (0, 11, Kind::Name)
        );
        assert_eq!(
            (merged[1].start, merged[1].end, merged[1].kind),
            (15, 33, Kind::Address)
        );
    }

    #[test]
    fn findings_locate_caption_spans_in_characters() {
        let caption = "Émilie 🎉 : IRM le 12/03/2024 au CHU de Rennes";
        let findings = analyze(&Document::caption("c".into(), caption.into(), Vec::new())).unwrap();
        let located: Vec<(Category, Location)> = findings
            .items
            .iter()
            .map(|f| (f.category, f.location.clone()))
            .collect();
        assert_eq!(
            located,
            [
                (Category::Person, Location::Caption { start: 0, end: 6 }),
                (Category::Date, Location::Caption { start: 18, end: 28 }),
                (Category::Place, Location::Caption { start: 32, end: 45 }),
            ]
        );
        assert!(findings.items.iter().all(|f| f.action == Action::Remove));
    }

    #[test]
    fn a_caption_goes_through_the_pipeline_keeping_only_what_the_plan_keeps() {
        // `benard` is no name to the rules; the film beside the caption said it was.
        let known = vec![KnownIdentifier {
            category: Category::Person,
            value: "Zoé BÉNARD".into(),
        }];
        let caption = "merci benard, appelez le 06 12 34 56 78 ou écrivez à ma.soeur@example.org";
        let document = Document::caption("caption.txt".into(), caption.into(), known);
        let findings = analyze(&document).unwrap();
        let values: Vec<&str> = findings.items.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(values, ["benard", "06 12 34 56 78", "ma.soeur@example.org"]);
        let mut plan = Plan::default_for(&findings);
        plan.findings.items[1].action = Action::Keep;
        // A finding the plan does not list is replaced all the same.
        plan.findings.items.remove(2);
        let output = apply(&document, &plan).unwrap();
        let text = String::from_utf8(output.bytes.clone()).unwrap();
        assert_eq!(
            text,
            "merci [nom], appelez le 06 12 34 56 78 ou écrivez à [e-mail]"
        );
        assert_eq!(output.done.len(), 2);
        assert!(
            verify(&output).unwrap().is_clean(),
            "the kept number is no leftover"
        );
        // Had the name got through anywhere but in Caviar's own tags, reading again would find it.
        let mut leaked = output.clone();
        leaked.bytes = format!("{text}, signé Bénard").into_bytes();
        let left = verify(&leaked).unwrap();
        assert_eq!(left.items.len(), 1, "{left:?}");
        assert_eq!(left.items[0].value, "Bénard");
    }

    #[test]
    fn a_caption_that_is_not_utf8_is_refused_not_guessed_at() {
        let document = Document {
            bytes: vec![b'L', 0xE9, b'a'],
            ..Document::caption("caption.txt".into(), String::new(), Vec::new())
        };
        assert!(matches!(analyze(&document), Err(Error::Malformed { .. })));
    }

    #[test]
    fn replacements_are_not_found_again() {
        let caption = "our account is IE29 AIBK 9311 5212 3456 78 (AIB), thanks Léa Martin";
        for replacement in [Replacement::Tag, Replacement::Block, Replacement::Pseudonym] {
            let redacted = redact_caption(caption, None, &Known::default(), replacement);
            assert_eq!(redacted.spans.len(), 2, "{replacement:?}");
            assert!(
                redacted.is_clean(),
                "{replacement:?}: {:?}",
                redacted.remaining
            );
        }
    }

    #[test]
    fn replacements() {
        let text = "Léa et Paul, puis Léa";
        let spans = vec![
            Span::new(0, 4, Kind::Name, 1.0, rank::NAME),
            Span::new(8, 12, Kind::Name, 1.0, rank::NAME),
            Span::new(19, 23, Kind::Name, 1.0, rank::NAME),
        ];
        assert_eq!(
            redact(text, &spans, Lang::Fr, Replacement::Pseudonym),
            "Personne A et Personne B, puis Personne A"
        );
        assert_eq!(
            redact(text, &spans, Lang::En, Replacement::Block),
            "███ et ████, puis ███"
        );
        assert_eq!(spans[1].chars(text), (7, 11));
        assert_eq!(letters(27), "AB");
    }
}
