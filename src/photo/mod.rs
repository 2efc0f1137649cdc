//! Photo metadata: find every item that can identify someone, and strip them losslessly.
//!
//! This part owns the containers (JPEG/MPO, PNG, WebP, TIFF, GIF, HEIC/AVIF) and the metadata payloads they
//! carry (EXIF, XMP, IPTC, comments, text chunks). Stripping is a whitelist: each container keeps
//! its image data, the ICC profile and an Orientation-only EXIF, and rebuilds itself without
//! anything else, so an item nobody here has heard of is dropped rather than copied. What is kept
//! is copied byte for byte, unless text in the picture is to be redacted: then the picture is
//! decoded, redacted and re-encoded without any metadata (`raster`).

mod av1;
mod exif;
mod gif;
mod heif;
mod ifd;
mod iptc;
mod jpeg;
mod png;
mod raster;
mod tiff;
mod webp;
mod xmp;

use crate::document::size;
use crate::document::{
    Action, Category, Document, Done, Error, Finding, Findings, Format, Location, Output, Plan,
};
use crate::pixels::Patch;

/// Recognise a photo container from its first bytes.
pub fn sniff(bytes: &[u8]) -> Result<Format, Error> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(Format::WebP);
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return Ok(Format::Tiff);
    }
    if bytes.starts_with(b"II+\0") || bytes.starts_with(b"MM\0+") {
        return Err(Error::Unsupported(
            "BigTIFF is not supported yet; save it as an ordinary TIFF or PNG first".into(),
        ));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(Format::Gif);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        let heif = matches!(
            brand,
            b"avif" | b"avis" | b"heic" | b"heix" | b"heim" | b"heis" | b"mif1" | b"msf1"
        );
        if heif {
            return Ok(if heif::is_avif(bytes) {
                Format::Avif
            } else {
                Format::Heic
            });
        }
    }
    Err(Error::Unsupported(
        "not a DICOM file nor a JPEG, PNG, WebP, TIFF, GIF, HEIC or AVIF picture".into(),
    ))
}

/// List every metadata item of a photo, and the text in its picture.
pub fn analyze(document: &Document) -> Result<Findings, Error> {
    let mut findings = inspect(document.format, &document.bytes)?;
    match picture(document) {
        Ok(picture) => {
            let (text, frames) = crate::pixels::find_text(1, |_| raster::displayed(&picture), &[])?;
            findings.items.extend(text);
            findings
                .items
                .extend(crate::faces::findings(&raster::displayed(&picture), 0)?);
            findings.frames = Some(frames);
        }
        Err(error) => findings.items.push(Finding {
            category: Category::Text,
            location: Location::Metadata {
                picture: 0,
                container: document.format.name().to_string(),
                field: "image data".to_string(),
            },
            value: String::new(),
            explanation: format!(
                "the picture could not be read to look for names written in it: {error}"
            ),
            confidence: 0.5,
            action: Action::Unresolved,
        }),
    }
    Ok(findings)
}

/// The picture, decoded from the stripped bytes: a decoder that trips on an odd metadata block
/// must not keep the picture from being read, and the orientation and colour profile are kept
/// for the decoder to apply and carry.
fn picture(document: &Document) -> Result<raster::Decoded, Error> {
    let keep = Keep {
        orientation: true,
        colour_profile: true,
    };
    let stripped = strip(document.format, &document.bytes, keep, &mut Vec::new())?;
    raster::decode(&stripped, document.format)
}

/// The photo as it is shown: turned upright, 8-bit RGB.
pub fn view(document: &Document) -> Result<image::RgbImage, Error> {
    Ok(raster::displayed(&picture(document)?))
}

/// A rendered picture as a new file with nothing in it but pixels: the encoders write no
/// metadata. PNG is lossless; JPEG is written at quality 95.
pub fn encode_plain(picture: image::RgbImage, format: Format) -> Result<Vec<u8>, Error> {
    raster::Decoded {
        image: image::DynamicImage::ImageRgb8(picture),
        icc_profile: None,
    }
    .encode(format, false)
}

fn strip(format: Format, bytes: &[u8], keep: Keep, done: &mut Vec<Done>) -> Result<Vec<u8>, Error> {
    match format {
        Format::Jpeg => jpeg::strip(bytes, keep, done),
        Format::Png => png::strip(bytes, keep, done),
        Format::WebP => webp::strip(bytes, keep, done),
        Format::Tiff => tiff::strip(bytes, keep, done),
        Format::Gif => gif::strip(bytes, keep, done),
        Format::Heic | Format::Avif => heif::strip(bytes, format, keep, done),
        Format::Dicom | Format::Caption => Err(not_a_photo()),
    }
}

/// How viewers turn the picture when its EXIF, which the decoders apply, says nothing of it:
/// from a text copy of EXIF or from XMP (see `png::turn_besides_exif`, `jpeg::turn_besides_exif`).
fn turn_besides_exif(bytes: &[u8], format: Format) -> Option<u16> {
    match format {
        Format::Jpeg => jpeg::turn_besides_exif(bytes),
        Format::Png => png::turn_besides_exif(bytes),
        _ => None,
    }
}

fn inspect(format: Format, bytes: &[u8]) -> Result<Findings, Error> {
    let mut found = Collector::default();
    match format {
        Format::Jpeg => jpeg::inspect(bytes, &mut found)?,
        Format::Png => png::inspect(bytes, &mut found)?,
        Format::WebP => webp::inspect(bytes, &mut found)?,
        Format::Tiff => tiff::inspect(bytes, &mut found)?,
        Format::Gif => gif::inspect(bytes, &mut found)?,
        Format::Heic | Format::Avif => heif::inspect(bytes, format, &mut found)?,
        Format::Dicom | Format::Caption => return Err(not_a_photo()),
    }
    Ok(Findings::new(found.findings))
}

/// Rebuild the photo with only what the plan keeps.
pub fn apply(document: &Document, plan: &Plan) -> Result<Output, Error> {
    let keep = Keep {
        orientation: plan.keeps(Category::Orientation),
        colour_profile: plan.keeps(Category::ColourProfile),
    };
    let regions: Vec<Patch> = crate::pixels::regions_to_redact(plan)
        .into_iter()
        .map(|(_, patch)| patch)
        .collect();
    if !regions.is_empty() {
        return redact(document, plan, &regions);
    }
    let mut done = Vec::new();
    let bytes = strip(document.format, &document.bytes, keep, &mut done)?;
    Ok(Output {
        format: document.format,
        bytes,
        done,
        must_not_contain: Vec::new(),
        read_in_pixels: Vec::new(),
        before_redaction: None,
        known: Vec::new(),
        kept: Vec::new(),
        written: Vec::new(),
        faces_kept: crate::faces::kept(plan),
    })
}

/// Text in the picture. A JPEG is redacted in its DCT blocks ([`redact_jpeg_blocks`]); any
/// other picture (and a JPEG that cannot be, progressive ones) is decoded, redacted and
/// re-encoded in its own format, which leaves every metadata item behind (the encoders write
/// none) but the colour profile the plan keeps.
fn redact(document: &Document, plan: &Plan, regions: &[Patch]) -> Result<Output, Error> {
    let mut picture = picture(document)?;
    let before_redaction = crate::pixels::before_redaction(1, |_| raster::displayed(&picture));
    let framed = regions.iter().map(|&patch| (0, patch)).collect();
    let regions: Vec<Patch> =
        crate::faces::narrowed_to_eyes(framed, plan.faces, |_| raster::displayed(&picture))?
            .into_iter()
            .map(|(_, patch)| patch)
            .collect();
    let regions = regions.as_slice();
    let read_in_pixels = plan.identifiers_in_pixels();
    let mut done = Vec::new();
    if document.format == Format::Jpeg {
        match redact_jpeg_blocks(document, plan, regions, &mut done) {
            Ok(bytes) => {
                return Ok(Output {
                    format: Format::Jpeg,
                    bytes,
                    done,
                    must_not_contain: read_in_pixels.clone(),
                    read_in_pixels,
                    before_redaction: Some(before_redaction),
                    known: Vec::new(),
                    kept: Vec::new(),
                    written: Vec::new(),
                    faces_kept: crate::faces::kept(plan),
                });
            }
            Err(reason) => {
                done = vec![Done::removed(format!(
                    "coded the whole picture again, as its blocks could not be edited alone \
                     ({reason})"
                ))];
            }
        }
    }
    for &patch in regions {
        picture.redact(patch, plan.redaction);
    }
    let keep_profile = plan.keeps(Category::ColourProfile);
    let format = saved_as(document.format, &picture);
    let size = (picture.image.width(), picture.image.height());
    let mut bytes = picture.encode(format, keep_profile)?;
    let mut turn_kept = None;
    if document.format == Format::WebP
        && format == Format::WebP
        && plan.keeps(Category::Orientation)
        && raster::stored_size_and_turn(&document.bytes, Format::WebP)?.2
            == image::metadata::Orientation::NoTransforms
    {
        (bytes, turn_kept) = webp::with_unapplied_orientation(&bytes, &document.bytes, size)?;
    }
    done.push(Done::removed(format!(
        "made {} unreadable and saved the picture again, {}",
        crate::pixels::hidden_in_words(regions.iter(), plan.faces, "the picture"),
        match turn_kept {
            Some(_) => "stored as it was, with its orientation alone",
            None => "turned upright, with no metadata",
        }
    )));
    if let Some(orientation) = turn_kept {
        done.push(Done::kept(format!(
            "kept orientation only ({}), for the viewers that turn the picture by it",
            exif::orientation_text(orientation).unwrap_or_default()
        )));
    }
    if format != document.format {
        done.push(Done::removed(format!(
            "saved as {format}: a {} picture cannot be written again here once its pixels change",
            document.format
        )));
    }
    if document.format == Format::Png {
        let carried;
        (bytes, carried) = png::with_display_chunks(&bytes, &document.bytes)?;
        if !carried.is_empty() {
            done.push(Done::kept(format!(
                "kept how colours and size are shown ({})",
                carried.join(", ")
            )));
        }
    }
    if keep_profile {
        done.push(Done::kept("kept the colour profile"));
    }
    Ok(Output {
        format,
        bytes,
        done,
        must_not_contain: read_in_pixels.clone(),
        read_in_pixels,
        before_redaction: Some(before_redaction),
        known: Vec::new(),
        kept: Vec::new(),
        written: Vec::new(),
        faces_kept: crate::faces::kept(plan),
    })
}

/// A JPEG with its metadata stripped as the plan says, then the text redacted in the 8×8 blocks
/// it lies in: every other block keeps its coefficients, so the photo is not compressed a second
/// time and stays its size. The regions, found in the picture as shown, are turned back to where
/// they are stored.
fn redact_jpeg_blocks(
    document: &Document,
    plan: &Plan,
    regions: &[Patch],
    done: &mut Vec<Done>,
) -> Result<Vec<u8>, String> {
    let keep = Keep {
        orientation: plan.keeps(Category::Orientation),
        colour_profile: plan.keeps(Category::ColourProfile),
    };
    let (width, height, turn) =
        raster::stored_size_and_turn(&document.bytes, Format::Jpeg).map_err(|e| e.to_string())?;
    let stored: Vec<Patch> = regions
        .iter()
        .map(|patch| Patch {
            text: raster::stored_region(patch.text, turn, width, height),
            area: raster::stored_region(patch.area, turn, width, height),
            face: patch.face,
        })
        .collect();
    let mut stripped_done = Vec::new();
    let stripped = strip(Format::Jpeg, &document.bytes, keep, &mut stripped_done)
        .map_err(|e| e.to_string())?;
    let redacted = crate::pixels::jpeg::redact(&stripped, &stored, plan.redaction)?;
    done.extend(stripped_done);
    done.push(Done::removed(format!(
        "made {} unreadable in the JPEG's own blocks: {} of {} blocks coded again, every other \
         one kept exactly, with no second compression",
        crate::pixels::hidden_in_words(regions.iter(), plan.faces, "the picture"),
        redacted.blocks_changed,
        redacted.blocks
    )));
    Ok(redacted.bytes)
}

/// The format a picture whose pixels changed is written in: its own, but HEIC and AVIF, for
/// which no encoder is at hand: JPEG, or PNG when the picture has transparency to keep.
fn saved_as(format: Format, picture: &raster::Decoded) -> Format {
    match format {
        Format::Heic | Format::Avif if picture.image.color().has_alpha() => Format::Png,
        Format::Heic | Format::Avif => Format::Jpeg,
        own => own,
    }
}

/// Analyse written bytes again. The output must still be a photo of the same format; anything
/// identifying found in it, metadata or text in the picture, is returned, and the caller
/// reports the file as not clean.
pub fn verify(output: &Output) -> Result<Findings, Error> {
    let format = sniff(&output.bytes)?;
    if format != output.format {
        return Err(Error::Refused(format!(
            "output turned into {format} instead of {}",
            output.format
        )));
    }
    let mut findings = inspect(format, &output.bytes)?;
    let picture = raster::decode(&output.bytes, format)?;
    findings.items.extend(crate::pixels::text_left(
        1,
        |_| raster::displayed(&picture),
        output.before_redaction.as_ref(),
        &output.must_not_contain,
        &output.read_in_pixels,
    )?);
    findings.items.extend(crate::faces::left(
        &raster::displayed(&picture),
        0,
        &output.faces_kept,
    )?);
    Ok(findings)
}

/// The library routes DICOM to its own part; reaching here would be a routing mistake, answered
/// with an error rather than a panic.
fn not_a_photo() -> Error {
    Error::Refused("DICOM files are handled by the DICOM part, not as photos".into())
}

/// The few things a stripped photo may carry over, decided by the plan.
#[derive(Debug, Clone, Copy)]
struct Keep {
    orientation: bool,
    colour_profile: bool,
}

/// What a container drops, gathered by kind, so that the report says once "removed 3 × XMP
/// block (12 kB)".
#[derive(Default)]
struct Removed(std::collections::BTreeMap<String, (usize, usize)>);

impl Removed {
    fn note(&mut self, what: &str, len: usize) {
        let entry = self.0.entry(what.to_string()).or_default();
        entry.0 += 1;
        entry.1 += len;
    }

    fn report(self, done: &mut Vec<Done>) {
        for (what, (count, len)) in self.0 {
            let times = if count > 1 {
                format!("{count} × ")
            } else {
                String::new()
            };
            done.push(Done::removed(format!(
                "removed {times}{what} ({})",
                size(len)
            )));
        }
    }
}

/// What a small copy of the picture gives away, wherever it is stored (EXIF, TIFF, HEIF).
const SMALL_COPY: &str = "a smaller copy of the picture, possibly before your edits";
/// Why an orientation is kept, wherever it is written (EXIF, XMP, HEIF).
const TURN_EXPLAINED: &str = "how the picture is turned on screen; kept so it looks the same";

/// A metadata payload stored inside another (XMP or IPTC in an EXIF directory, EXIF or XMP in
/// Photoshop's resources): routed here, so that the payloads need not know one another.
#[derive(Debug, Clone, Copy)]
enum Packet {
    Exif,
    Xmp,
    Iptc,
    Photoshop,
}

/// Explains a payload found inside `container`.
fn inspect_packet(packet: Packet, data: &[u8], container: &str, found: &mut Collector) {
    match packet {
        Packet::Exif => exif::inspect(data, &format!("{container} EXIF"), found),
        Packet::Xmp => xmp::inspect(data, &format!("{container} XMP"), found),
        Packet::Iptc => iptc::inspect_iim(data, &format!("{container} IPTC"), found),
        Packet::Photoshop => iptc::inspect_photoshop(data, found),
    }
}

/// Gathers findings while a container is walked. `picture` says which embedded picture the
/// walker is in, so an MPO's second image or a TIFF's second page is named as such.
#[derive(Default)]
struct Collector {
    findings: Vec<Finding>,
    picture: u32,
}

impl Collector {
    fn add(
        &mut self,
        category: Category,
        container: &str,
        field: impl Into<String>,
        value: impl Into<String>,
        explanation: impl Into<String>,
    ) {
        let action = if category.identifies() {
            Action::Remove
        } else {
            Action::Keep
        };
        self.findings.push(Finding {
            category,
            location: Location::Metadata {
                picture: self.picture,
                container: container.to_string(),
                field: field.into(),
            },
            value: shorten(&value.into()),
            explanation: explanation.into(),
            confidence: 1.0,
            action,
        });
    }
}

/// Whether bytes are an ICC profile as its header describes it. Anything else in the place of a
/// profile is not copied, since it could be any data at all.
fn is_icc_profile(profile: &[u8]) -> bool {
    profile.len() >= 128
        && profile.get(36..40) == Some(b"acsp".as_slice())
        && u32::from_be_bytes([profile[0], profile[1], profile[2], profile[3]]) as usize
            == profile.len()
}

/// Values are shown to the user and written to reports; a long XMP history or comment is cut so
/// a report stays readable.
fn shorten(value: &str) -> String {
    const MAX_CHARS: usize = 200;
    let trimmed = value.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let mut chars = trimmed.chars();
    let head: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Text from metadata is often Latin-1 or padded with NULs; show it as readable text either way.
fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// Helpers the format modules' tests share.
#[cfg(test)]
mod testing {
    use std::path::PathBuf;

    /// The field a photo finding names (a tag, a chunk keyword, a property).
    pub(super) fn field(finding: &crate::document::Finding) -> &str {
        match &finding.location {
            crate::document::Location::Metadata { field, .. } => field,
            other => panic!("a photo finding at {other}"),
        }
    }

    /// Findings as (category, field, value), compared with what a test expects, in order.
    pub(super) fn assert_findings(
        findings: &[crate::document::Finding],
        expected: &[(crate::document::Category, &str, &str)],
    ) {
        let found: Vec<_> = findings
            .iter()
            .map(|f| (f.category, field(f), f.value.as_str()))
            .collect();
        assert_eq!(found, expected);
    }

    /// The smallest bytes that pass for an ICC profile, ending in a recognisable tail.
    pub(super) fn icc_profile() -> Vec<u8> {
        let mut profile = vec![0u8; 128];
        profile[..4].copy_from_slice(&128u32.to_be_bytes());
        profile[36..40].copy_from_slice(b"acsp");
        profile[115..].copy_from_slice(b"profile-bytes");
        profile
    }

    /// Pillow's test photos with this extension from the shared corpus, sorted; empty, saying
    /// why, when the corpus is not beside the repository.
    pub(super) fn corpus(extension: &str) -> Vec<PathBuf> {
        let folder =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/photos/pillow");
        let Ok(listing) = std::fs::read_dir(&folder) else {
            println!("skipped: {} is absent", folder.display());
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = listing
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|e| e == extension))
            .collect();
        paths.sort();
        assert!(!paths.is_empty(), "no .{extension} in {}", folder.display());
        paths
    }
}
