//! GIF: a header, a screen descriptor and colour table, then blocks up to a trailer byte.
//!
//! Images and extensions carry their data in sub-blocks (a length byte, that many bytes, and a
//! zero length at the end), so every block can be stepped over without being understood. The
//! file is rebuilt from the images, their timing blocks, the looping block and the colour
//! profile; comments, text and every other extension are left behind.

use super::{Collector, Keep, size, text, xmp};
use crate::document::{Category, Done, Error, Format};

const TRAILER: u8 = 0x3B;

/// The end of an XMP packet stored in a GIF: 0x01, then 0xFF down to 0x00. The packet is stored
/// raw rather than in sub-blocks, and whatever length a byte of it seems to give, stepping over
/// sub-blocks lands inside this trailer and from there on the block's final zero.
const XMP_TRAILER: [u8; 257] = xmp_trailer();

const fn xmp_trailer() -> [u8; 257] {
    let mut trailer = [0u8; 257];
    trailer[0] = 1;
    let mut i = 1;
    while i < 257 {
        trailer[i] = (256 - i) as u8;
        i += 1;
    }
    trailer
}

enum Block<'a> {
    /// An image descriptor, its colour table and its compressed pixels, as they are in the file.
    Image(&'a [u8]),
    /// A graphic control extension (frame delay, transparency, disposal), as it is in the file.
    Control(&'a [u8]),
    /// How often an animation repeats, from a NETSCAPE2.0 or ANIMEXTS1.0 block.
    Looping {
        identifier: &'a [u8],
        count: [u8; 2],
    },
    /// An ICCRGBG1012 block, as it is in the file, holding one whole colour profile.
    Icc {
        whole: &'a [u8],
        profile_len: usize,
    },
    Comment(Vec<u8>),
    PlainText(Vec<u8>),
    Xmp(Vec<u8>),
    Application {
        identifier: String,
        len: usize,
    },
    Unknown {
        label: u8,
        len: usize,
    },
}

struct Gif<'a> {
    /// Header, logical screen descriptor and global colour table.
    head: &'a [u8],
    blocks: Vec<Block<'a>>,
    /// Bytes after the trailer; None when the file ends without one.
    after: Option<usize>,
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::malformed(Format::Gif, reason)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], Error> {
        let slice = self
            .pos
            .checked_add(len)
            .and_then(|end| self.bytes.get(self.pos..end))
            .ok_or_else(|| malformed(format!("the file is cut off inside {what}")))?;
        self.pos += len;
        Ok(slice)
    }

    fn byte(&mut self, what: &str) -> Result<u8, Error> {
        Ok(self.take(1, what)?[0])
    }

    /// The sub-blocks from here to their zero terminator, as stored.
    fn sub_blocks(&mut self, what: &str) -> Result<&'a [u8], Error> {
        let start = self.pos;
        loop {
            let len = self.byte(what)?;
            if len == 0 {
                return Ok(&self.bytes[start..self.pos]);
            }
            self.take(usize::from(len), what)?;
        }
    }
}

/// The data of stored sub-blocks, without their length bytes.
fn joined(raw: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((&len, tail)) = rest.split_first() {
        let (block, next) = tail.split_at(usize::from(len).min(tail.len()));
        data.extend_from_slice(block);
        rest = next;
    }
    data
}

/// Colour table size from a packed field: present when bit 7 is set, 2^(n+1) RGB entries.
fn colour_table(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 0x07) + 1)
    }
}

fn parse(bytes: &[u8]) -> Result<Gif<'_>, Error> {
    if !(bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a")) {
        return Err(malformed("it does not start with a GIF header"));
    }
    let mut reader = Reader { bytes, pos: 6 };
    let screen = reader.take(7, "the screen descriptor")?;
    reader.take(colour_table(screen[4]), "the colour table")?;
    let head = &bytes[..reader.pos];
    let mut blocks = Vec::new();
    let after = loop {
        let start = reader.pos;
        let Some(&introducer) = bytes.get(start) else {
            if blocks.iter().any(|b| matches!(b, Block::Image(_))) {
                break None;
            }
            return Err(malformed("the file is cut off before its first picture"));
        };
        reader.pos += 1;
        match introducer {
            TRAILER => break Some(bytes.len() - reader.pos),
            0x2C => {
                let descriptor = reader.take(9, "an image descriptor")?;
                reader.take(colour_table(descriptor[8]), "a colour table")?;
                reader.byte("an image")?;
                reader.sub_blocks("an image")?;
                blocks.push(Block::Image(&bytes[start..reader.pos]));
            }
            0x21 => {
                let label = reader.byte("an extension block")?;
                blocks.push(extension(&mut reader, label, start)?);
            }
            other => {
                return Err(malformed(format!(
                    "unexpected byte {other:#04x} at offset {start} where a block should start"
                )));
            }
        }
    };
    Ok(Gif {
        head,
        blocks,
        after,
    })
}

fn extension<'a>(reader: &mut Reader<'a>, label: u8, start: usize) -> Result<Block<'a>, Error> {
    let raw = reader.sub_blocks("an extension block")?;
    Ok(match label {
        0xF9 => {
            if raw.len() != 6 || raw[0] != 4 {
                return Err(malformed("a frame timing block has the wrong size"));
            }
            Block::Control(&reader.bytes[start..reader.pos])
        }
        0xFE => Block::Comment(joined(raw)),
        0x01 => {
            let header_len = 1 + usize::from(raw[0]);
            Block::PlainText(joined(raw.get(header_len..).unwrap_or_default()))
        }
        0xFF => application(raw, &reader.bytes[start..reader.pos]),
        _ => Block::Unknown {
            label,
            len: joined(raw).len(),
        },
    })
}

/// An application extension: an 11-byte name and code, then the application's own sub-blocks.
fn application<'a>(raw: &'a [u8], whole: &'a [u8]) -> Block<'a> {
    let Some(identifier) = raw.get(1..12).filter(|_| raw[0] == 11) else {
        return Block::Application {
            identifier: "(unnamed)".into(),
            len: joined(raw).len(),
        };
    };
    let data = &raw[12..];
    let other = || Block::Application {
        identifier: text(identifier),
        len: joined(data).len(),
    };
    match identifier {
        b"XMP DataXMP" => {
            let stored = &data[..data.len() - 1];
            let packet = match stored.strip_suffix(&XMP_TRAILER) {
                Some(packet) => packet.to_vec(),
                None => joined(data),
            };
            Block::Xmp(packet)
        }
        b"NETSCAPE2.0" | b"ANIMEXTS1.0" => {
            let mut rest = data;
            while let Some((&len, tail)) = rest.split_first() {
                if let (3, [1, lo, hi, ..]) = (len, tail) {
                    return Block::Looping {
                        identifier,
                        count: [*lo, *hi],
                    };
                }
                rest = tail.get(usize::from(len)..).unwrap_or_default();
            }
            other()
        }
        b"ICCRGBG1012" => {
            let profile = joined(data);
            if super::is_icc_profile(&profile) {
                Block::Icc {
                    whole,
                    profile_len: profile.len(),
                }
            } else {
                other()
            }
        }
        _ => other(),
    }
}

pub(super) fn inspect(bytes: &[u8], found: &mut Collector) -> Result<(), Error> {
    let gif = parse(bytes)?;
    for block in &gif.blocks {
        match block {
            Block::Image(_) | Block::Control(_) | Block::Looping { .. } => {}
            Block::Icc { profile_len, .. } => found.add(
                Category::ColourProfile,
                "GIF",
                "ICC profile",
                size(*profile_len),
                "How the colours are meant to look on screen; it is kept so the picture looks the \
                 same.",
            ),
            Block::Comment(comment) => found.add(
                Category::Text,
                "GIF",
                "comment",
                text(comment),
                "A comment saved in the picture file; it can contain names or other personal \
                 details.",
            ),
            Block::PlainText(words) => found.add(
                Category::Text,
                "GIF",
                "plain text block",
                text(words),
                "Text stored in the picture file for very old viewers to draw on it; today's \
                 viewers do not show it, but anyone can read it.",
            ),
            Block::Xmp(packet) => xmp::inspect(packet, "GIF XMP", found),
            Block::Application { identifier, len } => found.add(
                Category::Unknown,
                "GIF",
                format!("application block '{identifier}'"),
                size(*len),
                "Data a program saved in the picture file that this tool cannot show you; it is \
                 removed because it could hold personal details.",
            ),
            Block::Unknown { label, len } => found.add(
                Category::Unknown,
                "GIF",
                format!("extension block {label:#04x}"),
                size(*len),
                "Data in the picture file that this tool cannot show you; it is removed because \
                 it could hold personal details.",
            ),
        }
    }
    if let Some(after) = gif.after.filter(|&n| n > 0) {
        found.add(
            Category::Unknown,
            "GIF",
            "data after the end",
            size(after),
            "Hidden data after the end of the picture, which picture viewers do not show but \
             anyone can read.",
        );
    }
    Ok(())
}

pub(super) fn strip(bytes: &[u8], keep: Keep, done: &mut Vec<Done>) -> Result<Vec<u8>, Error> {
    let gif = parse(bytes)?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(gif.head);
    // A timing block belongs to the next image or plain text block; it waits here until it is
    // known which, so that it is not left to act on another image.
    let mut controls: Vec<&[u8]> = Vec::new();
    let mut icc_kept = false;
    for block in &gif.blocks {
        match block {
            Block::Image(image) => {
                for control in controls.drain(..) {
                    out.extend_from_slice(control);
                }
                out.extend_from_slice(image);
            }
            Block::Control(control) => controls.push(control),
            Block::Looping { identifier, count } => {
                out.extend_from_slice(&[0x21, 0xFF, 11]);
                out.extend_from_slice(identifier);
                out.extend_from_slice(&[3, 1, count[0], count[1], 0]);
            }
            Block::Icc { whole, profile_len } => {
                if keep.colour_profile && !icc_kept {
                    out.extend_from_slice(whole);
                    icc_kept = true;
                    done.push(Done::kept("kept ICC colour profile"));
                } else {
                    done.push(Done::removed(format!(
                        "removed ICC colour profile ({})",
                        size(*profile_len)
                    )));
                }
            }
            Block::Comment(comment) => done.push(Done::removed(format!(
                "removed GIF comment ({})",
                size(comment.len())
            ))),
            Block::PlainText(words) => {
                controls.clear();
                done.push(Done::removed(format!(
                    "removed GIF plain text block ({})",
                    size(words.len())
                )));
            }
            Block::Xmp(packet) => done.push(Done::removed(format!(
                "removed XMP metadata ({})",
                size(packet.len())
            ))),
            Block::Application { identifier, len } => done.push(Done::removed(format!(
                "removed GIF application block '{identifier}' ({})",
                size(*len)
            ))),
            Block::Unknown { label, len } => done.push(Done::removed(format!(
                "removed GIF extension block {label:#04x} ({})",
                size(*len)
            ))),
        }
    }
    if !controls.is_empty() {
        done.push(Done::removed(
            "removed frame timing left over after the last picture",
        ));
    }
    out.push(TRAILER);
    if let Some(after) = gif.after.filter(|&n| n > 0) {
        done.push(Done::removed(format!(
            "removed {} hidden after the end of the picture",
            size(after)
        )));
    }
    done.push(Done::kept(match gif.after {
        Some(_) => "kept the picture itself byte for byte",
        None => "kept the picture itself byte for byte, and added the end marker the file lacked",
    }));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use image::AnimationDecoder;
    use image::codecs::gif::GifDecoder;

    use super::super::Collector;
    use super::*;

    const HEAD: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00";
    const LOOPING: &[u8] = b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00";
    const CONTROL_1: &[u8] = b"\x21\xF9\x04\x00\x0A\x00\x00\x00";
    const CONTROL_2: &[u8] = b"\x21\xF9\x04\x00\x14\x00\x00\x00";
    const CONTROL_TEXT: &[u8] = b"\x21\xF9\x04\x00\x63\x00\x00\x00";
    const IMAGE_1: &[u8] = b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00";
    /// The second frame has its own two-colour table, so its pixels differ from the first.
    const IMAGE_2: &[u8] =
        b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x80\x10\x20\x30\x40\x50\x60\x02\x02\x44\x01\x00";
    const XMP: &[u8] = b"<?xpacket begin=''?><x:xmpmeta><dc:creator>Jane Doe</dc:creator>\
        </x:xmpmeta><?xpacket end='w'?>";

    fn keep(colour_profile: bool) -> Keep {
        Keep {
            orientation: true,
            colour_profile,
        }
    }

    fn comment(words: &[u8]) -> Vec<u8> {
        let mut block = vec![0x21, 0xFE, words.len() as u8];
        block.extend_from_slice(words);
        block.push(0);
        block
    }

    fn xmp_block() -> Vec<u8> {
        [&b"\x21\xFF\x0BXMP DataXMP"[..], XMP, &XMP_TRAILER, &[0]].concat()
    }

    fn plain_text() -> Vec<u8> {
        let mut block = vec![0x21, 0x01, 12];
        block.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0]);
        block.push(8);
        block.extend_from_slice(b"Dr. Who ");
        block.push(0);
        block
    }

    fn icc_block() -> Vec<u8> {
        let mut profile = [0u8; 132];
        profile[0..4].copy_from_slice(&132u32.to_be_bytes());
        profile[36..40].copy_from_slice(b"acsp");
        let mut block = b"\x21\xFF\x0BICCRGBG1012".to_vec();
        block.push(128);
        block.extend_from_slice(&profile[..128]);
        block.push(4);
        block.extend_from_slice(&profile[128..]);
        block.push(0);
        block
    }

    /// Everything a GIF can carry, in an order a careless writer might use.
    fn loaded(with_xmp: bool) -> Vec<u8> {
        let mut bytes = HEAD.to_vec();
        bytes.extend_from_slice(LOOPING);
        bytes.extend(comment(b"Jane's scan"));
        if with_xmp {
            bytes.extend(xmp_block());
        }
        bytes.extend_from_slice(b"\x21\xFF\x0BSECRETAPP1.\x05hello\x00");
        bytes.extend(icc_block());
        bytes.extend_from_slice(CONTROL_1);
        bytes.extend_from_slice(IMAGE_1);
        bytes.extend_from_slice(CONTROL_TEXT);
        bytes.extend(plain_text());
        bytes.extend_from_slice(CONTROL_2);
        bytes.extend_from_slice(IMAGE_2);
        bytes.extend_from_slice(b"\x21\x99\x03abc\x00");
        bytes.push(TRAILER);
        bytes.extend_from_slice(b"trailing secret");
        bytes
    }

    fn clean(with_profile: bool) -> Vec<u8> {
        let profile = if with_profile {
            icc_block()
        } else {
            Vec::new()
        };
        [
            HEAD,
            LOOPING,
            &profile,
            CONTROL_1,
            IMAGE_1,
            CONTROL_2,
            IMAGE_2,
            &[TRAILER],
        ]
        .concat()
    }

    /// The input without its unknown extension, which the decoder used for comparing refuses.
    fn decodable(input: &[u8]) -> Vec<u8> {
        let unknown = b"\x21\x99\x03abc\x00";
        let at = input
            .windows(unknown.len())
            .position(|w| w == unknown)
            .unwrap();
        [&input[..at], &input[at + unknown.len()..]].concat()
    }

    fn findings(bytes: &[u8]) -> Vec<crate::document::Finding> {
        let mut found = Collector::default();
        inspect(bytes, &mut found).unwrap();
        found.findings
    }

    fn frames(bytes: &[u8]) -> Vec<(Vec<u8>, (u32, u32))> {
        GifDecoder::new(Cursor::new(bytes))
            .unwrap()
            .into_frames()
            .collect_frames()
            .unwrap()
            .into_iter()
            .map(|f| (f.buffer().to_vec(), f.delay().numer_denom_ms()))
            .collect()
    }

    #[test]
    fn finds_comments_text_unknown_blocks_and_trailing_data() {
        let expected = [
            (Category::Text, "comment", "Jane's scan"),
            (
                Category::Unknown,
                "application block 'SECRETAPP1.'",
                "5 bytes",
            ),
            (Category::ColourProfile, "ICC profile", "132 bytes"),
            (Category::Text, "plain text block", "Dr. Who"),
            (Category::Unknown, "extension block 0x99", "3 bytes"),
            (Category::Unknown, "data after the end", "15 bytes"),
        ];
        crate::photo::testing::assert_findings(&findings(&loaded(false)), &expected);
    }

    #[test]
    fn reads_the_xmp_packet_without_its_trailer() {
        let input = loaded(true);
        let gif = parse(&input).unwrap();
        let packets: Vec<&Vec<u8>> = gif
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Xmp(packet) => Some(packet),
                _ => None,
            })
            .collect();
        assert_eq!(packets, [&XMP.to_vec()]);
    }

    #[test]
    fn xmp_in_ordinary_sub_blocks_is_read_too() {
        let mut bytes = HEAD.to_vec();
        bytes.extend_from_slice(b"\x21\xFF\x0BXMP DataXMP\x04<x:x\x03mp>\x00");
        bytes.extend_from_slice(IMAGE_1);
        bytes.push(TRAILER);
        let gif = parse(&bytes).unwrap();
        assert!(matches!(&gif.blocks[0], Block::Xmp(p) if p == b"<x:xmp>"));
    }

    #[test]
    fn strip_keeps_exactly_the_picture_timing_looping_and_profile() {
        let input = loaded(true);
        let mut done = Vec::new();
        let output = strip(&input, keep(true), &mut done).unwrap();
        assert_eq!(output, clean(true));
        assert_eq!(frames(&output), frames(&decodable(&input)));
        assert!(findings(&output).iter().all(|f| !f.category.identifies()));
        let said: Vec<&str> = done.iter().map(|d| d.what.as_str()).collect();
        assert_eq!(
            said,
            [
                "removed GIF comment (11 bytes)",
                "removed XMP metadata (95 bytes)",
                "removed GIF application block 'SECRETAPP1.' (5 bytes)",
                "kept ICC colour profile",
                "removed GIF plain text block (8 bytes)",
                "removed GIF extension block 0x99 (3 bytes)",
                "removed 15 bytes hidden after the end of the picture",
                "kept the picture itself byte for byte",
            ]
        );
        let output = strip(&input, keep(false), &mut Vec::new()).unwrap();
        assert_eq!(output, clean(false));
    }

    #[test]
    fn clean_file_comes_out_unchanged() {
        assert!(
            findings(&clean(true))
                .iter()
                .all(|f| !f.category.identifies())
        );
        assert_eq!(
            strip(&clean(true), keep(true), &mut Vec::new()).unwrap(),
            clean(true)
        );
    }

    #[test]
    fn looping_block_keeps_only_its_loop_count() {
        let mut bytes = HEAD.to_vec();
        bytes.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0\x05\x02secr\x03\x01\x05\x00\x02et\x00");
        bytes.extend_from_slice(IMAGE_1);
        bytes.push(TRAILER);
        let output = strip(&bytes, keep(true), &mut Vec::new()).unwrap();
        let expected = [
            HEAD,
            b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x05\x00\x00",
            IMAGE_1,
            &[TRAILER],
        ]
        .concat();
        assert_eq!(output, expected);
    }

    #[test]
    fn missing_trailer_after_a_whole_block_is_added() {
        let mut input = loaded(false);
        let end = input.iter().rposition(|&b| b == TRAILER).unwrap();
        input.truncate(end);
        let mut done = Vec::new();
        assert_eq!(strip(&input, keep(true), &mut done).unwrap(), clean(true));
        assert!(done.last().unwrap().what.contains("added the end marker"));
    }

    #[test]
    fn truncated_and_garbage_input_give_errors() {
        let input = loaded(true);
        let first_image_end = input
            .windows(IMAGE_1.len())
            .position(|w| w == IMAGE_1)
            .unwrap()
            + IMAGE_1.len();
        for len in 0..input.len() {
            let cut = &input[..len];
            let inspected = parse(cut);
            assert_eq!(
                inspected.is_ok(),
                strip(cut, keep(true), &mut Vec::new()).is_ok(),
                "{len}"
            );
            if len < first_image_end {
                assert!(inspected.is_err(), "{len}");
            }
        }
        assert!(parse(&input[..first_image_end + 3]).is_err());
        let message = parse(&input[..first_image_end - 2])
            .err()
            .unwrap()
            .to_string();
        assert_eq!(
            message,
            "damaged GIF file: the file is cut off inside an image"
        );

        let mut garbage = HEAD.to_vec();
        garbage.extend_from_slice(IMAGE_1);
        garbage.extend_from_slice(b"\x00garbage");
        assert!(strip(&garbage, keep(true), &mut Vec::new()).is_err());
        let mut wrong_control = HEAD.to_vec();
        wrong_control.extend_from_slice(b"\x21\xF9\x05\x00\x0A\x00\x00\x00\x00");
        wrong_control.extend_from_slice(IMAGE_1);
        wrong_control.push(TRAILER);
        assert!(strip(&wrong_control, keep(true), &mut Vec::new()).is_err());
        assert!(strip(b"GIF89a\x01\x00", keep(true), &mut Vec::new()).is_err());
        assert!(
            strip(
                b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
                keep(true),
                &mut Vec::new()
            )
            .is_ok()
        );
    }

    #[test]
    fn flipped_bytes_never_panic() {
        let input = loaded(false);
        for i in 0..input.len() {
            for flip in [0x01, 0x80, 0xFF] {
                let mut bytes = input.clone();
                bytes[i] ^= flip;
                let _ = parse(&bytes);
                let _ = strip(&bytes, keep(true), &mut Vec::new());
            }
        }
    }
}
