//! The DICOM byte layer, beneath the pipeline's entry points: recognising a file, walking its
//! elements without parsing them (where the pixel data lies, what dicom-object would mishandle),
//! and parsing it once it is known to be safe to, with the bounds walk of `bounds` first.

mod bounds;

use std::io::Cursor;

use dicom_core::Tag;
use dicom_object::file::ReadPreamble;
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::{FileDicomObject, InMemDicomObject, OpenFileOptions};
use dicom_transfer_syntax_registry::{TransferSyntaxIndex, TransferSyntaxRegistry};

pub(super) use bounds::check_data_set;

use super::{EXPLICIT_BE, EXPLICIT_LE, IMPLICIT_LE, malformed};
use crate::document::Error;

/// Whether bytes look like DICOM: a Part 10 file (with or without its 128-byte preamble) or a bare
/// data set as old CDs and some modalities write, recognised by a plausible first element.
pub fn sniff(bytes: &[u8]) -> bool {
    has_magic(bytes) || bare_syntax(bytes).is_some()
}

/// The `DICM` mark of a Part 10 file, after the preamble or, from some writers, without it.
pub fn has_magic(bytes: &[u8]) -> bool {
    bytes.get(128..132) == Some(b"DICM") || bytes.starts_with(b"DICM")
}

/// The transfer syntax of a data set stored without file meta, guessed from its first element:
/// a group number that starts a data set (0008 is nearly universal), read in either byte order,
/// followed or not by a two-letter value representation.
pub(super) fn bare_syntax(bytes: &[u8]) -> Option<&'static str> {
    let head = bytes.get(..8)?;
    let little = u16::from_le_bytes([head[0], head[1]]);
    let big = u16::from_be_bytes([head[0], head[1]]);
    let explicit = head[4].is_ascii_uppercase() && head[5].is_ascii_uppercase();
    let starts_data_set = |group: u16| matches!(group, 0x0008 | 0x0010 | 0x0018 | 0x0020);
    match (starts_data_set(little), starts_data_set(big), explicit) {
        (true, _, true) => Some(EXPLICIT_LE),
        (true, _, false) => {
            let length = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
            (usize::try_from(length).ok()? <= bytes.len()).then_some(IMPLICIT_LE)
        }
        (false, true, true) => Some(EXPLICIT_BE),
        _ => None,
    }
}

/// Parse a whole file. Files without file meta get one built from their data set, so the output is
/// a proper Part 10 file whatever the input was.
pub(super) fn parse(bytes: &[u8]) -> Result<FileDicomObject<InMemDicomObject>, Error> {
    parse_with(bytes, OpenFileOptions::new())
}

/// Everything before the pixel data: all analysis and verification need, without copying the
/// bulk of the file once more.
pub(super) fn parse_header(bytes: &[u8]) -> Result<FileDicomObject<InMemDicomObject>, Error> {
    parse_with(bytes, OpenFileOptions::new().read_until(PIXEL_DATA))
}

pub(super) const PIXEL_DATA: Tag = Tag(0x7FE0, 0x0010);

/// Whether the file holds pixel data, for a header parsed without it: its tag in either byte
/// order. A chance match elsewhere only makes the burned-in text check stricter.
pub(super) fn has_pixel_data(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, &[0xE0, 0x7F, 0x10, 0x00]).is_some()
        || memchr::memmem::find(bytes, &[0x7F, 0xE0, 0x00, 0x10]).is_some()
}

pub(super) fn parse_with(
    bytes: &[u8],
    options: OpenFileOptions,
) -> Result<FileDicomObject<InMemDicomObject>, Error> {
    let undefined_un = has_undefined_un(bytes);
    let without_private_un = undefined_un
        .then(|| cut_private_un_sequences(bytes))
        .flatten();
    let bytes: &[u8] = without_private_un.as_deref().unwrap_or(bytes);
    let still_undefined_un =
        undefined_un && (without_private_un.is_none() || has_undefined_un(bytes));
    let layout = refuse_what_the_reader_mishandles(bytes, still_undefined_un)?;
    let options = |preamble| options.read_preamble(preamble);
    let after_magic = if bytes.get(128..132) == Some(b"DICM") {
        Some((ReadPreamble::Always, 132))
    } else if bytes.starts_with(b"DICM") {
        Some((ReadPreamble::Never, 4))
    } else {
        None
    };
    if let Some((preamble, start)) = after_magic {
        if let Layout::ImplicitUnderExplicit = layout {
            return past_meta(bytes, start).ok_or_else(|| {
                malformed("the file says its values are explicitly typed, but its data set is not")
            });
        }
        // The data set where dicom-object will read it, checked first; where that fails the
        // lenient reading of the meta group gets its chance, and checks what it reads itself.
        let checked = match bounds::meta_extent(bytes, start) {
            Ok(Some((data_set, syntax))) => bounds::check_data_set(&bytes[data_set..], &syntax),
            Ok(None) => Ok(()),
            Err(reason) => Err(reason),
        };
        if let Err(reason) = checked {
            return past_meta(bytes, start).ok_or_else(|| malformed(reason));
        }
        return options(preamble)
            .from_reader(Cursor::new(bytes))
            .or_else(|error| past_meta(bytes, start).ok_or(error))
            .map_err(malformed);
    }
    let syntax = bare_syntax(bytes).ok_or_else(|| malformed("no DICOM data set found"))?;
    bounds::check_data_set(bytes, syntax).map_err(malformed)?;
    let transfer_syntax = TransferSyntaxRegistry
        .get(syntax)
        .ok_or_else(|| malformed("unknown transfer syntax"))?;
    let data_set = InMemDicomObject::read_dataset_with_ts(Cursor::new(bytes), transfer_syntax)
        .map_err(malformed)?;
    data_set
        .with_meta(FileMetaTableBuilder::new().transfer_syntax(syntax))
        .map_err(|error| malformed(format!("cannot build the file meta information: {error}")))
}

/// Whether an element of VR UN with undefined length is written anywhere in explicit VR.
pub(super) fn has_undefined_un(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"UN\0\0\xFF\xFF\xFF\xFF").is_some()
}

/// The bytes without the top-level private elements stored as UN with undefined length, which
/// dicom-object cannot read (see below) and which would be removed anyway as private data;
/// `None` when there are none. Their extent is found by stepping over their items, which PS3.5
/// 6.2.2 says are encoded in implicit VR little endian.
pub(super) fn cut_private_un_sequences(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut pos = if bytes.get(128..132) == Some(b"DICM") {
        132
    } else if bytes.starts_with(b"DICM") {
        4
    } else {
        return None;
    };
    let mut cuts = Vec::new();
    while pos < bytes.len() {
        let (group, _) = tag_at(bytes, pos)?;
        let undefined_un = bytes.get(pos + 4..pos + 12) == Some(b"UN\0\0\xFF\xFF\xFF\xFF");
        let end = if undefined_un {
            skip_implicit_items(bytes, pos + 12, 0)?
        } else {
            skip_element(bytes, pos)?
        };
        if undefined_un && group % 2 == 1 {
            cuts.push(pos..end);
        }
        pos = end;
    }
    if cuts.is_empty() {
        return None;
    }
    let mut kept = Vec::with_capacity(bytes.len());
    let mut from = 0;
    for cut in cuts {
        kept.extend_from_slice(&bytes[from..cut.start]);
        from = cut.end;
    }
    kept.extend_from_slice(&bytes[from..]);
    Some(kept)
}

/// Past the items of a sequence of undefined length encoded in implicit VR little endian, up to
/// and including its delimiter; nested sequences of undefined length are stepped over the same
/// way (in implicit VR an undefined length can only be a sequence). `None` past
/// [`bounds::MAX_NESTING`] levels too, so a hostile file cannot overflow the stack.
pub(super) fn skip_implicit_items(bytes: &[u8], mut pos: usize, depth: usize) -> Option<usize> {
    if depth > bounds::MAX_NESTING {
        return None;
    }
    loop {
        let tag = tag_at(bytes, pos)?;
        let length = u32::from_le_bytes(bytes.get(pos + 4..pos + 8)?.try_into().ok()?);
        pos += 8;
        if tag == SEQUENCE_END {
            return Some(pos);
        }
        if tag != ITEM {
            return None;
        }
        if length != u32::MAX {
            pos = pos.checked_add(length as usize)?;
            continue;
        }
        loop {
            let inner = tag_at(bytes, pos)?;
            let length = u32::from_le_bytes(bytes.get(pos + 4..pos + 8)?.try_into().ok()?);
            pos += 8;
            if inner == ITEM_END {
                break;
            }
            pos = if length == u32::MAX {
                skip_implicit_items(bytes, pos, depth + 1)?
            } else {
                pos.checked_add(length as usize)?
            };
        }
    }
}

/// How the data set is laid out compared with what the file meta says.
pub(super) enum Layout {
    AsDeclared,
    /// Declared explicit VR, written implicit (some old converters): read as it is written.
    ImplicitUnderExplicit,
}

/// dicom-object reserves memory for a value's declared length before reading it. A sequence stored
/// as UN with undefined length makes it reserve 4 GB (seconds of work, then an error); a value
/// claiming more bytes than the file holds does the same. Both are refused up front. Only the
/// top level is measured here; nested values are bounded by their sequence's length.
pub(super) fn refuse_what_the_reader_mishandles(
    bytes: &[u8],
    undefined_un: bool,
) -> Result<Layout, Error> {
    if undefined_un {
        return Err(Error::Refused(
            "this DICOM file stores a sequence as UN with undefined length, which cannot be \
             read safely yet; it was not copied"
                .into(),
        ));
    }
    let start = if bytes.get(128..132) == Some(b"DICM") {
        132
    } else if bytes.starts_with(b"DICM") {
        4
    } else if bare_syntax(bytes) == Some(EXPLICIT_LE) {
        0
    } else {
        return Ok(Layout::AsDeclared);
    };
    let mut pos = start;
    let mut syntax = String::new();
    // Explicit VR little endian is what the meta group and almost every data set use; for other
    // encodings the walk stops at the first element it cannot read and leaves it to the reader.
    // Every syntax but these three is explicit VR little endian, encapsulated ones included.
    let other_encoding = |syntax: &str| {
        matches!(
            syntax.trim_end_matches(['\0', ' ']),
            IMPLICIT_LE | EXPLICIT_BE | "1.2.840.10008.1.2.1.99"
        )
    };
    while let Some(header) = bytes.get(pos..pos + 8) {
        let group = u16::from_le_bytes([header[0], header[1]]);
        if start > 0 && group != 0x0002 && other_encoding(&syntax) {
            break;
        }
        let vr = &header[4..6];
        if !(vr[0].is_ascii_uppercase() && vr[1].is_ascii_uppercase()) {
            if start > 0 && group != 0x0002 {
                return Ok(Layout::ImplicitUnderExplicit);
            }
            break;
        }
        let long = has_long_length(vr);
        let (length, header_len) = if long {
            match bytes.get(pos + 8..pos + 12) {
                Some(l) => (u32::from_le_bytes([l[0], l[1], l[2], l[3]]), 12),
                None => break,
            }
        } else {
            (u32::from(u16::from_le_bytes([header[6], header[7]])), 8)
        };
        if length == u32::MAX {
            break;
        }
        let end = pos + header_len + length as usize;
        if group == 0x0002 && u16::from_le_bytes([header[2], header[3]]) == 0x0010 {
            syntax = String::from_utf8_lossy(bytes.get(pos + header_len..end).unwrap_or_default())
                .into_owned();
        }
        if end > bytes.len() {
            return Err(malformed(format!(
                "an element at byte {pos} claims {length} bytes, more than the file holds \
                 (truncated or damaged)"
            )));
        }
        pos = end;
    }
    Ok(Layout::AsDeclared)
}

/// The bytes of the top-level PixelData element of a Part 10 file whose data set is explicit VR
/// little endian, found by stepping over every element before it (sequences of undefined length
/// included). `None` for any other layout, or at the first thing that does not add up: the caller
/// then takes the slower path that decodes everything.
pub(super) fn pixel_data_span(bytes: &[u8]) -> Option<std::ops::Range<usize>> {
    let mut pos = if bytes.get(128..132) == Some(b"DICM") {
        132
    } else if bytes.starts_with(b"DICM") {
        4
    } else {
        return None;
    };
    let mut syntax = String::new();
    loop {
        let group = u16::from_le_bytes([*bytes.get(pos)?, *bytes.get(pos + 1)?]);
        let element = u16::from_le_bytes([*bytes.get(pos + 2)?, *bytes.get(pos + 3)?]);
        if group != 0x0002
            && matches!(
                syntax.trim_end_matches(['\0', ' ']),
                IMPLICIT_LE | EXPLICIT_BE | "1.2.840.10008.1.2.1.99" | ""
            )
        {
            return None;
        }
        let end = skip_element(bytes, pos)?;
        if (group, element) == (0x0002, 0x0010) {
            syntax = String::from_utf8_lossy(bytes.get(pos + 8..end)?).into_owned();
        }
        if (group, element) == (0x7FE0, 0x0010) {
            return Some(pos..end);
        }
        if group > 0x7FE0 {
            return None;
        }
        pos = end;
    }
}

/// The value representations whose explicit-VR header has a 4-byte length (PS3.5 7.1.2).
pub(super) fn has_long_length(vr: &[u8]) -> bool {
    matches!(
        vr,
        b"OB"
            | b"OD"
            | b"OF"
            | b"OL"
            | b"OV"
            | b"OW"
            | b"SQ"
            | b"SV"
            | b"UC"
            | b"UN"
            | b"UR"
            | b"UT"
            | b"UV"
    )
}

/// Where an explicit VR little endian element starting at `pos` ends.
pub(super) fn skip_element(bytes: &[u8], pos: usize) -> Option<usize> {
    skip_nested_element(bytes, pos, 0)
}

/// [`skip_element`] inside `depth` sequences; `None` past [`bounds::MAX_NESTING`], so a hostile
/// file cannot overflow the stack.
pub(super) fn skip_nested_element(bytes: &[u8], pos: usize, depth: usize) -> Option<usize> {
    if depth > bounds::MAX_NESTING {
        return None;
    }
    let vr = bytes.get(pos + 4..pos + 6)?;
    if !(vr[0].is_ascii_uppercase() && vr[1].is_ascii_uppercase()) {
        return None;
    }
    let long = has_long_length(vr);
    if !long {
        let length = u16::from_le_bytes([*bytes.get(pos + 6)?, *bytes.get(pos + 7)?]);
        let end = pos + 8 + usize::from(length);
        return (end <= bytes.len()).then_some(end);
    }
    let length = u32::from_le_bytes(bytes.get(pos + 8..pos + 12)?.try_into().ok()?);
    if length != u32::MAX {
        let end = pos.checked_add(12)?.checked_add(length as usize)?;
        return (end <= bytes.len()).then_some(end);
    }
    match vr {
        b"SQ" | b"OB" | b"OW" => skip_items(bytes, pos + 12, depth),
        _ => None,
    }
}

pub(super) const ITEM: (u16, u16) = (0xFFFE, 0xE000);
pub(super) const ITEM_END: (u16, u16) = (0xFFFE, 0xE00D);
pub(super) const SEQUENCE_END: (u16, u16) = (0xFFFE, 0xE0DD);

pub(super) fn tag_at(bytes: &[u8], pos: usize) -> Option<(u16, u16)> {
    Some((
        u16::from_le_bytes([*bytes.get(pos)?, *bytes.get(pos + 1)?]),
        u16::from_le_bytes([*bytes.get(pos + 2)?, *bytes.get(pos + 3)?]),
    ))
}

/// Past the items of a sequence (or the fragments of encapsulated pixel data) of undefined
/// length, up to and including its delimiter.
pub(super) fn skip_items(bytes: &[u8], mut pos: usize, depth: usize) -> Option<usize> {
    loop {
        let tag = tag_at(bytes, pos)?;
        let length = u32::from_le_bytes(bytes.get(pos + 4..pos + 8)?.try_into().ok()?);
        if tag == SEQUENCE_END {
            return Some(pos + 8);
        }
        if tag != ITEM {
            return None;
        }
        pos += 8;
        if length != u32::MAX {
            pos = pos.checked_add(length as usize)?;
            if pos > bytes.len() {
                return None;
            }
            continue;
        }
        while tag_at(bytes, pos)? != ITEM_END {
            pos = skip_nested_element(bytes, pos, depth + 1)?;
        }
        pos += 8;
    }
}

/// Read the data set of a file whose file meta group dicom-object refuses (no group length, no
/// transfer syntax, odd values): the group is stepped over element by element, and the data set
/// read with the syntax the group names, or the one its first element shows.
pub(super) fn past_meta(bytes: &[u8], start: usize) -> Option<FileDicomObject<InMemDicomObject>> {
    let mut pos = start;
    let mut named_syntax = None;
    let mut declared_class = String::new();
    while bytes.get(pos..pos + 2)? == [0x02, 0x00] {
        let element = u16::from_le_bytes([*bytes.get(pos + 2)?, *bytes.get(pos + 3)?]);
        let vr = bytes.get(pos + 4..pos + 6)?;
        let long = has_long_length(vr);
        let (length, header) = if long {
            let length = bytes.get(pos + 8..pos + 12)?;
            (u32::from_le_bytes(length.try_into().ok()?) as usize, 12)
        } else {
            let length = bytes.get(pos + 6..pos + 8)?;
            (usize::from(u16::from_le_bytes(length.try_into().ok()?)), 8)
        };
        let value = bytes.get(pos + header..pos + header + length)?;
        let text = || {
            String::from_utf8_lossy(value)
                .trim_end_matches(['\0', ' '])
                .to_string()
        };
        match element {
            0x0002 => declared_class = text(),
            0x0010 => named_syntax = Some(text()),
            _ => {}
        }
        pos += header + length;
    }
    let rest = &bytes[pos..];
    // A meta group this broken may also name the wrong syntax: when the data set plainly shows
    // whether its value representations are written out, that wins.
    // The file is written back in the syntax it names, which its pixel data is encoded in.
    let seen = bare_syntax(rest);
    let named = named_syntax.filter(|uid| TransferSyntaxRegistry.get(uid).is_some());
    let reading = match (&named, seen) {
        (Some(named), Some(seen)) if (named == IMPLICIT_LE) != (seen == IMPLICIT_LE) => {
            seen.to_string()
        }
        (Some(named), _) => named.clone(),
        (None, seen) => seen?.to_string(),
    };
    let writing = named.unwrap_or_else(|| reading.clone());
    let transfer_syntax = TransferSyntaxRegistry.get(&reading)?;
    bounds::check_data_set(rest, &reading).ok()?;
    let data_set =
        InMemDicomObject::read_dataset_with_ts(Cursor::new(rest), transfer_syntax).ok()?;
    let mut meta = FileMetaTableBuilder::new().transfer_syntax(writing);
    if !declared_class.is_empty() {
        meta = meta.media_storage_sop_class_uid(declared_class);
    }
    data_set.with_meta(meta).ok()
}
