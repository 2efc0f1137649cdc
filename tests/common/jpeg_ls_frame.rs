//! JPEG-LS frames as DICOM stores them, coded with `pure_jpegls`: for the fixture generator
//! (`examples/make_burned_in.rs` includes this file) and the tests, which must code the same way.

/// A JPEG-LS frame of `components` interleaved components, coded one component per scan
/// (interleave mode none): `pure_jpegls` codes a single component, so each is coded on its own
/// and its scan moved, with its own identifier, into a frame that declares them all.
pub fn encode(
    samples: &[u16],
    (width, height): (u32, u32),
    components: usize,
    precision: u8,
    near: u8,
) -> Vec<u8> {
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
        jpegls::encode_with_options(&plane, width, height, &options, &mut single)
            .expect("JPEG-LS encoding");
        // SOI, SOF55 of one component (13 bytes), SOS of one component (10), the scan, EOI.
        assert_eq!(single[2..4], [0xFF, 0xF7], "pure_jpegls writes SOF55 first");
        assert_eq!(single[15..17], [0xFF, 0xDA], "then the scan header");
        assert_eq!(
            single[single.len() - 2..],
            [0xFF, 0xD9],
            "and ends the image"
        );
        frame.extend([0xFF, 0xDA, 0, 8, 1, component as u8 + 1, 0, near, 0, 0]);
        frame.extend(&single[25..single.len() - 2]);
    }
    frame.extend([0xFF, 0xD9]);
    frame
}

/// The start of an image and the frame header (SOF55) declaring `components` components with
/// identifiers 1 to `components`, as every test stream begins.
pub fn start_of_frame((width, height): (u32, u32), components: usize, precision: u8) -> Vec<u8> {
    let mut frame = vec![0xFF, 0xD8, 0xFF, 0xF7];
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
