//! The TIFF file container: its pages read with the directory reader it shares with EXIF
//! (`ifd`), and stripping, which rebuilds the file from a whitelist of the tags a viewer needs
//! to draw the picture; everything else is left behind.

use std::collections::{HashMap, HashSet};

use super::exif::{self, Space, Walk};
use super::ifd::{
    BITS_PER_SAMPLE, BYTE, COMPRESSION, Entry, ICC_PROFILE, IMAGE_LENGTH, IMAGE_WIDTH, Ifd, JPEG,
    JPEG_TABLES, LONG, NEW_SUBFILE_TYPE, OLD_JPEG, ORIENTATION, Order, Reader, SAMPLES_PER_PIXEL,
    SHORT, STRIP_BYTE_COUNTS, STRIP_OFFSETS, SUB_IFDS, TILE_BYTE_COUNTS, TILE_OFFSETS, UNDEFINED,
};
use super::{Collector, Keep, jpeg, size, text};
use crate::document::{Category, Done, Error, Format};

/// Find every metadata item of a TIFF file, page by page.
pub(super) fn inspect(bytes: &[u8], found: &mut Collector) -> Result<(), Error> {
    let damaged = |reason: String| Error::malformed(Format::Tiff, reason);
    let mut reader = Reader::new(bytes).map_err(damaged)?;
    if reader.first == 0 {
        return Err(damaged("the file lists no picture".to_string()));
    }
    let first = reader.ifd(reader.first).map_err(damaged)?;
    if first.truncated {
        return Err(damaged(
            "the first image directory is cut short".to_string(),
        ));
    }
    let mut walk = Walk::new(reader, found, "TIFF EXIF");
    let mut pages = 0u32;
    let mut index = 0usize;
    let mut ifd = first;
    loop {
        if ifd.is_reduced() {
            walk.found.picture = pages.saturating_sub(1);
            let container = format!("TIFF IFD{index}");
            walk.picture(&ifd, &container, "preview picture", super::SMALL_COPY);
            walk.tags(&ifd, Space::Main, &container);
        } else {
            walk.found.picture = pages;
            pages = pages.saturating_add(1);
            walk.tags(&ifd, Space::Main, "TIFF");
            report_hidden_tables(&mut walk, &ifd);
        }
        if ifd.next == 0 || walk.reader.seen(ifd.next) {
            break;
        }
        match walk.reader.ifd(ifd.next) {
            Ok(next) => ifd = next,
            Err(reason) => {
                walk.trouble(reason);
                break;
            }
        }
        index += 1;
    }
    walk.found.picture = 0;
    walk.finish(
        "TIFF",
        "TIFF data that could not be fully read; it is not copied to the cleaned file",
    );
    Ok(())
}

fn report_hidden_tables(walk: &mut Walk, ifd: &Ifd) {
    let Some(entry) = ifd.get(JPEG_TABLES) else {
        return;
    };
    let Some(tables) = entry.bytes() else {
        walk.trouble("the JPEG tables lie outside the file".to_string());
        return;
    };
    match jpeg::split_embedded(tables) {
        Ok((_, dropped)) => {
            for segment in dropped {
                let (category, value, explanation) = if segment.marker == Some(COM) {
                    (
                        Category::Text,
                        text(segment.payload),
                        "a comment hidden in the picture's compression tables",
                    )
                } else {
                    (
                        Category::Unknown,
                        size(segment.payload.len()),
                        "data hidden in the picture's compression tables; removed",
                    )
                };
                walk.found.add(
                    category,
                    "TIFF JPEGTables",
                    segment.name(),
                    value,
                    explanation,
                );
            }
        }
        Err(error) => walk.trouble(format!("the JPEG tables are damaged: {error}")),
    }
}

const COM: u8 = 0xFE;

/// How a kept tag's value may look. Anything else is refused: a decoding tag carrying text, or
/// far more numbers than decoding needs, could smuggle out what the whitelist is there to drop.
#[derive(Debug, Clone, Copy)]
enum Shape {
    One,
    /// At most one value per sample.
    PerSample,
    UpTo(u32),
    /// A lookup table indexed by sample value (ColorMap, TransferFunction): up to three
    /// channels of 2^BitsPerSample entries.
    Table,
    /// Where the picture data lies; rewritten to where it lies in the new file.
    DataOffsets,
    /// How long each piece of picture data is.
    DataLengths,
    /// Abbreviated JPEG stream of tables; copied with its tables only.
    JpegTables,
}

/// The tags a viewer needs to decode and display a page. Orientation and the ICC profile are
/// decided by the plan, not by this list.
const KEEP: &[(u16, Shape)] = &[
    (NEW_SUBFILE_TYPE, Shape::One),
    (IMAGE_WIDTH, Shape::One),
    (IMAGE_LENGTH, Shape::One),
    (BITS_PER_SAMPLE, Shape::PerSample),
    (COMPRESSION, Shape::One),
    (262, Shape::One), // PhotometricInterpretation
    (263, Shape::One), // Threshholding
    (266, Shape::One), // FillOrder
    (STRIP_OFFSETS, Shape::DataOffsets),
    (SAMPLES_PER_PIXEL, Shape::One),
    (278, Shape::One), // RowsPerStrip
    (STRIP_BYTE_COUNTS, Shape::DataLengths),
    (280, Shape::PerSample), // MinSampleValue
    (281, Shape::PerSample), // MaxSampleValue
    (282, Shape::One),       // XResolution
    (283, Shape::One),       // YResolution
    (284, Shape::One),       // PlanarConfiguration
    (292, Shape::One),       // T4Options
    (293, Shape::One),       // T6Options
    (296, Shape::One),       // ResolutionUnit
    (301, Shape::Table),     // TransferFunction
    (317, Shape::One),       // Predictor
    (318, Shape::UpTo(2)),   // WhitePoint
    (319, Shape::UpTo(6)),   // PrimaryChromaticities
    (320, Shape::Table),     // ColorMap
    (322, Shape::One),       // TileWidth
    (323, Shape::One),       // TileLength
    (TILE_OFFSETS, Shape::DataOffsets),
    (TILE_BYTE_COUNTS, Shape::DataLengths),
    (332, Shape::One),       // InkSet
    (334, Shape::One),       // NumberOfInks
    (338, Shape::PerSample), // ExtraSamples
    (339, Shape::PerSample), // SampleFormat
    (340, Shape::PerSample), // SMinSampleValue
    (341, Shape::PerSample), // SMaxSampleValue
    (JPEG_TABLES, Shape::JpegTables),
    (529, Shape::UpTo(3)), // YCbCrCoefficients
    (530, Shape::UpTo(2)), // YCbCrSubSampling
    (531, Shape::One),     // YCbCrPositioning
    (532, Shape::UpTo(8)), // ReferenceBlackWhite
];

fn shape(tag: u16) -> Option<Shape> {
    KEEP.iter()
        .find(|(t, _)| *t == tag)
        .map(|&(_, shape)| shape)
}

/// Rebuild a TIFF with every full-size page and, in each, only what is needed to show it.
pub(super) fn strip(bytes: &[u8], keep: Keep, done: &mut Vec<Done>) -> Result<Vec<u8>, Error> {
    let damaged = |reason: String| Error::malformed(Format::Tiff, reason);
    let mut reader = Reader::new(bytes).map_err(damaged)?;
    if reader.first == 0 {
        return Err(damaged("the file lists no picture".to_string()));
    }
    let order = reader.order;
    let mut pages = Vec::new();
    let mut previews = 0usize;
    let mut next = reader.first;
    while next != 0 && !reader.seen(next) {
        let ifd = reader.ifd(next).map_err(damaged)?;
        if ifd.truncated {
            return Err(damaged(
                "an image directory is cut short; the file is probably incomplete".to_string(),
            ));
        }
        if let Some(sub) = ifd.get(SUB_IFDS) {
            previews = previews.saturating_add(sub.count as usize);
        }
        next = ifd.next;
        if ifd.is_reduced() {
            previews += 1;
        } else {
            pages.push(ifd);
        }
    }
    if pages.is_empty() {
        return Err(Error::Unsupported(
            "this TIFF holds only preview pictures, as camera raw files (DNG) do; convert it to \
             TIFF, PNG or JPEG in a photo editor first"
                .to_string(),
        ));
    }

    let mut out = NewFile {
        bytes: order.header().to_vec(),
        order,
        copied: HashMap::new(),
        copied_total: 0,
        source: bytes,
    };
    out.bytes.extend_from_slice(&[0; 4]);
    let mut link = 4;
    let many = pages.len() > 1;
    for (index, page) in pages.iter().enumerate() {
        let label = if many {
            format!("page {}: ", index + 1)
        } else {
            String::new()
        };
        let entries = rebuild_page(page, &label, keep, &mut out, done)?;
        let (at, next_link) = out.write_ifd(&entries)?;
        out.bytes[link..link + 4].copy_from_slice(&order.u32_bytes(at));
        link = next_link;
    }
    if previews > 0 {
        let plural = if previews == 1 { "" } else { "s" };
        done.push(Done::removed(format!(
            "removed {previews} preview picture{plural}"
        )));
    }
    done.push(Done::kept(if many {
        format!(
            "kept the picture data of {} pages byte for byte",
            pages.len()
        )
    } else {
        "kept the picture data byte for byte".to_string()
    }));
    Ok(out.bytes)
}

/// A directory entry of the new file, its value already in the file's byte order.
struct NewEntry {
    tag: u16,
    kind: u16,
    count: u32,
    value: Vec<u8>,
}

/// The file being built. Picture data is copied once per distinct piece, so strips that share
/// bytes (blank tiles often do) stay shared, and the copy can never grow past the input.
struct NewFile<'a> {
    source: &'a [u8],
    bytes: Vec<u8>,
    order: Order,
    copied: HashMap<(u32, u32), u32>,
    copied_total: usize,
}

impl NewFile<'_> {
    /// TIFF wants values and directories on word boundaries.
    fn align(&mut self) {
        if self.bytes.len() % 2 == 1 {
            self.bytes.push(0);
        }
    }

    fn position(&self) -> Result<u32, Error> {
        u32::try_from(self.bytes.len()).map_err(|_| {
            Error::Unsupported(
                "the cleaned TIFF would be larger than 4 GB, the most a classic TIFF can hold"
                    .to_string(),
            )
        })
    }

    /// Copy one piece of picture data and return where it now lies. Empty pieces (sparse tiles)
    /// stay empty, at offset 0.
    fn copy(&mut self, offset: u32, length: u32, label: &str) -> Result<u32, Error> {
        let damaged = |reason: &str| Error::malformed(Format::Tiff, format!("{label}{reason}"));
        if length == 0 {
            return Ok(0);
        }
        if let Some(&at) = self.copied.get(&(offset, length)) {
            return Ok(at);
        }
        let start = offset as usize;
        let piece = start
            .checked_add(length as usize)
            .and_then(|end| self.source.get(start..end))
            .ok_or_else(|| {
                damaged("the picture data lies outside the file; the file is probably cut short")
            })?;
        self.copied_total = self.copied_total.saturating_add(piece.len());
        if self.copied_total > self.source.len() {
            return Err(damaged("pieces of the picture data overlap each other"));
        }
        self.align();
        let at = self.position()?;
        self.bytes.extend_from_slice(piece);
        self.copied.insert((offset, length), at);
        Ok(at)
    }

    /// Write a directory followed by its values; returns where it starts and where its link to
    /// the next directory is, for the next page to fill in.
    fn write_ifd(&mut self, entries: &[NewEntry]) -> Result<(u32, usize), Error> {
        let order = self.order;
        self.align();
        let at = self.position()?;
        let count = u16::try_from(entries.len())
            .map_err(|_| Error::malformed(Format::Tiff, "too many tags to keep"))?;
        order.put_u16(&mut self.bytes, count);
        let mut fields = Vec::with_capacity(entries.len());
        for entry in entries {
            order.put_u16(&mut self.bytes, entry.tag);
            order.put_u16(&mut self.bytes, entry.kind);
            order.put_u32(&mut self.bytes, entry.count);
            fields.push(self.bytes.len());
            self.bytes.extend_from_slice(&[0; 4]);
        }
        let link = self.bytes.len();
        self.bytes.extend_from_slice(&[0; 4]);
        for (entry, field) in entries.iter().zip(fields) {
            if entry.value.len() <= 4 {
                self.bytes[field..field + entry.value.len()].copy_from_slice(&entry.value);
            } else {
                self.align();
                let offset = self.position()?;
                self.bytes.extend_from_slice(&entry.value);
                self.bytes[field..field + 4].copy_from_slice(&order.u32_bytes(offset));
            }
        }
        self.position()?;
        Ok((at, link))
    }
}

fn byte_count(len: usize) -> Result<u32, Error> {
    u32::try_from(len)
        .map_err(|_| Error::malformed(Format::Tiff, "a value is larger than a TIFF can hold"))
}

/// Copy a page's strips or tiles into `out`; returns their new offsets, as LONGs in the file's
/// byte order.
fn copy_picture_data(page: &Ifd, label: &str, out: &mut NewFile) -> Result<Vec<u8>, Error> {
    let damaged = |reason: &str| Error::malformed(Format::Tiff, format!("{label}{reason}"));
    let (offsets_tag, lengths_tag) = match (page.get(STRIP_OFFSETS), page.get(TILE_OFFSETS)) {
        (Some(_), None) => (STRIP_OFFSETS, STRIP_BYTE_COUNTS),
        (None, Some(_)) => (TILE_OFFSETS, TILE_BYTE_COUNTS),
        (None, None) => return Err(damaged("there is no picture data")),
        (Some(_), Some(_)) => {
            return Err(damaged(
                "the picture data is described both as strips and as tiles",
            ));
        }
    };
    let pieces = |tag: u16| {
        page.get(tag)
            .filter(|e| matches!(e.kind, SHORT | LONG))
            .and_then(Entry::numbers)
    };
    let offsets =
        pieces(offsets_tag).ok_or_else(|| damaged("where the picture data lies cannot be read"))?;
    let lengths = pieces(lengths_tag)
        .ok_or_else(|| damaged("how long the picture data is cannot be read"))?;
    if offsets.len() != lengths.len() {
        return Err(damaged(&format!(
            "the picture data has {} pieces but {} lengths",
            offsets.len(),
            lengths.len()
        )));
    }
    let jpeg_pieces = page.number(COMPRESSION) == Some(JPEG);
    let mut new_offsets = Vec::with_capacity(offsets.len() * 4);
    for (&offset, &length) in offsets.iter().zip(&lengths) {
        let at = out.copy(offset, length, label)?;
        if jpeg_pieces && length > 0 {
            let piece = &out.bytes[at as usize..][..length as usize];
            refuse_metadata_in_jpeg_piece(piece, label)?;
        }
        out.order.put_u32(&mut new_offsets, at);
    }
    Ok(new_offsets)
}

/// JPEG-compressed strips and tiles are whole JPEG streams, which could carry comments or
/// application segments of their own. Copying them is lossless only if they carry nothing else,
/// so anything else there refuses the file rather than being copied along.
fn refuse_metadata_in_jpeg_piece(piece: &[u8], label: &str) -> Result<(), Error> {
    let (_, dropped) = jpeg::split_embedded(piece).map_err(|error| {
        Error::malformed(Format::Tiff, format!("{label}JPEG picture data: {error}"))
    })?;
    if dropped.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = dropped.iter().map(jpeg::Dropped::name).collect();
    Err(Error::Unsupported(format!(
        "{label}this TIFF's JPEG picture data carries {} inside it, which cannot be removed without \
         re-encoding; save it as PNG, or as TIFF with LZW compression, and try again",
        names.join(", ")
    )))
}

fn fits(entry: &Entry, shape: Shape, page: &Ifd) -> bool {
    match shape {
        Shape::One => entry.is_numeric() && entry.count == 1,
        Shape::PerSample => {
            let samples = page.number(SAMPLES_PER_PIXEL).unwrap_or(1).max(1);
            entry.is_numeric() && (1..=samples).contains(&entry.count)
        }
        Shape::UpTo(most) => entry.is_numeric() && (1..=most).contains(&entry.count),
        Shape::Table => {
            let bits = page.number(BITS_PER_SAMPLE).unwrap_or(1).min(16);
            entry.is_numeric() && entry.count >= 1 && u64::from(entry.count) <= 3u64 << bits
        }
        Shape::DataOffsets | Shape::DataLengths => matches!(entry.kind, SHORT | LONG),
        Shape::JpegTables => matches!(entry.kind, UNDEFINED | BYTE),
    }
}

/// The entries a page keeps, with its picture data copied into `out`; says in `done` what it
/// left behind and what it kept.
fn rebuild_page(
    page: &Ifd,
    label: &str,
    keep: Keep,
    out: &mut NewFile,
    done: &mut Vec<Done>,
) -> Result<Vec<NewEntry>, Error> {
    let damaged = |reason: String| Error::malformed(Format::Tiff, format!("{label}{reason}"));
    if page.number(COMPRESSION) == Some(OLD_JPEG) {
        return Err(Error::Unsupported(
            "this TIFF uses old-style JPEG compression, which cannot be copied safely; open it in \
             a photo editor and save it as TIFF with LZW or Deflate compression, or as PNG, then \
             try again"
                .to_string(),
        ));
    }
    let new_offsets = copy_picture_data(page, label, out)?;

    let mut entries = Vec::new();
    let mut removed = Vec::new();
    let mut notes = Vec::new();
    let mut seen = HashSet::new();
    for entry in &page.entries {
        let name = exif::tag_name(Space::Main, entry.tag);
        if !seen.insert(entry.tag) {
            removed.push(format!("{name} (repeated)"));
            continue;
        }
        if entry.tag == ORIENTATION {
            match entry.number(0).and_then(|v| u16::try_from(v).ok()) {
                Some(value @ 2..=8) if keep.orientation && entry.count == 1 => {
                    let mut bytes = Vec::with_capacity(2);
                    out.order.put_u16(&mut bytes, value);
                    entries.push(NewEntry {
                        tag: ORIENTATION,
                        kind: SHORT,
                        count: 1,
                        value: bytes,
                    });
                    let turn = exif::orientation_text(value).unwrap_or_default();
                    notes.push(Done::kept(format!("{label}kept orientation ({turn})")));
                }
                _ => removed.push(name),
            }
            continue;
        }
        if entry.tag == ICC_PROFILE {
            match entry.bytes() {
                Some(profile) if keep.colour_profile && super::is_icc_profile(profile) => {
                    entries.push(NewEntry {
                        tag: ICC_PROFILE,
                        kind: UNDEFINED,
                        count: byte_count(profile.len())?,
                        value: profile.to_vec(),
                    });
                    notes.push(Done::kept(format!("{label}kept ICC colour profile")));
                }
                _ => notes.push(Done::removed(format!("{label}removed ICC colour profile"))),
            }
            continue;
        }
        let Some(shape) = shape(entry.tag) else {
            removed.push(name);
            continue;
        };
        if !fits(entry, shape, page) {
            return Err(damaged(format!(
                "the tag {name} holds {} values of TIFF type {}, which no picture needs",
                entry.count, entry.kind
            )));
        }
        let value = entry
            .bytes()
            .ok_or_else(|| damaged(format!("the value of {name} lies outside the file")))?;
        entries.push(match shape {
            Shape::DataOffsets => NewEntry {
                tag: entry.tag,
                kind: LONG,
                count: entry.count,
                value: new_offsets.clone(),
            },
            Shape::JpegTables => {
                let (tables, dropped) = jpeg::split_embedded(value)
                    .map_err(|error| damaged(format!("the JPEG tables are damaged: {error}")))?;
                if !dropped.is_empty() {
                    let names: Vec<String> = dropped.iter().map(jpeg::Dropped::name).collect();
                    notes.push(Done::removed(format!(
                        "{label}removed from the JPEG tables: {}",
                        names.join(", ")
                    )));
                }
                NewEntry {
                    tag: entry.tag,
                    kind: UNDEFINED,
                    count: byte_count(tables.len())?,
                    value: tables,
                }
            }
            _ => NewEntry {
                tag: entry.tag,
                kind: entry.kind,
                count: entry.count,
                value: value.to_vec(),
            },
        });
    }
    entries.sort_by_key(|e| e.tag);
    if !removed.is_empty() {
        done.push(Done::removed(format!(
            "{label}removed TIFF tags: {}",
            removed.join(", ")
        )));
    }
    done.extend(notes);
    Ok(entries)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::document::Action;
    use crate::photo::ifd::{ASCII, RATIONAL, type_size};

    /// A value for a hand-built entry.
    pub(in crate::photo) enum V {
        Short(Vec<u16>),
        Long(Vec<u32>),
        Ascii(&'static str),
        Rational(Vec<(u32, u32)>),
        Raw(u16, Vec<u8>),
    }

    /// TIFF-structured bytes built by hand, in either byte order, with directories placed where
    /// they are appended; children are written before the directory that points at them.
    pub(in crate::photo) struct Builder {
        pub(in crate::photo) order: Order,
        pub(in crate::photo) bytes: Vec<u8>,
    }

    impl Builder {
        pub(in crate::photo) fn new(order: Order) -> Builder {
            let mut bytes = order.header().to_vec();
            bytes.extend_from_slice(&[0; 4]);
            Builder { order, bytes }
        }

        /// Append raw data (picture strips, thumbnails) and return where it lies.
        pub(in crate::photo) fn data(&mut self, data: &[u8]) -> u32 {
            if self.bytes.len() % 2 == 1 {
                self.bytes.push(0);
            }
            let at = self.bytes.len() as u32;
            self.bytes.extend_from_slice(data);
            at
        }

        /// Append a directory with its values; returns its offset.
        pub(in crate::photo) fn ifd(&mut self, entries: Vec<(u16, V)>) -> u32 {
            let order = self.order;
            let encoded: Vec<(u16, u16, u32, Vec<u8>)> = entries
                .into_iter()
                .map(|(tag, value)| {
                    let mut out = Vec::new();
                    let (kind, count) = match value {
                        V::Short(values) => {
                            values.iter().for_each(|&v| order.put_u16(&mut out, v));
                            (SHORT, values.len())
                        }
                        V::Long(values) => {
                            values.iter().for_each(|&v| order.put_u32(&mut out, v));
                            (LONG, values.len())
                        }
                        V::Ascii(text) => {
                            out.extend_from_slice(text.as_bytes());
                            out.push(0);
                            (ASCII, out.len())
                        }
                        V::Rational(values) => {
                            for (n, d) in values.iter() {
                                order.put_u32(&mut out, *n);
                                order.put_u32(&mut out, *d);
                            }
                            (RATIONAL, values.len())
                        }
                        V::Raw(kind, bytes) => {
                            let count = bytes.len() / type_size(kind).unwrap_or(1);
                            out = bytes;
                            (kind, count)
                        }
                    };
                    (tag, kind, count as u32, out)
                })
                .collect();
            let at = self.data(&[]);
            order.put_u16(&mut self.bytes, encoded.len() as u16);
            let values_at = at as usize + 2 + 12 * encoded.len() + 4;
            let mut values = Vec::new();
            for (tag, kind, count, value) in &encoded {
                order.put_u16(&mut self.bytes, *tag);
                order.put_u16(&mut self.bytes, *kind);
                order.put_u32(&mut self.bytes, *count);
                if value.len() <= 4 {
                    let mut field = value.clone();
                    field.resize(4, 0);
                    self.bytes.extend_from_slice(&field);
                } else {
                    if values.len() % 2 == 1 {
                        values.push(0);
                    }
                    order.put_u32(&mut self.bytes, (values_at + values.len()) as u32);
                    values.extend_from_slice(value);
                }
            }
            order.put_u32(&mut self.bytes, 0);
            self.bytes.extend_from_slice(&values);
            at
        }

        /// Make `from` (0 for the header) point at the directory at `to`.
        pub(in crate::photo) fn link(&mut self, from: u32, to: u32) {
            let at = if from == 0 {
                4
            } else {
                let count = self.order.u16(&self.bytes, from as usize).unwrap() as usize;
                from as usize + 2 + 12 * count
            };
            self.bytes[at..at + 4].copy_from_slice(&self.order.u32_bytes(to));
        }
    }

    pub(in crate::photo) const ORDERS: [Order; 2] = [Order::Little, Order::Big];

    pub(in crate::photo) fn findings(result: impl FnOnce(&mut Collector)) -> Collector {
        let mut found = Collector::default();
        result(&mut found);
        found
    }

    const KEEP_ALL: Keep = Keep {
        orientation: true,
        colour_profile: true,
    };
    const KEEP_NOTHING: Keep = Keep {
        orientation: false,
        colour_profile: false,
    };

    /// An 8-bit grey picture of `width`×`height` whose pixels are all different, so a moved or
    /// changed byte shows.
    fn pixels(width: u32, height: u32, seed: u8) -> Vec<u8> {
        (0..width * height)
            .map(|i| (i as u8).wrapping_mul(7).wrapping_add(seed))
            .collect()
    }

    /// A one-page grey TIFF in two strips, with metadata in IFD0, an Exif directory and a GPS
    /// directory, followed by a reduced-resolution preview.
    fn sample(order: Order) -> (Vec<u8>, Vec<u8>) {
        let picture = pixels(4, 4, 3);
        let mut b = Builder::new(order);
        let first = b.data(&picture[..8]);
        let second = b.data(&picture[8..]);
        let thumb = b.data(&[9, 9, 9, 9]);
        let exif = b.ifd(vec![
            (0x9003, V::Ascii("2024:05:01 10:00:00")),
            (0xA431, V::Ascii("SN-12345")),
        ]);
        let gps = b.ifd(vec![
            (0x01, V::Ascii("N")),
            (0x02, V::Rational(vec![(48, 1), (51, 1), (2376, 100)])),
            (0x03, V::Ascii("E")),
            (0x04, V::Rational(vec![(2, 1), (21, 1), (792, 100)])),
        ]);
        let ifd0 = b.ifd(vec![
            (IMAGE_WIDTH, V::Short(vec![4])),
            (IMAGE_LENGTH, V::Short(vec![4])),
            (BITS_PER_SAMPLE, V::Short(vec![8])),
            (COMPRESSION, V::Short(vec![1])),
            (262, V::Short(vec![1])),
            (0x010F, V::Ascii("Canon")),
            (STRIP_OFFSETS, V::Long(vec![first, second])),
            (ORIENTATION, V::Short(vec![6])),
            (SAMPLES_PER_PIXEL, V::Short(vec![1])),
            (278, V::Short(vec![2])),
            (STRIP_BYTE_COUNTS, V::Long(vec![8, 8])),
            (282, V::Rational(vec![(72, 1)])),
            (283, V::Rational(vec![(72, 1)])),
            (296, V::Short(vec![2])),
            (0x013B, V::Ascii("Jean Dupont")),
            (0x8769, V::Long(vec![exif])),
            (
                ICC_PROFILE,
                V::Raw(UNDEFINED, crate::photo::testing::icc_profile()),
            ),
            (0x8825, V::Long(vec![gps])),
        ]);
        let ifd1 = b.ifd(vec![
            (NEW_SUBFILE_TYPE, V::Long(vec![1])),
            (IMAGE_WIDTH, V::Short(vec![2])),
            (IMAGE_LENGTH, V::Short(vec![2])),
            (STRIP_OFFSETS, V::Long(vec![thumb])),
            (STRIP_BYTE_COUNTS, V::Long(vec![4])),
            (0x0131, V::Ascii("Preview Maker 1.0")),
        ]);
        b.link(0, ifd0);
        b.link(ifd0, ifd1);
        (b.bytes, picture)
    }

    /// Every page's picture data, joined, read back through the new file's offsets.
    fn strip_data(bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut reader = Reader::new(bytes).unwrap();
        let mut pages = Vec::new();
        let mut next = reader.first;
        while next != 0 {
            let ifd = reader.ifd(next).unwrap();
            let (offsets, lengths) = match ifd.get(STRIP_OFFSETS) {
                Some(_) => (STRIP_OFFSETS, STRIP_BYTE_COUNTS),
                None => (TILE_OFFSETS, TILE_BYTE_COUNTS),
            };
            let offsets = ifd.get(offsets).unwrap().numbers().unwrap();
            let lengths = ifd.get(lengths).unwrap().numbers().unwrap();
            let mut data = Vec::new();
            for (o, l) in offsets.iter().zip(&lengths) {
                data.extend_from_slice(&bytes[*o as usize..(*o + *l) as usize]);
            }
            pages.push(data);
            next = ifd.next;
        }
        pages
    }

    fn tags(bytes: &[u8]) -> Vec<u16> {
        let mut reader = Reader::new(bytes).unwrap();
        let first = reader.first;
        reader
            .ifd(first)
            .unwrap()
            .entries
            .iter()
            .map(|e| e.tag)
            .collect()
    }

    #[test]
    fn reader_reads_numbers_text_and_fractions_in_both_byte_orders() {
        for order in ORDERS {
            let mut b = Builder::new(order);
            let ifd = b.ifd(vec![
                (256, V::Short(vec![640])),
                (257, V::Long(vec![70_000])),
                (0x010F, V::Ascii("Canon")),
                (282, V::Rational(vec![(300, 1)])),
                (258, V::Short(vec![8, 8, 8])),
            ]);
            b.link(0, ifd);
            let mut reader = Reader::new(&b.bytes).unwrap();
            let first = reader.first;
            let ifd = reader.ifd(first).unwrap();
            assert!(!ifd.truncated);
            assert_eq!(ifd.get(256).unwrap().number(0), Some(640));
            assert_eq!(ifd.get(257).unwrap().number(0), Some(70_000));
            assert_eq!(
                ifd.get(0x010F).unwrap().ascii(),
                Some(vec!["Canon".to_string()])
            );
            assert_eq!(ifd.get(282).unwrap().rational(0), Some((300, 1)));
            assert_eq!(ifd.get(282).unwrap().real(0), Some(300.0));
            assert_eq!(ifd.get(258).unwrap().numbers(), Some(vec![8, 8, 8]));
            assert_eq!(ifd.get(258).unwrap().number(3), None);
        }
    }

    #[test]
    fn a_value_outside_the_data_is_unreadable_not_a_panic() {
        let mut b = Builder::new(Order::Little);
        let ifd = b.ifd(vec![(0x010F, V::Ascii("a long maker name"))]);
        b.link(0, ifd);
        let value_offset = ifd as usize + 2 + 8;
        b.bytes[value_offset..value_offset + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut reader = Reader::new(&b.bytes).unwrap();
        let ifd = reader.ifd(ifd).unwrap();
        assert_eq!(ifd.get(0x010F).unwrap().bytes(), None);
    }

    #[test]
    fn inspect_reports_metadata_previews_and_sub_directories() {
        for order in ORDERS {
            let (bytes, _) = sample(order);
            let found = findings(|found| inspect(&bytes, found).unwrap());
            let fields: Vec<String> = found
                .findings
                .iter()
                .map(|f| crate::photo::testing::field(f).to_string())
                .collect();
            for expected in [
                "Make",
                "Artist",
                "Orientation",
                "ICC_Profile",
                "DateTimeOriginal",
                "BodySerialNumber",
                "GPSLatitude, GPSLongitude",
                "preview picture",
                "Software",
            ] {
                assert!(
                    fields.iter().any(|f| f == expected),
                    "{expected} in {fields:?}"
                );
            }
            for structural in ["ImageWidth", "StripOffsets", "BitsPerSample", "XResolution"] {
                assert!(
                    !fields.iter().any(|f| f == structural),
                    "{structural} reported"
                );
            }
            let preview = found
                .findings
                .iter()
                .find(|f| f.category == Category::Picture)
                .unwrap();
            assert_eq!(preview.value, "2×2 pixels, 4 bytes");
            assert_eq!(
                preview.explanation,
                "a smaller copy of the picture, possibly before your edits"
            );
            let gps = found
                .findings
                .iter()
                .find(|f| f.category == Category::Location)
                .unwrap();
            assert_eq!(gps.value, "48.8566 N 2.3522 E");
            assert_eq!(
                gps.location.to_string(),
                "TIFF EXIF GPS GPSLatitude, GPSLongitude"
            );
            let orientation = found
                .findings
                .iter()
                .find(|f| f.category == Category::Orientation)
                .unwrap();
            assert_eq!(orientation.value, "rotate 90° clockwise");
            assert_eq!(orientation.action, Action::Keep);
            assert!(
                found
                    .findings
                    .iter()
                    .all(|f| f.category != Category::Unknown)
            );
        }
    }

    #[test]
    fn strip_keeps_picture_data_byte_for_byte_and_drops_the_rest() {
        for order in ORDERS {
            let (bytes, picture) = sample(order);
            let mut done = Vec::new();
            let clean = strip(&bytes, KEEP_NOTHING, &mut done).unwrap();
            assert_eq!(&clean[..4], &order.header());
            assert_eq!(strip_data(&clean), vec![picture.clone()]);
            let kept = tags(&clean);
            assert_eq!(
                kept,
                vec![256, 257, 258, 259, 262, 273, 277, 278, 279, 282, 283, 296]
            );
            assert!(!clean.windows(6).any(|w| w == b"Dupont"));
            assert!(!clean.windows(5).any(|w| w == b"Canon"));
            let again = findings(|found| inspect(&clean, found).unwrap());
            assert!(again.findings.is_empty(), "{:?}", again.findings);
            let words: Vec<&str> = done.iter().map(|d| d.what.as_str()).collect();
            assert_eq!(
                words,
                vec![
                    "removed TIFF tags: Make, Orientation, Artist, ExifOffset, GPSInfo",
                    "removed ICC colour profile",
                    "removed 1 preview picture",
                    "kept the picture data byte for byte",
                ]
            );
        }
    }

    #[test]
    fn strip_keeps_orientation_and_colour_profile_when_the_plan_does() {
        for order in ORDERS {
            let (bytes, picture) = sample(order);
            let mut done = Vec::new();
            let clean = strip(&bytes, KEEP_ALL, &mut done).unwrap();
            assert_eq!(strip_data(&clean), vec![picture]);
            assert_eq!(exif::orientation(&clean), Some(6));
            assert!(tags(&clean).contains(&ICC_PROFILE));
            let again = findings(|found| inspect(&clean, found).unwrap());
            let categories: Vec<Category> = again.findings.iter().map(|f| f.category).collect();
            assert_eq!(
                categories,
                vec![Category::Orientation, Category::ColourProfile]
            );
            let words: Vec<&str> = done.iter().map(|d| d.what.as_str()).collect();
            assert!(words.contains(&"kept orientation (rotate 90° clockwise)"));
            assert!(words.contains(&"kept ICC colour profile"));
            assert!(words.contains(&"removed TIFF tags: Make, Artist, ExifOffset, GPSInfo"));
        }
    }

    #[test]
    fn stripped_output_decodes_to_the_same_pixels() {
        for order in ORDERS {
            let (bytes, picture) = sample(order);
            let clean = strip(&bytes, KEEP_ALL, &mut Vec::new()).unwrap();
            let decoded = image::load_from_memory(&clean).unwrap().into_luma8();
            assert_eq!(decoded.dimensions(), (4, 4));
            assert_eq!(decoded.into_raw(), picture);
        }
    }

    #[test]
    fn every_page_is_kept_and_named_in_what_was_done() {
        let mut b = Builder::new(Order::Big);
        let one = b.data(&pixels(2, 2, 1));
        let two = b.data(&pixels(2, 2, 2));
        let page = |offset: u32, artist: &'static str| {
            vec![
                (IMAGE_WIDTH, V::Short(vec![2])),
                (IMAGE_LENGTH, V::Short(vec![2])),
                (STRIP_OFFSETS, V::Long(vec![offset])),
                (STRIP_BYTE_COUNTS, V::Short(vec![4])),
                (0x013B, V::Ascii(artist)),
            ]
        };
        let first = b.ifd(page(one, "First Person"));
        let second = b.ifd(page(two, "Second Person"));
        b.link(0, first);
        b.link(first, second);
        let found = findings(|found| inspect(&b.bytes, found).unwrap());
        let pictures: Vec<u32> = found
            .findings
            .iter()
            .map(|f| match f.location {
                crate::document::Location::Metadata { picture, .. } => picture,
                ref other => panic!("a TIFF finding at {other}"),
            })
            .collect();
        assert_eq!(pictures, vec![0, 1]);
        let mut done = Vec::new();
        let clean = strip(&b.bytes, KEEP_ALL, &mut done).unwrap();
        assert_eq!(strip_data(&clean), vec![pixels(2, 2, 1), pixels(2, 2, 2)]);
        let words: Vec<&str> = done.iter().map(|d| d.what.as_str()).collect();
        assert_eq!(
            words,
            vec![
                "page 1: removed TIFF tags: Artist",
                "page 2: removed TIFF tags: Artist",
                "kept the picture data of 2 pages byte for byte",
            ]
        );
    }

    #[test]
    fn sub_ifds_are_reported_and_dropped() {
        let mut b = Builder::new(Order::Little);
        let full = b.data(&pixels(2, 2, 0));
        let small = b.data(&[1]);
        let sub = b.ifd(vec![
            (NEW_SUBFILE_TYPE, V::Long(vec![1])),
            (IMAGE_WIDTH, V::Short(vec![1])),
            (IMAGE_LENGTH, V::Short(vec![1])),
            (STRIP_OFFSETS, V::Long(vec![small])),
            (STRIP_BYTE_COUNTS, V::Long(vec![1])),
        ]);
        let page = b.ifd(vec![
            (IMAGE_WIDTH, V::Short(vec![2])),
            (IMAGE_LENGTH, V::Short(vec![2])),
            (STRIP_OFFSETS, V::Long(vec![full])),
            (STRIP_BYTE_COUNTS, V::Long(vec![4])),
            (SUB_IFDS, V::Long(vec![sub])),
        ]);
        b.link(0, page);
        let found = findings(|found| inspect(&b.bytes, found).unwrap());
        assert_eq!(found.findings.len(), 1);
        assert_eq!(found.findings[0].category, Category::Picture);
        assert_eq!(
            found.findings[0].location.to_string(),
            "TIFF SubIFD1 preview picture"
        );
        let mut done = Vec::new();
        let clean = strip(&b.bytes, KEEP_ALL, &mut done).unwrap();
        assert!(!tags(&clean).contains(&SUB_IFDS));
        assert!(done.iter().any(|d| d.what == "removed 1 preview picture"));
    }

    #[test]
    fn a_file_of_previews_only_is_refused_with_a_reason() {
        let mut b = Builder::new(Order::Little);
        let data = b.data(&[0; 4]);
        let ifd = b.ifd(vec![
            (NEW_SUBFILE_TYPE, V::Long(vec![1])),
            (STRIP_OFFSETS, V::Long(vec![data])),
            (STRIP_BYTE_COUNTS, V::Long(vec![4])),
        ]);
        b.link(0, ifd);
        let error = strip(&b.bytes, KEEP_ALL, &mut Vec::new()).unwrap_err();
        assert!(
            matches!(error, Error::Unsupported(ref r) if r.contains("DNG")),
            "{error}"
        );
    }

    #[test]
    fn old_style_jpeg_is_refused_with_a_reason() {
        let mut b = Builder::new(Order::Little);
        let data = b.data(&[0; 4]);
        let ifd = b.ifd(vec![
            (COMPRESSION, V::Short(vec![6])),
            (STRIP_OFFSETS, V::Long(vec![data])),
            (STRIP_BYTE_COUNTS, V::Long(vec![4])),
        ]);
        b.link(0, ifd);
        let error = strip(&b.bytes, KEEP_ALL, &mut Vec::new()).unwrap_err();
        assert!(
            matches!(error, Error::Unsupported(ref r) if r.contains("old-style JPEG")),
            "{error}"
        );
    }

    #[test]
    fn picture_data_outside_the_file_is_malformed() {
        let mut b = Builder::new(Order::Big);
        let ifd = b.ifd(vec![
            (STRIP_OFFSETS, V::Long(vec![1_000_000])),
            (STRIP_BYTE_COUNTS, V::Long(vec![4])),
        ]);
        b.link(0, ifd);
        let error = strip(&b.bytes, KEEP_ALL, &mut Vec::new()).unwrap_err();
        assert!(
            matches!(error, Error::Malformed { format: Format::Tiff, ref reason } if reason.contains("outside the file")),
            "{error}"
        );
    }

    #[test]
    fn a_kept_tag_carrying_text_is_refused() {
        let mut b = Builder::new(Order::Little);
        let data = b.data(&[0; 4]);
        let ifd = b.ifd(vec![
            (BITS_PER_SAMPLE, V::Ascii("Jean Dupont, born 1970")),
            (STRIP_OFFSETS, V::Long(vec![data])),
            (STRIP_BYTE_COUNTS, V::Long(vec![4])),
        ]);
        b.link(0, ifd);
        let error = strip(&b.bytes, KEEP_ALL, &mut Vec::new()).unwrap_err();
        assert!(matches!(error, Error::Malformed { .. }), "{error}");
    }

    #[test]
    fn an_unreadable_first_directory_is_a_damaged_file() {
        for bytes in [
            b"II*\0\xff\xff\x00\x00".to_vec(),
            b"II*\0\0\0\0\0".to_vec(),
            b"MM\0*".to_vec(),
        ] {
            let error = inspect(&bytes, &mut Collector::default()).unwrap_err();
            assert!(
                matches!(
                    error,
                    Error::Malformed {
                        format: Format::Tiff,
                        ..
                    }
                ),
                "{error}"
            );
            assert!(strip(&bytes, KEEP_ALL, &mut Vec::new()).is_err());
        }
    }

    #[test]
    fn loops_end_the_walk() {
        let mut b = Builder::new(Order::Little);
        let data = b.data(&[0; 4]);
        let ifd = b.ifd(vec![
            (IMAGE_WIDTH, V::Short(vec![2])),
            (IMAGE_LENGTH, V::Short(vec![2])),
            (STRIP_OFFSETS, V::Long(vec![data])),
            (STRIP_BYTE_COUNTS, V::Long(vec![4])),
            (SUB_IFDS, V::Long(vec![0])),
            (0x8769, V::Long(vec![0])),
        ]);
        b.link(0, ifd);
        b.link(ifd, ifd);
        // The SubIFD and Exif pointers point back at the page itself.
        let sub_value = ifd as usize + 2 + 12 * 4 + 8;
        b.bytes[sub_value..sub_value + 4].copy_from_slice(&ifd.to_le_bytes());
        b.bytes[sub_value + 12..sub_value + 16].copy_from_slice(&ifd.to_le_bytes());
        let found = findings(|found| inspect(&b.bytes, found).unwrap());
        assert!(found.findings.is_empty(), "{:?}", found.findings);
        let clean = strip(&b.bytes, KEEP_ALL, &mut Vec::new()).unwrap();
        assert_eq!(strip_data(&clean), vec![vec![0; 4]]);
    }

    /// Every cut and every single-byte change of a real-looking file either reads or fails with
    /// a reason; none panics or loops.
    #[test]
    fn damage_never_panics() {
        for order in ORDERS {
            let (bytes, _) = sample(order);
            for len in 0..bytes.len() {
                let cut = &bytes[..len];
                let _ = inspect(cut, &mut Collector::default());
                let _ = strip(cut, KEEP_ALL, &mut Vec::new());
            }
            for at in 0..bytes.len() {
                for value in [0x00, 0xFF, 0x7F, 0x01] {
                    let mut changed = bytes.clone();
                    changed[at] = value;
                    let _ = inspect(&changed, &mut Collector::default());
                    if let Ok(clean) = strip(&changed, KEEP_ALL, &mut Vec::new()) {
                        let again = findings(|found| inspect(&clean, found).unwrap());
                        assert!(
                            again.findings.iter().all(|f| !f.category.identifies()),
                            "byte {at} = {value}: {:?}",
                            again.findings
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn jpeg_tables_lose_comments_and_application_segments() {
        let mut tables = vec![0xFF, 0xD8];
        tables.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01]);
        tables.extend_from_slice(&[0xFF, COM, 0x00, 0x07]);
        tables.extend_from_slice(b"Jean!");
        tables.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x03, 0x00]);
        tables.extend_from_slice(&[0xFF, 0xD9]);
        let mut b = Builder::new(Order::Little);
        let data = b.data(&[0xFF, 0xD8, 0xFF, 0xD9]);
        let ifd = b.ifd(vec![
            (COMPRESSION, V::Short(vec![7])),
            (STRIP_OFFSETS, V::Long(vec![data])),
            (STRIP_BYTE_COUNTS, V::Long(vec![4])),
            (JPEG_TABLES, V::Raw(UNDEFINED, tables)),
        ]);
        b.link(0, ifd);
        let found = findings(|found| inspect(&b.bytes, found).unwrap());
        let shown: Vec<(Category, &str)> = found
            .findings
            .iter()
            .map(|f| (f.category, f.value.as_str()))
            .collect();
        assert_eq!(
            shown,
            vec![(Category::Text, "Jean!"), (Category::Unknown, "1 byte")]
        );
        let mut done = Vec::new();
        let clean = strip(&b.bytes, KEEP_ALL, &mut done).unwrap();
        let mut reader = Reader::new(&clean).unwrap();
        let first = reader.first;
        let ifd = reader.ifd(first).unwrap();
        assert_eq!(
            ifd.get(JPEG_TABLES).unwrap().bytes().unwrap(),
            &[0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01, 0xFF, 0xD9]
        );
        assert!(
            done.iter()
                .any(|d| d.what == "removed from the JPEG tables: comment, APP1 segment")
        );
    }

    #[test]
    fn jpeg_strips_carrying_a_comment_are_refused_not_copied() {
        let strip_with_comment = [
            [0xFF, 0xD8, 0xFF, COM, 0x00, 0x0D].as_slice(),
            b"Jean Dupont",
            &[0xFF, 0xD9],
        ]
        .concat();
        let mut b = Builder::new(Order::Little);
        let data = b.data(&strip_with_comment[..strip_with_comment.len() - 1]);
        let ifd = b.ifd(vec![
            (COMPRESSION, V::Short(vec![7])),
            (STRIP_OFFSETS, V::Long(vec![data])),
            (
                STRIP_BYTE_COUNTS,
                V::Long(vec![strip_with_comment.len() as u32 - 1]),
            ),
        ]);
        b.link(0, ifd);
        assert!(matches!(
            strip(&b.bytes, KEEP_ALL, &mut Vec::new()),
            Err(Error::Malformed { .. })
        ));

        let mut b = Builder::new(Order::Little);
        let data = b.data(&strip_with_comment);
        let ifd = b.ifd(vec![
            (COMPRESSION, V::Short(vec![7])),
            (STRIP_OFFSETS, V::Long(vec![data])),
            (
                STRIP_BYTE_COUNTS,
                V::Long(vec![strip_with_comment.len() as u32]),
            ),
        ]);
        b.link(0, ifd);
        match strip(&b.bytes, KEEP_ALL, &mut Vec::new()) {
            Err(Error::Unsupported(reason)) => assert!(reason.contains("comment"), "{reason}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn data_posing_as_a_colour_profile_is_dropped() {
        let mut b = Builder::new(Order::Little);
        let data = b.data(&[1, 2, 3, 4]);
        let ifd = b.ifd(vec![
            (STRIP_OFFSETS, V::Long(vec![data])),
            (STRIP_BYTE_COUNTS, V::Long(vec![4])),
            (
                ICC_PROFILE,
                V::Raw(UNDEFINED, b"Jean Dupont, 12 rue des Lilas".to_vec()),
            ),
        ]);
        b.link(0, ifd);
        let clean = strip(&b.bytes, KEEP_ALL, &mut Vec::new()).unwrap();
        assert!(!tags(&clean).contains(&ICC_PROFILE));
    }

    /// A tag the whitelist keeps must never read as identifying, or every cleaned TIFF would
    /// fail its own verification.
    #[test]
    fn kept_tags_are_structure() {
        for &(tag, _) in KEEP {
            let name = exif::tag_name(Space::Main, tag);
            assert!(!name.starts_with("tag 0x"), "{tag} has no name");
            let mut b = Builder::new(Order::Little);
            let value = if tag == JPEG_TABLES {
                V::Raw(UNDEFINED, vec![0xFF, 0xD8, 0xFF, 0xD9])
            } else {
                V::Short(vec![0])
            };
            let ifd = b.ifd(vec![(tag, value)]);
            b.link(0, ifd);
            let found = findings(|found| inspect(&b.bytes, found).unwrap());
            assert!(found.findings.is_empty(), "{name}: {:?}", found.findings);
        }
    }

    /// Pillow's test TIFFs: each one inspects and strips, or fails with a reason; the Group 4
    /// fax pages keep their orientation and their compressed data exactly.
    #[test]
    fn corpus_tiffs() {
        for path in crate::photo::testing::corpus("tif") {
            let bytes = std::fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let mut found = Collector::default();
            if let Err(error) = inspect(&bytes, &mut found) {
                assert!(!error.to_string().is_empty(), "{name}");
                continue;
            }
            let mut done = Vec::new();
            let clean = match strip(&bytes, KEEP_ALL, &mut done) {
                Ok(clean) => clean,
                Err(error) => {
                    assert!(!error.to_string().is_empty(), "{name}");
                    continue;
                }
            };
            let again = findings(|found| inspect(&clean, found).unwrap());
            assert!(
                again.findings.iter().all(|f| !f.category.identifies()),
                "{name}: {:?}",
                again.findings
            );
            assert_eq!(strip_data(&clean), strip_data(&bytes), "{name}");
            if let Some(n) = name
                .strip_prefix("g4_orientation_")
                .and_then(|rest| rest.strip_suffix(".tif"))
            {
                let n: u16 = n.parse().unwrap();
                assert_eq!(exif::orientation(&clean).unwrap_or(1), n, "{name}");
                assert!(
                    found.findings.iter().any(|f| f.value == "IrfanView"),
                    "{name}"
                );
            }
            if let Ok(original) = image::load_from_memory(&bytes) {
                let cleaned = image::load_from_memory(&clean).unwrap();
                assert_eq!(original.as_bytes(), cleaned.as_bytes(), "{name}");
            }
        }
    }
}
