//! JPEG-LS read in pure Rust: every frame gives back exactly the samples that were coded, and
//! a DICOM coded so is read for text, redacted and written natively like any other, instead of
//! being reported unreadable.

mod common;

use caviar::dicom::jpeg_ls::decode_frame;
use caviar::{
    Action, Category, DicomOptions, Finding, Key, Location, Plan, Profile, Region, analyze, apply,
    load_bytes,
};
use common::element;
use dicom_core::value::Value;

/// Smooth gradients, noise, flat stretches (which JPEG-LS codes in run mode) and edges, over
/// the whole range of `bits`.
fn picture((width, height): (u32, u32), components: usize, bits: u8) -> Vec<u16> {
    let max = (1u32 << bits) - 1;
    let mut state = 0x2545_f491_u32;
    let mut samples = Vec::new();
    for y in 0..height {
        for x in 0..width {
            for c in 0..components as u32 {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let value = if (10..20).contains(&y) {
                    max / 3
                } else if x < width / 3 {
                    (x * 7 + y * 3 + c * 50) * max
                        / (width * 7 + height * 3 + 50 * components as u32)
                } else if x < 2 * width / 3 {
                    state % (max + 1)
                } else if (x + y) % 9 < 4 {
                    max
                } else {
                    0
                };
                samples.push(value as u16);
            }
        }
    }
    samples
}

#[test]
fn grey_frames_decode_to_exactly_the_samples_coded() {
    let size = (61, 47);
    for bits in [8, 12, 16] {
        let samples = picture(size, 1, bits);
        let frame = decode_frame(
            &caviar::dicom::jpeg_ls::encode_frame(&samples, size, 1, bits, 0).unwrap(),
            61,
            47,
            1,
        )
        .unwrap_or_else(|e| panic!("{bits}-bit: {e}"));
        assert_eq!(frame.precision, bits);
        assert!(frame.samples == samples, "{bits}-bit samples differ");
    }
}

#[test]
fn colour_coded_one_component_at_a_time_decodes_exactly() {
    let size = (40, 33);
    let samples = picture(size, 3, 8);
    let frame = decode_frame(
        &caviar::dicom::jpeg_ls::encode_frame(&samples, size, 3, 8, 0).unwrap(),
        40,
        33,
        3,
    )
    .expect("decodes");
    assert!(frame.samples == samples, "RGB samples differ");
}

#[test]
fn near_lossless_samples_stay_within_near() {
    let size = (40, 33);
    let samples = picture(size, 3, 8);
    let frame = decode_frame(
        &caviar::dicom::jpeg_ls::encode_frame(&samples, size, 3, 8, 3).unwrap(),
        40,
        33,
        3,
    )
    .expect("decodes");
    let worst = samples
        .iter()
        .zip(&frame.samples)
        .map(|(a, b)| a.abs_diff(*b))
        .max();
    assert!(matches!(worst, Some(1..=3)), "worst difference {worst:?}");
}

/// Streams CharLS wrote with the components interleaved, by line and by sample, lossless and
/// near-lossless (scripts/make_jpeg_ls_interleaved.py), each beside CharLS's own decoding.
const CHARLS_STREAMS: [&str; 14] = [
    "charls2_rgb8_line",
    "charls2_rgb8_sample",
    "charls2_rgb8_line_near3",
    "charls2_rgb8_sample_near2",
    "charls2_rgb12_line",
    "charls2_rgb12_sample_near4",
    "charls2_rgb16_sample",
    "charls2_rgb16_line_near7",
    "charls2_rgb8_sample_thresholds",
    "charls2_rgb8_line_near1_reset32",
    "dcmtk_rgb8_line",
    "dcmtk_rgb8_sample",
    "dcmtk_rgb8_sample_near2",
    "dcmtk_rgb12_line_near1",
];

/// The stream `name` of tests/jpeg_ls_charls, and the picture CharLS decoded from it: its size,
/// bits per sample and samples.
fn charls(name: &str) -> (Vec<u8>, (u32, u32), u8, Vec<u16>) {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jpeg_ls_charls");
    let stream = std::fs::read(folder.join(format!("{name}.jls"))).expect("the stream");
    let ppm = std::fs::read(folder.join(format!("{name}.ppm"))).expect("CharLS's decoding");
    // A binary PPM: "P6", width, height and largest value, each followed by one white space.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        let end = at
            + ppm[at..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .expect("header");
        fields.push(
            std::str::from_utf8(&ppm[at..end])
                .expect("ASCII")
                .to_string(),
        );
        at = end + 1;
    }
    assert_eq!(fields[0], "P6");
    let number = |field: &String| field.parse::<u32>().expect("a number");
    let (width, height, top) = (number(&fields[1]), number(&fields[2]), number(&fields[3]));
    let samples: Vec<u16> = if top > 255 {
        ppm[at..]
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect()
    } else {
        ppm[at..].iter().map(|&byte| u16::from(byte)).collect()
    };
    assert_eq!(samples.len(), (width * height * 3) as usize, "{name}.ppm");
    let bits = (u32::BITS - top.leading_zeros()) as u8;
    (stream, (width, height), bits, samples)
}

#[test]
fn colour_interleaved_by_line_or_by_sample_decodes_as_charls_decodes_it() {
    for name in CHARLS_STREAMS {
        let (stream, (width, height), bits, expected) = charls(name);
        let frame =
            decode_frame(&stream, width, height, 3).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(frame.precision, bits, "{name}");
        let first = frame
            .samples
            .iter()
            .zip(&expected)
            .position(|(a, b)| a != b);
        assert_eq!(
            first, None,
            "{name}: first sample that differs from CharLS's"
        );
    }
}

/// The test encoder, given the picture CharLS coded, writes the very stream CharLS wrote: both
/// follow T.87 to the bit, so what the property test below proves holds for CharLS's streams.
#[test]
fn the_test_encoder_writes_the_bytes_charls_writes() {
    // The lossless streams decode to the picture every stream of their precision was made from.
    let sources = [
        (8, "charls2_rgb8_line"),
        (12, "charls2_rgb12_line"),
        (16, "charls2_rgb16_sample"),
    ];
    let mut compared = 0;
    for name in CHARLS_STREAMS {
        if name.ends_with("thresholds") || name.ends_with("reset32") {
            continue; // preset parameters, which the test encoder does not write
        }
        let (mut stream, size, bits, _) = charls(name);
        // dcmtk ends its streams with a fill byte before the end-of-image marker.
        if stream.ends_with(&[0xFF, 0xFF, 0xD9]) {
            stream.remove(stream.len() - 3);
        }
        let source = sources
            .iter()
            .find(|(b, _)| *b == bits)
            .expect("a source")
            .1;
        let (_, _, _, picture) = charls(source);
        let sos = stream
            .windows(2)
            .position(|w| w == [0xFF, 0xDA])
            .expect("a scan");
        let (near, interleave) = (stream[sos + 11], stream[sos + 12]);
        let (ours, _) =
            common::jpeg_ls_interleaved::encode(&picture, size, 3, bits, near, interleave);
        // From the scan header on: CharLS may write the default preset parameters before it.
        let theirs = &stream[sos..];
        let ours = &ours[ours
            .windows(2)
            .position(|w| w == [0xFF, 0xDA])
            .expect("a scan")..];
        let first = ours.iter().zip(theirs).position(|(a, b)| a != b);
        assert_eq!(
            (first, ours.len()),
            (None, theirs.len()),
            "{name}: first byte that differs"
        );
        compared += 1;
    }
    assert_eq!(compared, 12);
}

/// Pictures of every shape, 2 to 4 components, 2 to 16 bits, lossless and near-lossless, coded
/// by the test encoder: each decodes to exactly what the encoder rebuilt, within NEAR of it.
#[test]
fn any_picture_interleaved_by_line_or_by_sample_decodes_to_what_was_coded() {
    for seed in 0..120u32 {
        let size = (1 + seed * 29 % 71, 1 + seed * 13 % 33);
        let components = 2 + (seed % 3) as usize;
        let bits = 2 + (seed % 15) as u8;
        let near = [0, 0, 1, 2, 3, 9][(seed / 2 % 6) as usize].min(((1u16 << bits) - 1) / 2) as u8;
        let interleave = 1 + (seed % 2) as u8;
        let samples = picture(size, components, bits);
        let (stream, rebuilt) =
            common::jpeg_ls_interleaved::encode(&samples, size, components, bits, near, interleave);
        let case = format!(
            "{}×{}, {components} components, {bits} bits, NEAR {near}, ILV {interleave}",
            size.0, size.1
        );
        let frame = decode_frame(&stream, size.0, size.1, components)
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let first = frame.samples.iter().zip(&rebuilt).position(|(a, b)| a != b);
        assert_eq!(first, None, "{case}: first sample that differs");
        let worst = samples
            .iter()
            .zip(&rebuilt)
            .map(|(a, b)| a.abs_diff(*b))
            .max();
        assert!(worst <= Some(u16::from(near)), "{case}: {worst:?} away");
    }
}

#[test]
fn interleaved_colour_damaged_anywhere_is_an_error_or_a_frame_never_a_panic() {
    for name in ["charls2_rgb8_line_near3", "dcmtk_rgb8_sample"] {
        let (stream, (width, height), _, _) = charls(name);
        for cut in 0..stream.len() {
            assert!(
                decode_frame(&stream[..cut], width, height, 3).is_err(),
                "{name} cut at {cut}"
            );
        }
        for at in 0..stream.len() {
            for flip in [0x01, 0x10, 0x80, 0xFF] {
                let mut damaged = stream.clone();
                damaged[at] ^= flip;
                if let Ok(frame) = decode_frame(&damaged, width, height, 3) {
                    assert_eq!(frame.samples.len(), (width * height * 3) as usize);
                }
            }
        }
    }
}

#[test]
fn interleaved_colour_that_cannot_be_read_is_refused_with_the_reason() {
    let (stream, _, _, _) = charls("charls2_rgb8_sample");
    let sos = stream
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("a scan");
    let refused = |stream: &[u8]| decode_frame(stream, 64, 40, 3).err().expect("refused");
    // The HP colour transforms, announced by a preset segment of type 13 before the scan.
    let mut transformed = stream[..sos].to_vec();
    transformed.extend([0xFF, 0xF8, 0, 4, 0x0D, 1]);
    transformed.extend(&stream[sos..]);
    assert!(refused(&transformed).contains("HP colour transform"));
    // Preset parameters (type 1) declaring samples no larger than 200: MAXVAL, T1, T2, T3, RESET.
    let mut limited = stream[..sos].to_vec();
    limited.extend([0xFF, 0xF8, 0, 13, 1, 0, 200, 0, 0, 0, 0, 0, 0, 0, 0]);
    limited.extend(&stream[sos..]);
    assert!(refused(&limited).contains("MAXVAL"));
    // The scan header: count, three (component, table) pairs, NEAR, ILV, point transform.
    let mut palette = stream.clone();
    palette[sos + 6] = 1;
    assert!(refused(&palette).contains("palettes"));
    let mut shifted = stream.clone();
    shifted[sos + 13] = 1;
    assert!(refused(&shifted).contains("point transforms"));
    let mut unknown = stream.clone();
    unknown[sos + 12] = 3;
    assert!(refused(&unknown).contains("interleave mode"));
}

#[test]
fn a_stream_larger_than_the_header_says_is_refused_before_decoding() {
    let samples = picture((64, 64), 1, 8);
    let error = decode_frame(
        &caviar::dicom::jpeg_ls::encode_frame(&samples, (64, 64), 1, 8, 0).unwrap(),
        32,
        32,
        1,
    )
    .err()
    .expect("refused");
    assert!(error.contains("64×64"), "{error}");
}

/// A secondary capture (so text in its pixels is likely) with `frames`, each given as its
/// fragments, after a basic offset table giving where each frame starts. Samples of `bits` bits
/// are stored in whole bytes, as 12 in 16.
fn secondary_capture(
    syntax: &str,
    (width, height): (u32, u32),
    samples_per_pixel: u16,
    bits: u16,
    signed: bool,
    frames: &[Vec<Vec<u8>>],
) -> Vec<u8> {
    let text = |tag: u16, vr: &[u8; 2], value: &str| {
        let mut value = value.as_bytes().to_vec();
        if value.len() % 2 == 1 {
            value.push(if vr == b"UI" { 0 } else { b' ' });
        }
        (tag, *vr, value)
    };
    let us = |tag: u16, value: u16| (tag, *b"US", value.to_le_bytes().to_vec());
    let mut data = vec![element(8, 0x16, b"UI", b"1.2.840.10008.5.1.4.1.1.7\0")];
    data.push(element(8, 0x18, b"UI", b"1.2.3.4.5\0"));
    data.push(element(8, 0x60, b"CS", b"OT"));
    data.push(element(0x10, 0x10, b"PN", b"MOREAU^ANNE "));
    data.push(element(0x10, 0x20, b"LO", b"99887766"));
    let photometric = if samples_per_pixel == 3 {
        "RGB"
    } else {
        "MONOCHROME2"
    };
    let mut image = vec![
        us(2, samples_per_pixel),
        text(4, b"CS", photometric),
        text(8, b"IS", &frames.len().to_string()),
        us(0x10, height as u16),
        us(0x11, width as u16),
        us(0x100, bits.next_multiple_of(8)),
        us(0x101, bits),
        us(0x102, bits - 1),
        us(0x103, u16::from(signed)),
    ];
    if samples_per_pixel == 3 {
        image.insert(2, us(6, 0));
    }
    for (number, vr, value) in image {
        data.push(element(0x28, number, &vr, &value));
    }
    let mut offsets = Vec::new();
    let mut items = Vec::new();
    for fragments in frames {
        offsets.extend((items.len() as u32).to_le_bytes());
        for fragment in fragments {
            let mut fragment = fragment.clone();
            if fragment.len() % 2 == 1 {
                fragment.push(0);
            }
            items.extend([0xFE, 0xFF, 0x00, 0xE0]);
            items.extend((fragment.len() as u32).to_le_bytes());
            items.extend(fragment);
        }
    }
    let mut pixels = vec![
        0xE0, 0x7F, 0x10, 0x00, b'O', b'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
    ];
    pixels.extend([0xFE, 0xFF, 0x00, 0xE0]);
    pixels.extend((offsets.len() as u32).to_le_bytes());
    pixels.extend(offsets);
    pixels.extend(items);
    pixels.extend([0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
    data.push(pixels);
    let mut syntax = syntax.as_bytes().to_vec();
    syntax.push(0);
    common::dicom_file(&syntax, b"1.2.840.10008.5.1.4.1.1.7\0", &data.concat())
}

/// Caviar's output redacted in `region` of `frame`: its transfer syntax, LossyImageCompression
/// and every stored sample, as dicom-pixeldata reads them.
fn redacted(bytes: Vec<u8>, frame: u32, region: Region) -> (String, Option<String>, Vec<i64>) {
    let document = load_bytes(std::path::Path::new("capture.dcm"), bytes).expect("loads");
    let findings = analyze(&document).expect("analysed");
    let unreadable: Vec<&Finding> = findings
        .items
        .iter()
        .filter(|f| f.action == Action::Unresolved)
        .collect();
    assert!(unreadable.is_empty(), "{unreadable:?}");
    let mut plan = Plan::for_dicom(
        &findings,
        Profile::Patient,
        DicomOptions::for_profile(Profile::Patient),
        Key::from_hex(&"22".repeat(32)).expect("a key"),
    );
    // Whatever the OCR makes of these synthetic pictures is left out: only the drawn region
    // goes. Kept, a box beside it would go with it (see `caviar::pixels::cut_by_removed`).
    plan.findings
        .items
        .retain(|finding| !matches!(finding.location, Location::Pixels { .. }));
    plan.findings.items.push(Finding {
        category: Category::Text,
        location: Location::Pixels { frame, region },
        value: String::new(),
        explanation: "a region the user drew".into(),
        confidence: 1.0,
        action: Action::Remove,
    });
    let output = apply(&document, &plan).expect("written");
    let out =
        dicom_object::from_reader(std::io::Cursor::new(&output.bytes[128..])).expect("parses");
    let syntax = out
        .meta()
        .transfer_syntax()
        .trim_end_matches('\0')
        .to_string();
    let lossy = out
        .element_by_name("LossyImageCompression")
        .ok()
        .map(|e| e.to_str().unwrap().trim().to_string());
    // Written as JPEG-LS again: each frame one fragment, decoded as any other input is.
    let number = |name: &str| -> u32 {
        out.element_by_name(name)
            .map_or(0, |e| e.to_str().unwrap().trim().parse().unwrap())
    };
    let (width, height) = (number("Columns"), number("Rows"));
    let (channels, bits) = (number("SamplesPerPixel") as usize, number("BitsStored"));
    let signed = number("PixelRepresentation") == 1;
    let Value::PixelSequence(sequence) = out.element_by_name("PixelData").unwrap().value() else {
        panic!("the pixel data is not encapsulated");
    };
    let samples = sequence
        .fragments()
        .iter()
        .flat_map(|fragment| {
            decode_frame(fragment, width, height, channels)
                .expect("the frame decodes")
                .samples
        })
        .map(|v| {
            if signed {
                let shift = 16 - bits;
                i64::from(((v << shift) as i16) >> shift)
            } else {
                i64::from(v)
            }
        })
        .collect();
    (syntax, lossy, samples)
}

/// Samples outside `region` of `frame`, padded as redaction pads it, are as they were; inside,
/// some changed.
fn only_region_changed(
    before: &[i64],
    after: &[i64],
    (width, height, channels): (u32, u32, usize),
    frame: u32,
    region: Region,
) {
    assert_eq!(before.len(), after.len());
    let region = region.padded(caviar::pixels::margin(region), width, height);
    let frame_len = (width * height) as usize * channels;
    let mut changed_inside = 0;
    for (i, (a, b)) in before.iter().zip(after).enumerate() {
        let (f, at) = (i / frame_len, i % frame_len / channels);
        let (x, y) = ((at % width as usize) as u32, (at / width as usize) as u32);
        let inside = f == frame as usize
            && (region.x..region.right()).contains(&x)
            && (region.y..region.bottom()).contains(&y);
        if inside {
            changed_inside += usize::from(a != b);
        } else {
            assert_eq!(
                a, b,
                "sample {i} (frame {f}, {x},{y}) changed outside the region"
            );
        }
    }
    assert!(changed_inside > 0, "nothing changed inside the region");
}

#[test]
fn a_signed_multiframe_ct_split_over_fragments_is_read_and_written_as_jpeg_ls_again() {
    let size = (48, 40);
    let frames: Vec<Vec<u16>> = (0..3)
        .map(|f| {
            picture(size, 1, 16)
                .into_iter()
                .map(|v| v.wrapping_add(f * 977))
                .collect()
        })
        .collect();
    // The middle frame in three fragments: only the offset table tells where frames start.
    let fragments: Vec<Vec<Vec<u8>>> = frames
        .iter()
        .enumerate()
        .map(|(f, samples)| {
            let stream = caviar::dicom::jpeg_ls::encode_frame(samples, size, 1, 16, 0).unwrap();
            if f == 1 {
                // Fragments are of even length, as DICOM requires.
                let third = (stream.len() / 3) & !1;
                vec![
                    stream[..third].to_vec(),
                    stream[third..2 * third].to_vec(),
                    stream[2 * third..].to_vec(),
                ]
            } else {
                vec![stream]
            }
        })
        .collect();
    let file = secondary_capture("1.2.840.10008.1.2.4.80", size, 1, 16, true, &fragments);
    let region = Region {
        x: 5,
        y: 6,
        width: 20,
        height: 8,
    };
    let (syntax, lossy, after) = redacted(file, 1, region);
    assert_eq!(syntax, "1.2.840.10008.1.2.4.80", "JPEG-LS stays JPEG-LS");
    assert_ne!(
        lossy.as_deref(),
        Some("01"),
        "lossless JPEG-LS lost nothing"
    );
    let before: Vec<i64> = frames
        .concat()
        .into_iter()
        .map(|v| i64::from(v as i16))
        .collect();
    only_region_changed(&before, &after, (48, 40, 1), 1, region);
}

#[test]
fn near_lossless_colour_is_coded_again_losslessly_and_marked_lossy() {
    let size = (40, 33);
    let samples = picture(size, 3, 8);
    let stream = caviar::dicom::jpeg_ls::encode_frame(&samples, size, 3, 8, 2).unwrap();
    let decoded = decode_frame(&stream, 40, 33, 3).expect("decodes").samples;
    let file = secondary_capture("1.2.840.10008.1.2.4.81", size, 3, 8, false, &[vec![stream]]);
    let region = Region {
        x: 2,
        y: 2,
        width: 10,
        height: 10,
    };
    let (syntax, lossy, after) = redacted(file, 0, region);
    assert_eq!(
        syntax, "1.2.840.10008.1.2.4.81",
        "JPEG-LS stays JPEG-LS, coded with NEAR 0"
    );
    assert_eq!(lossy.as_deref(), Some("01"));
    let before: Vec<i64> = decoded.into_iter().map(i64::from).collect();
    only_region_changed(&before, &after, (40, 33, 3), 0, region);
}

#[test]
fn colour_interleaved_by_sample_is_read_redacted_and_written_as_jpeg_ls_again() {
    let (stream, size, _, decoded) = charls("dcmtk_rgb8_sample");
    let file = secondary_capture("1.2.840.10008.1.2.4.80", size, 3, 8, false, &[vec![stream]]);
    let region = Region {
        x: 3,
        y: 2,
        width: 34,
        height: 8,
    };
    let (syntax, lossy, after) = redacted(file, 0, region);
    assert_eq!(syntax, "1.2.840.10008.1.2.4.80", "JPEG-LS stays JPEG-LS");
    assert_ne!(
        lossy.as_deref(),
        Some("01"),
        "lossless JPEG-LS lost nothing"
    );
    let before: Vec<i64> = decoded.into_iter().map(i64::from).collect();
    only_region_changed(&before, &after, (size.0, size.1, 3), 0, region);
}

#[test]
fn twelve_bit_colour_interleaved_by_line_and_by_sample_is_read_in_every_frame() {
    let (line, size, _, first) = charls("charls2_rgb12_line");
    let (sample, _, _, second) = charls("charls2_rgb12_sample_near4");
    let file = secondary_capture(
        "1.2.840.10008.1.2.4.81",
        size,
        3,
        12,
        false,
        &[vec![line], vec![sample]],
    );
    let region = Region {
        x: 30,
        y: 14,
        width: 20,
        height: 10,
    };
    let (syntax, lossy, after) = redacted(file, 1, region);
    assert_eq!(
        syntax, "1.2.840.10008.1.2.4.81",
        "JPEG-LS stays JPEG-LS, coded with NEAR 0"
    );
    assert_eq!(lossy.as_deref(), Some("01"));
    let before: Vec<i64> = [first, second]
        .concat()
        .into_iter()
        .map(i64::from)
        .collect();
    only_region_changed(&before, &after, (size.0, size.1, 3), 1, region);
}
