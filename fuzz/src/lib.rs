//! What the fuzz targets share: the library's whole pipeline on one input, as `batch.rs` runs it
//! (load → analyze → plan → apply → verify), with a fixed key so DICOM runs are reproducible.
//!
//! An error anywhere is a fine answer for a fuzzed input; a panic, a hang or running out of memory
//! is the bug libFuzzer reports. With `CAVIAR_FUZZ_STRICT=1` in the environment, an output that
//! apply produced but verify rejects (does not parse, or still identifies someone) is reported
//! too, by a panic: the real pipeline refuses to write such an output, so it is not a crash of the
//! tool, but it is a file the user is told cannot be cleaned.

pub mod edits;

use std::path::Path;
use std::sync::OnceLock;

use caviar::{DicomOptions, Format, Key, Plan, Profile};

fn key() -> Key {
    static KEY: OnceLock<Key> = OnceLock::new();
    KEY.get_or_init(|| Key::from_hex(&"11".repeat(32)).expect("64 hex digits"))
        .clone()
}

fn strict() -> bool {
    static STRICT: OnceLock<bool> = OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("CAVIAR_FUZZ_STRICT").is_some_and(|v| v == "1"))
}

/// Runs the pipeline on `bytes` as if read from `name`; returns quietly on any error.
pub fn run(name: &str, bytes: &[u8]) {
    let Ok(document) = caviar::load_bytes(Path::new(name), bytes.to_vec()) else {
        return;
    };
    let Ok(findings) = caviar::analyze(&document) else {
        return;
    };
    let plan = if document.format == Format::Dicom {
        let profile = Profile::Patient;
        Plan::for_dicom(
            &findings,
            profile,
            DicomOptions::for_profile(profile),
            key(),
        )
    } else {
        Plan::default_for(&findings)
    };
    let Ok(output) = caviar::apply(&document, &plan) else {
        return;
    };
    let verified = caviar::verify(&output);
    if strict() {
        match verified {
            Err(error) => panic!("apply succeeded but its output does not verify: {error}"),
            Ok(remaining) => assert!(
                remaining.is_clean(),
                "apply succeeded but its output still identifies: {:?}",
                remaining.identifying().collect::<Vec<_>>()
            ),
        }
    }
}
