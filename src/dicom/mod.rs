//! DICOM de-identification to PS3.15 Annex E: every attribute, in every sequence item, gets the
//! action Table E.1-1 gives it under the chosen options; private data, overlays and curves go;
//! UIDs are remapped with a keyed hash so studies and series stay linked; dates move by a keyed
//! per-patient offset or go.
//!
//! Pixel data is copied bit for bit unless text burned into it is to be redacted; then the frames
//! with text are decoded, redacted and written back in the file's own compression where it can
//! be (JPEG in its blocks, RLE, JPEG-LS, JPEG lossless), uncompressed otherwise. Text is looked
//! for in every frame of every file; a file whose pixels cannot be decoded while burned-in text
//! is likely is reported as not clean. The bytes themselves are walked in `raw`.

mod dates;
mod deid;
pub mod jpeg2000;
pub mod jpeg_lossless;
pub mod jpeg_ls;
mod key;
mod pixels;
mod profile;
mod raw;
mod table;
mod uid;
mod view;

use dicom_core::header::Header;
use dicom_core::value::PrimitiveValue;
use dicom_core::{DataElement, Tag, VR};
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::{FileDicomObject, InMemDicomObject};

use raw::{cut_private_un_sequences, has_pixel_data, parse, parse_header, pixel_data_span};
pub use raw::{has_magic, sniff};
pub use view::{Stack, stack};

use crate::document::{
    Action, Category, DicomOptions, Document, Done, Error, Finding, Findings, Format, FrameCounts,
    KnownIdentifier, Location, Output, Plan, Region,
};
pub use key::Key;

const DICOMDIR_CLASS: &str = "1.2.840.10008.1.3.10";
const IMPLICIT_LE: &str = "1.2.840.10008.1.2";
const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
/// RLE Lossless, which a redacted file is written in again when it came in it.
const RLE_LOSSLESS: &str = "1.2.840.10008.1.2.5";
/// JPEG Baseline and Extended, whose 8-bit frames are redacted in their DCT blocks.
const JPEG_DCT: [&str; 2] = ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"];
const EXPLICIT_BE: &str = "1.2.840.10008.1.2.2";

fn malformed(reason: impl std::fmt::Display) -> Error {
    Error::malformed(Format::Dicom, reason.to_string())
}

fn is_dicomdir(file: &FileDicomObject<InMemDicomObject>) -> bool {
    file.meta()
        .media_storage_sop_class_uid()
        .trim_end_matches(['\0', ' '])
        == DICOMDIR_CLASS
}

const DICOMDIR_REASON: &str = "a DICOMDIR is the CD's table of contents and lists every patient's \
     name; it is not copied (viewers rebuild it from the images)";

fn text_of(object: &InMemDicomObject, tag: Tag) -> Option<String> {
    let value = object.get(tag)?.to_str().ok()?;
    let value = value.trim_end_matches(['\0', ' ']).trim().to_string();
    (!value.is_empty()).then_some(value)
}

/// Whom the keyed shifts and pseudonyms belong to: every file of one patient must get the same,
/// so they are derived from the patient's ID, or name when there is no ID.
/// Without either, the study stands in, so unnamed patients do not all share one offset.
fn patient_of(object: &InMemDicomObject) -> String {
    text_of(object, Tag(0x0010, 0x0020))
        .or_else(|| text_of(object, Tag(0x0010, 0x0010)))
        .or_else(|| text_of(object, Tag(0x0020, 0x000D)))
        .unwrap_or_default()
}

/// Whether the patient is over 89, from the age or from birth and study dates. Shifting dates
/// keeps intervals, so a kept birth date would still tell such a rare age exactly.
fn over_89(object: &InMemDicomObject) -> bool {
    let from_age = text_of(object, Tag(0x0010, 0x1010))
        .and_then(|age| age.strip_suffix('Y')?.parse::<u32>().ok())
        .is_some_and(|years| years > 89);
    let year = |tag| text_of(object, tag).and_then(|d| d.get(..4)?.parse::<i32>().ok());
    let from_dates = match (year(Tag(0x0010, 0x0030)), year(Tag(0x0008, 0x0020))) {
        (Some(birth), Some(study)) => study - birth > 89,
        _ => false,
    };
    from_age || from_dates
}

/// What this header says about who the patient is and where they were seen: searched for in the
/// caption and in the pixels, and taken out of any text the profile keeps.
fn known_identifiers(object: &InMemDicomObject) -> Vec<KnownIdentifier> {
    let mut known = Vec::new();
    let mut add = |category, values: Vec<String>| {
        for value in values.into_iter().filter(|v| !is_placeholder(v)) {
            let entry = KnownIdentifier { category, value };
            if !known.contains(&entry) {
                known.push(entry);
            }
        }
    };
    for name in person_names(object) {
        add(Category::Person, crate::text::name_spellings(&name));
    }
    const IDENTIFIERS: [Tag; 4] = [
        Tag(0x0010, 0x0020),
        Tag(0x0010, 0x1000),
        Tag(0x0008, 0x0050),
        Tag(0x0020, 0x0010),
    ];
    for tag in IDENTIFIERS {
        if let Some(value) = text_of(object, tag).filter(|v| v.chars().count() >= 3) {
            add(
                Category::Identifier,
                value.split('\\').map(str::to_string).collect(),
            );
        }
    }
    if let Some(birth) = text_of(object, Tag(0x0010, 0x0030)) {
        add(Category::Date, crate::text::date_spellings(&birth));
    }
    const PLACES: [Tag; 5] = [
        Tag(0x0008, 0x0080),
        Tag(0x0008, 0x0081),
        Tag(0x0008, 0x1040),
        Tag(0x0010, 0x1040),
        Tag(0x0010, 0x2154),
    ];
    for tag in PLACES {
        if let Some(value) = text_of(object, tag) {
            add(Category::Location, vec![value]);
        }
    }
    if let Some(station) = text_of(object, Tag(0x0008, 0x1010)) {
        add(Category::Device, vec![station]);
    }
    known
}

/// Values test files and earlier anonymisers put in place of a real one; they identify nobody,
/// and searching for them would flag every output.
fn is_placeholder(value: &str) -> bool {
    const PLACEHOLDERS: [&str; 8] = [
        "anonymized",
        "anonymised",
        "anonymous",
        "anon",
        "unknown",
        "none",
        "removed",
        "patient",
    ];
    let lower = value.trim().to_lowercase();
    lower.chars().filter(|c| c.is_alphanumeric()).count() < 3
        || PLACEHOLDERS.contains(&lower.as_str())
}

/// Person names anywhere in the data set, sequences included (SR observers, physicians).
fn person_names(object: &InMemDicomObject) -> Vec<String> {
    let mut names = Vec::new();
    for element in object.iter() {
        if let Some(items) = element.items() {
            for item in items {
                names.extend(person_names(item));
            }
        } else if element.vr() == VR::PN
            && element.tag().group() % 2 == 0
            && let Ok(values) = element.to_multi_str()
        {
            names.extend(
                values
                    .iter()
                    .map(|v| v.trim_end_matches(['\0', ' ']).to_string())
                    .filter(|v| v.chars().filter(|c| c.is_alphabetic()).count() >= 2),
            );
        }
    }
    names
}

/// Every UID in the data set that is not one of the standard's own: after remapping none of them
/// may be left.
fn instance_uids(object: &InMemDicomObject, uids: &mut Vec<String>) {
    for element in object.iter() {
        if let Some(items) = element.items() {
            for item in items {
                instance_uids(item, uids);
            }
        } else if element.vr() == VR::UI
            && !deid::names_a_kind(element.tag())
            && let Ok(values) = element.to_multi_str()
        {
            for value in values.iter() {
                let value = value.trim_end_matches(['\0', ' ']);
                if !value.is_empty() && !uid::is_standard(value) && !uids.iter().any(|u| u == value)
                {
                    uids.push(value.to_string());
                }
            }
        }
    }
}

/// Why the pixels of this object may show a name, an ID or a date, if they may. Until the pixel
/// stage reads them, such a file cannot be called clean.
fn burned_in_risk(object: &InMemDicomObject, bytes: &[u8]) -> Option<String> {
    let modality = text_of(object, Tag(0x0008, 0x0060)).unwrap_or_default();
    let class = text_of(object, Tag(0x0008, 0x0016)).unwrap_or_default();
    let reason = if text_of(object, Tag(0x0028, 0x0301)).as_deref() == Some("YES") {
        "the header says text is burned into the pixels".to_string()
    } else if matches!(
        modality.as_str(),
        "US" | "OT" | "SC" | "XC" | "ES" | "GM" | "SM" | "DOC" | "IVUS"
    ) {
        format!("{modality} images often show the patient's name and dates in the pixels")
    } else if class.starts_with("1.2.840.10008.5.1.4.1.1.7") {
        "secondary captures are screenshots and often show names in the pixels".to_string()
    } else {
        return None;
    };
    // Searched last: most files are not at risk, and this reads the whole file.
    has_pixel_data(bytes).then_some(reason)
}

fn finding(category: Category, path: String, value: String, explanation: &str) -> Finding {
    Finding {
        category,
        location: Location::attribute(path),
        value,
        explanation: explanation.to_string(),
        confidence: 1.0,
        action: Action::Remove,
    }
}

/// In words a patient understands, what a changed attribute gave away.
fn explain(category: Category) -> &'static str {
    match category {
        Category::Person => "a person's name or details: the patient, a relative or the staff",
        Category::Identifier => "a number that leads to the patient or the hospital's records",
        Category::Date => "a date or time that helps identify the patient or the visit",
        Category::Location => "the hospital or an address",
        Category::Device => "the scanner or workstation, which points at the hospital",
        Category::Graphics => "graphics drawn over the image, which can carry names",
        Category::Unknown => "private data from the scanner's maker, which can hold names and IDs",
        _ => "text that can name the patient or the hospital",
    }
}

/// The walk with the given options on `file`; returns what it changed.
fn deidentify(
    file: &mut FileDicomObject<InMemDicomObject>,
    options: &DicomOptions,
    key: &Key,
) -> Vec<deid::Change> {
    let patient = patient_of(file);
    let known = known_identifiers(file)
        .into_iter()
        .map(|k| k.value)
        .collect();
    let mut walk = deid::Walk {
        options,
        key,
        date_offset: dates::offset_days(key, &patient),
        pseudonym: dates::pseudonym(key, &patient),
        known,
        changes: Vec::new(),
    };
    let very_old = over_89(file);
    walk.data_set(file, "");
    let birth_date = Tag(0x0010, 0x0030);
    if very_old
        && file
            .get(birth_date)
            .is_some_and(|e| !e.to_str().unwrap_or_default().trim().is_empty())
    {
        file.put(DataElement::new(birth_date, VR::DA, PrimitiveValue::Empty));
        walk.changes.push(deid::Change {
            path: deid::describe(birth_date),
            category: Category::Date,
            before: String::new(),
            what: "birth date removed: over 89, the age alone identifies",
        });
    }
    walk.changes
}

/// Everything in the header that identifies someone, as the patient profile would treat it
/// (the strictest); the plan may keep some of it for a teaching case.
pub fn analyze(document: &Document) -> Result<Findings, Error> {
    let mut file = parse_header(&document.bytes)?;
    if is_dicomdir(&file) {
        return Ok(Findings::new(vec![finding(
            Category::Person,
            "DICOMDIR".into(),
            String::new(),
            DICOMDIR_REASON,
        )]));
    }
    let known = known_identifiers(&file);
    let risk = burned_in_risk(&file, &document.bytes);
    let faces = may_show_faces(&file);
    let changes = deidentify(
        &mut file,
        &DicomOptions::for_profile(crate::Profile::Patient),
        &Key::for_analysis(),
    );
    let mut items = findings_of(changes);
    if let Some(without) = cut_private_un_sequences(&document.bytes) {
        items.push(finding(
            Category::Unknown,
            "private sequences stored as UN".into(),
            crate::document::size(document.bytes.len() - without.len()),
            explain(Category::Unknown),
        ));
    }
    let (text, frames) = text_in_pixels(&document.bytes, &known, risk, faces)?;
    items.extend(text);
    Ok(Findings {
        items,
        known,
        frames,
    })
}

/// Whether faces are looked for in the pixels: in colour pictures — VL photographic,
/// external-camera, endoscopic and slide images, secondary captures of photos and screens — but
/// not in grey-level radiology, where a detector has no face to find and only time to lose, nor
/// in ultrasound, whose colour is Doppler and whose renders of a fetus identify nobody.
fn may_show_faces(file: &InMemDicomObject) -> bool {
    text_of(file, Tag(0x0028, 0x0002)).as_deref() == Some("3")
        && text_of(file, Tag(0x0008, 0x0060)).as_deref() != Some("US")
}

/// The faces in every frame, found or left over: those the user kept, by frame, are not
/// counted.
fn faces_in(pixels: &pixels::Pixels, kept: &[(u32, Region)]) -> Result<Vec<Finding>, Error> {
    let mut found = Vec::new();
    for frame in 0..pixels.frames {
        found.extend(crate::faces::left(&pixels.display(frame), frame, kept)?);
    }
    Ok(found)
}

/// Text read in every frame, faces when the picture may show some, and how the frames were
/// looked at; or, when the pixels cannot be decoded while text is likely, why the file cannot be
/// called clean.
fn text_in_pixels(
    bytes: &[u8],
    known: &[KnownIdentifier],
    risk: Option<String>,
    faces: bool,
) -> Result<(Vec<Finding>, Option<FrameCounts>), Error> {
    if !has_pixel_data(bytes) {
        return Ok((Vec::new(), None));
    }
    match decode(bytes) {
        Ok(pixels) => {
            let (mut found, frames) =
                crate::pixels::find_text(pixels.frames, |f| pixels.display(f), known)?;
            if faces {
                found.extend(faces_in(&pixels, &[])?);
            }
            Ok((found, Some(frames)))
        }
        Err(reason) => Ok((
            risk.map(|risk| unreadable_pixels(&reason, &risk))
                .into_iter()
                .collect(),
            None,
        )),
    }
}

fn decode(bytes: &[u8]) -> Result<pixels::Pixels, String> {
    let file = parse(bytes).map_err(|error| error.to_string())?;
    pixels::decode(&file)
}

fn unreadable_pixels(reason: &str, risk: &str) -> Finding {
    Finding {
        category: Category::Text,
        location: Location::attribute("(7FE0,0010) PixelData"),
        value: String::new(),
        explanation: format!(
            "text in the pixels may name the patient ({risk}), and they could not be read: \
             {reason}"
        ),
        confidence: 0.5,
        action: Action::Unresolved,
    }
}

/// Findings from the walk's changes, with private data gathered into one finding per block: a
/// patient needs to know the scanner maker's data is there, not its hundred fields one by one.
fn findings_of(changes: Vec<deid::Change>) -> Vec<Finding> {
    let mut items: Vec<Finding> = Vec::new();
    // Index in `items` of each private block's finding, with its creators and element count.
    let mut blocks: Vec<(String, usize, Vec<String>, usize)> = Vec::new();
    for change in changes.into_iter().filter(|c| !c.before.is_empty()) {
        let Some((block, element)) = private_block(&change) else {
            let explanation = explain(change.category);
            items.push(finding(
                change.category,
                change.path,
                change.before,
                explanation,
            ));
            continue;
        };
        let index = match blocks.iter().position(|(b, ..)| *b == block) {
            Some(index) => index,
            None => {
                items.push(finding(Category::Unknown, block.clone(), String::new(), ""));
                blocks.push((block, items.len() - 1, Vec::new(), 0));
                blocks.len() - 1
            }
        };
        let (_, _, creators, count) = &mut blocks[index];
        *count += 1;
        if (0x0010..=0x00FF).contains(&element) {
            creators.push(change.before);
        }
    }
    for (_, index, creators, count) in blocks {
        let makers = if creators.is_empty() {
            String::new()
        } else {
            format!(" from {}", creators.join(", "))
        };
        items[index].value = format!("{count} private attribute(s){makers}");
        items[index].explanation = explain(Category::Unknown).to_string();
    }
    items
}

/// For a removed private element, its block (`parent > (gggg,xxxx)`) and element number.
fn private_block(change: &deid::Change) -> Option<(String, u16)> {
    if change.category != Category::Unknown {
        return None;
    }
    let at = change.path.rfind('(')?;
    let group = u16::from_str_radix(change.path.get(at + 1..at + 5)?, 16).ok()?;
    let element = u16::from_str_radix(change.path.get(at + 6..at + 10)?, 16).ok()?;
    (group % 2 == 1).then(|| {
        (
            format!("{}({:04X},xxxx)", &change.path[..at], group),
            element,
        )
    })
}

/// Code meanings of PS3.16 CID 7050 for what was applied.
fn method_codes(options: &DicomOptions) -> Vec<(&'static str, &'static str)> {
    let mut codes = vec![("113100", "Basic Application Confidentiality Profile")];
    let switches = [
        (
            options.clean_descriptors,
            "113105",
            "Clean Descriptors Option",
        ),
        (
            options.clean_structured_content,
            "113104",
            "Clean Structured Content Option",
        ),
        (options.clean_graphics, "113103", "Clean Graphics Option"),
        (
            options.retain_full_dates,
            "113106",
            "Retain Longitudinal Temporal Information Full Dates Option",
        ),
        (
            options.retain_modified_dates,
            "113107",
            "Retain Longitudinal Temporal Information Modified Dates Option",
        ),
        (
            options.retain_patient_characteristics,
            "113108",
            "Retain Patient Characteristics Option",
        ),
        (
            options.retain_device_identity,
            "113109",
            "Retain Device Identity Option",
        ),
        (options.retain_uids, "113110", "Retain UIDs Option"),
        (
            options.retain_institution_identity,
            "113112",
            "Retain Institution Identity Option",
        ),
    ];
    codes.extend(switches.iter().filter(|s| s.0).map(|s| (s.1, s.2)));
    codes
}

/// Say in the file what was done, as PS3.15 E.1.1 asks, so a receiving archive knows.
fn stamp(object: &mut InMemDicomObject, options: &DicomOptions, pixels_cleaned: bool) {
    let text =
        |tag: Tag, vr: VR, value: &str| DataElement::new(tag, vr, PrimitiveValue::from(value));
    object.put(text(Tag(0x0012, 0x0062), VR::CS, "YES"));
    object.put(text(
        Tag(0x0012, 0x0063),
        VR::LO,
        &format!("caviar {} PS3.15 E.1-1", env!("CARGO_PKG_VERSION")),
    ));
    let mut codes = method_codes(options);
    if pixels_cleaned {
        codes.push(("113101", "Clean Pixel Data Option"));
    }
    let codes = codes
        .into_iter()
        .map(|(value, meaning)| deid::code_item(value, meaning))
        .collect();
    object.put(deid::sequence(Tag(0x0012, 0x0064), codes));
    let temporal = if options.retain_full_dates {
        "UNMODIFIED"
    } else if options.retain_modified_dates || options.keep_year_only {
        "MODIFIED"
    } else {
        "REMOVED"
    };
    object.put(text(Tag(0x0028, 0x0303), VR::CS, temporal));
}

pub fn apply(document: &Document, plan: &Plan) -> Result<Output, Error> {
    // Where the file is explicit VR little endian (nearly all are, compressed ones included), the
    // header alone is parsed and rewritten and the pixel data element is appended exactly as it
    // was read: bit for bit by construction, and without decoding the bulk of the file.
    let mut regions = crate::pixels::regions_to_redact(plan);
    let mut redacted = None;
    // The frames as stored, when their compression can be kept: RLE and JPEG baseline.
    let mut stored = None;
    let mut before_redaction = None;
    let pixels = pixel_data_span(&document.bytes).filter(|_| regions.is_empty());
    let mut file = match pixels {
        Some(_) => parse_header(&document.bytes)?,
        None => parse(&document.bytes)?,
    };
    // Every frame was read for text when the analysis could decode them, which it says by
    // counting how they were looked at; the header may then say so.
    let text_checked = has_pixel_data(&document.bytes) && {
        if regions.is_empty() {
            plan.findings.frames.is_some()
        } else {
            let mut decoded = pixels::decode(&file).map_err(|reason| {
                Error::Refused(format!("cannot redact the text in the pixels: {reason}"))
            })?;
            before_redaction = Some(crate::pixels::before_redaction(decoded.frames, |f| {
                decoded.display(f)
            }));
            regions = crate::faces::narrowed_to_eyes(regions, plan.faces, |f| decoded.display(f))?;
            for &(frame, patch) in &regions {
                decoded.redact(frame, patch, plan.redaction);
            }
            let syntax = file.meta().transfer_syntax().trim_end_matches(['\0', ' ']);
            stored = (codes_frames_again(syntax) || JPEG_DCT.contains(&syntax))
                .then(|| pixels::encapsulated_frames(&file, decoded.frames).ok())
                .flatten();
            redacted = Some(decoded);
            true
        }
    };
    if is_dicomdir(&file) {
        return Err(Error::NotCopied(DICOMDIR_REASON.into()));
    }
    let key = plan
        .key
        .as_ref()
        .ok_or_else(|| Error::Refused("no key to remap UIDs and dates with".into()))?;
    let mut must_not_contain: Vec<String> = known_identifiers(&file)
        .into_iter()
        .map(|k| k.value)
        .collect();
    if !plan.dicom.retain_uids {
        instance_uids(&file, &mut must_not_contain);
    }
    let read_in_pixels = plan.identifiers_in_pixels();
    must_not_contain.extend(read_in_pixels.iter().cloned());
    let transfer_syntax = file
        .meta()
        .transfer_syntax()
        .trim_end_matches(['\0', ' '])
        .to_string();
    let changes = deidentify(&mut file, &plan.dicom, key);
    stamp(&mut file, &plan.dicom, redacted.is_some());
    if text_checked {
        file.put(DataElement::new(
            Tag(0x0028, 0x0301),
            VR::CS,
            PrimitiveValue::from("NO"),
        ));
    }

    let source_photometric = text_of(&file, Tag(0x0028, 0x0004)).unwrap_or_default();
    let declared_class = file
        .meta()
        .media_storage_sop_class_uid()
        .trim_end_matches(['\0', ' '])
        .to_string();
    let mut object = file.into_inner();
    let changed: Vec<u32> = regions.iter().map(|&(frame, _)| frame).collect();
    let mut pixels_written = "the pixels were written uncompressed".to_string();
    let jpeg = match (&redacted, stored.as_ref()) {
        (Some(_), Some(original)) if JPEG_DCT.contains(&transfer_syntax.as_str()) => {
            Some(redact_jpeg_frames(original, &regions, plan.redaction))
        }
        _ => None,
    };
    let lossless = frame_coding(&transfer_syntax, &source_photometric).filter(|(coding, _)| {
        redacted.as_ref().is_some_and(|decoded| match coding {
            pixels::FrameCoding::Rle => decoded.fits_rle(),
            _ => decoded.fits_lossless_jpeg(),
        })
    });
    let transfer_syntax = match (redacted, stored, jpeg, lossless) {
        // A JPEG stays JPEG: the frames without text keep their bytes, and in the others only
        // the blocks under the text are coded again.
        (Some(_), _, Some(Ok((fragments, note))), _) => {
            object.put(DataElement::new(
                Tag(0x7FE0, 0x0010),
                VR::OB,
                dicom_core::value::Value::PixelSequence(
                    dicom_core::value::PixelFragmentSequence::new(Vec::<u32>::new(), fragments),
                ),
            ));
            pixels_written = note;
            transfer_syntax
        }
        // An RLE, JPEG-LS or JPEG lossless file stays so: the frames without text keep their
        // bytes, the others are coded again, losslessly, so the copy is no bigger than it must
        // be. A near-lossless JPEG-LS frame loses nothing more: it is coded again with NEAR 0.
        (Some(decoded), Some(original), None, Some((coding, name))) => {
            let lossy_source = decoded.lossy_source();
            decoded
                .write_frames_into(&mut object, original, &changed, coding)
                .map_err(|reason| {
                    Error::Refused(format!("cannot code the frames again: {reason}"))
                })?;
            pixels_written = format!(
                "the frames were kept in {name}: those without text byte for byte, the others \
                 coded again losslessly"
            );
            if lossy_source {
                pixels_written.push_str(
                    " (they lose nothing more, but lossless coding makes them larger than they \
                     were)",
                );
            }
            transfer_syntax
        }
        (Some(decoded), _, jpeg, _) => {
            if let Some(Err(reason)) = jpeg {
                pixels_written = format!(
                    "the pixels were written uncompressed, as the JPEG's blocks could not be \
                     edited alone ({reason})"
                );
            }
            decoded.write_into(&mut object);
            EXPLICIT_LE.to_string()
        }
        (None, ..) => transfer_syntax,
    };
    if declared_class.is_empty() && text_of(&object, Tag(0x0008, 0x0016)).is_none() {
        return Err(malformed(
            "no SOP Class UID: the file does not say what kind of object it is, so no valid copy \
             can be written",
        ));
    }
    let sop_instance = Tag(0x0008, 0x0018);
    if object.get(sop_instance).is_none() {
        // The file's identity in any archive; derived from its content so a second run gives
        // the same one.
        use sha2::Digest;
        let content: String = sha2::Sha256::digest(&document.bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let made_up = uid::remap(key, &format!("content {content}"));
        object.put(DataElement::new(
            sop_instance,
            VR::UI,
            PrimitiveValue::from(made_up),
        ));
    }
    let mut meta = FileMetaTableBuilder::new().transfer_syntax(transfer_syntax);
    if !declared_class.is_empty() {
        // The data set's own SOP Class UID, when it has one, takes precedence in `with_meta`.
        meta = meta.media_storage_sop_class_uid(declared_class);
    }
    let file = object
        .with_meta(meta)
        .map_err(|error| malformed(format!("cannot write the file meta information: {error}")))?;
    let mut bytes = Vec::with_capacity(document.bytes.len());
    file.write_all(&mut bytes)
        .map_err(|error| Error::Refused(format!("cannot write the cleaned DICOM: {error}")))?;
    let hidden = (!regions.is_empty()).then(|| {
        crate::pixels::hidden_in_words(
            regions.iter().map(|(_, patch)| patch),
            plan.faces,
            "the pixels",
        )
    });
    let mut done = summarize(&changes, hidden, &pixels_written);
    if let Some(span) = pixels {
        if span.end < document.bytes.len() {
            done.push(Done::removed(format!(
                "removed {} after the pixel data (padding or signatures)",
                crate::document::size(document.bytes.len() - span.end)
            )));
        }
        bytes.extend_from_slice(&document.bytes[span]);
    }

    Ok(Output {
        format: Format::Dicom,
        bytes,
        done,
        must_not_contain,
        read_in_pixels,
        before_redaction,
        known: Vec::new(),
        kept: Vec::new(),
        written: Vec::new(),
        faces_kept: crate::faces::kept(plan),
    })
}

/// Whether frames whose pixels changed are coded again in their own syntax (see
/// [`frame_coding`]), so the stored frames are worth keeping for those that did not change. The
/// photometric interpretation only tunes how JPEG 2000 frames are coded, not whether.
fn codes_frames_again(syntax: &str) -> bool {
    frame_coding(syntax, "").is_some()
}

/// How frames of a lossless syntax whose pixels changed are coded again, and its name. A lossy
/// JPEG 2000 frame is coded again losslessly too: it loses nothing more.
fn frame_coding(syntax: &str, photometric: &str) -> Option<(pixels::FrameCoding, &'static str)> {
    if syntax == RLE_LOSSLESS {
        Some((pixels::FrameCoding::Rle, "RLE"))
    } else if jpeg_ls::TRANSFER_SYNTAXES.contains(&syntax) {
        Some((pixels::FrameCoding::JpegLs, "JPEG-LS"))
    } else if jpeg_lossless::TRANSFER_SYNTAXES.contains(&syntax) {
        Some((pixels::FrameCoding::JpegLossless, "JPEG lossless"))
    } else if jpeg2000::TRANSFER_SYNTAXES.contains(&syntax) {
        let colour_transform = matches!(photometric, "YBR_RCT" | "YBR_ICT");
        Some((
            pixels::FrameCoding::Jpeg2000 { colour_transform },
            "JPEG 2000",
        ))
    } else {
        None
    }
}

/// The frames of a JPEG baseline file with the text redacted in the blocks it lies in, one
/// fragment each (padded to an even length), and what was done, for the report. Frames without
/// text keep their bytes.
fn redact_jpeg_frames(
    original: &[Vec<u8>],
    regions: &[(u32, crate::pixels::Patch)],
    how: crate::Redaction,
) -> Result<(Vec<Vec<u8>>, String), String> {
    let (mut changed, mut blocks, mut frames) = (0, 0, 0);
    let mut fragments = Vec::with_capacity(original.len());
    for (frame, stored) in original.iter().enumerate() {
        let patches: Vec<crate::pixels::Patch> = regions
            .iter()
            .filter(|&&(f, _)| f as usize == frame)
            .map(|&(_, patch)| patch)
            .collect();
        if patches.is_empty() {
            fragments.push(stored.clone());
            continue;
        }
        let redacted = crate::pixels::jpeg::redact(stored, &patches, how)
            .map_err(|reason| format!("frame {}: {reason}", frame + 1))?;
        let mut bytes = redacted.bytes;
        if bytes.len() % 2 == 1 {
            bytes.push(0);
        }
        fragments.push(bytes);
        changed += redacted.blocks_changed;
        blocks += redacted.blocks;
        frames += 1;
    }
    let note = format!(
        "the JPEG compression was kept: in {frames} frame(s) {changed} of {blocks} blocks were \
         coded again, every other block and frame kept exactly"
    );
    Ok((fragments, note))
}

/// One line per kind of change, with a count, for the report.
fn summarize(changes: &[deid::Change], hidden: Option<String>, pixels_written: &str) -> Vec<Done> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for change in changes {
        match counts.iter_mut().find(|(what, _)| *what == change.what) {
            Some((_, count)) => *count += 1,
            None => counts.push((change.what, 1)),
        }
    }
    let mut done: Vec<Done> = counts
        .into_iter()
        .map(|(what, count)| Done::removed(format!("{what}: {count} attribute(s)")))
        .collect();
    match hidden {
        None => done.push(Done::kept("kept the pixel data bit for bit")),
        Some(hidden) => done.push(Done::removed(format!(
            "made {hidden} unreadable; {pixels_written}"
        ))),
    }
    done
}

/// Read the written bytes back and look for anything that should not be there: private data,
/// overlays, any identifier of the original header, any original UID, or pixels that may show
/// text.
pub fn verify(output: &Output) -> Result<Findings, Error> {
    let file = parse_header(&output.bytes)?;
    let mut items = Vec::new();
    leftovers(&file, "", &output.must_not_contain, &mut items);
    if text_of(&file, Tag(0x0012, 0x0062)).as_deref() != Some("YES") {
        items.push(finding(
            Category::Identifier,
            "(0012,0062) PatientIdentityRemoved".into(),
            String::new(),
            "the file does not say that the patient's identity was removed",
        ));
    }
    if has_pixel_data(&output.bytes) {
        match decode(&output.bytes) {
            Ok(pixels) => {
                items.extend(crate::pixels::text_left(
                    pixels.frames,
                    |f| pixels.display(f),
                    output.before_redaction.as_ref(),
                    &output.must_not_contain,
                    &output.read_in_pixels,
                )?);
                if may_show_faces(&file) {
                    items.extend(faces_in(&pixels, &output.faces_kept)?);
                }
            }
            Err(reason) => {
                if let Some(risk) = burned_in_risk(&file, &output.bytes) {
                    items.push(unreadable_pixels(&reason, &risk));
                }
            }
        }
    }
    Ok(Findings::new(items))
}

/// Attributes that name things rather than people and are kept on purpose: the maker, the
/// model, codes, and the de-identification stamp itself. A coincidence with a known identifier
/// there (an institution called like its scanner maker) is not a leak.
const NOT_SEARCHED: [Tag; 8] = [
    Tag(0x0008, 0x0070),
    Tag(0x0008, 0x1090),
    Tag(0x0008, 0x0100),
    Tag(0x0008, 0x0102),
    Tag(0x0008, 0x0104),
    Tag(0x0012, 0x0062),
    Tag(0x0012, 0x0063),
    Tag(0x0012, 0x0064),
];

fn leftovers(
    object: &InMemDicomObject,
    path: &str,
    forbidden: &[String],
    items: &mut Vec<Finding>,
) {
    for element in object.iter() {
        let tag = element.tag();
        let here = format!("{path}{}", deid::describe(tag));
        if tag.group() % 2 == 1 || deid::is_graphics_group(tag.group()) {
            items.push(finding(
                deid::category_of(element),
                here,
                String::new(),
                "left in the file",
            ));
            continue;
        }
        if NOT_SEARCHED.contains(&tag) {
            continue;
        }
        if let Some(sequence) = element.items() {
            for (index, item) in sequence.iter().enumerate() {
                leftovers(item, &format!("{here}[{index}] > "), forbidden, items);
            }
            continue;
        }
        let searched = matches!(
            element.vr(),
            VR::UI
                | VR::PN
                | VR::LO
                | VR::SH
                | VR::ST
                | VR::LT
                | VR::UT
                | VR::UC
                | VR::AE
                | VR::DA
                | VR::DT
        );
        // Checked before reading the value as text: numbers (pixel data read as OW) would be
        // formatted one by one.
        if !searched {
            continue;
        }
        let Ok(value) = element.to_multi_str() else {
            continue;
        };
        let neutral = deid::neutral_text(element.vr());
        if neutral.is_some_and(|neutral| {
            value
                .iter()
                .all(|v| v.trim_end_matches(['\0', ' ']) == neutral)
        }) {
            continue;
        }
        let found = if element.vr() == VR::UI {
            forbidden.iter().find(|uid| {
                is_uid(uid)
                    && value
                        .iter()
                        .any(|v| v.trim_end_matches(['\0', ' ']) == uid.as_str())
            })
        } else {
            let words: Vec<String> = value
                .iter()
                .flat_map(|v| crate::text::plain_words(v))
                .collect();
            forbidden
                .iter()
                .filter(|known| !is_uid(known))
                .find(|known| crate::text::in_a_row(&words, known))
        };
        if let Some(found) = found {
            items.push(finding(
                deid::category_of(element),
                here,
                found.clone(),
                "an identifier of the original file is still there",
            ));
        }
    }
}

fn is_uid(value: &str) -> bool {
    value.contains('.') && value.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}
