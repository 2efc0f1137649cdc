//! HEIF (HEIC from iPhones, AVIF from Android phones and the web): an ISOBMFF file whose `meta`
//! box lists items (coded pictures, tiles of a grid, EXIF, XMP, thumbnails, depth maps, HDR gain
//! maps), where their bytes are (`iloc`), how they relate (`iref`) and the properties that say
//! how to show them (`iprp`).
//!
//! Stripping keeps the primary picture and what showing it needs: its tiles when it is a grid,
//! its alpha plane, and the properties a decoder or viewer uses (decoder configuration, size,
//! colour, turn, mirror, crop). Everything else is dropped, including every item and property
//! nobody here knows; the coded picture data is copied byte for byte into one new `mdat`, so
//! nothing is decoded or encoded again.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::{Collector, Keep, Removed, exif, size, text, xmp};
use crate::document::{Category, Done, Error, Format};

/// More items than any camera writes (an iPhone's 48-megapixel grid has about 100 tiles), and a
/// bound on the work a file that lies about its counts can ask for.
const MAX_ITEMS: usize = 10_000;

/// Properties a viewer needs to show the kept picture as the phone did; the others (and any
/// unknown one) are dropped. `irot` and `imir` follow the plan's orientation choice and a
/// `colr` holding an ICC profile follows its colour-profile choice.
const SHOWING: [&[u8; 4]; 13] = [
    b"hvcC", b"av1C", b"ispe", b"pixi", b"colr", b"irot", b"imir", b"clap", b"pasp", b"auxC",
    b"a1op", b"a1lx", b"lsel",
];
/// High-dynamic-range light levels, also only about showing the picture.
const SHOWING_HDR: [&[u8; 4]; 2] = [b"clli", b"mdcv"];

/// The auxiliary type of an alpha plane, HEVC's and MPEG-B's spellings.
const ALPHA: [&str; 2] = [
    "urn:mpeg:hevc:2015:auxid:1",
    "urn:mpeg:mpegB:cicp:systems:auxiliary:alpha",
];

fn malformed(format: Format, reason: impl Into<String>) -> Error {
    Error::malformed(format, reason)
}

/// Whether the file's brands make it AVIF rather than HEIC (`avif`, `avis` first or listed).
/// Only the leading file type box is read, so a damaged AVIF is still named AVIF.
pub(super) fn is_avif(bytes: &[u8]) -> bool {
    let Some(size) = bytes
        .get(..4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    else {
        return false;
    };
    let end = (size as usize).clamp(8, bytes.len().max(8));
    bytes.get(4..8) == Some(b"ftyp")
        && bytes.get(8..end).is_some_and(|brands| {
            brands
                .chunks_exact(4)
                .enumerate()
                .any(|(i, brand)| i != 1 && matches!(brand, b"avif" | b"avis"))
        })
}

/// One box: its type, the range of its content and of the whole box, in the file's bytes.
#[derive(Debug, Clone)]
struct Bx {
    kind: [u8; 4],
    content: Range<usize>,
    whole: Range<usize>,
}

/// The boxes laid end to end in `range` of `bytes`.
fn boxes(bytes: &[u8], range: Range<usize>, format: Format) -> Result<Vec<Bx>, Error> {
    let mut list = Vec::new();
    let mut at = range.start;
    while at < range.end {
        let header = bytes
            .get(at..at + 8)
            .filter(|_| at + 8 <= range.end)
            .ok_or_else(|| malformed(format, format!("a box is cut off at byte {at}")))?;
        let kind = [header[4], header[5], header[6], header[7]];
        let declared = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as u64;
        let (len, header_len) = match declared {
            0 => ((range.end - at) as u64, 8),
            1 => {
                let large = bytes
                    .get(at + 8..at + 16)
                    .ok_or_else(|| malformed(format, "a large box is cut off"))?;
                (u64::from_be_bytes(large.try_into().unwrap_or([0; 8])), 16)
            }
            n => (n, 8),
        };
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| at.checked_add(len))
            .filter(|&end| len >= header_len as u64 && end <= range.end)
            .ok_or_else(|| {
                malformed(
                    format,
                    format!(
                        "box '{}' at byte {at} claims more bytes than it has",
                        text(&kind)
                    ),
                )
            })?;
        list.push(Bx {
            kind,
            content: at + header_len..end,
            whole: at..end,
        });
        at = end;
    }
    Ok(list)
}

/// A cursor over a box's content, failing rather than panicking at its end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    format: Format,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], format: Format, what: &'static str) -> Self {
        Reader {
            bytes,
            at: 0,
            format,
            what,
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let taken = self
            .bytes
            .get(self.at..self.at.saturating_add(n))
            .ok_or_else(|| malformed(self.format, format!("the {} box is cut off", self.what)))?;
        self.at += n;
        Ok(taken)
    }

    /// A big-endian unsigned number of `n` bytes (0 to 8).
    fn uint(&mut self, n: usize) -> Result<u64, Error> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |value, &b| value << 8 | u64::from(b)))
    }

    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, Error> {
        Ok(self.uint(2)? as u16)
    }

    fn u32(&mut self) -> Result<u32, Error> {
        Ok(self.uint(4)? as u32)
    }

    /// A full box's version and flags.
    fn version_flags(&mut self) -> Result<(u8, u32), Error> {
        let word = self.u32()?;
        Ok(((word >> 24) as u8, word & 0xFF_FFFF))
    }

    fn string(&mut self) -> Result<String, Error> {
        let rest = &self.bytes[self.at.min(self.bytes.len())..];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        self.at += (end + 1).min(rest.len());
        Ok(text(&rest[..end]))
    }
}

#[derive(Debug, Clone)]
struct Item {
    id: u32,
    kind: [u8; 4],
    name: String,
    content_type: String,
    /// The `infe` box, copied whole when the item is kept.
    infe: Range<usize>,
}

/// Where an item's bytes are: in the file (`mdat`) or in the `meta` box's `idat`.
#[derive(Debug, Clone)]
struct Location {
    in_idat: bool,
    /// Absolute ranges in the file, or ranges in the `idat` content.
    extents: Vec<Range<usize>>,
}

#[derive(Debug, Clone)]
struct Reference {
    kind: [u8; 4],
    from: u32,
    to: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Association {
    /// 1-based index into `ipco`.
    property: usize,
    essential: bool,
}

/// The `meta` box, read.
struct Meta {
    format: Format,
    hdlr: Range<usize>,
    primary: u32,
    pitm: Range<usize>,
    items: Vec<Item>,
    locations: BTreeMap<u32, Location>,
    references: Vec<Reference>,
    /// The properties of `ipco`, in order (index 1 is the first).
    properties: Vec<Bx>,
    associations: BTreeMap<u32, Vec<Association>>,
    idat: Range<usize>,
    /// Boxes of `meta` that are none of the above (`dinf`, `grpl`, vendors' own).
    others: Vec<Bx>,
}

fn read_meta(bytes: &[u8], meta: &Bx, format: Format) -> Result<Meta, Error> {
    let content = meta.content.clone();
    if content.len() < 4 {
        return Err(malformed(format, "the meta box is empty"));
    }
    let children = boxes(bytes, content.start + 4..content.end, format)?;
    let find = |kind: &[u8; 4]| children.iter().find(|b| &b.kind == kind);
    let hdlr = find(b"hdlr").ok_or_else(|| malformed(format, "it has no handler (hdlr) box"))?;
    let handler = bytes.get(hdlr.content.start + 8..hdlr.content.start + 12);
    if handler != Some(b"pict") {
        return Err(Error::Unsupported(format!(
            "this {format} file holds no still picture (its handler is not 'pict')"
        )));
    }
    let pitm = find(b"pitm").ok_or_else(|| malformed(format, "it names no primary picture"))?;
    let mut reader = Reader::new(&bytes[pitm.content.clone()], format, "pitm");
    let (version, _) = reader.version_flags()?;
    let primary = if version == 0 {
        u32::from(reader.u16()?)
    } else {
        reader.u32()?
    };
    let items = match find(b"iinf") {
        Some(iinf) => read_iinf(bytes, iinf, format)?,
        None => return Err(malformed(format, "it has no item list (iinf)")),
    };
    let locations = match find(b"iloc") {
        Some(iloc) => read_iloc(&bytes[iloc.content.clone()], format)?,
        None => return Err(malformed(format, "it has no item locations (iloc)")),
    };
    let references = match find(b"iref") {
        Some(iref) => read_iref(bytes, iref, format)?,
        None => Vec::new(),
    };
    let (properties, associations) = match find(b"iprp") {
        Some(iprp) => read_iprp(bytes, iprp, format)?,
        None => (Vec::new(), BTreeMap::new()),
    };
    let idat = find(b"idat").map_or(0..0, |idat| idat.content.clone());
    let known: [&[u8; 4]; 7] = [
        b"hdlr", b"pitm", b"iinf", b"iloc", b"iref", b"iprp", b"idat",
    ];
    let others = children
        .iter()
        .filter(|b| !known.contains(&&b.kind) && !points_at_this_file(bytes, b, format))
        .cloned()
        .collect();
    let meta = Meta {
        format,
        hdlr: hdlr.whole.clone(),
        primary,
        pitm: pitm.whole.clone(),
        items,
        locations,
        references,
        properties,
        associations,
        idat,
        others,
    };
    if meta.item(primary).is_none() {
        return Err(malformed(
            format,
            "its primary picture is not in its item list",
        ));
    }
    Ok(meta)
}

/// Whether `b` is a data-information box (`dinf`) whose references all say "in this file", as
/// cameras and phones write it: structure, which is rebuilt without it. One naming another file
/// (a URL) is reported as unknown data.
fn points_at_this_file(bytes: &[u8], b: &Bx, format: Format) -> bool {
    if &b.kind != b"dinf" {
        return false;
    }
    let Ok(children) = boxes(bytes, b.content.clone(), format) else {
        return false;
    };
    children.iter().all(|dref| {
        &dref.kind == b"dref"
            && dref.content.len() >= 8
            && boxes(bytes, dref.content.start + 8..dref.content.end, format).is_ok_and(|entries| {
                entries.iter().all(|entry| {
                    &entry.kind == b"url "
                        && entry.content.len() == 4
                        && bytes[entry.content.start + 3] & 1 == 1
                })
            })
    })
}

fn read_iinf(bytes: &[u8], iinf: &Bx, format: Format) -> Result<Vec<Item>, Error> {
    let mut reader = Reader::new(&bytes[iinf.content.clone()], format, "iinf");
    let (version, _) = reader.version_flags()?;
    let count = if version == 0 {
        reader.uint(2)?
    } else {
        reader.uint(4)?
    } as usize;
    if count > MAX_ITEMS {
        return Err(malformed(format, format!("it claims {count} items")));
    }
    let start = iinf.content.start + reader.at;
    let mut items = Vec::new();
    for infe in boxes(bytes, start..iinf.content.end, format)? {
        if &infe.kind != b"infe" {
            continue;
        }
        let mut reader = Reader::new(&bytes[infe.content.clone()], format, "infe");
        let (version, _) = reader.version_flags()?;
        if version < 2 {
            return Err(Error::Unsupported(format!(
                "this {format} file uses an old item entry (version {version}), which no phone \
                 writes; save it again with a current program"
            )));
        }
        let id = if version == 2 {
            u32::from(reader.u16()?)
        } else {
            reader.u32()?
        };
        let _protection = reader.u16()?;
        let kind: [u8; 4] = reader.take(4)?.try_into().unwrap_or([0; 4]);
        let name = reader.string()?;
        let content_type = if &kind == b"mime" {
            reader.string()?
        } else {
            String::new()
        };
        items.push(Item {
            id,
            kind,
            name,
            content_type,
            infe: infe.whole.clone(),
        });
    }
    Ok(items)
}

fn read_iloc(content: &[u8], format: Format) -> Result<BTreeMap<u32, Location>, Error> {
    let mut reader = Reader::new(content, format, "iloc");
    let (version, _) = reader.version_flags()?;
    if version > 2 {
        return Err(Error::Unsupported(format!(
            "this {format} file's item locations are of an unknown version ({version})"
        )));
    }
    let sizes = reader.u16()?;
    let offset_size = usize::from(sizes >> 12);
    let length_size = usize::from(sizes >> 8 & 0xF);
    let base_offset_size = usize::from(sizes >> 4 & 0xF);
    let index_size = if version >= 1 {
        usize::from(sizes & 0xF)
    } else {
        0
    };
    for field in [offset_size, length_size, base_offset_size, index_size] {
        if !matches!(field, 0 | 4 | 8) {
            return Err(malformed(
                format,
                "its item locations have an invalid field size",
            ));
        }
    }
    let count = if version < 2 {
        u64::from(reader.u16()?)
    } else {
        u64::from(reader.u32()?)
    } as usize;
    if count > MAX_ITEMS {
        return Err(malformed(format, format!("it locates {count} items")));
    }
    let mut locations = BTreeMap::new();
    for _ in 0..count {
        let id = if version < 2 {
            u32::from(reader.u16()?)
        } else {
            reader.u32()?
        };
        let method = if version >= 1 { reader.u16()? & 0xF } else { 0 };
        if method > 1 {
            return Err(Error::Unsupported(format!(
                "this {format} file builds an item out of another item's bytes, which is not \
                 supported"
            )));
        }
        let data_reference = reader.u16()?;
        if data_reference != 0 {
            return Err(Error::Unsupported(format!(
                "this {format} file keeps part of its picture in another file"
            )));
        }
        let base = reader.uint(base_offset_size)?;
        let extent_count = usize::from(reader.u16()?);
        let mut extents = Vec::with_capacity(extent_count);
        for _ in 0..extent_count {
            reader.uint(index_size)?;
            let offset = base.saturating_add(reader.uint(offset_size)?);
            let length = reader.uint(length_size)?;
            let start = usize::try_from(offset).unwrap_or(usize::MAX);
            let end = usize::try_from(offset.saturating_add(length)).unwrap_or(usize::MAX);
            extents.push(start..end);
        }
        locations.insert(
            id,
            Location {
                in_idat: method == 1,
                extents,
            },
        );
    }
    Ok(locations)
}

fn read_iref(bytes: &[u8], iref: &Bx, format: Format) -> Result<Vec<Reference>, Error> {
    let mut reader = Reader::new(&bytes[iref.content.clone()], format, "iref");
    let (version, _) = reader.version_flags()?;
    let id_size = if version == 0 { 2 } else { 4 };
    let start = iref.content.start + reader.at;
    let mut references = Vec::new();
    for reference in boxes(bytes, start..iref.content.end, format)? {
        let mut reader = Reader::new(&bytes[reference.content.clone()], format, "iref");
        let from = reader.uint(id_size)? as u32;
        let count = usize::from(reader.u16()?);
        let to = (0..count)
            .map(|_| reader.uint(id_size).map(|id| id as u32))
            .collect::<Result<Vec<u32>, Error>>()?;
        references.push(Reference {
            kind: reference.kind,
            from,
            to,
        });
    }
    Ok(references)
}

type Properties = (Vec<Bx>, BTreeMap<u32, Vec<Association>>);

fn read_iprp(bytes: &[u8], iprp: &Bx, format: Format) -> Result<Properties, Error> {
    let children = boxes(bytes, iprp.content.clone(), format)?;
    let properties = match children.iter().find(|b| &b.kind == b"ipco") {
        Some(ipco) => boxes(bytes, ipco.content.clone(), format)?,
        None => Vec::new(),
    };
    let mut associations: BTreeMap<u32, Vec<Association>> = BTreeMap::new();
    for ipma in children.iter().filter(|b| &b.kind == b"ipma") {
        let mut reader = Reader::new(&bytes[ipma.content.clone()], format, "ipma");
        let (version, flags) = reader.version_flags()?;
        let count = reader.u32()? as usize;
        if count > MAX_ITEMS {
            return Err(malformed(
                format,
                format!("it gives properties to {count} items"),
            ));
        }
        for _ in 0..count {
            let id = if version < 1 {
                u32::from(reader.u16()?)
            } else {
                reader.u32()?
            };
            let n = reader.u8()?;
            let list = associations.entry(id).or_default();
            for _ in 0..n {
                let (essential, property) = if flags & 1 == 1 {
                    let word = reader.u16()?;
                    (word & 0x8000 != 0, usize::from(word & 0x7FFF))
                } else {
                    let byte = reader.u8()?;
                    (byte & 0x80 != 0, usize::from(byte & 0x7F))
                };
                if property > properties.len() {
                    return Err(malformed(
                        format,
                        "an item names a property that is not there",
                    ));
                }
                if property > 0 {
                    list.push(Association {
                        property,
                        essential,
                    });
                }
            }
        }
    }
    Ok((properties, associations))
}

impl Meta {
    fn item(&self, id: u32) -> Option<&Item> {
        self.items.iter().find(|item| item.id == id)
    }

    /// The property boxes of an item.
    fn properties_of(&self, id: u32) -> impl Iterator<Item = (&Association, &Bx)> {
        self.associations
            .get(&id)
            .into_iter()
            .flatten()
            .map(|a| (a, &self.properties[a.property - 1]))
    }

    /// The auxiliary type an item declares (`auxC`), such as an alpha plane's or a depth map's.
    fn auxiliary_type(&self, bytes: &[u8], id: u32) -> Option<String> {
        self.properties_of(id)
            .find(|(_, b)| &b.kind == b"auxC")
            .map(|(_, b)| {
                let mut reader = Reader::new(&bytes[b.content.clone()], self.format, "auxC");
                reader.take(4).ok();
                reader.string().unwrap_or_default()
            })
    }

    fn references(&self, kind: &[u8; 4]) -> impl Iterator<Item = &Reference> {
        self.references.iter().filter(move |r| &r.kind == kind)
    }

    /// The items showing the primary picture needs: it, the pictures it is derived from (a
    /// grid's tiles), and its alpha plane with what that is derived from.
    fn needed(&self, bytes: &[u8]) -> BTreeSet<u32> {
        let mut needed = BTreeSet::from([self.primary]);
        needed.extend(self.alpha_planes(bytes));
        self.with_inputs(needed)
    }

    /// The alpha planes of the primary picture.
    fn alpha_planes<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = u32> + 'a {
        self.references(b"auxl")
            .filter(|reference| {
                reference.to.contains(&self.primary)
                    && self
                        .auxiliary_type(bytes, reference.from)
                        .is_some_and(|kind| ALPHA.contains(&kind.as_str()))
            })
            .map(|reference| reference.from)
    }

    /// The coded AV1 pictures an item is shown from: itself, or a grid's tiles in rows.
    fn av1_tiles(&self, bytes: &[u8], id: u32) -> Result<Tiles, Error> {
        let item = self
            .item(id)
            .ok_or_else(|| malformed(self.format, format!("item {id} is not in the item list")))?;
        match &item.kind {
            b"av01" => Ok(Tiles {
                grid: None,
                data: vec![self.data(bytes, id)?],
            }),
            b"grid" => {
                let description = self.data(bytes, id)?;
                let mut reader = Reader::new(&description, self.format, "grid");
                let (_, flags) = (reader.u8()?, reader.u8()?);
                let rows = usize::from(reader.u8()?) + 1;
                let columns = usize::from(reader.u8()?) + 1;
                let side = if flags & 1 == 1 { 4 } else { 2 };
                let width = reader.uint(side)? as usize;
                let height = reader.uint(side)? as usize;
                let tiles: Vec<u32> = self
                    .references(b"dimg")
                    .filter(|r| r.from == id)
                    .flat_map(|r| r.to.iter().copied())
                    .collect();
                if tiles.len() != rows * columns {
                    return Err(malformed(
                        self.format,
                        format!(
                            "its grid of {rows} × {columns} tiles lists {} tiles",
                            tiles.len()
                        ),
                    ));
                }
                let data = tiles
                    .into_iter()
                    .map(|tile| match self.item(tile).map(|t| &t.kind) {
                        Some(b"av01") => self.data(bytes, tile),
                        _ => Err(malformed(self.format, "a tile of its grid is not AV1")),
                    })
                    .collect::<Result<_, _>>()?;
                Ok(Tiles {
                    grid: Some(Grid {
                        rows,
                        columns,
                        width,
                        height,
                    }),
                    data,
                })
            }
            kind => Err(Error::Unsupported(format!(
                "this AVIF file's picture is of a kind ('{}') this tool cannot decode",
                text(kind)
            ))),
        }
    }

    /// The thumbnails of the primary picture, with their tiles when they are grids.
    fn thumbnails(&self) -> BTreeSet<u32> {
        self.with_inputs(
            self.references(b"thmb")
                .filter(|r| r.to.contains(&self.primary))
                .map(|r| r.from)
                .collect(),
        )
    }

    /// `items` and every item they are made from (`dimg`: a grid's tiles), however deep.
    fn with_inputs(&self, mut items: BTreeSet<u32>) -> BTreeSet<u32> {
        loop {
            let inputs: Vec<u32> = self
                .references(b"dimg")
                .filter(|r| items.contains(&r.from))
                .flat_map(|r| r.to.iter().copied())
                .filter(|id| !items.contains(id))
                .collect();
            if inputs.is_empty() {
                return items;
            }
            items.extend(inputs);
        }
    }

    /// How many bytes an item's extents hold, without copying them.
    fn data_len(&self, id: u32) -> usize {
        self.locations
            .get(&id)
            .map_or(0, |l| l.extents.iter().map(|e| e.len()).sum())
    }

    /// The bytes of an item, its extents joined.
    fn data(&self, bytes: &[u8], id: u32) -> Result<Vec<u8>, Error> {
        let location = self
            .locations
            .get(&id)
            .ok_or_else(|| malformed(self.format, format!("item {id} has no location")))?;
        let source = if location.in_idat {
            &bytes[self.idat.clone()]
        } else {
            bytes
        };
        let mut data = Vec::new();
        for extent in &location.extents {
            let piece = source.get(extent.clone()).ok_or_else(|| {
                malformed(
                    self.format,
                    format!("item {id}'s data lies outside the file"),
                )
            })?;
            // Extents may repeat the same bytes; an item bigger than the file is a lie that
            // would make its copy take any amount of memory.
            if data.len() + piece.len() > bytes.len() {
                return Err(malformed(
                    self.format,
                    format!("item {id} claims more bytes than the file holds"),
                ));
            }
            data.extend_from_slice(piece);
        }
        Ok(data)
    }

    /// Whether a property goes with the picture under the plan's choices.
    fn keeps_property(&self, bytes: &[u8], property: &Bx, keep: Keep) -> bool {
        match &property.kind {
            b"irot" | b"imir" => keep.orientation,
            // `nclx` names a standard colour space; `prof` and `rICC` carry an ICC profile.
            b"colr" => {
                bytes.get(property.content.start..property.content.start + 4) == Some(b"nclx")
                    || keep.colour_profile
            }
            kind => SHOWING.contains(&kind) || SHOWING_HDR.contains(&kind),
        }
    }
}

/// The top-level boxes and the `meta` box read.
fn read(bytes: &[u8], format: Format) -> Result<(Vec<Bx>, Meta), Error> {
    let top = boxes(bytes, 0..bytes.len(), format)?;
    if top.first().map(|b| &b.kind) != Some(b"ftyp") {
        return Err(malformed(
            format,
            "it does not start with a file type (ftyp) box",
        ));
    }
    let metas: Vec<&Bx> = top.iter().filter(|b| &b.kind == b"meta").collect();
    let [meta] = metas[..] else {
        return Err(malformed(format, "it must have exactly one meta box"));
    };
    let meta = read_meta(bytes, meta, format)?;
    Ok((top, meta))
}

/// How tiles make up a picture: a grid of equal tiles in rows, cut to the picture's size.
pub(super) struct Grid {
    pub rows: usize,
    pub columns: usize,
    pub width: usize,
    pub height: usize,
}

/// The coded pictures an item is shown from: one, or a grid's tiles in rows.
pub(super) struct Tiles {
    pub grid: Option<Grid>,
    pub data: Vec<Vec<u8>>,
}

/// What the container says to do to the decoded picture before it is shown, in order.
pub(super) enum Transform {
    /// `clap`: a centred window, as fractions (numerator, denominator).
    Crop {
        width: (u32, u32),
        height: (u32, u32),
        left: (i32, u32),
        top: (i32, u32),
    },
    /// `irot`: quarter turns anticlockwise.
    Turn(u8),
    /// `imir`: true mirrors top and bottom, false left and right. Its bit is read as amended
    /// HEIF (2021), libheif, libavif and iPhones read it: 0 is top to bottom.
    Mirror { upside_down: bool },
}

/// The primary picture of an AVIF file, as a decoder and a viewer need it.
pub(super) struct Av1Picture {
    pub colour: Tiles,
    pub alpha: Option<Tiles>,
    /// The colour matrix and whether the range is full, when the container states them (`colr`
    /// of type `nclx`); otherwise the coded stream's own apply.
    pub matrix: Option<(u16, bool)>,
    pub icc_profile: Option<Vec<u8>>,
    pub transforms: Vec<Transform>,
}

/// Reads what decoding an AVIF file's primary picture takes from its container.
pub(super) fn av1_picture(bytes: &[u8]) -> Result<Av1Picture, Error> {
    let format = Format::Avif;
    let (_, meta) = read(bytes, format)?;
    let colour = meta.av1_tiles(bytes, meta.primary)?;
    let alpha = match meta.alpha_planes(bytes).next() {
        Some(id) => Some(meta.av1_tiles(bytes, id)?),
        None => None,
    };
    let mut matrix = None;
    let mut icc_profile = None;
    let mut transforms = Vec::new();
    for (_, property) in meta.properties_of(meta.primary) {
        let mut reader = Reader::new(&bytes[property.content.clone()], format, "property");
        match &property.kind {
            b"colr" => match reader.take(4)? {
                b"nclx" => {
                    let (_primaries, _transfer) = (reader.u16()?, reader.u16()?);
                    matrix = Some((reader.u16()?, reader.u8()? & 0x80 != 0));
                }
                b"prof" | b"rICC" => {
                    icc_profile =
                        Some(bytes[property.content.start + 4..property.content.end].to_vec());
                }
                _ => {}
            },
            b"clap" => {
                let mut fraction =
                    || -> Result<(u32, u32), Error> { Ok((reader.u32()?, reader.u32()?)) };
                let (width, height, left, top) =
                    (fraction()?, fraction()?, fraction()?, fraction()?);
                transforms.push(Transform::Crop {
                    width,
                    height,
                    left: (left.0 as i32, left.1),
                    top: (top.0 as i32, top.1),
                });
            }
            b"irot" => transforms.push(Transform::Turn(reader.u8()? & 3)),
            b"imir" => transforms.push(Transform::Mirror {
                upside_down: reader.u8()? & 1 == 0,
            }),
            _ => {}
        }
    }
    Ok(Av1Picture {
        colour,
        alpha,
        matrix,
        icc_profile,
        transforms,
    })
}

/// Names for the user of an item that is not part of the picture.
fn describe(
    meta: &Meta,
    bytes: &[u8],
    thumbnails: &BTreeSet<u32>,
    item: &Item,
) -> (Category, &'static str, &'static str) {
    if thumbnails.contains(&item.id) {
        return (Category::Picture, "thumbnail", super::SMALL_COPY);
    }
    if let Some(kind) = meta.auxiliary_type(bytes, item.id) {
        let (what, why) = if kind.contains("hdrgainmap") || kind.contains("gainmap") {
            (
                "HDR gain map",
                "a second picture that brightens the highlights on HDR screens",
            )
        } else if kind.contains("depth") || kind == "urn:mpeg:hevc:2015:auxid:2" {
            (
                "depth map",
                "how far each point was from the camera: it shows the shape of the face and \
                 body",
            )
        } else if kind.contains("matte") {
            (
                "portrait matte",
                "a mask of the outline of the person, their skin, hair or teeth",
            )
        } else {
            (
                "auxiliary picture",
                "a picture that goes with the main one and can show it or what was around it",
            )
        };
        return (Category::Picture, what, why);
    }
    if matches!(
        &item.kind,
        b"hvc1" | b"av01" | b"grid" | b"jpeg" | b"iden" | b"iovl"
    ) {
        return (
            Category::Picture,
            "other picture",
            "another picture stored in the file besides the one shown; it is shared with it",
        );
    }
    (
        Category::Unknown,
        "unknown item",
        "data this tool does not recognise; removed",
    )
}

pub(super) fn inspect(bytes: &[u8], format: Format, found: &mut Collector) -> Result<(), Error> {
    let (top, meta) = read(bytes, format)?;
    let container = format.name();
    let needed = meta.needed(bytes);
    let thumbnails = meta.thumbnails();
    for item in &meta.items {
        if needed.contains(&item.id) {
            continue;
        }
        let data = meta.data(bytes, item.id);
        match (&item.kind, item.content_type.as_str(), &data) {
            (b"Exif", _, Ok(data)) => {
                // The payload starts with the offset of the TIFF header after these 4 bytes.
                let skip = data
                    .get(..4)
                    .map_or(0, |o| u32::from_be_bytes([o[0], o[1], o[2], o[3]]) as usize);
                let tiff = data.get(4 + skip..).unwrap_or_default();
                let before = found.findings.len();
                exif::inspect(exif::payload(tiff), &format!("{container} Exif"), found);
                // In HEIF the picture's own `irot` and `imir` turn it; EXIF's orientation is a
                // copy viewers do not apply, and it goes with the rest of the block.
                for copy in found.findings[before..]
                    .iter_mut()
                    .filter(|f| f.category == Category::Orientation)
                {
                    copy.action = crate::document::Action::Remove;
                    copy.explanation = "a copy of how the picture is turned, which viewers do not \
                                        use in this format; it goes with the EXIF block"
                        .to_string();
                }
            }
            (b"mime", "application/rdf+xml", Ok(data)) => {
                xmp::inspect(data, &format!("{container} XMP"), found);
            }
            _ => {
                let (category, what, why) = describe(&meta, bytes, &thumbnails, item);
                let value = match &data {
                    Ok(data) => size(data.len()),
                    Err(_) => "its data is outside the file".to_string(),
                };
                let field = if item.name.is_empty() {
                    what.to_string()
                } else {
                    format!("{what} '{}'", item.name)
                };
                found.add(category, container, field, value, why);
            }
        }
    }
    for (_, property) in meta.properties_of(meta.primary) {
        match &property.kind {
            b"irot" | b"imir" => found.add(
                Category::Orientation,
                container,
                text(&property.kind),
                turn_text(bytes, property),
                super::TURN_EXPLAINED,
            ),
            b"colr"
                if bytes.get(property.content.start..property.content.start + 4)
                    != Some(b"nclx") =>
            {
                found.add(
                    Category::ColourProfile,
                    container,
                    "colr",
                    format!("ICC colour profile {}", size(property.content.len() - 4)),
                    "how colours should be shown; kept so the picture looks the same",
                );
            }
            _ => {}
        }
    }
    for other in &meta.others {
        found.add(
            Category::Unknown,
            container,
            format!("box '{}' in meta", text(&other.kind)),
            size(other.whole.len()),
            "data this tool does not recognise; removed",
        );
    }
    for extra in unknown_boxes(&top) {
        found.add(
            Category::Unknown,
            container,
            format!("box '{}'", text(&extra.kind)),
            size(extra.whole.len()),
            "data this tool does not recognise; removed",
        );
    }
    Ok(())
}

/// The file's top-level boxes other than the file type, the items and their data, and
/// padding: none of them is needed to show the picture, and each goes.
fn unknown_boxes(top: &[Bx]) -> impl Iterator<Item = &Bx> {
    top.iter()
        .filter(|b| !matches!(&b.kind, b"ftyp" | b"meta" | b"mdat" | b"free" | b"skip"))
}

fn turn_text(bytes: &[u8], property: &Bx) -> String {
    let value = bytes.get(property.content.start).copied().unwrap_or(0);
    match &property.kind {
        b"irot" => format!("turned {}° anticlockwise", u32::from(value & 3) * 90),
        // The axis of the mirror: 0 is vertical (left and right swap), 1 horizontal.
        _ if value & 1 == 0 => "mirrored left to right".to_string(),
        _ => "mirrored top to bottom".to_string(),
    }
}

fn write_box(out: &mut Vec<u8>, kind: &[u8; 4], content: &[u8]) {
    let len = u32::try_from(content.len() + 8).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(content);
}

fn full_box(out: &mut Vec<u8>, kind: &[u8; 4], version: u8, flags: u32, content: &[u8]) {
    let header = (u32::from(version) << 24 | flags & 0xFF_FFFF).to_be_bytes();
    write_box(out, kind, &[&header[..], content].concat());
}

pub(super) fn strip(
    bytes: &[u8],
    format: Format,
    keep: Keep,
    done: &mut Vec<Done>,
) -> Result<Vec<u8>, Error> {
    let (top, meta) = read(bytes, format)?;
    let needed = meta.needed(bytes);
    let kept: Vec<&Item> = meta
        .items
        .iter()
        .filter(|i| needed.contains(&i.id))
        .collect();
    if kept.len() != needed.len() {
        return Err(malformed(
            format,
            "a part of the picture is missing from its item list",
        ));
    }

    // Properties: those of the kept items the plan keeps, renumbered in their first order.
    let mut renumbered: BTreeMap<usize, usize> = BTreeMap::new();
    let mut ipco = Vec::new();
    let mut ipma_entries: Vec<(u32, Vec<(bool, usize)>)> = Vec::new();
    for item in &kept {
        let mut list = Vec::new();
        for (association, property) in meta.properties_of(item.id) {
            if !meta.keeps_property(bytes, property, keep) {
                let transforms = matches!(&property.kind, b"irot" | b"imir" | b"clap");
                if association.essential && !transforms && &property.kind != b"colr" {
                    return Err(Error::Unsupported(format!(
                        "this {format} picture needs the property '{}', which cannot be checked \
                         for personal details",
                        text(&property.kind)
                    )));
                }
                continue;
            }
            let next = renumbered.len() + 1;
            let index = *renumbered.entry(association.property).or_insert_with(|| {
                ipco.extend_from_slice(&bytes[property.whole.clone()]);
                next
            });
            list.push((association.essential, index));
        }
        ipma_entries.push((item.id, list));
    }
    let wide_ids = kept.iter().any(|i| i.id > 0xFFFF);
    let wide_indices = renumbered.len() > 0x7F;

    // Item data: each kept item's extents joined into one, those of `idat` in a new `idat`.
    let mut payload = Vec::new();
    let mut idat = Vec::new();
    let mut placed: Vec<(u32, bool, usize, usize)> = Vec::new();
    for item in &kept {
        let data = meta.data(bytes, item.id)?;
        let in_idat = meta.locations[&item.id].in_idat;
        let target = if in_idat { &mut idat } else { &mut payload };
        placed.push((item.id, in_idat, target.len(), data.len()));
        target.extend_from_slice(&data);
    }

    // Item ids, and the counts of iloc and iinf, take 16 bits, or 32 in the boxes' versions
    // for files with ids past 65535.
    let put_id = |out: &mut Vec<u8>, id: u32| {
        if wide_ids {
            out.extend_from_slice(&id.to_be_bytes());
        } else {
            out.extend_from_slice(&(id as u16).to_be_bytes());
        }
    };
    let meta_box = |mdat_start: usize| -> Vec<u8> {
        let mut content = Vec::new();
        content.extend_from_slice(&bytes[meta.hdlr.clone()]);
        content.extend_from_slice(&bytes[meta.pitm.clone()]);
        // iloc version 1 (2 when ids need 32 bits): 4-byte offsets and lengths, no base offset.
        let mut iloc = vec![0x44, 0x00];
        put_id(&mut iloc, placed.len() as u32);
        for &(id, in_idat, offset, len) in &placed {
            put_id(&mut iloc, id);
            iloc.extend_from_slice(&u16::from(in_idat).to_be_bytes());
            iloc.extend_from_slice(&0u16.to_be_bytes());
            iloc.extend_from_slice(&1u16.to_be_bytes());
            let offset = if in_idat { offset } else { mdat_start + offset };
            iloc.extend_from_slice(&(offset as u32).to_be_bytes());
            iloc.extend_from_slice(&(len as u32).to_be_bytes());
        }
        full_box(
            &mut content,
            b"iloc",
            if wide_ids { 2 } else { 1 },
            0,
            &iloc,
        );
        let mut iinf = Vec::new();
        put_id(&mut iinf, kept.len() as u32);
        for item in &kept {
            iinf.extend_from_slice(&bytes[item.infe.clone()]);
        }
        full_box(&mut content, b"iinf", u8::from(wide_ids), 0, &iinf);
        let mut iref = Vec::new();
        for reference in &meta.references {
            if !matches!(&reference.kind, b"dimg" | b"auxl") || !needed.contains(&reference.from) {
                continue;
            }
            let mut entry = Vec::new();
            put_id(&mut entry, reference.from);
            entry.extend_from_slice(&(reference.to.len() as u16).to_be_bytes());
            for &to in &reference.to {
                put_id(&mut entry, to);
            }
            write_box(&mut iref, &reference.kind, &entry);
        }
        if !iref.is_empty() {
            full_box(&mut content, b"iref", u8::from(wide_ids), 0, &iref);
        }
        let mut iprp = Vec::new();
        write_box(&mut iprp, b"ipco", &ipco);
        let mut ipma = (ipma_entries.len() as u32).to_be_bytes().to_vec();
        for (id, list) in &ipma_entries {
            put_id(&mut ipma, *id);
            ipma.push(list.len() as u8);
            for &(essential, index) in list {
                if wide_indices {
                    let word = u16::from(essential) << 15 | index as u16;
                    ipma.extend_from_slice(&word.to_be_bytes());
                } else {
                    ipma.push(u8::from(essential) << 7 | index as u8);
                }
            }
        }
        full_box(
            &mut iprp,
            b"ipma",
            u8::from(wide_ids),
            u32::from(wide_indices),
            &ipma,
        );
        write_box(&mut content, b"iprp", &iprp);
        if !idat.is_empty() {
            write_box(&mut content, b"idat", &idat);
        }
        let mut meta_box = Vec::new();
        full_box(&mut meta_box, b"meta", 0, 0, &content);
        meta_box
    };

    let ftyp = &bytes[top[0].whole.clone()];
    let meta_len = meta_box(0).len();
    let mdat_start = ftyp.len() + meta_len + 8;
    if u32::try_from(mdat_start + payload.len()).is_err() {
        return Err(Error::Unsupported(format!(
            "this {format} file is bigger than 4 GB"
        )));
    }
    let mut out = Vec::with_capacity(mdat_start + payload.len());
    out.extend_from_slice(ftyp);
    out.extend_from_slice(&meta_box(mdat_start));
    write_box(&mut out, b"mdat", &payload);

    let thumbnails = meta.thumbnails();
    let mut removed = Removed::default();
    for item in meta.items.iter().filter(|i| !needed.contains(&i.id)) {
        let what = match (&item.kind, item.content_type.as_str()) {
            (b"Exif", _) => "EXIF block",
            (b"mime", "application/rdf+xml") => "XMP block",
            _ => describe(&meta, bytes, &thumbnails, item).1,
        };
        removed.note(what, meta.data_len(item.id));
    }
    removed.report(done);
    for other in meta.others.iter().chain(unknown_boxes(&top)) {
        done.push(Done::removed(format!(
            "removed box '{}' ({})",
            text(&other.kind),
            size(other.whole.len())
        )));
    }
    let dropped_properties = meta
        .properties_of(meta.primary)
        .filter(|(_, p)| !meta.keeps_property(bytes, p, keep))
        .count();
    if dropped_properties > 0 {
        done.push(Done::removed(format!(
            "removed {dropped_properties} property(ies) of the picture that do not change how it \
             looks"
        )));
    }
    done.push(Done::kept(format!(
        "kept the picture itself byte for byte ({} item(s))",
        kept.len()
    )));
    Ok(out)
}

/// The values planted in the JPEG's EXIF and XMP, which heif-enc copied into the items.
#[cfg(test)]
#[path = "../../tests/common/planted.rs"]
mod planted;

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    use crate::photo::testing::field;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/heif")
                .join(name),
        )
        .expect("fixtures/heif is committed (scripts/make-heif-fixtures.sh)")
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn keep_all() -> Keep {
        Keep {
            orientation: true,
            colour_profile: true,
        }
    }

    /// The picture libheif shows, as 8-bit RGB(A) bytes; None when heif-convert is missing
    /// (which fails on CI, where .ci/run installs it).
    fn shown_by_libheif(bytes: &[u8], dir: &Path, name: &str) -> Option<Vec<u8>> {
        let input = dir.join(name);
        std::fs::write(&input, bytes).unwrap();
        let png = dir.join(format!("{name}.png"));
        if !crate::testing::reference("heif-convert", "libheif-examples", &input, &png) {
            return None;
        }
        Some(image::open(&png).unwrap().to_rgba8().into_raw())
    }

    #[test]
    fn a_phone_picture_keeps_its_coded_picture_and_nothing_that_names() {
        let planted = planted::in_metadata("photos/phone_everything.jpg");
        assert!(planted.len() >= 10, "{planted:?}");
        let dir = tempfile::tempdir().unwrap();
        for (name, format) in [("phone.heic", Format::Heic), ("phone.avif", Format::Avif)] {
            let input = fixture(name);
            assert_eq!(is_avif(&input), format == Format::Avif);
            // Cut short, it is still named what it is.
            assert_eq!(is_avif(&input[..input.len() / 2]), format == Format::Avif);
            for (what, needle) in &planted {
                assert!(contains(&input, needle), "{name}: {what} not planted");
            }
            let mut found = Collector::default();
            inspect(&input, format, &mut found).unwrap();
            let fields: Vec<&str> = found.findings.iter().map(field).collect();
            for expected in ["CameraOwnerName", "GPSLatitude", "dc:creator", "thumbnail"] {
                assert!(
                    fields.iter().any(|f| f.contains(expected)),
                    "{name}: {expected} not in {fields:?}"
                );
            }

            let mut done = Vec::new();
            let output = strip(&input, format, keep_all(), &mut done).unwrap();
            for (what, needle) in &planted {
                assert!(!contains(&output, needle), "{name}: {what} left");
            }
            let mut left = Collector::default();
            inspect(&output, format, &mut left).unwrap();
            assert!(
                left.findings.iter().all(|f| !f.category.identifies()),
                "{name}: {:?}",
                left.findings
            );
            let said = done.iter().map(|d| d.what.as_str()).collect::<Vec<_>>();
            for expected in ["EXIF block", "XMP block", "thumbnail"] {
                assert!(
                    said.iter().any(|d| d.contains(expected)),
                    "{name}: {said:?}"
                );
            }
            // The same picture for the decoders here and for libheif.
            let shown = |bytes: &[u8]| {
                crate::photo::raster::decode(bytes, format)
                    .unwrap()
                    .image
                    .into_bytes()
            };
            assert!(shown(&input) == shown(&output), "{name}: other pixels");
            if let (Some(before), Some(after)) = (
                shown_by_libheif(&input, dir.path(), &format!("in-{name}")),
                shown_by_libheif(&output, dir.path(), &format!("out-{name}")),
            ) {
                assert!(before == after, "{name}: libheif shows other pixels");
            }
            // Stripping what is already stripped changes nothing.
            assert_eq!(
                strip(&output, format, keep_all(), &mut Vec::new()).unwrap(),
                output
            );
        }
    }

    #[test]
    fn pictures_decode_as_libheif_shows_them() {
        // heic-decoder's colour conversion interpolates chroma where libheif 1.15 repeats it, so
        // HEIC pixels differ by a few levels at sharp colour edges; AVIF is converted here as
        // libheif does, so it matches to the level. The grids are turned and mirrored by their
        // containers, and the label has an alpha plane.
        let dir = tempfile::tempdir().unwrap();
        for (name, format, mean_below, worst_below) in [
            ("phone.heic", Format::Heic, 3.0, 128),
            ("screenshot.heic", Format::Heic, 3.0, 128),
            ("turned-grid.heic", Format::Heic, 3.0, 128),
            ("phone.avif", Format::Avif, 0.1, 3),
            ("screenshot.avif", Format::Avif, 0.1, 3),
            ("turned-grid.avif", Format::Avif, 0.1, 3),
            ("transparent.avif", Format::Avif, 0.1, 3),
        ] {
            let input = fixture(name);
            let Some(reference) = shown_by_libheif(&input, dir.path(), name) else {
                return;
            };
            let ours = crate::photo::raster::decode(&input, format)
                .unwrap()
                .image
                .to_rgba8()
                .into_raw();
            assert_eq!(ours.len(), reference.len(), "{name}: another size");
            let differences: Vec<u32> = ours
                .iter()
                .zip(&reference)
                .map(|(&a, &b)| u32::from(a.abs_diff(b)))
                .collect();
            let mean = differences.iter().sum::<u32>() as f64 / differences.len() as f64;
            let worst = differences.iter().copied().max().unwrap_or(0);
            println!("{name}: mean difference {mean:.2}, worst {worst}");
            assert!(
                mean < mean_below && worst < worst_below,
                "{name}: mean {mean:.2}, worst {worst}"
            );
        }
    }

    #[test]
    fn the_colour_profile_and_the_turn_follow_the_plan() {
        let input = fixture("phone.heic");
        let plain = Keep {
            orientation: false,
            colour_profile: false,
        };
        let output = strip(&input, Format::Heic, plain, &mut Vec::new()).unwrap();
        let mut found = Collector::default();
        inspect(&output, Format::Heic, &mut found).unwrap();
        assert!(
            found
                .findings
                .iter()
                .all(|f| f.category != Category::ColourProfile),
            "{:?}",
            found.findings
        );
        assert!(output.len() < input.len());
    }

    #[test]
    fn an_item_repeating_the_file_many_times_is_refused() {
        // One extent of the whole file, claimed 65,535 times: 900 MB from a 14 kB file.
        let input = fixture("phone.heic");
        let (_, meta) = read(&input, Format::Heic).unwrap();
        let mut lying = meta;
        let whole = 0..input.len();
        lying.locations.insert(
            lying.primary,
            Location {
                in_idat: false,
                extents: vec![whole; 65_535],
            },
        );
        let error = lying.data(&input, lying.primary).unwrap_err();
        assert!(error.to_string().contains("more bytes than the file holds"));
    }

    #[test]
    fn a_data_reference_to_this_file_is_structure_and_one_to_a_url_is_not() {
        let dinf = |entry: &[u8]| {
            let mut dref = vec![0, 0, 0, 0, 0, 0, 0, 1];
            write_box(&mut dref, b"url ", entry);
            let mut inner = Vec::new();
            write_box(&mut inner, b"dref", &dref);
            let mut out = Vec::new();
            write_box(&mut out, b"dinf", &inner);
            out
        };
        for (bytes, here) in [
            (dinf(&[0, 0, 0, 1]), true),
            (dinf(b"\0\0\0\0https://example.org/x.hevc\0"), false),
        ] {
            let top = boxes(&bytes, 0..bytes.len(), Format::Heic).unwrap();
            assert_eq!(points_at_this_file(&bytes, &top[0], Format::Heic), here);
        }
    }

    #[test]
    fn damaged_files_give_errors_not_panics() {
        for (name, format) in [
            ("phone.heic", Format::Heic),
            ("turned-grid.avif", Format::Avif),
            ("transparent.avif", Format::Avif),
        ] {
            let input = fixture(name);
            for cut in [0, 8, 20, 100, 400, input.len() / 2, input.len() - 1] {
                let _ = inspect(&input[..cut], format, &mut Collector::default());
                let _ = strip(&input[..cut], format, keep_all(), &mut Vec::new());
                let _ = crate::photo::raster::decode(&input[..cut], format);
            }
            // About 300 damaged copies a file, spread over the header and the coded picture.
            let mut flipped = input.clone();
            for at in (0..flipped.len()).step_by(flipped.len() / 300 + 1) {
                flipped[at] ^= 0x5A;
                let _ = inspect(&flipped, format, &mut Collector::default());
                let _ = strip(&flipped, format, keep_all(), &mut Vec::new());
                let _ = crate::photo::raster::decode(&flipped, format);
                flipped[at] ^= 0x5A;
            }
        }
    }
}
