//! What `fixtures/planted.json` says was planted in a fixture's metadata: for the integration
//! tests and for the HEIF unit tests (`src/photo/heif.rs` declares it with `#[path]`), which
//! check the same values in the HEIC and AVIF that heif-enc made from the same JPEG.

use std::path::Path;

/// The values planted in the EXIF (GPS included) and XMP of the fixture at `path` (relative to
/// `fixtures/`), each with what it is.
pub fn in_metadata(path: &str) -> Vec<(String, Vec<u8>)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/planted.json");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(manifest).expect("fixtures/planted.json"))
            .expect("planted.json is JSON");
    let file = manifest["files"]
        .as_array()
        .expect("a list of files")
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} is not in planted.json"));
    file["planted"]
        .as_array()
        .expect("a list of planted values")
        .iter()
        .filter(|p| {
            let what = p["what"].as_str().unwrap_or_default();
            what.starts_with("EXIF") || what.starts_with("GPS") || what.starts_with("XMP")
        })
        .map(|p| {
            let hex = p["needle_hex"].as_str().expect("a needle");
            let needle = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                .collect();
            (p["what"].as_str().unwrap_or_default().to_string(), needle)
        })
        .collect()
}
