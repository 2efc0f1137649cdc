//! JPEG-LS (ITU-T T.87) frames read in pure Rust, so that a machine without a C++ toolchain
//! still reads ultrasound and secondary captures compressed this way for burned-in text.
//!
//! The codec, `pure_jpegls`, reads a stream of one component. A frame is therefore taken apart
//! here into its scans: a scan of one component (every grey image, and colour coded one
//! component at a time, interleave mode "none") is made into a stream of its own for that
//! codec; a scan that codes its components together, by line or by sample (how CharLS-based
//! writers store RGB by default), is decoded by `interleaved`. Both decode exactly, or within
//! NEAR when near-lossless. Palettes, point transforms, restart intervals, the HP colour
//! transforms and a preset MAXVAL below what the precision holds (which CharLS and T.87 code
//! differently) are refused with that reason rather than read wrongly.

use std::panic::{AssertUnwindSafe, catch_unwind};

mod interleaved;

/// JPEG-LS lossless and near-lossless (the second loses up to NEAR per sample).
pub const TRANSFER_SYNTAXES: [&str; 2] = ["1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"];

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const DRI: u8 = 0xDD;
const SOF55: u8 = 0xF7;
const LSE: u8 = 0xF8;

/// A decoded frame, its components interleaved pixel by pixel.
pub struct Frame {
    /// Bits per sample the stream declares (2 to 16).
    pub precision: u8,
    pub samples: Vec<u16>,
}

/// A frame of `components` interleaved components, coded one component per scan (interleave
/// mode none), losslessly when `near` is 0: how a redacted JPEG-LS frame is written again.
/// `pure_jpegls` codes a single component, so each is coded on its own and its scan moved, with
/// its own identifier, into a frame that declares them all.
pub fn encode_frame(
    samples: &[u16],
    (width, height): (u32, u32),
    components: usize,
    precision: u8,
    near: u8,
) -> Result<Vec<u8>, String> {
    if samples.len() != width as usize * height as usize * components {
        return Err("the samples are not those of the frame".into());
    }
    let mut options = jpegls::EncodeOptions::default();
    options.precision = Some(precision);
    options.near = near;
    let mut frame = start_of_frame((width, height), components, precision);
    for component in 0..components {
        let plane: Vec<u16> = samples
            .iter()
            .skip(component)
            .step_by(components)
            .copied()
            .collect();
        let mut single = Vec::new();
        catch_unwind(AssertUnwindSafe(|| {
            jpegls::encode_with_options(&plane, width, height, &options, &mut single)
        }))
        .map_err(|_| "the JPEG-LS encoder failed".to_string())?
        .map_err(|error| format!("the JPEG-LS encoder failed: {error}"))?;
        // SOI, SOF55 of one component (13 bytes), SOS of one component (10), the scan, EOI.
        let shaped = single.len() > 27
            && single[2..4] == [0xFF, SOF55]
            && single[15..17] == [0xFF, SOS]
            && single[single.len() - 2..] == [0xFF, EOI];
        if !shaped {
            return Err("the JPEG-LS encoder wrote an unexpected layout".into());
        }
        frame.extend([0xFF, SOS, 0, 8, 1, component as u8 + 1, 0, near, 0, 0]);
        frame.extend(&single[25..single.len() - 2]);
    }
    frame.extend([0xFF, EOI]);
    Ok(frame)
}

/// The start of an image and the frame header (SOF55) declaring `components` components with
/// identifiers 1 to `components`.
pub fn start_of_frame((width, height): (u32, u32), components: usize, precision: u8) -> Vec<u8> {
    let mut frame = vec![0xFF, SOI, 0xFF, SOF55];
    frame.extend((8 + 3 * components as u16).to_be_bytes());
    frame.push(precision);
    frame.extend((height as u16).to_be_bytes());
    frame.extend((width as u16).to_be_bytes());
    frame.push(components as u8);
    for id in 1..=components as u8 {
        frame.extend([id, 0x11, 0]);
    }
    frame
}

/// One scan of a frame and the components, by their place in the frame, that it codes.
struct Scan<'a> {
    components: Vec<usize>,
    coding: Coding<'a>,
}

enum Coding<'a> {
    /// A scan of one component, made into a stream of its own for `pure_jpegls`.
    Single(Vec<u8>),
    /// Components coded together, with their entropy-coded data.
    Interleaved {
        interleave: interleaved::Interleave,
        parameters: interleaved::Parameters,
        data: &'a [u8],
    },
}

/// The frame in `stream`, which must be of the size the DICOM header gives: that is checked
/// before anything is decoded, so a stream that lies about its size makes nothing large.
pub fn decode_frame(
    stream: &[u8],
    width: u32,
    height: u32,
    components: usize,
) -> Result<Frame, String> {
    let (header, scans) = split(stream)?;
    let declared = (
        u32::from(header.width),
        u32::from(header.height),
        header.components.len(),
    );
    if declared != (width, height, components) {
        return Err(format!(
            "the JPEG-LS stream holds {}×{} pixels of {} component(s) where the header says \
             {width}×{height} of {components}",
            declared.0, declared.1, declared.2
        ));
    }
    let plane = width as usize * height as usize;
    let mut samples = vec![0u16; plane * components];
    for scan in scans {
        match scan.coding {
            Coding::Single(stream) => {
                let values =
                    catch_unwind(AssertUnwindSafe(|| jpegls::decode(&stream, width, height)))
                        .map_err(|_| "the JPEG-LS decoder failed on this stream".to_string())?
                        .map_err(|error| format!("the JPEG-LS stream is damaged: {error}"))?
                        .0;
                if values.len() != plane {
                    return Err("the JPEG-LS decoder returned the wrong number of samples".into());
                }
                for (pixel, value) in values.into_iter().enumerate() {
                    samples[pixel * components + scan.components[0]] = value;
                }
            }
            Coding::Interleaved {
                interleave,
                parameters,
                data,
            } => interleaved::decode(
                data,
                (width as usize, height as usize),
                interleave,
                &parameters,
                &mut samples,
                &scan.components,
            )
            .map_err(|error| format!("the JPEG-LS stream is damaged: {error}"))?,
        }
    }
    Ok(Frame {
        precision: header.precision,
        samples,
    })
}

struct FrameHeader {
    precision: u8,
    height: u16,
    width: u16,
    /// Each component's identifier, in the order samples are interleaved.
    components: Vec<u8>,
}

/// The frame header and its scans, each with the frame's preset parameters (LSE) in force
/// when it began. Every component must be coded by exactly one scan.
fn split(stream: &[u8]) -> Result<(FrameHeader, Vec<Scan<'_>>), String> {
    let damaged = |what: &str| format!("the JPEG-LS stream is damaged: {what}");
    if stream.get(..2) != Some(&[0xFF, SOI]) {
        return Err("the frame is not a JPEG-LS stream (no start-of-image marker)".into());
    }
    let mut at = 2;
    let mut header: Option<FrameHeader> = None;
    let mut presets: Vec<&[u8]> = Vec::new();
    let mut scans: Vec<Scan> = Vec::new();
    loop {
        if stream.get(at) != Some(&0xFF) {
            return Err(damaged("a marker was expected"));
        }
        while stream.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let marker = *stream
            .get(at + 1)
            .ok_or_else(|| damaged("it ends before its end-of-image marker"))?;
        if marker == EOI {
            break;
        }
        let length = stream
            .get(at + 2..at + 4)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .filter(|&length| length >= 2)
            .ok_or_else(|| damaged("a marker segment has no length"))?;
        let segment = stream
            .get(at..at + 2 + length)
            .ok_or_else(|| damaged("a marker segment runs past the end"))?;
        let payload = &segment[4..];
        at += segment.len();
        match marker {
            SOF55 => header = Some(frame_header(payload)?),
            LSE => presets.push(preset(segment)?),
            DRI => return Err("JPEG-LS restart intervals are not supported".into()),
            SOS => {
                let frame = header
                    .as_ref()
                    .ok_or_else(|| damaged("a scan comes before the frame header"))?;
                let end = end_of_scan(stream, at);
                let scan = scan(frame, payload, &presets, &stream[at..end])?;
                let coded = |c: &usize| scans.iter().any(|s| s.components.contains(c));
                if scan.components.iter().any(coded) {
                    return Err(damaged("a component is coded twice"));
                }
                scans.push(scan);
                at = end;
            }
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return Err(
                    "the frame is a JPEG (ISO 10918) stream, not the JPEG-LS its transfer \
                     syntax says"
                        .into(),
                );
            }
            _ => {}
        }
    }
    let header = header.ok_or_else(|| damaged("it has no frame header"))?;
    if scans.iter().map(|s| s.components.len()).sum::<usize>() != header.components.len() {
        return Err(damaged("a component has no scan"));
    }
    Ok((header, scans))
}

fn frame_header(payload: &[u8]) -> Result<FrameHeader, String> {
    let short = || "the JPEG-LS frame header is too short".to_string();
    let [precision, y0, y1, x0, x1, count, rest @ ..] = payload else {
        return Err(short());
    };
    let components = rest
        .chunks_exact(3)
        .take(usize::from(*count))
        .collect::<Vec<_>>();
    if components.len() != usize::from(*count) {
        return Err(short());
    }
    if !(2..=16).contains(precision) {
        return Err(format!(
            "JPEG-LS samples of {precision} bits are outside the 2 to 16 the standard allows"
        ));
    }
    if components.iter().any(|c| c[1] != 0x11) {
        return Err("JPEG-LS colour sampled at less than full rate is not supported".into());
    }
    let header = FrameHeader {
        precision: *precision,
        height: u16::from_be_bytes([*y0, *y1]),
        width: u16::from_be_bytes([*x0, *x1]),
        components: components.iter().map(|c| c[0]).collect(),
    };
    if header.width == 0 || header.height == 0 {
        return Err("the JPEG-LS frame header gives no size".into());
    }
    Ok(header)
}

/// Where the entropy-coded data that starts at `from` ends: at the next marker. Inside the
/// data a 0xFF byte is always followed by a byte below 0x80 (T.87 A.1), so the first 0xFF
/// followed by a higher byte is a marker.
fn end_of_scan(stream: &[u8], from: usize) -> usize {
    stream[from..]
        .windows(2)
        .position(|pair| pair[0] == 0xFF && pair[1] >= 0x80)
        .map_or(stream.len(), |offset| from + offset)
}

/// A preset-parameters (LSE) segment, if of the one kind these scans are read with: the
/// coding parameters (type 1).
fn preset(segment: &[u8]) -> Result<&[u8], String> {
    match segment.get(4) {
        Some(1) => Ok(segment),
        Some(2 | 3) => Err("JPEG-LS mapping tables (palettes) are not supported".into()),
        Some(0x0D) => Err(
            "JPEG-LS colour coded with an HP colour transform is not supported: the \
             transform's inverse is not applied here"
                .into(),
        ),
        Some(kind) => Err(format!(
            "JPEG-LS preset parameters of type {kind} are not supported"
        )),
        None => Err("the JPEG-LS stream is damaged: a preset segment is empty".into()),
    }
}

/// The scan whose header is `payload` and whose entropy-coded data is `data`.
fn scan<'a>(
    frame: &FrameHeader,
    payload: &[u8],
    presets: &[&[u8]],
    data: &'a [u8],
) -> Result<Scan<'a>, String> {
    let [count, rest @ ..] = payload else {
        return Err("the JPEG-LS scan header is empty".into());
    };
    let count = usize::from(*count);
    if count == 0 {
        return Err("a JPEG-LS scan codes no component".into());
    }
    let (Some(pairs), Some([near, interleave, transform, ..])) =
        (rest.get(..2 * count), rest.get(2 * count..))
    else {
        return Err("the JPEG-LS scan header is too short".into());
    };
    if pairs.chunks_exact(2).any(|pair| pair[1] != 0) {
        return Err("JPEG-LS mapping tables (palettes) are not supported".into());
    }
    if *transform != 0 {
        return Err("JPEG-LS point transforms are not supported".into());
    }
    // Checked for every scan, so that both decoders refuse the same presets.
    let parameters = interleaved::Parameters::new(frame.precision, *near, presets)?;
    let ids: Vec<u8> = pairs.iter().step_by(2).copied().collect();
    let mut components = Vec::with_capacity(count);
    for id in &ids {
        let index = frame
            .components
            .iter()
            .position(|c| c == id)
            .ok_or("a JPEG-LS scan names a component the frame does not have")?;
        if components.contains(&index) {
            return Err("the JPEG-LS stream is damaged: a component is coded twice".into());
        }
        components.push(index);
    }
    if count > 1 {
        let interleave = match interleave {
            1 => interleaved::Interleave::Line,
            2 => interleaved::Interleave::Sample,
            _ => {
                return Err(format!(
                    "the JPEG-LS stream is damaged: a scan of {count} components gives no \
                     interleave mode it could be read in ({interleave})"
                ));
            }
        };
        return Ok(Scan {
            components,
            coding: Coding::Interleaved {
                interleave,
                parameters,
                data,
            },
        });
    }
    let id = ids[0];
    let mut stream = vec![0xFF, SOI, 0xFF, SOF55, 0, 11, frame.precision];
    stream.extend(frame.height.to_be_bytes());
    stream.extend(frame.width.to_be_bytes());
    stream.extend([1, id, 0x11, 0]);
    for preset in presets {
        stream.extend_from_slice(preset);
    }
    stream.extend([0xFF, SOS, 0, 8, 1, id, 0, *near, 0, 0]);
    stream.extend_from_slice(data);
    stream.extend([0xFF, EOI]);
    Ok(Scan {
        components,
        coding: Coding::Single(stream),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(samples: &[u16], width: u32, height: u32, precision: u8, near: u8) -> Vec<u8> {
        let mut options = jpegls::EncodeOptions::default();
        options.precision = Some(precision);
        options.near = near;
        let mut out = Vec::new();
        jpegls::encode_with_options(samples, width, height, &options, &mut out).expect("encode");
        out
    }

    #[test]
    fn a_stream_that_is_not_jpeg_ls_is_refused_in_words() {
        let error = decode_frame(&[0xFF, SOI, 0xFF, 0xC0, 0, 4, 8, 0, 0xFF, EOI], 1, 1, 1)
            .err()
            .expect("refused");
        assert!(error.contains("JPEG (ISO 10918)"), "{error}");
        assert!(decode_frame(b"not an image", 1, 1, 1).is_err());
    }

    #[test]
    fn every_truncation_and_flipped_byte_is_an_error_or_a_frame_never_a_panic() {
        let samples: Vec<u16> = (0..32 * 24).map(|i| ((i * 37) % 251) as u16).collect();
        let stream = encoded(&samples, 32, 24, 8, 0);
        for cut in 0..stream.len() {
            assert!(decode_frame(&stream[..cut], 32, 24, 1).is_err());
        }
        for at in 0..stream.len() {
            for flip in [0x01, 0x80, 0xFF] {
                let mut damaged = stream.clone();
                damaged[at] ^= flip;
                if let Ok(frame) = decode_frame(&damaged, 32, 24, 1) {
                    assert_eq!(frame.samples.len(), 32 * 24);
                }
            }
        }
    }
}
