//! What the unit tests share: saying that a test did not test, the corpus beside the repository,
//! and running the reference tools that give the answers to compare with.

use std::path::{Path, PathBuf};

/// A test that could not test: a failure on CI (`CI` set), where what is not tested is tested
/// by nobody; a line on the error stream elsewhere, which `cargo test` shows.
pub fn skipped(reason: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "not tested on CI: {reason}"
    );
    eprintln!("skipped: {reason}");
}

/// A folder of `../shared/corpus`, or None (said) when the corpus is absent.
pub fn corpus(folder: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(folder);
    if path.is_dir() {
        Some(path)
    } else {
        skipped("../shared/corpus is absent");
        None
    }
}

/// Runs a reference tool on `input`, writing `output`; false (said) when the tool is not
/// installed, and a failure when it fails.
pub fn reference(tool: &str, package: &str, input: &Path, output: &Path) -> bool {
    match std::process::Command::new(tool)
        .arg(input)
        .arg(output)
        .output()
    {
        Ok(run) => {
            assert!(
                run.status.success(),
                "{tool}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
            true
        }
        Err(_) => {
            skipped(&format!("{tool} is missing (Debian: {package})"));
            false
        }
    }
}
