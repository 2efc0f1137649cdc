//! End-to-end: `caviar scrub` on the DICOM corpus nobody here wrote (every transfer syntax,
//! private and nested private sequences, UN values, SR, overlays, character sets). What a user
//! relies on: no name, ID, institution, private text or original UID survives; pixel data is
//! bit for bit the same; studies and series stay linked, and the same key gives the same UIDs.

mod skip;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use dicom_core::header::Header;
use dicom_core::value::Value;
use dicom_core::{Tag, VR};
use dicom_object::InMemDicomObject;
use serde_json::Value as Json;

fn corpus() -> Option<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/dicom");
    if folder.is_dir() {
        Some(folder)
    } else {
        skip::skipped(&format!("{} is absent", folder.display()));
        None
    }
}

fn scrub(input: &Path, out: &Path, key: &Path, profile: &str) -> Json {
    let report = out.with_extension("json");
    let run = Command::new(env!("CARGO_BIN_EXE_caviar"))
        .arg("scrub")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--report")
        .arg(&report)
        .args(["--profile", profile, "--key-file"])
        .arg(key)
        .output()
        .expect("caviar runs");
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&std::fs::read(report).expect("a report")).expect("JSON")
}

/// Read a file with dicom-object directly; a bare data set (no file meta) is tried in each of
/// the three uncompressed transfer syntaxes.
fn open(bytes: &[u8]) -> Option<InMemDicomObject> {
    use dicom_transfer_syntax_registry::{TransferSyntaxIndex, TransferSyntaxRegistry};
    let options = dicom_object::OpenFileOptions::new();
    let preamble = if bytes.get(128..132) == Some(b"DICM") {
        dicom_object::file::ReadPreamble::Always
    } else {
        dicom_object::file::ReadPreamble::Never
    };
    if let Ok(file) = options
        .read_preamble(preamble)
        .from_reader(std::io::Cursor::new(bytes))
    {
        return Some(file.into_inner());
    }
    [
        "1.2.840.10008.1.2",
        "1.2.840.10008.1.2.1",
        "1.2.840.10008.1.2.2",
    ]
    .iter()
    .filter_map(|uid| TransferSyntaxRegistry.get(uid))
    .find_map(|ts| InMemDicomObject::read_dataset_with_ts(std::io::Cursor::new(bytes), ts).ok())
}

/// Patient ID, accession number, institution name and address, station name, birth date.
const LISTED: [Tag; 6] = [
    Tag(0x0010, 0x0020),
    Tag(0x0008, 0x0050),
    Tag(0x0008, 0x0080),
    Tag(0x0008, 0x0081),
    Tag(0x0008, 0x1010),
    Tag(0x0010, 0x0030),
];

/// Values of the input that must not survive: person names, IDs, institutions, the text of
/// private elements, and every UID that is not one of the standard's own.
fn identifying_values(object: &InMemDicomObject, values: &mut Vec<String>) {
    for element in object.iter() {
        let tag = element.tag();
        if let Some(items) = element.items() {
            for item in items {
                identifying_values(item, values);
            }
            continue;
        }
        let Ok(text) = element.to_str() else { continue };
        let text = text.trim_end_matches(['\0', ' ']).trim().to_string();
        let text_vr = matches!(
            element.vr(),
            VR::PN | VR::LO | VR::SH | VR::ST | VR::LT | VR::UT | VR::UI
        );
        let identifying = match element.vr() {
            VR::PN => true,
            VR::UI => !text.starts_with("1.2.840.10008.") && !names_a_kind(tag),
            _ => tag.group() % 2 == 1 && text_vr || LISTED.contains(&tag),
        };
        if identifying {
            values.extend(
                text.split('\\')
                    .map(|v| v.trim().to_string())
                    .filter(|v| v.chars().filter(|c| c.is_alphanumeric()).count() >= 5),
            );
        }
    }
}

/// UIDs of kinds of things (SOP classes, coding schemes), which vendors define under their own
/// roots: they say nothing about a patient and are kept.
fn names_a_kind(tag: Tag) -> bool {
    use dicom_core::dictionary::{DataDictionary, DataDictionaryEntry};
    dicom_dictionary_std::StandardDataDictionary
        .by_tag(tag)
        .is_some_and(|entry| {
            entry.alias().ends_with("ClassUID") || entry.alias() == "CodingSchemeUID"
        })
}

/// Text values of standard attributes that are neither names, UIDs nor listed identifiers.
fn standard_texts(object: &InMemDicomObject, texts: &mut Vec<String>) {
    for element in object.iter() {
        let tag = element.tag();
        if let Some(items) = element.items() {
            for item in items {
                standard_texts(item, texts);
            }
        } else if tag.group() % 2 == 0
            && !LISTED.contains(&tag)
            && matches!(element.vr(), VR::LO | VR::SH | VR::CS)
            && let Ok(text) = element.to_str()
        {
            texts.push(text.trim_end_matches(['\0', ' ']).trim().to_string());
        }
    }
}

/// What must be gone from every output whatever the input: private data, overlays and curves,
/// and any person name other than a pseudonym.
fn structural_leftovers(object: &InMemDicomObject, problems: &mut Vec<String>) {
    for element in object.iter() {
        let tag = element.tag();
        let group = tag.group();
        if group % 2 == 1
            || (0x5000..=0x501E).contains(&group)
            || (0x6000..=0x601E).contains(&group)
        {
            problems.push(format!("{tag} left"));
        }
        if let Some(items) = element.items() {
            for item in items {
                structural_leftovers(item, problems);
            }
        } else if element.vr() == VR::PN {
            let name = element.to_str().unwrap_or_default();
            let name = name.trim_end_matches(['\0', ' ']);
            if !(name.is_empty() || name.starts_with("ANON^") || name == "ANONYMOUS") {
                problems.push(format!("{tag} name {name:?} left"));
            }
        }
    }
}

/// The pixel data as stored: native bytes, or each encapsulated fragment.
fn pixel_data(object: &InMemDicomObject) -> Option<Vec<Vec<u8>>> {
    let element = object.get(Tag(0x7FE0, 0x0010))?;
    Some(match element.value() {
        Value::Primitive(value) => vec![value.to_bytes().to_vec()],
        Value::PixelSequence(sequence) => sequence.fragments().iter().map(|f| f.to_vec()).collect(),
        Value::Sequence(_) => Vec::new(),
    })
}

/// An element's text (a UID, a code string), also when a converter stored it as UN (raw bytes).
fn value_text(object: &InMemDicomObject, tag: Tag) -> Option<String> {
    let element = object.get(tag)?;
    let text = if element.vr() == VR::UN {
        String::from_utf8_lossy(&element.to_bytes().ok()?).into_owned()
    } else {
        element.to_str().ok()?.into_owned()
    };
    Some(text.trim_end_matches(['\0', ' ']).to_string())
}

fn files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

#[test]
fn the_corpus_leaves_no_identifier_and_keeps_pixels_and_links() {
    let Some(corpus) = corpus() else { return };
    let temp = tempfile::tempdir().unwrap();
    let key = temp.path().join("key");
    for profile in ["patient", "teaching"] {
        let out = temp.path().join(profile);
        let report = scrub(&corpus, &out, &key, profile);
        let reports = report["reports"].as_array().unwrap();
        assert_eq!(reports.len(), files(&corpus).len());
        let mut written = 0;
        let mut studies: HashMap<String, String> = HashMap::new();
        for file in reports {
            let input = PathBuf::from(file["input"].as_str().unwrap());
            if let Some(error) = file["error"].as_str() {
                assert!(!error.is_empty());
                continue;
            }
            let Some(output) = file["output"].as_str() else {
                continue;
            };
            written += 1;
            let bytes = std::fs::read(output).unwrap();
            let after = open(&bytes).unwrap_or_else(|| panic!("{output} does not parse"));
            assert_eq!(
                value_text(&after, Tag(0x0012, 0x0062)).as_deref(),
                Some("YES"),
                "{}",
                input.display()
            );
            assert_eq!(
                bytes.get(128..132),
                Some(b"DICM".as_slice()),
                "{output} is not Part 10"
            );
            let mut problems = Vec::new();
            structural_leftovers(&after, &mut problems);
            assert!(
                problems.is_empty(),
                "{profile}: {}: {problems:?}",
                input.display()
            );
            // Inputs whose file meta dicom-object refuses (caviar steps over it) cannot be read
            // independently here; their outputs got the checks above.
            let Some(before) = open(&std::fs::read(&input).unwrap()) else {
                continue;
            };
            let mut values = Vec::new();
            identifying_values(&before, &mut values);
            // A private element may repeat a standard, harmless value (the scanner model):
            // that value stays, legitimately, in its standard place.
            let mut harmless = Vec::new();
            standard_texts(&before, &mut harmless);
            values.retain(|v| !harmless.iter().any(|h| h.contains(v.as_str())));
            let after_text = String::from_utf8_lossy(&bytes);
            for value in values {
                assert!(
                    !after_text.contains(&value),
                    "{profile}: {} still holds {value:?}",
                    input.display()
                );
            }
            // Pixels change only where text burned into them was redacted, and the report says so.
            let text_redacted = file["done"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["what"].as_str().unwrap_or("").contains("unreadable"));
            if text_redacted {
                // Written uncompressed, but RLE, JPEG baseline, JPEG-LS, JPEG lossless and
                // JPEG 2000 files stay so.
                const KEPT: [&[u8]; 8] = [
                    b"1.2.840.10008.1.2.5\0",
                    b"1.2.840.10008.1.2.4.50",
                    b"1.2.840.10008.1.2.4.80",
                    b"1.2.840.10008.1.2.4.81",
                    b"1.2.840.10008.1.2.4.57",
                    b"1.2.840.10008.1.2.4.70",
                    b"1.2.840.10008.1.2.4.90",
                    b"1.2.840.10008.1.2.4.91",
                ];
                let input_bytes = std::fs::read(&input).unwrap();
                let header = |bytes: &[u8]| bytes[..bytes.len().min(512)].to_vec();
                let kept = KEPT.into_iter().find(|syntax| {
                    header(&input_bytes)
                        .windows(syntax.len())
                        .any(|w| w == *syntax)
                });
                let expected: &[u8] = kept.unwrap_or(b"1.2.840.10008.1.2.1\0");
                assert!(
                    header(&bytes)
                        .windows(expected.len())
                        .any(|w| w == expected),
                    "{profile}: {} redacted pixels are not written in {}",
                    input.display(),
                    String::from_utf8_lossy(expected)
                );
            } else {
                assert!(
                    pixel_data(&before) == pixel_data(&after),
                    "{profile}: {} pixel data changed",
                    input.display()
                );
            }
            if let (Some(original), Some(new)) = (
                value_text(&before, Tag(0x0020, 0x000D)),
                value_text(&after, Tag(0x0020, 0x000D)),
            ) {
                let previous = studies.insert(original.clone(), new.clone());
                assert!(
                    previous.is_none_or(|p| p == new),
                    "{profile}: study {original} split into two"
                );
            }
        }
        assert!(written > 20, "{profile}: only {written} files written");
        let mut new_studies: Vec<&String> = studies.values().collect();
        new_studies.sort();
        new_studies.dedup();
        assert_eq!(
            new_studies.len(),
            studies.len(),
            "two studies merged into one"
        );
    }
}

#[test]
fn the_same_key_gives_the_same_uids_and_another_key_does_not() {
    let Some(corpus) = corpus() else { return };
    let input = corpus.join("pydicom/CT_small.dcm");
    let temp = tempfile::tempdir().unwrap();
    let study = |out: &str, key: &str| {
        scrub(
            &input,
            &temp.path().join(out),
            &temp.path().join(key),
            "teaching",
        );
        let bytes = std::fs::read(temp.path().join(out).join("CT_small.dcm")).unwrap();
        value_text(&open(&bytes).unwrap(), Tag(0x0020, 0x000D)).unwrap()
    };
    let first = study("first", "key");
    assert_eq!(first, study("second", "key"));
    assert_ne!(first, study("third", "other-key"));
    assert!(first.starts_with("2.25."));
}

#[test]
fn empty_truncated_and_foreign_files_get_a_clear_error() {
    let Some(corpus) = corpus() else { return };
    let temp = tempfile::tempdir().unwrap();
    let inputs = temp.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let ct = std::fs::read(corpus.join("pydicom/CT_small.dcm")).unwrap();
    std::fs::write(inputs.join("empty.dcm"), b"").unwrap();
    std::fs::write(inputs.join("truncated.dcm"), &ct[..ct.len() / 3]).unwrap();
    std::fs::write(inputs.join("notes.dcm"), b"Patient DUPONT^JEAN, ID 4587123").unwrap();
    let report = scrub(
        &inputs,
        &temp.path().join("out"),
        &temp.path().join("key"),
        "patient",
    );
    for file in report["reports"].as_array().unwrap() {
        let error = file["error"].as_str().unwrap_or_default();
        assert!(!error.is_empty(), "{file}");
        assert!(file["output"].is_null());
    }
    assert!(files(&temp.path().join("out")).is_empty());
}

#[test]
fn a_dicomdir_is_not_copied_and_says_why() {
    let Some(corpus) = corpus() else { return };
    let temp = tempfile::tempdir().unwrap();
    let dicomdir = corpus.join("pydicom/dicomdirtests/DICOMDIR");
    let out = temp.path().join("out");
    let report = scrub(&dicomdir, &out, &temp.path().join("key"), "patient");
    let file = &report["reports"][0];
    assert_eq!(file["clean"], true);
    assert!(file["output"].is_null());
    assert!(
        file["done"][0]["what"]
            .as_str()
            .unwrap()
            .contains("DICOMDIR")
    );
    assert!(files(&out).is_empty());
}

#[test]
fn a_bare_data_set_without_file_meta_comes_out_as_a_part_10_file() {
    let Some(corpus) = corpus() else { return };
    let temp = tempfile::tempdir().unwrap();
    for name in ["ExplVR_LitEndNoMeta.dcm", "ExplVR_BigEndNoMeta.dcm"] {
        let input = corpus.join("pydicom").join(name);
        let out = temp.path().join(name);
        let report = scrub(&input, &out, &temp.path().join("key"), "teaching");
        assert_eq!(report["reports"][0]["clean"], true, "{name}: {report}");
        let bytes = std::fs::read(out.join(name)).unwrap();
        assert_eq!(&bytes[128..132], b"DICM", "{name}");
        let before = open(&std::fs::read(&input).unwrap()).unwrap();
        let after = open(&bytes).unwrap();
        assert_eq!(pixel_data(&before), pixel_data(&after), "{name}");
    }
}

#[test]
fn dates_keep_their_year_only_when_asked() {
    let Some(corpus) = corpus() else { return };
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_caviar"))
        .arg("scrub")
        .arg(corpus.join("pydicom/CT_small.dcm"))
        .arg("--out")
        .arg(&out)
        .arg("--key-file")
        .arg(temp.path().join("key"))
        .args(["--with", "keep-year-only"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let after = open(&std::fs::read(out.join("CT_small.dcm")).unwrap()).unwrap();
    assert_eq!(
        value_text(&after, Tag(0x0008, 0x0020)).as_deref(),
        Some("20040101")
    );
    assert_eq!(value_text(&after, Tag(0x0008, 0x0030)).as_deref(), Some(""));
}

#[test]
fn a_private_sequence_stored_as_un_of_undefined_length_is_cut_not_refused() {
    let Some(corpus) = corpus() else { return };
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let input = corpus.join("pydicom/UN_sequence.dcm");
    let report = scrub(&input, &out, &temp.path().join("key"), "patient");
    assert_eq!(report["reports"][0]["clean"], true, "{report}");
    let after = open(&std::fs::read(out.join("UN_sequence.dcm")).unwrap()).unwrap();
    let mut problems = Vec::new();
    structural_leftovers(&after, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(after.iter().all(|e| e.tag().group() != 0x4453));
}

#[test]
fn a_palette_colour_picture_is_shown_in_its_colours() {
    // Shown as grey, a palette's indices put the ultrasound's white text a shade from its
    // navy banner, where neither the eye nor the text search sees it well. The colours are
    // pydicom 3.0.2's `apply_color_lut` (the high byte of its 16-bit entries): on OBXXXX1A.dcm,
    // the banner, the image's black, the corner, and the brightest pixel of "Philips".
    let Some(corpus) = corpus() else { return };
    let shown = |name: &str| {
        let document = caviar::load(&corpus.join("pydicom-data").join(name)).expect("loads");
        caviar::view::picture(&document)
            .expect("decodes")
            .render(0, None)
            .into_owned()
    };
    let has_colours = |name: &str, picture: &image::RgbImage, points: &[(u32, u32, [u8; 3])]| {
        for &(x, y, colour) in points {
            assert_eq!(picture.get_pixel(x, y).0, colour, "{name} at ({x}, {y})");
        }
    };
    let little_endian = shown("OBXXXX1A.dcm");
    has_colours(
        "OBXXXX1A.dcm",
        &little_endian,
        &[
            (0, 0, [37, 62, 94]),
            (400, 300, [1, 1, 1]),
            (799, 599, [0, 0, 0]),
            (341, 36, [255, 255, 255]),
        ],
    );
    // The same picture in big endian and in RLE.
    assert!(shown("OBXXXX1A_expb.dcm") == little_endian);
    assert!(shown("OBXXXX1A_rle.dcm") == little_endian);
    // An ALOKA screen's palette comes in segments: its banner, the image's black, the
    // brightest pixel of "*WESTWAY MEDICAL*" and the green of a marker, in either byte order.
    for name in ["gdcm-US-ALOKA-16.dcm", "gdcm-US-ALOKA-16_big.dcm"] {
        has_colours(
            name,
            &shown(name),
            &[
                (0, 0, [40, 45, 65]),
                (320, 240, [1, 1, 1]),
                (91, 1, [190, 190, 190]),
                (70, 30, [0, 250, 0]),
            ],
        );
    }
}

/// Frame `frame` of a corpus file as Caviar shows it, checked at `(x, y)` against pydicom's
/// colours within a level of rounding.
fn shows_pydicom_colours(path: &Path, frame: u32, points: &[(u32, u32, [u8; 3])]) {
    let document = caviar::load(path).expect("loads");
    let picture = caviar::view::picture(&document)
        .expect("decodes")
        .render(frame, None)
        .into_owned();
    for &(x, y, colour) in points {
        let shown = picture.get_pixel(x, y).0;
        assert!(
            shown.iter().zip(colour).all(|(&a, b)| a.abs_diff(b) <= 1),
            "{} frame {frame} at ({x}, {y}): {shown:?}, pydicom {colour:?}",
            path.display()
        );
    }
}

#[test]
fn uncompressed_ybr_422_is_shown_in_its_colours() {
    // Each pair of pixels shares its colour; pydicom 3.0.2's `pixel_array`, which expands it
    // and turns it into RGB, gives these colours: a corner, the middle, the last pixel and a
    // pixel of the green band. Before, the file was refused.
    let Some(corpus) = corpus() else { return };
    shows_pydicom_colours(
        &corpus.join("pydicom/SC_ybr_full_422_uncompressed.dcm"),
        0,
        &[
            (0, 0, [254, 0, 0]),
            (7, 5, [254, 0, 0]),
            (50, 50, [125, 130, 255]),
            (99, 99, [255, 255, 255]),
            (81, 20, [0, 254, 0]),
        ],
    );
}

#[test]
fn rle_with_32_bits_a_sample_is_decoded() {
    // dicom-pixeldata decodes no RLE of 32 bits allocated; these were refused. The colours are
    // pydicom 3.0.2's `pixel_array` scaled to 8 bits: a corner, the middle, the last pixel and
    // a pixel of a band, on one frame and on the second of two.
    let Some(corpus) = corpus() else { return };
    shows_pydicom_colours(
        &corpus.join("pydicom/SC_rgb_rle_32bit.dcm"),
        0,
        &[
            (0, 0, [255, 0, 0]),
            (50, 50, [128, 128, 255]),
            (99, 99, [255, 255, 255]),
            (81, 20, [0, 255, 0]),
        ],
    );
    shows_pydicom_colours(
        &corpus.join("pydicom/SC_rgb_rle_32bit_2frame.dcm"),
        1,
        &[
            (0, 0, [0, 255, 255]),
            (50, 50, [127, 127, 0]),
            (99, 99, [0, 0, 0]),
            (81, 20, [255, 0, 255]),
        ],
    );
}

/// A pydicom-data file scrubbed with the teaching profile into `folder`, which must have
/// redacted text in its pixels: the file's report and the bytes written.
fn redacted_copy(corpus: &Path, name: &str, folder: &Path) -> (Json, Vec<u8>) {
    let input = corpus.join("pydicom-data").join(name);
    let report = scrub(
        &input,
        &folder.join(name.replace('.', "-")),
        &folder.join("key"),
        "teaching",
    );
    let file = report["reports"][0].clone();
    assert!(
        file["done"].to_string().contains("unreadable"),
        "{name}: no text redacted: {file}"
    );
    let output = std::fs::read(file["output"].as_str().expect("written")).unwrap();
    (file, output)
}

/// The transfer syntax a Part 10 file says its data set is in.
fn syntax_of(bytes: &[u8]) -> String {
    dicom_object::from_reader(std::io::Cursor::new(&bytes[128..]))
        .expect("a Part 10 file")
        .meta()
        .transfer_syntax()
        .trim_end_matches('\0')
        .to_string()
}

/// The first frame as Caviar shows it.
fn shown(bytes: &[u8], folder: &Path) -> image::RgbImage {
    let path = folder.join("shown.dcm");
    std::fs::write(&path, bytes).unwrap();
    let document = caviar::load(&path).expect("loads");
    caviar::view::picture(&document)
        .expect("decodes")
        .render(0, None)
        .into_owned()
}

#[test]
fn a_redacted_rle_file_stays_rle_and_small() {
    // The Philips screens of pydicom-data carry a date and a time in their banner, so their
    // pixels change. Written uncompressed, the RLE one grew from 48 kB to 484 kB; it is now RLE
    // again, and shows the very pixels of the same screen stored uncompressed and redacted.
    let Some(corpus) = corpus() else { return };
    let temp = tempfile::tempdir().unwrap();
    let (_, rle) = redacted_copy(&corpus, "OBXXXX1A_rle.dcm", temp.path());
    assert_eq!(syntax_of(&rle), "1.2.840.10008.1.2.5");
    let before = std::fs::metadata(corpus.join("pydicom-data/OBXXXX1A_rle.dcm"))
        .unwrap()
        .len() as f64;
    assert!(
        rle.len() as f64 <= before * 1.1,
        "{} bytes from {before}",
        rle.len()
    );
    let object = open(&rle).expect("parses");
    assert!(pixel_data(&object).is_some_and(|fragments| !fragments.is_empty()));
    let (_, native) = redacted_copy(&corpus, "OBXXXX1A.dcm", temp.path());
    assert!(
        shown(&rle, temp.path()) == shown(&native, temp.path()),
        "other pixels than the same screen redacted"
    );
}

#[test]
fn a_redacted_jpeg_2000_stays_jpeg_2000_its_size_and_shows_what_the_uncompressed_one_shows() {
    // An ultrasound in colour through the reversible colour transform, and a signed 16-bit CT,
    // each also stored uncompressed in pydicom-data. Written uncompressed, the ultrasound grew
    // from 154 kB to 901 kB; its text frame is now coded again losslessly as JPEG 2000.
    let Some(corpus) = corpus() else { return };
    let temp = tempfile::tempdir().unwrap();
    for (compressed, uncompressed, photometric) in [
        ("US1_J2KR.dcm", "US1_UNCR.dcm", "YBR_RCT"),
        ("693_J2KR.dcm", "693_UNCR.dcm", "MONOCHROME2"),
    ] {
        let (_, bytes) = redacted_copy(&corpus, compressed, temp.path());
        assert_eq!(syntax_of(&bytes), "1.2.840.10008.1.2.4.90", "{compressed}");
        let before = std::fs::metadata(corpus.join("pydicom-data").join(compressed))
            .unwrap()
            .len() as f64;
        let grown = bytes.len() as f64 / before;
        assert!(grown <= 1.1, "{compressed} grew {grown:.2} times");
        let object = open(&bytes).expect("parses");
        assert_eq!(
            value_text(&object, Tag(0x0028, 0x0004)).as_deref(),
            Some(photometric),
            "{compressed}"
        );
        let (_, native) = redacted_copy(&corpus, uncompressed, temp.path());
        assert!(
            shown(&bytes, temp.path()) == shown(&native, temp.path()),
            "{compressed} shows other pixels than {uncompressed} redacted"
        );
    }
    // A lossy frame is coded again losslessly: nothing more is lost, and the file still says
    // it was lossy once.
    let (file, bytes) = redacted_copy(&corpus, "US1_J2KI.dcm", temp.path());
    assert_eq!(syntax_of(&bytes), "1.2.840.10008.1.2.4.91");
    assert_eq!(
        value_text(&open(&bytes).expect("parses"), Tag(0x0028, 0x2110)).as_deref(),
        Some("01")
    );
    let done = file["done"].to_string();
    assert!(done.contains("losslessly"), "{done}");
}

#[test]
fn a_redacted_jpeg_volume_stays_jpeg_and_changes_only_near_its_text() {
    // 120 frames of colour ultrasound in JPEG baseline with settings text on every frame: once
    // written uncompressed, 6 MB became 108 MB. Now only the blocks under the text are coded
    // again; each frame decodes as before away from its patches.
    let Some(corpus) = corpus() else { return };
    let temp = tempfile::tempdir().unwrap();
    let input = corpus.join("pydicom-data/color3d_jpeg_baseline.dcm");
    let report = scrub(
        &input,
        &temp.path().join("out"),
        &temp.path().join("key"),
        "teaching",
    );
    let file = &report["reports"][0];
    assert!(
        file["done"]
            .to_string()
            .contains("JPEG compression was kept"),
        "{file}"
    );
    let output = std::fs::read(file["output"].as_str().expect("written")).unwrap();
    let original = std::fs::read(&input).unwrap();
    assert!(
        output.len() as f64 <= original.len() as f64 * 1.1,
        "{} bytes from {}",
        output.len(),
        original.len()
    );
    let before = pixel_data(&open(&original).unwrap()).expect("fragments");
    let after = pixel_data(&open(&output).unwrap()).expect("fragments");
    let frames = |fragments: &[Vec<u8>]| -> Vec<Vec<u8>> {
        fragments
            .iter()
            .filter(|f| !f.is_empty())
            .cloned()
            .collect()
    };
    let (before, after) = (frames(&before), frames(&after));
    assert_eq!(before.len(), after.len());
    let decoded = |jpeg: &[u8]| image::load_from_memory(jpeg).unwrap().to_rgb8();
    let mut compared = 0;
    for (old, new) in before.iter().zip(&after).step_by(17) {
        let (old, new) = (decoded(old), decoded(new));
        let changed: Vec<(u32, u32)> = old
            .enumerate_pixels()
            .filter(|&(x, y, p)| p != new.get_pixel(x, y))
            .map(|(x, y, _)| (x, y))
            .collect();
        // Changes stay in the few rows and columns of blocks the patches cover.
        assert!(changed.len() < (old.width() * old.height() / 5) as usize);
        compared += 1;
    }
    assert!(compared >= 7);
}
