//! PNG: a signature and a row of chunks (length, type, data, CRC) ending with IEND.
//!
//! The chunk type says by its case whether a decoder may skip the chunk, which is what makes a
//! whitelist safe here: every chunk needed to show the picture is named in `Chunk::displays` and
//! copied whole, and a critical chunk nobody here knows stops the run, since dropping it would
//! break the picture.

use std::io::Read;

use flate2::read::ZlibDecoder;

use super::{Collector, Keep, exif, shorten, size, text, xmp};
use crate::document::{Category, Done, Error, Format};

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Compressed text is read only this far: enough to show it and to read a metadata profile
/// stored in it, and a small chunk cannot expand into gigabytes of memory.
const TEXT_LIMIT: usize = 1 << 20;

/// Colour profiles are larger than text but still small; a bigger one is not believable.
const ICC_LIMIT: usize = 16 << 20;

const XMP_KEYWORD: &str = "XML:com.adobe.xmp";

struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// Length, type, data and CRC as they are in the file, for copying unchanged.
    whole: &'a [u8],
}

impl Chunk<'_> {
    fn name(&self) -> String {
        text(&self.kind)
    }

    /// Whether the chunk holds the picture or says how to show it, none of which can carry free
    /// text. Each has the size its content needs: one longer than that could carry anything
    /// after its real content, so it is not taken as what it claims to be.
    fn displays(&self) -> bool {
        let len = self.data.len();
        match &self.kind {
            b"IDAT" => true,
            b"fdAT" => len >= 4,
            b"IHDR" => len == 13,
            b"IEND" => len == 0,
            b"PLTE" => (3..=768).contains(&len) && len.is_multiple_of(3),
            b"tRNS" => (1..=256).contains(&len),
            b"bKGD" => matches!(len, 1 | 2 | 6),
            b"sBIT" => (1..=4).contains(&len),
            b"sRGB" => len == 1,
            b"gAMA" | b"cICP" => len == 4,
            b"cLLI" | b"acTL" => len == 8,
            b"pHYs" => len == 9,
            b"mDCV" => len == 24,
            b"fcTL" => len == 26,
            b"cHRM" => len == 32,
            _ => false,
        }
    }
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::malformed(Format::Png, reason)
}

/// The chunks up to and including IEND, and whatever bytes follow it.
fn chunks(bytes: &[u8]) -> Result<(Vec<Chunk<'_>>, &[u8]), Error> {
    if !bytes.starts_with(SIGNATURE) {
        return Err(malformed("it does not start with the PNG signature"));
    }
    let mut list = Vec::new();
    let mut pos = SIGNATURE.len();
    loop {
        let header = bytes
            .get(pos..pos.saturating_add(8))
            .ok_or_else(|| malformed("the file is cut off before the end of the picture"))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let kind = [header[4], header[5], header[6], header[7]];
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(malformed(format!("unreadable chunk at byte {pos}")));
        }
        let name = text(&kind);
        if len > 0x7FFF_FFFF {
            return Err(malformed(format!(
                "chunk '{name}' claims an impossible length"
            )));
        }
        let end = pos
            .checked_add(12)
            .and_then(|n| n.checked_add(len as usize))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| malformed(format!("the file is cut off inside chunk '{name}'")))?;
        let whole = &bytes[pos..end];
        list.push(Chunk {
            kind,
            data: &whole[8..whole.len() - 4],
            whole,
        });
        pos = end;
        if &kind == b"IEND" {
            break;
        }
    }
    match list.first() {
        Some(first) if &first.kind == b"IHDR" && first.data.len() == 13 => {}
        _ => {
            return Err(malformed(
                "it does not begin with a valid image header (IHDR)",
            ));
        }
    }
    if list.iter().filter(|c| &c.kind == b"IHDR").count() > 1 {
        return Err(malformed("it has more than one image header (IHDR)"));
    }
    if !list.iter().any(|c| &c.kind == b"IDAT") {
        return Err(malformed("it holds no image data (IDAT)"));
    }
    for critical in list.iter().filter(|c| c.kind[0].is_ascii_uppercase()) {
        if !matches!(&critical.kind, b"IHDR" | b"PLTE" | b"IDAT" | b"IEND") {
            return Err(Error::Unsupported(format!(
                "this PNG needs the non-standard chunk '{}' to be shown, which cannot be checked \
                 for personal details; save it again as a standard PNG first",
                critical.name()
            )));
        }
        if !critical.displays() {
            return Err(malformed(format!(
                "chunk '{}' has the wrong size",
                critical.name()
            )));
        }
    }
    Ok((list, &bytes[pos..]))
}

pub(super) fn inspect(bytes: &[u8], found: &mut Collector) -> Result<(), Error> {
    let (chunks, after) = chunks(bytes)?;
    for chunk in &chunks {
        match &chunk.kind {
            _ if chunk.displays() => {}
            b"tEXt" | b"zTXt" | b"iTXt" => {
                inspect_text(&chunk.kind, &TextChunk::parse(chunk), found)
            }
            b"eXIf" => exif::inspect(exif::payload(chunk.data), "PNG eXIf", found),
            b"tIME" => found.add(
                Category::Date,
                "PNG tIME",
                "last changed",
                modification_time(chunk.data),
                "When the picture file was last changed, which can tell when the picture was \
                 taken or edited.",
            ),
            b"iCCP" => match IccChunk::parse(chunk.data) {
                Some(icc) => found.add(
                    Category::ColourProfile,
                    "PNG iCCP",
                    "ICC profile",
                    format!("'{}', {}", icc.name, size(icc.profile_len)),
                    "How the colours are meant to look on screen; it is kept so the picture looks \
                     the same.",
                ),
                None => found.add(
                    Category::Unknown,
                    "PNG iCCP",
                    "unreadable colour profile",
                    size(chunk.data.len()),
                    "A colour profile that cannot be read, so it cannot be shown to be harmless; \
                     it is removed.",
                ),
            },
            _ => found.add(
                Category::Unknown,
                "PNG",
                format!("chunk '{}'", chunk.name()),
                size(chunk.data.len()),
                "Data in the picture file that this tool cannot show you; it is removed because \
                 it could hold personal details.",
            ),
        }
    }
    if !after.is_empty() {
        found.add(
            Category::Unknown,
            "PNG",
            "data after the end",
            size(after.len()),
            "Hidden data after the end of the picture, which picture viewers do not show but \
             anyone can read.",
        );
    }
    Ok(())
}

/// How the picture is turned and the chunk that says only that, in the place viewers look
/// first: the eXIf chunk; without one, an image editor's text copy of EXIF (ImageMagick's "Raw
/// profile type exif", which Safari, ImageMagick and Pillow apply); without either, XMP's
/// `tiff:Orientation` (macOS Preview). The kept chunk is of the same kind as the original, so
/// the picture is read the same way.
struct Turn {
    orientation: u16,
    kind: [u8; 4],
    data: Vec<u8>,
}

fn turn(chunks: &[Chunk<'_>]) -> Option<Turn> {
    if let Some(exif) = chunks.iter().find(|c| &c.kind == b"eXIf") {
        let (orientation, data) = exif::orientation_kept(exif.data)?;
        return Some(Turn {
            orientation,
            kind: *b"eXIf",
            data,
        });
    }
    let texts: Vec<TextChunk> = chunks
        .iter()
        .filter(|c| matches!(&c.kind, b"tEXt" | b"zTXt" | b"iTXt"))
        .map(TextChunk::parse)
        .collect();
    let raw_exif = texts.iter().find_map(|t| {
        let name = t.keyword.strip_prefix("Raw profile type ")?;
        if !matches!(name.to_ascii_lowercase().as_str(), "exif" | "app1") {
            return None;
        }
        Some((name, raw_profile(t.text.as_deref()?)?))
    });
    if let Some((name, stored)) = raw_exif {
        let (orientation, data) = exif::orientation_kept(&stored)?;
        let body = [
            format!("Raw profile type {name}\0").as_bytes(),
            &raw_profile_text(name, &data),
        ]
        .concat();
        return Some(Turn {
            orientation,
            kind: *b"tEXt",
            data: body,
        });
    }
    let orientation = texts
        .iter()
        .filter(|t| t.keyword == XMP_KEYWORD)
        .find_map(|t| xmp::orientation(t.text.as_deref()?))?;
    Some(Turn {
        orientation,
        kind: *b"iTXt",
        data: [
            format!("{XMP_KEYWORD}\0\0\0\0\0").as_bytes(),
            &xmp::orientation_only(orientation),
        ]
        .concat(),
    })
}

/// How a viewer turns the picture when the eXIf chunk, which decoders apply, does not say.
pub(super) fn turn_besides_exif(bytes: &[u8]) -> Option<u16> {
    let (chunks, _) = chunks(bytes).ok()?;
    turn(&chunks)
        .filter(|turn| &turn.kind != b"eXIf")
        .map(|turn| turn.orientation)
}

/// Chunks that say how to show the colours and at what size, whatever the pixels' layout: a
/// picture saved again after a blur keeps them so that it looks the same on screen and prints
/// at the same size. (`sBIT`, `bKGD` and `tRNS` describe samples the encoder may have laid out
/// differently, and are not carried.)
const SHOWN_THE_SAME: [&[u8; 4]; 7] = [
    b"gAMA", b"cHRM", b"sRGB", b"cICP", b"mDCV", b"cLLI", b"pHYs",
];

/// `encoded`, a PNG the encoder wrote from the picture of `original` turned upright, with the
/// chunks of `original` that say how to show it ([`SHOWN_THE_SAME`]). A picture turned a quarter
/// has its pixel density's two directions swapped. Also the names of the chunks carried.
pub(super) fn with_display_chunks(
    encoded: &[u8],
    original: &[u8],
) -> Result<(Vec<u8>, Vec<String>), Error> {
    let (originals, _) = chunks(original)?;
    let sideways = turn(&originals).is_some_and(|turn| turn.orientation >= 5);
    let (written, _) = chunks(encoded)?;
    let mut out = Vec::with_capacity(encoded.len() + 128);
    let mut carried = Vec::new();
    out.extend_from_slice(SIGNATURE);
    for chunk in &written {
        if SHOWN_THE_SAME.contains(&&chunk.kind) {
            continue;
        }
        out.extend_from_slice(chunk.whole);
        if &chunk.kind != b"IHDR" {
            continue;
        }
        for kept in originals
            .iter()
            .filter(|c| SHOWN_THE_SAME.contains(&&c.kind) && c.displays())
        {
            carried.push(kept.name());
            match &kept.kind {
                b"pHYs" if sideways => {
                    let d = kept.data;
                    write_chunk(&mut out, b"pHYs", &[&d[4..8], &d[0..4], &d[8..9]].concat());
                }
                _ => out.extend_from_slice(kept.whole),
            }
        }
    }
    Ok((out, carried))
}

pub(super) fn strip(bytes: &[u8], keep: Keep, done: &mut Vec<Done>) -> Result<Vec<u8>, Error> {
    let (chunks, after) = chunks(bytes)?;
    let mut orientation = turn(&chunks).filter(|_| keep.orientation);
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(SIGNATURE);
    let mut icc_kept = false;
    for chunk in &chunks {
        // Viewers read orientation only before the picture starts, so it goes in front of the
        // first frame or image data wherever the original had it.
        if matches!(&chunk.kind, b"IDAT" | b"acTL" | b"fcTL")
            && let Some(turn) = orientation.take()
        {
            write_chunk(&mut out, &turn.kind, &turn.data);
            done.push(Done::kept(format!(
                "kept orientation only ({})",
                exif::orientation_text(turn.orientation).unwrap_or_default()
            )));
        }
        match &chunk.kind {
            _ if chunk.displays() => out.extend_from_slice(chunk.whole),
            b"iCCP" => {
                if keep.colour_profile && !icc_kept && IccChunk::parse(chunk.data).is_some() {
                    out.extend_from_slice(chunk.whole);
                    icc_kept = true;
                    done.push(Done::kept("kept ICC colour profile"));
                } else {
                    done.push(Done::removed(format!(
                        "removed ICC colour profile ({})",
                        size(chunk.data.len())
                    )));
                }
            }
            b"tEXt" | b"zTXt" | b"iTXt" => done.push(Done::removed(format!(
                "removed PNG text chunk '{}'",
                TextChunk::parse(chunk).keyword
            ))),
            b"eXIf" => done.push(Done::removed(format!(
                "removed EXIF metadata ({})",
                size(chunk.data.len())
            ))),
            b"tIME" => done.push(Done::removed("removed the date the file was last changed")),
            _ => done.push(Done::removed(format!(
                "removed PNG chunk '{}' ({})",
                chunk.name(),
                size(chunk.data.len())
            ))),
        }
    }
    if !after.is_empty() {
        done.push(Done::removed(format!(
            "removed {} hidden after the end of the picture",
            size(after.len())
        )));
    }
    done.push(Done::kept("kept the picture itself byte for byte"));
    Ok(out)
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).expect("an orientation-only chunk is tiny");
    out.extend_from_slice(&len.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Up to `limit` bytes of a zlib stream, and whether the stream was read whole, to its end and
/// without error; a damaged stream still yields what could be read of it.
fn inflate(data: &[u8], limit: usize) -> (Vec<u8>, bool) {
    let mut decoder = ZlibDecoder::new(data);
    let mut out = Vec::new();
    let ok = decoder
        .by_ref()
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .is_ok();
    let whole = ok && out.len() <= limit && decoder.total_in() == data.len() as u64;
    out.truncate(limit);
    (out, whole)
}

fn modification_time(data: &[u8]) -> String {
    match data {
        &[y0, y1, month, day, hour, minute, second] => format!(
            "{:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02} UTC",
            u16::from_be_bytes([y0, y1])
        ),
        _ => format!("unreadable ({})", size(data.len())),
    }
}

struct IccChunk {
    name: String,
    profile_len: usize,
}

impl IccChunk {
    /// A profile name, a compression method and a zlib stream that must hold one whole profile.
    fn parse(data: &[u8]) -> Option<IccChunk> {
        let nul = data.iter().position(|&b| b == 0)?;
        let (&method, compressed) = data.get(nul + 1..)?.split_first()?;
        if method != 0 {
            return None;
        }
        let (profile, whole) = inflate(compressed, ICC_LIMIT);
        (whole && super::is_icc_profile(&profile)).then(|| IccChunk {
            name: shorten(&text(&data[..nul])),
            profile_len: profile.len(),
        })
    }
}

struct TextChunk {
    keyword: String,
    /// A translated keyword (iTXt only), itself free text.
    translated: String,
    /// None when the text is compressed and cannot be read at all.
    text: Option<Vec<u8>>,
}

impl TextChunk {
    fn parse(chunk: &Chunk<'_>) -> TextChunk {
        let data = chunk.data;
        let (keyword, rest) = match data.iter().position(|&b| b == 0) {
            Some(nul) => (&data[..nul], &data[nul + 1..]),
            None => (&b""[..], data),
        };
        let mut translated = String::new();
        let body = match &chunk.kind {
            b"zTXt" => match rest.split_first() {
                Some((0, compressed)) => readable(inflate(compressed, TEXT_LIMIT)),
                _ => None,
            },
            b"iTXt" => {
                let mut fields = rest.get(2..).unwrap_or_default().splitn(3, |&b| b == 0);
                let _language = fields.next();
                translated = text(fields.next().unwrap_or_default());
                let body = fields.next().unwrap_or_default();
                match rest.first() {
                    Some(1) => readable(inflate(body, TEXT_LIMIT)),
                    _ => Some(body.to_vec()),
                }
            }
            _ => Some(rest.to_vec()),
        };
        TextChunk {
            keyword: if keyword.is_empty() {
                "(no keyword)".into()
            } else {
                shorten(&text(keyword))
            },
            translated,
            text: body,
        }
    }
}

/// Inflated text, unless the stream gave nothing at all: then it is not text but damage.
fn readable((text, whole): (Vec<u8>, bool)) -> Option<Vec<u8>> {
    (whole || !text.is_empty()).then_some(text)
}

fn inspect_text(kind: &[u8; 4], chunk: &TextChunk, found: &mut Collector) {
    let container = format!("PNG {}", text(kind));
    let Some(body) = &chunk.text else {
        found.add(
            Category::Text,
            &container,
            &chunk.keyword,
            "compressed text that cannot be read",
            "Text saved in the picture file that cannot be read, so it cannot be shown to be \
             harmless; it is removed.",
        );
        return;
    };
    if chunk.keyword == XMP_KEYWORD {
        xmp::inspect(body, "PNG XMP", found);
        return;
    }
    // Image editors keep binary metadata in text chunks too: ImageMagick as hexadecimal under
    // "Raw profile type …", others as the raw EXIF block, prefix and all.
    let stored = match chunk.keyword.strip_prefix("Raw profile type ") {
        Some(kind) => Some((kind.to_ascii_lowercase(), raw_profile(body))),
        None => body
            .starts_with(b"Exif\0\0")
            .then(|| ("exif".to_string(), Some(body.clone()))),
    };
    if let Some((kind, decoded)) = &stored {
        // The copy `strip` keeps says how the picture is turned and nothing else.
        let orientation_alone = matches!(kind.as_str(), "exif" | "app1")
            && decoded.as_ref().is_some_and(|stored| {
                exif::orientation_kept(stored).is_some_and(|(_, alone)| &alone == stored)
            });
        if orientation_alone && let Some(tiff) = decoded {
            exif::inspect(exif::payload(tiff), "PNG text EXIF", found);
            return;
        }
        found.add(
            Category::Text,
            &container,
            &chunk.keyword,
            format!("{kind} metadata stored as text ({})", size(body.len())),
            "A copy of the picture's metadata saved as text by an image editor; it can hold the \
             date, the camera and where the picture was taken.",
        );
        match (kind.as_str(), decoded) {
            ("exif" | "app1", Some(tiff)) => {
                exif::inspect(exif::payload(tiff), "PNG text EXIF", found)
            }
            ("xmp", Some(packet)) => xmp::inspect(packet, "PNG text XMP", found),
            _ => {}
        }
        return;
    }
    let category = keyword_category(&chunk.keyword);
    let binary = body
        .iter()
        .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'));
    let value = if binary {
        format!("binary data, {}", size(body.len()))
    } else if chunk.translated.is_empty() || chunk.translated.eq_ignore_ascii_case(&chunk.keyword) {
        text(body)
    } else {
        format!("{}: {}", chunk.translated, text(body))
    };
    found.add(
        category,
        &container,
        &chunk.keyword,
        value,
        explain(category),
    );
}

fn keyword_category(keyword: &str) -> Category {
    let keyword = keyword.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| keyword.contains(w));
    if has(&["author", "artist", "copyright", "owner", "creator"]) {
        Category::Person
    } else if has(&["date", "time"]) {
        Category::Date
    } else if has(&["software", "source", "make", "model"]) {
        Category::Device
    } else {
        Category::Text
    }
}

fn explain(category: Category) -> &'static str {
    match category {
        Category::Person => {
            "A name saved in the picture file, usually of whoever made or owns the picture."
        }
        Category::Date => {
            "A date saved in the picture file, which can tell when the picture was taken or \
             edited."
        }
        Category::Device => {
            "The program or device that made the picture file, which can help link the picture \
             to you."
        }
        _ => {
            "Text saved in the picture file by a person or a program; it can contain names or \
             other personal details."
        }
    }
}

/// `profile` in ImageMagick's text form, as Pillow reads it back: a blank line, the name, the
/// length right-aligned in eight columns, then hexadecimal digits, 72 to a line.
fn raw_profile_text(name: &str, profile: &[u8]) -> Vec<u8> {
    let mut text = format!("\n{name}\n{:8}\n", profile.len());
    for line in profile.chunks(36) {
        for byte in line {
            text.push_str(&format!("{byte:02x}"));
        }
        text.push('\n');
    }
    text.into_bytes()
}

/// ImageMagick's text form of a binary profile: a blank line, the profile name, its length in
/// bytes, then the bytes as hexadecimal digits spread over lines.
fn raw_profile(body: &[u8]) -> Option<Vec<u8>> {
    let mut words = body
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    let _name = words.next()?;
    let len: usize = std::str::from_utf8(words.next()?).ok()?.parse().ok()?;
    let digits = words.flatten().map(|&b| (b as char).to_digit(16));
    let mut out = Vec::with_capacity(len.min(body.len() / 2));
    let mut high = None;
    for digit in digits {
        let digit = u8::try_from(digit?).ok()?;
        match high.take() {
            None => high = Some(digit),
            Some(h) => out.push(h << 4 | digit),
        }
        if out.len() == len {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::ZlibEncoder;

    use super::super::Collector;
    use super::*;

    const WIDTH: u32 = 3;
    const HEIGHT: u32 = 2;

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        write_chunk(&mut out, kind, data);
        out
    }

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn ihdr() -> Vec<u8> {
        let mut data = Vec::new();
        data.extend_from_slice(&WIDTH.to_be_bytes());
        data.extend_from_slice(&HEIGHT.to_be_bytes());
        data.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(b"IHDR", &data)
    }

    /// The picture as two IDAT chunks, so that keeping a split stream in order is tested too.
    fn idats() -> Vec<Vec<u8>> {
        let mut raw = Vec::new();
        for row in 0..HEIGHT as u8 {
            raw.push(0);
            raw.extend((0..WIDTH as u8 * 3).map(|i| row * 40 + i * 17));
        }
        let stream = deflate(&raw);
        let (a, b) = stream.split_at(stream.len() / 2);
        vec![chunk(b"IDAT", a), chunk(b"IDAT", b)]
    }

    fn png(chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut out = SIGNATURE.to_vec();
        for c in chunks {
            out.extend_from_slice(c);
        }
        out
    }

    fn plain() -> Vec<u8> {
        let mut chunks = vec![ihdr()];
        chunks.extend(idats());
        chunks.push(chunk(b"IEND", b""));
        png(&chunks)
    }

    /// A minimal ICC profile: a 128-byte header with its size and signature, and no tags.
    fn icc_profile() -> Vec<u8> {
        let mut profile = vec![0u8; 132];
        profile[0..4].copy_from_slice(&132u32.to_be_bytes());
        profile[36..40].copy_from_slice(b"acsp");
        profile
    }

    fn iccp() -> Vec<u8> {
        let mut data = b"My profile\0\0".to_vec();
        data.extend(deflate(&icc_profile()));
        chunk(b"iCCP", &data)
    }

    fn keep(orientation: bool, colour_profile: bool) -> Keep {
        Keep {
            orientation,
            colour_profile,
        }
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn findings(bytes: &[u8]) -> Vec<crate::document::Finding> {
        let mut found = Collector::default();
        inspect(bytes, &mut found).unwrap();
        found.findings
    }

    fn pixels(bytes: &[u8]) -> Vec<u8> {
        image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
            .unwrap()
            .into_bytes()
    }

    fn itxt(keyword: &str, compressed: bool, body: &[u8]) -> Vec<u8> {
        let mut data = keyword.as_bytes().to_vec();
        data.extend_from_slice(&[0, u8::from(compressed), 0]);
        data.extend_from_slice(b"en\0Titel\0");
        if compressed {
            data.extend(deflate(body));
        } else {
            data.extend_from_slice(body);
        }
        chunk(b"iTXt", &data)
    }

    /// A PNG with one of each kind of metadata that needs no EXIF or XMP reader.
    fn loaded() -> Vec<u8> {
        let mut ztxt = b"Comment\0\0".to_vec();
        ztxt.extend(deflate(b"secret diagnosis"));
        let mut chunks = vec![
            ihdr(),
            chunk(b"gAMA", &45455u32.to_be_bytes()),
            iccp(),
            chunk(b"tEXt", b"Author\0Jane Doe"),
            chunk(b"zTXt", &ztxt),
            itxt("Title", true, "Ärztin Müller".as_bytes()),
            chunk(b"tIME", &[0x07, 0xE8, 3, 5, 14, 22, 1]),
            chunk(b"prVt", b"private payload"),
            chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]),
        ];
        chunks.extend(idats());
        chunks.push(chunk(b"tEXt", b"Software\0PhoneEditor 2.1"));
        chunks.push(chunk(b"IEND", b""));
        let mut bytes = png(&chunks);
        bytes.extend_from_slice(b"trailing secret");
        bytes
    }

    fn kinds(bytes: &[u8]) -> Vec<String> {
        chunks(bytes).unwrap().0.iter().map(Chunk::name).collect()
    }

    #[test]
    fn finds_text_time_profile_unknown_chunks_and_trailing_data() {
        let found = findings(&loaded());
        let expected = [
            (
                Category::ColourProfile,
                "ICC profile",
                "'My profile', 132 bytes",
            ),
            (Category::Person, "Author", "Jane Doe"),
            (Category::Text, "Comment", "secret diagnosis"),
            (Category::Text, "Title", "Titel: Ärztin Müller"),
            (Category::Date, "last changed", "2024-03-05 14:22:01 UTC"),
            (Category::Unknown, "chunk 'prVt'", "15 bytes"),
            (Category::Device, "Software", "PhoneEditor 2.1"),
            (Category::Unknown, "data after the end", "15 bytes"),
        ];
        crate::photo::testing::assert_findings(&found, &expected);
        assert!(found.iter().all(|f| !f.explanation.is_empty()));
    }

    #[test]
    fn strip_removes_everything_but_the_picture_and_the_profile() {
        let input = loaded();
        let mut done = Vec::new();
        let output = strip(&input, keep(true, true), &mut done).unwrap();
        for planted in [
            &b"Jane Doe"[..],
            b"Author",
            b"Comment",
            b"Title",
            b"tIME",
            b"prVt",
            b"private payload",
            b"PhoneEditor",
            b"trailing secret",
        ] {
            assert!(!contains(&output, planted), "{}", text(planted));
        }
        assert_eq!(
            kinds(&output),
            ["IHDR", "gAMA", "iCCP", "pHYs", "IDAT", "IDAT", "IEND"]
        );
        let expected: Vec<u8> = [&ihdr()[..], &idats().concat()].concat();
        assert!(contains(&output, &expected[..ihdr().len()]));
        assert!(contains(&output, &idats().concat()));
        assert!(contains(&output, &iccp()));
        assert_eq!(pixels(&output), pixels(&input));
        assert!(findings(&output).iter().all(|f| !f.category.identifies()));
        let said: Vec<&str> = done.iter().map(|d| d.what.as_str()).collect();
        for line in [
            "removed PNG text chunk 'Author'",
            "removed PNG text chunk 'Comment'",
            "removed PNG text chunk 'Title'",
            "removed PNG text chunk 'Software'",
            "removed the date the file was last changed",
            "removed PNG chunk 'prVt' (15 bytes)",
            "removed 15 bytes hidden after the end of the picture",
            "kept ICC colour profile",
        ] {
            assert!(said.contains(&line), "{line} not in {said:?}");
        }
    }

    #[test]
    fn profile_goes_when_not_kept_or_unreadable() {
        let mut done = Vec::new();
        let output = strip(&loaded(), keep(false, false), &mut done).unwrap();
        assert!(!kinds(&output).contains(&"iCCP".to_string()));
        assert!(
            done.iter()
                .any(|d| d.what.starts_with("removed ICC colour profile"))
        );

        let mut broken = b"Broken\0\0".to_vec();
        broken.extend_from_slice(b"not zlib at all, maybe a secret");
        let mut chunks = vec![ihdr(), chunk(b"iCCP", &broken)];
        chunks.extend(idats());
        chunks.push(chunk(b"IEND", b""));
        let input = png(&chunks);
        let found = findings(&input);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].category, Category::Unknown);
        let output = strip(&input, keep(true, true), &mut Vec::new()).unwrap();
        assert_eq!(output, plain());
    }

    #[test]
    fn profile_with_data_after_its_stream_is_not_kept() {
        let mut data = b"p\0\0".to_vec();
        data.extend(deflate(&icc_profile()));
        data.extend_from_slice(b"hidden");
        assert!(IccChunk::parse(&data).is_none());
    }

    #[test]
    fn kept_chunk_of_the_wrong_size_is_dropped() {
        let mut chunks = vec![ihdr(), chunk(b"pHYs", b"0123456789 a name hidden in pHYs")];
        chunks.extend(idats());
        chunks.push(chunk(b"IEND", b""));
        let input = png(&chunks);
        assert_eq!(findings(&input)[0].category, Category::Unknown);
        assert_eq!(
            strip(&input, keep(true, true), &mut Vec::new()).unwrap(),
            plain()
        );
    }

    #[test]
    fn clean_file_comes_out_unchanged() {
        let mut done = Vec::new();
        assert_eq!(
            strip(&plain(), keep(true, true), &mut done).unwrap(),
            plain()
        );
        assert!(findings(&plain()).is_empty());
        assert_eq!(done.len(), 1);
    }

    #[test]
    fn compressed_text_is_read_only_so_far() {
        let mut bomb = b"Comment\0\0".to_vec();
        bomb.extend(deflate(&vec![b'a'; 8 << 20]));
        let mut chunks = vec![ihdr(), chunk(b"zTXt", &bomb)];
        chunks.extend(idats());
        chunks.push(chunk(b"IEND", b""));
        let input = png(&chunks);
        let found = findings(&input);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].category, Category::Text);
        assert_eq!(inflate(&bomb[9..], TEXT_LIMIT).0.len(), TEXT_LIMIT);
        assert_eq!(
            strip(&input, keep(true, true), &mut Vec::new()).unwrap(),
            plain()
        );
    }

    #[test]
    fn unreadable_compressed_text_is_still_reported() {
        let mut chunks = vec![ihdr(), chunk(b"zTXt", b"Comment\0\0garbage")];
        chunks.extend(idats());
        chunks.push(chunk(b"IEND", b""));
        let found = findings(&png(&chunks));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, "compressed text that cannot be read");
    }

    #[test]
    fn binary_text_is_described_not_shown() {
        let mut chunks = vec![ihdr(), chunk(b"tEXt", b"Thumb\0\x01\x02\x03secret")];
        chunks.extend(idats());
        chunks.push(chunk(b"IEND", b""));
        let found = findings(&png(&chunks));
        assert_eq!(found[0].value, "binary data, 9 bytes");
    }

    #[test]
    fn keywords_decide_the_category() {
        for (keyword, category) in [
            ("Author", Category::Person),
            ("Artist", Category::Person),
            ("Copyright", Category::Person),
            ("Creation Time", Category::Date),
            ("date:modify", Category::Date),
            ("Software", Category::Device),
            ("Source", Category::Device),
            ("Comment", Category::Text),
            ("Description", Category::Text),
            ("Title", Category::Text),
            ("Warning", Category::Text),
        ] {
            assert_eq!(keyword_category(keyword), category, "{keyword}");
        }
    }

    #[test]
    fn reads_imagemagick_raw_profiles() {
        let body = b"\nexif\n      10\n457869660000\n4d4d002a\n";
        assert_eq!(raw_profile(body).unwrap(), b"Exif\0\0MM\0*");
        assert_eq!(raw_profile(b"\nexif\n   4\n45zz"), None);
        assert_eq!(raw_profile(b"\nexif\n"), None);
    }

    #[test]
    fn crc_matches_the_standard() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn unknown_critical_chunk_is_refused() {
        let mut chunks = vec![ihdr(), chunk(b"CgBI", &[0, 0, 0, 0])];
        chunks.extend(idats());
        chunks.push(chunk(b"IEND", b""));
        let input = png(&chunks);
        assert!(matches!(
            inspect(&input, &mut Collector::default()),
            Err(Error::Unsupported(_))
        ));
        assert!(matches!(
            strip(&input, keep(true, true), &mut Vec::new()),
            Err(Error::Unsupported(_))
        ));
    }

    #[test]
    fn truncated_and_garbage_input_give_errors() {
        let input = loaded();
        let end = input.len() - b"trailing secret".len();
        for len in 0..end {
            let cut = &input[..len];
            assert!(inspect(cut, &mut Collector::default()).is_err(), "{len}");
            assert!(
                strip(cut, keep(true, true), &mut Vec::new()).is_err(),
                "{len}"
            );
        }
        let mut garbage = SIGNATURE.to_vec();
        garbage.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        assert!(inspect(&garbage, &mut Collector::default()).is_err());
        let mut huge = SIGNATURE.to_vec();
        huge.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xF0]);
        huge.extend_from_slice(b"IHDR");
        assert!(strip(&huge, keep(true, true), &mut Vec::new()).is_err());
        let message = inspect(&input[..60], &mut Collector::default())
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("damaged PNG file: the file is cut off"),
            "{message}"
        );
    }

    #[test]
    fn flipped_bytes_never_panic() {
        let input = loaded();
        for i in 0..input.len() {
            for flip in [0x01, 0x80, 0xFF] {
                let mut bytes = input.clone();
                bytes[i] ^= flip;
                let _ = inspect(&bytes, &mut Collector::default());
                let _ = strip(&bytes, keep(false, true), &mut Vec::new());
            }
        }
    }

    fn exif_with_orientation(orientation: u16) -> Vec<u8> {
        let mut tiff = b"MM\0*\0\0\0\x08\0\x02".to_vec();
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&[0x01, 0x3B, 0, 2, 0, 0, 0, 9]);
        tiff.extend_from_slice(&38u32.to_be_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        tiff.extend_from_slice(b"Jane Doe\0");
        tiff
    }

    #[test]
    fn orientation_only_exif_is_written_before_the_picture() {
        let mut rotated = vec![ihdr()];
        rotated.extend(idats());
        rotated.push(chunk(b"eXIf", &exif_with_orientation(6)));
        rotated.push(chunk(b"IEND", b""));
        let input = png(&rotated);
        let mut done = Vec::new();
        let output = strip(&input, keep(true, true), &mut done).unwrap();
        assert!(!contains(&output, b"Jane Doe"));
        assert_eq!(kinds(&output), ["IHDR", "eXIf", "IDAT", "IDAT", "IEND"]);
        let (list, _) = chunks(&output).unwrap();
        assert_eq!(list[1].data, exif::orientation_only(6));
        assert!(
            done.iter()
                .any(|d| d.what == "kept orientation only (rotate 90° clockwise)")
        );
        assert_eq!(pixels(&output), pixels(&input));

        let output = strip(&input, keep(false, true), &mut Vec::new()).unwrap();
        assert_eq!(output, plain());
        let mut upright = vec![ihdr(), chunk(b"eXIf", &exif_with_orientation(1))];
        upright.extend(idats());
        upright.push(chunk(b"IEND", b""));
        assert_eq!(
            strip(&png(&upright), keep(true, true), &mut Vec::new()).unwrap(),
            plain()
        );
    }

    fn turned_by(text_chunk: Vec<u8>) -> Vec<u8> {
        let mut chunks = vec![ihdr(), text_chunk];
        chunks.extend(idats());
        chunks.push(chunk(b"IEND", b""));
        png(&chunks)
    }

    /// The one text chunk of `bytes`, parsed.
    fn only_text(bytes: &[u8]) -> TextChunk {
        let (list, _) = chunks(bytes).unwrap();
        let texts: Vec<&Chunk<'_>> = list
            .iter()
            .filter(|c| matches!(&c.kind, b"tEXt" | b"zTXt" | b"iTXt"))
            .collect();
        assert_eq!(texts.len(), 1, "{:?}", kinds(bytes));
        TextChunk::parse(texts[0])
    }

    #[test]
    fn an_editors_text_copy_of_exif_keeps_its_orientation_alone() {
        let stored = [&b"Exif\0\0"[..], &exif_with_orientation(6)].concat();
        for kind in [b"tEXt", b"zTXt"] {
            let body = raw_profile_text("exif", &stored);
            let data = [&b"Raw profile type exif\0"[..], &body].concat();
            let data = if kind == b"zTXt" {
                [&b"Raw profile type exif\0\0"[..], &deflate(&body)].concat()
            } else {
                data
            };
            let input = turned_by(chunk(kind, &data));
            assert_eq!(turn_besides_exif(&input), Some(6));
            let mut done = Vec::new();
            let output = strip(&input, keep(true, true), &mut done).unwrap();
            assert!(!contains(&output, b"Jane Doe"));
            let kept = only_text(&output);
            assert_eq!(kept.keyword, "Raw profile type exif");
            assert_eq!(
                raw_profile(kept.text.as_deref().unwrap()).unwrap(),
                [&b"Exif\0\0"[..], &exif::orientation_only(6)].concat()
            );
            assert!(findings(&output).iter().all(|f| !f.category.identifies()));
            assert_eq!(turn_besides_exif(&output), Some(6));
            assert_eq!(pixels(&output), pixels(&input));
            // The text search and a re-encoded copy see the picture as the viewers show it.
            let shown = crate::photo::raster::decode(&output, Format::Png).unwrap();
            assert_eq!((shown.image.width(), shown.image.height()), (HEIGHT, WIDTH));
            assert_eq!(
                strip(&input, keep(false, true), &mut Vec::new()).unwrap(),
                plain()
            );
        }
    }

    #[test]
    fn the_text_form_of_a_profile_is_what_pillow_reads() {
        // Pillow takes the lines after the third as hexadecimal; ImageMagick writes the same.
        let text = raw_profile_text("exif", &[0xAB; 40]);
        let text = String::from_utf8(text).unwrap();
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines[..3], ["", "exif", "      40"]);
        assert_eq!(lines[3].len(), 72);
        assert_eq!(lines[4], "abababab");
        assert_eq!(raw_profile(text.as_bytes()).unwrap(), [0xAB; 40]);
    }

    #[test]
    fn xmp_orientation_alone_is_kept_in_a_packet_of_its_own() {
        let packet = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" tiff:Orientation="8"><dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let input = turned_by(itxt(XMP_KEYWORD, false, packet));
        assert_eq!(turn_besides_exif(&input), Some(8));
        let output = strip(&input, keep(true, true), &mut Vec::new()).unwrap();
        assert!(!contains(&output, b"Jane Doe"));
        let kept = only_text(&output);
        assert_eq!(kept.keyword, XMP_KEYWORD);
        assert_eq!(kept.text.unwrap(), xmp::orientation_only(8));
        assert_eq!(turn_besides_exif(&output), Some(8));
        let found = findings(&output);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].category, Category::Orientation);

        // An eXIf chunk decides, even when it says the picture is upright.
        let mut both = vec![ihdr(), chunk(b"eXIf", &exif_with_orientation(1))];
        both.push(itxt(XMP_KEYWORD, false, packet));
        both.extend(idats());
        both.push(chunk(b"IEND", b""));
        let both = png(&both);
        assert_eq!(turn_besides_exif(&both), None);
        assert_eq!(
            strip(&both, keep(true, true), &mut Vec::new()).unwrap(),
            plain()
        );
    }

    #[test]
    fn orientation_keeps_the_original_prefix() {
        let original = [&b"Exif\0\0"[..], &exif_with_orientation(3)].concat();
        let (orientation, payload) = exif::orientation_kept(&original).unwrap();
        assert_eq!(orientation, 3);
        assert_eq!(
            payload,
            [&b"Exif\0\0"[..], &exif::orientation_only(3)].concat()
        );
        assert_eq!(
            exif::orientation_kept(&exif_with_orientation(3)).unwrap().1,
            exif::orientation_only(3)
        );
    }

    /// Every image-data chunk of the input, in order, as it is in the file.
    fn image_data(bytes: &[u8]) -> Vec<Vec<u8>> {
        chunks(bytes)
            .unwrap()
            .0
            .iter()
            .filter(|c| matches!(&c.kind, b"IDAT" | b"fdAT" | b"fcTL" | b"acTL"))
            .map(|c| c.whole.to_vec())
            .collect()
    }

    #[test]
    fn real_files() {
        for path in crate::photo::testing::corpus("png") {
            let input = std::fs::read(&path).unwrap();
            let mut found = Collector::default();
            if let Err(error) = inspect(&input, &mut found) {
                assert!(!error.to_string().is_empty());
                println!("{}: {error}", path.display());
                continue;
            }
            let output = strip(&input, keep(true, true), &mut Vec::new()).unwrap();
            assert_eq!(
                image_data(&output),
                image_data(&input),
                "{}",
                path.display()
            );
            assert_eq!(pixels(&output), pixels(&input), "{}", path.display());
            assert!(
                findings(&output).iter().all(|f| !f.category.identifies()),
                "{}",
                path.display()
            );
        }
    }
}
