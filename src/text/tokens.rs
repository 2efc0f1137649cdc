//! Words of a caption with what the name and place rules need to know about each: its shape
//! (capitalised, all caps…), whether it opens a sentence, and its folded form for list lookups.

pub use super::fold::fold;
use super::fold::is_apostrophe;
use super::lists::{LISTS, WordList};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Lower,
    /// First letter upper case, some lower case after it: `Dupont`, `McGregor`.
    Capitalised,
    /// Two letters or more, all upper case: `DUPONT`, `IRM`.
    Upper,
    /// One upper-case letter: `J` in `J. Dupont`.
    Initial,
}

#[derive(Debug, Clone)]
pub struct Token {
    /// Byte offsets in the caption.
    pub start: usize,
    pub end: usize,
    /// Lower case without accents, `’` read as `'`: what the lists are keyed by.
    pub folded: String,
    pub shape: Shape,
    pub has_digit: bool,
    /// First word of the caption or after `.`, `!`, `?`, `:`, a line break or an emoji, where a
    /// capital letter says nothing about names.
    pub sentence_start: bool,
    /// Directly followed by a full stop: `Dr.`, `J.`.
    pub dot_after: bool,
    /// Followed by `'s` or `’s` (not part of the token): `Crohn's`, `Thomas'`.
    pub possessive: bool,
    /// Inside a `#hashtag` or an `@handle`.
    pub tagged: bool,
}

impl Token {
    pub fn is_capitalised(&self) -> bool {
        matches!(
            self.shape,
            Shape::Capitalised | Shape::Upper | Shape::Initial
        )
    }
}

/// Whether `next` continues the phrase `previous` is in: only spaces, a hyphen or an apostrophe
/// between them, or the full stop of an abbreviation or an initial (`St. Thomas`, `J. Dupont`).
pub fn same_phrase(text: &str, previous: &Token, next: &Token) -> bool {
    if next.sentence_start {
        return false;
    }
    let gap = &text[previous.end..next.start];
    let gap = if previous.dot_after { &gap[1..] } else { gap };
    let gap = if previous.possessive {
        gap.trim_start_matches(['\'', '’'])
            .trim_start_matches(['s', 'S'])
    } else {
        gap
    };
    gap.len() <= 3
        && gap
            .chars()
            .all(|c| matches!(c, ' ' | '\u{a0}' | '-' | '\'' | '’'))
}

/// The letters and digits of a number, upper case, separators dropped: `fr76 3000-4006` →
/// `FR7630004006`, as check digits and known numbers are compared.
pub fn compact(value: &str) -> String {
    value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | 'ʼ')
}

/// A symbol that ends a thought the way punctuation does: emoji, arrows, bullets.
fn is_symbol(c: char) -> bool {
    !c.is_alphanumeric() && (c as u32) >= 0x2010 && !matches!(c, '’' | '‘' | '“' | '”' | '«' | '»')
}

const ELISIONS: [&str; 10] = ["d", "l", "j", "m", "n", "s", "t", "c", "qu", "jusqu"];

/// Titles and initials end with a full stop that does not end the sentence.
const ABBREVIATIONS: [&str; 15] = [
    "dr", "pr", "prof", "m", "mr", "mrs", "ms", "mme", "mlle", "st", "ste", "mt", "me", "ep", "sr",
];

pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if !c.is_alphanumeric() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            if c.is_alphanumeric() {
                j += 1;
            } else if is_joiner(c) && j + 1 < chars.len() && chars[j + 1].1.is_alphanumeric() {
                j += 2;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(text.len(), |&(at, _)| at);
        let before = text[..start].chars().next_back();
        let tagged = matches!(before, Some('#' | '@'));
        push_word(text, start, end, tagged, &mut tokens);
        i = j;
    }
    mark_sentences(text, &mut tokens);
    tokens
}

/// One run of letters and digits, split where French elides (`d'Emma` → `d'` `Emma`), where
/// a possessive ends it (`Crohn's`), and at the humps of a hashtag (`TeamLucas`).
fn push_word(text: &str, start: usize, end: usize, tagged: bool, tokens: &mut Vec<Token>) {
    let word = &text[start..end];
    if let Some((head, rest)) = word.split_once(is_apostrophe) {
        let head_lower = head.chars().all(char::is_lowercase)
            || (head.len() == 1 && head.chars().all(char::is_uppercase) && !is_o_prefix(head));
        if ELISIONS.contains(&fold(head).as_str()) && head_lower && !rest.is_empty() {
            let split =
                start + head.len() + word[head.len()..].chars().next().map_or(0, char::len_utf8);
            tokens.push(make(text, start, split, tagged));
            push_word(text, split, end, tagged, tokens);
            return;
        }
    }
    let mut end = end;
    let mut possessive = false;
    for suffix in ["'s", "’s", "'S"] {
        if word.len() > suffix.len() + 1 && word.ends_with(suffix) {
            end -= suffix.len();
            possessive = true;
            break;
        }
    }
    if tagged {
        let mut piece_start = start;
        let mut previous_lower = false;
        for (at, c) in text[start..end].char_indices() {
            let at = start + at;
            if c.is_uppercase() && previous_lower && at > piece_start {
                tokens.push(make(text, piece_start, at, true));
                piece_start = at;
            }
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
        }
        let mut last = make(text, piece_start, end, true);
        last.possessive = possessive;
        tokens.push(last);
        return;
    }
    let mut token = make(text, start, end, tagged);
    token.possessive =
        possessive || text[end..].starts_with(['\'', '’']) && token.folded.ends_with('s');
    tokens.push(token);
}

fn is_o_prefix(head: &str) -> bool {
    head == "O" || head == "D"
}

fn make(text: &str, start: usize, end: usize, tagged: bool) -> Token {
    let word = &text[start..end];
    let letters = word.chars().filter(|c| c.is_alphabetic());
    let (mut upper, mut lower) = (0, 0);
    for c in letters {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        }
    }
    let first_upper = word.chars().next().is_some_and(char::is_uppercase);
    let shape = match (first_upper, upper, lower) {
        (true, 1, 0) => Shape::Initial,
        (true, _, 0) => Shape::Upper,
        (true, _, _) => Shape::Capitalised,
        _ => Shape::Lower,
    };
    Token {
        start,
        end,
        folded: fold(word),
        shape,
        has_digit: word.chars().any(|c| c.is_ascii_digit()),
        sentence_start: false,
        dot_after: text[end..].starts_with('.'),
        possessive: false,
        tagged,
    }
}

fn mark_sentences(text: &str, tokens: &mut [Token]) {
    let mut previous_end = 0;
    for index in 0..tokens.len() {
        let start = tokens[index].start;
        let gap = &text[previous_end..start];
        // `Dr.` and `J.` do not end a sentence; `m.` (metres) and `MR.` (mitral regurgitation)
        // do, hence the shape.
        let after_abbreviation = index > 0 && {
            let previous = &tokens[index - 1];
            previous.dot_after
                && (previous.shape == Shape::Initial
                    || previous.shape == Shape::Capitalised
                        && ABBREVIATIONS.contains(&previous.folded.as_str())
                    || previous.shape == Shape::Upper
                        && super::lists::SHOUTED_TITLES.contains(&previous.folded.as_str()))
                && gap.trim_start_matches('.').chars().all(char::is_whitespace)
        };
        let breaks = gap.chars().any(|c| {
            matches!(
                c,
                '.' | '!' | '?' | '…' | ':' | ';' | '\n' | '•' | '|' | '"' | '“' | '«'
            ) || is_symbol(c)
        });
        // Words right after a hashtag open a phrase too: `#FOAMrad Cas du jour`.
        let after_hashtag = index > 0 && tokens[index - 1].tagged && !tokens[index].tagged;
        tokens[index].sentence_start = index == 0 || breaks && !after_abbreviation || after_hashtag;
        previous_end = tokens[index].end;
    }
}

/// The longest run of words from `index` that is an entry of `list`.
pub fn phrase(text: &str, words: &[Token], index: usize, list: &WordList) -> Option<usize> {
    if !LISTS.phrase_starts.contains(words[index].folded.as_str()) {
        return list.contains(words[index].folded.as_str()).then_some(index);
    }
    let mut joined = String::new();
    let mut found = None;
    for at in index..words.len().min(index + LISTS.longest_phrase) {
        if at > index {
            if !same_phrase(text, &words[at - 1], &words[at]) {
                break;
            }
            joined.push(' ');
        }
        joined.push_str(&words[at].folded);
        if list.contains(joined.as_str()) {
            found = Some(at);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text)
            .iter()
            .map(|t| &text[t.start..t.end])
            .collect()
    }

    #[test]
    fn elisions_possessives_and_hashtags_split() {
        assert_eq!(words("l'IRM d'Emma"), ["l'", "IRM", "d'", "Emma"]);
        assert_eq!(words("O'Connor's scan"), ["O'Connor", "scan"]);
        assert_eq!(
            words("#TeamLucas Jean-Marc"),
            ["Team", "Lucas", "Jean-Marc"]
        );
        assert!(tokenize("Crohn's disease")[0].possessive);
    }

    #[test]
    fn shapes_and_sentence_starts() {
        let tokens = tokenize("Merci au Dr. Lefèvre. DUPONT J. Martin");
        let shapes: Vec<Shape> = tokens.iter().map(|t| t.shape).collect();
        assert_eq!(
            shapes,
            [
                Shape::Capitalised,
                Shape::Lower,
                Shape::Capitalised,
                Shape::Capitalised,
                Shape::Upper,
                Shape::Initial,
                Shape::Capitalised
            ]
        );
        let starts: Vec<bool> = tokens.iter().map(|t| t.sentence_start).collect();
        assert_eq!(starts, [true, false, false, false, true, false, false]);
        assert_eq!(tokens[3].folded, "lefevre");
    }

    #[test]
    fn folding_removes_accents_and_ligatures() {
        assert_eq!(fold("Élodie Lefèvre-Œuvray"), "elodie lefevre-oeuvray");
        assert_eq!(fold("D’Arc"), "d'arc");
    }
}
