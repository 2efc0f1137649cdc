//! Fail closed: what Caviar does not understand is removed or the file is refused — never copied
//! through. Each test plants a block no rule knows, carrying a name, in an otherwise valid file,
//! and checks that the name is not in the output; and a DICOM whose pixels may show burned-in
//! text, which this version cannot clean, is reported not clean and not written.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::element;

const NEEDLE: &[u8] = b"Jeanne Needleman";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/photos")
            .join(name),
    )
    .expect("fixture")
}

/// Scrubs one file; returns the exit code, stderr and the output's bytes if one was written.
fn scrub(name: &str, bytes: &[u8]) -> (Option<i32>, String, Option<Vec<u8>>) {
    let work = tempfile::tempdir().expect("a temporary folder");
    let inputs = work.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join(name), bytes).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_caviar"))
        .arg("scrub")
        .arg(&inputs)
        .arg("--out")
        .arg(work.path().join("out"))
        .arg("--key-file")
        .arg(work.path().join("key"))
        .output()
        .expect("caviar runs");
    let output: PathBuf = work.path().join("out/in").join(name);
    (
        run.status.code(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
        std::fs::read(output).ok(),
    )
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The planted name is in the input, and the output is written clean without it.
fn removed(name: &str, bytes: Vec<u8>) {
    assert!(contains(&bytes, NEEDLE), "the test plants the name");
    let (code, stderr, output) = scrub(name, &bytes);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !contains(&output.expect("an output"), NEEDLE),
        "{name}: the unknown block was copied"
    );
}

#[test]
fn an_unknown_jpeg_segment_is_removed() {
    let mut jpeg = fixture("clean.jpg");
    let mut segment = vec![0xFF, 0xE9];
    segment.extend_from_slice(&((NEEDLE.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(NEEDLE);
    jpeg.splice(2..2, segment);
    removed("unknown-app9.jpg", jpeg);
}

#[test]
fn an_unknown_png_chunk_is_removed() {
    let mut png = fixture("clean.png");
    // After the signature (8) and IHDR (25).
    png.splice(33..33, common::png_chunk(b"zzXt", NEEDLE));
    removed("unknown-chunk.png", png);
}

#[test]
fn an_unknown_webp_chunk_is_removed() {
    let mut webp = fixture("webp_exif_xmp_icc.webp");
    let mut chunk = b"ZZZZ".to_vec();
    chunk.extend_from_slice(&(NEEDLE.len() as u32).to_le_bytes());
    chunk.extend_from_slice(NEEDLE);
    webp.extend_from_slice(&chunk);
    let size = (webp.len() - 8) as u32;
    webp[4..8].copy_from_slice(&size.to_le_bytes());
    removed("unknown-chunk.webp", webp);
}

#[test]
fn an_unknown_gif_extension_is_removed() {
    let mut gif = fixture("gif_comment_xmp.gif");
    // Header (6) and logical screen descriptor (7), then the global colour table if any.
    let packed = gif[10];
    let table = if packed & 0x80 != 0 {
        3 << ((packed & 7) + 1)
    } else {
        0
    };
    let at = 13 + table;
    let mut block = vec![0x21, 0x99, NEEDLE.len() as u8];
    block.extend_from_slice(NEEDLE);
    block.push(0);
    gif.splice(at..at, block);
    removed("unknown-extension.gif", gif);
}

/// A small CT image, explicit VR little endian, with whatever elements the test adds.
fn dicom(sop_class: &[u8], modality: &[u8], extra: &[Vec<u8>]) -> Vec<u8> {
    let mut data = vec![
        element(8, 0x16, b"UI", sop_class),
        element(8, 0x18, b"UI", b"1.2.3.4.5\0"),
        element(8, 0x60, b"CS", modality),
        element(0x10, 0x10, b"PN", b"DOE^JOHN"),
    ];
    data.extend([
        element(0x28, 0x02, b"US", &1u16.to_le_bytes()),
        element(0x28, 0x04, b"CS", b"MONOCHROME2 "),
        element(0x28, 0x10, b"US", &4u16.to_le_bytes()),
        element(0x28, 0x11, b"US", &4u16.to_le_bytes()),
        element(0x28, 0x100, b"US", &8u16.to_le_bytes()),
        element(0x28, 0x101, b"US", &8u16.to_le_bytes()),
        element(0x28, 0x102, b"US", &7u16.to_le_bytes()),
        element(0x28, 0x103, b"US", &0u16.to_le_bytes()),
        element(0x7FE0, 0x10, b"OB", &[0x40; 16]),
    ]);
    data.extend(extra.iter().cloned());
    // An extra element replaces the default with its tag.
    let tag_of = |e: &Vec<u8>| e[..4].to_vec();
    let mut seen = Vec::new();
    data.reverse();
    data.retain(|e| {
        let fresh = !seen.contains(&tag_of(e));
        seen.push(tag_of(e));
        fresh
    });
    data.sort_by_key(|e| {
        (
            u16::from_le_bytes([e[0], e[1]]),
            u16::from_le_bytes([e[2], e[3]]),
        )
    });
    common::dicom_file(b"1.2.840.10008.1.2.1\0", sop_class, &data.concat())
}

const CT: &[u8] = b"1.2.840.10008.5.1.4.1.1.2\0";

#[test]
fn unknown_private_dicom_data_is_removed() {
    let mut needle = NEEDLE.to_vec();
    needle.extend_from_slice(b"  ");
    let file = dicom(
        CT,
        b"CT",
        &[
            element(0x0009, 0x0010, b"LO", b"UNKNOWN VENDOR  "),
            element(0x0009, 0x1010, b"LO", &needle),
            element(0x0011, 0x1001, b"UN", &needle),
        ],
    );
    removed("private.dcm", file);
}

/// An ultrasound often shows the patient's name in its pixels; when they cannot be decoded
/// (here the pixel data is a quarter of what the header says), nobody can tell it does not.
#[test]
fn a_dicom_whose_pixels_may_show_text_and_cannot_be_read_is_not_written() {
    let ultrasound = b"1.2.840.10008.5.1.4.1.1.6.1\0";
    let columns = element(0x28, 0x11, b"US", &8u16.to_le_bytes());
    let (code, stderr, output) = scrub("ultrasound.dcm", &dicom(ultrasound, b"US", &[columns]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(output.is_none(), "an ultrasound was written");
    assert!(stderr.contains("ultrasound.dcm"), "{stderr}");
}

/// A neutral value written in place of a date tells nothing of anyone, even when the input's
/// birth date is that placeholder: the file is written, not refused as still holding it.
#[test]
fn a_placeholder_birth_date_does_not_make_the_neutral_dates_a_leak() {
    let file = dicom(
        CT,
        b"CT",
        &[
            element(0x0008, 0x0020, b"DA", b"20240902"),
            element(0x0008, 0x0023, b"DA", b"20240902"),
            element(0x0010, 0x0030, b"DA", b"19000101"),
        ],
    );
    let (code, stderr, output) = scrub("placeholder.dcm", &file);
    assert_eq!(code, Some(0), "{stderr}");
    let output = output.expect("the file is written");
    assert!(!contains(&output, b"20240902"), "the study date is gone");
}
