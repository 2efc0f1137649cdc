//! DICOM: the fuzzer's bytes as a `.dcm` file through load → analyze → plan → apply → verify.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    caviar_fuzz::run("fuzz.dcm", data);
});
