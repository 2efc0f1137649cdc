//! JPEG 2000 written losslessly (ITU-T T.800: the reversible 5/3 wavelet, EBCOT code-blocks
//! coded by the MQ coder, one tile, one quality layer), so that a redacted frame of a JPEG 2000
//! file goes back into the file in its own syntax instead of swelling it uncompressed, and a
//! frame that was lossy loses nothing more. Decoding is dicom-pixeldata's (OpenJPEG's port to
//! Rust); this is only the writer, kept to what every decoder reads: no precincts, no
//! code-block options, no markers beyond the main header's.

/// JPEG 2000 Image Compression (Lossless Only), and the one that may be lossy.
pub const TRANSFER_SYNTAXES: [&str; 2] = ["1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91"];

/// Wavelet levels when the picture is large enough: past five, the lowest band is so small
/// that another level saves almost nothing.
const MOST_LEVELS: u32 = 5;
/// Code-blocks of 64 × 64, the largest T.800 allows and what most encoders use.
const BLOCK_SIDE_LOG2: u32 = 6;

/// One frame of `components` samples a pixel, interleaved, as stored (`precision` bits, in two's
/// complement when `signed`), as a JPEG 2000 codestream that decodes to exactly these values.
/// With `colour_transform`, three components go through the reversible colour transform first,
/// as a file whose photometric interpretation is YBR_RCT says they did.
pub fn encode_frame(
    samples: &[u16],
    (width, height): (u32, u32),
    components: usize,
    precision: u8,
    signed: bool,
    colour_transform: bool,
) -> Result<Vec<u8>, String> {
    let (w, h) = (width as usize, height as usize);
    if samples.len() != w * h * components
        || !(1..=16).contains(&precision)
        || w == 0
        || h == 0
        || !matches!(components, 1 | 3)
    {
        return Err("the samples are not those of the frame".into());
    }
    let colour_transform = colour_transform && components == 3;
    let mut planes = level_shifted_planes(samples, components, precision, signed);
    if colour_transform {
        reversible_colour_transform(&mut planes);
    }
    let levels = MOST_LEVELS.min(w.min(h).ilog2());
    for plane in &mut planes {
        forward_wavelet(plane, w, h, levels);
    }
    let bands = subbands(w, h, levels);
    let coded: Vec<Vec<CodedBand>> = planes
        .iter()
        .map(|plane| bands.iter().map(|band| code_band(plane, w, band)).collect())
        .collect();
    // Each band's bit planes are G + ε_b − 1 (T.800 E.1); enough guard bits that every
    // coefficient fits, whatever the colour transform and the wavelet added to its range.
    let guard_bits = coded
        .iter()
        .flatten()
        .zip(bands.iter().cycle())
        .map(|(band, shape)| (band.most_bit_planes + 1).saturating_sub(exponent(precision, shape)))
        .max()
        .unwrap_or(0)
        .max(2);
    if guard_bits > 7 {
        return Err("the samples need more range than JPEG 2000 can say".into());
    }
    let mut body = Vec::new();
    for resolution in 0..=levels {
        for component in &coded {
            let (shapes, coded): (Vec<&Band>, Vec<&CodedBand>) = bands
                .iter()
                .zip(component)
                .filter(|(band, _)| band.resolution == resolution)
                .unzip();
            write_packet(&mut body, &shapes, &coded, guard_bits, precision);
        }
    }
    let mut stream = main_header(
        (width, height),
        components,
        precision,
        signed,
        colour_transform,
        levels,
        guard_bits,
        &bands,
    );
    // The tile-part: its whole length counts from its SOT marker (A.4.2).
    let tile_part_length = u32::try_from(12 + 2 + body.len())
        .map_err(|_| "the frame is too large for one tile-part".to_string())?;
    stream.extend([0xFF, 0x90, 0, 10, 0, 0]);
    stream.extend(tile_part_length.to_be_bytes());
    stream.extend([0, 1]);
    stream.extend([0xFF, 0x93]);
    stream.extend(body);
    stream.extend([0xFF, 0xD9]);
    Ok(stream)
}

/// The components apart, as signed numbers centred on zero (T.800 G.1: unsigned samples lose
/// half their range).
fn level_shifted_planes(
    samples: &[u16],
    components: usize,
    precision: u8,
    signed: bool,
) -> Vec<Vec<i32>> {
    let shift = 32 - u32::from(precision);
    let half = 1i32 << (precision - 1);
    (0..components)
        .map(|c| {
            samples
                .iter()
                .skip(c)
                .step_by(components)
                .map(|&v| {
                    let stored = i32::from(v) & ((1 << precision) - 1);
                    if signed {
                        (stored << shift) >> shift
                    } else {
                        stored - half
                    }
                })
                .collect()
        })
        .collect()
}

/// RGB to the reversible YUV of T.800 G.2.1.
fn reversible_colour_transform(planes: &mut [Vec<i32>]) {
    let [red, green, blue] = planes else {
        return;
    };
    for ((r, g), b) in red.iter_mut().zip(green.iter_mut()).zip(blue.iter_mut()) {
        let (y, u, v) = ((*r + 2 * *g + *b) >> 2, *b - *g, *r - *g);
        (*r, *g, *b) = (y, u, v);
    }
}

/// The reversible 5/3 wavelet, `levels` times over the low band, each level down the columns
/// and then along the rows (the inverse of the decoder's order, F.3.2), low coefficients first.
fn forward_wavelet(plane: &mut [i32], width: usize, height: usize, levels: u32) {
    let mut line = Vec::new();
    let mut scratch = Vec::new();
    let (mut w, mut h) = (width, height);
    for _ in 0..levels {
        for x in 0..w {
            line.clear();
            line.extend((0..h).map(|y| plane[y * width + x]));
            lift(&mut line, &mut scratch);
            for (y, &value) in line.iter().enumerate() {
                plane[y * width + x] = value;
            }
        }
        for row in plane.chunks_exact_mut(width).take(h) {
            lift(&mut row[..w], &mut scratch);
        }
        (w, h) = (w.div_ceil(2), h.div_ceil(2));
    }
}

/// One dimension of the 5/3 wavelet for a signal starting at an even index, with whole-sample
/// symmetric extension at both ends (F.4.8.2), then the low half before the high half.
fn lift(line: &mut [i32], scratch: &mut Vec<i32>) {
    let n = line.len();
    if n < 2 {
        return;
    }
    for i in (1..n).step_by(2) {
        let right = if i + 1 < n { line[i + 1] } else { line[i - 1] };
        line[i] -= (line[i - 1] + right) >> 1;
    }
    for i in (0..n).step_by(2) {
        let left = if i > 0 { line[i - 1] } else { line[1] };
        let right = if i + 1 < n { line[i + 1] } else { line[i - 1] };
        line[i] += (left + right + 2) >> 2;
    }
    scratch.clear();
    scratch.extend(line.iter().step_by(2));
    scratch.extend(line.iter().skip(1).step_by(2));
    line.copy_from_slice(scratch);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Orientation {
    LowLow,
    HighLow,
    LowHigh,
    HighHigh,
}

/// A subband where the wavelet left it in the plane, in the order the codestream lists them.
#[derive(Debug, Clone, Copy)]
struct Band {
    orientation: Orientation,
    resolution: u32,
    x: usize,
    y: usize,
    width: usize,
    height: usize,
}

/// The subbands, lowest resolution first, each resolution's as HL, LH, HH (B.5).
fn subbands(width: usize, height: usize, levels: u32) -> Vec<Band> {
    let at_level = |n: usize, level: u32| n.div_ceil(1 << level);
    let mut bands = vec![Band {
        orientation: Orientation::LowLow,
        resolution: 0,
        x: 0,
        y: 0,
        width: at_level(width, levels),
        height: at_level(height, levels),
    }];
    for resolution in 1..=levels {
        let level = levels + 1 - resolution;
        let (low_w, low_h) = (at_level(width, level), at_level(height, level));
        let (all_w, all_h) = (at_level(width, level - 1), at_level(height, level - 1));
        for (orientation, x, y) in [
            (Orientation::HighLow, low_w, 0),
            (Orientation::LowHigh, 0, low_h),
            (Orientation::HighHigh, low_w, low_h),
        ] {
            let (right, bottom) = match orientation {
                Orientation::HighLow => (all_w, low_h),
                Orientation::LowHigh => (low_w, all_h),
                _ => (all_w, all_h),
            };
            bands.push(Band {
                orientation,
                resolution,
                x,
                y,
                width: right - x,
                height: bottom - y,
            });
        }
    }
    bands
}

/// ε_b of a band with no quantisation: the samples' bits and the wavelet's gain (E.1.1).
fn exponent(precision: u8, band: &Band) -> u32 {
    let gain = match band.orientation {
        Orientation::LowLow => 0,
        Orientation::HighLow | Orientation::LowHigh => 1,
        Orientation::HighHigh => 2,
    };
    u32::from(precision) + gain
}

/// A band's code-blocks, in raster order, and the most bit planes any of them has.
struct CodedBand {
    across: usize,
    down: usize,
    blocks: Vec<CodedBlock>,
    most_bit_planes: u32,
}

struct CodedBlock {
    /// Magnitude bit planes, the first from the top that holds a one counted as the first.
    bit_planes: u32,
    passes: u32,
    bytes: Vec<u8>,
}

fn code_band(plane: &[i32], stride: usize, band: &Band) -> CodedBand {
    let side = 1 << BLOCK_SIDE_LOG2;
    let (across, down) = (band.width.div_ceil(side), band.height.div_ceil(side));
    let mut blocks = Vec::with_capacity(across * down);
    let mut coefficients = Vec::with_capacity(side * side);
    for row in 0..down {
        for column in 0..across {
            let (x0, y0) = (band.x + column * side, band.y + row * side);
            let w = side.min(band.x + band.width - x0);
            let h = side.min(band.y + band.height - y0);
            coefficients.clear();
            for y in y0..y0 + h {
                coefficients.extend_from_slice(&plane[y * stride + x0..y * stride + x0 + w]);
            }
            blocks.push(code_block(&coefficients, w, h, band.orientation));
        }
    }
    let most_bit_planes = blocks.iter().map(|b| b.bit_planes).max().unwrap_or(0);
    CodedBand {
        across,
        down,
        blocks,
        most_bit_planes,
    }
}

/// SOC, SIZ, COD and QCD: one tile the size of the picture, layer-resolution-component order,
/// one layer, the 5/3 wavelet, 64 × 64 code-blocks, no quantisation.
#[allow(clippy::too_many_arguments)]
fn main_header(
    (width, height): (u32, u32),
    components: usize,
    precision: u8,
    signed: bool,
    colour_transform: bool,
    levels: u32,
    guard_bits: u32,
    bands: &[Band],
) -> Vec<u8> {
    let mut out = vec![0xFF, 0x4F, 0xFF, 0x51];
    out.extend((38 + 3 * components as u16).to_be_bytes());
    out.extend([0, 0]);
    for value in [width, height, 0, 0, width, height, 0, 0] {
        out.extend(value.to_be_bytes());
    }
    out.extend((components as u16).to_be_bytes());
    for _ in 0..components {
        out.extend([(u8::from(signed) << 7) | (precision - 1), 1, 1]);
    }
    out.extend([0xFF, 0x52, 0, 12, 0, 0, 0, 1, u8::from(colour_transform)]);
    out.extend([
        levels as u8,
        (BLOCK_SIDE_LOG2 - 2) as u8,
        (BLOCK_SIDE_LOG2 - 2) as u8,
        0,
        1,
    ]);
    out.extend([0xFF, 0x5C]);
    out.extend((3 + bands.len() as u16).to_be_bytes());
    out.push((guard_bits as u8) << 5);
    out.extend(
        bands
            .iter()
            .map(|band| (exponent(precision, band) as u8) << 3),
    );
    out
}

/// One packet: the header saying which code-blocks of the resolution's bands are in it, with
/// their missing bit planes, passes and lengths (B.10), then their bytes.
fn write_packet(
    out: &mut Vec<u8>,
    shapes: &[&Band],
    bands: &[&CodedBand],
    guard_bits: u32,
    precision: u8,
) {
    let mut header = HeaderBits::default();
    let any = bands
        .iter()
        .any(|band| band.blocks.iter().any(|b| b.passes > 0));
    header.put(u32::from(any), 1);
    if any {
        for (shape, band) in shapes.iter().zip(bands) {
            let most = guard_bits + exponent(precision, shape) - 1;
            let mut inclusion = TagTree::new(
                band.across,
                band.down,
                band.blocks.iter().map(|b| u32::from(b.passes == 0)),
            );
            let mut missing_planes = TagTree::new(
                band.across,
                band.down,
                band.blocks.iter().map(|b| most - b.bit_planes),
            );
            for (index, block) in band.blocks.iter().enumerate() {
                let (x, y) = (index % band.across, index / band.across);
                inclusion.encode(&mut header, x, y, 1);
                if block.passes == 0 {
                    continue;
                }
                missing_planes.encode(&mut header, x, y, u32::MAX);
                put_pass_count(&mut header, block.passes);
                // Lblock starts at 3 (B.10.7.1); ones then a zero raise it until the length
                // fits in Lblock + ⌊log2 passes⌋ bits.
                let extra = block.passes.ilog2();
                let length = block.bytes.len() as u32;
                let mut lblock = 3;
                while u64::from(length) >= 1u64 << (lblock + extra) {
                    header.put(1, 1);
                    lblock += 1;
                }
                header.put(0, 1);
                header.put(length, lblock + extra);
            }
        }
    }
    out.extend(header.finish());
    for band in bands {
        for block in &band.blocks {
            out.extend(&block.bytes);
        }
    }
}

/// The number of coding passes as Table B.4 codes it.
fn put_pass_count(bits: &mut HeaderBits, passes: u32) {
    match passes {
        1 => bits.put(0, 1),
        2 => bits.put(0b10, 2),
        3..=5 => bits.put((0b11 << 2) | (passes - 3), 4),
        6..=36 => bits.put((0b1111 << 5) | (passes - 6), 9),
        _ => bits.put((0x1FF << 7) | (passes - 37), 16),
    }
}

/// Packet header bits, most significant first; a byte after 0xFF carries seven (B.10.1), so
/// that no marker can appear in a header.
#[derive(Default)]
struct HeaderBits {
    out: Vec<u8>,
    byte: u32,
    filled: u32,
}

impl HeaderBits {
    fn capacity(&self) -> u32 {
        if self.out.last() == Some(&0xFF) { 7 } else { 8 }
    }

    fn put(&mut self, value: u32, count: u32) {
        for i in (0..count).rev() {
            self.byte = (self.byte << 1) | ((value >> i) & 1);
            self.filled += 1;
            if self.filled == self.capacity() {
                self.out.push(self.byte as u8);
                (self.byte, self.filled) = (0, 0);
            }
        }
    }

    /// The header padded to a byte, and the stuffed byte owed after a final 0xFF.
    fn finish(mut self) -> Vec<u8> {
        if self.filled > 0 {
            let pad = self.capacity() - self.filled;
            self.out.push((self.byte << pad) as u8);
        }
        if self.out.last() == Some(&0xFF) {
            self.out.push(0);
        }
        self.out
    }
}

/// A tag tree (B.10.2): each node the least value beneath it, coded from the root down, so
/// what neighbouring code-blocks share is said once.
struct TagTree {
    /// The levels' widths and where each starts in `nodes`, leaves first.
    levels: Vec<(usize, usize)>,
    nodes: Vec<TagNode>,
}

#[derive(Clone, Copy)]
struct TagNode {
    value: u32,
    low: u32,
    known: bool,
}

impl TagTree {
    fn new(width: usize, height: usize, leaves: impl Iterator<Item = u32>) -> TagTree {
        let mut nodes: Vec<TagNode> = leaves
            .map(|value| TagNode {
                value,
                low: 0,
                known: false,
            })
            .collect();
        let mut levels = vec![(width, 0)];
        let (mut w, mut h, mut start) = (width, height, 0);
        while w > 1 || h > 1 {
            let (up_w, up_h) = (w.div_ceil(2), h.div_ceil(2));
            let up_start = nodes.len();
            for y in 0..up_h {
                for x in 0..up_w {
                    let value = (2 * y..(2 * y + 2).min(h))
                        .flat_map(|cy| (2 * x..(2 * x + 2).min(w)).map(move |cx| (cx, cy)))
                        .map(|(cx, cy)| nodes[start + cy * w + cx].value)
                        .min()
                        .unwrap_or(0);
                    nodes.push(TagNode {
                        value,
                        low: 0,
                        known: false,
                    });
                }
            }
            levels.push((up_w, up_start));
            (w, h, start) = (up_w, up_h, up_start);
        }
        TagTree { levels, nodes }
    }

    /// Says whether the leaf's value is below `threshold`, and if so what it is, as far as the
    /// nodes above it have not already said.
    fn encode(&mut self, bits: &mut HeaderBits, x: usize, y: usize, threshold: u32) {
        let mut low = 0;
        for (level, &(width, start)) in self.levels.iter().enumerate().rev() {
            let node = &mut self.nodes[start + (y >> level) * width + (x >> level)];
            if low > node.low {
                node.low = low;
            } else {
                low = node.low;
            }
            while low < threshold {
                if low >= node.value {
                    if !node.known {
                        bits.put(1, 1);
                        node.known = true;
                    }
                    break;
                }
                bits.put(0, 1);
                low += 1;
            }
            node.low = low;
        }
    }
}

const SIGNIFICANT: u8 = 1;
const NEGATIVE: u8 = 2;
/// Coded in this bit plane's significance pass.
const VISITED: u8 = 4;
const REFINED: u8 = 8;

/// The contexts of T.800 D.3: nine for significance, five for signs, three for refinement, then
/// run-length and uniform.
const SIGN_CONTEXTS: usize = 9;
const REFINEMENT_CONTEXTS: usize = 14;
const RUN_CONTEXT: usize = 17;
const UNIFORM_CONTEXT: usize = 18;

/// One code-block coded bit plane by bit plane, most significant first: a cleanup pass for the
/// first plane with a one, then significance, refinement and cleanup passes for each below it
/// (D.3), all terminated once at the end.
fn code_block(
    coefficients: &[i32],
    width: usize,
    height: usize,
    orientation: Orientation,
) -> CodedBlock {
    let largest = coefficients
        .iter()
        .map(|c| c.unsigned_abs())
        .max()
        .unwrap_or(0);
    let bit_planes = 32 - largest.leading_zeros();
    if bit_planes == 0 {
        return CodedBlock {
            bit_planes: 0,
            passes: 0,
            bytes: Vec::new(),
        };
    }
    let mut block = Block::new(coefficients, width, height, orientation);
    for plane in (0..bit_planes).rev() {
        if plane + 1 < bit_planes {
            block.significance_pass(plane);
            block.refinement_pass(plane);
        }
        block.cleanup_pass(plane);
    }
    CodedBlock {
        bit_planes,
        passes: 3 * bit_planes - 2,
        bytes: block.coder.finish(),
    }
}

/// A code-block's magnitudes and states, with a border of never-significant neighbours so that
/// the edges need no special case.
struct Block {
    magnitudes: Vec<u32>,
    flags: Vec<u8>,
    width: usize,
    orientation: Orientation,
    /// Each coefficient's place in `flags`, and its row in its stripe, in the scan order of
    /// D.1: stripes of four rows, column by column, top to bottom in each.
    order: Vec<(usize, usize)>,
    coder: MqCoder,
}

impl Block {
    fn new(coefficients: &[i32], width: usize, height: usize, orientation: Orientation) -> Block {
        let stride = width + 2;
        let mut magnitudes = vec![0; stride * (height + 2)];
        let mut flags = vec![0; stride * (height + 2)];
        for (i, &c) in coefficients.iter().enumerate() {
            let at = (i / width + 1) * stride + i % width + 1;
            magnitudes[at] = c.unsigned_abs();
            if c < 0 {
                flags[at] = NEGATIVE;
            }
        }
        let order = (0..height)
            .step_by(4)
            .flat_map(|top| {
                (0..width).flat_map(move |x| {
                    (top..(top + 4).min(height)).map(move |y| (y - top, (y + 1) * stride + x + 1))
                })
            })
            .collect();
        Block {
            magnitudes,
            flags,
            width,
            orientation,
            order,
            coder: MqCoder::new(),
        }
    }

    fn significant(&self, at: usize) -> u32 {
        u32::from(self.flags[at] & SIGNIFICANT)
    }

    /// The significance context of Table D.1 from the eight neighbours.
    fn significance_context(&self, at: usize) -> usize {
        let stride = self.width + 2;
        let s = |i| self.significant(i);
        let horizontal = s(at - 1) + s(at + 1);
        let vertical = s(at - stride) + s(at + stride);
        let diagonal =
            s(at - stride - 1) + s(at - stride + 1) + s(at + stride - 1) + s(at + stride + 1);
        let by_sides = |along: u32, across: u32| match (along, across, diagonal) {
            (2, _, _) => 8,
            (1, 1.., _) => 7,
            (1, 0, 1..) => 6,
            (1, 0, 0) => 5,
            (0, 2, _) => 4,
            (0, 1, _) => 3,
            (0, 0, 2..) => 2,
            (0, 0, 1) => 1,
            _ => 0,
        };
        match self.orientation {
            Orientation::LowLow | Orientation::LowHigh => by_sides(horizontal, vertical),
            Orientation::HighLow => by_sides(vertical, horizontal),
            Orientation::HighHigh => match (diagonal, horizontal + vertical) {
                (3.., _) => 8,
                (2, 1..) => 7,
                (2, 0) => 6,
                (1, 2..) => 5,
                (1, 1) => 4,
                (1, 0) => 3,
                (0, 2..) => 2,
                (0, 1) => 1,
                _ => 0,
            },
        }
    }

    /// The sign of a coefficient just found significant, in the context of its four direct
    /// neighbours' signs (Table D.3).
    fn code_sign(&mut self, at: usize) {
        let stride = self.width + 2;
        let contribution = |i: usize| match self.flags[i] & (SIGNIFICANT | NEGATIVE) {
            SIGNIFICANT => 1,
            f if f == SIGNIFICANT | NEGATIVE => -1,
            _ => 0,
        };
        let horizontal: i32 = (contribution(at - 1) + contribution(at + 1)).clamp(-1, 1);
        let vertical: i32 = (contribution(at - stride) + contribution(at + stride)).clamp(-1, 1);
        let (context, flip) = match (horizontal, vertical) {
            (1, 1) => (4, 0),
            (1, 0) => (3, 0),
            (1, -1) => (2, 0),
            (0, 1) => (1, 0),
            (0, 0) => (0, 0),
            (0, -1) => (1, 1),
            (-1, 1) => (2, 1),
            (-1, 0) => (3, 1),
            _ => (4, 1),
        };
        let negative = u32::from(self.flags[at] & NEGATIVE != 0);
        self.coder.encode(negative ^ flip, SIGN_CONTEXTS + context);
        self.flags[at] |= SIGNIFICANT;
    }

    fn bit(&self, at: usize, plane: u32) -> u32 {
        (self.magnitudes[at] >> plane) & 1
    }

    /// Coefficients not yet significant with a significant neighbour (D.3.1).
    fn significance_pass(&mut self, plane: u32) {
        let order = std::mem::take(&mut self.order);
        for &(_, at) in &order {
            if self.flags[at] & SIGNIFICANT != 0 {
                continue;
            }
            let context = self.significance_context(at);
            if context == 0 {
                continue;
            }
            let bit = self.bit(at, plane);
            self.coder.encode(bit, context);
            self.flags[at] |= VISITED;
            if bit == 1 {
                self.code_sign(at);
            }
        }
        self.order = order;
    }

    /// The next bit of coefficients significant since an earlier plane (D.3.3).
    fn refinement_pass(&mut self, plane: u32) {
        let stride = self.width + 2;
        let order = std::mem::take(&mut self.order);
        for &(_, at) in &order {
            if self.flags[at] & (SIGNIFICANT | VISITED) != SIGNIFICANT {
                continue;
            }
            let context = if self.flags[at] & REFINED != 0 {
                2
            } else {
                let neighbours = [
                    at - stride - 1,
                    at - stride,
                    at - stride + 1,
                    at - 1,
                    at + 1,
                    at + stride - 1,
                    at + stride,
                    at + stride + 1,
                ];
                usize::from(neighbours.iter().any(|&n| self.significant(n) == 1))
            };
            self.coder
                .encode(self.bit(at, plane), REFINEMENT_CONTEXTS + context);
            self.flags[at] |= REFINED;
        }
        self.order = order;
    }

    /// Every coefficient the other two passes left, with whole columns of four that are and stay
    /// insignificant said in one run-length decision (D.3.4); the plane's visits forgotten after.
    fn cleanup_pass(&mut self, plane: u32) {
        let stride = self.width + 2;
        let positions = std::mem::take(&mut self.order);
        let mut i = 0;
        while i < positions.len() {
            let (row, at) = positions[i];
            let column_of_four = row == 0
                && positions
                    .get(i + 3)
                    .is_some_and(|&(last_row, last)| last_row == 3 && last == at + 3 * stride);
            if column_of_four
                && (0..4).all(|k| {
                    let here = at + k * stride;
                    self.flags[here] & (SIGNIFICANT | VISITED) == 0
                        && self.significance_context(here) == 0
                })
            {
                let first_one = (0..4).find(|&k| self.bit(at + k * stride, plane) == 1);
                let Some(first_one) = first_one else {
                    self.coder.encode(0, RUN_CONTEXT);
                    i += 4;
                    continue;
                };
                self.coder.encode(1, RUN_CONTEXT);
                self.coder
                    .encode((first_one as u32 >> 1) & 1, UNIFORM_CONTEXT);
                self.coder.encode(first_one as u32 & 1, UNIFORM_CONTEXT);
                self.code_sign(at + first_one * stride);
                i += first_one + 1;
                // The rest of the column is coded one by one.
                while i < positions.len() && positions[i].0 != 0 {
                    self.cleanup_one(positions[i].1, plane);
                    i += 1;
                }
                continue;
            }
            self.cleanup_one(at, plane);
            i += 1;
        }
        self.order = positions;
        for flag in &mut self.flags {
            *flag &= !VISITED;
        }
    }

    fn cleanup_one(&mut self, at: usize, plane: u32) {
        if self.flags[at] & (SIGNIFICANT | VISITED) != 0 {
            return;
        }
        let bit = self.bit(at, plane);
        let context = self.significance_context(at);
        self.coder.encode(bit, context);
        if bit == 1 {
            self.code_sign(at);
        }
    }
}

/// The MQ arithmetic coder of T.800 Annex C: (Qe, next state after the more probable symbol,
/// after the less probable, whether the less probable swaps the sense) for each state.
const STATES: [(u32, u8, u8, bool); 47] = [
    (0x5601, 1, 1, true),
    (0x3401, 2, 6, false),
    (0x1801, 3, 9, false),
    (0x0AC1, 4, 12, false),
    (0x0521, 5, 29, false),
    (0x0221, 38, 33, false),
    (0x5601, 7, 6, true),
    (0x5401, 8, 14, false),
    (0x4801, 9, 14, false),
    (0x3801, 10, 14, false),
    (0x3001, 11, 17, false),
    (0x2401, 12, 18, false),
    (0x1C01, 13, 20, false),
    (0x1601, 29, 21, false),
    (0x5601, 15, 14, true),
    (0x5401, 16, 14, false),
    (0x5101, 17, 15, false),
    (0x4801, 18, 16, false),
    (0x3801, 19, 17, false),
    (0x3401, 20, 18, false),
    (0x3001, 21, 19, false),
    (0x2801, 22, 19, false),
    (0x2401, 23, 20, false),
    (0x2201, 24, 21, false),
    (0x1C01, 25, 22, false),
    (0x1801, 26, 23, false),
    (0x1601, 27, 24, false),
    (0x1401, 28, 25, false),
    (0x1201, 29, 26, false),
    (0x1101, 30, 27, false),
    (0x0AC1, 31, 28, false),
    (0x09C1, 32, 29, false),
    (0x08A1, 33, 30, false),
    (0x0521, 34, 31, false),
    (0x0441, 35, 32, false),
    (0x02A1, 36, 33, false),
    (0x0221, 37, 34, false),
    (0x0141, 38, 35, false),
    (0x0111, 39, 36, false),
    (0x0085, 40, 37, false),
    (0x0049, 41, 38, false),
    (0x0025, 42, 39, false),
    (0x0015, 43, 40, false),
    (0x0009, 44, 41, false),
    (0x0005, 45, 42, false),
    (0x0001, 45, 43, false),
    (0x5601, 46, 46, false),
];

struct MqCoder {
    /// The bytes so far after one that stands for the byte before the code-block, which a
    /// carry never reaches (the first byte leaves after twelve shifts, below the carry bit).
    out: Vec<u8>,
    interval: u32,
    code: u32,
    shifts_left: u32,
    /// Each context's state and its more probable symbol.
    contexts: [(u8, u32); 19],
}

impl MqCoder {
    fn new() -> MqCoder {
        let mut contexts = [(0, 0); 19];
        // Table D.7: the first significance context, run-length and uniform start elsewhere.
        contexts[0] = (4, 0);
        contexts[RUN_CONTEXT] = (3, 0);
        contexts[UNIFORM_CONTEXT] = (46, 0);
        MqCoder {
            out: vec![0],
            interval: 0x8000,
            code: 0,
            shifts_left: 12,
            contexts,
        }
    }

    /// ENCODE of C.2: the more probable symbol takes the upper part of the interval, unless the
    /// interval got so small that swapping the two parts is the better bet.
    fn encode(&mut self, symbol: u32, context: usize) {
        let (state, more_probable) = self.contexts[context];
        let (qe, after_more, after_less, switch) = STATES[state as usize];
        self.interval -= qe;
        if symbol == more_probable {
            if self.interval & 0x8000 != 0 {
                self.code += qe;
                return;
            }
            if self.interval < qe {
                self.interval = qe;
            } else {
                self.code += qe;
            }
            self.contexts[context].0 = after_more;
        } else {
            if self.interval < qe {
                self.code += qe;
            } else {
                self.interval = qe;
            }
            if switch {
                self.contexts[context].1 = 1 - more_probable;
            }
            self.contexts[context].0 = after_less;
        }
        while self.interval & 0x8000 == 0 {
            self.interval <<= 1;
            self.code <<= 1;
            self.shifts_left -= 1;
            if self.shifts_left == 0 {
                self.byte_out();
            }
        }
    }

    /// BYTEOUT of C.2: a byte leaves, with a carry into the one before when there is one, and
    /// after 0xFF only seven bits go, so no marker appears in the data.
    fn byte_out(&mut self) {
        let last = self.out.len() - 1;
        if self.out[last] != 0xFF && self.code >= 0x800_0000 {
            self.out[last] += 1;
            self.code &= 0x7FF_FFFF;
        }
        if self.out[last] == 0xFF {
            self.out.push((self.code >> 20) as u8);
            self.code &= 0xF_FFFF;
            self.shifts_left = 7;
        } else {
            self.out.push((self.code >> 19) as u8);
            self.code &= 0x7_FFFF;
            self.shifts_left = 8;
        }
    }

    /// FLUSH of C.2.9: as many ones as the interval allows, the last bytes out, and a final
    /// 0xFF dropped (the decoder reads ones past the end).
    fn finish(mut self) -> Vec<u8> {
        let top = self.code + self.interval;
        self.code |= 0xFFFF;
        if self.code >= top {
            self.code -= 0x8000;
        }
        self.code <<= self.shifts_left;
        self.byte_out();
        self.code <<= self.shifts_left;
        self.byte_out();
        if self.out.last() == Some(&0xFF) {
            self.out.pop();
        }
        self.out.remove(0);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dicom_core::value::{PixelFragmentSequence, Value};
    use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
    use dicom_object::InMemDicomObject;
    use dicom_object::meta::FileMetaTableBuilder;
    use dicom_pixeldata::PixelDecoder;

    /// Gradients, noise, flat stretches and hard edges over the whole range of `precision`.
    fn picture((width, height): (u32, u32), components: usize, precision: u8) -> Vec<u16> {
        let top = (1u32 << precision) - 1;
        let mut state = 0x2545_f491_u32;
        let mut samples = Vec::new();
        for y in 0..height {
            for x in 0..width {
                for c in 0..components as u32 {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    let value = if (5..9).contains(&y) {
                        top / 3
                    } else if x < width / 3 {
                        (x * 7 + y * 3 + c * 50) * top / (width * 7 + height * 3 + 150)
                    } else if x < 2 * width / 3 {
                        state % (top + 1)
                    } else if (x + y) % 9 < 4 {
                        top
                    } else {
                        0
                    };
                    samples.push(value as u16);
                }
            }
        }
        samples
    }

    /// What OpenJPEG, through dicom-pixeldata, reads from the codestream in a DICOM file: the
    /// stored bits of each sample.
    fn decoded(
        stream: Vec<u8>,
        (width, height): (u32, u32),
        components: usize,
        precision: u8,
        signed: bool,
        colour_transform: bool,
    ) -> Vec<u16> {
        let mut object = InMemDicomObject::new_empty();
        let us = |group, element, value: u16| {
            DataElement::new(Tag(group, element), VR::US, PrimitiveValue::from(value))
        };
        let text = |group, element, vr, value: &str| {
            DataElement::new(
                Tag(group, element),
                vr,
                PrimitiveValue::from(value.to_string()),
            )
        };
        let photometric = match (components, colour_transform) {
            (1, _) => "MONOCHROME2",
            (_, true) => "YBR_RCT",
            _ => "RGB",
        };
        let allocated = if precision > 8 { 16 } else { 8 };
        for element in [
            text(0x0008, 0x0016, VR::UI, "1.2.840.10008.5.1.4.1.1.7"),
            text(0x0008, 0x0018, VR::UI, "1.2.3.4"),
            us(0x0028, 0x0002, components as u16),
            text(0x0028, 0x0004, VR::CS, photometric),
            us(0x0028, 0x0006, 0),
            us(0x0028, 0x0010, height as u16),
            us(0x0028, 0x0011, width as u16),
            us(0x0028, 0x0100, allocated),
            us(0x0028, 0x0101, u16::from(precision)),
            us(0x0028, 0x0102, u16::from(precision) - 1),
            us(0x0028, 0x0103, u16::from(signed)),
        ] {
            object.put(element);
        }
        object.put(DataElement::new(
            Tag(0x7FE0, 0x0010),
            VR::OB,
            Value::PixelSequence(PixelFragmentSequence::new(Vec::<u32>::new(), vec![stream])),
        ));
        let file = object
            .with_meta(
                FileMetaTableBuilder::new()
                    .transfer_syntax(TRANSFER_SYNTAXES[0])
                    .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.7")
                    .media_storage_sop_instance_uid("1.2.3.4"),
            )
            .unwrap();
        let pixels = file
            .decode_pixel_data()
            .expect("OpenJPEG decodes the frame");
        let mask = ((1u32 << precision) - 1) as u16;
        let data = pixels.data();
        if allocated == 16 {
            data.chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]) & mask)
                .collect()
        } else {
            data.iter().map(|&v| u16::from(v)).collect()
        }
    }

    #[test]
    fn frames_decode_to_the_very_samples_coded() {
        for (size, components, precision, signed, colour_transform) in [
            ((1, 1), 1, 8, false, false),
            ((2, 3), 1, 8, false, false),
            ((5, 4), 1, 12, false, false),
            ((64, 64), 1, 8, false, false),
            ((61, 47), 1, 16, false, false),
            ((130, 67), 1, 16, true, false),
            ((77, 131), 1, 13, true, false),
            ((40, 33), 3, 8, false, false),
            ((71, 45), 3, 8, false, true),
            ((200, 150), 1, 12, false, false),
        ] {
            let samples = picture(size, components, precision);
            let stream = encode_frame(
                &samples,
                size,
                components,
                precision,
                signed,
                colour_transform,
            )
            .unwrap();
            let back = decoded(
                stream,
                size,
                components,
                precision,
                signed,
                colour_transform,
            );
            assert!(
                back == samples,
                "{size:?}×{components} at {precision} bits (signed {signed}, colour transform \
                 {colour_transform}) decodes to other samples"
            );
        }
    }

    #[test]
    fn a_flat_frame_costs_next_to_nothing_and_noise_is_not_swollen() {
        let size = (256, 256);
        let flat = vec![1000u16; 256 * 256];
        let stream = encode_frame(&flat, size, 1, 12, false, false).unwrap();
        assert!(
            stream.len() < 400,
            "a flat frame took {} bytes",
            stream.len()
        );
        assert_eq!(decoded(stream, size, 1, 12, false, false), flat);
        let mut state = 7u32;
        let noise: Vec<u16> = (0..256 * 256)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (state >> 16) as u16 & 0xFF
            })
            .collect();
        let stream = encode_frame(&noise, size, 1, 8, false, false).unwrap();
        assert!(
            stream.len() < 256 * 256 * 105 / 100,
            "8-bit noise took {} bytes for 65,536 samples",
            stream.len()
        );
        assert_eq!(decoded(stream, size, 1, 8, false, false), noise);
    }

    #[test]
    fn what_is_not_a_frame_is_refused() {
        assert!(encode_frame(&[1, 2, 3], (2, 2), 1, 8, false, false).is_err());
        assert!(encode_frame(&[1; 8], (2, 2), 2, 8, false, false).is_err());
        assert!(encode_frame(&[], (0, 0), 1, 8, false, false).is_err());
    }
}
