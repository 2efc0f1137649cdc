//! JPEG-LS scans that code several components together (ITU-T T.87 Annex B), decoded here
//! because `pure_jpegls` follows one component only. CharLS, the codec inside dcmtk, GDCM and
//! most other DICOM toolkits, codes RGB interleaved by sample unless told otherwise, so
//! ultrasound and secondary captures come this way.
//!
//! The coding is that of a single component (T.87 Annex A) with two changes. By line, each
//! component's line is coded in turn: the components share the context statistics but each
//! keeps its own lines and its own run index. By sample, the components of a pixel are coded in
//! turn, all sharing one run index; a run starts only where every component is flat and covers
//! whole pixels, and each sample of the pixel that ends a run is coded as a run interruption of
//! type 0. These are CharLS's rules; the tests hold this decoder to CharLS's decoding.
//!
//! Everything read from the stream is bounded: a count of zeros stops at the code's limit, an
//! error larger than the sample range stops the scan, so damaged data gives an error, never a
//! panic, an overflow or an endless loop.

/// How the components of a scan follow one another (the scan header's ILV).
#[derive(Clone, Copy)]
pub(super) enum Interleave {
    Line,
    Sample,
}

/// The coding parameters of a scan: T.87 A.2.1, with the preset values of an LSE segment of
/// type 1 (C.2.4.1.1) where it gives them.
pub(super) struct Parameters {
    maxval: i32,
    near: i32,
    range: i32,
    /// Bits of an escaped error (qbpp).
    qbpp: u32,
    /// Longest code of a regular sample (LIMIT).
    limit: u32,
    t1: i32,
    t2: i32,
    t3: i32,
    reset: i32,
}

/// Order of the run lengths (T.87 A.7.1.1).
const J: [u32; 32] = [
    0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13,
    14, 15,
];

/// Regular contexts: three gradients of 9 levels, a context and its opposite merged.
const CONTEXTS: usize = 365;

/// Bits needed for values 0 to `value` - 1.
fn bits_for(value: i32) -> u32 {
    u32::BITS - (value.max(1) - 1).leading_zeros()
}

impl Parameters {
    /// The parameters of a scan of `precision`-bit samples coded within `near`, with the last
    /// of `presets` (LSE segments of type 1, whole, marker included) in force.
    ///
    /// A preset MAXVAL below what the precision holds is refused: T.87 derives the range of
    /// errors and the code lengths from it, CharLS (2.4, checked) from the precision alone, and
    /// nothing in the stream tells which of the two wrote it.
    pub(super) fn new(precision: u8, near: u8, presets: &[&[u8]]) -> Result<Self, String> {
        let preset = presets
            .last()
            .map(|segment| {
                let values: Vec<i32> = segment
                    .get(5..15)
                    .ok_or("the JPEG-LS preset parameters are cut short")?
                    .chunks_exact(2)
                    .map(|pair| i32::from(u16::from_be_bytes([pair[0], pair[1]])))
                    .collect();
                Ok::<_, String>(values)
            })
            .transpose()?
            .unwrap_or_else(|| vec![0; 5]);
        let given = |at: usize| Some(preset[at]).filter(|&v| v != 0);
        let maxval = (1i32 << precision) - 1;
        if let Some(declared) = given(0).filter(|&declared| declared != maxval) {
            return Err(format!(
                "JPEG-LS samples of {precision} bits declared to reach only {declared} (a preset \
                 MAXVAL) are not supported: encoders disagree on how such samples are coded"
            ));
        }
        let near = i32::from(near);
        let invalid = |what: &str| format!("the JPEG-LS {what} is outside what T.87 allows");
        if near > (maxval / 2).min(255) {
            return Err(invalid("near-lossless bound (NEAR)"));
        }
        let (d1, d2, d3) = default_thresholds(maxval, near);
        let t1 = given(1).unwrap_or(d1);
        let t2 = given(2).unwrap_or(d2);
        let t3 = given(3).unwrap_or(d3);
        if !(near < t1 && t1 <= t2 && t2 <= t3 && t3 <= maxval) {
            return Err(invalid("context thresholds"));
        }
        let reset = given(4).unwrap_or(64);
        if !(3..=maxval.max(255)).contains(&reset) {
            return Err(invalid("statistics reset (RESET)"));
        }
        let range = if near == 0 {
            maxval + 1
        } else {
            (maxval + 2 * near) / (2 * near + 1) + 1
        };
        let bpp = bits_for(maxval + 1).max(2);
        Ok(Self {
            maxval,
            near,
            range,
            qbpp: bits_for(range),
            limit: 2 * (bpp + bpp.max(8)),
            t1,
            t2,
            t3,
            reset,
        })
    }

    /// One of the nine levels of a local gradient (T.87 A.3.3).
    fn quantize(&self, d: i32) -> i32 {
        if d <= -self.t3 {
            -4
        } else if d <= -self.t2 {
            -3
        } else if d <= -self.t1 {
            -2
        } else if d < -self.near {
            -1
        } else if d <= self.near {
            0
        } else if d < self.t1 {
            1
        } else if d < self.t2 {
            2
        } else if d < self.t3 {
            3
        } else {
            4
        }
    }

    /// The regular context of a sample whose neighbours are `ra` (left), `rb` (above), `rc`
    /// (above left) and `rd` (above right), and the sign that merges it with its opposite.
    /// Context 0 is the flat one, where a single component enters run mode.
    fn context(&self, ra: i32, rb: i32, rc: i32, rd: i32) -> (usize, i32) {
        let q = (self.quantize(rd - rb) * 9 + self.quantize(rb - rc)) * 9 + self.quantize(rc - ra);
        (q.unsigned_abs() as usize, if q < 0 { -1 } else { 1 })
    }

    /// The sample rebuilt from its prediction and its (dequantised) error (T.87 A.4.5, A.5.4).
    fn reconstruct(&self, predicted: i32, error: i32) -> i32 {
        let step = 2 * self.near + 1;
        let mut value = predicted + error * step;
        if value < -self.near {
            value += self.range * step;
        } else if value > self.maxval + self.near {
            value -= self.range * step;
        }
        value.clamp(0, self.maxval)
    }
}

/// The context thresholds T.87 sets for 8-bit lossless samples.
const BASIC_T1: i32 = 3;
const BASIC_T2: i32 = 7;
const BASIC_T3: i32 = 21;

/// T.87 C.2.4.1.1.2: thresholds that scale the defaults for 8-bit samples to `maxval`.
fn default_thresholds(maxval: i32, near: i32) -> (i32, i32, i32) {
    let clamp = |value: i32, low: i32| {
        if value > maxval || value < low {
            low
        } else {
            value
        }
    };
    if maxval >= 128 {
        let factor = (maxval.min(4095) + 128) / 256;
        let t1 = clamp(factor * (BASIC_T1 - 2) + 2 + 3 * near, near + 1);
        let t2 = clamp(factor * (BASIC_T2 - 3) + 3 + 5 * near, t1);
        let t3 = clamp(factor * (BASIC_T3 - 4) + 4 + 7 * near, t2);
        (t1, t2, t3)
    } else {
        let factor = 256 / (maxval + 1);
        let t1 = clamp((BASIC_T1 / factor + 3 * near).max(2), near + 1);
        let t2 = clamp((BASIC_T2 / factor + 5 * near).max(3), t1);
        let t3 = clamp((BASIC_T3 / factor + 7 * near).max(4), t2);
        (t1, t2, t3)
    }
}

/// The entropy-coded bits of a scan. After a 0xFF byte the encoder stuffs a 0 bit, which is
/// dropped here (T.87 A.1).
struct Bits<'a> {
    data: &'a [u8],
    at: usize,
    /// Bits not yet read, from the most significant down.
    cache: u64,
    count: u32,
    after_ff: bool,
}

const TRUNCATED: &str = "the JPEG-LS scan ends before its last pixel";

impl<'a> Bits<'a> {
    fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            at: 0,
            cache: 0,
            count: 0,
            after_ff: false,
        }
    }

    fn fill(&mut self) {
        while self.count <= 56 {
            let Some(&byte) = self.data.get(self.at) else {
                return;
            };
            self.at += 1;
            let (value, width) = if self.after_ff {
                (byte & 0x7F, 7)
            } else {
                (byte, 8)
            };
            self.after_ff = byte == 0xFF;
            self.cache |= u64::from(value) << (64 - width - self.count);
            self.count += width;
        }
    }

    /// The next `n` bits (at most 32) as a number.
    fn read(&mut self, n: u32) -> Result<u32, String> {
        if n == 0 {
            return Ok(0);
        }
        if self.count < n {
            self.fill();
            if self.count < n {
                return Err(TRUNCATED.into());
            }
        }
        let value = (self.cache >> (64 - n)) as u32;
        self.cache <<= n;
        self.count -= n;
        Ok(value)
    }

    fn bit(&mut self) -> Result<bool, String> {
        Ok(self.read(1)? == 1)
    }

    /// How many 0 bits come before the next 1, which is read too; more than `most` is damage.
    fn zeros(&mut self, most: u32) -> Result<u32, String> {
        let mut zeros = 0;
        loop {
            if self.count == 0 {
                self.fill();
                if self.count == 0 {
                    return Err(TRUNCATED.into());
                }
            }
            let leading = self.cache.leading_zeros();
            if leading < self.count {
                zeros += leading;
                self.cache <<= leading + 1;
                self.count -= leading + 1;
                break;
            }
            zeros += self.count;
            self.cache = 0;
            self.count = 0;
            if zeros > most {
                break;
            }
        }
        if zeros > most {
            return Err("the JPEG-LS scan holds a code longer than its limit".into());
        }
        Ok(zeros)
    }

    /// A value in the length-limited Golomb code of order `k` whose codes are at most `limit`
    /// bits (T.87 A.5.3).
    fn golomb(&mut self, k: u32, limit: u32, qbpp: u32) -> Result<u32, String> {
        let escape = limit - qbpp - 1;
        let zeros = self.zeros(escape)?;
        if zeros < escape {
            Ok((zeros << k) | self.read(k)?)
        } else {
            Ok(self.read(qbpp)? + 1)
        }
    }
}

/// Statistics of one regular context (T.87 A.2.1).
#[derive(Clone, Copy)]
struct Regular {
    /// Sum of the errors' magnitudes; wider than the others, as RESET may be as large as MAXVAL.
    a: i64,
    b: i32,
    c: i32,
    n: i32,
}

/// Statistics of one of the two run-interruption contexts (T.87 A.7.2).
#[derive(Clone, Copy)]
struct Interruption {
    a: i64,
    n: i32,
    nn: i32,
}

/// Golomb order for a context whose errors add up to `a` over `n` samples; larger than any
/// error can make is damage.
fn order(a: i64, n: i32) -> Result<u32, String> {
    let mut k = 0;
    while (i64::from(n) << k) < a {
        k += 1;
        if k > 24 {
            return Err("the JPEG-LS scan's statistics went out of range".into());
        }
    }
    Ok(k)
}

struct Decoder<'a> {
    parameters: &'a Parameters,
    bits: Bits<'a>,
    regular: Vec<Regular>,
    interruption: [Interruption; 2],
}

impl Decoder<'_> {
    /// An error as decoded must lie within the sample range: anything else is damage, and
    /// refusing it keeps every statistic bounded.
    fn checked(&self, error: i32) -> Result<i32, String> {
        if error.abs() > self.parameters.range {
            return Err("the JPEG-LS scan holds an error larger than its samples".into());
        }
        Ok(error)
    }

    /// A sample coded in regular mode in `context` with `sign` (T.87 A.4 to A.6).
    fn regular(&mut self, (context, sign): (usize, i32), predicted: i32) -> Result<i32, String> {
        let p = self.parameters;
        let Regular { a, b, c, n } = self.regular[context];
        let predicted = (predicted + sign * c).clamp(0, p.maxval);
        let k = order(a, n)?;
        let mapped = self.bits.golomb(k, p.limit, p.qbpp)?;
        let mut error = if mapped & 1 == 0 {
            (mapped >> 1) as i32
        } else {
            -(((mapped >> 1) + 1) as i32)
        };
        if p.near == 0 && k == 0 && 2 * b + n - 1 < 0 {
            error = -(error + 1);
        }
        let error = self.checked(error)?;
        self.update(context, error);
        Ok(p.reconstruct(predicted, sign * error))
    }

    /// T.87 A.6.1 and A.6.2: the context's statistics and bias correction after `error`.
    fn update(&mut self, context: usize, error: i32) {
        let p = self.parameters;
        let Regular {
            mut a,
            mut b,
            mut c,
            mut n,
        } = self.regular[context];
        b += error * (2 * p.near + 1);
        a += i64::from(error.abs());
        if n == p.reset {
            a >>= 1;
            b >>= 1;
            n >>= 1;
        }
        n += 1;
        if b <= -n {
            b += n;
            c = (c - 1).max(-128);
            if b <= -n {
                b = -n + 1;
            }
        } else if b > 0 {
            b -= n;
            c = (c + 1).min(127);
            if b > 0 {
                b = 0;
            }
        }
        self.regular[context] = Regular { a, b, c, n };
    }

    /// How many samples (or pixels) a run repeats, at most `remaining` (T.87 A.7.1.2).
    fn run(&mut self, remaining: usize, run_index: &mut usize) -> Result<usize, String> {
        let mut length = 0;
        while self.bits.bit()? {
            let full = 1 << J[*run_index];
            let count = full.min(remaining - length);
            length += count;
            if count == full {
                *run_index = (*run_index + 1).min(31);
            }
            if length == remaining {
                return Ok(length);
            }
        }
        length += self.bits.read(J[*run_index])? as usize;
        if length > remaining {
            return Err("a JPEG-LS run goes past the end of its line".into());
        }
        Ok(length)
    }

    /// The error of a sample that ends a run, in the interruption context of `kind` (RItype,
    /// T.87 A.7.2).
    fn interruption_error(&mut self, kind: usize, run_index: usize) -> Result<i32, String> {
        let p = self.parameters;
        let Interruption {
            mut a,
            mut n,
            mut nn,
        } = self.interruption[kind];
        let k = order(a + i64::from(n >> 1) * kind as i64, n)?;
        let mapped = self.bits.golomb(k, p.limit - J[run_index] - 1, p.qbpp)?;
        let value = mapped + kind as u32;
        let odd = value & 1 == 1;
        let magnitude = value.div_ceil(2) as i32;
        let error = if (k != 0 || 2 * nn >= n) == odd {
            -magnitude
        } else {
            magnitude
        };
        let error = self.checked(error)?;
        if error < 0 {
            nn += 1;
        }
        a += i64::from((mapped + 1 - kind as u32) >> 1);
        if n == p.reset {
            a >>= 1;
            n >>= 1;
            nn >>= 1;
        }
        n += 1;
        self.interruption[kind] = Interruption { a, n, nn };
        Ok(error)
    }

    /// The sample of one component that ends a run: predicted from above when that differs
    /// from the run's value, else from the run's value (T.87 A.7.2).
    fn interrupted(&mut self, ra: i32, rb: i32, run_index: usize) -> Result<i32, String> {
        let p = self.parameters;
        if (ra - rb).abs() <= p.near {
            let error = self.interruption_error(1, run_index)?;
            Ok(p.reconstruct(ra, error))
        } else {
            let error = self.interruption_error(0, run_index)?;
            Ok(p.reconstruct(rb, error * (rb - ra).signum()))
        }
    }

    /// One line of one component, in `current[1..=width]`, below `previous`.
    fn line(
        &mut self,
        previous: &[i32],
        current: &mut [i32],
        run_index: &mut usize,
    ) -> Result<(), String> {
        let p = self.parameters;
        let width = current.len() - 2;
        let mut x = 1;
        while x <= width {
            let (ra, rb, rc, rd) = (
                current[x - 1],
                previous[x],
                previous[x - 1],
                previous[x + 1],
            );
            let context = p.context(ra, rb, rc, rd);
            if context.0 != 0 {
                current[x] = self.regular(context, predict(ra, rb, rc))?;
                x += 1;
                continue;
            }
            let end = x + self.run(width + 1 - x, run_index)?;
            current[x..end].fill(ra);
            if end <= width {
                current[end] = self.interrupted(ra, previous[end], *run_index)?;
                *run_index = run_index.saturating_sub(1);
            }
            x = end + 1;
        }
        Ok(())
    }

    /// One line of every component, pixel by pixel.
    fn pixels(
        &mut self,
        previous: &[Vec<i32>],
        current: &mut [Vec<i32>],
        run_index: &mut usize,
    ) -> Result<(), String> {
        let p = self.parameters;
        let width = current[0].len() - 2;
        let mut contexts = vec![(0, 1); current.len()];
        let mut x = 1;
        while x <= width {
            for (component, context) in contexts.iter_mut().enumerate() {
                let (above, line) = (&previous[component], &current[component]);
                *context = p.context(line[x - 1], above[x], above[x - 1], above[x + 1]);
            }
            if contexts.iter().any(|&(context, _)| context != 0) {
                for (component, &context) in contexts.iter().enumerate() {
                    let above = &previous[component];
                    let line = &mut current[component];
                    let predicted = predict(line[x - 1], above[x], above[x - 1]);
                    line[x] = self.regular(context, predicted)?;
                }
                x += 1;
                continue;
            }
            let end = x + self.run(width + 1 - x, run_index)?;
            for line in current.iter_mut() {
                let ra = line[x - 1];
                line[x..end].fill(ra);
            }
            if end <= width {
                for (above, line) in previous.iter().zip(current.iter_mut()) {
                    let (ra, rb) = (line[x - 1], above[end]);
                    let error = self.interruption_error(0, *run_index)?;
                    let sign = if rb < ra { -1 } else { 1 };
                    line[end] = self.parameters.reconstruct(rb, error * sign);
                }
                *run_index = run_index.saturating_sub(1);
            }
            x = end + 1;
        }
        Ok(())
    }
}

/// The median edge detector (T.87 A.4.1).
fn predict(ra: i32, rb: i32, rc: i32) -> i32 {
    if rc >= ra.max(rb) {
        ra.min(rb)
    } else if rc <= ra.min(rb) {
        ra.max(rb)
    } else {
        ra + rb - rc
    }
}

/// Decodes the entropy-coded `data` of a scan of `width` × `height` pixels into `frame`, whose
/// pixels have `frame.len() / (width × height)` samples each: the scan's n-th component goes to
/// the sample at `components[n]` of each pixel.
pub(super) fn decode(
    data: &[u8],
    (width, height): (usize, usize),
    interleave: Interleave,
    parameters: &Parameters,
    frame: &mut [u16],
    components: &[usize],
) -> Result<(), String> {
    let stride = frame.len() / (width * height);
    let mut decoder = Decoder {
        parameters,
        bits: Bits::new(data),
        regular: vec![
            Regular {
                a: i64::from(((parameters.range + 32) / 64).max(2)),
                b: 0,
                c: 0,
                n: 1,
            };
            CONTEXTS
        ],
        interruption: [Interruption {
            a: i64::from(((parameters.range + 32) / 64).max(2)),
            n: 1,
            nn: 0,
        }; 2],
    };
    // Each line has a sample more on either side: left of the first, the first sample of the
    // line above; right of the last, the last sample of the line above (T.87 A.2.1).
    let mut previous = vec![vec![0; width + 2]; components.len()];
    let mut current = previous.clone();
    let mut run_index = vec![0; components.len()];
    for y in 0..height {
        for (above, line) in previous.iter_mut().zip(current.iter_mut()) {
            line[0] = above[1];
            above[width + 1] = above[width];
        }
        match interleave {
            Interleave::Line => {
                for ((above, line), run_index) in
                    previous.iter().zip(current.iter_mut()).zip(&mut run_index)
                {
                    decoder.line(above, line, run_index)?;
                }
            }
            Interleave::Sample => decoder.pixels(&previous, &mut current, &mut run_index[0])?,
        }
        for (line, &component) in current.iter().zip(components) {
            let row = &mut frame[y * width * stride..(y + 1) * width * stride];
            for (pixel, &value) in row.chunks_exact_mut(stride).zip(&line[1..=width]) {
                pixel[component] = value as u16;
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A picture with flat stretches, gradients, edges and noise in the same proportions
    /// whatever its size, from `seed`.
    fn picture(width: usize, height: usize, bits: u8, seed: u32) -> Vec<u16> {
        let top = (1u32 << bits) - 1;
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        let mut samples = Vec::with_capacity(width * height);
        let mut value = 0;
        for y in 0..height {
            for x in 0..width {
                value = match next() % 8 {
                    0 => next() % (top + 1),
                    1 | 2 => {
                        (x as u32 * 7 + y as u32 * 3) * top / (width as u32 * 7 + height as u32 * 3)
                    }
                    3 => value.saturating_sub(next() % 3).min(top),
                    _ => value,
                };
                samples.push(value as u16);
            }
        }
        samples
    }

    /// A scan of one component is a scan interleaved by line with a single line per row, so
    /// `pure_jpegls`, checked against CharLS, must agree with this decoder sample for sample.
    #[test]
    fn a_single_component_decodes_as_pure_jpegls_decodes_it() {
        for seed in 1..=60u32 {
            let width = 1 + (seed as usize * 37) % 90;
            let height = 1 + (seed as usize * 11) % 40;
            let bits = 2 + (seed % 15) as u8;
            let near = [0, 0, 1, 2, 5][seed as usize % 5].min(((1u32 << bits) - 1) / 2) as u8;
            let samples = picture(width, height, bits, seed);
            let mut options = jpegls::EncodeOptions::default();
            options.precision = Some(bits);
            options.near = near;
            let mut stream = Vec::new();
            jpegls::encode_with_options(
                &samples,
                width as u32,
                height as u32,
                &options,
                &mut stream,
            )
            .expect("pure_jpegls encodes");
            let (expected, _, _) =
                jpegls::decode(&stream, width as u32, height as u32).expect("pure_jpegls decodes");
            assert_eq!(
                stream[15..17],
                [0xFF, 0xDA],
                "the scan header follows the frame's"
            );
            let data = &stream[25..stream.len() - 2];
            let parameters = Parameters::new(bits, near, &[]).expect("parameters");
            let mut frame = vec![0; width * height];
            decode(
                data,
                (width, height),
                Interleave::Line,
                &parameters,
                &mut frame,
                &[0],
            )
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            assert!(
                frame == expected,
                "seed {seed}: {width}×{height}, {bits} bits, NEAR {near}: first difference at \
                 sample {:?}",
                frame.iter().zip(&expected).position(|(a, b)| a != b)
            );
        }
    }

    #[test]
    fn default_thresholds_scale_with_maxval_and_near() {
        assert_eq!(default_thresholds(255, 0), (3, 7, 21));
        assert_eq!(default_thresholds(4095, 0), (18, 67, 276));
        assert_eq!(default_thresholds(65535, 0), (18, 67, 276));
        assert_eq!(default_thresholds(255, 3), (12, 22, 42));
    }

    #[test]
    fn preset_parameters_replace_the_defaults_and_are_checked() {
        let segment = |values: [u16; 5]| {
            let mut segment = vec![0xFF, 0xF8, 0, 13, 1];
            for value in values {
                segment.extend(value.to_be_bytes());
            }
            segment
        };
        let custom = segment([255, 5, 9, 30, 32]);
        let p = Parameters::new(8, 0, &[&custom]).expect("valid presets");
        assert_eq!((p.maxval, p.t1, p.t2, p.t3, p.reset), (255, 5, 9, 30, 32));
        let defaults = segment([0; 5]);
        let p = Parameters::new(8, 0, &[&custom, &defaults]).expect("the last one holds");
        assert_eq!((p.maxval, p.t1, p.t2, p.t3, p.reset), (255, 3, 7, 21, 64));
        let p = Parameters::new(12, 2, &[]).expect("defaults");
        assert_eq!((p.range, p.qbpp, p.limit), (820, 10, 48));
        let error = Parameters::new(8, 0, &[&segment([200, 0, 0, 0, 0])]).err();
        assert!(error.expect("refused").contains("MAXVAL"));
        for bad in [
            segment([256, 0, 0, 0, 0]),
            segment([0, 9, 5, 30, 0]),
            segment([0, 0, 0, 0, 2]),
            segment([0, 0, 0, 300, 0]),
        ] {
            assert!(Parameters::new(8, 0, &[&bad]).is_err(), "{bad:?}");
        }
        assert!(
            Parameters::new(8, 128, &[]).is_err(),
            "NEAR above MAXVAL / 2"
        );
        assert!(
            Parameters::new(8, 0, &[&custom[..10]]).is_err(),
            "cut short"
        );
    }
}
