//! Captions: any text through redact_caption (find, replace, find again). Bytes that are not
//! UTF-8 are read lossily so no input is wasted.
#![no_main]

use caviar::text::{Known, Replacement, redact_caption};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = redact_caption(&text, None, &Known::default(), Replacement::Tag);
});
