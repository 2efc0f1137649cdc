//! The directory structure TIFF files and EXIF payloads share: image file directories of
//! typed entries, in either byte order, chained and nested by offsets. A bounds-checked reader
//! beneath both the TIFF container (`tiff`) and the EXIF payload (`exif`).
//!
//! Every offset, count and length comes from the file. They are all checked before use, and the
//! walk is bounded, so a damaged or hostile file ends in a finding or an error, never in a panic,
//! an endless loop or a read outside the buffer.

use std::collections::HashSet;

use super::{size, text};

/// Real directories list a few dozen entries; more than this is damage, or an attempt to make
/// the walk slow.
const MAX_ENTRIES_PER_IFD: u16 = 4096;
/// Bounds the work one file can cause: a long multi-page scan has thousands of pages, and
/// overlapping directories in a hostile file must not multiply that.
const MAX_IFDS: usize = 65_536;
const MAX_ENTRIES: usize = 1 << 18;
/// Tags of the picture's structure, which a TIFF page and an EXIF thumbnail both use.
/// The orientation tag, the one both a TIFF page and an EXIF payload may keep.
pub(super) const ORIENTATION: u16 = 274;
pub(super) const NEW_SUBFILE_TYPE: u16 = 254;
pub(super) const SUBFILE_TYPE: u16 = 255;
pub(super) const IMAGE_WIDTH: u16 = 256;
pub(super) const IMAGE_LENGTH: u16 = 257;
pub(super) const BITS_PER_SAMPLE: u16 = 258;
pub(super) const COMPRESSION: u16 = 259;
pub(super) const STRIP_OFFSETS: u16 = 273;
pub(super) const SAMPLES_PER_PIXEL: u16 = 277;
pub(super) const STRIP_BYTE_COUNTS: u16 = 279;
pub(super) const TILE_OFFSETS: u16 = 324;
pub(super) const TILE_BYTE_COUNTS: u16 = 325;
pub(super) const SUB_IFDS: u16 = 330;
pub(super) const JPEG_TABLES: u16 = 347;
pub(super) const JPEG_INTERCHANGE_FORMAT: u16 = 513;
pub(super) const JPEG_INTERCHANGE_FORMAT_LENGTH: u16 = 514;
pub(super) const ICC_PROFILE: u16 = 34675;

/// Old-style JPEG (TIFF 6.0 section 22) scatters its tables over offsets that readers guess at;
/// its data cannot be copied with confidence that nothing else comes along.
pub(super) const OLD_JPEG: u32 = 6;
pub(super) const JPEG: u32 = 7;

pub(super) const BYTE: u16 = 1;
pub(super) const ASCII: u16 = 2;
pub(super) const SHORT: u16 = 3;
pub(super) const LONG: u16 = 4;
pub(super) const RATIONAL: u16 = 5;
pub(super) const SBYTE: u16 = 6;
pub(super) const UNDEFINED: u16 = 7;
pub(super) const SSHORT: u16 = 8;
pub(super) const SLONG: u16 = 9;
pub(super) const SRATIONAL: u16 = 10;
pub(super) const FLOAT: u16 = 11;
pub(super) const DOUBLE: u16 = 12;
pub(super) const IFD: u16 = 13;

pub(super) fn type_size(kind: u16) -> Option<usize> {
    match kind {
        BYTE | ASCII | SBYTE | UNDEFINED => Some(1),
        SHORT | SSHORT => Some(2),
        LONG | SLONG | FLOAT | IFD => Some(4),
        RATIONAL | SRATIONAL | DOUBLE => Some(8),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    Little,
    Big,
}

impl Order {
    pub(super) fn u16(self, bytes: &[u8], at: usize) -> Option<u16> {
        let raw: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            Order::Little => u16::from_le_bytes(raw),
            Order::Big => u16::from_be_bytes(raw),
        })
    }

    pub(super) fn u32(self, bytes: &[u8], at: usize) -> Option<u32> {
        let raw: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            Order::Little => u32::from_le_bytes(raw),
            Order::Big => u32::from_be_bytes(raw),
        })
    }

    pub(super) fn u64(self, bytes: &[u8], at: usize) -> Option<u64> {
        let raw: [u8; 8] = bytes.get(at..at.checked_add(8)?)?.try_into().ok()?;
        Some(match self {
            Order::Little => u64::from_le_bytes(raw),
            Order::Big => u64::from_be_bytes(raw),
        })
    }

    pub(super) fn put_u16(self, out: &mut Vec<u8>, value: u16) {
        out.extend_from_slice(&match self {
            Order::Little => value.to_le_bytes(),
            Order::Big => value.to_be_bytes(),
        });
    }

    pub(super) fn put_u32(self, out: &mut Vec<u8>, value: u32) {
        out.extend_from_slice(&self.u32_bytes(value));
    }

    pub(super) fn u32_bytes(self, value: u32) -> [u8; 4] {
        match self {
            Order::Little => value.to_le_bytes(),
            Order::Big => value.to_be_bytes(),
        }
    }

    pub(super) fn header(self) -> [u8; 4] {
        match self {
            Order::Little => *b"II*\0",
            Order::Big => *b"MM\0*",
        }
    }
}

/// One directory entry. `value` is `None` when the value cannot be located: an unknown type, or
/// bytes that would lie outside the data.
#[derive(Debug, Clone)]
pub(super) struct Entry<'a> {
    pub(super) tag: u16,
    pub(super) kind: u16,
    pub(super) count: u32,
    pub(super) value: Option<&'a [u8]>,
    pub(super) order: Order,
}

impl Entry<'_> {
    /// The `index`th value of an unsigned integer entry (BYTE, SHORT, LONG, IFD).
    pub(super) fn number(&self, index: usize) -> Option<u32> {
        let value = self.value?;
        match self.kind {
            BYTE => value.get(index).map(|&b| u32::from(b)),
            SHORT => self.order.u16(value, index.checked_mul(2)?).map(u32::from),
            LONG | IFD => self.order.u32(value, index.checked_mul(4)?),
            _ => None,
        }
    }

    /// Every value of an unsigned integer entry.
    pub(super) fn numbers(&self) -> Option<Vec<u32>> {
        (0..self.count as usize).map(|i| self.number(i)).collect()
    }

    /// The `index`th value of a RATIONAL or SRATIONAL entry, as numerator and denominator.
    pub(super) fn rational(&self, index: usize) -> Option<(i64, i64)> {
        let value = self.value?;
        let at = index.checked_mul(8)?;
        let numerator = self.order.u32(value, at)?;
        let denominator = self.order.u32(value, at.checked_add(4)?)?;
        match self.kind {
            RATIONAL => Some((i64::from(numerator), i64::from(denominator))),
            SRATIONAL => Some((
                i64::from(numerator.cast_signed()),
                i64::from(denominator.cast_signed()),
            )),
            _ => None,
        }
    }

    /// The `index`th value of any numeric entry as a real number; `None` for a fraction over zero.
    pub(super) fn real(&self, index: usize) -> Option<f64> {
        let value = self.value?;
        match self.kind {
            BYTE | SHORT | LONG | IFD => self.number(index).map(f64::from),
            SBYTE => value.get(index).map(|&b| f64::from(b.cast_signed())),
            SSHORT => self
                .order
                .u16(value, index.checked_mul(2)?)
                .map(|v| f64::from(v.cast_signed())),
            SLONG => self
                .order
                .u32(value, index.checked_mul(4)?)
                .map(|v| f64::from(v.cast_signed())),
            RATIONAL | SRATIONAL => {
                let (numerator, denominator) = self.rational(index)?;
                (denominator != 0).then(|| numerator as f64 / denominator as f64)
            }
            FLOAT => self
                .order
                .u32(value, index.checked_mul(4)?)
                .map(|v| f64::from(f32::from_bits(v))),
            DOUBLE => self
                .order
                .u64(value, index.checked_mul(8)?)
                .map(f64::from_bits),
            _ => None,
        }
    }

    /// An ASCII entry's strings: TIFF allows several, each ended by NUL.
    pub(super) fn ascii(&self) -> Option<Vec<String>> {
        if self.kind != ASCII {
            return None;
        }
        Some(
            self.value?
                .split(|&b| b == 0)
                .filter(|s| !s.is_empty())
                .map(text)
                .collect(),
        )
    }

    pub(super) fn bytes(&self) -> Option<&[u8]> {
        self.value
    }

    pub(super) fn is_numeric(&self) -> bool {
        matches!(
            self.kind,
            BYTE | SHORT | LONG | RATIONAL | SBYTE | SSHORT | SLONG | SRATIONAL | FLOAT | DOUBLE
        )
    }

    /// EXIF's UNICODE text follows the byte order of the structure around it.
    pub(super) fn is_little_endian(&self) -> bool {
        self.order == Order::Little
    }

    pub(super) fn is_rational(&self) -> bool {
        matches!(self.kind, RATIONAL | SRATIONAL)
    }

    pub(super) fn is_binary(&self) -> bool {
        matches!(self.kind, BYTE | UNDEFINED | SBYTE)
    }
}

/// One image file directory, as far as it could be read.
#[derive(Debug, Clone)]
pub(super) struct Ifd<'a> {
    pub(super) entries: Vec<Entry<'a>>,
    /// Offset of the next directory in the chain; 0 at the end (or where the data ran out).
    pub(super) next: u32,
    /// The data ended before the last entry: what is here is real, but something is missing.
    pub(super) truncated: bool,
}

impl<'a> Ifd<'a> {
    /// The first entry with this tag: readers disagree on repeated tags, and the first is what
    /// libtiff uses.
    pub(super) fn get(&self, tag: u16) -> Option<&Entry<'a>> {
        self.entries.iter().find(|e| e.tag == tag)
    }

    pub(super) fn number(&self, tag: u16) -> Option<u32> {
        self.get(tag)?.number(0)
    }

    /// A directory marked as a smaller copy of another (NewSubfileType bit 0, or the older
    /// SubfileType 2), rather than a page of its own.
    pub(super) fn is_reduced(&self) -> bool {
        self.number(NEW_SUBFILE_TYPE).is_some_and(|v| v & 1 == 1)
            || self.number(SUBFILE_TYPE) == Some(2)
    }

    /// Whether the directory points at picture data of its own (a thumbnail or preview).
    pub(super) fn has_picture(&self) -> bool {
        [JPEG_INTERCHANGE_FORMAT, STRIP_OFFSETS, TILE_OFFSETS]
            .iter()
            .any(|&tag| self.get(tag).is_some())
    }

    /// Width, height and the size of the picture data, in words, for a finding about a hidden
    /// picture.
    pub(super) fn picture_summary(&self) -> String {
        let mut parts = Vec::new();
        if let (Some(width), Some(height)) = (self.number(IMAGE_WIDTH), self.number(IMAGE_LENGTH)) {
            parts.push(format!("{width}×{height} pixels"));
        }
        let length = self
            .get(JPEG_INTERCHANGE_FORMAT_LENGTH)
            .and_then(|e| e.number(0))
            .map(u64::from)
            .or_else(|| {
                [STRIP_BYTE_COUNTS, TILE_BYTE_COUNTS]
                    .iter()
                    .find_map(|&tag| {
                        let counts = self.get(tag)?.numbers()?;
                        Some(counts.iter().map(|&c| u64::from(c)).sum())
                    })
            });
        if let Some(length) = length {
            parts.push(size(usize::try_from(length).unwrap_or(usize::MAX)));
        }
        if parts.is_empty() {
            "size unknown".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// Reads directories out of TIFF-structured data, remembering which it has read so that no chain
/// or pointer can send it round in a loop, and counting what it reads so that no file can make it
/// work without end.
pub(super) struct Reader<'a> {
    pub(super) data: &'a [u8],
    pub(super) order: Order,
    /// Offset of the first directory, from the header; 0 when there is none.
    pub(super) first: u32,
    pub(super) visited: HashSet<u32>,
    pub(super) entries_left: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(data: &'a [u8]) -> Result<Reader<'a>, String> {
        let order = match data.get(..4) {
            Some(b"II*\0") => Order::Little,
            Some(b"MM\0*") => Order::Big,
            Some(b"II+\0" | b"MM\0+") => {
                return Err("BigTIFF structure, which is not supported".to_string());
            }
            Some(_) => return Err("the data does not start with a TIFF header".to_string()),
            None => return Err("the TIFF header is cut short".to_string()),
        };
        let first = order
            .u32(data, 4)
            .ok_or_else(|| "the TIFF header is cut short".to_string())?;
        Ok(Reader {
            data,
            order,
            first,
            visited: HashSet::new(),
            entries_left: MAX_ENTRIES,
        })
    }

    /// Whether the directory at `offset` was already read: following it again would loop.
    pub(super) fn seen(&self, offset: u32) -> bool {
        self.visited.contains(&offset)
    }

    /// Read the directory at `offset`. Entries that fit are returned even when the data ends
    /// early (`truncated`); an offset outside the data, a directory read before, or one past the
    /// limits is an error.
    pub(super) fn ifd(&mut self, offset: u32) -> Result<Ifd<'a>, String> {
        if !self.visited.insert(offset) {
            return Err(format!(
                "image directories form a loop (byte {offset} is reached twice)"
            ));
        }
        if self.visited.len() > MAX_IFDS {
            return Err(format!(
                "more than {MAX_IFDS} image directories, far more than any real picture has"
            ));
        }
        let at = offset as usize;
        let count = self.order.u16(self.data, at).ok_or_else(|| {
            format!(
                "an image directory at byte {offset} lies outside the {} bytes of data",
                self.data.len()
            )
        })?;
        if count > MAX_ENTRIES_PER_IFD {
            return Err(format!(
                "an image directory at byte {offset} claims {count} entries, far more than any \
                 real picture has"
            ));
        }
        self.entries_left = self
            .entries_left
            .checked_sub(usize::from(count))
            .ok_or_else(|| {
                format!(
                    "more than {MAX_ENTRIES} directory entries, far more than any real picture has"
                )
            })?;
        let mut entries = Vec::with_capacity(usize::from(count));
        let mut truncated = false;
        for i in 0..usize::from(count) {
            let Some(raw) = at
                .checked_add(2 + 12 * i)
                .and_then(|start| self.data.get(start..start.checked_add(12)?))
            else {
                truncated = true;
                break;
            };
            entries.push(self.entry(raw));
        }
        let next = if truncated {
            0
        } else {
            at.checked_add(2 + 12 * usize::from(count))
                .and_then(|p| self.order.u32(self.data, p))
                .unwrap_or(0)
        };
        Ok(Ifd {
            entries,
            next,
            truncated,
        })
    }

    pub(super) fn entry(&self, raw: &'a [u8]) -> Entry<'a> {
        let order = self.order;
        let tag = order.u16(raw, 0).unwrap_or_default();
        let kind = order.u16(raw, 2).unwrap_or_default();
        let count = order.u32(raw, 4).unwrap_or_default();
        let value = type_size(kind)
            .and_then(|unit| unit.checked_mul(count as usize))
            .and_then(|len| {
                if len <= 4 {
                    raw.get(8..8 + len)
                } else {
                    let start = order.u32(raw, 8)? as usize;
                    self.data.get(start..start.checked_add(len)?)
                }
            });
        Entry {
            tag,
            kind,
            count,
            value,
            order,
        }
    }
}
