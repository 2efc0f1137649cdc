//! What dicom-object must never be given: a value whose declared length is more than the file
//! holds, or sequences nested without end.
//!
//! dicom-parser reserves (and zero-fills) a value's declared length before reading it, at any depth,
//! so a 4-byte length field of a damaged or hostile file makes it take up to 4 GiB for a file of a
//! few bytes. And dicom-object builds nested sequences by recursion, so nesting deep enough
//! overflows the stack, which aborts the whole process (a panic handler cannot catch it).
//!
//! This walk steps through the data set the way dicom-parser's `DataSetReader` does (same header
//! decoding, same token states, same position bookkeeping, including values of binary VRs whose
//! odd length makes it read fewer bytes than it counts), without reading any value, and refuses the
//! file at the first value or fragment longer than the bytes left, or at a nesting deeper than
//! [`MAX_NESTING`]. Where the reader would stop with an error of its own, the walk stops too and
//! leaves the error to it.

use std::io::Read;

use dicom_core::dictionary::{DataDictionary, DataDictionaryEntry};
use dicom_core::{Tag, VR};
use dicom_dictionary_std::StandardDataDictionary;
use dicom_transfer_syntax_registry::{TransferSyntaxIndex, TransferSyntaxRegistry};

use crate::dicom::{EXPLICIT_BE, IMPLICIT_LE};

/// Sequences inside sequences. Structured reports, the deepest real data sets, nest a few dozen
/// levels at most.
pub(super) const MAX_NESTING: usize = 64;

/// The most a deflated data set may inflate to; it is held in memory whole, like every data set.
const MAX_INFLATED: u64 = 512 * 1024 * 1024;

const DEFLATED_EXPLICIT_LE: &str = "1.2.840.10008.1.2.1.99";
const ITEM: Tag = Tag(0xFFFE, 0xE000);
const ITEM_END: Tag = Tag(0xFFFE, 0xE00D);
const SEQUENCE_END: Tag = Tag(0xFFFE, 0xE0DD);
const PIXEL_DATA: Tag = Tag(0x7FE0, 0x0010);
const UNDEFINED: u32 = u32::MAX;

/// Why a data set encoded in `syntax` (a transfer syntax UID) cannot be given to the reader, if it
/// cannot. A syntax the reader does not know is let through: the reader refuses it before reading.
pub(in crate::dicom) fn check_data_set(data: &[u8], syntax: &str) -> Result<(), String> {
    // Looked up as the reader looks it up (it forgives any trailing whitespace, not only padding),
    // so the walk always decodes what the reader will.
    let Some(syntax) = TransferSyntaxRegistry.get(syntax) else {
        return Ok(());
    };
    let syntax = syntax.uid();
    if syntax == DEFLATED_EXPLICIT_LE {
        let mut inflated = Vec::new();
        flate2::read::DeflateDecoder::new(data)
            .take(MAX_INFLATED + 1)
            .read_to_end(&mut inflated)
            // The reader fails on the same stream; what it read before is bounded by the limit.
            .ok();
        if inflated.len() as u64 > MAX_INFLATED {
            return Err(format!(
                "the deflated data set inflates to more than {} MiB",
                MAX_INFLATED >> 20
            ));
        }
        return walk(&inflated, Encoding::EXPLICIT_LE);
    }
    let encoding = match syntax {
        IMPLICIT_LE => Encoding {
            explicit: false,
            big_endian: false,
        },
        EXPLICIT_BE => Encoding {
            explicit: true,
            big_endian: true,
        },
        _ => Encoding::EXPLICIT_LE,
    };
    walk(data, encoding)
}

/// Where the data set of a Part 10 file starts and the transfer syntax its file meta names, the way
/// dicom-object reads the meta group (`start` is just past `DICM`): its group length element
/// first, then elements until the bytes counted reach that length. `Ok(None)` where dicom-object
/// would refuse the group, so never reads the data set; an error for a value longer than the file,
/// which dicom-object would reserve memory for.
pub(super) fn meta_extent(bytes: &[u8], start: usize) -> Result<Option<(usize, String)>, String> {
    let encoding = Encoding::EXPLICIT_LE;
    let Some(first) = encoding.element_header(bytes, start) else {
        return Ok(None);
    };
    if first.tag != Tag(0x0002, 0x0000) || first.length != 4 {
        return Ok(None);
    }
    let mut pos = start + first.size;
    let Some(group_length) = encoding.u32_at(bytes, pos) else {
        return Ok(None);
    };
    pos += 4;
    let mut counted: u32 = 0;
    let mut syntax = String::new();
    while counted < group_length {
        let Some(header) = encoding.element_header(bytes, pos) else {
            return Ok(None);
        };
        if header.length == UNDEFINED {
            return Ok(None);
        }
        pos += header.size;
        let length = header.length as usize;
        if length > bytes.len() - pos {
            return Err(too_long(header.tag, header.length, pos));
        }
        if header.tag == Tag(0x0002, 0x0010) {
            syntax = String::from_utf8_lossy(&bytes[pos..pos + length]).into_owned();
        }
        pos += length;
        counted = counted
            .saturating_add(header.size as u32)
            .saturating_add(header.length);
    }
    Ok(Some((pos, syntax)))
}

fn too_long(tag: Tag, length: u32, pos: usize) -> String {
    format!(
        "the value of ({:04X},{:04X}) at byte {pos} claims {length} bytes, more than the file \
         holds (truncated or damaged)",
        tag.0, tag.1
    )
}

#[derive(Clone, Copy)]
struct Encoding {
    explicit: bool,
    big_endian: bool,
}

struct Header {
    tag: Tag,
    vr: VR,
    length: u32,
    /// Bytes of the header itself.
    size: usize,
}

impl Encoding {
    const EXPLICIT_LE: Encoding = Encoding {
        explicit: true,
        big_endian: false,
    };

    fn u16_at(self, bytes: &[u8], pos: usize) -> Option<u16> {
        let b: [u8; 2] = bytes.get(pos..pos.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    fn u32_at(self, bytes: &[u8], pos: usize) -> Option<u32> {
        let b: [u8; 4] = bytes.get(pos..pos.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    fn tag_at(self, bytes: &[u8], pos: usize) -> Option<Tag> {
        Some(Tag(self.u16_at(bytes, pos)?, self.u16_at(bytes, pos + 2)?))
    }

    /// An item or delimiter header: tag and 4-byte length, in either VR encoding.
    fn item_header(self, bytes: &[u8], pos: usize) -> Option<(Tag, u32)> {
        Some((self.tag_at(bytes, pos)?, self.u32_at(bytes, pos + 4)?))
    }

    /// An element header as dicom-encoding decodes it; `None` where the bytes run out.
    fn element_header(self, bytes: &[u8], pos: usize) -> Option<Header> {
        let tag = self.tag_at(bytes, pos)?;
        if !self.explicit {
            // Implicit VR: the dictionary tells the VR, with the two exceptions the decoder makes.
            let vr = if tag == PIXEL_DATA || (tag.0 >> 8 == 0x60 && tag.1 == 0x3000) {
                VR::OW
            } else {
                StandardDataDictionary
                    .by_tag(tag)
                    .map(|entry| entry.vr().relaxed())
                    .unwrap_or(VR::UN)
            };
            let length = self.u32_at(bytes, pos + 4)?;
            return Some(Header {
                tag,
                vr,
                length,
                size: 8,
            });
        }
        if tag.0 == 0xFFFE {
            let length = self.u32_at(bytes, pos + 4)?;
            return Some(Header {
                tag,
                vr: VR::UN,
                length,
                size: 8,
            });
        }
        let vr_bytes: [u8; 2] = bytes.get(pos + 4..pos + 6)?.try_into().ok()?;
        let vr = VR::from_binary(vr_bytes).unwrap_or(VR::UN);
        use VR::*;
        let short = matches!(
            vr,
            AE | AS
                | AT
                | CS
                | DA
                | DS
                | DT
                | FL
                | FD
                | IS
                | LO
                | LT
                | PN
                | SH
                | SL
                | SS
                | ST
                | TM
                | UI
                | UL
                | US
        );
        if short {
            let length = u32::from(self.u16_at(bytes, pos + 6)?);
            Some(Header {
                tag,
                vr,
                length,
                size: 8,
            })
        } else {
            let length = self.u32_at(bytes, pos + 8)?;
            Some(Header {
                tag,
                vr,
                length,
                size: 12,
            })
        }
    }
}

/// How many bytes dicom-parser takes from the stream for a value of this VR and length: values of
/// binary VRs are read as whole numbers, so a length that is not a multiple of the number's size
/// leaves the rest in the stream (while the reader's position counts the whole length).
fn bytes_taken(vr: VR, length: usize) -> usize {
    use VR::*;
    let size = match vr {
        AT | FL | OF | SL | OL | UL => 4,
        US | OW | SS => 2,
        FD | OD | SV | OV | UV => 8,
        _ => 1,
    };
    length / size * size
}

/// A sequence or item that is open, as the reader's stack of delimiters holds it.
struct Open {
    item: bool,
    pixel_data: bool,
    /// Defined length of the item, for a fragment of encapsulated pixel data.
    length: u32,
    /// The reader's position where it ends, for a defined length.
    end: Option<u64>,
}

/// The walk proper: `position` is the reader's count of bytes (what ends of defined-length items
/// and sequences are compared with), `stream` where it actually is in the bytes.
fn walk(data: &[u8], encoding: Encoding) -> Result<(), String> {
    let mut stream: usize = 0;
    let mut position: u64 = 0;
    let mut open: Vec<Open> = Vec::new();
    let mut in_sequence = false;
    let mut check_end = false;
    let mut pixel_sequence_next = false;
    let mut offset_table_next = false;
    let left = |stream: usize| data.len().saturating_sub(stream);
    let push = |open: &mut Vec<Open>, entry: Open| {
        if open.len() >= 2 * MAX_NESTING {
            return Err(format!(
                "sequences are nested more than {MAX_NESTING} deep (damaged or hostile file)"
            ));
        }
        open.push(entry);
        Ok(())
    };
    loop {
        if check_end {
            if let Some(top) = open.last()
                && let Some(end) = top.end
            {
                if end == position {
                    in_sequence = top.item;
                    open.pop();
                    continue;
                }
                if end < position {
                    // The reader stops here: a value ran past the end of its item or sequence.
                    return Ok(());
                }
            }
            check_end = false;
        }
        if in_sequence {
            let Some((tag, length)) = encoding.item_header(data, stream) else {
                return Ok(());
            };
            stream += 8;
            position += 8;
            match tag {
                ITEM => {
                    let Some(parent) = open.last() else {
                        return Ok(());
                    };
                    let pixel_data = parent.pixel_data;
                    in_sequence = false;
                    let end = (length != UNDEFINED).then(|| position + u64::from(length));
                    push(
                        &mut open,
                        Open {
                            item: true,
                            pixel_data,
                            length,
                            end,
                        },
                    )?;
                    if length == 0 {
                        check_end = true;
                    }
                }
                ITEM_END if length == 0 => {
                    open.pop();
                    in_sequence = true;
                    check_end = true;
                }
                SEQUENCE_END => {
                    open.pop();
                    in_sequence = false;
                    check_end = true;
                }
                _ => return Ok(()),
            }
        } else if let Some(top) = open.last()
            && top.item
            && top.pixel_data
        {
            if top.end.is_none() {
                return Ok(());
            }
            let length = top.length as usize;
            if length > left(stream) {
                return Err(format!(
                    "a fragment of the pixel data at byte {stream} claims {length} bytes, more \
                     than the file holds (truncated or damaged)"
                ));
            }
            if std::mem::take(&mut offset_table_next) {
                let taken = length / 4 * 4;
                stream += taken;
                position += taken as u64;
            } else {
                stream += length;
                position += length as u64;
            }
            check_end = true;
        } else if std::mem::take(&mut pixel_sequence_next) {
            push(
                &mut open,
                Open {
                    item: false,
                    pixel_data: true,
                    length: UNDEFINED,
                    end: None,
                },
            )?;
            let Some((tag, length)) = encoding.item_header(data, stream) else {
                return Ok(());
            };
            stream += 8;
            position += 8;
            match tag {
                ITEM => {
                    in_sequence = false;
                    let end = (length != UNDEFINED).then(|| position + u64::from(length));
                    push(
                        &mut open,
                        Open {
                            item: true,
                            pixel_data: true,
                            length,
                            end,
                        },
                    )?;
                    if length == 0 {
                        check_end = true;
                    } else {
                        offset_table_next = true;
                    }
                }
                SEQUENCE_END => {
                    open.pop();
                    in_sequence = false;
                }
                _ => return Ok(()),
            }
        } else {
            let Some(header) = encoding.element_header(data, stream) else {
                return Ok(());
            };
            stream += header.size;
            position += header.size as u64;
            let defined = header.length != UNDEFINED;
            if header.vr == VR::SQ {
                in_sequence = true;
                let end = defined.then(|| position + u64::from(header.length));
                push(
                    &mut open,
                    Open {
                        item: false,
                        pixel_data: false,
                        length: header.length,
                        end,
                    },
                )?;
                if header.length == 0 {
                    check_end = true;
                }
            } else if header.tag == ITEM_END {
                if open.pop().is_some() {
                    in_sequence = true;
                    check_end = true;
                }
            } else if header.tag == PIXEL_DATA && !defined {
                pixel_sequence_next = true;
            } else if !defined {
                // Any other element of undefined length is read as a sequence.
                in_sequence = true;
                push(
                    &mut open,
                    Open {
                        item: false,
                        pixel_data: false,
                        length: UNDEFINED,
                        end: None,
                    },
                )?;
            } else {
                let length = header.length as usize;
                if length > left(stream) {
                    return Err(too_long(header.tag, header.length, stream));
                }
                stream += bytes_taken(header.vr, length);
                position += length as u64;
                check_end = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An explicit VR little endian element with a 4-byte length.
    fn long(tag: (u16, u16), vr: &[u8; 2], length: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&tag.0.to_le_bytes());
        bytes.extend_from_slice(&tag.1.to_le_bytes());
        bytes.extend_from_slice(vr);
        bytes.extend_from_slice(&[0, 0]);
        bytes.extend_from_slice(&length.to_le_bytes());
        bytes
    }

    fn item(length: u32) -> Vec<u8> {
        let mut bytes = vec![0xFE, 0xFF, 0x00, 0xE0];
        bytes.extend_from_slice(&length.to_le_bytes());
        bytes
    }

    #[test]
    fn a_value_longer_than_the_file_inside_a_sequence_is_refused() {
        let mut data = long((0x0008, 0x1140), b"SQ", UNDEFINED);
        data.extend(item(UNDEFINED));
        data.extend(long((0x0009, 0x1000), b"OB", 0xD900_0000));
        data.extend_from_slice(&[0; 16]);
        let error = check_data_set(&data, "1.2.840.10008.1.2.1").unwrap_err();
        assert!(error.contains("more than the file holds"), "{error}");
    }

    #[test]
    fn an_implicit_value_longer_than_the_file_is_refused() {
        // (0010,0010) PatientName, 3 GB.
        let mut data = vec![0x10, 0x00, 0x10, 0x00];
        data.extend_from_slice(&0xC000_0000u32.to_le_bytes());
        data.extend_from_slice(b"DOE^JOHN");
        assert!(check_data_set(&data, IMPLICIT_LE).is_err());
    }

    #[test]
    fn a_pixel_fragment_longer_than_the_file_is_refused() {
        let mut data = long((0x7FE0, 0x0010), b"OB", UNDEFINED);
        data.extend(item(0));
        data.extend(item(0x8000_0000));
        data.extend_from_slice(&[0; 32]);
        assert!(check_data_set(&data, "1.2.840.10008.1.2.4.50").is_err());
    }

    #[test]
    fn sequences_nested_too_deep_are_refused() {
        let mut data = Vec::new();
        for _ in 0..=MAX_NESTING {
            data.extend(long((0x0040, 0xA730), b"SQ", UNDEFINED));
            data.extend(item(UNDEFINED));
        }
        let error = check_data_set(&data, "1.2.840.10008.1.2.1").unwrap_err();
        assert!(error.contains("nested"), "{error}");
    }

    #[test]
    fn a_syntax_padded_with_other_whitespace_is_walked_as_the_reader_reads_it() {
        // Implicit VR: (9400,FF00), 4 GB; walked as explicit VR it would look too short to read.
        let data = [0x00, 0x94, 0x00, 0xFF, 0x00, 0x00, 0xFF, 0xFF];
        assert!(check_data_set(&data, "1.2.840.10008.1.2\x0c").is_err());
    }

    #[test]
    fn sound_nesting_and_lengths_pass() {
        let mut data = long((0x0008, 0x1140), b"SQ", UNDEFINED);
        data.extend(item(UNDEFINED));
        data.extend(long((0x0009, 0x1000), b"OB", 4));
        data.extend_from_slice(&[1, 2, 3, 4]);
        data.extend_from_slice(&[0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0]);
        data.extend_from_slice(&[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
        data.extend(long((0x7FE0, 0x0010), b"OB", UNDEFINED));
        data.extend(item(0));
        data.extend(item(4));
        data.extend_from_slice(&[9, 9, 9, 9]);
        data.extend_from_slice(&[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
        assert_eq!(check_data_set(&data, "1.2.840.10008.1.2.1"), Ok(()));
    }
}
