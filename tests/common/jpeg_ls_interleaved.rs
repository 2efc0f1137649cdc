//! A JPEG-LS encoder (ITU-T T.87) of colour interleaved by line or by sample, written for the
//! tests from the standard's encoding procedures, so that pictures of any size, precision and
//! NEAR can be coded the way CharLS codes them and handed to Caviar's decoder. It codes with the
//! default parameters only and makes no attempt at speed.

/// Order of the run lengths (T.87 A.7.1.1).
const J: [u32; 32] = [
    0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13,
    14, 15,
];

/// A frame of `components` components interleaved by line (`interleave` 1) or by sample (2),
/// and the samples a decoder must rebuild from it (the source's within NEAR, pixel by pixel).
pub fn encode(
    samples: &[u16],
    (width, height): (u32, u32),
    components: usize,
    precision: u8,
    near: u8,
    interleave: u8,
) -> (Vec<u8>, Vec<u16>) {
    assert!(matches!(interleave, 1 | 2) && components >= 2);
    let (w, h) = (width as usize, height as usize);
    assert_eq!(samples.len(), w * h * components);
    assert!(
        samples.iter().all(|&s| u32::from(s) < 1 << precision),
        "samples above the precision"
    );
    let mut coder = Coder::new(precision, i32::from(near));
    let mut previous = vec![vec![0i32; w + 2]; components];
    let mut current = previous.clone();
    let mut run_index = vec![0usize; components];
    let mut rebuilt = vec![0u16; samples.len()];
    for y in 0..h {
        let source: Vec<Vec<i32>> = (0..components)
            .map(|c| {
                let mut line = vec![0; w + 2];
                for x in 0..w {
                    line[x + 1] = i32::from(samples[(y * w + x) * components + c]);
                }
                line
            })
            .collect();
        for (above, line) in previous.iter_mut().zip(current.iter_mut()) {
            line[0] = above[1];
            above[w + 1] = above[w];
        }
        if interleave == 1 {
            for c in 0..components {
                coder.line(&source[c], &previous[c], &mut current[c], &mut run_index[c]);
            }
        } else {
            coder.pixels(&source, &previous, &mut current, &mut run_index[0]);
        }
        for (c, line) in current.iter().enumerate() {
            for x in 0..w {
                rebuilt[(y * w + x) * components + c] = line[x + 1] as u16;
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let mut stream = caviar::dicom::jpeg_ls::start_of_frame((width, height), components, precision);
    stream.extend([0xFF, 0xDA]);
    stream.extend((6 + 2 * components as u16).to_be_bytes());
    stream.push(components as u8);
    for id in 1..=components as u8 {
        stream.extend([id, 0]);
    }
    stream.extend([near, interleave, 0]);
    stream.extend(coder.bits.finish());
    stream.extend([0xFF, 0xD9]);
    (stream, rebuilt)
}

/// Bits written most significant first; after a 0xFF byte the next byte carries 7 bits behind
/// a stuffed 0 (T.87 A.1).
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    byte: u8,
    filled: u32,
}

impl Bits {
    fn bit(&mut self, bit: bool) {
        let room = if self.bytes.last() == Some(&0xFF) {
            7
        } else {
            8
        };
        self.byte = (self.byte << 1) | u8::from(bit);
        self.filled += 1;
        if self.filled == room {
            self.bytes.push(self.byte);
            self.byte = 0;
            self.filled = 0;
        }
    }

    /// The `count` low bits of `value`, zeros above its 32 when `count` is larger.
    fn bits(&mut self, value: u32, count: u32) {
        for at in (0..count).rev() {
            self.bit(u64::from(value) >> at & 1 == 1);
        }
    }

    /// `value` in the Golomb code of order `k` limited to `limit` bits (T.87 A.5.3).
    fn golomb(&mut self, value: u32, k: u32, limit: u32, qbpp: u32) {
        let escape = limit - qbpp - 1;
        if value >> k < escape {
            self.bits(1, (value >> k) + 1);
            self.bits(value, k);
        } else {
            self.bits(1, escape + 1);
            self.bits(value - 1, qbpp);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        while self.filled != 0 {
            self.bit(false);
        }
        if self.bytes.last() == Some(&0xFF) {
            self.bytes.push(0);
        }
        self.bytes
    }
}

struct Coder {
    maxval: i32,
    near: i32,
    range: i32,
    qbpp: u32,
    limit: u32,
    thresholds: [i32; 3],
    /// A, B, C, N of the 365 regular contexts.
    regular: Vec<[i32; 4]>,
    /// A, N, Nn of the two run-interruption contexts.
    interruption: [[i32; 3]; 2],
    bits: Bits,
}

fn ceil_log2(value: i32) -> u32 {
    let mut bits = 0;
    while (1 << bits) < value {
        bits += 1;
    }
    bits
}

impl Coder {
    fn new(precision: u8, near: i32) -> Self {
        let maxval = (1 << precision) - 1;
        let range = (maxval + 2 * near) / (2 * near + 1) + 1;
        let bpp = ceil_log2(maxval + 1).max(2);
        // T.87 C.2.4.1.1.2, defaults scaled from those for 8 bits (3, 7, 21).
        let clamp = |value: i32, low: i32| {
            if value > maxval || value < low {
                low
            } else {
                value
            }
        };
        let thresholds = if maxval >= 128 {
            let factor = (maxval.min(4095) + 128) / 256;
            let t1 = clamp(factor + 2 + 3 * near, near + 1);
            let t2 = clamp(factor * 4 + 3 + 5 * near, t1);
            [t1, t2, clamp(factor * 17 + 4 + 7 * near, t2)]
        } else {
            let factor = 256 / (maxval + 1);
            let t1 = clamp((3 / factor + 3 * near).max(2), near + 1);
            let t2 = clamp((7 / factor + 5 * near).max(3), t1);
            [t1, t2, clamp((21 / factor + 7 * near).max(4), t2)]
        };
        let a = ((range + 32) / 64).max(2);
        Self {
            maxval,
            near,
            range,
            qbpp: ceil_log2(range),
            limit: 2 * (bpp + bpp.max(8)),
            thresholds,
            regular: vec![[a, 0, 0, 1]; 365],
            interruption: [[a, 1, 0]; 2],
            bits: Bits::default(),
        }
    }

    fn context(&self, ra: i32, rb: i32, rc: i32, rd: i32) -> (usize, i32) {
        let [t1, t2, t3] = self.thresholds;
        let near = self.near;
        let level = |d: i32| -> i32 {
            match d {
                _ if d <= -t3 => -4,
                _ if d <= -t2 => -3,
                _ if d <= -t1 => -2,
                _ if d < -near => -1,
                _ if d <= near => 0,
                _ if d < t1 => 1,
                _ if d < t2 => 2,
                _ if d < t3 => 3,
                _ => 4,
            }
        };
        let q = (level(rd - rb) * 9 + level(rb - rc)) * 9 + level(rc - ra);
        (q.unsigned_abs() as usize, if q < 0 { -1 } else { 1 })
    }

    /// The prediction error quantised for NEAR (T.87 A.4.4).
    fn quantise(&self, error: i32) -> i32 {
        let step = 2 * self.near + 1;
        if error > 0 {
            (self.near + error) / step
        } else {
            -((self.near - error) / step)
        }
    }

    fn rebuild(&self, predicted: i32, error: i32) -> i32 {
        let step = 2 * self.near + 1;
        let mut value = predicted + error * step;
        if value < -self.near {
            value += self.range * step;
        } else if value > self.maxval + self.near {
            value -= self.range * step;
        }
        value.clamp(0, self.maxval)
    }

    /// The error brought into the range a decoder expects (T.87 A.4.5).
    fn modulo(&self, mut error: i32) -> i32 {
        if error < 0 {
            error += self.range;
        }
        if error >= (self.range + 1) / 2 {
            error -= self.range;
        }
        error
    }

    fn order(a: i32, n: i32) -> u32 {
        let mut k = 0;
        while (n << k) < a {
            k += 1;
        }
        k
    }

    /// Codes `x` in regular mode and returns the sample a decoder rebuilds (T.87 A.4 to A.6).
    fn regular(&mut self, x: i32, ra: i32, rb: i32, rc: i32, (q, sign): (usize, i32)) -> i32 {
        let [a, b, c, n] = self.regular[q];
        let median = if rc >= ra.max(rb) {
            ra.min(rb)
        } else if rc <= ra.min(rb) {
            ra.max(rb)
        } else {
            ra + rb - rc
        };
        let predicted = (median + sign * c).clamp(0, self.maxval);
        let error = self.quantise(sign * (x - predicted));
        let rebuilt = self.rebuild(predicted, sign * error);
        let error = self.modulo(error);
        let k = Self::order(a, n);
        let mapped = if self.near == 0 && k == 0 && 2 * b <= -n {
            if error >= 0 {
                2 * error + 1
            } else {
                -2 * (error + 1)
            }
        } else if error >= 0 {
            2 * error
        } else {
            -2 * error - 1
        };
        self.bits.golomb(mapped as u32, k, self.limit, self.qbpp);
        let (mut a, mut b, mut c, mut n) = (a + error.abs(), b + error * (2 * self.near + 1), c, n);
        if n == 64 {
            a >>= 1;
            b >>= 1;
            n >>= 1;
        }
        n += 1;
        if b <= -n {
            b = (b + n).max(-n + 1);
            c = (c - 1).max(-128);
        } else if b > 0 {
            b = (b - n).min(0);
            c = (c + 1).min(127);
        }
        self.regular[q] = [a, b, c, n];
        rebuilt
    }

    /// Codes a run of `length` samples (or pixels) that ends the line or not (T.87 A.7.1).
    fn run(&mut self, mut length: usize, ends_line: bool, run_index: &mut usize) {
        while length >= 1 << J[*run_index] {
            self.bits.bit(true);
            length -= 1 << J[*run_index];
            *run_index = (*run_index + 1).min(31);
        }
        if ends_line {
            if length > 0 {
                self.bits.bit(true);
            }
        } else {
            self.bits.bit(false);
            self.bits.bits(length as u32, J[*run_index]);
        }
    }

    /// Codes `x`, which ends a run, predicted from `predicted` in the interruption context
    /// `kind` with `sign`, and returns the sample a decoder rebuilds (T.87 A.7.2).
    fn interruption(
        &mut self,
        x: i32,
        predicted: i32,
        kind: usize,
        sign: i32,
        run_index: usize,
    ) -> i32 {
        let error = self.quantise(sign * (x - predicted));
        let rebuilt = self.rebuild(predicted, sign * error);
        let error = self.modulo(error);
        let [a, n, nn] = self.interruption[kind];
        let k = Self::order(a + (n >> 1) * kind as i32, n);
        let map = (k == 0 && error > 0 && 2 * nn < n) || (error < 0 && (2 * nn >= n || k != 0));
        let mapped = 2 * error.abs() - kind as i32 - i32::from(map);
        let limit = self.limit - J[run_index] - 1;
        self.bits.golomb(mapped as u32, k, limit, self.qbpp);
        let (mut a, mut n, mut nn) = (a + ((mapped + 1 - kind as i32) >> 1), n, nn);
        nn += i32::from(error < 0);
        if n == 64 {
            a >>= 1;
            n >>= 1;
            nn >>= 1;
        }
        self.interruption[kind] = [a, n + 1, nn];
        rebuilt
    }

    fn line(&mut self, source: &[i32], above: &[i32], line: &mut [i32], run_index: &mut usize) {
        let w = line.len() - 2;
        let mut x = 1;
        while x <= w {
            let (ra, rb, rc, rd) = (line[x - 1], above[x], above[x - 1], above[x + 1]);
            let context = self.context(ra, rb, rc, rd);
            if context.0 != 0 {
                line[x] = self.regular(source[x], ra, rb, rc, context);
                x += 1;
                continue;
            }
            let mut end = x;
            while end <= w && (source[end] - ra).abs() <= self.near {
                end += 1;
            }
            self.run(end - x, end > w, run_index);
            line[x..end].fill(ra);
            if end <= w {
                let rb = above[end];
                line[end] = if (ra - rb).abs() <= self.near {
                    self.interruption(source[end], ra, 1, 1, *run_index)
                } else {
                    let sign = if rb < ra { -1 } else { 1 };
                    self.interruption(source[end], rb, 0, sign, *run_index)
                };
                *run_index = run_index.saturating_sub(1);
            }
            x = end + 1;
        }
    }

    fn pixels(
        &mut self,
        source: &[Vec<i32>],
        above: &[Vec<i32>],
        lines: &mut [Vec<i32>],
        run_index: &mut usize,
    ) {
        let w = lines[0].len() - 2;
        let mut x = 1;
        while x <= w {
            let contexts: Vec<(usize, i32)> = (0..lines.len())
                .map(|c| {
                    let (l, a) = (&lines[c], &above[c]);
                    self.context(l[x - 1], a[x], a[x - 1], a[x + 1])
                })
                .collect();
            if contexts.iter().any(|&(q, _)| q != 0) {
                for (c, &context) in contexts.iter().enumerate() {
                    let (ra, rb, rc) = (lines[c][x - 1], above[c][x], above[c][x - 1]);
                    lines[c][x] = self.regular(source[c][x], ra, rb, rc, context);
                }
                x += 1;
                continue;
            }
            let flat = |end: usize| {
                (0..lines.len()).all(|c| (source[c][end] - lines[c][x - 1]).abs() <= self.near)
            };
            let mut end = x;
            while end <= w && flat(end) {
                end += 1;
            }
            self.run(end - x, end > w, run_index);
            for line in lines.iter_mut() {
                let ra = line[x - 1];
                line[x..end].fill(ra);
            }
            if end <= w {
                for c in 0..lines.len() {
                    let (ra, rb) = (lines[c][x - 1], above[c][end]);
                    let sign = if rb < ra { -1 } else { 1 };
                    lines[c][end] = self.interruption(source[c][end], rb, 0, sign, *run_index);
                }
                *run_index = run_index.saturating_sub(1);
            }
            x = end + 1;
        }
    }
}
