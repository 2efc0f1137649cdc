//! Damaged photos through the library: cut short anywhere or with bytes changed, a file either
//! fails with a reason or comes out clean. Never a panic, never an output that verification
//! would reject.

use std::path::{Path, PathBuf};

use caviar::{Plan, analyze, apply, load_bytes, verify};
use rayon::prelude::*;

fn fixture_photos() -> Vec<(PathBuf, Vec<u8>)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/photos");
    let mut photos: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&folder)
        .expect("fixtures/photos is committed")
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    photos.sort();
    photos
}

/// Run the pipeline on bytes; an error is a fine answer, an unclean output is not.
fn check(path: &Path, bytes: Vec<u8>, what: &str) {
    let Ok(document) = load_bytes(path, bytes) else {
        return;
    };
    let Ok(findings) = analyze(&document) else {
        return;
    };
    let Ok(output) = apply(&document, &Plan::default_for(&findings)) else {
        return;
    };
    let remaining = verify(&output).unwrap_or_else(|error| {
        panic!(
            "{} {what}: scrubbed output does not parse: {error}",
            path.display()
        )
    });
    assert!(
        remaining.is_clean(),
        "{} {what}: left {:?}",
        path.display(),
        remaining.identifying().collect::<Vec<_>>()
    );
}

/// Where to damage a file: densely through its first bytes, where the containers keep their
/// headers and metadata, and at evenly spread points through the image data after them. Every
/// damaged file is decoded and read for text, so every byte of the image data would take hours.
fn positions(len: usize, step: usize) -> Vec<usize> {
    const HEAD: usize = 512;
    const SPREAD: usize = 16;
    let mut at: Vec<usize> = (0..len.min(HEAD)).step_by(step).collect();
    if len > HEAD {
        at.extend((0..SPREAD).map(|i| HEAD + (len - HEAD) * i / SPREAD));
    }
    at
}

#[test]
fn photos_cut_short_anywhere_fail_or_come_out_clean() {
    fixture_photos().par_iter().for_each(|(path, bytes)| {
        for cut in positions(bytes.len(), 8) {
            check(path, bytes[..cut].to_vec(), &format!("cut at {cut}"));
        }
    });
}

#[test]
fn photos_with_changed_bytes_fail_or_come_out_clean() {
    fixture_photos().par_iter().for_each(|(path, bytes)| {
        for at in positions(bytes.len(), 16) {
            for value in [0x00, 0xFF, bytes[at] ^ 0x80] {
                let mut changed = bytes.clone();
                changed[at] = value;
                check(path, changed, &format!("byte {at} = {value:#04x}"));
            }
        }
    });
}
