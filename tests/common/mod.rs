//! Files built byte by byte for the hostile and fail-closed tests: a DICOM element, a DICOM file
//! around a data set, a PNG chunk with its checksum; and inputs laid out for the output guards.

#![allow(dead_code)] // Each test file uses only some of these.

pub mod jpeg_ls_interleaved;
pub mod planted;

use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

/// Two different photos of one name, `ROOT/a/photo.jpg` (full of metadata) and
/// `ROOT/b/photo.jpg` (clean): the inputs whose outputs collide.
pub fn two_photos_of_one_name(root: &Path) -> (PathBuf, PathBuf) {
    let photos = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/photos");
    let (first, second) = (root.join("a/photo.jpg"), root.join("b/photo.jpg"));
    for (path, source) in [(&first, "phone_everything.jpg"), (&second, "clean.jpg")] {
        std::fs::create_dir_all(path.parent().expect("in a folder")).expect("folder made");
        std::fs::copy(photos.join(source), path).expect("photo copied");
    }
    (first, second)
}

/// One explicit VR little endian element.
pub fn element(group: u16, number: u16, vr: &[u8; 2], value: &[u8]) -> Vec<u8> {
    let mut bytes = group.to_le_bytes().to_vec();
    bytes.extend_from_slice(&number.to_le_bytes());
    bytes.extend_from_slice(vr);
    if matches!(vr, b"OB" | b"OW" | b"SQ" | b"UN" | b"UT") {
        bytes.extend_from_slice(&[0, 0]);
        bytes.extend_from_slice(&(value.len() as u32).to_le_bytes());
    } else {
        bytes.extend_from_slice(&(value.len() as u16).to_le_bytes());
    }
    bytes.extend_from_slice(value);
    bytes
}

/// Preamble, `DICM` and a file meta group naming `sop_class` and `transfer_syntax` (both with
/// their trailing NUL), then `data_set` as given.
pub fn dicom_file(transfer_syntax: &[u8], sop_class: &[u8], data_set: &[u8]) -> Vec<u8> {
    let mut meta = element(2, 1, b"OB", &[0, 1]);
    meta.extend(element(2, 2, b"UI", sop_class));
    meta.extend(element(2, 3, b"UI", b"1.2.3.4.5\0"));
    meta.extend(element(2, 0x10, b"UI", transfer_syntax));
    let mut file = vec![0u8; 128];
    file.extend_from_slice(b"DICM");
    file.extend(element(2, 0, b"UL", &(meta.len() as u32).to_le_bytes()));
    file.extend(meta);
    file.extend_from_slice(data_set);
    file
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(&crc.sum().to_be_bytes());
    chunk
}

/// Lower case, no accents, no spaces: how Caviar compares names.
pub fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c) && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// How much of `expected` the best-matching stretch of `read` gets right: 1 − edit distance over
/// length, with the stretch free to start and end anywhere in `read`.
pub fn accuracy(expected: &str, read: &str) -> f32 {
    let (expected, read): (Vec<char>, Vec<char>) = (
        fold(expected).chars().collect(),
        fold(read).chars().collect(),
    );
    let mut row: Vec<usize> = vec![0; read.len() + 1];
    for (i, &e) in expected.iter().enumerate() {
        let mut next = vec![i + 1; read.len() + 1];
        for (j, &r) in read.iter().enumerate() {
            next[j + 1] = (row[j] + usize::from(e != r))
                .min(row[j + 1] + 1)
                .min(next[j] + 1);
        }
        row = next;
    }
    let distance = row.into_iter().min().unwrap_or(expected.len());
    1.0 - distance as f32 / expected.len().max(1) as f32
}

/// Whether every pixel of `region` has one colour: a face filled solid, not blurred.
pub fn one_colour(picture: &image::RgbImage, region: caviar::Region) -> bool {
    let first = picture.get_pixel(region.x, region.y);
    (region.y..region.bottom())
        .all(|y| (region.x..region.right()).all(|x| picture.get_pixel(x, y) == first))
}

/// A picture of the repository's `fixtures/` folder (`path` inside it), in RGB.
pub fn fixture_picture(path: &str) -> image::RgbImage {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    image::open(&file)
        .unwrap_or_else(|error| panic!("{}: {error}", file.display()))
        .to_rgb8()
}
