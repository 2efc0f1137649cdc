//! How the `pipeline` target turns its input into a file: four bytes an edit (operation,
//! position high and low byte, value) applied to a fixture. `tests/fuzz_regressions.rs` includes
//! this same file, so a saved input replays to exactly the bytes the fuzzer ran.

/// At most this many edits are applied; the rest of the input is ignored.
pub const MAX_EDITS: usize = 64;

pub fn apply(bytes: &mut Vec<u8>, edits: &[u8]) {
    for edit in edits.chunks_exact(4).take(MAX_EDITS) {
        if bytes.is_empty() {
            break;
        }
        let [op, high, low, value] = [edit[0], edit[1], edit[2], edit[3]];
        // The position is spread over the whole file whatever its size.
        let at = usize::from(u16::from_be_bytes([high, low])) * bytes.len() / 0x1_0000;
        match op % 8 {
            0..=2 => bytes[at] = value,
            3 => bytes[at] ^= value,
            4 => bytes.insert(at, value),
            5 => {
                let end = (at + usize::from(value) + 1).min(bytes.len());
                bytes.drain(at..end);
            }
            6 => bytes.truncate(at),
            _ => {
                // A run of the same byte: lengths and counts set to 0x00 or 0xFF.
                let end = (at + usize::from(value % 16) + 1).min(bytes.len());
                let fill = if value & 0x80 == 0 { 0x00 } else { 0xFF };
                bytes[at..end].fill(fill);
            }
        }
    }
}
