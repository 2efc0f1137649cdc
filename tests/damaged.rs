//! Damaged photos through the library: cut short anywhere or with bytes changed, a file either
//! fails with a reason or comes out clean. Never a panic, never an output that verification
//! would reject.

use std::path::{Path, PathBuf};

use caviar::{Plan, analyze, apply, load_bytes, verify};

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

#[test]
fn photos_cut_short_anywhere_fail_or_come_out_clean() {
    for (path, bytes) in fixture_photos() {
        for cut in (0..bytes.len()).step_by(3) {
            check(&path, bytes[..cut].to_vec(), &format!("cut at {cut}"));
        }
    }
}

#[test]
fn photos_with_changed_bytes_fail_or_come_out_clean() {
    for (path, bytes) in fixture_photos() {
        for at in (0..bytes.len()).step_by(5) {
            for value in [0x00, 0xFF, bytes[at] ^ 0x80] {
                let mut changed = bytes.clone();
                changed[at] = value;
                check(&path, changed, &format!("byte {at} = {value:#04x}"));
            }
        }
    }
}
