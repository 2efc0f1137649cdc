//! The layers of `src/` stay layers: `scripts/module-graph.py` prints which module uses which
//! and fails when some use each other in a circle (`photo::exif` -> `photo::tiff` ->
//! `photo::exif` was one), which would mean that neither can be read or changed alone.

mod skip;

use std::process::Command;

#[test]
fn no_modules_use_each_other_in_a_circle() {
    let run = Command::new("python3")
        .arg("scripts/module-graph.py")
        .arg("--cycles")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    match run {
        Ok(run) => assert!(
            run.status.success(),
            "modules in a circle:\n{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        ),
        Err(_) => skip::skipped("python3 is missing"),
    }
}
