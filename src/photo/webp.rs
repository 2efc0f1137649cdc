//! WebP: a RIFF file of chunks (FourCC, little-endian size, data, a pad byte after odd sizes).
//!
//! A simple file is one VP8 or VP8L chunk; an extended one starts with VP8X, whose flags say
//! which of ICC profile, EXIF and XMP follow. The file is rebuilt from the picture chunks alone,
//! so the RIFF size and the flags are written anew to describe exactly what was kept.

use super::{Collector, Keep, exif, size, text, xmp};
use crate::document::{Category, Done, Error, Format};

const FLAG_ICC: u8 = 0x20;
const FLAG_ALPHA: u8 = 0x10;
const FLAG_EXIF: u8 = 0x08;
const FLAG_ANIMATION: u8 = 0x02;
/// In a VP8L bitstream's fifth byte, the bit that says the picture uses transparency.
const VP8L_ALPHA_USED: u8 = 0x10;

/// An animation frame starts with its position, size, duration and blending, before its chunks.
const FRAME_HEADER: usize = 16;

struct Chunk<'a> {
    fourcc: [u8; 4],
    data: &'a [u8],
}

impl Chunk<'_> {
    fn name(&self) -> String {
        text(&self.fourcc)
    }

    /// Chunks of the picture itself; inside an animation frame only the bitstreams may be.
    fn is_picture(&self, in_frame: bool) -> bool {
        match &self.fourcc {
            b"ALPH" | b"VP8 " | b"VP8L" => true,
            b"ANIM" | b"ANMF" => !in_frame,
            _ => false,
        }
    }
}

struct WebP<'a> {
    chunks: Vec<Chunk<'a>>,
    /// Bytes after the end the RIFF header gives.
    after: usize,
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::malformed(Format::WebP, reason)
}

fn parse(bytes: &[u8]) -> Result<WebP<'_>, Error> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return Err(malformed("it does not start with a WebP header"));
    }
    let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let end = declared.saturating_add(8);
    if end > bytes.len() {
        return Err(malformed(format!(
            "the file is cut off: it should be {end} bytes long but is {}",
            bytes.len()
        )));
    }
    if end < 12 {
        return Err(malformed("its header gives an impossible size"));
    }
    let chunks = read_chunks(&bytes[12..end])?;
    if let Some(position) = chunks.iter().position(|c| &c.fourcc == b"VP8X") {
        if position != 0 {
            return Err(malformed("its extended header (VP8X) is not at the start"));
        }
        if chunks[0].data.len() != 10 {
            return Err(malformed("its extended header (VP8X) has the wrong size"));
        }
    }
    if let Some(anim) = chunks.iter().find(|c| &c.fourcc == b"ANIM")
        && anim.data.len() != 6
    {
        return Err(malformed("its animation header (ANIM) has the wrong size"));
    }
    if !chunks
        .iter()
        .any(|c| matches!(&c.fourcc, b"VP8 " | b"VP8L" | b"ANMF"))
    {
        return Err(malformed("it holds no picture data"));
    }
    Ok(WebP {
        chunks,
        after: bytes.len() - end,
    })
}

/// The chunks of a RIFF body. A missing pad byte after the last chunk is accepted, since many
/// writers leave it out and nothing is lost.
fn read_chunks(body: &[u8]) -> Result<Vec<Chunk<'_>>, Error> {
    let mut chunks = Vec::new();
    let mut pos = 0usize;
    while pos < body.len() {
        let header = body
            .get(pos..pos.saturating_add(8))
            .ok_or_else(|| malformed("the file is cut off inside a chunk header"))?;
        let fourcc = [header[0], header[1], header[2], header[3]];
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let start = pos + 8;
        let data = start
            .checked_add(len)
            .and_then(|end| body.get(start..end))
            .ok_or_else(|| {
                malformed(format!(
                    "the file is cut off inside chunk '{}'",
                    text(&fourcc)
                ))
            })?;
        chunks.push(Chunk { fourcc, data });
        pos = start + len + (len & 1);
    }
    Ok(chunks)
}

/// The chunks inside an animation frame, after its fixed header.
fn frame_chunks<'a>(frame: &Chunk<'a>) -> Result<Vec<Chunk<'a>>, Error> {
    let body = frame
        .data
        .get(FRAME_HEADER..)
        .ok_or_else(|| malformed("an animation frame (ANMF) is too short"))?;
    read_chunks(body)
}

pub(super) fn inspect(bytes: &[u8], found: &mut Collector) -> Result<(), Error> {
    let webp = parse(bytes)?;
    for chunk in &webp.chunks {
        match &chunk.fourcc {
            b"VP8X" => {}
            b"ANMF" => {
                for inner in frame_chunks(chunk)? {
                    if !inner.is_picture(true) {
                        unknown(&inner, "WebP animation frame", found);
                    }
                }
            }
            _ if chunk.is_picture(false) => {}
            b"ICCP" if super::is_icc_profile(chunk.data) => found.add(
                Category::ColourProfile,
                "WebP ICCP",
                "ICC profile",
                size(chunk.data.len()),
                "How the colours are meant to look on screen; it is kept so the picture looks the \
                 same.",
            ),
            b"EXIF" => exif::inspect(exif::payload(chunk.data), "WebP EXIF", found),
            b"XMP " => xmp::inspect(chunk.data, "WebP XMP", found),
            _ => unknown(chunk, "WebP", found),
        }
    }
    if webp.after > 0 {
        found.add(
            Category::Unknown,
            "WebP",
            "data after the end",
            size(webp.after),
            "Hidden data after the end of the picture, which picture viewers do not show but \
             anyone can read.",
        );
    }
    Ok(())
}

fn unknown(chunk: &Chunk<'_>, container: &str, found: &mut Collector) {
    found.add(
        Category::Unknown,
        container,
        format!("chunk '{}'", chunk.name()),
        size(chunk.data.len()),
        "Data in the picture file that this tool cannot show you; it is removed because it could \
         hold personal details.",
    );
}

pub(super) fn strip(bytes: &[u8], keep: Keep, done: &mut Vec<Done>) -> Result<Vec<u8>, Error> {
    let webp = parse(bytes)?;
    // Without an extended header viewers look for no profile and no orientation, so writing
    // either would change how the picture is shown.
    let extended = webp.chunks.first().filter(|c| &c.fourcc == b"VP8X");
    let icc = webp
        .chunks
        .iter()
        .find(|c| &c.fourcc == b"ICCP" && super::is_icc_profile(c.data))
        .filter(|_| keep.colour_profile && extended.is_some());
    let orientation = webp
        .chunks
        .iter()
        .find(|c| &c.fourcc == b"EXIF")
        .filter(|_| keep.orientation && extended.is_some())
        .and_then(|c| exif::orientation_kept(c.data));

    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    if let Some(vp8x) = extended {
        let mut header = [0u8; 10];
        header[0] = vp8x.data[0] & (FLAG_ALPHA | FLAG_ANIMATION);
        if icc.is_some() {
            header[0] |= FLAG_ICC;
        }
        if orientation.is_some() {
            header[0] |= FLAG_EXIF;
        }
        header[4..].copy_from_slice(&vp8x.data[4..10]);
        put(&mut out, b"VP8X", &header)?;
    }
    if let Some(icc) = icc {
        put(&mut out, b"ICCP", icc.data)?;
        done.push(Done::kept("kept ICC colour profile"));
    }
    for chunk in &webp.chunks {
        match &chunk.fourcc {
            b"VP8X" => {}
            b"ANMF" => {
                let inner_chunks = frame_chunks(chunk)?;
                let mut frame = chunk.data[..FRAME_HEADER].to_vec();
                for inner in inner_chunks {
                    if inner.is_picture(true) {
                        put(&mut frame, &inner.fourcc, inner.data)?;
                    } else {
                        done.push(Done::removed(format!(
                            "removed WebP chunk '{}' from an animation frame ({})",
                            inner.name(),
                            size(inner.data.len())
                        )));
                    }
                }
                put(&mut out, b"ANMF", &frame)?;
            }
            _ if chunk.is_picture(false) => put(&mut out, &chunk.fourcc, chunk.data)?,
            b"ICCP" if icc.is_some_and(|kept| std::ptr::eq(kept, chunk)) => {}
            b"ICCP" => done.push(Done::removed(format!(
                "removed ICC colour profile ({})",
                size(chunk.data.len())
            ))),
            b"EXIF" => done.push(Done::removed(format!(
                "removed EXIF metadata ({})",
                size(chunk.data.len())
            ))),
            b"XMP " => done.push(Done::removed(format!(
                "removed XMP metadata ({})",
                size(chunk.data.len())
            ))),
            _ => done.push(Done::removed(format!(
                "removed WebP chunk '{}' ({})",
                chunk.name(),
                size(chunk.data.len())
            ))),
        }
    }
    if let Some((o, payload)) = orientation {
        put(&mut out, b"EXIF", &payload)?;
        done.push(Done::kept(format!(
            "kept orientation only ({})",
            exif::orientation_text(o).unwrap_or_default()
        )));
    }
    if webp.after > 0 {
        done.push(Done::removed(format!(
            "removed {} hidden after the end of the picture",
            size(webp.after)
        )));
    }
    let riff_size = u32::try_from(out.len() - 8).map_err(|_| too_large())?;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    done.push(Done::kept("kept the picture itself byte for byte"));
    Ok(out)
}

/// `encoded`, a WebP the encoder wrote from the picture of `original` as it is stored (its
/// orientation not applied), with the orientation of `original` carried over. Such an
/// orientation is an EXIF payload behind `Exif\0\0`: some viewers turn the picture by it and
/// others (the decoder here among them) do not, so the copy shows the way the original shows in
/// each only if it is stored the same way with the same orientation. Also the orientation
/// carried.
pub(super) fn with_unapplied_orientation(
    encoded: &[u8],
    original: &[u8],
    (width, height): (u32, u32),
) -> Result<(Vec<u8>, Option<u16>), Error> {
    let original = parse(original)?;
    let kept = (original.chunks.first())
        .filter(|c| &c.fourcc == b"VP8X")
        .and_then(|_| original.chunks.iter().find(|c| &c.fourcc == b"EXIF"))
        .and_then(|c| exif::orientation_kept(c.data));
    let Some((orientation, payload)) = kept else {
        return Ok((encoded.to_vec(), None));
    };
    let written = parse(encoded)?;
    let mut out = Vec::with_capacity(encoded.len() + payload.len() + 32);
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    let mut header = [0u8; 10];
    header[0] = FLAG_EXIF;
    if written.chunks.iter().any(|c| {
        &c.fourcc == b"ALPH"
            || (&c.fourcc == b"VP8L" && c.data.get(4).is_some_and(|b| b & VP8L_ALPHA_USED != 0))
    }) {
        header[0] |= FLAG_ALPHA;
    }
    let profile = written.chunks.iter().find(|c| &c.fourcc == b"ICCP");
    if profile.is_some() {
        header[0] |= FLAG_ICC;
    }
    let canvas = |side: u32| side.saturating_sub(1).to_le_bytes();
    header[4..7].copy_from_slice(&canvas(width)[..3]);
    header[7..10].copy_from_slice(&canvas(height)[..3]);
    put(&mut out, b"VP8X", &header)?;
    if let Some(profile) = profile {
        put(&mut out, b"ICCP", profile.data)?;
    }
    for chunk in written.chunks.iter().filter(|c| c.is_picture(false)) {
        put(&mut out, &chunk.fourcc, chunk.data)?;
    }
    put(&mut out, b"EXIF", &payload)?;
    let riff_size = u32::try_from(out.len() - 8).map_err(|_| too_large())?;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    Ok((out, Some(orientation)))
}

fn put(out: &mut Vec<u8>, fourcc: &[u8; 4], data: &[u8]) -> Result<(), Error> {
    let len = u32::try_from(data.len()).map_err(|_| too_large())?;
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(data);
    if len % 2 == 1 {
        out.push(0);
    }
    Ok(())
}

fn too_large() -> Error {
    Error::Refused("the cleaned WebP would be larger than a WebP file can be (4 GB)".into())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use image::AnimationDecoder;
    use image::codecs::webp::{WebPDecoder, WebPEncoder};

    use super::super::Collector;
    use super::*;

    const FLAG_XMP: u8 = 0x04;

    fn keep(orientation: bool, colour_profile: bool) -> Keep {
        Keep {
            orientation,
            colour_profile,
        }
    }

    /// A lossless 3×2 picture with transparency, as the payload of its VP8L chunk (odd-sized,
    /// so padding is tested too).
    fn vp8l() -> Vec<u8> {
        let rgba: Vec<u8> = (0..24u8).map(|i| i.wrapping_mul(37) | 1).collect();
        let mut file = Vec::new();
        WebPEncoder::new_lossless(&mut file)
            .encode(&rgba, 3, 2, image::ExtendedColorType::Rgba8)
            .unwrap();
        let chunks = parse(&file).unwrap().chunks;
        assert_eq!(&chunks[0].fourcc, b"VP8L");
        chunks[0].data.to_vec()
    }

    fn chunk(fourcc: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        put(&mut out, fourcc, data).unwrap();
        out
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body = chunks.concat();
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
        out.extend_from_slice(b"WEBP");
        out.extend(body);
        out
    }

    fn vp8x(flags: u8) -> Vec<u8> {
        chunk(b"VP8X", &[flags, 0, 0, 0, 2, 0, 0, 1, 0, 0])
    }

    fn icc_profile() -> Vec<u8> {
        let mut profile = vec![0u8; 132];
        profile[0..4].copy_from_slice(&132u32.to_be_bytes());
        profile[36..40].copy_from_slice(b"acsp");
        profile
    }

    fn exif_with_orientation(orientation: u16) -> Vec<u8> {
        let mut tiff = b"II*\0\x08\0\0\0\x02\0".to_vec();
        tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]);
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&[0x3B, 0x01, 2, 0, 9, 0, 0, 0]);
        tiff.extend_from_slice(&38u32.to_le_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        tiff.extend_from_slice(b"Jane Doe\0");
        tiff
    }

    const XMP: &[u8] = b"<x:xmpmeta><dc:creator>Jane Doe</dc:creator></x:xmpmeta>";

    /// An extended file with a profile, EXIF, XMP, an unknown chunk and bytes after the end.
    fn loaded() -> Vec<u8> {
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend(exif_with_orientation(6));
        let mut bytes = riff(&[
            vp8x(FLAG_ICC | FLAG_ALPHA | FLAG_EXIF | FLAG_XMP),
            chunk(b"ICCP", &icc_profile()),
            chunk(b"VP8L", &vp8l()),
            chunk(b"EXIF", &exif),
            chunk(b"XMP ", XMP),
            chunk(b"JUNK", b"hello"),
        ]);
        bytes.extend_from_slice(b"trailing secret");
        bytes
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn fourccs(bytes: &[u8]) -> Vec<String> {
        parse(bytes)
            .unwrap()
            .chunks
            .iter()
            .map(Chunk::name)
            .collect()
    }

    fn findings(bytes: &[u8]) -> Vec<crate::document::Finding> {
        let mut found = Collector::default();
        inspect(bytes, &mut found).unwrap();
        found.findings
    }

    fn pixels(bytes: &[u8]) -> Vec<u8> {
        image::load_from_memory_with_format(bytes, image::ImageFormat::WebP)
            .unwrap()
            .into_bytes()
    }

    fn assert_riff_size(bytes: &[u8]) {
        let declared = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
        assert_eq!(declared + 8, bytes.len());
    }

    #[test]
    fn a_picture_written_again_as_stored_keeps_the_orientation_it_was_shown_with() {
        // `loaded` has a prefixed orientation (6) and a profile, EXIF, XMP and junk; the
        // encoder's file is a simple one holding the 3×2 picture with transparency.
        let encoded = riff(&[chunk(b"VP8L", &vp8l())]);
        let (out, kept) = with_unapplied_orientation(&encoded, &loaded(), (3, 2)).unwrap();
        assert_eq!(kept, Some(6));
        assert_eq!(fourccs(&out), ["VP8X", "VP8L", "EXIF"]);
        let chunks = parse(&out).unwrap().chunks;
        assert_eq!(
            chunks[0].data,
            [FLAG_EXIF | FLAG_ALPHA, 0, 0, 0, 2, 0, 0, 1, 0, 0]
        );
        assert_eq!(
            chunks[2].data,
            [&b"Exif\0\0"[..], &exif::orientation_only(6)].concat()
        );
        assert!(!contains(&out, b"Jane Doe"));
        assert_eq!(pixels(&out), pixels(&encoded));
        assert_riff_size(&out);
        // Nothing to carry from a file without an orientation.
        let plain = riff(&[chunk(b"VP8L", &vp8l())]);
        let (same, none) = with_unapplied_orientation(&encoded, &plain, (3, 2)).unwrap();
        assert_eq!((same, none), (encoded, None));
    }

    #[test]
    fn finds_profile_unknown_chunks_and_trailing_data() {
        let mut input = riff(&[
            vp8x(FLAG_ICC),
            chunk(b"ICCP", &icc_profile()),
            chunk(b"VP8L", &vp8l()),
            chunk(b"JUNK", b"hello"),
            chunk(b"ICCP", b"not a profile"),
        ]);
        input.extend_from_slice(b"trailing secret");
        let found: Vec<(Category, String)> = findings(&input)
            .into_iter()
            .map(|f| {
                let field = crate::photo::testing::field(&f).to_string();
                (f.category, field)
            })
            .collect();
        assert_eq!(
            found,
            [
                (Category::ColourProfile, "ICC profile".to_string()),
                (Category::Unknown, "chunk 'JUNK'".to_string()),
                (Category::Unknown, "chunk 'ICCP'".to_string()),
                (Category::Unknown, "data after the end".to_string()),
            ]
        );
    }

    #[test]
    fn strip_keeps_picture_and_profile_with_matching_flags() {
        let input = loaded();
        let mut done = Vec::new();
        let output = strip(&input, keep(false, true), &mut done).unwrap();
        for planted in [&b"Jane Doe"[..], b"xmpmeta", b"Exif", b"hello", b"trailing"] {
            assert!(!contains(&output, planted), "{}", text(planted));
        }
        assert_eq!(fourccs(&output), ["VP8X", "ICCP", "VP8L"]);
        assert_riff_size(&output);
        let chunks = parse(&output).unwrap().chunks;
        assert_eq!(
            chunks[0].data,
            [FLAG_ICC | FLAG_ALPHA, 0, 0, 0, 2, 0, 0, 1, 0, 0]
        );
        assert_eq!(chunks[1].data, icc_profile());
        assert_eq!(chunks[2].data, vp8l());
        assert_eq!(pixels(&output), pixels(&input));
        assert!(findings(&output).iter().all(|f| !f.category.identifies()));
        let said: Vec<&str> = done.iter().map(|d| d.what.as_str()).collect();
        for line in [
            "kept ICC colour profile",
            "removed EXIF metadata (53 bytes)",
            "removed XMP metadata (56 bytes)",
            "removed WebP chunk 'JUNK' (5 bytes)",
            "removed 15 bytes hidden after the end of the picture",
        ] {
            assert!(said.contains(&line), "{line} not in {said:?}");
        }

        let output = strip(&input, keep(false, false), &mut Vec::new()).unwrap();
        assert_eq!(fourccs(&output), ["VP8X", "VP8L"]);
        assert_eq!(parse(&output).unwrap().chunks[0].data[0], FLAG_ALPHA);
        assert_eq!(pixels(&output), pixels(&input));
    }

    #[test]
    fn simple_file_stays_simple() {
        let input = riff(&[
            chunk(b"VP8L", &vp8l()),
            chunk(b"ICCP", &icc_profile()),
            chunk(b"EXIF", &exif_with_orientation(6)),
        ]);
        let output = strip(&input, keep(true, true), &mut Vec::new()).unwrap();
        assert_eq!(output, riff(&[chunk(b"VP8L", &vp8l())]));
    }

    #[test]
    fn missing_last_pad_byte_is_accepted_and_added() {
        let image = vp8l();
        assert_eq!(image.len() % 2, 1);
        let mut input = riff(&[chunk(b"VP8L", &image)]);
        input.pop();
        let declared = input.len() as u32 - 8;
        input[4..8].copy_from_slice(&declared.to_le_bytes());
        let output = strip(&input, keep(true, true), &mut Vec::new()).unwrap();
        assert_eq!(output, riff(&[chunk(b"VP8L", &image)]));
        assert_riff_size(&output);
    }

    fn frame(x: u8, junk: &[u8]) -> Vec<u8> {
        let mut data = vec![x, 0, 0, 0, 0, 0, 2, 0, 0, 1, 0, 0, 100, 0, 0, 0];
        data.extend(chunk(b"VP8L", &vp8l()));
        data.extend(chunk(b"JUNK", junk));
        chunk(b"ANMF", &data)
    }

    fn frames(bytes: &[u8]) -> Vec<Vec<u8>> {
        WebPDecoder::new(Cursor::new(bytes))
            .unwrap()
            .into_frames()
            .collect_frames()
            .unwrap()
            .into_iter()
            .map(|f| f.into_buffer().into_raw())
            .collect()
    }

    #[test]
    fn animation_frames_lose_their_unknown_chunks_only() {
        let input = riff(&[
            chunk(
                b"VP8X",
                &[FLAG_ANIMATION | FLAG_ALPHA, 0, 0, 0, 3, 0, 0, 1, 0, 0],
            ),
            chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]),
            frame(0, b"secret one"),
            frame(0, b"secret two!"),
        ]);
        let found = findings(&input);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|f| f.category == Category::Unknown));
        let output = strip(&input, keep(true, true), &mut Vec::new()).unwrap();
        assert!(!contains(&output, b"secret"));
        assert_riff_size(&output);
        assert_eq!(fourccs(&output), ["VP8X", "ANIM", "ANMF", "ANMF"]);
        let chunks = parse(&output).unwrap().chunks;
        let inner = frame_chunks(&chunks[2]).unwrap();
        assert_eq!(inner.len(), 1);
        assert_eq!(inner[0].data, vp8l());
        assert_eq!(frames(&output), frames(&input));
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
        let mut garbage = b"RIFF\xF0\x0F\0\0WEBP".to_vec();
        garbage.extend((0..4080u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        assert!(inspect(&garbage, &mut Collector::default()).is_err());
        assert!(strip(&garbage, keep(true, true), &mut Vec::new()).is_err());
        let no_picture = riff(&[vp8x(0), chunk(b"JUNK", b"x")]);
        assert!(strip(&no_picture, keep(true, true), &mut Vec::new()).is_err());
        let late_header = riff(&[chunk(b"VP8L", &vp8l()), vp8x(0)]);
        assert!(strip(&late_header, keep(true, true), &mut Vec::new()).is_err());
        let short_frame = riff(&[vp8x(FLAG_ANIMATION), chunk(b"ANMF", &[0; 8])]);
        assert!(inspect(&short_frame, &mut Collector::default()).is_err());
        assert!(strip(&short_frame, keep(true, true), &mut Vec::new()).is_err());
        let message = strip(&input[..100], keep(true, true), &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("damaged WebP file: the file is cut off"),
            "{message}"
        );
    }

    #[test]
    fn flipped_bytes_never_panic() {
        let input = riff(&[
            vp8x(FLAG_ICC),
            chunk(b"ICCP", &icc_profile()),
            chunk(b"ANIM", &[0; 6]),
            frame(0, b"secret"),
            chunk(b"VP8L", &vp8l()),
            chunk(b"JUNK", b"hello"),
        ]);
        for i in 0..input.len() {
            for flip in [0x01, 0x80, 0xFF] {
                let mut bytes = input.clone();
                bytes[i] ^= flip;
                let _ = inspect(&bytes, &mut Collector::default());
                let _ = strip(&bytes, keep(false, true), &mut Vec::new());
            }
        }
    }

    #[test]
    fn orientation_only_exif_is_written_with_its_flag() {
        for prefix in [&b""[..], b"Exif\0\0"] {
            let exif = [prefix, &exif_with_orientation(8)].concat();
            let input = riff(&[
                vp8x(FLAG_EXIF | FLAG_XMP),
                chunk(b"VP8L", &vp8l()),
                chunk(b"EXIF", &exif),
                chunk(b"XMP ", XMP),
            ]);
            let mut done = Vec::new();
            let output = strip(&input, keep(true, true), &mut done).unwrap();
            assert!(!contains(&output, b"Jane Doe"));
            assert_eq!(fourccs(&output), ["VP8X", "VP8L", "EXIF"]);
            assert_riff_size(&output);
            let chunks = parse(&output).unwrap().chunks;
            assert_eq!(chunks[0].data[0], FLAG_EXIF);
            assert_eq!(
                chunks[2].data,
                [prefix, &exif::orientation_only(8)].concat()
            );
            assert!(
                done.iter()
                    .any(|d| d.what == "kept orientation only (rotate 270° clockwise)")
            );
            assert_eq!(pixels(&output), pixels(&input));

            let output = strip(&input, keep(false, true), &mut Vec::new()).unwrap();
            assert_eq!(fourccs(&output), ["VP8X", "VP8L"]);
            assert_eq!(parse(&output).unwrap().chunks[0].data[0], 0);
        }
    }

    #[test]
    fn real_files() {
        for path in crate::photo::testing::corpus("webp") {
            let input = std::fs::read(&path).unwrap();
            let mut found = Collector::default();
            if let Err(error) = inspect(&input, &mut found) {
                assert!(!error.to_string().is_empty());
                println!("{}: {error}", path.display());
                continue;
            }
            let output = strip(&input, keep(true, true), &mut Vec::new()).unwrap();
            let picture = |bytes: &[u8]| -> Vec<Vec<u8>> {
                parse(bytes)
                    .unwrap()
                    .chunks
                    .iter()
                    .filter(|c| c.is_picture(false))
                    .map(|c| c.data.to_vec())
                    .collect()
            };
            assert_eq!(picture(&output), picture(&input), "{}", path.display());
            assert_eq!(pixels(&output), pixels(&input), "{}", path.display());
            assert_riff_size(&output);
            let original = parse(&input).unwrap().chunks.iter().find_map(|c| {
                (&c.fourcc == b"EXIF")
                    .then(|| exif::orientation(exif::payload(c.data)))
                    .flatten()
            });
            let written = parse(&output).unwrap().chunks.iter().find_map(|c| {
                (&c.fourcc == b"EXIF")
                    .then(|| exif::orientation(exif::payload(c.data)))
                    .flatten()
            });
            assert_eq!(written, original.filter(|&o| o != 1), "{}", path.display());
            assert!(
                findings(&output).iter().all(|f| !f.category.identifies()),
                "{}",
                path.display()
            );
        }
    }
}
