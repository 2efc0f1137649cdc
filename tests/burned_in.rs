//! Text burned into pixels, end to end on `fixtures/burned-in` (made by
//! `examples/make_burned_in.rs`, with the box of every line it drew in `gold.json`): found,
//! classified, made unreadable, and nothing else changed.

mod common;
mod skip;

use std::path::{Path, PathBuf};

use caviar::{
    Action, Category, DicomOptions, Document, Findings, Format, Key, Location, Output, Plan,
    Profile, Region, analyze, apply, load, verify,
};
use dicom_pixeldata::PixelDecoder;
use serde_json::Value;

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/burned-in")
}

struct GoldBox {
    frame: u32,
    region: Region,
    text: String,
    identifier: bool,
}

struct GoldFile {
    name: String,
    boxes: Vec<GoldBox>,
}

fn gold() -> Vec<GoldFile> {
    let json: Value = serde_json::from_slice(
        &std::fs::read(folder().join("gold.json")).expect("gold.json is committed"),
    )
    .expect("gold.json is JSON");
    let number = |v: &Value, key: &str| v[key].as_u64().expect("a number") as u32;
    json["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|file| GoldFile {
            name: file["file"].as_str().expect("a name").to_string(),
            boxes: file["boxes"]
                .as_array()
                .expect("boxes")
                .iter()
                .map(|b| GoldBox {
                    frame: number(b, "frame"),
                    region: Region {
                        x: number(b, "x"),
                        y: number(b, "y"),
                        width: number(b, "width"),
                        height: number(b, "height"),
                    },
                    text: b["text"].as_str().expect("text").to_string(),
                    identifier: b["class"] == "identifier",
                })
                .collect(),
        })
        .collect()
}

struct Scrubbed {
    document: Document,
    findings: Findings,
    plan: Plan,
    output: Output,
    remaining: Findings,
}

fn scrub(name: &str, profile: Profile) -> Scrubbed {
    let document = load(&folder().join(name)).expect("a fixture loads");
    let findings = analyze(&document).expect("a fixture is analysed");
    let plan = match document.format {
        Format::Dicom => Plan::for_dicom(
            &findings,
            profile,
            DicomOptions::for_profile(profile),
            Key::from_hex(&"11".repeat(32)).expect("a key"),
        ),
        _ => Plan::for_photo(&findings, profile),
    };
    let output = apply(&document, &plan).expect("a fixture is scrubbed");
    let remaining = verify(&output).expect("the output is read again");
    Scrubbed {
        document,
        findings,
        plan,
        output,
        remaining,
    }
}

fn pixel_regions(findings: &Findings) -> Vec<(u32, Region)> {
    findings
        .items
        .iter()
        .filter_map(|f| match f.location {
            Location::Pixels { frame, region } => Some((frame, region)),
            _ => None,
        })
        .collect()
}

/// The share of `gold`'s pixels inside any of `found` (each padded as redaction pads it).
fn coverage(gold: Region, found: &[Region]) -> f32 {
    let padded: Vec<Region> = found
        .iter()
        .map(|&r| r.padded(caviar::pixels::margin(r), u32::MAX, u32::MAX))
        .collect();
    let mut inside = 0u64;
    for y in gold.y..gold.bottom() {
        for x in gold.x..gold.right() {
            let pixel = Region {
                x,
                y,
                width: 1,
                height: 1,
            };
            if padded.iter().any(|r| r.intersection(pixel).is_some()) {
                inside += 1;
            }
        }
    }
    inside as f32 / gold.area().max(1) as f32
}

/// Stored samples of every frame, as `i64`, from dicom-pixeldata directly (not through Caviar's
/// pixel stage); JPEG-LS, which dicom-pixeldata reads only through a C++ library, from Caviar's
/// JPEG-LS reader, which `tests/jpeg_ls.rs` checks against the samples it was given.
fn dicom_samples(bytes: &[u8]) -> (Vec<i64>, u32, u32, usize) {
    let file =
        dicom_object::from_reader(std::io::Cursor::new(&bytes[128..])).expect("the DICOM parses");
    let syntax = file.meta().transfer_syntax().trim_end_matches('\0');
    if caviar::dicom::jpeg_ls::TRANSFER_SYNTAXES.contains(&syntax) {
        return jpeg_ls_samples(&file);
    }
    let decoded = file.decode_pixel_data().expect("the pixels decode");
    let (width, height) = (decoded.columns(), decoded.rows());
    let channels = usize::from(decoded.samples_per_pixel());
    let signed = decoded.pixel_representation() == dicom_pixeldata::PixelRepresentation::Signed;
    let data = decoded.data();
    let samples = match (decoded.bits_allocated(), signed) {
        (16, false) => data
            .chunks_exact(2)
            .map(|c| i64::from(u16::from_le_bytes([c[0], c[1]])))
            .collect(),
        (16, true) => data
            .chunks_exact(2)
            .map(|c| i64::from(i16::from_le_bytes([c[0], c[1]])))
            .collect(),
        _ => data.iter().map(|&b| i64::from(b)).collect(),
    };
    (samples, width, height, channels)
}

fn jpeg_ls_samples(file: &dicom_object::DefaultDicomObject) -> (Vec<i64>, u32, u32, usize) {
    let number = |name: &str| -> u32 {
        file.element_by_name(name)
            .ok()
            .and_then(|e| e.to_int::<u32>().ok())
            .unwrap_or_else(|| panic!("{name} is set"))
    };
    let (width, height) = (number("Columns"), number("Rows"));
    let channels = number("SamplesPerPixel") as usize;
    let signed = number("PixelRepresentation") == 1;
    let Ok(dicom_core::value::Value::PixelSequence(sequence)) = file
        .element(dicom_dictionary_std::tags::PIXEL_DATA)
        .map(|e| e.value())
    else {
        panic!("JPEG-LS pixel data is encapsulated");
    };
    let samples = sequence
        .fragments()
        .iter()
        .flat_map(|stream| {
            caviar::dicom::jpeg_ls::decode_frame(stream, width, height, channels)
                .expect("the JPEG-LS frame decodes")
                .samples
        })
        .map(|v| {
            if signed {
                i64::from(v as i16)
            } else {
                i64::from(v)
            }
        })
        .collect();
    (samples, width, height, channels)
}

/// Stored samples of a photo, upright, as `i64` RGB.
fn photo_samples(bytes: &[u8]) -> (Vec<i64>, u32, u32, usize) {
    let image = image::load_from_memory(bytes)
        .expect("the photo decodes")
        .to_rgb8();
    let (width, height) = image.dimensions();
    (
        image.into_raw().into_iter().map(i64::from).collect(),
        width,
        height,
        3,
    )
}

fn samples(format: Format, bytes: &[u8]) -> (Vec<i64>, u32, u32, usize) {
    match format {
        Format::Dicom => dicom_samples(bytes),
        _ => photo_samples(bytes),
    }
}

/// The share of the region's samples that differ by more than `tolerance`.
fn changed(
    before: &[i64],
    after: &[i64],
    (width, height, channels): (u32, u32, usize),
    frame: u32,
    region: Region,
    tolerance: i64,
) -> f32 {
    let frame_len = width as usize * height as usize * channels;
    let start = frame as usize * frame_len;
    let mut differ = 0usize;
    let mut total = 0usize;
    for y in region.y..region.bottom().min(height) {
        for x in region.x..region.right().min(width) {
            for c in 0..channels {
                let i = start + (y as usize * width as usize + x as usize) * channels + c;
                total += 1;
                differ += usize::from((before[i] - after[i]).abs() > tolerance);
            }
        }
    }
    differ as f32 / total.max(1) as f32
}

/// Letters and digits only, lower case, accents off: how a leak is compared.
fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkd()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The parts of a planted identifier that would give it away if read again: words of four
/// letters or more and numbers of three digits or more.
fn telltales(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(fold)
        .filter(|w| {
            let digits = w.chars().filter(char::is_ascii_digit).count();
            (digits == 0 && w.chars().count() >= 4) || digits >= 3
        })
        .filter(|w| !["clinique", "hopital", "centre"].contains(&w.as_str()))
        .collect()
}

#[test]
fn every_planted_line_is_found() {
    let mut total = 0;
    let mut found_total = 0;
    let mut report = String::new();
    for file in gold() {
        let document = load(&folder().join(&file.name)).expect("loads");
        let findings = analyze(&document).expect("analysed");
        let regions = pixel_regions(&findings);
        let mut found = 0;
        for gold in &file.boxes {
            let same_frame: Vec<Region> = regions
                .iter()
                .filter(|(frame, _)| *frame == gold.frame)
                .map(|(_, r)| *r)
                .collect();
            let share = coverage(gold.region, &same_frame);
            if share >= 0.9 {
                found += 1;
            } else {
                report.push_str(&format!(
                    "  missed in {} frame {}: {:?} at {} ({:.0}% covered)\n",
                    file.name,
                    gold.frame,
                    gold.text,
                    gold.region,
                    share * 100.0
                ));
            }
        }
        let extra = regions
            .iter()
            .filter(|(frame, region)| {
                !file
                    .boxes
                    .iter()
                    .any(|g| g.frame == *frame && g.region.intersection(*region).is_some())
            })
            .count();
        println!(
            "{:24} {:3} of {:3} lines found, {:3} boxes where nothing was planted",
            file.name,
            found,
            file.boxes.len(),
            extra
        );
        total += file.boxes.len();
        found_total += found;
    }
    let recall = found_total as f32 / total as f32;
    println!("box recall {found_total}/{total} = {recall:.3}\n{report}");
    assert!(recall >= 0.98, "box recall {recall:.3} < 0.98:\n{report}");
}

#[test]
fn no_planted_identifier_can_be_read_after_scrubbing() {
    for file in gold() {
        let scrubbed = scrub(&file.name, Profile::Patient);
        assert!(
            scrubbed.remaining.is_clean(),
            "{}: verification found {:?}",
            file.name,
            scrubbed.remaining.identifying().collect::<Vec<_>>()
        );
        let again = caviar::load_bytes(Path::new(&file.name), scrubbed.output.bytes.clone())
            .expect("the output loads");
        let read: Vec<String> = analyze(&again)
            .expect("the output is analysed")
            .items
            .iter()
            .filter(|f| matches!(f.location, Location::Pixels { .. }))
            .map(|f| fold(&f.value))
            .collect();
        for gold in file.boxes.iter().filter(|b| b.identifier) {
            for telltale in telltales(&gold.text) {
                assert!(
                    !read.iter().any(|r| r.contains(&telltale)),
                    "{}: {telltale:?} of {:?} is still readable in {read:?}",
                    file.name,
                    gold.text
                );
            }
        }
    }
}

/// Each technical line of `file` with the share of its box that scrubbing changed.
fn technical_changes<'a>(file: &'a GoldFile, scrubbed: &Scrubbed) -> Vec<(&'a GoldBox, f32)> {
    let format = scrubbed.document.format;
    let (before, width, height, channels) = samples(format, &scrubbed.document.bytes);
    let (after, ..) = samples(format, &scrubbed.output.bytes);
    // A re-encoded JPEG changes every pixel a little.
    let tolerance = if format == Format::Jpeg { 24 } else { 0 };
    file.boxes
        .iter()
        .filter(|b| !b.identifier)
        .map(|gold| {
            let share = changed(
                &before,
                &after,
                (width, height, channels),
                gold.frame,
                gold.region,
                tolerance,
            );
            (gold, share)
        })
        .collect()
}

#[test]
fn a_teaching_case_keeps_its_technical_annotations() {
    let mut kept = 0;
    let mut total = 0;
    for file in gold() {
        if file.boxes.iter().all(|b| b.identifier) {
            continue;
        }
        let scrubbed = scrub(&file.name, Profile::Teaching);
        for (gold, share) in technical_changes(&file, &scrubbed) {
            total += 1;
            if share <= 0.1 {
                kept += 1;
            } else {
                println!("{}: {:?} was redacted", file.name, gold.text);
            }
        }
    }
    let share = kept as f32 / total as f32;
    println!("technical annotations kept: {kept}/{total} = {share:.3}");
    assert!(share >= 0.9, "only {kept} of {total} annotations kept");
}

#[test]
fn every_frame_of_a_multiframe_file_is_redacted() {
    let file = gold()
        .into_iter()
        .find(|f| f.name == "xa_multiframe.dcm")
        .expect("the multi-frame fixture");
    let scrubbed = scrub(&file.name, Profile::Patient);
    assert!(scrubbed.remaining.is_clean());
    let (before, width, height, channels) = dicom_samples(&scrubbed.document.bytes);
    let (after, ..) = dicom_samples(&scrubbed.output.bytes);
    let mut frames: Vec<u32> = Vec::new();
    for gold in file.boxes.iter().filter(|b| b.identifier) {
        let share = changed(
            &before,
            &after,
            (width, height, channels),
            gold.frame,
            gold.region,
            0,
        );
        assert!(
            share >= 0.5,
            "frame {}: {:?} is only {:.0}% changed",
            gold.frame,
            gold.text,
            share * 100.0
        );
        frames.push(gold.frame);
    }
    frames.dedup();
    assert_eq!(frames.len(), 20, "every frame carries a name");
}

#[test]
fn pixels_outside_the_redacted_regions_are_unchanged() {
    for file in gold() {
        let scrubbed = scrub(&file.name, Profile::Patient);
        let format = scrubbed.document.format;
        if format == Format::Jpeg {
            continue;
        }
        let (before, width, height, channels) = samples(format, &scrubbed.document.bytes);
        let (after, ..) = samples(format, &scrubbed.output.bytes);
        assert_eq!(before.len(), after.len(), "{}", file.name);
        // A JPEG frame is redacted in its blocks: the 16-pixel MCUs a patch touches are coded
        // again (their other pixels move by a level or two), and smooth chroma upsampling
        // carries that a sample further.
        let jpeg = scrubbed
            .document
            .bytes
            .windows(22)
            .take(1000)
            .any(|w| w == b"1.2.840.10008.1.2.4.50");
        let redacted: Vec<(u32, Region)> = caviar::pixels::regions_to_redact(&scrubbed.plan)
            .into_iter()
            .map(|(frame, patch)| {
                let area = patch.area;
                if !jpeg {
                    return (frame, area);
                }
                let (x, y) = (
                    (area.x / 16 * 16).saturating_sub(2),
                    (area.y / 16 * 16).saturating_sub(2),
                );
                let (right, bottom) = (
                    area.right().div_ceil(16) * 16 + 2,
                    area.bottom().div_ceil(16) * 16 + 2,
                );
                (
                    frame,
                    Region {
                        x,
                        y,
                        width: right - x,
                        height: bottom - y,
                    },
                )
            })
            .collect();
        let frame_len = width as usize * height as usize * channels;
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            if b == a {
                continue;
            }
            let frame = (i / frame_len) as u32;
            let pixel = (i % frame_len) / channels;
            let spot = Region {
                x: (pixel % width as usize) as u32,
                y: (pixel / width as usize) as u32,
                width: 1,
                height: 1,
            };
            assert!(
                redacted
                    .iter()
                    .any(|(f, r)| *f == frame && r.intersection(spot).is_some()),
                "{}: frame {frame} changed at {spot} outside every redacted region",
                file.name
            );
        }
    }
}

#[test]
fn a_picture_without_text_is_copied_bit_for_bit_and_says_so() {
    let scrubbed = scrub("ct_clean.dcm", Profile::Patient);
    assert!(
        pixel_regions(&scrubbed.findings).is_empty(),
        "text found in a picture without any"
    );
    assert!(scrubbed.remaining.is_clean());
    let (before, ..) = dicom_samples(&scrubbed.document.bytes);
    let (after, ..) = dicom_samples(&scrubbed.output.bytes);
    assert_eq!(before, after);
    let out = dicom_object::from_reader(std::io::Cursor::new(&scrubbed.output.bytes[128..]))
        .expect("parses");
    assert_eq!(
        out.element_by_name("BurnedInAnnotation")
            .expect("set")
            .to_str()
            .unwrap()
            .trim(),
        "NO"
    );
}

#[test]
fn a_name_the_user_keeps_beside_redacted_text_is_still_found_when_the_output_is_checked() {
    // Checking reads again only what the redaction changed; the name it left alone (in the
    // middle of the picture, away from the other text) must be carried over from the analysis
    // and reported, as reading the output from scratch would.
    let scrubbed = scrub("mr_rle.dcm", Profile::Patient);
    let mut plan = scrubbed.plan.clone();
    let name = plan
        .findings
        .items
        .iter()
        .position(|f| {
            matches!(f.location, Location::Pixels { .. }) && f.category == Category::Person
        })
        .expect("the fixture's name is read in the pixels");
    plan.findings.items[name].action = Action::Keep;
    let output = apply(&scrubbed.document, &plan).expect("the rest is redacted");
    assert!(
        output.before_redaction.is_some(),
        "the output is checked against its frame"
    );
    let remaining = verify(&output).expect("the output is read again");
    let left: Vec<String> = remaining
        .identifying()
        .filter(|f| matches!(f.location, Location::Pixels { .. }))
        .map(|f| fold(&f.value))
        .collect();
    assert!(
        left.iter().any(|value| value.contains("rousseau")),
        "the kept name is not reported: {left:?}"
    );
}

#[test]
fn a_redacted_dicom_says_truthfully_how_its_pixels_are_stored() {
    // JPEG baseline and near-lossless JPEG-LS both lost information before Caviar saw them.
    // Both stay in their compression, the JPEG's colours as they were stored.
    for (name, syntax, photometric) in [
        ("us_ybr_jpeg.dcm", "1.2.840.10008.1.2.4.50", "YBR_FULL_422"),
        ("us_rgb_jpeg_ls.dcm", "1.2.840.10008.1.2.4.81", "RGB"),
    ] {
        redacted_lossy_dicom_says_so(name, syntax, photometric);
    }
}

fn redacted_lossy_dicom_says_so(name: &str, syntax: &str, photometric: &str) {
    let scrubbed = scrub(name, Profile::Patient);
    assert!(scrubbed.remaining.is_clean(), "{name}");
    assert!(
        !caviar::pixels::regions_to_redact(&scrubbed.plan).is_empty(),
        "{name}"
    );
    let out = dicom_object::from_reader(std::io::Cursor::new(&scrubbed.output.bytes[128..]))
        .expect("parses");
    let text = |name: &str| {
        out.element_by_name(name)
            .unwrap_or_else(|_| panic!("{name} is set"))
            .to_str()
            .unwrap()
            .trim()
            .to_string()
    };
    assert_eq!(out.meta().transfer_syntax().trim_end_matches('\0'), syntax);
    assert_eq!(text("PhotometricInterpretation"), photometric);
    assert_eq!(text("PlanarConfiguration"), "0");
    assert_eq!(text("LossyImageCompression"), "01");
    assert_eq!(text("BurnedInAnnotation"), "NO");
    let methods = out
        .element_by_name("DeidentificationMethodCodeSequence")
        .expect("the methods are listed");
    let codes: Vec<String> = methods
        .items()
        .expect("a sequence")
        .iter()
        .map(|item| {
            item.element_by_name("CodeValue")
                .unwrap()
                .to_str()
                .unwrap()
                .trim()
                .to_string()
        })
        .collect();
    assert!(codes.iter().any(|c| c == "113101"), "{codes:?}");
    assert!(
        scrubbed
            .output
            .done
            .iter()
            .any(|d| d.action == Action::Remove && d.what.contains("unreadable")),
        "the report says what was done to the pixels"
    );
}

/// The command line on the whole set, in a fresh process: files in parallel, frames in parallel,
/// models loaded on first use from inside that parallel work (which once deadlocked). A watchdog
/// turns a hang into a failure instead of a stuck test run.
#[test]
fn the_command_line_scrubs_the_whole_set_clean() {
    let work = tempfile::tempdir().expect("a temporary folder");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_caviar"))
        .arg("scrub")
        .args(gold().iter().map(|file| folder().join(&file.name)))
        .arg("--out")
        .arg(work.path().join("out"))
        .arg("--key-file")
        .arg(work.path().join("key"))
        .arg("--report")
        .arg(work.path().join("report.json"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("caviar runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("caviar scrub did not finish in 10 minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).ok();
    assert_eq!(status.code(), Some(0), "{stderr}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(work.path().join("report.json")).expect("a report"))
            .expect("JSON");
    let files = report["reports"].as_array().expect("reports");
    assert_eq!(files.len(), gold().len());
    for file in files {
        assert_eq!(file["clean"], true, "{file}");
        let pixels_done = file["done"]
            .as_array()
            .expect("done")
            .iter()
            .any(|d| d["what"].as_str().unwrap_or("").contains("unreadable"));
        let name = file["input"].as_str().unwrap_or("");
        // Nothing to redact where there is no text, or only annotations, which are kept.
        let only_kept = name.ends_with("ct_clean.dcm") || name.ends_with("ct_technical_only.dcm");
        assert_eq!(
            pixels_done, !only_kept,
            "{name}: text redacted or not as expected"
        );
    }
}

/// A name read in the picture is known to the caption, as a header's name is: written on the
/// film as `Zoé Bénard`, it is redacted from a caption that spells it `benard`, with no accent,
/// no capital and no cue that any rule would take for a name.
#[test]
fn a_name_read_in_the_pixels_is_redacted_from_the_caption() {
    let work = tempfile::tempdir().unwrap();
    let caption = work.path().join("post.txt");
    std::fs::write(&caption, "merci a toute l'equipe, benard 2024").unwrap();
    let out = work.path().join("out");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_caviar"))
        .arg("scrub")
        .arg(folder().join("post_french.png"))
        .arg("--caption")
        .arg(&caption)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let cleaned = std::fs::read_to_string(out.join("post.txt")).unwrap();
    assert!(
        !cleaned.contains("benard") && cleaned.starts_with("merci a toute"),
        "{cleaned}"
    );
}

/// What tesseract reads in `region` of `picture`, three times as big, as one line; `None` when
/// tesseract is not installed.
fn tesseract(picture: &image::RgbImage, region: Region) -> Option<String> {
    let region = region.padded(4, picture.width(), picture.height());
    let crop = image::imageops::crop_imm(picture, region.x, region.y, region.width, region.height)
        .to_image();
    let big = image::imageops::resize(
        &crop,
        region.width * 3,
        region.height * 3,
        image::imageops::FilterType::CatmullRom,
    );
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("line.png");
    big.save(&path).expect("written");
    let run = std::process::Command::new("tesseract")
        .arg(&path)
        .arg("stdout")
        .args(["--psm", "7"])
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&run.stdout).trim().to_string())
}

#[test]
fn vendor_screens_keep_their_settings_and_lose_their_patient() {
    // Screens laid out as GE, Siemens, Philips, Terason and ALOKA lay them out: the settings
    // column, the anatomy label and the depth marks are kept and read right in a teaching case;
    // the banner's name, numbers, place and dates cannot be read by another reader afterwards.
    let screens: Vec<GoldFile> = gold()
        .into_iter()
        .filter(|f| f.name.starts_with("us_screen_"))
        .collect();
    assert_eq!(screens.len(), 5);
    let (mut kept, mut total) = (0, 0);
    let (mut read_before, mut read_after, mut identifiers) = (0, 0, 0);
    let mut tesseract_missing = false;
    for file in &screens {
        let scrubbed = scrub(&file.name, Profile::Teaching);
        for (gold, share) in technical_changes(file, &scrubbed) {
            total += 1;
            let untouched = share <= 0.1;
            let mut pieces: Vec<(u32, &str)> = scrubbed
                .findings
                .items
                .iter()
                .filter(|f| f.action == Action::Keep)
                .filter_map(|f| match f.location {
                    Location::Pixels { region, .. }
                        if region.intersection(gold.region).is_some_and(|common| {
                            common.area() * 2 >= region.area().min(gold.region.area())
                        }) =>
                    {
                        Some((region.x, f.value.as_str()))
                    }
                    _ => None,
                })
                .collect();
            pieces.sort();
            let read: String = pieces.iter().map(|(_, text)| *text).collect();
            let right = common::accuracy(&gold.text, &read) >= 0.8;
            if untouched && right {
                kept += 1;
            } else {
                println!(
                    "{}: {:?} {} as {read:?}",
                    file.name,
                    gold.text,
                    if untouched {
                        "kept but read"
                    } else {
                        "redacted, read"
                    }
                );
            }
        }
        let shown = |document: &Document| {
            caviar::view::picture(document)
                .expect("decodes")
                .render(0, None)
                .into_owned()
        };
        let written = Document {
            bytes: scrubbed.output.bytes.clone(),
            ..scrubbed.document.clone()
        };
        let (input, output) = (shown(&scrubbed.document), shown(&written));
        for gold in file.boxes.iter().filter(|b| b.identifier) {
            let (Some(was), Some(is)) = (
                tesseract(&input, gold.region),
                tesseract(&output, gold.region),
            ) else {
                tesseract_missing = true;
                continue;
            };
            identifiers += 1;
            let telltales = telltales(&gold.text);
            let gives_away = |read: &str| telltales.iter().any(|t| fold(read).contains(t.as_str()));
            read_before += usize::from(gives_away(&was));
            if gives_away(&is) {
                read_after += 1;
                println!("{}: {:?} still read as {is:?}", file.name, gold.text);
            }
        }
    }
    let share = kept as f32 / total as f32;
    println!("settings kept and read right: {kept}/{total} = {share:.3}");
    // The last run kept and read 61 of 64 (0.953). What is missed: a depth mark of one digit,
    // `10` read `0`, and a probe model (`UST-9130`) that no list names, removed as unknown.
    assert!(
        share >= 0.95,
        "only {kept} of {total} technical lines kept and read right"
    );
    if tesseract_missing {
        skip::skipped("tesseract is not installed: the second reader was not asked");
        return;
    }
    // The second reader must read the banner before, or its silence after proves nothing.
    println!(
        "tesseract read {read_before} of {identifiers} identifiers before, {read_after} after"
    );
    assert!(
        read_before * 2 >= identifiers,
        "tesseract read too little before"
    );
    assert_eq!(
        read_after, 0,
        "identifiers tesseract still reads after scrubbing"
    );
}

/// A VL Photographic Image of `picture` (explicit VR little endian, RGB), naming a patient.
fn vl_photograph(picture: &image::RgbImage) -> Vec<u8> {
    use common::element;
    let us = |number: u16, value: u16| element(0x28, number, b"US", &value.to_le_bytes());
    let class = b"1.2.840.10008.5.1.4.1.1.77.1.4\0";
    let mut data = vec![
        element(8, 0x16, b"UI", class),
        element(8, 0x18, b"UI", b"1.2.3.4.5\0"),
        element(8, 0x60, b"CS", b"XC"),
        element(0x10, 0x10, b"PN", b"MOREAU^ANNE "),
        element(0x10, 0x20, b"LO", b"99887766"),
        us(2, 3),
        element(0x28, 4, b"CS", b"RGB "),
        us(6, 0),
        us(0x10, picture.height() as u16),
        us(0x11, picture.width() as u16),
        us(0x100, 8),
        us(0x101, 8),
        us(0x102, 7),
        us(0x103, 0),
    ];
    data.push(element(0x7FE0, 0x10, b"OB", picture.as_raw()));
    common::dicom_file(b"1.2.840.10008.1.2.1\0", class, &data.concat())
}

#[test]
fn a_face_in_a_clinical_photograph_stored_as_dicom_is_filled_and_checked() {
    // Dermatology and wound photos reach archives as VL Photographic Images: the cameraman of
    // scikit-image's `camera.png` stands in for the patient.
    let camera = common::fixture_picture("no-text/camera.png");
    let document =
        caviar::load_bytes(std::path::Path::new("photo.dcm"), vl_photograph(&camera)).unwrap();
    let findings = caviar::analyze(&document).unwrap();
    let faces: Vec<caviar::Region> = findings
        .items
        .iter()
        .filter(|f| f.category == caviar::Category::Face)
        .filter_map(|f| f.pixels().map(|(_, region)| region))
        .collect();
    assert_eq!(faces.len(), 1, "{:?}", findings.items);
    let plan = caviar::Plan::for_dicom(
        &findings,
        caviar::Profile::Teaching,
        caviar::DicomOptions::for_profile(caviar::Profile::Teaching),
        caviar::Key::from_hex(&"33".repeat(32)).unwrap(),
    );
    let output = caviar::apply(&document, &plan).unwrap();
    let remaining = caviar::verify(&output).unwrap();
    assert!(remaining.is_clean(), "{:?}", remaining.items);
    let written = caviar::Document {
        bytes: output.bytes.clone(),
        ..document.clone()
    };
    let shown = caviar::view::picture(&written)
        .unwrap()
        .render(0, None)
        .into_owned();
    assert!(
        common::one_colour(&shown, faces[0]),
        "the face is not filled solid"
    );
    assert!(caviar::faces::find(&shown).unwrap().is_empty());
}
