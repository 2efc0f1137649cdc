//! Folding, the one comparison of words the lists and the rules share. It is its own file so
//! that `build.rs` folds the shipped word lists with this very code, once, when Caviar is built.

use unicode_normalization::UnicodeNormalization;

/// Lower case, accents removed, typographic apostrophes made plain.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| {
            if is_apostrophe(c) || c == '‘' {
                '\''
            } else {
                c
            }
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .replace('œ', "oe")
        .replace('æ', "ae")
}

pub fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}
