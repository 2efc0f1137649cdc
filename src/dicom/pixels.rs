//! Pixel data decoded for reading text and redacting it, and written back.
//!
//! Every syntax the registry decodes (native, deflate, RLE, JPEG baseline/extended/lossless,
//! JPEG 2000), and JPEG-LS, which it decodes only through a C++ library, come out as stored
//! sample values. What is written back is native explicit VR little endian, interleaved, with
//! the attributes that describe it corrected, unless the frames can go back in the compression
//! they came in ([`Pixels::write_frames_into`]). Redaction changes sample values only inside its
//! regions, so a CT keeps its Hounsfield units everywhere else.

use dicom_core::value::{PrimitiveValue, Value};
use dicom_core::{DataElement, Tag, VR};
use dicom_object::{FileDicomObject, InMemDicomObject};
use dicom_pixeldata::{PixelDecoder, PixelRepresentation, PlanarConfiguration};
use dicom_transfer_syntax_registry::{TransferSyntaxIndex, TransferSyntaxRegistry};
use image::RgbImage;
use rayon::prelude::*;

use super::jpeg_ls;
use crate::document::{Redaction, Window};
use crate::pixels::{Patch, Plane, Sample};

/// Stored sample values of every frame, one after the other, interleaved.
enum Samples {
    U8(Vec<u8>),
    U16(Vec<u16>),
    I16(Vec<i16>),
    U32(Vec<u32>),
    I32(Vec<i32>),
}

pub struct Pixels {
    samples: Samples,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    channels: usize,
    bits_allocated: u16,
    bits_stored: u16,
    signed: bool,
    /// As the decoded samples are: a codec that turns YBR into RGB says so here.
    photometric: String,
    /// The source syntax lost information; a copy must say so forever after (PS3.3 C.7.6.1.1.5).
    lossy_source: bool,
    /// The colours of a PALETTE COLOR picture's stored values: shown as grey, those values are
    /// indices, and text drawn in them can come out a shade or two from its background.
    palette: Option<Palette>,
}

/// A palette's three tables (PS3.3 C.7.6.3.1.5), turned to 8 bits.
#[derive(Debug, Clone)]
struct Palette {
    /// The stored value the first entry is for; values below it take the first entry, and
    /// values past the last entry the last (C.7.6.3.1.5).
    first: i64,
    red: Vec<u8>,
    green: Vec<u8>,
    blue: Vec<u8>,
}

impl Palette {
    /// The palette of a PALETTE COLOR picture, from its descriptors and its data, whole or in
    /// segments (C.7.9.2, as ultrasound machines write them); nothing for other pictures. A
    /// palette that cannot be read leaves the picture shown as grey indices.
    fn of(file: &InMemDicomObject, photometric: &str) -> Option<Palette> {
        if photometric != "PALETTE COLOR" {
            return None;
        }
        let table = |descriptor: u16, data: u16| -> Option<(i64, Vec<u8>)> {
            let described = file
                .get(Tag(0x0028, descriptor))?
                .to_multi_int::<i64>()
                .ok()?;
            let [entries, first, bits] = described[..] else {
                return None;
            };
            // 0 entries means 65536 (C.7.6.3.1.5).
            let entries = if entries == 0 {
                65536
            } else {
                entries as usize
            };
            // The data is OW, words in the data set's byte order; 8-bit entries are packed two
            // to a word, the first in the low byte. Segmented data is in (0028,122x).
            let segmented = file
                .get(Tag(0x0028, data + 0x20))
                .and_then(|element| element.to_multi_int::<u16>().ok());
            if let Some(words) = segmented {
                // 8-bit segmented data is a run of bytes, two to a word.
                let data: Vec<u16> = if bits == 8 {
                    words
                        .iter()
                        .flat_map(|word| word.to_le_bytes())
                        .map(u16::from)
                        .collect()
                } else {
                    words
                };
                let shift = if bits == 16 { 8 } else { 0 };
                let values = unsegmented(&data, entries)?;
                return Some((first, values.iter().map(|v| (v >> shift) as u8).collect()));
            }
            let words = file.get(Tag(0x0028, data))?.to_multi_int::<u16>().ok()?;
            let values: Vec<u8> = match bits {
                8 => words
                    .iter()
                    .flat_map(|word| word.to_le_bytes())
                    .take(entries)
                    .collect(),
                16 => words
                    .iter()
                    .take(entries)
                    .map(|word| (word >> 8) as u8)
                    .collect(),
                _ => return None,
            };
            if values.len() < entries {
                return None;
            }
            Some((first, values))
        };
        let (first, red) = table(0x1101, 0x1201)?;
        let (_, green) = table(0x1102, 0x1202)?;
        let (_, blue) = table(0x1103, 0x1203)?;
        Some(Palette {
            first,
            red,
            green,
            blue,
        })
    }

    fn colour(&self, value: f32) -> [u8; 3] {
        let at = |table: &[u8]| {
            let index = (value as i64 - self.first).clamp(0, table.len() as i64 - 1);
            table[index as usize]
        };
        [at(&self.red), at(&self.green), at(&self.blue)]
    }
}

/// The entries of a segmented palette table (PS3.3 C.7.9.2): discrete runs, linear ramps from
/// the last entry, and indirect copies of earlier segments, whose offset counts entries of the
/// segmented data as pydicom reads it. Copies do not nest (the standard forbids it). A table a
/// little short or long is padded with its last entry or cut to `entries`; expanding stops once
/// the table is full, so a few kilobytes of copies of long ramps cannot ask for gigabytes.
fn unsegmented(data: &[u16], entries: usize) -> Option<Vec<u16>> {
    let mut values: Vec<u16> = Vec::with_capacity(entries);
    let mut at = 0;
    // A trailing null may pad the data to an even length.
    while at + 1 < data.len() && values.len() < entries {
        at = segment(data, at, &mut values, Some(entries))?;
    }
    let last = *values.last()?;
    values.resize(entries, last);
    Some(values)
}

/// Append the entries of the segment at `at` to `values`; where the next segment starts. A copy
/// is allowed when `copies_up_to` gives the entries it may fill; it holds only direct segments.
fn segment(
    data: &[u16],
    at: usize,
    values: &mut Vec<u16>,
    copies_up_to: Option<usize>,
) -> Option<usize> {
    let (&opcode, &length) = (data.get(at)?, data.get(at + 1)?);
    let length = usize::from(length);
    match opcode {
        0 => {
            values.extend_from_slice(data.get(at + 2..at + 2 + length)?);
            Some(at + 2 + length)
        }
        1 => {
            let (&from, &to) = (values.last()?, data.get(at + 2)?);
            let (from, to) = (f64::from(from), f64::from(to));
            values.extend(
                (1..=length)
                    .map(|step| (from + (to - from) * step as f64 / length as f64).round() as u16),
            );
            Some(at + 3)
        }
        2 => {
            let entries = copies_up_to?;
            let (&low, &high) = (data.get(at + 2)?, data.get(at + 3)?);
            let mut from = usize::from(high) << 16 | usize::from(low);
            for _ in 0..length {
                if values.len() >= entries {
                    break;
                }
                from = segment(data, from, values, None)?;
            }
            Some(at + 4)
        }
        _ => None,
    }
}

/// Transfer syntaxes whose compression discards information.
const LOSSY_SYNTAXES: [&str; 8] = [
    "1.2.840.10008.1.2.4.50",
    "1.2.840.10008.1.2.4.51",
    "1.2.840.10008.1.2.4.81",
    "1.2.840.10008.1.2.4.91",
    "1.2.840.10008.1.2.4.93",
    "1.2.840.10008.1.2.4.100",
    "1.2.840.10008.1.2.4.101",
    "1.2.840.10008.1.2.4.102",
];

/// Decode every frame; the error says in words why not (an unsupported compression, a value the
/// header contradicts).
pub fn decode(file: &FileDicomObject<InMemDicomObject>) -> Result<Pixels, String> {
    refuse_absurd_sizes(file)?;
    let syntax = file.meta().transfer_syntax().trim_end_matches('\0');
    let lossy_source = LOSSY_SYNTAXES.contains(&syntax);
    if jpeg_ls::TRANSFER_SYNTAXES.contains(&syntax) {
        return decode_jpeg_ls(file, lossy_source);
    }
    if syntax == super::RLE_LOSSLESS {
        let header = Header::of(file)?;
        if header.bits_allocated == 32 {
            return decode_rle_32(file, header);
        }
    }
    if syntax == JPEG_EXTENDED {
        let header = Header::of(file)?;
        if header.bits_stored > 8 {
            return decode_jpeg_12(file, header);
        }
    }
    let decoded = file.decode_pixel_data().map_err(|error| {
        let name = TransferSyntaxRegistry
            .get(syntax)
            .map_or(syntax, |known| known.name());
        format!("cannot decode the pixels, stored as {name}: {error}")
    })?;
    let width = decoded.columns();
    let height = decoded.rows();
    let frames = decoded.number_of_frames().max(1);
    let channels = usize::from(decoded.samples_per_pixel());
    let bits_allocated = decoded.bits_allocated();
    let signed = decoded.pixel_representation() == PixelRepresentation::Signed;
    let photometric = decoded.photometric_interpretation().as_str().to_string();
    if !matches!(channels, 1 | 3) {
        return Err(format!("{channels} samples per pixel are not supported"));
    }
    let native = !file
        .meta()
        .transfer_syntax()
        .contains("1.2.840.10008.1.2.4")
        && !file
            .meta()
            .transfer_syntax()
            .contains("1.2.840.10008.1.2.5");
    let full_rate;
    let (bytes, photometric) = match photometric.as_str() {
        "YBR_FULL_422" if native && bits_allocated == 8 && channels == 3 => {
            full_rate = full_rate_ybr(decoded.data(), width, height, frames)?;
            (full_rate.as_slice(), "YBR_FULL".to_string())
        }
        _ if photometric.ends_with("_422") || photometric.ends_with("_420") => {
            return Err(format!(
                "uncompressed {photometric} pixels (colour sampled at half rate) with \
                 {bits_allocated} bits per sample are not supported"
            ));
        }
        _ => (decoded.data(), photometric),
    };
    let count = width as usize * height as usize * channels * frames as usize;
    let width_of_sample = match bits_allocated {
        1 | 8 => 1,
        16 => 2,
        32 => 4,
        other => return Err(format!("{other} bits per sample are not supported")),
    };
    let bytes = bytes.get(..count * width_of_sample).ok_or_else(|| {
        format!(
            "the pixel data holds {} bytes where {} frame(s) of {width}×{height} need {}",
            bytes.len(),
            frames,
            count * width_of_sample
        )
    })?;
    let little = |chunk: &[u8]| -> [u8; 4] {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        word
    };
    let samples = match (width_of_sample, signed) {
        (1, _) => Samples::U8(bytes.to_vec()),
        (2, false) => Samples::U16(
            bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect(),
        ),
        (2, true) => Samples::I16(
            bytes
                .chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect(),
        ),
        (_, false) => Samples::U32(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(little(c)))
                .collect(),
        ),
        (_, true) => Samples::I32(
            bytes
                .chunks_exact(4)
                .map(|c| i32::from_le_bytes(little(c)))
                .collect(),
        ),
    };
    let mut pixels = Pixels {
        samples,
        width,
        height,
        frames,
        channels,
        bits_allocated,
        bits_stored: decoded.bits_stored(),
        signed,
        palette: Palette::of(file, &photometric),
        photometric,
        lossy_source,
    };
    if channels == 3 && decoded.planar_configuration() == PlanarConfiguration::PixelFirst {
        pixels.interleave();
    }
    Ok(pixels)
}

/// Uncompressed YBR_FULL_422 (PS3.3 C.7.6.3.1.2): each pair of pixels of a row is stored as
/// `Y1 Y2 Cb Cr`, the two sharing their colour. Given back one `Y Cb Cr` per pixel (YBR_FULL),
/// which is what is then redacted and written.
fn full_rate_ybr(data: &[u8], width: u32, height: u32, frames: u32) -> Result<Vec<u8>, String> {
    if width % 2 == 1 {
        return Err(format!(
            "YBR_FULL_422 pixels need an even width, and the header says {width}"
        ));
    }
    let pairs = width as usize / 2 * height as usize * frames as usize;
    let stored = data.get(..pairs * 4).ok_or_else(|| {
        format!(
            "the pixel data holds {} bytes where {frames} frame(s) of {width}×{height} in \
             YBR_FULL_422 need {}",
            data.len(),
            pairs * 4
        )
    })?;
    Ok(stored
        .chunks_exact(4)
        .flat_map(|pair| {
            let [y1, y2, cb, cr] = [pair[0], pair[1], pair[2], pair[3]];
            [y1, cb, cr, y2, cb, cr]
        })
        .collect())
}

/// The attributes that describe the pixels are read from the header, as the stream is
/// checked against them; samples come out as stored, in the photometric interpretation the
/// header gives (JPEG-LS applies no colour transform of its own).
fn decode_jpeg_ls(
    file: &FileDicomObject<InMemDicomObject>,
    lossy_source: bool,
) -> Result<Pixels, String> {
    let header = Header::of(file)?;
    let Header {
        width,
        height,
        channels,
        frames,
        bits_allocated,
        bits_stored,
        signed,
        ..
    } = header;
    if !matches!(bits_allocated, 8 | 16) || !(2..=bits_allocated).contains(&bits_stored) {
        return Err(format!(
            "JPEG-LS pixels of {bits_stored} bits stored in {bits_allocated} are not supported"
        ));
    }
    let decoded = encapsulated_frames(file, frames)?
        .par_iter()
        .map(|stream| jpeg_ls::decode_frame(stream, width, height, channels))
        .collect::<Result<Vec<_>, String>>()?;
    if let Some(frame) = decoded
        .iter()
        .find(|frame| u32::from(frame.precision) > bits_allocated)
    {
        return Err(format!(
            "the JPEG-LS stream holds {}-bit samples where the header allocates {bits_allocated}",
            frame.precision
        ));
    }
    let values = decoded.into_iter().flat_map(|frame| frame.samples);
    // Signed samples are coded as their stored bits, two's complement: the bit above them is
    // the sign.
    let shift = 16 - bits_stored;
    let samples = match (bits_allocated, signed) {
        (8, _) => Samples::U8(values.map(|v| v as u8).collect()),
        (_, false) => Samples::U16(values.collect()),
        (_, true) => Samples::I16(values.map(|v| ((v << shift) as i16) >> shift).collect()),
    };
    Ok(header.pixels(file, samples, lossy_source))
}

/// JPEG Extended, whose 12-bit frames dicom-pixeldata's decoder refuses.
const JPEG_EXTENDED: &str = "1.2.840.10008.1.2.4.51";

/// Grey 12-bit JPEG frames (nuclear medicine, CT), decoded by Caviar's own JPEG reader.
fn decode_jpeg_12(
    file: &FileDicomObject<InMemDicomObject>,
    header: Header,
) -> Result<Pixels, String> {
    if header.channels != 1 || header.bits_allocated != 16 {
        return Err(format!(
            "{}-bit JPEG with {} sample(s) per pixel in {} bits is not supported",
            header.bits_stored, header.channels, header.bits_allocated
        ));
    }
    let decoded = encapsulated_frames(file, header.frames)?
        .par_iter()
        .map(|stream| crate::pixels::jpeg::decode(stream))
        .collect::<Result<Vec<_>, String>>()?;
    for frame in &decoded {
        if (frame.width, frame.height) != (header.width as usize, header.height as usize)
            || frame.components != 1
            || u32::from(frame.precision) > header.bits_allocated
        {
            return Err(format!(
                "a JPEG frame of {}×{} with {} component(s) of {} bits, where the header says \
                 {}×{} grey",
                frame.width,
                frame.height,
                frame.components,
                frame.precision,
                header.width,
                header.height
            ));
        }
    }
    let values = decoded.into_iter().flat_map(|frame| frame.samples);
    let shift = 16 - header.bits_stored.min(16);
    let samples = if header.signed {
        Samples::I16(values.map(|v| ((v << shift) as i16) >> shift).collect())
    } else {
        Samples::U16(values.collect())
    };
    Ok(header.pixels(file, samples, true))
}

/// What the header says of the pixels, for the decoders that read the stream themselves.
struct Header {
    width: u32,
    height: u32,
    channels: usize,
    frames: u32,
    bits_allocated: u32,
    bits_stored: u32,
    signed: bool,
    photometric: String,
}

impl Header {
    /// The pixels of `samples`, decoded as this header describes them.
    fn pixels(
        self,
        file: &FileDicomObject<InMemDicomObject>,
        samples: Samples,
        lossy_source: bool,
    ) -> Pixels {
        Pixels {
            samples,
            width: self.width,
            height: self.height,
            frames: self.frames,
            channels: self.channels,
            bits_allocated: self.bits_allocated as u16,
            bits_stored: self.bits_stored as u16,
            signed: self.signed,
            palette: Palette::of(file, &self.photometric),
            photometric: self.photometric,
            lossy_source,
        }
    }

    fn of(file: &FileDicomObject<InMemDicomObject>) -> Result<Header, String> {
        let number = |tag: Tag| -> Option<u32> {
            file.get(tag)
                .and_then(|e| e.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
        };
        let required =
            |tag: Tag, name: &str| number(tag).ok_or_else(|| format!("the header gives no {name}"));
        let channels = number(Tag(0x0028, 0x0002)).unwrap_or(1) as usize;
        if !matches!(channels, 1 | 3) {
            return Err(format!("{channels} samples per pixel are not supported"));
        }
        let bits_allocated = required(Tag(0x0028, 0x0100), "BitsAllocated")?;
        Ok(Header {
            width: required(Tag(0x0028, 0x0011), "Columns")?,
            height: required(Tag(0x0028, 0x0010), "Rows")?,
            channels,
            frames: number(Tag(0x0028, 0x0008)).unwrap_or(1).max(1),
            bits_allocated,
            bits_stored: number(Tag(0x0028, 0x0101)).unwrap_or(bits_allocated),
            signed: number(Tag(0x0028, 0x0103)) == Some(1),
            photometric: file
                .get(Tag(0x0028, 0x0004))
                .and_then(|e| e.to_str().ok())
                .map(|v| v.trim_end_matches(['\0', ' ']).to_string())
                .unwrap_or_else(|| if channels == 3 { "RGB" } else { "MONOCHROME2" }.to_string()),
        })
    }
}

/// RLE Lossless (PS3.5 annex G) with 32 bits allocated, which dicom-pixeldata does not decode:
/// each frame is one fragment of up to 15 PackBits segments, one per byte of each sample, most
/// significant byte first, a colour's planes one after the other.
fn decode_rle_32(
    file: &FileDicomObject<InMemDicomObject>,
    header: Header,
) -> Result<Pixels, String> {
    let Header {
        width,
        height,
        channels,
        frames,
        signed,
        ..
    } = header;
    let plane = width as usize * height as usize;
    let segments = channels * 4;
    let mut values: Vec<u32> = Vec::with_capacity(plane * channels * frames as usize);
    for (number, fragment) in encapsulated_frames(file, frames)?.iter().enumerate() {
        let word = |at: usize| -> Option<usize> {
            let bytes = fragment.get(at..at + 4)?;
            Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize)
        };
        let bad = || format!("frame {} of the RLE pixel data is damaged", number + 1);
        if word(0).ok_or_else(bad)? != segments {
            return Err(format!(
                "frame {} of the RLE pixel data has {} segments where {channels} sample(s) of \
                 32 bits need {segments}",
                number + 1,
                word(0).unwrap_or(0)
            ));
        }
        let mut planes: Vec<Vec<u8>> = Vec::with_capacity(segments);
        for segment in 0..segments {
            let start = word(4 + 4 * segment).ok_or_else(bad)?;
            let end = match segment + 1 < segments {
                true => word(8 + 4 * segment).ok_or_else(bad)?,
                false => fragment.len(),
            };
            let coded = fragment.get(start..end).ok_or_else(bad)?;
            planes.push(unpack_bits(coded, plane).ok_or_else(bad)?);
        }
        for pixel in 0..plane {
            for channel in 0..channels {
                let bytes = &planes[channel * 4..channel * 4 + 4];
                values.push(
                    bytes
                        .iter()
                        .fold(0u32, |value, plane| value << 8 | u32::from(plane[pixel])),
                );
            }
        }
    }
    let samples = if signed {
        Samples::I32(values.into_iter().map(|v| v as i32).collect())
    } else {
        Samples::U32(values)
    };
    Ok(header.pixels(file, samples, false))
}

/// One PackBits segment, which must give exactly `len` bytes.
fn unpack_bits(coded: &[u8], len: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(len);
    let mut at = 0;
    while out.len() < len && at < coded.len() {
        let n = coded[at] as i8;
        at += 1;
        match n {
            0..=127 => {
                let run = coded.get(at..at + n as usize + 1)?;
                out.extend_from_slice(run);
                at += run.len();
            }
            -127..=-1 => {
                let byte = *coded.get(at)?;
                out.extend(std::iter::repeat_n(byte, 1 + n.unsigned_abs() as usize));
                at += 1;
            }
            -128 => {}
        }
    }
    (out.len() >= len).then(|| {
        out.truncate(len);
        out
    })
}

/// Each frame's compressed bytes. A frame may span several fragments: the basic offset table
/// says where each frame starts; without one, as many fragments as frames are one each, and
/// otherwise a fragment that opens with a start-of-image marker starts a frame.
pub(super) fn encapsulated_frames(
    file: &FileDicomObject<InMemDicomObject>,
    frames: u32,
) -> Result<Vec<Vec<u8>>, String> {
    let Some(Value::PixelSequence(sequence)) = file.get(Tag(0x7FE0, 0x0010)).map(|e| e.value())
    else {
        return Err("the pixel data of a compressed transfer syntax is not encapsulated".into());
    };
    let fragments = sequence.fragments();
    let table = sequence.offset_table();
    let frames = frames as usize;
    let mut starts: Vec<usize> = Vec::new();
    if frames == 1 {
        starts.push(0);
    } else if table.len() == frames {
        let table: std::collections::HashSet<u64> = table.iter().map(|&o| u64::from(o)).collect();
        let mut offset = 0u64;
        for (index, fragment) in fragments.iter().enumerate() {
            if table.contains(&offset) {
                starts.push(index);
            }
            offset += 8 + fragment.len() as u64;
        }
    } else if table.is_empty() && fragments.len() == frames {
        starts.extend(0..frames);
    } else if table.is_empty() {
        starts.extend((0..fragments.len()).filter(|&i| fragments[i].starts_with(&[0xFF, 0xD8])));
    }
    if starts.len() != frames || starts.first() != Some(&0) {
        return Err(format!(
            "{} fragment(s) and an offset table of {} entries cannot be shared out among {frames} \
             frame(s)",
            fragments.len(),
            table.len()
        ));
    }
    starts.push(fragments.len());
    Ok(starts
        .windows(2)
        .map(|pair| fragments[pair[0]..pair[1]].concat())
        .collect())
}

/// 4 GiB of decoded samples, and 200 megapixels a frame: beyond any real acquisition, and a bound
/// on what a header that lies about its size can make the decoder allocate.
const MAX_DECODED_BYTES: u64 = 4 << 30;
const MAX_FRAME_PIXELS: u64 = 200_000_000;

fn refuse_absurd_sizes(file: &FileDicomObject<InMemDicomObject>) -> Result<(), String> {
    let number = |tag: Tag| -> u64 {
        file.get(tag)
            .and_then(|e| e.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(1)
    };
    let pixels = number(Tag(0x0028, 0x0010)) * number(Tag(0x0028, 0x0011));
    let bytes = pixels
        * number(Tag(0x0028, 0x0002))
        * number(Tag(0x0028, 0x0008))
        * number(Tag(0x0028, 0x0100)).div_ceil(8);
    if pixels > MAX_FRAME_PIXELS || bytes > MAX_DECODED_BYTES {
        return Err(format!(
            "the header claims {pixels} pixels a frame and {bytes} bytes of pixels in all, more \
             than any real image"
        ));
    }
    Ok(())
}

/// The values `bits` stored bits can hold.
fn stored_range(bits: u16, signed: bool) -> (f32, f32) {
    let bits = i32::from(bits.clamp(1, 32));
    if signed {
        let half = 2f64.powi(bits - 1);
        (-half as f32, (half - 1.0) as f32)
    } else {
        (0.0, (2f64.powi(bits) - 1.0) as f32)
    }
}

macro_rules! each {
    ($samples:expr, $values:ident => $body:expr) => {
        match $samples {
            Samples::U8($values) => $body,
            Samples::U16($values) => $body,
            Samples::I16($values) => $body,
            Samples::U32($values) => $body,
            Samples::I32($values) => $body,
        }
    };
}

impl Pixels {
    fn frame_len(&self) -> usize {
        self.width as usize * self.height as usize * self.channels
    }

    /// Colour planes one after the other (planar configuration 1) to samples side by side.
    fn interleave(&mut self) {
        let frame = self.frame_len();
        let plane = frame / 3;
        each!(&mut self.samples, values => {
            for chunk in values.chunks_exact_mut(frame) {
                let planar = chunk.to_vec();
                for i in 0..plane {
                    for c in 0..3 {
                        chunk[i * 3 + c] = planar[c * plane + i];
                    }
                }
            }
        });
    }

    /// The frame's samples as numbers, interleaved.
    fn values(&self, frame: u32) -> Vec<f32> {
        let start = frame as usize * self.frame_len();
        each!(&self.samples, values => values[start..start + self.frame_len()]
            .iter()
            .map(|v| v.to_f32())
            .collect())
    }

    /// The frame as a person would see it, 8-bit RGB, for reading text: grey values stretched
    /// between their 0.5th and 99.5th percentiles (text at the brightest values then stays
    /// white whatever the window), MONOCHROME1 inverted, YBR turned into RGB.
    pub fn display(&self, frame: u32) -> RgbImage {
        // 8-bit RGB is shown as stored: a cine's frames are copied, not converted sample by
        // sample through floating point.
        if let Samples::U8(samples) = &self.samples
            && self.channels == 3
            && self.bits_stored == 8
            && self.palette.is_none()
            && !self.photometric.starts_with("YBR")
        {
            let start = frame as usize * self.frame_len();
            if let Some(rgb) = samples.get(start..start + self.frame_len())
                && let Some(image) = RgbImage::from_raw(self.width, self.height, rgb.to_vec())
            {
                return image;
            }
        }
        let values = self.values(frame);
        let (low, high) = if self.channels == 1 && self.palette.is_none() {
            percentiles(&values)
        } else {
            (0.0, 0.0)
        };
        self.shade(&values, low, high)
    }

    /// The frame as a viewer shows it: grey values through `window`, which is in the modality's
    /// units (`stored × slope + intercept`), as headers give it. Colour frames ignore the window.
    pub fn render(&self, frame: u32, window: Window, slope: f32, intercept: f32) -> RgbImage {
        let slope = if slope.is_finite() && slope != 0.0 {
            slope
        } else {
            1.0
        };
        let half = window.width.max(1.0) / 2.0;
        let stored = |modality: f32| (modality - intercept) / slope;
        let (a, b) = (stored(window.center - half), stored(window.center + half));
        self.shade(&self.values(frame), a.min(b), a.max(b))
    }

    /// A window showing the frame's values from their 0.5th to their 99.5th percentile, for
    /// frames whose header names none.
    pub fn percentile_window(&self, frame: u32, slope: f32, intercept: f32) -> Window {
        let (low, high) = percentiles(&self.values(frame));
        let (low, high) = (low * slope + intercept, high * slope + intercept);
        let (low, high) = (low.min(high), low.max(high));
        Window {
            center: (low + high) / 2.0,
            width: (high - low).max(1.0),
        }
    }

    /// Grey values between `low` (black) and `high` (white), MONOCHROME1 inverted; palette
    /// indices through their palette; colour samples scaled to 8 bits, YBR turned into RGB.
    fn shade(&self, values: &[f32], low: f32, high: f32) -> RgbImage {
        let pixels = self.width as usize * self.height as usize;
        let mut rgb = Vec::with_capacity(pixels * 3);
        if let Some(palette) = &self.palette {
            for &value in values {
                rgb.extend_from_slice(&palette.colour(value));
            }
        } else if self.channels == 1 {
            let scale = if high > low {
                255.0 / (high - low)
            } else {
                0.0
            };
            let invert = self.photometric == "MONOCHROME1";
            for value in values {
                let mut grey = ((value - low) * scale).clamp(0.0, 255.0);
                if invert {
                    grey = 255.0 - grey;
                }
                let grey = grey as u8;
                rgb.extend_from_slice(&[grey, grey, grey]);
            }
        } else {
            let max = stored_range(self.bits_stored, false).1.max(1.0);
            let to_byte = |v: f32| (v * 255.0 / max).clamp(0.0, 255.0);
            let ybr = self.photometric.starts_with("YBR");
            for pixel in values.chunks_exact(3) {
                let [a, b, c] = [to_byte(pixel[0]), to_byte(pixel[1]), to_byte(pixel[2])];
                let [r, g, bl] = if ybr {
                    [
                        a + 1.402 * (c - 128.0),
                        a - 0.344_136 * (b - 128.0) - 0.714_136 * (c - 128.0),
                        a + 1.772 * (b - 128.0),
                    ]
                } else {
                    [a, b, c]
                };
                rgb.extend_from_slice(&[
                    r.clamp(0.0, 255.0) as u8,
                    g.clamp(0.0, 255.0) as u8,
                    bl.clamp(0.0, 255.0) as u8,
                ]);
            }
        }
        RgbImage::from_raw(self.width, self.height, rgb).expect("sized to the frame")
    }

    pub fn redact(&mut self, frame: u32, patch: Patch, how: Redaction) {
        let range = if self.bits_allocated == 1 {
            (0.0, 255.0)
        } else {
            stored_range(self.bits_stored, self.signed)
        };
        let length = self.frame_len();
        let start = frame as usize * length;
        let (width, height, channels) = (self.width, self.height, self.channels);
        let indexed = self.palette.is_some();
        each!(&mut self.samples, values => {
            if let Some(samples) = values.get_mut(start..start + length) {
                Plane {
                    samples,
                    width,
                    height,
                    channels,
                    range,
                    alpha: false,
                    indexed,
                    grain: false,
                }
                .redact(patch, how);
            }
        });
    }

    /// Put the pixels into `object` as native data and make every attribute that describes them
    /// true of what is written.
    pub fn write_into(self, object: &mut InMemDicomObject) {
        let us = |tag: Tag, value: u16| DataElement::new(tag, VR::US, PrimitiveValue::from(value));
        let text = |tag: Tag, vr: VR, value: &str| {
            DataElement::new(tag, vr, PrimitiveValue::from(value.to_string()))
        };
        object.put(text(Tag(0x0028, 0x0004), VR::CS, &self.photometric));
        if self.channels == 3 {
            object.put(us(Tag(0x0028, 0x0006), 0));
        }
        if self.lossy_source {
            object.put(text(Tag(0x0028, 0x2110), VR::CS, "01"));
        }
        let pixel_data = Tag(0x7FE0, 0x0010);
        let element = match self.samples {
            Samples::U8(values) if self.bits_allocated == 1 => {
                DataElement::new(pixel_data, VR::OB, PrimitiveValue::from(pack_bits(&values)))
            }
            Samples::U8(mut values) => {
                if values.len() % 2 == 1 {
                    values.push(0);
                }
                DataElement::new(pixel_data, VR::OB, PrimitiveValue::from(values))
            }
            Samples::U16(values) => {
                DataElement::new(pixel_data, VR::OW, PrimitiveValue::U16(values.into()))
            }
            Samples::I16(values) => DataElement::new(
                pixel_data,
                VR::OW,
                PrimitiveValue::U16(values.into_iter().map(|v| v as u16).collect()),
            ),
            Samples::U32(values) => {
                DataElement::new(pixel_data, VR::OL, PrimitiveValue::U32(values.into()))
            }
            Samples::I32(values) => DataElement::new(
                pixel_data,
                VR::OL,
                PrimitiveValue::U32(values.into_iter().map(|v| v as u32).collect()),
            ),
        };
        object.put(element);
    }
}

impl Pixels {
    /// Whether the frames can be written back as RLE Lossless: whole bytes per sample.
    pub fn fits_rle(&self) -> bool {
        self.bits_allocated >= 8 && self.channels * self.bytes_per_sample() <= 15
    }

    fn bytes_per_sample(&self) -> usize {
        match self.samples {
            Samples::U8(_) => 1,
            Samples::U16(_) | Samples::I16(_) => 2,
            Samples::U32(_) | Samples::I32(_) => 4,
        }
    }

    /// One frame as RLE Lossless (PS3.5 annex G): a segment per byte of each sample, most
    /// significant first, a colour's planes one after the other, each segment PackBits-coded
    /// and padded to an even length after a 64-byte header of offsets.
    pub fn rle_frame(&self, frame: u32) -> Vec<u8> {
        let length = self.frame_len();
        let start = frame as usize * length;
        let bytes = self.bytes_per_sample();
        // One arm per sample type: for the 32-bit ones the cast changes nothing.
        #[allow(clippy::unnecessary_cast)]
        let values: Vec<u32> = each!(&self.samples, values => values
            .get(start..start + length)
            .unwrap_or_default()
            .iter()
            .map(|&v| v as u32)
            .collect());
        let mut segments: Vec<Vec<u8>> = Vec::with_capacity(self.channels * bytes);
        for channel in 0..self.channels {
            for byte in 0..bytes {
                let shift = 8 * (bytes - 1 - byte);
                let plane: Vec<u8> = values
                    .iter()
                    .skip(channel)
                    .step_by(self.channels)
                    .map(|v| (v >> shift) as u8)
                    .collect();
                let mut coded = pack_runs(&plane);
                if coded.len() % 2 == 1 {
                    coded.push(0);
                }
                segments.push(coded);
            }
        }
        let mut out = vec![0u8; 64];
        out[..4].copy_from_slice(&(segments.len() as u32).to_le_bytes());
        let mut offset = 64u32;
        for (i, segment) in segments.iter().enumerate() {
            out[4 + 4 * i..8 + 4 * i].copy_from_slice(&offset.to_le_bytes());
            offset += segment.len() as u32;
        }
        for segment in segments {
            out.extend(segment);
        }
        out
    }

    /// A frame's samples as their stored bits (a signed one in two's complement), and how many
    /// bits that is: what the lossless codecs code.
    fn frame_stored_bits(&self, frame: u32) -> (Vec<u16>, u8) {
        let length = self.frame_len();
        let start = frame as usize * length;
        let mask = ((1u32 << self.bits_stored.min(16)) - 1) as u16;
        #[allow(clippy::unnecessary_cast)]
        let values: Vec<u16> = each!(&self.samples, values => values
            .get(start..start + length)
            .unwrap_or_default()
            .iter()
            .map(|&v| v as u16 & mask)
            .collect());
        (values, self.bits_stored.clamp(2, 16) as u8)
    }

    /// Whether the pixels came through a lossy compression: coded again losslessly, they lose
    /// nothing more, but they no longer compress as they did.
    pub fn lossy_source(&self) -> bool {
        self.lossy_source
    }

    /// Whether the frames can be written back as JPEG-LS or JPEG lossless: 2 to 16 bits, grey
    /// or colour.
    pub fn fits_lossless_jpeg(&self) -> bool {
        matches!(
            self.samples,
            Samples::U8(_) | Samples::U16(_) | Samples::I16(_)
        ) && self.bits_allocated >= 8
    }

    /// As [`Pixels::write_into`], but the frames as fragments of the compression they came in:
    /// `original` for those whose pixels did not change (their bytes as they were), coded again
    /// in `coding` for the others, listed in `changed`.
    pub fn write_frames_into(
        self,
        object: &mut InMemDicomObject,
        original: Vec<Vec<u8>>,
        changed: &[u32],
        coding: FrameCoding,
    ) -> Result<(), String> {
        let fragments: Vec<Vec<u8>> = original
            .into_iter()
            .enumerate()
            .map(|(frame, stored)| {
                if !changed.contains(&(frame as u32)) {
                    return Ok(stored);
                }
                let frame = frame as u32;
                let (size, channels) = ((self.width, self.height), self.channels);
                let mut coded = match coding {
                    FrameCoding::Rle => self.rle_frame(frame),
                    // NEAR 0: lossless, also in the near-lossless syntax.
                    FrameCoding::JpegLs => {
                        let (values, precision) = self.frame_stored_bits(frame);
                        super::jpeg_ls::encode_frame(&values, size, channels, precision, 0)?
                    }
                    FrameCoding::JpegLossless => {
                        let (values, precision) = self.frame_stored_bits(frame);
                        super::jpeg_lossless::encode_frame(&values, size, channels, precision)?
                    }
                    FrameCoding::Jpeg2000 { colour_transform } => {
                        let (values, precision) = self.frame_stored_bits(frame);
                        super::jpeg2000::encode_frame(
                            &values,
                            size,
                            channels,
                            precision,
                            self.signed,
                            colour_transform,
                        )?
                    }
                };
                if coded.len() % 2 == 1 {
                    coded.push(0);
                }
                Ok(coded)
            })
            .collect::<Result<_, String>>()?;
        let pixel_data = Tag(0x7FE0, 0x0010);
        let photometric = Tag(0x0028, 0x0004);
        // A JPEG 2000 frame says itself whether it went through the colour transform; the
        // attribute follows what the frames now are, and those kept still are what they were.
        let transformed_photometric = match coding {
            FrameCoding::Jpeg2000 {
                colour_transform: true,
            } if changed.len() < self.frames as usize => object
                .get(photometric)
                .and_then(|element| element.to_str().ok())
                .map(|name| name.trim().to_string()),
            FrameCoding::Jpeg2000 {
                colour_transform: true,
            } => Some("YBR_RCT".to_string()),
            _ => None,
        };
        self.write_into(object);
        if let Some(name) = transformed_photometric {
            object.put(DataElement::new(
                photometric,
                VR::CS,
                PrimitiveValue::from(name),
            ));
        }
        object.put(DataElement::new(
            pixel_data,
            VR::OB,
            Value::PixelSequence(dicom_core::value::PixelFragmentSequence::new(
                Vec::<u32>::new(),
                fragments,
            )),
        ));
        Ok(())
    }
}

/// How frames whose pixels changed are coded again, in the compression they came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameCoding {
    Rle,
    JpegLs,
    JpegLossless,
    /// Reversibly, through the colour transform when the source's frames went through one
    /// (YBR_RCT or YBR_ICT).
    Jpeg2000 {
        colour_transform: bool,
    },
}

/// PackBits: a run of three or more equal bytes as `1 - n` and the byte, anything else copied
/// in pieces of at most 128 after `n - 1`.
fn pack_runs(plane: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(plane.len() / 2 + 2);
    let mut at = 0;
    while at < plane.len() {
        let run = plane[at..]
            .iter()
            .take(128)
            .take_while(|&&b| b == plane[at])
            .count();
        if run >= 3 {
            out.push((1 - run as i32) as u8);
            out.push(plane[at]);
            at += run;
            continue;
        }
        let literal_start = at;
        while at < plane.len() && at - literal_start < 128 {
            let ahead = plane[at..]
                .iter()
                .take(3)
                .take_while(|&&b| b == plane[at])
                .count();
            if ahead >= 3 {
                break;
            }
            at += 1;
        }
        out.push((at - literal_start - 1) as u8);
        out.extend_from_slice(&plane[literal_start..at]);
    }
    out
}

/// 1-bit data back from one byte per sample (0 or 255), least significant bit first, padded to
/// an even length.
fn pack_bits(values: &[u8]) -> Vec<u8> {
    let mut packed: Vec<u8> = values
        .chunks(8)
        .map(|bits| {
            bits.iter()
                .enumerate()
                .fold(0u8, |byte, (i, &v)| byte | (u8::from(v >= 128) << i))
        })
        .collect();
    if packed.len() % 2 == 1 {
        packed.push(0);
    }
    packed
}

/// The 0.5th and 99.5th percentiles, from a sample of at most 65,536 values.
fn percentiles(values: &[f32]) -> (f32, f32) {
    let step = (values.len() / 65_536).max(1);
    let mut sample: Vec<f32> = values.iter().step_by(step).copied().collect();
    if sample.is_empty() {
        return (0.0, 0.0);
    }
    sample.sort_by(f32::total_cmp);
    let at = |fraction: f32| sample[((sample.len() - 1) as f32 * fraction) as usize];
    (at(0.005), at(0.995))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_bit_jpeg_decodes_as_dcmtk_decodes_it() {
        // Nuclear medicine in JPEG Extended, 12 bits, which dicom-pixeldata refuses; one of the
        // two has a scan header written wrong (a spectral range of 0 to 0), which libjpeg and so
        // dcmtk read as a whole scan. Sample for sample dcmtk's result.
        let Some(corpus) = crate::testing::corpus("dicom/pydicom") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        for name in ["JPGExtended.dcm", "JPEG-lossy.dcm"] {
            let input = corpus.join(name);
            let ours =
                decode(&super::super::parse(&std::fs::read(&input).unwrap()).unwrap()).unwrap();
            let reference = dir.path().join(name);
            if !crate::testing::reference("dcmdjpeg", "dcmtk", &input, &reference) {
                return;
            }
            let theirs =
                decode(&super::super::parse(&std::fs::read(&reference).unwrap()).unwrap()).unwrap();
            let (Samples::U16(ours), Samples::U16(theirs)) = (&ours.samples, &theirs.samples)
            else {
                panic!("{name}: not 16-bit samples");
            };
            assert_eq!(ours.len(), theirs.len(), "{name}");
            let differing = ours.iter().zip(theirs).filter(|(a, b)| a != b).count();
            let worst = ours
                .iter()
                .zip(theirs)
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap_or(0);
            println!(
                "{name}: {differing} of {} samples differ, by {worst} at most",
                ours.len()
            );
            assert_eq!(
                differing, 0,
                "{name}: {differing} samples differ, by {worst} at most"
            );
        }
    }

    #[test]
    fn a_twelve_bit_jpeg_is_redacted_in_its_blocks() {
        let Some(corpus) = crate::testing::corpus("dicom/pydicom") else {
            return;
        };
        let bytes = std::fs::read(corpus.join("JPGExtended.dcm")).unwrap();
        let file = super::super::parse(&bytes).unwrap();
        let frame = encapsulated_frames(&file, 1).unwrap().remove(0);
        let area = crate::Region {
            x: 60,
            y: 300,
            width: 90,
            height: 30,
        };
        let patch = crate::pixels::Patch {
            text: area,
            area,
            face: None,
        };
        let redacted =
            crate::pixels::jpeg::redact(&frame, &[patch], crate::Redaction::Fill).unwrap();
        let (before, after) = (
            crate::pixels::jpeg::decode(&frame).unwrap(),
            crate::pixels::jpeg::decode(&redacted.bytes).unwrap(),
        );
        assert_eq!(after.precision, 12);
        let width = before.width;
        let mut inside = Vec::new();
        for (i, (a, b)) in before.samples.iter().zip(&after.samples).enumerate() {
            let (x, y) = (i % width, i / width);
            let touched = (56..152).contains(&x) && (296..336).contains(&y);
            assert!(touched || a == b, "({x}, {y}) changed away from the patch");
            if (64..144).contains(&x) && (304..328).contains(&y) {
                inside.push((*a, *b));
            }
        }
        // The blocks wholly inside the patch are filled with one value; those across its edge
        // also hold what is around it, which quantising them again lets ripple into the patch.
        let spread = |values: Vec<u16>| values.iter().max().unwrap() - values.iter().min().unwrap();
        let (was, now) = (
            spread(inside.iter().map(|p| p.0).collect()),
            spread(inside.iter().map(|p| p.1).collect()),
        );
        println!("spread of the patch: {was} before, {now} after");
        assert!(
            now <= 1 && was > 10,
            "spread of the patch: {was} before, {now} after"
        );
        assert!(redacted.blocks_changed > 0 && redacted.blocks_changed <= 12 * 5);
    }

    #[test]
    fn packbits_written_is_read_back_the_same() {
        let mut plane = Vec::new();
        for (value, count) in [(1u8, 1), (2, 2), (3, 3), (4, 128), (5, 129), (6, 300)] {
            plane.extend(std::iter::repeat_n(value, count));
        }
        plane.extend((0..=255u8).cycle().take(700));
        plane.extend([9, 9, 8, 8, 8, 7]);
        let coded = pack_runs(&plane);
        assert!(coded.len() < plane.len());
        assert_eq!(unpack_bits(&coded, plane.len()), Some(plane));
        assert_eq!(pack_runs(&[]), Vec::<u8>::new());
    }

    #[test]
    fn packbits_runs_copies_and_damage() {
        // A copy of three bytes, a run of four, the no-op, then more than asked for.
        let coded = [2, 10, 20, 30, 0xFD, 7, 0x80, 0, 9, 0xFF, 1];
        assert_eq!(
            unpack_bits(&coded, 8),
            Some(vec![10, 20, 30, 7, 7, 7, 7, 9])
        );
        // Cut short: fewer bytes than the plane needs is damage, not a short picture.
        assert_eq!(unpack_bits(&coded[..6], 8), None);
        assert_eq!(unpack_bits(&[5, 1, 2], 6), None);
    }

    #[test]
    fn a_segmented_palette_expands_runs_ramps_and_copies() {
        // Three entries, a ramp to 50 in two steps, then a copy of the first segment.
        let data = [0, 3, 10, 20, 30, 1, 2, 50, 2, 1, 0, 0];
        assert_eq!(
            unsegmented(&data, 8),
            Some(vec![10, 20, 30, 40, 50, 10, 20, 30])
        );
        // Short tables end on their last entry; a copy of a copy is refused.
        assert_eq!(unsegmented(&[0, 2, 7, 9], 4), Some(vec![7, 9, 9, 9]));
        assert_eq!(unsegmented(&[0, 1, 5, 2, 1, 3, 0, 2, 1, 0, 0], 4), None);
        // One copy of 65535 ramps of 65535 entries each stops once the table is full.
        let mut hostile = vec![0, 1, 0, 2, 65535, 7, 0];
        for _ in 0..65535 {
            hostile.extend([1, 65535, 9]);
        }
        assert_eq!(unsegmented(&hostile, 256).map(|t| t.len()), Some(256));
    }

    #[test]
    fn bits_pack_back_as_they_were_read() {
        let bytes = [0b1010_0001u8, 0b0000_1111];
        let expanded: Vec<u8> = bytes
            .iter()
            .flat_map(|&byte| (0..8).map(move |bit| ((byte >> bit) & 1) * 255))
            .collect();
        assert_eq!(pack_bits(&expanded), bytes);
    }

    #[test]
    fn ranges_of_stored_bits() {
        assert_eq!(stored_range(12, false), (0.0, 4095.0));
        assert_eq!(stored_range(16, true), (-32768.0, 32767.0));
        assert_eq!(stored_range(8, false), (0.0, 255.0));
    }
}
