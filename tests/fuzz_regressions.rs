//! Inputs that once crashed, hung or exhausted memory, kept so they never do again. Each runs the
//! path of the fuzz target that found it (fuzz/fuzz_targets/); the files are in tests/fuzz_inputs/,
//! named `<target>-<what they hold>.bin`.
//!
//! Every input goes through the pipeline on a thread with a 2 MiB stack, the size of the worker
//! threads a batch runs on, so a recursion that only a small stack cannot take fails here too; and
//! under an allocator that records the largest block asked for, so a reader that trusts a
//! declared length fails here even where it would give up after reserving it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};

use caviar::{DicomOptions, Error, Format, Key, Plan, Profile};

#[path = "../fuzz/src/edits.rs"]
mod edits;

/// The largest block a test input may make the pipeline ask for. The inputs are a few KiB; what the
/// crashes asked for was gigabytes.
const LARGEST_ALLOWED: usize = 64 << 20;

/// Blocks above this are refused (the allocation fails) so that a regression shows as a failed
/// test rather than gigabytes taken from the machine.
const REFUSED_ABOVE: usize = 1 << 30;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

struct Recording;

fn note(size: usize) {
    let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(size)));
}

// SAFETY: every call is passed on to the system allocator unchanged, or refused with null, which
// the `GlobalAlloc` contract allows.
unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        if layout.size() > REFUSED_ABOVE {
            return std::ptr::null_mut();
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        if layout.size() > REFUSED_ABOVE {
            return std::ptr::null_mut();
        }
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        if new_size > REFUSED_ABOVE {
            return std::ptr::null_mut();
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Recording = Recording;

fn inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_inputs")
}

fn input(name: &str) -> Vec<u8> {
    std::fs::read(inputs().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// How far the pipeline went; what the fuzz targets do, with the error kept.
#[derive(Debug)]
enum Outcome {
    Refused(&'static str, Error),
    /// apply succeeded; whether verify called the output clean, or why it could not read it.
    Applied(Result<bool, Error>),
}

/// The path of the `dicom` and `photo` fuzz targets: load → analyze → plan → apply → verify, with
/// the fixed key the targets use.
fn pipeline(name: &str, bytes: Vec<u8>) -> Outcome {
    let document = match caviar::load_bytes(Path::new(name), bytes) {
        Ok(document) => document,
        Err(error) => return Outcome::Refused("load", error),
    };
    let findings = match caviar::analyze(&document) {
        Ok(findings) => findings,
        Err(error) => return Outcome::Refused("analyze", error),
    };
    let output = match caviar::apply(&document, &plan(document.format, &findings)) {
        Ok(output) => output,
        Err(error) => return Outcome::Refused("apply", error),
    };
    Outcome::Applied(caviar::verify(&output).map(|remaining| remaining.is_clean()))
}

fn plan(format: Format, findings: &caviar::Findings) -> Plan {
    if format == Format::Dicom {
        let key = Key::from_hex(&"11".repeat(32)).expect("64 hex digits");
        let profile = Profile::Patient;
        Plan::for_dicom(findings, profile, DicomOptions::for_profile(profile), key)
    } else {
        Plan::default_for(findings)
    }
}

/// Runs `work` on a thread with a batch worker's stack; a panic fails the test with its message,
/// and a stack overflow aborts the test binary, which fails it too. So does a block larger than
/// [`LARGEST_ALLOWED`] asked for on the way.
fn on_small_stack<T: Send + 'static>(what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (result, largest) = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            LARGEST.with(|largest| largest.set(0));
            let result = work();
            (result, LARGEST.with(Cell::get))
        })
        .expect("a thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    assert!(
        largest <= LARGEST_ALLOWED,
        "{what}: asked for a block of {largest} bytes"
    );
    result
}

/// The `pipeline` target's file: its input's first byte picks a fixture, the rest edits it, four
/// bytes an edit (operation, position high and low byte, value), by the target's own code.
fn pipeline_file(data: &[u8]) -> (&'static str, Vec<u8>) {
    const SEEDS: [&str; 9] = [
        "clean.jpg",
        "clean.png",
        "gif_comment_xmp.gif",
        "orientation1_only_exif.jpg",
        "phone_everything.jpg",
        "png_all_chunks.png",
        "scanner_tags.tif",
        "stereo_two_exif.mpo",
        "webp_exif_xmp_icc.webp",
    ];
    let (&pick, edits) = data
        .split_first()
        .expect("a pipeline input has a first byte");
    let name = SEEDS[usize::from(pick) % SEEDS.len()];
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/photos")
        .join(name);
    let mut bytes = std::fs::read(fixture).expect("fixtures/photos is committed");
    edits::apply(&mut bytes, edits);
    (name, bytes)
}

/// The file name and bytes the fuzz target that found a saved input ran the pipeline on.
fn file_for(file: &str, data: Vec<u8>) -> (&'static str, Vec<u8>) {
    if file.starts_with("pipeline-") {
        pipeline_file(&data)
    } else {
        (name_for(file), data)
    }
}

/// The file name the fuzz target gives its input, from the saved input's prefix.
fn name_for(file: &str) -> &'static str {
    if file.starts_with("dicom-") {
        "fuzz.dcm"
    } else {
        "fuzz.jpg"
    }
}

/// A DICOM input whose declared lengths would make the reader reserve gigabytes: refused before
/// anything is read, with the reason, at analysis and (for a caller that skips it) at apply.
fn refused_for_its_length(file: &'static str) {
    let outcome = on_small_stack(file, move || pipeline(name_for(file), input(file)));
    match &outcome {
        Outcome::Refused("analyze", error) => assert!(
            error.to_string().contains("more than the file holds"),
            "{file}: {error}"
        ),
        other => panic!("{file}: expected a refusal at analysis, got {other:?}"),
    }
    let applied = on_small_stack(file, move || {
        let document = caviar::load_bytes(Path::new(name_for(file)), input(file)).unwrap();
        let findings = caviar::Findings::default();
        caviar::apply(&document, &plan(document.format, &findings)).map(|_| ())
    });
    let error = applied.expect_err(file);
    assert!(
        error.to_string().contains("more than the file holds"),
        "{file}: {error}"
    );
}

#[test]
fn a_bare_implicit_data_set_whose_value_claims_3_gb_is_refused_before_it_is_read() {
    refused_for_its_length("photo-bare-implicit-value-claims-3gb.bin");
}

#[test]
fn a_value_inside_a_sequence_item_claiming_3_gb_is_refused_before_it_is_read() {
    refused_for_its_length("dicom-value-in-sequence-claims-3gb.bin");
}

#[test]
fn a_file_meta_value_of_unknown_vr_claiming_3_gb_is_refused_before_it_is_read() {
    refused_for_its_length("dicom-meta-value-claims-3gb.bin");
}

#[test]
fn a_pixel_data_fragment_claiming_3_gb_is_refused_before_it_is_read() {
    refused_for_its_length("dicom-pixel-fragment-claims-3gb.bin");
}

#[test]
fn sequences_nested_2000_deep_are_refused_without_overflowing_the_stack() {
    let file = "dicom-sequences-nested-2000-deep.bin";
    let outcome = on_small_stack(file, move || pipeline(name_for(file), input(file)));
    match &outcome {
        Outcome::Refused("analyze", error) => {
            assert!(error.to_string().contains("nested"), "{error}")
        }
        other => panic!("expected a refusal at analysis, got {other:?}"),
    }
    // apply looks for the pixel data by stepping over the nested sequences itself first.
    let applied = on_small_stack(file, move || {
        let document = caviar::load_bytes(Path::new(name_for(file)), input(file)).unwrap();
        let findings = caviar::Findings::default();
        caviar::apply(&document, &plan(document.format, &findings)).map(|_| ())
    });
    assert!(applied.is_err());
}

/// Every saved input, whichever target found it: an error at some step, or an output that
/// verification reads. Never a panic, a hang or an overflowed stack.
#[test]
fn every_saved_input_fails_with_a_reason_or_comes_out_readable() {
    let mut files: Vec<String> = std::fs::read_dir(inputs())
        .expect("tests/fuzz_inputs")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".bin"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        if file.starts_with("caption-") {
            continue;
        }
        let (name, bytes) = file_for(&file, input(&file));
        let outcome = on_small_stack(&file, move || pipeline(name, bytes));
        if let Outcome::Applied(Err(error)) = outcome {
            panic!("{file}: an output that apply produced does not verify: {error}");
        }
    }
}

#[test]
fn a_un_sequence_item_whose_value_claims_4_gb_is_removed_without_reading_it() {
    // A private sequence stored as UN is read again as implicit VR items, where a value claimed
    // 4 GB (found by the dicom target in src/dicom/deid.rs, un_sequence_items).
    let file = "dicom-un-sequence-item-claims-4gb.bin";
    let outcome = on_small_stack(file, move || pipeline(name_for(file), input(file)));
    assert!(!matches!(outcome, Outcome::Applied(Err(_))), "{outcome:?}");
}

#[test]
fn a_transfer_syntax_padded_with_a_form_feed_is_checked_as_the_reader_reads_it() {
    // The reader forgives any trailing whitespace in the UID and read the data set as implicit VR,
    // where a value claimed 4 GB; the check trimmed only NUL and space and walked it as explicit.
    let file = "dicom-syntax-padded-with-form-feed.bin";
    let outcome = on_small_stack(file, move || pipeline(name_for(file), input(file)));
    assert!(
        matches!(outcome, Outcome::Refused("analyze", _)),
        "{outcome:?}"
    );
}

/// The `caption` target's path: any text through redact_caption.
fn redact(bytes: &[u8]) -> caviar::text::Redacted {
    let text = String::from_utf8_lossy(bytes);
    caviar::text::redact_caption(
        &text,
        None,
        &caviar::text::Known::default(),
        caviar::text::Replacement::Tag,
    )
}

#[test]
fn a_link_after_a_multi_byte_space_is_redacted_without_panicking() {
    // U+2004 THREE-PER-EM SPACE, then `o.co`: src/text/patterns.rs is_inside_email took the word
    // start as the space's byte index + 1, inside the space's three bytes. Found by the caption
    // target; the fix is in src/text, outside this file's work.
    let file = "caption-three-per-em-space-before-link.bin";
    on_small_stack(file, move || {
        redact(&input(file));
    });
}

#[test]
fn a_jpeg_that_ends_right_after_its_start_is_refused_instead_of_copied_unclean() {
    // phone_everything.jpg with byte 3 set to 0xD9: start-of-image, then end-of-image at once.
    // Analysis reported "no image data"; apply copied it anyway, and verification rejected the
    // copy for the same reason, so the file could never come out clean. Analysis now strips the
    // file to read its picture for text, and refuses it there.
    let file = "pipeline-jpeg-ends-right-after-start.bin";
    let (name, bytes) = file_for(file, input(file));
    assert_eq!(bytes[..4], [0xFF, 0xD8, 0xFF, 0xD9]);
    let outcome = on_small_stack(file, move || pipeline(name, bytes));
    match outcome {
        Outcome::Refused("analyze" | "apply", error) => {
            assert!(error.to_string().contains("no image data"), "{error}")
        }
        other => panic!("expected a refusal at apply, got {other:?}"),
    }
}
