//! JPEG and MPO: walk the marker segments, name every metadata segment, and rebuild the file from
//! the segments a decoder needs, with the entropy-coded data copied byte for byte.
//!
//! An MPO is a JPEG followed by more JPEGs (the other eye of a 3D camera, a preview, a depth
//! map). Each embedded picture is inspected like the main one; scrubbing keeps only the main
//! picture, because the others are pictures the user never sees when posting.

use std::collections::BTreeMap;
use std::ops::Range;

use super::{Collector, Keep, Removed, exif, iptc, size, text, xmp};
use crate::document::{Category, Done, Error, Format};

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const COM: u8 = 0xFE;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP13: u8 = 0xED;
const APP14: u8 = 0xEE;

const EXIF_ID: &[u8] = b"Exif\0";
const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXTENSION_ID: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const ICC_ID: &[u8] = b"ICC_PROFILE\0";
const MPF_ID: &[u8] = b"MPF\0";
const PHOTOSHOP_ID: &[u8] = b"Photoshop 3.0\0";

/// One piece of a JPEG stream, as byte ranges into the file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// A marker segment: `whole` spans the marker and its length field, `payload` what follows.
    Segment {
        marker: u8,
        whole: Range<usize>,
        payload: Range<usize>,
    },
    /// Entropy-coded data after a start-of-scan, with its stuffed bytes and restart markers.
    Scan(Range<usize>),
}

/// The parts of one picture of the file, from SOI to EOI, and where the bytes after its EOI
/// begin.
struct Parts {
    parts: Vec<Part>,
    end: usize,
}

/// Walk one JPEG picture starting at `start` (which must hold SOI).
fn walk(bytes: &[u8], start: usize) -> Result<Parts, Error> {
    let malformed = |reason: &str| Error::malformed(Format::Jpeg, reason);
    if bytes.get(start..start + 2) != Some(&[0xFF, SOI]) {
        return Err(malformed("missing start-of-image marker"));
    }
    let mut parts = Vec::new();
    let mut pos = start + 2;
    loop {
        if bytes.get(pos) != Some(&0xFF) {
            return Err(if pos >= bytes.len() {
                malformed("the file ends before the picture does (truncated)")
            } else {
                malformed(&format!("expected a marker at byte {pos}"))
            });
        }
        while bytes.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos + 1) else {
            return Err(malformed(
                "the file ends before the picture does (truncated)",
            ));
        };
        let marker_at = pos;
        pos += 2;
        match marker {
            EOI => {
                return Ok(Parts { parts, end: pos });
            }
            0x01 | 0xD0..=0xD7 => {
                parts.push(Part::Segment {
                    marker,
                    whole: marker_at..pos,
                    payload: pos..pos,
                });
                continue;
            }
            SOI | 0x00 => return Err(malformed(&format!("unexpected marker at byte {marker_at}"))),
            _ => {}
        }
        let length = match bytes.get(pos..pos + 2) {
            Some(&[high, low]) => usize::from(u16::from_be_bytes([high, low])),
            _ => {
                return Err(malformed(
                    "the file ends inside a segment header (truncated)",
                ));
            }
        };
        if length < 2 {
            return Err(malformed(&format!(
                "segment at byte {marker_at} has an impossible length"
            )));
        }
        let end = pos + length;
        if end > bytes.len() {
            return Err(malformed(
                "a segment runs past the end of the file (truncated)",
            ));
        }
        parts.push(Part::Segment {
            marker,
            whole: marker_at..end,
            payload: pos + 2..end,
        });
        pos = end;
        if marker == SOS {
            let scan_end = scan_end(bytes, pos)
                .ok_or_else(|| malformed("the file ends inside the image data (truncated)"))?;
            parts.push(Part::Scan(pos..scan_end));
            pos = scan_end;
        }
    }
}

/// Where entropy-coded data starting at `start` ends: at the first 0xFF that is not a stuffed
/// zero, a restart marker or a fill byte.
fn scan_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut pos = start;
    loop {
        pos += memchr::memchr(0xFF, bytes.get(pos..)?)?;
        match *bytes.get(pos + 1)? {
            0x00 | 0xD0..=0xD7 | 0xFF => pos += 1,
            _ => return Some(pos),
        }
    }
}

/// Whether the picture's ICC_PROFILE segments, put back together in their sequence order, form
/// one valid profile. Anything else under that label could be any data, so it is not kept.
fn has_valid_icc_profile(bytes: &[u8], picture: &Parts) -> bool {
    let mut chunks: Vec<(u8, &[u8])> = picture
        .parts
        .iter()
        .filter_map(|part| match part {
            Part::Segment {
                marker: APP2,
                payload,
                ..
            } => identified(bytes, payload, ICC_ID),
            _ => None,
        })
        .filter_map(|chunk| Some((*chunk.first()?, chunk.get(2..)?)))
        .collect();
    chunks.sort_by_key(|(sequence, _)| *sequence);
    let profile: Vec<u8> = chunks
        .iter()
        .flat_map(|(_, data)| data.iter().copied())
        .collect();
    super::is_icc_profile(&profile)
}

/// The payload of a segment if it starts with the given identifier.
fn identified<'a>(bytes: &'a [u8], payload: &Range<usize>, id: &[u8]) -> Option<&'a [u8]> {
    bytes[payload.clone()].strip_prefix(id)
}

/// Pictures following the main one: each one starting with SOI right after the previous EOI.
/// Whatever else follows is returned as the range of hidden trailing bytes.
fn pictures(bytes: &[u8]) -> Result<(Vec<Parts>, Range<usize>), Error> {
    let mut pictures = vec![walk(bytes, 0)?];
    let mut end = pictures[0].end;
    while bytes[end..].starts_with(&[0xFF, SOI, 0xFF]) {
        match walk(bytes, end) {
            Ok(picture) => {
                end = picture.end;
                pictures.push(picture);
            }
            Err(_) => break,
        }
    }
    Ok((pictures, end..bytes.len()))
}

/// What phones store after the main picture, named so that the user knows what goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    /// Ultra HDR (Android) or ISO 21496-1: a second picture that brightens highlights on HDR
    /// screens, with metadata of its own.
    GainMap,
    /// Any other picture after the main one: a second view (MPO), a preview, a depth map.
    Picture,
    /// A motion photo's video (Google's layout: an MP4 right after the picture; Samsung's:
    /// `MotionPhoto_Data`, the MP4, then an SEF trailer): the seconds before and after the
    /// photo, with sound, and often where it was recorded.
    Video,
    Unknown,
}

/// Gain-map metadata (Adobe's namespace, which Ultra HDR uses) or Apple's HDR gain-map
/// auxiliary type.
const GAIN_MAP_MARKS: [&[u8]; 2] = [
    b"http://ns.adobe.com/hdr-gain-map/1.0/",
    b"urn:com:apple:photo:2020:aux:hdrgainmap",
];

impl Extra {
    fn of_picture(bytes: &[u8], picture: &Parts) -> Extra {
        let own = &bytes[picture_start(picture)..picture.end];
        if GAIN_MAP_MARKS
            .iter()
            .any(|mark| memchr::memmem::find(own, mark).is_some())
        {
            Extra::GainMap
        } else {
            Extra::Picture
        }
    }

    fn of_trailing(data: &[u8]) -> Extra {
        let mp4 = data.get(4..8) == Some(b"ftyp");
        if mp4 || data.starts_with(b"MotionPhoto_Data") || data.ends_with(b"SEFT") {
            Extra::Video
        } else {
            Extra::Unknown
        }
    }

    fn name(self) -> &'static str {
        match self {
            Extra::GainMap => "HDR gain map",
            Extra::Picture => "embedded picture",
            Extra::Video => "motion photo video",
            Extra::Unknown => "data after the end of the picture",
        }
    }

    fn explanation(self) -> &'static str {
        match self {
            Extra::GainMap => {
                "a second picture that brightens the highlights on HDR screens, with metadata of \
                 its own; the picture looks the same without it on most screens"
            }
            Extra::Picture => {
                "another picture stored inside this file after the main one (a second view, a \
                 preview or a depth map); it is not shown but is shared with the file"
            }
            Extra::Video => {
                "the short video a phone records with a motion photo: the seconds before and \
                 after the picture, with sound, and often where it was taken"
            }
            Extra::Unknown => "hidden data after the end of the picture, which viewers do not show",
        }
    }
}

/// The place an MP4 says it was recorded: the ISO 6709 text of its `©xyz` item
/// (`+48.8566+002.3522/`), which phones write into a motion photo's video.
fn video_location(data: &[u8]) -> Option<String> {
    let at = memchr::memmem::find(data, b"\xA9xyz")?;
    let item = data.get(at + 4..)?;
    let len = usize::from(u16::from_be_bytes([*item.first()?, *item.get(1)?]));
    let place = item.get(4..4 + len)?;
    Some(text(place))
}

pub(super) fn inspect(bytes: &[u8], found: &mut Collector) -> Result<(), Error> {
    let (pictures, trailing) = pictures(bytes)?;
    for (index, picture) in pictures.iter().enumerate() {
        found.picture = index as u32;
        if index > 0 {
            let extra = Extra::of_picture(bytes, picture);
            found.add(
                Category::Picture,
                if extra == Extra::GainMap {
                    "Ultra HDR"
                } else {
                    "MPO"
                },
                extra.name(),
                size(picture.end - picture_start(picture)),
                extra.explanation(),
            );
        }
        inspect_picture(bytes, picture, found);
    }
    found.picture = 0;
    if !trailing.is_empty() {
        let data = &bytes[trailing];
        let extra = Extra::of_trailing(data);
        let (category, container) = match extra {
            Extra::Video => (Category::Picture, "motion photo"),
            _ => (Category::Unknown, "JPEG"),
        };
        found.add(
            category,
            container,
            extra.name(),
            size(data.len()),
            extra.explanation(),
        );
        if let Some(place) = video_location(data) {
            found.add(
                Category::Location,
                container,
                "©xyz",
                place,
                "where the video was recorded, as latitude and longitude",
            );
        }
    }
    Ok(())
}

fn picture_start(picture: &Parts) -> usize {
    match picture.parts.first() {
        Some(Part::Segment { whole, .. }) => whole.start - 2,
        Some(Part::Scan(range)) => range.start,
        None => picture.end - 2,
    }
}

fn inspect_picture(bytes: &[u8], picture: &Parts, found: &mut Collector) {
    let mut extended_xmp: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut icc_bytes = 0;
    let mut scans = 0;
    for part in &picture.parts {
        let Part::Segment {
            marker, payload, ..
        } = part
        else {
            scans += 1;
            continue;
        };
        let data = &bytes[payload.clone()];
        match *marker {
            APP0 => inspect_app0(data, found),
            APP1 => {
                if let Some(exif_data) = identified(bytes, payload, EXIF_ID) {
                    // The identifier is "Exif" followed by two bytes that are zero in every
                    // conforming file and 0xFF in a few broken writers.
                    exif::inspect(exif_data.get(1..).unwrap_or_default(), "EXIF", found);
                } else if let Some(packet) = identified(bytes, payload, XMP_ID) {
                    xmp::inspect(packet, "XMP", found);
                } else if let Some(chunk) = identified(bytes, payload, XMP_EXTENSION_ID) {
                    // GUID (32), full length (4), offset (4), then a piece of the packet.
                    if let (Some(guid), Some(piece)) = (chunk.get(..32), chunk.get(40..)) {
                        extended_xmp
                            .entry(guid.to_vec())
                            .or_default()
                            .extend_from_slice(piece);
                    }
                } else {
                    unknown_segment(*marker, data, found);
                }
            }
            APP2 => {
                if identified(bytes, payload, ICC_ID).is_some() {
                    icc_bytes += data.len();
                } else if identified(bytes, payload, MPF_ID).is_some() {
                    found.add(
                        Category::Picture,
                        "MPF",
                        "picture index",
                        size(data.len()),
                        "an index of extra pictures stored in this file, with their own identifiers",
                    );
                } else if data.starts_with(b"FPXR") {
                    found.add(
                        Category::Picture,
                        "FlashPix",
                        "preview",
                        size(data.len()),
                        "FlashPix data from an old camera, which can hold a preview picture",
                    );
                } else {
                    unknown_segment(*marker, data, found);
                }
            }
            APP13 => match identified(bytes, payload, PHOTOSHOP_ID) {
                Some(resources) => iptc::inspect_photoshop(resources, found),
                None => unknown_segment(*marker, data, found),
            },
            APP14 if data.starts_with(b"Adobe") => {}
            0xE3..=0xEF => unknown_segment(*marker, data, found),
            COM => found.add(
                Category::Text,
                "JPEG comment",
                "COM",
                text(data),
                "a comment written into the file by a camera, a program or a person",
            ),
            _ if !is_kept_structure(*marker) => unknown_segment(*marker, data, found),
            _ => {}
        }
    }
    for packet in extended_xmp.values() {
        xmp::inspect(packet, "XMP (extended)", found);
    }
    if icc_bytes > 0 && has_valid_icc_profile(bytes, picture) {
        found.add(
            Category::ColourProfile,
            "ICC",
            "colour profile",
            size(icc_bytes),
            "how colours should be shown; kept so the picture looks the same",
        );
    } else if icc_bytes > 0 {
        found.add(
            Category::Unknown,
            "ICC",
            "damaged colour profile",
            size(icc_bytes),
            "data labelled as a colour profile that is not a valid one; removed",
        );
    }
    if scans == 0 {
        found.add(
            Category::Unknown,
            "JPEG",
            "no image data",
            "",
            "this JPEG holds no picture, only other data",
        );
    }
}

/// APP0 holds JFIF, which says how to read the colours and may carry a thumbnail, or JFXX, which
/// is only a thumbnail; anything else under APP0 (AVI1 from video frames…) is not understood.
fn inspect_app0(data: &[u8], found: &mut Collector) {
    if let Some(jfif) = data.strip_prefix(b"JFIF\0") {
        let thumbnail = jfif_thumbnail_len(jfif);
        if thumbnail > 0 {
            found.add(
                Category::Picture,
                "JFIF",
                "thumbnail",
                size(thumbnail),
                "thumbnail: a small copy of the picture, possibly before your edits",
            );
        }
    } else if data.starts_with(b"JFXX\0") {
        found.add(
            Category::Picture,
            "JFXX",
            "thumbnail",
            size(data.len()),
            "thumbnail: a small copy of the picture, possibly before your edits",
        );
    } else {
        unknown_segment(APP0, data, found);
    }
}

/// Bytes of the uncompressed RGB thumbnail a JFIF header carries (width × height × 3).
fn jfif_thumbnail_len(jfif: &[u8]) -> usize {
    match jfif.get(7..9) {
        Some(&[width, height]) => usize::from(width) * usize::from(height) * 3,
        _ => 0,
    }
}

fn unknown_segment(marker: u8, data: &[u8], found: &mut Collector) {
    let name = segment_name(marker);
    let label: String = data
        .iter()
        .take_while(|&&b| b.is_ascii_graphic() || b == b' ')
        .take(32)
        .map(|&b| b as char)
        .collect();
    let field = if label.is_empty() {
        name
    } else {
        format!("{name} {label}")
    };
    found.add(
        Category::Unknown,
        "JPEG",
        field,
        size(data.len()),
        "private data from a camera maker or an editing program that this tool does not read",
    );
}

fn segment_name(marker: u8) -> String {
    match marker {
        0xE0..=0xEF => format!("APP{}", marker - 0xE0),
        COM => "COM".into(),
        _ => format!("marker 0x{marker:02X}"),
    }
}

/// Segments a decoder needs to draw the picture: frame and scan headers, tables, restart
/// intervals, and the JPEG-LS extensions. Everything else is metadata or unknown.
fn is_kept_structure(marker: u8) -> bool {
    matches!(marker,
        0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF // frame headers
        | 0xC4 // Huffman tables
        | 0xCC // arithmetic conditioning
        | 0xDB // quantisation tables
        | 0xDD // restart interval
        | 0xDC // number of lines
        | 0xDE | 0xDF // hierarchical progression
        | 0xF7 | 0xF8 // JPEG-LS frame and parameters
        | SOS
        | 0x01 | 0xD0..=0xD7)
}

pub(super) fn strip(bytes: &[u8], keep: Keep, done: &mut Vec<Done>) -> Result<Vec<u8>, Error> {
    let (pictures, trailing) = pictures(bytes)?;
    let main = &pictures[0];
    // Analysis reports such a file as holding only other data; a copy of it would still hold no
    // picture, which verification rejects, so it is refused here with the reason, as PNG and
    // WebP files without image data are.
    if !main.parts.iter().any(|part| matches!(part, Part::Scan(_))) {
        return Err(Error::malformed(
            Format::Jpeg,
            "it holds no image data (no start-of-scan)",
        ));
    }
    let mut out = Vec::with_capacity(main.end);
    out.extend_from_slice(&[0xFF, SOI]);

    let mut removed = Removed::default();
    let keep_icc = keep.colour_profile && has_valid_icc_profile(bytes, main);
    let mut icc_kept = 0;
    let mut orientation_written = false;
    // XMP's orientation is the one viewers apply only when EXIF says nothing of it.
    let mut xmp_turn = turn_besides_exif_in(bytes, main).filter(|_| keep.orientation);

    for part in &main.parts {
        let (marker, whole, payload) = match part {
            Part::Scan(range) => {
                out.extend_from_slice(&bytes[range.clone()]);
                continue;
            }
            Part::Segment {
                marker,
                whole,
                payload,
            } => (*marker, whole.clone(), payload.clone()),
        };
        let data = &bytes[payload.clone()];
        match marker {
            APP0 if data.starts_with(b"JFIF\0") => {
                let jfif = &data[5..];
                if jfif.len() < 9 {
                    return Err(Error::malformed(Format::Jpeg, "JFIF header too short"));
                }
                // Version, density unit and densities say how to read the picture; the thumbnail
                // that may follow is a picture of its own and goes.
                segment(&mut out, APP0, &[b"JFIF\0", &jfif[..7], &[0, 0]].concat());
                if jfif_thumbnail_len(jfif) > 0 {
                    removed.note("JFIF thumbnail", jfif_thumbnail_len(jfif));
                }
            }
            APP1 if identified(bytes, &payload, EXIF_ID).is_some() => {
                let exif_data = data[EXIF_ID.len()..].get(1..).unwrap_or_default();
                let orientation = exif::orientation(exif_data).filter(|o| (2..=8).contains(o));
                match orientation {
                    Some(o) if keep.orientation && !orientation_written => {
                        let payload = [b"Exif\0\0".as_slice(), &exif::orientation_only(o)].concat();
                        segment(&mut out, APP1, &payload);
                        orientation_written = true;
                        done.push(Done::kept(format!(
                            "kept orientation only (EXIF Orientation {o}) so the picture is turned \
                             the same way"
                        )));
                        removed.note("EXIF block (everything but the orientation)", data.len());
                    }
                    _ => removed.note("EXIF block", data.len()),
                }
            }
            APP1 if identified(bytes, &payload, XMP_ID).is_some() => {
                if let Some(o) = xmp_turn.take() {
                    segment(
                        &mut out,
                        APP1,
                        &[XMP_ID, &xmp::orientation_only(o)].concat(),
                    );
                    done.push(Done::kept(format!(
                        "kept orientation only (XMP tiff:Orientation {o}) so the picture is \
                         turned the same way"
                    )));
                    removed.note("XMP block (everything but the orientation)", data.len());
                } else {
                    removed.note("XMP block", data.len());
                }
            }
            APP2 if keep_icc && identified(bytes, &payload, ICC_ID).is_some() => {
                out.extend_from_slice(&bytes[whole]);
                icc_kept += data.len();
            }
            APP14 if data.starts_with(b"Adobe") => out.extend_from_slice(&bytes[whole]),
            _ if is_kept_structure(marker) => out.extend_from_slice(&bytes[whole]),
            _ => removed.note(&describe_removed(bytes, marker, &payload), data.len()),
        }
    }
    out.extend_from_slice(&[0xFF, EOI]);

    if icc_kept > 0 {
        done.push(Done::kept(format!(
            "kept ICC colour profile ({}) so colours look the same",
            size(icc_kept)
        )));
    }
    for picture in &pictures[1..] {
        let extra = Extra::of_picture(bytes, picture);
        removed.note(
            match extra {
                Extra::GainMap => "HDR gain map stored after the main picture",
                _ => "picture stored after the main one",
            },
            picture.end - picture_start(picture),
        );
    }
    if !trailing.is_empty() {
        removed.note(
            match Extra::of_trailing(&bytes[trailing.clone()]) {
                Extra::Video => "motion photo video stored after the picture",
                _ => "data hidden after the end of the picture",
            },
            trailing.len(),
        );
    }
    removed.report(done);
    Ok(out)
}

/// How a viewer turns the picture when EXIF, which decoders apply, does not say: the XMP
/// packet's `tiff:Orientation`, read only when no EXIF block has an orientation at all.
pub(super) fn turn_besides_exif(bytes: &[u8]) -> Option<u16> {
    let (pictures, _) = pictures(bytes).ok()?;
    turn_besides_exif_in(bytes, &pictures[0])
}

fn turn_besides_exif_in(bytes: &[u8], picture: &Parts) -> Option<u16> {
    let segments = || {
        picture.parts.iter().filter_map(|part| match part {
            Part::Segment {
                marker: APP1,
                payload,
                ..
            } => Some(payload),
            _ => None,
        })
    };
    let exif_turns = segments().any(|payload| {
        identified(bytes, payload, EXIF_ID)
            .and_then(|data| data.get(1..))
            .and_then(exif::orientation)
            .is_some()
    });
    if exif_turns {
        return None;
    }
    segments().find_map(|payload| xmp::orientation(identified(bytes, payload, XMP_ID)?))
}

fn describe_removed(bytes: &[u8], marker: u8, payload: &Range<usize>) -> String {
    let has = |id: &[u8]| identified(bytes, payload, id).is_some();
    match marker {
        APP1 if has(XMP_ID) || has(XMP_EXTENSION_ID) => "XMP block".into(),
        APP2 if has(ICC_ID) => "ICC colour profile".into(),
        APP2 if has(MPF_ID) => "MPF picture index".into(),
        APP13 if has(PHOTOSHOP_ID) => "Photoshop/IPTC block".into(),
        APP0 => "JFXX or other APP0 block".into(),
        COM => "comment".into(),
        _ => format!("{} segment", segment_name(marker)),
    }
}

/// A segment dropped from a JPEG stream carried inside another container; `marker` is `None`
/// for bytes after the stream's end.
pub(super) struct Dropped<'a> {
    pub(super) marker: Option<u8>,
    pub(super) payload: &'a [u8],
}

impl Dropped<'_> {
    pub(super) fn name(&self) -> String {
        match self.marker {
            Some(COM) => "comment".into(),
            Some(marker) => format!("{} segment", segment_name(marker)),
            None => "data after the end".into(),
        }
    }
}

/// Split a JPEG stream carried inside another container (TIFF's JPEGTables and JPEG-compressed
/// strips) into the stream rebuilt from what a decoder needs, and everything else.
pub(super) fn split_embedded(stream: &[u8]) -> Result<(Vec<u8>, Vec<Dropped<'_>>), Error> {
    let picture = walk(stream, 0)?;
    let mut clean = Vec::with_capacity(stream.len());
    clean.extend_from_slice(&[0xFF, SOI]);
    let mut dropped = Vec::new();
    for part in &picture.parts {
        match part {
            Part::Scan(range) => clean.extend_from_slice(&stream[range.clone()]),
            Part::Segment {
                marker,
                whole,
                payload,
            } => {
                if is_kept_structure(*marker) {
                    clean.extend_from_slice(&stream[whole.clone()]);
                } else {
                    dropped.push(Dropped {
                        marker: Some(*marker),
                        payload: &stream[payload.clone()],
                    });
                }
            }
        }
    }
    clean.extend_from_slice(&[0xFF, EOI]);
    if picture.end < stream.len() {
        dropped.push(Dropped {
            marker: None,
            payload: &stream[picture.end..],
        });
    }
    Ok((clean, dropped))
}

/// Append a marker segment; payloads here are small (JFIF header, Orientation-only EXIF).
fn segment(out: &mut Vec<u8>, marker: u8, payload: &[u8]) {
    let length = u16::try_from(payload.len() + 2).expect("small segment");
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(payload);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        segment(&mut out, marker, payload);
        out
    }

    /// A JPEG-shaped stream: real decoders would reject the tables, but the walker only needs
    /// structure, and the scan bytes include a stuffed 0xFF00 and a restart marker.
    fn sample(extra_segments: &[Vec<u8>], trailing: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let scan = vec![0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0x78];
        let mut file = vec![0xFF, SOI];
        file.extend(seg(APP0, b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x00\x00"));
        for s in extra_segments {
            file.extend(s);
        }
        file.extend(seg(0xDB, &[0u8; 65]));
        file.extend(seg(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
        file.extend(seg(0xC4, &[0u8; 17]));
        file.extend(seg(SOS, &[1, 1, 0, 0, 63, 0]));
        file.extend(&scan);
        file.extend([0xFF, EOI]);
        file.extend(trailing);
        (file, scan)
    }

    fn icc_segment() -> Vec<u8> {
        let profile = crate::photo::testing::icc_profile();
        seg(
            APP2,
            &[b"ICC_PROFILE\0\x01\x01".as_slice(), &profile].concat(),
        )
    }

    fn keep_all() -> Keep {
        Keep {
            orientation: true,
            colour_profile: true,
        }
    }

    #[test]
    fn comments_app_segments_and_trailing_data_are_removed_and_the_scan_is_kept() {
        let (file, scan) = sample(
            &[
                seg(COM, b"Patient MARTIN Paul"),
                seg(0xE4, b"SAMSUNG serial 99887766"),
                seg(APP13, b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\0"),
                icc_segment(),
            ],
            b"TRAILER-SECRET",
        );
        let mut done = Vec::new();
        let out = strip(&file, keep_all(), &mut done).unwrap();
        for secret in [&b"MARTIN"[..], b"99887766", b"8BIM", b"TRAILER-SECRET"] {
            assert!(!out.windows(secret.len()).any(|w| w == secret));
        }
        assert!(out.windows(13).any(|w| w == b"profile-bytes"));
        assert!(out.windows(scan.len()).any(|w| w == scan.as_slice()));
        assert!(out.ends_with(&[0xFF, EOI]));
        assert!(done.iter().any(|d| d.what.contains("comment")));
        assert!(done.iter().any(|d| d.what.contains("after the end")));
    }

    const TURNING_XMP: &[u8] = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><tiff:Orientation>6</tiff:Orientation><dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"#;

    #[test]
    fn xmp_orientation_alone_is_kept_when_exif_says_nothing_of_it() {
        let xmp = seg(APP1, &[XMP_ID, TURNING_XMP].concat());
        let (file, scan) = sample(std::slice::from_ref(&xmp), b"");
        assert_eq!(turn_besides_exif(&file), Some(6));
        let mut done = Vec::new();
        let out = strip(&file, keep_all(), &mut done).unwrap();
        assert!(!out.windows(8).any(|w| w == b"Jane Doe"));
        assert!(out.windows(scan.len()).any(|w| w == scan.as_slice()));
        assert_eq!(turn_besides_exif(&out), Some(6));
        assert!(
            done.iter()
                .any(|d| d.what.contains("XMP tiff:Orientation 6"))
        );
        let kept_nothing = Keep {
            orientation: false,
            colour_profile: true,
        };
        let out = strip(&file, kept_nothing, &mut Vec::new()).unwrap();
        assert!(!out.windows(XMP_ID.len()).any(|w| w == XMP_ID));

        // EXIF decides when it has an orientation, even upright: the XMP goes whole.
        let mut upright = b"Exif\0\0MM\0*\0\0\0\x08\0\x01".to_vec();
        upright.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
        let (file, _) = sample(&[seg(APP1, &upright), xmp], b"");
        assert_eq!(turn_besides_exif(&file), None);
        let out = strip(&file, keep_all(), &mut Vec::new()).unwrap();
        assert!(!out.windows(XMP_ID.len()).any(|w| w == XMP_ID));
    }

    #[test]
    fn a_picture_turned_by_xmp_alone_is_read_turned() {
        let mut encoded = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut encoded)
            .encode(&[128u8; 3 * 2 * 3], 3, 2, image::ExtendedColorType::Rgb8)
            .unwrap();
        let file = [
            &encoded[..2],
            &seg(APP1, &[XMP_ID, TURNING_XMP].concat()),
            &encoded[2..],
        ]
        .concat();
        let shown = crate::photo::raster::decode(&file, Format::Jpeg).unwrap();
        assert_eq!((shown.image.width(), shown.image.height()), (2, 3));
    }

    #[test]
    fn colour_profile_goes_when_the_plan_does_not_keep_it() {
        let (file, _) = sample(&[icc_segment()], b"");
        let keep = Keep {
            orientation: true,
            colour_profile: false,
        };
        let out = strip(&file, keep, &mut Vec::new()).unwrap();
        assert!(!out.windows(11).any(|w| w == b"ICC_PROFILE"));
    }

    #[test]
    fn data_posing_as_a_colour_profile_is_not_kept() {
        let (file, _) = sample(&[seg(APP2, b"ICC_PROFILE\0\x01\x01Jeanne MARTIN")], b"");
        let out = strip(&file, keep_all(), &mut Vec::new()).unwrap();
        assert!(!out.windows(6).any(|w| w == b"MARTIN"));
        let mut found = Collector::default();
        inspect(&file, &mut found).unwrap();
        assert_eq!(found.findings[0].category, Category::Unknown);
    }

    #[test]
    fn inspect_names_comment_trailing_data_and_unknown_segments() {
        let (file, _) = sample(
            &[seg(COM, b"Patient MARTIN Paul"), seg(0xEB, b"JP\0\0jumbf")],
            b"xyz",
        );
        let mut found = Collector::default();
        inspect(&file, &mut found).unwrap();
        let comment = found
            .findings
            .iter()
            .find(|f| f.category == Category::Text)
            .expect("comment is found");
        assert_eq!(comment.value, "Patient MARTIN Paul");
        assert_eq!(
            found
                .findings
                .iter()
                .filter(|f| f.category == Category::Unknown)
                .count(),
            2
        );
    }

    #[test]
    fn jfif_thumbnail_is_found_and_dropped_but_the_header_stays() {
        let mut jfif = b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x02\x01".to_vec();
        jfif.extend([0xAB; 6]);
        let (mut file, _) = sample(&[], b"");
        let header = seg(APP0, b"JFIF\0\x01\x02\x00\x00\x48\x00\x48\x00\x00");
        let at = 2 + header.len();
        file.splice(2..at, seg(APP0, &jfif));
        let mut found = Collector::default();
        inspect(&file, &mut found).unwrap();
        assert!(
            found
                .findings
                .iter()
                .any(|f| f.category == Category::Picture)
        );
        let out = strip(&file, keep_all(), &mut Vec::new()).unwrap();
        assert!(out.starts_with(&[0xFF, SOI, 0xFF, APP0, 0, 16, b'J', b'F', b'I', b'F', 0]));
        assert!(!out.windows(6).any(|w| w == [0xAB; 6]));
    }

    #[test]
    fn embedded_pictures_are_inspected_and_only_the_main_one_is_written() {
        let (first, _) = sample(&[], b"");
        let (second, _) = sample(&[seg(COM, b"second picture comment")], b"");
        let file = [first.clone(), second].concat();
        let mut found = Collector::default();
        inspect(&file, &mut found).unwrap();
        let comment = found
            .findings
            .iter()
            .find(|f| f.category == Category::Text)
            .unwrap();
        assert!(matches!(
            comment.location,
            crate::document::Location::Metadata { picture: 1, .. }
        ));
        let out = strip(&file, keep_all(), &mut Vec::new()).unwrap();
        assert_eq!(out, first);
    }

    #[test]
    fn truncated_and_garbled_files_are_refused_not_copied() {
        let (file, _) = sample(&[], b"");
        for cut in [3, 10, 40, file.len() - 4, file.len() - 1] {
            assert!(
                strip(&file[..cut], keep_all(), &mut Vec::new()).is_err(),
                "cut at {cut}"
            );
        }
        let mut lying = file.clone();
        lying[4] = 0xFF;
        lying[5] = 0xFF;
        assert!(strip(&lying, keep_all(), &mut Vec::new()).is_err());
    }
}
