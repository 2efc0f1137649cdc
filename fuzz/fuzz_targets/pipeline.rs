//! Real photos, changed in place: the first byte picks one of the committed fixtures, the rest is
//! a list of edits (4 bytes each: operation, position high and low byte, value) applied to it, so
//! every input is a nearly valid file and the fuzzer reaches deep into each format's parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SEEDS: &[(&str, &[u8])] = &[
    (
        "clean.jpg",
        include_bytes!("../../fixtures/photos/clean.jpg"),
    ),
    (
        "clean.png",
        include_bytes!("../../fixtures/photos/clean.png"),
    ),
    (
        "gif_comment_xmp.gif",
        include_bytes!("../../fixtures/photos/gif_comment_xmp.gif"),
    ),
    (
        "orientation1_only_exif.jpg",
        include_bytes!("../../fixtures/photos/orientation1_only_exif.jpg"),
    ),
    (
        "phone_everything.jpg",
        include_bytes!("../../fixtures/photos/phone_everything.jpg"),
    ),
    (
        "png_all_chunks.png",
        include_bytes!("../../fixtures/photos/png_all_chunks.png"),
    ),
    (
        "scanner_tags.tif",
        include_bytes!("../../fixtures/photos/scanner_tags.tif"),
    ),
    (
        "stereo_two_exif.mpo",
        include_bytes!("../../fixtures/photos/stereo_two_exif.mpo"),
    ),
    (
        "webp_exif_xmp_icc.webp",
        include_bytes!("../../fixtures/photos/webp_exif_xmp_icc.webp"),
    ),
];

/// At most this many edits, so an input stays a small change to a real file.
const MAX_EDITS: usize = 64;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, edits)) = data.split_first() else {
        return;
    };
    let (name, seed) = SEEDS[usize::from(pick) % SEEDS.len()];
    let mut bytes = seed.to_vec();
    for edit in edits.chunks_exact(4).take(MAX_EDITS) {
        if bytes.is_empty() {
            break;
        }
        let [op, high, low, value] = [edit[0], edit[1], edit[2], edit[3]];
        // The position is spread over the whole file whatever its size.
        let at = usize::from(u16::from_be_bytes([high, low])) * bytes.len() / 0x1_0000;
        match op % 8 {
            0..=2 => bytes[at] = value,
            3 => bytes[at] ^= value,
            4 => bytes.insert(at, value),
            5 => {
                let end = (at + usize::from(value) + 1).min(bytes.len());
                bytes.drain(at..end);
            }
            6 => bytes.truncate(at),
            _ => {
                // A run of the same byte: lengths and counts set to 0x00 or 0xFF.
                let end = (at + usize::from(value % 16) + 1).min(bytes.len());
                let fill = if value & 0x80 == 0 { 0x00 } else { 0xFF };
                bytes[at..end].fill(fill);
            }
        }
    }
    caviar_fuzz::run(name, &bytes);
});
