//! The burned-in fixtures agree with `gold.json`: every file is there and has the size and
//! frame count the gold says, its DICOM header holds the identifiers the gold lists, and every
//! gold box lies inside its picture and holds ink that stands out from what surrounds it.
//!
//! The headers are read by hand and the pixels decoded by `dicom-pixeldata` and `image`, not by
//! caviar, so a fixture that only caviar could read would fail here. JPEG-LS is the exception:
//! `dicom-pixeldata` reads it only through a C++ library the build does without, so those
//! frames go through caviar's JPEG-LS reader, which `tests/jpeg_ls.rs` checks sample for sample
//! against the samples it was given.
//!
//! With `CAVIAR_CHECK_FIXTURES=1`, the generator is also run into a temporary folder and its
//! output compared byte for byte with what is committed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use dicom_pixeldata::{PixelDecoder, PixelRepresentation};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/burned-in")
}

fn gold() -> Value {
    let text = std::fs::read_to_string(fixtures().join("gold.json")).expect("read gold.json");
    serde_json::from_str(&text).expect("gold.json is JSON")
}

fn number(value: &Value, key: &str) -> u32 {
    value[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is not a number in {value}")) as u32
}

fn string<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {value}"))
}

/// The header's elements, read by hand up to the pixel data: every fixture writes its data set
/// in explicit VR little endian, whatever encodes its pixels.
struct Header {
    elements: BTreeMap<u32, Vec<u8>>,
    /// Where the pixel data element starts.
    pixel_data: usize,
}

fn read_header(file: &str, bytes: &[u8]) -> Header {
    assert!(
        bytes.len() > 132 && &bytes[128..132] == b"DICM",
        "{file}: no DICM"
    );
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let mut elements = BTreeMap::new();
    let mut at = 132;
    let mut meta_end = None;
    loop {
        let tag = (u16_at(at) as u32) << 16 | u16_at(at + 2) as u32;
        if tag >> 16 != 2 && meta_end.is_some() {
            assert_eq!(
                meta_end.take(),
                Some(at),
                "{file}: the meta group length is wrong"
            );
        }
        if tag == 0x7FE0_0010 {
            return Header {
                elements,
                pixel_data: at,
            };
        }
        let vr = &bytes[at + 4..at + 6];
        let (length, start) = if matches!(vr, b"OB" | b"OW" | b"SQ" | b"UN" | b"UT") {
            (u32_at(at + 8) as usize, at + 12)
        } else {
            (u16_at(at + 6) as usize, at + 8)
        };
        assert!(length.is_multiple_of(2), "{file}: odd length at {tag:08X}");
        let value = bytes[start..start + length].to_vec();
        if tag == 0x0002_0000 {
            meta_end = Some(start + 4 + u32_at(start) as usize);
        }
        elements.insert(tag, value);
        at = start + length;
    }
}

impl Header {
    fn text(&self, tag: u32) -> Option<String> {
        let value = self.elements.get(&tag)?;
        let text = std::str::from_utf8(value).expect("header text is UTF-8");
        Some(text.trim_end_matches(['\0', ' ']).to_string())
    }

    fn us(&self, tag: u32) -> u32 {
        let value = &self.elements[&tag];
        u16::from_le_bytes([value[0], value[1]]) as u32
    }
}

const HEADER_TAGS: &[(&str, u32)] = &[
    ("PatientName", 0x0010_0010),
    ("PatientID", 0x0010_0020),
    ("PatientBirthDate", 0x0010_0030),
    ("PatientSex", 0x0010_0040),
    ("AccessionNumber", 0x0008_0050),
    ("InstitutionName", 0x0008_0080),
    ("StudyDate", 0x0008_0020),
    ("StudyTime", 0x0008_0030),
    ("Modality", 0x0008_0060),
    ("SOPClassUID", 0x0008_0016),
    ("SOPInstanceUID", 0x0008_0018),
    ("StudyInstanceUID", 0x0020_000D),
    ("SeriesInstanceUID", 0x0020_000E),
    ("TransferSyntaxUID", 0x0002_0010),
    ("BurnedInAnnotation", 0x0028_0301),
];

/// Checks the header against the gold and the pixel data's framing, and returns each frame's
/// pixels.
fn dicom_frames(file: &str, bytes: &[u8], entry: &Value) -> Vec<Frame> {
    let header = read_header(file, bytes);
    let gold = entry["header"]
        .as_object()
        .expect("a DICOM entry has a header");
    for (key, tag) in HEADER_TAGS {
        assert_eq!(
            header.text(*tag).as_deref(),
            gold.get(*key).and_then(Value::as_str),
            "{file}: {key}"
        );
    }
    assert_eq!(header.text(0x0002_0002), header.text(0x0008_0016), "{file}");
    assert_eq!(header.text(0x0002_0003), header.text(0x0008_0018), "{file}");
    let (width, height) = (number(entry, "width"), number(entry, "height"));
    let frames = number(entry, "frames");
    assert_eq!(header.us(0x0028_0011), width, "{file}: Columns");
    assert_eq!(header.us(0x0028_0010), height, "{file}: Rows");
    let stated_frames = header
        .text(0x0028_0008)
        .map_or(1, |n| n.parse().expect("NumberOfFrames"));
    assert_eq!(stated_frames, frames, "{file}: NumberOfFrames");

    let at = header.pixel_data;
    let length = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap());
    if header.text(0x0002_0010).as_deref() == Some("1.2.840.10008.1.2.1") {
        let sample_bytes = header.us(0x0028_0100) / 8;
        let expected = width * height * frames * header.us(0x0028_0002) * sample_bytes;
        assert_eq!(length, expected, "{file}: native pixel data length");
        assert_eq!(
            at + 12 + length as usize,
            bytes.len(),
            "{file}: trailing bytes"
        );
    } else {
        assert_eq!(
            length,
            u32::MAX,
            "{file}: encapsulated pixel data is undefined length"
        );
        let mut items = Vec::new();
        let mut item = at + 12;
        loop {
            let tag = &bytes[item..item + 4];
            let len = u32::from_le_bytes(bytes[item + 4..item + 8].try_into().unwrap()) as usize;
            if tag == [0xFE, 0xFF, 0xDD, 0xE0] {
                assert_eq!(len, 0, "{file}: sequence delimiter length");
                assert_eq!(item + 8, bytes.len(), "{file}: trailing bytes");
                break;
            }
            assert_eq!(tag, [0xFE, 0xFF, 0x00, 0xE0], "{file}: item tag");
            assert!(len.is_multiple_of(2), "{file}: odd fragment");
            items.push(len);
            item += 8 + len;
        }
        assert_eq!(items[0], 0, "{file}: the basic offset table is empty");
        assert_eq!(
            items.len() as u32,
            frames + 1,
            "{file}: one fragment per frame"
        );
    }

    let object = dicom_object::from_reader(bytes).expect("dicom-object reads the fixture");
    let samples = header.us(0x0028_0002) as usize;
    let ybr = header
        .text(0x0028_0004)
        .is_some_and(|photometric| photometric.starts_with("YBR"));
    let syntax = header.text(0x0002_0010).unwrap_or_default();
    let values: Vec<Vec<f32>> = if caviar::dicom::jpeg_ls::TRANSFER_SYNTAXES.contains(&&*syntax) {
        let Some(dicom_core::value::Value::PixelSequence(sequence)) = object
            .element(dicom_dictionary_std::tags::PIXEL_DATA)
            .ok()
            .map(|e| e.value())
        else {
            panic!("{file}: JPEG-LS pixel data is encapsulated");
        };
        let signed = header.us(0x0028_0103) == 1;
        sequence
            .fragments()
            .iter()
            .map(|stream| {
                caviar::dicom::jpeg_ls::decode_frame(stream, width, height, samples)
                    .unwrap_or_else(|e| panic!("{file}: {e}"))
                    .samples
                    .into_iter()
                    .map(|v| if signed { v as i16 as f32 } else { v as f32 })
                    .collect()
            })
            .collect()
    } else {
        dicom_pixeldata_frames(file, &object, width, height, frames)
    };
    values
        .into_iter()
        .map(|values| {
            if samples == 1 {
                return Frame::grey(values);
            }
            Frame::rgb(values.chunks_exact(3).map(|p| {
                if ybr {
                    let (y, cb, cr) = (p[0], p[1] - 128.0, p[2] - 128.0);
                    [y + 1.402 * cr, y - 0.344 * cb - 0.714 * cr, y + 1.772 * cb]
                } else {
                    [p[0], p[1], p[2]]
                }
            }))
        })
        .collect()
}

/// Every frame's stored samples, interleaved, as decoded by `dicom-pixeldata`.
fn dicom_pixeldata_frames(
    file: &str,
    object: &dicom_object::DefaultDicomObject,
    width: u32,
    height: u32,
    frames: u32,
) -> Vec<Vec<f32>> {
    let decoded = object
        .decode_pixel_data()
        .expect("dicom-pixeldata decodes the fixture");
    assert_eq!(
        (decoded.columns(), decoded.rows()),
        (width, height),
        "{file}"
    );
    assert_eq!(decoded.number_of_frames(), frames, "{file}");
    let signed = decoded.pixel_representation() == PixelRepresentation::Signed;
    let wide = decoded.bits_allocated() == 16;
    (0..frames)
        .map(|frame| {
            let data = decoded.frame_data(frame).expect("frame data");
            if wide {
                data.chunks_exact(2)
                    .map(|b| match signed {
                        true => i16::from_le_bytes([b[0], b[1]]) as f32,
                        false => u16::from_le_bytes([b[0], b[1]]) as f32,
                    })
                    .collect()
            } else {
                data.iter().map(|&b| b as f32).collect()
            }
        })
        .collect()
}

/// What the ink check looks at: brightness, and for colour pictures how far from grey a pixel
/// is, since yellow or cyan text over bright speckle stands out by its colour alone.
struct Frame {
    luma: Vec<f32>,
    chroma: Option<Vec<f32>>,
}

impl Frame {
    fn grey(luma: Vec<f32>) -> Self {
        Frame { luma, chroma: None }
    }

    fn rgb(pixels: impl Iterator<Item = [f32; 3]>) -> Self {
        let (luma, chroma) = pixels
            .map(|[r, g, b]| {
                let luma = 0.299 * r + 0.587 * g + 0.114 * b;
                (luma, r.max(g).max(b) - r.min(g).min(b))
            })
            .unzip();
        Frame {
            luma,
            chroma: Some(chroma),
        }
    }
}

fn photo_frame(file: &str, bytes: &[u8], entry: &Value) -> Frame {
    let picture = image::load_from_memory(bytes)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .to_rgb8();
    assert_eq!(
        (picture.width(), picture.height()),
        (number(entry, "width"), number(entry, "height")),
        "{file}"
    );
    assert_eq!(number(entry, "frames"), 1, "{file}");
    Frame::rgb(picture.pixels().map(|p| p.0.map(f32::from)))
}

/// Some pixel in the box must lie beyond nearly all of a 4-pixel ring around it (its 5th to
/// 95th percentiles) by 15% of the picture's range, in brightness or, in colour pictures, in
/// colourfulness. Text drawn in a colour its background lacks passes; an empty box fails, and
/// so does a box that only straddles an edge, since the ring then holds both sides of it.
fn assert_ink(file: &str, frame: &Frame, width: u32, height: u32, b: &Value) {
    let (x, y, w, h) = (
        number(b, "x"),
        number(b, "y"),
        number(b, "width"),
        number(b, "height"),
    );
    let text = string(b, "text");
    assert!(w > 0 && h > 0, "{file}: {text:?} has an empty box");
    assert!(
        x + w <= width && y + h <= height,
        "{file}: {text:?} lies outside the picture"
    );
    let inside = |px: u32, py: u32| (x..x + w).contains(&px) && (y..y + h).contains(&py);
    let stands_out = |values: &[f32]| {
        let at = |px: u32, py: u32| values[(py * width + px) as usize];
        let mut ring = Vec::new();
        for py in y.saturating_sub(4)..(y + h + 4).min(height) {
            for px in x.saturating_sub(4)..(x + w + 4).min(width) {
                if !inside(px, py) {
                    ring.push(at(px, py));
                }
            }
        }
        ring.sort_by(f32::total_cmp);
        let (low, high) = (ring[ring.len() / 20], ring[ring.len() * 19 / 20]);
        let (lo, hi) = values
            .iter()
            .fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        let margin = 0.15 * (hi - lo);
        (y..y + h)
            .flat_map(|py| (x..x + w).map(move |px| (px, py)))
            .map(|(px, py)| at(px, py))
            .any(|v| v > high + margin || v < low - margin)
    };
    assert!(
        stands_out(&frame.luma) || frame.chroma.as_deref().is_some_and(stands_out),
        "{file}: {text:?} shows no ink that stands out from around it"
    );
}

#[test]
fn every_fixture_matches_its_gold() {
    let gold = gold();
    let entries = gold["files"].as_array().expect("files");
    let mut listed: Vec<&str> = entries.iter().map(|e| string(e, "file")).collect();
    listed.push("gold.json");
    listed.sort();
    let mut present: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures/burned-in")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    present.sort();
    assert_eq!(
        present, listed,
        "the folder holds exactly what gold.json lists"
    );

    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fonts");
    for entry in entries {
        let file = string(entry, "file");
        let bytes = std::fs::read(fixtures().join(file)).expect("read fixture");
        let frames = match string(entry, "format") {
            "dicom" => dicom_frames(file, &bytes, entry),
            "jpeg" | "png" => vec![photo_frame(file, &bytes, entry)],
            other => panic!("{file}: unknown format {other}"),
        };
        let (width, height) = (number(entry, "width"), number(entry, "height"));
        let boxes = entry["boxes"].as_array().expect("boxes");
        for b in boxes {
            let frame = number(b, "frame") as usize;
            assert!(frame < frames.len(), "{file}: frame {frame} out of range");
            assert!(
                matches!(string(b, "class"), "identifier" | "technical"),
                "{file}: class"
            );
            assert!((8..=40).contains(&number(b, "size_px")), "{file}: size_px");
            let font = fonts.join(format!("{}.ttf", string(b, "font")));
            assert!(font.exists(), "{file}: no font {}", font.display());
            assert_ink(file, &frames[frame], width, height, b);
        }
        // A name on some frames only is the easy case; these fixtures carry it on all.
        for frame in 0..frames.len() {
            let named = boxes
                .iter()
                .any(|b| number(b, "frame") as usize == frame && b["class"] == "identifier");
            let clean = boxes.iter().all(|b| b["class"] != "identifier");
            assert!(named || clean, "{file}: frame {frame} has no identifier");
        }
    }
}

#[test]
fn the_generator_reproduces_the_committed_fixtures() {
    if std::env::var("CAVIAR_CHECK_FIXTURES").as_deref() != Ok("1") {
        eprintln!(
            "skipped: set CAVIAR_CHECK_FIXTURES=1 to rebuild the fixtures with \
             `cargo run --release --example make_burned_in` and compare (a nested release build)"
        );
        return;
    }
    let out = tempfile::tempdir().expect("temporary folder");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(cargo)
        .args([
            "run",
            "--release",
            "--example",
            "make_burned_in",
            "--",
            "--out",
        ])
        .arg(out.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("run cargo");
    assert!(status.success(), "the generator failed");
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures/burned-in")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut made: Vec<String> = std::fs::read_dir(out.path())
        .expect("generated folder")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    made.sort();
    assert_eq!(made, names, "the generator makes the same files");
    for name in names {
        let committed = std::fs::read(fixtures().join(&name)).unwrap();
        let fresh = std::fs::read(out.path().join(&name)).unwrap();
        assert!(
            committed == fresh,
            "{name} differs from what the generator makes now: rerun \
             `cargo run --release --example make_burned_in` and commit"
        );
    }
}
