//! Redaction of a baseline JPEG in its DCT coefficients: only the 8×8 blocks a patch touches are
//! decoded, redacted like any other picture and coded again; every other block keeps its
//! coefficients exactly, so a JPEG photo or a DICOM JPEG frame loses nothing to a second
//! compression outside the patches, and the file stays the size it was.
//!
//! Handled: one sequential Huffman scan of 8- or 12-bit samples (SOF0, SOF1), any sampling
//! factors, restart intervals. Anything else (progressive, arithmetic, several scans) is an
//! [`Err`] with the reason, and the caller decodes and encodes the picture instead. The same
//! reader decodes the 12-bit JPEGs of nuclear medicine and CT that other Rust decoders refuse.

use crate::document::{Redaction, Region};

use super::{Patch, Plane};

/// The natural (row by row) position of the n-th coefficient in zigzag order.
const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// A JPEG redacted in place, and how much of it changed.
pub struct Redacted {
    pub bytes: Vec<u8>,
    pub blocks_changed: usize,
    pub blocks: usize,
}

/// A Huffman table as DHT stores it, with the codes for both directions.
#[derive(Clone)]
pub(crate) struct Table {
    counts: [u8; 16],
    symbols: Vec<u8>,
    /// Per symbol: its code and the code's length (0 when the table has no code for it).
    codes: [(u16, u8); 256],
    /// Per code length: the largest code of that length (-1 if none) and where its symbols start.
    max_code: [i32; 17],
    first_index: [i32; 17],
    first_code: [i32; 17],
}

impl Table {
    /// The code of a symbol and its length in bits (0 when the table has none).
    pub(crate) fn code(&self, symbol: u8) -> (u16, u8) {
        self.codes[usize::from(symbol)]
    }

    /// The table as a DHT segment's content gives it: sixteen counts, then the symbols.
    pub(crate) fn specification(&self) -> Vec<u8> {
        let mut out = self.counts.to_vec();
        out.extend_from_slice(&self.symbols);
        out
    }

    fn new(counts: [u8; 16], symbols: Vec<u8>) -> Result<Table, String> {
        if counts.iter().map(|&c| usize::from(c)).sum::<usize>() != symbols.len() {
            return Err("a Huffman table does not add up".into());
        }
        let mut codes = [(0u16, 0u8); 256];
        let mut max_code = [-1i32; 17];
        let mut first_index = [0i32; 17];
        let mut first_code = [0i32; 17];
        let (mut code, mut index) = (0i32, 0usize);
        for length in 1..=16 {
            let count = usize::from(counts[length - 1]);
            first_index[length] = index as i32;
            first_code[length] = code;
            for &symbol in &symbols[index..index + count] {
                codes[usize::from(symbol)] = (code as u16, length as u8);
                code += 1;
            }
            if count > 0 {
                max_code[length] = code - 1;
            }
            if code > 1 << length {
                return Err("a Huffman table has more codes than fit".into());
            }
            index += count;
            code <<= 1;
        }
        Ok(Table {
            counts,
            symbols,
            codes,
            max_code,
            first_index,
            first_code,
        })
    }

    /// The optimal table for the symbol counts (ITU T.81 annex K.2), codes at most 16 bits long.
    pub(crate) fn optimal(frequencies: &[u32; 256]) -> Result<Table, String> {
        let mut frequency: Vec<u64> = frequencies.iter().map(|&f| u64::from(f)).collect();
        // A reserved symbol with a count of one, so no real code is all ones.
        frequency.push(1);
        let n = frequency.len();
        let mut size = vec![0usize; n];
        let mut others = vec![usize::MAX; n];
        loop {
            let smallest = |skip: Option<usize>, frequency: &[u64]| {
                (0..n)
                    .filter(|&i| frequency[i] > 0 && Some(i) != skip)
                    .min_by_key(|&i| (frequency[i], std::cmp::Reverse(i)))
            };
            let Some(v1) = smallest(None, &frequency) else {
                break;
            };
            let Some(v2) = smallest(Some(v1), &frequency) else {
                break;
            };
            frequency[v1] += frequency[v2];
            frequency[v2] = 0;
            // Every symbol of both merged trees gets one bit longer; the second tree's chain is
            // hung on the end of the first's.
            let mut lengthen = |mut v: usize| {
                loop {
                    size[v] += 1;
                    if others[v] == usize::MAX {
                        return v;
                    }
                    v = others[v];
                }
            };
            let end_of_first = lengthen(v1);
            lengthen(v2);
            others[end_of_first] = v2;
        }
        let mut bits = [0u32; 33];
        for &s in &size {
            if s > 0 {
                if s > 32 {
                    return Err("a Huffman code grew too long".into());
                }
                bits[s] += 1;
            }
        }
        let mut i = 32;
        while i > 16 {
            while bits[i] > 0 {
                let mut j = i - 2;
                while bits[j] == 0 {
                    j -= 1;
                }
                bits[i] -= 2;
                bits[i - 1] += 1;
                bits[j + 1] += 2;
                bits[j] -= 1;
            }
            i -= 1;
        }
        while bits[i] == 0 {
            i -= 1;
        }
        bits[i] -= 1;
        let mut counts = [0u8; 16];
        for length in 1..=16 {
            counts[length - 1] = bits[length] as u8;
        }
        let mut symbols = Vec::new();
        for length in 1..=32 {
            symbols.extend(
                size[..256]
                    .iter()
                    .enumerate()
                    .filter(|&(_, &s)| s == length)
                    .map(|(symbol, _)| symbol as u8),
            );
        }
        Table::new(counts, symbols)
    }
}

struct Component {
    id: u8,
    h: usize,
    v: usize,
    quant: usize,
    dc: usize,
    ac: usize,
    /// Blocks across and down in the coefficient grid (whole MCUs when the scan interleaves).
    wide: usize,
    high: usize,
    /// Coefficients of each block, in zigzag order.
    blocks: Vec<[i32; 64]>,
}

/// The parts of the file around its one scan.
struct Layout {
    width: usize,
    height: usize,
    /// Bits per sample: 8, or 12 in extended JPEG.
    precision: u8,
    components: Vec<Component>,
    quant: [[u16; 64]; 4],
    dc_tables: [Option<Table>; 4],
    ac_tables: [Option<Table>; 4],
    restart_interval: usize,
    /// Component indices in the scan's order.
    scan: Vec<usize>,
    /// Where the scan's coded data begins and ends.
    data: std::ops::Range<usize>,
    /// The DHT segments before the scan, which are rewritten when a table must change.
    dht_segments: Vec<std::ops::Range<usize>>,
    /// Where the SOS segment starts.
    sos: usize,
}

fn be16(bytes: &[u8], at: usize) -> Result<usize, String> {
    bytes
        .get(at..at + 2)
        .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        .ok_or_else(|| "the JPEG is cut off".to_string())
}

fn read_layout(jpeg: &[u8]) -> Result<Layout, String> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return Err("not a JPEG stream".into());
    }
    let mut layout = Layout {
        width: 0,
        height: 0,
        precision: 8,
        components: Vec::new(),
        quant: [[0; 64]; 4],
        dc_tables: Default::default(),
        ac_tables: Default::default(),
        restart_interval: 0,
        scan: Vec::new(),
        data: 0..0,
        dht_segments: Vec::new(),
        sos: 0,
    };
    let mut at = 2;
    loop {
        while jpeg.get(at) == Some(&0xFF) && jpeg.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if jpeg.get(at) != Some(&0xFF) {
            return Err("the JPEG's segments are out of step".into());
        }
        let marker = *jpeg.get(at + 1).ok_or("the JPEG is cut off")?;
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            at += 2;
            continue;
        }
        let length = be16(jpeg, at + 2)?;
        let segment = jpeg
            .get(at + 4..at + 2 + length)
            .ok_or("the JPEG is cut off")?;
        match marker {
            0xC0 | 0xC1 => read_frame(segment, &mut layout)?,
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err("the JPEG is not baseline or extended sequential Huffman".into());
            }
            0xC4 => {
                read_tables(segment, &mut layout)?;
                layout.dht_segments.push(at..at + 2 + length);
            }
            0xDB => read_quantisation(segment, &mut layout.quant)?,
            0xDD => layout.restart_interval = be16(segment, 0)?,
            0xDA => {
                read_scan(segment, &mut layout)?;
                layout.sos = at;
                let start = at + 2 + length;
                layout.data = start..start;
                return Ok(layout);
            }
            0xD9 => return Err("the JPEG has no picture".into()),
            _ => {}
        }
        at += 2 + length;
    }
}

fn read_frame(segment: &[u8], layout: &mut Layout) -> Result<(), String> {
    layout.precision = *segment.first().ok_or("the JPEG frame is cut off")?;
    if !matches!(layout.precision, 8 | 12) {
        return Err(format!("the JPEG's samples are {} bits", layout.precision));
    }
    layout.height = be16(segment, 1)?;
    layout.width = be16(segment, 3)?;
    let count = usize::from(*segment.get(5).ok_or("the JPEG frame is cut off")?);
    if layout.width == 0 || layout.height == 0 || count == 0 || count > 4 {
        return Err("the JPEG frame's size or components are not usable".into());
    }
    for i in 0..count {
        let c = segment
            .get(6 + 3 * i..9 + 3 * i)
            .ok_or("the JPEG frame is cut off")?;
        let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || c[2] > 3 {
            return Err("the JPEG frame's sampling is not usable".into());
        }
        layout.components.push(Component {
            id: c[0],
            h,
            v,
            quant: usize::from(c[2]),
            dc: 0,
            ac: 0,
            wide: 0,
            high: 0,
            blocks: Vec::new(),
        });
    }
    Ok(())
}

fn read_tables(mut segment: &[u8], layout: &mut Layout) -> Result<(), String> {
    while !segment.is_empty() {
        let class_and_id = segment[0];
        let counts: [u8; 16] = segment
            .get(1..17)
            .and_then(|c| c.try_into().ok())
            .ok_or("a Huffman table is cut off")?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let symbols = segment
            .get(17..17 + total)
            .ok_or("a Huffman table is cut off")?
            .to_vec();
        let table = Table::new(counts, symbols)?;
        let id = usize::from(class_and_id & 15);
        match (class_and_id >> 4, id) {
            (0, 0..=3) => layout.dc_tables[id] = Some(table),
            (1, 0..=3) => layout.ac_tables[id] = Some(table),
            _ => return Err("a Huffman table has an impossible class or slot".into()),
        }
        segment = &segment[17 + total..];
    }
    Ok(())
}

fn read_quantisation(mut segment: &[u8], quant: &mut [[u16; 64]; 4]) -> Result<(), String> {
    while !segment.is_empty() {
        let (precision, id) = (segment[0] >> 4, usize::from(segment[0] & 15));
        let size = if precision == 0 { 64 } else { 128 };
        let values = segment
            .get(1..1 + size)
            .ok_or("a quantisation table is cut off")?;
        let table = quant
            .get_mut(id)
            .ok_or("a quantisation table's slot is impossible")?;
        for (i, value) in table.iter_mut().enumerate() {
            *value = if precision == 0 {
                u16::from(values[i])
            } else {
                u16::from_be_bytes([values[2 * i], values[2 * i + 1]])
            };
        }
        segment = &segment[1 + size..];
    }
    Ok(())
}

fn read_scan(segment: &[u8], layout: &mut Layout) -> Result<(), String> {
    let count = usize::from(*segment.first().ok_or("the scan header is cut off")?);
    for i in 0..count {
        let s = segment
            .get(1 + 2 * i..3 + 2 * i)
            .ok_or("the scan header is cut off")?;
        let index = layout
            .components
            .iter()
            .position(|c| c.id == s[0])
            .ok_or("the scan names a component the frame does not have")?;
        let component = &mut layout.components[index];
        component.dc = usize::from(s[1] >> 4);
        component.ac = usize::from(s[1] & 15);
        if component.dc > 3 || component.ac > 3 {
            return Err("the scan names an impossible Huffman table".into());
        }
        layout.scan.push(index);
    }
    // A sequential scan always holds all 64 coefficients: what it says of a spectral range is
    // ignored, as libjpeg and dcmtk do (some old encoders wrote 0 to 0).
    segment
        .get(1 + 2 * count..4 + 2 * count)
        .ok_or("the scan header is cut off")?;
    if count != layout.components.len() {
        return Err("the picture's components are in several scans".into());
    }
    Ok(())
}

impl Layout {
    fn max_sampling(&self) -> (usize, usize) {
        let h = self.components.iter().map(|c| c.h).max().unwrap_or(1);
        let v = self.components.iter().map(|c| c.v).max().unwrap_or(1);
        (h, v)
    }

    /// MCUs across and down: one block each when the scan holds one component.
    fn mcus(&self) -> (usize, usize) {
        if self.scan.len() == 1 {
            let c = &self.components[self.scan[0]];
            let (h, v) = self.max_sampling();
            (
                (self.width * c.h).div_ceil(h).div_ceil(8),
                (self.height * c.v).div_ceil(v).div_ceil(8),
            )
        } else {
            let (h, v) = self.max_sampling();
            (self.width.div_ceil(8 * h), self.height.div_ceil(8 * v))
        }
    }

    /// The blocks of one MCU, by component and position in the grid.
    fn mcu_blocks(&self, mcu_x: usize, mcu_y: usize) -> Vec<(usize, usize)> {
        let mut blocks = Vec::new();
        if self.scan.len() == 1 {
            let c = &self.components[self.scan[0]];
            blocks.push((self.scan[0], mcu_y * c.wide + mcu_x));
            return blocks;
        }
        for &index in &self.scan {
            let c = &self.components[index];
            for y in 0..c.v {
                for x in 0..c.h {
                    blocks.push((index, (mcu_y * c.v + y) * c.wide + mcu_x * c.h + x));
                }
            }
        }
        blocks
    }
}

/// Bits of the coded data, a byte at a time, past stuffed zero bytes; at a marker it gives
/// zeros and stays there.
struct BitReader<'a> {
    data: &'a [u8],
    at: usize,
    byte: u32,
    left: u32,
}

impl BitReader<'_> {
    fn bit(&mut self) -> u32 {
        if self.left == 0 {
            self.byte = match self.data.get(self.at) {
                Some(&0xFF) if self.data.get(self.at + 1) == Some(&0) => {
                    self.at += 2;
                    0xFF
                }
                Some(&0xFF) | None => 0,
                Some(&byte) => {
                    self.at += 1;
                    u32::from(byte)
                }
            };
            self.left = 8;
        }
        self.left -= 1;
        self.byte >> self.left & 1
    }

    fn receive(&mut self, length: u8) -> u32 {
        (0..length).fold(0, |value, _| value << 1 | self.bit())
    }

    fn decode(&mut self, table: &Table) -> Result<u8, String> {
        let mut code = 0i32;
        for length in 1..=16 {
            code = code << 1 | self.bit() as i32;
            if code <= table.max_code[length] {
                let index = table.first_index[length] + code - table.first_code[length];
                return Ok(table.symbols[index as usize]);
            }
        }
        Err("the JPEG's coded data is damaged".into())
    }

    /// After a restart interval: the rest of the byte is padding, then a restart marker.
    fn restart(&mut self) -> Result<(), String> {
        self.left = 0;
        match self.data.get(self.at..self.at + 2) {
            Some([0xFF, 0xD0..=0xD7]) => {
                self.at += 2;
                Ok(())
            }
            _ => Err("a restart marker is missing".into()),
        }
    }
}

fn extend(value: u32, length: u8) -> i32 {
    if length == 0 {
        0
    } else if value < 1 << (length - 1) {
        value as i32 - (1 << length) + 1
    } else {
        value as i32
    }
}

/// Reads every block's coefficients; returns where the coded data ends.
fn decode_scan(jpeg: &[u8], layout: &mut Layout) -> Result<usize, String> {
    let (h_max, v_max) = layout.max_sampling();
    let (mcus_x, mcus_y) = (
        layout.width.div_ceil(8 * h_max),
        layout.height.div_ceil(8 * v_max),
    );
    for c in &mut layout.components {
        c.wide = mcus_x * c.h;
        c.high = mcus_y * c.v;
        c.blocks = Vec::new();
    }
    let total: usize = layout.components.iter().map(|c| c.wide * c.high).sum();
    // About 170 megapixels in 4:2:0 and a gigabyte of coefficients: more than any camera.
    if total > 4_000_000 {
        return Err("the JPEG claims more blocks than any picture has".into());
    }
    for c in &mut layout.components {
        c.blocks = vec![[0; 64]; c.wide * c.high];
    }
    for &index in &layout.scan {
        let c = &layout.components[index];
        if layout.dc_tables[c.dc].is_none() || layout.ac_tables[c.ac].is_none() {
            return Err("the scan uses a Huffman table the file does not define".into());
        }
    }
    let (across, down) = layout.mcus();
    let mut reader = BitReader {
        data: &jpeg[layout.data.start..],
        at: 0,
        byte: 0,
        left: 0,
    };
    let mut predictions = [0i32; 4];
    for mcu in 0..across * down {
        if layout.restart_interval > 0 && mcu > 0 && mcu % layout.restart_interval == 0 {
            reader.restart()?;
            predictions = [0; 4];
        }
        for (index, block) in layout.mcu_blocks(mcu % across, mcu / across) {
            let c = &layout.components[index];
            let (dc, ac) = (
                layout.dc_tables[c.dc].as_ref().ok_or("no DC table")?,
                layout.ac_tables[c.ac].as_ref().ok_or("no AC table")?,
            );
            let mut coefficients = [0i32; 64];
            let length = reader.decode(dc)?;
            if length > layout.precision + 3 {
                return Err("the JPEG's coded data is damaged".into());
            }
            predictions[index] += extend(reader.receive(length), length);
            coefficients[0] = predictions[index];
            let mut k = 1;
            while k < 64 {
                let symbol = reader.decode(ac)?;
                let (run, length) = (usize::from(symbol >> 4), symbol & 15);
                if length == 0 {
                    if run == 15 {
                        k += 16;
                        continue;
                    }
                    break;
                }
                k += run;
                if k > 63 {
                    return Err("the JPEG's coded data is damaged".into());
                }
                coefficients[k] = extend(reader.receive(length), length);
                k += 1;
            }
            layout.components[index].blocks[block] = coefficients;
        }
    }
    // The coded data ends at the first marker that is not a restart.
    let data = &jpeg[layout.data.start..];
    let mut end = reader.at;
    let is_end = |at: usize| data[at] == 0xFF && !matches!(data[at + 1], 0x00 | 0xD0..=0xD7);
    while end + 1 < data.len() && !is_end(end) {
        end += 1;
    }
    if end + 1 >= data.len() {
        return Err("the JPEG's coded data has no end".into());
    }
    Ok(layout.data.start + end)
}

/// Bits into bytes, a zero byte stuffed after each 0xFF.
#[derive(Default)]
pub(crate) struct BitWriter {
    pub(crate) out: Vec<u8>,
    bits: u32,
    count: u32,
}

impl BitWriter {
    pub(crate) fn put(&mut self, value: u32, length: u8) {
        for i in (0..length).rev() {
            self.bits = self.bits << 1 | (value >> i & 1);
            self.count += 1;
            if self.count == 8 {
                self.out.push(self.bits as u8);
                if self.bits as u8 == 0xFF {
                    self.out.push(0);
                }
                self.bits = 0;
                self.count = 0;
            }
        }
    }

    /// Pads the last byte with ones, as the standard asks before a marker.
    pub(crate) fn align(&mut self) {
        if self.count > 0 {
            self.put((1 << (8 - self.count)) - 1, (8 - self.count) as u8);
        }
    }
}

fn category(value: i32) -> u8 {
    (32 - value.unsigned_abs().leading_zeros()) as u8
}

fn magnitude_bits(value: i32, length: u8) -> u32 {
    let bits = if value < 0 { value - 1 } else { value };
    (bits as u32) & ((1u32 << length) - 1)
}

/// Codes the blocks again: the symbols each table needs are counted when `writer` is None.
fn encode_scan(
    layout: &Layout,
    tables: (&[Option<Table>; 4], &[Option<Table>; 4]),
    mut writer: Option<&mut BitWriter>,
    counts: &mut [[[u32; 256]; 4]; 2],
) {
    let (across, down) = layout.mcus();
    let mut predictions = [0i32; 4];
    let mut restart = 0u8;
    let mut emit = |writer: &mut Option<&mut BitWriter>, class: usize, id: usize, symbol: u8| {
        counts[class][id][usize::from(symbol)] += 1;
        if let Some(writer) = writer {
            let table = if class == 0 { tables.0 } else { tables.1 };
            let (code, length) = table[id]
                .as_ref()
                .map_or((0, 0), |t| t.codes[usize::from(symbol)]);
            writer.put(u32::from(code), length);
        }
    };
    for mcu in 0..across * down {
        if layout.restart_interval > 0 && mcu > 0 && mcu % layout.restart_interval == 0 {
            if let Some(writer) = writer.as_deref_mut() {
                writer.align();
                writer.out.extend([0xFF, 0xD0 + restart]);
            }
            restart = (restart + 1) % 8;
            predictions = [0; 4];
        }
        for (index, block) in layout.mcu_blocks(mcu % across, mcu / across) {
            let c = &layout.components[index];
            let coefficients = &c.blocks[block];
            let difference = coefficients[0] - predictions[index];
            predictions[index] = coefficients[0];
            let length = category(difference);
            emit(&mut writer, 0, c.dc, length);
            if let Some(writer) = writer.as_deref_mut() {
                writer.put(magnitude_bits(difference, length), length);
            }
            let mut run = 0;
            for &value in &coefficients[1..] {
                if value == 0 {
                    run += 1;
                    continue;
                }
                while run > 15 {
                    emit(&mut writer, 1, c.ac, 0xF0);
                    run -= 16;
                }
                let length = category(value);
                emit(&mut writer, 1, c.ac, (run << 4) as u8 | length);
                if let Some(writer) = writer.as_deref_mut() {
                    writer.put(magnitude_bits(value, length), length);
                }
                run = 0;
            }
            if run > 0 {
                emit(&mut writer, 1, c.ac, 0x00);
            }
        }
    }
    if let Some(writer) = writer {
        writer.align();
    }
}

/// `cos` factors of the 8-point DCT, with its scale: `C(u) / 2 · cos((2x + 1)uπ / 16)`.
fn dct_factors() -> [[f32; 8]; 8] {
    let mut factors = [[0f32; 8]; 8];
    for (u, row) in factors.iter_mut().enumerate() {
        for (x, factor) in row.iter_mut().enumerate() {
            let scale = if u == 0 { 0.5 / 2f32.sqrt() } else { 0.5 };
            *factor = scale * ((2 * x + 1) as f32 * u as f32 * std::f32::consts::PI / 16.0).cos();
        }
    }
    factors
}

/// The 64 samples (row by row, 0 to `2^precision - 1`) a block of quantised coefficients shows,
/// computed as the IJG library's accurate integer IDCT computes them (the one dcmtk and most
/// viewers use), so a decoded picture is theirs sample for sample.
fn to_samples(coefficients: &[i32; 64], quant: &[u16; 64], precision: u8) -> [f32; 64] {
    const CONST_BITS: u32 = 13;
    const F0_298: i64 = 2446;
    const F0_390: i64 = 3196;
    const F0_541: i64 = 4433;
    const F0_765: i64 = 6270;
    const F0_899: i64 = 7373;
    const F1_175: i64 = 9633;
    const F1_501: i64 = 12299;
    const F1_847: i64 = 15137;
    const F1_961: i64 = 16069;
    const F2_053: i64 = 16819;
    const F2_562: i64 = 20995;
    const F3_072: i64 = 25172;
    let pass1_bits: u32 = if precision == 8 { 2 } else { 1 };
    let descale = |x: i64, n: u32| (x + (1 << (n - 1))) >> n;
    // One 8-point pass: even part from 0, 2, 4, 6, odd part from 1, 3, 5, 7.
    let pass = |v: [i64; 8]| -> [i64; 8] {
        let z1 = (v[2] + v[6]) * F0_541;
        let tmp2 = z1 - v[6] * F1_847;
        let tmp3 = z1 + v[2] * F0_765;
        let tmp0 = (v[0] + v[4]) << CONST_BITS;
        let tmp1 = (v[0] - v[4]) << CONST_BITS;
        let (tmp10, tmp13, tmp11, tmp12) = (tmp0 + tmp3, tmp0 - tmp3, tmp1 + tmp2, tmp1 - tmp2);
        let (t0, t1, t2, t3) = (v[7], v[5], v[3], v[1]);
        let (z1, z2, z3, z4) = (t0 + t3, t1 + t2, t0 + t2, t1 + t3);
        let z5 = (z3 + z4) * F1_175;
        let (t0, t1, t2, t3) = (t0 * F0_298, t1 * F2_053, t2 * F3_072, t3 * F1_501);
        let (z1, z2) = (-z1 * F0_899, -z2 * F2_562);
        let (z3, z4) = (-z3 * F1_961 + z5, -z4 * F0_390 + z5);
        let (t0, t1, t2, t3) = (t0 + z1 + z3, t1 + z2 + z4, t2 + z2 + z3, t3 + z1 + z4);
        [
            tmp10 + t3,
            tmp11 + t2,
            tmp12 + t1,
            tmp13 + t0,
            tmp13 - t0,
            tmp12 - t1,
            tmp11 - t2,
            tmp10 - t3,
        ]
    };
    let mut natural = [0i64; 64];
    for i in 0..64 {
        natural[ZIGZAG[i]] = i64::from(coefficients[i]) * i64::from(quant[i]);
    }
    let mut workspace = [0i64; 64];
    for column in 0..8 {
        let input: [i64; 8] = std::array::from_fn(|row| natural[row * 8 + column]);
        let output = if input[1..].iter().all(|&v| v == 0) {
            [input[0] << pass1_bits; 8]
        } else {
            pass(input).map(|v| descale(v, CONST_BITS - pass1_bits))
        };
        for row in 0..8 {
            workspace[row * 8 + column] = output[row];
        }
    }
    let middle = 1i64 << (precision - 1);
    let top = (1i64 << precision) - 1;
    let mut samples = [0f32; 64];
    for row in 0..8 {
        let input: [i64; 8] = std::array::from_fn(|column| workspace[row * 8 + column]);
        let output = if input[1..].iter().all(|&v| v == 0) {
            [descale(input[0], pass1_bits + 3); 8]
        } else {
            pass(input).map(|v| descale(v, CONST_BITS + pass1_bits + 3))
        };
        for column in 0..8 {
            samples[row * 8 + column] = (output[column] + middle).clamp(0, top) as f32;
        }
    }
    samples
}

/// The quantised coefficients of 64 samples.
fn to_coefficients(
    samples: &[f32; 64],
    quant: &[u16; 64],
    factors: &[[f32; 8]; 8],
    precision: u8,
) -> [i32; 64] {
    let middle = f32::from(1u16 << (precision - 1));
    let mut horizontal = [0f32; 64];
    for y in 0..8 {
        for u in 0..8 {
            horizontal[y * 8 + u] = (0..8)
                .map(|x| factors[u][x] * (samples[y * 8 + x] - middle))
                .sum();
        }
    }
    let mut coefficients = [0i32; 64];
    for i in 0..64 {
        let (v, u) = (ZIGZAG[i] / 8, ZIGZAG[i] % 8);
        let sum: f32 = (0..8).map(|y| factors[v][y] * horizontal[y * 8 + u]).sum();
        coefficients[i] = (sum / f32::from(quant[i].max(1))).round() as i32;
    }
    coefficients
}

/// A region scaled from the picture's pixels to a component's samples, grown to whole samples.
fn scaled(region: Region, (h, h_max): (usize, usize), (v, v_max): (usize, usize)) -> Region {
    let scale = |value: u32, f: usize, f_max: usize, up: bool| {
        let product = value as usize * f;
        (if up {
            product.div_ceil(f_max)
        } else {
            product / f_max
        }) as u32
    };
    let (x0, y0) = (
        scale(region.x, h, h_max, false),
        scale(region.y, v, v_max, false),
    );
    let (x1, y1) = (
        scale(region.right(), h, h_max, true),
        scale(region.bottom(), v, v_max, true),
    );
    Region {
        x: x0,
        y: y0,
        width: x1 - x0,
        height: y1 - y0,
    }
}

/// Redacts one patch in one component: the blocks it touches, with a ring of one block around
/// them for the fill's surroundings, are shown as samples, redacted, and the touched ones coded
/// again. Returns the blocks changed.
fn redact_component(
    layout: &mut Layout,
    index: usize,
    patch: Patch,
    how: Redaction,
    factors: &[[f32; 8]; 8],
) -> Vec<usize> {
    let (h_max, v_max) = layout.max_sampling();
    let quant = layout.quant[layout.components[index].quant];
    let precision = layout.precision;
    let layout_ids: Vec<u8> = layout.components.iter().map(|c| c.id).collect();
    let c = &mut layout.components[index];
    let area = scaled(patch.area, (c.h, h_max), (c.v, v_max));
    let text = scaled(patch.text, (c.h, h_max), (c.v, v_max));
    if area.width == 0 || area.height == 0 {
        return Vec::new();
    }
    let last = |value: u32, blocks: usize| ((value as usize).saturating_sub(1) / 8).min(blocks - 1);
    let (bx0, by0) = (
        (area.x as usize / 8).min(c.wide - 1),
        (area.y as usize / 8).min(c.high - 1),
    );
    let (bx1, by1) = (last(area.right(), c.wide), last(area.bottom(), c.high));
    let (cx0, cy0) = (bx0.saturating_sub(1), by0.saturating_sub(1));
    let (cx1, cy1) = ((bx1 + 1).min(c.wide - 1), (by1 + 1).min(c.high - 1));
    let (width, height) = ((cx1 - cx0 + 1) * 8, (cy1 - cy0 + 1) * 8);
    let mut samples = vec![0u16; width * height];
    for by in cy0..=cy1 {
        for bx in cx0..=cx1 {
            let block = to_samples(&c.blocks[by * c.wide + bx], &quant, precision);
            for y in 0..8 {
                for x in 0..8 {
                    samples[((by - cy0) * 8 + y) * width + (bx - cx0) * 8 + x] =
                        block[y * 8 + x] as u16;
                }
            }
        }
    }
    let (left, top) = ((cx0 * 8) as u32, (cy0 * 8) as u32);
    let shift = |region: Region| Region {
        x: region.x.saturating_sub(left),
        y: region.y.saturating_sub(top),
        ..region
    };
    let local = Patch {
        text: shift(text),
        area: shift(area),
        face: patch.face,
    };
    let how = patch.redaction(how);
    if how == Redaction::Fill && is_colour_difference(&layout_ids, index) {
        // The darkest surroundings of a colour difference are a colour nobody chose: a fill is
        // neutral in colour, as dark as the brightness component makes it.
        for y in local.area.y..local.area.bottom() {
            for x in local.area.x..local.area.right() {
                samples[y as usize * width + x as usize] = 1 << (precision - 1);
            }
        }
    } else {
        Plane {
            samples: &mut samples,
            width: width as u32,
            height: height as u32,
            channels: 1,
            range: (0.0, f32::from(((1u32 << precision) - 1) as u16)),
            alpha: false,
            indexed: false,
            grain: true,
        }
        .redact(local, how);
    }
    let mut changed = Vec::new();
    for by in by0..=by1 {
        for bx in bx0..=bx1 {
            let mut block = [0f32; 64];
            for y in 0..8 {
                for x in 0..8 {
                    block[y * 8 + x] =
                        f32::from(samples[((by - cy0) * 8 + y) * width + (bx - cx0) * 8 + x]);
                }
            }
            c.blocks[by * c.wide + bx] = to_coefficients(&block, &quant, factors, precision);
            changed.push(by * c.wide + bx);
        }
    }
    changed
}

/// Whether a component holds a colour difference (Cb, Cr): the second and third of three,
/// unless they are named as Adobe names RGB ('R', 'G', 'B').
fn is_colour_difference(ids: &[u8], index: usize) -> bool {
    ids.len() == 3 && index > 0 && ids != b"RGB"
}

/// A decoded JPEG: its samples interleaved pixel by pixel, colour planes brought to full size.
pub struct Decoded {
    pub width: usize,
    pub height: usize,
    pub precision: u8,
    pub components: usize,
    pub samples: Vec<u16>,
}

/// Decodes a sequential JPEG of 8 or 12 bits. The colour planes are not converted: what they
/// hold (YCbCr, RGB) is for the caller to know.
pub fn decode(jpeg: &[u8]) -> Result<Decoded, String> {
    let mut layout = read_layout(jpeg)?;
    decode_scan(jpeg, &mut layout)?;
    let (h_max, v_max) = layout.max_sampling();
    let (width, height, count) = (layout.width, layout.height, layout.components.len());
    let mut samples = vec![0u16; width * height * count];
    for (index, c) in layout.components.iter().enumerate() {
        let quant = &layout.quant[c.quant];
        let plane_width = c.wide * 8;
        let mut plane = vec![0u16; plane_width * c.high * 8];
        for by in 0..c.high {
            for bx in 0..c.wide {
                let block = to_samples(&c.blocks[by * c.wide + bx], quant, layout.precision);
                for y in 0..8 {
                    let row = (by * 8 + y) * plane_width + bx * 8;
                    for x in 0..8 {
                        plane[row + x] = block[y * 8 + x] as u16;
                    }
                }
            }
        }
        for y in 0..height {
            let source = (y * c.v / v_max) * plane_width;
            for x in 0..width {
                samples[(y * width + x) * count + index] = plane[source + x * c.h / h_max];
            }
        }
    }
    Ok(Decoded {
        width,
        height,
        precision: layout.precision,
        components: count,
        samples,
    })
}

/// Redacts `patches`, in the stored picture's pixels, in a baseline JPEG's coefficients.
pub fn redact(jpeg: &[u8], patches: &[Patch], how: Redaction) -> Result<Redacted, String> {
    let mut layout = read_layout(jpeg)?;
    let end = decode_scan(jpeg, &mut layout)?;
    let factors = dct_factors();
    let mut changed = std::collections::BTreeSet::new();
    for &patch in patches {
        for index in 0..layout.components.len() {
            for block in redact_component(&mut layout, index, patch, how, &factors) {
                changed.insert((index, block));
            }
        }
    }
    let blocks = layout.components.iter().map(|c| c.blocks.len()).sum();

    // The file's own Huffman tables when they have a code for every symbol now needed;
    // otherwise the missing ones are made again for the scan, optimal.
    let mut needed = [[[0u32; 256]; 4]; 2];
    encode_scan(
        &layout,
        (&layout.dc_tables, &layout.ac_tables),
        None,
        &mut needed,
    );
    let mut tables = [layout.dc_tables.clone(), layout.ac_tables.clone()];
    let mut rebuilt = false;
    for (class, class_tables) in tables.iter_mut().enumerate() {
        for (id, table) in class_tables.iter_mut().enumerate() {
            let counts = &needed[class][id];
            let covered = |t: &Table| (0..256).all(|s| counts[s] == 0 || t.codes[s].1 > 0);
            if counts.iter().any(|&n| n > 0) && !table.as_ref().is_some_and(covered) {
                *table = Some(Table::optimal(counts)?);
                rebuilt = true;
            }
        }
    }
    let mut writer = BitWriter::default();
    let [dc_tables, ac_tables] = &tables;
    encode_scan(
        &layout,
        (dc_tables, ac_tables),
        Some(&mut writer),
        &mut needed,
    );

    let mut bytes = Vec::with_capacity(jpeg.len());
    if rebuilt {
        let mut at = 0;
        for segment in &layout.dht_segments {
            bytes.extend_from_slice(&jpeg[at..segment.start]);
            at = segment.end;
        }
        bytes.extend_from_slice(&jpeg[at..layout.sos]);
        let mut content = Vec::new();
        for (class, class_tables) in tables.iter().enumerate() {
            for (id, table) in class_tables.iter().enumerate() {
                if let Some(table) = table {
                    content.push((class as u8) << 4 | id as u8);
                    content.extend(table.specification());
                }
            }
        }
        bytes.extend([0xFF, 0xC4]);
        bytes.extend_from_slice(&((content.len() + 2) as u16).to_be_bytes());
        bytes.extend(content);
        bytes.extend_from_slice(&jpeg[layout.sos..layout.data.start]);
    } else {
        bytes.extend_from_slice(&jpeg[..layout.data.start]);
    }
    bytes.extend(writer.out);
    bytes.extend_from_slice(&jpeg[end..]);
    Ok(Redacted {
        bytes,
        blocks_changed: changed.len(),
        blocks,
    })
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    fn jpegs() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![
            root.join("fixtures/burned-in/photo_film.jpg"),
            root.join("fixtures/photos/phone_everything.jpg"),
            root.join("fixtures/photos/clean.jpg"),
        ];
        let corpus = root.join("../shared/corpus/photos/pillow");
        match std::fs::read_dir(&corpus) {
            Ok(entries) => files.extend(
                entries
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|e| e == "jpg")),
            ),
            Err(_) => eprintln!("the corpus is absent: only the project's own JPEGs are used"),
        }
        files
    }

    fn rgb(bytes: &[u8]) -> image::RgbImage {
        image::load_from_memory(bytes).unwrap().to_rgb8()
    }

    #[test]
    fn with_nothing_to_redact_every_block_is_coded_as_it_was() {
        let mut tried = 0;
        for path in jpegs() {
            let input = std::fs::read(&path).unwrap();
            match redact(&input, &[], Redaction::Blur) {
                Ok(output) => {
                    tried += 1;
                    assert_eq!(output.blocks_changed, 0);
                    assert!(output.bytes == input, "{}: other bytes", path.display());
                }
                Err(reason) => println!("{}: {reason}", path.display()),
            }
        }
        assert!(tried >= 3, "{tried} JPEGs could be read");
    }

    #[test]
    fn only_the_blocks_under_a_patch_change_and_the_text_is_gone() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        // The name on the film's label (fixtures/burned-in/gold.json), in 4:2:0.
        let name = "fixtures/burned-in/photo_film.jpg";
        let input = std::fs::read(root.join(name)).unwrap();
        let before = rgb(&input);
        let (width, height) = before.dimensions();
        let text = Region {
            x: 493,
            y: 109,
            width: 142,
            height: 28,
        };
        let area = text.padded(crate::pixels::margin(text), width, height);
        let patch = Patch {
            text,
            area,
            face: None,
        };
        for how in [Redaction::Blur, Redaction::Fill] {
            let output = redact(&input, &[patch], how).unwrap();
            assert!(output.blocks_changed > 0 && output.blocks_changed < output.blocks / 4);
            assert!(
                output.bytes.len() as f64 <= input.len() as f64 * 1.02,
                "{name}: {} bytes from {}",
                output.bytes.len(),
                input.len()
            );
            let after = rgb(&output.bytes);
            assert_eq!(after.dimensions(), before.dimensions());
            // Outside the MCUs the patch touches (16 pixels at most in 4:2:0), not one pixel
            // changes; inside the patch, nothing of what was there is left to read.
            let grown = area.padded(16 + 8, width, height);
            let mut moved_outside = 0;
            for (x, y, pixel) in after.enumerate_pixels() {
                let inside =
                    x >= grown.x && x < grown.right() && y >= grown.y && y < grown.bottom();
                if !inside && pixel != before.get_pixel(x, y) {
                    moved_outside += 1;
                }
            }
            assert_eq!(
                moved_outside, 0,
                "{name}: pixels changed away from the patch"
            );
            // Strokes are steps between neighbours: a few levels of noise are left, no edge.
            let steps = |image: &image::RgbImage| {
                let mut total = 0f32;
                let mut count = 0f32;
                for y in area.y..area.bottom() {
                    for x in area.x + 1..area.right() {
                        let (a, b) = (image.get_pixel(x - 1, y), image.get_pixel(x, y));
                        total += (0..3).map(|c| f32::from(a[c].abs_diff(b[c]))).sum::<f32>();
                        count += 3.0;
                    }
                }
                total / count
            };
            assert!(
                steps(&after) < 3.0 && steps(&after) < steps(&before) / 2.0,
                "{how:?}: steps of {} then {}",
                steps(&before),
                steps(&after)
            );
            if std::env::var_os("CAVIAR_KEEP").is_some() {
                after.save(format!("/tmp/dct-{how:?}.png")).unwrap();
            }
        }
    }

    #[test]
    fn damaged_jpegs_give_errors_not_panics() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let input = std::fs::read(root.join("fixtures/burned-in/photo_film.jpg")).unwrap();
        let area = Region {
            x: 10,
            y: 10,
            width: 40,
            height: 12,
        };
        let patch = Patch {
            text: area,
            area,
            face: None,
        };
        for cut in [0, 2, 100, 600, input.len() / 2, input.len() - 2] {
            let _ = redact(&input[..cut], &[patch], Redaction::Blur);
        }
        let mut flipped = input.clone();
        for at in (0..flipped.len()).step_by(flipped.len() / 300 + 1) {
            flipped[at] ^= 0x5A;
            let _ = redact(&flipped, &[patch], Redaction::Blur);
            flipped[at] ^= 0x5A;
        }
    }

    #[test]
    fn optimal_tables_give_every_counted_symbol_a_code() {
        let mut counts = [0u32; 256];
        for (symbol, count) in [(0u8, 500u32), (1, 3), (0x11, 1), (0xF0, 40), (0x3A, 1)] {
            counts[usize::from(symbol)] = count;
        }
        let table = Table::optimal(&counts).unwrap();
        for symbol in [0u8, 1, 0x11, 0xF0, 0x3A] {
            assert!(table.codes[usize::from(symbol)].1 > 0, "{symbol:#x}");
        }
        assert!(table.codes[0].1 <= table.codes[0x3A].1);
        let mut flat = [1u32; 256];
        flat[7] = 1_000_000;
        let long = Table::optimal(&flat).unwrap();
        assert!(
            long.codes
                .iter()
                .all(|&(_, length)| (1..=16).contains(&length))
        );
    }
}
