//! Photos: the fuzzer's bytes as they are through load → analyze → plan → apply → verify; the
//! format is recognised from the content, as for a real file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    caviar_fuzz::run("fuzz.jpg", data);
});
