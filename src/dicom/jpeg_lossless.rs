//! JPEG lossless (ITU-T T.81 process 14, first-order prediction), written so that a redacted
//! frame of a JPEG Lossless file goes back into the file in its own syntax instead of swelling
//! it uncompressed. Decoding is dicom-pixeldata's; this is only the writer.

use crate::pixels::jpeg::{BitWriter, Table};

/// JPEG Lossless, Non-Hierarchical (process 14), with any predictor or with predictor 1.
pub const TRANSFER_SYNTAXES: [&str; 2] = ["1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"];

/// The magnitude category of a prediction difference, and its extra bits (T.81 H.1.2.2).
fn category(difference: i32) -> (u8, u32) {
    if difference == 0 {
        return (0, 0);
    }
    if difference == -32768 {
        return (16, 0);
    }
    let size = (32 - difference.unsigned_abs().leading_zeros()) as u8;
    let bits = if difference < 0 {
        difference - 1
    } else {
        difference
    };
    (size, bits as u32 & ((1u32 << size) - 1))
}

/// One frame of `components` samples a pixel, interleaved, coded with predictor 1 (the sample
/// to the left; above for the first of a line) and one Huffman table made for it.
pub fn encode_frame(
    samples: &[u16],
    (width, height): (u32, u32),
    components: usize,
    precision: u8,
) -> Result<Vec<u8>, String> {
    let (w, h) = (width as usize, height as usize);
    if samples.len() != w * h * components || !(2..=16).contains(&precision) || w == 0 || h == 0 {
        return Err("the samples are not those of the frame".into());
    }
    let mask = ((1u32 << precision) - 1) as u16;
    let start = 1i32 << (precision - 1);
    // Differences are taken modulo 2^16, as the decoder adds them back (T.81 H.1.2.1).
    let difference = |at: usize| -> i32 {
        let pixel = at / components;
        let prediction = match (pixel % w, pixel / w) {
            (0, 0) => start,
            (0, _) => i32::from(samples[at - w * components] & mask),
            _ => i32::from(samples[at - components] & mask),
        };
        (i32::from(samples[at] & mask) - prediction) as i16 as i32
    };
    let mut counts = [0u32; 256];
    for at in 0..samples.len() {
        counts[usize::from(category(difference(at)).0)] += 1;
    }
    let table = Table::optimal(&counts)?;
    let mut writer = BitWriter::default();
    for at in 0..samples.len() {
        let (size, bits) = category(difference(at));
        let (code, length) = table.code(size);
        writer.put(u32::from(code), length);
        if size > 0 && size < 16 {
            writer.put(bits, size);
        }
    }
    writer.align();

    let mut out = vec![0xFF, 0xD8];
    let segment = |out: &mut Vec<u8>, marker: u8, content: &[u8]| {
        out.extend([0xFF, marker]);
        out.extend(((content.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(content);
    };
    let mut frame = vec![precision];
    frame.extend((height as u16).to_be_bytes());
    frame.extend((width as u16).to_be_bytes());
    frame.push(components as u8);
    for id in 1..=components as u8 {
        frame.extend([id, 0x11, 0]);
    }
    segment(&mut out, 0xC3, &frame);
    let mut tables = vec![0x00];
    tables.extend(table.specification());
    segment(&mut out, 0xC4, &tables);
    let mut scan = vec![components as u8];
    for id in 1..=components as u8 {
        scan.extend([id, 0x00]);
    }
    scan.extend([1, 0, 0]);
    segment(&mut out, 0xDA, &scan);
    out.extend(writer.out);
    out.extend([0xFF, 0xD9]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(width: usize, height: usize, components: usize, precision: u8) -> Vec<u16> {
        let top = (1u32 << precision) - 1;
        (0..width * height * components)
            .map(|i| {
                let (pixel, c) = (i / components, i % components);
                let (x, y) = (pixel % width, pixel / width);
                let value = (x * 37 + y * 11 + c * 50) as u32 ^ ((x * y) as u32 >> 3);
                (value * 97 % (top + 1)) as u16
            })
            .collect()
    }

    #[test]
    fn frames_decode_to_the_very_samples_coded() {
        for (width, height, components, precision) in [
            (37, 21, 1, 8),
            (16, 9, 1, 16),
            (23, 17, 3, 8),
            (40, 30, 1, 12),
            (1, 1, 1, 8),
        ] {
            let samples = picture(width, height, components, precision);
            let stream = encode_frame(
                &samples,
                (width as u32, height as u32),
                components,
                precision,
            )
            .unwrap();
            let mut decoder = jpeg_decoder::Decoder::new(std::io::Cursor::new(&stream));
            let decoded = decoder.decode().expect("jpeg-decoder reads it");
            let info = decoder.info().unwrap();
            assert_eq!((info.width as usize, info.height as usize), (width, height));
            // jpeg-decoder gives samples of more than 8 bits little end first.
            let values: Vec<u16> = if precision > 8 {
                decoded
                    .chunks_exact(2)
                    .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                    .collect()
            } else {
                decoded.iter().map(|&v| u16::from(v)).collect()
            };
            assert!(
                values == samples,
                "{width}×{height}×{components} at {precision} bits"
            );
        }
    }
}
