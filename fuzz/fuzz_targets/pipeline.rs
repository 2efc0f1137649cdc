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

fuzz_target!(|data: &[u8]| {
    let Some((&pick, edits)) = data.split_first() else {
        return;
    };
    let (name, seed) = SEEDS[usize::from(pick) % SEEDS.len()];
    let mut bytes = seed.to_vec();
    caviar_fuzz::edits::apply(&mut bytes, edits);
    caviar_fuzz::run(name, &bytes);
});
